"""Deduplication of platform events: Slack and Telegram may deliver the same event twice.

An event id (a Slack DM channel and message time, a Telegram update id) is stored as a keyed
hash with the hour it came in, and forgotten after a short retention: enough to answer a
retried event once, nothing to read a user or a time from in a copy of the database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session

from storage.inserts import insert_new
from storage.keys import Keyring
from storage.models import ProcessedEvent, utcnow

PURPOSE = "event"
RETENTION = timedelta(days=2)  # Slack retries within minutes, Telegram redelivers within 24 h


def _hour(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, moment.day, moment.hour, tzinfo=UTC)


def event_key(session: Session, keyring: Keyring, platform: str, event_id: str) -> str:
    return keyring.blind(session, PURPOSE, f"{platform}:{event_id}")


def claim_event(session: Session, keyring: Keyring, platform: str, event_id: str) -> bool:
    """True the first time (platform, event_id) is seen in this transaction's database.

    The row is inserted in the caller's transaction: if handling fails and rolls back, the
    claim goes too, so a retry of the event is handled instead of dropped. No savepoint: on
    SQLite (pysqlite) a SAVEPOINT opening the transaction commits it on release, which kept
    the claim of a failed attempt and dropped Slack's retry.
    """
    values = {"platform": platform, "event_id": event_key(session, keyring, platform, event_id),
              "created_at": _hour(utcnow())}
    return insert_new(session, ProcessedEvent, values) is not None


def event_seen(session: Session, keyring: Keyring, platform: str, event_id: str) -> bool:
    """Whether this event's claim is stored (its handling was committed)."""
    key = event_key(session, keyring, platform, event_id)
    return session.execute(select(ProcessedEvent.id).where(
        ProcessedEvent.platform == platform, ProcessedEvent.event_id == key)).first() is not None


def forget_legacy_events(session: Session) -> int:
    """Event ids stored readable before they were hashed (not 64 hex digits): dropped at start-up;
    they only guarded against retries that are long over by the time a bot is upgraded."""
    result = session.execute(delete(ProcessedEvent).where(func.length(ProcessedEvent.event_id) != 64))
    return result.rowcount or 0


def forget_old_events(session: Session, older_than: timedelta | int = RETENTION) -> int:
    """Drop ids older than any platform retries (`older_than` a timedelta, or days)."""
    if isinstance(older_than, int):
        older_than = timedelta(days=older_than)
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.created_at < utcnow() - older_than))
    return result.rowcount or 0
