"""Unauthenticated load on the two HTTP endpoints (issue 10, item 6), over real sockets on 127.0.0.1.

Slack HTTP mode (waitress, bounded) and the Telegram webhook (our tornado server) answer a
too-large or unsigned request from its headers, without waiting for (or reading) its body;
stalled bodies do not cost a thread each; both listen on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator

import pytest

from bot.slack import server as slack_server
from bot.slack.app import SlackBot
from bot.slack.server import http_server
from bot.slack.settings import SlackSettings
from bot.telegram.settings import TelegramSettings
from handlers.dispatcher import Core
from tests.slack_fake import SECRET as SLACK_SECRET
from tests.slack_fake import SlackRequests
from tests.telegram_fake import FakeBotApi, message
from tests.telegram_harness import running, until

pytest_plugins = ["tests.slack_fixtures"]  # fixtures: fake, bot, slack

DEADLINE_S = 20.0  # a deadline for a slow shared machine, not a timing assertion
SECRET = "geheim_token-123"


def _headers_only(port: int, path: str, headers: dict[str, str]) -> tuple[socket.socket, str]:
    """Send a POST's headers and no body; the status line the server answers with ('' if it closed)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S)
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    sock.sendall("\r\n".join(lines).encode())
    try:
        first = sock.recv(200).decode("latin-1").split("\r\n")[0]
    except TimeoutError:
        first = "no answer before the deadline"
    return sock, first


@pytest.fixture
def server(bot: SlackBot) -> Iterator[int]:
    srv = http_server(bot, "127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True).start()
    yield srv.server_port
    srv.shutdown()
    srv.server_close()
    bot.loop.stop()


def test_slack_refuses_a_huge_body_from_its_headers(server: int) -> None:
    sock, status = _headers_only(server, "/slack/events", {"Content-Type": "application/json",
                                                            "Content-Length": "400000000"})
    sock.close()
    assert status.startswith("HTTP/1.1 413"), status


def test_slack_refuses_unsigned_requests_before_parsing_them(server: int, bot: SlackBot) -> None:
    slack = SlackRequests(f"http://127.0.0.1:{server}/slack/events", "not-the-secret")
    nested = "[" * 200_000  # would exhaust a parser's recursion: never parsed unsigned
    assert slack.post(nested, "application/json")[0] == 401
    assert slack.dm("U1", "Mag ik een fles wijn aannemen?")[0] == 401
    assert bot.sender.drain() == 0  # nothing reached the bot


def test_stalled_slack_bodies_do_not_cost_a_thread_each(server: int, bot: SlackBot) -> None:
    before = threading.active_count()
    stalled = [_open_stalled(server) for _ in range(60)]
    try:
        slack = SlackRequests(f"http://127.0.0.1:{server}/slack/events", SLACK_SECRET)
        assert slack.dm("U1", "hallo")[0] == 200  # still served while 60 bodies stall
        assert threading.active_count() <= before + getattr(slack_server, "THREADS", 8) + 2
    finally:
        for sock in stalled:
            sock.close()


def _open_stalled(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S)
    sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000\r\n\r\n{")
    return sock


def test_both_endpoints_listen_on_this_machine_only_by_default(bot: SlackBot) -> None:
    assert SlackSettings(_env_file=None).host == "127.0.0.1"  # type: ignore[call-arg]
    assert TelegramSettings(_env_file=None).webhook_listen == "127.0.0.1"  # type: ignore[call-arg]
    srv = http_server(bot, SlackSettings(_env_file=None).host, 0)  # type: ignore[call-arg]
    try:
        host = srv._server.effective_host if hasattr(srv, "_server") else srv.server_address[0]
        assert host == "127.0.0.1"
    finally:
        srv.server_close()


@pytest.fixture
def tg_fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_telegram_webhook_checks_the_secret_and_the_size_before_the_body(core: Core, tg_fake: FakeBotApi) -> None:
    port = _free_port()
    path = "/hook/telegram"
    tg_fake.has_started(3001)  # its updates come by webhook, not through the fake's getUpdates

    async def scenario() -> list[str]:
        async with running(core, tg_fake, mode="webhook", webhook_listen="127.0.0.1", webhook_port=port,
                           webhook_path=path, webhook_url="https://bot.example.org/hook/telegram",
                           secret_token=SECRET):
            answers = []
            for headers in ({"Content-Type": "application/json", "Content-Length": "100000000"},
                            {"Content-Type": "application/json", "Content-Length": "100000000",
                             "X-Telegram-Bot-Api-Secret-Token": "fout"},
                            {"Content-Type": "application/json", "Content-Length": "100000000",
                             "X-Telegram-Bot-Api-Secret-Token": SECRET}):
                sock, status = await asyncio.to_thread(_headers_only, port, path, headers)
                sock.close()
                answers.append(status)
            # not an update, with the secret: 400, and the bot goes on
            body = b"[" * 50_000
            answers.append(await asyncio.to_thread(_post, port, path, body, SECRET))
            good = json.dumps(message(3001, "/help")).encode()
            answers.append(await asyncio.to_thread(_post, port, path, good, SECRET))
            await until(lambda: tg_fake.sent(3001), "the answer to the valid update")
            return answers
    answers = asyncio.run(scenario())
    assert answers[0].startswith("HTTP/1.1 403") and answers[1].startswith("HTTP/1.1 403"), answers
    assert answers[2].startswith(("HTTP/1.1 413", "HTTP/1.1 400")), answers
    assert answers[3].startswith("HTTP/1.1 400") and answers[4].startswith("HTTP/1.1 200"), answers


def _post(port: int, path: str, body: bytes, secret: str) -> str:
    sock = socket.create_connection(("127.0.0.1", port), timeout=DEADLINE_S)
    head = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    sock.sendall(head + body)
    status = sock.recv(200).decode("latin-1").split("\r\n")[0]
    sock.close()
    return status
