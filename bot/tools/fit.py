"""``python -m bot fit``: fit the re-ranker and the answer confidence on the labelled sets.

For every labelled question (the tuned sets, never the blind holdouts) the matcher is asked, with
a text model that never learned from the question's own set (each set is left out in turn). First
the re-ranker is fitted on the first candidates of each question (which of them is right); then,
with it in place, the confidence: a logistic regression over the parts of the best match, fitted
on all sets but one and checked on the one left out, for each set in turn, then on all of them.
The threshold that gets the most questions right (answered right or declined right, each side
weighted equally) is chosen. ``--write`` saves both to ``knowledge/confidence.yaml`` and the
labelled questions to ``knowledge/examples.yaml``, where the text model learns from them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from ..confidence import FEATURES, FILE, RERANK_FEATURES, Calibration, Reranker
from ..examples import FILE as EXAMPLES_FILE
from ..examples import Example
from ..knowledge import DEFAULT_DIR, Knowledge
from ..matcher import Context, Matcher
from .evaluate import Case, evaluate, load_cases, rates, tuned_sets

# With this calibration every ranked candidate is answered, so its features can be recorded.
_OPEN = Calibration(bias=30.0, weights={}, threshold=0.5)
THRESHOLDS = [t / 100 for t in range(20, 91, 2)]
TOLERANCE = 0.0005
SMOOTHING = 2  # threshold steps either side that a threshold is judged with

Row = tuple[dict[str, float], int, bool]  # features, right (1) or not (0), should answer


@dataclass(frozen=True)
class Labelled:
    """One set's rows, with how many of its questions should be answered and declined."""

    rows: list[Row]
    answerable: int
    others: int


def collect(matcher: Matcher, cases: list[Case]) -> tuple[Labelled, list[Row]]:
    """For each question the matcher answers from a ranked candidate: one row of its confidence
    features, and (for a question that has a right answer) one row for each first candidate."""
    rows: list[Row] = []
    candidate_rows: list[Row] = []
    for case in cases:
        context = Context()
        for earlier in case.context:
            context = matcher.ask(earlier, context).context
        reply = matcher.ask(case.question, context)
        # Declined whatever the confidence (a detail the articles lack): no row, or the
        # threshold would be credited with declining it.
        if reply.features and reply.kind != "fallback":
            right = int(reply.entry_id in case.expect) if case.expect else 0
            rows.append((dict(reply.features), right, bool(case.expect)))
        if case.expect:
            for entry_id, features in reply.candidates:
                candidate_rows.append((dict(features), int(entry_id in case.expect), True))
    answerable = sum(1 for c in cases if c.expect)
    return Labelled(rows, answerable, len(cases) - answerable), candidate_rows


def examples_of(cases: Mapping[str, list[Case]]) -> dict[str, tuple[Example, ...]]:
    """The labelled questions as the text model learns them: each with its first right entry."""
    return {
        name: tuple(Example(c.question, c.expect[0] if c.expect else None) for c in found)
        for name, found in cases.items()
    }


def _picks(reranker: Reranker, rows: list[Row]) -> tuple[int, int]:
    """(questions the re-ranker puts right, wrong) among rows grouped by question: a group
    starts at each candidate whose "first" feature is set."""
    groups: list[list[Row]] = []
    for row in rows:
        if row[0].get("first") or not groups:
            groups.append([])
        groups[-1].append(row)
    won = lost = 0
    for group in groups:
        best = max(group, key=lambda r: reranker.score(r[0]))
        won += int(bool(best[1]) and not group[0][1])
        lost += int(bool(group[0][1]) and not best[1])
    return won, lost


def _gain(c: Calibration, data: Labelled) -> float:
    """What the threshold changes of the two rates the project reports, added up: each row's
    decision counts as one question of its side, so a declined question weighs as much against
    the other rate as the sizes of the two sides say (not as the few rows that reach here)."""
    good = sum(1 for f, y, a in data.rows if a and y and c.probability(f) >= c.threshold)
    declined = sum(1 for f, _, a in data.rows if not a and c.probability(f) < c.threshold)
    return good / max(1, data.answerable) + declined / max(1, data.others)


def best_threshold(bias: float, weights: dict[str, float], data: Labelled) -> float:
    """The threshold that makes the two rates best together on these questions, each threshold
    judged with its neighbours (SMOOTHING steps either side): on a plateau that ends in a cliff
    the edge scores as well as the middle on the labelled questions, but new questions fall off
    it, so the middle is taken."""
    scores = [_gain(Calibration(bias, weights, t), data) for t in THRESHOLDS]
    smoothed = [
        sum(scores[max(0, i - SMOOTHING) : i + SMOOTHING + 1])
        / len(scores[max(0, i - SMOOTHING) : i + SMOOTHING + 1])
        for i in range(len(scores))
    ]
    top = max(smoothed)
    # Thresholds within a hair of the best trade answers for declines almost one for one: the
    # labelled questions cannot tell them apart. The middle of them is taken (the upper one of
    # two middles: the bot would rather stay quiet than guess), so a refit on a few more
    # questions does not swing to either end of the plateau.
    near = [t for t, score in zip(THRESHOLDS, smoothed, strict=True) if score >= top - TOLERANCE]
    return near[len(near) // 2]


def _merge(parts: list[Labelled]) -> Labelled:
    return Labelled(
        [r for p in parts for r in p.rows],
        sum(p.answerable for p in parts),
        sum(p.others for p in parts),
    )


def _fitted(data: Labelled, rerank: Reranker | None = None) -> Calibration:
    bias, weights = fit([f for f, _, _ in data.rows], [y for _, y, _ in data.rows])
    return Calibration(bias, weights, best_threshold(bias, weights, data), rerank)


def _fitted_reranker(rows: list[Row]) -> Reranker:
    bias, weights = fit([f for f, _, _ in rows], [y for _, y, _ in rows], names=RERANK_FEATURES)
    return Reranker(bias, weights)


def run_fit(knowledge: Knowledge, write: bool, root: Path = DEFAULT_DIR) -> int:
    """Fit, print the set-by-set check and the reliability of the fitted model, maybe save."""
    paths = tuned_sets()
    cases = {p.stem: load_cases(p) for p in paths}
    knowledge = replace(knowledge, examples=examples_of(cases))

    def matcher(calibration: Calibration | None, name: str) -> Matcher:
        return Matcher(replace(knowledge, calibration=calibration), leave_out=name)

    candidates = {name: collect(matcher(_OPEN, name), c)[1] for name, c in cases.items()}
    print("重排序（在其余集合上拟合，在该集合上检验：改对 / 改错的问题数）：")
    for name in cases:
        held = _fitted_reranker(
            [r for other, rs in candidates.items() if other != name for r in rs]
        )
        won, lost = _picks(held, candidates[name])
        print(f"  {name}: {won} / {lost}")
    reranker = _fitted_reranker([r for rs in candidates.values() for r in rs])
    opened = replace(_OPEN, rerank=reranker)
    sets = {name: collect(matcher(opened, name), c)[0] for name, c in cases.items()}
    print("逐个留出检验（在其余集合上拟合，在该集合上检验；括号里是用手调分数时的结果）：")
    for name in sets:
        calibration = _fitted(_merge([d for other, d in sets.items() if other != name]), reranker)
        held_rates = rates(evaluate(matcher(calibration, name), cases[name]))
        raw = rates(evaluate(matcher(None, name), cases[name]))
        print(
            f"  {name}: 答对 {held_rates[0]:.1%}，拒答对 {held_rates[1]:.1%}"
            f"（阈值 {calibration.threshold:.2f}）（{raw[0]:.1%} / {raw[1]:.1%}）"
        )
    everything = _merge(list(sets.values()))
    calibration = _fitted(everything, reranker)
    bias, weights, threshold = calibration.bias, dict(calibration.weights), calibration.threshold
    rows = everything.rows
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
            "# The re-ranker: of the first candidates, the one with the highest",
            "# bias + Σ weight × feature leads (bot/matcher.py, Matcher._rerank).",
            "rerank:",
            f"  bias: {reranker.bias:.4f}",
            "  weights:",
            *(f"    {k}: {v:.4f}" for k, v in reranker.weights.items()),
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        write_examples(root / EXAMPLES_FILE, knowledge.examples)
        print(f"已写入 {path} 和 {root / EXAMPLES_FILE}")
    return 0


def write_examples(path: Path, examples: Mapping[str, tuple[Example, ...]]) -> None:
    """Save the labelled questions, by set, for the text model."""
    header = (
        "# Questions people asked, each with the entry that answers it (null: the bot declines),\n"
        "# copied by `python -m bot fit --write` from the tuned evaluation sets in tests/eval/\n"
        "# (never the blind holdouts). The text model learns from them which wordings go with\n"
        "# which entry (bot/textmodel.py); an evaluation of a set leaves that set out.\n"
    )
    data = {
        name: [{"q": x.text, "entry": x.entry} for x in found] for name, found in examples.items()
    }
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(header + body, encoding="utf-8")


def fit(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[int],
    l2: float = 1.0,
    rounds: int = 30,
    names: Sequence[str] = FEATURES,
) -> tuple[float, dict[str, float]]:
    """Logistic regression by Newton's method with an L2 penalty: (bias, weights)."""
    names = list(names)
    xs = [[1.0, *(row.get(k, 0.0) for k in names)] for row in rows]
    d = len(names) + 1
    w = [0.0] * d
    for _ in range(rounds):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for x, y in zip(xs, labels, strict=True):
            p = 1.0 / (
                1.0
                + math.exp(-max(-30.0, min(30.0, sum(a * b for a, b in zip(w, x, strict=True)))))
            )
            for i in range(d):
                grad[i] += (p - y) * x[i]
                for j in range(d):
                    hess[i][j] += p * (1 - p) * x[i] * x[j]
        for i in range(1, d):  # the bias is not penalised
            grad[i] += l2 * w[i]
            hess[i][i] += l2
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return w[0], dict(zip(names, w[1:], strict=True))


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve a·x = b by Gaussian elimination with partial pivoting (a small, dense system)."""
    n = len(b)
    m = [[*row, rhs] for row, rhs in zip(a, b, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]
