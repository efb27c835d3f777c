"""Failures and leftovers: one log line per error, a short apology in private chats, and a
polite answer to whatever no feature claims (old buttons, unknown commands, stickers and photos).

Each fault of the Telegram API is logged in one line, without a traceback and without the token
(see logs.py): network errors and 5xx answers (``NetworkError``; PTB keeps polling and retries
with back-off), a getUpdates that Telegram does not answer in time (polling.py), a flood limit
that outlasts the retries (limits.py), a person who blocked the bot or a group that removed
it (``Forbidden``: nobody to tell). Any other error is logged with where it happened in our
code; its traceback goes to the DEBUG log only. The person is told briefly, in a private chat,
unless the reply may have arrived after all (a timeout) or Telegram would refuse the apology too.
"""

from __future__ import annotations

import contextlib
import logging
import re
import traceback
from pathlib import Path

from telegram import Update
from telegram.constants import ChatType
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from ..conversation import CAPTION_LEAD as CAPTION_LEAD  # re-exported for the tests' sake
from ..conversation import UNKNOWN_COMMAND as UNKNOWN_COMMAND
from ..conversation import Command, Text
from .common import (
    App,
    CallbackContext,
    answer_expired,
    answer_query,
    send_html,
    send_to,
    was_answered,
)
from .dialog import converse
from .html import esc

logger = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parents[1]  # bot/
PLUMBING = "limits.py"  # every request passes through it: not where a failure comes from
APOLOGY = "抱歉，刚才出了点问题，没能回复您。请稍后再试一次；也可以发送 /start 重新开始。"
UNKNOWN = "?"  # no command has this name: the layer says it does not know the command
NOT_TEXT = "我只看得懂文字。请把问题打出来，比如“全媒体运营师报考条件”。"
MAX_DESCRIBED = 240  # characters of an error message kept in its log line
_NOT_JSON = re.compile(r"Parsing the server response (b?(['\"]).*?\2) failed", re.DOTALL)


def describe(error: BaseException, where: bool = True) -> str:
    """The error in one line: its type, message and (``where``) the innermost place in our code."""
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ else []
    ours = [
        f
        for f in frames
        if Path(f.filename).resolve().is_relative_to(PACKAGE) and Path(f.filename).name != PLUMBING
    ] or frames
    places = [f"{'/'.join(Path(f.filename).parts[-2:])}:{f.lineno}" for f in ours]
    place = ""
    if places and where:
        place = f" at {places[-1]}" + (f" (from {places[0]})" if len(places) > 1 else "")
    # A proxy's error page (HTML) in place of Telegram's JSON is quoted whole by PTB: say so.
    message = _NOT_JSON.sub(
        lambda m: f"the answer was not JSON ({len(m.group(1))} characters)", str(error)
    )
    message = " ".join(message.split())
    if len(message) > MAX_DESCRIBED:
        message = message[: MAX_DESCRIBED - 1] + "…"
    return f"{type(error).__name__}: {message}{place}"


async def on_error(update: object, context: CallbackContext) -> None:
    """Log the failure in one line and, in a private chat, tell the person briefly."""
    error = context.error
    if error is None:
        return
    update_id = update.update_id if isinstance(update, Update) else None
    what = f"update {update_id}" if update_id is not None else "polling"
    apologise = True
    if isinstance(error, Forbidden):
        logger.info("Not allowed to write (%s): %s", what, describe(error))
        return  # blocked by the person, or removed from the group: nobody to tell
    if isinstance(error, RetryAfter):
        # limits.py logged the flood limit; an apology would meet the same limit.
        logger.info("Not answered (%s): Telegram's flood limit", what)
        apologise = False
    elif isinstance(error, TimedOut):
        # The reply may have arrived after all: an apology could follow an answer.
        logger.warning(
            "Telegram did not answer in time (%s): %s", what, describe(error, where=False)
        )
        apologise = False
    elif isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        # Telegram or the network, not our code: where PTB noticed it says nothing.
        logger.warning("Network problem (%s): %s", what, describe(error, where=False))
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
    if apologise and chat is not None and chat.type == ChatType.PRIVATE:
        try:
            await send_to(context.bot, chat.id, esc(APOLOGY))
        except TelegramError as exc:
            logger.warning("Could not send the apology: %s", describe(exc))


async def stale_button(update: Update, context: CallbackContext) -> None:
    """Any button no feature claims (old data, a removed feature): expired, start again."""
    await answer_expired(update, context)


async def unknown_command(update: Update, context: CallbackContext) -> None:
    """A command no feature has, in a private chat."""
    await converse(update, context, Command(UNKNOWN))


async def not_text(update: Update, context: CallbackContext) -> None:
    """A sticker, voice message, location, contact, poll… in a private chat: ask for text."""
    assert update.message is not None
    await send_html(update.message, esc(NOT_TEXT))


async def captioned(update: Update, context: CallbackContext) -> None:
    """A photo, video or file with a caption, in a private chat: the caption is the question."""
    message = update.message
    assert message is not None
    caption = (message.caption or "").strip()
    if not caption:
        await not_text(update, context)
        return
    await converse(update, context, Text(caption, caption=True))


def register(app: App) -> None:
    """Add the error handler and the catch-alls (register last: they take what is left).

    In groups whatever no feature claims gets no answer; service messages (members joining,
    a pinned message…) get none anywhere.
    """
    app.add_error_handler(on_error)
    app.add_handler(CallbackQueryHandler(stale_button))
    private_message = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    app.add_handler(MessageHandler(private_message & filters.COMMAND, unknown_command))
    content = private_message & ~filters.TEXT & ~filters.StatusUpdate.ALL
    app.add_handler(MessageHandler(content & filters.CAPTION, captioned))
    app.add_handler(MessageHandler(content, not_text))
