"""The terminal adapter: a conversation over the same core as the Telegram bot.

Besides questions it runs the guided choice: ``/choose`` starts it, options are answered by number
(or label), ``b`` goes back, ``r`` restarts, ``q`` leaves the choice, and a question typed in the
middle is answered before the step is shown again.
"""

from __future__ import annotations

import sys
from typing import TextIO

from .choose import COMPARE_ENTRY, ChooseEngine, Flow, FlowOutput, FlowState, load_flow
from .knowledge import Knowledge, KnowledgeError
from .matcher import Context, Matcher
from .render import render_text

WELCOME = (
    "您好！我是互联网营销师和全媒体运营师的咨询助手。直接输入问题即可，"
    "例如“互联网营销师工资多少”。\n"
    "拿不定主意考哪个？输入 /choose，我问您几个问题帮您选。\n"
    "输入 /help 查看帮助，/quit 退出。"
)
HELP = (
    "直接输入问题，我会从两篇资料里找答案并注明出处。\n"
    "/choose 帮您在两个证之间做选择（回复数字作答；b 上一步，r 重新开始，q 退出选择）\n"
    "/help 帮助    /quit 退出"
)
BYE = "再见！"
STEP_HINT = "（回复数字作答；b 上一步，r 重新开始，q 退出选择；也可以直接提问）"
RESULT_HINT = "（b 回到上一题改答案，r 重新选，q 结束选择；输入“完整对比”看两证对比）"

# While choosing, "q" leaves the choice; elsewhere it ends the conversation.
QUIT_WORDS = {"/quit", "/exit", "q", "quit", "exit", "退出"}
ALWAYS_QUIT = {"/quit", "/exit"}
HELP_WORDS = {"/help", "/start", "帮助"}
CHOOSE_WORDS = {"/choose", "帮我选", "选证"}
BACK_WORDS = {"b", "/back", "返回", "上一步", "上一题"}
RESTART_WORDS = {"r", "/restart", "重新开始", "重新选"}
CANCEL_WORDS = {"q", "/cancel", "取消", "退出选择"}
COMPARE_WORDS = {"完整对比", "对比"}


class ChatSession:
    """One person's terminal conversation: takes a line, returns the text to show."""

    def __init__(
        self, knowledge: Knowledge, matcher: Matcher | None = None, flow: Flow | None = None
    ) -> None:
        self.knowledge = knowledge
        self.matcher = matcher or Matcher(knowledge)
        self.engine = ChooseEngine(flow or load_flow(knowledge=knowledge), knowledge, self.matcher)
        self.context = Context()
        self.choice: FlowState | None = None  # set while the guided choice is open
        self.closed = False

    def handle(self, line: str) -> str:
        """The bot's reply to one typed line."""
        text = line.strip()
        if text in ALWAYS_QUIT or (self.choice is None and text in QUIT_WORDS):
            self.closed = True
            return BYE
        if text in HELP_WORDS:
            return HELP
        if text in CHOOSE_WORDS:
            return self._show(self.engine.start())
        if self.choice is not None:
            shown = self._choosing(self.choice, text)
            if shown is not None:
                return shown
        return self._ask(text)

    def _choosing(self, state: FlowState, text: str) -> str | None:
        """The reply while the choice is open; None hands the line back to question answering."""
        word = text.lower()
        if word in BACK_WORDS:
            return self._show(self.engine.back(state))
        if word in RESTART_WORDS:
            return self._show(self.engine.restart())
        if word in CANCEL_WORDS:
            return self._show(self.engine.cancel(state))
        if not state.finished:
            return self._show(self.engine.reply(state, text))
        # After the result the person moves on: a comparison, or any other question.
        self.choice = None
        if text in COMPARE_WORDS:
            return self._ask(self.knowledge.entry(COMPARE_ENTRY).question)
        return None

    def _show(self, out: FlowOutput) -> str:
        self.choice = None if out.kind == "cancelled" else out.state
        if out.kind == "cancelled":
            return out.text
        hint = RESULT_HINT if out.state.finished else STEP_HINT
        return f"{out.text}\n{hint}"

    def _ask(self, text: str) -> str:
        reply = self.matcher.ask(text, self.context)
        self.context = reply.context
        return render_text(self.knowledge, reply)


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
