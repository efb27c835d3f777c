"""How likely each entry is, from the characters of a message alone: a naive Bayes model.

Trained on the entries' phrasings and on the labelled questions people asked (knowledge/
examples.yaml), it knows which runs of one to three characters go with which entry. It decides
nothing by itself: the matcher's re-ranker weighs its probability against the scores of the first
few candidates (see ``Matcher._rerank``).

The model is multinomial naive Bayes over TF-IDF weights of character 1–3-grams (sublinear term
frequency, smoothed inverse document frequency, each text scaled to unit length), the usual
choice for short texts; it trains in one pass. Its probabilities are compared among the few
candidates the matcher asks about (and "decline"), never over every entry, so a large knowledge
base costs no more per question.

Training takes about half of start-up, so a bot keeps its trained model in a file (``kept``):
the file holds a fingerprint of everything the model was trained from, and a model whose
fingerprint differs is trained again and the file rewritten. A missing, damaged or unwritable
file costs only the training.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

log = logging.getLogger(__name__)

MAX_N = 3
# Additive smoothing. Every set left out in turn (the text model alone, over every label):
# 0.3 answers 53% right and declines 99%, 0.1 80% / 97%, 0.03 90% / 90%, 0.01 91% / 85%. A
# gram a label never saw weighs less against it the smaller this is, and the "decline" label,
# which has seen the most grams, wins less by default. With the re-ranker and the confidence
# refitted, 0.03 answered more questions right than 0.1 in the tuned sets and in the frozen
# blind ones, and declined as many.
DEFAULT_ALPHA = 0.03
FILE = "text-model.bin"  # its name in DATA_DIR
MAGIC = b"bot-text-model 1\n"  # what a kept model's file starts with


def grams(text: str) -> Counter[str]:
    """Character 1- to 3-grams of a text, counted."""
    return Counter(text[i : i + n] for n in range(1, MAX_N + 1) for i in range(len(text) - n + 1))


class TextModel:
    """How well each label's wording fits a text, compared among a few labels at a time."""

    def __init__(self, docs: Iterable[tuple[str, str]], alpha: float = DEFAULT_ALPHA) -> None:
        """``docs``: (normalised text, label) pairs; the label "" stands for "decline"."""
        self.fingerprint = ""  # set by ``kept``
        kept = [(text, label) for text, label in docs if text]
        n = len(kept)
        df: Counter[str] = Counter()
        for text, _ in kept:  # (counted twice rather than held: far less memory at scale)
            df.update(grams(text).keys())
        # Each gram: its number (grams in order of that number) and inverse document frequency.
        self._ids = {g: i for i, g in enumerate(sorted(df))}
        self._idf = array("f", (math.log((1 + n) / (1 + df[g])) + 1.0 for g in sorted(df)))
        sums: dict[str, dict[int, float]] = defaultdict(dict)
        for text, label in kept:
            per = sums[label]
            for i, w in self._weights(grams(text)).items():
                per[i] = per.get(i, 0.0) + w
        vocabulary = len(self._ids)
        docs_of = Counter(label for _, label in kept)
        self._log_alpha = math.log(alpha)
        # log P(gram | label) = log(count + alpha) - log(total + alpha * V). A gram never seen
        # with a label has log(alpha) - ...; each label keeps, for the grams it was seen with
        # (sorted by number), only what they add over log(alpha).
        self._labels: dict[str, tuple[float, float, array[int], array[float]]] = {}
        for label, per in sums.items():
            total = sum(per.values())
            order = sorted(per)
            self._labels[label] = (
                math.log(docs_of[label] / n),
                math.log(total + alpha * vocabulary),
                array("I", order),
                array("f", (math.log(per[i] + alpha) - self._log_alpha for i in order)),
            )

    @classmethod
    def kept(
        cls, docs: Iterable[tuple[str, str]], path: Path, alpha: float = DEFAULT_ALPHA
    ) -> TextModel:
        """The model of these docs: read from ``path`` when the file holds it, else trained and
        written there for the next start."""
        docs = list(docs)
        mark = fingerprint(docs, alpha)
        try:
            model = cls.from_bytes(path.read_bytes())
        except FileNotFoundError:
            model = None
        except (OSError, ValueError) as exc:
            log.warning("text model file %s unreadable (%s); training again", path, exc)
            model = None
        if model is not None and model.fingerprint == mark:
            return model
        model = cls(docs, alpha)
        model.fingerprint = mark
        part = path.with_name(f"{path.name}.{os.getpid()}.part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            part.write_bytes(model.to_bytes())
            os.replace(part, path)  # (a reader sees the old file or the new one, never half)
        except OSError as exc:
            log.warning("could not keep the text model in %s: %s", path, exc)
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
        return model

    def to_bytes(self) -> bytes:
        """The trained model as a file's contents (read back by ``from_bytes``)."""
        labels = list(self._labels)
        header = {
            "fingerprint": self.fingerprint,
            "log_alpha": self._log_alpha,
            "grams": sorted(self._ids, key=self._ids.__getitem__),
            "labels": [
                [label, *self._labels[label][:2], len(self._labels[label][2])] for label in labels
            ],
        }
        parts = [
            MAGIC,
            json.dumps(header, ensure_ascii=False).encode() + b"\n",
            self._idf.tobytes(),
        ]
        for label in labels:
            parts += [self._labels[label][2].tobytes(), self._labels[label][3].tobytes()]
        return b"".join(parts)

    @classmethod
    def from_bytes(cls, data: bytes) -> TextModel:
        """A model written by ``to_bytes``; ValueError when the data is not one."""
        if not data.startswith(MAGIC):
            raise ValueError("not a text model file")
        end = data.find(b"\n", len(MAGIC))
        try:
            header = json.loads(data[len(MAGIC) : end])
            model = cls.__new__(cls)
            model.fingerprint = str(header["fingerprint"])
            model._log_alpha = float(header["log_alpha"])
            grams = header["grams"]
            model._ids = {g: i for i, g in enumerate(grams)}
            at = end + 1
            model._idf, at = _take(data, at, "f", len(grams))
            model._labels = {}
            for label, prior, norm, count in header["labels"]:
                seen, at = _take(data, at, "I", count)
                gains, at = _take(data, at, "f", count)
                model._labels[label] = (float(prior), float(norm), seen, gains)
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"damaged text model file: {exc}") from None
        if at != len(data):
            raise ValueError("damaged text model file: wrong length")
        return model

    @property
    def labels(self) -> frozenset[str]:
        """Every label it was trained on."""
        return frozenset(self._labels)

    def _weights(self, found: Mapping[str, int]) -> dict[int, float]:
        """TF-IDF weights of the known grams, by number, scaled to unit length."""
        ids, idf, log = self._ids, self._idf, math.log
        raw = {
            i: (1.0 + log(k)) * idf[i] for g, k in found.items() if (i := ids.get(g)) is not None
        }
        length = math.sqrt(sum(v * v for v in raw.values()))
        return {i: v / length for i, v in raw.items()} if length else {}

    def probabilities(self, text: str, labels: Iterable[str]) -> dict[str, float]:
        """P(label | text) among these labels and "decline" (""), for those it knows; a label it
        was never trained on gets 0."""
        wanted = [label for label in dict.fromkeys([*labels, ""]) if label in self._labels]
        if not wanted:
            return {}
        x = sorted(self._weights(grams(text)).items())
        mass = sum(w for _, w in x)
        scores = []
        for label in wanted:
            prior, norm, seen, gains = self._labels[label]
            score = prior + mass * (self._log_alpha - norm)
            # The grams come in order, so each search starts where the last one ended.
            at, end = 0, len(seen)
            for i, w in x:
                at = bisect_left(seen, i, at, end)
                if at == end:
                    break
                if seen[at] == i:
                    score += w * gains[at]
            scores.append(score)
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {label: e / total for label, e in zip(wanted, exp, strict=True)}


def fingerprint(docs: list[tuple[str, str]], alpha: float) -> str:
    """What a model is trained from: its docs, its smoothing and this module's code."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(repr(alpha).encode())
    for text, label in docs:
        digest.update(f"{len(text)}:{text}{len(label)}:{label}".encode())
    return digest.hexdigest()


def _take(data: bytes, at: int, code: str, count: int) -> tuple[array, int]:  # type: ignore[type-arg]
    """``count`` items of type ``code`` from ``data`` at ``at``, and where they end."""
    values = array(code)
    end = at + count * values.itemsize
    if end > len(data):
        raise ValueError("truncated")
    values.frombytes(data[at:end])
    return values, end
