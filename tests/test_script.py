"""The reader's script: detection, and conversion that keeps facts, numbers and names exact."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import opencc
import pytest
import yaml

from bot import opencc_flat
from bot.knowledge import CERTS, DEFAULT_DIR, Knowledge
from bot.script import Converter, detect, protected_names

# Figures, dates, links, percentages: anything outside the Chinese script must not change.
_FACTS = re.compile(r"[0-9A-Za-z¥$%.:/\-+_~()]+")


@pytest.mark.parametrize(
    ("text", "current", "expected"),
    [
        ("網際網路行銷師薪水多少", "hans", "tw"),
        ("全媒體運營師報名費多少錢", "hans", "tw"),
        ("全媒體運營師係咪要考試", "hans", "hk"),
        ("點樣報名互聯網營銷師", "hans", "hk"),
        ("多謝晒", "hans", "hk"),
        ("關係大嗎", "hans", "tw"),  # 係 in 關係 is no Cantonese
        ("互联网营销师工资多少", "tw", "hans"),  # Simplified again: back to Simplified
        ("1", "tw", "tw"),  # says nothing about the script
        ("好的", "hk", "hk"),
        ("ok", "hk", "hk"),
    ],
)
def test_the_script_is_read_from_the_message(text: str, current: str, expected: str) -> None:
    assert detect(text, current) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("script", ["tw", "hk"])
def test_every_answer_keeps_its_facts_and_names(knowledge: Knowledge, script: str) -> None:
    convert = Converter(protected_names(knowledge))
    names = {"tw": ("互聯網營銷師", "全媒體運營師"), "hk": ("互聯網營銷師", "全媒體運營師")}[script]
    for entry in knowledge.entries:
        for text in (entry.question, entry.answer):
            shown = convert(text, script)  # type: ignore[arg-type]
            assert _FACTS.findall(shown) == _FACTS.findall(text), (entry.id, shown)
            for simplified, traditional in zip(CERTS.values(), names, strict=True):
                assert text.count(simplified) == shown.count(traditional), (entry.id, shown)


def test_titles_and_publishers_stay_the_same_names(knowledge: Knowledge) -> None:
    convert = Converter(protected_names(knowledge))
    for source in knowledge.sources.values():
        shown = convert(f"《{source.title}》，{source.publisher}，{source.date}", "tw")
        assert source.date in shown
        # Character for character: no word of the title is swapped for a Taiwan word.
        assert len(shown) == len(f"《{source.title}》，{source.publisher}，{source.date}")
    assert "山東專升本信息網" in convert("山东专升本信息网", "tw")  # not 資訊網


def test_job_titles_and_levels_keep_their_official_names(knowledge: Knowledge) -> None:
    convert = Converter(protected_names(knowledge))
    shown = convert("视频创推员；全媒体运营师分初级、中级、高级三个等级", "tw")
    assert shown == "視頻創推員；全媒體運營師分初級、中級、高級三個等級", shown


def test_simplified_text_is_left_as_it_is() -> None:
    assert Converter()("互联网营销师 <b>12.8K</b>", "hans") == "互联网营销师 <b>12.8K</b>"


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _keys(dictionary: str, tmp_path: Path) -> list[str]:
    """The keys of one of the opencc package's dictionaries, read with its own tool."""
    tool = shutil.which("opencc_dict", path=str(opencc_flat.BIN))
    assert tool is not None
    text = tmp_path / f"{dictionary}.txt"
    command = [tool, "-i", str(opencc_flat.SHARE / f"{dictionary}.ocd2"), "-o", str(text)]
    subprocess.run([*command, "-f", "ocd2", "-t", "text"], check=True)
    return [line.split("\t", 1)[0] for line in text.read_text(encoding="utf-8").splitlines()]


@pytest.mark.skipif(
    shutil.which("opencc_dict", path=str(opencc_flat.BIN)) is None,
    reason="this opencc package ships no dictionary tool: its configurations are used as they are",
)
def test_the_merged_dictionaries_convert_as_opencc_configures(tmp_path: Path) -> None:
    converters = opencc_flat.load("s2twp", "s2hk")
    assert all(opencc_flat.merged(c) for c in converters.values())
    # Every text of the knowledge; every phrase (the Simplified forms of the Taiwan and Hong
    # Kong phrases too); and phrases and characters run together, where segments meet.
    texts = [
        t
        for f in sorted(DEFAULT_DIR.rglob("*.yaml"))
        for t in _strings(yaml.safe_load(f.read_text(encoding="utf-8")))
    ]
    phrases = _keys("STPhrases", tmp_path) + _keys(
        "STPhrases_GeneratedFromRegionalPhrases", tmp_path
    )
    to_simplified = opencc.OpenCC("tw2sp"), opencc.OpenCC("hk2s")
    for dictionary, back in (("TWPhrases", 0), ("TWVariantsPhrases", 0), ("HKVariantsPhrases", 1)):
        phrases += [to_simplified[back].convert(k) for k in _keys(dictionary, tmp_path)]
    characters = _keys("STCharacters", tmp_path)
    pick = random.Random(20260801)
    runs = [
        "".join(pick.choice(phrases if pick.random() < 0.5 else characters) for _ in range(5))
        for _ in range(5000)
    ]
    for name, converter in converters.items():
        stock = opencc.OpenCC(name)
        differ = [t for t in texts + phrases + runs if converter.convert(t) != stock.convert(t)]
        assert not differ, (name, differ[:5])
