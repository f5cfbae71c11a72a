"""Schedules and working-day terms, with the clock moved by time-machine."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from handlers.dispatcher import Core
from handlers.reminders.case_terms import case_terms
from handlers.reminders.schedule import (
    TZ,
    add_working_days,
    as_utc,
    cron_trigger,
    next_fire,
    office_hours,
    parse_day_month,
    parse_time,
    parse_weekday,
    spread_months,
    to_local,
)
from tests.reminders_support import at, inbox, register, service, to


def local(*args: int) -> datetime:
    return as_utc(datetime(*args, tzinfo=TZ))


def test_agenda_months_are_spread_over_the_year() -> None:
    assert spread_months(2, 3) == "3,9"
    assert spread_months(1, 3) == "3"
    assert spread_months(4, 2) == "2,5,8,11"
    assert spread_months(12, 1) == ",".join(str(m) for m in range(1, 13))


def test_first_monday_at_nine_in_amsterdam_across_daylight_saving_time() -> None:
    trig = cron_trigger("3,9", "09:00", weekday="mon")
    first = next_fire(trig, local(2026, 1, 10, 12, 0))
    second = next_fire(trig, first)
    assert to_local(first).replace(tzinfo=None) == datetime(2026, 3, 2, 9, 0)
    assert to_local(second).replace(tzinfo=None) == datetime(2026, 9, 7, 9, 0)
    assert first.hour == 8 and second.hour == 7  # CET in March, CEST in September


def test_three_yearly_report_date() -> None:
    trig = cron_trigger("1", "09:00", day=15, every_years=3, start_year=2027)
    fires = [next_fire(trig, local(2026, 6, 1, 0, 0))]
    fires.append(next_fire(trig, fires[-1]))
    assert [to_local(f).date() for f in fires] == [date(2027, 1, 15), date(2030, 1, 15)]


def test_what_coordinators_type_is_understood() -> None:
    assert parse_weekday("Dinsdag") == "tue" and parse_weekday("vr") == "fri" and parse_weekday("x") is None
    assert parse_time("9:30") == "09:30" and parse_time("14u") == "14:00" and parse_time("25:00") is None
    assert parse_day_month("15-01") == "01-15" and parse_day_month("1 maart") == "03-01"
    assert parse_day_month("31-02") is None


def test_working_days_skip_weekends_and_dutch_holidays() -> None:
    # Friday before King's Day (Monday 27 April 2026): one working day later is Tuesday.
    assert to_local(add_working_days(local(2026, 4, 24, 15, 0), 1)).replace(tzinfo=None) == \
        datetime(2026, 4, 28, 15, 0)
    # Thursday before Easter: Good Friday and Easter Monday do not count.
    assert to_local(add_working_days(local(2026, 4, 2, 10, 0), 1)).date() == date(2026, 4, 7)
    # Three working days over Christmas 2026.
    assert to_local(add_working_days(local(2026, 12, 23, 11, 0), 3)).date() == date(2026, 12, 29)
    # A start on Saturday counts from Monday morning: the term ends Tuesday, reminded at 09:00.
    end = add_working_days(local(2026, 3, 7, 14, 0), 1)
    assert to_local(office_hours(end, "09:00")).replace(tzinfo=None) == datetime(2026, 3, 10, 9, 0)
    # Evenings move to the next working morning.
    assert to_local(office_hours(local(2026, 3, 6, 20, 0), "09:00")).replace(tzinfo=None) == \
        datetime(2026, 3, 9, 9, 0)


def test_formal_report_terms_remind_before_and_on_the_last_working_day() -> None:
    case = SimpleNamespace(id="c1", state="open", taken_by="console:vp", handoff_to=["console:vp"],
                           handed_off_at=local(2026, 3, 20, 10, 0), created_at=local(2026, 3, 20, 10, 0),
                           formal_report_at=date(2026, 4, 1))
    terms = {t.name: t for t in case_terms(case, None, 14, "09:00", [])}
    assert set(terms) == {"receipt", "answer", "feedback"}

    def stages(name: str) -> list[tuple[str, datetime]]:
        return [(s.name, to_local(s.at).replace(tzinfo=None)) for s in terms[name].stages]

    # Receipt within 7 days (8 April); two working days before, skipping Easter: 2 April.
    assert stages("receipt") == [("before", datetime(2026, 4, 2, 9, 0)), ("day", datetime(2026, 4, 8, 9, 0))]
    # Ommen's two weeks: 15 April; three working days before: Friday 10 April.
    assert stages("answer") == [("before", datetime(2026, 4, 10, 9, 0)), ("day", datetime(2026, 4, 15, 9, 0))]
    # Feedback within three months: 1 July; ten working days before: 17 June.
    assert stages("feedback") == [("before", datetime(2026, 6, 17, 9, 0)),
                                  ("day", datetime(2026, 7, 1, 9, 0))]


def test_a_term_ending_on_saturday_is_reminded_on_friday() -> None:
    case = SimpleNamespace(id="c2", state="closed", taken_by="console:vp", formal_report_at=date(2026, 5, 2))
    receipt = next(t for t in case_terms(case, None, None, "09:00", []) if t.name == "receipt")
    assert to_local(receipt.stages[-1].at).date() == date(2026, 5, 8)


def test_agenda_reminder_comes_on_time_and_once(core: Core) -> None:
    register(core, "coordinator", "coord", name="Co")
    svc = service(core)
    with at(2026, 2, 20, 10, 0):
        assert svc.tick().sent == []  # seeds the default reminders, nothing due yet
    with at(2026, 3, 2, 8, 59):
        assert svc.tick().sent == []
        assert to(inbox(core), "coord") == []
    with at(2026, 3, 2, 9, 0):
        assert len(svc.tick().sent) == 1
        assert svc.tick().sent == []
        got = to(inbox(core), "coord")
    assert len(got) == 1 and got[0].text.startswith("🗓️ Herinnering: zet integriteit op de agenda")
    assert "(te laat)" not in got[0].text
    with at(2026, 6, 1, 9, 0):
        assert svc.tick().sent == []
    with at(2026, 9, 7, 9, 0):
        assert len(svc.tick().sent) == 1
    assert len(to(inbox(core), "coord")) == 1


def test_missed_occurrences_are_sent_once_and_marked_late(core: Core) -> None:
    register(core, "coordinator", "coord")
    svc = service(core)
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    # The bot is down from February until October: March and September fell due meanwhile.
    with at(2026, 10, 5, 14, 0):
        first = svc.tick()
        again = svc.tick()
        got = to(inbox(core), "coord")
    assert len(first.sent) == 1 and first.late == 1 and again.sent == []
    assert len(got) == 1
    assert got[0].text.startswith("(te laat) Deze herinnering stond gepland voor maandag 2 maart 2026, 09:00")
    # The schedule goes on from now: the next agenda reminder is March 2027, not another missed one.
    with at(2027, 2, 28, 9, 0):
        svc.tick()
        inbox(core)  # (the yearly report reminders of 15 January)
    with at(2027, 3, 1, 9, 0):
        svc.tick()
        agenda = [r for r in to(inbox(core), "coord") if "agenda" in r.text]
    assert len(agenda) == 1 and "(te laat)" not in agenda[0].text
