"""Shared fixtures: the real knowledge base, a core on a throwaway database, a console driver.

Tests drive the bot the way a user does: messages in through the core (or the real
`integrity-bot chat --jsonl` process), replies out as the user would read them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import build_core
from bot.settings import Settings
from handlers.dispatcher import Core
from handlers.types import Address, IncomingMessage, Reply
from knowledge.engine import KnowledgeBase
from storage.crypto import Cipher
from storage.outbox import deliver_due


def _pg_bin() -> Path:
    """The newest PostgreSQL of Debian's packages (they live outside PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = _pg_bin()


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
def encryption_key() -> str:
    return Cipher.new_key()


@pytest.fixture
def settings(db_url: str, encryption_key: str) -> Settings:
    return Settings(database_url=db_url, encryption_keys=encryption_key, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def core(settings: Settings, kb: KnowledgeBase) -> Core:
    return build_core(settings, kb)


class Console:
    """Several console users talking to one core, like the JSON-lines interface does."""

    def __init__(self, core: Core, org: str = "ommen") -> None:
        self.core = core
        self.org = org

    def send(self, user: str, text: str = "", action: str | None = None, **extra: object) -> list[Reply]:
        replies = self.core.handle(IncomingMessage(address=Address("console", user), org=self.org,
                                                   text=text, action=action, **extra))  # type: ignore[arg-type]
        deliver_due(self.core.services.engine, "console", lambda r: None, self.core.services.cipher, limit=1000)
        return replies

    def ask(self, user: str, text: str = "", action: str | None = None):  # type: ignore[no-untyped-def]
        """The structured answer addressed to `user` (the last one)."""
        mine = [r for r in self.send(user, text, action) if r.to.user == user and r.answer]
        return mine[-1].answer if mine else None


@pytest.fixture
def console(core: Core) -> Console:
    return Console(core)


def _pg_available() -> bool:
    return (PG_BIN / "initdb").exists()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL on 127.0.0.1 from Debian's package (as user postgres when root)."""
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL binaries missing in CI: .ci/run must install the postgresql package")
        pytest.skip("PostgreSQL not installed (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix="itbot-pg-"))
    data = base / "data"
    as_pg: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    port = 55432 + (os.getpid() % 1000)
    subprocess.run([*as_pg, str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
                   check=True, capture_output=True)
    subprocess.run([*as_pg, str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w", "start",
                    "-o", f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off"], check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_pg, str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        time.sleep(0.2)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_fresh_url(pg_url: str) -> Iterator[str]:
    """The PostgreSQL server with an empty schema for this test."""
    import sqlalchemy

    eng = sqlalchemy.create_engine(pg_url)
    with eng.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    eng.dispose()
    yield pg_url
