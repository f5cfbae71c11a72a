"""Real processes: `integrity-bot reminders run` killed with SIGKILL and started again, and two of
them on one database (SQLite file and PostgreSQL). An occurrence is never sent twice and never lost.

The processes show console users' reminders as JSON lines on stdout; the database tells what was
claimed and enqueued. Waiting is by condition (with a generous deadline), never by duration.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import build_core
from bot.settings import Settings
from handlers.dispatcher import Core
from handlers.reminders.schedule import ReminderConfig
from handlers.reminders.seed import seed_org
from storage.db import session_scope
from storage.models import OutboxMessage, RoleAssignment, utcnow
from storage.reminders import Reminder, ReminderDelivery

DEADLINE_S = 90.0
N_TWO = 200  # enough that one process cannot finish before the other wakes up


def wait_until(check: Callable[[], bool], what: str) -> None:
    end = time.monotonic() + DEADLINE_S
    while not check():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


class BotProcess:
    """`integrity-bot reminders run --jsonl` as a child process."""

    def __init__(self, db_url: str, tmp: Path, name: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "INTEGRITY_"))}
        env.update(HOME=str(tmp), INTEGRITY_DATABASE_URL=db_url, INTEGRITY_REMINDER_TICK_SECONDS="0.2",
                   INTEGRITY_LOG_LEVEL="DEBUG", PYTHONUNBUFFERED="1")
        self.err_path = tmp / f"{name}.err"
        self._err = open(self.err_path, "w")  # noqa: SIM115 - closed in kill()
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "reminders", "run", "--jsonl"],
                                     stdout=subprocess.PIPE, stderr=self._err, text=True, env=env)
        self.lines: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(json.loads(line))

    def ticks(self) -> int:
        return self.err_path.read_text().count("reminder tick ")

    def users(self) -> list[str]:
        return [r["to"] for line in self.lines for r in line["replies"]]

    def wait_ticks(self, n: int) -> None:
        start = self.ticks()
        wait_until(lambda: self.ticks() >= start + n or self.proc.poll() is not None, f"{n} ticks")
        assert self.proc.poll() is None, self.err_path.read_text()[-3000:]

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._reader.join(timeout=10)
        self._err.close()


def prepare(db_url: str, users: list[str], due_in: timedelta) -> Core:
    """Coordinators on the console with their default reminders; the agenda ones due at now + due_in."""
    core = build_core(Settings(database_url=db_url, _env_file=None))  # type: ignore[call-arg]
    with session_scope(core.services.engine) as session:
        for user in users:
            session.add(RoleAssignment(org="ommen", role="coordinator", platform="console", user_id=user))
    with session_scope(core.services.engine) as session:
        seed_org(session, core.services.kb.org("ommen"), ReminderConfig(), utcnow())
    set_due(core, utcnow() + due_in)
    return core


def set_due(core: Core, when) -> None:  # type: ignore[no-untyped-def]
    with session_scope(core.services.engine) as session:
        for r in session.execute(select(Reminder).where(Reminder.kind == "agenda")).scalars():
            r.next_due_at = when
            session.add(r)


def counts(core: Core) -> dict[str, int]:
    with session_scope(core.services.engine) as session:
        def n(q) -> int:  # type: ignore[no-untyped-def]
            return int(session.execute(q).scalar_one())

        return {
            "deliveries": n(select(func.count()).select_from(ReminderDelivery)),
            "outbox": n(select(func.count()).select_from(OutboxMessage)
                        .where(OutboxMessage.tag.like("reminder:%"))),
            "delivered": n(select(func.count()).select_from(OutboxMessage)
                           .where(OutboxMessage.tag.like("reminder:%"), OutboxMessage.status == "delivered")),
            "sending": n(select(func.count()).select_from(OutboxMessage)
                         .where(OutboxMessage.tag.like("reminder:%"), OutboxMessage.status == "sending")),
        }


def in_flight(core: Core) -> list[str]:
    """Recipients of reminder messages a killed process had claimed but not marked delivered."""
    with session_scope(core.services.engine) as session:
        return list(session.execute(select(OutboxMessage.recipient).where(
            OutboxMessage.tag.like("reminder:%"), OutboxMessage.status == "sending")).scalars())


def test_a_reminder_due_while_the_bot_was_down_is_sent_once_after_kill_9(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    core = prepare(url, ["coord"], timedelta(days=1))
    first = BotProcess(url, tmp_path, "first")
    first.wait_ticks(3)
    assert first.users() == []  # not due yet
    first.kill9()
    set_due(core, utcnow() - timedelta(hours=2))  # it fell due while the bot was down
    second = BotProcess(url, tmp_path, "second")
    wait_until(lambda: counts(core)["delivered"] == 1, "the late reminder delivered")
    second.kill9()
    third = BotProcess(url, tmp_path, "third")
    third.wait_ticks(5)
    third.kill9()
    shown = [r for p in (second, third) for line in p.lines for r in line["replies"]]
    assert [r["to"] for r in shown] == ["coord"]
    assert shown[0]["text"].startswith("(te laat) Deze herinnering stond gepland voor")
    assert [b["label"] for b in shown[0]["buttons"]] == ["Gedaan", "Herinner me over een week"]
    assert counts(core)["deliveries"] == 1 and counts(core)["outbox"] == 1


def test_kill_9_in_the_middle_of_a_batch_loses_and_repeats_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    users = [f"c{i:02d}" for i in range(30)]
    core = prepare(url, users, -timedelta(minutes=1))
    first = BotProcess(url, tmp_path, "first")
    wait_until(lambda: len(first.lines) >= 1, "the first reminder shown")
    first.kill9()
    second = BotProcess(url, tmp_path, "second")
    wait_until(lambda: counts(core)["delivered"] + counts(core)["sending"] == 30, "all reminders sent")
    second.wait_ticks(3)
    second.kill9()
    shown = first.users() + second.users()
    c = counts(core)
    # Each occurrence was claimed and enqueued once; each shown at most once. A message the
    # killed process was printing at that moment stays 'sending' until the outbox re-sends it
    # after its stale period (storage/outbox.py STALE_AFTER): late, but not lost.
    assert c["deliveries"] == 30 and c["outbox"] == 30
    assert len(shown) == len(set(shown))
    assert set(shown) | set(in_flight(core)) == set(users) and len(in_flight(core)) <= 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_two_processes_on_one_database_never_send_an_occurrence_twice(
        backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = request.getfixturevalue("pg_fresh_url") if backend == "postgresql" else f"sqlite:///{tmp_path}/b"
    users = [f"c{i:03d}" for i in range(N_TWO)]
    core = prepare(url, users, timedelta(days=1))
    a, b = BotProcess(url, tmp_path, "a"), BotProcess(url, tmp_path, "b")
    a.wait_ticks(1)
    b.wait_ticks(1)
    set_due(core, utcnow() - timedelta(minutes=1))  # all due at once, both processes awake
    wait_until(lambda: counts(core)["delivered"] == N_TWO, "all delivered")
    a.wait_ticks(3)
    b.wait_ticks(3)
    a.kill9()
    b.kill9()
    shown = a.users() + b.users()
    assert sorted(shown) == users  # every coordinator exactly once, over both processes
    c = counts(core)
    assert c["deliveries"] == N_TWO and c["outbox"] == N_TWO
    with session_scope(core.services.engine) as session:
        claims = dict(session.execute(select(ReminderDelivery.claimed_by, func.count())
                                      .group_by(ReminderDelivery.claimed_by)).all())
    print(f"{backend}: claims per process {sorted(claims.values())}; "
          f"shown by a {len(a.users())}, by b {len(b.users())}")
