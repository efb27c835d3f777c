"""What the owners taught: phrasings in ``DATA_DIR/learned.yaml``, validated and written atomically.

A taught phrasing only points a question at an existing entry, or at the fallback (``entry:
null``, "the bot must decline this"); it never carries text of its own, so teaching cannot make
the bot state anything the knowledge does not already say. The file also keeps the log of every
change and who made it. It is never written into ``knowledge/``: ``python -m bot learned export``
prints the phrasings for an editor to paste there.

A file that does not validate is reported (``file:line: problem``) and ignored as a whole: the bot
answers from the shipped knowledge, and nothing is written over the file until it is fixed.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml

from .knowledge import Knowledge
from .textnorm import MAX_QUERY_CHARS, normalize
from .yamlread import LINE_KEY, line_of, read_yaml

LEARNED_FILE = "learned.yaml"
ID_PATTERN = re.compile(r"^t[0-9]{1,9}$")
FIELDS = ("id", "text", "entry", "by", "at")
LOG_FIELDS = ("at", "by", "action", "id", "text", "entry")
HEADER = (
    "# What the owners taught the bot (/review, `python -m bot learned`). Each phrasing points a\n"
    "# question at an existing entry, or with entry: null at the fallback. Written by the bot;\n"
    "# check a hand edit with `python -m bot kb check`. `python -m bot learned export` prints the\n"
    "# phrasings to paste into knowledge/entries/.\n"
)

Action = Literal["add", "drop"]


class LearnedError(Exception):
    """The learned file cannot be changed now; ``problems`` says why (``file:line: problem``)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Teaching:
    """One taught phrasing: the question (normalised as the record keeps it) and where it goes."""

    id: str
    text: str
    entry: str | None  # None: the bot declines it
    by: str  # who taught it: "telegram:<user id>" or "cli:<login>"
    at: str  # ISO time, UTC
    line: int = 0

    def to_doc(self) -> dict[str, Any]:
        """As written in the file."""
        return {"id": self.id, "text": self.text, "entry": self.entry, "by": self.by, "at": self.at}


@dataclass(frozen=True)
class Change:
    """One line of the change log: who added or dropped which phrasing, and when."""

    at: str
    by: str
    action: Action
    id: str
    text: str
    entry: str | None

    def to_doc(self) -> dict[str, Any]:
        """As written in the file."""
        return {
            "at": self.at,
            "by": self.by,
            "action": self.action,
            "id": self.id,
            "text": self.text,
            "entry": self.entry,
        }


@dataclass(frozen=True)
class Learned:
    """The file's content; with ``problems`` the file was ignored and must not be written over."""

    teachings: tuple[Teaching, ...] = ()
    changes: tuple[Change, ...] = ()
    problems: tuple[str, ...] = ()

    def next_id(self) -> str:
        """An id no phrasing or log line has used, so a dropped id never comes back."""
        used = [int(t.id[1:]) for t in self.teachings]
        used += [int(c.id[1:]) for c in self.changes if ID_PATTERN.match(c.id)]
        return f"t{max(used, default=0) + 1}"


def now_iso() -> str:
    """The current time as written in the file."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def learned_path(data_dir: Path | str) -> Path:
    """Where the teachings live in DATA_DIR."""
    return Path(data_dir) / LEARNED_FILE


# --- reading and validating ------------------------------------------------------------------


def read_learned(path: Path | str, knowledge: Knowledge) -> Learned:
    """The file's teachings, or none with the problems found; a missing file is an empty one."""
    path = Path(path)
    if not path.exists():
        return Learned()
    problems: list[str] = []
    data = read_yaml(path, str(path), problems)
    if problems:
        return Learned(problems=tuple(problems))
    if data is None:
        return Learned()
    if not isinstance(data, dict):
        return Learned(problems=(f"{path}:1: expected a mapping with 'phrasings' and 'log'",))
    unknown = sorted(str(k) for k in data if k not in ("phrasings", "log", LINE_KEY))
    if unknown:
        problems.append(f"{path}:{line_of(data, 1)}: unknown key(s): {', '.join(unknown)}")
    teachings = _teachings(path, data.get("phrasings") or [], knowledge, problems)
    changes = _changes(path, data.get("log") or [], problems)
    if problems:
        return Learned(problems=tuple(problems))
    return Learned(tuple(teachings), tuple(changes))


def _items(path: Path, value: Any, what: str, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        problems.append(f"{path}:{line_of(value, 1)}: '{what}' must be a list")
        return []
    found = []
    for item in value:
        if isinstance(item, dict):
            found.append(item)
        else:
            problems.append(f"{path}:{line_of(item, 1)}: every item of '{what}' must be a mapping")
    return found


def _fields(
    path: Path, item: dict[str, Any], fields: tuple[str, ...], problems: list[str]
) -> str | None:
    """``file:line`` of the item, or None (with the problems) when fields are wrong."""
    where = f"{path}:{line_of(item)}"
    missing = [f for f in fields if f not in item]
    unknown = sorted(str(k) for k in item if k not in fields and k != LINE_KEY)
    if missing:
        problems.append(f"{where}: missing {', '.join(repr(f) for f in missing)}")
    if unknown:
        problems.append(f"{where}: unknown field(s): {', '.join(unknown)}")
    return None if missing or unknown else where


def _teachings(path: Path, value: Any, knowledge: Knowledge, problems: list[str]) -> list[Teaching]:
    found: list[Teaching] = []
    seen_ids: dict[str, int] = {}
    seen_texts: dict[str, Teaching] = {}
    for item in _items(path, value, "phrasings", problems):
        where = _fields(path, item, FIELDS, problems)
        if where is None:
            continue
        tid, text, entry, by, at = (item[f] for f in FIELDS)
        ok = True
        if not isinstance(tid, str) or not ID_PATTERN.match(tid):
            problems.append(f"{where}: id {tid!r} must look like 't12'")
            ok = False
        elif tid in seen_ids:
            problems.append(f"{where}: duplicate id '{tid}' (first at line {seen_ids[tid]})")
            ok = False
        if not isinstance(text, str) or not normalize(text):
            problems.append(f"{where}: 'text' must be a question with words in it")
            ok = False
        elif len(text) > MAX_QUERY_CHARS:
            problems.append(f"{where}: 'text' is over {MAX_QUERY_CHARS} characters")
            ok = False
        if entry is not None and (not isinstance(entry, str) or entry not in knowledge.by_id):
            problems.append(
                f"{where}: 'entry' {entry!r} names no entry of the knowledge "
                "(use null for a question the bot must decline)"
            )
            ok = False
        for name, got in (("by", by), ("at", at)):
            if not isinstance(got, str | int | datetime) or not str(got).strip():
                problems.append(f"{where}: '{name}' must say who and when")
                ok = False
        if not ok:
            continue
        # Plain strings: the loader's line-carrying ones cannot be written back as YAML.
        target = None if entry is None else str(entry)
        teaching = Teaching(str(tid), str(text), target, str(by), _iso(at), line_of(item))
        seen_ids[teaching.id] = teaching.line
        earlier = seen_texts.get(normalize(teaching.text))
        if earlier is not None:
            problems.append(
                f"{where}: '{teaching.text}' is taught already as {earlier.id} "
                f"(line {earlier.line})"
            )
            continue
        seen_texts[normalize(teaching.text)] = teaching
        found.append(teaching)
    return found


def _changes(path: Path, value: Any, problems: list[str]) -> list[Change]:
    found: list[Change] = []
    for item in _items(path, value, "log", problems):
        where = _fields(path, item, LOG_FIELDS, problems)
        if where is None:
            continue
        if item["action"] not in ("add", "drop"):
            problems.append(f"{where}: 'action' must be add or drop")
            continue
        entry = item["entry"]
        found.append(
            Change(
                _iso(item["at"]),
                str(item["by"]),
                "add" if item["action"] == "add" else "drop",
                str(item["id"]),
                str(item["text"]),
                None if entry is None else str(entry),
            )
        )
    return found


def _iso(value: Any) -> str:
    # YAML reads an unquoted timestamp as a datetime; keep it as the text that was written.
    return value.isoformat() if isinstance(value, datetime) else str(value)


# --- writing ---------------------------------------------------------------------------------


def dump(learned: Learned) -> str:
    """The file's text."""
    doc = {
        "phrasings": [t.to_doc() for t in learned.teachings],
        "log": [c.to_doc() for c in learned.changes],
    }
    return HEADER + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def write_atomically(path: Path | str, text: str) -> None:
    """Replace the file with ``text``: a temporary file beside it, synced, then renamed over it,
    so a crash at any moment leaves either the old file whole or the new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):
        # The rename itself survives a power cut only once the folder is synced (POSIX).
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _current(path: Path, knowledge: Knowledge) -> Learned:
    """The file as it is now (another process may have changed it); refuses a broken one."""
    learned = read_learned(path, knowledge)
    if learned.problems:
        raise LearnedError(list(learned.problems))
    return learned


def teach(
    path: Path | str,
    knowledge: Knowledge,
    phrasings: list[str],
    entry: str | None,
    by: str,
) -> tuple[Learned, list[Teaching]]:
    """Add phrasings pointing at ``entry`` (None: decline), re-reading the file first. A phrasing
    taught already is pointed at the new target. The new content and the teachings written."""
    path = Path(path)
    if entry is not None and entry not in knowledge.by_id:
        raise LearnedError([f"unknown entry '{entry}'"])
    learned = _current(path, knowledge)
    teachings = list(learned.teachings)
    changes = list(learned.changes)
    added: list[Teaching] = []
    at = now_iso()
    wanted: dict[str, str] = {}  # each question once, in its first wording
    for phrasing in phrasings:
        if normalize(phrasing) and normalize(phrasing) not in wanted:
            wanted[normalize(phrasing)] = phrasing.strip()[:MAX_QUERY_CHARS]
    for text in wanted.values():
        for old in [t for t in teachings if normalize(t.text) == normalize(text)]:
            teachings.remove(old)
            changes.append(Change(at, by, "drop", old.id, old.text, old.entry))
        current = replace(learned, teachings=tuple(teachings), changes=tuple(changes))
        new = Teaching(current.next_id(), text, entry, by, at)
        teachings.append(new)
        changes.append(Change(at, by, "add", new.id, new.text, new.entry))
        added.append(new)
    result = Learned(tuple(teachings), tuple(changes))
    if added:
        write_atomically(path, dump(result))
    return result, added


def drop(path: Path | str, knowledge: Knowledge, tid: str, by: str) -> tuple[Learned, Teaching]:
    """Remove one phrasing by id (logged); LearnedError when there is none."""
    path = Path(path)
    learned = _current(path, knowledge)
    found = [t for t in learned.teachings if t.id == tid]
    if not found:
        raise LearnedError([f"{path}: no phrasing with id '{tid}'"])
    gone = found[0]
    change = Change(now_iso(), by, "drop", gone.id, gone.text, gone.entry)
    result = Learned(tuple(t for t in learned.teachings if t.id != tid), (*learned.changes, change))
    write_atomically(path, dump(result))
    return result, gone


# --- export ----------------------------------------------------------------------------------


def export(learned: Learned, knowledge: Knowledge) -> str:
    """The phrasings as YAML for ``knowledge/``: per entry, the alternates to add (with the file
    and entry named in a comment), then the questions to decline."""
    by_entry: dict[str, list[str]] = defaultdict(list)
    declined: list[str] = []
    for t in learned.teachings:
        if t.entry is None:
            declined.append(t.text)
        else:
            by_entry[t.entry].append(t.text)
    if not by_entry and not declined:
        return "# 还没有教过任何问法。\n"
    out = ["# 把下面每组问法加到对应条目的 alternates 下（条目所在文件已注明），再运行 kb check。"]
    for entry_id in sorted(by_entry, key=lambda e: (knowledge.by_id[e].file, e)):
        entry = knowledge.by_id[entry_id]
        out.append(f"\n# {entry.file}，条目 {entry_id}（{entry.question}）")
        out.append(yaml.safe_dump({entry_id: by_entry[entry_id]}, allow_unicode=True).rstrip())
    if declined:
        out.append(
            "\n# 应拒答的问题：没有条目可加；需要时在 knowledge/synonyms.yaml 的 out_of_scope 写规则"
        )
        out.append(yaml.safe_dump({"declined": declined}, allow_unicode=True).rstrip())
    return "\n".join(out) + "\n"
