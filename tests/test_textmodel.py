"""The text model: P(entry | the characters of a message), and the re-ranker that weighs it."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.knowledge import Knowledge, load_knowledge
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
        ("qa14", "我们部门做公众号的 为啥新媒体运营工资比直播带货的低", "compare.salary"),
        ("qa6", "为啥培训机构卖的基本都是五级四级，很少看到高级的？", "ims.levels"),
    ]
    for held_out, question, right in cases:
        reply = Matcher(knowledge, leave_out=held_out).ask(question)
        assert reply.entry_id == right
        assert "re-ranked by the text model" in reply.reasons
        assert Matcher(without, leave_out=held_out).ask(question).entry_id != right


# --- the model kept from one start to the next ---------------------------------------------------


def test_a_kept_model_is_read_back_instead_of_trained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data" / "text-model.bin"
    trained = TextModel.kept(DOCS, path)
    assert path.exists()

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained again")

    monkeypatch.setattr(TextModel, "__init__", no_training)
    read = TextModel.kept(DOCS, path)
    for text in ("考这个证要多少钱", "工资一个月挣多少", "今天天气怎么样", "ﾊﾊﾊ"):
        assert read.probabilities(text, ["price", "salary"]) == trained.probabilities(
            text, ["price", "salary"]
        )


def test_a_kept_model_of_other_docs_is_trained_again_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "text-model.bin"
    TextModel.kept(DOCS, path)
    taught = [*DOCS, ("证书有没有用", "value")]
    model = TextModel.kept(taught, path)
    assert "value" in model.labels
    assert "value" in TextModel.from_bytes(path.read_bytes()).labels


@pytest.mark.parametrize(
    "damage",
    [lambda b: b[: len(b) // 2], lambda b: b"nonsense", lambda b: b.replace(b'"labels"', b'"x"')],
    ids=["truncated", "not a model", "missing a field"],
)
def test_a_damaged_model_file_costs_only_the_training(
    tmp_path: Path, damage: Callable[[bytes], bytes], caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "text-model.bin"
    TextModel.kept(DOCS, path)
    path.write_bytes(damage(path.read_bytes()))
    model = TextModel.kept(DOCS, path)
    p = model.probabilities("要多少钱", ["price", "salary"])
    assert max(p, key=p.__getitem__) == "price"
    assert "unreadable" in caplog.text
    TextModel.from_bytes(path.read_bytes())  # written again, whole


def test_a_model_that_cannot_be_kept_still_answers(tmp_path: Path) -> None:
    blocked = tmp_path / "a file"
    blocked.write_text("", encoding="utf-8")
    model = TextModel.kept(DOCS, blocked / "text-model.bin")  # its folder cannot be made
    assert model.probabilities("今天天气怎么样", ["price"])[""] > 0.5


def test_the_bot_answers_the_same_with_its_model_kept(knowledge: Knowledge, tmp_path: Path) -> None:
    path = tmp_path / "text-model.bin"
    Matcher(knowledge, model_file=path)
    kept = Matcher(knowledge, model_file=path)
    trained = Matcher(knowledge)
    for question in ("互连网营消师是啥东东", "全媒體運營師分幾個等級？", "小米和vivo哪个好"):
        a, b = kept.ask(question), trained.ask(question)
        assert (a.entry_id, a.score, a.reasons) == (b.entry_id, b.score, b.reasons)


# --- the model shipped with the knowledge --------------------------------------------------------


def test_the_shipped_model_is_the_one_the_knowledge_trains(knowledge: Knowledge) -> None:
    # Stale after an edit to the synonyms or the labelled questions, it would only be trained
    # again at every first start: `python -m bot kb model` ships it anew.
    assert knowledge.root is not None
    model = Matcher(knowledge).text_model
    assert model.read_from == knowledge.root / "text-model.bin", "run: python -m bot kb model"


def test_a_shipped_model_of_other_questions_is_trained_again_and_left_alone(
    kb_copy: Path, tmp_path: Path
) -> None:
    examples = kb_copy / "examples.yaml"
    examples.write_text(
        examples.read_text(encoding="utf-8") + "- q: 证书到底有没有用啊\n  entry: ims.value\n",
        encoding="utf-8",
    )
    shipped = (kb_copy / "text-model.bin").read_bytes()
    kept = tmp_path / "data" / "text-model.bin"
    model = Matcher(load_knowledge(kb_copy), model_file=kept).text_model
    assert model.read_from is None  # trained: the shipped one learnt other questions
    assert (kb_copy / "text-model.bin").read_bytes() == shipped
    assert kept.exists()  # and kept for the next start
    assert Matcher(load_knowledge(kb_copy), model_file=kept).text_model.read_from == kept
