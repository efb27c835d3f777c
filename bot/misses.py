"""The record of what went wrong: which replies count as misses, and grouping similar ones.

A miss is an honest fallback, an answer below the owners' confidence (LOW_CONFIDENCE), or a 👎.
The record keeps the question as the matcher read it (normalised, never the message as typed),
and similar questions are grouped the way the taught lookup compares them (``taught.py``), so
that what an owner teaches for a group is what will catch its next member.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from .matcher import Reply
from .taught import Key, same_question

Reason = Literal["fallback", "unsure", "down"]
GROUP_RATIO = 85.0  # looser than the lookup: a group is for an owner to judge, not an answer
MAX_NEAREST = 3


def miss_reason(reply: Reply, low_confidence: float) -> Reason | None:
    """Why this reply to a typed question is worth an owner's look, or None."""
    if reply.kind == "fallback":
        return "fallback"
    if reply.kind in ("answer", "both") and reply.score < low_confidence:
        return "unsure"
    return None


@dataclass(frozen=True)
class Record:
    """One kept miss."""

    id: int
    user_id: int
    chat: str  # "private" or "group"
    reason: Reason
    text: str  # normalised
    certs: tuple[str, ...]
    entry_id: str | None  # the best entry (the one answered, or the first guess)
    score: float
    suggestions: tuple[str, ...]
    at: float

    @property
    def key(self) -> Key:
        """As the lookup compares it."""
        return Key(self.text, self.certs)


@dataclass(frozen=True)
class Group:
    """Similar misses: the most common wording first."""

    records: tuple[Record, ...]

    @property
    def id(self) -> int:
        """The first record's id: what the review buttons name the group by."""
        return min(r.id for r in self.records)

    @property
    def texts(self) -> list[str]:
        """The distinct wordings, the most frequent first."""
        return [t for t, _ in Counter(r.text for r in self.records).most_common()]

    @property
    def count(self) -> int:
        """How often it was asked."""
        return len(self.records)

    @property
    def people(self) -> int:
        """By how many people."""
        return len({r.user_id for r in self.records})

    @property
    def last_seen(self) -> float:
        """When it was last asked."""
        return max(r.at for r in self.records)

    @property
    def reasons(self) -> Counter[str]:
        """How many of each kind of miss."""
        return Counter(r.reason for r in self.records)

    @property
    def chats(self) -> set[str]:
        """Where it was asked: private, group."""
        return {r.chat for r in self.records}

    def nearest(self, known: set[str]) -> list[str]:
        """Entry ids the bot was nearest to, the most often first (answered or guessed)."""
        votes: Counter[str] = Counter()
        for r in self.records:
            for rank, entry in enumerate((r.entry_id, *r.suggestions)):
                if entry and entry in known:
                    votes[entry] += 10 - rank
        return [e for e, _ in votes.most_common(MAX_NEAREST)]

    def last(self) -> Record:
        """The latest record (what the bot said most recently)."""
        return max(self.records, key=lambda r: (r.at, r.id))


def group_records(records: list[Record]) -> list[Group]:
    """Similar records together, the most frequent group first (then the most recent)."""
    by_text: dict[Key, list[Record]] = {}
    for r in records:
        if r.text:  # a 👎 whose question was not remembered: counted, but nothing to teach
            by_text.setdefault(r.key, []).append(r)
    heads: list[Key] = []
    members: list[list[Record]] = []
    for key, found in sorted(by_text.items(), key=lambda kv: (-len(kv[1]), kv[0].text)):
        for i, head in enumerate(heads):
            if same_question(key, head, GROUP_RATIO):
                members[i].extend(found)
                break
        else:
            heads.append(key)
            members.append(list(found))
    groups = [Group(tuple(sorted(m, key=lambda r: r.id))) for m in members]
    groups.sort(key=lambda g: (-g.count, -g.last_seen, g.id))
    return groups
