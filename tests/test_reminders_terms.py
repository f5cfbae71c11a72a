"""Terms of confidential cases: the trusted person is reminded on working days, once per stage.

The cases are written the way the confidential conversation (storage/cases.py) stores them;
what is checked is what the trusted person reads on the console.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from handlers.dispatcher import Core
from handlers.reminders.schedule import TZ
from storage.cases import Case, CaseMessage
from storage.db import session_scope
from tests.conftest import Console
from tests.reminders_support import at, inbox, register, service


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)


def make_case(core: Core, **fields: Any) -> None:
    values: dict[str, Any] = dict(id="case-1", org="ommen", pseudonym="K7-Q3", state="open",
                                  kind="unwanted_behaviour", handoff_to=["console:vp1", "console:vp2"])
    values.update(fields)
    with session_scope(core.services.engine) as session:
        session.add(Case(**values))


def employee_message(core: Core, when: datetime, case_id: str = "case-1") -> None:
    with session_scope(core.services.engine) as session:
        session.add(CaseMessage(case_id=case_id, sender="employee", body="(encrypted)", created_at=when))
        case = session.get(Case, case_id)
        assert case is not None
        case.last_employee_message_at = when
        session.add(case)


def update_case(core: Core, **fields: Any) -> None:
    with session_scope(core.services.engine) as session:
        case = session.get(Case, "case-1")
        assert case is not None
        for k, v in fields.items():
            setattr(case, k, v)
        session.add(case)


def terms(core: Core) -> list:  # type: ignore[type-arg]
    """The case-term reminders delivered now (the yearly report reminders are not the subject here)."""
    return [r for r in inbox(core) if "⏰" in r.text]


def setup_people(core: Core) -> Any:
    register(core, "trusted_person", "vp1", name="Vera")
    register(core, "trusted_person", "vp2", name="Piet")
    svc = service(core)
    with at(2026, 1, 5, 10, 0):
        svc.tick()
    terms(core)
    return svc


def test_a_case_not_taken_within_one_working_day(core: Core) -> None:
    svc = setup_people(core)
    # Handed off on the Friday before King's Day (Monday 27 April 2026).
    make_case(core, handed_off_at=local(2026, 4, 24, 15, 0), created_at=local(2026, 4, 24, 14, 50))
    with at(2026, 4, 28, 14, 59):
        svc.tick()
        assert terms(core) == []
    with at(2026, 4, 28, 15, 0):
        svc.tick()
        svc.tick()
        got = terms(core)
    assert sorted(r.to.user for r in got) == ["vp1", "vp2"]
    assert got[0].text.startswith("⏰ Het vertrouwelijke gesprek van Melder K7-Q3 is sinds "
                                  "vrijdag 24 april 2026, 15:00 nog door niemand opgepakt")
    assert got[0].thread == "handoff:case-1"
    assert [b.label for b in got[0].buttons] == ["Gedaan"]


def test_a_taken_case_is_not_reminded_as_untaken(core: Core) -> None:
    svc = setup_people(core)
    make_case(core, handed_off_at=local(2026, 3, 2, 10, 0))
    update_case(core, taken_by="console:vp1", taken_at=local(2026, 3, 2, 11, 0))
    with at(2026, 3, 4, 10, 0):
        svc.tick()
        assert terms(core) == []


def test_an_employee_message_waiting_more_than_three_working_days(core: Core) -> None:
    svc = setup_people(core)
    make_case(core, handed_off_at=local(2026, 12, 21, 9, 0), taken_by="console:vp1",
              taken_at=local(2026, 12, 21, 9, 30), last_trusted_reply_at=local(2026, 12, 22, 9, 0))
    employee_message(core, local(2026, 12, 23, 11, 0))
    employee_message(core, local(2026, 12, 24, 8, 0))  # a second one: the first still counts
    with at(2026, 12, 29, 10, 59):  # Christmas and the weekend do not count
        svc.tick()
        assert terms(core) == []
    with at(2026, 12, 29, 11, 0):
        svc.tick()
        [got] = terms(core)
    assert got.to.user == "vp1"
    assert got.text.startswith("⏰ Melder K7-Q3 wacht sinds woensdag 23 december 2026, 11:00 op je antwoord")
    # After an answer, a new employee message starts a new term.
    update_case(core, last_trusted_reply_at=local(2026, 12, 30, 9, 0))
    employee_message(core, local(2026, 12, 30, 12, 0))
    with at(2027, 1, 4, 12, 0):
        svc.tick()
        assert terms(core) == []
    with at(2027, 1, 5, 12, 0):
        svc.tick()
        [again] = terms(core)
    assert "sinds woensdag 30 december 2026, 12:00" in again.text


def test_formal_report_terms_before_and_on_the_day_and_done_stops_a_term(core: Core,
                                                                         console: Console) -> None:
    svc = setup_people(core)
    make_case(core, handed_off_at=local(2026, 3, 20, 9, 0), taken_by="console:vp1",
              taken_at=local(2026, 3, 20, 9, 5), formal_report_at=date(2026, 4, 1))
    with at(2026, 4, 2, 9, 0):
        svc.tick()
        [receipt] = terms(core)
    assert receipt.to.user == "vp1"
    assert receipt.text.startswith("⏰ Termijn loopt af op woensdag 8 april 2026: de melder krijgt "
                                   "binnen 7 dagen een ontvangstbevestiging")
    assert "EU-richtlijn 2019/1937, art. 9" in receipt.text
    with at(2026, 4, 2, 9, 10):
        [ok] = console.send("vp1", action=receipt.buttons[0].id)
    assert ok.text == "Genoteerd, dank je!"
    with at(2026, 4, 8, 9, 0):
        svc.tick()
        assert terms(core) == []  # ticked off: no reminder on the last day
    with at(2026, 4, 10, 9, 0):
        svc.tick()
        [answer] = terms(core)
    assert "binnen 14 dagen of er een onderzoek volgt" in answer.text and "Gemeente Ommen" in answer.text
    with at(2026, 4, 15, 9, 0):
        svc.tick()
        [last_day] = terms(core)
    assert last_day.text.startswith("⏰ Vandaag is de laatste werkdag van de termijn "
                                    "(uiterlijk woensdag 15 april")
    # The bot is down from 1 June until 2 July: only the last stage of the feedback term comes, late.
    with at(2026, 7, 2, 10, 0):
        svc.tick()
        svc.tick()
        [late] = terms(core)
    assert late.text.startswith("(te laat) Deze herinnering stond gepland voor woensdag 1 juli 2026, 09:00")
    assert "binnen 3 maanden terugkoppeling" in late.text


def test_an_unsubscribed_trusted_person_gets_no_term_reminders(core: Core, console: Console) -> None:
    svc = setup_people(core)
    with at(2026, 3, 1, 12, 0):
        [off] = console.send("vp2", "/herinneringen uit")
    assert "Termijnen van vertrouwelijke gesprekken" in off.text
    make_case(core, handed_off_at=local(2026, 3, 2, 10, 0))
    with at(2026, 3, 3, 10, 0):
        svc.tick()
        got = terms(core)
    assert [r.to.user for r in got] == ["vp1"]


def test_the_trusted_person_sees_the_coming_terms(core: Core, console: Console) -> None:
    setup_people(core)
    make_case(core, handed_off_at=local(2026, 3, 20, 9, 0), taken_by="console:vp1",
              taken_at=local(2026, 3, 20, 9, 5), formal_report_at=date(2026, 4, 1))
    with at(2026, 4, 1, 12, 0):
        [listing] = console.send("vp1", "/herinneringen")
    assert ("• Melder K7-Q3: ontvangstbevestiging (7 dagen), uiterlijk woensdag 8 april 2026 – "
            "herinnering donderdag 2 april 2026, 09:00") in listing.text
    assert "• Melder K7-Q3: terugkoppeling (3 maanden), uiterlijk woensdag 1 juli 2026" in listing.text
    with at(2026, 4, 1, 12, 0):
        [other] = console.send("vp2", "/herinneringen")
    assert "K7-Q3" not in other.text  # not their case
