"""The process's counters, and the gauges read from the database when Prometheus scrapes.

Counters count what this process did (messages in, replies queued out, answers by intent and
topic); gauges describe the shared database (outbox backlog and failures, how late the
reminders are, open confidential cases), so every process reports the same state of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from storage.cases import Case
from storage.db import session_scope
from storage.models import OutboxMessage, utcnow
from storage.reminders import Reminder

REGISTRY = CollectorRegistry()
PLATFORMS = ("console", "slack", "telegram", "teams", "web")
_SLUG = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")

MESSAGES_IN = Counter("integritybot_messages_in", "Messages received from users, per platform",
                      ["platform"], registry=REGISTRY)
MESSAGES_OUT = Counter("integritybot_messages_out", "Messages queued in the outbox for sending, per platform",
                       ["platform"], registry=REGISTRY)
ANSWERS = Counter("integritybot_answers", "Answers given, per intent and topic (CONTRACT.md vocabulary)",
                  ["intent", "topic"], registry=REGISTRY)
LAST_TICK = Gauge("integritybot_reminder_last_tick_timestamp_seconds",
                  "When this process's reminder clock last completed a pass (Unix time)", registry=REGISTRY)


def platform_label(platform: str) -> str:
    return platform if platform in PLATFORMS else "other"


def slug_label(value: str | None) -> str:
    """A closed-vocabulary value as a label; anything else (never expected) becomes 'other'."""
    if not value:
        return "none"
    return value if _SLUG.match(value) else "other"


def _count_queued(_mapper, _connection, row: OutboxMessage) -> None:  # type: ignore[no-untyped-def]
    MESSAGES_OUT.labels(platform=platform_label(row.platform)).inc()


def count_outbox() -> None:
    """Count every row written to the outbox, from any flow (answers, relays, reminders)."""
    if not event.contains(OutboxMessage, "after_insert", _count_queued):
        event.listen(OutboxMessage, "after_insert", _count_queued)


def watch_reminder_clock(last_tick: Callable[[], datetime | None]) -> None:
    """Report when this process's reminder clock last completed a pass."""
    LAST_TICK.set_function(lambda: (tick.timestamp() if (tick := last_tick()) else 0.0))


class DatabaseCollector(Collector):
    """Gauges computed from the database at scrape time (a few indexed counts)."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily("integritybot_database_up", "1 when the database answered this scrape")
        try:
            state = database_state(self.engine, self.clock())
        except Exception:  # the scrape still answers, saying the database does not
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        backlog = GaugeMetricFamily("integritybot_outbox_backlog", "Messages waiting to be sent, per platform",
                                    labels=["platform"])
        failed = GaugeMetricFamily("integritybot_outbox_failed", "Messages given up on (undeliverable), per platform",
                                   labels=["platform"])
        retrying = GaugeMetricFamily("integritybot_outbox_retrying",
                                     "Messages waiting after a failed attempt, per platform", labels=["platform"])
        for name, family in (("backlog", backlog), ("failed", failed), ("retrying", retrying)):
            for platform, n in sorted(state[name].items()):
                family.add_metric([platform_label(platform)], n)
            yield family
        yield GaugeMetricFamily("integritybot_outbox_oldest_undelivered_age_seconds",
                                "Age of the oldest message not yet sent (0 when none)",
                                value=state["oldest_undelivered_seconds"] or 0)
        yield GaugeMetricFamily("integritybot_reminder_lag_seconds",
                                "How long the most overdue reminder has been due (0 when none is)",
                                value=state["reminder_lag_seconds"])
        cases = GaugeMetricFamily("integritybot_confidential_cases_open",
                                  "Confidential conversations open, per organisation", labels=["org"])
        for org, n in sorted(state["cases_open"].items()):
            cases.add_metric([slug_label(org)], n)
        yield cases


def database_state(engine: Engine, now: datetime) -> dict:  # type: ignore[type-arg]
    """The shared state the gauges and /healthz report; raises when the database does not answer."""
    waiting = OutboxMessage.status.in_(("pending", "sending"))  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        def per_platform(*where) -> dict[str, int]:  # type: ignore[no-untyped-def]
            rows = session.execute(select(OutboxMessage.platform, func.count()).where(*where)
                                   .group_by(OutboxMessage.platform)).all()
            return {platform: n for platform, n in rows}

        oldest = session.execute(select(func.min(OutboxMessage.created_at)).where(waiting)).scalar()
        due = func.coalesce(Reminder.snooze_at, Reminder.next_due_at)
        most_overdue = session.execute(select(func.min(due)).where(
            Reminder.active.is_(True), due <= now)).scalar()  # type: ignore[attr-defined]
        cases = session.execute(select(Case.org, func.count()).where(Case.state == "open")
                                .group_by(Case.org)).all()
        return {
            "backlog": per_platform(waiting),
            "failed": per_platform(OutboxMessage.status == "failed"),
            "retrying": per_platform(OutboxMessage.status == "pending", OutboxMessage.attempts > 0),
            "oldest_undelivered_seconds": _age(now, oldest),
            "reminder_lag_seconds": _age(now, most_overdue) or 0.0,
            "cases_open": {org: n for org, n in cases},
        }


def _age(now: datetime, then: datetime | None) -> float | None:
    if then is None:
        return None
    if then.tzinfo is None:  # SQLite returns aggregates without the column's type
        from datetime import UTC

        then = then.replace(tzinfo=UTC)
    return max(0.0, round((now - then).total_seconds(), 3))
