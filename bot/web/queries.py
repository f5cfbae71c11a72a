"""The counts behind the pages, read from the database for one organisation.

Only numbers and the labels of closed lists leave this module. Of a confidential case it reads
the kind, whether it was counted and when it reached a trusted person — never a message, an
identity or a pseudonym (the web process has no encryption key and needs none). Of a reminder it
reads the schedule and what happened to each occurrence, never to whom a case term was sent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from storage.answer_counts import NOT_PLACED, counts_between
from storage.cases import CHANNEL, OUTCOMES, Case, statistics
from storage.reminders import Reminder, ReminderDelivery
from storage.report_settings import MANUAL_CHANNELS, channel_counts

REPORT_KINDS = ("unwanted_behaviour", "integrity_violation", "misconduct", "external_aggression", "crime",
                "unknown")
CHANNELS = (CHANNEL, *MANUAL_CHANNELS)
ANSWER_INTENTS = ("rule", "route", "info", "confide")  # answers proper (not help, follow-ups, fallbacks)


@dataclass
class YearFigures:
    """The annual report's counts of one year."""

    year: int
    by_channel: dict[str, int]
    by_kind: dict[str, int]
    by_outcome: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())


def year_figures(session: Session, org: str, year: int) -> YearFigures:
    kinds: Counter[str] = Counter({k: 0 for k in REPORT_KINDS})
    outcomes: Counter[str] = Counter({o: 0 for o in (*OUTCOMES, "ongoing")})
    for row in statistics(session, org, year):
        kinds[row.kind if row.kind in kinds else "unknown"] += row.count
        outcomes[row.outcome] += row.count
    # Conversations that reached a trusted person this year and are not closed (so not counted) yet.
    pending = session.execute(select(Case.kind, Case.handed_off_at).where(  # type: ignore[call-overload]
        Case.org == org, Case.counted_at.is_(None), Case.handed_off_at.is_not(None))).all()  # type: ignore[union-attr]
    for kind, handed_off_at in pending:
        if handed_off_at.year == year:
            kinds[kind if kind in kinds else "unknown"] += 1
            outcomes["ongoing"] += 1
    manual = channel_counts(session, org, year)
    channels = {CHANNEL: sum(kinds.values()), **{c: manual.get(c, 0) for c in MANUAL_CHANNELS}}
    return YearFigures(year, channels, dict(kinds), dict(outcomes))


@dataclass
class QuestionFigures:
    """What employees asked in a run of weeks: counts per topic, week, verdict, report type."""

    weeks: list[date]
    per_topic: Counter[str] = field(default_factory=Counter)
    per_week: Counter[date] = field(default_factory=Counter)
    not_placed: Counter[date] = field(default_factory=Counter)
    verdicts: Counter[str] = field(default_factory=Counter)
    topic_verdicts: dict[str, Counter[str]] = field(default_factory=dict)
    routes: Counter[str] = field(default_factory=Counter)


def question_figures(session: Session, org: str, last_week: date, n_weeks: int) -> QuestionFigures:
    weeks = [last_week - timedelta(weeks=i) for i in reversed(range(n_weeks))]
    figures = QuestionFigures(weeks, per_week=Counter({w: 0 for w in weeks}),
                              not_placed=Counter({w: 0 for w in weeks}))
    for row in counts_between(session, org, weeks[0], weeks[-1]):
        if row.intent == NOT_PLACED:
            figures.not_placed[row.week] += row.count
        if row.intent not in ANSWER_INTENTS:
            continue
        figures.per_topic[row.topic] += row.count
        figures.per_week[row.week] += row.count
        if row.intent == "rule" and row.verdict:
            figures.verdicts[row.verdict] += row.count
            figures.topic_verdicts.setdefault(row.topic, Counter())[row.verdict] += row.count
        if row.intent == "route":
            figures.routes[row.report_type or "unknown"] += row.count
    return figures


@dataclass
class Planned:
    """One reminder of the organisation's calendar (all recipients together)."""

    kind: str
    key: str
    next_due: datetime | None
    recipients: int
    off: int


@dataclass
class Occurrence:
    """What happened to one moment of a reminder, over all its recipients."""

    kind: str
    key: str
    due: date
    status: Counter[str]


@dataclass
class ReminderFigures:
    planned: list[Planned]
    occurrences: list[Occurrence]
    terms: dict[str, Counter[str]]  # term name → status counts


def delivery_status(d: ReminderDelivery) -> str:
    if d.status == "failed":
        return "failed"
    if d.done_at is not None:
        return "done"
    if d.snoozed_at is not None:
        return "snoozed"
    return "open"


def reminder_figures(session: Session, org: str, year: int) -> ReminderFigures:
    reminders = session.execute(select(Reminder).where(Reminder.org == org)).scalars().all()
    planned: dict[tuple[str, str], Planned] = {}
    for r in reminders:
        if r.kind == "case_term":
            continue
        p = planned.setdefault((r.kind, r.key), Planned(r.kind, r.key, None, 0, 0))
        p.recipients += 1
        if not r.active:
            p.off += 1
        elif r.next_due_at is not None:
            due = _aware(r.next_due_at)
            p.next_due = due if p.next_due is None else min(p.next_due, due)
    kinds = {r.id: r for r in reminders}
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    deliveries = session.execute(select(ReminderDelivery).where(
        ReminderDelivery.reminder_id.in_(list(kinds)),  # type: ignore[attr-defined]
        ReminderDelivery.status != "skipped")).scalars().all()
    occurrences: dict[tuple[str, str, date], Occurrence] = {}
    terms: dict[str, Counter[str]] = {}
    for d in deliveries:
        due = _aware(d.due_at)
        if not start <= due < end:
            continue
        r = kinds[d.reminder_id]
        status = delivery_status(d)
        if r.kind == "case_term":
            term = str((d.detail or {}).get("term") or "unknown")
            counts = terms.setdefault(term, Counter())
        else:
            occ = occurrences.setdefault((r.kind, r.key, due.date()), Occurrence(r.kind, r.key, due.date(), Counter()))
            counts = occ.status
        counts["sent"] += 1
        counts[status] += 1
        counts["late"] += int(d.late)
    return ReminderFigures(sorted(planned.values(), key=lambda p: (p.kind, p.key)),
                           sorted(occurrences.values(), key=lambda o: (o.due, o.kind, o.key)), terms)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
