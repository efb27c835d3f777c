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
from itertools import pairwise
from pathlib import Path

log = logging.getLogger(__name__)

# Additive smoothing. Every set left out in turn (the text model alone, over every label):
# 0.3 answers 53% right and declines 99%, 0.1 80% / 97%, 0.03 90% / 90%, 0.01 91% / 85%. A
# gram a label never saw weighs less against it the smaller this is, and the "decline" label,
# which has seen the most grams, wins less by default. With the re-ranker and the confidence
# refitted, 0.03 answered more questions right than 0.1 in the tuned sets and in the frozen
# blind ones, and declined as many.
DEFAULT_ALPHA = 0.03
FILE = "text-model.bin"  # its name in DATA_DIR, and in the knowledge folder (shipped)
MAGIC = b"bot-text-model 3\n"  # what a kept model's file starts with


def grams(text: str) -> Counter[int]:
    """Character 1- to 3-grams of a text, counted, each as a number: its characters' code points
    side by side, 21 bits each (a number is held in less than half the memory of a string, and
    a gram of one length never shares a number with one of another)."""
    o = [ord(c) for c in text]
    return Counter(
        [
            *o,
            *(a << 21 | b for a, b in pairwise(o)),
            *(a << 42 | b << 21 | c for a, b, c in zip(o, o[1:], o[2:], strict=False)),
        ]
    )


class TextModel:
    """How well each label's wording fits a text, compared among a few labels at a time."""

    def __init__(self, docs: Iterable[tuple[str, str]], alpha: float = DEFAULT_ALPHA) -> None:
        """``docs``: (normalised text, label) pairs; the label "" stands for "decline"."""
        self.fingerprint = ""  # set by ``kept``
        self.read_from: Path | None = None  # the file it was read from, if it was not trained
        # The same question under the same label counts once per time it was given.
        given = Counter((text, label) for text, label in docs if text)
        n = sum(given.values())
        # One pass over the texts: each text's grams as numbers in order of first sight (with
        # their counts, held in compact arrays), and each gram's document frequency.
        first_seen: dict[int, int] = {}
        df: list[int] = []
        ids, counts, ends = array("I"), array("H"), array("I")  # every text's, one after another
        for (text, _), times in given.items():
            for gram, k in grams(text).items():
                j = first_seen.get(gram)
                if j is None:
                    j = first_seen[gram] = len(df)
                    df.append(0)
                df[j] += times
                ids.append(j)
                counts.append(k)  # (a text read is at most MAX_QUERY_CHARS long: k < 65536)
            ends.append(len(ids))
        # Each gram's inverse document frequency, by its number of first sight.
        idf = [math.log((1 + n) / (1 + d)) + 1.0 for d in df]
        vocabulary = len(first_seen)
        # Kept: the grams in order with their numbers, a gram found by bisection (two arrays
        # hold them in a tenth of the memory a dict would), and each number's idf.
        seen = array("Q", first_seen)
        del first_seen
        order = sorted(range(vocabulary), key=seen.__getitem__)
        self._grams = array("Q", (seen[j] for j in order))
        self._numbers = array("I", order)
        self._idf = array("f", idf)
        del seen, order
        # The texts of each label (by their place), and how many times its questions were given.
        texts_of: dict[str, list[int]] = defaultdict(list)
        docs_of: Counter[str] = Counter()
        for place, ((_, label), times) in enumerate(given.items()):
            texts_of[label].append(place)
            docs_of[label] += times
        weights = list(given.values())
        self._log_alpha = math.log(alpha)
        # log P(gram | label) = log(count + alpha) - log(total + alpha * V). A gram never seen
        # with a label has log(alpha) - ...; each label keeps, for the grams it was seen with
        # (sorted by number), only what they add over log(alpha). One label is summed at a
        # time, so only its sums are held while the model is trained.
        self._labels: dict[str, tuple[float, float, array[int], array[float]]] = {}
        log, sqrt = math.log, math.sqrt
        for label, places in texts_of.items():
            per: defaultdict[int, float] = defaultdict(float)
            for place in places:
                # TF-IDF weights, scaled to unit length (as ``_weights`` does for a message).
                start, end = ends[place - 1] if place else 0, ends[place]
                text_ids = ids[start:end]
                raw = [
                    (1.0 + log(k)) * idf[j]
                    for j, k in zip(text_ids, counts[start:end], strict=True)
                ]
                length = sqrt(sum(v * v for v in raw))
                if not length:
                    continue
                scale = weights[place] / length
                for j, v in zip(text_ids, raw, strict=True):
                    per[j] += v * scale
            if not per:
                continue
            total = sum(per.values())
            numbers = sorted(per)
            self._labels[label] = (
                log(docs_of[label] / n),
                log(total + alpha * vocabulary),
                array("I", numbers),
                array("f", (log(per[i] + alpha) - self._log_alpha for i in numbers)),
            )

    @classmethod
    def kept(
        cls,
        docs: Iterable[tuple[str, str]],
        path: Path | None,
        alpha: float = DEFAULT_ALPHA,
        shipped: Path | None = None,
    ) -> TextModel:
        """The model of these docs: read from ``path`` when the file holds it, or from the one
        shipped with the knowledge (never written to); else trained, and written to ``path``
        for the next start."""
        docs = list(docs)
        mark = fingerprint(docs, alpha)
        for place in (path, shipped):
            if place is None:
                continue
            try:
                model: TextModel | None = cls.from_bytes(place.read_bytes())
            except FileNotFoundError:
                model = None
            except (OSError, ValueError) as exc:
                log.warning("text model file %s unreadable (%s); training again", place, exc)
                model = None
            if model is not None and model.fingerprint == mark:
                model.read_from = place
                return model
        model = cls(docs, alpha)
        model.fingerprint = mark
        if path is None:
            return model
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
            "grams": len(self._grams),
            "labels": [
                [label, *self._labels[label][:2], len(self._labels[label][2])] for label in labels
            ],
        }
        parts = [
            MAGIC,
            json.dumps(header, ensure_ascii=False).encode() + b"\n",
            self._grams.tobytes(),
            self._numbers.tobytes(),
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
            model.read_from = None
            model._log_alpha = float(header["log_alpha"])
            count = int(header["grams"])
            at = end + 1
            model._grams, at = _take(data, at, "Q", count)
            model._numbers, at = _take(data, at, "I", count)
            if count and max(model._numbers) >= count:
                raise ValueError("a gram's number out of range")
            model._idf, at = _take(data, at, "f", count)
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

    def _weights(self, found: Mapping[int, int]) -> dict[int, float]:
        """TF-IDF weights of the known grams, by number, scaled to unit length."""
        grams, numbers, idf, log = self._grams, self._numbers, self._idf, math.log
        raw: dict[int, float] = {}
        # The grams come in order, so each search starts where the last one ended.
        at, end = 0, len(grams)
        for gram in sorted(found):
            at = bisect_left(grams, gram, at, end)
            if at == end:
                break
            if grams[at] == gram:
                i = numbers[at]
                raw[i] = (1.0 + log(found[gram])) * idf[i]
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
