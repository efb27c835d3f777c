"""The reader's script: which Chinese script a person writes in, and replies converted to it.

A person who writes Traditional characters reads the reply in Traditional: Taiwan wording
(OpenCC ``s2twp``) by default, Hong Kong (``s2hk``) when the message reads as Cantonese.
Facts must survive: certificate names, article titles and publishers are converted character by
character only (``s2twp`` would turn 互联网营销师 into 網際網路營銷師, a different name, and
信息网 into 資訊網), and ASCII (figures such as 12.8K, dates, links, HTML tags) is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal

import opencc

from . import opencc_flat
from .knowledge import CERTS, Knowledge
from .textnorm import MAX_QUERY_CHARS

Script = Literal["hans", "tw", "hk"]
SCRIPTS: tuple[Script, ...] = ("hans", "tw", "hk")

# Words only Cantonese writing uses; 係 only outside 關係/聯係, which Taiwan writing shares.
CANTONESE = ("嘅", "咩", "唔", "冇", "啲", "點樣", "佢", "咗", "喺", "嘢", "乜", "邊個", "係", "晒")
_SHARED_WITH_MANDARIN = re.compile(r"[關联聯]係|係數")

_PHRASES = {"tw": "s2twp", "hk": "s2hk"}  # the whole reply


@lru_cache(maxsize=8)
def _opencc(config: str) -> opencc.OpenCC:
    if config in _PHRASES.values():
        return _reply_converters()[config]
    return opencc.OpenCC(config)


@lru_cache(maxsize=1)
def _reply_converters() -> dict[str, opencc.OpenCC]:
    # Both at once: they share their phrase tables, merged into single files once (about
    # 12 MB; OpenCC's own configurations build some 43 MB of tries from the same tables).
    return opencc_flat.load(*_PHRASES.values())


def _convert(text: str, config: str) -> str:
    return str(_opencc(config).convert(text))


def _changed(text: str, config: str) -> int:
    """How many characters a character-level conversion changes."""
    converted = _convert(text, config)
    if len(converted) == len(text):  # one call for the whole text (the usual case)
        return sum(1 for a, b in zip(text, converted, strict=True) if a != b)
    return sum(1 for ch in text if _convert(ch, config) != ch)


def detect(text: str, current: Script = "hans") -> Script:
    """The script a message is written in; ``current`` when the message does not tell."""
    text = text[:MAX_QUERY_CHARS]  # as much as the matcher reads; keeps a long message cheap
    traditional = _changed(text, "t2s")
    if not traditional and current == "hans":
        # Nothing Traditional, and the person reads Simplified: no need to load the tables to
        # Traditional (some 12 MB), which only a Traditional reader's messages need.
        return "hans"
    # The Taiwan converter, which a Traditional reader's replies load anyway, counts the
    # Simplified characters as well as s2t would (a second table set would cost more memory).
    simplified = _changed(text, _PHRASES["tw"])
    cantonese = any(word in _SHARED_WITH_MANDARIN.sub("", text) for word in CANTONESE)
    # 晒 (Cantonese "all") is also Simplified for 曬: a tie with Cantonese words is Traditional.
    if traditional > simplified or (traditional and cantonese and traditional >= simplified):
        return "hk" if cantonese or current == "hk" else "tw"
    if simplified > traditional:
        return "hans"
    return current


class Converter:
    """Converts reply text to a script, leaving the protected names exact."""

    def __init__(self, protected: Iterable[str] = ()) -> None:
        names = sorted({p for p in protected if p}, key=len, reverse=True)
        self._protected = re.compile("|".join(map(re.escape, names))) if names else None

    def __call__(self, text: str, script: Script) -> str:
        """``text`` (plain or HTML) in ``script``; Simplified text is returned as it is."""
        if script == "hans" or not text:
            return text
        return self._cached(text, script)

    @lru_cache(maxsize=4096)  # noqa: B019 - one converter per process; replies repeat
    def _cached(self, text: str, script: Script) -> str:
        if self._protected is None:
            return _convert(text, _PHRASES[script])
        out: list[str] = []
        last = 0
        for found in self._protected.finditer(text):
            out.append(_convert(text[last : found.start()], _PHRASES[script]))
            # One character at a time, no phrase rule applies (互联网 stays 互聯網, never
            # 網際網路), with the converter already loaded instead of a second table set.
            out.append("".join(_convert(ch, _PHRASES[script]) for ch in found.group()))
            last = found.end()
        out.append(_convert(text[last:], _PHRASES[script]))
        return "".join(out)


def protected_names(knowledge: Knowledge) -> list[str]:
    """Names that must stay as they are written: the certificates, their jobs and levels (s2twp
    would make 视频创推员 影片創推員 and 高级 高階), article titles, publishers."""
    syn = knowledge.synonyms
    names = [*CERTS.values(), *(t.label for t in syn.topics.values() if t.role), *syn.title_levels]
    for source in knowledge.sources.values():
        names += [source.title, source.publisher, *re.split(r"[（）()，、]", source.publisher)]
    return [n.strip() for n in names if len(n.strip()) > 1]
