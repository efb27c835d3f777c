"""The guided choice: the flow file, the engine, and ``python -m bot choose``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

from bot.choose import (
    CLOSE_MARGIN,
    REASONS_HEADING,
    ChoiceResult,
    ChooseEngine,
    Flow,
    FlowOutput,
    FlowState,
    load_flow,
)
from bot.cli import main
from bot.knowledge import Knowledge, KnowledgeError
from bot.matcher import Matcher
from bot.telegram.choose import result_html
from bot.tools.fakebotapi import closed_view, phone_lines

CALLBACK_LIMIT = 64  # bytes of Telegram callback_data
CALLBACK_PREFIX = "choose:"  # room left for the adapter's own prefix


@pytest.fixture(scope="module")
def flow(knowledge: Knowledge) -> Flow:
    return load_flow(knowledge=knowledge)


@pytest.fixture(scope="module")
def engine(flow: Flow, knowledge: Knowledge, matcher: Matcher) -> ChooseEngine:
    return ChooseEngine(flow, knowledge, matcher)


def walk(engine: ChooseEngine, *typed: str) -> FlowOutput:
    """Start the flow and type each answer, as a person would."""
    out = engine.start()
    for text in typed:
        out = engine.reply(out.state, text)
        assert out.kind in ("step", "result"), (text, out.text)
    return out


def numbers_for(flow: Flow, answers: Mapping[str, str]) -> list[int]:
    """The 1-based option numbers ``choose --answers`` takes for these step → option ids."""
    numbers = []
    for step_id, option_id in answers.items():
        ids = [o.id for o in flow.steps[step_id].options]
        numbers.append(ids.index(option_id) + 1)
    return numbers


LIVE_SELLER = {
    "direction": "sell",
    "sell_focus": "live",
    "background": "ecommerce",
    "priority": "pay",
    "age": "adult",
    "education": "college4",
    "budget": "medium",
}


# --- the shipped flow ------------------------------------------------------------------------


def test_each_person_answers_four_to_seven_steps_of_two_to_five_options(flow: Flow) -> None:
    for step in flow.steps.values():
        assert 2 <= len(step.options) <= 5, step.id
        for option in step.options:
            data = f"{CALLBACK_PREFIX}{step.id}:{option.id}".encode()
            assert option.id.isascii() and len(data) <= CALLBACK_LIMIT, option.id
    assert all(4 <= len(path) <= 7 for path in flow.paths())


def test_every_path_through_the_engine_reaches_a_full_result(
    engine: ChooseEngine, flow: Flow, knowledge: Knowledge
) -> None:
    results = 0
    todo = [engine.start()]
    while todo:
        out = todo.pop()
        if out.kind == "result":
            results += 1
            result = out.result
            assert result is not None and out.state.finished
            assert 2 <= len(result.reasons) <= 4, out.state.answers
            ims, amo = result.scores["ims"], result.scores["amo"]
            expected = "both" if abs(ims - amo) <= CLOSE_MARGIN else "ims" if ims > amo else "amo"
            assert result.recommendation == expected
            assert set(result.levels) == {"ims", "amo"}
            assert {s.key for s in result.sources} == set(knowledge.sources)
            for reason in result.reasons:
                assert reason in result.text
            for heading in ("您可以从哪一级报起", "官方授权", "来源", "接下来您可以"):
                assert heading in result.text
            check_result_stays_inside_the_articles(flow, out.state.answers, result)
            closed = closed_view(result_html(result))
            assert phone_lines(closed) <= RESULT_MAX_LINES, closed
            continue
        assert out.kind == "step" and out.step is not None
        assert out.step.number <= out.step.total
        for option in out.step.options:
            todo.append(engine.choose(out.state, option.id))
    assert results == sum(1 for _ in flow.paths())


RESULT_MAX_LINES = 15  # phone lines of the result before its details are expanded
DISCLAIMER = "两篇文章没有直接说谁该考哪个证"


def check_result_stays_inside_the_articles(
    flow: Flow, answers: Mapping[str, str], result: ChoiceResult
) -> None:
    """The reasons listed under 依据您的回答 back the recommendation; the summary says that the
    articles do not say who should take which; under 18 it says to wait."""
    options = [flow.steps[s].option(o) for s, o in answers.items()]
    rec = result.recommendation
    backing = (
        result.details.split(REASONS_HEADING, 1)[1].split("\n\n")[0]
        if (REASONS_HEADING in result.details)
        else ""
    )
    for option in options:
        assert option is not None
        if option.reason is None or option.reason.text not in backing:
            continue
        ims, amo = option.weights["ims"], option.weights["amo"]
        if rec == "both":
            assert ims != amo, (answers, option.id)
        else:
            other = "amo" if rec == "ims" else "ims"
            assert option.weights[rec] > option.weights[other], (answers, option.id)
    assert DISCLAIMER in result.summary
    if answers.get("age") == "minor":
        assert result.summary.splitlines()[1].startswith("您还不满18周岁，先等满18周岁再报")


def test_no_weight_the_articles_do_not_support(flow: Flow) -> None:
    # The 2023 article gives both the same threshold, and says 新媒体运营 pays less than
    # 直播带货 while calling 全媒体运营师 its upgrade: neither favours a certificate.
    for step, option in (("background", "newmedia"), ("priority", "entry")):
        found = flow.steps[step].option(option)
        assert found is not None and found.weights == {"ims": 0, "amo": 0}, option


def test_every_text_of_the_flow_dates_the_article_it_quotes(flow: Flow) -> None:
    texts = [o.reason.text for s in flow.steps.values() for o in s.options if o.reason]
    texts += [o.notice.text for s in flow.steps.values() for o in s.options if o.notice]
    r = flow.result
    texts += [t.text for t in (*r.headlines.values(), r.decide, r.register, r.caution)]
    texts += [t.text for t in (*r.notes, *r.extra_reasons)]
    for text in texts:
        assert not re.search(r"20(22|23)年的文章", text), text  # a year alone is not a date
        assert "36氪的文章" not in text, text


def test_content_work_with_pay_first_is_not_told_all_media_operator_for_pay(
    engine: ChooseEngine,
) -> None:
    # Content work leans to 全媒体运营师, pay to 互联网营销师, a new-media background to neither.
    out = walk(engine, "2", "1", "新媒体", "收入高", "1", "3", "4")
    result = out.result
    assert result is not None and result.recommendation == "both"
    assert result.scores == {"ims": 3, "amo": 5}
    assert "分不出高下" in result.summary and "怎么决定：" in result.details
    assert "文章没有说做新媒体的人该考哪一个" in result.details


# --- personas --------------------------------------------------------------------------------


def test_live_seller_who_wants_pay_is_told_internet_marketer(engine: ChooseEngine) -> None:
    out = walk(engine, "卖货", "在直播间带货", "电商", "收入高", "是", "大专及以上，工作满4年", "2")
    result = out.result
    assert result is not None and result.recommendation == "ims"
    assert result.text.startswith("【选择结果】\n建议先考互联网营销师")
    reasons = "\n".join(result.reasons)
    assert "直播销售员" in reasons
    assert "¥12.8K" in reasons and "¥6.2K" in reasons and "职工集" in reasons
    # Levels name both articles, with dates, because they disagree.
    assert "36氪（2022-02-10）：可以报四级（中级工）" in result.text
    assert "山东专升本信息网（2023-01-18）" in result.text
    assert "五级（初级工）2180元、四级（中级工）2480元" in result.text


def test_new_media_editor_broadening_skills_is_told_all_media_operator(
    engine: ChooseEngine,
) -> None:
    out = walk(
        engine, "2", "多渠道分发传播、搭建传播矩阵", "新媒体", "技能全面、更综合", "1", "3", "4"
    )
    result = out.result
    assert result is not None and result.recommendation == "amo"
    assert "建议先考全媒体运营师" in result.text
    assert any("传播矩阵" in r for r in result.reasons)
    assert any("升级版" in r for r in result.reasons)
    # Whatever is recommended, the pay gap is shown, with its caveat.
    assert "收入参考" in result.text and "¥6.2K" in result.text and "职工集" in result.text


def test_undecided_student_gets_both_with_a_way_to_decide(engine: ChooseEngine) -> None:
    out = walk(engine, "还没想好", "在校学生或刚毕业", "说不上来", "已满18周岁", "3", "还没想过")
    result = out.result
    assert result is not None and result.recommendation == "both"
    assert "两个证分不出高下" in result.summary and "怎么决定：" in result.details
    assert "更想卖货" in result.details and "更想做内容策划" in result.details
    assert len(result.reasons) >= 2
    assert any("90后" in r for r in result.reasons)


def test_close_scores_give_both_rather_than_a_coin_toss(engine: ChooseEngine) -> None:
    # E-commerce background alone leans 2 points towards 互联网营销师: too little to decide on.
    out = walk(engine, "还没想好", "电商", "说不上来", "1", "3", "4")
    result = out.result
    assert result is not None and result.scores == {"ims": 2, "amo": 0}
    assert result.recommendation == "both"
    assert "两个证分不出高下" in result.summary and "怎么决定：" in result.details


def test_under_18_is_told_neither_source_lets_them_register_yet(engine: ChooseEngine) -> None:
    out = walk(engine, "3", "3", "5", "还不满18周岁", "4")
    result = out.result
    assert result is not None
    assert result.notices and "还不满18周岁" in result.notices[0]
    # the headline says to wait, not that both fit
    headline = result.summary.splitlines()[1]
    assert headline.startswith("您还不满18周岁，先等满18周岁再报") and "2023年1月" in headline
    assert "都适合" not in result.text and "分不出高下" not in headline
    ims_2023 = next(a for a in result.levels["ims"] if a.source.key == "sdzsb_2023")
    assert ims_2023.start.startswith("现在还不能报")
    assert result.levels["amo"][0].start.startswith("现在还不能报")


def test_without_junior_school_the_2022_rules_allow_no_level(engine: ChooseEngine) -> None:
    out = walk(engine, "1", "1", "2", "1", "1", "初中以下", "4")
    assert out.result is not None
    kr36 = next(a for a in out.result.levels["ims"] if a.source.key == "kr36_2022")
    assert kr36.start.startswith("还不够报五级")


# --- navigation ------------------------------------------------------------------------------


def test_back_changes_the_result(engine: ChooseEngine) -> None:
    out = walk(engine, "3", "3", "收入高", "1", "3", "4")
    assert out.result is not None and out.result.recommendation == "ims"
    for expected in ("budget", "education", "age", "priority"):
        out = engine.back(out.state)
        assert out.kind == "step" and out.step is not None and out.step.id == expected
        assert not out.state.finished
    assert "priority" not in out.state.answers
    for text in ("技能全面、更综合", "1", "3", "4"):
        out = engine.reply(out.state, text)
    assert out.result is not None and out.result.recommendation == "amo"


def test_back_on_the_first_step_stays_there(engine: ChooseEngine) -> None:
    out = engine.back(engine.start().state)
    assert out.kind == "step" and out.step is not None and out.step.number == 1


def test_restart_forgets_the_answers(engine: ChooseEngine) -> None:
    mid = walk(engine, "1", "1", "2")
    assert mid.state.answers
    out = engine.restart()
    assert out.kind == "step" and out.state.answers == {}
    assert out.step is not None and out.step.id == "direction"


def test_cancel_leaves_the_flow(engine: ChooseEngine) -> None:
    out = engine.cancel(walk(engine, "1", "1").state)
    assert out.kind == "cancelled" and out.state.answers == {}
    assert "/choose" in out.text


@pytest.mark.parametrize("typed", ["9", "0", "随便写点啥", "", "好的"])
def test_an_answer_that_is_no_option_reprompts(engine: ChooseEngine, typed: str) -> None:
    before = walk(engine, "1", "1")
    out = engine.reply(before.state, typed)
    assert out.kind == "reprompt"
    assert out.state == before.state
    assert out.step is not None and out.step.id == "background"
    assert "1–4" in out.text and "您现在的情况是？" in out.text


def test_a_stale_or_unknown_button_reprompts(engine: ChooseEngine) -> None:
    before = walk(engine, "1", "1")
    stale = engine.choose(before.state, "sell_focus:live")
    unknown = engine.choose(before.state, "nope")
    assert stale.kind == unknown.kind == "reprompt"
    assert stale.state == unknown.state == before.state
    assert engine.choose(before.state, "background:student").state.answers["background"] == (
        "student"
    )


@pytest.mark.parametrize("typed", ["２", "第2个", "2.", "在做电商、销售或直播相关的工作", "电商"])
def test_typed_answers_by_number_label_or_word(engine: ChooseEngine, typed: str) -> None:
    out = engine.reply(walk(engine, "1", "1").state, typed)
    assert out.kind == "step" and out.state.answers["background"] == "ecommerce"


def test_a_question_mid_flow_is_answered_and_the_step_shown_again(
    engine: ChooseEngine,
) -> None:
    before = walk(engine, "1", "1")
    out = engine.reply(before.state, "互联网营销师工资多少")
    assert out.kind == "answer"
    assert out.reply is not None and out.reply.entry_id == "ims.salary"
    assert out.state == before.state
    assert out.step is not None and out.step.id == "background"
    assert out.text.index("¥12.8K") < out.text.index("您现在的情况是？")
    assert engine.reply(out.state, "2").state.answers["background"] == "ecommerce"


def test_state_survives_json_mid_flow(engine: ChooseEngine) -> None:
    mid = walk(engine, "1", "1", "2")
    stored = json.dumps(mid.state.to_dict())
    state = FlowState.from_dict(json.loads(stored))
    assert state == mid.state
    resumed = engine.reply(state, "收入高")
    assert resumed.step is not None and resumed.step.id == "age" and resumed.step.number == 5
    for text in ("1", "4", "2"):
        resumed = engine.reply(resumed.state, text)
    straight = walk(engine, "1", "1", "2", "收入高", "1", "4", "2")
    assert resumed.result is not None and straight.result is not None
    assert resumed.result.text == straight.result.text


@pytest.mark.parametrize(
    "garbage",
    [None, "x", [], {"answers": "x"}, {"answers": {"direction": 3}}, {"step": 5, "answers": []}],
)
def test_garbage_state_becomes_a_fresh_start(engine: ChooseEngine, garbage: object) -> None:
    state = FlowState.from_dict(garbage)
    assert state == FlowState()
    assert engine.reply(state, "1").state.answers == {"direction": "sell"}


def test_answers_that_do_not_fit_the_flow_are_dropped(engine: ChooseEngine) -> None:
    state = FlowState.from_dict({"step": "age", "answers": {"direction": "sell", "age": "adult"}})
    out = engine.reply(state, "1")
    assert out.state.answers == {"direction": "sell", "sell_focus": "live"}


# --- broken flow files -----------------------------------------------------------------------


def _break(kb: Path, old: str, new: str) -> int:
    """Replace ``old`` once in choose.yaml; return the 1-based line where it started."""
    path = kb / "choose.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _line_of(kb: Path, needle: str) -> int:
    lines = (kb / "choose.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def _problems(kb: Path, knowledge: Knowledge) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_flow(kb, knowledge)
    return info.value.problems


def test_unknown_next_step(kb_copy: Path, knowledge: Knowledge) -> None:
    _break(kb_copy, "        next: sell_focus\n", "        next: fees\n")
    line = _line_of(kb_copy, "- id: sell")
    expected = (
        f"knowledge/choose.yaml:{line}: option 'sell' of step 'direction' points to no step 'fees'"
    )
    assert expected in _problems(kb_copy, knowledge)


def test_option_without_weights(kb_copy: Path, knowledge: Knowledge) -> None:
    aliases = "        aliases: [不知道, 没想好, 都行, 不确定]\n"
    _break(kb_copy, aliases + "        weights: {ims: 0, amo: 0}\n", aliases)
    line = _line_of(kb_copy, "- id: unsure")
    expected = f"knowledge/choose.yaml:{line}: option 'unsure' of step 'direction' has no weights"
    assert _problems(kb_copy, knowledge) == [expected]


def test_unreachable_step(kb_copy: Path, knowledge: Knowledge) -> None:
    _break(kb_copy, "        next: media_focus\n", "        next: background\n")
    line = _line_of(kb_copy, "- id: media_focus")
    expected = (
        f"knowledge/choose.yaml:{line}: step 'media_focus' cannot be reached from 'direction'"
    )
    assert _problems(kb_copy, knowledge) == [expected]


def test_cycle(kb_copy: Path, knowledge: Knowledge) -> None:
    _break(kb_copy, "  - id: budget\n", "  - id: budget\n    next: priority\n")
    line = _line_of(kb_copy, "- id: budget")
    problems = _problems(kb_copy, knowledge)
    assert len(problems) == 1
    assert problems[0].startswith(f"knowledge/choose.yaml:{line}: step 'budget' leads back to")
    assert "priority → age → education → budget → priority" in problems[0]


def test_reason_naming_an_unknown_fact(kb_copy: Path, knowledge: Knowledge) -> None:
    line = _break(kb_copy, "facts: [ims.job.live_seller]", "facts: [ims.no_such_fact]")
    expected = (
        f"knowledge/choose.yaml:{line - 1}: reason of option 'live' of step 'sell_focus' "
        "names unknown fact 'ims.no_such_fact'"
    )
    assert _problems(kb_copy, knowledge) == [expected]


def test_result_naming_an_unknown_fact(kb_copy: Path, knowledge: Knowledge) -> None:
    facts = "facts: [both.registration, training.providers]"
    _break(kb_copy, facts, "facts: [both.registration, training.nowhere]")
    (problem,) = _problems(kb_copy, knowledge)
    assert re.fullmatch(
        r"knowledge/choose\.yaml:\d+: result 'caution' names unknown fact 'training\.nowhere'",
        problem,
    )


def test_a_number_no_fact_gives(kb_copy: Path, knowledge: Knowledge) -> None:
    _break(kb_copy, "平均工资¥12.8K（10K-15K的人最多）", "平均工资¥13.8K（10K-15K的人最多）")
    (problem,) = _problems(kb_copy, knowledge)
    assert "reason of option 'pay' of step 'priority' states 13.8" in problem


def test_too_many_options_and_duplicate_ids(kb_copy: Path, knowledge: Knowledge) -> None:
    _break(
        kb_copy,
        "      - id: unsure\n",
        "      - id: sell\n        label: 再卖一次\n        weights: {ims: 1, amo: 0}\n"
        "      - id: a1\n        label: 甲\n        weights: {ims: 0, amo: 0}\n"
        "      - id: a2\n        label: 乙\n        weights: {ims: 0, amo: 0}\n"
        "      - id: unsure\n",
    )
    problems = _problems(kb_copy, knowledge)
    assert any("step 'direction' has 6 options; a step needs 2 to 5" in p for p in problems)
    assert any("duplicate option 'sell' of step 'direction'" in p for p in problems)


@pytest.mark.slow
def test_kb_check_fails_on_a_broken_flow(kb_copy: Path) -> None:
    _break(kb_copy, "        next: sell_focus\n", "        next: fees\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--knowledge", str(kb_copy), "kb", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "choose.yaml:" in done.stderr and "points to no step 'fees'" in done.stderr
    assert "Traceback" not in done.stderr


# --- python -m bot choose --------------------------------------------------------------------


def test_choose_json_contract(flow: Flow, capsys: pytest.CaptureFixture[str]) -> None:
    numbers = ",".join(str(n) for n in numbers_for(flow, LIVE_SELLER))
    assert main(["choose", "--answers", numbers, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"recommendation", "scores", "reasons", "levels", "sources"}
    assert data["recommendation"] == "ims"
    assert data["scores"] == {"ims": 10, "amo": 0}
    assert 2 <= len(data["reasons"]) <= 4 and all(isinstance(r, str) for r in data["reasons"])
    assert [a["source"] for a in data["levels"]["ims"]] == ["kr36_2022", "sdzsb_2023"]
    assert data["levels"]["ims"][0]["start"].startswith("可以报四级")
    assert {s["date"] for s in data["sources"]} == {"2022-02-10", "2023-01-18"}
    assert all(s["url"].startswith("http") for s in data["sources"])


def test_choose_prints_the_result_text(flow: Flow, capsys: pytest.CaptureFixture[str]) -> None:
    numbers = ",".join(str(n) for n in numbers_for(flow, LIVE_SELLER))
    assert main(["choose", "--answers", numbers]) == 0
    assert "建议先考互联网营销师" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ("1,9", "第2题"),
        ("1,1", "回答太少"),
        ("1,1,2,1,1,4,2,3", "回答太多"),
        ("1,x", "逗号分隔"),
        ("", "逗号分隔"),
    ],
)
def test_choose_bad_answers_exit_2_with_one_line(
    answers: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["choose", "--answers", answers]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and message in lines[0]


@pytest.mark.slow
def test_choose_error_has_no_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "choose", "--answers", "7"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("错误：") and "Traceback" not in done.stderr
