"""Fixtures of the Slack tests (a pytest plugin: `pytest_plugins = ["tests.slack_fixtures"]`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.slack.app import SlackBot, build_slack
from bot.slack.server import http_server
from handlers.dispatcher import Core
from tests.slack_fake import SECRET, FakeSlack, SlackRequests, slack_settings


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack()
    yield server
    server.close()


@pytest.fixture
def bot(core: Core, fake: FakeSlack) -> SlackBot:
    return build_slack(core, slack_settings(fake), "ommen")


@pytest.fixture
def slack(bot: SlackBot) -> Iterator[SlackRequests]:
    """Signed HTTP requests into the app served by its real WSGI server on 127.0.0.1."""
    server = http_server(bot, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield SlackRequests(f"http://127.0.0.1:{server.server_port}{bot.settings.path}", SECRET, settle=bot.settle)
    server.shutdown()
    server.server_close()
    bot.loop.stop()
