"""How the bot presents itself: command menus per chat type, and its profile descriptions.

Set once at start-up (``post_init``). Telegram may refuse (flood limits, a network hiccup); that
is logged and the bot runs on with whatever Telegram had before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from ..settings import Settings
from .common import App
from .errors import describe

logger = logging.getLogger(__name__)

CALL_TIMEOUT = 10.0  # seconds per call, retries after a flood limit included

PRIVATE_COMMANDS = (
    ("start", "开始，看看我能做什么"),
    ("compare", "互联网营销师和全媒体运营师对比"),
    ("choose", "回答几个问题，帮我选证书"),
    ("faq", "常见问题"),
    ("sources", "资料来源和日期"),
    ("help", "使用帮助"),
    ("forget", "删除关于我的所有记录"),
)
GROUP_COMMANDS = (
    ("ask", "提问，例如 /ask 互联网营销师工资多少"),
    ("compare", "两证对比"),
    ("faq", "常见问题"),
    ("sources", "资料来源和日期"),
    ("help", "怎么用这个机器人"),
)
# Group admins see one more command (Telegram shows this scope to them only).
GROUP_ADMIN_COMMANDS = (*GROUP_COMMANDS, ("settings", "本群设置：自动回答、每小时回答上限"))
OWNER_COMMANDS = (
    ("feedback", "查看用户反馈汇总"),
    ("review", "审阅没答好的问题，教机器人新问法"),
)

DESCRIPTION = (
    "您好！我是互联网营销师和全媒体运营师的考证咨询助手。\n\n"
    "可以问我这两个证书的工资待遇、报考条件、等级、报名方式和费用、发证单位，"
    "看两证对比，或者让我问您几个问题，帮您选更适合的那个。\n\n"
    "我的回答都来自两篇公开文章，并注明出处。点“开始”试试吧。"
)
SHORT_DESCRIPTION = (
    "互联网营销师、全媒体运营师考证咨询：工资、报考条件、两证对比、帮您选。回答注明出处。"
)


def _commands(pairs: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(command, description) for command, description in pairs]


async def _attempt(what: str, call: Callable[[], Awaitable[object]]) -> None:
    try:
        await asyncio.wait_for(call(), CALL_TIMEOUT)
    except TelegramError as exc:
        logger.warning("Could not set %s: %s", what, describe(exc))
    except TimeoutError:
        # Most likely a flood limit with a long "retry after": not worth delaying start-up.
        logger.warning("Gave up setting %s after %.0f s", what, CALL_TIMEOUT)


async def announce(app: App, settings: Settings) -> None:
    """Set the command menus and descriptions; failures are logged, not raised."""
    bot = app.bot
    private, groups = BotCommandScopeAllPrivateChats(), BotCommandScopeAllGroupChats()
    await _attempt(
        "private commands", partial(bot.set_my_commands, _commands(PRIVATE_COMMANDS), scope=private)
    )
    await _attempt(
        "group commands", partial(bot.set_my_commands, _commands(GROUP_COMMANDS), scope=groups)
    )
    admins = BotCommandScopeAllChatAdministrators()
    await _attempt(
        "group admin commands",
        partial(bot.set_my_commands, _commands(GROUP_ADMIN_COMMANDS), scope=admins),
    )
    owner_commands = _commands(PRIVATE_COMMANDS + OWNER_COMMANDS)
    for admin in sorted(settings.admin_ids):
        # In an owner's own chat the menu also offers /feedback and /review. Fails until they start the bot.
        scope = BotCommandScopeChat(admin)
        await _attempt(
            f"owner commands for {admin}", partial(bot.set_my_commands, owner_commands, scope=scope)
        )
    await _attempt("description", partial(bot.set_my_description, DESCRIPTION))
    await _attempt("short description", partial(bot.set_my_short_description, SHORT_DESCRIPTION))
