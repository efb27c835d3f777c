"""What the feature modules share: the services, per-person state, buttons and sending."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from ..choose import ChooseEngine
from ..knowledge import Entry, Knowledge
from ..matcher import MAX_SUGGESTIONS, Context, Matcher, Reply
from ..settings import Settings
from ..storage import Storage
from .html import esc, split_html

App = Application[Any, Any, Any, Any, Any, Any]
CallbackContext = ContextTypes.DEFAULT_TYPE

MAX_CALLBACK_DATA = 64  # bytes, Telegram's limit

# Callback data prefixes; each belongs to one feature module.
QUESTION = "q"  # q:<entry id>                 private.py: answer this entry
FEEDBACK = "fb"  # fb:<entry id>:up|down        feedback.py
COMPARE = "cmp"  # cmp                          compare.py
FAQ = "faq"  # faq:open|<page>                  faq.py
CHOOSE = "ch"  # ch:start|o:<step>:<opt>|...    choose.py

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


def load_context(s: Services, update: Update) -> Context:
    """What this person's last answer was about."""
    return Context.from_dict(s.storage.get_state(*person(update), CONTEXT_KEY))


def save_context(s: Services, update: Update, context: Context) -> None:
    """Remember what this answer was about, for a follow-up question."""
    s.storage.set_state(*person(update), CONTEXT_KEY, context.to_dict())


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


def entry_reply(knowledge: Knowledge, entry: Entry) -> Reply:
    """A reply answering one entry directly (a pressed question button)."""
    related = tuple(knowledge.by_id[r] for r in entry.related if r in knowledge.by_id)
    return Reply(
        kind="answer",
        query=entry.question,
        entries=(entry,),
        score=100.0,
        suggestions=related[:MAX_SUGGESTIONS],
        context=Context(entry_id=entry.id, topic=entry.topic, certs=entry.certs),
    )


async def send_html(
    message: Message,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
) -> Message:
    """Send HTML to the message's chat, split if long; the keyboard goes under the last part."""
    parts = split_html(text)
    sent = message
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        sent = await message.get_bot().send_message(
            chat_id=message.chat_id,
            text=part,
            reply_markup=keyboard if last else None,
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
        )
    return sent


async def edit_html(
    query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Replace the pressed message's text (or, if too long, send the rest after it)."""
    parts = split_html(text)
    message = query.message
    try:
        await query.edit_message_text(parts[0], reply_markup=keyboard if len(parts) == 1 else None)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
    if len(parts) > 1 and isinstance(message, Message):
        await send_html(message, "\n\n".join(parts[1:]), keyboard)


async def answer_query(
    context: CallbackContext, query: CallbackQuery, text: str | None = None
) -> None:
    """Answer a button press, and remember it: Telegram refuses a second answer."""
    await query.answer(text)
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
    if isinstance(message, Message):
        await send_html(message, esc(EXPIRED), menu_keyboard())
    elif update.effective_user is not None:
        await query.get_bot().send_message(
            update.effective_user.id, esc(EXPIRED), reply_markup=menu_keyboard()
        )
