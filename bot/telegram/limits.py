"""Limits both ways: Telegram's flood control on what the bot sends, and a rate per person on
what it takes in.

Out (``ApiLimiter``): PTB's ``AIORateLimiter`` keeps the bot under Telegram's limits (30
messages a second, 20 a minute per group) and retries after a 429 "retry after N s". This
subclass logs each flood wait in one line (no traceback), gives up at once when Telegram asks for
a wait longer than ``MAX_WAIT``, and sends a message whose HTML Telegram cannot parse once more as
plain text, so a mistake in our markup costs the formatting, not the answer. ``throttle = False``
turns the waiting off (for the end-to-end benchmark, whose fake server has no limits). Every
request the Bot API accepted is shown to the ``observers`` (group_gate.py records there whose
buttons each group message carries).

In (``PersonLimiter``): each person may send ``PER_MINUTE`` messages or button presses a minute
(a token bucket, so a short burst is fine). Beyond that the first update gets a short notice and
the rest are dropped before any work is done, so one person cannot slow everyone else down.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import Enum
from typing import Any

from telegram.error import BadRequest, RetryAfter
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

MAX_WAIT = 60.0  # seconds: a longer flood wait is not worth holding the answer for
TEXT_METHODS = ("sendMessage", "editMessageText")  # methods whose text may be re-sent plain
PER_MINUTE = 20  # messages and button presses one person may send a minute
KEPT_PEOPLE = 10_000  # buckets kept; the least recently seen beyond that are forgotten

_LINK = re.compile(r"<a\s[^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>", re.DOTALL)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")

JSON = bool | dict[str, Any] | list[dict[str, Any]]


def plain_text(markup: str) -> str:
    """Telegram HTML as plain text: links as "title (address)", tags dropped, entities decoded."""
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", markup)
    return html.unescape(_TAG.sub("", text))


def is_parse_error(error: BadRequest) -> bool:
    """True when Telegram refused a text because it could not parse its entities (our markup)."""
    return "can't parse entities" in error.message.lower()


class ApiLimiter(AIORateLimiter):
    """AIORateLimiter with one-line logs, a cap on flood waits and a plain-text second try."""

    def __init__(self, max_retries: int) -> None:
        super().__init__(max_retries=max_retries)
        self.throttle = True  # False: no waiting for Telegram's limits (benchmark only)
        # Called with (method, parameters, result) after each request the Bot API accepted.
        self.observers: list[Callable[[str, dict[str, Any], JSON], None]] = []

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSON:
        """Send one request: throttled, retried after a flood limit, re-sent plain if need be."""
        retries = rate_limit_args or self._max_retries
        attempt = 0
        while True:
            try:
                result = await self._send(callback, args, kwargs, endpoint, data)
            except RetryAfter as exc:
                # PTB keeps the wait as a timedelta; the public property's type is deprecated.
                wait = exc._retry_after.total_seconds()
                if attempt >= retries or wait > MAX_WAIT:
                    logger.warning(
                        "Telegram's flood limit on %s: asked to wait %.0f s; gave up after %d "
                        "retries",
                        endpoint,
                        wait,
                        attempt,
                    )
                    raise
                attempt += 1
                logger.info(
                    "Telegram's flood limit on %s: waiting %.1f s (retry %d of %d)",
                    endpoint,
                    wait,
                    attempt,
                    retries,
                )
                # Hold every other request too while Telegram asks us to wait.
                self._retry_after_event.clear()
                try:
                    await asyncio.sleep(wait + 0.1)
                finally:
                    self._retry_after_event.set()
            else:
                for observe in self.observers:
                    observe(endpoint, data, result)
                return result

    async def _send(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
    ) -> JSON:
        try:
            return await self._limited(callback, args, kwargs, data)
        except BadRequest as exc:
            if endpoint not in TEXT_METHODS or not data.get("parse_mode"):
                raise
            if not is_parse_error(exc):
                raise
            logger.warning(
                "Telegram could not parse the HTML of a %s (%s); sending it as plain text",
                endpoint,
                exc.message,
            )
            plain = {k: v for k, v in data.items() if k != "parse_mode"}
            plain["text"] = plain_text(str(data.get("text", "")))
            return await self._limited(callback, (endpoint, plain), kwargs, plain)

    async def _limited(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        data: dict[str, Any],
    ) -> JSON:
        if not self.throttle:
            return await callback(*args, **kwargs)
        chat_id = data.get("chat_id")
        group: int | str | bool = False
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str):
            group = chat_id
        # The parent's throttling (overall and per group), as AIORateLimiter.process_request
        # does it, minus its retry loop, which is replaced above.
        return await self._run_request(
            chat=chat_id is not None,
            group=group,
            allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
            callback=callback,
            args=args,
            kwargs=kwargs,
        )


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
