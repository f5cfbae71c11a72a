"""Durable relay: processes killed mid-way lose no message and send none twice.

The employee talks through the real `integrity-bot chat --jsonl` process; the trusted person is
on "telegram", delivered by a stand-in sender process that appends to a file (the platform).
Kills, all with SIGKILL:
1. the chat process while its transaction waits for the database (before anything is stored):
   nothing is stored, and the platform's retry of the event is handled once;
2. the chat process after the messages were stored, before any sender ran; the platform then
   retries the last event: it is recognised and not handled again;
3. the sender between claiming a row and handing it to the platform. A later sender picks the
   abandoned rows up once their lease ran out. Every message arrives exactly once, in order,
   and the employee reads "✓ Afgeleverd" once per message, only after the platform took it.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from sqlalchemy import select

from bot.app import build_core
from bot.settings import Settings
from handlers.types import Address, IncomingMessage
from storage.crypto import Cipher
from storage.db import make_engine, session_scope
from storage.models import OutboxMessage
from storage.outbox import deliver_due
from tests.confide_support import ORG, button_id, register

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / ".venv" / "bin" / "integrity-bot"
SENDER = ROOT / "tests" / "outbox_crash_sender.py"


def _env(db: Path, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTEGRITY_")}
    env.update(INTEGRITY_DATABASE_URL=f"sqlite:///{db}", INTEGRITY_ENCRYPTION_KEYS=key,
               PYTHONPATH=str(ROOT))
    return env


def _chat(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    exe = str(BOT) if BOT.exists() else "integrity-bot"
    return subprocess.Popen([exe, "chat", "--org", ORG, "--jsonl"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=cwd)


def _say(proc: subprocess.Popen[str], line: dict[str, str]) -> dict:
    assert proc.stdin and proc.stdout
    proc.stdin.write(json.dumps(line) + "\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


def _kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def _sender(env: dict[str, str], cwd: Path, log: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SENDER), "telegram", str(log), *extra], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def _telegram_rows(db: Path) -> list[tuple[int, str]]:
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as s:
        rows = s.execute(select(OutboxMessage.id, OutboxMessage.status).where(
            OutboxMessage.platform == "telegram").order_by(OutboxMessage.id)).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


def test_killed_processes_lose_nothing_and_send_nothing_twice(tmp_path: Path, kb) -> None:  # type: ignore[no-untyped-def]
    db, key, log = tmp_path / "bot.db", Cipher.new_key(), tmp_path / "telegram.log"
    env = _env(db, key)
    # an open case of console user "emp", taken by a trusted person on Telegram
    core = build_core(Settings(database_url=f"sqlite:///{db}", encryption_keys=key, _env_file=None), kb)  # type: ignore[call-arg]
    register(core, "900", platform="telegram")

    def handle(user: str, platform: str, text: str = "", action: str | None = None) -> list:
        return core.handle(IncomingMessage(Address(platform, user), ORG, text=text, action=action))

    r = handle("emp", "console", "/vertrouwenspersoon")
    r = handle("emp", "console", action=r[-1].buttons[0].id)
    r = handle("emp", "console", action=r[-1].buttons[-1].id)
    r = handle("emp", "console", "Eerste bericht")
    handle("900", "telegram", action=button_id(r, "900", "Oppakken"))
    for platform in ("telegram", "console"):  # what was said so far is delivered (receipts too)
        deliver_due(core.services.engine, platform, lambda reply: None, core.services.cipher, limit=1000)
    core.services.engine.dispose()
    before = len(_telegram_rows(db))

    # 1. killed while its transaction waits for the database: nothing stored, the retry counts once
    lock = sqlite3.connect(db, timeout=30)
    lock.execute("BEGIN IMMEDIATE")
    proc = _chat(env, tmp_path)
    assert proc.stdin
    proc.stdin.write(json.dumps({"user": "emp", "text": "Bericht nul", "id": "ev-0"}) + "\n")
    proc.stdin.flush()
    time.sleep(3)  # loading the knowledge base and reaching the write; either way nothing is stored
    _kill(proc)
    lock.rollback()
    lock.close()
    assert len(_telegram_rows(db)) == before

    # 2. stored, then killed before any sender ran; the platform retries the last event
    proc = _chat(env, tmp_path)
    for i, text in enumerate(["Bericht nul", "Bericht één", "Bericht twee", "Bericht drie"]):
        out = _say(proc, {"user": "emp", "text": text, "id": f"ev-{i}"})
        # not delivered yet (the trusted person's platform has not taken it): no "Afgeleverd"
        assert not any("Afgeleverd" in x["text"] for x in out["replies"]), out
    _kill(proc)
    proc = _chat(env, tmp_path)
    assert _say(proc, {"user": "emp", "text": "Bericht drie", "id": "ev-3"}) == {"replies": []}
    proc.stdin.close()  # type: ignore[union-attr]
    proc.wait(timeout=30)
    rows = _telegram_rows(db)
    assert len(rows) == before + 4 and all(status == "pending" for _, status in rows[before:])

    # 3. the sender dies after claiming, before the 2nd message reaches the platform
    crashed = _sender(env, tmp_path, log, "--crash-at", "2")
    assert crashed.returncode == -signal.SIGKILL
    assert _sender(env, tmp_path, log).stdout.strip() == "0"  # the claims are not stale yet: no double send
    assert _sender(env, tmp_path, log, "--later-minutes", "3").stdout.strip() == "3"
    assert _sender(env, tmp_path, log, "--later-minutes", "3").stdout.strip() == "0"

    got = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [g["to"] for g in got] == ["900"] * 4
    assert [g["text"].split(": ", 1)[1] for g in got] == ["Bericht nul", "Bericht één", "Bericht twee",
                                                           "Bericht drie"]
    assert all(status == "delivered" for _, status in _telegram_rows(db))
    # each relay, once accepted, left the employee one receipt (4, none for the crashed attempt)
    engine = make_engine(f"sqlite:///{db}")
    receipts: list[str] = []
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=4)):  # the later senders' time
        deliver_due(engine, "console", lambda reply: receipts.append(reply.text), Cipher([key]), limit=100)
    engine.dispose()
    assert receipts == ["✓ Afgeleverd bij de vertrouwenspersoon."] * 4
