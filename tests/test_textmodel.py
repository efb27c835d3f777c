"""The text model: P(entry | the characters of a message), and the re-ranker that weighs it."""

from __future__ import annotations

import math
from dataclasses import replace

from bot.knowledge import Knowledge
from bot.matcher import Matcher
from bot.textmodel import TextModel

DOCS = [
    ("营销师多少钱", "price"),
    ("考证要花多少钱", "price"),
    ("费用贵不贵", "price"),
    ("工资高不高", "salary"),
    ("一个月挣多少", "salary"),
    ("今天天气好", ""),
]


def test_probabilities_are_shared_among_the_labels_asked_about_and_decline() -> None:
    model = TextModel(DOCS)
    p = model.probabilities("考这个证要多少钱", ["salary", "price"])
    assert set(p) == {"price", "salary", ""}
    assert math.isclose(sum(p.values()), 1.0)
    assert max(p, key=p.__getitem__) == "price"
    # A label it was never taught gets nothing; the others still share all of it.
    q = model.probabilities("考这个证要多少钱", ["price", "no_such_label"])
    assert set(q) == {"price", ""} and math.isclose(sum(q.values()), 1.0)


def test_the_wording_decides_not_the_label_order() -> None:
    model = TextModel(DOCS)
    salary = model.probabilities("工资一个月挣多少", ["price", "salary"])
    assert salary["salary"] > salary["price"] > 0
    assert model.probabilities("今天天气怎么样", ["price"])[""] > 0.5
    # Characters it never saw carry nothing: only how often each label was taught remains.
    unknown = model.probabilities("ﾊﾊﾊ", ["price", "salary"])
    assert unknown["price"] > unknown["salary"] > unknown[""]


def test_a_question_its_text_model_never_saw_is_put_right_by_the_reranker(
    knowledge: Knowledge,
) -> None:
    """With that set's own questions left out, the re-ranker still finds the entry the ranking
    put second; without the re-ranker, the ranking's first pick stands."""
    assert knowledge.calibration is not None and knowledge.calibration.rerank is not None
    without = replace(knowledge, calibration=replace(knowledge.calibration, rerank=None))
    cases = [
        ("qa14", "我们运营老让我考视频创推员，这个工种主要干啥", "ims.job.video_creator"),
        ("qa6", "为啥培训机构卖的基本都是五级四级，很少看到高级的？", "ims.levels"),
    ]
    for held_out, question, right in cases:
        reply = Matcher(knowledge, leave_out=held_out).ask(question)
        assert reply.entry_id == right
        assert "re-ranked by the text model" in reply.reasons
        assert Matcher(without, leave_out=held_out).ask(question).entry_id != right
