"""The terms of a confidential case and when to remind the trusted person of them.

Pure: from the case's timestamps to a list of terms, each with its stages (reminder moments).
- not taken within one working day after the handoff (to the trusted persons it went to);
- an employee's message unanswered for more than three working days (to the taker);
- after a formal report ("melding gedaan" with its date), the legal terms: confirmation of
  receipt within 7 days and feedback within 3 months (Wet bescherming klokkenluiders, EU
  directive 2019/1937 art. 9), and the organisation's own answer term (Ommen: 14 days,
  `report_answer_days`). These get a reminder some working days before the term ends and
  one on its last day (the last working day on or before it).
Working days skip weekends and Dutch public holidays; nobody is reminded at night.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from handlers.reminders.schedule import (
    add_months,
    add_working_days,
    as_utc,
    last_working_day_on_or_before,
    local_at,
    office_hours,
    shift_working_days,
)

NOT_TAKEN_DAYS = 1  # working days
WAITING_DAYS = 3  # working days
RECEIPT_DAYS = 7  # calendar days (Wbk / EU 2019/1937 art. 9(1)(b))
FEEDBACK_MONTHS = 3  # (EU 2019/1937 art. 9(1)(f))
BEFORE = {"receipt": 2, "answer": 3, "feedback": 10}  # working days before the last day


@dataclass(frozen=True)
class Stage:
    name: str  # "due" (a working-day term passed) | "before" | "day"
    at: datetime  # UTC


@dataclass
class Term:
    """One term of one case: who is reminded, when, and until when the term runs."""

    case_id: str
    name: str  # not_taken | waiting | receipt | answer | feedback
    episode: str  # distinguishes repeated terms of one case (each unanswered message)
    deadline: datetime  # UTC; for calendar terms the start of the last day
    recipients: list[str]  # role keys 'platform:user_id'
    stages: list[Stage] = field(default_factory=list)
    since: datetime | None = None  # what the term counts from

    def key(self, stage: str) -> str:
        return f"case:{self.case_id}:{self.name}:{self.episode}:{stage}"

    @property
    def prefix(self) -> str:
        return f"case:{self.case_id}:{self.name}:{self.episode}:"

    def due_stage(self, now: datetime) -> Stage | None:
        """The latest stage that has come: missed earlier stages are not sent after a later one."""
        come = [s for s in self.stages if s.at <= now]
        return come[-1] if come else None


def case_terms(case: Any, first_unanswered: datetime | None, answer_days: int | None,
               time_of_day: str, fallback_recipients: list[str]) -> list[Term]:
    """Every term of `case` (a storage.cases.Case or anything with its fields)."""
    cid = str(case.id)
    state = getattr(case, "state", "open")
    taken_by = getattr(case, "taken_by", None)
    terms: list[Term] = []
    handed = getattr(case, "handed_off_at", None) or getattr(case, "created_at", None)
    if state == "open" and taken_by is None and handed is not None:
        deadline = add_working_days(as_utc(handed), NOT_TAKEN_DAYS)
        recipients = list(getattr(case, "handoff_to", None) or []) or fallback_recipients
        terms.append(Term(cid, "not_taken", "1", deadline, recipients,
                          [Stage("due", office_hours(deadline, time_of_day))], since=as_utc(handed)))
    if state == "open" and taken_by and first_unanswered is not None:
        since = as_utc(first_unanswered)
        deadline = add_working_days(since, WAITING_DAYS)
        terms.append(Term(cid, "waiting", since.strftime("%Y%m%dT%H%M%S"), deadline, [taken_by],
                          [Stage("due", office_hours(deadline, time_of_day))], since=since))
    formal = getattr(case, "formal_report_at", None)
    if formal is not None and taken_by:
        if isinstance(formal, datetime):
            formal = formal.date()
        ends = [("receipt", date.fromordinal(formal.toordinal() + RECEIPT_DAYS))]
        if answer_days:
            ends.append(("answer", date.fromordinal(formal.toordinal() + answer_days)))
        ends.append(("feedback", add_months(formal, FEEDBACK_MONTHS)))
        for name, last in ends:
            terms.append(_calendar_term(cid, name, formal, last, taken_by, time_of_day))
    return terms


def _calendar_term(cid: str, name: str, formal: date, last: date, taken_by: str, time_of_day: str) -> Term:
    day = last_working_day_on_or_before(last)
    stages = []
    before = shift_working_days(day, -BEFORE[name])
    if before > formal:
        stages.append(Stage("before", local_at(before, time_of_day)))
    stages.append(Stage("day", local_at(max(day, formal), time_of_day)))
    return Term(cid, name, formal.isoformat(), local_at(last, "00:00"), [taken_by], stages,
                since=local_at(formal, "00:00"))
