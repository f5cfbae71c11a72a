"""Counts of the answers the bot gave, per organisation, ISO week, intent, topic and verdict.

What the coordinator's page shows under "Wat vragen medewerkers". One row is a number and the
labels of the answer's structured meaning (the contract's closed lists) — never a question's
text, never a user id, never a time finer than the week. The core adds to it in the same
transaction that stores the replies, so a rolled-back message is not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Date, UniqueConstraint, select, update
from sqlmodel import Field, Session, SQLModel

from knowledge.answer import Answer
from storage.inserts import insert_new

LOCAL = ZoneInfo("Europe/Amsterdam")
NOT_PLACED = "fallback"  # the intent of a question the bot could not place


class AnswerCount(SQLModel, table=True):
    """How many answers of one kind an organisation's employees got in one week."""

    __tablename__ = "answer_count"
    __table_args__ = (UniqueConstraint("org", "week", "intent", "topic", "verdict", "report_type"),)
    id: int | None = Field(default=None, primary_key=True)
    org: str = Field(max_length=100, index=True)
    week: date = Field(sa_column=Column(Date, nullable=False, index=True))  # Monday, Europe/Amsterdam
    intent: str = Field(max_length=20)  # rule | clarify | route | confide | info | help | fallback
    topic: str = Field(default="", max_length=40)  # '' when the answer has none
    verdict: str = Field(default="", max_length=20)
    report_type: str = Field(default="", max_length=40)
    count: int = 0


def week_of(moment: datetime) -> date:
    """The Monday (Dutch time) of the ISO week `moment` falls in."""
    day = moment.astimezone(LOCAL).date()
    return day - timedelta(days=day.weekday())


def record_answers(session: Session, org: str, answers: Iterable[Answer], now: datetime) -> None:
    """Add one to the count of each answer's kind (in the caller's transaction)."""
    week = week_of(now)
    for answer in answers:
        key = {"org": org, "week": week, "intent": answer.intent[:20], "topic": (answer.topic or "")[:40],
               "verdict": (answer.verdict or "")[:20], "report_type": (answer.report_type or "")[:40]}
        insert_new(session, AnswerCount, {**key, "count": 0})
        session.execute(update(AnswerCount).filter_by(**key).values(count=AnswerCount.count + 1))


def counts_between(session: Session, org: str, first_week: date, last_week: date) -> list[AnswerCount]:
    """The organisation's rows for the weeks from `first_week` to `last_week` (Mondays), in order."""
    return list(session.execute(select(AnswerCount).where(
        AnswerCount.org == org, AnswerCount.week >= first_week, AnswerCount.week <= last_week)
        .order_by(AnswerCount.week, AnswerCount.intent, AnswerCount.topic)).scalars().all())
