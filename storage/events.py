"""Deduplication of platform events: Slack and Telegram may deliver the same event twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session

from storage.inserts import insert_new
from storage.models import ProcessedEvent, utcnow


def claim_event(session: Session, platform: str, event_id: str) -> bool:
    """True the first time (platform, event_id) is seen in this transaction's database.

    The row is inserted in the caller's transaction: if handling fails and rolls back, the
    claim goes too, so a retry of the event is handled instead of dropped. No savepoint: on
    SQLite (pysqlite) a SAVEPOINT opening the transaction commits it on release, which kept
    the claim of a failed attempt and dropped Slack's retry.
    """
    values = {"platform": platform, "event_id": event_id, "created_at": utcnow()}
    return insert_new(session, ProcessedEvent, values) is not None


def forget_old_events(session: Session, days: int = 7) -> int:
    """Drop ids older than any platform retries (Slack: minutes, Telegram: 24 h)."""
    result = session.execute(delete(ProcessedEvent).where(ProcessedEvent.created_at < utcnow() - timedelta(days=days)))
    return result.rowcount or 0
