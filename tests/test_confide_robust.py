"""The confidential conversation keeps every message of its employee and every copy in reach
(issue 10, items 4, 5 and 9): texts that start with a reminder word are relayed; the handoff to
all trusted persons carries no content, so an erase has only the taker's copy to reach; a
ciphertext copied into another case does not open there; the data files are private."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from handlers.dispatcher import Core
from tests.confide_support import Chat, button_id, open_case, pseudonym, register, texts, to


@pytest.fixture
def chat(core: Core) -> Chat:
    register(core, "tp-anna", name="Anna de Vries")
    register(core, "tp-bob")
    return Chat(core)


def _take(chat: Chat, replies, tp: str = "tp-anna") -> str:  # type: ignore[no-untyped-def]
    chat.send(tp, action=button_id(replies, tp, "Oppakken"))
    return pseudonym(replies)


@pytest.mark.parametrize("said", ["herinneringen: hij deed het vandaag weer", "Reminders zijn niet het punt",
                                  "herinneringen", "gedaan, ik heb het hem gezegd"])
def test_an_open_case_relays_texts_that_start_with_a_reminder_word(chat: Chat, said: str) -> None:
    _take(chat, open_case(chat, "emp"))
    r = chat.send("emp", said)
    assert said in texts(r, "tp-anna"), texts(r, "emp")
    assert "Afgeleverd" in texts(r, "emp")


def test_the_reminder_command_itself_is_still_the_reminders(chat: Chat) -> None:
    _take(chat, open_case(chat, "emp"))
    r = chat.send("emp", "/herinneringen")
    assert not to(r, "tp-anna") and "herinnering" in texts(r, "emp").lower()


def test_no_trusted_person_but_the_taker_ever_holds_the_employees_words(chat: Chat) -> None:
    secret = "Kaasschaaf-Onderwerp-77"
    r = open_case(chat, "emp", first=f"Het gaat over {secret}.")
    _take(chat, r)
    chat.send("emp", f"En nog iets over {secret}.")
    r = chat.send("emp", "/verwijder ja")
    assert "Gewist" in texts(r, "emp")
    assert any(secret in x.text for x in chat.inbox["tp-anna"])  # the taker read it (and is asked to delete)
    assert "verwijder" in texts(r, "tp-anna").lower() or "gewist" in texts(r, "tp-anna").lower()
    assert not any(secret in x.text for x in chat.inbox["tp-bob"])  # the other one never had it


def test_a_case_erased_before_anyone_took_it_leaves_no_words_anywhere(chat: Chat) -> None:
    secret = "Molenwiek-Onderwerp-12"
    open_case(chat, "emp", first=f"Het gaat over {secret}.")
    chat.send("emp", "/verwijder ja")
    for tp in ("tp-anna", "tp-bob"):
        assert not any(secret in x.text for x in chat.inbox[tp])


def _db(core: Core) -> Path:
    return Path(core.services.engine.url.database or "")


def test_a_message_copied_into_another_case_does_not_open_there(chat: Chat, core: Core) -> None:
    a = open_case(chat, "emp-a", first="Geheim-van-A over de afdeling.")
    label_a = _take(chat, a)
    b = open_case(chat, "emp-b", first="Iets van B.")
    label_b = _take(chat, b, "tp-bob")
    with sqlite3.connect(_db(core)) as conn:
        ids = {p: cid for cid, p in conn.execute("SELECT id, pseudonym FROM confide_case")}
        body_a = conn.execute("SELECT body FROM confide_message WHERE case_id=?", (ids[label_a],)).fetchone()[0]
        conn.execute("UPDATE confide_message SET body=? WHERE case_id=?", (body_a, ids[label_b]))
    r = chat.send("tp-bob", f"/gesprek {label_b}")
    assert "Geheim-van-A" not in texts(r, "tp-bob")


def test_an_identity_copied_into_another_case_does_not_redirect_answers(chat: Chat, core: Core) -> None:
    a = open_case(chat, "emp-a", first="Van A.")
    _take(chat, a)
    b = open_case(chat, "emp-b", first="Van B.")
    label_b = _take(chat, b, "tp-bob")
    with sqlite3.connect(_db(core)) as conn:
        ids = {p: cid for cid, p in conn.execute("SELECT id, pseudonym FROM confide_case")}
        sealed_a = conn.execute("SELECT sealed FROM confide_identity WHERE case_id=?",
                                (ids[pseudonym(a)],)).fetchone()[0]
        conn.execute("UPDATE confide_identity SET sealed=? WHERE case_id=?", (sealed_a, ids[label_b]))
    r = chat.send("tp-bob", f"/antwoord {label_b} Alleen voor B bedoeld.")
    assert not any("Alleen voor B" in x.text for x in to(r, "emp-a"))


def test_the_default_database_is_private_to_the_bots_user(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "INTEGRITY_"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--org", "ommen", "--jsonl"],
                   input='{"user": "u1", "text": "hallo"}\n', capture_output=True, text=True, env=env,
                   timeout=120, check=True, preexec_fn=lambda: os.umask(0o022))
    folder = tmp_path / "data" / "integrity-bot"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = [f for f in folder.glob("integrity-bot.db*") if not f.name.endswith(".lock")]  # the lock is empty
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files), \
        {f.name: oct(f.stat().st_mode) for f in files}
