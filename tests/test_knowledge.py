"""Loading and validating the knowledge files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from kbfiles import break_file, load_problems

from bot.knowledge import CERTS, Knowledge, load_knowledge
from bot.matcher import Matcher


def test_shipped_knowledge_is_complete(knowledge: Knowledge) -> None:
    assert len(knowledge.entries) >= 40
    for entry in knowledge.entries:
        assert entry.answer and entry.sources and len(entry.alternates) >= 4, entry.id
        assert set(entry.certs) <= set(CERTS)
    assert {s.date for s in knowledge.sources.values()} == {"2022-02-10", "2023-01-18"}


def test_every_topic_a_person_asks_about_has_an_entry(knowledge: Knowledge) -> None:
    topics = {e.topic for e in knowledge.entries}
    for needed in (
        "salary",
        "eligibility",
        "registration",
        "price",
        "levels",
        "issuer",
        "origin",
        "duties",
        "difference",
        "suitability",
        "training_providers",
    ):
        assert needed in topics


def test_eligibility_gives_both_sources_with_dates(knowledge: Knowledge) -> None:
    answer = knowledge.entry("ims.eligibility").answer
    assert "2022" in answer and "2023" in answer
    assert set(knowledge.entry("ims.eligibility").sources) == {"kr36_2022", "sdzsb_2023"}


def test_answers_are_plain_text(knowledge: Knowledge) -> None:
    for entry in knowledge.entries:
        for marker in ("<b>", "**", "](", "<a "):
            assert marker not in entry.answer, (entry.id, marker)


def test_malformed_yaml_names_file_and_line(kb_copy: Path) -> None:
    break_file(kb_copy / "entries" / "amo.yaml", "  certs: [amo]", "  certs: [amo\n  : :")
    (problem,) = load_problems(kb_copy)
    assert problem.startswith("knowledge/entries/amo.yaml:") and "invalid YAML" in problem


def test_missing_field_is_named(kb_copy: Path) -> None:
    break_file(kb_copy / "entries" / "ims.yaml", "  topic: salary\n", "")
    problems = load_problems(kb_copy)
    assert any(
        "knowledge/entries/ims.yaml:" in p and "'ims.salary' is missing 'topic'" in p
        for p in problems
    )


def test_duplicate_id_points_to_both_places(kb_copy: Path) -> None:
    break_file(kb_copy / "entries" / "amo.yaml", "id: amo.salary", "id: ims.salary")
    problems = load_problems(kb_copy)
    assert any(
        "duplicate id 'ims.salary'" in p and "entries/amo.yaml:" in p and "entries/ims.yaml:" in p
        for p in problems
    )


def test_an_id_too_long_for_button_data_is_refused(kb_copy: Path) -> None:
    long_id = "amo.salary_" + "x" * 30
    break_file(kb_copy / "entries" / "amo.yaml", "id: amo.salary", f"id: {long_id}")
    problems = load_problems(kb_copy)
    assert any(
        "entries/amo.yaml:" in p and f"id '{long_id}' is 41 characters; at most 32" in p
        for p in problems
    )


def test_the_longest_id_fits_in_telegram_button_data() -> None:
    """The limit holds for the worst case: a 👎 in a group, stamped with a long owner id."""
    from bot.knowledge import ID_MAX_LENGTH
    from bot.telegram.common import FEEDBACK, OWNER_MARK, data

    stamped = data(FEEDBACK, "a." + "b" * (ID_MAX_LENGTH - 2), "down") + OWNER_MARK
    assert data(stamped + str(-(10**15))) and data(stamped + str(2**53))


def test_dangling_related_id(kb_copy: Path) -> None:
    path = kb_copy / "entries" / "compare.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("related: [", text.index("id: compare.salary"))
    path.write_text(
        text[:start] + "related: [no.such_entry]" + text[text.index("\n", start) :],
        encoding="utf-8",
    )
    problems = load_problems(kb_copy)
    assert any("relates to unknown 'no.such_entry'" in p and "compare.yaml:" in p for p in problems)


def test_unknown_topic_and_source(kb_copy: Path) -> None:
    break_file(kb_copy / "entries" / "amo.yaml", "topic: levels", "topic: weather")
    break_file(kb_copy / "entries" / "amo.yaml", "sources: [sdzsb_2023]", "sources: [blog_2024]")
    problems = load_problems(kb_copy)
    assert any("topic 'weather'" in p for p in problems)
    assert any("unknown source 'blog_2024'" in p for p in problems)


@pytest.mark.slow
def test_kb_check_reports_problems_without_traceback(kb_copy: Path) -> None:
    break_file(kb_copy / "entries" / "ims.yaml", "id: ims.price", "id: ims.salary")
    run = subprocess.run(
        [sys.executable, "-m", "bot", "--knowledge", str(kb_copy), "kb", "check"],
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0
    assert "duplicate id 'ims.salary'" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.slow
def test_kb_check_passes_on_shipped_knowledge() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "知识库有效" in run.stdout


def test_a_broken_example_is_named_with_its_line(kb_copy: Path) -> None:
    path = kb_copy / "examples.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("  entry: ims."))
    lines[at] = "  entry: ims.no_such_entry"
    lines.insert(at + 1, "- 只有一句话")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = load_problems(kb_copy)
    assert f"knowledge/examples.yaml:{at}: unknown entry 'ims.no_such_entry'" in problems
    assert f"knowledge/examples.yaml:{at + 2}: an example has exactly 'q' and 'entry'" in problems


def test_examples_read_as_yaml_reads_them(kb_copy: Path) -> None:
    # Quoted values stay text, ~ and null decline; a bare number is no question.
    (kb_copy / "examples.yaml").write_text(
        "a:\n- q: 'true'\n  entry: ~\n- q: \"互联网营销师: 多少钱\"\n  entry: ims.price\n"
        "b:\n- q: 其他\n  entry: null\n",
        encoding="utf-8",
    )
    examples = load_knowledge(kb_copy).examples
    assert [(x.text, x.entry) for x in examples["a"]] == [
        ("true", None),
        ("互联网营销师: 多少钱", "ims.price"),
    ]
    assert [(x.text, x.entry) for x in examples["b"]] == [("其他", None)]
    (kb_copy / "examples.yaml").write_text("a:\n- q: 123\n  entry: ~\n", encoding="utf-8")
    assert "knowledge/examples.yaml:2: 'q' must be a non-empty text" in load_problems(kb_copy)


def test_the_knowledge_loads_without_examples(kb_copy: Path) -> None:
    (kb_copy / "examples.yaml").unlink()
    knowledge = load_knowledge(kb_copy)
    assert knowledge.examples == {}
    assert Matcher(knowledge).ask("互联网营销师多少钱").entry_id == "ims.price"


def test_a_missing_detail_with_a_bad_exception_list_is_reported(kb_copy: Path) -> None:
    break_file(
        kb_copy / "entries" / "ims.yaml",
        "      unless: [比,",
        "      unless: 比\n      unused: [比,",
    )
    problems = load_problems(kb_copy)
    assert any("'unless' must be a list of words" in p and "ims.yaml:" in p for p in problems)
