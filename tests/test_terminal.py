"""The terminal conversation: questions, and the guided choice with b / r / q."""

from __future__ import annotations

import io

import pytest

from bot.knowledge import Knowledge
from bot.matcher import Matcher
from bot.terminal import BYE, ChatSession, run_chat

FIRST_QUESTION = "您更想往哪个方向发展？"


@pytest.fixture
def session(knowledge: Knowledge, matcher: Matcher) -> ChatSession:
    return ChatSession(knowledge, matcher)


def say(session: ChatSession, *lines: str) -> str:
    """Type each line; return the bot's reply to the last one."""
    shown = ""
    for line in lines:
        shown = session.handle(line)
    return shown


def test_a_question_is_answered_with_its_source(session: ChatSession) -> None:
    shown = say(session, "互联网营销师工资多少")
    assert "¥12.8K" in shown and "来源" in shown


def test_help_mentions_the_choice(session: ChatSession) -> None:
    assert "/choose" in say(session, "/help")


def test_choose_shows_numbered_options_and_the_keys(session: ChatSession) -> None:
    shown = say(session, "/choose")
    assert FIRST_QUESTION in shown
    assert "1. 卖货" in shown and "3. 还没想好" in shown
    assert "b 上一步" in shown and "r 重新开始" in shown and "q 退出选择" in shown


def test_live_seller_conversation_ends_with_a_sourced_recommendation(
    session: ChatSession,
) -> None:
    shown = say(session, "/choose", "1", "1", "2", "1", "1", "4", "2")
    assert "建议先考互联网营销师" in shown
    assert "职工集" in shown and "来源：36氪，2022-02-10；山东专升本信息网，2023-01-18" in shown
    assert "完整对比" in shown and "/choose" in shown


def test_b_goes_back_and_a_new_answer_changes_the_result(session: ChatSession) -> None:
    first = say(session, "/choose", "3", "3", "1", "1", "3", "4")
    assert "建议先考互联网营销师" in first
    shown = say(session, "b", "b", "b", "b")
    assert "选证书时，您最看重什么？" in shown
    second = say(session, "3", "1", "3", "4")
    assert "建议先考全媒体运营师" in second


def test_r_restarts(session: ChatSession) -> None:
    shown = say(session, "/choose", "1", "1", "r")
    assert FIRST_QUESTION in shown and "第1题" in shown


def test_q_leaves_the_choice_but_not_the_conversation(session: ChatSession) -> None:
    shown = say(session, "/choose", "1", "q")
    assert "已退出选择" in shown and not session.closed
    # Outside the choice, "1" is no longer an answer and q ends the conversation.
    assert "第2题" not in say(session, "1")
    assert say(session, "q") == BYE and session.closed


def test_an_answer_that_is_no_option_reprompts(session: ChatSession) -> None:
    shown = say(session, "/choose", "7")
    assert "“7”不是这一题的选项" in shown and FIRST_QUESTION in shown


def test_a_question_mid_flow_is_answered_then_the_step_comes_back(
    session: ChatSession,
) -> None:
    shown = say(session, "/choose", "1", "全媒体运营师要什么学历")
    assert "满18周岁" in shown
    assert shown.index("满18周岁") < shown.index("卖货这块，最吸引您的是哪一种？")
    assert "第3题" in say(session, "2")


def test_after_the_result_full_comparison_and_questions_work(session: ChatSession) -> None:
    say(session, "/choose", "1", "1", "2", "1", "1", "4", "2")
    assert say(session, "完整对比").startswith("方向不同：")
    assert "¥6.2K" in say(session, "全媒体运营师工资多少")


def test_run_chat_over_pipes(knowledge: Knowledge) -> None:
    stdin = io.StringIO("/choose\n2\n3\n1\n3\n1\n4\n4\n/quit\n")
    stdout = io.StringIO()
    assert run_chat(knowledge, stdin, stdout) == 0
    text = stdout.getvalue()
    assert "建议先考全媒体运营师" in text
    assert text.rstrip().endswith(BYE)


def test_run_chat_ends_at_end_of_input(knowledge: Knowledge) -> None:
    stdout = io.StringIO()
    assert run_chat(knowledge, io.StringIO("/choose\n1\n"), stdout) == 0
    assert "卖货这块" in stdout.getvalue() and stdout.getvalue().rstrip().endswith(BYE)
