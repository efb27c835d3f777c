"""Shared fixtures: the shipped knowledge and a matcher over it, loaded once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import DEFAULT_DIR, Knowledge, load_knowledge
from bot.matcher import Matcher


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def matcher(knowledge: Knowledge) -> Matcher:
    return Matcher(knowledge)


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the knowledge folder, for breaking on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, target)
    return target
