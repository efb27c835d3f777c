"""The reader's script: detection, and conversion that keeps facts, numbers and names exact."""

from __future__ import annotations

import re

import pytest

from bot.knowledge import CERTS, Knowledge
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


def test_simplified_text_is_left_as_it_is() -> None:
    assert Converter()("互联网营销师 <b>12.8K</b>", "hans") == "互联网营销师 <b>12.8K</b>"
