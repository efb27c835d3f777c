"""When the bot speaks in a group: its settings there, its limits, and what reads as a question.

Nothing here talks to Telegram; the handlers in group.py, group_gate.py and group_admin.py ask
these functions and act on the answer. Every reply the bot sends in a group is logged in storage
(``group_replies``) before it goes out, and the limits are counted from that log:

- one person gets at most USER_LIMIT replies per USER_WINDOW seconds, then silence;
- a group gets at most its hourly limit of answers (set by its admins), then one notice;
- a question answered in the group in the last COOLDOWN seconds (the same entry, or the same
  normalised text) gets a short pointer to that answer instead of the answer again.

Auto-answer (off unless an admin turns it on) answers a plain message only when it reads as a
question about the certificates and the matcher is sure: see ``worth_answering_unasked``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..analysis import Analysis
from ..knowledge import Knowledge
from ..matcher import Reply
from ..storage import GroupReply, Storage

USER_LIMIT = 3  # replies to one person ...
USER_WINDOW = 60.0  # ... per this many seconds
COOLDOWN = 600.0  # seconds in which the same question is pointed to, not answered again
HOUR = 3600.0
LOG_KEPT = HOUR  # the longest window counted; older log rows are deleted
HOURLY_CHOICES = (10, 30, 60)  # answers per hour an admin can choose
DEFAULT_HOURLY = 30
AUTO_THRESHOLD = 85.0  # matcher score (0..100) an unasked message must reach to be answered

AUTO_KEY = "auto_answer"  # chat_settings keys
HOURLY_KEY = "hourly_limit"

# Kinds of logged replies.
ANSWER = "answer"  # an answer to a question (from the knowledge, a fallback or a greeting)
POINTER = "pointer"  # "answered a moment ago, see there"
HINT = "hint"  # how to ask (an empty /ask or a bare mention)
NOTICE = "notice"  # the hourly limit is reached
COMMAND = "command"  # any other command or button that posts a message
COUNTED_HOURLY = (ANSWER, POINTER, HINT)

# A message reads as a question when it ends like one or contains a question word.
_QUESTION_END = re.compile(r"[?？吗呢么嘛][\s\W_]*$")
QUESTION_WORDS = (
    "多少",
    "什么",
    "啥",
    "怎么",
    "怎样",
    "咋",
    "如何",
    "哪",
    "几",
    "为什么",
    "为何",
    "是否",
    "能不能",
    "可不可以",
    "有没有",
    "是不是",
    "要不要",
    "会不会",
    "值不值",
    "吗",
)


@dataclass(frozen=True)
class GroupSettings:
    """What a group's admins chose."""

    auto_answer: bool = False
    hourly_limit: int = DEFAULT_HOURLY


def load_settings(storage: Storage, chat_id: int) -> GroupSettings:
    """The group's settings (defaults for anything not set or no longer valid)."""
    auto = storage.get_chat_setting(chat_id, AUTO_KEY)
    hourly = storage.get_chat_setting(chat_id, HOURLY_KEY)
    return GroupSettings(
        auto_answer=auto is True,
        hourly_limit=hourly if hourly in HOURLY_CHOICES else DEFAULT_HOURLY,
    )


def reads_as_question(text: str) -> bool:
    """True when the message ends like a question or asks with a question word."""
    stripped = text.strip()
    return bool(_QUESTION_END.search(stripped)) or any(w in stripped for w in QUESTION_WORDS)


def worth_answering_unasked(
    knowledge: Knowledge, text: str, analysis: Analysis, reply: Reply
) -> bool:
    """Whether a plain group message nobody addressed to the bot should get an answer.

    Only a question about the certificates that the matcher answers with confidence: it names
    one of them and a topic (or a person or event the articles are about), reads as a question,
    and its best entry scores at least AUTO_THRESHOLD. Never a greeting, chit-chat or fallback.
    """
    if reply.kind not in ("answer", "both") or reply.score < AUTO_THRESHOLD:
        return False
    topics = knowledge.synonyms.topics
    named = any(topics[t].named for t in analysis.topics if t in topics)
    specific = bool(analysis.certs and analysis.topics) or named
    return specific and reads_as_question(text)


Verdict = Literal["answer", "pointer", "notice", "silent"]


@dataclass(frozen=True)
class Decision:
    """What to do with a question in a group; ``earlier`` is the answer a pointer points to."""

    verdict: Verdict
    earlier: GroupReply | None = None


def over_user_limit(storage: Storage, chat_id: int, user_id: int, now: float) -> bool:
    """True when this person has had USER_LIMIT replies in the last USER_WINDOW seconds."""
    since = now - USER_WINDOW
    return storage.count_replies(chat_id, since, user_id=user_id) >= USER_LIMIT


def decide(
    storage: Storage,
    chat_id: int,
    user_id: int,
    now: float,
    settings: GroupSettings,
    entry_id: str | None,
    text_key: str | None,
    asked: bool,
) -> Decision:
    """Answer, point to an earlier answer, say the hourly limit is reached, or stay silent.

    ``entry_id`` and ``text_key`` identify the question (None and None: something never pointed
    to, like a greeting). ``asked``: the person addressed the bot (/ask, a mention, a reply, a
    button); only then is the hourly limit announced, once an hour. Otherwise: silence.
    """
    if over_user_limit(storage, chat_id, user_id, now):
        return Decision("silent")
    hour_ago = now - HOUR
    if storage.count_replies(chat_id, hour_ago, kinds=COUNTED_HOURLY) >= settings.hourly_limit:
        announced = storage.count_replies(chat_id, hour_ago, kinds=(NOTICE,)) > 0
        return Decision("notice" if asked and not announced else "silent")
    earlier = None
    if entry_id or text_key:
        earlier = storage.earlier_reply(chat_id, now - COOLDOWN, ANSWER, entry_id, text_key or None)
    if earlier is not None:
        return Decision("pointer", earlier)
    return Decision("answer")


def log(
    storage: Storage,
    chat_id: int,
    user_id: int,
    kind: str,
    now: float,
    entry_id: str | None = None,
    text_key: str = "",
) -> int:
    """Log a reply about to be sent; the row id, for its message id once sent."""
    return storage.log_reply(chat_id, user_id, kind, entry_id, text_key, now, now - LOG_KEPT)
