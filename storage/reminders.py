"""Reminder tables: each reminder is a row with its schedule and next due time; each occurrence
is claimed once in `reminder_delivery` before it is sent.

The database, not a scheduler's job store, is the source of truth: APScheduler only wakes each
bot process up. Two processes that find the same occurrence due both try to insert its
(reminder, occurrence) row with INSERT … ON CONFLICT DO NOTHING RETURNING; only the one that gets
a row back sends it. The claim, the outbox message and the advanced `next_due_at` are written in
one transaction, so a crash rolls all three back and the occurrence is claimed again later.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, select
from sqlmodel import Field, Session, SQLModel

from storage.inserts import insert_new
from storage.models import OutboxMessage, RoleAssignment

KINDS = ("agenda", "report", "case_term")
CLAIMER = f"{socket.gethostname()}:{os.getpid()}"


def now_utc() -> datetime:
    """Aware UTC: sqlmodel's datetime columns refuse naive values."""
    return datetime.now(UTC)


class Reminder(SQLModel, table=True):
    """One person's subscription to one kind of reminder of an organisation, with its schedule."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("org", "kind", "key", "platform", "user_id"),
                      Index("ix_reminder_due", "active", "next_due_at"),
                      Index("ix_reminder_snooze", "snooze_at"),
                      Index("ix_reminder_user", "platform", "user_id"))
    id: int | None = Field(default=None, primary_key=True)
    org: str = Field(max_length=100, index=True)
    kind: str = Field(max_length=20)  # agenda | report | case_term
    key: str = Field(max_length=120)  # "agenda", "report:<duty id>", "case_terms"
    role: str = Field(max_length=40)  # the role it was created for
    platform: str = Field(max_length=20)
    user_id: str = Field(max_length=200)
    display_name: str | None = Field(default=None, max_length=200)
    # schedule, Europe/Amsterdam: months "3,9"; agenda on the first <weekday>, reports on <day>
    months: str = Field(default="1", max_length=40)
    weekday: str | None = Field(default=None, max_length=3)
    day: int | None = None
    time_of_day: str = Field(default="09:00", max_length=5)
    every_years: int = 1
    start_year: int | None = None
    next_due_at: datetime | None = None  # UTC; None for case terms (computed from cases)
    snooze_at: datetime | None = None  # "remind me in a week"
    snooze_of: int | None = None  # the delivery that was snoozed
    active: bool = True  # subscribed
    note: str | None = Field(default=None, max_length=40)  # why off: unsubscribed|unreachable|no_role
    state: dict | None = Field(default=None, sa_column=Column(JSON))  # dilemma / work form rotation
    created_at: datetime = Field(default_factory=now_utc)
    updated_at: datetime = Field(default_factory=now_utc)


class ReminderDelivery(SQLModel, table=True):
    """One occurrence of a reminder, claimed by exactly one process."""

    __tablename__ = "reminder_delivery"
    __table_args__ = (UniqueConstraint("reminder_id", "occurrence"),
                      Index("ix_reminder_delivery_claimed", "claimed_at"))
    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = Field(foreign_key="reminder.id", index=True)
    occurrence: str = Field(max_length=160)  # due time (ISO, UTC) or "case:<id>:<term>:<stage>"
    due_at: datetime
    status: str = Field(default="claimed", max_length=20, index=True)
    # claimed → enqueued → delivered | failed;  skipped (no longer valid when it fell due)
    claimed_at: datetime = Field(default_factory=now_utc)
    claimed_by: str = Field(default=CLAIMER, max_length=120)
    late: bool = False
    outbox_id: int | None = None
    detail: dict | None = Field(default=None, sa_column=Column(JSON))  # dilemma, work form, case term
    done_at: datetime | None = None
    snoozed_at: datetime | None = None


class ReminderNotice(SQLModel, table=True):
    """An administrator was told about an unreachable recipient: told once, never again."""

    __tablename__ = "reminder_notice"
    __table_args__ = (UniqueConstraint("org", "platform", "user_id", "reason"),)
    id: int | None = Field(default=None, primary_key=True)
    org: str = Field(max_length=100)
    platform: str = Field(max_length=20)
    user_id: str = Field(max_length=200)
    reason: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=now_utc)


def claim_occurrence(session: Session, reminder_id: int, occurrence: str, due_at: datetime,
                     late: bool, now: datetime) -> ReminderDelivery | None:
    """Claim one occurrence for this process; None when another process already has it."""
    new_id = insert_new(session, ReminderDelivery, dict(
        reminder_id=reminder_id, occurrence=occurrence, due_at=due_at, status="claimed",
        claimed_at=now, claimed_by=CLAIMER, late=late))
    if new_id is None:
        return None
    return session.get(ReminderDelivery, new_id)


def claimed(session: Session, reminder_id: int, occurrence: str) -> bool:
    return session.execute(select(ReminderDelivery.id).where(
        ReminderDelivery.reminder_id == reminder_id,
        ReminderDelivery.occurrence == occurrence)).first() is not None


def create_reminder(session: Session, **fields: Any) -> bool:
    """Insert a reminder unless this person already has it (then nothing changes): True if new."""
    now = now_utc()
    values = {"created_at": now, "updated_at": now, "active": True, **fields}
    return insert_new(session, Reminder, values) is not None


def due_ids(session: Session, now: datetime) -> list[int]:
    """Scheduled reminders whose next occurrence or snooze has come (two index range scans)."""
    due = session.execute(select(Reminder.id, Reminder.next_due_at).where(
        Reminder.active.is_(True), Reminder.next_due_at <= now, Reminder.kind != "case_term")).all()
    snoozed = session.execute(select(Reminder.id, Reminder.snooze_at).where(
        Reminder.snooze_at <= now, Reminder.active.is_(True), Reminder.kind != "case_term")).all()
    first: dict[int, datetime] = {}
    for rid, at in [*due, *snoozed]:
        first[rid] = min(first.get(rid, at), at)
    return sorted(first, key=lambda rid: (first[rid], rid))


def reminders_of(session: Session, org: str | None = None, platform: str | None = None,
                 user_id: str | None = None, kind: str | None = None) -> list[Reminder]:
    q = select(Reminder)
    if org is not None:
        q = q.where(Reminder.org == org)
    if platform is not None:
        q = q.where(Reminder.platform == platform)
    if user_id is not None:
        q = q.where(Reminder.user_id == user_id)
    if kind is not None:
        q = q.where(Reminder.kind == kind)
    return list(session.execute(q.order_by(Reminder.org, Reminder.kind, Reminder.id)).scalars())


def roles_of(session: Session, org: str, platform: str, user_id: str) -> list[RoleAssignment]:
    return list(session.execute(select(RoleAssignment).where(
        RoleAssignment.org == org, RoleAssignment.platform == platform,
        RoleAssignment.user_id == user_id)).scalars())


def people(session: Session, org: str, roles: tuple[str, ...], after_id: int = 0) -> list[RoleAssignment]:
    """Registered people of `org` with one of `roles` (only those registered after `after_id`)."""
    return list(session.execute(select(RoleAssignment).where(
        RoleAssignment.org == org, RoleAssignment.role.in_(roles), RoleAssignment.id > after_id)
        .order_by(RoleAssignment.id)).scalars())


def rotate(reminder: Reminder, name: str, ids: list[str]) -> str | None:
    """The next id of `ids` not used yet by this reminder; starts over when all were used.

    Stored on the reminder (state[name]), so the rotation survives restarts and is per person:
    every team meeting of this coordinator gets a dilemma it has not discussed before.
    """
    if not ids:
        return None
    state = dict(reminder.state or {})
    used = [i for i in state.get(name, []) if i in ids]
    fresh = [i for i in ids if i not in used]
    if not fresh:
        used, fresh = [], list(ids)
    choice = fresh[0]
    state[name] = [*used, choice]
    reminder.state = state  # a new dict, so SQLAlchemy sees the change
    return choice


def latest_open_delivery(session: Session, platform: str, user_id: str, within: timedelta,
                         now: datetime) -> ReminderDelivery | None:
    """The newest agenda or report reminder this person got and has not marked done."""
    return session.execute(
        select(ReminderDelivery).join(Reminder, Reminder.id == ReminderDelivery.reminder_id).where(
            Reminder.platform == platform, Reminder.user_id == user_id, Reminder.kind != "case_term",
            ReminderDelivery.status.in_(("enqueued", "delivered")), ReminderDelivery.done_at.is_(None),
            ReminderDelivery.claimed_at >= now - within,
        ).order_by(ReminderDelivery.id.desc()).limit(1)).scalar_one_or_none()


def unsettled(session: Session, limit: int = 5000) -> list[tuple[int, str, str | None]]:
    """(delivery id, outbox status, failure kind) of enqueued deliveries whose outbox message has
    been delivered or has failed for good (kind: permanent | unreachable | exhausted)."""
    rows = session.execute(
        select(ReminderDelivery.id, OutboxMessage.status, OutboxMessage.failure).join(
            OutboxMessage, OutboxMessage.id == ReminderDelivery.outbox_id).where(
            ReminderDelivery.status == "enqueued",
            OutboxMessage.status.in_(("delivered", "failed"))).limit(limit)).all()
    return [(i, s, f) for i, s, f in rows]


def notice_once(session: Session, org: str, platform: str, user_id: str, reason: str) -> bool:
    """Record that the administrator is told about this person; False if that already happened."""
    values = dict(org=org, platform=platform, user_id=user_id, reason=reason, created_at=now_utc())
    return insert_new(session, ReminderNotice, values) is not None


class ReminderSeedMark(SQLModel, table=True):
    """How far default reminders were seeded per organisation: the newest role row seen, under
    which settings (`fingerprint`). The clock seeds only roles registered after it."""

    __tablename__ = "reminder_seed_mark"
    org: str = Field(primary_key=True, max_length=100)
    fingerprint: str = Field(max_length=64)
    role_id: int = 0
    updated_at: datetime = Field(default_factory=now_utc)


def seed_mark(session: Session, org: str) -> ReminderSeedMark | None:
    return session.get(ReminderSeedMark, org)


def set_seed_mark(session: Session, org: str, fingerprint: str, role_id: int) -> None:
    mark = session.get(ReminderSeedMark, org, with_for_update=True)
    if mark is None:
        if insert_new(session, ReminderSeedMark, dict(org=org, fingerprint=fingerprint, role_id=role_id,
                                                      updated_at=now_utc())) is not None:
            return
        mark = session.get(ReminderSeedMark, org, with_for_update=True)
    assert mark is not None
    if mark.fingerprint != fingerprint or role_id > mark.role_id:
        mark.fingerprint, mark.role_id, mark.updated_at = fingerprint, role_id, now_utc()
        session.add(mark)


def max_role_id(session: Session, org: str) -> int:
    from sqlalchemy import func

    return int(session.execute(select(func.max(RoleAssignment.id)).where(RoleAssignment.org == org))
               .scalar_one_or_none() or 0)


def purge_deliveries(session: Session, before: datetime) -> int:
    """Forget settled reminder occurrences claimed before `before` (retention)."""
    from sqlalchemy import delete

    result = session.execute(delete(ReminderDelivery).where(
        ReminderDelivery.claimed_at < before,
        ReminderDelivery.status.in_(("delivered", "failed", "skipped"))))  # type: ignore[attr-defined]
    return result.rowcount or 0
