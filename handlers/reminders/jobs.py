"""One pass of the reminder clock: send what is due, exactly once, and settle what was sent.

Every bot process runs `run_due` periodically. For each due occurrence it claims the
(reminder, occurrence) row, re-checks that the reminder still applies (the person still holds
the role, the organisation still exists), writes the message to the outbox and advances the
schedule — all in one transaction. The platform senders deliver the outbox; `settle` later
reads the outcome and tells the administrator, once, about a recipient who cannot be reached.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlmodel import Session

from handlers.context import Services
from handlers.reminders.case_terms import Stage, case_terms
from handlers.reminders.model import TermPlan, UpcomingTerm
from handlers.reminders.schedule import ReminderConfig, as_utc, cron_trigger, local_at, next_working_fire, to_local
from handlers.reminders.stats import period_stats
from handlers.reminders.texts import (
    KIND_LABEL,
    action_buttons,
    agenda_text,
    loc,
    preamble,
    report_text,
    term_text,
)
from handlers.types import Address, Reply
from knowledge.schema import Organisation
from storage.conversations import stored_lang
from storage.crypto import Cipher
from storage.db import session_scope
from storage.keys import keyring_of
from storage.outbox import enqueue
from storage.reminders import (
    Reminder,
    ReminderDelivery,
    claim_occurrence,
    claimed,
    create_reminder,
    due_ids,
    notice_once,
    people,
    reminders_of,
    roles_of,
    rotate,
    unsettled,
)

log = logging.getLogger(__name__)

FORMAL_WINDOW_DAYS = 120  # formal-report terms run at most 3 months; older reports are done


@dataclass
class TickResult:
    """What one pass did (for logs and tests)."""

    sent: list[int] = field(default_factory=list)  # delivery ids enqueued
    late: int = 0
    skipped: int = 0
    notices: int = 0


def recipient_lang(session: Session, platform: str, user_id: str, cipher: Cipher | None = None) -> str:
    """The language this person last used with the bot; Dutch when unknown."""
    lang = stored_lang(session, keyring_of(cipher), f"{platform}:{user_id}")
    return lang if lang in ("nl", "en") else "nl"


def trigger_of(r: Reminder):  # type: ignore[no-untyped-def]
    return cron_trigger(r.months, r.time_of_day, weekday=r.weekday, day=r.day,
                        every_years=r.every_years, start_year=r.start_year)


def occurrence_key(due: datetime) -> str:
    return due.strftime("%Y-%m-%dT%H:%M:%SZ")


def report_period(r: Reminder, due: datetime) -> tuple[datetime, datetime]:
    """The whole calendar years before the due date: 15 Jan 2026 → 1 Jan – 31 Dec 2025."""
    year = to_local(due).year
    start = local_at(to_local(due).date().replace(year=year - r.every_years, month=1, day=1), "00:00")
    end = local_at(to_local(due).date().replace(year=year, month=1, day=1), "00:00")
    return start, end


def run_due(services: Services, config: ReminderConfig, now: datetime | None = None) -> TickResult:
    """Send every scheduled reminder that is due now; returns what this process sent."""
    now = as_utc(now or services.clock())
    result = TickResult()
    with session_scope(services.engine) as session:
        ids = due_ids(session, now)
    for rid in ids:
        with session_scope(services.engine) as session:
            _fire(session, services, config, rid, now, result)
    run_case_terms(services, config, now, result)
    return result


def _fire(session: Session, services: Services, config: ReminderConfig, rid: int, now: datetime,
          result: TickResult) -> None:
    r = session.get(Reminder, rid)
    if r is None or not r.active:
        return
    snoozed = r.snooze_at is not None and r.snooze_at <= now
    due = r.snooze_at if snoozed else r.next_due_at
    if due is None or due > now:
        return
    occurrence = f"snooze:{r.snooze_of}:{occurrence_key(due)}" if snoozed else occurrence_key(due)
    late = now - due > config.late_after
    delivery = claim_occurrence(session, rid, occurrence, due, late, now)
    if delivery is None:
        return  # another process has this occurrence
    session.refresh(r, with_for_update=True)
    earlier = session.get(ReminderDelivery, r.snooze_of) if snoozed and r.snooze_of else None
    _advance(r, snoozed, due, now)
    org = services.kb.organisations.get(r.org)
    if org is None or not roles_of(session, r.org, r.platform, r.user_id):
        # Re-checked when it falls due: a person without the role gets nothing more.
        delivery.status, r.active, r.note = "skipped", False, "no_role" if org else "no_org"
        result.skipped += 1
        session.add_all([delivery, r])
        log.info("reminder %s skipped: recipient no longer holds a role", rid)
        return
    lang = recipient_lang(session, r.platform, r.user_id, services.cipher)
    text, detail = _compose(session, org, r, due, earlier, config, lang)
    lines = preamble(due if late else None, snoozed, lang)
    assert delivery.id is not None
    reply = Reply(to=Address(r.platform, r.user_id), text="\n".join([*lines, text]) if lines else text,
                  buttons=action_buttons(delivery.id, lang), tag=f"reminder:{delivery.id}")
    row = enqueue(session, reply, services.cipher)
    delivery.outbox_id, delivery.status, delivery.detail = row.id, "enqueued", detail
    session.add_all([delivery, r])
    result.sent.append(delivery.id)
    result.late += int(late)
    log.info("reminder %s (%s) enqueued%s", rid, r.kind, " late" if late else "")


def _advance(r: Reminder, snoozed: bool, due: datetime, now: datetime) -> None:
    """Move the schedule past `now`: missed occurrences are coalesced into the one being sent."""
    r.updated_at = now
    if snoozed:
        r.snooze_at, r.snooze_of = None, None
        return
    r.next_due_at = next_working_fire(trigger_of(r), max(due, now))


def _compose(session: Session, org: Organisation, r: Reminder, due: datetime,
             earlier: ReminderDelivery | None, config: ReminderConfig, lang: str) -> tuple[str, dict]:
    """The reminder text and what it contained (a snoozed reminder repeats `earlier`'s item)."""
    if r.kind == "agenda":
        if earlier and earlier.detail:
            dilemma, form = earlier.detail.get("dilemma"), earlier.detail.get("work_form")
        else:
            dilemma = rotate(r, "dilemmas", [d.id for d in org.dilemmas])
            form = rotate(r, "work_forms", [w.id for w in org.work_forms])
        times = org.agenda.times_per_year if org.agenda else config.agenda_default_times
        return agenda_text(org, dilemma, form, times, lang), {"dilemma": dilemma, "work_form": form}
    if r.kind == "report":
        if earlier and earlier.detail and earlier.detail.get("period"):
            start, end = (datetime.fromisoformat(x) for x in earlier.detail["period"])
        else:
            start, end = report_period(r, due)
        stats = period_stats(session, r.org, start, end)
        duty_id = r.key.split(":", 1)[1]
        text = report_text(org, duty_id, (start, end - timedelta(days=1)), stats, lang)
        return text, {"period": [start.isoformat(), end.isoformat()]}
    return loc(KIND_LABEL[r.kind], lang), {}


def settle(services: Services, now: datetime | None = None) -> int:
    """Record the outbox outcome of sent reminders. Only a recipient who cannot be reached has
    their reminders stopped; the administrator hears of a failed delivery once per recipient per
    day. Returns how many notices were sent."""
    now = as_utc(now or services.clock())
    notices = 0
    with session_scope(services.engine) as session:
        found = unsettled(session)
    delivered = [i for i, status, _kind in found if status == "delivered"]
    if delivered:
        with session_scope(services.engine) as session:
            session.execute(update(ReminderDelivery).where(
                ReminderDelivery.id.in_(delivered), ReminderDelivery.status == "enqueued")  # type: ignore[union-attr]
                .values(status="delivered"))
    for delivery_id, status, kind in found:
        if status == "delivered":
            continue
        with session_scope(services.engine) as session:
            d = session.get(ReminderDelivery, delivery_id, with_for_update=True)
            if d is None or d.status != "enqueued":
                continue
            d.status = "failed"
            session.add(d)
            notices += _failed(session, services, d, kind or "exhausted", now)
    return notices


def _failed(session: Session, services: Services, d: ReminderDelivery, kind: str, now: datetime) -> int:
    r = session.get(Reminder, d.reminder_id)
    if r is None:
        return 0
    if kind == "unreachable":
        for other in reminders_of(session, r.org, r.platform, r.user_id):
            other.active, other.note, other.updated_at = False, "unreachable", now
            session.add(other)
    day = to_local(now).date().isoformat()
    if not notice_once(session, r.org, r.platform, r.user_id, f"failed:{day}"):
        return 0
    admins = people(session, r.org, ("admin",))
    if not admins:
        log.warning("org %s: a reminder could not be delivered (%s) and no administrator is registered",
                    r.org, kind)
        return 0
    who = r.display_name or r.user_id
    for admin in admins:
        lang = recipient_lang(session, admin.platform, admin.user_id, services.cipher)
        text = _unreachable_text(lang, who, r) if kind == "unreachable" else _failed_text(lang, who, r)
        enqueue(session, Reply(to=Address(admin.platform, admin.user_id), text=text, tag="reminder-admin"),
                services.cipher)
    return 1


def _failed_text(lang: str, who: str, r: Reminder) -> str:
    kind = loc(KIND_LABEL[r.kind], lang)
    if lang == "en":
        return (f"⚠️ A reminder ({kind}) could not be delivered to {who} ({r.platform} user {r.user_id}): "
                f"the platform refused the message or stayed unavailable. The person's reminders go on; "
                f"the bot's log (ERROR lines of storage.outbox) names the cause, e.g. a revoked token or "
                f"a missing permission.")
    return (f"⚠️ Een herinnering ({kind}) kon niet worden bezorgd aan {who} ({r.platform}-gebruiker "
            f"{r.user_id}): het platform weigerde het bericht of bleef onbereikbaar. De herinneringen "
            f"van deze persoon gaan door; het logboek van de bot (ERROR-regels van storage.outbox) "
            f"noemt de oorzaak, bijvoorbeeld een ingetrokken token of een ontbrekende toestemming.")


def _unreachable_text(lang: str, who: str, r: Reminder) -> str:
    kind = loc(KIND_LABEL[r.kind], lang)
    if lang == "en":
        return (f"⚠️ A reminder ({kind}) could not be delivered to {who} ({r.platform} user {r.user_id}): "
                f"the person cannot be reached there (left the organisation?). I have stopped this person's "
                f"reminders. Register a successor and run `integrity-bot reminders seed --org {r.org}`.")
    return (f"⚠️ Een herinnering ({kind}) kon niet worden bezorgd aan {who} ({r.platform}-gebruiker "
            f"{r.user_id}): die persoon is daar niet (meer) bereikbaar (uit dienst?). Ik heb de "
            f"herinneringen voor deze persoon stopgezet. Registreer een opvolger en voer "
            f"`integrity-bot reminders seed --org {r.org}` uit.")


# --- case terms --------------------------------------------------------------------------------

def _cases_module():  # type: ignore[no-untyped-def]
    """storage.cases (the confidential conversation), or None where it is not installed."""
    try:
        return importlib.import_module("storage.cases")
    except ModuleNotFoundError:
        return None


def term_plans(session: Session, services: Services, config: ReminderConfig, now: datetime,
               org_slug: str | None = None, only: list | None = None) -> list[TermPlan]:  # type: ignore[type-arg]
    """Every running term of every relevant case (of the cases `only`), per trusted person (in
    their time of day)."""
    cases = _cases_module()
    if cases is None:
        return []
    plans: list[TermPlan] = []
    for case in _relevant_cases(session, cases, now) if only is None else only:
        org = services.kb.organisations.get(case.org)
        if org is None or (org_slug is not None and case.org != org_slug):
            continue
        fallback = [f"{p.platform}:{p.user_id}" for p in people(session, case.org, ("trusted_person",))
                    if p.available]
        first = _first_unanswered(session, cases, case)
        label = getattr(case, "label", str(case.id))
        for term in case_terms(case, first, org.report_answer_days, config.time_of_day, fallback):
            for recipient in term.recipients:
                own = _term_reminder(session, case.org, recipient)
                mine = term
                if own is not None and own.time_of_day != config.time_of_day:
                    mine = next(t for t in case_terms(case, first, org.report_answer_days, own.time_of_day,
                                                      fallback) if t.name == term.name)
                plans.append(TermPlan(case.org, label, mine, recipient))
    return plans


RECHECK = timedelta(days=30)  # a case without a coming stage is looked at again after this


def run_case_terms(services: Services, config: ReminderConfig, now: datetime, result: TickResult) -> None:
    """Remind trusted persons of the terms of their cases, each stage once. Only cases whose
    next stage has come, or that changed, are looked at (confide_case.term_check_at)."""
    cases = _cases_module()
    if cases is None:
        return
    since = to_local(now).date() - timedelta(days=FORMAL_WINDOW_DAYS)
    with session_scope(services.engine) as session:
        todo = cases.cases_to_check(session, now, since)
        seen = {c.id: c.term_check_at for c in todo}
        plans = term_plans(session, services, config, now, only=todo)
    due = [(plan, stage) for plan in plans if (stage := plan.term.due_stage(now)) is not None]
    upcoming: dict[str, datetime] = {}
    for plan in plans:
        for stage in plan.term.stages:
            if stage.at > now:
                cid = plan.term.case_id
                upcoming[cid] = min(upcoming.get(cid, stage.at), stage.at)
    for plan, stage in due:
        with session_scope(services.engine) as session:
            _fire_term(session, services, config, plan, stage, now, result)
    if seen:
        with session_scope(services.engine) as session:
            for cid, before in seen.items():
                cases.set_term_check(session, cid, before, upcoming.get(cid, now + RECHECK))


def upcoming_terms(session: Session, services: Services, config: ReminderConfig, org_slug: str,
                   now: datetime, recipient: str | None = None) -> list[UpcomingTerm]:
    """The next reminder of every running term (not ticked off, not yet sent), soonest first."""
    found: list[UpcomingTerm] = []
    for plan in term_plans(session, services, config, now, org_slug):
        if recipient is not None and plan.recipient != recipient:
            continue
        own = _term_reminder(session, plan.org, plan.recipient)
        if own is not None and (not own.active or (own.id and _term_done(session, own.id, plan.term.prefix))):
            continue
        due = plan.term.due_stage(now)
        for stage in plan.term.stages:
            if due is not None and stage.at < due.at:
                continue  # superseded by a later stage that has come
            if own is not None and own.id and claimed(session, own.id, plan.term.key(stage.name)):
                continue
            found.append(UpcomingTerm(stage.at, plan, stage))
            break
    return sorted(found, key=lambda u: u.at)


def _relevant_cases(session: Session, cases, now: datetime) -> list:  # type: ignore[no-untyped-def]
    """Open cases, and cases with a formal report recent enough for its terms to run."""
    model = cases.Case
    since = (to_local(now).date() - timedelta(days=FORMAL_WINDOW_DAYS))
    return list(session.execute(select(model).where(
        (model.state == "open") | ((model.formal_report_at.is_not(None)) & (model.formal_report_at >= since))
    )).scalars())


def _first_unanswered(session: Session, cases, case) -> datetime | None:  # type: ignore[no-untyped-def]
    """When the oldest employee message the trusted person has not answered yet was sent."""
    msg = cases.CaseMessage
    query = select(func.min(msg.created_at)).where(msg.case_id == case.id, msg.sender == "employee")
    if case.last_trusted_reply_at is not None:
        query = query.where(msg.created_at > case.last_trusted_reply_at)
    return session.execute(query).scalar_one_or_none()


def _term_reminder(session: Session, org: str, role_key: str) -> Reminder | None:
    platform, _, user_id = role_key.partition(":")
    found = reminders_of(session, org, platform, user_id, kind="case_term")
    return found[0] if found else None


def _fire_term(session: Session, services: Services, config: ReminderConfig, plan: TermPlan,
               stage: Stage, now: datetime, result: TickResult) -> None:
    platform, _, user_id = plan.recipient.partition(":")
    r = _term_reminder(session, plan.org, plan.recipient)
    if r is None:
        held = [x for x in roles_of(session, plan.org, platform, user_id) if x.role == "trusted_person"]
        if not held:
            return  # no longer a trusted person here: nobody to remind
        create_reminder(session, org=plan.org, kind="case_term", key="case_terms", role="trusted_person",
                        platform=platform, user_id=user_id, display_name=held[0].display_name,
                        time_of_day=config.time_of_day, next_due_at=None)
        r = _term_reminder(session, plan.org, plan.recipient)
    if r is None or not r.active or r.id is None:
        return
    occurrence = plan.term.key(stage.name)
    if claimed(session, r.id, occurrence) or _term_done(session, r.id, plan.term.prefix):
        return
    late = now - stage.at > config.late_after
    delivery = claim_occurrence(session, r.id, occurrence, stage.at, late, now)
    if delivery is None or delivery.id is None:
        return
    org = services.kb.org(plan.org)
    lang = recipient_lang(session, platform, user_id, services.cipher)
    body = term_text(plan.term.name, stage.name, plan.label, plan.term.since, plan.term.deadline, org,
                     org.report_answer_days, lang)
    lines = preamble(stage.at if late else None, False, lang)
    reply = Reply(to=Address(platform, user_id), text="\n".join([*lines, body]),
                  buttons=action_buttons(delivery.id, lang)[:1], thread=f"handoff:{plan.term.case_id}",
                  tag=f"reminder:{delivery.id}")
    row = enqueue(session, reply, services.cipher)
    delivery.outbox_id, delivery.status = row.id, "enqueued"
    delivery.detail = {"case": plan.term.case_id, "term": plan.term.name, "stage": stage.name}
    session.add(delivery)
    result.sent.append(delivery.id)
    result.late += int(late)
    log.info("case term reminder enqueued (%s, %s)", plan.term.name, stage.name)


def _term_done(session: Session, reminder_id: int, prefix: str) -> bool:
    """The trusted person ticked this term off ('Gedaan'): its later stages are not sent."""
    return session.execute(select(ReminderDelivery.id).where(
        ReminderDelivery.reminder_id == reminder_id, ReminderDelivery.occurrence.startswith(prefix),
        ReminderDelivery.done_at.is_not(None)).limit(1)).first() is not None
