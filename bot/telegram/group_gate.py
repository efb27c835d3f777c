"""The group gate: what every group update passes after intake.py and before any feature.

- Messages from other bots and automatic forwards from a linked channel are dropped, and so is
  anything sent in the name of a channel (``sender_chat`` not the group), except /settings, which
  tells the sender why it cannot be used that way. An anonymous admin (in the name of the group
  itself) is a person.
- A command other than /ask counts towards the person's reply limit (group_policy.py); over it,
  the bot stays silent. It is logged before the feature answers (so a burst of commands handled
  at once is still counted) and marked sent after it (handler group AFTER); what is still
  unmarked at the next start never went out, and is dropped. /ask and questions are limited in
  group.py, which also points to earlier answers.
- A button pressed in a group must belong to the presser: common.py stamps every group button
  with its owner's user id, and once Telegram has accepted the message, the owner is recorded in
  storage under the message's id (``record_owner``, watching every request the bot makes). The
  record decides: a stamp altered by a modified client, or a message with no record, is refused.
  Anyone else gets an alert and nothing changes; buttons of an anonymous admin may be pressed by
  any admin. A press that posts a new message counts towards the limit. Features read the data
  with ``common.payload``, which takes the stamp off.

Edited messages never get here: intake.py stops them (README.md, "Telegram").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageEntityType
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from ..storage import Storage
from .common import (
    ANONYMOUS_ADMIN,
    COMPARE,
    EXPIRED_TOAST,
    FAQ,
    GROUP_TYPES,
    App,
    CallbackContext,
    answer_query,
    app_services,
    data,
    is_group,
    person,
    services,
    split_owner,
)
from .group_admin import is_admin
from .group_policy import COMMAND, log, over_user_limit
from .intake import EDITED_GROUP
from .limits import JSON, ApiLimiter

logger = logging.getLogger(__name__)

# Handler group: after intake.py's groups, before the features (group 0). It shares group -1
# with intake's edited-message handler; the two never match the same update.
GATE = EDITED_GROUP
AFTER = 1  # handler group: after the features
PENDING = "pending_commands"  # bot_data: update id -> log row of a command being answered
OWNED_METHODS = ("sendMessage", "editMessageText", "editMessageReplyMarkup")

# Commands of other modules that answer in groups; /ask is limited by group.py itself.
LIMITED_COMMANDS = frozenset({"start", "help", "compare", "faq", "sources", "choose", "settings"})
POSTING_BUTTONS = frozenset({data(COMPARE), data(FAQ, "open")})  # presses that send a new message
NOT_YOURS = "这个按钮是给提问的人用的。您也可以自己问我：发送 /ask 加上问题。"
SLOW_DOWN = "您点得太快了，请稍等一会儿再试。"
_COMMAND = re.compile(r"^/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?")


def command_for_us(message: Message) -> str | None:
    """The command a message starts with, if it is addressed to this bot (or to no bot)."""
    entities = message.entities
    if not message.text or not entities or entities[0].type != MessageEntityType.BOT_COMMAND:
        return None
    found = _COMMAND.match(message.text)
    if found is None or entities[0].offset != 0:
        return None
    name, addressee = found.group(1).lower(), found.group(2)
    if addressee and addressee.lower() != message.get_bot().username.lower():
        return None
    return name


def from_a_person(message: Message) -> bool:
    """False for other bots, channel posts forwarded automatically, and channel identities."""
    if message.is_automatic_forward:
        return False
    if message.sender_chat is not None:
        return message.sender_chat.id == message.chat.id  # an anonymous admin
    return message.from_user is not None and not message.from_user.is_bot


async def screen_message(update: Update, context: CallbackContext) -> None:
    """A group message: drop what is not from a person, and limit commands per person."""
    message = update.message
    assert message is not None
    command = command_for_us(message)
    if not from_a_person(message):
        if command == "settings" and message.sender_chat is not None:
            return  # group_admin.py says why a channel cannot change settings
        raise ApplicationHandlerStop
    if command in LIMITED_COMMANDS:
        s = services(context)
        chat_id, user_id = person(update)
        now = s.clock()
        if over_user_limit(s.storage, chat_id, user_id, now):
            raise ApplicationHandlerStop
        pending(context)[update.update_id] = log(s.storage, chat_id, user_id, COMMAND, now)


def pending(context: CallbackContext) -> dict[int, int]:
    """The log rows of commands being answered, by update id."""
    found: dict[int, int] = context.bot_data.setdefault(PENDING, {})
    return found


async def mark_sent(update: Update, context: CallbackContext) -> None:
    """After the features: the command's reply went out (or failed), so it counts for good."""
    row = pending(context).pop(update.update_id, None)
    if row is not None:
        services(context).storage.set_reply_message(row, 0)


async def screen_button(update: Update, context: CallbackContext) -> None:
    """A button pressed in a group: only its owner may use it."""
    query = update.callback_query
    assert query is not None
    message = query.message
    if not isinstance(message, Message) or not is_group(message):
        return
    data_, owner = split_owner(query.data or "")
    recorded = services(context).storage.button_owner(message.chat.id, message.message_id)
    if owner is None or recorded is None:
        # Every group button carries its owner and has it recorded; one without was not made by
        # this version, or its message was sent as the bot stopped.
        await answer_query(context, query, EXPIRED_TOAST)
        raise ApplicationHandlerStop
    if owner != recorded:
        logger.info("A button in chat %s came with an altered owner; refused", message.chat.id)
        await answer_query(context, query, NOT_YOURS, alert=True)
        raise ApplicationHandlerStop
    presser = query.from_user.id
    allowed = presser == owner or (
        owner == ANONYMOUS_ADMIN and await is_admin(context, message.chat.id, presser)
    )
    if not allowed:
        await answer_query(context, query, NOT_YOURS, alert=True)
        raise ApplicationHandlerStop
    if data_ in POSTING_BUTTONS:
        s = services(context)
        chat_id, user_id = person(update)
        now = s.clock()
        if over_user_limit(s.storage, chat_id, user_id, now):
            await answer_query(context, query, SLOW_DOWN)
            raise ApplicationHandlerStop
        pending(context)[update.update_id] = log(s.storage, chat_id, user_id, COMMAND, now)


def record_owner(storage: Storage) -> Callable[[str, dict[str, Any], JSON], None]:
    """An observer for ``ApiLimiter``: after a group message with owned buttons was sent or
    edited, record whose buttons they are under its message id."""

    def observe(method: str, params: dict[str, Any], result: JSON) -> None:
        markup = params.get("reply_markup")
        if method not in OWNED_METHODS or not isinstance(markup, InlineKeyboardMarkup):
            return
        if not isinstance(result, dict):
            return  # True: a message sent through inline mode, never in a group's own chat
        chat = result.get("chat")
        if not isinstance(chat, dict) or chat.get("type") not in GROUP_TYPES:
            return
        owner = next(
            (
                found
                for row in markup.inline_keyboard
                for b in row
                if isinstance(b.callback_data, str)
                and (found := split_owner(b.callback_data)[1]) is not None
            ),
            None,
        )
        if owner is not None:
            storage.set_button_owner(int(chat["id"]), int(result["message_id"]), owner)

    return observe


def register(app: App) -> None:
    """Add the gate (handler group GATE: it runs before every feature) and, after the features,
    the mark that a command was answered; forget replies a previous run never sent."""
    dropped = app_services(app).storage.drop_unsent_replies()
    if dropped:
        logger.info("Forgot %d group replies that were being sent when the bot stopped", dropped)
    app.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.UpdateType.MESSAGE, screen_message), GATE
    )
    app.add_handler(CallbackQueryHandler(screen_button), GATE)
    limiter = app.bot.rate_limiter
    if isinstance(limiter, ApiLimiter):
        limiter.observers.append(record_owner(app_services(app).storage))
    app.add_handler(TypeHandler(Update, mark_sent), AFTER)
