"""knowledge/synonyms.yaml is validated like the entries: each mistake named with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kbfiles import break_file, load_problems

from bot.cli import main
from bot.knowledge import KnowledgeError, load_knowledge


def _break(kb: Path, old: str, new: str) -> list[str]:
    break_file(kb / "synonyms.yaml", old, new)
    return load_problems(kb)


def test_unknown_section_is_named_with_its_line(kb_copy: Path) -> None:
    problems = _break(kb_copy, "compare_words:", "compare_wrods: []\ncompare_words:")
    assert any("unknown section 'compare_wrods'" in p and "synonyms.yaml:" in p for p in problems)


def test_a_word_listed_twice_is_reported(kb_copy: Path) -> None:
    problems = _break(kb_copy, "fillers: [请问一下,", "fillers: [请问一下, 请问一下,")
    assert any("'请问一下' is listed twice" in p for p in problems)


def test_a_word_under_two_topics_is_reported_at_its_line(kb_copy: Path) -> None:
    problems = _break(kb_copy, "words: [工资,", "words: [含金量, 工资,")
    found = [p for p in problems if "'含金量' is a word of topic" in p]
    assert found and found[0].split(":")[1].isdigit()


def test_a_wrong_type_is_reported_not_raised(kb_copy: Path) -> None:
    problems = _break(kb_copy, "    generic: true", "    generic: yes please")
    assert any("must be true or false" in p for p in problems)
    with pytest.raises(SystemExit) as stopped:
        main(["--knowledge", str(kb_copy), "kb", "check"])
    assert stopped.value.code not in (0, None)


def test_dangling_references_are_reported(kb_copy: Path) -> None:
    problems = _break(kb_copy, "refines: [eligibility,", "refines: [eligibilty,")
    assert any("refines unknown topic 'eligibilty'" in p for p in problems)
    target = kb_copy.parent / "again"
    shutil.copytree(kb_copy, target)
    (target / "synonyms.yaml").write_text(
        (target / "synonyms.yaml")
        .read_text(encoding="utf-8")
        .replace("refines: [eligibilty,", "refines: [eligibility,")
        .replace("difference_entry: compare.difference", "difference_entry: compare.nothing"),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(target)
    assert any("difference_entry 'compare.nothing'" in p for p in caught.value.problems)


def test_a_bad_pattern_is_reported(kb_copy: Path) -> None:
    problems = _break(kb_copy, "claim_check_pattern: '", "claim_check_pattern: '(")
    assert any("claim_check_pattern: bad pattern" in p for p in problems)


def test_new_rule_sections_are_checked(kb_copy: Path) -> None:
    problems = _break(kb_copy, "roles_topic: duties", "roles_topic: dutys")
    assert any("roles_topic: unknown topic 'dutys'" in p for p in problems)
    problems = _break(kb_copy, "    focus:\n", "    focus: '定义'\n    fucus:\n")
    assert any("focus must be a list of patterns" in p for p in problems)
    assert any("unknown field 'fucus'" in p for p in problems)


def test_an_out_of_scope_flag_must_be_true_or_false(kb_copy: Path) -> None:
    problems = _break(kb_copy, "    anywhere: true", "    anywhere: sometimes")
    assert any("out_of_scope anywhere must be true or false" in p for p in problems)


def test_a_topic_compared_in_an_unknown_one_is_reported(kb_copy: Path) -> None:
    problems = _break(kb_copy, "compared_in: value", "compared_in: valeu")
    found = [p for p in problems if "compared_in unknown topic 'valeu'" in p]
    assert found and found[0].split(":")[1].isdigit()


def test_a_bad_compare_pattern_is_reported(kb_copy: Path) -> None:
    problems = _break(kb_copy, "compare_pattern: '", "compare_pattern: '(")
    assert any("compare_pattern: bad pattern" in p for p in problems)


def test_a_shift_after_an_unknown_topic_is_reported(kb_copy: Path) -> None:
    problems = _break(kb_copy, "after: [training_providers,", "after: [training_provider,")
    assert any("shifts: unknown topic 'training_provider'" in p for p in problems)
