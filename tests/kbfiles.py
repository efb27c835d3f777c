"""Helpers for tests that break a copy of the knowledge on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge


def break_file(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in the file with ``new`` (which must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_problems(root: Path) -> list[str]:
    """What loading the knowledge at ``root`` reports (it must fail)."""
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return info.value.problems
