"""How sure the bot is of an answer: a logistic model over the parts of the match.

The ranking (matcher.py) says which entry fits a message best; this says how likely that entry is
right, as a probability. Its weights are fitted on labelled questions (``python -m bot fit``)
and kept as data in ``knowledge/confidence.yaml``; the bot answers at or above the threshold
written there, chosen from the reliability table the fit prints. Without that file the raw score
stands in for the probability.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
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
    "text",  # the text model's probability of the entry, against its rivals and declining
    "partial",  # one of the message's two questions asks for a detail the articles lack
)


# What the re-ranker weighs for each of the first few candidates (Matcher._rerank).
RERANK_FEATURES = (
    "score",  # the ranking's score, 0..1
    "behind",  # how far behind the first candidate, 0..1
    "similarity",  # string similarity to the entry's nearest phrasing
    "topic",  # the message names the entry's topic
    "shared",  # n-gram cosine to the entry's phrasings
    "first",  # it is the first candidate
    "second",  # it is the second
    "comparison",  # the entry compares both certificates
    "certificate",  # the entry is about the certificate(s) the message is about
    "asked",  # the entry's topic is the one the asking clause names
    "text",  # the text model's probability of the entry (textmodel.py)
    "role_aside",  # the entry is a job's own, and the message asks something else of the job
)


@dataclass(frozen=True)
class Reranker:
    """Fitted weights that reorder the first candidates: P(this candidate is right)."""

    bias: float
    weights: Mapping[str, float]

    def score(self, features: Mapping[str, float]) -> float:
        """The linear score (log-odds) of one candidate."""
        return self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())


@dataclass(frozen=True)
class Calibration:
    """Fitted weights and the answering threshold."""

    bias: float
    weights: Mapping[str, float]
    threshold: float
    rerank: Reranker | None = None

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
    return Calibration(float(bias), clean, float(threshold), _reranker(data, name, problems))


def _reranker(data: Mapping[str, Any], name: str, problems: list[str]) -> Reranker | None:
    section = data.get("rerank")
    if section is None:
        return None
    line = int(section.get(LINE_KEY, 0)) if isinstance(section, dict) else 0
    weights = section.get("weights") if isinstance(section, dict) else None
    bias = section.get("bias") if isinstance(section, dict) else None
    ok = isinstance(weights, dict) and all(
        k == LINE_KEY or (k in RERANK_FEATURES and isinstance(v, int | float))
        for k, v in weights.items()
    )
    if not ok or not isinstance(bias, int | float):
        problems.append(
            f"{name}:{line}: 'rerank' needs a numeric 'bias' and 'weights' for "
            f"{', '.join(RERANK_FEATURES)}"
        )
        return None
    assert isinstance(weights, dict)
    clean = {str(k): float(v) for k, v in weights.items() if k != LINE_KEY}
    return Reranker(float(bias), clean)
