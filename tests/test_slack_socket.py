"""Socket Mode start-up: apps.connections.open on the fake Web API, then a local websocket.

The websocket server plays Slack: it says hello, sends envelopes (an event, a slash command,
a button press) and reads the acknowledgements. The envelopes go through the same bolt app
and listeners as HTTP requests.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.server import ServerConnection, serve

from bot.slack.app import SlackBot
from bot.slack.server import socket_mode
from tests.slack_fake import FakeSlack, blocks_of, texts_of

pytest_plugins = ["tests.slack_fixtures"]  # fixtures: fake, bot

WINE = "Mag ik een fles wijn van 25 euro van een leverancier aannemen?"


class FakeSocket:
    """Slack's end of the Socket Mode websocket."""

    def __init__(self) -> None:
        self.outgoing: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.acks: queue.Queue[dict[str, Any]] = queue.Queue()
        self.paths: list[str] = []
        self.server = serve(self._session, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/link/?ticket=t1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _session(self, conn: ServerConnection) -> None:
        self.paths.append(conn.request.path if conn.request else "")
        conn.send(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}))
        reader = threading.Thread(target=self._read, args=(conn,), daemon=True)
        reader.start()
        while (envelope := self.outgoing.get()) is not None:
            conn.send(json.dumps(envelope))
        conn.close()

    def _read(self, conn: ServerConnection) -> None:
        try:
            for raw in conn:
                self.acks.put(json.loads(raw))
        except Exception:  # the connection closed
            return

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Send an envelope and return its acknowledgement."""
        self.outgoing.put(envelope)
        while True:
            ack = self.acks.get(timeout=20)
            if ack.get("envelope_id") == envelope["envelope_id"]:
                return ack

    def close(self) -> None:
        self.outgoing.put(None)
        self.server.shutdown()


@pytest.fixture
def socket(fake: FakeSlack) -> Iterator[FakeSocket]:
    ws = FakeSocket()
    fake.ws_url = ws.url
    yield ws
    ws.close()


def test_socket_mode_connects_and_answers_events_commands_and_buttons(bot: SlackBot, fake: FakeSlack,
                                                                     socket: FakeSocket) -> None:
    handler = socket_mode(bot)
    try:
        [opened] = fake.of("apps.connections.open")
        assert [c.token for c in fake.calls if c.method == "apps.connections.open"] == ["xapp-test"]
        event = {"type": "message", "channel": "DU1", "channel_type": "im", "user": "U1", "text": WINE,
                 "ts": "1600000000.000001", "event_ts": "1600000000.000001"}
        ack = socket.send({"envelope_id": "env-1", "type": "events_api", "accepts_response_payload": False,
                           "payload": {"type": "event_callback", "team_id": "T1", "event_id": "Ev1",
                                       "event": event}})
        assert ack == {"envelope_id": "env-1"}
        bot.settle()
        bot.sender.drain()
        [post] = fake.of("chat.postMessage")
        assert post["channel"] == "DU1" and blocks_of(post)[0]["text"]["text"].startswith("🟠")

        ack = socket.send({"envelope_id": "env-2", "type": "slash_commands", "accepts_response_payload": True,
                           "payload": {"team_id": "T1", "channel_id": "C1", "channel_name": "algemeen",
                                       "user_id": "U2", "command": "/integriteit", "text": "",
                                       "response_url": fake.response_url("s1"), "trigger_id": "trig.1"}})
        assert ack["envelope_id"] == "env-2"
        bot.settle()
        bot.sender.drain()
        [response] = fake.of("response_url")
        assert response["response_type"] == "ephemeral" and "Integriteitsbot" in texts_of(blocks_of(response))

        ack = socket.send({"envelope_id": "env-3", "type": "interactive", "accepts_response_payload": False,
                           "payload": {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"},
                                       "trigger_id": "trig.2", "channel": {"id": "DU1"},
                                       "container": {"type": "message", "channel_id": "DU1",
                                                     "message_ts": "1700000000.000001"},
                                       "message": {"ts": "1700000000.000001"},
                                       "actions": [{"action_id": "itb-0", "value": "report:crime",
                                                    "type": "button", "action_ts": "1"}]}})
        assert ack["envelope_id"] == "env-3"
        bot.settle()
        bot.sender.drain()
        route = fake.of("chat.postMessage")[1]
        assert route["channel"] == "DU1" and blocks_of(route)[0]["text"]["text"].startswith("📣")
    finally:
        handler.close()
