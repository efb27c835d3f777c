"""Replies as a person reads them: the direct answer first, one source line, made for a phone.

The closed view is what Telegram shows before anyone taps the expandable quote (its first three
lines); it is measured in phone lines of about 35 Chinese characters (fakebotapi.phone_lines).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from kbfiles import break_file, load_problems

from bot.knowledge import LEAD_MAX_LENGTH, Entry, Knowledge
from bot.matcher import Matcher, Reply
from bot.render import render_text
from bot.telegram.common import entry_reply
from bot.telegram.compare import ROWS, compare_html
from bot.telegram.private import reply_text
from bot.tools.fakebotapi import ApiError, closed_view, parse_html, phone_lines

ANSWER_MEDIAN, ANSWER_MAX = 6, 10
COMPARE_MAX = 25
# What a yes/no lead may start with: what the articles allow one to say.
YES_NO_OPENINGS = ("能", "可以", "不能", "不高", "不是", "是", "两篇文章说法不一", "文章")


def closed_lines(html: str) -> int:
    return phone_lines(closed_view(html))


def both_replies(knowledge: Knowledge) -> list[Reply]:
    """A side-by-side reply for every topic both certificates have an entry on."""
    replies = []
    for topic in sorted({e.topic for e in knowledge.entries}):
        ims = [e for e in knowledge.entries if e.topic == topic and e.certs == ("ims",)]
        amo = [e for e in knowledge.entries if e.topic == topic and e.certs == ("amo",)]
        if ims and amo:
            reply = entry_reply(knowledge, ims[0])
            replies.append(
                Reply(
                    kind="both",
                    query=topic,
                    entries=(ims[0], amo[0]),
                    score=100.0,
                    suggestions=reply.suggestions,
                    context=reply.context,
                )
            )
    return replies


# --- the lead --------------------------------------------------------------------------------------


def test_every_entry_leads_with_a_short_direct_answer(knowledge: Knowledge) -> None:
    for entry in knowledge.entries:
        assert entry.lead and len(entry.lead) <= LEAD_MAX_LENGTH, entry.id
        assert "\n" not in entry.lead and entry.lead not in entry.answer, entry.id


@pytest.mark.parametrize(
    ("entry_id", "opening"),
    [
        ("ims.skip_level", "可以"),
        ("both.registration", "不能直接报"),
        ("training.barrier", "不高"),
        ("ims.value", "两篇文章说法不一"),
        ("ims.eligibility", "两篇文章说法不一"),
    ],
)
def test_a_yes_no_question_gets_its_answer_first(
    knowledge: Knowledge, entry_id: str, opening: str
) -> None:
    assert knowledge.entry(entry_id).lead.startswith(opening)


def test_every_yes_no_question_starts_with_what_the_articles_allow(knowledge: Knowledge) -> None:
    for entry in knowledge.entries:
        if entry.question.rstrip("？?").endswith(("吗", "能直接报考")):
            assert entry.lead.startswith(YES_NO_OPENINGS), (entry.id, entry.lead)


def test_where_the_articles_disagree_the_lead_says_so_with_dates(knowledge: Knowledge) -> None:
    lead = knowledge.entry("ims.eligibility").lead
    assert lead.startswith("两篇文章说法不一") and "2022年2月" in lead and "2023年1月" in lead


def _line_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_an_entry_without_a_lead_is_refused_with_file_and_line(kb_copy: Path) -> None:
    path = kb_copy / "entries" / "amo.yaml"
    lead = next(line for line in path.read_text(encoding="utf-8").splitlines() if "lead:" in line)
    line = _line_of(path, "- id: amo.definition")
    break_file(path, lead + "\n", "")
    assert f"knowledge/entries/amo.yaml:{line}: entry 'amo.definition' is missing 'lead'" in (
        load_problems(kb_copy)
    )


def test_a_lead_over_80_characters_is_refused_at_its_line(kb_copy: Path) -> None:
    path = kb_copy / "entries" / "ims.yaml"
    old = "  lead: 李佳琦等人是官方特批的互联网营销师二级，也就是技师级。"
    line = _line_of(path, old)
    break_file(path, old, old + "文章" * 30)
    (problem,) = load_problems(kb_copy)
    assert problem.startswith(f"knowledge/entries/ims.yaml:{line}: entry 'people.lijiaqi'")
    assert "lead of 87 characters; at most 80" in problem


def test_kb_check_refuses_a_missing_lead_without_a_traceback(kb_copy: Path) -> None:
    break_file(kb_copy / "entries" / "compare.yaml", "  lead: ", "  leed: ")
    run = subprocess.run(
        [sys.executable, "-m", "bot", "--knowledge", str(kb_copy), "kb", "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "knowledge/entries/compare.yaml:" in run.stderr
    assert "is missing 'lead'" in run.stderr and "unknown field(s): leed" in run.stderr


# --- plain text: the whole reply ---------------------------------------------------------------


def test_plain_text_is_lead_then_detail_then_one_source_line(
    knowledge: Knowledge, matcher: Matcher
) -> None:
    reply = matcher.ask("互联网营销师工资多少")
    entry = knowledge.entry("ims.salary")
    text = render_text(knowledge, reply)
    assert text.startswith(entry.lead)
    assert text.index(entry.answer) > text.index(entry.lead)
    assert "\n来源：山东专升本信息网，2023-01-18\n" in text
    assert text.count("来源：") == 1 and "《" not in text.split("来源：")[1]


def test_a_reply_from_both_articles_names_both_in_one_line(knowledge: Knowledge) -> None:
    text = render_text(knowledge, entry_reply(knowledge, knowledge.entry("ims.eligibility")))
    assert "来源：36氪，2022-02-10；山东专升本信息网，2023-01-18" in text


def test_single_source_answers_do_not_repeat_the_source_line(knowledge: Knowledge) -> None:
    for entry in knowledge.entries:
        if len(entry.sources) == 1:
            for said in ("据2023年1月山东专升本信息网的文章", "据36氪2022年2月的文章"):
                assert said not in entry.lead + entry.answer, entry.id


# --- Telegram: the closed view ------------------------------------------------------------------


def test_telegram_shows_the_lead_the_source_line_and_folds_the_detail(
    knowledge: Knowledge, matcher: Matcher
) -> None:
    html = reply_text(knowledge, matcher.ask("全媒体运营师有几个等级"))
    entry = knowledge.entry("amo.levels")
    closed = closed_view(html)
    lines = closed.splitlines()
    assert lines[0] == entry.lead
    assert lines[-1] == "来源：山东专升本信息网，2023-01-18"
    assert '<a href="http://www.sdzsb8.cn/baike/72315.html">山东专升本信息网</a>' in html
    assert f"<blockquote expandable>{entry.answer}</blockquote>" in html
    assert entry.answer in parse_html(html)  # all of it is there once expanded


def test_what_is_missing_for_a_second_question_comes_after_the_answer(
    knowledge: Knowledge, matcher: Matcher
) -> None:
    reply = matcher.ask("全媒体运营师一个月拿多少 够不够在杭州租房")
    lead = knowledge.entry("amo.salary").lead
    for text in (render_text(knowledge, reply), closed_view(reply_text(knowledge, reply))):
        lines = text.splitlines()
        assert lines[0] == lead
        missing = next(i for i, line in enumerate(lines) if "您问的另一点" in line)
        source = next(i for i, line in enumerate(lines) if line.startswith("来源："))
        assert "分城市" in lines[missing] and 0 < missing < source


def test_a_long_detail_shows_only_its_first_three_lines_closed(knowledge: Knowledge) -> None:
    entry = knowledge.entry("ims.eligibility")
    closed = closed_view(reply_text(knowledge, entry_reply(knowledge, entry)))
    assert "满18周岁" in closed.splitlines()[0]  # the lead
    assert "一级是高级技师" not in closed and "报考前请向官方授权的机构确认" not in closed
    assert closed.splitlines()[-1] == "来源：36氪，2022-02-10；山东专升本信息网，2023-01-18"


def test_the_fake_server_takes_expandable_quotes_as_telegram_does() -> None:
    assert parse_html("答<blockquote expandable>细节 &amp; 更多</blockquote>来源") == (
        "答细节 & 更多来源"
    )
    assert parse_html("<blockquote>引用</blockquote>") == "引用"
    for bad in (
        "<blockquote expandable>开<blockquote>套</blockquote></blockquote>",
        "<blockquote expandable>没有关上",
        "<blockquote expandable><b>交错</blockquote></b>",
    ):
        with pytest.raises(ApiError):
            parse_html(bad)
    closed = closed_view("答\n<blockquote expandable>" + "一\n" * 6 + "七</blockquote>\n来源")
    assert closed == "答\n一\n一\n一…\n来源"


# --- length targets ------------------------------------------------------------------------------


def test_answers_fit_a_phone_screen_closed(knowledge: Knowledge) -> None:
    replies = [entry_reply(knowledge, e) for e in knowledge.entries] + both_replies(knowledge)
    sizes = {r.entries[0].id + ("+" if r.kind == "both" else ""): 0 for r in replies}
    for reply in replies:
        html = reply_text(knowledge, reply)
        sizes[reply.entries[0].id + ("+" if reply.kind == "both" else "")] = closed_lines(html)
    over = {k: v for k, v in sizes.items() if v > ANSWER_MAX}
    assert not over, over
    assert statistics.median(sizes.values()) <= ANSWER_MEDIAN, sorted(sizes.items())


def test_the_comparison_fits_25_phone_lines(knowledge: Knowledge) -> None:
    html = compare_html(knowledge)
    assert closed_lines(html) <= COMPARE_MAX, closed_view(html)


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def _known(knowledge: Knowledge, facts: tuple[str, ...]) -> set[str]:
    entries: list[Entry] = [knowledge.entry(f) for f in facts]
    found = set().union(*(_numbers(e.lead + e.answer) for e in entries))
    for key in {s for e in entries for s in e.sources}:
        source = knowledge.sources[key]
        found |= {str(int(p)) for p in source.date.split("-")} | _numbers(source.short_publisher)
    return found


def test_every_comparison_figure_comes_from_its_entries_with_its_date(
    knowledge: Knowledge,
) -> None:
    for row in ROWS:
        text = row.heading + row.note + row.ims + row.amo + row.shared
        assert _numbers(text) <= _known(knowledge, row.facts), row.heading
    plain = parse_html(compare_html(knowledge))
    assert "来源：36氪，2022-02-10；山东专升本信息网，2023-01-18" in plain
    assert "🟠 ¥12.8K" in plain and "🔵 ¥6.2K" in plain
    # each figure or rule keeps its article's date
    assert "平均工资（2023年1月的文章，职工集数据，仅供参考）" in plain
    assert "平台管理员三个，2022年2月的文章" in plain
    assert "个人不能直接报（2023年1月的文章）" in plain


# --- saying exactly what the articles say ---------------------------------------------------------


def test_asked_about_recognition_it_says_what_the_articles_say_and_what_they_do_not(
    knowledge: Knowledge, matcher: Matcher
) -> None:
    reply = matcher.ask("这两个证国家认可吗")
    assert reply.entry_id == "both.official"
    lead = reply.entries[0].lead
    assert "《国家职业分类大典》" in lead and "新职业" in lead and "没有谈" in lead


def test_a_missing_specific_is_said_before_the_nearest_fact(matcher: Matcher) -> None:
    reply = matcher.ask("互联网营销师北京报名费多少")
    assert reply.entry_id == "ims.price"
    lead = reply.entries[0].lead
    assert lead.startswith("文章没有官方或分地区的收费标准")
    assert lead.index("分地区") < lead.index("2180")


def test_levels_are_counted_not_numbered(knowledge: Knowledge) -> None:
    difference = knowledge.entry("compare.difference").answer
    assert "证书五级" not in difference and "平台管理员只有三个等级" in difference
    assert "享受国家职称待遇" in knowledge.entry("ims.levels").lead


def test_observations_of_2022_carry_their_date(knowledge: Knowledge) -> None:
    from bot.choose import load_flow

    assert "2022年2月" in knowledge.entry("training.providers").lead
    caution = load_flow(knowledge=knowledge).result.caution.text
    assert caution.index("2022年2月") < caution.index("报名入口")


def test_no_fee_is_implied_for_the_all_media_operator() -> None:
    from bot.render import CAN_ANSWER, GREETINGS
    from bot.telegram.private import WELCOME

    for text in (CAN_ANSWER, GREETINGS["hello"], WELCOME):
        assert "报名方式和费用" not in text
