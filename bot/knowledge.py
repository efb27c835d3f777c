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

import yaml

CERTS: dict[str, str] = {"ims": "互联网营销师", "amo": "全媒体运营师"}
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# An entry id travels in the data of the buttons under an answer (Telegram allows 64 bytes, with
# the adapter's prefix, the vote and, in groups, the owner's id), so it is kept short.
ID_MAX_LENGTH = 32
# The lead is the direct answer shown first (and, in Telegram, all a person sees of the answer
# before expanding it): one or two sentences.
LEAD_MAX_LENGTH = 80
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "knowledge"
LINE_KEY = "__line__"


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

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The canonical question followed by its alternates."""
        return (self.question, *self.alternates)

    @property
    def is_comparison(self) -> bool:
        """True when the entry speaks of both certificates."""
        return len(self.certs) > 1


@dataclass(frozen=True)
class Topic:
    """A subject people ask about, with the words that signal it."""

    key: str
    label: str
    words: tuple[str, ...]
    generic: bool = False  # a question form ("是什么"), yielding to any specific topic
    named: bool = False  # a person or event: mentioned at all, it is what the message is about
    refines: tuple[str, ...] = ()  # in a follow-up, narrows these topics instead of replacing them
    role: bool = False  # one job within a certificate (选品员): its label is a title people use


@dataclass(frozen=True)
class OutOfScope:
    """A pattern for questions the articles cannot answer, with the reason shown to the user."""

    pattern: re.Pattern[str]
    reason: str


@dataclass(frozen=True)
class Synonyms:
    """Names for the certificates, words for topics, filler and out-of-scope signals."""

    cert_aliases: Mapping[str, tuple[str, ...]]
    topics: Mapping[str, Topic]
    compare_words: tuple[str, ...]
    followup_words: tuple[str, ...]
    fillers: tuple[str, ...]
    greetings: Mapping[str, tuple[str, ...]]
    replacements: Mapping[str, str]
    domain_words: tuple[str, ...]
    out_of_scope: tuple[OutOfScope, ...]
    own_titles: tuple[str, ...] = ()
    cert_hints: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Knowledge:
    """All entries, sources and synonyms, indexed by id."""

    entries: tuple[Entry, ...]
    sources: Mapping[str, Source]
    synonyms: Synonyms
    by_id: Mapping[str, Entry] = field(default_factory=dict)

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id."""
        return self.by_id[entry_id]

    def for_topic(self, topic: str) -> list[Entry]:
        """Entries on one topic, in file order."""
        return [e for e in self.entries if e.topic == topic]


# --- YAML with line numbers ------------------------------------------------------------------

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc]
    """A safe loader that records each mapping's line under ``__line__``."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


def read_yaml(path: Path, name: str, problems: list[str]) -> Any:
    """The parsed YAML with mappings' lines under ``__line__``, or None with the problem recorded."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{name}: cannot read: {exc}")
        return None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        problem = getattr(exc, "problem", None) or str(exc)
        problems.append(f"{where}: invalid YAML: {problem}")
        return None


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
        unknown = sorted(str(k) for k in item if k not in _ENTRY_FIELDS and k != LINE_KEY)
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
            )
        )
    return entries


# --- synonyms --------------------------------------------------------------------------------


def _load_synonyms(path: Path, name: str, problems: list[str]) -> Synonyms | None:
    data = read_yaml(path, name, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(f"{name}: expected a mapping")
        return None
    required = ("certificates", "topics", "compare_words", "followup_words", "fillers")
    missing = [k for k in required if k not in data]
    if missing:
        problems.append(f"{name}: missing section(s): {', '.join(missing)}")
        return None

    cert_aliases: dict[str, tuple[str, ...]] = {}
    for cert, item in data["certificates"].items():
        if cert == LINE_KEY:
            continue
        line = item.get(LINE_KEY, 0) if isinstance(item, dict) else 0
        aliases = _text_list(item.get("aliases")) if isinstance(item, dict) else None
        if cert not in CERTS:
            problems.append(f"{name}:{line}: unknown certificate '{cert}'")
        elif not aliases:
            problems.append(f"{name}:{line}: certificate '{cert}' needs a list of aliases")
        else:
            cert_aliases[cert] = aliases

    topics: dict[str, Topic] = {}
    for key, item in data["topics"].items():
        if key == LINE_KEY:
            continue
        line = item.get(LINE_KEY, 0) if isinstance(item, dict) else 0
        words = _text_list(item.get("words")) if isinstance(item, dict) else None
        label = item.get("label") if isinstance(item, dict) else None
        if not isinstance(label, str) or not label.strip() or words is None:
            problems.append(f"{name}:{line}: topic '{key}' needs a 'label' and a list of 'words'")
            continue
        topics[str(key)] = Topic(
            key=str(key),
            label=label.strip(),
            words=words,
            generic=bool(item.get("generic")),
            named=bool(item.get("named")),
            refines=_text_list(item.get("refines") or []) or (),
            role=bool(item.get("role")),
        )

    out_of_scope: list[OutOfScope] = []
    for item in data.get("out_of_scope") or []:
        line = item.get(LINE_KEY, 0) if isinstance(item, dict) else 0
        if not isinstance(item, dict) or not item.get("pattern") or not item.get("reason"):
            problems.append(f"{name}:{line}: out_of_scope items need 'pattern' and 'reason'")
            continue
        try:
            pattern = re.compile(str(item["pattern"]))
        except re.error as exc:
            problems.append(f"{name}:{line}: bad out_of_scope pattern: {exc}")
            continue
        out_of_scope.append(OutOfScope(pattern=pattern, reason=str(item["reason"]).strip()))

    greetings: dict[str, tuple[str, ...]] = {}
    for kind, words in (data.get("greetings") or {}).items():
        if kind == LINE_KEY:
            continue
        listed = _text_list(words)
        if listed is None:
            problems.append(f"{name}: greetings '{kind}' must be a list of words")
        else:
            greetings[str(kind)] = listed

    cert_hints: dict[str, tuple[str, ...]] = {}
    for cert, hints in (data.get("cert_hints") or {}).items():
        if cert == LINE_KEY:
            continue
        listed = _text_list(hints)
        if cert not in CERTS or listed is None:
            problems.append(f"{name}: cert_hints '{cert}' must be a certificate with a word list")
        else:
            cert_hints[cert] = listed

    replacements = {
        str(k): str(v) for k, v in (data.get("replacements") or {}).items() if k != LINE_KEY
    }

    def word_list(key: str) -> tuple[str, ...]:
        listed = _text_list(data.get(key) or [])
        if listed is None:
            problems.append(f"{name}: '{key}' must be a list of words")
            return ()
        return listed

    return Synonyms(
        cert_aliases=cert_aliases,
        topics=topics,
        compare_words=word_list("compare_words"),
        followup_words=word_list("followup_words"),
        fillers=word_list("fillers"),
        greetings=greetings,
        replacements=replacements,
        domain_words=word_list("domain_words"),
        out_of_scope=tuple(out_of_scope),
        own_titles=word_list("own_titles"),
        cert_hints=cert_hints,
    )


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
    if not any("invalid YAML" in p or "cannot read" in p for p in problems):
        # With a file unreadable, every link into it would be reported too: noise, not help.
        _cross_check(entries, sources, synonyms, problems)
    if problems or synonyms is None:
        raise KnowledgeError(problems or ["synonyms could not be loaded"])
    return Knowledge(
        entries=tuple(entries),
        sources=sources,
        synonyms=synonyms,
        by_id={e.id: e for e in entries},
    )
