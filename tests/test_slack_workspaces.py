"""One process, several Slack workspaces, each mapped to its own organisation by an administrator."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request

import pytest

from bot.cli import main
from bot.slack.app import SlackBot, build_slack
from bot.slack.server import http_server
from handlers.dispatcher import Core
from storage.slack_workspaces import installation_store, set_workspace, workspaces
from tests.slack_fake import SECRET, FakeSlack, SlackRequests, blocks_of, slack_settings, texts_of

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
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              encryption_key: str) -> None:
    url = str(core.services.engine.url)
    monkeypatch.setenv("INTEGRITY_DATABASE_URL", url)
    monkeypatch.setenv("INTEGRITY_ENCRYPTION_KEYS", encryption_key)  # the key this database was made with
    monkeypatch.setenv("SLACK_WORKSPACES", "T2=samentwente")
    assert main(["slack", "--set-workspace", "T7=haarlem"]) == 0
    assert workspaces(core.services.engine) == {"T7": "haarlem"}
    assert main(["slack", "--set-workspace", "T8=atlantis"]) == 2  # unknown organisation: refused
    assert main(["slack", "--workspaces"]) == 0
    out = capsys.readouterr().out
    assert "T7 → haarlem" in out and "T2 → samentwente (SLACK_WORKSPACES)" in out
    assert main(["slack", "--remove-workspace", "T7"]) == 0
    assert workspaces(core.services.engine) == {}


def _get(url: str, cookie: str | None = None) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as resp:
            return resp.status, resp.read().decode(), {k.lower(): v for k, v in resp.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), {k.lower(): v for k, v in exc.headers.items()}


def install(base: str, team: str) -> None:
    """A workspace administrator installs the app: the install page, Slack's consent, the redirect."""
    status, page, headers = _get(f"{base}/slack/install")
    assert status in (200, 302)
    state = re.search(r"state=([A-Za-z0-9_-]+)", page + headers.get("location", "")).group(1)  # type: ignore[union-attr]
    cookie = headers["set-cookie"].split(";", 1)[0]
    status, page, _ = _get(f"{base}/slack/oauth_redirect?code={team}&state={state}", cookie)
    assert status == 200, page


def test_oauth_distribution_one_process_two_installed_workspaces_and_uninstall(core: Core, fake: FakeSlack) -> None:
    settings = slack_settings(fake, mode="http", client_id="111.222", client_secret="geheim", bot_token="")
    bot = build_slack(core, settings, "ommen")
    server = http_server(bot, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        install(base, "T7")
        install(base, "T8")
        set_workspace(core.services.engine, "T7", "haarlem")
        set_workspace(core.services.engine, "T8", "ommen")
        slack = SlackRequests(f"{base}/slack/events", SECRET, settle=bot.settle)
        slack.team = "T7"
        slack.dm("UA7", WINE)
        slack.team = "T8"
        slack.dm("UB8", WINE)
        bot.sender.drain()
        posts = {c.params["channel"]: c for c in fake.calls if c.method == "chat.postMessage"}
        assert posts["DUA7"].token == "xoxb-T7" and "Haarlem" in texts_of(blocks_of(posts["DUA7"].params))
        assert posts["DUB8"].token == "xoxb-T8" and "Ommen" in texts_of(blocks_of(posts["DUB8"].params))

        # T8 uninstalls: its tokens are gone, T7 keeps working
        slack.event({"type": "app_uninstalled"}, team="T8")
        store = installation_store(core.services.engine, "111.222")
        assert store.find_bot(enterprise_id=None, team_id="T8") is None
        assert store.find_bot(enterprise_id=None, team_id="T7") is not None
    finally:
        server.shutdown()
        server.server_close()
