"""Questions people asked, each with the entry that answers it: ``knowledge/examples.yaml``.

They come from the labelled evaluation sets (never the blind holdouts) and are written by
``python -m bot fit --write``. The matcher's text model learns from them which wordings go with
which entry (bot/textmodel.py); they never carry an answer of their own. Each set keeps its name,
so an evaluation of a set can leave that set's own questions out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .yamlread import LINE_KEY, line_of, read_yaml

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FILE = "examples.yaml"


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled question; ``entry`` None: the bot should decline it."""

    text: str
    entry: str | None
    line: int = 0


def load_examples(
    root: Path, entry_ids: set[str] | None, problems: list[str]
) -> Mapping[str, tuple[Example, ...]]:
    """The examples in ``root`` by set name (none when the file is missing); each problem as
    ``file:line: problem``. ``entry_ids`` None: the entries could not be read, so the links
    into them go unchecked."""
    path = root / FILE
    if not path.exists():
        return {}
    name = f"{root.name}/{FILE}"
    # Read without lines first (the file is large and read at every start); only a file with a
    # problem is read again, with its lines, to say where.
    first: list[str] = []
    found = _examples(_read_plain(path), name, entry_ids, first)
    if found and not first:
        return found
    return _examples(read_yaml(path, name, problems), name, entry_ids, problems)


def _read_plain(path: Path) -> dict[str, list[dict[str, str | None]]] | None:
    """The file as written by ``write_examples`` (set names, each a list of ``q``/``entry``
    mappings), read from the parser's events without building the document's node graph: a
    tenth of the memory and a third of the time of a full load. None for anything else, or
    anything unreadable, which the full load then reports with its line."""
    try:
        text = path.read_text(encoding="utf-8")
        return _from_events(yaml.parse(text, Loader=_Loader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _from_events(events: Iterable[yaml.Event]) -> dict[str, list[dict[str, str | None]]] | None:
    resolver: Any = yaml.resolver.Resolver()
    found: dict[str, list[dict[str, str | None]]] = {}
    items: list[dict[str, str | None]] = []
    item: dict[str, str | None] = {}
    key: str | None = None
    depth = 0  # 0: outside, 1: the sets' mapping, 2: in a set's list, 3: in an example
    for event in events:
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent)):
            continue
        if isinstance(event, (yaml.DocumentStartEvent, yaml.DocumentEndEvent)) and depth == 0:
            continue
        if isinstance(event, yaml.MappingStartEvent) and depth in (0, 2):
            depth += 1
            item, key = {}, None
        elif isinstance(event, yaml.MappingEndEvent) and depth in (1, 3):
            if depth == 3:
                items.append(item)
            depth -= 1
        elif isinstance(event, yaml.SequenceStartEvent) and depth == 1 and key is not None:
            items = found.setdefault(key, [])
            depth, key = 2, None
        elif isinstance(event, yaml.SequenceEndEvent) and depth == 2:
            depth = 1
        elif isinstance(event, yaml.ScalarEvent) and depth in (1, 3):
            tag = resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
            if depth == 1 and key is not None:
                return None  # a set that is no list
            if key is None:
                if tag != "tag:yaml.org,2002:str":
                    return None
                key = event.value
                if depth == 3 and key in item:
                    return None
            elif tag == "tag:yaml.org,2002:null":
                item[key], key = None, None
            elif tag == "tag:yaml.org,2002:str":
                item[key], key = event.value, None
            else:
                return None
        else:
            return None
    return found if depth == 0 else None


def _examples(
    data: Any, name: str, entry_ids: set[str] | None, problems: list[str]
) -> dict[str, tuple[Example, ...]]:
    """The well-formed examples in the parsed file, each problem recorded."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(f"{name}: expected a mapping from set names to lists of examples")
        return {}
    found: dict[str, tuple[Example, ...]] = {}
    for set_name, items in data.items():
        if set_name == LINE_KEY:
            continue
        if not isinstance(items, list):
            problems.append(f"{name}:{line_of(set_name, 1)}: '{set_name}' must be a list")
            continue
        kept = []
        for item in items:
            line = line_of(item)
            if not isinstance(item, dict) or set(item) - {"q", "entry", LINE_KEY}:
                problems.append(f"{name}:{line}: an example has exactly 'q' and 'entry'")
                continue
            text, entry = item.get("q"), item.get("entry")
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{name}:{line}: 'q' must be a non-empty text")
            elif entry is not None and (
                not isinstance(entry, str) or (entry_ids is not None and entry not in entry_ids)
            ):
                problems.append(f"{name}:{line}: unknown entry '{entry}'")
            else:
                kept.append(Example(str(text), None if entry is None else str(entry), line))
        found[str(set_name)] = tuple(kept)
    return found
