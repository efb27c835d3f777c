"""Telegram's side of the conversation layer: load the person's state, let the layer answer, save
the new state, render the parts and send them.

Each feature module registers how its kind of part looks in Telegram HTML (``@renderer``);
buttons become inline keyboards here, and everything shown is converted to the reader's script.
State is kept per (chat, person): the follow-up context per forum topic, the guided choice per
chat, the script per person (under the person's own private chat, so it follows them to groups).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from ..conversation import Chat, Conversation, Event, Outcome, State
from ..parts import CHOOSE_LINK, Part, Rows
from ..script import Converter, Script, protected_names
from .common import (
    CHOOSE_KEY,
    CONTEXT_KEY,
    GROUP_TYPES,
    App,
    CallbackContext,
    Services,
    answer_expired,
    answer_query,
    app_services,
    choose_link,
    data,
    edit_html,
    in_topic,
    person,
    send_html,
    services,
)
from .html import esc
from .learning import note

SCRIPT_KEY = "script"
Renderer = Callable[[Services, Part, Update], str]
RENDERERS: dict[str, Renderer] = {"text": lambda s, part, update: esc(part.text)}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the HTML of one kind of part."""

    def register(render: Renderer) -> Renderer:
        RENDERERS[kind] = render
        return render

    return register


@dataclass(frozen=True)
class Dialog:
    """The layer and the script converter, kept once in ``bot_data["dialog"]``."""

    conversation: Conversation
    convert: Converter


def dialog(context: CallbackContext) -> Dialog:
    """The application's dialog."""
    found = context.bot_data["dialog"]
    assert isinstance(found, Dialog)
    return found


def chat_kind(update: Update) -> Chat:
    """A group or a private chat."""
    chat = update.effective_chat
    return "group" if chat is not None and chat.type in GROUP_TYPES else "private"


# --- state ----------------------------------------------------------------------------------


def load_state(s: Services, update: Update) -> State:
    """This person's state in this chat (and forum topic)."""
    chat_id, user_id = person(update)
    return State.from_docs(
        s.storage.get_state(chat_id, user_id, in_topic(CONTEXT_KEY, update)),
        s.storage.get_state(chat_id, user_id, CHOOSE_KEY),
        s.storage.get_state(user_id, user_id, SCRIPT_KEY),
    )


def save_state(s: Services, update: Update, before: State, after: State) -> None:
    """Write what changed; each write is committed when it returns."""
    chat_id, user_id = person(update)
    if after.context_doc() != before.context_doc():
        s.storage.set_state(chat_id, user_id, in_topic(CONTEXT_KEY, update), after.context_doc())
    if after.choice_doc() != before.choice_doc():
        s.storage.set_state(chat_id, user_id, CHOOSE_KEY, after.choice_doc())
    if after.script != before.script:
        kept = None if after.script == "hans" else {"script": after.script}
        s.storage.set_state(user_id, user_id, SCRIPT_KEY, kept)


# --- rendering ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2048)
def markup(
    rows: Rows, script: Script = "hans", bot_username: str = ""
) -> InlineKeyboardMarkup | None:
    """Buttons as an inline keyboard (cached: the same answer gets the same buttons)."""
    convert = _converter
    keyboard = [
        [
            InlineKeyboardButton(convert(b.label, script), url=choose_link(bot_username))
            if b.action == CHOOSE_LINK
            else InlineKeyboardButton(convert(b.label, script), callback_data=data(b.action))
            for b in row
        ]
        for row in rows
    ]
    return InlineKeyboardMarkup(keyboard) if keyboard else None


_converter = Converter()  # replaced by register() with one that knows the knowledge's names


def render(
    s: Services, update: Update, part: Part, script: Script
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A part's HTML and keyboard, in the reader's script."""
    html = RENDERERS[part.kind](s, part, update)
    if part.lead:
        html = f"{esc(part.lead)}\n\n{html}"
    username = (
        update.get_bot().username
        if any(b.action == CHOOSE_LINK for row in part.buttons for b in row)
        else ""
    )
    return _converter(html, script), markup(part.buttons, script, username)


# --- the one path ---------------------------------------------------------------------------


def consult(context: CallbackContext, update: Update, event: Event, state: State) -> Outcome:
    """The layer's answer to one event, for this chat."""
    s = services(context)
    return dialog(context).conversation.handle(event, state, s.clock(), chat_kind(update))


async def converse(update: Update, context: CallbackContext, event: Event) -> None:
    """Load, answer, save (before anything is sent), then show the parts."""
    s = services(context)
    query = update.callback_query
    message = update.effective_message
    if not isinstance(message, Message):
        await answer_expired(update, context)
        return
    before = load_state(s, update)
    out = consult(context, update, event, before)
    if out.expired:
        await answer_expired(update, context)
        return
    save_state(s, update, before, out.state)
    note(context, update, out.asked)
    if query is not None:
        await answer_query(context, query, out.toast)
    for part in out.parts:
        html, keyboard = render(s, update, part, out.state.script)
        if part.edit and query is not None:
            await edit_html(query, html, keyboard)
        else:
            await send_html(message, html, keyboard)


def register(app: App) -> None:
    """Build the layer over the application's services (register before the features)."""
    global _converter
    s = app_services(app)
    _converter = Converter(protected_names(s.knowledge))
    markup.cache_clear()
    conversation = Conversation(
        s.knowledge,
        s.matcher,
        s.engine,
        s.settings.context_minutes,
        s.settings.choice_minutes,
        s.taught,
    )
    app.bot_data["dialog"] = Dialog(conversation, _converter)
