"""Whole conversations with the real Application, over the fake Bot API server.

Each test starts the bot exactly as ``python -m bot run`` would build it, talks to it as a person
in Telegram would (messages and button presses), and reads what it sent. Every test also checks,
on the way out, that the server refused none of the bot's calls and that no log line carried the
token.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.knowledge import Knowledge
from bot.settings import Settings, load_settings
from bot.telegram.app import build_application
from bot.tools.fakebotapi import BotDriver, FakeBotAPI, Sent, settings_env

TOKEN = "123456789:AAF-test_token_for_the_fake_server_xyz"
ALICE = FakeBotAPI.user(1001, "小王")
BOB = FakeBotAPI.user(1002, "阿<b>李&")  # a name that must be escaped
OWNER = FakeBotAPI.user(4242, "站长")


@pytest.fixture
async def api(caplog: pytest.LogCaptureFixture) -> AsyncIterator[FakeBotAPI]:
    caplog.set_level(logging.DEBUG)
    async with FakeBotAPI(TOKEN) as server:
        server.private_chat(OWNER)  # the owner has talked to the bot before
        yield server
        assert server.rejected == [], [(c.method, c.description) for c in server.rejected]
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


def make_settings(api: FakeBotAPI, data_dir: Path) -> Settings:
    env = settings_env(api, data_dir, BOT_ADMIN_IDS=str(OWNER["id"]))
    return load_settings(env, env_file=None)


@pytest.fixture
async def bot(api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge) -> AsyncIterator[BotDriver]:
    app = build_application(make_settings(api, tmp_path), knowledge)
    async with BotDriver(api, app) as driver:
        yield driver


def only(messages: list[Sent]) -> Sent:
    assert len(messages) == 1, [m.text[:60] for m in messages]
    return messages[0]


# --- greeting and questions ----------------------------------------------------------------------


async def test_start_greets_by_name_and_offers_the_menu(bot: BotDriver) -> None:
    reply = only(await bot.say(ALICE, "/start"))
    assert reply.text.startswith("您好，小王！")
    assert "帮您选" in reply.text and "注明出处" in reply.text
    assert [b["text"] for b in reply.buttons()] == ["📊 两证对比", "🧭 帮我选", "❓ 常见问题"]

    help_reply = only(await bot.say(ALICE, "/help"))
    assert "/compare" in help_reply.text and "/choose" in help_reply.text
    assert "那全媒体运营师呢" in help_reply.text


async def test_user_names_are_escaped(bot: BotDriver) -> None:
    reply = only(await bot.say(BOB, "/start"))
    assert reply.text.startswith("您好，阿<b>李&！")  # shown literally, not as markup
    assert "阿&lt;b&gt;李&amp;" in reply.html


async def test_a_question_is_answered_with_its_source(bot: BotDriver) -> None:
    reply = only(await bot.say(ALICE, "互联网营销师工资多少"))
    assert reply.text.startswith("互联网营销师平均工资")
    assert "¥12.8K" in reply.text and "职工集" in reply.text
    assert "来源" in reply.text and "山东专升本信息网，2023-01-18" in reply.text
    assert '<a href="http://www.sdzsb8.cn/baike/72315.html">' in reply.html
    assert reply.button("👍")["callback_data"] == "fb:ims.salary:up"
    assert reply.button("👎")["callback_data"] == "fb:ims.salary:down"
    assert reply.button("全媒体运营师工资多少")["callback_data"] == "q:amo.salary"


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("互连网营销师工资多少", "互联网营销师平均工资"),
        ("網際網路行銷師薪水多少", "互聯網營銷師平均工資"),  # answered in Traditional
    ],
)
async def test_typos_and_traditional_characters_are_understood(
    bot: BotDriver, question: str, title: str
) -> None:
    reply = only(await bot.say(ALICE, question))
    assert reply.text.startswith(title) and "¥12.8K" in reply.text


async def test_a_question_outside_the_articles_says_what_the_bot_can_answer(
    bot: BotDriver,
) -> None:
    reply = only(await bot.say(ALICE, "明天北京会下雨吗"))
    assert "不在我的资料里" in reply.text
    assert "工资待遇" in reply.text and "两证对比" in reply.text
    assert [b["text"] for b in reply.buttons()] == ["📊 两证对比", "🧭 帮我选", "❓ 常见问题"]


async def test_when_unsure_it_asks_and_the_suggestion_button_answers(
    bot: BotDriver, knowledge: Knowledge
) -> None:
    guess = only(await bot.say(ALICE, "证书"))
    assert "您是不是想问：" in guess.text
    suggestions = [b for b in guess.buttons() if b["callback_data"].startswith("q:")]
    assert len(suggestions) >= 2
    assert all(len(b["callback_data"].encode()) <= 64 for b in guess.buttons())

    chosen = suggestions[0]
    answer = only(await bot.press(ALICE, guess, chosen["callback_data"]))
    assert answer.text.startswith(knowledge.entry(chosen["callback_data"][2:]).lead)
    assert "来源" in answer.text and answer.button("👍")


async def test_follow_up_questions_continue_per_person(bot: BotDriver) -> None:
    await bot.say(ALICE, "互联网营销师工资多少")
    await bot.say(BOB, "互联网营销师分几个等级")
    alice = only(await bot.say(ALICE, "那全媒体运营师呢"))
    bob = only(await bot.say(BOB, "那全媒体运营师呢"))
    assert alice.text.startswith("全媒体运营师平均工资") and "¥6.2K" in alice.text
    assert bob.text.startswith("全媒体运营师分三个等级") and "初级、中级、高级" in bob.text


async def test_a_question_button_also_sets_the_follow_up_context(bot: BotDriver) -> None:
    answer = only(await bot.say(ALICE, "互联网营销师报考条件"))
    await bot.tap(ALICE, answer, "全媒体运营师的报考条件")
    follow = only(await bot.say(ALICE, "那互联网营销师呢"))
    assert follow.text.startswith("两篇文章说法不一：2022年2月的说五级")


async def test_unknown_commands_and_stickers_get_a_hint(bot: BotDriver) -> None:
    assert "发送 /help" in only(await bot.say(ALICE, "/weather")).text
    sticker = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    assert "我只看得懂文字" in only(await bot.say(ALICE, None, sticker=sticker)).text


async def test_greetings_get_a_greeting(bot: BotDriver) -> None:
    reply = only(await bot.say(ALICE, "你好"))
    assert reply.text.startswith("您好！") and reply.button("帮我选")


# --- compare, faq, sources ---------------------------------------------------------------------


async def test_compare_puts_the_two_side_by_side(bot: BotDriver, knowledge: Knowledge) -> None:
    reply = only(await bot.say(ALICE, "/compare"))
    lines = reply.text.splitlines()
    for heading in ("工资", "做什么", "工种", "等级", "颁证单位", "报名", "报考条件", "适合谁"):
        assert any(heading in line for line in lines), heading
    assert "🟠 ¥12.8K" in reply.text and "🔵 ¥6.2K" in reply.text
    assert "中国轻工业联合会" in reply.text and "广播影视人才交流中心" in reply.text
    assert "来源：36氪，2022-02-10；山东专升本信息网，2023-01-18" in reply.text
    # every figure in the comparison comes from the knowledge
    answers = " ".join(e.lead + e.answer for e in knowledge.entries)
    for number in re.findall(r"\d+(?:\.\d+)?", reply.text):
        assert number in answers or number in "36 2022-02-10 2023-01-18", number

    detail = only(await bot.tap(ALICE, reply, "区别详解"))
    assert detail.text.startswith("方向不同：")


async def test_compare_from_the_menu_button(bot: BotDriver) -> None:
    menu = only(await bot.say(ALICE, "/start"))
    reply = only(await bot.tap(ALICE, menu, "两证对比"))
    assert reply is not menu and "🟠 互联网营销师" in reply.text


async def test_faq_pages_through_every_question(bot: BotDriver, knowledge: Knowledge) -> None:
    page = only(await bot.say(ALICE, "/faq"))
    pages = -(-len(knowledge.entries) // 8)
    assert f"第 1/{pages} 页" in page.text
    seen = []
    for number in range(1, pages + 1):
        questions = [b for b in page.buttons() if b["callback_data"].startswith("q:")]
        assert 1 <= len(questions) <= 8
        seen += [b["callback_data"][2:] for b in questions]
        nav = [b["text"] for b in page.buttons() if b["callback_data"].startswith("faq:")]
        assert ("◀️ 上一页" in nav) == (number > 1)
        assert ("下一页 ▶️" in nav) == (number < pages)
        if number < pages:
            turned = only(await bot.tap(ALICE, page, "下一页"))
            assert turned.message_id == page.message_id  # turned in place
            assert f"第 {number + 1}/{pages} 页" in turned.text
    assert sorted(seen) == sorted(e.id for e in knowledge.entries)
    back = only(await bot.tap(ALICE, page, "上一页"))
    assert f"第 {pages - 1}/{pages} 页" in back.text

    first = page.buttons()[0]
    answer = only(await bot.press(ALICE, page, first["callback_data"]))
    assert answer.message_id != page.message_id
    assert answer.text.startswith(knowledge.entry(first["callback_data"][2:]).lead)


async def test_faq_opens_from_the_menu(bot: BotDriver) -> None:
    menu = only(await bot.say(ALICE, "/start"))
    page = only(await bot.tap(ALICE, menu, "常见问题"))
    assert "第 1/" in page.text
    first = page.buttons()[0]["callback_data"]
    assert first.startswith(("q:both.", "q:compare."))  # the comparisons come first


async def test_sources_lists_the_articles_with_dates_and_caveat(bot: BotDriver) -> None:
    reply = only(await bot.say(ALICE, "/sources"))
    assert "《新职业互联网营销师，会带来一波培训热吗？》" in reply.text
    assert "《互联网营销师和全媒体运营师有什么区别？》" in reply.text
    assert "发布于 2022-02-10" in reply.text and "发布于 2023-01-18" in reply.text
    assert "文章发布时的情况" in reply.text


# --- feedback --------------------------------------------------------------------------------------


async def test_feedback_is_recorded_and_summarised_for_owners_only(bot: BotDriver) -> None:
    answer = only(await bot.say(ALICE, "全媒体运营师工资多少"))
    mark = len(bot.api.calls)
    edited = only(await bot.tap(ALICE, answer, "👎"))
    assert edited.message_id == answer.message_id
    assert not any(b["callback_data"].startswith("fb:") for b in edited.buttons())
    assert any(b["callback_data"].startswith("q:") for b in edited.buttons())  # questions stay
    assert bot.toasts(mark) == ["谢谢反馈，我们会据此改进这个回答。"]

    other = only(await bot.say(BOB, "全媒体运营师工资多少"))
    await bot.tap(BOB, other, "👍")

    refusal = only(await bot.say(ALICE, "/feedback"))
    assert "只对机器人的管理员开放" in refusal.text

    summary = only(await bot.say(OWNER, "/feedback"))
    assert "共 2 条评价：👍 1 · 👎 1，来自 2 位用户" in summary.text
    assert "全媒体运营师工资多少？  👎 1 · 👍 1" in summary.text


# --- the guided choice -------------------------------------------------------------------------------


def options(step: Sent) -> list[dict[str, str]]:
    return [b for b in step.buttons() if b["callback_data"].startswith("ch:o:")]


async def test_the_guided_choice_through_buttons_with_back(bot: BotDriver) -> None:
    step = only(await bot.say(ALICE, "/choose"))
    assert "第1题" in step.text and "您更想往哪个方向发展" in step.text
    assert "上一步" not in [b["text"] for b in step.buttons()]
    assert {"🔄 重新开始", "✖️ 取消"} <= {b["text"] for b in step.buttons()}

    step2 = only(await bot.tap(ALICE, step, "卖货"))
    assert step2.message_id == step.message_id and "第2题" in step2.text
    back = only(await bot.tap(ALICE, step2, "上一步"))
    assert "第1题" in back.text

    current = only(await bot.tap(ALICE, back, "卖货"))
    for _ in range(10):
        if "【选择结果】" in current.text:
            break
        current = only(await bot.press(ALICE, current, options(current)[0]["callback_data"]))
    assert current.message_id == step.message_id
    assert "【选择结果】" in current.text and "建议" in current.text
    assert "来源" in current.text and "授权" in current.text
    assert [b["text"] for b in current.buttons()] == ["完整对比", "问个问题", "重新选"]

    # After the result the flow is over: a question is a question again.
    answer = only(await bot.say(ALICE, "全媒体运营师工资多少"))
    assert answer.text.startswith("全媒体运营师平均工资")

    again = only(await bot.tap(ALICE, current, "重新选"))
    assert "第1题" in again.text


async def test_the_guided_choice_can_be_cancelled(bot: BotDriver) -> None:
    step = only(await bot.say(ALICE, "/choose"))
    step = only(await bot.tap(ALICE, step, "还没想好"))
    cancelled = only(await bot.tap(ALICE, step, "取消"))
    assert "已退出选择" in cancelled.text and cancelled.button("帮我选")
    reply = only(await bot.say(ALICE, "1"))  # no longer an answer to the flow
    assert "第" not in reply.text.splitlines()[0]


async def test_questions_and_typed_answers_mid_flow(bot: BotDriver) -> None:
    step = only(await bot.say(ALICE, "/choose"))
    answer, again = await bot.say(ALICE, "互联网营销师工资多少")
    assert answer.text.startswith("互联网营销师平均工资") and "¥12.8K" in answer.text
    assert again.text.startswith("回到刚才的问题：") and "第1题" in again.text
    assert options(again)

    typed = only(await bot.say(ALICE, "2"))  # an option by its number
    assert "第2题" in typed.text and "内容和运营" in typed.text
    nonsense = only(await bot.say(ALICE, "随便"))
    assert "不是这一题的选项" in nonsense.text and "第2题" in nonsense.text
    # The first step's message is still on screen; its buttons now belong to an earlier step.
    mark = len(bot.api.calls)
    stale = only(await bot.tap(ALICE, step, "卖货"))
    assert bot.toasts(mark) == ["这个按钮属于前面的问题，请回答现在这一题。"]
    assert "第2题" in stale.text and stale.message_id != step.message_id


async def test_the_deep_link_starts_the_choice_at_once(bot: BotDriver) -> None:
    step = only(await bot.say(ALICE, "/start choose"))
    assert "帮您在互联网营销师和全媒体运营师之间做个选择" in step.text
    assert "第1题" in step.text and options(step)


async def test_the_choice_resumes_after_a_restart(
    api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge
) -> None:
    settings = make_settings(api, tmp_path)
    async with BotDriver(api, build_application(settings, knowledge)) as first:
        step = only(await first.say(ALICE, "/choose"))
        step = only(await first.tap(ALICE, step, "做内容和运营"))
        step = only(await first.tap(ALICE, step, "用户运营"))
        assert "第3题" in step.text
    # The first bot is gone (as after a crash or a deploy); a new one uses the same DATA_DIR.
    async with BotDriver(api, build_application(settings, knowledge)) as second:
        resumed = only(await second.tap(ALICE, step, options(step)[0]["text"]))
        assert "第4题" in resumed.text and resumed.message_id == step.message_id
        menu_again = only(await second.say(ALICE, "/choose"))
        assert menu_again.text.startswith("接着上次的进度继续") and "第4题" in menu_again.text
        back = only(await second.tap(ALICE, menu_again, "上一步"))
        assert "第3题" in back.text


async def test_old_and_unknown_buttons_expire_politely(bot: BotDriver) -> None:
    menu = only(await bot.say(ALICE, "/start"))
    for data in (
        "ch:o:direction:sell",
        "ch:back",
        "q:no.such_entry",
        "fb:gone:up",
        "zz:what",
        "faq:x",
    ):
        mark = len(bot.api.calls)
        expired = only(await bot.press(ALICE, menu, data))
        assert "这个按钮已经失效了" in expired.text, data
        assert expired.button("帮我选") and expired.message_id != menu.message_id
        assert bot.toasts(mark) == ["按钮已失效"]

    # a finished flow's buttons, too
    step = only(await bot.say(ALICE, "/choose"))
    old_button = options(step)[0]["callback_data"]
    only(await bot.tap(ALICE, step, "取消"))
    expired = only(await bot.press(ALICE, step, old_button))
    assert "这个按钮已经失效了" in expired.text


# --- presence ---------------------------------------------------------------------------------------


async def test_commands_and_descriptions_are_set_at_start(bot: BotDriver) -> None:
    api = bot.api
    private = {c["command"]: c["description"] for c in api.commands["all_private_chats"]}
    group = {c["command"] for c in api.commands["all_group_chats"]}
    assert {"start", "compare", "choose", "faq", "sources", "help"} <= set(private)
    assert private["compare"] == "互联网营销师和全媒体运营师对比"
    assert "choose" not in group and {"compare", "faq", "help"} <= group
    assert "互联网营销师" in api.description and len(api.short_description) <= 120
    owner = {c["command"] for c in api.commands[f"chat:{OWNER['id']}"]}
    assert owner == set(private) | {"feedback", "review"}
    assert only(await bot.say(ALICE, "/start")).text.startswith("您好")


async def test_housekeeping_is_scheduled_on_the_job_queue(bot: BotDriver) -> None:
    jobs = bot.app.job_queue.get_jobs_by_name("housekeeping")
    assert len(jobs) == 1


async def test_a_traditional_writer_reads_traditional_until_writing_simplified(
    bot: BotDriver,
) -> None:
    reply = only(await bot.say(ALICE, "全媒體運營師薪水多少"))
    assert reply.text.startswith("全媒體運營師平均工資") and "¥6.2K" in reply.text
    assert reply.button("有幫助")  # buttons follow the script
    menu = only(await bot.say(ALICE, "/start"))
    assert [b["text"] for b in menu.buttons()] == ["📊 兩證對比", "🧭 幫我選", "❓ 常見問題"]
    back = only(await bot.say(ALICE, "全媒体运营师工资多少"))
    assert back.text.startswith("全媒体运营师平均工资")


async def test_thanks_gets_a_short_reply_and_which_one_offers_the_choice(bot: BotDriver) -> None:
    await bot.say(ALICE, "互联网营销师工资多少")
    thanks = only(await bot.say(ALICE, "行 谢谢你啊"))
    assert thanks.text == "不客气！还有问题随时问我。"
    offer = only(await bot.say(ALICE, "俩我该考哪个"))
    assert "没有直接说谁该考哪个" in offer.text and len(offer.text.splitlines()) == 1
    step = only(await bot.press(ALICE, offer, offer.button("帮我选")["callback_data"]))
    assert "第1题" in step.text


async def test_an_abandoned_choice_is_not_asked_again(
    api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge
) -> None:
    now = [1_000_000.0]
    app = build_application(make_settings(api, tmp_path), knowledge, clock=lambda: now[0])
    async with BotDriver(api, app) as bot:
        await bot.say(ALICE, "/choose")
        soon = await bot.say(ALICE, "全媒体运营师工资多少")
        assert len(soon) == 2 and "回到刚才的问题" in soon[1].text  # open: the step comes back
        now[0] += 31 * 60
        later = await bot.say(ALICE, "全媒体运营师工资多少")
        assert len(later) == 1 and "¥6.2K" in later[0].text
