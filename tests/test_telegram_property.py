"""Arbitrary input through the real Application and the fake server (hypothesis).

Control characters, zero-width and bidirectional marks, combining characters, emoji sequences,
4,096-character messages, text that looks like HTML or Markdown, only punctuation, names and
captions of any kind: the bot never fails, always replies with something sensible, and every
reply is one Telegram would accept (the fake server checks HTML, length and buttons).

One bot runs for the whole module on an event loop in a background thread, so each example
costs one round trip; every example writes as a new person, so no flood limit or earlier state
interferes. Example counts are modest to keep the suite fast; the examples are derandomised, so
a run is repeatable.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.conversation import NOT_CHOOSING, WHICH_ONE
from bot.knowledge import Knowledge
from bot.render import EMPTY, GREETINGS, NOT_KNOWN, SUGGEST_HEADING
from bot.script import SCRIPTS, Converter
from bot.settings import load_settings
from bot.telegram.app import build_application
from bot.telegram.errors import APOLOGY, CAPTION_LEAD, NOT_TEXT, UNKNOWN_COMMAND
from bot.tools.fakebotapi import BotDriver, FakeBotAPI, Sent, settings_env

TOKEN = "313131313:AAH-property_token_for_tests_poiuytrewq"
T = TypeVar("T")

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
COMBINING = "\u0301\u0308\u0323\u0336\u20dd\u0489\u302a"
CONTROL = "".join(map(chr, range(32))) + "\x7f\x85\u2028\u2029"
EMOJI = ("👨‍👩‍👧‍👦", "🇨🇳", "👍🏽", "🏳️‍🌈", "❤️", "🧑🏻‍💻", "#️⃣", "😂" * 3)
MARKUP = (
    "<b>",
    "</b>",
    "<i>斜体",
    '<a href="javascript:alert(1)">',
    "</a>",
    "&amp;",
    "&lt;",
    "&#",
    "&",
    "<",
    ">",
    "<script>alert(1)</script>",
    "<tg-spoiler>",
    "**粗体**",
    "__下划线__",
    "`代码`",
    "```\n块\n```",
    "[链接](http://example.com)",
    "\\",
    "*_~|>#+-=.!",
    "%s %d {0} {}",
    "'; DROP TABLE user_state; --",
    "../../etc/passwd",
    "$(rm -rf /)",
)
PUNCTUATION = ("？？？", "！", "……", "。。。", "，", "~~~", "?!", "、", "——", "《》", "【】", "...")
QUESTIONS = (
    "互联网营销师工资多少",
    "全媒体运营师报考条件",
    "那全媒体运营师呢",
    "網際網路行銷師薪水多少",
    "两个证有什么区别",
    "直播代货证书谁发的",
    "你好",
    "谢谢",
)
COMMANDS = ("/start", "/help", "/compare", "/faq", "/sources", "/feedback", "/choose", "/nope")

pieces = st.one_of(
    st.sampled_from(QUESTIONS),
    st.sampled_from(MARKUP),
    st.sampled_from(EMOJI),
    st.sampled_from(PUNCTUATION),
    st.text(st.sampled_from(ZERO_WIDTH + BIDI + COMBINING + CONTROL), min_size=1, max_size=4),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
)
texts = st.lists(pieces, min_size=1, max_size=10).map("".join).filter(lambda t: t.strip() != "")
long_texts = pieces.filter(bool).map(lambda p: (p * (4096 // len(p) + 1))[:4096])
names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=64).filter(
    lambda n: n.strip() != ""
)


class BackgroundBot:
    """The fake server and the real Application, on an event loop in another thread."""

    def __init__(self, knowledge: Knowledge, data_dir: Path) -> None:
        self.knowledge, self.data_dir = knowledge, data_dir
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.users = itertools.count(9_000_000)
        self.errors: list[logging.LogRecord] = []

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> None:
        self.thread.start()
        self.run(self._start())

    async def _start(self) -> None:
        self.api = FakeBotAPI(TOKEN)
        await self.api.start()
        env = settings_env(self.api, self.data_dir, LOG_LEVEL="WARNING")
        app = build_application(load_settings(env, env_file=None), self.knowledge)
        self.driver = BotDriver(self.api, app)
        await self.driver.start()

    def stop(self) -> None:
        async def stop() -> None:
            await self.driver.stop()
            await self.api.stop()

        self.run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def person(self, name: str = "测试") -> dict[str, Any]:
        return FakeBotAPI.user(next(self.users), name)

    def say(self, user: dict[str, Any], text: str | None, **extra: Any) -> list[Sent]:
        """One message from ``user``; what the bot sent, after checking nothing went wrong."""
        mark, errors = len(self.api.calls), len(self.errors)
        sent = self.run(self.driver.say(user, text, **extra))
        calls = self.api.calls[mark:]
        assert all(c.ok for c in calls), [(c.method, c.description) for c in calls if not c.ok]
        assert self.errors[errors:] == [], [r.getMessage() for r in self.errors[errors:]]
        assert all(APOLOGY not in m.text for m in sent)
        return sent


class Collect(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


@pytest.fixture(scope="module")
def bot(knowledge: Knowledge, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundBot]:
    background = BackgroundBot(knowledge, tmp_path_factory.mktemp("property"))
    handler = Collect(background.errors)
    logging.getLogger().addHandler(handler)
    background.start()
    try:
        yield background
    finally:
        background.stop()
        logging.getLogger().removeHandler(handler)
    assert background.api.rejected == []


CONVERT = Converter()


def forms(text: str) -> set[str]:
    """The text as a reader of each script sees it (a Traditional message gets Traditional)."""
    return {CONVERT(text, script) for script in SCRIPTS}


def sensible(text: str, reply: str) -> bool:
    """Whether ``reply`` is one of the things the bot says to a typed message."""
    if text.lstrip().startswith("/"):
        return True  # any command's own reply (the call itself was checked valid)
    said = (*GREETINGS.values(), EMPTY, NOT_CHOOSING, WHICH_ONE)
    return (
        any(f in reply for f in forms("来源"))  # an answer, with its sources
        or any(reply.startswith(f) for f in forms(NOT_KNOWN))
        or any(f in reply for f in forms(SUGGEST_HEADING))
        or any(reply in forms(s) for s in said)
        or "第1题" in reply  # 帮我选 and the like start the guided choice
    )


examples = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@examples
@given(text=texts)
def test_any_text_gets_a_sensible_valid_reply(bot: BackgroundBot, text: str) -> None:
    sent = bot.say(bot.person(), text)
    assert sent, f"no reply to {text!r}"
    assert sensible(text, sent[0].text), (text, sent[0].text[:80])
    assert all(m.text and len(m.html) <= 4096 for m in sent)


@settings(examples, max_examples=12)
@given(text=long_texts)
def test_a_4096_character_message_is_answered_quickly(bot: BackgroundBot, text: str) -> None:
    sent = bot.say(bot.person(), text)
    assert sent and sensible(text, sent[0].text), (text[:40], sent[0].text[:80] if sent else "")


@settings(examples, max_examples=30)
@given(name=names)
def test_any_name_is_greeted_as_written(bot: BackgroundBot, name: str) -> None:
    (greeting,) = bot.say(bot.person(name), "/start")
    assert greeting.text.startswith(f"您好，{name}！")


PHOTO = [{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}]


@settings(examples, max_examples=30)
@given(caption=st.one_of(st.none(), st.just(""), st.just(" \u200b "), texts))
def test_a_photo_gets_an_answer_to_its_caption_or_a_hint(
    bot: BackgroundBot, caption: str | None
) -> None:
    extra: dict[str, Any] = {"photo": PHOTO}
    if caption is not None:
        extra["caption"] = caption
    (reply,) = bot.say(bot.person(), None, **extra)
    if caption and caption.strip():
        lead = next((f for f in forms(CAPTION_LEAD) if reply.text.startswith(f)), None)
        assert lead is not None, reply.text[:80]
        assert sensible("", reply.text[len(lead) :].lstrip("\n")), reply.text[:80]
    else:
        assert reply.text == NOT_TEXT


@settings(examples, max_examples=25)
@given(text=texts)
def test_in_a_group_anything_is_handled_without_error(bot: BackgroundBot, text: str) -> None:
    group = bot.api.group_chat(-100_000_777, "考证群")
    for sent in bot.say(bot.person(), text, chat=group):
        assert sent.chat_id == group["id"] and sent.text.strip()
        assert UNKNOWN_COMMAND not in sent.text  # that hint is for private chats only
