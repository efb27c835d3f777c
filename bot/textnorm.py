"""Text normalisation for Chinese chat messages, phrase lookup and pinyin typo correction."""

from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import opencc

# Only pypinyin's table of single characters is read. Its phrase table (some 44 MB in memory,
# a third of the whole bot) is loaded on import unless this is set, which pypinyin documents.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
# Nor is that table copied for pypinyin's own conversions (a copy only matters to custom
# readings loaded into pypinyin, which the bot never does): 1.3 MB. Documented like the above.
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")
from pypinyin.pinyin_dict import pinyin_dict

# Longest text we look at. Longer messages are cut: no real question is this long, and the cap
# keeps one person's message from slowing everybody else.
MAX_QUERY_CHARS = 300

# Kept after normalisation: Chinese characters, ASCII letters and digits, and '+' and '.' for
# "互联网+" and "12.8k". Everything else (punctuation, emoji, spaces, control characters) goes.
_DROP = re.compile(r"[^0-9a-z+.\u3400-\u4dbf\u4e00-\u9fff]+")
_STRAY_DOTS = re.compile(r"(?<![0-9])\.|\.(?![0-9])")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    # tw2sp also rewrites Taiwan phrasing (網際網路 → 互联网), not only the characters.
    return opencc.OpenCC("tw2sp")


def to_simplified(text: str) -> str:
    """Traditional (including Taiwan wording) to Simplified Chinese."""
    return str(_converter().convert(text))


def normalize(text: str) -> str:
    """Fold width and case, convert to Simplified, and drop punctuation, emoji and spaces."""
    text = unicodedata.normalize("NFKC", text[: MAX_QUERY_CHARS * 2])
    text = to_simplified(text).lower()
    text = _DROP.sub("", text)
    return _STRAY_DOTS.sub("", text)[:MAX_QUERY_CHARS]


@dataclass(frozen=True)
class Match:
    """A phrase found in a text, with what it stands for."""

    start: int
    end: int
    phrase: str
    labels: tuple[str, ...]


class Lexicon:
    """Phrases mapped to labels, found in text by greedy longest match."""

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        table: dict[str, list[str]] = {}
        for phrase, label in phrases:
            if phrase and label not in table.setdefault(phrase, []):
                table[phrase].append(label)
        self._table = {p: tuple(labels) for p, labels in table.items()}
        # For each first character, the phrase lengths to try there, longest first: most
        # positions start no phrase at all and are skipped with one lookup.
        starts: dict[str, set[int]] = {}
        for phrase in self._table:
            starts.setdefault(phrase[0], set()).add(len(phrase))
        self._starts = {c: sorted(ls, reverse=True) for c, ls in starts.items()}
        # The positions worth a look are found by the regex engine, not one by one.
        self._first = (
            re.compile("[" + "".join(re.escape(c) for c in sorted(starts)) + "]")
            if starts
            else None
        )

    def __contains__(self, phrase: str) -> bool:
        return phrase in self._table

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches, longest first at each position, left to right."""
        found: list[Match] = []
        if self._first is None:
            return found
        n = len(text)
        table, starts, search = self._table, self._starts, self._first.search
        at = search(text)
        while at is not None:
            i = at.start()
            for length in starts[text[i]]:
                if i + length <= n:
                    phrase = text[i : i + length]
                    labels = table.get(phrase)
                    if labels is not None:
                        found.append(Match(i, i + length, phrase, labels))
                        i += length
                        break
            else:
                i += 1
            at = search(text, i)
        return found

    def cover(self, text: str) -> list[Match]:
        """Non-overlapping matches that cover the most characters (of equal cover, the fewer
        matches): "是干什么工作" is read as 是 + 干什么工作, where a left-to-right longest match
        would take 是干什么 and leave 工作 alone."""
        n = len(text)
        table, starts = self._table, self._starts
        # best[i]: (characters covered, -matches, the match starting the best reading of text[i:])
        best: list[tuple[int, int, Match | None]] = [(0, 0, None)] * (n + 1)
        for i in range(n - 1, -1, -1):
            covered, count, _ = best[i + 1]
            choice: tuple[int, int, Match | None] = (covered, count, None)
            for length in starts.get(text[i], ()):
                if i + length <= n:
                    phrase = text[i : i + length]
                    labels = table.get(phrase)
                    if labels is not None:
                        after = best[i + length]
                        option = (
                            after[0] + length,
                            after[1] - 1,
                            Match(i, i + length, phrase, labels),
                        )
                        if option[:2] >= choice[:2]:  # a tie keeps the longest match here
                            choice = option
            best[i] = choice
        found: list[Match] = []
        i = 0
        while i < n:
            m = best[i][2]
            if m is None:
                i += 1
            else:
                found.append(m)
                i = m.end
        return found

    def remove(self, text: str, sep: str = "") -> str:
        """The text without any of the phrases (each replaced by ``sep``)."""
        matches = self.find(text)
        if not matches:
            return text
        parts, last = [], 0
        for m in matches:
            parts.append(text[last : m.start])
            last = m.end
        parts.append(text[last:])
        return sep.join(parts)

    def segment(self, text: str) -> list[str]:
        """Split text into known phrases and single characters (for token-based scorers)."""
        tokens: list[str] = []
        last = 0
        for m in self.find(text):
            tokens.extend(text[last : m.start])
            tokens.append(m.phrase)
            last = m.end
        tokens.extend(text[last:])
        return tokens


# --- pinyin -------------------------------------------------------------------------------------

# Pairs that pinyin input users commonly confuse (fuzzy pinyin): folded to one spelling.
# Longer words are typed by their initials or pasted; homophone typos are in shorter ones.
MAX_TYPO_WORD = 8
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("ing", "in"), ("eng", "en"), ("ang", "an"))


@lru_cache(maxsize=8192)
def syllable(char: str) -> str | None:
    """The character's most common reading without tone; None if it has none."""
    readings = pinyin_dict.get(ord(char))
    if not readings:
        return None
    plain = unicodedata.normalize("NFKD", readings.split(",")[0])
    return "".join(c for c in plain if not unicodedata.combining(c)).replace("ü", "v")


@lru_cache(maxsize=8192)
def fuzzy_syllable(char: str) -> str | None:
    """The reading with zh/z, ch/c, sh/s, ing/in, eng/en and ang/an folded together."""
    s = syllable(char)
    if s is None:
        return None
    for long, short in _FUZZY_INITIALS:
        if s.startswith(long):
            s = short + s[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if s.endswith(long):
            s = s[: -len(long)] + short
            break
    return s


class TypoCorrector:
    """Rewrites words typed with the wrong homophone (互连网营销师 → 互联网营销师).

    It only corrects towards the given vocabulary, and never touches a span that already is a
    word of the vocabulary or appears in the knowledge's own text (so 公众号 stays 公众号 even
    though it sounds like 工种). Two-character words are everyday words too (北京 sounds like
    背景, 司机 like 四级), so they are corrected only towards ``short_words``, only on an exact
    reading and only when one of the two characters is already right (四及 → 四级, 大砖 → 大专);
    longer words also match on fuzzy pinyin. A question form (``forms``: 花多少, 值不值) is an
    everyday phrase whose first character often ends the word before it (电话多少, 一直不知道,
    17岁能考): it is corrected only when that character is as typed (靠普吗 → 靠谱吗).
    """

    def __init__(
        self,
        words: Iterable[str],
        short_words: Iterable[str],
        corpus: str,
        forms: Iterable[str] = (),
    ) -> None:
        index: dict[tuple[str, ...], str] = {}
        long_words = {w for w in words if 3 <= len(w) <= MAX_TYPO_WORD}
        shorts = {w for w in short_words if len(w) == 2}
        for word in sorted(long_words, key=lambda w: (-len(w), w)):
            key = self._key(word, fuzzy_syllable)
            if key is not None:
                index.setdefault(key, word)
        # A two-character reading can stand for several words (初级 and 出击): the slip is the
        # one that keeps a character, so each reading keeps all its words.
        short_index: dict[tuple[str, ...], list[str]] = {}
        for word in sorted(shorts):
            key = self._key(word, syllable)
            if key is not None:
                short_index.setdefault(key, []).append(word)
        self._index = index
        self._readings = {w: self._key(w, syllable) for w in index.values()}
        self._short_index = short_index
        self._words = long_words | shorts
        self._forms = frozenset(forms)
        self._corpus = corpus
        self._lengths = sorted({len(k) for k in (*index, *short_index)}, reverse=True)
        # What can start at a character: the lengths of the words it begins, of the readings
        # whose first syllable it has, and 2 where a short word's reading starts with its own.
        self._starting: dict[str, set[int]] = defaultdict(set)
        for word in self._words:
            self._starting[word[0]].add(len(word))
        self._fuzzy_starting: dict[str, set[int]] = defaultdict(set)
        for key in index:
            self._fuzzy_starting[key[0]].add(len(key))
        self._short_firsts = {key[0] for key in short_index}
        self._lengths_at: dict[str, tuple[int, ...]] = {}

    def _lengths_from(self, char: str) -> tuple[int, ...]:
        """The lengths worth trying at this character, longest first (the others find nothing)."""
        found = self._lengths_at.get(char)
        if found is None:
            exact, fuzzy = syllable(char), fuzzy_syllable(char)
            wanted = set(self._starting.get(char, ()))
            if fuzzy is not None:
                wanted |= self._fuzzy_starting.get(fuzzy, set())
            if exact in self._short_firsts:
                wanted.add(2)
            found = self._lengths_at[char] = tuple(n for n in self._lengths if n in wanted)
        return found

    @staticmethod
    def _key(text: str, reading: Callable[[str], str | None]) -> tuple[str, ...] | None:
        key = tuple(reading(c) or "" for c in text)
        return None if "" in key else key

    def correct(self, text: str) -> str:
        """The text with homophone typos of vocabulary words replaced."""
        exact = [syllable(c) for c in text]
        fuzzy = [fuzzy_syllable(c) for c in text]
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            if exact[i] is None:
                out.append(text[i])
                i += 1
                continue
            for length in self._lengths_from(text[i]):
                if i + length > n:
                    continue
                span = text[i : i + length]
                if span in self._words:
                    out.append(span)
                    i += length
                    break
                if length == 2:
                    word = self._short_word(span, tuple(exact[i : i + 2]))  # type: ignore[arg-type]
                else:
                    word = self._index.get(tuple(fuzzy[i : i + length]))  # type: ignore[arg-type]
                    if word is not None and (
                        not self._slip(span, word, exact[i : i + length])
                        or (word in self._forms and span[0] != word[0])
                    ):
                        word = None
                if (
                    word is not None
                    and span not in self._corpus
                    and not self._overlaps(text, i, length)
                ):
                    out.append(word)
                    i += length
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)

    def _overlaps(self, text: str, start: int, length: int) -> bool:
        """True when a word of the vocabulary, typed as it is, begins inside the span and runs
        past it: "运营挣得多" keeps 挣得多 rather than become a slip for 运营证."""
        end = start + length
        return any(
            end < j + size <= len(text) and text[j : j + size] in self._words
            for j in range(start + 1, end)
            for size in self._starting.get(text[j], ())
        )

    def _slip(self, span: str, word: str, reading: list[str | None]) -> bool:
        """True when the span can be a slip for the word. Read the same (李家琪, 几个登记), any
        characters may be the wrong ones; read only alike (z for zh, an for ang), a character
        or two in a long word (全没体运营师), one in a short one: "仔想考" (Cantonese, "son wants
        to take") is no slip for 在线考, nor "想参考" for 现场考."""
        if tuple(reading) == self._readings[word]:
            return True
        wrong = sum(a != b for a, b in zip(span, word, strict=True))
        return wrong <= max(1, len(word) // 3)

    def _short_word(self, span: str, reading: tuple[str, ...]) -> str | None:
        """The two-character word this span is a slip for: same reading, one character kept."""
        for word in self._short_index.get(reading, ()):
            if word[0] == span[0] or word[1] == span[1]:
                return word
        return None
