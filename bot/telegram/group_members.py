"""Joining, leaving and moving: the bot added to a group, removed from it, and a group that
becomes a supergroup.

Added to a group (a my_chat_member update), the bot introduces itself once: how to ask, /choose,
and /settings for admins; it says nothing else unprompted. Removed, it forgets the group: its
settings, its reply log and each person's state there. When a group becomes a supergroup,
Telegram gives it a new id and says so in both chats (``migrate_to_chat_id`` in the old one,
``migrate_from_chat_id`` in the new one); everything kept moves to the new id, whichever of the
two arrives first (moving twice changes nothing). That the bot introduced itself is kept with the
group's settings, so it moves too: the bot's arrival in the new supergroup, if Telegram reports
it after the move, gets no second introduction.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberRestricted, ChatMemberUpdated, Update
from telegram.ext import ChatMemberHandler, MessageHandler, filters

from .common import GROUP_TYPES, App, CallbackContext, send_to, services
from .group_admin import admins
from .html import esc

logger = logging.getLogger(__name__)

INTRO = (
    "大家好！👋 我是互联网营销师和全媒体运营师的考证咨询助手，回答都来自两篇公开文章，并注明出处。\n\n"
    "• 提问：发送 /ask 加上问题，例如“/ask 互联网营销师工资多少”；也可以 @{bot} 提问，或者直接回复我的消息。\n"
    "• 想让我帮您在两个证书里选一个：发送 /choose，我们私聊进行。\n"
    "• 群管理员可以用 /settings 打开自动回答、设置每小时最多回答几条。"
)
INTRODUCED = "introduced"  # chat setting: the introduction was sent
PRESENT = (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER)


def is_present(member: ChatMember) -> bool:
    """True when this membership means the bot is in the chat."""
    if member.status in PRESENT:
        return True
    # A restricted member may still be in the group.
    return isinstance(member, ChatMemberRestricted) and member.is_member


def joined_or_left(change: ChatMemberUpdated) -> tuple[bool, bool]:
    """(was in the chat, is in the chat) for the bot."""
    return is_present(change.old_chat_member), is_present(change.new_chat_member)


async def membership(update: Update, context: CallbackContext) -> None:
    """The bot was added to a group (introduce itself) or removed (forget the group)."""
    change = update.my_chat_member
    assert change is not None
    chat = change.chat
    if chat.type not in GROUP_TYPES:
        return
    was_in, is_in = joined_or_left(change)
    if is_in and not was_in:
        storage = services(context).storage
        if storage.get_chat_setting(chat.id, INTRODUCED):
            logger.info("In group %s again after it moved; introduced before", chat.id)
            return
        logger.info("Added to group %s", chat.id)
        text = esc(INTRO.format(bot=context.bot.username))
        await send_to(context.bot, chat.id, text)
        storage.set_chat_setting(chat.id, INTRODUCED, True)
    elif was_in and not is_in:
        logger.info("Removed from group %s; forgetting it", chat.id)
        services(context).storage.forget_chat(chat.id)
        admins(context).forget_chat(chat.id)


async def migrated(update: Update, context: CallbackContext) -> None:
    """The group became a supergroup: move everything kept to its new id."""
    message = update.message
    assert message is not None
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    logger.info("Group %s is now supergroup %s; moving its data", old, new)
    services(context).storage.move_chat(old, new)
    admins(context).forget_chat(old)


def register(app: App) -> None:
    """Add the membership and migration handlers."""
    app.add_handler(ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))
