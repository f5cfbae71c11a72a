"""The Telegram webhook: a small tornado server that checks the secret before it reads a body.

python-telegram-bot's own webhook server reads every body whole (up to tornado's 100 MB
default) before it compares the secret token. This one, on the same tornado:
- answers 403 as soon as the headers show a missing or wrong X-Telegram-Bot-Api-Secret-Token,
  without reading the body;
- refuses bodies over `MAX_BODY` bytes (413, or the connection is closed) and bodies or headers
  that take longer than `BODY_TIMEOUT_S` / `IDLE_TIMEOUT_S`;
- parses only what passed, and answers 400 to what is not an update;
- logs no request and no body.
Accepted updates go into the Application's update queue, as PTB's server would put them.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Any

import tornado.web
from telegram import Bot, Update
from tornado.httpserver import HTTPServer

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # bytes: an update is a few kB
BODY_TIMEOUT_S = 10.0
IDLE_TIMEOUT_S = 30.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """POST <path>: one update, only with the secret."""

    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, bot: Bot, queue: asyncio.Queue[Any], secret: str) -> None:  # type: ignore[override]
        self.bot, self.queue, self.secret = bot, queue, secret
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        """Headers only: the secret first, then the declared size."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not self.secret or not hmac.compare_digest(given.encode("utf-8", "replace"), self.secret.encode()):
            raise tornado.web.HTTPError(403)
        declared = self.request.headers.get("Content-Length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY:
            raise tornado.web.HTTPError(413)

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > MAX_BODY:
            raise tornado.web.HTTPError(413)
        self.chunks.append(chunk)

    async def post(self) -> None:
        try:
            data = json.loads(b"".join(self.chunks))
            update = Update.de_json(data, self.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError, RecursionError):  # not JSON, or not an update
            update = None
        if update is None:
            raise tornado.web.HTTPError(400)
        await self.queue.put(update)
        self.set_status(200)
        self.finish()

    def log_exception(self, typ, value, tb) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(value, tornado.web.HTTPError):
            log.error("telegram webhook request failed: %s", typ.__name__ if typ else "error")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.finish()  # an empty body: nothing about the bot or the request


class _QuietApp(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: logs stay free of user data."""


class WebhookServer:
    """Serves the webhook path on listen:port until stopped."""

    def __init__(self, bot: Bot, queue: asyncio.Queue[Any], path: str, secret: str) -> None:
        route = "/" + path.strip("/")
        app = _QuietApp([(rf"{route}/?", UpdateHandler, {"bot": bot, "queue": queue, "secret": secret})])
        self._server = HTTPServer(app, max_body_size=MAX_BODY, max_buffer_size=MAX_BODY + 65_536,
                                  body_timeout=BODY_TIMEOUT_S, idle_connection_timeout=IDLE_TIMEOUT_S)

    def listen(self, port: int, address: str) -> None:
        self._server.listen(port, address=address)

    async def stop(self) -> None:
        """Stop listening and close every connection (safe to call twice)."""
        self._server.stop()
        await self._server.close_all_connections()
