"""Durability: ``kill -9`` at random moments during a burst, then restart, as a real process.

Twenty people in five groups send 200 updates: questions and follow-ups, the guided choice
(buttons and a question in the middle of it) in their private chats, and commands and group
settings in their groups. Each person waits for each answer, like a person would, and sends
again what got no answer because the bot died while handling it. Meanwhile the bot is killed
three times, at random points of the burst, and restarted on the same data.

What must hold: every answer after a restart continues from what was answered before it (follow-up
context, the step of the guided choice, group settings); the only updates lost are those in flight
at a kill; no update is answered twice; the database passes ``PRAGMA integrity_check``.
The seed of the random kills is in every failure message (set DURABILITY_SEED to replay one).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from test_telegram_process import BotProcess, until

from bot.knowledge import Knowledge
from bot.settings import load_settings
from bot.storage import DB_NAME, Storage
from bot.telegram.app import build_application
from bot.telegram.common import EXPIRED_TOAST
from bot.telegram.group_policy import USER_WINDOW
from bot.tools.fakebotapi import BotDriver, FakeBotAPI, Sent, settings_env

pytestmark = pytest.mark.slow  # starts or kills bot processes

TOKEN = "606060606:AAF-durability_token_for_tests_zaqxsw"
PEOPLE, GROUPS, KILLS = 20, 5, 3
LIMIT_WAIT = USER_WINDOW + 5  # unanswered this long by a live bot: over the per-person limit
BUDGET = 240  # seconds for the whole burst (a person silenced by the limit waits a minute)
TOPICS = (  # what is asked, and how each certificate's answer begins (its lead)
    ("工资多少", ("平均工资", "平均工资")),
    ("分几个等级", ("证书共五个等级", "分三个等级")),
    ("证书谁发的", ("证书的颁证单位", "证书的颁证单位")),
)
ANSWERING = ("sendMessage", "editMessageText")
# What intake.once logs when a restarted bot is given an update again that it recorded as taken
# before the kill: it is not answered (rather than possibly twice).
SKIPPED = re.compile(r"Update (\d+) was handled before a restart")


@dataclass
class Exchange:
    """One update a person sent, and how many messages answer it."""

    chat_id: int
    update_id: int
    mark: int  # len(api.calls) when it was queued
    expect: int
    sent_at: float
    lost: bool = False
    lost_at: float = 0.0
    silenced: bool = False  # a live bot stayed silent: the person was over the group's limit
    expired: bool = False  # a button whose owner record was lost at a kill: "按钮已失效"


@dataclass
class Burst:
    """The fake server, the bot process being killed, and everything the people sent."""

    api: FakeBotAPI
    env: dict[str, str]
    tmp: Path
    seed: int
    bot: BotProcess | None = None
    ready_at: float = 0.0
    started: float = 0.0  # when the running bot signed in, as the fake server recorded it
    up: asyncio.Event = field(default_factory=asyncio.Event)
    answered: int = 0
    kills: list[float] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    skipped: set[int] = field(default_factory=set)  # update ids the log says were skipped
    log_read: int = 0  # bytes of bot.log read for them

    async def start_bot(self) -> None:
        signed_in = self._count("setMyShortDescription")
        self.bot = BotProcess(self.env, self.tmp, self.tmp / "bot.log")
        await self.bot.start()
        await until(lambda: self._count("setMyShortDescription") > signed_in, "start-up", 60)
        self.started = max(
            c.at for c in self.api.calls if c.method == "setMyShortDescription" and c.ok
        )
        self.ready_at = time.monotonic()
        self.up.set()

    async def kill(self) -> None:
        assert self.bot is not None
        self.up.clear()
        assert await self.bot.stop(signal.SIGKILL) == -signal.SIGKILL
        self.kills.append(time.monotonic())

    def _count(self, method: str) -> int:
        return sum(1 for c in self.api.calls if c.method == method and c.ok)

    def answers(self, chat_id: int, mark: int) -> list[Sent]:
        """Messages sent or edited in a chat since ``mark``, in their current state."""
        out: list[Sent] = []
        for call in self.api.calls[mark:]:
            if call.ok and call.method in ANSWERING and call.result["chat"]["id"] == chat_id:
                sent = self.api.messages[(chat_id, call.result["message_id"])]
                if sent not in out:
                    out.append(sent)
        return out

    def expired(self, mark: int, update: dict[str, Any]) -> bool:
        """The bot said the button pressed in ``update`` no longer works (its owner record was
        lost at a kill). Only this press's own answer counts: other people press buttons too."""
        query = update.get("callback_query")
        if query is None:
            return False
        return any(
            c.ok
            and c.method == "answerCallbackQuery"
            and c.params.get("callback_query_id") == query["id"]
            and c.params.get("text") == EXPIRED_TOAST
            for c in self.api.calls[mark:]
        )

    async def exchange(
        self, chat_id: int, send: Callable[[], dict[str, Any]], expect: int = 1
    ) -> list[Sent]:
        """Send until answered: an update lost in flight at a kill is sent again. A press the
        bot calls expired returns nothing: the person opens the panel again, as one would."""
        while True:
            mark = len(self.api.calls)
            update = send()
            ex = Exchange(chat_id, update["update_id"], mark, expect, time.monotonic())
            self.exchanges.append(ex)
            while True:
                got = self.answers(chat_id, mark)
                if len(got) >= expect:
                    self.answered += 1
                    return got
                if self.expired(mark, update):
                    ex.expired = True
                    return []
                # Only a kill loses an update, and only what the server and the log show lost
                # is sent again: a bot that is merely slow (a loaded machine; a restarted bot
                # given the update again) is waited for, however long it takes. A resend it
                # then answered too would be an answer twice.
                kill = max((k for k in self.kills if k >= ex.sent_at), default=None)
                if kill is not None and self.up.is_set() and self.gone(ex.update_id, kill):
                    ex.lost, ex.lost_at = True, time.monotonic()
                    break
                # Resent messages after a kill can put a person over the group's limit of
                # replies per minute; the live bot then rightly stays silent, and the person
                # tries again later, as a person would.
                waited = time.monotonic() - max(ex.sent_at, self.ready_at)
                if waited > LIMIT_WAIT and self.up.is_set():
                    ex.silenced = True
                    break
                await asyncio.sleep(0.005)

    def gone(self, update_id: int, kill: float) -> bool:
        """Whether an update sent before ``kill`` will never be answered, as the fake server and
        the bot's log show (call only while the bot started after the kill is up). Either the
        new bot was given it again (the killed one had not confirmed it) and skipped it as
        taken before the kill, or the new bot has polled and was not given it (the killed one
        had confirmed it, and died before answering)."""
        if any(at > kill for at in self.api.deliveries.get(update_id, [])):
            return update_id in self.skipped_updates()
        return self.api.last_poll > self.started

    def skipped_updates(self) -> set[int]:
        """Updates a restarted bot has logged as handled before a restart (read as it logs)."""
        with (self.tmp / "bot.log").open("rb") as log:
            log.seek(self.log_read)
            new = log.read()
        whole = new[: new.rfind(b"\n") + 1]  # a line being written is read once it is whole
        self.log_read += len(whole)
        found = SKIPPED.finditer(whole.decode("utf-8", errors="replace"))
        self.skipped.update(int(m.group(1)) for m in found)
        return self.skipped

    def why(self) -> str:
        return f"(seed {self.seed}; DURABILITY_SEED={self.seed} replays it)"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(TOKEN) as server:
        yield server
        assert server.rejected == [], [(c.method, c.description) for c in server.rejected]


def first_option(step: Sent) -> str:
    return next(
        b["callback_data"] for b in step.buttons() if b["callback_data"].startswith("ch:o:")
    )


async def private_script(burst: Burst, i: int, group_turn: Callable[[int], Any]) -> None:
    """A person's questions, follow-up and guided choice, with two turns in their group."""
    api, why = burst.api, burst.why()
    user = FakeBotAPI.user(8100 + i, f"用户{i}")
    chat = user["id"]
    asks, title = TOPICS[i % len(TOPICS)]

    (answer,) = await burst.exchange(chat, lambda: api.message(user, f"互联网营销师{asks}"))
    assert answer.text.startswith(f"互联网营销师{title[0]}"), (why, answer.text[:40])
    await group_turn(i)
    (follow,) = await burst.exchange(chat, lambda: api.message(user, "那全媒体运营师呢"))
    assert follow.text.startswith(f"全媒体运营师{title[1]}"), (
        why,
        follow.text[:40],
    )  # context kept

    (step,) = await burst.exchange(chat, lambda: api.message(user, "/choose"))
    assert "第1题" in step.text, (why, step.text[:60])
    for number in (2, 3, 4, 5):
        data = first_option(step)
        (step,) = await burst.exchange(chat, lambda data=data, on=step: api.press(user, on, data))
        assert f"第{number}题" in step.text, (why, number, step.text[:80])  # progress kept
    await group_turn(i)
    answer, again = await burst.exchange(
        chat, lambda: api.message(user, "全媒体运营师证书谁发的"), expect=2
    )
    assert "广播影视人才交流中心" in answer.text, (why, answer.text[:60])
    assert "第5题" in again.text, (why, again.text[:80])


async def test_kill_9_during_a_burst_loses_nothing_answered_and_answers_nothing_twice(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    seed = int(os.environ.get("DURABILITY_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    data = tmp_path / "data"
    burst = Burst(api, settings_env(api, data), tmp_path, seed)
    why = burst.why()
    groups = [api.group_chat(-100_8000 - g, f"考证群{g}") for g in range(GROUPS)]
    turns = [0] * PEOPLE
    panels: dict[int, Sent] = {}  # group -> its settings panel
    reopened: list[int] = []  # groups whose admin opened the panel again
    locks = [asyncio.Lock() for _ in groups]
    for g, group in enumerate(groups):
        api.set_member(group["id"], 8100 + g * (PEOPLE // GROUPS), "administrator")

    async def group_turn(i: int) -> None:
        """In the group: the admin opens /settings and sets 60 an hour; others use commands."""
        g = i // (PEOPLE // GROUPS)
        group, user = groups[g], FakeBotAPI.user(8100 + i, f"用户{i}")
        admin = i % (PEOPLE // GROUPS) == 0
        turn, turns[i] = turns[i], turns[i] + 1
        async with locks[g]:  # one question at a time in a group, so answers can be told apart
            if admin and turn == 0:
                (panel,) = await burst.exchange(
                    group["id"], lambda: api.message(user, "/settings", chat=group)
                )
                assert "本群设置" in panel.text, (why, panel.text[:60])
                panels[g] = panel
            elif admin:
                while True:
                    panel = panels[g]
                    press = panel.button("60 条")["callback_data"]
                    got = await burst.exchange(
                        group["id"], lambda panel=panel, press=press: api.press(user, panel, press)
                    )
                    if got:
                        break
                    reopened.append(g)
                    (panels[g],) = await burst.exchange(  # the panel's buttons expired: reopen
                        group["id"], lambda: api.message(user, "/settings", chat=group)
                    )
                (saved,) = got
                assert "每小时最多回答：60 条" in saved.text, (why, saved.text[:80])
            elif turn == 0:
                (page,) = await burst.exchange(
                    group["id"], lambda: api.message(user, "/faq", chat=group)
                )
                assert "第 1/" in page.text, (why, page.text[:40])
            else:
                (sources,) = await burst.exchange(
                    group["id"], lambda: api.message(user, "/sources", chat=group)
                )
                assert "发布于" in sources.text, (why, sources.text[:40])

    async def killer() -> None:
        for threshold in sorted(rng.sample(range(15, 150), KILLS)):
            await until(lambda threshold=threshold: burst.answered >= threshold, "answers", BUDGET)
            await asyncio.sleep(rng.uniform(0, 0.03))
            await burst.kill()
            await burst.start_bot()

    await burst.start_bot()
    began = time.monotonic()
    try:
        people = [private_script(burst, i, group_turn) for i in range(PEOPLE)]
        try:
            await asyncio.wait_for(asyncio.gather(killer(), *people), BUDGET)
        except TimeoutError:
            pending = [e for e in burst.exchanges if not burst.answers(e.chat_id, e.mark)][-5:]
            log = (tmp_path / "bot.log").read_text(errors="replace")[-3000:]
            pytest.fail(f"the burst did not finish in {BUDGET} s {why}\npending: {pending}\n{log}")
    finally:
        assert burst.bot is not None
        await burst.bot.stop()
    took = time.monotonic() - began

    # 200 exchanges answered; what was lost was in flight at a kill.
    answered = [ex for ex in burst.exchanges if not (ex.lost or ex.silenced or ex.expired)]
    assert len(answered) == PEOPLE * 10 + len(reopened), why
    assert len(burst.kills) == KILLS, why
    for ex in burst.exchanges:
        if ex.lost:
            assert any(ex.sent_at <= k <= ex.lost_at for k in burst.kills), (why, ex)
        if ex.silenced:  # only a group's per-person limit silences a live bot
            assert ex.chat_id < 0, (why, ex)

    # No update answered twice: between one update in a chat and the next, only its answers.
    by_chat: dict[int, list[Exchange]] = {}
    for ex in burst.exchanges:
        by_chat.setdefault(ex.chat_id, []).append(ex)
    for chat_id, exchanges in by_chat.items():
        for ex, after in zip(exchanges, [*exchanges[1:], None], strict=True):
            end = after.mark if after else len(api.calls)
            count = sum(
                1
                for c in api.calls[ex.mark : end]
                if c.ok and c.method in ANSWERING and c.result["chat"]["id"] == chat_id
            )
            assert count <= ex.expect, (why, chat_id, ex, count)

    # What was saved is there, and the file is sound.
    raw = sqlite3.connect(data / DB_NAME)
    assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)], why
    raw.close()
    storage = Storage.in_dir(data)
    try:
        for i in range(PEOPLE):
            pid = 8100 + i
            context = storage.get_state(pid, pid, "context") or {}
            assert str(context.get("entry_id", "")).startswith("amo."), (why, i, context)
            assert (storage.get_state(pid, pid, "choose") or {}).get("step"), (why, i)
        for group in groups:
            assert storage.get_chat_setting(group["id"], "hourly_limit") == 60, why
    finally:
        storage.close()
    lost = sum(ex.lost for ex in burst.exchanges)
    for chat_id, exchanges in by_chat.items():  # at most the one in flight per chat per kill
        assert sum(ex.lost for ex in exchanges) <= KILLS, (why, chat_id)
    silenced = sum(ex.silenced for ex in burst.exchanges)
    print(
        f"durability: seed {seed}, {KILLS} kills, {lost} updates lost in flight, "
        f"{silenced} silenced by a group's limit, {took:.1f} s"
    )
    log = (tmp_path / "bot.log").read_text(encoding="utf-8")
    assert TOKEN.split(":")[1] not in log and "Traceback" not in log


async def test_an_update_delivered_again_after_a_crash_is_not_answered_again(
    api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge
) -> None:
    alice = FakeBotAPI.user(8201, "小陈")
    settings = load_settings(settings_env(api, tmp_path), env_file=None)
    async with BotDriver(api, build_application(settings, knowledge)) as first:
        answered = api.message(alice, "互联网营销师工资多少")
        await first.handled(answered)
    assert len([c for c in api.calls if c.method == "sendMessage"]) == 1
    # The bot died before Telegram heard that it had the update: Telegram sends it again, to
    # the next bot that polls, together with what came after it.
    api.redeliver(answered)
    follow = api.message(alice, "那全媒体运营师呢")
    mark = len(api.calls)
    async with BotDriver(api, build_application(settings, knowledge)) as second:
        await second.handled(follow)
    assert len(api.deliveries[answered["update_id"]]) == 2
    sent = [c.result["text"] for c in api.calls[mark:] if c.method == "sendMessage" and c.ok]
    assert len(sent) == 1 and sent[0].startswith("全媒体运营师平均工资")  # only the new one


def run_as_other_user() -> list[str]:
    """A prefix that runs a command as nobody when the tests run as root (root reads anything)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


async def test_an_unreadable_data_file_stops_the_start_and_is_kept(api: FakeBotAPI) -> None:
    prefix = run_as_other_user()
    top = Path(tempfile.mkdtemp(prefix="unreadable-"))
    try:
        top.chmod(0o755)
        data = top / "data"
        data.mkdir(mode=0o777)
        data.chmod(0o777)  # the bot could create a fresh file here: it must not
        Storage.in_dir(data).close()
        path = data / DB_NAME
        before = path.read_bytes()
        path.chmod(0o600 if prefix else 0o000)  # root's file, or nobody's permission
        proc = await asyncio.create_subprocess_exec(
            *prefix,
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=top,
            env={**clean_env(), **settings_env(api, data)},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
        output = out.decode("utf-8", errors="replace")
        assert proc.returncode == 1, output
        assert str(path) in output and "没有权限" in output and "没有被改动" in output
        assert len(output.strip().splitlines()) == 1, output  # one clear line, no traceback
        path.chmod(0o600)
        assert path.read_bytes() == before
        assert sorted(p.name for p in data.iterdir()) == [DB_NAME]  # nothing created beside it
    finally:
        shutil.rmtree(top, ignore_errors=True)
    api.calls.clear()


def clean_env() -> dict[str, str]:
    root = Path(__file__).resolve().parent.parent
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    return {**kept, "PYTHONPATH": str(root), "HOME": "/tmp"}
