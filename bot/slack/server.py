"""Running the app: Socket Mode (an outgoing websocket, no public URL) or HTTP mode (one port).

HTTP mode serves the Events API, interactivity and the slash command on one path through
bolt's WSGI adapter under waitress, a production WSGI server with bounded resources:
- a fixed pool of worker threads (a flood of requests queues, it does not spawn threads);
- at most `CONNECTION_LIMIT` open connections, each closed after `IDLE_TIMEOUT_S` of silence
  (stalled bodies do not pile up), each holding at most `SPOOL_AFTER` bytes in memory;
- bodies over `MAX_BODY` bytes get 413 before they are read;
- every POST's Slack signature is checked on the raw bytes before anything parses them
  (a bad or missing one gets 401; bolt checks it again), and a signed body bolt could not
  read gets 400 instead of an exception.
It listens on 127.0.0.1 unless SLACK_HOST says otherwise (a reverse proxy forwards to it).
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from waitress import wasyncore
from waitress.server import create_server

from bot.slack.app import SlackBot

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # bytes: Slack's events, commands and interactions are a few kB
THREADS = 8
CONNECTION_LIMIT = 500  # open connections; more wait in the listen backlog
IDLE_TIMEOUT_S = 5  # a connection silent this long (a stalled body) is closed
SPOOL_AFTER = 65_536  # bytes of a body kept in memory; the rest waits in a temporary file

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def signed_only(inner: Wsgi, signing_secret: str) -> Wsgi:
    """A WSGI app that lets through only POSTs with a valid Slack signature (GETs pass: OAuth pages)."""
    verifier = SignatureVerifier(signing_secret)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return inner(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            start_response("413 Payload Too Large", [("Content-Type", "text/plain")])
            return [b""]
        body = environ["wsgi.input"].read(length)
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        if not (timestamp and signature and verifier.is_valid(body, timestamp, signature)):
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b""]
        if not _well_formed(body, environ.get("CONTENT_TYPE", "")):
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b""]
        environ["wsgi.input"] = io.BytesIO(body)
        return inner(environ, start_response)

    return app


def _well_formed(body: bytes, content_type: str) -> bool:
    """Whether bolt can read the body: a JSON object, or a form whose `payload` is one (bolt's
    own reading raises on anything else, which would be a 500 and a traceback)."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json") or text.startswith("{"):
            return isinstance(json.loads(text), dict)
        payload = parse_qs(text).get("payload")
        return payload is None or isinstance(json.loads(payload[0]), dict)
    except (ValueError, RecursionError):  # includes UnicodeDecodeError and JSONDecodeError
        return False


class HttpServer:
    """waitress for one app, with the small interface the CLI and tests use (like wsgiref's)."""

    def __init__(self, app: Wsgi, host: str, port: int) -> None:
        self._server: Any = create_server(
            app, host=host, port=port, threads=THREADS, connection_limit=CONNECTION_LIMIT,
            channel_timeout=IDLE_TIMEOUT_S, max_request_body_size=MAX_BODY, max_request_header_size=64_000,
            inbuf_overflow=SPOOL_AFTER,
            ident=None, expose_tracebacks=False)
        self.server_port = int(self._server.effective_port)
        self._stop = threading.Event()
        self._stopped = threading.Event()

    def serve_forever(self, poll_interval: float | None = 0.5) -> None:
        try:
            while not self._stop.is_set():
                wasyncore.loop(timeout=poll_interval or 0.5, map=self._server._map, use_poll=True, count=1)
        finally:
            self._server.task_dispatcher.shutdown()
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop serving (from another thread); returns when the loop has ended."""
        self._stop.set()
        self._server.pull_trigger()
        self._stopped.wait(10)

    def server_close(self) -> None:
        for channel in list(self._server._map.values()):
            try:
                channel.close()
            except OSError:
                pass


def http_server(bot: SlackBot, host: str, port: int) -> HttpServer:
    """A server for the app on host:port (port 0 = any free port); call serve_forever()."""
    wsgi = SlackRequestHandler(bot.app, path=bot.settings.path)
    return HttpServer(signed_only(wsgi, bot.settings.signing_secret), host, port)


def socket_mode(bot: SlackBot) -> SocketModeHandler:
    """Connect to Slack over Socket Mode (apps.connections.open, then the websocket); non-blocking."""
    web_client = WebClient(token=bot.settings.bot_token or None, base_url=bot.settings.api_base_url)
    handler = SocketModeHandler(bot.app, bot.settings.app_token, web_client=web_client)
    handler.connect()
    return handler
