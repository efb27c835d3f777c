"""Failures and leftovers: one log line per error, a short apology in private chats, and a
polite answer to whatever no feature claims (old buttons, unknown commands, stickers and photos).

Network errors and Telegram's 5xx answers arrive here as ``NetworkError``; they are logged as
warnings and never stop the bot (PTB keeps polling and retries with back-off). Any other error is
logged with where it happened; the traceback goes to the DEBUG log only.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from pathlib import Path

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from .common import (
    App,
    CallbackContext,
    answer_expired,
    answer_query,
    send_html,
    was_answered,
)
from .html import esc

logger = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parents[1]  # bot/
APOLOGY = "抱歉，刚才出了点问题，没能回复您。请稍后再试一次；也可以发送 /start 重新开始。"
UNKNOWN_COMMAND = "我不认识这个命令。发送 /help 看看我能做什么，或者直接打字提问。"
NOT_TEXT = "我只看得懂文字。请把问题打出来，比如“全媒体运营师报考条件”。"


def describe(error: BaseException) -> str:
    """The error in one line: its type, message and the innermost place in our code."""
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ else []
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(PACKAGE)] or frames
    places = [f"{'/'.join(Path(f.filename).parts[-2:])}:{f.lineno}" for f in ours]
    where = ""
    if places:
        where = f" at {places[-1]}" + (f" (from {places[0]})" if len(places) > 1 else "")
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}{where}"


async def on_error(update: object, context: CallbackContext) -> None:
    """Log the failure in one line and, in a private chat, tell the person briefly."""
    error = context.error
    if error is None:
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        logger.warning("Network problem (update %s): %s", update_id, describe(error))
    elif isinstance(error, Forbidden):
        logger.info("Not allowed to write (update %s): %s", update_id, describe(error))
        return  # blocked by the person, or removed from the group: nobody to tell
    else:
        logger.error("Update %s failed: %s", update_id, describe(error))
        logger.debug("Traceback of the failure", exc_info=error)
    if not isinstance(update, Update):
        return
    query = update.callback_query
    if query is not None and not was_answered(context, query):
        # Too old to answer is no matter: the apology below is what counts.
        with contextlib.suppress(TelegramError):
            await answer_query(context, query)
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        try:
            await context.bot.send_message(chat.id, esc(APOLOGY))
        except TelegramError as exc:
            logger.warning("Could not send the apology: %s", describe(exc))


async def stale_button(update: Update, context: CallbackContext) -> None:
    """Any button no feature claims (old data, a removed feature): expired, start again."""
    await answer_expired(update, context)


async def unknown_command(update: Update, context: CallbackContext) -> None:
    """A command no feature has, in a private chat."""
    assert update.message is not None
    await send_html(update.message, esc(UNKNOWN_COMMAND))


async def not_text(update: Update, context: CallbackContext) -> None:
    """A sticker, photo, voice message or file in a private chat."""
    assert update.message is not None
    await send_html(update.message, esc(NOT_TEXT))


def register(app: App) -> None:
    """Add the error handler and the catch-alls (register last: they take what is left)."""
    app.add_error_handler(on_error)
    app.add_handler(CallbackQueryHandler(stale_button))
    private_message = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private_message & filters.COMMAND, unknown_command))
    media = (
        filters.Sticker.ALL
        | filters.PHOTO
        | filters.VOICE
        | filters.AUDIO
        | filters.VIDEO
        | filters.VIDEO_NOTE
        | filters.ANIMATION
        | filters.Document.ALL
    )
    app.add_handler(MessageHandler(private_message & media, not_text))
