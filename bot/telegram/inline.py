"""Inline mode: type ``@<bot> 关键词`` in any chat and pick an answer to send there.

Usage: in any chat's text box, type ``@<bot> 工资`` (or 报名, 区别, 全媒体运营师等级 ...); up to
MAX_RESULTS answers appear, ranked by the matcher, each with its question as the title and the
answer's lead below it. The chosen one is sent as the full answer with its source. With
nothing typed after the name, the most asked topics are offered. Inline mode must be switched on
once with @BotFather (/setinline).
"""

from __future__ import annotations

import dataclasses

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import InlineQueryHandler

from ..knowledge import Entry, Knowledge
from .common import App, CallbackContext, entry_reply, services
from .html import MAX_MESSAGE, answer_html, bold

MAX_RESULTS = 10
CACHE_SECONDS = 300  # the answers only change with the knowledge; Telegram may reuse them
DESCRIPTION_CHARS = 80
# Offered before anything is typed: what people ask most (pay, who may sit, how to register,
# how the two differ).
FEATURED = (
    "compare.difference",
    "compare.salary",
    "ims.salary",
    "amo.salary",
    "ims.eligibility",
    "amo.eligibility",
    "both.registration",
    "ims.price",
)
CUT = "……（完整回答请私聊我）"


def _length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def message_html(knowledge: Knowledge, entry: Entry) -> str:
    """The question in bold (the chat it lands in never saw it asked), then the answer with its
    source line, as one message; a long answer loses its last lines first."""
    title = bold(entry.question) + "\n"
    html = title + answer_html(knowledge, entry_reply(knowledge, entry))
    lines = entry.answer.splitlines()
    while _length(html) > MAX_MESSAGE and lines:
        lines.pop()
        shortened = dataclasses.replace(entry, answer="\n".join([*lines, CUT]))
        html = title + answer_html(knowledge, entry_reply(knowledge, shortened))
    return html


def first_line(entry: Entry) -> str:
    """The answer's lead, short enough for a result's description."""
    line = entry.lead or entry.question
    return line if len(line) <= DESCRIPTION_CHARS else line[: DESCRIPTION_CHARS - 1] + "…"


def article(knowledge: Knowledge, entry: Entry, bot_username: str) -> InlineQueryResultArticle:
    """One result: the question as its title, the full answer as the message it sends."""
    url = f"https://t.me/{bot_username}?start=help"
    return InlineQueryResultArticle(
        id=entry.id,
        title=entry.question,
        description=first_line(entry),
        input_message_content=InputTextMessageContent(
            message_html(knowledge, entry), parse_mode=ParseMode.HTML
        ),
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("💬 问问这个机器人", url=url)]]),
    )


async def inline_query(update: Update, context: CallbackContext) -> None:
    """Answer an inline query with the best matching answers (the featured ones when empty)."""
    query = update.inline_query
    assert query is not None
    s = services(context)
    text = query.query.strip()
    if text:
        entries = s.matcher.search(text, MAX_RESULTS)
    else:
        entries = [s.knowledge.by_id[i] for i in FEATURED if i in s.knowledge.by_id]
    results = [article(s.knowledge, e, context.bot.username) for e in entries[:MAX_RESULTS]]
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=False)


def register(app: App) -> None:
    """Add the inline query handler."""
    app.add_handler(InlineQueryHandler(inline_query))
