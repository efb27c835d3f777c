"""Golden conversations (tests/conversations/*.yaml) run against the conversation layer.

Each conversation is a list of turns: something typed (``say``), a ``command`` or a button
pressed (``press``), optionally ``after_minutes`` of quiet first, and what the reply must be:
the kind of its first part (an answer, the fallback, a step of the guided choice, a line of text
…), the entry that answers, the step shown, words it says (as the terminal shows it, in the
reader's script), a button it offers, the script, or a part that follows (``then``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.choose import ChooseEngine, load_flow
from bot.conversation import Command, Conversation, Event, Outcome, Press, State, Text
from bot.knowledge import Knowledge
from bot.matcher import Matcher
from bot.parts import Part
from bot.terminal import ChatSession

FOLDER = Path(__file__).parent / "conversations"


def load() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(FOLDER.glob("*.yaml")):
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append((f"{path.stem}: {conversation['name']}", conversation))
    return cases


CASES = load()


@pytest.fixture(scope="module")
def layer(knowledge: Knowledge, matcher: Matcher) -> Conversation:
    engine = ChooseEngine(load_flow(knowledge=knowledge), knowledge, matcher)
    return Conversation(knowledge, matcher, engine)


def event_of(turn: dict[str, Any]) -> Event:
    if "say" in turn:
        return Text(str(turn["say"]))
    if "command" in turn:
        name, _, arg = str(turn["command"]).partition(" ")
        return Command(name, arg)
    return Press(str(turn["press"]))


def kind_of(part: Part) -> str:
    """A reply part by its reply's kind (answer, fallback …); others by their own."""
    return part.reply.kind if part.reply is not None else part.kind


def check(turn: dict[str, Any], out: Outcome, before: State, shown: str, where: str) -> None:
    expect: dict[str, Any] = turn.get("expect") or {}
    if expect.get("expired"):
        assert out.expired, where
        return
    assert not out.expired and out.parts, where
    first = out.parts[0]
    flow = first.flow
    checks = {
        "kind": lambda v: kind_of(first) == v,
        "not_kind": lambda v: kind_of(first) != v,
        "entry": lambda v: first.reply is not None and first.reply.entry_id == v,
        "not_entry": lambda v: first.reply is None or first.reply.entry_id != v,
        "step": lambda v: flow is not None and flow.step is not None and flow.step.id == v,
        "script": lambda v: out.state.script == v,
        "parts": lambda v: len(out.parts) == v,
        "then": lambda v: len(out.parts) > 1 and kind_of(out.parts[1]) == v,
        "button": lambda v: any(b.action == v for row in first.buttons for b in row),
        "picked": lambda v: (
            first.reply is not None and first.reply.entry_id == before.listed[v - 1]
        ),
        "says": lambda v: all(str(w) in shown for w in (v if isinstance(v, list) else [v])),
    }
    for key, value in expect.items():
        assert key in checks, f"{where}: unknown expectation {key!r}"
        assert checks[key](value), f"{where}: expected {key}={value!r}, got:\n{shown[:400]}"


@pytest.mark.parametrize("conversation", [c for _, c in CASES], ids=[n for n, _ in CASES])
def test_golden_conversation(
    conversation: dict[str, Any], layer: Conversation, knowledge: Knowledge, matcher: Matcher
) -> None:
    chat = conversation.get("chat", "private")
    view = ChatSession(knowledge, matcher)  # renders parts as plain text, like the terminal
    state, now = State(), 1_000_000.0
    for number, turn in enumerate(conversation["turns"], 1):
        now += 60 * float(turn.get("after_minutes", 0)) + 5
        out = layer.handle(event_of(turn), state, now, chat)
        shown = view.convert("\n\n".join(view.render(p) for p in out.parts), out.state.script)
        check(turn, out, state, shown, f"{conversation['name']}, turn {number}")
        state = out.state
