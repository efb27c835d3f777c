"""Knowledge: the question-answer entries, their sources and the synonyms, loaded from YAML.

Everything is validated at load. Problems are collected (not raised one by one) so that an editor
sees every mistake in one run, each as ``file:line: problem``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .confidence import Calibration, load_calibration
from .examples import Example, load_examples
from .synonyms import CERTS as CERTS  # re-exported: the adapters read the names from here
from .synonyms import Synonyms, parse_synonyms
from .yamlread import LINE_KEY, line_of, read_yaml

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# An entry id travels in the data of the buttons under an answer (Telegram allows 64 bytes, with
# the adapter's prefix, the vote and, in groups, the owner's id), so it is kept short.
ID_MAX_LENGTH = 32
# The lead is the direct answer shown first (and, in Telegram, all a person sees of the answer
# before expanding it): one or two sentences.
LEAD_MAX_LENGTH = 80
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "knowledge"


class KnowledgeError(Exception):
    """The knowledge files are invalid; ``problems`` lists each as ``file:line: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Source:
    """One of the articles the facts come from."""

    key: str
    title: str
    publisher: str
    date: str
    url: str

    def cite(self) -> str:
        """A one-line citation: title, publisher and date."""
        return f"《{self.title}》，{self.publisher}，{self.date}"

    @property
    def short_publisher(self) -> str:
        """The publisher without the repost chain in brackets ("36氪（转载自…）" -> "36氪")."""
        return self.publisher.split("（")[0].split("(")[0].strip() or self.publisher


@dataclass(frozen=True)
class Gap:
    """A specific an entry cannot give ("三级的价格"): asked with one of ``words``, the bot says
    ``note`` and offers the entry, rather than answering as if it were what was asked."""

    words: tuple[str, ...]
    note: str
    # Asked with one of these, the message is about something the entry does say ("为啥营销师
    # 工资比新媒体运营高" asks why they differ, not for the other job's figure).
    unless: tuple[str, ...] = ()
    # Or asked in this form ("……做到一百亿没有": whether it came true).
    pattern: re.Pattern[str] | None = None

    def asked_in(self, text: str) -> bool:
        return any(w in text for w in self.words) or bool(
            self.pattern and self.pattern.search(text)
        )


@dataclass(frozen=True)
class Entry:
    """One question and its answer."""

    id: str
    certs: tuple[str, ...]
    topic: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    sources: tuple[str, ...]
    related: tuple[str, ...]
    file: str = ""
    line: int = 0
    lead: str = ""  # the direct answer, shown before ``answer`` (the detail)
    lacks: tuple[Gap, ...] = ()  # specifics the articles do not give on this question

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The canonical question followed by its alternates."""
        return (self.question, *self.alternates)

    @property
    def is_comparison(self) -> bool:
        """True when the entry speaks of both certificates."""
        return len(self.certs) > 1


@dataclass(frozen=True)
class Knowledge:
    """All entries, sources and synonyms, indexed by id."""

    entries: tuple[Entry, ...]
    sources: Mapping[str, Source]
    synonyms: Synonyms
    by_id: Mapping[str, Entry] = field(default_factory=dict)
    calibration: Calibration | None = None  # how scores become probabilities (confidence.py)
    # Labelled questions by set name, for the text model (examples.py).
    examples: Mapping[str, tuple[Example, ...]] = field(default_factory=dict)
    root: Path | None = None  # the folder it was read from

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id."""
        return self.by_id[entry_id]

    def for_topic(self, topic: str) -> list[Entry]:
        """Entries on one topic, in file order."""
        return [e for e in self.entries if e.topic == topic]


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _text_list(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return None
    return tuple(v.strip() for v in value)


# --- sources ---------------------------------------------------------------------------------


def _load_sources(path: Path, name: str, problems: list[str]) -> dict[str, Source]:
    data = read_yaml(path, name, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(f"{name}: expected a mapping of source keys")
        return {}
    sources: dict[str, Source] = {}
    for key, item in data.items():
        if key == LINE_KEY:
            continue
        line = item.get(LINE_KEY, 0) if isinstance(item, dict) else 0
        if not isinstance(item, dict):
            problems.append(f"{name}: source '{key}' must be a mapping")
            continue
        values: dict[str, str] = {}
        for fld in ("title", "publisher", "date", "url"):
            value = item.get(fld)
            if isinstance(value, date):
                value = value.isoformat()
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{name}:{line}: source '{key}' is missing '{fld}'")
            else:
                values[fld] = value.strip()
        if len(values) == 4:
            sources[str(key)] = Source(key=str(key), **values)
    return sources


# --- entries ---------------------------------------------------------------------------------

_ENTRY_FIELDS = (
    "id",
    "certs",
    "topic",
    "question",
    "alternates",
    "lead",
    "answer",
    "sources",
    "related",
)


_OPTIONAL_FIELDS = ("lacks",)


def _gaps(value: Any, where: str, label: str, problems: list[str]) -> tuple[Gap, ...]:
    """The entry's ``lacks``: a list of {words: [...], note: "..."}, with an optional
    ``pattern`` (a regular expression) asking for it too."""
    if value is None:
        return ()
    gaps = []
    for item in value if isinstance(value, list) else [value]:
        at = f"{where.split(':')[0]}:{line_of(item, int(where.split(':')[1] or 0))}"
        words = _text_list(item.get("words")) if isinstance(item, dict) else None
        note = item.get("note") if isinstance(item, dict) else None
        if not words or not isinstance(note, str) or not note.strip():
            problems.append(f"{at}: {label} 'lacks' items need 'words' (a list) and a 'note'")
            continue
        unless = _text_list(item.get("unless")) if "unless" in item else ()
        if unless is None:
            problems.append(f"{at}: {label} 'lacks' item 'unless' must be a list of words")
            continue
        pattern = None
        if "pattern" in item:
            try:
                pattern = re.compile(str(item["pattern"]))
            except re.error as e:
                problems.append(
                    f"{at}: {label} 'lacks' item 'pattern' is not a valid pattern ({e})"
                )
                continue
        gaps.append(Gap(words, note.strip(), unless, pattern))
    return tuple(gaps)


def _field_line(lines: list[str], start: int, fld: str) -> int:
    """The line of ``fld:`` in the entry starting at line ``start`` (1-based); ``start`` if none."""
    key = re.compile(rf"^\s+{re.escape(fld)}\s*:")
    for number in range(start, len(lines) + 1):
        text = lines[number - 1]
        if number > start and text.startswith("- "):
            break  # the next entry
        if key.match(text) or (number == start and re.match(rf"^-\s+{re.escape(fld)}\s*:", text)):
            return number
    return start


def _load_entries(path: Path, name: str, problems: list[str]) -> list[Entry]:
    data = read_yaml(path, name, problems)
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(f"{name}: expected a list of entries")
        return []
    text_lines = path.read_text(encoding="utf-8").splitlines()
    entries: list[Entry] = []
    for item in data:
        if not isinstance(item, dict):
            problems.append(f"{name}: every entry must be a mapping, found {type(item).__name__}")
            continue
        line = int(item.get(LINE_KEY, 0))
        where = f"{name}:{line}"
        label = f"entry '{item.get('id')}'" if isinstance(item.get("id"), str) else "entry"
        ok = True
        for fld in _ENTRY_FIELDS:
            if fld not in item:
                problems.append(f"{where}: {label} is missing '{fld}'")
                ok = False
        unknown = sorted(
            str(k) for k in item if k not in (*_ENTRY_FIELDS, *_OPTIONAL_FIELDS) and k != LINE_KEY
        )
        if unknown:
            problems.append(f"{where}: {label} has unknown field(s): {', '.join(unknown)}")
        if not ok:
            continue
        entry_id, topic, question, answer = (
            item["id"],
            item["topic"],
            item["question"],
            item["answer"],
        )
        certs = _text_list(item["certs"])
        alternates = _text_list(item["alternates"]) if item["alternates"] else ()
        sources = _text_list(item["sources"])
        related = _text_list(item["related"]) if item["related"] else ()
        if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
            problems.append(f"{where}: id {entry_id!r} must look like 'ims.salary'")
            continue
        if len(entry_id) > ID_MAX_LENGTH:
            problems.append(
                f"{where}: id '{entry_id}' is {len(entry_id)} characters; at most "
                f"{ID_MAX_LENGTH} fit in a button's data"
            )
            continue
        lead = item["lead"]
        for fld, value in (
            ("topic", topic),
            ("question", question),
            ("lead", lead),
            ("answer", answer),
        ):
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: {label} needs a non-empty '{fld}'")
                ok = False
        if isinstance(lead, str) and lead.strip():
            lead_line = _field_line(text_lines, line, "lead")
            # Recorded, but the entry is kept: dropping it would report every link to it too.
            if "\n" in lead.strip():
                problems.append(f"{name}:{lead_line}: {label} has a lead of more than one line")
            elif len(lead.strip()) > LEAD_MAX_LENGTH:
                problems.append(
                    f"{name}:{lead_line}: {label} has a lead of {len(lead.strip())} characters; "
                    f"at most {LEAD_MAX_LENGTH} (one or two sentences; the rest goes in 'answer')"
                )
        if certs is None or not certs or any(c not in CERTS for c in certs):
            problems.append(f"{where}: {label} 'certs' must list some of {', '.join(CERTS)}")
            ok = False
        if alternates is None:
            problems.append(f"{where}: {label} 'alternates' must be a list of questions")
            ok = False
        if sources is None or not sources:
            problems.append(f"{where}: {label} must cite at least one source")
            ok = False
        if related is None:
            problems.append(f"{where}: {label} 'related' must be a list of entry ids")
            ok = False
        if not ok:
            continue
        assert certs is not None and alternates is not None
        assert sources is not None and related is not None
        entries.append(
            Entry(
                id=entry_id,
                certs=certs,
                topic=topic.strip(),
                question=question.strip(),
                alternates=alternates,
                answer=answer.strip(),
                sources=sources,
                related=related,
                file=name,
                line=line,
                lead=lead.strip(),
                lacks=_gaps(item.get("lacks"), where, label, problems),
            )
        )
    return entries


# --- synonyms --------------------------------------------------------------------------------


def _load_synonyms(path: Path, name: str, problems: list[str]) -> Synonyms | None:
    data = read_yaml(path, name, problems)
    return None if data is None else parse_synonyms(data, name, problems)


# --- cross-file checks -----------------------------------------------------------------------


def _cross_check(
    entries: Iterable[Entry],
    sources: Mapping[str, Source],
    synonyms: Synonyms | None,
    problems: list[str],
) -> None:
    seen: dict[str, Entry] = {}
    entries = list(entries)
    for e in entries:
        if e.id in seen:
            first = seen[e.id]
            problems.append(
                f"{e.file}:{e.line}: duplicate id '{e.id}' (first at {first.file}:{first.line})"
            )
        else:
            seen[e.id] = e
    for e in entries:
        for rel in e.related:
            if rel not in seen:
                problems.append(f"{e.file}:{e.line}: entry '{e.id}' relates to unknown '{rel}'")
            elif rel == e.id:
                problems.append(f"{e.file}:{e.line}: entry '{e.id}' relates to itself")
        for src in e.sources:
            if src not in sources:
                problems.append(f"{e.file}:{e.line}: entry '{e.id}' cites unknown source '{src}'")
        if synonyms is not None and e.topic not in synonyms.topics:
            problems.append(
                f"{e.file}:{e.line}: entry '{e.id}' has topic '{e.topic}' "
                "that knowledge/synonyms.yaml does not define"
            )
    if synonyms is not None and synonyms.difference_entry and synonyms.difference_entry not in seen:
        problems.append(
            f"knowledge/synonyms.yaml: difference_entry '{synonyms.difference_entry}' "
            "names no entry"
        )


def load_knowledge(root: Path | str = DEFAULT_DIR) -> Knowledge:
    """Load and validate every knowledge file under ``root``; raise KnowledgeError on problems."""
    root = Path(root)
    problems: list[str] = []
    if not root.is_dir():
        raise KnowledgeError([f"{root}: knowledge folder not found"])
    sources_path = root / "sources.yaml"
    synonyms_path = root / "synonyms.yaml"
    sources = _load_sources(sources_path, _rel(sources_path, root), problems)
    synonyms = _load_synonyms(synonyms_path, _rel(synonyms_path, root), problems)
    entry_files = sorted((root / "entries").glob("*.yaml"))
    if not entry_files:
        problems.append(f"{_rel(root / 'entries', root)}: no entry files found")
    entries: list[Entry] = []
    for path in entry_files:
        entries.extend(_load_entries(path, _rel(path, root), problems))
    calibration = load_calibration(root, problems)
    # With a file unreadable, every link into it would be reported too: noise, not help.
    unreadable = any("invalid YAML" in p or "cannot read" in p for p in problems)
    examples = load_examples(root, None if unreadable else {e.id for e in entries}, problems)
    if not unreadable:
        _cross_check(entries, sources, synonyms, problems)
    if problems or synonyms is None:
        raise KnowledgeError(problems or ["synonyms could not be loaded"])
    return Knowledge(
        entries=tuple(entries),
        sources=sources,
        synonyms=synonyms,
        by_id={e.id: e for e in entries},
        calibration=calibration,
        examples=examples,
        root=root,
    )
