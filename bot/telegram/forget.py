"""/forget in a private chat: everything kept about the person is deleted at once.

That is their follow-up context, guided-choice progress and script in every chat, their 👍/👎,
the group reply log's rows about them, the records of whose buttons they own, the misses kept
for /review, and what is remembered in memory for a 👎. Counts per entry hold no person and stay.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CommandHandler, filters

from .common import App, CallbackContext, send_html, services
from .html import esc
from .learning import forget_recent

logger = logging.getLogger(__name__)

FORGOTTEN = (
    "好的，关于您的记录都已删除：对话上下文、选证进度、文字习惯、评价、"
    "以及没答上的问题记录。之后再提问，我会像第一次见面一样回答。"
)
IN_GROUP = "/forget 请在和我的私聊里发送，这样只删除您自己的记录。"


async def forget(update: Update, context: CallbackContext) -> None:
    """Delete everything kept about the sender, then say so."""
    message, user = update.message, update.effective_user
    assert message is not None and user is not None
    gone = services(context).storage.forget_user(user.id)
    forget_recent(context, user.id)
    # Only a count: the log must not become a record of the person.
    logger.info("Forgot a person on request (%d rows)", gone)
    await send_html(message, esc(FORGOTTEN))


async def forget_in_group(update: Update, context: CallbackContext) -> None:
    """In a group: point to the private chat (a group is no place to confirm it)."""
    assert update.message is not None
    await send_html(update.message, esc(IN_GROUP))


def register(app: App) -> None:
    """Add /forget."""
    app.add_handler(CommandHandler("forget", forget, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler("forget", forget_in_group, filters.ChatType.GROUPS))
