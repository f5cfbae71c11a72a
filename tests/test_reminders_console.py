"""Reminders as coordinators and trusted persons see them through the console transport."""

from __future__ import annotations

import re
from datetime import date, datetime

from handlers.dispatcher import Core
from handlers.reminders.schedule import TZ
from storage.db import session_scope
from tests.conftest import Console
from tests.reminders_support import at, inbox, register, service, to


def _agenda(replies):  # type: ignore[no-untyped-def]
    return [r for r in replies if "zet integriteit op de agenda" in r.text]


def _dilemma(text: str) -> str:
    m = re.search(r"praktijkdilemma: (.+)", text)
    assert m, text
    return m.group(1)


def test_agenda_reminder_with_a_ready_agenda_item_and_done(core: Core, console: Console) -> None:
    register(core, "coordinator", "coord", name="Coby")
    svc = service(core)
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    with at(2026, 3, 2, 9, 0):
        svc.tick()
        [reminder] = to(inbox(core), "coord")
        assert "Kant-en-klaar agendapunt – praktijkdilemma:" in reminder.text
        assert "Werkvorm:" in reminder.text and "📄 Bron: Integriteitsbeleid Gemeente Ommen" in reminder.text
        assert "twee keer per jaar" in reminder.text
        assert [b.label for b in reminder.buttons] == ["Gedaan", "Herinner me over een week"]
        [ok] = console.send("coord", action=reminder.buttons[0].id)
        assert ok.text == "Genoteerd, dank je! De volgende herinnering komt maandag 7 september 2026, 09:00."
        [again] = console.send("coord", action=reminder.buttons[0].id)
        assert again.text == "Die herinnering had je al afgevinkt."
        [other] = console.send("someone", action=reminder.buttons[0].id)
        assert other.text == "Die knop hoort bij een herinnering voor iemand anders."


def test_remind_me_in_a_week_repeats_the_same_agenda_item(core: Core, console: Console) -> None:
    register(core, "manager", "boss")
    svc = service(core)
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    with at(2026, 3, 2, 9, 0):
        svc.tick()
        [first] = _agenda(to(inbox(core), "boss"))
        [ok] = console.send("boss", action=first.buttons[1].id)
        assert ok.text == "Goed, ik herinner je er maandag 9 maart 2026, 09:00 opnieuw aan."
    with at(2026, 3, 9, 8, 59):
        svc.tick()
        assert _agenda(to(inbox(core), "boss")) == []
    with at(2026, 3, 9, 9, 0):
        svc.tick()
        [second] = _agenda(to(inbox(core), "boss"))
    assert second.text.startswith("Zoals gevraagd herinner ik je er opnieuw aan.")
    assert _dilemma(second.text) == _dilemma(first.text)
    with at(2026, 3, 9, 9, 5):
        [ok] = console.send("boss", "gedaan")
    assert ok.text.startswith("Genoteerd, dank je!")


def test_no_dilemma_repeats_until_all_were_used(core: Core, kb) -> None:  # type: ignore[no-untyped-def]
    register(core, "coordinator", "coord")
    svc = service(core)
    n = len(kb.org("ommen").dilemmas)
    seen: list[str] = []
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    for year in range(2026, 2026 + n // 2 + 1):
        for month in (3, 9):
            first_monday = next(d for d in range(1, 8) if date(year, month, d).weekday() == 0)
            with at(year, month, first_monday, 9, 0):
                svc.tick()
                seen += [_dilemma(r.text) for r in _agenda(to(inbox(core), "coord"))]
    assert len(seen) >= n + 1
    assert len(set(seen[:n])) == n  # every dilemma once
    assert seen[n] == seen[0]  # then the rotation starts over


def test_herinneringen_lists_and_changes_the_schedule(core: Core, console: Console) -> None:
    register(core, "coordinator", "coord")
    with at(2026, 2, 20, 10, 0):
        [empty] = console.send("coord", "/herinneringen")
        assert empty.text.startswith("Je hebt nog geen herinneringen.")
        [on] = console.send("coord", "/herinneringen aan")
        assert on.text.startswith("Aangezet: #1 Integriteit op de agenda")
        [listing] = console.send("coord", "/herinneringen")
    assert ("eerste maandag van maart en september, 09:00 – volgende: maandag 2 maart 2026, 09:00"
            in listing.text)
    assert "Rapportage: Evaluatie integriteitsbeleid en meldingsprocedure" in listing.text
    assert {b.label for b in listing.buttons} >= {"Zet #1 uit"}
    with at(2026, 2, 20, 10, 1):
        [changed] = console.send("coord", "/herinneringen dag dinsdag #1")
        assert ("eerste dinsdag van maart en september, 09:00 – volgende: dinsdag 3 maart 2026, 09:00"
                in changed.text)
        [changed] = console.send("coord", "/herinneringen tijd 10:30 #1")
        assert "volgende: dinsdag 3 maart 2026, 10:30" in changed.text
        [changed] = console.send("coord", "/herinneringen datum 1 maart")
        # 1 March 2026 is a Sunday: the reminder comes on Monday.
        assert "→ 1 maart, elke 3 jaar, 09:00 – volgende: maandag 2 maart 2026, 09:00" in changed.text
        [bad] = console.send("coord", "/herinneringen tijd half tien")
        assert bad.text.startswith("Geef een tijd als 9:30")
        [off] = console.send("coord", action="reminder:off:1")
        assert off.text.startswith("Uitgezet: #1 Integriteit op de agenda")
    svc = service(core)
    with at(2026, 3, 3, 10, 30):
        svc.tick()
        assert _agenda(to(inbox(core), "coord")) == []
        [on] = console.send("coord", "/herinneringen aan #1")
        [listing] = console.send("coord", "/herinneringen")
    assert "volgende: dinsdag 1 september 2026, 10:30" in listing.text


def test_only_people_with_a_role_get_reminders(console: Console) -> None:
    [reply] = console.send("employee", "/herinneringen")
    assert reply.text.startswith("Herinneringen zijn er voor coördinatoren")
    [reply] = console.send("employee", "/reminders")
    assert reply.text.startswith("Reminders are for coordinators")


def test_report_reminder_carries_the_anonymous_counts(core: Core) -> None:
    from storage.cases import Case, CaseStatistic

    register(core, "trusted_person", "vp")
    with session_scope(core.services.engine) as session:
        session.add(CaseStatistic(org="ommen", year=2026, kind="unwanted_behaviour", channel="trusted_person",
                                  outcome="advice", count=3))
        session.add(CaseStatistic(org="ommen", year=2025, kind="misconduct", channel="trusted_person",
                                  outcome="advice", count=5))  # another year: not in this report
        session.add(Case(id="open-1", org="ommen", pseudonym="K7-Q3", state="open",
                         kind="integrity_violation", handed_off_at=datetime(2026, 6, 1, 10, 0, tzinfo=TZ)))
    svc = service(core)
    with at(2026, 2, 20, 10, 0):
        svc.tick()
    with at(2027, 1, 15, 9, 0):
        svc.tick()
        [report] = [r for r in to(inbox(core), "vp") if "Jaarverslag van de vertrouwenspersoon" in r.text]
    assert "Periode: 1 januari 2026 t/m 31 december 2026." in report.text
    assert "• totaal: 4" in report.text
    assert "• per soort: ongewenst gedrag 3, integriteitsschending 1" in report.text
    assert re.search(r"• per kanaal: [^\n]*[Vv]ertrouwenspersoon[^\n]* 4", report.text)
    assert "K7-Q3" not in report.text


def test_someone_who_talks_english_gets_english_reminders(core: Core, console: Console) -> None:
    register(core, "coordinator", "anna")
    svc = service(core)
    with at(2026, 2, 20, 10, 0):
        console.send("anna", "May I accept a bottle of wine from a supplier?")
        svc.tick()
        [listing] = console.send("anna", "/reminders")
    assert listing.text.startswith("Your reminders (Gemeente Ommen), times in Amsterdam time:")
    assert "first Monday of March and September, 09:00 – next: Monday 2 March 2026, 09:00" in listing.text
    with at(2026, 3, 2, 9, 0):
        svc.tick()
        [reminder] = _english(to(inbox(core), "anna"))
        [ok] = console.send("anna", "done")
    assert "Ready agenda item – practice dilemma:" in reminder.text
    assert [b.label for b in reminder.buttons] == ["Done", "Remind me in a week"]
    assert ok.text.startswith("Noted, thank you!")


def _english(replies):  # type: ignore[no-untyped-def]
    return [r for r in replies if "put integrity on the agenda" in r.text]
