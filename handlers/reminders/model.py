"""The data the reminder modules hand each other: plans of case terms and period counts.

Kept apart so that the jobs, the texts and the statistics each import these types, not each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from handlers.reminders.case_terms import Stage, Term


@dataclass(frozen=True)
class TermPlan:
    """One term of one case for one trusted person."""

    org: str
    label: str  # the case's pseudonym, 'Melder K7-Q3'
    term: Term
    recipient: str  # role key 'platform:user_id'


@dataclass(frozen=True)
class UpcomingTerm:
    """A reminder moment of a case term that is still to come."""

    at: datetime
    plan: TermPlan
    stage: Stage


@dataclass
class PeriodStats:
    """Anonymous counts of confidential conversations opened in a period."""

    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
