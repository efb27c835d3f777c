"""/faq and the 常见问题 button: every question the bot knows, as buttons, a page at a time.

The comparison questions come first, then 互联网营销师, 全媒体运营师, and the background of the
articles. Pressing a question answers it (the ``q:`` button of private.py); 上一页/下一页 turn
the page in place.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from ..conversation import Command, Press
from ..parts import Part, faq_pages
from .common import FAQ, App, CallbackContext, Services, payload
from .dialog import converse, renderer
from .html import bold, esc

HEADING = "❓ 常见问题（第 {page}/{pages} 页）"
HINT = "点一个问题，我来回答；也可以直接打字问我。"


@renderer("faq")
def _page(s: Services, part: Part, update: Update) -> str:
    heading = HEADING.format(page=part.page + 1, pages=faq_pages(s.knowledge))
    return bold(heading) + "\n" + esc(HINT)


async def faq(update: Update, context: CallbackContext) -> None:
    """/faq: the first page."""
    await converse(update, context, Command("faq"))


async def faq_button(update: Update, context: CallbackContext) -> None:
    """faq:open sends the first page; faq:<n> turns the pressed message to page n."""
    assert update.callback_query is not None
    await converse(update, context, Press(payload(update.callback_query)))


def register(app: App) -> None:
    """Add /faq and its page buttons."""
    app.add_handler(CommandHandler("faq", faq))
    app.add_handler(CallbackQueryHandler(faq_button, pattern=rf"^{FAQ}:"))
