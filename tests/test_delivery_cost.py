"""Cost that does not grow with history: indexes behind every hot query (EXPLAIN on PostgreSQL),
reminder ticks whose work follows what is due, seeding only who is new, retention by the clock.
Counted in SQL statements, never in seconds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.app import build_core
from bot.reminder_service import purge_history
from bot.settings import Settings
from bot.slack import threads
from handlers.dispatcher import Core
from handlers.reminders.schedule import TZ
from storage.cases import Case, CaseIdentity, Sealer, cases_of_employee, cases_to_check
from storage.db import session_scope
from storage.messages import Address
from storage.models import OutboxMessage, ProcessedEvent, RoleAssignment, utcnow
from storage.outbox import claim_heads, purge_finished, tag_of_sent_message
from storage.reminders import (
    Reminder,
    ReminderDelivery,
    due_ids,
    latest_open_delivery,
    people,
    roles_of,
    unsettled,
)
from storage.roles import trusted_orgs, trusted_role
from tests.reminders_support import at, register, service


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement the engine runs inside the block, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _fill(core: Core, n: int) -> None:
    """History of a busy year: delivered outbox rows, roles, reminders, deliveries, cases, events."""
    now = utcnow()
    with core.services.engine.begin() as conn:
        conn.execute(insert(OutboxMessage), [dict(
            platform="slack", recipient=f"DU{i}", payload="{}", encrypted=False, status="delivered", attempts=1,
            next_attempt_at=now, created_at=now, delivered_at=now, platform_message_id=f"DU{i}:{i}.0",
            tag=f"case:c{i}" if i % 2 else None, queue=f"slack:U{i % 300}", parts_sent=0) for i in range(n)])
        conn.execute(insert(RoleAssignment), [dict(org="ommen", role="coordinator", platform="slack",
                                                   user_id=f"U{i}", available=True, created_at=now)
                                              for i in range(n // 10)])
        conn.execute(insert(ProcessedEvent), [dict(platform="slack", event_id=f"Ev{i}", created_at=now)
                                              for i in range(n)])
        later = now + timedelta(days=9)
        conn.execute(insert(Case), [dict(id=f"c{i}", org="ommen", pseudonym=f"P{i}", state="closed",
                                         lang="nl", handoff_to=[], created_at=now, term_check_at=later)
                                    for i in range(n // 10)])
        conn.execute(insert(CaseIdentity), [dict(case_id=f"c{i}", lookup=f"{i:064x}", sealed="x")
                                            for i in range(n // 10)])
    with session_scope(core.services.engine) as session:
        for i in range(n // 20):
            session.add(Reminder(org="ommen", kind="agenda", key="agenda", role="coordinator", platform="slack",
                                 user_id=f"U{i}", next_due_at=now + timedelta(days=30)))
        session.flush()
        for rid in range(1, n // 20):
            session.add(ReminderDelivery(reminder_id=rid, occurrence=f"o{rid}", due_at=now, status="delivered",
                                         claimed_at=now))


def test_every_hot_query_uses_an_index_on_postgresql(pg_fresh_url: str, kb) -> None:  # type: ignore[no-untyped-def]
    core = build_core(Settings(database_url=pg_fresh_url, encryption_keys=__import__("storage.crypto").crypto
                               .Cipher.new_key(), _env_file=None), kb)  # type: ignore[call-arg]
    engine = core.services.engine
    _fill(core, 3000)
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    now = utcnow()
    sealer = Sealer(core.services.cipher)  # type: ignore[arg-type]
    hot: list[Callable[[], object]] = [
        lambda: claim_heads(engine, "slack", "me", 8),
        lambda: tag_of_sent_message(engine, "slack", "DU7:7.0"),
        lambda: threads.thread_ts(engine, None, "case:c7", "DU7"),
        lambda: purge_finished(engine, now - timedelta(days=400), 30),
    ]
    with statements(engine) as seen:
        for call in hot:
            call()
        with session_scope(engine) as s:
            due_ids(s, now)
            roles_of(s, "ommen", "slack", "U5")
            trusted_orgs(s, "slack", "U5")
            trusted_role(s, "ommen", "slack", "U5")
            people(s, "ommen", ("coordinator",), after_id=290)
            latest_open_delivery(s, "slack", "U5", timedelta(days=30), now)
            unsettled(s)
            cases_to_check(s, now, now.date())
            cases_of_employee(s, sealer, Address("slack", "U5"))
            s.execute(select(ProcessedEvent.id).where(ProcessedEvent.created_at < now - timedelta(days=7)))
    queries = [(q, p) for q, p in seen if q.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE", "WITH"))
               and "confide_secret" not in q]
    assert len(queries) >= 14
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # a Seq Scan now means: no index can serve it
        partial = set(conn.exec_driver_sql(  # indexes of the open rows only: reading them whole is cheap
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indpred IS NOT NULL").scalars())
        assert {"ix_outbox_open_queue", "ix_outbox_open_platform"} <= partial
        for query, params in queries:
            plan = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {query}", params).scalar_one()
            assert _unindexed(plan[0]["Plan"], partial) == [], query
        conn.rollback()


def _unindexed(node: dict[str, Any], partial: set[str]) -> list[str]:
    """Scans that read a whole table or a whole index of all rows (no index condition narrows them)."""
    found = []
    kind = node.get("Node Type", "")
    if kind == "Seq Scan" or (kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan")
                              and "Index Cond" not in node and node.get("Index Name") not in partial):
        found.append(f"{kind} on {node.get('Relation Name')} ({node.get('Index Name')})")
    for child in node.get("Plans") or []:
        found += _unindexed(child, partial)
    return found


def _open_cases(core: Core, n: int, start: int = 0) -> None:
    now = datetime(2026, 3, 2, 8, 0, tzinfo=TZ)
    with session_scope(core.services.engine) as session:
        for i in range(start, start + n):
            session.add(Case(id=f"case-{i}", org="ommen", pseudonym=f"Q{i}", state="open", kind="other",
                             handoff_to=["console:vp1"], handed_off_at=now, created_at=now, taken_by="console:vp1",
                             taken_at=now, last_employee_message_at=now))


def _tick_cost(core: Core, cases: int) -> int:
    register(core, "trusted_person", "vp1")
    _open_cases(core, cases)
    svc = service(core)
    with at(2026, 3, 2, 10, 0):
        svc.tick()  # seeds, and looks at every case once
        with statements(core.services.engine) as seen:
            svc.tick()
    return len(seen)


def test_a_tick_costs_the_same_with_ten_or_three_hundred_open_cases(settings: Settings, kb, tmp_path) -> None:  # type: ignore[no-untyped-def]
    few = _tick_cost(build_core(settings, kb), 10)
    other = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'many.db'}"})
    many = _tick_cost(build_core(other, kb), 300)
    assert few == many and few < 40


def test_a_changed_case_is_looked_at_again(core: Core) -> None:
    register(core, "trusted_person", "vp1")
    _open_cases(core, 3)
    svc = service(core)
    with at(2026, 3, 2, 10, 0):
        svc.tick()
        with session_scope(core.services.engine) as session:
            assert cases_to_check(session, utcnow(), utcnow().date()) == []
            case = session.get(Case, "case-1")
            assert case is not None
            case.taken_by = None  # released: a "not taken" term runs now
            session.add(case)
        with session_scope(core.services.engine) as session:
            assert [c.id for c in cases_to_check(session, utcnow(), utcnow().date())] == ["case-1"]


def test_seeding_at_every_start_touches_only_new_people(core: Core) -> None:
    for i in range(100):
        register(core, "coordinator", f"c{i}")
    svc = service(core)
    now = datetime(2026, 2, 20, 10, 0, tzinfo=TZ)
    per_person = svc.seed_changed(now) // 100
    assert per_person >= 1  # an agenda reminder, and report reminders
    with statements(core.services.engine) as seen:
        assert service(core).seed_changed(now) == 0  # a restarted process
    assert len(seen) < 10
    register(core, "coordinator", "new")
    assert service(core).seed_changed(now) == per_person


def test_history_is_purged_by_the_clock(core: Core) -> None:
    old = utcnow() - timedelta(days=60)
    with session_scope(core.services.engine) as session:
        for tag, status in [(None, "delivered"), ("reminder:1", "failed"), ("case:x", "delivered"),
                            ("handoff:x", "delivered"), (None, "pending")]:
            session.add(OutboxMessage(platform="slack", recipient="U1", payload="{}", status=status, tag=tag,
                                      queue="slack:U1", next_attempt_at=old, delivered_at=old, created_at=old))
        session.add(ProcessedEvent(platform="slack", event_id="Ev1", created_at=old))
        session.add(ProcessedEvent(platform="slack", event_id="Ev2"))
    done = purge_history(core.services.engine, utcnow(), outbox_days=30, event_days=7, delivery_days=400)
    assert done["outbox"] == 2 and done["events"] == 1
    with session_scope(core.services.engine) as session:
        left = session.exec(select(OutboxMessage.tag, OutboxMessage.status).order_by(OutboxMessage.id)).all()
        assert [tuple(r) for r in left] == [("case:x", "delivered"), ("handoff:x", "delivered"), (None, "pending")]
        assert session.exec(select(ProcessedEvent.event_id)).all() == ["Ev2"]
    with core.services.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM outbox")).scalar_one() == 3
