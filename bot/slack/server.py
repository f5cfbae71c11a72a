"""Running the app: Socket Mode (an outgoing websocket, no public URL) or HTTP mode (one port).

HTTP mode serves the Events API, interactivity and the slash command on one path through
bolt's WSGI adapter under a threading wsgiref server; bolt verifies every request's signature
(a bad one gets 401).
"""

from __future__ import annotations

import logging
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.slack.app import SlackBot

log = logging.getLogger(__name__)


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread per request: a slow request does not hold up Slack's other deliveries."""

    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    """No access log: request lines carry nothing useful and logs must stay free of user data."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def http_server(bot: SlackBot, host: str, port: int) -> WSGIServer:
    """A server for the app on host:port (port 0 = any free port); call serve_forever()."""
    wsgi = SlackRequestHandler(bot.app, path=bot.settings.path)
    return make_server(host, port, wsgi, server_class=ThreadingWSGIServer, handler_class=QuietHandler)


def socket_mode(bot: SlackBot) -> SocketModeHandler:
    """Connect to Slack over Socket Mode (apps.connections.open, then the websocket); non-blocking."""
    web_client = WebClient(token=bot.settings.bot_token or None, base_url=bot.settings.api_base_url)
    handler = SocketModeHandler(bot.app, bot.settings.app_token, web_client=web_client)
    handler.connect()
    return handler
