"""The conversation layer: one event and the person's state in, reply parts and the new state out.

Every chat runs through here: the terminal, Telegram private chats, groups, captions and buttons.
The adapters only load the state, call :meth:`Conversation.handle`, save the new state (before
anything is sent) and render the parts (``bot/parts.py``) in the reader's script (``state.script``).

Order of reading a typed message: the words that start or leave the guided choice, the choice
itself while it is open, thanks and closings, a number picking from the list just shown (terminal),
then what the owners taught (``taught.py``), then the matcher. A follow-up context and an open choice expire after a quiet while.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .choose import BACK_TO_STEP, COMPARE_ENTRY, ChooseEngine, FlowOutput, FlowState
from .knowledge import Knowledge
from .matcher import Context, Matcher, Reply
from .parts import (
    CHOOSE,
    COMPARE,
    FAQ,
    QUESTION,
    Button,
    Part,
    compare_buttons,
    entry_reply,
    faq_part,
    menu,
    reply_buttons,
    result_buttons,
    step_buttons,
)
from .render import GREETINGS
from .script import SCRIPTS, Script, detect
from .taught import Taught
from .textnorm import normalize

Chat = Literal["private", "group", "terminal"]

DEFAULT_MINUTES = 30  # CONTEXT_MINUTES and CHOICE_MINUTES when not set
RESUME = "接着上次的进度继续："
ASK_HINT = "请直接发送您的问题，例如“全媒体运营师报考条件”。"
NOT_CHOOSING = "现在没有进行中的选择。想让我帮您选证书，发送 /choose；也可以直接问我问题。"
UNKNOWN_COMMAND = "我不认识这个命令。发送 /help 看看我能做什么，或者直接打字提问。"
CAPTION_LEAD = "图片和文件我看不了，下面按您附上的文字回答："
WHICH_ONE = (
    "两篇文章没有直接说谁该考哪个，要看您想做什么、有什么基础。回答几个小问题，我帮您对照着选。"
)
WHICH_ONE_ENTRY = "compare.suitability"  # the matcher's answer to "which should I take"
COMPARE_WORDS = ("完整对比", "对比", "两证对比")
BACK_WORDS = ("上一步", "上一题", "返回")
RESTART_WORDS = ("重新开始", "重新选")
TERMINAL_KEYS = {"b": BACK_WORDS[0], "r": RESTART_WORDS[0], "q": "退出"}  # typed letters
_NUMBER = re.compile(r"^\s*([0-9]{1,2})\s*[.。、]?\s*$")


@dataclass(frozen=True)
class Text:
    """A typed message (or a photo's caption)."""

    text: str
    caption: bool = False


@dataclass(frozen=True)
class Command:
    """A command such as /choose, without the slash; ``arg`` is what follows it."""

    name: str
    arg: str = ""


@dataclass(frozen=True)
class Press:
    """A pressed button, by its action (callback data without any owner stamp)."""

    data: str


Event = Text | Command | Press


@dataclass(frozen=True)
class State:
    """What the layer remembers about one person in one chat; times are seconds (the clock's)."""

    context: Context = field(default_factory=Context)
    context_at: float = 0.0
    choice: FlowState | None = None  # the guided choice, while open (or just finished)
    choice_at: float = 0.0  # the last step taken in it
    script: Script = "hans"
    listed: tuple[str, ...] = ()  # entry ids of the numbered list just shown (terminal)

    def context_doc(self) -> dict[str, Any]:
        """The follow-up context with its time, JSON-safe."""
        return {**self.context.to_dict(), "at": self.context_at}

    def choice_doc(self) -> dict[str, Any] | None:
        """The open choice with its time, JSON-safe; None when there is none to keep."""
        if self.choice is None or self.choice.finished or not self.choice.step:
            return None
        return {**self.choice.to_dict(), "at": self.choice_at}

    @classmethod
    def from_docs(
        cls,
        context: dict[str, Any] | None,
        choice: dict[str, Any] | None,
        script: dict[str, Any] | None,
    ) -> State:
        """Rebuild from stored documents; anything missing or malformed is left out."""
        flow = FlowState.from_dict(choice) if choice is not None else None
        kept = script.get("script") if isinstance(script, dict) else None
        return cls(
            context=Context.from_dict(context),
            context_at=_time(context),
            choice=flow if flow is not None and flow.step and not flow.finished else None,
            choice_at=_time(choice),
            script=kept if kept in SCRIPTS else "hans",
        )


def _time(doc: dict[str, Any] | None) -> float:
    at = doc.get("at") if isinstance(doc, dict) else None
    return float(at) if isinstance(at, int | float) else 0.0


@dataclass(frozen=True)
class Outcome:
    """The layer's answer: parts to show, the state to save, and for a press a toast."""

    parts: tuple[Part, ...]
    state: State
    toast: str | None = None
    expired: bool = False  # a button that no longer means anything
    asked: Reply | None = None  # a typed question's reply, for the record of what went wrong


class Conversation:
    """Turns events into replies; holds no state of its own."""

    def __init__(
        self,
        knowledge: Knowledge,
        matcher: Matcher,
        engine: ChooseEngine,
        context_minutes: float = DEFAULT_MINUTES,
        choice_minutes: float = DEFAULT_MINUTES,
        taught: Taught | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.matcher = matcher
        self.taught = taught if taught is not None else Taught(matcher)
        self.engine = engine
        self.context_seconds = context_minutes * 60
        self.choice_seconds = choice_minutes * 60
        words = knowledge.synonyms.conversation

        def listed(use: str) -> tuple[str, ...]:
            return tuple(sorted({normalize(w) for w in words.get(use, ())} - {""}, key=len))[::-1]

        self._thanks, self._bye = listed("thanks"), listed("bye")
        self._particles = listed("particles")
        self._start, self._leave = set(listed("choose_start")), set(listed("choose_leave"))
        self._which_one = listed("which_one")

    # --- the one entry point -------------------------------------------------------------------

    def handle(self, event: Event, state: State, now: float, chat: Chat = "private") -> Outcome:
        """The reply to one event and the person's new state."""
        out = self._handle(event, self.expire(state, now), now, chat)
        if out.expired:
            return out
        # What a number typed next picks (the terminal numbers these questions).
        listed = tuple(
            b.action.partition(":")[2]
            for part in out.parts
            for row in part.buttons
            for b in row
            if b.action.startswith(f"{QUESTION}:")
        )
        return replace(out, state=replace(out.state, listed=listed))

    def _handle(self, event: Event, state: State, now: float, chat: Chat) -> Outcome:
        if isinstance(event, Text):
            state = replace(state, script=detect(event.text, state.script))
            out = self._text(event.text, state, now, chat)
            if event.caption and out.parts:
                first = replace(out.parts[0], lead=CAPTION_LEAD)
                out = replace(out, parts=(first, *out.parts[1:]))
            return out
        if isinstance(event, Command):
            return self._command(event, state, now, chat)
        return self._press(event.data, state, now, chat)

    def expire(self, state: State, now: float) -> State:
        """The state without a follow-up context or a choice left alone for too long."""
        if state.context != Context() and now - state.context_at > self.context_seconds:
            state = replace(state, context=Context(), context_at=0.0)
        if state.choice is not None and now - state.choice_at > self.choice_seconds:
            state = replace(state, choice=None, choice_at=0.0)
        return state

    # --- typed text ----------------------------------------------------------------------------

    def _text(self, text: str, state: State, now: float, chat: Chat) -> Outcome:
        words = normalize(text)
        if chat == "terminal" and state.choice is not None:
            words = normalize(TERMINAL_KEYS.get(words, words))
        if words in self._start:
            return self._begin(state, now, chat)
        choice = state.choice
        if choice is not None and choice.finished:
            # After the result: b/r/q still work; anything else leaves the finished choice.
            if words in BACK_WORDS or words in RESTART_WORDS or words in self._leave:
                return self._flow_word(words, choice, state, now)
            state = replace(state, choice=None, choice_at=0.0)
            if words in COMPARE_WORDS:
                return self._ask_entry(COMPARE_ENTRY, state, now)
        elif choice is not None:
            if words in BACK_WORDS or words in RESTART_WORDS or words in self._leave:
                return self._flow_word(words, choice, state, now)
            return self._in_flow(text, words, choice, state, now, chat)
        if words in self._leave:
            return Outcome((Part("text", NOT_CHOOSING),), state)
        closing = self.closing(words)
        if closing is not None:
            return Outcome((Part("text", GREETINGS[closing]),), state)
        number = _NUMBER.match(text)
        if chat == "terminal" and number and 1 <= int(number.group(1)) <= len(state.listed):
            return self._ask_entry(state.listed[int(number.group(1)) - 1], state, now)
        return self._ask(text, words, state, now, chat)

    def closing(self, words: str) -> str | None:
        """ "thanks" or "bye" when the message only thanks or takes leave, else None."""
        found: str | None = None
        for kind, listed in (("thanks", self._thanks), ("bye", self._bye)):
            for word in listed:
                if word in words:
                    words = words.replace(word, "")
                    found = "bye" if kind == "bye" or found == "bye" else "thanks"
        for particle in self._particles:
            words = words.replace(particle, "")
        return found if found is not None and not words else None

    def _ask(self, text: str, words: str, state: State, now: float, chat: Chat) -> Outcome:
        reply = self.taught.ask(text, state.context)
        state = replace(state, context=reply.context, context_at=now)
        # A bare "我适合哪个" names no certificate, so the matcher's domain gate declines it;
        # with nothing else in the message, "which one" can only mean these two.
        bare = reply.kind == "fallback" and self.matcher.analyzer.analyze(text).elliptical
        if (reply.entry_id == WHICH_ONE_ENTRY or bare) and any(w in words for w in self._which_one):
            # "Which should I take": the articles do not say; the guided choice helps decide.
            offer = (
                (Button("🧭 帮我选", f"{CHOOSE}:start"),),
                (Button("🎯 两个证分别适合谁", f"{QUESTION}:{WHICH_ONE_ENTRY}"),),
            )
            return Outcome((Part("text", WHICH_ONE, buttons=offer),), state)
        return replace(self._reply(reply, state, chat), asked=reply)

    def _ask_entry(
        self, entry_id: str, state: State, now: float, chat: Chat = "private"
    ) -> Outcome:
        reply = entry_reply(self.knowledge, self.knowledge.entry(entry_id))
        return self._reply(reply, replace(state, context=reply.context, context_at=now), chat)

    def _reply(self, reply: Reply, state: State, chat: Chat) -> Outcome:
        return Outcome((Part("reply", reply=reply, buttons=reply_buttons(reply)),), state)

    # --- the guided choice ---------------------------------------------------------------------

    def _begin(self, state: State, now: float, chat: Chat) -> Outcome:
        """Start the choice, or resume one left open; in a group, offer the private chat."""
        if chat == "group":
            button = Button("🧭 私聊开始", "link:choose")
            return Outcome((Part("text", IN_GROUP, buttons=((button,),)),), state)
        choice = state.choice
        if choice is not None and not choice.finished:
            out = self.engine.reply(choice, "")
            if out.step is not None:
                resumed = FlowOutput(
                    "step", out.state, out.step, text=f"{RESUME}\n\n{out.step.text}"
                )
                return self._flow(resumed, state, now)
        return self._flow(self.engine.start(), state, now)

    def _flow_word(self, words: str, choice: FlowState, state: State, now: float) -> Outcome:
        if words in BACK_WORDS:
            return self._flow(self.engine.back(choice), state, now)
        if words in RESTART_WORDS:
            return self._flow(self.engine.restart(), state, now)
        return self._flow(self.engine.cancel(choice), state, now)

    def _in_flow(
        self, text: str, words: str, choice: FlowState, state: State, now: float, chat: Chat
    ) -> Outcome:
        step = self.engine.flow.steps.get(choice.step)
        closing = self.closing(words)
        if closing is not None and step is not None and self.engine.match(step, text) is None:
            again = self.engine.reply(choice, "")
            parts = (Part("text", GREETINGS[closing]), *self._flow_parts(again, BACK_TO_STEP))
            return Outcome(parts, state)
        out = self.engine.reply(choice, text)
        if out.kind == "answer" and out.reply is not None:
            # A question in passing: answered, the step shown again; the choice's clock stands.
            reply = out.reply
            if chat == "terminal":  # numbered guesses right above numbered options: ambiguous
                reply = replace(reply, suggestions=())
            state = replace(state, context=reply.context, context_at=now, choice=out.state)
            shown = [Part("reply", reply=reply, buttons=reply_buttons(reply))]
            if out.step is not None:
                shown += self._flow_parts(out, BACK_TO_STEP)
            return Outcome(tuple(shown), state)
        if out.kind == "reprompt":
            return Outcome(self._flow_parts(out), replace(state, choice=out.state))
        return self._flow(out, state, now)

    def _flow(self, out: FlowOutput, state: State, now: float, edit: bool = False) -> Outcome:
        """Show a step, a result or the goodbye, and keep the choice's new state."""
        choice = None if out.kind == "cancelled" else out.state
        new = replace(state, choice=choice, choice_at=now if choice is not None else 0.0)
        return Outcome(self._flow_parts(out, edit=edit), new)

    @staticmethod
    def _flow_parts(
        out: FlowOutput, lead: str | None = None, edit: bool = False
    ) -> tuple[Part, ...]:
        if out.result is not None:
            return (Part("result", flow=out, buttons=result_buttons(), edit=edit),)
        if out.step is not None:
            shown = lead if lead is not None else lead_of(out)
            return (Part("step", shown, flow=out, buttons=step_buttons(out), edit=edit),)
        return (Part("text", out.text, buttons=menu(), edit=edit),)

    # --- commands and buttons ------------------------------------------------------------------

    def _command(self, command: Command, state: State, now: float, chat: Chat) -> Outcome:
        name, arg = command.name.lower(), command.arg.strip()
        if (name == "start" and arg == "choose") or name == "choose":
            return self._begin(state, now, chat)
        if name == "start":
            return Outcome((Part("welcome", buttons=menu()),), state)
        if name == "help":
            return Outcome((Part("help", buttons=menu()),), state)
        if name == "compare":
            if chat == "terminal":
                return self._ask_entry(COMPARE_ENTRY, state, now, chat)
            return Outcome((Part("compare", buttons=compare_buttons(self.knowledge)),), state)
        if name == "faq":
            return Outcome((faq_part(self.knowledge, -1 if chat == "terminal" else 0),), state)
        if name == "sources":
            return Outcome((Part("sources"),), state)
        if name == "ask":
            if not arg:
                return Outcome((Part("text", ASK_HINT),), state)
            return self._handle(Text(arg), state, now, chat)
        parts = [Part("text", UNKNOWN_COMMAND)]
        if chat == "terminal":
            parts.append(Part("help"))
        return Outcome(tuple(parts), state)

    def _press(self, data: str, state: State, now: float, chat: Chat) -> Outcome:
        kind, _, arg = data.partition(":")
        expired = Outcome((), state, expired=True)
        if kind == QUESTION:
            if arg not in self.knowledge.by_id:
                return expired
            return self._ask_entry(arg, state, now, chat)
        if kind == COMPARE and not arg:
            return Outcome((Part("compare", buttons=compare_buttons(self.knowledge)),), state)
        if kind == FAQ:
            if arg == "open":
                return Outcome((faq_part(self.knowledge, 0),), state)
            if arg.isascii() and arg.isdigit() and len(arg) <= 4:
                return Outcome((faq_part(self.knowledge, int(arg), edit=True),), state)
            return expired
        if kind == CHOOSE:
            return self._choose_press(arg, state, now, chat)
        return expired

    def _choose_press(self, arg: str, state: State, now: float, chat: Chat) -> Outcome:
        action, _, option = arg.partition(":")
        if action == "start":
            return self._begin(state, now, chat)
        if action == "ask":
            return Outcome((Part("text", ASK_HINT),), state)
        if action == "restart":
            return self._flow(self.engine.restart(), state, now, edit=True)
        choice = state.choice
        if choice is None or choice.finished or action not in ("o", "back", "cancel"):
            return Outcome((), state, expired=True)
        if action == "o":
            out = self.engine.choose(choice, option)
        elif action == "back":
            out = self.engine.back(choice)
        else:
            out = self.engine.cancel(choice)
        if out.kind == "reprompt":
            # A button from an earlier step: say so, and ask the current step again below.
            lead = lead_of(out)
            toast = lead.splitlines()[0] if lead else None
            return replace(self._flow(out, state, now), toast=toast)
        return self._flow(out, state, now, edit=True)


IN_GROUP = "帮您选证书要问几个问题，我们私聊进行吧，点下面的按钮就开始。"


def lead_of(out: FlowOutput) -> str:
    """What the engine put before the step's own text (introduction, or a reprompt)."""
    if out.step is None or not out.text.endswith(out.step.text):
        return ""
    return out.text[: len(out.text) - len(out.step.text)].strip()
