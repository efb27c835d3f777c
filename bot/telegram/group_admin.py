"""Group settings, for the group's admins: /settings, with buttons.

Usage (in a group, as an admin): /settings shows the two settings with buttons to change them:
auto-answer (off by default: the bot answers only /ask, mentions and replies to it) and how many
answers per hour the group gets (10, 30 or 60). Anyone else is politely refused.

Who is an admin: asked with getChatMember and remembered for ADMIN_CACHE seconds. A message from
an anonymous admin comes from @GroupAnonymousBot in the name of the group itself (``sender_chat``
is the group): that is an admin. A message sent in the name of a channel (a linked channel, or a
person posting as their channel) is not. A setting is committed to storage before the bot says
it is saved.

Callback data: ``gs:auto:on|off`` and ``gs:hourly:<n>`` (stamped with the owner, see common.py).
"""

from __future__ import annotations

from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from .common import (
    App,
    CallbackContext,
    answer_expired,
    answer_query,
    button,
    edit_html,
    is_group,
    payload,
    send_html,
    services,
)
from .group_policy import (
    AUTO_KEY,
    HOURLY_CHOICES,
    HOURLY_KEY,
    GroupSettings,
    load_settings,
)
from .html import bold, esc

SETTINGS = "gs"  # callback data prefix
ADMIN_CACHE = 60.0  # seconds an admin check is trusted
ADMIN_STATUSES = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)
CACHE_SIZE = 5000  # (chat, user) pairs remembered before expired ones are swept

TITLE = "⚙️ 本群设置"
AUTO_ON = "自动回答：已打开。看到关于这两个证书的明确问题时，我会直接回答；没把握就不出声。"
AUTO_OFF = "自动回答：已关闭。我只回答 /ask、@我 的消息和对我消息的回复。"
HOURLY = (
    "每小时最多回答：{n} 条（同一个人每分钟最多 3 条，10 分钟内重复的问题只提示看上面的回答）。"
)
PRIVACY_NOTE = (
    "⚠️ 注意：我现在开着隐私模式，在群里只收得到命令、@我 和回复我的消息，看不到其他消息。"
    "要让自动回答生效，请把我设为本群管理员，或请机器人的主人在 @BotFather 用 /setprivacy 关闭隐私模式。"
)
ONLY_ADMINS = "抱歉，只有本群管理员可以修改我的设置。有问题可以直接 /ask 问我。"
NOT_AS_CHANNEL = "抱歉，以频道身份发的消息不能修改设置，请用管理员自己的账号发送 /settings。"
IN_PRIVATE = "这个命令是给群管理员用的：把我加进群后，在群里发送 /settings。"
SAVED = "已保存"


class Admins:
    """Who administers which group: asked with getChatMember, remembered for ADMIN_CACHE s."""

    def __init__(self) -> None:
        self._known: dict[tuple[int, int], tuple[bool, float]] = {}

    async def check(self, bot: Bot, chat_id: int, user_id: int, now: float) -> bool:
        """True when the user is the group's owner or one of its administrators."""
        known = self._known.get((chat_id, user_id))
        if known is not None and known[1] > now:
            return known[0]
        member = await bot.get_chat_member(chat_id, user_id)
        is_admin = member.status in ADMIN_STATUSES
        if len(self._known) >= CACHE_SIZE:
            self._known = {k: v for k, v in self._known.items() if v[1] > now}
        self._known[(chat_id, user_id)] = (is_admin, now + ADMIN_CACHE)
        return is_admin

    def forget_chat(self, chat_id: int) -> None:
        """Drop what is known about a group (the bot left it, or it changed its id)."""
        self._known = {k: v for k, v in self._known.items() if k[0] != chat_id}


def admins(context: CallbackContext) -> Admins:
    """The application's admin cache."""
    found = context.bot_data.setdefault("admins", Admins())
    assert isinstance(found, Admins)
    return found


async def is_admin(context: CallbackContext, chat_id: int, user_id: int) -> bool:
    """True when this user administers this group (cached briefly)."""
    return await admins(context).check(context.bot, chat_id, user_id, services(context).clock())


async def sender_is_admin(context: CallbackContext, message: Message) -> bool:
    """True when the message comes from an admin of its group, anonymous admins included."""
    if message.sender_chat is not None:
        # Sent in the name of a chat: the group itself means an anonymous admin; a channel
        # (linked or a person's own) is nobody's admin here.
        return message.sender_chat.id == message.chat.id
    user = message.from_user
    return user is not None and await is_admin(context, message.chat.id, user.id)


def settings_html(settings: GroupSettings, privacy_note: bool) -> str:
    """The settings message."""
    lines = [
        bold(TITLE),
        "",
        esc(AUTO_ON if settings.auto_answer else AUTO_OFF),
        esc(HOURLY.format(n=settings.hourly_limit)),
    ]
    if privacy_note:
        lines += ["", esc(PRIVACY_NOTE)]
    return "\n".join(lines)


def settings_keyboard(settings: GroupSettings) -> InlineKeyboardMarkup:
    """A switch for auto-answer, and a button per hourly limit (the current one ticked)."""
    if settings.auto_answer:
        switch = button("🔕 关闭自动回答", SETTINGS, "auto", "off")
    else:
        switch = button("🤖 打开自动回答", SETTINGS, "auto", "on")
    limits = [
        button(
            f"{'✅ ' if n == settings.hourly_limit else ''}{n} 条/小时", SETTINGS, "hourly", str(n)
        )
        for n in HOURLY_CHOICES
    ]
    return InlineKeyboardMarkup([[switch], limits])


async def needs_privacy_note(
    context: CallbackContext, chat_id: int, settings: GroupSettings
) -> bool:
    """Auto-answer is on but Telegram will not show the bot plain messages in this group."""
    if not settings.auto_answer or context.bot.can_read_all_group_messages:
        return False
    # An admin bot sees every message even in privacy mode.
    return not await is_admin(context, chat_id, context.bot.id)


async def show_settings(update: Update, context: CallbackContext) -> None:
    """/settings in a group: the settings with buttons, for admins only."""
    message = update.message
    assert message is not None
    if not await sender_is_admin(context, message):
        foreign = message.sender_chat is not None and message.sender_chat.id != message.chat.id
        await send_html(message, esc(NOT_AS_CHANNEL if foreign else ONLY_ADMINS))
        return
    settings = load_settings(services(context).storage, message.chat.id)
    note = await needs_privacy_note(context, message.chat.id, settings)
    await send_html(message, settings_html(settings, note), settings_keyboard(settings))


async def settings_in_private(update: Update, context: CallbackContext) -> None:
    """/settings in a private chat: say where it works."""
    assert update.message is not None
    await send_html(update.message, esc(IN_PRIVATE))


async def change_setting(update: Update, context: CallbackContext) -> None:
    """A settings button: check the presser is an admin, store the change, then show it."""
    query = update.callback_query
    assert query is not None and query.data is not None
    message = query.message
    _, what, value = [*payload(query).split(":"), "", ""][:3]
    valid = (what == "auto" and value in ("on", "off")) or (
        what == "hourly" and value.isdigit() and int(value) in HOURLY_CHOICES
    )
    if not isinstance(message, Message) or not is_group(message) or not valid:
        await answer_expired(update, context)
        return
    chat_id = message.chat.id
    if not await is_admin(context, chat_id, query.from_user.id):
        await answer_query(context, query, ONLY_ADMINS, alert=True)
        return
    storage = services(context).storage
    if what == "auto":
        storage.set_chat_setting(chat_id, AUTO_KEY, value == "on")
    else:
        storage.set_chat_setting(chat_id, HOURLY_KEY, int(value))
    # Committed above: only now is the change confirmed.
    settings = load_settings(storage, chat_id)
    await answer_query(context, query, SAVED)
    note = await needs_privacy_note(context, chat_id, settings)
    await edit_html(query, settings_html(settings, note), settings_keyboard(settings))


def register(app: App) -> None:
    """Add /settings and its buttons."""
    groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler("settings", show_settings, groups))
    app.add_handler(CommandHandler("settings", settings_in_private, filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(change_setting, pattern=rf"^{SETTINGS}:"))
