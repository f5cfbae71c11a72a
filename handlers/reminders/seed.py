"""Default reminders from the knowledge base for the people registered in an organisation.

Agenda reminders go to coordinators and managers, with the frequency of the KB's `agenda`;
report reminders follow `report_duties` (the trusted persons' own report to them, the rest to
the coordinators) at the configured date; trusted persons get the case-term reminders.
Seeding only adds what is missing: someone who unsubscribed stays unsubscribed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from handlers.reminders.schedule import ReminderConfig, cron_trigger, next_working_fire, spread_months, to_local
from knowledge.schema import Organisation, ReportDuty
from storage.reminders import create_reminder
from storage.reminders import people as registered

AGENDA_ROLES = ("coordinator", "manager")
TERM_ROLES = ("trusted_person",)


@dataclass(frozen=True)
class Seeded:
    kind: str
    key: str
    platform: str
    user_id: str
    display_name: str | None


EXTERNAL_AUTHORS = ("het lkog", "de lkog", "het huis voor klokkenluiders", "huis voor klokkenluiders")


def is_external(duty: ReportDuty) -> bool:
    """A report another body publishes (the LKOG's, the Whistleblowers Authority's annual report)
    is listed for information in some documents; nobody here has to write it."""
    return duty.who.nl.strip().lower().startswith(EXTERNAL_AUTHORS)


def duty_roles(duty: ReportDuty) -> tuple[str, ...]:
    """Whom a report duty is for: the trusted persons' report to them, every other to coordinators."""
    who = duty.who.nl.lower()
    return ("trusted_person",) if "vertrouwenspersoon" in who or duty.id.endswith("vertrouwenspersonen") \
        else ("coordinator",)


def agenda_times(org: Organisation, config: ReminderConfig) -> int:
    return org.agenda.times_per_year if org.agenda else config.agenda_default_times


def report_start_year(month: int, day: int, time_of_day: str, now: datetime) -> int:
    """This year when the date is still to come, else next year."""
    local = to_local(now)
    hour, minute = (int(x) for x in time_of_day.split(":"))
    try:
        this_year = local.replace(month=month, day=day, hour=hour, minute=minute, second=0, microsecond=0)
    except ValueError:  # 29 February in a common year
        return local.year + 1
    return local.year if this_year > local else local.year + 1


def seed_fingerprint(org: Organisation, config: ReminderConfig) -> str:
    """What the default reminders of `org` depend on: when it changes, everyone is seeded again."""
    duties = (f"{d.id}:{d.every_years}:{is_external(d)}:{duty_roles(d)}" for d in org.report_duties)
    parts = [config.time_of_day, config.weekday, str(config.agenda_start_month), str(agenda_times(org, config)),
             config.report_date, *duties]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def seed_org(session: Session, org: Organisation, config: ReminderConfig, now: datetime,
             only: tuple[str, str] | None = None, after_id: int = 0) -> list[Seeded]:
    """Create the missing default reminders of `org` (of one (platform, user) when `only` is
    given, of the roles registered after role row `after_id`); returns what was created."""
    created: list[Seeded] = []

    def people(session: Session, org_slug: str, roles: tuple[str, ...]) -> list:  # type: ignore[type-arg]
        found = registered(session, org_slug, roles, after_id)
        return [p for p in found if only is None or (p.platform, p.user_id) == only]

    months = spread_months(agenda_times(org, config), config.agenda_start_month)
    agenda_next = next_working_fire(cron_trigger(months, config.time_of_day, weekday=config.weekday), now)
    for person in people(session, org.org, AGENDA_ROLES):
        if create_reminder(session, org=org.org, kind="agenda", key="agenda", role=person.role,
                           platform=person.platform, user_id=person.user_id,
                           display_name=person.display_name, months=months, weekday=config.weekday,
                           time_of_day=config.time_of_day, next_due_at=agenda_next):
            created.append(Seeded("agenda", "agenda", person.platform, person.user_id, person.display_name))
    month, day = (int(x) for x in config.report_date.split("-"))
    for duty in org.report_duties:
        if is_external(duty):
            continue
        start = report_start_year(month, day, config.time_of_day, now)
        trig = cron_trigger(str(month), config.time_of_day, day=day, every_years=duty.every_years,
                            start_year=start)
        due = next_working_fire(trig, now)
        key = f"report:{duty.id}"
        for person in people(session, org.org, duty_roles(duty)):
            if create_reminder(session, org=org.org, kind="report", key=key, role=person.role,
                               platform=person.platform, user_id=person.user_id,
                               display_name=person.display_name, months=str(month), day=day,
                               time_of_day=config.time_of_day, every_years=duty.every_years,
                               start_year=start, next_due_at=due):
                created.append(Seeded("report", key, person.platform, person.user_id, person.display_name))
    for person in people(session, org.org, TERM_ROLES):
        if create_reminder(session, org=org.org, kind="case_term", key="case_terms", role=person.role,
                           platform=person.platform, user_id=person.user_id,
                           display_name=person.display_name, time_of_day=config.time_of_day,
                           next_due_at=None):
            created.append(Seeded("case_term", "case_terms", person.platform, person.user_id,
                                  person.display_name))
    return created
