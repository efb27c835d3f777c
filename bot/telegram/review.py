"""/review for owners (BOT_ADMIN_IDS) in a private chat: teach the bot from what went wrong.

One group of similar questions at a time, the most frequent first. Its buttons add the group's
questions as phrasings of the nearest entries, search other entries (the owner types a few
words), record the questions as ones the bot must decline, or skip. A teaching is written to
DATA_DIR/learned.yaml (atomically, logged with who made it) and put in force in the same step,
so the next message, in any chat, is answered by it. Usage: send /review to the bot.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from ..learned import LearnedError, learned_path, teach
from ..misses import Group, group_records
from ..parts import Part
from ..review import (
    BROKEN,
    DECLINED,
    GONE,
    NOTHING,
    REVIEW,
    SEARCH_PROMPT,
    SKIPPED,
    TAUGHT,
    card,
    results,
    teachable,
)
from ..storage import DAY
from .common import (
    App,
    CallbackContext,
    Services,
    answer_query,
    edit_html,
    payload,
    send_html,
    services,
)
from .dialog import render
from .feedback import NOT_OWNER
from .html import esc
from .intake import EDITED_GROUP

logger = logging.getLogger(__name__)

SEARCH_KEY = "review_search"  # per owner: the group whose entry they are searching for
SEARCH_MINUTES = 10  # typed words count as a search this long after 🔍 was pressed
SEARCH_GROUP = EDITED_GROUP  # handler group: after intake, before any feature reads the text


def is_owner(s: Services, update: Update) -> bool:
    """True for the users listed in BOT_ADMIN_IDS."""
    user = update.effective_user
    return user is not None and user.id in s.settings.admin_ids


def pending(s: Services) -> list[Group]:
    """Groups of misses no owner has acted on, from the last UNANSWERED_DAYS."""
    since = s.clock() - s.settings.unanswered_days * DAY
    return group_records(s.storage.misses(since, unreviewed=True))


async def show(s: Services, update: Update, message: Message) -> None:
    """Send the first group waiting for review, or say there is none."""
    groups = pending(s)
    if not groups:
        await send_html(message, esc(NOTHING))
        return
    part = card(s.knowledge, groups[0], 1, len(groups), s.clock())
    html, keyboard = render(s, update, part, "hans")
    await send_html(message, html, keyboard)


async def review(update: Update, context: CallbackContext) -> None:
    """/review: the first group, for owners only."""
    assert update.message is not None
    s = services(context)
    if not is_owner(s, update):
        await send_html(update.message, esc(NOT_OWNER))
        return
    user = update.effective_user
    assert user is not None
    s.storage.set_state(user.id, user.id, SEARCH_KEY, None)
    await show(s, update, update.message)


async def button(update: Update, context: CallbackContext) -> None:
    """A review button: teach, decline, skip, search, or open the review."""
    query = update.callback_query
    assert query is not None
    s = services(context)
    message = query.message
    if not is_owner(s, update) or not isinstance(message, Message):
        await answer_query(context, query, NOT_OWNER, alert=True)
        return
    _, action, *rest = [*payload(query).split(":"), ""]
    if action == "open":
        await answer_query(context, query)
        await show(s, update, message)
        return
    group_id = int(rest[0]) if rest and rest[0].isdigit() else -1
    group = next((g for g in pending(s) if any(r.id == group_id for r in g.records)), None)
    if group is None:
        await answer_query(context, query, GONE)
        await show(s, update, message)
        return
    if action == "f":
        user = update.effective_user
        assert user is not None
        s.storage.set_state(user.id, user.id, SEARCH_KEY, {"group": group_id, "at": s.clock()})
        await answer_query(context, query)
        await send_html(message, esc(SEARCH_PROMPT))
        return
    if action == "s":
        s.storage.mark_reviewed([r.id for r in group.records], s.clock())
        await answer_query(context, query)
        await edit_html(query, esc(SKIPPED))
        await show(s, update, message)
        return
    entry = rest[1] if action == "a" and len(rest) > 1 else None
    if action not in ("a", "d") or (action == "a" and entry not in s.knowledge.by_id):
        await answer_query(context, query, GONE)
        return
    await _teach(update, context, query_message=message, group=group, entry=entry)


async def _teach(
    update: Update,
    context: CallbackContext,
    query_message: Message,
    group: Group,
    entry: str | None,
) -> None:
    """Write the group's questions to learned.yaml for ``entry`` (None: decline), put them in
    force for everyone, and show the next group."""
    s = services(context)
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    path = learned_path(s.settings.data_dir)
    try:
        learned, added = teach(path, s.knowledge, teachable(group), entry, f"telegram:{user.id}")
    except LearnedError as exc:
        await answer_query(context, query, "learned.yaml 有错误")
        problems = "\n".join(exc.problems[:5])
        await send_html(query_message, esc(BROKEN.format(problems=problems)))
        return
    s.taught.replace(learned.teachings)  # in force from the next message on, in every chat
    s.storage.mark_reviewed([r.id for r in group.records], s.clock())
    ids = ", ".join(t.id for t in added)
    logger.info(
        "Owner %d taught %s: %d phrasing(s) -> %s", user.id, ids, len(added), entry or "decline"
    )
    if entry is None:
        done = DECLINED.format(n=len(added))
    else:
        done = TAUGHT.format(n=len(added), question=s.knowledge.by_id[entry].question)
    await answer_query(context, query, "已生效")
    await edit_html(query, esc(f"{done}（编号 {ids}）"))
    await show(s, update, query_message)


async def search_words(update: Update, context: CallbackContext) -> None:
    """Words an owner types after 🔍: the entries they find, as buttons. Anything else goes on to
    the features as usual."""
    message, user = update.message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    s = services(context)
    if not is_owner(s, update):
        return
    state = s.storage.get_state(user.id, user.id, SEARCH_KEY)
    at = state.get("at") if state else None
    if state is None or not isinstance(at, int | float):
        return
    if s.clock() - at > SEARCH_MINUTES * 60:
        s.storage.set_state(user.id, user.id, SEARCH_KEY, None)
        return
    group_id = state.get("group")
    if not isinstance(group_id, int):
        return
    part: Part = results(s.knowledge, s.matcher, group_id, message.text)
    html, keyboard = render(s, update, part, "hans")
    await send_html(message, html, keyboard)
    if part.buttons:
        s.storage.set_state(user.id, user.id, SEARCH_KEY, None)
    raise ApplicationHandlerStop  # the words were a search, not a question


def register(app: App) -> None:
    """Add /review, its buttons, and the search typed after 🔍."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("review", review, private))
    app.add_handler(CallbackQueryHandler(button, pattern=rf"^{REVIEW}:"))
    app.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & private & filters.TEXT & ~filters.COMMAND, search_words
        ),
        SEARCH_GROUP,
    )
