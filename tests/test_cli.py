"""The command-line contract: ask, ask --json (one and batch), eval and bench."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.cli import main

KEYS = {"query", "answer", "entry_id", "score", "suggestions", "reasons"}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ask_prints_the_answer_with_its_source() -> None:
    out = run("ask", "互联网营销师工资多少").stdout
    assert "12.8" in out and "职工集" in out
    assert out.startswith("互联网营销师平均工资¥12.8K")  # the direct answer first
    assert "来源：山东专升本信息网，2023-01-18" in out


def test_ask_json_contract() -> None:
    result = json.loads(run("ask", "--json", "全媒体运营师有几个等级").stdout)
    assert set(result) == KEYS
    # the whole reply: lead, detail and source line
    assert result["answer"].startswith("全媒体运营师分三个等级：初级、中级、高级。")
    assert "没有写中级、高级的具体要求" in result["answer"]
    assert "来源：山东专升本信息网，2023-01-18" in result["answer"]
    assert result["entry_id"] == "amo.levels"
    assert 0 <= result["score"] <= 100
    assert all(set(s) == {"entry_id", "question"} for s in result["suggestions"])
    assert len(result["suggestions"]) <= 3


def test_ask_json_fallback_and_greeting_have_null_entry() -> None:
    for question in ("明天会下雨吗", "谢谢"):
        result = json.loads(run("ask", "--json", question).stdout)
        assert result["entry_id"] is None and result["answer"]


def test_fallback_says_what_the_bot_can_answer() -> None:
    result = json.loads(run("ask", "--json", "明天会下雨吗").stdout)
    assert "不在我的资料里" in result["answer"] and "工资待遇" in result["answer"]
    # A question the bot can place says what exactly is missing instead.
    result = json.loads(run("ask", "--json", "一级造价师怎么报名").stdout)
    assert "其他考试不在我的资料里" in result["answer"] and "工资待遇" not in result["answer"]


def test_batch_from_stdin_keeps_order_one_object_per_line() -> None:
    questions = ["互联网营销师工资多少", "", "今天天气", "全媒体运营师证书谁发的"] * 250
    proc = run("ask", "--json", stdin="\n".join(questions) + "\n")
    lines = proc.stdout.splitlines()
    assert len(lines) == len(questions)
    got = [json.loads(line) for line in lines[:4]]
    assert [g["query"] for g in got] == questions[:4]
    assert [g["entry_id"] for g in got] == ["ims.salary", None, None, "amo.issuer"]


def test_ask_without_question_or_json_explains_usage(capsys: object) -> None:
    assert main(["ask"]) == 2


def test_chat_keeps_context_across_turns() -> None:
    out = run("chat", stdin="互联网营销师工资多少\n那全媒体运营师呢\n").stdout
    assert "12.8" in out and "6.2" in out
