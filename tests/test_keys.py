"""Keys fail safe and loud (issue 10, item 2): the real `integrity-bot` process refuses to start
with a key that cannot open the database, a malformed key or no key for a database with
confidential data; without any key the confidential flow says it is unavailable; the
blind-index key can be rotated and the open case is still found."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from storage.crypto import Cipher

BOT = [sys.executable, "-m", "bot.cli"]
TP = "anna"
EMPLOYEE = "jan"


def _env(db: Path, keys: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "INTEGRITY_"))}
    env.update(INTEGRITY_DATABASE_URL=f"sqlite:///{db}", INTEGRITY_ENCRYPTION_KEYS=keys)
    return env


def _chat(db: Path, keys: str, *lines: dict) -> subprocess.CompletedProcess[str]:
    data = "".join(json.dumps(line) + "\n" for line in lines)
    return subprocess.run([*BOT, "chat", "--org", "ommen", "--jsonl"], input=data, capture_output=True, text=True,
                          env=_env(db, keys), timeout=180)


def _admin(db: Path, keys: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*BOT, "admin", *args], capture_output=True, text=True, env=_env(db, keys), timeout=120)


def _replies(done: subprocess.CompletedProcess[str]) -> list[list[dict]]:
    return [json.loads(line)["replies"] for line in done.stdout.splitlines()]


def _open_case(db: Path, key: str) -> str:
    """A case of jan with anna, taken; returns its pseudonym."""
    assert _admin(db, key, "add-role", "--org", "ommen", "--platform", "console", "--user", TP).returncode == 0
    done = _chat(db, key, {"user": EMPLOYEE, "text": "/vertrouwenspersoon"}, {"user": EMPLOYEE, "text": "ja"},
                 {"user": EMPLOYEE, "action": "x"})
    assert done.returncode == 0, done.stderr
    kinds = [r for r in _replies(done)[1] if r["to"] == EMPLOYEE][0]["buttons"]
    done = _chat(db, key, {"user": EMPLOYEE, "action": kinds[-1]["id"]},
                 {"user": EMPLOYEE, "text": "Mijn leidinggevende schreeuwt."})
    handoff = [r for r in _replies(done)[1] if r["to"] == TP][0]
    done = _chat(db, key, {"user": TP, "action": handoff["buttons"][0]["id"]})
    assert "schreeuwt" in " ".join(r["text"] for r in _replies(done)[0] if r["to"] == TP)
    return handoff["text"].split("Melder ")[1].split(" ")[0]


def _refused(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode != 0 and done.stdout == ""
    assert words in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2


def test_a_wrong_key_refuses_to_start_instead_of_failing_every_message(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    _open_case(db, Cipher.new_key())
    done = _chat(db, Cipher.new_key(), {"user": EMPLOYEE, "text": "Is er nieuws?"})
    _refused(done, "past niet op deze database")


def test_a_malformed_key_refuses_to_start(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    key = Cipher.new_key()
    _open_case(db, key)
    done = _chat(db, key[:-3] + "!!=", {"user": EMPLOYEE, "text": "Is er nieuws?"})
    _refused(done, "geen geldige sleutel")


def test_no_key_for_a_database_with_cases_refuses_to_start(tmp_path: Path) -> None:
    db = tmp_path / "n.db"
    _open_case(db, Cipher.new_key())
    done = _chat(db, "", {"user": EMPLOYEE, "text": "Is er nieuws?"})
    _refused(done, "INTEGRITY_ENCRYPTION_KEYS is leeg")


def test_the_old_key_behind_a_new_one_still_starts(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    old = Cipher.new_key()
    label = _open_case(db, old)
    done = _chat(db, f"{Cipher.new_key()},{old}", {"user": TP, "text": f"/antwoord {label} Dank je."})
    assert done.returncode == 0 and "Dank je." in _replies(done)[0][0]["text"]


def test_without_any_key_the_confidential_commands_say_they_are_unavailable(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    done = _chat(db, "", {"user": TP, "text": "/antwoord K7-Q3 Dank voor je bericht."},
                 {"user": EMPLOYEE, "text": "/stop"}, {"user": EMPLOYEE, "text": "/verwijder"})
    assert done.returncode == 0, done.stderr
    for replies in _replies(done):
        assert "niet beschikbaar" in replies[0]["text"] and "Dat kan ik niet beantwoorden" not in replies[0]["text"]
        assert replies[0]["answer"]["intent"] == "confide"


def test_the_blind_index_key_rotates_and_the_open_case_is_still_found(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "i.db"
    key = Cipher.new_key()
    _open_case(db, key)
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT lookup FROM confide_identity").fetchall()
        sealed_before = conn.execute("SELECT sealed FROM confide_secret WHERE name='index_key'").fetchone()
    done = _admin(db, key, "rotate-index-key")
    assert done.returncode == 0 and "1 gesprekskoppeling" in done.stdout, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT lookup FROM confide_identity").fetchall() != before
        assert conn.execute("SELECT sealed FROM confide_secret WHERE name='index_key'").fetchone() != sealed_before
    done = _chat(db, key, {"user": EMPLOYEE, "text": "Nog een vraag aan jou."})
    relayed = [r for r in _replies(done)[0] if r["to"] == TP]
    assert relayed and "Nog een vraag aan jou." in relayed[0]["text"]
