"""``python -m bot eval``: top-1 accuracy and correct-fallback rate on the evaluation questions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..knowledge import Knowledge
from ..matcher import Context, Matcher
from ..taught import Taught, is_taught

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "tests" / "eval" / "questions.yaml"
PASS_RATE = 0.95


@dataclass(frozen=True)
class Case:
    """One evaluation question: earlier messages, the question and the acceptable entry ids."""

    question: str
    expect: tuple[str, ...]  # empty: the bot should not answer from its knowledge
    kind: str
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """How the bot did on one case."""

    case: Case
    got: str | None
    ok: bool
    score: float = 0.0  # the reply's confidence, 0..100
    taught: bool = False  # answered (or declined) by a taught phrasing
    shown: tuple[str, ...] = ()  # every entry the reply shows (two for a side-by-side answer)


# Sets written blind and frozen after their first run: reported, never tuned on or fitted to.
HOLDOUT_PREFIX = "blind_"
RELIABILITY_STEPS = (50, 60, 70, 80, 90)


def tuned_sets(folder: Path = DEFAULT_FILE.parent) -> list[Path]:
    """The labelled sets that tuning and fitting may use (every set but the blind holdouts)."""
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith(HOLDOUT_PREFIX))


def holdout_sets(folder: Path = DEFAULT_FILE.parent) -> list[Path]:
    """The frozen blind holdouts."""
    return sorted(folder.glob(f"{HOLDOUT_PREFIX}*.yaml"))


def load_cases(path: Path | str) -> list[Case]:
    """Read the evaluation YAML."""
    data: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    cases = []
    for item in data:
        expect = item.get("expect")
        ids = () if expect is None else (expect,) if isinstance(expect, str) else tuple(expect)
        cases.append(
            Case(
                question=str(item["q"]),
                expect=ids,
                kind=str(item.get("kind", "")),
                context=tuple(str(c) for c in item.get("context") or ()),
            )
        )
    return cases


def evaluate(matcher: Matcher, cases: list[Case], taught: Taught | None = None) -> list[Outcome]:
    """Run every case, each in a fresh conversation (through the teachings, when given, as the
    conversation layer does)."""
    ask = taught.ask if taught is not None else matcher.ask
    outcomes = []
    for case in cases:
        context = Context()
        for earlier in case.context:
            context = ask(earlier, context).context
        reply = ask(case.question, context)
        got = reply.entry_id
        ok = got in case.expect if case.expect else got is None
        shown = tuple(e.id for e in reply.entries)
        outcomes.append(Outcome(case, got, ok, reply.score, is_taught(reply), shown))
    return outcomes


def rates(outcomes: list[Outcome]) -> tuple[float, float]:
    """(top-1 accuracy on in-scope cases, correct-fallback rate on out-of-scope ones)."""
    inscope = [o for o in outcomes if o.case.expect]
    outscope = [o for o in outcomes if not o.case.expect]
    acc = sum(o.ok for o in inscope) / len(inscope) if inscope else 1.0
    fb = sum(o.ok for o in outscope) / len(outscope) if outscope else 1.0
    return acc, fb


def side_by_side_rate(outcomes: list[Outcome]) -> float:
    """Top-1 accuracy on in-scope cases when a side-by-side answer counts as right if either of
    its two entries is expected (the person sees both)."""
    inscope = [o for o in outcomes if o.case.expect]
    right = sum(o.ok or any(e in o.case.expect for e in o.shown) for o in inscope)
    return right / len(inscope) if inscope else 1.0


def reliability(outcomes: list[Outcome]) -> list[tuple[int, int, float]]:
    """(t, answers given at confidence >= t, share of them right), for each step t: the share
    should rise with t when the confidence means something."""
    table = []
    for t in RELIABILITY_STEPS:
        given = [o for o in outcomes if o.got is not None and o.score >= t]
        right = sum(1 for o in given if o.ok)
        table.append((t, len(given), right / len(given) if given else 1.0))
    return table


def run_eval(
    knowledge: Knowledge, path: str | None, verbose: bool = False, taught: Taught | None = None
) -> int:
    """Print the rates and failures; non-zero exit when either rate is under 95%."""
    cases = load_cases(path or DEFAULT_FILE)
    # The text model never learns from the set it is checked on (knowledge/examples.yaml).
    matcher = (
        taught.matcher if taught else Matcher(knowledge, leave_out=Path(path or DEFAULT_FILE).stem)
    )
    outcomes = evaluate(matcher, cases, taught)
    acc, fb = rates(outcomes)
    inscope = sum(1 for c in cases if c.expect)
    print(f"问题数：{len(cases)}（知识内 {inscope}，知识外 {len(cases) - inscope}）")
    print(f"知识内 top-1 准确率：{acc:.1%}")
    print(f"知识外正确拒答率：{fb:.1%}")
    print(f"（并列回答的两条里有一条对也算对时，知识内准确率：{side_by_side_rate(outcomes):.1%}）")
    totals, good = (
        Counter(o.case.kind for o in outcomes),
        Counter(o.case.kind for o in outcomes if o.ok),
    )
    print("按类别：" + "，".join(f"{k} {good[k]}/{n}" for k, n in sorted(totals.items())))
    print(
        "可信度表（置信度 ≥ t 的回答里答对的比例）："
        + "，".join(f"≥{t} {right:.0%}（{n}）" for t, n, right in reliability(outcomes))
    )
    if taught is not None:
        hits = [o for o in outcomes if o.taught]
        print(
            f"教过的问法：{len(taught.teachings)} 种，在这组里用上 {len(hits)} 次"
            f"（答对 {sum(o.ok for o in hits)}，答错 {sum(not o.ok for o in hits)}）"
        )
    failures = [o for o in outcomes if not o.ok]
    if failures or verbose:
        print("\n失败：" if failures else "")
    for o in outcomes if verbose else failures:
        mark = "✓" if o.ok else "✗"
        want = " | ".join(o.case.expect) or "拒答"
        ctx = f"（上文：{' / '.join(o.case.context)}）" if o.case.context else ""
        how = "（教过）" if o.taught else ""
        print(
            f"{mark} [{o.case.kind}] {o.case.question}{ctx} → {o.got or '拒答'}{how}；应为 {want}"
        )
    return 0 if acc >= PASS_RATE and fb >= PASS_RATE else 1
