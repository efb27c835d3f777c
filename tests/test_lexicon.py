"""The phrase lexicons: greedy longest matches, left to right, never overlapping."""

from __future__ import annotations

import random

from bot.textnorm import Lexicon, Match


def reference_find(phrases: dict[str, str], text: str) -> list[tuple[int, int, str]]:
    """The plain definition: at each position the longest phrase starting there, else move on."""
    found, i = [], 0
    longest = max((len(p) for p in phrases), default=0)
    while i < len(text):
        for length in range(min(longest, len(text) - i), 0, -1):
            if text[i : i + length] in phrases:
                found.append((i, i + length, text[i : i + length]))
                i += length
                break
        else:
            i += 1
    return found


def spans(matches: list[Match]) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.phrase) for m in matches]


def test_longest_phrase_wins_and_matches_do_not_overlap() -> None:
    lexicon = Lexicon([("营销", "a"), ("营销师", "b"), ("师证", "c"), ("证", "d")])
    assert spans(lexicon.find("考营销师证")) == [(1, 4, "营销师"), (4, 5, "证")]
    assert lexicon.find("考营销师证")[0].labels == ("b",)


def test_characters_special_to_regular_expressions_are_plain_text() -> None:
    lexicon = Lexicon([("?", "q"), ("]", "r"), ("^", "s"), ("-", "t"), ("\\", "u"), ("a.b", "v")])
    assert spans(lexicon.find("x?]^-\\a.b axb")) == [
        (1, 2, "?"),
        (2, 3, "]"),
        (3, 4, "^"),
        (4, 5, "-"),
        (5, 6, "\\"),
        (6, 9, "a.b"),
    ]


def test_an_empty_lexicon_finds_nothing() -> None:
    assert Lexicon([]).find("任何文字") == []


def test_the_same_matches_as_the_plain_definition_on_random_text() -> None:
    rng = random.Random(7)
    alphabet = "互联网营销师全媒体运营证考几级?]-"
    for _ in range(200):
        phrases = {
            "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))): "x"
            for _ in range(rng.randint(1, 12))
        }
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert spans(Lexicon(phrases.items()).find(text)) == reference_find(phrases, text)
