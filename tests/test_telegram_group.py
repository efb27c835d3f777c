"""The bot in study groups, end to end: the real Application over the fake Bot API server.

Telegram's privacy mode is simulated by which updates a test injects: with it on (the default)
Telegram delivers only commands, mentions of the bot and replies to it, so those tests send only
those; with it off every message arrives, and the bot must pick out the questions itself. Time is
a fake clock passed to the application, so minutes pass instantly. Every test also checks, on
the way out, that the server refused none of the bot's calls.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import Knowledge
from bot.settings import Settings, load_settings
from bot.telegram.app import build_application
from bot.tools.fakebotapi import BOT_USERNAME, BotDriver, FakeBotAPI, Sent, settings_env

TOKEN = "123456789:AAG-group_token_for_the_fake_server_qq"
GROUP_ID = -1001234567890
ALICE = FakeBotAPI.user(1001, "小王")
BOB = FakeBotAPI.user(1002, "阿李")
ADMIN = FakeBotAPI.user(1003, "群主")
ANONYMOUS = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
CHANNEL_BOT = {"id": 136817688, "is_bot": True, "first_name": "Channel", "username": "Channel_Bot"}
OTHER_BOT = {"id": 5550001, "is_bot": True, "first_name": "别的机器人", "username": "other_bot"}
CHANNEL = {"id": -1009876543210, "type": "channel", "title": "某个频道"}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture
async def api(caplog: pytest.LogCaptureFixture) -> AsyncIterator[FakeBotAPI]:
    caplog.set_level(logging.INFO)
    async with FakeBotAPI(TOKEN) as server:
        yield server
        assert server.rejected == [], [(c.method, c.description) for c in server.rejected]
    assert TOKEN.split(":")[1] not in caplog.text


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_settings(api: FakeBotAPI, data_dir: Path) -> Settings:
    return load_settings(settings_env(api, data_dir), env_file=None)


@pytest.fixture
async def bot(
    api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge, clock: Clock
) -> AsyncIterator[BotDriver]:
    app = build_application(make_settings(api, tmp_path), knowledge, clock=clock)
    async with BotDriver(api, app) as driver:
        yield driver


@pytest.fixture
def group(api: FakeBotAPI) -> dict[str, Any]:
    chat = api.group_chat(GROUP_ID)
    api.set_member(GROUP_ID, ADMIN["id"], "creator")
    return chat


def only(messages: list[Sent]) -> Sent:
    assert len(messages) == 1, [m.text[:60] for m in messages]
    return messages[0]


def mention(question: str, name: str = BOT_USERNAME) -> tuple[str, dict[str, Any]]:
    """A message text that mentions the bot first, with its entity."""
    entity = {"type": "mention", "offset": 0, "length": len(name) + 1}
    return f"@{name} {question}", {"entities": [entity]}


def replying_to(api: FakeBotAPI, sent: Sent) -> dict[str, Any]:
    """Extra fields for a message that replies to one the bot sent."""
    return {"reply_to_message": sent.as_message(api.bot, api.chats[sent.chat_id])}


def last_message_id(api: FakeBotAPI) -> int:
    """The id of the message the test injected last."""
    return int(api.updates[-1]["message"]["message_id"]) if api.updates else 0


async def ask(
    bot: BotDriver, user: dict[str, Any], text: str, chat: dict[str, Any], **extra: Any
) -> tuple[list[Sent], int]:
    """Send a group message; what the bot sent, and the id of the message it should reply to."""
    update = bot.api.message(user, text, chat, **extra)
    mark = len(bot.api.calls)
    await bot.handled(update)
    return bot._touched(mark), int(update["message"]["message_id"])


async def turn_on_auto_answer(bot: BotDriver, chat: dict[str, Any]) -> None:
    panel = only(await bot.say(ADMIN, "/settings", chat=chat))
    await bot.tap(ADMIN, panel, "打开自动回答")


# --- asking with privacy mode on ---------------------------------------------------------------------


async def test_ask_is_answered_as_a_reply_and_other_bots_commands_are_not(
    bot: BotDriver, group: dict[str, Any]
) -> None:
    sent, asked = await ask(bot, ALICE, "/ask 互联网营销师工资多少", group)
    answer = only(sent)
    assert answer.chat_id == GROUP_ID and answer.reply_to == asked
    assert answer.text.startswith("互联网营销师平均工资") and "¥12.8K" in answer.text
    assert "山东专升本信息网，2023-01-18" in answer.text

    sent, asked = await ask(bot, BOB, f"/ask@{BOT_USERNAME} 全媒体运营师分几个等级", group)
    assert only(sent).reply_to == asked and "初级、中级、高级" in only(sent).text

    assert await bot.say(ALICE, "/ask@other_bot 全媒体运营师工资多少", chat=group) == []
    assert await bot.say(ALICE, "/compare@other_bot", chat=group) == []


async def test_a_mention_or_a_reply_to_the_bot_is_a_question(
    bot: BotDriver, api: FakeBotAPI, group: dict[str, Any]
) -> None:
    text, extra = mention("全媒体运营师报考条件")
    sent, asked = await ask(bot, ALICE, text, group, **extra)
    answer = only(sent)
    assert answer.reply_to == asked and answer.text.startswith(
        "不限学历、不限工作经验，年满18周岁就能报考全媒体运营师"
    )

    # A reply to the bot continues the asker's conversation.
    sent, asked = await ask(bot, ALICE, "那互联网营销师呢", group, **replying_to(api, answer))
    assert only(sent).reply_to == asked
    assert only(sent).text.startswith("两篇文章说法不一：2022年2月的说五级")

    text, extra = mention("")
    hint = only((await ask(bot, BOB, text, group, **extra))[0])
    assert "/ask 互联网营销师工资多少" in hint.text

    # A mention of someone else is not for the bot.
    other, extra = mention("全媒体运营师工资多少", name="other_bot")
    assert await bot.say(BOB, other, chat=group, **extra) == []


async def test_answers_stay_in_their_forum_topic_with_context_per_topic(
    bot: BotDriver, api: FakeBotAPI, clock: Clock
) -> None:
    forum = api.forum_chat(-1005550000001)
    salary = {"message_thread_id": 5, "is_topic_message": True}
    levels = {"message_thread_id": 7, "is_topic_message": True}
    first = only((await ask(bot, ALICE, "/ask 互联网营销师工资多少", forum, **salary))[0])
    assert first.thread_id == 5
    second = only((await ask(bot, ALICE, "/ask 互联网营销师分几个等级", forum, **levels))[0])
    assert second.thread_id == 7

    sent, asked = await ask(bot, ALICE, "/ask 那全媒体运营师呢", forum, **salary)
    follow = only(sent)
    assert follow.thread_id == 5 and follow.reply_to == asked
    assert follow.text.startswith("全媒体运营师平均工资")  # the topic-5 conversation
    # The answer's buttons work in the topic, and their answer stays there too.
    clock.advance(1)  # Alice had her three replies this minute
    related = only(await bot.tap(ALICE, follow, "哪个工资高"))
    assert related.thread_id == 5 and related.reply_to == follow.message_id


# --- joining, leaving, moving ---------------------------------------------------------------------


async def test_joining_introduces_once_and_leaving_forgets_the_group(
    bot: BotDriver, api: FakeBotAPI, group: dict[str, Any], clock: Clock
) -> None:
    mark = len(api.calls)
    await bot.handled(api.member_update(group, ADMIN, "left", "member"))
    intro = only(bot._touched(mark))
    assert intro.chat_id == GROUP_ID and intro.reply_to is None
    assert "/ask" in intro.text and "/choose" in intro.text and "/settings" in intro.text
    assert f"@{BOT_USERNAME}" in intro.text
    # Made an admin later: not a new arrival, nothing to say.
    mark = len(api.calls)
    await bot.handled(api.member_update(group, ADMIN, "member", "administrator"))
    assert bot._touched(mark) == []

    await turn_on_auto_answer(bot, group)
    await bot.say(ALICE, "/ask 互联网营销师工资多少", chat=group)

    mark = len(api.calls)
    await bot.handled(api.member_update(group, ADMIN, "administrator", "left"))
    assert [c.method for c in api.calls[mark:]] == []  # removed: nothing sent

    # Added again, a minute later: nothing of before is left.
    clock.advance(1)
    await bot.handled(api.member_update(group, ADMIN, "left", "member"))
    panel = only(await bot.say(ADMIN, "/settings", chat=group))
    assert "自动回答：已关闭" in panel.text
    again = only(await bot.say(BOB, "/ask 互联网营销师工资多少", chat=group))
    assert "¥12.8K" in again.text  # answered in full, not "answered a moment ago"
    assert await bot.say(ALICE, "/ask 那全媒体运营师呢", chat=group) != []
    follow = api.sent_messages(GROUP_ID)[-1]
    assert not follow.text.startswith("全媒体运营师平均工资")  # Alice's context is gone


async def test_a_group_that_becomes_a_supergroup_keeps_its_settings_and_state(
    bot: BotDriver, api: FakeBotAPI
) -> None:
    old = {"id": -4001, "type": "group", "title": "考证小群"}
    api.chats[old["id"]] = old
    api.set_member(old["id"], ADMIN["id"], "administrator")
    await bot.handled(api.member_update(old, ADMIN, "left", "member"))  # introduced here
    await turn_on_auto_answer(bot, old)
    assert "¥12.8K" in only(await bot.say(ALICE, "/ask 互联网营销师工资多少", chat=old)).text

    faq = only(await bot.say(ALICE, "/faq", chat=old))
    new = api.group_chat(-1004001)
    api.set_member(new["id"], ADMIN["id"], "administrator")
    await bot.say(ADMIN, None, chat=old, migrate_to_chat_id=new["id"])
    await bot.say(ADMIN, None, chat=new, migrate_from_chat_id=old["id"])  # twice is harmless
    # Telegram may also report the bot's arrival in the supergroup: it was introduced already.
    mark = len(api.calls)
    await bot.handled(api.member_update(new, ADMIN, "left", "member"))
    assert bot._touched(mark) == []

    panel = only(await bot.say(ADMIN, "/settings", chat=new))
    assert "自动回答：已打开" in panel.text
    # Alice's conversation moved along; the earlier answer is still "answered a moment ago".
    follow = only(await bot.say(ALICE, "/ask 那全媒体运营师呢", chat=new))
    assert follow.text.startswith("全媒体运营师平均工资")
    pointer = only(await bot.say(BOB, "/ask 互联网营销师工资多少？", chat=new))
    # Message ids of the old group mean nothing in the supergroup: no link, but where to look.
    assert pointer.text == "这个问题刚刚回答过，请往上翻看我的回答。" and "href" not in pointer.html
    # A button left in the old group is out of date (its message id could name another message
    # in the supergroup), and says so.
    mark = len(api.calls)
    assert await bot.tap(ALICE, faq, "下一页") == []
    assert bot.toasts(mark) == ["按钮已失效"]


# --- the guided choice and buttons ---------------------------------------------------------------


async def test_the_guided_choice_is_offered_in_a_private_chat(
    bot: BotDriver, group: dict[str, Any]
) -> None:
    link = f"https://t.me/{BOT_USERNAME}?start=choose"
    sent, asked = await ask(bot, ALICE, "/choose", group)
    assert only(sent).button("私聊开始")["url"] == link and only(sent).reply_to == asked
    text, extra = mention("帮我选")
    assert only((await ask(bot, BOB, text, group, **extra))[0]).button("私聊开始")["url"] == link
    compare = only(await bot.say(ALICE, "/compare", chat=group))
    assert compare.button("帮我选")["url"] == link  # not a button that starts it here
    assert not any(str(b.get("callback_data", "")).startswith("ch:") for b in compare.buttons())


async def test_only_the_asker_can_use_the_buttons_under_an_answer(
    bot: BotDriver, api: FakeBotAPI, group: dict[str, Any]
) -> None:
    answer = only(await bot.say(ALICE, "/ask 互联网营销师工资多少", chat=group))
    assert all(len(b["callback_data"].encode()) <= 64 for b in answer.buttons())
    before = answer.reply_markup

    for label in ("全媒体运营师工资多少", "👍"):
        mark = len(api.calls)
        assert await bot.tap(BOB, answer, label) == []  # nothing sent, nothing edited
        alert = [c for c in api.calls[mark:] if c.method == "answerCallbackQuery"]
        assert alert[0].params.get("show_alert") is True
        assert "给提问的人用的" in alert[0].params["text"]
    assert answer.reply_markup == before

    own = only(await bot.tap(ALICE, answer, "全媒体运营师工资多少"))
    assert own.text.startswith("全媒体运营师平均工资") and own.reply_to == answer.message_id
    # The new answer's buttons are Alice's too.
    mark = len(api.calls)
    assert await bot.tap(BOB, own, "👎") == []
    assert bot.toasts(mark) == ["这个按钮是给提问的人用的。您也可以自己问我：发送 /ask 加上问题。"]
    voted = only(await bot.tap(ALICE, own, "👎"))
    assert not any("fb:" in b["callback_data"] for b in voted.buttons())

    faq = only(await bot.say(BOB, "/faq", chat=group))
    assert await bot.tap(ALICE, faq, "下一页") == []  # Alice cannot turn Bob's pages
    # Nor with a modified client that sends Bob's button stamped with her own id: the bot
    # recorded whose buttons the message carries when it sent it.
    page = faq.button("下一页")["callback_data"]
    assert page.endswith(f"|{BOB['id']}")
    forged = page.replace(f"|{BOB['id']}", f"|{ALICE['id']}")
    mark = len(api.calls)
    assert await bot.press(ALICE, faq, forged) == []
    assert "给提问的人用的" in bot.toasts(mark)[0]
    assert "第 2/" in only(await bot.tap(BOB, faq, "下一页")).text


# --- settings ---------------------------------------------------------------------------------------


async def test_settings_are_for_admins_and_saved_before_they_are_confirmed(
    api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge, clock: Clock, group: dict[str, Any]
) -> None:
    api.bot["can_read_all_group_messages"] = True  # privacy mode off
    settings = make_settings(api, tmp_path)
    async with BotDriver(api, build_application(settings, knowledge, clock=clock)) as bot:
        refusal = only(await bot.say(ALICE, "/settings", chat=group))
        assert "只有本群管理员" in refusal.text and not refusal.buttons()

        panel = only(await bot.say(ADMIN, "/settings", chat=group))
        assert "自动回答：已关闭" in panel.text and "每小时最多回答：30 条" in panel.text
        assert panel.button("✅ 30")
        assert await bot.tap(ALICE, panel, "打开自动回答") == []  # not her panel

        mark = len(api.calls)
        turned = only(await bot.tap(ADMIN, panel, "打开自动回答"))
        assert bot.toasts(mark) == ["已保存"] and turned.message_id == panel.message_id
        assert "自动回答：已打开" in turned.text and "隐私模式" not in turned.text
        limited = only(await bot.tap(ADMIN, turned, "10 条"))
        assert limited.button("✅ 10") and "每小时最多回答：10 条" in limited.text

        getchatmember = [c for c in api.calls if c.method == "getChatMember"]
        assert len(getchatmember) == 2  # Alice once, the admin once: then the cache answers

    # A new bot on the same data: the settings were kept.
    async with BotDriver(api, build_application(settings, knowledge, clock=clock)) as again:
        answer = only(await again.say(BOB, "全媒体运营师证书是谁发的？", chat=group))
        assert "广播影视人才交流中心" in answer.text
        panel = only(await again.say(ADMIN, "/settings", chat=group))
        assert "已打开" in panel.text and panel.button("✅ 10")


async def test_a_lost_admin_cannot_change_settings_after_the_cache_expires(
    bot: BotDriver, api: FakeBotAPI, group: dict[str, Any], clock: Clock
) -> None:
    panel = only(await bot.say(ADMIN, "/settings", chat=group))
    api.set_member(GROUP_ID, ADMIN["id"], "member")
    clock.advance(2)  # past the 60 s the admin check is trusted
    mark = len(api.calls)
    assert await bot.tap(ADMIN, panel, "打开自动回答") == []
    assert "只有本群管理员" in bot.toasts(mark)[0]
    assert (
        "已关闭" in only(await bot.say(ANONYMOUS, "/settings", chat=group, sender_chat=group)).text
    )


async def test_privacy_mode_is_pointed_out_when_auto_answer_cannot_work(
    bot: BotDriver, group: dict[str, Any]
) -> None:
    panel = only(await bot.say(ADMIN, "/settings", chat=group))
    turned = only(await bot.tap(ADMIN, panel, "打开自动回答"))
    assert "隐私模式" in turned.text and "/setprivacy" in turned.text


async def test_an_anonymous_admin_is_an_admin_and_a_channel_is_not(
    bot: BotDriver, api: FakeBotAPI, group: dict[str, Any]
) -> None:
    mark = len(api.calls)
    panel = only(await bot.say(ANONYMOUS, "/settings", chat=group, sender_chat=group))
    assert panel.button("打开自动回答")
    assert not [c for c in api.calls[mark:] if c.method == "getChatMember"]
    # Any admin may use an anonymous admin's panel (Telegram shows who pressed, not as whom).
    assert "已打开" in only(await bot.tap(ADMIN, panel, "打开自动回答")).text

    refusal = only(await bot.say(CHANNEL_BOT, "/settings", chat=group, sender_chat=CHANNEL))
    assert "以频道身份" in refusal.text and not refusal.buttons()
    # A channel posting as itself is not answered, nor a linked channel's automatic forward,
    # nor another bot.
    assert (
        await bot.say(CHANNEL_BOT, "/ask 互联网营销师工资多少", chat=group, sender_chat=CHANNEL)
        == []
    )
    forwarded = {"sender_chat": CHANNEL, "is_automatic_forward": True}
    assert await bot.say(CHANNEL_BOT, "互联网营销师工资多少？", chat=group, **forwarded) == []
    assert await bot.say(OTHER_BOT, "/ask 互联网营销师工资多少", chat=group) == []
    text, extra = mention("全媒体运营师工资多少")
    assert await bot.say(OTHER_BOT, text, chat=group, **extra) == []


# --- auto-answer with privacy mode off -------------------------------------------------------------


CHATTER = (
    "大家好",
    "今天天气不错",
    "报名了吗",  # a topic, but nothing about the certificates
    "你工资多少",
    "全媒体运营师好难啊",  # a certificate, but not a question
    "互联网营销师工资真高",
    "有人考过全媒体运营师吗",  # a question to the others, not about a topic
    "互联网营销师考试时间是哪天？",  # not in the knowledge: no fallback unasked
    "哈哈哈哈😂",
)


async def test_auto_answer_stays_out_of_chit_chat(bot: BotDriver, group: dict[str, Any]) -> None:
    await turn_on_auto_answer(bot, group)
    for chatter in CHATTER:
        assert await bot.say(ALICE, chatter, chat=group) == [], chatter


async def test_auto_answer_answers_clear_questions_only_when_on(
    bot: BotDriver, api: FakeBotAPI, group: dict[str, Any]
) -> None:
    assert await bot.say(ALICE, "互联网营销师工资多少？", chat=group) == []  # off by default
    await turn_on_auto_answer(bot, group)
    sent, asked = await ask(bot, ALICE, "互联网营销师工资多少？", group)
    assert only(sent).reply_to == asked and "¥12.8K" in only(sent).text
    sent, asked = await ask(bot, BOB, "全媒体运营师要什么学历", group)
    assert only(sent).reply_to == asked and "学历" in only(sent).text

    # Talking to someone else, forwarding, or posting an inline answer is not asking the bot.
    question = "全媒体运营师分几个等级？"
    alice_message = {"message_id": 1, "from": ALICE, "chat": group, "date": 0, "text": "嗯"}
    assert await bot.say(BOB, question, chat=group, reply_to_message=alice_message) == []
    origin = {"type": "user", "sender_user": ALICE, "date": 0}
    assert await bot.say(BOB, question, chat=group, forward_origin=origin) == []
    assert await bot.say(BOB, question, chat=group, via_bot=api.bot) == []


# --- no spam ---------------------------------------------------------------------------------------------


async def test_the_same_question_within_ten_minutes_points_to_the_first_answer(
    bot: BotDriver, group: dict[str, Any], clock: Clock
) -> None:
    first = only(await bot.say(ALICE, "/ask 互联网营销师工资多少", chat=group))
    clock.advance(3)
    sent, asked = await ask(bot, BOB, "/ask 互連網營銷師薪水多少？", group)  # same entry
    pointer = only(sent)
    assert pointer.reply_to == asked and pointer.text.startswith("这个问题 3 分钟前回答过")
    assert f'href="https://t.me/c/1234567890/{first.message_id}"' in pointer.html
    assert "¥12.8K" not in pointer.text and not pointer.buttons()
    # Bob's conversation carries on from the question he asked.
    follow = only(await bot.say(BOB, "/ask 那全媒体运营师呢", chat=group))
    assert follow.text.startswith("全媒体运营师平均工资")

    clock.advance(8)  # eleven minutes after the first answer
    again = only(await bot.say(BOB, "/ask 互联网营销师工资多少", chat=group))
    assert "¥12.8K" in again.text


async def test_one_person_gets_at_most_three_replies_a_minute(
    bot: BotDriver, group: dict[str, Any], clock: Clock
) -> None:
    questions = [
        "/ask 互联网营销师工资多少",
        "/ask 全媒体运营师分几个等级",
        "/ask 互联网营销师证书谁发的",
        "/ask 全媒体运营师报考条件",
        "/compare",
    ]
    replies = [await bot.say(ALICE, q, chat=group) for q in questions]
    assert [len(r) for r in replies] == [1, 1, 1, 0, 0]
    assert (
        len(await bot.say(BOB, "/ask 全媒体运营师报考条件", chat=group)) == 1
    )  # others unaffected
    clock.advance(1)
    assert len(await bot.say(ALICE, "/ask 互联网营销师前景怎么样", chat=group)) == 1


async def test_the_hourly_limit_is_announced_once_then_silence(
    bot: BotDriver, api: FakeBotAPI, group: dict[str, Any], clock: Clock
) -> None:
    panel = only(await bot.say(ADMIN, "/settings", chat=group))
    await bot.tap(ADMIN, panel, "10 条")
    people = [FakeBotAPI.user(5000 + i, f"同学{i}") for i in range(6)]
    entries = [
        "互联网营销师工资多少",
        "全媒体运营师工资多少",
        "互联网营销师分几个等级",
        "全媒体运营师分几个等级",
        "互联网营销师证书谁发的",
        "全媒体运营师证书谁发的",
        "互联网营销师报考条件",
        "全媒体运营师报考条件",
        "互联网营销师前景怎么样",
        "全媒体运营师前景怎么样",
    ]
    for i, question in enumerate(entries):
        assert len(await bot.say(people[i % 6], f"/ask {question}", chat=group)) == 1
        clock.advance(0.5)
    notice = only(await bot.say(people[0], "/ask 考互联网营销师要多少钱", chat=group))
    assert "每小时 10 条" in notice.text and notice.button("私聊")["url"].startswith(
        "https://t.me/"
    )
    assert await bot.say(people[1], "/ask 互联网营销师可以跨级报考吗", chat=group) == []
    clock.advance(60)
    assert (
        "跨级" in only(await bot.say(people[1], "/ask 互联网营销师可以跨级报考吗", chat=group)).text
    )


# --- Telegram's corners ------------------------------------------------------------------------------


async def test_edited_messages_are_not_answered_again(
    bot: BotDriver, api: FakeBotAPI, group: dict[str, Any]
) -> None:
    update = api.message(ALICE, "/ask 互联网营销师工资多少", group)
    await bot.handled(update)
    assert len(api.sent_messages(GROUP_ID)) == 1
    edited = {**update["message"], "text": "/ask 全媒体运营师工资多少", "edit_date": 1}
    mark = len(api.calls)
    await bot.handled(api.queue_update({"edited_message": edited}))
    assert bot._touched(mark) == []
    text, extra = mention("全媒体运营师工资多少")  # an edit that adds a mention: still nothing
    mention_edit = {**update["message"], "text": text, **extra, "edit_date": 2}
    await bot.handled(api.queue_update({"edited_message": mention_edit}))
    assert bot._touched(mark) == []


async def test_the_group_command_menu_has_ask_and_admins_see_settings(bot: BotDriver) -> None:
    groups = {c["command"] for c in bot.api.commands["all_group_chats"]}
    admins = {c["command"] for c in bot.api.commands["all_chat_administrators"]}
    assert "ask" in groups and "settings" not in groups
    assert admins == groups | {"settings"}
