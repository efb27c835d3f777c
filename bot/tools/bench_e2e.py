"""``python -m bot bench --e2e``: the real bot, through the fake Bot API server, under load.

The bot runs in its own process, exactly as ``build_application`` makes it, long-polling the fake
server of ``fakebotapi.py``, with Telegram's own rate limits switched off (the fake server has
none). This process plays the server and the people:
each update comes from a different person, with a question as people type them.

Two measurements:

- throughput: ``updates`` questions queued at once; updates answered per second, from the first
  queued to the last answer arriving at the server;
- latency: ``updates`` questions sent at ``TARGET_RATE`` a second; for each, the time from the
  server handing it to the bot (getUpdates) to the bot's sendMessage arriving at the server.

Peak memory is the bot process's maximum resident set. Exits non-zero when a target is missed.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import resource
import signal
import statistics
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..knowledge import load_knowledge
from .bench import make_queries
from .fakebotapi import FakeBotAPI

TOKEN = "100000001:AAE-e2e_benchmark_token_not_a_real_one"
TARGET_RATE = 300.0  # updates a second offered in the latency measurement
TARGETS = {"updates_per_s": 300.0, "p99_ms": 100.0, "peak_mb": 200.0}
WARM_UP = 60
START_TIMEOUT = 60.0


def _bot_process(base_url: str, data_dir: str, knowledge_dir: str, report: Connection) -> None:
    """The bot, in a child process: long polling until SIGTERM; then its peak memory."""
    from telegram import Update

    from ..choose import load_flow
    from ..settings import load_settings
    from ..telegram import logs
    from ..telegram.app import build_application

    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url, "DATA_DIR": data_dir}
    settings = load_settings(env, env_file=None)
    logs.protect(settings.token)
    logs.configure(logging.WARNING)
    knowledge = load_knowledge(knowledge_dir)
    # throttle=False: the fake server has no flood limits to keep to.
    app = build_application(
        settings, knowledge, load_flow(knowledge_dir, knowledge), throttle=False
    )
    signed_in = app.post_init

    async def ready(application: Any) -> None:
        if signed_in is not None:
            await signed_in(application)
        report.send(_cpu_seconds())  # what start-up cost, to leave out of the per-update CPU

    app.post_init = ready
    app.run_polling(
        poll_interval=0, allowed_updates=Update.ALL_TYPES, stop_signals=[signal.SIGTERM]
    )
    report.send((_cpu_seconds(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Load:
    """The fake server, with a record of when each person got their first answer."""

    def __init__(self, api: Any, questions: list[str]) -> None:
        self.api = api
        self.questions = questions
        self.answered_at: dict[int, float] = {}
        self.pending: set[int] = set()
        self.all_answered = asyncio.Event()
        self.next_person = 10_000_000
        send = api.api_sendmessage

        def recorded(params: dict[str, Any]) -> Any:
            result = send(params)
            chat_id = result["chat"]["id"]
            self.answered_at.setdefault(chat_id, time.monotonic())
            self.pending.discard(chat_id)
            if not self.pending:
                self.all_answered.set()
            return result

        api.api_sendmessage = recorded  # the server looks its methods up on the instance

    def ask(self) -> tuple[int, int]:
        """Queue a question from a new person; (their chat id, the update id)."""
        person = self.next_person
        self.next_person += 1
        self.pending.add(person)
        user = {"id": person, "is_bot": False, "first_name": "用户", "language_code": "zh-hans"}
        update = self.api.message(user, self.questions[person % len(self.questions)])
        return person, int(update["update_id"])

    async def wait(self, timeout: float) -> None:
        """Until everyone asked so far has an answer."""
        if self.pending:
            self.all_answered.clear()
            await asyncio.wait_for(self.all_answered.wait(), timeout)

    def latencies_ms(self, asked: list[tuple[int, int]]) -> list[float]:
        """From getUpdates handing each update over to its answer reaching the server."""
        return [
            (self.answered_at[person] - self.api.deliveries[update_id][0]) * 1000
            for person, update_id in asked
        ]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def _measure(knowledge_dir: str, updates: int) -> dict[str, float]:
    knowledge = load_knowledge(knowledge_dir)
    questions = make_queries(knowledge, 500)
    context = multiprocessing.get_context("spawn")
    receive, report = context.Pipe(duplex=False)
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as data_dir:
        async with FakeBotAPI(TOKEN) as api:
            load = Load(api, questions)
            bot = context.Process(
                target=_bot_process, args=(api.base_url, data_dir, knowledge_dir, report)
            )
            bot.start()
            try:
                for _ in range(WARM_UP):
                    load.ask()
                await load.wait(START_TIMEOUT)

                # This process only measures: its own collector pauses (it keeps every call
                # the server saw) must not show up as the bot's latency.
                gc.freeze()
                gc.disable()
                burst = [load.ask() for _ in range(updates)]
                began = time.monotonic()
                await load.wait(120)
                last = max(load.answered_at[person] for person, _ in burst)
                throughput = updates / (last - began)

                paced: list[tuple[int, int]] = []
                start = time.monotonic()
                while len(paced) < updates:
                    due = min(updates, int((time.monotonic() - start) * TARGET_RATE) + 1)
                    paced.extend(load.ask() for _ in range(due - len(paced)))
                    await asyncio.sleep(0.001)  # whatever is due by then goes out together
                await load.wait(120)
                offered = updates / (time.monotonic() - start)
                latencies = load.latencies_ms(paced)
            finally:
                gc.enable()
                if bot.pid is not None and bot.is_alive():
                    bot.terminate()  # SIGTERM: a clean stop, then it reports its memory
                # In a thread: the server must go on answering while the bot says goodbye.
                await asyncio.to_thread(bot.join, 30)
            started_cpu = receive.recv() if receive.poll(5) else float("nan")
            cpu, peak_mb = receive.recv() if receive.poll(5) else (float("nan"), float("nan"))
    handled = WARM_UP + 2 * updates
    return {
        "cpu_ms": (cpu - started_cpu) / handled * 1000,
        "updates_per_s": throughput,
        "offered_per_s": offered,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies),
        "peak_mb": peak_mb,
    }


def run_e2e(knowledge_dir: Path | str, updates: int = 2000) -> int:
    """Measure, print the figures next to the targets; 1 when a target is missed."""
    m = asyncio.run(_measure(str(knowledge_dir), updates))
    print("端到端：真实机器人 ↔ 假 Bot API 服务器（两个进程，关闭 Telegram 限速）")
    print(f"吞吐：{updates} 条更新同时到达，每秒处理 {m['updates_per_s']:.0f} 条")
    print(
        f"延迟：以每秒 {m['offered_per_s']:.0f} 条发送 {updates} 条，从送达机器人到 sendMessage "
        f"到达服务器：p50 {m['p50_ms']:.1f} ms，p99 {m['p99_ms']:.1f} ms，最长 {m['max_ms']:.1f} ms"
    )
    print(
        f"机器人进程：每条更新 CPU {m['cpu_ms']:.2f} ms（不含启动），峰值内存 {m['peak_mb']:.0f} MB"
    )
    checks = {
        "updates_per_s": (m["updates_per_s"], "≥", m["updates_per_s"] >= TARGETS["updates_per_s"]),
        "p99_ms": (m["p99_ms"], "≤", m["p99_ms"] <= TARGETS["p99_ms"]),
        "peak_mb": (m["peak_mb"], "≤", m["peak_mb"] <= TARGETS["peak_mb"]),
    }
    for name, (value, sign, met) in checks.items():
        print(f"目标 {name} {sign} {TARGETS[name]:.0f}：{value:.1f}  {'达标' if met else '未达标'}")
    return 0 if all(met for _, _, met in checks.values()) else 1
