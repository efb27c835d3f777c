"""The connection getUpdates uses: PTB's ``HTTPXRequest`` with two guards for long polling.

- Telegram does not answer in time: PTB retries at once but logs it at DEBUG only; a hanging
  API is a fault worth one line in the normal log.
- An update PTB cannot read (a field it requires is missing, say from an older self-hosted Bot
  API server): PTB logs the batch as not processed, does not confirm it, and would fetch it
  again, forever, answering nobody. When the same batch comes back, each update in it is checked,
  and one PTB cannot read is logged in one line and handed on as a bare update id, which no
  handler takes and the next poll confirms. (Checking only then keeps the normal case free of a
  second reading.)

Both use the request class's public hooks: ``do_request`` and ``parse_json_payload``.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import TimedOut
from telegram.request import HTTPXRequest

from .errors import describe

logger = logging.getLogger(__name__)

POLL_SLACK = 5.0  # seconds Telegram may take beyond the long-poll timeout to answer getUpdates


class PollingRequest(HTTPXRequest):
    """``HTTPXRequest`` for getUpdates: a timeout logged, unreadable updates skipped."""

    def __init__(self) -> None:
        super().__init__(connection_pool_size=1, read_timeout=POLL_SLACK)
        self._last_first: object = None  # id of the first update of the last batch

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """The request; a timeout is logged in one line (then PTB's polling loop asks again)."""
        try:
            return await super().do_request(*args, **kwargs)
        except TimedOut:
            logger.warning("Telegram did not answer getUpdates in time; asking again")
            raise

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        """The answer; when it repeats the last batch (PTB could not take it), every update PTB
        cannot read is made a bare id."""
        answer = HTTPXRequest.parse_json_payload(payload)
        updates = answer.get("result")
        if not isinstance(updates, list) or not updates or not isinstance(updates[0], dict):
            return answer
        first = updates[0].get("update_id")
        again, self._last_first = first == self._last_first, first
        if again:
            answer["result"] = [readable(u) for u in updates]
        return answer


def readable(raw: Any) -> Any:
    """The update as Telegram sent it, or only its id when PTB cannot read it (logged)."""
    if not isinstance(raw, dict) or "update_id" not in raw:
        return raw
    try:
        Update.de_json(raw, None)
    except Exception as exc:  # whatever PTB raises on data it cannot read
        logger.warning(
            "Update %s could not be read and is skipped: %s",
            raw["update_id"],
            describe(exc, where=False),
        )
        return {"update_id": raw["update_id"]}
    return raw
