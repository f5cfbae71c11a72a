"""The faults of a first deployment end in one or two plain lines and a non-zero exit, never a
traceback: each names what to fix, and none shows a password or a key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from storage.crypto import Cipher
from storage.schema import head_revision

BOT = Path(sys.executable).parent / "integrity-bot"
TELEGRAM_TOKEN = "123456:ABCdefGhIJKlmnoPQRstuVWXyz"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean environment: no developer .env, no INTEGRITY_/SLACK_/TELEGRAM_ settings."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith(("INTEGRITY_", "SLACK_", "TELEGRAM_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("INTEGRITY_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_database_names_host_and_port_but_not_the_password(env: Path) -> None:
    port = _free_port()
    run_env = {k: v for k, v in os.environ.items()}
    run_env["INTEGRITY_DATABASE_URL"] = f"postgresql+psycopg://bot:Geheim-42@127.0.0.1:{port}/integrity"
    run = subprocess.run([str(BOT), "chat", "--org", "ommen", "--jsonl"], input="", capture_output=True, text=True,
                         env=run_env, cwd=env, timeout=120)
    assert run.returncode == 2
    assert f"127.0.0.1:{port}" in run.stderr and "niet bereikbaar" in run.stderr
    assert "Geheim-42" not in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 2


@pytest.mark.parametrize("url, fragment", [
    ("postgres://bot:pw@db:5432/integrity", "onbekend soort database 'postgres'"),
    ("dit is geen url", "geen geldige database-URL"),
    ("mysql://bot:pw@db/integrity", "databasedriver"),
])
def test_a_wrong_database_url_is_explained(env: Path, capsys: pytest.CaptureFixture[str], monkeypatch, url: str,
                                           fragment: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("INTEGRITY_DATABASE_URL", url)
    code, err = _run(capsys, "chat", "--org", "ommen", "--jsonl")
    assert code == 2 and fragment in err and "INTEGRITY_DATABASE_URL" in err
    assert "pw" not in err.replace("postgresql", "")


def test_a_data_directory_that_cannot_be_made_is_explained(env: Path) -> None:
    blocker = env / "a-file"
    blocker.write_text("not a directory")
    run_env = dict(os.environ, INTEGRITY_DATA_DIR=str(blocker / "data"))
    run = subprocess.run([str(BOT), "admin", "list-roles"], capture_output=True, text=True, env=run_env, cwd=env,
                         timeout=120)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert str(blocker / "data") in run.stderr and "INTEGRITY_DATA_DIR" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 2


def test_an_invalid_encryption_key_stops_every_start(env: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRITY_ENCRYPTION_KEYS", "mijn-zelfbedachte-sleutel")
    for args in (["chat", "--org", "ommen", "--jsonl"], ["admin", "purge"], ["admin", "rotate-key"]):
        code, err = _run(capsys, *args)
        assert code == 2 and "geen geldige sleutel" in err and "integrity-bot admin keygen" in err
        assert "mijn-zelfbedachte-sleutel" not in err


def test_transports_need_a_key_and_say_how_to_make_one(env: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    monkeypatch.setenv("TELEGRAM_ORG", "ommen")
    code, err = _run(capsys, "telegram")
    assert code == 2 and "INTEGRITY_ENCRYPTION_KEYS is leeg" in err and "integrity-bot admin keygen" in err
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    monkeypatch.setenv("INTEGRITY_DEFAULT_ORG", "ommen")
    code, err = _run(capsys, "slack")
    assert code == 2 and "INTEGRITY_ENCRYPTION_KEYS is leeg" in err


def test_every_transport_must_be_told_its_organisation(env: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = _run(capsys, "chat", "--jsonl")
    assert code == 2 and "Geen organisatie gekozen" in err and "INTEGRITY_DEFAULT_ORG" in err and "ommen" in err
    monkeypatch.setenv("INTEGRITY_ENCRYPTION_KEYS", Cipher.new_key())
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    code, err = _run(capsys, "telegram")
    assert code == 2 and "TELEGRAM_ORG" in err
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    code, err = _run(capsys, "slack")
    assert code == 2 and "INTEGRITY_DEFAULT_ORG" in err
    monkeypatch.setenv("TELEGRAM_ORG", "nergens")
    code, err = _run(capsys, "telegram")
    assert code == 2 and "Onbekende organisatie 'nergens'" in err and "samentwente" in err


def test_organisation_slugs_are_case_insensitive(env: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["admin", "add-role", "--org", "Ommen", "--platform", "console", "--user", "anna"]) == 0
    assert main(["admin", "list-roles", "--org", "OMMEN"]) == 0
    assert "ommen" in capsys.readouterr().out
    question = '{"user": "u1", "text": "Wat zijn onze kernwaarden?"}\n'
    for args, extra in ((["--org", "Ommen"], {}), ([], {"INTEGRITY_DEFAULT_ORG": "SamenTwente"})):
        run = subprocess.run([str(BOT), "chat", *args, "--jsonl"], input=question, capture_output=True, text=True,
                             env=dict(os.environ, **extra), cwd=env, timeout=120)
        assert run.returncode == 0, run.stderr
        assert '"intent": "info"' in run.stdout


def test_a_setting_with_a_wrong_value_is_named(env: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTEGRITY_REMINDER_TIME", "25:00")
    code, err = _run(capsys, "chat", "--org", "ommen")
    assert code == 2 and "INTEGRITY_REMINDER_TIME: ongeldige waarde '25:00'" in err


def test_a_dot_env_copied_from_the_example_is_all_the_console_needs(env: Path) -> None:
    """Empty lines of .env.example mean 'not set': no knowledge directory '.', no data directory '.'."""
    (env / ".env").write_text((Path(__file__).parents[1] / ".env.example").read_text())
    (env / "compose.yaml").write_text("services: {}\n")  # a YAML file in the working directory
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRITY_")}
    run_env.update(HOME=str(env), XDG_DATA_HOME=str(env / "xdg"))
    run = subprocess.run([str(BOT), "chat", "--org", "ommen", "--jsonl"], input='{"user": "u", "text": "hallo"}\n',
                         capture_output=True, text=True, env=run_env, cwd=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert (env / "xdg" / "integrity-bot" / "integrity-bot.db").exists()


def test_version_names_the_release_and_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("integrity-bot 0.") and out.endswith(f"(schema {head_revision()})")
