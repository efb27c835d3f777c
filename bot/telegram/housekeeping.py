"""Housekeeping on PTB's JobQueue: forget what is no longer needed, every hour.

A person's remembered state (follow-up context, guided-choice progress, script, recent update
ids) goes after KEEP_DAYS days without a message from them; the record of whose buttons a group
message carries goes when the message is KEEP_DAYS old (its buttons then answer "expired").
Follow-up contexts and abandoned choices expire sooner, when they are next read (CONTEXT_MINUTES,
CHOICE_MINUTES, bot/conversation.py); the group reply log prunes itself (an hour). The record of
what went wrong, and the answer counts, go after UNANSWERED_DAYS.
"""

from __future__ import annotations

import logging
import time

from .common import App, CallbackContext, services

logger = logging.getLogger(__name__)

INTERVAL = 3600  # seconds between runs
FIRST = 60  # seconds after start-up: not in the way of the first updates
DAY = 86400


async def prune(context: CallbackContext) -> None:
    """Delete quiet people's state, old button owners and old misses."""
    s = services(context)
    # The store's own timestamps are wall-clock time, whatever clock the handlers use.
    cutoff = time.time() - s.settings.keep_days * DAY
    people, buttons = s.storage.prune(cutoff, cutoff)
    if people or buttons:
        logger.info("Housekeeping: %d state rows and %d button owners forgotten", people, buttons)
    # Misses carry the handlers' clock (the digest and /review count with it).
    misses = s.storage.prune_misses(s.clock() - s.settings.unanswered_days * DAY)
    if misses:
        logger.info("Housekeeping: %d kept misses older than UNANSWERED_DAYS forgotten", misses)


def register(app: App) -> None:
    """Schedule the pruning (needs the job-queue extra of python-telegram-bot)."""
    if app.job_queue is None:
        logger.warning("No JobQueue (python-telegram-bot[job-queue] missing): nothing is pruned")
        return
    app.job_queue.run_repeating(prune, interval=INTERVAL, first=FIRST, name="housekeeping")
