"""How sure the bot is of an answer: a logistic model over the parts of the match.

The ranking (matcher.py) says which entry fits a message best; this says how likely that entry is
right, as a probability. Its weights are fitted on labelled questions (``python -m bot fit``)
and kept as data in ``knowledge/confidence.yaml``; the bot answers at or above the threshold
written there, chosen from the reliability table the fit prints. Without that file the raw score
stands in for the probability.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .yamlread import LINE_KEY, read_yaml

FILE = "confidence.yaml"
FEATURES = (
    "score",  # the ranking's score, 0..1
    "margin",  # how far ahead of the next entry it is
    "similarity",  # string similarity to the entry's nearest phrasing
    "topic",  # the message names the entry's topic
    "evidence",  # words of the certificates' world in the message (up to three)
    "unknown",  # share of the message in no character pair the knowledge uses
    "elliptical",  # no subject of its own
    "length",  # message length, up to 60 characters
    "shared",  # n-gram cosine to the entry's phrasings
)


@dataclass(frozen=True)
class Calibration:
    """Fitted weights and the answering threshold."""

    bias: float
    weights: Mapping[str, float]
    threshold: float

    def probability(self, features: Mapping[str, float]) -> float:
        """P(the answer is right) for these features."""
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def load_calibration(root: Path, problems: list[str]) -> Calibration | None:
    """The calibration in ``root``, None when there is none; problems as ``file:line``."""
    path = root / FILE
    if not path.exists():
        return None
    name = f"{root.name}/{FILE}"
    data: Any = read_yaml(path, name, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(f"{name}: expected a mapping with bias, weights and threshold")
        return None
    line = int(data.get(LINE_KEY, 0))
    weights = data.get("weights")
    bias, threshold = data.get("bias"), data.get("threshold")
    ok = isinstance(weights, dict) and all(
        k == LINE_KEY or (k in FEATURES and isinstance(v, int | float)) for k, v in weights.items()
    )
    if not ok or not isinstance(bias, int | float) or not isinstance(threshold, int | float):
        problems.append(
            f"{name}:{line}: needs numeric 'bias', 'threshold' and 'weights' for "
            f"{', '.join(FEATURES)}"
        )
        return None
    assert isinstance(weights, dict)
    if not 0.0 < threshold < 1.0:
        problems.append(f"{name}:{line}: threshold must lie between 0 and 1")
        return None
    clean = {str(k): float(v) for k, v in weights.items() if k != LINE_KEY}
    return Calibration(float(bias), clean, float(threshold))


def fit(
    rows: Sequence[Mapping[str, float]], labels: Sequence[int], l2: float = 1.0, rounds: int = 30
) -> tuple[float, dict[str, float]]:
    """Logistic regression by Newton's method with an L2 penalty: (bias, weights)."""
    names = list(FEATURES)
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
