"""What the feature modules share: the services, per-person state, buttons and sending.

In groups, sending does two more things, so that no feature module needs to know about groups:
every message replies to the one that caused it (in its forum topic), and every callback button
is stamped with the user id of the person it answers (``<data>|<user id>``). group_gate.py checks
the stamp when a button is pressed, so only that person can use it; features read a press's data
with ``payload(query)``, which takes the stamp off. The guided choice is never run in a group:
its 帮我选 button becomes a link to the private chat.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from ..choose import ChooseEngine
from ..knowledge import Entry, Knowledge
from ..matcher import Matcher

# Callback data prefixes and the direct answer to an entry, re-exported for the feature modules.
from ..parts import CHOOSE as CHOOSE
from ..parts import COMPARE as COMPARE
from ..parts import FAQ as FAQ
from ..parts import FEEDBACK as FEEDBACK
from ..parts import QUESTION as QUESTION
from ..parts import entry_reply as entry_reply
from ..settings import Settings
from ..storage import Storage
from ..taught import Taught
from .html import esc, is_parse_error, plain_text, split_html

logger = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # as the application's Defaults say

App = Application[Any, Any, Any, Any, Any, Any]
CallbackContext = ContextTypes.DEFAULT_TYPE

MAX_CALLBACK_DATA = 64  # bytes, Telegram's limit


OWNER_MARK = "|"  # <callback data>|<user id>: a group button only that person may press
ANONYMOUS_ADMIN = 1087968824  # @GroupAnonymousBot: the sender of an anonymous admin's messages
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)

# Keys of the per-person documents in storage.
CONTEXT_KEY = "context"
CHOOSE_KEY = "choose"

EXPIRED = (
    "这个按钮已经失效了（可能机器人重启过，或者这一轮已经结束）。\n"
    "没关系，可以从下面重新开始，或者直接发送您的问题。"
)
EXPIRED_TOAST = "按钮已失效"
ANSWERED_KEPT = 1000  # button presses remembered as answered (they are answered in seconds)


@dataclass(frozen=True)
class Services:
    """Everything the handlers use, stored once in ``application.bot_data``."""

    settings: Settings
    knowledge: Knowledge
    matcher: Matcher
    storage: Storage
    engine: ChooseEngine
    taught: Taught  # the owners' teachings in force, swapped in place by /review
    clock: Callable[[], float] = time.time  # seconds; tests pass a fake one
    answered: OrderedDict[str, None] = field(default_factory=OrderedDict)  # recent query ids


def services(context: CallbackContext) -> Services:
    """The application's services."""
    found = context.bot_data["services"]
    assert isinstance(found, Services)
    return found


def app_services(app: App) -> Services:
    """The services, from the application (for register functions)."""
    found = app.bot_data["services"]
    assert isinstance(found, Services)
    return found


def person(update: Update) -> tuple[int, int]:
    """The (chat id, user id) that per-person state is keyed by."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        raise ValueError("update without chat or user")
    return chat.id, user.id


def in_topic(key: str, update: Update) -> str:
    """A state key kept per forum topic: the same person may talk about different things in
    different topics of one group."""
    message = update.effective_message
    if message is not None and message.is_topic_message and message.message_thread_id:
        return f"{key}@{message.message_thread_id}"
    return key


def data(*parts: str) -> str:
    """Callback data from parts joined by ':'; refuses anything over Telegram's 64 bytes."""
    joined = ":".join(parts)
    if len(joined.encode("utf-8")) > MAX_CALLBACK_DATA:
        raise ValueError(f"callback data over {MAX_CALLBACK_DATA} bytes: {joined!r}")
    return joined


def button(text: str, *parts: str) -> InlineKeyboardButton:
    """An inline button with callback data."""
    return InlineKeyboardButton(text, callback_data=data(*parts))


def menu_buttons() -> list[list[InlineKeyboardButton]]:
    """The three things the bot offers besides answering questions."""
    return [
        [
            button("📊 两证对比", COMPARE),
            button("🧭 帮我选", CHOOSE, "start"),
            button("❓ 常见问题", FAQ, "open"),
        ]
    ]


def menu_keyboard() -> InlineKeyboardMarkup:
    """The menu as a keyboard."""
    return InlineKeyboardMarkup(menu_buttons())


def question_buttons(entries: Sequence[Entry]) -> list[list[InlineKeyboardButton]]:
    """One button per entry question, each answering it when pressed."""
    return [[button(e.question, QUESTION, e.id)] for e in entries]


# --- groups: replies and button owners --------------------------------------------------------


def is_group(message: Message) -> bool:
    """True for a group or supergroup."""
    return message.chat.type in GROUP_TYPES


def choose_link(bot_username: str) -> str:
    """The deep link that opens the private chat at the guided choice."""
    return f"https://t.me/{bot_username}?start=choose"


def split_owner(callback_data: str) -> tuple[str, int | None]:
    """A group button's data and the user id it belongs to (None when it carries none)."""
    head, mark, tail = callback_data.rpartition(OWNER_MARK)
    if mark and tail.isdigit():
        return head, int(tail)
    return callback_data, None


def payload(query: CallbackQuery) -> str:
    """A pressed button's data without its owner stamp (what the feature put there)."""
    return split_owner(query.data or "")[0]


def owner_of(message: Message) -> int | None:
    """Whom the bot's next message about ``message`` answers: the sender of a person's message,
    or, for the bot's own message (a pressed button), whoever its buttons belong to."""
    sender = message.from_user
    if sender is not None and sender.id != message.get_bot().id:
        return sender.id
    rows = message.reply_markup.inline_keyboard if message.reply_markup else ()
    for row in rows:
        for b in row:
            if isinstance(b.callback_data, str):
                owner = split_owner(b.callback_data)[1]
                if owner is not None:
                    return owner
    return None


def group_keyboard(
    keyboard: InlineKeyboardMarkup, owner: int | None, bot_username: str
) -> InlineKeyboardMarkup:
    """The keyboard for a group: buttons stamped with their owner, 帮我选 as a private link."""
    start_choice = data(CHOOSE, "start")
    rows: list[list[InlineKeyboardButton]] = []
    for row in keyboard.inline_keyboard:
        new_row: list[InlineKeyboardButton] = []
        for b in row:
            raw = split_owner(b.callback_data)[0] if isinstance(b.callback_data, str) else None
            if raw == start_choice:
                new_row.append(InlineKeyboardButton(b.text, url=choose_link(bot_username)))
            elif raw is not None and owner is not None:
                stamped = f"{raw}{OWNER_MARK}{owner}"
                new_row.append(InlineKeyboardButton(b.text, callback_data=data(stamped)))
            else:
                new_row.append(b)
        rows.append(new_row)
    return InlineKeyboardMarkup(rows)


def thread_of(message: Message) -> int | None:
    """The forum topic a reply to this message belongs in."""
    return message.message_thread_id if message.is_topic_message else None


async def send_to(
    bot: Bot,
    chat_id: int,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    thread: int | None = None,
    reply_to: ReplyParameters | None = None,
) -> Message:
    """Send one HTML message (the application's Defaults: HTML, no link preview): every message
    the bot sends goes through here. The message sent.

    If Telegram cannot parse the HTML (a mistake in our markup), it is sent once more as plain
    text: the mistake costs the formatting, not the answer.
    """
    try:
        return await bot.send_message(
            chat_id,
            text,
            reply_markup=keyboard,
            message_thread_id=thread,
            reply_parameters=reply_to,
        )
    except BadRequest as exc:
        if not is_parse_error(exc):
            raise
        logger.warning(
            "Telegram could not parse the HTML of a sendMessage (%s); sending it as plain text",
            exc.message,
        )
    return await bot.send_message(
        chat_id,
        plain_text(text),
        parse_mode=None,
        reply_markup=keyboard,
        message_thread_id=thread,
        reply_parameters=reply_to,
    )


async def send_html(
    message: Message,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> int:
    """Send HTML to the message's chat, split if long; the keyboard goes under the last part.
    The message id of the last part.

    In a group the first part replies to ``message`` and the buttons are stamped with their owner.
    """
    parts = split_html(text)
    bot = message.get_bot()
    reply_to = None
    if is_group(message):
        reply_to = ReplyParameters(message.message_id, allow_sending_without_reply=True)
        if keyboard is not None:
            keyboard = group_keyboard(keyboard, owner_of(message), bot.username)
    sent = message.message_id
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        result = await send_to(
            bot,
            message.chat_id,
            part,
            keyboard if last else None,
            thread=thread_of(message),
            reply_to=reply_to if i == 0 else None,
        )
        sent = result.message_id
    return sent


async def edit_html(
    query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the pressed message's text (or, if too long, send the rest after it)."""
    parts = split_html(text)
    message = query.message
    if keyboard is not None and isinstance(message, Message) and is_group(message):
        keyboard = group_keyboard(keyboard, owner_of(message), query.get_bot().username)
    markup = keyboard if len(parts) == 1 else None
    try:
        await query.edit_message_text(parts[0], reply_markup=markup)
    except BadRequest as exc:
        if is_parse_error(exc):
            logger.warning(
                "Telegram could not parse the HTML of an editMessageText (%s); "
                "sending it as plain text",
                exc.message,
            )
            await query.edit_message_text(
                plain_text(parts[0]), parse_mode=None, reply_markup=markup
            )
        elif "not modified" not in str(exc).lower():
            raise
    if len(parts) > 1 and isinstance(message, Message):
        await send_html(message, "\n\n".join(parts[1:]), keyboard)


async def answer_query(
    context: CallbackContext, query: CallbackQuery, text: str | None = None, alert: bool = False
) -> None:
    """Answer a button press (a toast, or with ``alert`` a box to dismiss), and remember it:
    Telegram refuses a second answer."""
    await query.answer(text, show_alert=alert)
    answered = services(context).answered
    answered[query.id] = None
    while len(answered) > ANSWERED_KEPT:
        answered.popitem(last=False)


def was_answered(context: CallbackContext, query: CallbackQuery) -> bool:
    """True when this button press has been answered already."""
    return query.id in services(context).answered


async def answer_expired(update: Update, context: CallbackContext) -> None:
    """Answer a button that no longer means anything, and offer a way to start again."""
    query = update.callback_query
    if query is None:
        return
    await answer_query(context, query, EXPIRED_TOAST)
    message = query.message
    if isinstance(message, Message) and is_group(message):
        return  # the toast is enough: a group should not see a message about one old button
    if isinstance(message, Message):
        await send_html(message, esc(EXPIRED), menu_keyboard())
    elif update.effective_user is not None:
        await send_to(query.get_bot(), update.effective_user.id, esc(EXPIRED), menu_keyboard())
