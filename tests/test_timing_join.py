"""Identification by timing (issue 10, item 1): after a realistic day of traffic, a raw copy of
the database must not let anyone tell which user is behind a case.

The day: 24 colleagues on Slack, Telegram and the console ask questions between 08:00 and
17:00; one of them asks the unwanted-behaviour route, opens a confidential case a minute later,
writes twice more and reveals their name; a trusted person takes it and answers. The replies
are delivered as the senders would, and the bot's clock runs its retention ticks. Then the
attack, on a copy of the files (SQLite: the file, its WAL and shm; PostgreSQL: every file of the
data directory, WAL included, and every row):
- the employee's user id, DM channel, platform key, display name or any message text anywhere
  in the bytes is a hit;
- the join: for every moment of case activity, the readable identities stamped within two
  seconds of it anywhere outside the case tables; the employee must not be among them;
- no keyed hash of the employee is shared between the case link and any other table.
"""

from __future__ import annotations

import random
import secrets
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy
import time_machine
from sqlalchemy import inspect

from bot.app import build_core
from bot.reminder_service import ReminderService
from bot.settings import Settings
from handlers.dispatcher import Core
from handlers.reminders.schedule import TZ, ReminderConfig
from handlers.types import Address, IncomingMessage, Reply
from knowledge.engine import KnowledgeBase
from storage.crypto import Cipher
from storage.db import session_scope
from storage.outbox import deliver_due
from storage.roles import add_role

ORG = "ommen"
QUESTIONS = ["Mag ik een fles wijn van een leverancier aannemen?", "Moet ik mijn bijbaan melden?",
             "Wat zijn onze kernwaarden?", "Een collega pest mij, bij wie kan ik terecht?",
             "Mag ik een lunch van een aannemer aannemen?", "Waar meld ik een vermoeden van fraude?",
             "Ongeveer 20 euro.", "dank je", "Moet ik de eed afleggen?"]
CASE_TABLES = {"confide_case", "confide_message", "confide_identity", "confide_consent", "confide_secret",
               "confide_statistic"}


class Day:
    """Users on three platforms talking to one core, with delivery as the senders do it."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self.n = 0

    def send(self, address: Address, when: datetime, text: str = "", action: str | None = None,
             name: str | None = None) -> list[Reply]:
        self.n += 1
        ts = f"{int(when.timestamp())}.{self.n:06d}"
        event = (f"msg:{address.chat}:{ts}" if address.platform == "slack"
                 else str(900_000 + self.n) if address.platform == "telegram" else None)
        with time_machine.travel(when, tick=False):
            replies = self.core.handle(IncomingMessage(address=address, org=ORG, text=text, action=action,
                                                       event_id=event, display_name=name))
        with time_machine.travel(when + timedelta(milliseconds=400), tick=False):
            for platform in ("slack", "telegram", "console"):
                deliver_due(self.core.services.engine, platform, self._sender(platform), self.core.services.cipher)
        return replies

    def _sender(self, platform: str):  # type: ignore[no-untyped-def]
        def send(reply: Reply) -> str | None:
            self.n += 1
            if platform == "slack":
                return f"{reply.to.chat or 'D' + reply.to.user}:{1_700_000_000 + self.n}.000100"
            if platform == "telegram":
                return f"{reply.to.chat or reply.to.user}:{self.n}"
            return None
        return send


def _live_day(core: Core, tag: str) -> dict[str, list[str]]:
    """Run the day; return the employee's identities and secrets, and everyone's identities."""
    day = Day(core)
    rng = random.Random(10)
    with session_scope(core.services.engine) as s:
        add_role(s, ORG, "trusted_person", "slack", f"U0TP{tag}", "Anna de Vries")
    tp = Address("slack", f"U0TP{tag}", chat=f"D0TP{tag}")
    users = []
    for i in range(8):
        users += [Address("slack", f"U0C{i}{tag}", chat=f"D0C{i}{tag}"),
                  Address("telegram", f"7{i}{tag_digits(tag)}", chat=f"7{i}{tag_digits(tag)}"),
                  Address("console", f"collega{i}{tag}")]
    employee = users[3]  # one of the Slack users
    name = f"Wilhelmina Vlekkenschoon {tag}"
    markers = [f"Onderwerp{tag}", f"Vervolg{tag}", f"Antwoord{tag}"]
    start = datetime(2026, 3, 3, 8, 0, tzinfo=TZ)
    service = ReminderService(core.services, ReminderConfig(auto_seed=False))

    plan: list[tuple[datetime, Address, str]] = []
    for user in users:
        for _ in range(rng.randint(2, 4)):
            plan.append((start + timedelta(seconds=rng.randint(0, 9 * 3600)), user, rng.choice(QUESTIONS)))
    route_at = datetime(2026, 3, 3, 10, 14, 3, tzinfo=TZ)
    plan.append((route_at, employee, "Mijn leidinggevende schreeuwt tegen me, waar kan ik dat melden?"))
    plan.sort(key=lambda p: p[0])

    case_steps = [(route_at + timedelta(seconds=60), "/vertrouwenspersoon")]
    done_case = False
    clock = start
    for when, user, text in plan:
        while clock < when:  # the bot's own clock ticks in between
            with time_machine.travel(clock, tick=False):
                service.tick()
            clock += timedelta(minutes=10)
        day.send(user, when, text)
        if not done_case and when >= route_at:
            done_case = True
            t = case_steps[0][0]
            r = day.send(employee, t, "/vertrouwenspersoon")
            r = day.send(employee, t + timedelta(seconds=20), action=_button(r, employee, "Ja"))
            r = day.send(employee, t + timedelta(seconds=35), action=_button(r, employee, "Ongewenst gedrag"))
            r = day.send(employee, t + timedelta(seconds=80), f"Het gaat over {markers[0]}.")
            r = day.send(tp, t + timedelta(minutes=40), action=_button(r, tp, "Oppakken"))
            label = next(x.text for x in r if "Melder" in x.text).split("Melder ")[1][:5]
            day.send(tp, t + timedelta(minutes=55), f"/antwoord {label} {markers[2]}")
            day.send(employee, t + timedelta(hours=3, minutes=2), f"En {markers[1]}.")
            r = day.send(employee, t + timedelta(hours=3, minutes=5), "naam", name=name)
            day.send(employee, t + timedelta(hours=3, minutes=6), action=_button(r, employee, "Ja, maak"), name=name)
    with time_machine.travel(datetime(2026, 3, 3, 18, 0, tzinfo=TZ), tick=False):
        service.tick()  # the evening tick
    everyone = [u.user for u in users] + [u.chat or "" for u in users]
    return {"employee": [employee.user, employee.chat or "", employee.key], "secrets": [name, *markers],
            "everyone": everyone}


def tag_digits(tag: str) -> str:
    return str(int(tag, 16) % 10_000_000)


def _button(replies: list[Reply], to: Address, label: str) -> str:
    for r in replies:
        if r.to.user == to.user:
            for b in r.buttons:
                if label.lower() in b.label.lower():
                    return b.id
    raise AssertionError(f"no button {label!r} for {to.user}")


def _rows(url: str) -> dict[str, list[dict]]:
    engine = sqlalchemy.create_engine(url)
    with engine.connect() as conn:
        out = {t: [dict(r._mapping) for r in conn.execute(sqlalchemy.text(f'SELECT * FROM "{t}"'))]
               for t in inspect(conn).get_table_names()}
    engine.dispose()
    return out


def _attack(rows: dict[str, list[dict]], raw: bytes, who: dict[str, list[str]]) -> None:
    # 1. the bytes: no readable identity of the employee and nothing they or the trusted person wrote
    for value in who["employee"] + who["secrets"]:
        assert value.encode() not in raw, f"{value!r} is readable in the raw copy"
    # 2. the join: identities stamped within 2 s of any case activity, outside the case tables
    moments = [m for t in CASE_TABLES - {"confide_statistic", "confide_secret"} for row in rows.get(t, [])
               for m in _stamps(row)]
    assert moments, "the day produced no case activity"
    identities = set(who["everyone"])
    suspects = set()
    for table, table_rows in rows.items():
        if table in CASE_TABLES:
            continue
        for row in table_rows:
            named = {i for i in identities for v in row.values() if isinstance(v, str) and i and i in v}
            for stamp in _stamps(row):
                if any(abs((stamp - m).total_seconds()) <= 2 for m in moments):
                    suspects |= named
    assert not set(who["employee"]) & suspects, f"the join names the employee: {suspects}"
    # 3. no keyed hash of the case link appears anywhere else
    lookups = {row["lookup"] for row in rows["confide_identity"]}
    for table, table_rows in rows.items():
        if table == "confide_identity":
            continue
        for row in table_rows:
            assert not lookups & {v for v in row.values() if isinstance(v, str)}, table
    # 4. the stamps next to a (hashed) user are coarse: states by day, event ids by hour
    assert rows["conversation_state"] and rows["processed_event"]
    assert all(_stamp(r["updated_at"]).time() == datetime.min.time() for r in rows["conversation_state"])
    assert all(_stamp(r["created_at"]).minute == 0 for r in rows["processed_event"])
    assert not any(r["status"] == "delivered" and not r["tag"] for r in rows["outbox"])  # purged


def _stamp(value: object) -> datetime | None:
    """A timestamp as naive UTC, from a datetime (PostgreSQL) or its text (SQLite)."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in " T":
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _stamps(row: dict) -> list[datetime]:
    return [s for s in (_stamp(v) for v in row.values()) if s is not None]


def test_a_copy_of_sqlite_after_a_day_does_not_name_the_employee(tmp_path: Path, kb: KnowledgeBase) -> None:
    db = tmp_path / "day.db"
    core = build_core(Settings(database_url=f"sqlite:///{db}", encryption_keys=Cipher.new_key(),
                               _env_file=None), kb)  # type: ignore[call-arg]
    who = _live_day(core, secrets.token_hex(3).upper())
    copy = tmp_path / "copy"
    copy.mkdir()
    for part in tmp_path.glob("day.db*"):  # what `cp` of a live database gets
        shutil.copy(part, copy / part.name)
    raw = b"".join(p.read_bytes() for p in copy.iterdir())
    core.services.engine.dispose()
    sqlite3.connect(copy / "day.db").close()
    _attack(_rows(f"sqlite:///{copy / 'day.db'}"), raw, who)


def test_a_copy_of_postgresql_after_a_day_does_not_name_the_employee(pg_fresh_url: str, kb: KnowledgeBase) -> None:
    core = build_core(Settings(database_url=pg_fresh_url, encryption_keys=Cipher.new_key(),
                               _env_file=None), kb)  # type: ignore[call-arg]
    who = _live_day(core, secrets.token_hex(3).upper())
    engine = sqlalchemy.create_engine(pg_fresh_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("CHECKPOINT")  # heap and WAL on disk, dead row versions included
        data_dir = Path(conn.exec_driver_sql("SHOW data_directory").scalar_one())
    engine.dispose()
    raw = b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*"))
                   if p.is_file() and p.suffix not in (".pid", ".opts") and "log" not in p.parts)
    _attack(_rows(pg_fresh_url), raw, who)
    core.services.engine.dispose()
