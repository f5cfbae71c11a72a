"""The tables: the database is the single source of truth for every conversation."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Aware UTC: sqlmodel (>= 0.0.50) stores datetimes as UTC and refuses naive values."""
    return datetime.now(UTC)


class ConversationState(SQLModel, table=True):
    """Per user: the pending clarifying question and the facts gathered so far."""

    __tablename__ = "conversation_state"
    user_key: str = Field(primary_key=True, max_length=200)
    org: str = Field(max_length=100)
    lang: str = Field(default="nl", max_length=5)
    pending: dict | None = Field(default=None, sa_column=Column(JSON))
    flow: str | None = Field(default=None, max_length=40)  # active flow, e.g. "confide"
    flow_data: dict | None = Field(default=None, sa_column=Column(JSON))
    updated_at: datetime = Field(default_factory=utcnow)


class ProcessedEvent(SQLModel, table=True):
    """Platform event ids already handled: a retried event is answered once."""

    __tablename__ = "processed_event"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)
    event_id: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class OutboxMessage(SQLModel, table=True):
    """A reply stored before it is sent; a sender delivers it, retries it, marks it delivered."""

    __tablename__ = "outbox"
    __table_args__ = (
        # the heads of the recipient queues: only unfinished rows are indexed (storage/outbox.py)
        Index("ix_outbox_open_queue", "queue", "id", postgresql_where=text("status IN ('pending', 'sending')"),
              sqlite_where=text("status IN ('pending', 'sending')")),
        Index("ix_outbox_open_platform", "platform", "id",
              postgresql_where=text("status IN ('pending', 'sending')"),
              sqlite_where=text("status IN ('pending', 'sending')")),
        Index("ix_outbox_grp", "grp"),
        Index("ix_outbox_finished", "status", "delivered_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20, index=True)
    recipient: str = Field(max_length=200)  # platform user id (or chat id)
    payload: str = Field(sa_column=Column(Text, nullable=False))  # JSON, encrypted when confidential
    encrypted: bool = False
    status: str = Field(default="pending", max_length=20, index=True)  # pending|sending|delivered|failed
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, index=True)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None
    platform_message_id: str | None = Field(default=None, max_length=200, index=True)
    tag: str | None = Field(default=None, max_length=200, index=True)  # e.g. "case:<id>", in clear
    # delivery (storage/outbox.py): one queue per recipient, delivered strictly in order
    queue: str = Field(default="", max_length=240)  # "<platform>:<recipient>" or the sealed tag
    grp: str | None = Field(default=None, max_length=200)  # receipts once per group (a handoff)
    lease_owner: str | None = Field(default=None, max_length=120)  # the process sending it
    lease_until: datetime | None = None  # taken over by another process after this
    claimed_at: datetime | None = None  # when the current attempt began (Slack lookup window)
    parts_sent: int = 0  # a message sent in several parts resumes at the first unsent one
    failure: str | None = Field(default=None, max_length=20)  # permanent | unreachable | exhausted


class RoleAssignment(SQLModel, table=True):
    """A trusted person or coordinator of an organisation, with their platform address."""

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("org", "role", "platform", "user_id"),
                      Index("ix_role_assignment_user", "platform", "user_id"))
    id: int | None = Field(default=None, primary_key=True)
    org: str = Field(max_length=100, index=True)
    role: str = Field(max_length=40)  # trusted_person | coordinator | manager | admin
    platform: str = Field(max_length=20)
    user_id: str = Field(max_length=200)
    display_name: str | None = Field(default=None, max_length=200)
    available: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class OutboxFollowup(SQLModel, table=True):
    """A group's receipt was enqueued (storage/outbox.py): once, whichever process got there first."""

    __tablename__ = "outbox_followup"
    __table_args__ = (UniqueConstraint("grp", "event"),)
    id: int | None = Field(default=None, primary_key=True)
    grp: str = Field(max_length=200)
    event: str = Field(max_length=20)  # delivered | failed
    created_at: datetime = Field(default_factory=utcnow, index=True)
