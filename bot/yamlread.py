"""YAML reading that keeps line numbers, so every validation message can say ``file:line``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LINE_KEY = "__line__"

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineStr(str):
    """A string from a YAML file that remembers the line it stands on."""

    line: int = 0


class _LineLoader(_BaseLoader):  # type: ignore[misc]
    """A safe loader that records each mapping's line under ``__line__`` and each string's."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


def _construct_str(loader: _LineLoader, node: yaml.ScalarNode) -> LineStr:
    text = LineStr(loader.construct_scalar(node))
    text.line = node.start_mark.line + 1
    return text


_LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def line_of(value: Any, default: int = 0) -> int:
    """The line a loaded value stands on, as far as it is known."""
    if isinstance(value, dict):
        return int(value.get(LINE_KEY, default))
    return int(getattr(value, "line", default))


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
