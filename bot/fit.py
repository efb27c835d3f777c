"""``python -m bot fit``: fit the answer confidence on the labelled sets, check it set by set.

For every labelled question (the tuned sets, never the blind holdouts) the matcher is asked with
no threshold, and the best entry's features are recorded with whether that entry is right. A
logistic regression is fitted on all sets but one and checked on the one left out, for each set
in turn; then on all of them, and the threshold that gets the most questions right (answered
right or declined right, each side weighted equally) is chosen. ``--write`` saves the result to
``knowledge/confidence.yaml``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .confidence import FILE, Calibration, fit
from .evaluate import Case, load_cases, tuned_sets
from .knowledge import DEFAULT_DIR, Knowledge
from .matcher import Context, Matcher

# With this calibration every ranked candidate is answered, so its features can be recorded.
_OPEN = Calibration(bias=30.0, weights={}, threshold=0.5)
THRESHOLDS = [t / 100 for t in range(20, 91, 2)]
TOLERANCE = 0.002

Row = tuple[dict[str, float], int, bool]  # features, right (1) or not (0), should answer


def collect(knowledge: Knowledge, cases: list[Case]) -> list[Row]:
    """One row per question the matcher would answer from a ranked candidate."""
    matcher = Matcher(replace(knowledge, calibration=_OPEN))
    rows: list[Row] = []
    for case in cases:
        context = Context()
        for earlier in case.context:
            context = matcher.ask(earlier, context).context
        reply = matcher.ask(case.question, context)
        if reply.features:
            right = int(reply.entry_id in case.expect) if case.expect else 0
            rows.append((dict(reply.features), right, bool(case.expect)))
    return rows


def _decisions(c: Calibration, rows: list[Row]) -> tuple[float, float]:
    """(share of answerable rows answered right, share of the others declined)."""
    answerable = [r for r in rows if r[2]]
    others = [r for r in rows if not r[2]]
    good = sum(1 for f, y, _ in answerable if y and c.probability(f) >= c.threshold)
    declined = sum(1 for f, _, _ in others if c.probability(f) < c.threshold)
    return good / max(1, len(answerable)), declined / max(1, len(others))


def best_threshold(bias: float, weights: dict[str, float], rows: list[Row]) -> float:
    """The threshold with the best balanced result on these rows."""

    def balanced(t: float) -> float:
        answered, declined = _decisions(Calibration(bias, weights, t), rows)
        return answered + declined

    # Among thresholds within half a percentage point of the best, the highest: the bot would
    # rather stay quiet than guess when the labelled questions cannot tell the two apart.
    scores = {t: balanced(t) for t in THRESHOLDS}
    top = max(scores.values())
    return max(t for t, score in scores.items() if score >= top - TOLERANCE)


def run_fit(knowledge: Knowledge, write: bool, root: Path = DEFAULT_DIR) -> int:
    """Fit, print the set-by-set check and the reliability of the fitted model, maybe save."""
    sets = {p.stem: collect(knowledge, load_cases(p)) for p in tuned_sets()}
    print("逐个留出检验（在其余集合上拟合，在该集合上检验）：")
    for name, held in sets.items():
        train = [r for other, rows in sets.items() if other != name for r in rows]
        bias, weights = fit([f for f, _, _ in train], [y for _, y, _ in train])
        t = best_threshold(bias, weights, train)
        answered, declined = _decisions(Calibration(bias, weights, t), held)
        print(f"  {name}: 答对 {answered:.1%}，拒答对 {declined:.1%}（阈值 {t:.2f}）")
    rows = [r for rows in sets.values() for r in rows]
    bias, weights = fit([f for f, _, _ in rows], [y for _, y, _ in rows])
    threshold = best_threshold(bias, weights, rows)
    calibration = Calibration(bias, weights, threshold)
    print(f"全部 {len(rows)} 条：阈值 {threshold:.2f}")
    print("可信度表（概率 ≥ p 的回答里答对的比例）：")
    for p in (0.3, 0.5, 0.7, 0.9):
        given = [y for f, y, _ in rows if calibration.probability(f) >= p]
        share = sum(given) / len(given) if given else 1.0
        print(f"  ≥{p:.1f}：{share:.1%}（{len(given)} 条）")
    if write:
        path = root / FILE
        lines = [
            "# Fitted by `python -m bot fit --write` on the tuned evaluation sets (never the blind",
            "# holdouts): P(answer right) = logistic(bias + Σ weight × feature). See bot/confidence.py.",
            f"bias: {bias:.4f}",
            f"threshold: {threshold:.2f}",
            "weights:",
            *(f"  {k}: {v:.4f}" for k, v in weights.items()),
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"已写入 {path}")
    return 0
