"""The bot learns from its users, end to end against the fake Bot API server: what went wrong is
kept, owners teach it in /review and it takes effect at once, /forget removes a person's records,
the weekly digest, and a broken learned.yaml is reported and ignored."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import Knowledge
from bot.learned import learned_path, read_learned
from bot.settings import load_settings
from bot.storage import DAY
from bot.telegram.app import build_application
from bot.telegram.common import Services
from bot.tools.fakebotapi import BotDriver, FakeBotAPI, Sent, settings_env

TOKEN = "123456789:AAG-learning_token_for_the_fake_server"
GROUP_ID = -1001234567001
OWNER = FakeBotAPI.user(2001, "店长")
ALICE = FakeBotAPI.user(2002, "小王")
BOB = FakeBotAPI.user(2003, "阿李")
HARD = "互联网营销师这个证好不好拿"  # the matcher falls back on it
VALUE = "互联网营销师证书对从业者有用吗？"  # the entry an owner points it at (ims.value)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def api(caplog: pytest.LogCaptureFixture) -> AsyncIterator[FakeBotAPI]:
    caplog.set_level(logging.INFO)
    async with FakeBotAPI(TOKEN) as server:
        yield server
        assert server.rejected == [], [(c.method, c.description) for c in server.rejected]


@pytest.fixture
def clock() -> Clock:
    return Clock()


async def started(api: FakeBotAPI, data_dir: Path, knowledge: Knowledge, clock: Clock) -> BotDriver:
    api.private_chat(OWNER)  # the owner has started the bot: their menu and digest can reach them
    env = settings_env(api, data_dir, BOT_ADMIN_IDS=str(OWNER["id"]))
    app = build_application(load_settings(env, env_file=None), knowledge, clock=clock)
    driver = BotDriver(api, app)
    await driver.start()
    return driver


@pytest.fixture
async def bot(
    api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge, clock: Clock
) -> AsyncIterator[BotDriver]:
    driver = await started(api, tmp_path, knowledge, clock)
    yield driver
    await driver.stop()


@pytest.fixture
def group(api: FakeBotAPI) -> dict[str, Any]:
    return api.group_chat(GROUP_ID)


def only(messages: list[Sent]) -> Sent:
    assert len(messages) == 1, [m.text[:60] for m in messages]
    return messages[0]


def services(bot: BotDriver) -> Services:
    found = bot.app.bot_data["services"]
    assert isinstance(found, Services)
    return found


async def review_card(bot: BotDriver) -> Sent:
    sent = await bot.say(OWNER, "/review")
    return only(sent)


async def test_a_group_fallback_is_reviewed_taught_and_answered_in_another_chat(
    bot: BotDriver, group: dict[str, Any], tmp_path: Path, knowledge: Knowledge
) -> None:
    fallback = only(await bot.say(ALICE, f"/ask {HARD}", chat=group))
    assert "没有" in fallback.text or "不在" in fallback.text  # the honest fallback
    kept = services(bot).storage.misses()
    assert [(r.chat, r.reason, r.text) for r in kept] == [("group", "fallback", HARD)]

    card = await review_card(bot)
    assert HARD in card.text and "问了 1 次（1 人）" in card.text and "群聊" in card.text
    assert "考证交流群" not in card.text  # the group's name is never kept
    labels = [b["text"] for b in card.buttons()]
    assert any("搜索其他条目" in t for t in labels) and any("应该拒答" in t for t in labels)
    assert any("跳过" in t for t in labels)
    assert all(len(str(b["callback_data"]).encode()) <= 64 for b in card.buttons())

    after = await bot.tap(OWNER, card, "加为这条的问法：互联网营销师证书对从业者有用")
    assert any("已把 1 种问法加为" in m.text and "对所有人生效" in m.text for m in after)
    assert any("没有待审阅的问题" in m.text for m in after)
    taught = read_learned(learned_path(tmp_path), knowledge).teachings
    assert [(t.text, t.entry, t.by) for t in taught] == [(HARD, "ims.value", "telegram:2001")]

    # The next person, in another chat, without a restart: that entry answers.
    answer = only(await bot.say(BOB, HARD + "？"))
    assert answer.text.startswith(knowledge.by_id["ims.value"].lead[:10])
    assert any("👎" in b["text"] for b in answer.buttons())
    assert len(services(bot).storage.misses()) == 1  # answered as taught: not a miss again


async def test_review_is_for_owners_only_and_in_private(
    bot: BotDriver, group: dict[str, Any]
) -> None:
    await bot.say(ALICE, HARD)
    refused = only(await bot.say(ALICE, "/review"))
    assert "只对机器人的管理员开放" in refused.text and not refused.buttons()
    card = await review_card(bot)
    # A forged press by someone else teaches nothing.
    data = card.button("应该拒答")["callback_data"]
    await bot.press(ALICE, card, data)
    assert bot.toasts()[-1].startswith("抱歉")
    assert len(services(bot).storage.misses(unreviewed=True)) == 1
    assert await bot.say(OWNER, "/review", chat=group) == []  # not in a group


async def test_search_decline_and_skip(
    bot: BotDriver, tmp_path: Path, knowledge: Knowledge
) -> None:
    await bot.say(ALICE, "营销师证拿了能落户吗")
    await bot.say(ALICE, HARD)
    await bot.say(BOB, HARD + "啊")  # grouped with the one above: the same question
    card = await review_card(bot)
    assert (
        HARD in card.text and "问了 2 次（2 人）" in card.text and "第 1 组，共 2 组" in card.text
    )

    prompt = only(await bot.tap(OWNER, card, "搜索其他条目"))
    assert "搜索条目" in prompt.text
    found = only(await bot.say(OWNER, "报名 费用"))  # a search, not a question
    assert "相关的条目" in found.text
    after = await bot.tap(OWNER, found, "考互联网营销师证要多少钱")
    assert any("已把 2 种问法加为「考互联网营销师证要多少钱？」" in m.text for m in after)
    next_card = [m for m in after if "待审阅" in m.text][-1]
    assert "营销师证拿了能落户吗" in next_card.text and "第 1 组，共 1 组" in next_card.text

    declined = await bot.tap(OWNER, next_card, "应该拒答")
    assert any("已记为应拒答" in m.text for m in declined)
    reply = only(await bot.say(BOB, "营销师证拿了能落户吗"))
    assert "已记为" not in reply.text and not any("👍" in b["text"] for b in reply.buttons())
    assert services(bot).storage.misses(unreviewed=True) == []  # a taught decline is not kept
    entries = {t.text: t.entry for t in read_learned(learned_path(tmp_path), knowledge).teachings}
    assert entries == {HARD: "ims.price", HARD + "啊": "ims.price", "营销师证拿了能落户吗": None}

    await bot.say(ALICE, "互联网营销师证书有效期几年")
    card = await review_card(bot)
    skipped = await bot.tap(OWNER, card, "跳过")
    assert any("已跳过" in m.text for m in skipped)
    assert any("没有待审阅的问题" in m.text for m in skipped)


async def test_a_thumbs_down_is_kept_with_its_question(bot: BotDriver) -> None:
    answer = only(await bot.say(ALICE, "互联网营销师工资多少"))
    await bot.tap(ALICE, answer, "👎")
    kept = services(bot).storage.misses()
    assert [(r.reason, r.text, r.entry_id) for r in kept] == [
        ("down", "互联网营销师工资多少", "ims.salary")
    ]
    card = await review_card(bot)
    assert "有人点了 👎" in card.text


async def test_forget_removes_everything_kept_about_the_person(
    bot: BotDriver, group: dict[str, Any]
) -> None:
    storage = services(bot).storage
    answer = only(await bot.say(ALICE, "互联网营销师工资多少"))
    await bot.tap(ALICE, answer, "👎")
    await bot.say(ALICE, f"/ask {HARD}", chat=group)
    await bot.say(BOB, HARD)
    assert {r.user_id for r in storage.misses()} == {ALICE["id"], BOB["id"]}

    assert "私聊" in only(await bot.say(ALICE, "/forget", chat=group)).text
    done = only(await bot.say(ALICE, "/forget"))
    assert "都已删除" in done.text
    assert {r.user_id for r in storage.misses()} == {BOB["id"]}
    assert storage.feedback_counts() == []
    assert storage.get_state(GROUP_ID, ALICE["id"], "context") is None
    assert storage.get_state(ALICE["id"], ALICE["id"], "context") is None


async def test_the_digest_arrives_once_a_week_and_not_when_empty(
    bot: BotDriver, clock: Clock
) -> None:
    jobs = bot.app.job_queue.get_jobs_by_name("digest")
    assert len(jobs) == 1

    async def digest() -> list[Sent]:
        mark = len(bot.api.calls)
        await jobs[0].run(bot.app)
        return bot._touched(mark)

    assert await digest() == []  # nothing happened yet
    await bot.say(ALICE, HARD)
    answer = only(await bot.say(BOB, "互联网营销师工资多少"))
    await bot.tap(BOB, answer, "👎")
    sent = only(await digest())
    assert sent.chat_id == OWNER["id"] and "每周小结" in sent.text
    assert f"“{HARD}” ×1" in sent.text and "👎 按条目" in sent.text and "问得最多" in sent.text
    assert sent.button("去审阅")["callback_data"] == "rv:open"
    assert "待审阅" in only(await bot.tap(OWNER, sent, "去审阅")).text

    await bot.say(ALICE, "营销师证拿了能落户吗")
    assert await digest() == []  # the job ran again the same week (a restart): not sent twice
    clock.now += 7 * DAY
    assert len(await digest()) == 1  # a week on, with something new
    clock.now += 7 * DAY
    assert await digest() == []  # a week with nothing new: quiet


async def test_a_broken_learned_file_is_reported_and_ignored(
    api: FakeBotAPI,
    tmp_path: Path,
    knowledge: Knowledge,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = "phrasings:\n  - id: t1\n    text: 互联网营销师工资多少\n    entry: ims.nope\n"
    learned_path(tmp_path).write_text(broken, encoding="utf-8")
    bot = await started(api, tmp_path, knowledge, clock)
    try:
        assert "learned.yaml:2: missing 'by', 'at'" in caplog.text
        answer = only(await bot.say(ALICE, "互联网营销师工资多少"))
        assert "¥12.8K" in answer.text  # the shipped knowledge answers
        await bot.say(BOB, HARD)
        card = await review_card(bot)
        refused = await bot.tap(OWNER, card, "应该拒答")
        assert any("learned.yaml 有错误" in m.text and ":2:" in m.text for m in refused)
        assert learned_path(tmp_path).read_text(encoding="utf-8") == broken  # left as it was
    finally:
        await bot.stop()
