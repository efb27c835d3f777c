"""The record of what went wrong, kept as replies go out: a fallback or an unsure answer to a
typed question, and a 👎; and a count of answers per entry for the digest.

What a person asked is remembered in memory only, for their next 👎 (the vote's button carries
the entry, not the question); after a restart a 👎 is kept without its question.
"""

from __future__ import annotations

from collections import OrderedDict

from telegram import Update

from ..matcher import Reply
from ..misses import Reason, miss_reason
from ..taught import is_taught
from .common import GROUP_TYPES, CallbackContext, Services, person, services

RECENT_KEPT = 2000  # people whose last answer is remembered for a 👎


def chat_kind(update: Update) -> str:
    """ "group" or "private": all the record keeps of where a question was asked."""
    chat = update.effective_chat
    return "group" if chat is not None and chat.type in GROUP_TYPES else "private"


def _recent(context: CallbackContext) -> OrderedDict[tuple[int, int], Reply]:
    found = context.bot_data.setdefault("recent_answers", OrderedDict())
    assert isinstance(found, OrderedDict)
    return found


def note(context: CallbackContext, update: Update, reply: Reply | None) -> None:
    """Count an answer, remember it for a 👎, and keep it when it went wrong."""
    if reply is None:
        return
    s = services(context)
    chat_id, user_id = person(update)
    if reply.kind in ("answer", "both") and reply.entry_id:
        s.storage.count_ask(reply.entry_id, s.clock())
        recent = _recent(context)
        recent[(chat_id, user_id)] = reply
        recent.move_to_end((chat_id, user_id))
        while len(recent) > RECENT_KEPT:
            recent.popitem(last=False)
    reason = miss_reason(reply, s.settings.low_confidence)
    # A taught reply is what an owner asked for, declines included: nothing to review again.
    if reason is not None and not is_taught(reply):
        keep(s, user_id, chat_kind(update), reason, reply)


def note_down(context: CallbackContext, update: Update, entry_id: str) -> None:
    """Keep a 👎 on this entry, with the question when it is still remembered."""
    s = services(context)
    chat_id, user_id = person(update)
    reply = _recent(context).get((chat_id, user_id))
    if reply is None or entry_id not in [e.id for e in reply.entries]:
        reply = Reply(kind="answer", query="", entries=(s.knowledge.by_id[entry_id],))
    keep(s, user_id, chat_kind(update), "down", reply)


def keep(s: Services, user_id: int, chat: str, reason: Reason, reply: Reply) -> None:
    """Store one miss: the question as the matcher read it, never as typed."""
    key = s.taught.key(reply.query) if reply.query else None
    suggestions = tuple(e.id for e in reply.suggestions)
    best = reply.entry_id or (suggestions[0] if suggestions else None)
    s.storage.record_miss(
        user_id,
        chat,
        reason,
        key.text if key else "",
        key.certs if key else (),
        best,
        reply.score,
        suggestions if reply.entry_id else suggestions[1:],
        s.clock(),
    )


def forget_recent(context: CallbackContext, user_id: int) -> None:
    """Drop what is remembered in memory about this person (/forget)."""
    recent = _recent(context)
    for key in [k for k in recent if k[1] == user_id]:
        del recent[key]
