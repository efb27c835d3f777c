"""Character n-gram TF-IDF: how much a message shares the distinctive pieces of an entry's phrasings.

The fuzzy scores compare a message with one phrasing at a time and weigh every character alike;
this compares it with all of an entry's phrasings at once and weighs a piece by how few entries
use it (职称, 割韭菜 count; 什么, 多少 hardly do). Chinese needs no word segmentation for it:
two- and three-character pieces carry most words.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping

SIZES = (2, 3)


def pieces(text: str) -> Counter[str]:
    """The text's two- and three-character pieces, counted."""
    return Counter(text[i : i + n] for n in SIZES for i in range(len(text) - n + 1))


class NgramIndex:
    """Unit TF-IDF vectors per document, with an inverted index for the cosine."""

    def __init__(self, documents: Mapping[int, Iterable[str]]) -> None:
        counts = {
            doc: sum((pieces(t) for t in texts), Counter()) for doc, texts in documents.items()
        }
        df: Counter[str] = Counter()
        for c in counts.values():
            df.update(c.keys())
        n = len(counts)
        self._idf = {p: math.log((n + 1) / (f + 1)) + 1 for p, f in df.items()}
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        # Each document's unit vector too: with a few candidates out of thousands of documents,
        # their cosines are a few lookups each, where the postings of a common piece are long.
        self._vectors: dict[int, dict[str, float]] = {}
        for doc, c in counts.items():
            weights = {p: (1 + math.log(k)) * self._idf[p] for p, k in c.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            self._vectors[doc] = {p: w / norm for p, w in weights.items()}
            for p, w in weights.items():
                self._postings[p].append((doc, w / norm))

    def similarity(self, text: str, only: Collection[int] | None = None) -> dict[int, float]:
        """Cosine similarity of the text to every document sharing a piece with it (of the
        documents in ``only``, when given)."""
        query = {
            p: (1 + math.log(k)) * self._idf[p] for p, k in pieces(text).items() if p in self._idf
        }
        norm = math.sqrt(sum(w * w for w in query.values()))
        out: dict[int, float] = defaultdict(float)
        if not norm:
            return out
        if only is not None:
            for doc in only:
                vector = self._vectors.get(doc, {})
                dot = sum(w * vector[p] for p, w in query.items() if p in vector)
                if dot:
                    out[doc] = dot / norm
            return out
        for p, w in query.items():
            for doc, dw in self._postings[p]:
                out[doc] += w * dw / norm
        return out
