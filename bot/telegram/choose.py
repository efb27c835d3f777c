"""The guided choice: /choose, the 帮我选 button and the deep link t.me/<bot>?start=choose.

Each step is one message with a button per option and 上一步 / 重新开始 / 取消; pressing an
option turns the same message into the next step, and the last into the result. A question typed
mid-flow is answered, then the step is asked again. Progress (``FlowState.to_dict()``) is stored
per (chat, user) before each reply, so after a restart of the bot the buttons still work.

Callback data: ``ch:start``, ``ch:o:<step>:<option>``, ``ch:back``, ``ch:restart``,
``ch:cancel``, ``ch:ask``. An option button names its step, so the engine can tell a button
left over from an earlier step.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from ..choose import BACK_TO_STEP, NEXT_ACTIONS, ChoiceResult, FlowOutput, FlowState, StepView
from ..storage import Storage
from .common import (
    CHOOSE,
    CHOOSE_KEY,
    COMPARE,
    App,
    CallbackContext,
    Services,
    answer_expired,
    answer_query,
    app_services,
    button,
    edit_html,
    menu_keyboard,
    person,
    save_context,
    send_html,
    services,
)
from .html import bold, esc, expandable, source_line_html
from .private import send_reply

RESUME = "接着上次的进度继续："
ASK_HINT = "请直接发送您的问题，例如“全媒体运营师报考条件”。"
IN_GROUP = "帮您选证书要问几个问题，我们私聊进行吧，点下面的按钮就开始。"


# --- state ---------------------------------------------------------------------------------------


def active_state(storage: Storage, chat_id: int, user_id: int) -> FlowState | None:
    """This person's unfinished guided choice, if any."""
    stored = storage.get_state(chat_id, user_id, CHOOSE_KEY)
    if stored is None:
        return None
    state = FlowState.from_dict(stored)
    return None if state.finished or not state.step else state


def save_state(s: Services, update: Update, state: FlowState) -> None:
    """Store the progress; a finished or cancelled flow is forgotten."""
    keep = not state.finished and bool(state.step)
    s.storage.set_state(*person(update), CHOOSE_KEY, state.to_dict() if keep else None)


class InGuidedChoice(filters.MessageFilter):
    """Messages from someone in the middle of the guided choice."""

    def __init__(self, storage: Storage) -> None:
        super().__init__(name="InGuidedChoice")
        self.storage = storage

    def filter(self, message: Message) -> bool:
        """True when the sender has an unfinished flow in this chat."""
        user = message.from_user
        return user is not None and active_state(self.storage, message.chat.id, user.id) is not None


# --- rendering -----------------------------------------------------------------------------------


def lead_of(out: FlowOutput) -> str:
    """What the engine put before the step's own text (introduction, or a reprompt)."""
    if out.step is None or not out.text.endswith(out.step.text):
        return ""
    return out.text[: len(out.text) - len(out.step.text)].strip()


def step_html(view: StepView, lead: str = "") -> str:
    """A step: its heading in bold, the numbered options (so typing a number works)."""
    head, *options = view.text.splitlines()
    body = bold(head) + "".join("\n" + esc(line) for line in options)
    return f"{esc(lead)}\n\n{body}" if lead else body


def step_keyboard(view: StepView) -> InlineKeyboardMarkup:
    """A button per option, then 上一步 (after the first step), 重新开始 and 取消."""
    rows = [
        [button(f"{i}. {option.label}", CHOOSE, "o", view.id, option.id)]
        for i, option in enumerate(view.options, 1)
    ]
    controls: list[InlineKeyboardButton] = []
    if view.number > 1:
        controls.append(button("⬅️ 上一步", CHOOSE, "back"))
    controls += [button("🔄 重新开始", CHOOSE, "restart"), button("✖️ 取消", CHOOSE, "cancel")]
    rows.append(controls)
    return InlineKeyboardMarkup(rows)


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


def result_keyboard() -> InlineKeyboardMarkup:
    """What to do next: the full comparison, ask a question, or choose again."""
    targets: dict[str, tuple[str, ...]] = {
        "compare": (COMPARE,),
        "ask": (CHOOSE, "ask"),
        "restart": (CHOOSE, "restart"),
    }
    return InlineKeyboardMarkup(
        [[button(label, *targets[action]) for action, label in NEXT_ACTIONS if action in targets]]
    )


def rendered(out: FlowOutput, lead: str | None = None) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text and buttons for a step or a result."""
    if out.result is not None:
        return result_html(out.result), result_keyboard()
    if out.step is not None:
        return step_html(out.step, lead_of(out) if lead is None else lead), step_keyboard(out.step)
    return esc(out.text), menu_keyboard()


# --- handlers ------------------------------------------------------------------------------------


def begin(s: Services, update: Update) -> FlowOutput:
    """Resume an unfinished flow, or start a new one; the state is saved."""
    state = active_state(s.storage, *person(update))
    out = s.engine.reply(state, "") if state is not None else None
    if out is None or out.step is None:
        out = s.engine.start()
    else:
        out = FlowOutput("step", out.state, out.step, text=f"{RESUME}\n\n{out.step.text}")
    save_state(s, update, out.state)
    return out


async def choose(update: Update, context: CallbackContext) -> None:
    """/choose or /start choose: start (or resume) the guided choice."""
    assert update.message is not None
    out = begin(services(context), update)
    await send_html(update.message, *rendered(out))


async def choose_in_group(update: Update, context: CallbackContext) -> None:
    """/choose in a group: offer to continue in a private chat."""
    assert update.message is not None
    url = f"https://t.me/{context.bot.username}?start=choose"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("🧭 私聊开始", url=url)]])
    await send_html(update.message, esc(IN_GROUP), keyboard)


async def choose_button(update: Update, context: CallbackContext) -> None:
    """Every ch: button."""
    query = update.callback_query
    assert query is not None and query.data is not None
    message = query.message
    if not isinstance(message, Message):
        await answer_expired(update, context)
        return
    s = services(context)
    action, _, arg = query.data.removeprefix(f"{CHOOSE}:").partition(":")
    if action == "start":
        await answer_query(context, query)
        await send_html(message, *rendered(begin(s, update)))
        return
    if action == "ask":
        await answer_query(context, query)
        await send_html(message, esc(ASK_HINT))
        return
    if action == "restart":
        out = s.engine.restart()
        save_state(s, update, out.state)
        await answer_query(context, query)
        await edit_html(query, *rendered(out))
        return
    state = active_state(s.storage, *person(update))
    if state is None or action not in ("o", "back", "cancel"):
        await answer_expired(update, context)
        return
    if action == "o":
        out = s.engine.choose(state, arg)
    elif action == "back":
        out = s.engine.back(state)
    else:
        out = s.engine.cancel(state)
    save_state(s, update, out.state)  # committed before anything is shown
    if out.kind == "reprompt":
        # A button from an earlier step (or an option that no longer exists): say so, and ask
        # the current step again at the bottom of the chat.
        lead = lead_of(out)
        await answer_query(context, query, lead.splitlines()[0] if lead else None)
        await send_html(message, *rendered(out))
        return
    await answer_query(context, query)
    await edit_html(query, *rendered(out))


async def typed_in_flow(update: Update, context: CallbackContext) -> None:
    """Text while in the flow: an option by number or words, or a question answered in passing."""
    message = update.message
    assert message is not None and message.text is not None
    s = services(context)
    state = active_state(s.storage, *person(update))
    if state is None:  # finished between the filter and now: treat as a fresh question
        state = FlowState()
    out = s.engine.reply(state, message.text)
    save_state(s, update, out.state)
    if out.kind == "answer" and out.reply is not None:
        save_context(s, update, out.reply.context)
        await send_reply(message, s.knowledge, out.reply)
        if out.step is not None:
            await send_html(message, *rendered(out, lead=BACK_TO_STEP))
        return
    await send_html(message, *rendered(out))


def register(app: App) -> None:
    """Add the guided choice's commands, buttons and in-flow text handler.

    Register before private.py: the deep link is a /start with an argument, and text in the
    middle of the flow belongs to the flow, not to the question answering.
    """
    s = app_services(app)
    private = filters.ChatType.PRIVATE
    app.add_handler(
        CommandHandler("start", choose, private & filters.Regex(r"^/start(@\w+)?\s+choose\s*$"))
    )
    app.add_handler(CommandHandler("choose", choose, private))
    app.add_handler(CommandHandler("choose", choose_in_group, filters.ChatType.GROUPS))
    app.add_handler(CallbackQueryHandler(choose_button, pattern=rf"^{CHOOSE}:"))
    in_flow = InGuidedChoice(s.storage)
    app.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & private & filters.TEXT & ~filters.COMMAND & in_flow,
            typed_in_flow,
        )
    )
