"""`integrity-bot teams` as documented: the process answers and stops, the app package, the tenant mapping."""

from __future__ import annotations

import json
import os
import re
import signal
import struct
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.teams_fake import APP_ID, APP_SECRET, TENANT, FakeTeams, TeamsClient, card_texts
from tests.telegram_harness import WAIT_S

CLI = Path(sys.executable).parent / "integrity-bot"


@pytest.fixture
def fake() -> Iterator[FakeTeams]:
    server = FakeTeams()
    yield server
    server.close()


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEAMS_", "INTEGRITY_"))}
    env.update(INTEGRITY_DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", **extra)
    return env


def _cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *args], cwd=tmp_path, env=_env(tmp_path, **env), capture_output=True,
                          text=True, timeout=WAIT_S * 3)


def test_the_command_serves_the_endpoint_until_ctrl_c(tmp_path: Path, fake: FakeTeams, encryption_key: str) -> None:
    assert _cli(tmp_path, "teams", "tenant", "add", "--tenant", TENANT, "--org", "Ommen").returncode == 0
    env = _env(tmp_path, TEAMS_APP_ID=APP_ID, TEAMS_APP_SECRET=APP_SECRET, TEAMS_TENANT_ID=TENANT,
               TEAMS_LOGIN_URL=fake.login_url, TEAMS_OPENID_METADATA_URL=fake.openid_url, TEAMS_HOST="127.0.0.1",
               TEAMS_PORT="0", INTEGRITY_ENCRYPTION_KEYS=encryption_key, REQUESTS_CA_BUNDLE=str(fake.ca_file),
               INTEGRITY_HEALTH_HOST="127.0.0.1", INTEGRITY_HEALTH_PORT="0")
    proc = subprocess.Popen([str(CLI), "teams"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        lines = []
        while proc.poll() is None and not (lines and "luistert op" in lines[-1]):
            lines.append(proc.stderr.readline())
        assert any(f"{TENANT} → ommen" in line for line in lines)
        url = re.search(r"http://\S+", lines[-1])
        assert url, lines
        assert url.group(0).endswith("/api/messages")
        client = TeamsClient(url.group(0), fake)
        assert client.message("aad-cli", "help")[0] == 200
        [call] = fake.wait_for(1)
        assert "Ik ben de Integriteitsbot van Gemeente Ommen" in card_texts(call)
        health = next(re.search(r"http://\S+/healthz", line) for line in lines if "/healthz" in line)
        assert health is not None
        with urllib.request.urlopen(health.group(0), timeout=10) as resp:
            assert resp.status == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=WAIT_S) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_missing_settings_are_explained_without_a_traceback(tmp_path: Path, encryption_key: str) -> None:
    result = _cli(tmp_path, "teams")
    assert result.returncode == 2
    assert "TEAMS_APP_ID ontbreekt" in result.stderr and "TEAMS_APP_SECRET" in result.stderr
    assert "Traceback" not in result.stderr
    result = _cli(tmp_path, "teams", TEAMS_APP_ID=APP_ID, TEAMS_APP_SECRET="x")
    assert result.returncode == 2 and "INTEGRITY_ENCRYPTION_KEYS is leeg" in result.stderr
    result = _cli(tmp_path, "teams", TEAMS_APP_ID=APP_ID, TEAMS_APP_SECRET="x", TEAMS_ORG="nergens",
                  INTEGRITY_ENCRYPTION_KEYS=encryption_key)
    assert result.returncode == 2 and "Onbekende organisatie 'nergens'" in result.stderr
    result = _cli(tmp_path, "teams", TEAMS_APP_ID=APP_ID, TEAMS_PORT="poort")
    assert result.returncode == 2 and "TEAMS_PORT: ongeldige waarde 'poort'" in result.stderr
    assert "Traceback" not in result.stderr


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_command_writes_the_app_package(tmp_path: Path) -> None:
    result = _cli(tmp_path, "teams", "manifest", "--out", "app.zip", "--website", "https://integriteit.example.nl",
                  TEAMS_APP_ID=APP_ID)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "app.zip") as zf:
        assert sorted(zf.namelist()) == ["color.png", "en-us.json", "manifest.json", "outline.png"]
        manifest = json.loads(zf.read("manifest.json"))
        english = json.loads(zf.read("en-us.json"))
        assert _png_size(zf.read("color.png")) == (192, 192)
        assert _png_size(zf.read("outline.png")) == (32, 32)
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["bots"][0]["scopes"] == ["personal", "team"]
    assert manifest["developer"]["privacyUrl"] == "https://integriteit.example.nl"
    titles = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert "/vertrouwenspersoon" in titles and "Ik wil iets melden" in titles
    assert english["bots[0].commandLists[0].commands[2].title"] == "/trustedperson"
    assert manifest["localizationInfo"]["additionalLanguages"] == [{"languageTag": "en-us", "file": "en-us.json"}]
    assert len(manifest["description"]["short"]) <= 80 and len(manifest["name"]["short"]) <= 30


def test_the_manifest_needs_a_real_app_id(tmp_path: Path) -> None:
    result = _cli(tmp_path, "teams", "manifest", TEAMS_APP_ID="my-bot")
    assert result.returncode == 2 and "GUID" in result.stderr and not (tmp_path / "integriteitsbot-teams.zip").exists()


def test_tenants_are_linked_listed_moved_and_removed(tmp_path: Path) -> None:
    added = _cli(tmp_path, "teams", "tenant", "add", "--tenant", TENANT, "--org", "ommen")
    assert "gekoppeld aan ommen" in added.stdout
    assert "verplaatst naar haarlem" in _cli(tmp_path, "teams", "tenant", "add", "--tenant", TENANT.upper(),
                                             "--org", "haarlem").stdout
    assert f"{TENANT}  →  haarlem" in _cli(tmp_path, "teams", "tenant", "list").stdout
    wrong = _cli(tmp_path, "teams", "tenant", "add", "--tenant", TENANT, "--org", "atlantis")
    assert wrong.returncode == 2 and "Onbekende organisatie 'atlantis'" in wrong.stderr
    assert _cli(tmp_path, "teams", "tenant", "remove", "--tenant", TENANT).returncode == 0
    assert "Nog geen tenants" in _cli(tmp_path, "teams", "tenant", "list").stdout
