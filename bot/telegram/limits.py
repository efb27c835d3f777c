"""Limits both ways: Telegram's flood control on what the bot sends, and a rate per person on
what it takes in.

Out (``ApiLimiter``): PTB's own ``AIORateLimiter`` keeps the bot under Telegram's limits (30
messages a second, 20 a minute per group) and retries after a 429 "retry after N s". This
subclass, through ``process_request`` only, logs each flood wait in one line naming the method,
gives up at once when Telegram asks for a wait longer than ``MAX_WAIT`` (holding every answer
that long helps nobody), and shows every request the Bot API accepted to the ``observers``
(group_gate.py records there whose buttons each group message carries). ``throttle=False``
turns the waiting off (for the end-to-end benchmark, whose fake server has no limits).

In (``PersonLimiter``): each person may send ``PER_MINUTE`` messages or button presses a minute
(a token bucket, so a short burst is fine). Beyond that the first update gets a short notice and
the rest are dropped before any work is done, so one person cannot slow everyone else down.
"""

from __future__ import annotations

import datetime as dtm
import logging
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import Enum
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter
from telegram.warnings import PTBDeprecationWarning

logger = logging.getLogger(__name__)

MAX_WAIT = 60.0  # seconds: a longer flood wait is not worth holding the answer for
PER_MINUTE = 20  # messages and button presses one person may send a minute
KEPT_PEOPLE = 10_000  # buckets kept; the least recently seen beyond that are forgotten

JSON = bool | dict[str, Any] | list[dict[str, Any]]
Request = Callable[..., Coroutine[Any, Any, JSON]]


def wait_of(error: RetryAfter) -> float:
    """The seconds Telegram asked to wait."""
    with warnings.catch_warnings():
        # Until PTB v23 the int form of retry_after warns; both forms are read here.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, dtm.timedelta) else float(wait)


class _TooLong(Exception):
    """Carries a flood wait past AIORateLimiter's retry loop, which would wait it out."""

    def __init__(self, error: RetryAfter) -> None:
        super().__init__(str(error))
        self.error = error


class ApiLimiter(AIORateLimiter):
    """AIORateLimiter with one-line flood logs, a cap on flood waits and request observers."""

    def __init__(self, max_retries: int, throttle: bool = True) -> None:
        if throttle:
            super().__init__(max_retries=max_retries)
        else:  # a rate of 0: no waiting
            super().__init__(overall_max_rate=0, group_max_rate=0, max_retries=max_retries)
        # Called with (method, parameters, result) after each request the Bot API accepted.
        self.observers: list[Callable[[str, dict[str, Any], JSON], None]] = []

    async def process_request(
        self,
        callback: Request,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        """AIORateLimiter's throttling and retries, with a flood wait over MAX_WAIT given up on."""

        async def capped(*call_args: Any, **call_kwargs: Any) -> JSON:
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter as exc:
                wait = wait_of(exc)
                if wait > MAX_WAIT:
                    raise _TooLong(exc) from exc
                logger.info("Telegram's flood limit on %s: asked to wait %.1f s", endpoint, wait)
                raise

        try:
            result = await super().process_request(
                capped, args, kwargs, endpoint, data, rate_limit_args
            )
        except _TooLong as too_long:
            logger.warning(
                "Telegram's flood limit on %s: asked to wait %.0f s, more than %.0f s; gave up",
                endpoint,
                wait_of(too_long.error),
                MAX_WAIT,
            )
            raise too_long.error from None
        for observe in self.observers:
            observe(endpoint, data, result)
        return result


class Verdict(Enum):
    """What to do with one update from one person."""

    ALLOW = "allow"
    NOTICE = "notice"  # over the limit for the first time in a while: say so once
    DROP = "drop"  # over the limit, already told


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    told: bool = False


class PersonLimiter:
    """A token bucket per person: ``per_minute`` updates a minute, bursts up to the same."""

    def __init__(
        self,
        per_minute: int = PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
        kept: int = KEPT_PEOPLE,
    ) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens a second
        self.clock = clock
        self.kept = kept
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()

    def check(self, person: int) -> Verdict:
        """Take one token for this person's update, if there is one."""
        now = self.clock()
        bucket = self._buckets.get(person)
        if bucket is None:
            bucket = self._buckets[person] = _Bucket(self.capacity, now)
            while len(self._buckets) > self.kept:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(person)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            if bucket.tokens >= self.capacity:
                bucket.told = False  # calm for a minute: a later flood is told again, once
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict.ALLOW
        if bucket.told:
            return Verdict.DROP
        bucket.told = True
        return Verdict.NOTICE
