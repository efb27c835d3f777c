"""Faults of the Telegram API, injected by the fake server, with the real Application.

In every case the bot keeps running, answers what it was asked once the API is back, never
answers one update twice, and logs one line per fault: no traceback, never the token.
(test_telegram_resilience.py covers the simpler cases: one 429, a 500 or a 403 on a reply.)
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.error import NetworkError

from bot.knowledge import Knowledge
from bot.telegram import errors, limits, polling, private
from bot.tools.fakebotapi import DROP, HANG, BotDriver, FakeBotAPI, Sent, start_bot

TOKEN = "424242424:AAG-faults_token_for_tests_mnbvcxzlkj"
ALICE = FakeBotAPI.user(5101, "小周")
BOB = FakeBotAPI.user(5102, "小吴")
PROXY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    + "<!-- padding -->\r\n" * 40
    + "</body>\r\n</html>\r\n"
)


@pytest.fixture
async def api(caplog: pytest.LogCaptureFixture) -> AsyncIterator[FakeBotAPI]:
    caplog.set_level(logging.INFO)
    async with FakeBotAPI(TOKEN) as server:
        yield server
    assert TOKEN.split(":")[1] not in caplog.text
    # Never a traceback at INFO or above, from whichever logger.
    assert not [r for r in caplog.records if r.exc_info or r.exc_text], "a traceback was logged"


@pytest.fixture
async def bot(api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge) -> AsyncIterator[BotDriver]:
    driver = await start_bot(api, tmp_path, knowledge)
    yield driver
    await driver.stop()


def lines(caplog: pytest.LogCaptureFixture, *parts: str) -> list[str]:
    """The bot's and PTB's log lines (not the fake server's) containing every part."""
    return [
        r.getMessage()
        for r in caplog.records
        if not r.name.startswith("tornado") and all(p in r.getMessage() for p in parts)
    ]


def sends_to(api: FakeBotAPI, chat_id: int, since: int = 0) -> list[str]:
    """Texts of the messages delivered to a chat, in order."""
    return [
        str(c.result["text"])
        for c in api.calls[since:]
        if c.method == "sendMessage" and c.ok and c.result["chat"]["id"] == chat_id
    ]


def only(messages: list[Sent]) -> Sent:
    assert len(messages) == 1, [m.text[:60] for m in messages]
    return messages[0]


# --- getUpdates ------------------------------------------------------------------------------------


async def test_polling_outage_of_every_kind_then_each_question_answered_once(
    bot: BotDriver, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = bot.api
    await bot.say(ALICE, "/start")  # polling is up
    caplog.clear()
    mark = len(api.calls)
    api.fail("getUpdates", 500)
    api.fail("getUpdates", 502, body=PROXY_PAGE)
    api.fail("getUpdates", DROP)
    # Two people ask during the outage; nobody gets anything until polling is back.
    asked = [api.message(ALICE, "互联网营销师工资多少"), api.message(BOB, "全媒体运营师分几个等级")]
    await bot.handled(asked[-1], timeout=20)
    assert all(f.times == 0 for f in api.failures)
    alice, bob = sends_to(api, ALICE["id"], mark), sends_to(api, BOB["id"], mark)
    assert len(alice) == 1 and "¥12.8K" in alice[0]  # answered, once
    assert len(bob) == 1 and "初级、中级、高级" in bob[0]
    assert [len(api.deliveries[u["update_id"]]) for u in asked] == [1, 1]

    # One line per fault, each saying what happened, none quoting the proxy's page.
    network = lines(caplog, "Network problem (polling)")
    assert len(network) == 3, network
    assert sum("Internal Server Error" in line for line in network) == 1
    bad_gateway = [line for line in network if "Bad Gateway" in line]
    assert len(bad_gateway) == 1 and "the answer was not JSON" in bad_gateway[0]
    assert "<html>" not in caplog.text and "nginx" not in caplog.text
    assert all(len(line) < 400 and "\n" not in line for line in network)


async def test_a_hanging_get_updates_is_given_up_on_logged_and_polled_again(
    api: FakeBotAPI,
    tmp_path: Path,
    knowledge: Knowledge,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(polling, "POLL_SLACK", 0.5)  # the wait beyond the 1 s long poll
    driver = await start_bot(api, tmp_path, knowledge)
    try:
        await driver.say(ALICE, "/start")
        api.fail("getUpdates", HANG)  # the next poll never gets an answer
        update = api.message(ALICE, "互联网营销师证书谁发的")
        await driver.handled(update, timeout=20)
        replies = sends_to(api, ALICE["id"])
        assert len(replies) == 2 and "中国轻工业联合会" in replies[-1]
    finally:
        await driver.stop()
    assert len(lines(caplog, "did not answer getUpdates in time")) == 1
    assert api.deliveries[update["update_id"]] and len(api.deliveries[update["update_id"]]) == 1


# --- sendMessage -----------------------------------------------------------------------------------


async def test_a_flood_limit_longer_than_the_retries_is_one_line_and_no_apology(
    bot: BotDriver, caplog: pytest.LogCaptureFixture
) -> None:
    api = bot.api
    api.fail("sendMessage", 429, retry_after=1, times=4)  # 1 try + 3 retries, all refused
    assert await bot.say(ALICE, "互联网营销师工资多少") == []
    assert [c.status for c in api.calls if c.method == "sendMessage"] == [429] * 4
    assert len(lines(caplog, "flood limit on sendMessage: asked to wait 1.0 s")) == 4
    # PTB's AIORateLimiter gives up after its retries: one line, its traceback made one line.
    assert len(lines(caplog, "Rate limit hit after maximum of 3 retries", "RetryAfter")) == 1
    assert sends_to(api, ALICE["id"]) == []  # no apology into the same flood limit
    # Once Telegram lets the bot write again, the next question is answered as usual.
    assert "¥6.2K" in only(await bot.say(ALICE, "全媒体运营师工资多少")).text


async def test_a_very_long_flood_wait_is_not_waited_for(
    bot: BotDriver, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_WAIT", 1.0)  # 60 s in production; the test stays short
    bot.api.fail("sendMessage", 429, retry_after=3)
    assert await bot.say(ALICE, "互联网营销师工资多少") == []
    assert [c.status for c in bot.api.calls if c.method == "sendMessage"] == [429]  # no retry
    assert len(lines(caplog, "asked to wait 3 s, more than 1 s; gave up")) == 1
    assert not lines(caplog, "Rate limit hit")  # never waited for
    assert "¥12.8K" in only(await bot.say(ALICE, "互联网营销师工资多少")).text


async def test_html_telegram_cannot_parse_is_sent_again_as_plain_text(
    bot: BotDriver, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = private.reply_text

    def broken(*args: object) -> str:  # a markup mistake in a feature: an unsupported tag
        return "<u2>提示</u2> " + original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(private, "reply_text", broken)
    api = bot.api
    reply = only(await bot.say(ALICE, "互联网营销师工资多少"))
    attempts = [c for c in api.calls if c.method == "sendMessage"]
    assert [c.status for c in attempts] == [400, 200]
    assert "can't parse entities" in attempts[0].description
    assert "parse_mode" not in attempts[1].params  # the second try is plain text
    # The person gets the whole answer, its link spelled out, and its buttons.
    assert reply.text.startswith("提示 互联网营销师平均工资") and "¥12.8K" in reply.text
    assert "(http://www.sdzsb8.cn/baike/72315.html)" in reply.text
    assert reply.button("👍")
    assert len(lines(caplog, "could not parse the HTML of a sendMessage")) == 1
    assert not lines(caplog, "failed")  # not an error: the answer went out
    api.calls.clear()  # the refused first try was the point


async def test_an_injected_parse_error_is_retried_plain_once_only(
    bot: BotDriver, caplog: pytest.LogCaptureFixture
) -> None:
    parse_error = 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0'
    bot.api.fail("sendMessage", 400, parse_error, times=2)  # refuses the plain text too
    apology = only(await bot.say(ALICE, "互联网营销师工资多少"))
    assert apology.text.startswith("抱歉，刚才出了点问题")
    assert [c.status for c in bot.api.calls if c.method == "sendMessage"] == [400, 400, 200]
    assert len(lines(caplog, "Update", "failed: BadRequest")) == 1


async def test_removed_from_a_group_is_one_line_and_the_bot_carries_on(
    bot: BotDriver, caplog: pytest.LogCaptureFixture
) -> None:
    group = bot.api.group_chat(-100555, "已经踢掉机器人的群")
    bot.api.fail("sendMessage", 403, "Forbidden: bot was kicked from the supergroup chat")
    assert await bot.say(ALICE, "/compare", chat=group) == []
    assert len(lines(caplog, "Not allowed to write", "kicked from the supergroup")) == 1
    assert sends_to(bot.api, group["id"]) == [] and sends_to(bot.api, ALICE["id"]) == []
    assert "¥12.8K" in only(await bot.say(BOB, "互联网营销师工资多少")).text


async def test_a_token_refused_while_answering_is_named_as_such(
    bot: BotDriver, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail("sendMessage", 401, "Unauthorized")
    apology = only(await bot.say(ALICE, "互联网营销师工资多少"))
    assert apology.text.startswith("抱歉，刚才出了点问题")
    failed = lines(caplog, "InvalidToken", "Unauthorized")
    assert len(failed) == 1 and "EndPointNotFound" not in failed[0]
    assert "¥12.8K" in only(await bot.say(BOB, "互联网营销师工资多少")).text


async def test_an_unanswered_last_poll_at_shutdown_is_one_line(
    api: FakeBotAPI,
    tmp_path: Path,
    knowledge: Knowledge,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(polling, "POLL_SLACK", 0.3)
    driver = await start_bot(api, tmp_path, knowledge)
    await driver.say(ALICE, "/start")
    api.fail("getUpdates", HANG)  # the getUpdates that confirms the last updates, at shutdown
    await driver.stop()
    (line,) = lines(caplog, "Error while calling `get_updates` one more time")
    assert "(TimedOut: Timed out)" in line  # PTB's traceback, made one line


def test_a_long_error_message_is_cut_to_one_short_line() -> None:
    error = NetworkError("Bad Gateway\n" + "<p>proxy page</p>\n" * 200)
    line = errors.describe(error, where=False)
    assert "\n" not in line and len(line) <= errors.MAX_DESCRIBED + len("NetworkError: ")
    assert line.startswith("NetworkError: Bad Gateway <p>proxy page</p>") and line.endswith("…")
