"""The terminal adapter: a conversation over the same layer as the Telegram bot.

Besides questions it runs the guided choice: ``/choose`` starts it, options are answered by number
(or label), ``b`` goes back, ``r`` restarts, ``q`` leaves the choice, and a question typed in the
middle is answered before the step is shown again. A number typed after a numbered list of
questions answers that question. This module only keeps the state and prints the parts.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from .choose import ChooseEngine, Flow, load_flow
from .conversation import DEFAULT_MINUTES, Command, Conversation, State, Text
from .knowledge import Knowledge, KnowledgeError
from .matcher import Matcher
from .parts import CHOOSE, COMPARE, FAQ, QUESTION, Part, Rows, sources_text
from .render import render_text
from .script import Converter, protected_names

WELCOME = (
    "您好！我是互联网营销师和全媒体运营师的咨询助手。直接输入问题即可，"
    "例如“互联网营销师工资多少”。\n"
    "拿不定主意考哪个？输入 /choose，我问您几个问题帮您选。\n"
    "输入 /help 查看帮助，/quit 退出。"
)
HELP = (
    "直接输入问题，我会从两篇资料里找答案并注明出处。\n"
    "/choose 帮您在两个证之间做选择（回复数字作答；b 上一步，r 重新开始，q 退出选择）\n"
    "/compare 两证对比    /faq 常见问题    /sources 资料来源\n"
    "/help 帮助    /quit 退出"
)
BYE = "再见！"
STEP_HINT = "（回复数字作答；b 上一步，r 重新开始，q 退出选择；也可以直接提问）"
RESULT_HINT = "（b 回到上一题改答案，r 重新选，q 结束选择；输入“完整对比”看两证对比）"
FAQ_HEADING = "常见问题（输入序号看回答）："
PICK_HINT = "（输入序号看回答）"
# What the terminal types for the buttons Telegram would show.
TYPED = {
    COMPARE: "/compare 两证对比",
    f"{CHOOSE}:start": "/choose 帮我选",
    f"{FAQ}:open": "/faq 常见问题",
}

# While choosing, "q" leaves the choice; elsewhere it ends the conversation.
QUIT_WORDS = {"/quit", "/exit", "q", "quit", "exit", "退出"}
ALWAYS_QUIT = {"/quit", "/exit"}
HELP_WORDS = {"帮助": "help"}


class ChatSession:
    """One person's terminal conversation: takes a line, returns the text to show."""

    def __init__(
        self,
        knowledge: Knowledge,
        matcher: Matcher | None = None,
        flow: Flow | None = None,
        clock: Callable[[], float] = time.time,
        context_minutes: float = DEFAULT_MINUTES,
        choice_minutes: float = DEFAULT_MINUTES,
    ) -> None:
        self.knowledge = knowledge
        matcher = matcher or Matcher(knowledge)
        engine = ChooseEngine(flow or load_flow(knowledge=knowledge), knowledge, matcher)
        self.conversation = Conversation(
            knowledge, matcher, engine, context_minutes, choice_minutes
        )
        self.convert = Converter(protected_names(knowledge))
        self.clock = clock
        self.state = State()
        self.closed = False

    def handle(self, line: str) -> str:
        """The bot's reply to one typed line."""
        text = line.strip()
        now = self.clock()
        choosing = self.conversation.expire(self.state, now).choice is not None
        if text in ALWAYS_QUIT or (not choosing and text.lower() in QUIT_WORDS):
            self.closed = True
            return BYE
        if text.startswith("/"):
            name, _, arg = text[1:].partition(" ")
            event: Command | Text = Command(name, arg)
        elif text in HELP_WORDS:
            event = Command(HELP_WORDS[text])
        else:
            event = Text(text)
        out = self.conversation.handle(event, self.state, now, "terminal")
        self.state = out.state
        shown = "\n\n".join(self.render(part) for part in out.parts)
        return self.convert(shown, out.state.script)

    def render(self, part: Part) -> str:
        """One part as plain text."""
        body = self._body(part)
        return f"{part.lead}\n\n{body}" if part.lead else body

    def _body(self, part: Part) -> str:
        if part.kind == "reply" and part.reply is not None:
            return render_text(self.knowledge, part.reply) + _typed(part.buttons)
        if part.kind == "step" and part.flow is not None and part.flow.step is not None:
            step = part.flow.step.text
            return f"{part.text}\n{step}\n{STEP_HINT}" if part.text else f"{step}\n{STEP_HINT}"
        if part.kind == "result" and part.flow is not None and part.flow.result is not None:
            return f"{part.flow.result.text}\n{RESULT_HINT}"
        if part.kind == "faq":
            return FAQ_HEADING + "\n" + _numbered(part.buttons)
        if part.kind == "sources":
            return sources_text(self.knowledge)
        if part.kind == "welcome":
            return WELCOME
        if part.kind == "help":
            return HELP
        listed = _numbered(part.buttons)
        text = f"{part.text}\n{listed}\n{PICK_HINT}" if listed else part.text
        return text + _typed(part.buttons)


def _numbered(rows: Rows) -> str:
    """The question buttons as a numbered list (a number typed next picks one)."""
    questions = [b.label for row in rows for b in row if b.action.startswith(f"{QUESTION}:")]
    return "\n".join(f"{i}. {q}" for i, q in enumerate(questions, 1))


def _typed(rows: Rows) -> str:
    """The menu buttons as the commands to type instead."""
    typed = [TYPED[b.action] for row in rows for b in row if b.action in TYPED]
    return "\n（可以输入：" + " · ".join(typed) + "）" if typed else ""


def run_chat(
    knowledge: Knowledge,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    flow: Flow | None = None,
) -> int:
    """Read lines until end of input or /quit, answering each."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    try:
        session = ChatSession(knowledge, flow=flow)
    except KnowledgeError as exc:
        print("选择流程有错误，无法启动：", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    interactive = stdin.isatty()
    print(WELCOME, file=stdout)
    while True:
        if interactive:
            print("\n您：", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            print(BYE, file=stdout)
            return 0
        shown = session.handle(line)
        print(("\n" if not interactive else "") + shown, file=stdout, flush=True)
        if session.closed:
            return 0
