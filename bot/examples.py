"""Questions people asked, each with the entry that answers it: ``knowledge/examples.yaml``.

They come from the labelled evaluation sets (never the blind holdouts) and are written by
``python -m bot fit --write``. The matcher's text model learns from them which wordings go with
which entry (bot/textmodel.py); they never carry an answer of their own. Each set keeps its name,
so an evaluation of a set can leave that set's own questions out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .yamlread import LINE_KEY, line_of, read_yaml

FILE = "examples.yaml"


@dataclass(frozen=True)
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
    data: Any = read_yaml(path, name, problems)
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
