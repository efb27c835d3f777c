"""Logging that never shows the bot token (or the webhook secret).

The token is part of every Bot API URL, and URLs reach logs: httpx logs each request at INFO,
PTB logs its base URL at DEBUG, and a network error's message may quote the URL. So, besides
quietening httpx, every log record is redacted when it is created, whichever logger made it and
whichever handler will write it.

One line per fault: PTB's quote of a non-JSON answer (a proxy's error page, many lines long) is
dropped, since the error handler reports the fault in one line, and PTB's records with a
traceback are made one line unless the log is at DEBUG.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

REDACTED = "[REDACTED]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_DETAIL = 240  # characters of an exception kept in a one-line PTB record

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def redact(text: str) -> str:
    """``text`` with every registered secret replaced."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record so that its message and traceback carry no secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place; never drops a record."""
        if not _secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging to report
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def one_line(record: logging.LogRecord) -> None:
    """A PTB record with a traceback, made one line (its exception's type and message) unless the
    log is at DEBUG: PTB logs some faults it recovers from, such as a failed last getUpdates at
    shutdown, with a full traceback."""
    error = record.exc_info[1] if record.exc_info else None
    if error is None or not record.name.startswith("telegram."):
        return
    if logging.getLogger().isEnabledFor(logging.DEBUG):
        return
    try:
        message = record.getMessage()
    except Exception:  # a malformed record: leave it to logging to report
        return
    detail = " ".join(f"{type(error).__name__}: {error}".split())
    if len(detail) > MAX_DETAIL:
        detail = detail[: MAX_DETAIL - 1] + "…"
    record.msg, record.args = f"{message} ({detail})", None
    record.exc_info, record.exc_text = None, None


class DropQuotedPages(logging.Filter):
    """Drops PTB's "Can not load invalid JSON data: <the whole body>" records.

    A proxy's HTML error page in place of Telegram's JSON would otherwise fill the log with the
    page, line by line; the error handler logs the fault in one line instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the quoted page."""
        return not str(record.msg).startswith("Can not load invalid JSON data")


def protect(*secrets: str | None) -> None:
    """Redact these strings from every log record from now on."""
    global _installed
    with _lock:
        _secrets.update(s for s in secrets if s)
        if _installed:
            return
        previous: Callable[..., logging.LogRecord] = logging.getLogRecordFactory()
        redactor = RedactingFilter()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            one_line(record)
            redactor.filter(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
    request_logger = logging.getLogger("telegram.request.BaseRequest")
    if not any(isinstance(f, DropQuotedPages) for f in request_logger.filters):
        request_logger.addFilter(DropQuotedPages())
    # Request URLs (with the token) are logged by httpx at INFO: keep only its warnings.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def configure(level: int) -> None:
    """Log to stderr at ``level``, one line per record, redacted."""
    logging.basicConfig(format=LOG_FORMAT, level=level)
    logging.getLogger().setLevel(level)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactingFilter())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
