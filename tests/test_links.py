"""Answers link to their source where the organisation publishes it, and name registered people.

The real knowledge base has no `url` yet (the source documents name no public address, and the
YAML holds only published ones), so these tests give a copy of it one.
"""

from __future__ import annotations

import asyncio
import copy
import threading
from collections.abc import Iterator

import pytest

from bot.app import build_core
from bot.links import NO_LINKS
from bot.settings import Settings
from bot.slack.app import build_slack
from bot.slack.blocks import use_links as slack_links
from bot.slack.server import http_server
from bot.telegram.render import use_links as telegram_links
from handlers.dispatcher import Core
from knowledge.engine import KnowledgeBase
from storage.db import session_scope
from storage.roles import add_role
from tests.slack_fake import SECRET, FakeSlack, SlackRequests, blocks_of, slack_settings
from tests.telegram_fake import FakeBotApi, message
from tests.telegram_harness import running, until

URL = "https://example.org/integriteitsbeleid-ommen"
WINE = "Mag ik een fles wijn van 25 euro van een leverancier aannemen?"


@pytest.fixture
def linked_core(settings: Settings, kb: KnowledgeBase) -> Iterator[Core]:
    linked = copy.deepcopy(kb)
    for doc in linked.org("ommen").documents:
        doc.url = URL
    core = build_core(settings, linked)
    with session_scope(core.services.engine) as session:
        add_role(session, "ommen", "trusted_person", "slack", "UTPX", "Anna de Vries")
    yield core
    slack_links(NO_LINKS)  # the links are per process: later tests start without them
    telegram_links(NO_LINKS)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack()
    yield server
    server.close()


def test_a_slack_answer_links_its_source_and_mentions_the_registered_trusted_person(
        linked_core: Core, fake: FakeSlack) -> None:
    bot = build_slack(linked_core, slack_settings(fake), "ommen")
    server = http_server(bot, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        slack = SlackRequests(f"http://127.0.0.1:{server.server_port}/slack/events", SECRET, settle=bot.settle)
        slack.dm("U1", WINE)
        slack.dm("U2", "Wie is de vertrouwenspersoon?")
        bot.sender.drain()
        wine, who = fake.of("chat.postMessage")
        source = next(b for b in blocks_of(wine) if b["type"] == "context")["elements"][0]["text"]
        assert source.startswith(f"<{URL}|📄 ") and source.endswith(">")
        assert "<@UTPX>" in str(blocks_of(who))
    finally:
        server.shutdown()
        server.server_close()


def test_a_telegram_answer_links_its_source(linked_core: Core) -> None:
    api = FakeBotApi().start()

    async def scenario() -> None:
        async with running(linked_core, api):
            api.push(message(5001, WINE))
            await until(lambda: api.sent(5001), "the answer")
    try:
        asyncio.run(scenario())
    finally:
        api.close()
    assert f'<i><a href="{URL}">📄 ' in api.sent(5001)[0]["text"]
