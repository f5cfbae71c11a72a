"""The confidential conversation end to end, through the core, with several users.

An employee, two trusted persons and an outsider: handoff, take, relay both ways, the name by
consent only, close with statistics, erase on request. What each of them reads is asserted.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import build_core
from bot.settings import Settings
from handlers.dispatcher import Core
from storage import cases as store
from storage.db import session_scope
from storage.models import OutboxMessage, utcnow
from tests.confide_support import ORG, Chat, button_id, open_case, pseudonym, register, texts, to


@pytest.fixture
def chat(core: Core) -> Chat:
    register(core, "tp-anna", name="Anna de Vries")
    register(core, "tp-bob")
    return Chat(core)


def _count(core: Core, table: type) -> int:
    with session_scope(core.services.engine) as s:
        return s.execute(select(func.count()).select_from(table)).scalar_one()


def test_whole_flow_with_two_trusted_persons_and_an_outsider(chat: Chat, core: Core) -> None:
    # start in words: the explanation in three lines with the honest caveat, and a consent question
    r = chat.send("emp", "Ik wil met een vertrouwenspersoon praten", display_name="Jan Jansen")
    explain = texts(r, "emp")
    assert "schuilnaam" in explain and "niet anoniem" in explain and "verwijder" in explain
    assert to(r, "emp")[0].answer is not None and to(r, "emp")[0].answer.intent == "confide"
    assert not to(r, "tp-anna") and not to(r, "tp-bob")  # nothing is passed on before consent
    r = chat.press("emp", r, "Ja, ga verder")
    assert "Waar gaat het" in texts(r, "emp")
    r = chat.press("emp", r, "Ongewenst gedrag")
    assert "eerste bericht" in texts(r, "emp")
    r = chat.send("emp", "Mijn leidinggevende schreeuwt tegen me.", display_name="Jan Jansen")

    # handoff: both trusted persons get the pseudonym, the kind and a take button; no content
    # (only the one who takes the case reads it, so an erase has only that copy to reach)
    name = pseudonym(r)
    for tp in ("tp-anna", "tp-bob"):
        handoff = texts(r, tp)
        assert f"Melder {name}" in handoff and "Ongewenst gedrag" in handoff
        assert "schreeuwt" not in handoff and "wacht een bericht" in handoff
        assert "Jan" not in handoff and "emp" not in handoff
        assert button_id(r, tp, "Oppakken").startswith("confide:tp:take:")
    assert f"Melder {name}" in texts(r, "emp")
    assert not to(r, "outsider")

    # a message before anyone took it is kept and reaches the taker
    r = chat.send("emp", "Het gebeurt elke maandag.")
    assert "Bewaard" in texts(r, "emp") and not to(r, "tp-anna")

    # the first to take it owns it; the other is told; the employee hears who took it
    take = chat.inbox["tp-anna"][0].buttons[0].id
    r = chat.send("tp-anna", action=take)
    assert f"Jij voert nu het gesprek met Melder {name}" in texts(r, "tp-anna")
    assert "Het gebeurt elke maandag." in texts(r, "tp-anna")
    assert "schreeuwt tegen me" in texts(r, "tp-anna")  # the first message, now that it is taken
    assert "opgepakt door een collega" in texts(r, "tp-bob") and "schreeuwt" not in texts(r, "tp-bob")
    assert "Anna de Vries" in texts(r, "emp")
    r = chat.send("tp-bob", action=take)
    assert "al opgepakt" in texts(r, "tp-bob")

    # relay both ways, each acknowledged
    r = chat.send("emp", "Kunnen we praten?")
    assert texts(r, "tp-anna") == f"💬 Melder {name}: Kunnen we praten?"
    assert "Afgeleverd" in texts(r, "emp")
    r = chat.send("tp-anna", f"/antwoord {name} Natuurlijk. Morgen om tien uur?")
    assert "Natuurlijk. Morgen om tien uur?" in texts(r, "emp")
    assert f"Afgeleverd bij Melder {name}" in texts(r, "tp-anna")
    # a reply in the thread of the handoff (Slack) / to the handoff message (Telegram)
    case_id = take.rsplit(":", 1)[1]
    r = chat.send("tp-anna", "Of liever donderdag?", thread=f"handoff:{case_id}")
    assert "Of liever donderdag?" in texts(r, "emp")
    # the other trusted person cannot answer or read it
    r = chat.send("tp-bob", f"/antwoord {name} Hallo")
    assert not to(r, "emp") and "Ik ken geen gesprek" in texts(r, "tp-bob")
    r = chat.send("tp-bob", f"/gesprek {name}")
    assert "Kunnen we praten" not in texts(r, "tp-bob")

    # the name only after "Maak mijn naam bekend" and a confirmation
    r = chat.send("tp-anna", f"/naam {name}")
    assert "vraagt of je je naam bekend wilt maken" in texts(r, "emp")
    r = chat.press("emp", r, "Maak mijn naam bekend", display_name="Jan Jansen")
    assert "Jan Jansen" in texts(r, "emp") and not to(r, "tp-anna")  # only the question, nothing sent
    r = chat.press("emp", r, "Nee, laat maar", display_name="Jan Jansen")
    assert not to(r, "tp-anna")
    r = chat.send("emp", "/naam", display_name="Jan Jansen")
    r = chat.press("emp", r, "Ja, maak mijn naam bekend", display_name="Jan Jansen")
    assert texts(r, "tp-anna") == f"🪪 Melder {name} maakt zich bekend: Jan Jansen"
    with session_scope(core.services.engine) as s:
        case = store.get_case(s, case_id)
        assert case is not None
        assert [c.purpose for c in store.consents(s, case)] == ["handoff", "reveal"]

    # the trusted person records "melding gedaan"; the employee closes; kind and outcome are counted
    r = chat.send("tp-anna", f"/gemeld {name}")
    assert "melding gedaan op" in texts(r, "tp-anna")
    r = chat.send("emp", "/stop")
    assert "afgesloten" in texts(r, "emp")
    assert f"Melder {name} heeft het gesprek afgesloten" in texts(r, "tp-anna")
    r = chat.press("tp-anna", r, "Ongewenst gedrag")
    r = chat.press("tp-anna", r, "formele melding")
    assert "Vastgelegd voor de jaarcijfers" in texts(r, "tp-anna")
    with session_scope(core.services.engine) as s:
        stats = [(x.org, x.kind, x.channel, x.outcome, x.count) for x in store.statistics(s, ORG)]
    assert stats == [(ORG, "unwanted_behaviour", "trusted_person", "formal_report", 1)]

    # after closing, the employee's words are ordinary questions again
    r = chat.send("emp", "Mag ik een fles wijn aannemen?")
    assert not to(r, "tp-anna")

    # delete: content and identity erased at once, the statistics line stays
    r = chat.send("emp", "/verwijder")
    r = chat.press("emp", r, "Ja, wis alles")
    assert "Gewist" in texts(r, "emp")
    assert "laten wissen" in texts(r, "tp-anna")
    for table in (store.Case, store.CaseIdentity, store.CaseMessage, store.CaseConsent):
        assert _count(core, table) == 0
    with session_scope(core.services.engine) as s:
        tagged = s.execute(select(OutboxMessage).where(OutboxMessage.tag.like(f"%{case_id}%"))).all()
        assert tagged == []
        assert [x.count for x in store.statistics(s, ORG)] == [1]
    # the outsider got nothing at any point
    assert "outsider" not in chat.inbox


def test_start_by_command_and_by_the_button_under_a_route_answer(chat: Chat) -> None:
    r = chat.send("e1", "/vertrouwenspersoon")
    assert "Wil je verder?" in texts(r, "e1")
    route = chat.send("e2", "Een collega pest mij, bij wie kan ik terecht?")
    assert any(b.id == "confide:start" for x in to(route, "e2") for b in x.buttons)
    r = chat.send("e2", action="confide:start")
    assert "Wil je verder?" in texts(r, "e2")


def test_english_employee_gets_english(chat: Chat) -> None:
    r = chat.send("e1", "I want to talk to a trusted person")
    assert "Do you want to continue?" in texts(r, "e1")


def test_kind_and_first_message_are_optional(chat: Chat) -> None:
    r = chat.send("e1", "/vertrouwenspersoon")
    r = chat.press("e1", r, "Ja, ga verder")
    r = chat.press("e1", r, "liever niet")
    r = chat.press("e1", r, "Doorgeven zonder bericht")
    handoff = texts(r, "tp-anna")
    assert "Soort: niet opgegeven" in handoff and "Nog geen bericht." in handoff


def test_saying_no_keeps_nothing(chat: Chat, core: Core) -> None:
    r = chat.send("e1", "/vertrouwenspersoon")
    r = chat.press("e1", r, "Nee, toch niet")
    assert "niets bewaard" in texts(r, "e1")
    assert _count(core, store.Case) == 0 and _count(core, store.CaseIdentity) == 0


def test_other_text_before_consent_asks_again(chat: Chat) -> None:
    chat.send("e1", "/vertrouwenspersoon")
    r = chat.send("e1", "Wat gebeurt er met mijn gegevens?")
    assert "Wil je verder met een vertrouwenspersoon?" in texts(r, "e1")
    assert not to(r, "tp-anna")
    r = chat.send("e1", "ja")
    assert "Waar gaat het" in texts(r, "e1")


def test_no_registered_trusted_person_gives_the_contacts(core: Core) -> None:
    chat = Chat(core)
    r = chat.send("e1", "/vertrouwenspersoon")
    text = texts(r, "e1")
    assert "geen vertrouwenspersoon via de chat bereikbaar" in text
    assert "vertrouwenspersoon integriteit" in text  # the contact line from the knowledge base
    assert to(r, "e1")[0].answer.intent == "confide"


def test_unavailable_trusted_person_gets_no_handoff(core: Core) -> None:
    register(core, "tp-away", available=False)
    register(core, "tp-here")
    chat = Chat(core)
    r = open_case(chat, "e1")
    assert to(r, "tp-here") and not to(r, "tp-away")


def test_the_employee_is_never_their_own_trusted_person(core: Core) -> None:
    register(core, "tp-self")
    chat = Chat(core)
    r = chat.send("tp-self", "/vertrouwenspersoon")
    assert "geen vertrouwenspersoon via de chat bereikbaar" in texts(r, "tp-self")


def test_without_a_key_the_flow_refuses_and_says_how_to_make_one(db_url: str, kb) -> None:  # type: ignore[no-untyped-def]
    core = build_core(Settings(database_url=db_url, encryption_keys="", _env_file=None), kb)  # type: ignore[call-arg]
    register(core, "tp-anna")
    r = Chat(core).send("e1", "/vertrouwenspersoon")
    assert "integrity-bot admin keygen" in texts(r, "e1")
    assert not to(r, "tp-anna")


def test_trusted_person_closes_and_counts(chat: Chat, core: Core) -> None:
    r = open_case(chat, "e1", kind=None)
    name = pseudonym(r)
    chat.send("tp-bob", f"/oppakken {name}")
    r = chat.send("tp-bob", f"/sluit {name}")
    assert "De vertrouwenspersoon heeft het gesprek afgesloten" in texts(r, "e1")
    r = chat.press("tp-bob", r, "Integriteitsschending")
    r = chat.press("tp-bob", r, "doorverwezen")
    assert "Integriteitsschending" in texts(r, "tp-bob")
    r = chat.send("e1", "Nog een vraag")  # the case is closed: not relayed any more
    assert not to(r, "tp-bob")
    with session_scope(core.services.engine) as s:
        assert [(x.kind, x.outcome) for x in store.statistics(s)] == [("integrity_violation", "referred")]


def test_withdrawing_before_anyone_took_it(chat: Chat, core: Core) -> None:
    open_case(chat, "e1")
    r = chat.send("e1", "/stop")
    assert "ingetrokken" in texts(r, "tp-anna") and "ingetrokken" in texts(r, "tp-bob")
    with session_scope(core.services.engine) as s:
        assert [x.outcome for x in store.statistics(s)] == ["withdrawn"]


def test_cross_platform_employee_on_telegram_trusted_person_on_slack(core: Core) -> None:
    register(core, "U0SLACKTP", platform="slack")
    chat = Chat(core)
    r = open_case(chat, "777001", platform="telegram")
    handoff = to(r, "U0SLACKTP")
    assert handoff and handoff[0].to.platform == "slack" and handoff[0].tag.startswith("handoff:")
    r = chat.send("U0SLACKTP", action=handoff[0].buttons[0].id, platform="slack")
    r = chat.send("U0SLACKTP", "Dank voor je bericht.", platform="slack", thread=handoff[0].tag)
    reply = to(r, "777001")[0]
    assert reply.to.platform == "telegram" and "Dank voor je bericht." in reply.text


def test_retention_purge_erases_closed_cases_and_keeps_counts(chat: Chat, core: Core) -> None:
    r = open_case(chat, "e1")
    chat.send("e1", "/stop")
    open_case(chat, "e2")  # still open: kept
    now = utcnow()
    nothing = store.purge_expired(core.services.engine, core.services.cipher, now, 365)
    assert nothing == {"closed": 0, "drafts": 0}
    done = store.purge_expired(core.services.engine, core.services.cipher, now + timedelta(days=366), 365)
    assert done == {"closed": 1, "drafts": 0}
    assert _count(core, store.Case) == 1 and _count(core, store.CaseIdentity) == 1
    with session_scope(core.services.engine) as s:
        assert sum(x.count for x in store.statistics(s)) == 1
    r = chat.send("e1", "/verwijder")
    assert "geen vertrouwelijk gesprek" in texts(r, "e1")


def test_unfinished_start_is_dropped_after_a_day(chat: Chat, core: Core) -> None:
    chat.send("e1", "/vertrouwenspersoon")
    done = store.purge_expired(core.services.engine, core.services.cipher, utcnow() + timedelta(days=2), 365)
    assert done["drafts"] == 1 and _count(core, store.Case) == 0


def test_trusted_person_list_shows_waiting_cases_with_a_take_button(chat: Chat) -> None:
    r = open_case(chat, "e1")
    name = pseudonym(r)
    r = chat.send("tp-bob", "/gesprekken")
    assert f"Melder {name}" in texts(r, "tp-bob") and "wacht op een vertrouwenspersoon" in texts(r, "tp-bob")
    r = chat.press("tp-bob", r, f"Oppakken {name}")
    assert "Jij voert nu het gesprek" in texts(r, "tp-bob")


def test_commands_without_slash_for_slack(chat: Chat, core: Core) -> None:
    """Slack's message box claims every '/word': the bare words work too, and only where meant."""
    register(core, "U0SLACKTP", platform="slack")
    r = open_case(chat, "e1")
    name = pseudonym(r)
    r = chat.send("U0SLACKTP", f"oppakken {name}", platform="slack")
    assert "Jij voert nu het gesprek" in texts(r, "U0SLACKTP")
    r = chat.send("U0SLACKTP", f"antwoord {name} Hoe gaat het nu?", platform="slack")
    assert "Hoe gaat het nu?" in texts(r, "e1")
    r = chat.send("e1", "antwoord op je vraag: beter")  # an employee's words stay words
    assert texts(r, "U0SLACKTP") == f"💬 Melder {name}: antwoord op je vraag: beter"
    r = chat.send("U0SLACKTP", "gesprekken", platform="slack")
    assert f"Melder {name}" in texts(r, "U0SLACKTP")
    r = chat.send("e1", "Stop")
    assert "Het gesprek is afgesloten" in texts(r, "e1")
    r = chat.send("e1", "stop")  # no open case any more: an ordinary message
    assert "Het gesprek is afgesloten" not in texts(r, "e1")
    r = chat.send("e1", "verwijder")  # as the closing message says
    r = chat.press("e1", r, "Ja, wis alles")
    assert "Gewist" in texts(r, "e1")


def test_thread_replies_of_trusted_persons_who_do_not_lead_the_case(chat: Chat) -> None:
    r = open_case(chat, "e1")
    take = button_id(r, "tp-anna", "Oppakken")
    thread = f"handoff:{take.rsplit(':', 1)[1]}"
    r = chat.send("tp-bob", "Ik reageer maar even", thread=thread)
    assert "eerst op" in texts(r, "tp-bob") and not to(r, "e1")
    chat.send("tp-anna", action=take)
    r = chat.send("tp-bob", "Nog een keer", thread=thread)
    assert "al opgepakt" in texts(r, "tp-bob") and not to(r, "e1")
    chat.send("e1", "/verwijder ja")
    r = chat.send("tp-anna", "Ben je er nog?", thread=thread)
    assert "Ik ken geen gesprek" in texts(r, "tp-anna") and not to(r, "e1")


def test_in_an_open_case_emoji_reach_the_trusted_person_but_help_and_channels_do_not(chat: Chat) -> None:
    open_case(chat, "emp")
    take = chat.inbox["tp-anna"][-1].buttons[0].id
    chat.send("tp-anna", action=take)
    r = chat.send("emp", "🙏")
    assert "🙏" in texts(r, "tp-anna") and "Afgeleverd" in texts(r, "emp")
    r = chat.send("emp", "/help")
    assert not to(r, "tp-anna") and "Integriteitsbot" in texts(r, "emp")
    r = chat.send("emp", "   ")
    assert not to(r, "tp-anna") and "leeg bericht" in texts(r, "emp")
    # said in a channel (Slack mention, Telegram group): never part of the confidential case
    r = chat.send("emp", "Mag ik een fles wijn van 20 euro aannemen van een leverancier?", in_group=True)
    assert not to(r, "tp-anna")
    assert to(r, "emp")[0].answer is not None and to(r, "emp")[0].answer.intent == "rule"


def test_the_running_bot_purges_closed_cases_after_the_retention_period(chat: Chat, core: Core) -> None:
    """The reminder clock in every bot process also applies retention; nobody needs cron."""
    from datetime import datetime

    import time_machine

    from tests.reminders_support import service

    open_case(chat, "e1")
    chat.send("e1", "/stop")
    svc = service(core)
    svc.tick()
    assert _count(core, store.Case) == 1  # closed today: kept
    with time_machine.travel(datetime.now() + timedelta(days=400), tick=False):
        service(core).tick()
    assert _count(core, store.Case) == 0
    with session_scope(core.services.engine) as s:
        assert sum(x.count for x in store.statistics(s)) == 1
