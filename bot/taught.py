"""Taught phrasings looked up before the matcher: the message, read as the matcher reads it,
equal to a taught phrasing (or nearly: a rapidfuzz ratio of TAUGHT_RATIO or more, with the same
certificates and numbers) goes to the taught entry, or to the honest fallback.

The lookup sits in front of the matcher instead of inside it so that a teaching can never change
how any other question is answered, and the matcher stays what the evaluation sets measured.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from .learned import Teaching
from .matcher import Context, Matcher, Reply
from .parts import entry_reply

# One character in a dozen may differ (啊/呀, a typo); a level or a price may not (NUMERALS).
TAUGHT_RATIO = 90.0
MIN_FUZZY_LENGTH = 8  # shorter messages must equal the phrasing: one character is a lot there
NUMERALS = frozenset("0123456789零一二三四五六七八九十两百千万")
TAUGHT_REASON = "taught by an owner"


def is_taught(reply: Reply) -> bool:
    """True when the reply came from a teaching, not from the matcher."""
    return reply.reasons[:1] == (TAUGHT_REASON,)


@dataclass(frozen=True)
class Key:
    """A message as the lookup compares it: the matcher's normalised text and its certificates."""

    text: str
    certs: tuple[str, ...]

    @property
    def numbers(self) -> frozenset[str]:
        """The numerals in it: a level or a price must agree for two questions to be the same."""
        return frozenset(ch for ch in self.text if ch in NUMERALS)


def same_question(a: Key, b: Key, cutoff: float) -> float:
    """How alike two questions are (0 when they name other certificates or numbers)."""
    if a.text == b.text:
        return 100.0
    if a.certs != b.certs or a.numbers != b.numbers:
        return 0.0
    if min(len(a.text), len(b.text)) < MIN_FUZZY_LENGTH:
        return 0.0
    return float(fuzz.ratio(a.text, b.text, score_cutoff=cutoff))


class Taught:
    """The teachings in force, swapped in place when an owner teaches (every chat sees them at
    once); holds the matcher it stands in front of."""

    def __init__(self, matcher: Matcher, teachings: Iterable[Teaching] = ()) -> None:
        self.matcher = matcher
        self.teachings: tuple[Teaching, ...] = ()
        self._keys: list[Key] = []
        self._exact: dict[str, int] = {}
        self.replace(teachings)

    def key(self, raw: str) -> Key:
        """The message read as the matcher reads it (normalised, rewritten, typos corrected)."""
        a = self.matcher.analyzer.analyze(raw)
        return Key(a.text, a.certs)

    def replace(self, teachings: Iterable[Teaching]) -> None:
        """Put these teachings in force instead of the current ones."""
        found = tuple(teachings)
        keys = [self.key(t.text) for t in found]
        exact: dict[str, int] = {}
        for i, k in enumerate(keys):
            exact.setdefault(k.text, i)
        # One assignment each, no await between: a handler never sees half of the swap.
        self.teachings, self._keys, self._exact = found, keys, exact

    def lookup(self, raw: str) -> Teaching | None:
        """The teaching this message falls under, if any."""
        if not self.teachings:
            return None
        key = self.key(raw)
        if not key.text:
            return None
        hit = self._exact.get(key.text)
        if hit is not None:
            return self.teachings[hit]
        if len(key.text) < MIN_FUZZY_LENGTH:
            return None
        texts = [k.text for k in self._keys]
        for _, score, i in process.extract(
            key.text, texts, scorer=fuzz.ratio, score_cutoff=TAUGHT_RATIO, limit=5
        ):
            if same_question(key, self._keys[i], TAUGHT_RATIO) and score >= TAUGHT_RATIO:
                return self.teachings[i]
        return None

    def ask(self, raw: str, context: Context | None = None) -> Reply:
        """The taught answer (or fallback) when the message was taught, else the matcher's."""
        context = context or Context()
        teaching = self.lookup(raw)
        if teaching is None:
            return self.matcher.ask(raw, context)
        why = (TAUGHT_REASON, f"{teaching.id} by {teaching.by}")
        knowledge = self.matcher.knowledge
        if teaching.entry is None or teaching.entry not in knowledge.by_id:
            return Reply(kind="fallback", query=raw.strip(), context=context, reasons=why)
        reply = entry_reply(knowledge, knowledge.by_id[teaching.entry])
        return replace(reply, query=raw.strip(), reasons=why)
