"""Asking in groups: /ask, a mention of the bot, a reply to it, and (if admins turn it on) plain
questions.

Usage in a group (Telegram's privacy mode on, the default, delivers exactly these):
    /ask 互联网营销师工资多少            also /ask@<bot>; /ask@otherbot is for another bot
    @<bot> 全媒体运营师报考条件           a mention with a question
    (a reply to one of the bot's messages) 那全媒体运营师呢
With privacy mode off (or the bot an admin) and auto-answer on (/settings), a plain message is
answered when it reads as a confident question about the certificates (group_policy.py).

Every answer replies to the message that asked, in its forum topic, with its buttons usable only
by that person (common.py). Before anything is sent the reply is logged, so that the limits hold
even when several messages arrive at once: the check and the log happen with no await between.
/choose and 帮我选 answer with a link to the private chat, where the guided choice runs.
"""

from __future__ import annotations

from dataclasses import replace

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageEntityType
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from ..conversation import Command, Outcome, Press, State, Text
from ..matcher import Context
from .common import (
    GROUP_TYPES,
    QUESTION,
    App,
    CallbackContext,
    Services,
    answer_expired,
    answer_query,
    payload,
    person,
    send_html,
    services,
)
from .dialog import consult, converse, load_state, render, save_state
from .group_policy import (
    ANSWER,
    COMMAND,
    HINT,
    NOTICE,
    POINTER,
    Decision,
    decide,
    load_settings,
    log,
    over_user_limit,
    worth_answering_unasked,
)
from .html import esc, link
from .learning import note

ASK_HINT = "想问什么？请把问题写在后面，例如：/ask 互联网营销师工资多少"
ANSWERED = "这个问题{ago}回答过，"
SEE_THERE = "请看这条回答"
SEE_ABOVE = "请往上翻看我的回答。"
LIMIT_NOTICE = (
    "本群这一小时的回答次数已经用完（每小时 {n} 条，管理员可以用 /settings 调整）。"
    "请稍后再问，或者点下面的按钮私聊我。"
)
SLOW_DOWN = "您问得太快了，请稍等一会儿再问。"


# --- what a message asks -------------------------------------------------------------------------


def without_mentions(message: Message) -> tuple[str, bool]:
    """The message's text with mentions of this bot taken out, and whether there were any."""
    bot = message.get_bot()
    text = message.text or ""
    mentioned = False
    found = message.parse_entities([MessageEntityType.MENTION, MessageEntityType.TEXT_MENTION])
    for entity, value in found.items():
        if entity.type == MessageEntityType.MENTION:
            ours = value[1:].lower() == bot.username.lower()
        else:
            ours = entity.user is not None and entity.user.id == bot.id
        if ours:
            mentioned = True
            text = text.replace(value, " ")
    return text.strip(), mentioned


def replies_to_bot(message: Message) -> bool:
    """True when the message is a reply to one of the bot's messages.

    In a forum topic every message "replies" to the topic's first message; that is not a reply.
    """
    target = message.reply_to_message
    return (
        target is not None
        and target.forum_topic_created is None
        and target.from_user is not None
        and target.from_user.id == message.get_bot().id
    )


def talks_to_someone_else(message: Message) -> bool:
    """A reply to another person's message, a forward, or a message sent through an inline bot
    (an answer someone chose from the bot's inline results): not a question to the bot."""
    target = message.reply_to_message
    replying = target is not None and target.forum_topic_created is None
    return replying or message.forward_origin is not None or message.via_bot is not None


def message_link(chat: Chat, message_id: int) -> str | None:
    """A t.me link to a message of a supergroup (a basic group's messages have none)."""
    if chat.username:
        return f"https://t.me/{chat.username}/{message_id}"
    digits = str(chat.id)
    if chat.type == Chat.SUPERGROUP and digits.startswith("-100"):
        return f"https://t.me/c/{digits[4:]}/{message_id}"
    return None


# --- replying ------------------------------------------------------------------------------------


async def send_logged(
    s: Services,
    message: Message,
    user_id: int,
    kind: str,
    html: str,
    keyboard: InlineKeyboardMarkup | None = None,
    entry_id: str | None = None,
    text_key: str = "",
) -> None:
    """Log a reply, send it, and note its message id (the log row goes if sending fails)."""
    row = log(s.storage, message.chat.id, user_id, kind, s.clock(), entry_id, text_key)
    try:
        sent = await send_html(message, html, keyboard)
    except BaseException:
        s.storage.drop_reply(row)
        raise
    s.storage.set_reply_message(row, sent)


def pointer_html(message: Message, decision: Decision, now: float) -> str:
    """The pointer to an earlier answer: a link to it, or where to look for it."""
    earlier = decision.earlier
    assert earlier is not None
    minutes = int(now - earlier.at) // 60
    ago = "刚刚" if minutes < 1 else f" {minutes} 分钟前"
    url = message_link(message.chat, earlier.message_id) if earlier.message_id else None
    lead = esc(ANSWERED.format(ago=ago))
    return f"{lead}{link(SEE_THERE, url)} ⬆️" if url else lead + esc(SEE_ABOVE)


def private_chat_keyboard(bot_username: str) -> InlineKeyboardMarkup:
    """A button that opens the private chat with the bot."""
    url = f"https://t.me/{bot_username}?start=help"
    return InlineKeyboardMarkup([[InlineKeyboardButton("💬 私聊提问", url=url)]])


async def deliver(
    update: Update,
    context: CallbackContext,
    message: Message,
    before: State,
    out: Outcome,
    text_key: str,
    asked: bool,
) -> None:
    """Answer, point to the earlier answer, announce the hourly limit, or stay silent, as
    group_policy decides; the new state is saved only when something is said."""
    s = services(context)
    chat_id, user_id = person(update)
    now = s.clock()
    settings = load_settings(s.storage, chat_id)
    part = out.parts[0]
    reply = part.reply
    answerable = reply is not None and reply.kind in ("answer", "both", "fallback")
    entry_id = reply.entry_id if reply is not None else None
    decision = decide(
        s.storage,
        chat_id,
        user_id,
        now,
        settings,
        entry_id,
        text_key if answerable else None,
        asked,
    )
    if decision.verdict == "silent":
        return
    if decision.verdict == "notice":
        text = esc(LIMIT_NOTICE.format(n=settings.hourly_limit))
        await send_logged(
            s, message, user_id, NOTICE, text, private_chat_keyboard(context.bot.username)
        )
        return
    save_state(s, update, before, out.state)  # committed before the reply goes out
    if decision.verdict == "pointer":
        html = pointer_html(message, decision, now)
        await send_logged(s, message, user_id, POINTER, html, entry_id=entry_id)
        return
    note(context, update, out.asked)
    html, keyboard = render(s, update, part, out.state.script)
    await send_logged(
        s,
        message,
        user_id,
        ANSWER,
        html,
        keyboard,
        entry_id=entry_id,
        text_key=text_key if answerable else "",
    )


def conversation(s: Services, update: Update, message: Message) -> State:
    """The person's state; what a question follows up is the answer it replies to (whoever it
    was for), else what the person last asked in this chat and topic."""
    state = load_state(s, update)
    target = message.reply_to_message
    if target is not None and replies_to_bot(message):
        entry = s.knowledge.by_id.get(
            s.storage.entry_of_reply(message.chat.id, target.message_id) or ""
        )
        if entry is not None:
            context = Context(entry_id=entry.id, topic=entry.topic, certs=entry.certs)
            return replace(state, context=context, context_at=s.clock())
    return state


async def respond(update: Update, context: CallbackContext, text: str, asked: bool) -> None:
    """Answer a question asked in a group (``asked``: addressed to the bot, not overheard)."""
    message = update.message
    assert message is not None
    s = services(context)
    chat_id, user_id = person(update)
    before = conversation(s, update, message)
    out = consult(context, update, Text(text), before)
    if not out.parts:
        return
    reply = out.parts[0].reply
    if reply is None:
        # Not a question (帮我选, a thanks, "which should I take" …): only said when asked.
        if asked and not over_user_limit(s.storage, chat_id, user_id, s.clock()):
            save_state(s, update, before, out.state)
            html, keyboard = render(s, update, out.parts[0], out.state.script)
            await send_logged(s, message, user_id, COMMAND, html, keyboard)
        return
    analysis = s.matcher.analyzer.analyze(text)
    if not analysis.text:
        if asked and not over_user_limit(s.storage, chat_id, user_id, s.clock()):
            await send_logged(s, message, user_id, HINT, esc(ASK_HINT))
        return
    if not asked and not worth_answering_unasked(s.knowledge, text, analysis, reply):
        return
    await deliver(update, context, message, before, out, analysis.text, asked)


# --- handlers ------------------------------------------------------------------------------------


async def ask_in_group(update: Update, context: CallbackContext) -> None:
    """/ask <question> in a group."""
    await respond(update, context, " ".join(context.args or []), asked=True)


async def ask_in_private(update: Update, context: CallbackContext) -> None:
    """/ask <question> in a private chat: the same as typing the question."""
    await converse(update, context, Command("ask", " ".join(context.args or [])))


async def group_text(update: Update, context: CallbackContext) -> None:
    """Text in a group: a mention or a reply to the bot is a question; anything else only with
    auto-answer on, and only if it reads as one."""
    message = update.message
    assert message is not None
    text, mentioned = without_mentions(message)
    if mentioned or replies_to_bot(message):
        await respond(update, context, text, asked=True)
        return
    if talks_to_someone_else(message):
        return
    if load_settings(services(context).storage, message.chat.id).auto_answer:
        await respond(update, context, text, asked=False)


async def question_button(update: Update, context: CallbackContext) -> None:
    """A question button (q:<entry id>) pressed in a group: answered within the limits."""
    query = update.callback_query
    assert query is not None and query.data is not None
    s = services(context)
    message = query.message
    if not isinstance(message, Message):
        await answer_expired(update, context)
        return
    before = load_state(s, update)
    out = consult(context, update, Press(payload(query)), before)
    reply = out.parts[0].reply if out.parts else None
    if out.expired or reply is None:
        await answer_expired(update, context)
        return
    key = s.matcher.analyzer.analyze(reply.query).text
    # Answer the press first: Telegram waits for it, and the reply may take a moment.
    chat_id, user_id = person(update)
    if over_user_limit(s.storage, chat_id, user_id, s.clock()):
        await answer_query(context, query, SLOW_DOWN)
        return
    await answer_query(context, query)
    await deliver(update, context, message, before, out, key, asked=True)


class GroupButtonHandler(CallbackQueryHandler[CallbackContext, None]):
    """A CallbackQueryHandler for buttons pressed in groups only."""

    def check_update(self, update: object) -> bool | object | None:
        """Only presses on a group's message, then the pattern as usual."""
        if not isinstance(update, Update) or update.callback_query is None:
            return None
        message = update.callback_query.message
        if not isinstance(message, Message) or message.chat.type not in GROUP_TYPES:
            return None
        return super().check_update(update)


def register(app: App) -> None:
    """Add /ask, questions in groups and question buttons in groups.

    Register before private.py, whose question button handler would take group presses too.
    """
    groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("ask", ask_in_group, groups))
    app.add_handler(
        CommandHandler("ask", ask_in_private, filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE)
    )
    app.add_handler(MessageHandler(groups & filters.TEXT & ~filters.COMMAND, group_text))
    app.add_handler(GroupButtonHandler(question_button, pattern=rf"^{QUESTION}:"))
