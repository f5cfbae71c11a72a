"""Whatever a user sent is stored and handled, or they are told it was not (issue 10, item 3).

The fault is a real one in the database (a trigger that refuses writes, as a full disk or a
broken migration would), not a mock: the real Telegram bot against the fake Bot API, and the
real console process.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.dispatcher import Core
from tests.telegram_fake import FakeBotApi, message
from tests.telegram_harness import running, until

ALICE = 1001


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    api = FakeBotApi().start()
    yield api
    api.close()


def _refuse_writes(db: Path, table: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                     "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")


def _allow_writes(db: Path, table: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute(f"DROP TRIGGER refuse_{table}")


def _db_file(core: Core) -> Path:
    return Path(core.services.engine.url.database or "")


def test_telegram_tells_the_user_when_their_message_could_not_be_handled(core: Core, fake: FakeBotApi) -> None:
    db = _db_file(core)

    async def scenario() -> None:
        async with running(core, fake):
            _refuse_writes(db, "conversation_state")
            fake.push(message(ALICE, "Mag ik een fles wijn van een leverancier aannemen?"))
            told = await until(lambda: fake.sent(ALICE), "a message saying it was not handled")
            assert "niet verwerkt" in told[0]["text"] and "bewaard" in told[0]["text"]
            _allow_writes(db, "conversation_state")
            fake.push(message(ALICE, "Mag ik een fles wijn van een leverancier aannemen?"))
            await until(lambda: len(fake.sent(ALICE)) >= 2, "the answer after sending again")
    asyncio.run(scenario())
    assert "Wat is het ongeveer waard?" in fake.sent(ALICE)[1]["text"]


def test_telegram_tells_the_user_directly_when_even_the_outbox_refuses(core: Core, fake: FakeBotApi) -> None:
    db = _db_file(core)

    async def scenario() -> None:
        async with running(core, fake):
            _refuse_writes(db, "conversation_state")
            _refuse_writes(db, "outbox")
            fake.push(message(ALICE, "Mag ik een fles wijn van een leverancier aannemen?"))
            told = await until(lambda: fake.sent(ALICE), "a message saying it was not handled")
            assert "niet verwerkt" in told[0]["text"]
    asyncio.run(scenario())


def test_the_console_never_says_kept_when_the_transaction_was_rolled_back(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "INTEGRITY_"))}
    env["INTEGRITY_DATABASE_URL"] = f"sqlite:///{db}"
    first = json.dumps({"user": "u1", "text": "hallo"}) + "\n"
    cmd = [sys.executable, "-m", "bot.cli", "chat", "--org", "ommen", "--jsonl"]
    subprocess.run(cmd, input=first, capture_output=True, text=True, env=env, timeout=120, check=True)
    _refuse_writes(db, "conversation_state")
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM conversation_state")
    line = json.dumps({"user": "u1", "text": "Mag ik een fles wijn aannemen?"}) + "\n"
    done = subprocess.run(cmd, input=line, capture_output=True, text=True, env=env, timeout=120)
    [reply] = json.loads(done.stdout)["replies"]
    assert "niet verwerkt en niet bewaard" in reply["text"]
    assert "Traceback" not in done.stdout
