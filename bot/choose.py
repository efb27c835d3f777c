"""The guided choice: a few questions that help a person pick between the two certificates.

The flow is data (``knowledge/choose.yaml``, loaded by ``bot.choose_flow``). The engine keeps no
conversation state: every call takes a ``FlowState`` and returns a ``FlowOutput`` holding the next
state, so an adapter (Telegram, the terminal, a test) only stores ``state.to_dict()`` between
messages. Nothing here imports ``telegram``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from .choose_flow import Flow, Option, Step, Template, load_flow
from .knowledge import CERTS, DEFAULT_DIR, Knowledge, Source
from .matcher import Matcher, Reply
from .render import render_text, source_line
from .textnorm import normalize

__all__ = [
    "CLOSE_MARGIN",
    "COMPARE_ENTRY",
    "NEXT_ACTIONS",
    "ChoiceInputError",
    "ChoiceResult",
    "ChooseEngine",
    "Flow",
    "FlowOutput",
    "FlowState",
    "LevelAdvice",
    "OptionView",
    "StepView",
    "build_engine",
    "load_flow",
]

CLOSE_MARGIN = 2  # scores at most this far apart recommend both, with a way to decide
MIN_REASONS, MAX_REASONS = 2, 4
QUESTION_KINDS = ("answer", "both")  # matcher replies that count as a question answered
NEXT_ACTIONS: tuple[tuple[str, str], ...] = (
    ("compare", "完整对比"),
    ("ask", "问个问题"),
    ("restart", "重新选"),
)
COMPARE_ENTRY = "compare.difference"  # what "完整对比" shows
_NUMBER_ANSWER = re.compile(r"^(?:第|选)?(\d{1,2})(?:个|项|条|号)?$")

STEP_HEADING = "第{number}题（共{total}题）{question}"
REPROMPT = (
    "“{text}”不是这一题的选项。请回复选项前的数字（1–{count}），也可以直接问我关于这两个证的问题。"
)
REPROMPT_EMPTY = "请回复选项前的数字（1–{count}）。"
REPROMPT_STALE = "这个按钮属于前面的问题，请回答现在这一题。"
BACK_TO_STEP = "回到刚才的问题："
CANCELLED = "已退出选择。想再选时发送 /choose，也可以直接问我问题。"
FINISHED = "这次选择已经完成。发送 /choose 可以重新选，也可以直接问我问题。"
RESULT_TITLE = "【选择结果】"
SCORE_LINE = "按您的回答打分：互联网营销师 {ims} 分，全媒体运营师 {amo} 分。"
REASONS_HEADING = "依据您的回答："
AGAINST_HEADING = "也有偏向{cert}的地方："
OTHER_HEADING = "另外："
LEAN = {
    "ims": "满18周岁后，按您的回答更偏向互联网营销师。",
    "amo": "满18周岁后，按您的回答更偏向全媒体运营师。",
    "both": "满18周岁后，按您的回答两个证分不出高下。",
}
LEVELS_HEADING = "您可以从哪一级报起："
SOURCES_DIFFER = "两篇资料说法不同："

Recommendation = Literal["ims", "amo", "both"]
OutputKind = Literal["step", "result", "reprompt", "cancelled", "answer"]


# --- state and outputs -----------------------------------------------------------------------


@dataclass(frozen=True)
class FlowState:
    """Where one person is in the flow: the current step, answers so far, whether finished."""

    step: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    finished: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict."""
        return {"step": self.step, "answers": dict(self.answers), "finished": self.finished}

    @classmethod
    def from_dict(cls, data: Any) -> FlowState:
        """Rebuild from to_dict(); anything malformed gives a fresh state."""
        if not isinstance(data, dict):
            return cls()
        step, answers, finished = data.get("step"), data.get("answers"), data.get("finished")
        if not isinstance(answers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in answers.items()
        ):
            return cls()
        return cls(
            step=step if isinstance(step, str) else "",
            answers=dict(answers),
            finished=finished is True,
        )


@dataclass(frozen=True)
class OptionView:
    """One button: the option id (short ASCII) and its label."""

    id: str
    label: str


@dataclass(frozen=True)
class StepView:
    """A step as shown: the question, numbered options, and how far along the person is."""

    id: str
    question: str
    options: tuple[OptionView, ...]
    number: int
    total: int

    @property
    def text(self) -> str:
        """The question with numbered options, as plain text."""
        head = STEP_HEADING.format(number=self.number, total=self.total, question=self.question)
        return "\n".join([head, *(f"{i}. {o.label}" for i, o in enumerate(self.options, 1))])


@dataclass(frozen=True)
class LevelAdvice:
    """The level a person may start a certificate at, according to one source."""

    cert: str
    source: Source
    start: str
    rule: str

    def to_dict(self) -> dict[str, str]:
        """A JSON-safe dict."""
        return {
            "source": self.source.key,
            "date": self.source.date,
            "start": self.start,
            "rule": self.rule,
        }


@dataclass(frozen=True)
class ChoiceResult:
    """The outcome: recommendation, scores, reasons, levels, sources and the whole text."""

    recommendation: Recommendation
    scores: dict[str, int]
    reasons: tuple[str, ...]
    levels: dict[str, tuple[LevelAdvice, ...]]
    sources: tuple[Source, ...]
    text: str
    notices: tuple[str, ...] = ()  # shown first, e.g. that an under-18 cannot register yet
    notes: tuple[str, ...] = ()  # shown after the reasons, e.g. the pay gap
    summary: str = ""  # what is seen first: recommendation, scores, the articles' silence
    details: str = ""  # reasons, levels, registration and caution (folded in Telegram)
    source_line: str = ""  # "来源：36氪，2022-02-10；山东专升本信息网，2023-01-18"

    def to_json(self) -> dict[str, Any]:
        """The ``choose --json`` contract."""
        return {
            "recommendation": self.recommendation,
            "scores": dict(self.scores),
            "reasons": list(self.reasons),
            "levels": {c: [a.to_dict() for a in advice] for c, advice in self.levels.items()},
            "sources": [
                {
                    "key": s.key,
                    "title": s.title,
                    "publisher": s.publisher,
                    "date": s.date,
                    "url": s.url,
                }
                for s in self.sources
            ],
        }


@dataclass(frozen=True)
class FlowOutput:
    """What one call returns: the kind, the new state, what to show, and its plain text."""

    kind: OutputKind
    state: FlowState
    step: StepView | None = None
    result: ChoiceResult | None = None
    reply: Reply | None = None
    text: str = ""


class ChoiceInputError(ValueError):
    """Answers given by number that do not fit the flow; the message is for the person."""


# --- the engine ------------------------------------------------------------------------------


class ChooseEngine:
    """Runs the flow: each call takes the person's state and returns the next output."""

    def __init__(self, flow: Flow, knowledge: Knowledge, matcher: Matcher) -> None:
        self.flow = flow
        self.knowledge = knowledge
        self.matcher = matcher

    def start(self) -> FlowOutput:
        """A fresh state at the first step, with the introduction."""
        out = self._at({}, self.flow.start)
        return FlowOutput(out.kind, out.state, out.step, text=f"{self.flow.intro}\n\n{out.text}")

    def restart(self) -> FlowOutput:
        """Forget the answers and start again."""
        return self.start()

    def cancel(self, state: FlowState) -> FlowOutput:
        """Leave the flow."""
        return FlowOutput("cancelled", FlowState(), text=CANCELLED)

    def choose(self, state: FlowState, option_id: str) -> FlowOutput:
        """A button press: ``option_id`` alone, or ``step:option`` so a stale button is caught."""
        answers, step_id = self._walk(state.answers)
        if step_id is None:
            return FlowOutput("reprompt", self._state(answers, None), text=FINISHED)
        step = self.flow.steps[step_id]
        asked, _, oid = option_id.rpartition(":")
        option = step.option(oid)
        if asked and asked != step_id:
            return self._reprompt(answers, step, REPROMPT_STALE)
        if option is None:
            return self._reprompt(answers, step, REPROMPT.format(text=oid, count=len(step.options)))
        return self._at({**answers, step.id: option.id}, step.after(option))

    def reply(self, state: FlowState, text: str) -> FlowOutput:
        """Typed text: an option's number or label, or a question about the certificates."""
        answers, step_id = self._walk(state.answers)
        text = text.strip()
        if step_id is None:
            reply = self._question(text)
            if reply is None:
                return FlowOutput("reprompt", self._state(answers, None), text=FINISHED)
            rendered = render_text(self.knowledge, reply)
            return FlowOutput("answer", self._state(answers, None), reply=reply, text=rendered)
        step = self.flow.steps[step_id]
        option = self.match(step, text)
        if option is not None:
            return self._at({**answers, step.id: option.id}, step.after(option))
        reply = self._question(text)
        if reply is None:
            count = len(step.options)
            message = REPROMPT.format(text=text, count=count) if text else ""
            return self._reprompt(answers, step, message or REPROMPT_EMPTY.format(count=count))
        out = self._at(answers, step_id)
        assert out.step is not None
        # Numbered suggestions right above the numbered options would make "1" ambiguous.
        answer = render_text(self.knowledge, replace(reply, suggestions=()))
        shown = f"{answer}\n\n{BACK_TO_STEP}\n{out.step.text}"
        return FlowOutput("answer", out.state, out.step, reply=reply, text=shown)

    def back(self, state: FlowState) -> FlowOutput:
        """Undo the last answer and show its step again (the first step stays put)."""
        answers, _ = self._walk(state.answers)
        if not answers:
            return self._at({}, self.flow.start)
        *kept, (last, _) = answers.items()
        return self._at(dict(kept), last)

    def answer_numbers(self, numbers: Sequence[int]) -> ChoiceResult:
        """The result for options given by 1-based number, one per step along the path."""
        answers: dict[str, str] = {}
        step_id: str | None = self.flow.start
        for i, number in enumerate(numbers, 1):
            if step_id is None:
                extra = len(numbers) - i + 1
                raise ChoiceInputError(f"回答太多：第{i - 1}题之后选择就结束了，多出 {extra} 个。")
            step = self.flow.steps[step_id]
            if not 1 <= number <= len(step.options):
                raise ChoiceInputError(
                    f"第{i}题“{step.question}”只有 1–{len(step.options)} 号选项，收到的是 {number}。"
                )
            option = step.options[number - 1]
            answers[step.id] = option.id
            step_id = step.after(option)
        if step_id is not None:
            question = self.flow.steps[step_id].question
            raise ChoiceInputError(f"回答太少：还要回答第{len(numbers) + 1}题“{question}”。")
        return self.result(answers)

    def match(self, step: Step, text: str) -> Option | None:
        """The option typed text selects: its number, id, label, an alias, or part of one label."""
        typed = normalize(text)
        if not typed:
            return None
        number = _NUMBER_ANSWER.match(typed)
        if number:
            n = int(number.group(1))
            return step.options[n - 1] if 1 <= n <= len(step.options) else None
        for option in step.options:
            words = {option.id, normalize(option.label), *(normalize(a) for a in option.aliases)}
            if typed in words:
                return option
        partial = [o for o in step.options if len(typed) >= 2 and typed in normalize(o.label)]
        return partial[0] if len(partial) == 1 else None

    # --- results

    def result(self, answers: Mapping[str, str]) -> ChoiceResult:
        """The recommendation and its explanation for a complete set of answers.

        The summary is the recommendation (or, under 18, to wait), the scores and that the
        articles do not say who should take which; the details hold the reasons (only those
        that back the recommendation under "依据您的回答", the others apart), the levels, how
        to register and the caution.
        """
        chosen = self._chosen(answers)
        options = [o for _, o in chosen]
        scores = {c: sum(o.weights[c] for o in options) for c in CERTS}
        ims, amo = scores["ims"], scores["amo"]
        rec: Recommendation = (
            "both" if abs(ims - amo) <= CLOSE_MARGIN else "ims" if ims > amo else "amo"
        )
        texts = self.flow.result
        headline = texts.headlines[rec]
        backing, against, other = self._reasons(options, rec)
        reasons = [*backing, *against, *other]
        cited = {f for r in reasons for f in r.facts}
        notes = [n for n in texts.notes if not cited.intersection(n.facts)]
        notices = [o.notice for o in options if o.notice is not None]
        levels = self._levels(options)
        decide = [texts.decide] if rec == "both" else []
        templates = [headline, texts.disclaimer, *notices, *reasons, *notes, *decide]
        templates += [texts.register, texts.caution]
        facts = [f for t in templates for f in t.facts] + [
            f for r in self.flow.levels for f in r.facts
        ]
        keys = {s for f in dict.fromkeys(facts) for s in self.knowledge.entry(f).sources}
        sources = tuple(sorted((self.knowledge.sources[k] for k in keys), key=lambda s: s.date))

        # Under 18 the first thing said is to wait; the leaning comes after.
        head = [n.text for n in notices] + [LEAN[rec]] if notices else [headline.text]
        summary = "\n".join(
            [RESULT_TITLE, *head, SCORE_LINE.format(**scores), texts.disclaimer.text]
        )
        blocks: list[str] = []
        numbered = iter(range(1, len(reasons) + 1))
        for heading, group in (
            (REASONS_HEADING, backing),
            (AGAINST_HEADING.format(cert=CERTS[_other(rec)]) if rec != "both" else "", against),
            (OTHER_HEADING, [*other, *notes]),
        ):
            if group:
                lines = [f"{next(numbered)}. {r.text}" if r in reasons else r.text for r in group]
                blocks.append("\n".join([heading, *lines]))
        blocks += [t.text for t in decide]
        blocks.append(_levels_text(levels))
        blocks.append(f"{texts.register.text}\n{texts.caution.text}")
        details = "\n\n".join(blocks)
        sources_line = source_line(list(sources))
        return ChoiceResult(
            recommendation=rec,
            scores=scores,
            reasons=tuple(r.text for r in reasons),
            levels=levels,
            sources=sources,
            text="\n\n".join([summary, details, sources_line, texts.next_steps]),
            notices=tuple(n.text for n in notices),
            notes=tuple(n.text for n in notes),
            summary=summary,
            details=details,
            source_line=sources_line,
        )

    def _reasons(
        self, options: list[Option], rec: Recommendation
    ) -> tuple[list[Template], list[Template], list[Template]]:
        """The person's own reasons in three groups: those backing the recommendation, those
        pointing to the other certificate, and the rest (neutral ones, and further information
        added when there are fewer than two reasons). At most MAX_REASONS in all."""
        backing: list[Template] = []
        against: list[Template] = []
        other: list[Template] = []
        for option in options:
            if option.reason is None:
                continue
            ims, amo = option.weights["ims"], option.weights["amo"]
            if rec == "both" or ims == amo:
                # A close result: every reason helps decide; a neutral one backs neither.
                (backing if rec == "both" and ims != amo else other).append(option.reason)
            elif (ims > amo) == (rec == "ims"):
                backing.append(option.reason)
            else:
                against.append(option.reason)
        kept = [*backing, *against, *other][:MAX_REASONS]
        backing = [r for r in backing if r in kept]
        against = [r for r in against if r in kept]
        other = [r for r in other if r in kept]
        cited = {f for r in kept for f in r.facts}
        for extra in self.flow.result.extra_reasons:
            if len(kept) >= MIN_REASONS:
                break
            if not cited.intersection(extra.facts):
                other.append(extra)
                kept.append(extra)
                cited.update(extra.facts)
        return backing, against, other

    def _levels(self, options: list[Option]) -> dict[str, tuple[LevelAdvice, ...]]:
        overrides = {k: v for o in options for k, v in o.levels.items()}
        return {
            cert: tuple(
                LevelAdvice(
                    cert, self.knowledge.sources[r.source], overrides.get(r.id, r.start), r.rule
                )
                for r in self.flow.levels
                if r.cert == cert
            )
            for cert in CERTS
        }

    # --- helpers

    def _walk(self, answers: Mapping[str, str]) -> tuple[dict[str, str], str | None]:
        """The answers that follow a real path from the start, and the step they lead to."""
        kept: dict[str, str] = {}
        step_id: str | None = self.flow.start
        for sid, oid in answers.items():
            step = self.flow.steps.get(sid) if step_id == sid else None
            option = step.option(oid) if step is not None else None
            if step is None or option is None:
                break
            kept[sid] = oid
            step_id = step.after(option)
            if step_id is None:
                break
        return kept, step_id

    def _chosen(self, answers: Mapping[str, str]) -> list[tuple[Step, Option]]:
        kept, _ = self._walk(answers)
        out = []
        for sid, oid in kept.items():
            step = self.flow.steps[sid]
            option = step.option(oid)
            assert option is not None  # _walk keeps only real options
            out.append((step, option))
        return out

    def _state(self, answers: dict[str, str], step_id: str | None) -> FlowState:
        return FlowState(step=step_id or "", answers=answers, finished=step_id is None)

    def _view(self, answers: Mapping[str, str], step: Step) -> StepView:
        number = len(answers) + 1
        options = tuple(OptionView(o.id, o.label) for o in step.options)
        return StepView(
            step.id, step.question, options, number, number - 1 + self.flow.depth(step.id)
        )

    def _at(self, answers: dict[str, str], step_id: str | None) -> FlowOutput:
        """The output for standing at ``step_id`` (None: the flow is done, show the result)."""
        state = self._state(answers, step_id)
        if step_id is None:
            result = self.result(answers)
            return FlowOutput("result", state, result=result, text=result.text)
        view = self._view(answers, self.flow.steps[step_id])
        return FlowOutput("step", state, view, text=view.text)

    def _reprompt(self, answers: dict[str, str], step: Step, message: str) -> FlowOutput:
        view = self._view(answers, step)
        return FlowOutput(
            "reprompt", self._state(answers, step.id), view, text=f"{message}\n\n{view.text}"
        )

    def _question(self, text: str) -> Reply | None:
        """The matcher's answer when the text reads as a question it can answer."""
        if not text:
            return None
        reply = self.matcher.ask(text)
        return reply if reply.kind in QUESTION_KINDS else None


def _other(rec: Recommendation) -> str:
    return next(c for c in CERTS if c != rec)


def _levels_text(levels: Mapping[str, tuple[LevelAdvice, ...]]) -> str:
    """The starting level for each certificate, naming each source and its date."""
    lines = [LEVELS_HEADING]
    for cert, advice in levels.items():
        differ = len({a.source.key for a in advice}) > 1
        lines.append(f"【{CERTS[cert]}】" + (SOURCES_DIFFER if differ else ""))
        for a in advice:
            who = a.source.publisher.split("（")[0]
            lines.append(f"• {who}（{a.source.date}）：{a.start}。规则：{a.rule}。")
    return "\n".join(lines)


def build_engine(
    knowledge: Knowledge, matcher: Matcher | None = None, root: Path | str = DEFAULT_DIR
) -> ChooseEngine:
    """Load and validate the flow and return its engine; for start-up (raises KnowledgeError)."""
    return ChooseEngine(load_flow(root, knowledge), knowledge, matcher or Matcher(knowledge))
