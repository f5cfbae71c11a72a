"""`integrity-bot slack` as the README runs it: the real command, with Slack played by local fakes."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

import handlers
from bot.slack.cli import MANIFEST
from storage.crypto import Cipher
from tests.slack_fake import SECRET, FakeSlack, SlackRequests, blocks_of
from tests.test_slack_socket import FakeSocket

pytest_plugins = ["tests.slack_fixtures"]  # fixture: fake

BOT = [sys.executable, "-m", "bot.cli"]
WINE = "Mag ik een fles wijn van 25 euro van een leverancier aannemen?"


def env_for(tmp_path: Path, fake: FakeSlack, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "INTEGRITY_"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), PYTHONPATH=str(Path.cwd()),
               INTEGRITY_DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", SLACK_BOT_TOKEN="xoxb-test",
               SLACK_APP_TOKEN="xapp-test", SLACK_SIGNING_SECRET=SECRET, SLACK_API_BASE_URL=fake.base_url,
               SLACK_OUTBOX_INTERVAL="0.2", INTEGRITY_DEFAULT_ORG="ommen", INTEGRITY_ENCRYPTION_KEYS=Cipher.new_key())
    env.update(extra)
    return env


class Running:
    """The command in the background, its stderr lines readable as they come."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path) -> None:
        self.proc = subprocess.Popen([*BOT, *args], env=env, cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def line_with(self, fragment: str, timeout: float = 60) -> str:
        while True:
            line = self.lines.get(timeout=timeout)
            if fragment in line:
                return line

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


def test_http_mode_serves_signed_requests_and_delivers_the_answer(tmp_path: Path, fake: FakeSlack) -> None:
    run = Running(["slack", "--mode", "http", "--port", "0"], env_for(tmp_path, fake, SLACK_HOST="127.0.0.1"),
                  tmp_path)
    try:
        line = run.line_with("luistert op")
        url = line.split("http://", 1)[1].split()[0]
        slack = SlackRequests(f"http://{url}", SECRET)
        assert slack.dm("U1", WINE, secret="wrong")[0] == 401
        assert slack.dm("U1", WINE)[0] == 200
        [post] = fake.wait_for("chat.postMessage")
        assert post["channel"] == "DU1" and blocks_of(post)[0]["text"]["text"].startswith("🟠")
    finally:
        assert run.stop() == 0


def test_socket_mode_is_the_default(tmp_path: Path, fake: FakeSlack) -> None:
    socket = FakeSocket()
    fake.ws_url = socket.url
    run = Running(["slack"], env_for(tmp_path, fake), tmp_path)
    try:
        event = {"type": "message", "channel": "DU2", "channel_type": "im", "user": "U2", "text": WINE,
                 "ts": "1600000000.000002"}
        ack = socket.send({"envelope_id": "e1", "type": "events_api", "payload": {
            "type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event": event}})
        assert ack == {"envelope_id": "e1"}
        [post] = fake.wait_for("chat.postMessage")
        assert post["channel"] == "DU2"
    finally:
        assert run.stop() == 0
        socket.close()


def test_check_reports_the_workspace_and_its_organisation(tmp_path: Path, fake: FakeSlack) -> None:
    env = env_for(tmp_path, fake, SLACK_WORKSPACES="T1=haarlem")
    out = subprocess.run([*BOT, "slack", "--check"], env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "T1" in out.stdout and "haarlem" in out.stdout
    fake.fail("auth.test", "invalid_auth")
    same_key = {"INTEGRITY_ENCRYPTION_KEYS": env["INTEGRITY_ENCRYPTION_KEYS"]}  # the database's key check
    out = subprocess.run([*BOT, "slack", "--check"], env=env_for(tmp_path, fake, **same_key), cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "invalid_auth" in out.stderr


@pytest.mark.parametrize("settings, fragment", [
    ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN"),
    ({"SLACK_APP_TOKEN": ""}, "SLACK_APP_TOKEN"),
    ({"SLACK_MODE": "http", "SLACK_SIGNING_SECRET": ""}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_WORKSPACES": "T1=nergens"}, "nergens"),
    ({"SLACK_WORKSPACES": "T1"}, "T123=ommen"),
])
def test_missing_or_wrong_settings_are_explained(tmp_path: Path, fake: FakeSlack, settings: dict[str, str],
                                                 fragment: str) -> None:
    out = subprocess.run([*BOT, "slack"], env=env_for(tmp_path, fake, **settings), cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and fragment in out.stderr
    assert fake.calls == []


def commands_in_texts() -> set[str]:
    """Every '/command' the user-facing texts mention."""
    found: set[str] = set()
    for name in ("texts.py", "confide_texts.py", "reminder_texts.py", "reminders.py"):
        path = Path(handlers.__file__).with_name(name)
        if path.exists():
            found |= set(re.findall(r"(?<![\w/])/[a-z]{3,}\b", path.read_text(encoding="utf-8")))
    from handlers.reminders.handler import COMMANDS

    return found - {c for c in COMMANDS if c not in ("/herinneringen", "/reminders")}  # aliases


def test_the_manifest_asks_for_what_the_app_uses() -> None:
    manifest: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    assert features["app_home"]["home_tab_enabled"] and features["app_home"]["messages_tab_enabled"]
    assert features["bot_user"]["display_name"] == "Integriteitsbot"
    commands = {c["command"] for c in features["slash_commands"]}
    assert "/integriteit" in commands
    assert commands >= commands_in_texts()  # what the bot tells people to type works in Slack's message box
    from bot.slack.app import BOT_SCOPES

    # the manifest asks for what an OAuth install asks for, and no more
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES) == {
        "app_mentions:read", "chat:write", "commands", "im:history", "im:write", "users:read"}
    events = set(settings["event_subscriptions"]["bot_events"])
    assert events == {"app_home_opened", "app_mention", "message.im", "app_uninstalled", "tokens_revoked"}
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"]
    assert len(manifest["display_information"]["long_description"]) >= 175  # Slack's minimum
    printed = subprocess.run([*BOT, "slack", "--manifest"], capture_output=True, text=True, timeout=120)
    assert yaml.safe_load(printed.stdout) == manifest


def test_the_manifest_turns_into_http_mode_as_the_readme_says() -> None:
    text = MANIFEST.read_text(encoding="utf-8").replace("socket_mode_enabled: true", "socket_mode_enabled: false")
    text = re.sub(r"# ((?:request_)?url: \S+)\s+# HTTP mode only", r"\1", text)
    manifest = yaml.safe_load(text)
    url = "https://integriteitsbot.example.nl/slack/events"
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert all(c["url"] == url for c in manifest["features"]["slash_commands"])
    assert manifest["settings"]["socket_mode_enabled"] is False
