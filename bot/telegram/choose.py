"""The guided choice: /choose, the 帮我选 button and the deep link t.me/<bot>?start=choose.

Each step is one message with a button per option and 上一步 / 重新开始 / 取消; pressing an
option turns the same message into the next step, and the last into the result. The layer
(bot/conversation.py) runs the choice, including text typed in the middle of it; this module
registers the commands and buttons and says how a step and a result look.

Callback data: ``ch:start``, ``ch:o:<step>:<option>``, ``ch:back``, ``ch:restart``,
``ch:cancel``, ``ch:ask``. An option button names its step, so the engine can tell a button
left over from an earlier step.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from ..choose import ChoiceResult, StepView
from ..conversation import Command, Press
from ..parts import Part
from .common import CHOOSE, App, CallbackContext, Services, payload
from .dialog import converse, renderer
from .html import bold, esc, expandable, source_line_html


def step_html(view: StepView, lead: str = "") -> str:
    """A step: its heading in bold, the numbered options (so typing a number works)."""
    head, *options = view.text.splitlines()
    body = bold(head) + "".join("\n" + esc(line) for line in options)
    return f"{esc(lead)}\n\n{body}" if lead else body


def result_html(result: ChoiceResult) -> str:
    """The result: its summary, then the reasons, levels and caveats in an expandable quote,
    then one source line; 【…】 headings in bold. What to do next is on the buttons."""

    def lines(text: str) -> str:
        return "\n".join(
            bold(line) if line.startswith("【") and line.endswith("】") else esc(line)
            for line in text.splitlines()
        )

    return "\n".join(
        [
            lines(result.summary),
            expandable(lines(result.details)),
            source_line_html(list(result.sources)),
        ]
    )


@renderer("step")
def _step(s: Services, part: Part, update: Update) -> str:
    assert part.flow is not None and part.flow.step is not None
    return step_html(part.flow.step, part.text)


@renderer("result")
def _result(s: Services, part: Part, update: Update) -> str:
    assert part.flow is not None and part.flow.result is not None
    return result_html(part.flow.result)


async def choose(update: Update, context: CallbackContext) -> None:
    """/choose: start (or resume) the guided choice; in a group, offer the private chat."""
    await converse(update, context, Command("choose"))


async def choose_button(update: Update, context: CallbackContext) -> None:
    """Every ch: button."""
    assert update.callback_query is not None
    await converse(update, context, Press(payload(update.callback_query)))


def register(app: App) -> None:
    """Add the guided choice's command and buttons."""
    app.add_handler(CommandHandler("choose", choose))
    app.add_handler(CallbackQueryHandler(choose_button, pattern=rf"^{CHOOSE}:"))
