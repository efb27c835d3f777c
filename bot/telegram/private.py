"""Greeting, help and questions: /start, /help, any text, and the question buttons.

Usage: send the bot a question in a private chat ("互联网营销师工资多少"). It answers from the
knowledge with the source, offers related questions as buttons, and remembers what the answer was
about so that "那全媒体运营师呢" continues it. When unsure it asks "您是不是想问" with buttons.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from ..conversation import Command, Press, Text
from ..knowledge import CERTS, Knowledge
from ..matcher import Reply
from ..parts import Part, reply_buttons
from ..render import SUGGEST_HEADING
from .common import (
    QUESTION,
    App,
    CallbackContext,
    Services,
    payload,
    send_html,
)
from .dialog import converse, markup, renderer
from .html import bold, esc, reply_html

BOTH = "和".join(CERTS.values())
WELCOME = (
    "{hello}我是{both}的考证咨询助手。\n\n"
    "我可以帮您：\n"
    "• 回答这两个证书的问题：工资待遇、报考条件、等级、报名方式、发证单位、前景……"
    "（费用只有互联网营销师的一个报价）\n"
    "• 把两个证书放在一起对比\n"
    "• 问您几个小问题，帮您选更适合的那个\n\n"
    "直接打字提问就行，比如“互联网营销师工资多少”。"
    "我的回答都来自两篇公开文章，每次都会注明出处。"
)
HELP = (
    "直接发送您的问题，我会从两篇资料里找答案并注明出处，例如：\n"
    "• 互联网营销师工资多少\n"
    "• 全媒体运营师报考条件\n"
    "• 两个证有什么区别\n\n"
    "{commands}\n\n"
    "问完一个问题，可以接着问“那全媒体运营师呢”。回答下面的 👍/👎 能帮我改进。"
)
COMMANDS = (
    ("/compare", "两证对比"),
    ("/choose", "回答几个问题，帮您选证书"),
    ("/faq", "常见问题"),
    ("/sources", "资料来源"),
    ("/help", "使用帮助"),
)
GROUP_HELP = (
    "我是{both}的考证咨询助手。在群里提问：发送 /ask 加上问题，或者 @我 提问，或者回复我的消息；"
    "也可以用 /compare、/faq、/sources。想让我帮您选证书，或者想安安静静地多问几句，"
    "请点下面的按钮私聊我。"
)


def welcome_text(first_name: str | None) -> str:
    """The /start greeting, personal when the name is known."""
    hello = f"您好，{first_name}！👋 " if first_name else "您好！👋 "
    return esc(WELCOME.format(hello=hello, both=BOTH))


def help_text() -> str:
    """The /help text."""
    commands = "\n".join(f"{c} {esc(d)}" for c, d in COMMANDS)
    return esc(HELP).replace("{commands}", bold("常用命令") + "\n" + commands)


def reply_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Buttons under a reply: guesses or related questions, then 👍/👎 under an answer."""
    return markup(reply_buttons(reply))


def reply_text(knowledge: Knowledge, reply: Reply) -> str:
    """The HTML text of a reply, with the heading for its guesses. An answer's related questions
    need none: the closed answer is its lead, its source line and the buttons."""
    text = reply_html(knowledge, reply)
    if reply.kind == "fallback" and reply.suggestions:
        text += "\n\n" + bold(SUGGEST_HEADING)
    return text


@renderer("reply")
def _reply(s: Services, part: Part, update: Update) -> str:
    assert part.reply is not None
    return reply_text(s.knowledge, part.reply)


@renderer("welcome")
def _welcome(s: Services, part: Part, update: Update) -> str:
    user = update.effective_user
    return welcome_text(user.first_name if user else None)


@renderer("help")
def _help(s: Services, part: Part, update: Update) -> str:
    return help_text()


async def start(update: Update, context: CallbackContext) -> None:
    """Greet, say what the bot can do, and offer the menu (``/start choose``: the choice)."""
    await converse(update, context, Command("start", " ".join(context.args or [])))


async def help_command(update: Update, context: CallbackContext) -> None:
    """Explain how to ask and list the commands."""
    await converse(update, context, Command("help"))


async def group_help(update: Update, context: CallbackContext) -> None:
    """In a group: what works here, and a button to talk privately."""
    assert update.message is not None
    url = f"https://t.me/{context.bot.username}?start=help"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("💬 私聊提问", url=url)]])
    await send_html(update.message, esc(GROUP_HELP.format(both=BOTH)), keyboard)


async def answer(update: Update, context: CallbackContext) -> None:
    """A typed message: a question, or a step of the guided choice, or a thanks …"""
    assert update.message is not None and update.message.text is not None
    await converse(update, context, Text(update.message.text))


async def question_button(update: Update, context: CallbackContext) -> None:
    """Answer the question on a pressed button (q:<entry id>)."""
    assert update.callback_query is not None
    await converse(update, context, Press(payload(update.callback_query)))


def register(app: App) -> None:
    """Add the greeting, help and question handlers."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("start", start, private))
    app.add_handler(CommandHandler("help", help_command, private))
    app.add_handler(CommandHandler(["start", "help"], group_help, filters.ChatType.GROUPS))
    app.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & private & filters.TEXT & ~filters.COMMAND, answer
        )
    )
    app.add_handler(CallbackQueryHandler(question_button, pattern=rf"^{QUESTION}:"))
