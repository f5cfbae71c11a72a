"""Anonymous counts of confidential conversations for a report period (per kind, per channel).

Only numbers leave this module: no names, no platform ids, no content. The counts come from
the confidential conversation's statistics table (cases counted when they end; it outlives
the cases) plus the cases of the period not counted yet (still open).
"""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from handlers.reminders.model import PeriodStats
from handlers.reminders.schedule import as_utc, to_local


def period_stats(session: Session, org: str, start: datetime, end: datetime) -> PeriodStats | None:
    """Counts for the cases handed to a trusted person in [start, end) (whole calendar years, as the
    statistics are kept per year); None while the confidential flow is not installed."""
    try:
        cases = importlib.import_module("storage.cases")
    except ModuleNotFoundError:
        return None
    years = range(to_local(start).year, to_local(end - timedelta(seconds=1)).year + 1)
    stats = PeriodStats()
    for row in cases.statistics(session, org):
        if row.year in years:
            _add(stats, row.kind, row.channel, row.count)
    model = cases.Case
    pending = session.execute(select(model).where(
        model.org == org, model.counted_at.is_(None), model.handed_off_at.is_not(None))).scalars()
    for case in pending:
        if as_utc(start) <= as_utc(case.handed_off_at) < as_utc(end):
            _add(stats, case.kind or "unknown", cases.CHANNEL, 1)
    return stats


def _add(stats: PeriodStats, kind: str, channel: str, n: int) -> None:
    stats.total += n
    stats.by_kind[kind] = stats.by_kind.get(kind, 0) + n
    stats.by_channel[channel] = stats.by_channel.get(channel, 0) + n
