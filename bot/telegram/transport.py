"""A lean HTTP/1.1 connection pool for the Bot API, on asyncio streams.

Why: PTB's default transport, ``HTTPXRequest``, costs 2–3 ms of CPU per request on a small
machine (the httpx, httpcore and anyio layers, and a pool that looks at every connection on every
request); these streams cost about 0.2 ms. At Telegram's own limit (30 messages a second) either
would do; the difference is what lets one process answer hundreds of updates a second
(``python -m bot bench --e2e``).

Scope: what the Bot API needs. A POST with a JSON body; keep-alive connections, at most
``pool_size`` at once, each dropped after ``KEEPALIVE`` idle seconds (as httpx does) or as soon as
the server closes it; answers sized by Content-Length, chunked, or ended by the server closing;
TLS with certifi's certificates (the ones httpx uses). Anything else is handed to
``HTTPXRequest``: uploads (multipart) and proxies set in the environment (``HTTPS_PROXY`` and
friends), which httpx honours. Nothing is retried here; a failure is a ``NetworkError`` (or
``TimedOut``) for PTB and the error handler, as with httpx.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import time
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

KEEPALIVE = 5.0  # seconds an idle connection is kept for reuse
MAX_HEADER_LINES = 100

Origin = tuple[str, str, int]  # scheme, host, port
_UNSET = type(BaseRequest.DEFAULT_NONE)  # what PTB passes for "no timeout given"


class _Connection:
    """One open connection and when it was last used."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.idle_since = time.monotonic()

    def usable(self) -> bool:
        """Still open on both ends, and not idle for too long."""
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and time.monotonic() - self.idle_since < KEEPALIVE
        )

    def close(self) -> None:
        self.writer.close()


class StreamRequest(BaseRequest):
    """PTB's request interface over asyncio streams (see the module's docstring)."""

    def __init__(
        self,
        pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = pool_size
        self._read, self._write = read_timeout, write_timeout
        self._connect, self._pool_wait = connect_timeout, pool_timeout
        self._slots = asyncio.Semaphore(pool_size)
        self._idle: dict[Origin, list[_Connection]] = {}
        self._proxied: dict[Origin, bool] = {}
        self._tls: ssl.SSLContext | None = None
        self._fallback: HTTPXRequest | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout, in seconds."""
        return self._read

    async def initialize(self) -> None:
        """Nothing to prepare: connections open on first use."""

    async def shutdown(self) -> None:
        """Close every idle connection (and the fallback's)."""
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        if self._fallback is not None:
            await self._fallback.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send one request; its status and body."""
        parts = urlsplit(url)
        scheme = parts.scheme
        origin = (scheme, parts.hostname or "", parts.port or (443 if scheme == "https" else 80))
        if (request_data is not None and request_data.multipart_data) or self._proxy(origin):
            fallback = await self._httpx()
            return await fallback.do_request(
                url,
                method,
                request_data,
                read_timeout,
                write_timeout,
                connect_timeout,
                pool_timeout,
            )
        body = (
            json.dumps(request_data.parameters, ensure_ascii=False).encode()
            if request_data
            else b""
        )
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        host = parts.netloc.rpartition("@")[2]
        head = (
            f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {self.USER_AGENT}\r\n"
            "Accept: application/json\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1")
        try:
            if self._slots.locked():
                async with asyncio.timeout(_seconds(pool_timeout, self._pool_wait)):
                    await self._slots.acquire()
            else:
                await self._slots.acquire()  # free now: no need for a timer
        except TimeoutError:
            raise TimedOut(
                "Pool timeout: every connection is busy; the request was not sent"
            ) from None
        connection: _Connection | None = None
        try:
            connection = self._reuse(origin)
            if connection is None:
                async with asyncio.timeout(_seconds(connect_timeout, self._connect)):
                    connection = await self._open(origin)
            status, keep, payload = await self._exchange(
                connection, head + body, write_timeout, read_timeout
            )
        except TimeoutError as exc:
            _drop(connection)
            raise TimedOut from exc
        except (OSError, EOFError, ValueError, ssl.SSLError) as exc:
            _drop(connection)
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        except BaseException:  # cancelled mid-request: the connection's state is unknown
            _drop(connection)
            raise
        finally:
            self._slots.release()
        assert connection is not None
        if keep:
            connection.idle_since = time.monotonic()
            self._idle.setdefault(origin, []).append(connection)
        else:
            connection.close()
        return status, payload

    async def _exchange(
        self, connection: _Connection, request: bytes, write_timeout: Any, read_timeout: Any
    ) -> tuple[int, bool, bytes]:
        # asyncio.timeout rather than wait_for: no extra task per step of every request.
        connection.writer.write(request)
        async with asyncio.timeout(_seconds(write_timeout, self._write)):
            await connection.writer.drain()
        async with asyncio.timeout(_seconds(read_timeout, self._read)):
            return await _read_answer(connection.reader)

    def _reuse(self, origin: Origin) -> _Connection | None:
        """An idle connection to this origin that is still good; stale ones are closed."""
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if connection.usable():
                return connection
            connection.close()
        return None

    async def _open(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            if self._tls is None:
                import certifi  # httpx's own dependency: the same certificates httpx trusts

                self._tls = ssl.create_default_context(cafile=certifi.where())
            tls = self._tls
        reader, writer = await asyncio.open_connection(
            host, port, ssl=tls, server_hostname=host if tls else None
        )
        return _Connection(reader, writer)

    def _proxy(self, origin: Origin) -> bool:
        """Whether the environment sends this origin through a proxy (then httpx does it)."""
        if origin not in self._proxied:
            proxies = urllib.request.getproxies()
            wanted = proxies.get(origin[0]) or proxies.get("all")
            self._proxied[origin] = bool(wanted) and not urllib.request.proxy_bypass(origin[1])
        return self._proxied[origin]

    async def _httpx(self) -> HTTPXRequest:
        if self._fallback is None:
            self._fallback = HTTPXRequest(
                connection_pool_size=self._pool_size,
                read_timeout=self._read,
                write_timeout=self._write,
                connect_timeout=self._connect,
                pool_timeout=self._pool_wait,
            )
            await self._fallback.initialize()
        return self._fallback


def _seconds(given: Any, default: float | None) -> float | None:
    """A timeout PTB passed, or this transport's default when it passed none."""
    return default if isinstance(given, _UNSET) else given


def _drop(connection: _Connection | None) -> None:
    if connection is not None:
        with contextlib.suppress(Exception):
            connection.close()


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """Status, whether the connection can be reused, and the body of one HTTP/1.1 answer."""
    line = await reader.readline()
    if not line:
        raise EOFError("the connection closed before an answer")
    version, _, rest = line.decode("latin-1").partition(" ")
    status = int(rest.split(" ", 1)[0])
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        line = await reader.readline()
        if line in (b"\r\n", b"\n"):
            break
        if not line:
            raise EOFError("the connection closed in the middle of an answer")
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    else:
        raise ValueError("too many header lines")
    keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    if status in (204, 304) or 100 <= status < 200:
        return status, keep, b""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return status, keep, await _read_chunked(reader)
    if "content-length" in headers:
        return status, keep, await reader.readexactly(int(headers["content-length"]))
    return status, False, await reader.read()  # the end of the answer is the end of the stream


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readline()).split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)  # the CRLF after each chunk
