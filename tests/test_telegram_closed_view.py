"""What a person sees in Telegram before tapping anything: the closed view of each reply.

The bot runs as ``python -m bot run`` would build it, against the fake Bot API server; each
reply's closed view is taken as Telegram renders it (expandable quotes collapsed to three lines)
and measured in phone lines of about 35 Chinese characters.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.knowledge import Knowledge
from bot.settings import load_settings
from bot.telegram.app import build_application
from bot.tools.fakebotapi import BotDriver, FakeBotAPI, Sent, phone_lines, settings_env

TOKEN = "123456789:AAF-test_token_for_the_fake_server_xyz"
ALICE = FakeBotAPI.user(1001, "小王")


@pytest.fixture
async def bot(tmp_path: Path, knowledge: Knowledge) -> AsyncIterator[BotDriver]:
    async with FakeBotAPI(TOKEN) as api:
        settings = load_settings(settings_env(api, tmp_path), env_file=None)
        async with BotDriver(api, build_application(settings, knowledge)) as driver:
            yield driver
        assert api.rejected == [], [(c.method, c.description) for c in api.rejected]


def only(messages: list[Sent]) -> Sent:
    assert len(messages) == 1, [m.text[:60] for m in messages]
    return messages[0]


async def test_a_yes_no_question_closed_is_the_answer_the_source_and_the_buttons(
    bot: BotDriver,
) -> None:
    reply = only(await bot.say(ALICE, "互联网营销师能跨级考吗"))
    closed = reply.closed.splitlines()
    assert closed[0].startswith("可以。")
    assert closed[-1] == "来源：36氪，2022-02-10；山东专升本信息网，2023-01-18"
    assert "<blockquote expandable>" in reply.html
    assert "报名前建议向官方授权的机构确认" in reply.text  # there once the quote is opened
    assert "报名前建议向官方授权的机构确认" not in reply.closed
    assert phone_lines(reply.closed) <= 10
    assert reply.button("👍") and reply.button("👎")


async def test_the_comparison_closed_fits_25_phone_lines(bot: BotDriver) -> None:
    card = only(await bot.say(ALICE, "/compare"))
    assert phone_lines(card.closed) <= 25, card.closed
    assert card.closed.splitlines()[-1].startswith("来源：36氪，2022-02-10")


async def test_the_guided_choice_result_closed_fits_15_phone_lines(bot: BotDriver) -> None:
    current = only(await bot.say(ALICE, "/choose"))
    for _ in range(10):
        if "【选择结果】" in current.text:
            break
        first = next(b for b in current.buttons() if b["callback_data"].startswith("ch:o:"))
        current = only(await bot.press(ALICE, current, first["callback_data"]))
    assert "【选择结果】" in current.closed
    assert "两篇文章没有直接说谁该考哪个证" in current.closed
    # levels, registration and the caution are folded away until the quote is opened
    for folded in ("您可以从哪一级报起", "怎么报名", "提醒："):
        assert folded not in current.closed and folded in current.text
    assert phone_lines(current.closed) <= 15, current.closed
