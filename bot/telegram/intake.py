"""The way in: what every update passes before any feature sees it, namely the rate per
person, the once-only check, and edited messages.

PTB runs handler groups in ascending order, so these handlers (negative groups) come first, and
stop an update with ``ApplicationHandlerStop``:

-3 ``limit``: a person over ``limits.PER_MINUTE`` updates a minute is told once (in a private
   chat, or with a toast on a button), then ignored until they slow down. In groups the bot just
   stays silent. Counted by the sender chat for anonymous admins and channels (they all share
   one user id). Inline queries have their own, larger allowance and are never answered beyond.
-2 ``once``: each update is answered at most once. Its id is committed per (chat, person) before
   any feature acts on it; Telegram delivers an update again when the bot died before confirming
   it, and that second delivery is skipped. The cost of committing first: an update in flight
   when the bot is killed is not answered at all, rather than possibly twice.
-1 ``edited``: an edited message is not answered again; in a private chat a short hint says so.
   (Without this, an edited /start would reach the command handlers, which expect a new message.)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, MessageHandler, TypeHandler, filters

from .common import App, CallbackContext, answer_query, send_html, send_to, services
from .errors import describe
from .html import esc
from .limits import PER_MINUTE, PersonLimiter, Verdict

logger = logging.getLogger(__name__)

LIMIT_GROUP, ONCE_GROUP, EDITED_GROUP = -3, -2, -1
INLINE_PER_MINUTE = 60  # inline queries arrive as people type
SEEN_KEY = "updates"  # per-person storage key: the ids of their latest updates
SEEN_KEPT = 32  # more than a person can send in one burst (PER_MINUTE)

SLOW_DOWN = "您发得有点快，我先歇一会儿。请过一分钟再发，我会接着回答。"
SLOW_DOWN_TOAST = "操作太频繁了，请过一分钟再试"
EDITED = "修改过的消息我不会重新回答。如果问题变了，请直接再发一条。"


class Allowances:
    """The per-person allowances (kept in ``bot_data["allowances"]``). Each refills with time,
    read from ``clock`` (monotonic seconds; tests pass one they move by hand)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.people = PersonLimiter(PER_MINUTE, clock)
        self.inline = PersonLimiter(INLINE_PER_MINUTE, clock)


def allowances(context: CallbackContext) -> Allowances:
    """The application's per-person allowances."""
    found = context.bot_data["allowances"]
    assert isinstance(found, Allowances)
    return found


def sender(update: Update) -> int | None:
    """Whom an update counts against: the sender chat when someone posts as a chat."""
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id
    user = update.effective_user
    return user.id if user is not None else None


async def limit(update: Update, context: CallbackContext) -> None:
    """Let the update through, or tell the person once that they are too fast, or drop it."""
    who = sender(update)
    if who is None:
        return
    if update.inline_query is not None:
        if allowances(context).inline.check(who) is not Verdict.ALLOW:
            raise ApplicationHandlerStop
        return
    if update.message is None and update.edited_message is None and update.callback_query is None:
        return  # membership changes, poll answers…: not something a person floods the bot with
    verdict = allowances(context).people.check(who)
    if verdict is Verdict.ALLOW:
        return
    if verdict is Verdict.NOTICE:
        logger.info(
            "Sender %s is over %d updates a minute; ignoring the excess for now", who, PER_MINUTE
        )
        await _slow_down(update, context)
    raise ApplicationHandlerStop


async def _slow_down(update: Update, context: CallbackContext) -> None:
    """Say once, where it bothers nobody else, that the person is too fast."""
    try:
        if update.callback_query is not None:
            await answer_query(context, update.callback_query, SLOW_DOWN_TOAST)
        elif update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE:
            await send_to(context.bot, update.effective_chat.id, esc(SLOW_DOWN))
    except TelegramError as exc:
        logger.info("Could not send the slow-down notice: %s", describe(exc))


def seen_key(update: Update) -> tuple[int, int] | None:
    """The (chat id, user id) whose latest update ids are kept; 0 for what is missing."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None and user is None:
        return None  # a poll's new state: nothing is ever sent for it
    return (chat.id if chat else 0, user.id if user else 0)


async def once(update: Update, context: CallbackContext) -> None:
    """Skip an update handled before (delivered again after a crash); else record it."""
    key = seen_key(update)
    if key is None:
        return
    storage = services(context).storage
    stored: dict[str, Any] = storage.get_state(*key, SEEN_KEY) or {}
    ids = stored.get("ids") if stored.get("bot") == context.bot.id else None
    seen = [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []
    if update.update_id in seen:
        logger.info(
            "Update %s was handled before a restart; not answering it again", update.update_id
        )
        raise ApplicationHandlerStop
    seen = [*seen[-(SEEN_KEPT - 1) :], update.update_id]
    storage.set_state(*key, SEEN_KEY, {"bot": context.bot.id, "ids": seen})  # committed now


async def edited(update: Update, context: CallbackContext) -> None:
    """An edited message: not answered again; a hint in a private chat."""
    message = update.edited_message
    if message is not None and message.chat.type == ChatType.PRIVATE:
        try:
            await send_html(message, esc(EDITED))
        except TelegramError as exc:
            logger.info("Could not send the hint on an edited message: %s", describe(exc))
    raise ApplicationHandlerStop


def register(app: App) -> None:
    """Add the handlers in their negative groups (they run before every feature)."""
    app.bot_data["allowances"] = Allowances()
    app.add_handler(TypeHandler(Update, limit), group=LIMIT_GROUP)
    app.add_handler(TypeHandler(Update, once), group=ONCE_GROUP)
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, edited), group=EDITED_GROUP)
