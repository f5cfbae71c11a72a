"""One process, several Slack workspaces, each mapped to its own organisation by an administrator."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.slack.app import SlackBot
from handlers.dispatcher import Core
from storage.slack_workspaces import set_workspace, workspaces
from tests.slack_fake import FakeSlack, SlackRequests, blocks_of, texts_of

pytest_plugins = ["tests.slack_fixtures"]  # fixtures: fake, bot, slack

WINE = "Mag ik een fles wijn van 25 euro van een leverancier aannemen?"


def test_two_workspaces_are_answered_from_their_own_organisations_documents(
        core: Core, bot: SlackBot, slack: SlackRequests, fake: FakeSlack) -> None:
    set_workspace(core.services.engine, "T7", "haarlem")  # what an administrator stored
    bot.orgs._read_at = -bot.orgs.REFRESH_S  # read it now instead of within half a minute
    slack.team = "T1"
    slack.dm("UA", WINE)
    slack.team = "T7"
    slack.dm("UB", WINE)
    bot.sender.drain()
    posts = {p["channel"]: texts_of(blocks_of(p)) for p in fake.of("chat.postMessage")}
    assert "Ommen" in posts["DUA"] and "Haarlem" not in posts["DUA"]
    assert "Haarlem" in posts["DUB"] and "Ommen" not in posts["DUB"]


def test_the_administrator_sets_lists_and_removes_the_mapping(core: Core, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    url = str(core.services.engine.url)
    monkeypatch.setenv("INTEGRITY_DATABASE_URL", url)
    monkeypatch.setenv("SLACK_WORKSPACES", "T2=samentwente")
    assert main(["slack", "--set-workspace", "T7=haarlem"]) == 0
    assert workspaces(core.services.engine) == {"T7": "haarlem"}
    assert main(["slack", "--set-workspace", "T8=atlantis"]) == 2  # unknown organisation: refused
    assert main(["slack", "--workspaces"]) == 0
    out = capsys.readouterr().out
    assert "T7 → haarlem" in out and "T2 → samentwente (SLACK_WORKSPACES)" in out
    assert main(["slack", "--remove-workspace", "T7"]) == 0
    assert workspaces(core.services.engine) == {}
