"""Inline mode end to end: ``@bot 关键词`` typed in any chat, answered through answerInlineQuery.

The fake server checks the answer as Telegram does (at most 50 results, unique ids of at most 64
bytes, a title, message text that parses as HTML and fits in 4096 characters).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import Knowledge
from bot.tools.fakebotapi import BotDriver, FakeBotAPI, parse_html, start_bot

TOKEN = "123456789:AAI-inline_token_for_the_fake_server"
ALICE = FakeBotAPI.user(1001, "小王")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(TOKEN) as server:
        yield server
        assert server.rejected == [], [(c.method, c.description) for c in server.rejected]


@pytest.fixture
async def bot(api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge) -> AsyncIterator[BotDriver]:
    driver = await start_bot(api, tmp_path, knowledge)
    yield driver
    await driver.stop()


async def search(bot: BotDriver, text: str) -> list[dict[str, Any]]:
    """Type ``@bot text``; the results Telegram would show."""
    update = bot.api.inline_query(ALICE, text)
    await bot.handled(update)
    return bot.api.inline_answers[update["inline_query"]["id"]]


async def test_a_keyword_finds_the_matching_answers(bot: BotDriver, knowledge: Knowledge) -> None:
    results = await search(bot, "工资")
    titles = [r["title"] for r in results]
    assert 1 <= len(results) <= 10
    assert {"互联网营销师工资多少？", "全媒体运营师工资多少？"} <= set(titles)
    first = results[0]
    entry = knowledge.by_id[first["id"]]
    assert first["title"] == entry.question
    assert first["description"] == entry.lead  # the direct answer, at most 80 characters
    text = parse_html(first["input_message_content"]["message_text"])
    assert text.startswith(entry.question) and "来源" in text
    assert entry.answer.splitlines()[-1] in text  # the full answer, not just its first line


async def test_an_empty_query_offers_the_most_asked_topics(bot: BotDriver) -> None:
    ids = [r["id"] for r in await search(bot, "")]
    assert {"compare.difference", "ims.salary", "ims.eligibility", "both.registration"} <= set(ids)
    assert len(ids) <= 10


async def test_typos_rank_and_nonsense_finds_nothing(bot: BotDriver) -> None:
    assert (await search(bot, "全媒体运营狮 等级"))[0]["id"] == "amo.levels"
    assert await search(bot, "明天北京天气") == []


async def test_a_very_long_answer_is_cut_to_fit_one_message(
    api: FakeBotAPI, tmp_path: Path, knowledge: Knowledge
) -> None:
    entry = knowledge.by_id["ims.salary"]
    long_entry = dataclasses.replace(
        entry, answer="\n".join(["• 很长的一行 <和> & 符号。" * 8] * 60)
    )
    entries = tuple(long_entry if e.id == entry.id else e for e in knowledge.entries)
    big = dataclasses.replace(knowledge, entries=entries, by_id={e.id: e for e in entries})
    driver = await start_bot(api, tmp_path, big)
    try:
        results = await search(driver, "互联网营销师工资")
    finally:
        await driver.stop()
    text = parse_html(results[0]["input_message_content"]["message_text"])
    assert results[0]["id"] == "ims.salary" and len(text) <= 4096
    assert "完整回答请私聊我" in text and "来源" in text
