"""`integrity-bot admin`: roles, availability, key generation and rotation, purge, statistics.

Each command runs through the real CLI entry point with settings from the environment, the way
an administrator runs it; the effect is checked in the conversation that follows.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_core
from bot.cli import main
from bot.settings import Settings
from storage.crypto import Cipher
from tests.confide_support import Chat, button_id, open_case, pseudonym, texts, to

ORG = "leidschendam-voorburg"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)  # no developer .env
    for key in list(__import__("os").environ):
        if key.startswith("INTEGRITY_"):
            monkeypatch.delenv(key)
    values = {"INTEGRITY_DATABASE_URL": f"sqlite:///{tmp_path / 'admin.db'}",
              "INTEGRITY_ENCRYPTION_KEYS": Cipher.new_key()}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def admin(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["admin", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def _chat(kb) -> Chat:  # type: ignore[no-untyped-def]
    return Chat(build_core(Settings(), kb))


def test_roles_and_availability(env: dict[str, str], capsys: pytest.CaptureFixture[str], kb) -> None:  # type: ignore[no-untyped-def]
    who = ["--org", ORG, "--platform", "console", "--user", "tp-anna"]
    code, out = admin(capsys, "add-role", *who, "--name", "Anna de Vries")
    assert code == 0 and "Toegevoegd" in out
    code, out = admin(capsys, "add-role", "--org", "nergenshuizen", "--platform", "console", "--user", "x")
    assert code == 2 and "Onbekende organisatie" in out
    code, out = admin(capsys, "list-roles")
    assert "trusted_person  console:tp-anna (Anna de Vries)" in out

    code, out = admin(capsys, "set-available", *who, "no")
    assert code == 0 and "niet beschikbaar" in out
    r = _chat(kb).send("e1", "/vertrouwenspersoon")
    assert "geen vertrouwenspersoon via de chat bereikbaar" in texts(r, "e1")
    admin(capsys, "set-available", *who, "yes")
    r = _chat(kb).send("e2", "/vertrouwenspersoon")
    assert "Wil je verder?" in texts(r, "e2")


def test_removing_a_trusted_person_releases_their_cases(env: dict[str, str], capsys: pytest.CaptureFixture[str],
                                                         kb) -> None:  # type: ignore[no-untyped-def]
    for user in ("tp-anna", "tp-bob"):
        admin(capsys, "add-role", "--org", ORG, "--platform", "console", "--user", user)
    chat = _chat(kb)
    r = open_case(chat, "e1")
    chat.send("tp-anna", action=button_id(r, "tp-anna", "Oppakken"))
    code, out = admin(capsys, "remove-role", "--org", ORG, "--platform", "console", "--user", "tp-anna")
    assert code == 0 and "1 open gesprek(ken)" in out
    r = chat.send("tp-bob", f"/oppakken {pseudonym(r)}")
    assert "Jij voert nu het gesprek" in texts(r, "tp-bob")
    code, out = admin(capsys, "remove-role", "--org", ORG, "--platform", "console", "--user", "tp-anna")
    assert code == 1


def test_keygen_and_rotation_keep_every_case_readable(env: dict[str, str], capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch, kb) -> None:  # type: ignore[no-untyped-def]
    admin(capsys, "add-role", "--org", ORG, "--platform", "console", "--user", "tp-anna")
    chat = _chat(kb)
    r = open_case(chat, "e1", first="Voor de sleutelwissel.")
    chat.send("tp-anna", action=button_id(r, "tp-anna", "Oppakken"))
    name = pseudonym(r)

    code, out = admin(capsys, "keygen")
    new_key = out.splitlines()[0].strip()
    assert code == 0 and Cipher([new_key]) and "rotate-key" in out
    old_key = env["INTEGRITY_ENCRYPTION_KEYS"]
    monkeypatch.setenv("INTEGRITY_ENCRYPTION_KEYS", f"{new_key},{old_key}")
    code, out = admin(capsys, "rotate-key")
    assert code == 0 and "confide_message: 1" in out

    monkeypatch.setenv("INTEGRITY_ENCRYPTION_KEYS", new_key)  # the old key is gone now
    chat = _chat(kb)
    r = chat.send("e1", "Na de sleutelwissel.")  # the employee's case is still found
    assert "Na de sleutelwissel." in texts(r, "tp-anna")
    r = chat.send("tp-anna", f"/gesprek {name}")
    assert "Voor de sleutelwissel." in texts(r, "tp-anna")

    monkeypatch.setenv("INTEGRITY_ENCRYPTION_KEYS", old_key)  # only the retired key: nothing readable
    code, out = admin(capsys, "rotate-key")
    assert code == 1 and "oude sleutel" in out


def test_rotate_and_purge_need_and_report(env: dict[str, str], capsys: pytest.CaptureFixture[str], kb,
                                          monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    admin(capsys, "add-role", "--org", ORG, "--platform", "console", "--user", "tp-anna")
    chat = _chat(kb)
    r = open_case(chat, "e1")
    chat.send("tp-anna", action=button_id(r, "tp-anna", "Oppakken"))
    r = chat.send("e1", "/stop")
    r = chat.press("tp-anna", r, "Ongewenst gedrag")
    chat.press("tp-anna", r, "gesprek en advies")
    code, out = admin(capsys, "purge")
    assert code == 0 and "Gewist: 0 afgesloten" in out
    code, out = admin(capsys, "purge", "--days", "0")
    assert "Gewist: 1 afgesloten" in out
    r = chat.send("e1", "/verwijder")
    assert "geen vertrouwelijk gesprek" in texts(r, "e1")
    code, out = admin(capsys, "stats", "--org", ORG)
    assert "Ongewenst gedrag door een collega" in out and "gesprek en advies" in out and out.rstrip().endswith("1")
    monkeypatch.setenv("INTEGRITY_ENCRYPTION_KEYS", "")
    code, out = admin(capsys, "rotate-key")
    assert code == 2 and "integrity-bot admin keygen" in out
    assert not to([], "x")
