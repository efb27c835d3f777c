"""The HTTP transport (bot/telegram/transport.py) on its own, against small local servers:
TLS and reused connections, the ways an answer can end, timeouts, a full pool, a server that
closes idle connections, and proxies (handed to httpx). The whole bot uses it in every other
Telegram test, against the fake server."""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram import transport
from bot.telegram.transport import StreamRequest


def data(**params: Any) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


class Server:
    """A raw HTTP server on 127.0.0.1 that answers each request with what ``reply`` returns."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.connections = 0
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.reply = self.json_reply

    @staticmethod
    def json_reply(body: bytes) -> bytes:
        out = json.dumps({"ok": True, "result": json.loads(body or b"{}")}).encode()
        return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(out), out)

    async def __aenter__(self) -> Server:
        self.server = await asyncio.start_server(self.serve, "127.0.0.1", 0, ssl=self.tls)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.close()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                headers = {}
                while (header := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = header.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                self.requests.append((line.decode().strip(), headers, body))
                answer = self.reply(body)
                if answer is None:
                    await asyncio.sleep(3600)  # never answer
                writer.write(answer)
                await writer.drain()
                head = answer.split(b"\r\n\r\n")[0]
                if b"Connection: close" in head or not (
                    b"Content-Length" in head or b"chunked" in head
                ):
                    writer.close()
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return


@pytest.fixture
async def request_() -> AsyncIterator[StreamRequest]:
    made = StreamRequest(pool_size=2, read_timeout=1.0, pool_timeout=0.3)
    yield made
    await made.shutdown()


async def test_a_json_post_is_answered_and_the_connection_reused(request_: StreamRequest) -> None:
    async with Server() as server:
        url = f"http://127.0.0.1:{server.port}/bot1:A/sendMessage"
        for text in ("你好 <b>&", "第二条"):
            status, body = await request_.do_request(url, "POST", data(chat_id=5, text=text))
            assert status == 200 and json.loads(body)["result"] == {"chat_id": 5, "text": text}
        assert server.connections == 1  # kept alive
        line, headers, _ = server.requests[0]
        assert line == "POST /bot1:A/sendMessage HTTP/1.1"
        assert headers["content-type"] == "application/json"
        assert headers["host"] == f"127.0.0.1:{server.port}"


@pytest.mark.parametrize(
    "answer",
    [
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"ok"\r\n6\r\n:true}\r\n0\r\n\r\n',
        b'HTTP/1.1 502 Bad Gateway\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{"ok":true}',
        b'HTTP/1.0 200 OK\r\n\r\n{"ok":true}',  # no length: the answer ends when the server closes
    ],
)
async def test_every_way_an_answer_can_end(request_: StreamRequest, answer: bytes) -> None:
    async with Server() as server:
        server.reply = lambda body: answer
        url = f"http://127.0.0.1:{server.port}/bot1:A/getMe"
        status, body = await request_.do_request(url, "POST")
        assert body == b'{"ok":true}' and status in (200, 502)
        await request_.do_request(url, "POST")  # a closed connection is not reused
        assert server.connections == (1 if b"chunked" in answer else 2)


async def test_a_connection_the_server_closed_is_not_reused(request_: StreamRequest) -> None:
    async with Server() as server:
        url = f"http://127.0.0.1:{server.port}/bot1:A/getMe"
        await request_.do_request(url, "POST")
        for writers in list(request_._idle.values()):
            for connection in writers:
                connection.reader.feed_eof()  # as when the server's FIN arrives
        status, _ = await request_.do_request(url, "POST")
        assert status == 200 and server.connections == 2


async def test_no_answer_is_a_timeout_and_a_dead_server_a_network_error(
    request_: StreamRequest,
) -> None:
    async with Server() as server:
        server.reply = lambda body: None  # type: ignore[assignment,return-value]
        url = f"http://127.0.0.1:{server.port}/bot1:A/getMe"
        with pytest.raises(TimedOut):
            await request_.do_request(url, "POST", read_timeout=0.2)
        server.reply = lambda body: b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"
        with pytest.raises(TimedOut):
            await request_.do_request(url, "POST", read_timeout=0.2)  # the rest never comes
    with pytest.raises(NetworkError, match=r"ConnectionRefused|OSError"):
        await request_.do_request(url, "POST")


async def test_a_full_pool_times_out_without_sending(request_: StreamRequest) -> None:
    async with Server() as server:
        server.reply = lambda body: None  # type: ignore[assignment,return-value]
        url = f"http://127.0.0.1:{server.port}/bot1:A/getMe"
        hanging = [asyncio.create_task(request_.do_request(url, "POST")) for _ in range(2)]
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await request_.do_request(url, "POST")
        assert len(server.requests) == 2
        for task in hanging:
            with pytest.raises(TimedOut):
                await task


async def test_with_a_proxy_in_the_environment_httpx_is_used(
    request_: StreamRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with Server() as server:
        with pytest.raises(NetworkError, match="httpx"):
            await request_.do_request(f"http://127.0.0.1:{server.port}/bot1:A/getMe", "POST")
        assert server.requests == []  # it went to the proxy, not straight to the server


async def test_tls_with_keep_alive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("no openssl to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"),
            *("-addext", "subjectAltName=DNS:localhost"),
        ],
        check=True,
        capture_output=True,
    )
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    made = StreamRequest()
    real = ssl.create_default_context
    monkeypatch.setattr(  # trust our own certificate instead of certifi's authorities
        transport.ssl, "create_default_context", lambda cafile=None: real(cafile=str(cert))
    )
    try:
        async with Server(server_tls) as server:
            url = f"https://localhost:{server.port}/bot1:A/sendMessage"
            for _ in range(3):
                status, body = await made.do_request(url, "POST", data(text="加密"))
                assert status == 200 and json.loads(body)["result"] == {"text": "加密"}
            assert server.connections == 1
    finally:
        await made.shutdown()
