"""Fixtures of the Teams tests (a pytest plugin: `pytest_plugins = ["tests.teams_fixtures"]`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.teams.server import TeamsServer
from handlers.dispatcher import Core
from storage import teams as refs
from storage.db import session_scope
from tests.teams_fake import TENANT, FakeTeams, TeamsClient, teams_settings


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTeams]:
    server = FakeTeams()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca_file))  # MSAL trusts the fake Entra ID
    yield server
    server.close()


@pytest.fixture
def endpoint(core: Core, fake: FakeTeams) -> Iterator[TeamsServer]:
    """The real SDK app on 127.0.0.1 (ephemeral port), its outbox thread running; tenant → ommen."""
    with session_scope(core.services.engine) as session:
        refs.set_tenant(session, TENANT, "ommen")
    server = TeamsServer(core, teams_settings(fake), host="127.0.0.1", port=0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def teams(endpoint: TeamsServer, fake: FakeTeams) -> TeamsClient:
    return TeamsClient(endpoint.url, fake)
