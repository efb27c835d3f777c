"""A fake Telegram Bot API server for end-to-end tests, and a driver for a real Application.

The server listens on 127.0.0.1 on a random port and speaks the Bot API's shapes
(``{"ok": true, "result": ...}`` / ``{"ok": false, "error_code": 400, "description": ...}``).
It is strict where Telegram is: HTML must use Telegram's tags, balanced, with ``<``, ``>`` and
``&`` escaped; a text is at most 4096 characters; callback data at most 64 bytes; editing a
message to exactly what it is fails with "message is not modified"; a callback query can be
answered once. Every call is recorded; ``rejected`` lists the calls that failed for a reason other
than a failure the test asked for (``fail(...)``).

Tests inject updates (``message``, ``press``) and read what the bot sent. ``BotDriver`` runs the
real ``Application`` against the server, as ``run_polling`` would, and waits until each injected
update has been fully handled, so a test reads exactly the calls that update caused.

Groups: ``group_chat`` and ``forum_chat`` (a message thread id is refused outside a forum),
``set_member`` (what getChatMember answers: creator, administrator, ...), ``member_update`` (the
bot added or removed) and ``inline_query`` (answered through a checked ``answerInlineQuery``,
the results kept in ``inline_answers``). A ``Sent`` knows what it replied to and its topic.

Usage:
    async with FakeBotAPI(TOKEN) as api:
        settings = Settings(token=TOKEN, api_base_url=api.base_url, ...)
        async with BotDriver(api, build_application(settings, knowledge)) as bot:
            sent = await bot.say("互联网营销师工资多少")
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tornado.http1connection import HTTP1Connection
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler

MAX_TEXT = 4096
DROP = 0  # fail(method, DROP): close the connection without an answer
HANG = -1  # fail(method, HANG): answer nothing until the client gives up
MAX_CALLBACK_DATA = 64
BOT_ID = 7000000001
BOT_USERNAME = "cert_advisor_test_bot"

# Parameters that stay strings even if they look like JSON (a text "123" is not a number).
STRING_FIELDS = {
    "text",
    "description",
    "short_description",
    "callback_query_id",
    "secret_token",
    "url",
    "parse_mode",
    "caption",
    "action",
    "language_code",
}
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "tg-emoji",
    "blockquote",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"<>]*\")?)*)\s*>")
_ENTITY = re.compile(r"&(?:([a-zA-Z]+)|#([0-9]+)|#x([0-9a-fA-F]+));")
_HREF = re.compile(r'\bhref="([^"]*)"')


class ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The plain text of a Telegram HTML message; ApiError(400) where Telegram would refuse."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            tag = _TAG.match(text, i)
            if tag is None:
                raise ApiError(
                    400,
                    f"Bad Request: can't parse entities: Unexpected character '<' at byte offset "
                    f"{len(text[:i].encode())}",
                )
            closing, name = tag.group(1), tag.group(2).lower()
            if name not in ALLOWED_TAGS:
                raise ApiError(
                    400, f'Bad Request: can\'t parse entities: Unsupported start tag "{name}"'
                )
            if closing:
                if not stack or stack[-1] != name:
                    raise ApiError(
                        400,
                        f'Bad Request: can\'t parse entities: Unmatched end tag "{name}" '
                        f"at byte offset {len(text[:i].encode())}",
                    )
                stack.pop()
            else:
                if name == "blockquote" and "blockquote" in stack:
                    raise ApiError(
                        400, "Bad Request: can't parse entities: blockquote can't be nested"
                    )
                if name == "a":
                    href = _HREF.search(tag.group(3))
                    if href is None or not re.match(r"^(https?|tg)://", href.group(1)):
                        raise ApiError(400, "Bad Request: can't parse entities: bad link href")
                stack.append(name)
            i = tag.end()
        elif ch == "&":
            entity = _ENTITY.match(text, i)
            if entity is None or (entity.group(1) and entity.group(1) not in NAMED_ENTITIES):
                raise ApiError(
                    400,
                    "Bad Request: can't parse entities: character '&' is reserved and must be "
                    "escaped with &amp;",
                )
            named, dec, hexa = entity.groups()
            out.append(
                NAMED_ENTITIES[named] if named else chr(int(dec or hexa, 16 if hexa else 10))
            )
            i = entity.end()
        elif ch == ">":
            raise ApiError(
                400, "Bad Request: can't parse entities: character '>' must be escaped with &gt;"
            )
        else:
            out.append(ch)
            i += 1
    if stack:
        raise ApiError(
            400,
            f"Bad Request: can't parse entities: Can't find end tag corresponding to \"{stack[-1]}\"",
        )
    return "".join(out)


# --- what a person sees on a phone ----------------------------------------------------------------

PHONE_WIDTH = 35  # Chinese characters per line on a phone screen
QUOTE_LINES = 3  # Telegram shows an expandable quote collapsed to its first 3 lines
_EXPANDABLE = re.compile(r"<blockquote\s+expandable\s*>(.*?)</blockquote>", re.DOTALL)


def text_width(text: str) -> float:
    """Width in Chinese characters: CJK (and anything else not ASCII) 1, ASCII half."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


def phone_lines(text: str) -> int:
    """How many lines ``text`` takes on a phone: each line ceil(width / 35), at least one (an
    empty line is a visible gap too)."""
    return sum(max(1, math.ceil(text_width(line) / PHONE_WIDTH)) for line in text.split("\n"))


def _collapse(text: str) -> str:
    """A quote's text as shown collapsed: its first QUOTE_LINES phone lines, then "…"."""
    if phone_lines(text) <= QUOTE_LINES:
        return text
    shown: list[str] = []
    room = float(QUOTE_LINES * PHONE_WIDTH)
    for line in text.split("\n"):
        taken = max(1, math.ceil(text_width(line) / PHONE_WIDTH)) * PHONE_WIDTH
        if taken <= room:
            shown.append(line)
            room -= taken
            continue
        if room > 0:
            cut = ""
            for ch in line:
                if text_width(cut + ch) > room - 1:
                    break
                cut += ch
            shown.append(cut)
        break
    shown[-1] += "…"
    return "\n".join(shown)


def closed_view(html: str) -> str:
    """The plain text of a message as Telegram first shows it: every expandable quote
    collapsed to its first three lines (the message must be valid, see parse_html)."""
    parse_html(html)
    pieces: list[str] = []
    last = 0
    for quote in _EXPANDABLE.finditer(html):
        pieces.append(parse_html(html[last : quote.start()]))
        pieces.append(_collapse(parse_html(quote.group(1)).strip("\n")))
        last = quote.end()
    pieces.append(parse_html(html[last:]))
    return "".join(pieces)


def check_markup(markup: Any) -> None:
    """Validate an inline keyboard as Telegram does."""
    if markup is None:
        return
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup["inline_keyboard"]:
        if not isinstance(row, list):
            raise ApiError(400, 'Bad Request: field "inline_keyboard" must be an Array of Arrays')
        for b in row:
            if not isinstance(b, dict) or not str(b.get("text", "")).strip():
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            kinds = [k for k in ("callback_data", "url", "switch_inline_query") if k in b]
            if len(kinds) != 1:
                raise ApiError(
                    400, "Bad Request: inline keyboard button must have exactly one action"
                )
            if "callback_data" in b:
                size = len(str(b["callback_data"]).encode())
                if not 1 <= size <= MAX_CALLBACK_DATA:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if "url" in b and not re.match(r"^(https?|tg)://\S+$", str(b["url"])):
                raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")


@dataclass
class Call:
    """One request the bot made, and how the server answered."""

    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None
    description: str = ""
    injected: bool = False  # failed because the test asked for it
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass
class Failure:
    """A failure the test asked for: the next ``times`` calls of ``method`` fail like this."""

    method: str
    status: int
    description: str
    retry_after: int | None
    times: int
    body: str | None = None  # sent as text/html instead of the JSON error (a proxy's error page)


@dataclass
class Sent:
    """A message the bot sent (and its current state, after edits)."""

    chat_id: int
    message_id: int
    html: str
    text: str
    reply_markup: dict[str, Any] | None
    edits: int = 0
    reply_to: int | None = None  # the message id it replies to
    thread_id: int | None = None  # its forum topic

    @property
    def closed(self) -> str:
        """The text as a person first sees it, expandable quotes collapsed."""
        return closed_view(self.html)

    def buttons(self) -> list[dict[str, Any]]:
        """Every button, row by row."""
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]

    def button(self, text_part: str) -> dict[str, Any]:
        """The first button whose text contains ``text_part``."""
        for b in self.buttons():
            if text_part in b["text"]:
                return b
        raise AssertionError(
            f"no button with {text_part!r} in {[b['text'] for b in self.buttons()]}"
        )

    def as_message(self, bot: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": bot,
            "chat": chat,
            "date": int(time.time()),
            "text": self.text,
        }
        if self.edits:
            message["edit_date"] = int(time.time())
        if self.reply_markup:
            message["reply_markup"] = self.reply_markup
        if self.thread_id is not None:
            message["message_thread_id"] = self.thread_id
            message["is_topic_message"] = True
        return message


class FakeBotAPI:
    """The server: state, request handling, update injection and failure injection."""

    def __init__(self, token: str, username: str = BOT_USERNAME) -> None:
        self.token = token
        self.bot = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "证书咨询助手",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], Sent] = {}
        self.callback_queries: dict[str, bool] = {}  # id -> answered
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.description = ""
        self.short_description = ""
        self.webhook: dict[str, Any] = {}
        self.failures: list[Failure] = []
        self.queued_at: dict[int, float] = {}  # update id -> when the test queued it
        self.deliveries: dict[int, list[float]] = {}  # update id -> when getUpdates returned it
        self.last_poll = 0.0  # when the latest getUpdates that was answered arrived
        self.members: dict[tuple[int, int], str] = {}  # (chat, user) -> status; else "member"
        self.inline_answers: dict[str, list[dict[str, Any]]] = {}  # query id -> results
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._offset = 0  # updates below this id are confirmed
        self._changed = asyncio.Condition()
        self._server: HTTPServer | None = None
        self.port = 0

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        sockets = bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        app = WebApplication([(r"/bot([^/]+)/([A-Za-z]+)", _MethodHandler, {"api": self})])
        self._server = HTTPServer(app)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL should be."""
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what tests read -------------------------------------------------------------------------

    @property
    def rejected(self) -> list[Call]:
        """Calls the server refused that the test did not ask to fail."""
        return [c for c in self.calls if not c.ok and not c.injected]

    def sent_messages(self, chat_id: int | None = None) -> list[Sent]:
        """Messages the bot sent, oldest first, in their current state."""
        return [
            m
            for (chat, _), m in sorted(self.messages.items(), key=lambda kv: kv[0][1])
            if chat_id is None or chat == chat_id
        ]

    def fail(
        self,
        method: str,
        status: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
        body: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with this status (DROP: drop the
        connection without answering, as a network failure; HANG: never answer, until the client
        gives up). ``body`` replaces the JSON error, e.g. with a proxy's HTML error page."""
        default = {
            400: "Bad Request: injected failure",
            403: "Forbidden: bot was blocked by the user",
            429: f"Too Many Requests: retry after {retry_after or 1}",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }
        self.failures.append(
            Failure(
                method,
                status,
                description or default.get(status, "Error"),
                retry_after,
                times,
                body,
            )
        )

    # --- injecting updates -----------------------------------------------------------------------

    @staticmethod
    def user(user_id: int, first_name: str = "小王") -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": "zh-hans",
        }

    def private_chat(self, user: dict[str, Any]) -> dict[str, Any]:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        self.chats[user["id"]] = chat
        return chat

    def group_chat(self, chat_id: int, title: str = "考证交流群") -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self.chats[chat_id] = chat
        return chat

    def forum_chat(self, chat_id: int, title: str = "考证论坛") -> dict[str, Any]:
        """A supergroup with topics (messages in a topic carry its message_thread_id)."""
        chat = {"id": chat_id, "type": "supergroup", "title": title, "is_forum": True}
        self.chats[chat_id] = chat
        return chat

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """What getChatMember says of this user here: creator, administrator, member, left…"""
        self.members[(chat_id, user_id)] = status

    def member_update(
        self, chat: dict[str, Any], by: dict[str, Any], old: str, new: str
    ) -> dict[str, Any]:
        """Queue a my_chat_member update: ``by`` changed the bot's status from ``old`` to ``new``."""
        return self._queue(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": by,
                    "date": int(time.time()),
                    "old_chat_member": self._member(self.bot, old),
                    "new_chat_member": self._member(self.bot, new),
                }
            }
        )

    def inline_query(self, user: dict[str, Any], query: str) -> dict[str, Any]:
        """Queue an inline query (``@bot <query>`` typed by ``user``)."""
        query_id = f"iq{next(self._query_ids)}"
        self.inline_answers.pop(query_id, None)
        return self._queue(
            {"inline_query": {"id": query_id, "from": user, "query": query, "offset": ""}}
        )

    def message(
        self,
        user: dict[str, Any],
        text: str | None,
        chat: dict[str, Any] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Queue a message from ``user`` (in their private chat unless ``chat``): a text, or with
        ``text=None`` whatever ``extra`` holds (e.g. ``sticker={...}``)."""
        chat = chat or self.private_chat(user)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
            **extra,
        }
        if text is not None:
            message["text"] = text
            command = re.match(r"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
            if command:
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
                ]
        return self._queue({"message": message})

    def press(
        self, user: dict[str, Any], message: Sent | dict[str, Any], data: str
    ) -> dict[str, Any]:
        """Queue a button press by ``user`` on ``message`` (a Sent, or a raw message dict)."""
        if isinstance(message, Sent):
            chat = self.chats.get(message.chat_id) or {"id": message.chat_id, "type": "private"}
            raw = message.as_message(self.bot, chat)
        else:
            raw = message
        query_id = str(next(self._query_ids))
        self.callback_queries[query_id] = False
        return self._queue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": raw,
                    "chat_instance": f"ci{raw['chat']['id']}",
                    "data": data,
                }
            }
        )

    def queue_update(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue an update of any kind: ``body`` is its payload, e.g. ``{"edited_message": …}``."""
        return self._queue(body)

    def redeliver(self, update: dict[str, Any]) -> None:
        """Offer an update again with the same id, as Telegram does when the bot died before
        confirming it (the next bot to poll from the start gets it)."""
        self.updates = sorted([*self.updates, update], key=lambda u: int(u["update_id"]))
        asyncio.get_running_loop().create_task(self._notify())

    def _queue(self, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **body}
        self.queued_at[update["update_id"]] = time.monotonic()
        self.updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_taken(self, update_id: int, timeout: float = 10) -> None:
        """Wait until the bot has confirmed ``update_id`` (asked for updates after it)."""

        async def taken() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: self._offset > update_id)

        await asyncio.wait_for(taken(), timeout)

    # --- the methods -----------------------------------------------------------------------------

    async def handle(self, method: str, params: dict[str, Any], closed: asyncio.Event) -> Any:
        handler: Callable[..., Any] | None = getattr(self, f"api_{method.lower()}", None)
        if handler is None:
            raise ApiError(404, "Not Found")
        result = handler(params, closed) if method.lower() == "getupdates" else handler(params)
        if asyncio.iscoroutine(result):
            result = await result
        return result

    def injected_failure(self, method: str) -> Failure | None:
        for failure in self.failures:
            if failure.method.lower() == method.lower() and failure.times > 0:
                failure.times -= 1
                return failure
        return None

    def api_getme(self, params: dict[str, Any]) -> Any:
        return self.bot

    async def api_getupdates(self, params: dict[str, Any], closed: asyncio.Event) -> Any:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        async with self._changed:
            if offset:
                self._offset = max(self._offset, offset)
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            self._changed.notify_all()
        deadline = time.monotonic() + timeout
        while True:
            pending = [u for u in self.updates if u["update_id"] >= offset][:limit]
            if pending or closed.is_set() or time.monotonic() >= deadline:
                return pending
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait(), min(0.2, max(0.0, deadline - time.monotonic()))
                    )

    def api_deletewebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {}
        return True

    def api_setwebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = dict(params)
        return True

    def api_getwebhookinfo(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }

    def api_close(self, params: dict[str, Any]) -> Any:
        return True

    def api_logout(self, params: dict[str, Any]) -> Any:
        return True

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", 0))
        if chat_id not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self.chats[chat_id]

    def _text(self, params: dict[str, Any]) -> tuple[str, str]:
        html = str(params.get("text", ""))
        if params.get("parse_mode") == "HTML":
            plain = parse_html(html)
        elif params.get("parse_mode") in (None, ""):
            plain = html
        else:
            raise ApiError(400, f"Bad Request: unsupported parse_mode {params['parse_mode']}")
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(plain) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return html, plain

    def api_sendmessage(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        html, plain = self._text(params)
        markup = params.get("reply_markup")
        check_markup(markup)
        thread = params.get("message_thread_id")
        if thread is not None and not chat.get("is_forum"):
            raise ApiError(400, "Bad Request: message thread not found")
        sent = Sent(chat["id"], next(self._message_ids), html, plain, markup)
        reply = params.get("reply_parameters") or {}
        sent.reply_to = reply.get("message_id") or params.get("reply_to_message_id")
        sent.thread_id = int(thread) if thread is not None else None
        self.messages[(chat["id"], sent.message_id)] = sent
        return sent.as_message(self.bot, chat)

    def _find(self, params: dict[str, Any]) -> tuple[dict[str, Any], Sent]:
        chat = self._chat(params)
        sent = self.messages.get((chat["id"], int(params.get("message_id", 0))))
        if sent is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return chat, sent

    def api_editmessagetext(self, params: dict[str, Any]) -> Any:
        chat, sent = self._find(params)
        html, plain = self._text(params)
        markup = params.get("reply_markup")
        check_markup(markup)
        if html == sent.html and markup == sent.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        sent.html, sent.text, sent.reply_markup = html, plain, markup
        sent.edits += 1
        return sent.as_message(self.bot, chat)

    def api_editmessagereplymarkup(self, params: dict[str, Any]) -> Any:
        chat, sent = self._find(params)
        markup = params.get("reply_markup")
        check_markup(markup)
        if markup == sent.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        sent.reply_markup = markup
        sent.edits += 1
        return sent.as_message(self.bot, chat)

    def api_answercallbackquery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id", ""))
        if self.callback_queries.get(query_id, True):
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(str(params.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.callback_queries[query_id] = True
        return True

    def api_sendchataction(self, params: dict[str, Any]) -> Any:
        self._chat(params)
        return True

    def api_getchatmember(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        user_id = int(params.get("user_id", 0))
        user = self.bot if user_id == self.bot["id"] else self.user(user_id)
        return self._member(user, self.members.get((chat["id"], user_id), "member"))

    @staticmethod
    def _member(user: dict[str, Any], status: str) -> dict[str, Any]:
        """A ChatMember object with the fields Telegram sends for its status."""
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            rights = (
                "can_be_edited can_manage_chat can_delete_messages can_manage_video_chats "
                "can_restrict_members can_promote_members can_change_info can_invite_users "
                "can_post_stories can_edit_stories can_delete_stories"
            )
            member.update(dict.fromkeys(rights.split(), False))
            member["is_anonymous"] = False
        elif status == "restricted":
            rights = (
                "is_member can_send_messages can_send_audios can_send_documents can_send_photos "
                "can_send_videos can_send_video_notes can_send_voice_notes can_send_polls "
                "can_send_other_messages can_add_web_page_previews can_change_info "
                "can_invite_users can_pin_messages can_manage_topics"
            )
            member.update(dict.fromkeys(rights.split(), False))
            member["until_date"] = 0
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def api_answerinlinequery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("inline_query_id", ""))
        if query_id in self.inline_answers or not query_id.startswith("iq"):
            raise ApiError(400, "Bad Request: query is too old and response timeout expired")
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids):
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        for r, rid in zip(results, ids, strict=True):
            if not 1 <= len(rid.encode()) <= 64:
                raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
            if r.get("type") != "article" or not str(r.get("title", "")).strip():
                raise ApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
            content = r.get("input_message_content") or {}
            self._text({"text": content.get("message_text", ""), **content})
            check_markup(r.get("reply_markup"))
        self.inline_answers[query_id] = results
        return True

    def api_setmycommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope") or {"type": "default"}
        if scope.get("type") == "chat" and int(scope.get("chat_id", 0)) not in self.chats:
            raise ApiError(400, "Bad Request: chat not found")
        key = scope["type"] + (f":{scope['chat_id']}" if "chat_id" in scope else "")
        self.commands[key] = commands
        return True

    def api_setmydescription(self, params: dict[str, Any]) -> Any:
        text = str(params.get("description", ""))
        if len(text) > 512:
            raise ApiError(400, "Bad Request: description is too long")
        self.description = text
        return True

    def api_setmyshortdescription(self, params: dict[str, Any]) -> Any:
        text = str(params.get("short_description", ""))
        if len(text) > 120:
            raise ApiError(400, "Bad Request: short description is too long")
        self.short_description = text
        return True


def _decode(name: str, value: str) -> Any:
    if name in STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class _MethodHandler(RequestHandler):
    """POST/GET /bot<token>/<method>."""

    def initialize(self, api: FakeBotAPI) -> None:
        self.api = api
        self.closed = asyncio.Event()

    def on_connection_close(self) -> None:
        self.closed.set()

    def check_xsrf_cookie(self) -> None:
        pass

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    async def post(self, token: str, method: str) -> None:
        params = self._params()
        call = Call(method, params)
        if method != "getUpdates":
            self.api.calls.append(call)
        try:
            if token != self.api.token:
                raise ApiError(401, "Unauthorized")
            failure = self.api.injected_failure(method)
            if failure is not None and failure.status == HANG:
                call.injected, call.status = True, HANG
                with contextlib.suppress(TimeoutError):  # until the client gives up
                    await asyncio.wait_for(self.closed.wait(), 120)
                return
            if failure is not None and failure.body is not None:
                call.injected, call.status, call.description = True, failure.status, failure.body
                self.set_status(failure.status)
                self.set_header("Content-Type", "text/html")
                self.finish(failure.body)
                return
            if failure is not None and failure.status == DROP:
                call.injected, call.status = True, 0
                connection = self.request.connection
                assert isinstance(connection, HTTP1Connection)
                connection.stream.close()  # a network error, not an HTTP answer
                return
            if failure is not None:
                call.injected = True
                parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
                raise ApiError(failure.status, failure.description, parameters)
            call.result = await self.api.handle(method, params, self.closed)
            body: dict[str, Any] = {"ok": True, "result": call.result}
        except ApiError as exc:
            call.status, call.description = exc.code, exc.description
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
        if self.closed.is_set():
            return  # the client gave up (a cancelled long poll): nobody to answer
        self.set_status(call.status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))
        if method == "getUpdates" and call.ok:
            now = time.monotonic()
            for update in call.result:
                self.api.deliveries.setdefault(update["update_id"], []).append(now)
            self.api.last_poll = max(self.api.last_poll, call.at)

    def _params(self) -> dict[str, Any]:
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            loaded = json.loads(self.request.body)
            return loaded if isinstance(loaded, dict) else {}
        params: dict[str, Any] = {}
        for name in self.request.arguments:
            # As sent: tornado's get_argument would turn control characters into spaces.
            raw = self.request.arguments[name][-1].decode("utf-8", errors="replace")
            params[name] = _decode(name, raw)
        return params


# --- driving a real Application ---------------------------------------------------------------------


class BotDriver:
    """Runs an Application against the fake server as run_polling does, one update at a time."""

    def __init__(self, api: FakeBotAPI, app: Any, poll_timeout: float = 1.0) -> None:
        self.api = api
        self.app = app
        self.poll_timeout = poll_timeout

    async def start(self) -> None:
        app = self.app
        await app.initialize()
        if app.post_init:
            await app.post_init(app)

        def error_callback(exc: Exception) -> None:
            app.create_task(app.process_error(error=exc, update=None))

        await app.updater.start_polling(
            poll_interval=0,
            timeout=self.poll_timeout,
            allowed_updates=["message", "callback_query"],
            error_callback=error_callback,
        )
        await app.start()

    async def stop(self) -> None:
        app = self.app
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)

    async def __aenter__(self) -> BotDriver:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def handled(self, update: dict[str, Any], timeout: float = 10) -> list[Call]:
        """Wait until ``update`` is fully handled; the calls it caused."""
        mark = len(self.api.calls)
        await self.api.wait_taken(update["update_id"], timeout)
        await asyncio.wait_for(self.app.update_queue.join(), timeout)
        return self.api.calls[mark:]

    async def say(
        self,
        user: dict[str, Any],
        text: str | None,
        chat: dict[str, Any] | None = None,
        **extra: Any,
    ) -> list[Sent]:
        """Send a message as ``user``; the messages the bot sent or edited in reply."""
        mark = len(self.api.calls)
        await self.handled(self.api.message(user, text, chat, **extra))
        return self._touched(mark)

    async def tap(self, user: dict[str, Any], message: Sent, button_text: str) -> list[Sent]:
        """Press the button whose text contains ``button_text``; the messages sent or edited."""
        return await self.press(user, message, message.button(button_text)["callback_data"])

    async def press(
        self, user: dict[str, Any], message: Sent | dict[str, Any], data: str
    ) -> list[Sent]:
        """Press a button with this callback data; the messages sent or edited in reply."""
        mark = len(self.api.calls)
        update = self.api.press(user, message, data)
        await self.handled(update)
        query_id = update["callback_query"]["id"]
        assert self.api.callback_queries[query_id], f"callback query {data!r} was not answered"
        return self._touched(mark)

    def toasts(self, since: int = 0) -> list[str]:
        """Texts shown by answerCallbackQuery."""
        return [
            str(c.params.get("text", ""))
            for c in self.api.calls[since:]
            if c.method == "answerCallbackQuery" and c.ok and c.params.get("text")
        ]

    def _touched(self, mark: int) -> list[Sent]:
        out: list[Sent] = []
        for call in self.api.calls[mark:]:
            if call.ok and call.method in (
                "sendMessage",
                "editMessageText",
                "editMessageReplyMarkup",
            ):
                key = (call.result["chat"]["id"], call.result["message_id"])
                sent = self.api.messages[key]
                if sent not in out:
                    out.append(sent)
        return out


def settings_env(api: FakeBotAPI, data_dir: Any, **extra: str) -> dict[str, str]:
    """Environment for the bot to talk to this server and keep its data in ``data_dir``."""
    return {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "DATA_DIR": str(data_dir),
        **extra,
    }


async def start_bot(api: FakeBotAPI, data_dir: Any, knowledge: Any, **env: str) -> BotDriver:
    """The real application, built from settings pointing at this server, polling."""
    from ..settings import load_settings
    from ..telegram.app import build_application

    settings = load_settings(settings_env(api, data_dir, **env), env_file=None)
    driver = BotDriver(api, build_application(settings, knowledge))
    await driver.start()
    return driver


def webhook_port(url: str) -> int:
    """The port of a webhook URL."""
    return urlsplit(url).port or 443
