"""The n-gram cosine: the same figures whether every document is scored or only candidates."""

from __future__ import annotations

import pytest

from bot.knowledge import Knowledge
from bot.ngram import NgramIndex


@pytest.mark.parametrize("text", ["互联网营销师工资多少", "全媒体运营师报考条件", "天气怎么样"])
def test_scoring_only_candidates_gives_their_full_cosine(knowledge: Knowledge, text: str) -> None:
    index = NgramIndex({i: e.phrasings for i, e in enumerate(knowledge.entries)})
    full = index.similarity(text)
    some = set(range(0, len(knowledge.entries), 3))
    part = index.similarity(text, some)
    assert set(part) <= some
    assert part == pytest.approx({doc: full[doc] for doc in some if full.get(doc)})


def test_a_phrasing_is_most_like_its_own_entry(knowledge: Knowledge) -> None:
    index = NgramIndex({i: e.phrasings for i, e in enumerate(knowledge.entries)})
    entry = next(i for i, e in enumerate(knowledge.entries) if e.id == "ims.salary")
    scores = index.similarity(knowledge.entries[entry].question)
    assert max(scores, key=scores.__getitem__) == entry
