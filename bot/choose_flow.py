"""The guided choice's flow: steps, options, level rules and result texts, loaded from YAML.

``knowledge/choose.yaml`` is validated at load like the rest of the knowledge: every problem is
collected and reported as ``file:line: problem`` (unknown next step, option without weights,
unreachable step, cycle, unknown fact id, a step with too few or too many options, duplicate ids,
and a number in a text that none of its facts gives).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .knowledge import CERTS, DEFAULT_DIR, Knowledge, KnowledgeError, load_knowledge
from .textnorm import normalize
from .yamlread import LINE_KEY, read_yaml

FLOW_FILE = "choose.yaml"
MIN_OPTIONS, MAX_OPTIONS = 2, 5
# Short lower-case ASCII: a step id and an option id travel together in Telegram callback_data,
# which holds 64 bytes including the adapter's prefix.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Template:
    """A sentence shown to the person and the knowledge entries it is drawn from."""

    text: str
    facts: tuple[str, ...]


@dataclass(frozen=True)
class Option:
    """One answer to a step, with its points for each certificate."""

    id: str
    label: str
    weights: Mapping[str, int]
    next: str | None = None
    aliases: tuple[str, ...] = ()
    reason: Template | None = None
    notice: Template | None = None
    levels: Mapping[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Step:
    """One question of the flow."""

    id: str
    question: str
    options: tuple[Option, ...]
    next: str | None = None
    line: int = 0

    def option(self, option_id: str) -> Option | None:
        """The option with this id, if any."""
        return next((o for o in self.options if o.id == option_id), None)

    def after(self, option: Option) -> str | None:
        """The step that follows this option; None ends the flow."""
        return option.next or self.next

    def targets(self) -> list[str]:
        """The distinct steps this one can lead to."""
        return list(dict.fromkeys(t for o in self.options if (t := self.after(o))))


@dataclass(frozen=True)
class LevelRule:
    """Where a person may start one certificate, according to one source."""

    id: str
    cert: str
    source: str
    facts: tuple[str, ...]
    start: str
    rule: str


@dataclass(frozen=True)
class ResultTexts:
    """The fixed parts of a result."""

    headlines: Mapping[str, Template]
    disclaimer: Template  # the articles do not say who should take which
    decide: Template  # how to decide, for a close result
    notes: tuple[Template, ...]
    extra_reasons: tuple[Template, ...]
    register: Template
    caution: Template
    next_steps: str


@dataclass(frozen=True)
class Flow:
    """The validated flow: steps by id, the level rules and the result texts."""

    intro: str
    start: str
    steps: Mapping[str, Step]
    levels: tuple[LevelRule, ...]
    result: ResultTexts
    file: str = ""

    def depth(self, step_id: str) -> int:
        """The number of steps on the longest path from this one to the end, itself included."""
        return 1 + max((self.depth(t) for t in self.steps[step_id].targets()), default=0)

    def paths(self, step_id: str | None = None) -> Iterator[tuple[tuple[str, str], ...]]:
        """Every path from ``step_id`` (default the start) as (step id, option id) pairs."""
        step = self.steps[step_id or self.start]
        for option in step.options:
            after = step.after(option)
            if after is None:
                yield ((step.id, option.id),)
            else:
                for rest in self.paths(after):
                    yield ((step.id, option.id), *rest)


# --- loading and validation ------------------------------------------------------------------


def _clean(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def _names(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    return tuple(v.strip() for v in value)


_STEP_FIELDS = {"id", "question", "options", "next", LINE_KEY}
_OPTION_FIELDS = {"id", "label", "aliases", "weights", "next", "reason", "notice", "levels"}
_RESULT_TEMPLATES = ("ims", "amo", "both", "disclaimer", "decide", "register", "caution")


class _Reader:
    """Builds a Flow from parsed YAML, collecting every problem as ``file:line: message``."""

    def __init__(self, knowledge: Knowledge, name: str, problems: list[str]) -> None:
        self.knowledge = knowledge
        self.name = name
        self.problems = problems
        self.rules: dict[str, LevelRule] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"{self.name}:{line}: {message}")

    def read(self, data: Any) -> Flow | None:
        sections = ("intro", "start", "steps", "levels", "result")
        if not isinstance(data, dict) or any(k not in data for k in sections):
            self.problems.append(f"{self.name}: needs the sections {', '.join(sections)}")
            return None
        line = int(data.get(LINE_KEY, 1))
        intro, start = _clean(data["intro"]), data["start"]
        if intro is None:
            self.problem(line, "'intro' must be a non-empty text")
        self._levels(data["levels"], line)
        steps = self._steps(data["steps"], line)
        result = self._result(data["result"], line)
        if not isinstance(start, str) or start not in steps:
            self.problem(line, f"start step {start!r} is not a step")
        else:
            self._graph(start, steps)
        if self.problems or result is None or intro is None:
            return None
        return Flow(intro, start, steps, tuple(self.rules.values()), result, self.name)

    # --- parts

    def _facts(self, line: int, label: str, text: str, facts: Sequence[str]) -> None:
        """Every fact must exist, and every number in the text must come from one of them."""
        unknown = [f for f in facts if f not in self.knowledge.by_id]
        for fact in unknown:
            self.problem(line, f"{label} names unknown fact '{fact}'")
        if unknown:
            return
        known = {n for f in facts for n in self._numbers(f)}
        for number in dict.fromkeys(_NUMBER.findall(text)):
            if number not in known:
                self.problem(
                    line,
                    f"{label} states {number}, which none of its facts ({', '.join(facts)}) gives",
                )

    def _numbers(self, fact: str) -> set[str]:
        """The numbers an entry gives: in its lead and answer, and in its sources' names and dates
        (so that a text may say "据2023年1月山东专升本信息网的文章" or "36氪")."""
        entry = self.knowledge.entry(fact)
        found = set(_NUMBER.findall(f"{entry.lead}\n{entry.answer}"))
        for key in entry.sources:
            source = self.knowledge.sources[key]
            found.update(_NUMBER.findall(source.short_publisher))
            found.update(str(int(part)) for part in source.date.split("-") if part.isdigit())
        return found

    def _template(self, value: Any, line: int, label: str) -> Template | None:
        line = int(value.get(LINE_KEY, line)) if isinstance(value, dict) else line
        text = _clean(value.get("text")) if isinstance(value, dict) else None
        facts = _names(value.get("facts")) if isinstance(value, dict) else None
        if text is None or not facts:
            self.problem(line, f"{label} needs a 'text' and a list of 'facts'")
            return None
        self._facts(line, label, text, facts)
        return Template(text, facts)

    def _id(self, value: Any, line: int) -> str | None:
        if isinstance(value, str) and ID_PATTERN.match(value):
            return value
        self.problem(line, f"id {value!r} must be short lower-case ASCII, like 'budget'")
        return None

    def _levels(self, items: Any, line: int) -> None:
        if not isinstance(items, list):
            self.problem(line, "'levels' must be a list of level rules")
            return
        for item in items:
            where = int(item.get(LINE_KEY, line)) if isinstance(item, dict) else line
            rid = self._id(item.get("id") if isinstance(item, dict) else None, where)
            if rid is None or not isinstance(item, dict):
                continue
            label = f"level rule '{rid}'"
            cert, source = item.get("cert"), item.get("source")
            facts = _names(item.get("facts")) or ()
            start, rule = _clean(item.get("start")), _clean(item.get("rule"))
            if rid in self.rules:
                self.problem(where, f"duplicate level rule id '{rid}'")
            elif cert not in CERTS:
                self.problem(where, f"{label} has cert {cert!r}; use one of {', '.join(CERTS)}")
            elif source not in self.knowledge.sources:
                self.problem(where, f"{label} cites unknown source {source!r}")
            elif not facts or start is None or rule is None:
                self.problem(where, f"{label} needs 'facts', 'start' and 'rule'")
            else:
                self._facts(where, label, f"{start} {rule}", facts)
                cited = {
                    s
                    for f in facts
                    if f in self.knowledge.by_id
                    for s in self.knowledge.entry(f).sources
                }
                if source not in cited:
                    self.problem(
                        where, f"{label} is about '{source}' but none of its facts cites it"
                    )
                self.rules[rid] = LevelRule(rid, str(cert), str(source), facts, start, rule)
        for cert in CERTS:
            if not any(r.cert == cert for r in self.rules.values()):
                self.problem(line, f"'levels' has no rule for '{cert}'")

    def _steps(self, items: Any, line: int) -> dict[str, Step]:
        steps: dict[str, Step] = {}
        if not isinstance(items, list) or not items:
            self.problem(line, "'steps' must be a list of steps")
            return steps
        for item in items:
            where = int(item.get(LINE_KEY, line)) if isinstance(item, dict) else line
            sid = self._id(item.get("id") if isinstance(item, dict) else None, where)
            if sid is None or not isinstance(item, dict):
                continue
            if sid in steps:
                first = steps[sid].line
                self.problem(where, f"duplicate step id '{sid}' (first at {self.name}:{first})")
                continue
            unknown = sorted(str(k) for k in item if k not in _STEP_FIELDS)
            if unknown:
                self.problem(where, f"step '{sid}' has unknown field(s): {', '.join(unknown)}")
            question = _clean(item.get("question"))
            if question is None:
                self.problem(where, f"step '{sid}' needs a 'question'")
            raw = item.get("options")
            count = len(raw) if isinstance(raw, list) else 0
            if not MIN_OPTIONS <= count <= MAX_OPTIONS:
                self.problem(
                    where,
                    f"step '{sid}' has {count} options; a step needs {MIN_OPTIONS} to {MAX_OPTIONS}",
                )
            options = self._options(sid, raw if isinstance(raw, list) else [], where)
            nxt = item.get("next")
            if nxt is not None and not isinstance(nxt, str):
                self.problem(where, f"step '{sid}' has a 'next' that is not a step id")
                nxt = None
            steps[sid] = Step(sid, question or "", options, nxt, where)
        return steps

    def _options(self, sid: str, items: list[Any], line: int) -> tuple[Option, ...]:
        options: list[Option] = []
        claimed: dict[str, str] = {}  # a typed answer (normalised) -> the option it selects
        for item in items:
            where = int(item.get(LINE_KEY, line)) if isinstance(item, dict) else line
            oid = self._id(item.get("id") if isinstance(item, dict) else None, where)
            if oid is None or not isinstance(item, dict):
                continue
            name = f"option '{oid}' of step '{sid}'"
            if any(o.id == oid for o in options):
                self.problem(where, f"duplicate {name}")
                continue
            unknown = sorted(str(k) for k in item if k not in _OPTION_FIELDS and k != LINE_KEY)
            if unknown:
                self.problem(where, f"{name} has unknown field(s): {', '.join(unknown)}")
            label = _clean(item.get("label"))
            if label is None:
                self.problem(where, f"{name} needs a 'label'")
            weights = self._weights(item.get("weights"), where, name)
            aliases = _names(item.get("aliases") or [])
            if aliases is None:
                self.problem(where, f"{name} has 'aliases' that are not a list of words")
            for word in (label or "", *(aliases or ())):
                key = normalize(word)
                if key and claimed.setdefault(key, oid) != oid:
                    self.problem(
                        where, f"{name} uses '{word}', already an answer for '{claimed[key]}'"
                    )
            nxt = item.get("next")
            if nxt is not None and not isinstance(nxt, str):
                self.problem(where, f"{name} has a 'next' that is not a step id")
                nxt = None
            reason = notice = None
            if "reason" in item:
                reason = self._template(item["reason"], where, f"reason of {name}")
            if "notice" in item:
                notice = self._template(item["notice"], where, f"notice of {name}")
            levels = self._overrides(item.get("levels"), where, name)
            if label is None or weights is None:
                continue
            options.append(
                Option(oid, label, weights, nxt, aliases or (), reason, notice, levels, where)
            )
        return tuple(options)

    def _weights(self, value: Any, line: int, name: str) -> dict[str, int] | None:
        if value is None:
            self.problem(line, f"{name} has no weights")
            return None
        if isinstance(value, dict):
            given = {k: v for k, v in value.items() if k != LINE_KEY}
            if set(given) == set(CERTS) and all(
                isinstance(v, int) and not isinstance(v, bool) for v in given.values()
            ):
                return {c: int(given[c]) for c in CERTS}
        self.problem(line, f"{name} needs weights like {{ims: 2, amo: 0}}")
        return None

    def _overrides(self, value: Any, line: int, name: str) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(line, f"{name} has 'levels' that are not a mapping of level rules")
            return {}
        out: dict[str, str] = {}
        for rid, text in value.items():
            if rid == LINE_KEY:
                continue
            clean = _clean(text)
            if rid not in self.rules:
                self.problem(line, f"{name} sets the level of unknown level rule '{rid}'")
            elif clean is None:
                self.problem(line, f"{name} sets an empty level for '{rid}'")
            else:
                self._facts(line, f"level '{rid}' of {name}", clean, self.rules[rid].facts)
                out[str(rid)] = clean
        return out

    def _result(self, value: Any, line: int) -> ResultTexts | None:
        if not isinstance(value, dict):
            self.problem(line, "'result' must be a mapping")
            return None
        line = int(value.get(LINE_KEY, line))
        found = {k: self._template(value.get(k), line, f"result '{k}'") for k in _RESULT_TEMPLATES}
        extras = self._templates(value.get("extra_reasons"), line, "extra_reasons")
        notes = self._templates(value.get("notes", []), line, "notes")
        next_steps = _clean(value.get("next_steps"))
        if next_steps is None:
            self.problem(line, "result 'next_steps' must be a non-empty text")
        if next_steps is None or None in found.values() or extras is None or notes is None:
            return None
        templates = {k: t for k, t in found.items() if t is not None}
        return ResultTexts(
            headlines={k: templates[k] for k in ("ims", "amo", "both")},
            disclaimer=templates["disclaimer"],
            decide=templates["decide"],
            notes=notes,
            extra_reasons=extras,
            register=templates["register"],
            caution=templates["caution"],
            next_steps=next_steps,
        )

    def _templates(self, value: Any, line: int, key: str) -> tuple[Template, ...] | None:
        if not isinstance(value, list):
            self.problem(line, f"result '{key}' must be a list of texts with facts")
            return None
        found = [
            self._template(v, line, f"result '{key}' item {i}") for i, v in enumerate(value, 1)
        ]
        return tuple(t for t in found if t is not None) if None not in found else None

    def _graph(self, start: str, steps: Mapping[str, Step]) -> None:
        """Every target exists, every step is reachable and no path loops."""
        for step in steps.values():
            if step.next is not None and step.next not in steps:
                self.problem(step.line, f"step '{step.id}' points to no step '{step.next}'")
            for o in step.options:
                if o.next is not None and o.next not in steps:
                    self.problem(
                        o.line, f"option '{o.id}' of step '{step.id}' points to no step '{o.next}'"
                    )

        def targets(sid: str) -> list[str]:
            return [t for t in steps[sid].targets() if t in steps]

        seen, todo = {start}, [start]
        while todo:
            for t in targets(todo.pop()):
                if t not in seen:
                    seen.add(t)
                    todo.append(t)
        for step in steps.values():
            if step.id not in seen:
                self.problem(step.line, f"step '{step.id}' cannot be reached from '{start}'")
        done: set[str] = set()

        def visit(sid: str, path: list[str]) -> None:
            for t in targets(sid):
                if t in path:
                    loop = " → ".join([*path[path.index(t) :], t])
                    self.problem(
                        steps[sid].line, f"step '{sid}' leads back to '{t}', a cycle: {loop}"
                    )
                elif t not in done:
                    visit(t, [*path, t])
            done.add(sid)

        for sid in steps:
            if sid not in done:
                visit(sid, [sid])


def load_flow(root: Path | str = DEFAULT_DIR, knowledge: Knowledge | None = None) -> Flow:
    """Load and validate ``choose.yaml`` under ``root``; raise KnowledgeError on problems."""
    root = Path(root)
    knowledge = knowledge or load_knowledge(root)
    path = root / FLOW_FILE
    # Named as the editor sees it (knowledge/choose.yaml), wherever the folder lives.
    name = f"{root.name}/{FLOW_FILE}"
    if not path.is_file():
        raise KnowledgeError([f"{name}: file not found"])
    problems: list[str] = []
    data = read_yaml(path, name, problems)
    flow = _Reader(knowledge, name, problems).read(data) if data is not None else None
    if problems or flow is None:
        raise KnowledgeError(problems or [f"{name}: could not be loaded"])
    return flow
