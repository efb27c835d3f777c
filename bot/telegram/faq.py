"""/faq and the 常见问题 button: every question the bot knows, as buttons, a page at a time.

The comparison questions come first, then 互联网营销师, 全媒体运营师, and the background of the
articles. Pressing a question answers it (the ``q:`` button of private.py); 上一页/下一页 turn
the page in place.
"""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from ..knowledge import Entry, Knowledge
from .common import (
    FAQ,
    App,
    CallbackContext,
    answer_expired,
    answer_query,
    button,
    edit_html,
    payload,
    question_buttons,
    send_html,
    services,
)
from .html import bold, esc

PAGE_SIZE = 8
FILE_ORDER = ("compare", "ims", "amo")  # entry files shown first, in this order
HEADING = "❓ 常见问题（第 {page}/{pages} 页）"
HINT = "点一个问题，我来回答；也可以直接打字问我。"
_PAGE = re.compile(r"[0-9]{1,4}")


def ordered_entries(knowledge: Knowledge) -> list[Entry]:
    """All entries, comparison first, then each certificate, then the background."""

    def rank(entry: Entry) -> int:
        stem = entry.file.rsplit("/", 1)[-1].removesuffix(".yaml")
        return FILE_ORDER.index(stem) if stem in FILE_ORDER else len(FILE_ORDER)

    return sorted(knowledge.entries, key=rank)  # stable: file order within a group


def page_count(knowledge: Knowledge) -> int:
    """How many pages the questions fill."""
    return max(1, -(-len(knowledge.entries) // PAGE_SIZE))


def page(knowledge: Knowledge, number: int) -> tuple[str, InlineKeyboardMarkup]:
    """Page ``number`` (0-based, clamped) as text and buttons."""
    pages = page_count(knowledge)
    number = min(max(number, 0), pages - 1)
    entries = ordered_entries(knowledge)[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
    rows = question_buttons(entries)
    nav: list[InlineKeyboardButton] = []
    if number > 0:
        nav.append(button("◀️ 上一页", FAQ, str(number - 1)))
    if number < pages - 1:
        nav.append(button("下一页 ▶️", FAQ, str(number + 1)))
    if nav:
        rows.append(nav)
    text = bold(HEADING.format(page=number + 1, pages=pages)) + "\n" + esc(HINT)
    return text, InlineKeyboardMarkup(rows)


async def faq(update: Update, context: CallbackContext) -> None:
    """/faq: the first page."""
    assert update.message is not None
    text, keyboard = page(services(context).knowledge, 0)
    await send_html(update.message, text, keyboard)


async def faq_button(update: Update, context: CallbackContext) -> None:
    """faq:open sends the first page; faq:<n> turns the pressed message to page n."""
    query = update.callback_query
    assert query is not None and query.data is not None
    arg = payload(query).partition(":")[2]
    if not isinstance(query.message, Message) or not (arg == "open" or _PAGE.fullmatch(arg)):
        await answer_expired(update, context)
        return
    await answer_query(context, query)
    knowledge = services(context).knowledge
    if arg == "open":
        text, keyboard = page(knowledge, 0)
        await send_html(query.message, text, keyboard)
    else:
        text, keyboard = page(knowledge, int(arg))
        await edit_html(query, text, keyboard)


def register(app: App) -> None:
    """Add /faq and its page buttons."""
    app.add_handler(CommandHandler("faq", faq))
    app.add_handler(CallbackQueryHandler(faq_button, pattern=rf"^{FAQ}:"))
