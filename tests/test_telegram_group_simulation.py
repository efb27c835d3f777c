"""Ten minutes in a study group of five, as a new group would use the bot.

Privacy mode is off and the admin has turned auto-answer on, so the bot sees every message: small
talk, questions to each other, questions about the certificates (asked plainly, with /ask, with a
mention, as a reply to the bot), and the same question twice. Time is a fake clock. The bot must
answer exactly the questions, each as a reply to it, never answer the same question twice in full
(the second time it points to the first answer), and make no call Telegram would refuse.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from test_telegram_group import Clock

from bot.knowledge import Knowledge
from bot.settings import load_settings
from bot.telegram.app import build_application
from bot.tools.fakebotapi import BOT_USERNAME, BotDriver, FakeBotAPI, settings_env

TOKEN = "123456789:AAS-simulation_token_for_the_fake_xx"
GROUP_ID = -1002223334445
WANG, LI, ZHANG, CHEN = (
    FakeBotAPI.user(7001 + i, n) for i, n in enumerate(["小王", "阿李", "小张", "小陈"])
)
OWNER = FakeBotAPI.user(7000, "群主")

ANSWER, POINTER, QUIET = "answer", "pointer", "quiet"
# (minute, who, text, what the bot should do). "@" starts a mention of the bot; "↩" a reply to
# the bot's latest answer.
SCRIPT: list[tuple[float, dict[str, Any], str, str]] = [
    (0.2, WANG, "大家好！", QUIET),
    (0.5, LI, "早上好呀", QUIET),
    (0.8, ZHANG, "最近在考虑考个证", QUIET),
    (1.0, ZHANG, "互联网营销师工资多少？", ANSWER),
    (1.3, CHEN, "哇 12.8K 挺高的", QUIET),
    (2.0, LI, "@ 全媒体运营师报考条件", ANSWER),
    (2.4, WANG, "我大专毕业，不知道够不够", QUIET),
    (3.0, CHEN, "/ask 两个证有什么区别", ANSWER),
    (3.5, WANG, "互联网营销师工资多少", POINTER),  # asked at 1.0
    (4.0, WANG, "哈哈哈", QUIET),
    (4.2, LI, "今天中午吃啥", QUIET),
    (5.0, WANG, "全媒体运营师分几个等级？", ANSWER),
    (5.5, CHEN, "我也想问这个", QUIET),
    (6.0, LI, "↩ 那互联网营销师呢", ANSWER),
    (6.5, OWNER, "大家讨论的时候注意别刷屏哈", QUIET),
    (7.0, ZHANG, "互联网营销师证书是哪个单位发的？", ANSWER),
    (7.2, CHEN, "报名了吗", QUIET),
    (8.0, WANG, "考互联网营销师要多少钱？", ANSWER),
    (8.5, LI, "全媒体运营师分几个等级", POINTER),  # asked at 5.0
    (9.0, CHEN, "全媒体运营师工资真低啊", QUIET),
    (9.5, ZHANG, "/ask 全媒体运营师前景怎么样", ANSWER),
    (10.0, WANG, "好的，我去报名了", QUIET),
]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(TOKEN) as server:
        server.bot["can_read_all_group_messages"] = True  # privacy mode off
        yield server
        assert server.rejected == [], [(c.method, c.description) for c in server.rejected]


async def test_ten_minutes_in_a_group_of_five(
    api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge
) -> None:
    group = api.group_chat(GROUP_ID, "互联网营销师备考群")
    api.set_member(GROUP_ID, OWNER["id"], "creator")
    clock = Clock()
    settings = load_settings(settings_env(api, tmp_path), env_file=None)
    async with BotDriver(api, build_application(settings, knowledge, clock=clock)) as bot:
        await bot.handled(api.member_update(group, OWNER, "left", "member"))
        panel = (await bot.say(OWNER, "/settings", chat=group))[0]
        await bot.tap(OWNER, panel, "打开自动回答")
        before = {m.message_id for m in api.sent_messages(GROUP_ID)}

        start = clock.now
        asked: dict[int, tuple[str, str]] = {}  # message id -> (text, expected)
        for minute, who, text, expected in SCRIPT:
            clock.now = start + minute * 60
            extra: dict[str, Any] = {}
            if text.startswith("@ "):
                text = f"@{BOT_USERNAME} {text[2:]}"
                extra["entities"] = [
                    {"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}
                ]
            elif text.startswith("↩ "):
                text = text[2:]
                latest = [m for m in api.sent_messages(GROUP_ID) if m.reply_to][-1]
                extra["reply_to_message"] = latest.as_message(api.bot, group)
            update = api.message(who, text, group, **extra)
            asked[int(update["message"]["message_id"])] = (text, expected)
            await bot.handled(update)

    replies = [m for m in api.sent_messages(GROUP_ID) if m.message_id not in before]
    by_target: dict[int, list[str]] = {}
    for reply in replies:
        assert reply.reply_to in asked, reply.text[:40]  # every message is a reply to someone
        by_target.setdefault(reply.reply_to, []).append(reply.text)

    for message_id, (text, expected) in asked.items():
        got = by_target.get(message_id, [])
        if expected == QUIET:
            assert got == [], (text, got)
            continue
        assert len(got) == 1, (text, got)
        if expected == POINTER:
            assert "回答过" in got[0] and "来源" not in got[0], (text, got)
        else:
            assert "来源" in got[0], (text, got)

    titles = [r.text.splitlines()[0] for r in replies if "来源" in r.text]
    assert len(titles) == len(set(titles)), titles  # no answer given twice
    # the reply was read as a follow-up: the levels answer's lead
    assert any(t.startswith("互联网营销师证书共五个等级") for t in titles), titles
