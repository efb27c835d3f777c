"""How `python -m bot fit` picks the answering threshold from labelled questions."""

from __future__ import annotations

import math

from bot.tools.fit import Labelled, Row, best_threshold


def _rows(right: list[float], declined: list[float]) -> Labelled:
    """Rows whose probability under bias 0 and weight 1 on "score" is the given one: answerable
    questions answered right, then questions that should be declined."""

    def row(p: float, y: int, answer: bool) -> Row:
        return ({"score": math.log(p / (1 - p))}, y, answer)

    rows = [row(p, 1, True) for p in right] + [row(p, 0, False) for p in declined]
    return Labelled(rows, answerable=len(right), others=len(declined))


def test_a_threshold_between_right_answers_and_declines_is_found() -> None:
    data = _rows(right=[0.5] * 10, declined=[0.45] * 10)
    # Only 0.46 to 0.50 keep every right answer and decline the rest; the middle is taken.
    assert best_threshold(0.0, {"score": 1.0}, data) == 0.48


def test_on_a_flat_plateau_the_middle_is_taken_not_an_end() -> None:
    # Every threshold from 0.20 to 0.90 answers the right ones and declines the rest, so the
    # labelled questions cannot tell them apart: a refit must not swing to the plateau's edge,
    # where slightly different new questions fall off.
    data = _rows(right=[0.95] * 10, declined=[0.1] * 10)
    threshold = best_threshold(0.0, {"score": 1.0}, data)
    assert 0.45 <= threshold <= 0.65
