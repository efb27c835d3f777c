"""Telegram HTML: every reply is valid for Telegram, long ones split cleanly, buttons fit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.choose import load_flow
from bot.knowledge import Knowledge
from bot.matcher import Matcher
from bot.telegram.common import FEEDBACK, QUESTION, data, entry_reply
from bot.telegram.compare import ROWS, compare_html, row_html
from bot.telegram.html import bold, esc, reply_html, split_html
from bot.telegram.private import reply_keyboard, reply_text
from bot.tools.fakebotapi import ApiError, parse_html, utf16_len


def test_escaping_makes_user_text_literal() -> None:
    text = "<b>粗体</b> & <a href='x'>链接</a> 1 < 2 > 0 &amp;"
    assert parse_html(esc(text)) == text
    assert parse_html(bold(text)) == text


def test_the_validator_refuses_what_telegram_refuses() -> None:
    for bad in ("a < b", "a & b", "<b>open", "<div>x</div>", "<b><i>x</b></i>", "x > y"):
        with pytest.raises(ApiError):
            parse_html(bad)


def test_every_entry_renders_as_valid_html(knowledge: Knowledge) -> None:
    for entry in knowledge.entries:
        reply = entry_reply(knowledge, entry)
        html = reply_text(knowledge, reply)
        plain = parse_html(html)
        assert plain.startswith(entry.lead) and entry.answer in plain and "来源：" in plain
        assert utf16_len(plain) <= 4096


@pytest.mark.parametrize(
    "question",
    ["工资多少", "明天会下雨吗", "证书", "你好", "", "<script>&amp;", "全媒体运营师等级"],
)
def test_every_kind_of_reply_is_valid_html(
    knowledge: Knowledge, matcher: Matcher, question: str
) -> None:
    reply = matcher.ask(question)
    plain = parse_html(reply_html(knowledge, reply))
    assert plain.strip()
    if reply.kind == "both":
        assert "【互联网营销师】" in plain and "【全媒体运营师】" in plain


def test_callback_data_fits_for_every_entry_and_every_flow_option(knowledge: Knowledge) -> None:
    for entry in knowledge.entries:
        assert len(data(QUESTION, entry.id).encode()) <= 64
        assert len(data(FEEDBACK, entry.id, "down").encode()) <= 64
        for row in reply_keyboard(entry_reply(knowledge, entry)).inline_keyboard:  # type: ignore[union-attr]
            for button in row:
                assert len(str(button.callback_data).encode()) <= 64
    flow = load_flow(knowledge=knowledge)
    for step in flow.steps.values():
        for option in step.options:
            assert len(data("ch", "o", step.id, option.id).encode()) <= 64
    with pytest.raises(ValueError):
        data(QUESTION, "x" * 70)


def test_every_comparison_row_names_entries_that_exist(knowledge: Knowledge) -> None:
    for row in ROWS:
        assert row.facts and all(f in knowledge.by_id for f in row.facts), row.heading
        parse_html(row_html(row))
    parse_html(compare_html(knowledge))


# --- splitting -----------------------------------------------------------------------------------


def plain_parts(html: str, limit: int) -> list[str]:
    parts = split_html(html, limit)
    for part in parts:
        assert utf16_len(part) <= limit, part
    return [parse_html(p) for p in parts]


def test_short_messages_are_not_split() -> None:
    assert split_html("<b>一</b>\n\n二") == ["<b>一</b>\n\n二"]


def test_long_messages_split_at_paragraphs_first() -> None:
    paragraphs = [f"<b>第{i}段</b>\n" + esc("内容 & 说明。" * 40) for i in range(30)]
    html = "\n\n".join(paragraphs)
    parts = split_html(html)
    assert len(parts) > 1
    for part in parts:
        assert utf16_len(part) <= 4096
        assert part.startswith("<b>第") and part.endswith("。")  # whole paragraphs only
        parse_html(part)
    assert "\n\n".join(parts) == html


def test_a_line_longer_than_the_limit_is_cut_between_characters_not_inside_markup() -> None:
    html = "<b>" + esc("很长的一行&<>" * 50) + "</b>"
    plain = parse_html(html)
    parts = plain_parts(html, 100)
    assert len(parts) > 3
    assert "".join(parts) == plain


_texts = st.text(alphabet=st.sampled_from(list("互联网营销师 <>&\"'\n\nab1😀")), max_size=400)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_texts, st.booleans()), max_size=12), st.integers(40, 300))
def test_any_split_is_valid_and_loses_nothing(pieces: list[tuple[str, bool]], limit: int) -> None:
    html = "".join(bold(t) if b and t else esc(t) for t, b in pieces)
    if not html.strip("\n"):
        return
    original = parse_html(html)
    parts = plain_parts(html, limit)
    assert "".join(parts).replace("\n", "") == original.replace("\n", "")
