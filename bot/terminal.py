"""The terminal adapter: a conversation over the same core as the Telegram bot."""

from __future__ import annotations

import sys
from typing import TextIO

from .knowledge import Knowledge
from .matcher import Context, Matcher
from .render import render_text

WELCOME = (
    "您好！我是互联网营销师和全媒体运营师的咨询助手。直接输入问题即可，"
    "例如“互联网营销师工资多少”。\n输入 /help 查看帮助，/quit 退出。"
)
HELP = (
    "直接输入问题，我会从两篇资料里找答案并注明出处。\n"
    "/help 帮助    /quit 退出"
)
QUIT_WORDS = {"/quit", "/exit", "q", "quit", "exit", "退出"}


class ChatSession:
    """One person's terminal conversation: takes a line, returns the text to show."""

    def __init__(self, knowledge: Knowledge, matcher: Matcher | None = None) -> None:
        self.knowledge = knowledge
        self.matcher = matcher or Matcher(knowledge)
        self.context = Context()

    def handle(self, line: str) -> str:
        """The bot's reply to one typed line."""
        text = line.strip()
        if text in ("/help", "/start", "帮助"):
            return HELP
        reply = self.matcher.ask(text, self.context)
        self.context = reply.context
        return render_text(self.knowledge, reply)


def run_chat(
    knowledge: Knowledge, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Read lines until end of input or /quit, answering each."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    session = ChatSession(knowledge)
    interactive = stdin.isatty()
    print(WELCOME, file=stdout)
    while True:
        if interactive:
            print("\n您：", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip() in QUIT_WORDS:
            print("再见！", file=stdout)
            return 0
        print(("\n" if not interactive else "") + session.handle(line), file=stdout, flush=True)
