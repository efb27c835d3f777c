"""``python -m bot bench --e2e``: the real bot, through the fake Bot API server, under load.

The bot runs in its own process, exactly as ``build_application`` makes it, long-polling the fake
server of ``fakebotapi.py``, with Telegram's own rate limits switched off (the fake server has
none). This process plays the server and the people: each question comes from a different
person, typed as people type them.

Three measurements:

- answered questions a second: ``updates`` questions queued at once, from the first queued to
  the last answer arriving at the server;
- latency at ``TARGET_RATE`` questions a second (about Telegram's own limit of 30 messages a
  second): for each of ``PACED`` questions, the time from the server handing it to the bot
  (getUpdates) to the bot's sendMessage arriving at the server;
- silent group messages a second: ``updates`` chat messages from different people in a group
  with auto-answer on, none a question the bot should answer (it must stay silent), then one
  private question behind them; from the first delivery to that answer. Updates are started in
  order and a silent one never waits on the network, so the answer comes after all of them.

Peak memory is the bot process's maximum resident set. Exits non-zero when a target is missed.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from ..knowledge import load_knowledge
from .bench import make_queries
from .bench_bot import GROUP_ID, TOKEN, bot_process
from .fakebotapi import FakeBotAPI

TARGET_RATE = 25.0  # questions a second offered in the latency measurement
PACED = 600  # questions in the latency measurement (fewer when ``updates`` is smaller)
TARGETS = {"p99_ms": 50.0, "silent_per_s": 300.0, "peak_mb": 120.0}
CHATTER = (  # what a busy group says that is not a question for the bot
    "哈哈哈哈",
    "今天好热啊",
    "晚上一起吃饭吗",
    "收到，谢谢",
    "我刚下班",
    "这个周末有人去爬山吗",
    "👍👍👍",
    "好的我知道了",
)
WARM_UP = 60
START_TIMEOUT = 60.0


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
        update = self.api.message(self.person(person), self.questions[person % len(self.questions)])
        return person, int(update["update_id"])

    def chatter(self, group: dict[str, Any]) -> int:
        """Queue a group message from a new person that the bot should leave alone; its id."""
        person = self.next_person
        self.next_person += 1
        update = self.api.message(self.person(person), CHATTER[person % len(CHATTER)], group)
        return int(update["update_id"])

    @staticmethod
    def person(user_id: int) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": "用户", "language_code": "zh-hans"}

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
    # The server's access log would print every request (with the benchmark's fake token).
    logging.getLogger("tornado.access").disabled = True
    knowledge = load_knowledge(knowledge_dir)
    questions = make_queries(knowledge, 500)
    context = multiprocessing.get_context("spawn")
    receive, report = context.Pipe(duplex=False)
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as data_dir:
        async with FakeBotAPI(TOKEN) as api:
            load = Load(api, questions)
            bot = context.Process(
                target=bot_process, args=(api.base_url, data_dir, knowledge_dir, report)
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
                count = min(PACED, updates)
                start = time.monotonic()
                while len(paced) < count:
                    due = min(count, int((time.monotonic() - start) * TARGET_RATE) + 1)
                    paced.extend(load.ask() for _ in range(due - len(paced)))
                    await asyncio.sleep(0.002)  # whatever is due by then goes out together
                await load.wait(120)
                offered = count / (time.monotonic() - start)
                latencies = load.latencies_ms(paced)

                group = api.group_chat(GROUP_ID, "考证交流群")
                mark = len(api.calls)
                silent = [load.chatter(group) for _ in range(updates)]
                behind = load.ask()
                await load.wait(120)
                first = api.deliveries[silent[0]][0]
                silent_per_s = updates / (load.answered_at[behind[0]] - first)
                spoke = sum(
                    1
                    for c in api.calls[mark:]
                    if c.method == "sendMessage" and c.params.get("chat_id") == GROUP_ID
                )
            finally:
                gc.enable()
                if bot.pid is not None and bot.is_alive():
                    bot.terminate()  # SIGTERM: a clean stop, then it reports its memory
                # In a thread: the server must go on answering while the bot says goodbye.
                await asyncio.to_thread(bot.join, 30)
            started_cpu = receive.recv() if receive.poll(5) else float("nan")
            cpu, peak_mb = receive.recv() if receive.poll(5) else (float("nan"), float("nan"))
    asked = WARM_UP + updates + len(paced) + 1
    return {
        "cpu_ms": (cpu - started_cpu) / (asked + updates) * 1000,
        "answered_per_s": throughput,
        "offered_per_s": offered,
        "paced": len(paced),
        "silent_per_s": silent_per_s,
        "spoke": spoke,
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies),
        "peak_mb": peak_mb,
    }


def run_e2e(knowledge_dir: Path | str, updates: int = 2000) -> int:
    """Measure, print the figures next to the targets; 1 when a target is missed."""
    m = asyncio.run(_measure(str(knowledge_dir), updates))
    print("端到端：真实机器人 ↔ 假 Bot API 服务器（两个进程，关闭 Telegram 限速）")
    print(f"吞吐：{updates} 个问题同时到达，每秒回答 {m['answered_per_s']:.0f} 个")
    print(
        f"延迟：以每秒 {m['offered_per_s']:.0f} 个发送 {m['paced']:.0f} 个问题，从送达机器人到 "
        f"sendMessage 到达服务器：p50 {m['p50_ms']:.1f} ms，p99 {m['p99_ms']:.1f} ms，"
        f"最长 {m['max_ms']:.1f} ms"
    )
    print(
        f"群聊：{updates} 条不该回答的消息（自动回答开启），每秒处理 {m['silent_per_s']:.0f} 条，"
        f"误答 {m['spoke']:.0f} 条"
    )
    print(
        f"机器人进程：每条更新 CPU {m['cpu_ms']:.2f} ms（不含启动），峰值内存 {m['peak_mb']:.0f} MB"
    )
    checks = {
        "p99_ms": (m["p99_ms"], "≤", m["p99_ms"] <= TARGETS["p99_ms"]),
        "silent_per_s": (m["silent_per_s"], "≥", m["silent_per_s"] >= TARGETS["silent_per_s"]),
        "peak_mb": (m["peak_mb"], "≤", m["peak_mb"] <= TARGETS["peak_mb"]),
    }
    for name, (value, sign, met) in checks.items():
        print(f"目标 {name} {sign} {TARGETS[name]:.0f}：{value:.1f}  {'达标' if met else '未达标'}")
    return 0 if all(met for _, _, met in checks.values()) else 1
