"""The owners' weekly digest, on PTB's JobQueue at DIGEST_DAY and DIGEST_HOUR (Beijing time).

It covers what happened since the last digest (at most UNANSWERED_DAYS back) and goes to every
owner who has started a private chat with the bot. It is sent at most once in six days, whatever
restarts happen around the hour, and not at all when nothing happened.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram.error import TelegramError

from ..digest import BEIJING, digest
from ..storage import DAY
from .common import App, CallbackContext, send_to, services
from .dialog import markup
from .errors import describe
from .html import esc
from .review import pending

logger = logging.getLogger(__name__)

LAST_KEY = "digest_sent_at"
MIN_GAP = 6 * DAY  # one a week, even if the job runs again after a restart


async def send_digest(context: CallbackContext) -> None:
    """Send the digest to each owner, unless one went out this week or nothing happened."""
    s = services(context)
    now = s.clock()
    last = float(s.storage.get_meta(LAST_KEY) or 0.0)
    if now - last < MIN_GAP:
        return
    since = max(last, now - s.settings.unanswered_days * DAY)
    misses = s.storage.misses(since)
    # Answers are counted per day: from the day after the last digest's, so none counts twice.
    asks = s.storage.asks(since + DAY if last else since)
    part = digest(s.knowledge, misses, asks, since, now, len(pending(s)))
    if part is None:
        return  # quiet: nothing new
    s.storage.set_meta(LAST_KEY, repr(now))  # before sending: a crash must not send it twice
    for owner in sorted(s.settings.admin_ids):
        try:
            await send_to(context.bot, owner, esc(part.text), markup(part.buttons))
        except TelegramError as exc:  # an owner who never started the bot: 403
            logger.info("Could not send the digest to owner %d: %s", owner, describe(exc))


def register(app: App) -> None:
    """Schedule the digest weekly (needs the job-queue extra)."""
    s = app.bot_data["services"]
    if app.job_queue is None or not s.settings.admin_ids:
        return
    at = dt.time(s.settings.digest_hour, tzinfo=BEIJING)
    day = s.settings.digest_day % 7  # PTB counts days from Sunday = 0
    app.job_queue.run_daily(send_digest, at, days=(day,), name="digest")
