"""Accuracy on the evaluation questions must stay at or above 95%."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluate import DEFAULT_FILE, PASS_RATE, Case, evaluate, load_cases, rates
from bot.knowledge import Knowledge
from bot.matcher import Matcher


def test_eval_set_is_large_and_varied() -> None:
    cases = load_cases(DEFAULT_FILE)
    kinds = {c.kind for c in cases}
    assert len(cases) >= 200
    assert {"typo", "traditional", "noise", "followup", "out_of_scope", "compare"} <= kinds


def test_eval_ids_exist(knowledge: Knowledge) -> None:
    for case in load_cases(DEFAULT_FILE):
        for entry_id in case.expect:
            assert entry_id in knowledge.by_id, (case.question, entry_id)


def test_accuracy_and_fallback_rate(matcher: Matcher) -> None:
    outcomes = evaluate(matcher, load_cases(DEFAULT_FILE))
    accuracy, fallback = rates(outcomes)
    failures = [(o.case.question, o.got) for o in outcomes if not o.ok]
    assert accuracy >= PASS_RATE, failures
    assert fallback >= PASS_RATE, failures


def test_rates_catch_a_broken_matcher(matcher: Matcher) -> None:
    """The measure itself must fail a bot that always answers, or never does."""
    cases = [
        Case("工资多少", ("ims.salary", "compare.salary"), "keyword"),
        Case("天气", (), "out_of_scope"),
    ]
    ok = evaluate(matcher, cases)
    assert rates(ok) == (1.0, 1.0)
    wrong = [type(o)(o.case, "ims.price", False) for o in ok]
    assert rates(wrong) == (0.0, 0.0)


OTHER_SETS = sorted(p for p in DEFAULT_FILE.parent.glob("*.yaml") if p != DEFAULT_FILE)


@pytest.mark.parametrize("path", OTHER_SETS, ids=lambda p: p.stem)
def test_every_other_set_stays_above_the_bar(
    matcher: Matcher, knowledge: Knowledge, path: Path
) -> None:
    """The sets written later (some by people who never saw the matcher) must not regress."""
    cases = load_cases(path)
    assert all(entry_id in knowledge.by_id for c in cases for entry_id in c.expect)
    accuracy, fallback = rates(evaluate(matcher, cases))
    assert accuracy >= PASS_RATE and fallback >= PASS_RATE, (path.name, accuracy, fallback)
