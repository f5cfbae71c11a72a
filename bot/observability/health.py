"""`/healthz`: is this process fit to serve? The database answers and the reminder clock runs.

A backlog in the outbox is reported, not judged: a platform outage is not fixed by restarting
the bot (the outbox retries by itself), whereas a dead reminder clock or a database that does
not answer is what an orchestrator should act on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from bot.observability.metrics import database_state
from storage.models import utcnow

STALE_AFTER_TICKS = 3  # the clock is stale after this many missed passes …
STALE_MIN_SECONDS = 120.0  # … and never sooner than this


def health(engine: Engine, last_tick: Callable[[], datetime | None] | None, tick_seconds: float,
           started_at: datetime, clock: Callable[[], datetime] = utcnow) -> tuple[bool, dict[str, Any]]:
    """(healthy, the report as JSON-ready data)."""
    now = clock()
    report: dict[str, Any] = {"status": "ok"}
    healthy = True
    try:
        state = database_state(engine, now)
        report.update(database="ok", outbox_backlog=sum(state["backlog"].values()),
                      outbox_failed=sum(state["failed"].values()),
                      oldest_undelivered_seconds=state["oldest_undelivered_seconds"],
                      reminder_lag_seconds=state["reminder_lag_seconds"])
    except Exception as exc:  # no detail that could hold a password: the kind of error only
        healthy = False
        report.update(database=f"error: {type(exc).__name__}")
    if last_tick is not None:
        tick = last_tick()
        limit = max(STALE_AFTER_TICKS * tick_seconds, STALE_MIN_SECONDS)
        since = (now - (tick or started_at)).total_seconds()
        report["last_reminder_tick_seconds_ago"] = round(since, 3) if tick else None
        if since > limit:
            healthy = False
            report["reminders"] = f"no reminder tick for {since:.0f} s (expected every {tick_seconds:g} s)"
        else:
            report["reminders"] = "ok" if tick else "starting"
    if not healthy:
        report["status"] = "unhealthy"
    return healthy, report
