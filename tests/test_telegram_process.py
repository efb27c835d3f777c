"""``python -m bot run`` as a real process against the fake server: kill -9 in the middle of the
guided choice and carry on after a restart, webhook mode, and start-up failures."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.knowledge import DEFAULT_DIR
from bot.tools.fakebotapi import FakeBotAPI, Sent, settings_env

pytestmark = pytest.mark.slow  # starts or kills bot processes

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "555000111:AAE-process_test_token_zxcvbnmasdf"
ALICE = FakeBotAPI.user(7001, "小林")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(TOKEN) as server:
        yield server
        assert server.rejected == [], [(c.method, c.description) for c in server.rejected]


class BotProcess:
    """``python -m bot run`` with its log in a file."""

    def __init__(self, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.env, self.cwd, self.log = env, cwd, log
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=self.cwd,
                env={**clean, "PYTHONPATH": str(ROOT), **self.env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )

    async def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        return await asyncio.wait_for(self.proc.wait(), 30)

    async def exited(self) -> int:
        """Wait for the process to end by itself; its exit code."""
        assert self.proc is not None
        return await asyncio.wait_for(self.proc.wait(), 60)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


async def until(check: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def reply_to(api: FakeBotAPI, update: dict[str, Any]) -> Sent:
    """Wait until the bot has handled the update; the message it sent or edited."""
    mark = len(api.calls)

    def touched() -> Sent | None:
        for call in api.calls[mark:]:
            if call.ok and call.method in ("sendMessage", "editMessageText"):
                return api.messages[(call.result["chat"]["id"], call.result["message_id"])]
        return None

    sent = await until(touched, f"a reply to {update}")
    await api.wait_taken(update["update_id"])
    return sent  # type: ignore[no-any-return]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_kill_9_in_the_middle_of_the_choice_then_carry_on(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    env = settings_env(api, tmp_path / "data", LOG_LEVEL="DEBUG")
    log = tmp_path / "bot.log"
    first = BotProcess(env, tmp_path, log)
    await first.start()
    await until(lambda: api.short_description, "start-up")
    step = await reply_to(api, api.message(ALICE, "/choose"))
    step = await reply_to(api, api.press(ALICE, step, step.button("卖货")["callback_data"]))
    assert "第2题" in step.text
    assert await first.stop(signal.SIGKILL) == -signal.SIGKILL
    # The text model shipped with the knowledge was read, not trained: nothing kept for it.
    shipped = (DEFAULT_DIR / "text-model.bin").stat()
    assert not (tmp_path / "data" / "text-model.bin").exists()

    second = BotProcess(env, tmp_path, log)
    await second.start()
    try:
        resumed = await reply_to(
            api, api.press(ALICE, step, step.button("在直播间带货")["callback_data"])
        )
        assert "第3题" in resumed.text and resumed.message_id == step.message_id
    finally:
        assert await second.stop() == 0  # SIGTERM: a clean shutdown
    assert not (tmp_path / "data" / "text-model.bin").exists()
    assert (DEFAULT_DIR / "text-model.bin").stat().st_mtime_ns == shipped.st_mtime_ns
    output = log.read_text(encoding="utf-8")
    assert "Signed in as @cert_advisor_test_bot" in output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output
    assert "[REDACTED]" in output  # the URLs were logged, without the token


async def test_webhook_mode_checks_the_secret(api: FakeBotAPI, tmp_path: Path) -> None:
    port = free_port()
    secret = "hook_secret-123"
    env = settings_env(
        api,
        tmp_path / "data",
        WEBHOOK_URL=f"http://127.0.0.1:{port}/tg/hook",
        WEBHOOK_SECRET=secret,
        PORT=str(port),
    )
    bot = BotProcess(env, tmp_path, tmp_path / "bot.log")
    await bot.start()
    try:
        await until(lambda: api.webhook.get("url"), "setWebhook")
        assert api.webhook["url"] == f"http://127.0.0.1:{port}/tg/hook"
        assert api.webhook["secret_token"] == secret
        api.private_chat(ALICE)
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": int(time.time()),
                "from": ALICE,
                "chat": api.chats[ALICE["id"]],
                "text": "互联网营销师工资多少",
            },
        }
        url = f"http://127.0.0.1:{port}/tg/hook"
        async with httpx.AsyncClient() as client:
            refused = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
            assert refused.status_code == 403
            mark = len(api.calls)
            accepted = await client.post(
                url,
                content=json.dumps(update),
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": secret,
                },
            )
            assert accepted.status_code == 200
        answer = await until(
            lambda: [c for c in api.calls[mark:] if c.method == "sendMessage" and c.ok], "answer"
        )
        assert "¥12.8K" in answer[0].result["text"]
    finally:
        assert await bot.stop() == 0
    assert TOKEN not in bot.output() and secret not in bot.output()


async def test_a_corrupt_database_stops_the_start_and_is_kept(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "bot.sqlite3").write_bytes(b"not a database" * 100)
    bot = BotProcess(settings_env(api, data), tmp_path, tmp_path / "bot.log")
    await bot.start()
    assert await bot.exited() == 1
    output = bot.output()
    assert "bot.sqlite3" in output and "没有被改动" in output and "Traceback" not in output
    assert (data / "bot.sqlite3").read_bytes() == b"not a database" * 100


async def test_a_token_telegram_refuses_exits_2(api: FakeBotAPI, tmp_path: Path) -> None:
    env = settings_env(api, tmp_path / "data")
    env["TELEGRAM_BOT_TOKEN"] = "111:AAE-a_token_the_server_does_not_know"
    bot = BotProcess(env, tmp_path, tmp_path / "bot.log")
    await bot.start()
    assert await bot.exited() == 2
    output = bot.output()
    assert "TELEGRAM_BOT_TOKEN 被 Telegram 拒绝" in output
    assert "a_token_the_server_does_not_know" not in output
    api.calls.clear()  # its 401s were the point


async def test_a_sign_in_answer_the_library_cannot_read_exits_2(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    # JSON, but not a user. (An answer that is not JSON at all, such as a proxy's page, is a
    # TelegramError, which PTB's bootstrap retries as it does a network error.)
    api.fail("getMe", 200, body='{"ok": true, "result": {"id": 1}}')
    bot = BotProcess(settings_env(api, tmp_path / "data"), tmp_path, tmp_path / "bot.log")
    await bot.start()
    assert await bot.exited() == 2
    output = bot.output()
    assert "配置错误：读不懂" in output and "getMe" in output
    assert "Traceback" not in output
    # One line says what is wrong; nothing else above INFO.
    problems = [line for line in output.splitlines() if " INFO " not in line]
    assert len(problems) == 1, output
    assert TOKEN not in output
