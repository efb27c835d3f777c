"""👍/👎 under answers, and /feedback: the owners' summary of what people found unhelpful.

A vote is stored per person and answer (pressing again changes it). The buttons are then taken
off that message, leaving the question buttons in place. /feedback only answers the Telegram
users listed in BOT_ADMIN_IDS.
"""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from ..storage import Vote
from .common import (
    FEEDBACK,
    App,
    CallbackContext,
    answer_expired,
    answer_query,
    payload,
    person,
    send_html,
    services,
)
from .html import bold, esc
from .learning import note_down

THANKS = {"up": "谢谢！很高兴能帮上忙。", "down": "谢谢反馈，我们会据此改进这个回答。"}
NOT_OWNER = "抱歉，这个命令只对机器人的管理员开放。有问题可以直接问我。"
EMPTY = "还没有人评价过回答。"
SUMMARY = "共 {total} 条评价：👍 {up} · 👎 {down}，来自 {voters} 位用户。"
LIST_HEADING = "按 👎 从多到少："
MAX_LISTED = 20


def _without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The keyboard with the 👍/👎 row taken out."""
    if markup is None:
        return None
    rows: list[list[InlineKeyboardButton]] = [
        list(row)
        for row in markup.inline_keyboard
        if not any(str(b.callback_data or "").startswith(f"{FEEDBACK}:") for b in row)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


async def vote(update: Update, context: CallbackContext) -> None:
    """Record a 👍/👎 (fb:<entry id>:up|down) and thank the person."""
    query = update.callback_query
    assert query is not None and query.data is not None
    s = services(context)
    _, entry_id, choice = [*payload(query).split(":"), "", ""][:3]
    if entry_id not in s.knowledge.by_id or choice not in THANKS:
        await answer_expired(update, context)
        return
    chat_id, user_id = person(update)
    value: Vote = "up" if choice == "up" else "down"
    s.storage.record_feedback(chat_id, user_id, entry_id, value)
    if value == "down":
        note_down(context, update, entry_id)
    await answer_query(context, query, THANKS[choice])
    if isinstance(query.message, Message):
        # The message may be too old to edit, or already without the buttons: no matter.
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(_without_feedback(query.message.reply_markup))


async def summary(update: Update, context: CallbackContext) -> None:
    """/feedback for owners: totals, and the answers with the most 👎."""
    assert update.message is not None
    s = services(context)
    user = update.effective_user
    if user is None or user.id not in s.settings.admin_ids:
        await send_html(update.message, esc(NOT_OWNER))
        return
    counts = s.storage.feedback_counts()
    if not counts:
        await send_html(update.message, esc(EMPTY))
        return
    up, down = sum(c.up for c in counts), sum(c.down for c in counts)
    lines = [
        bold("📝 用户反馈"),
        esc(SUMMARY.format(total=up + down, up=up, down=down, voters=s.storage.feedback_voters())),
        "",
        esc(LIST_HEADING),
    ]
    for c in counts[:MAX_LISTED]:
        entry = s.knowledge.by_id.get(c.entry_id)
        question = entry.question if entry else c.entry_id
        lines.append(f"• {esc(question)}  👎 {c.down} · 👍 {c.up}")
    if len(counts) > MAX_LISTED:
        lines.append(esc(f"……另有 {len(counts) - MAX_LISTED} 个回答"))
    await send_html(update.message, "\n".join(lines))


def register(app: App) -> None:
    """Add the vote buttons and /feedback."""
    app.add_handler(CallbackQueryHandler(vote, pattern=rf"^{FEEDBACK}:"))
    app.add_handler(CommandHandler("feedback", summary, filters.ChatType.PRIVATE))
