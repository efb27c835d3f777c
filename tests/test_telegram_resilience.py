"""The bot under trouble: flood limits, network and server errors, refused calls, long answers,
groups and many people at once. Same real Application and fake server as the conversations."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.knowledge import Knowledge
from bot.telegram import presence
from bot.tools.fakebotapi import BotDriver, FakeBotAPI, Sent, start_bot

TOKEN = "987654321:AAH-resilience_token_for_tests_qwerty"
ALICE = FakeBotAPI.user(2001, "小张")


@pytest.fixture
async def api(caplog: pytest.LogCaptureFixture) -> AsyncIterator[FakeBotAPI]:
    caplog.set_level(logging.DEBUG)
    async with FakeBotAPI(TOKEN) as server:
        yield server
        assert server.rejected == [], [(c.method, c.description) for c in server.rejected]
    assert TOKEN.split(":")[1] not in caplog.text


@pytest.fixture
async def bot(api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge) -> AsyncIterator[BotDriver]:
    driver = await start_bot(api, tmp_path, knowledge, LOG_LEVEL="DEBUG")
    yield driver
    await driver.stop()


def only(messages: list[Sent]) -> Sent:
    assert len(messages) == 1, [m.text[:60] for m in messages]
    return messages[0]


async def test_flood_limit_is_waited_out_and_the_message_delivered(
    bot: BotDriver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot.api.fail("sendMessage", 429, retry_after=1)
    reply = only(await bot.say(ALICE, "全媒体运营师证书谁发的"))
    assert "Retrying after 1.1" in caplog.text  # waited as Telegram asked, then retried
    assert "广播影视人才交流中心" in reply.text
    statuses = [c.status for c in bot.api.calls if c.method == "sendMessage"]
    assert statuses == [429, 200]


async def test_polling_survives_server_errors_and_dropped_connections(
    bot: BotDriver, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail("getUpdates", 502)
    bot.api.fail("getUpdates", 0)  # connection dropped without an answer
    reply = only(await bot.say(ALICE, "互联网营销师分几个等级"))
    assert "五个等级" in reply.text
    assert "Bad Gateway" in caplog.text


async def test_a_refused_reply_is_logged_in_one_line_and_the_person_told(
    bot: BotDriver, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail("sendMessage", 400, "Bad Request: something unexpected")
    apology = only(await bot.say(ALICE, "互联网营销师工资多少"))
    assert apology.text.startswith("抱歉，刚才出了点问题")
    failures = [
        r for r in caplog.records if r.name == "bot.telegram.errors" and r.levelname == "ERROR"
    ]
    assert len(failures) == 1
    line = failures[0].getMessage()
    assert "BadRequest: Something unexpected" in line and "\n" not in line
    assert "private.py" in line and "common.py" in line  # where in our code it happened
    # and the bot carries on
    assert "¥12.8K" in only(await bot.say(ALICE, "互联网营销师工资多少")).text


async def test_a_network_error_while_replying_does_not_stop_the_bot(bot: BotDriver) -> None:
    bot.api.fail("sendMessage", 500)
    messages = await bot.say(ALICE, "互联网营销师工资多少")
    assert [m.text[:4] for m in messages] == ["抱歉，刚"]
    assert "¥12.8K" in only(await bot.say(ALICE, "互联网营销师工资多少")).text


async def test_a_person_who_blocked_the_bot_gets_no_apology(
    bot: BotDriver, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail("sendMessage", 403)
    assert await bot.say(ALICE, "/start") == []
    assert "Not allowed to write" in caplog.text


async def test_a_failed_button_answer_still_answers_the_query(bot: BotDriver) -> None:
    menu = only(await bot.say(ALICE, "/start"))
    bot.api.fail("sendMessage", 400)
    sent = await bot.tap(ALICE, menu, "两证对比")  # press() asserts the query was answered
    assert [m.text[:4] for m in sent] == ["抱歉，刚"]


async def test_start_up_continues_when_telegram_refuses_the_profile(
    api: FakeBotAPI,
    tmp_path: Path,
    knowledge: Knowledge,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api.fail("setMyCommands", 500, times=2)
    api.fail("setMyDescription", 400)
    api.fail("setMyShortDescription", 429, retry_after=30, times=4)  # would wait too long
    monkeypatch.setattr(presence, "CALL_TIMEOUT", 0.5)
    driver = await start_bot(api, tmp_path, knowledge, LOG_LEVEL="DEBUG")
    try:
        assert "Could not set private commands" in caplog.text
        assert "Could not set description" in caplog.text
        assert "Gave up setting short description" in caplog.text
        assert only(await driver.say(ALICE, "/start")).text.startswith("您好")
    finally:
        await driver.stop()


async def test_long_answers_are_split_into_valid_messages(
    api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge
) -> None:
    entry = knowledge.by_id["ims.salary"]
    paragraph = "• 这一段很长，里面有 <尖括号> 和 & 符号，需要转义。" * 12
    long_entry = dataclasses.replace(entry, answer="\n".join([paragraph] * 40))
    entries = tuple(long_entry if e.id == entry.id else e for e in knowledge.entries)
    big = dataclasses.replace(knowledge, entries=entries, by_id={e.id: e for e in entries})
    driver = await start_bot(api, tmp_path, big, LOG_LEVEL="DEBUG")
    try:
        parts = await driver.say(ALICE, "互联网营销师工资多少")
    finally:
        await driver.stop()
    assert len(parts) >= 3
    assert all(len(p.text) <= 4096 for p in parts)
    assert parts[0].text.startswith("互联网营销师平均工资")
    assert all(not p.buttons() for p in parts[:-1]) and parts[-1].button("👍")
    assert "来源" in parts[-1].text
    assert "<尖括号> 和 & 符号" in parts[1].text


async def test_in_a_group_the_bot_points_to_a_private_chat(bot: BotDriver) -> None:
    group = bot.api.group_chat(-100777)
    help_reply = only(await bot.say(ALICE, "/help@cert_advisor_test_bot", chat=group))
    assert help_reply.chat_id == -100777 and "/compare" in help_reply.text
    assert help_reply.button("私聊")["url"] == "https://t.me/cert_advisor_test_bot?start=help"
    choose = only(await bot.say(ALICE, "/choose", chat=group))
    assert choose.button("私聊开始")["url"] == "https://t.me/cert_advisor_test_bot?start=choose"
    compare = only(await bot.say(ALICE, "/compare", chat=group))
    assert "🟠 互联网营销师" in compare.text
    assert await bot.say(ALICE, "互联网营销师工资多少", chat=group) == []  # chatter is not for us


async def test_many_people_at_once_keep_their_own_context(bot: BotDriver) -> None:
    api = bot.api
    people = [FakeBotAPI.user(3000 + i, f"用户{i}") for i in range(24)]
    first = ["互联网营销师工资多少", "互联网营销师分几个等级", "互联网营销师证书谁发的"]
    expected = [  # the leads of the answers about 全媒体运营师
        "全媒体运营师平均工资",
        "全媒体运营师分三个等级",
        "全媒体运营师证书的颁证单位",
    ]
    updates = [api.message(person, first[i % 3]) for i, person in enumerate(people)]
    await bot.handled(updates[-1])  # waits for every update before it, too
    mark = len(api.calls)
    updates = [api.message(person, "那全媒体运营师呢") for person in people]
    await bot.handled(updates[-1])
    replies = {
        c.params["chat_id"]: c.result["text"]
        for c in api.calls[mark:]
        if c.method == "sendMessage" and c.ok
    }
    assert len(replies) == len(people)
    for i, person in enumerate(people):
        assert replies[person["id"]].startswith(expected[i % 3]), (i, replies[person["id"]][:30])
