"""The content errors a new user found, each asked through the core as a user would ask it.

1 money is money · 2 routes in the document's order · 3 a data breach that happened · 4 the reply's
shape follows the question · 5 SamenTwente's two kinds of trusted person · 6 fact answers contain
the fact · 7 the Huis voor Klokkenluiders' address. Plus 'Toon de tekst' and 'Meer…'.
"""

from __future__ import annotations

import pytest

from handlers.dispatcher import Core
from handlers.types import Reply
from knowledge.evaluate import ROUTE_CONTACTS
from knowledge.grounds import MAX_ID_BYTES
from knowledge.loader import load
from tests.confide_support import register
from tests.conftest import Console


def _reply(console: Console, user: str, text: str = "", action: str | None = None) -> Reply:
    mine = [r for r in console.send(user, text, action) if r.to.user == user]
    assert mine, (text, action)
    return mine[-1]


# --- 1. money in any form ------------------------------------------------------------------

OMMEN_MONEY = [
    "Een inwoner stopte me 20 euro toe als bedankje.",
    "Ik heb van een klant 20 euro toegestopt gekregen, mag ik dat houden?",
    "Een bewoner gaf me twee briefjes van tien als dank voor mijn hulp. Mag dat?",
    "Een inwoner gaf me wat muntjes voor in de koffiepot, mag ik die aannemen?",
    "Ik kreeg een envelop als bedankje van een inwoner, mag ik die houden?",
    "Mag ik een fooi van 5 euro aannemen van een klant?",
    "Een leverancier wil 50 euro naar mijn rekening overmaken als dank. Mag dat?",
    "Een inwoner gaf me 20 euro, mag ik dat houden?",
    "A citizen slipped me 20 euros as a thank you, can I keep it?",
]


@pytest.mark.parametrize("question", OMMEN_MONEY)
def test_money_in_any_form_is_red_in_ommen(core: Core, question: str) -> None:
    reply = _reply(Console(core, "ommen"), "u1", question)
    a = reply.answer
    assert (a.intent, a.topic, a.verdict) == ("rule", "gifts", "not_allowed"), question
    assert reply.text.startswith("🔴")
    assert "nooit geld" in reply.text or "never accept money" in reply.text


def test_a_gift_of_a_thing_worth_twenty_euro_is_still_orange_in_ommen(core: Core) -> None:
    a = _reply(Console(core, "ommen"), "u1", "Mag ik een fles wijn van 20 euro van een leverancier aannemen?").answer
    assert (a.topic, a.verdict) == ("gifts", "consult")


def test_samentwente_cash_says_what_the_document_says_and_does_not(core: Core) -> None:
    reply = _reply(Console(core, "samentwente"), "u1", "50 euro cash van een klant, mag ik dat aannemen?")
    a = reply.answer
    assert (a.topic, a.verdict, a.situation) == ("gifts", "consult", "money")
    text = reply.text.lower()
    assert "boven de € 50" in text and "over geld" in text and "zegt het niets" in text
    assert "tot en met € 50 mag" not in text
    assert a.channels == ["manager"]


# --- 2. routes in the document's order, and who files the police report ------------------

@pytest.mark.parametrize("org, first, files", [
    ("ommen", {"municipal_secretary", "coordinator"}, "de gemeente"),
    ("haarlem", {"integrity_desk", "manager"}, "aangifte gedaan"),
    ("leidschendam-voorburg", {"manager", "integrity_desk"}, "doet de gemeente"),
])
def test_crime_is_reported_internally_first_and_the_organisation_files(core: Core, org: str, first: set[str],
                                                                        files: str) -> None:
    reply = _reply(Console(core, org), "u1", "Ik zag een collega geld uit de kas pakken. Waar moet ik dat melden?")
    a = reply.answer
    assert (a.intent, a.report_type) == ("route", "crime")
    assert set(a.channels[:2]) == first and a.channels[0] != "police"
    assert "police" in a.channels
    assert files in reply.text
    assert "1. Politie" not in reply.text


def test_samentwente_crime_says_the_policy_names_no_one_to_file(core: Core) -> None:
    reply = _reply(Console(core, "samentwente"), "u1", "Ik zag een collega geld uit de kas pakken. Waar meld ik dat?")
    assert reply.answer.channels[0] == "manager"
    assert "zegt niet wie" in reply.text


def test_ommen_fraud_route_includes_the_trusted_person(core: Core) -> None:
    question = "Ik vermoed dat een collega fraude pleegt met declaraties. Bij wie meld ik dat?"
    a = _reply(Console(core, "ommen"), "u1", question).answer
    assert a.intent == "route"
    assert "trusted_person" in a.channels[:ROUTE_CONTACTS]


def test_ommen_bullying_route_follows_bijlage_3(core: Core) -> None:
    console = Console(core, "ommen")
    short = _reply(console, "u1", "Een collega pest mij al weken. Bij wie kan ik dat melden?")
    a = short.answer
    assert (a.intent, a.report_type) == ("route", "unwanted_behaviour")
    assert a.channels[:4] == ["municipal_secretary", "coordinator", "hr", "trusted_person"]
    full = _reply(console, "u1", action=next(b.id for b in short.buttons if b.id.startswith("more:")))
    lines = full.text.splitlines()
    order = [next(i for i, x in enumerate(lines) if x.startswith(f"{n}.")) for n in (1, 2, 3, 4)]
    assert "Gemeentesecretaris" in lines[order[0]] and "P&O" in lines[order[2]]
    assert "Zwannie Tip" in lines[order[3]]


def test_routes_list_channels_in_the_order_of_their_quotes() -> None:
    """Every route's first channels are the ones its document names first (a spot check per org)."""
    orgs = load().organisations
    assert orgs["ommen"].routes["unwanted_behaviour"].channels[0] == "municipal_secretary"
    assert orgs["ommen"].routes["crime"].channels[-1] == "police"
    assert orgs["leidschendam-voorburg"].routes["crime"].channels[0] == "manager"
    assert orgs["haarlem"].routes["crime"].channels[0] == "integrity_desk"


# --- 3. a data breach that happened --------------------------------------------------------

@pytest.mark.parametrize("org, channel", [("ommen", "privacy_officer"), ("leidschendam-voorburg", "privacy_officer"),
                                          ("samentwente", "manager"), ("haarlem", "manager")])
def test_a_data_breach_that_happened_is_reported_at_once(core: Core, org: str, channel: str) -> None:
    reply = _reply(Console(core, org), "u1", "Ik heb per ongeluk persoonsgegevens naar de verkeerde gemaild.")
    a = reply.answer
    assert (a.intent, a.topic, a.situation) == ("rule", "confidential_information", "data-breach")
    assert a.channels[0] == channel
    assert reply.text.startswith("🟠 Meld het direct")
    assert "72 uur" in reply.text and "AVG" in reply.text
    assert "vooraf" not in reply.text.lower()


def test_a_data_breach_in_english(core: Core) -> None:
    reply = _reply(Console(core, "ommen"), "u1", "I accidentally emailed personal data to the wrong person.")
    assert reply.answer.situation == "data-breach"
    assert "72 hours" in reply.text and reply.text.startswith("🟠 Report it at once")


# --- 4. the shape of the reply follows the question -----------------------------------------

def test_who_is_the_trusted_person_starts_with_name_and_contact(core: Core) -> None:
    reply = _reply(Console(core, "ommen"), "u1", "Wie is de vertrouwenspersoon?")
    first = reply.text.splitlines()[0]
    assert "Zwannie Tip" in first and "06-20719406" in first
    assert not reply.text.startswith("Ja")


def test_must_i_report_starts_with_yes(core: Core) -> None:
    reply = _reply(Console(core, "ommen"), "u1", "Ik heb een bijbaan als fotograaf, moet ik dit melden?")
    assert reply.text.startswith("Ja — ")
    assert reply.answer.topic == "side_jobs"


def test_must_i_report_what_i_saw_starts_with_yes(core: Core) -> None:
    reply = _reply(Console(core, "haarlem"), "u1", "Ik zag een collega geld uit de kas pakken, moet ik dit melden?")
    assert reply.answer.intent == "route" and reply.text.startswith("Ja — ")


def test_may_i_starts_with_the_traffic_light(core: Core) -> None:
    reply = _reply(Console(core, "ommen"), "u1", "Mag ik een kerstpakket van 80 euro van een leverancier aannemen?")
    assert reply.text.startswith("🔴")


def test_a_route_leads_with_the_first_step_and_keeps_the_rest_behind_more(core: Core) -> None:
    console = Console(core, "ommen")
    short = _reply(console, "u1", "Ik vermoed dat een collega steekpenningen aanneemt. Bij wie meld ik dat?")
    assert short.answer.intent == "route"
    labels = [b.label for b in short.buttons]
    assert "Meer…" in labels and "Toon de tekst" in labels
    assert "Extern melden" not in short.text and "Wat gebeurt er daarna" not in short.text
    body = [x for x in short.text.splitlines() if not x.startswith(("📣", "📄"))]
    assert len(body) <= 6  # the advice, 'Eerste stap:' and the first channels
    more = next(b.id for b in short.buttons if b.label == "Meer…")
    full = _reply(console, "u1", action=more)
    assert full.answer.intent == "route" and "Wat gebeurt er daarna" in full.text
    assert len(full.text) > len(short.text)
    assert "Meer…" not in [b.label for b in full.buttons]


def test_wanting_to_stay_unknown_points_at_the_trusted_person_first(core: Core) -> None:
    reply = _reply(Console(core, "ommen"), "u1", "Ik wil iets melden over een collega, maar kan dat zonder mijn naam?")
    assert reply.answer.channels[0] == "trusted_person"
    assert "vertrouwenspersoon" in reply.text.splitlines()[1]


# --- 5. SamenTwente's two kinds of trusted person -------------------------------------------

def test_samentwente_answer_names_both_trusted_persons_and_what_each_is_for(core: Core) -> None:
    reply = _reply(Console(core, "samentwente"), "u1", "Wie is de vertrouwenspersoon?")
    text = reply.text
    assert "twee soorten vertrouwenspersoon" in text
    assert "externe vertrouwenspersoon" in text and "seksuele intimidatie" in text
    assert "arbocoördinator" in text and "misstand" in text
    assert not text.startswith("Ja")


def test_samentwente_confidential_conversation_says_which_one_is_for_what(core: Core) -> None:
    register(core, "tp1", org="samentwente")
    reply = _reply(Console(core, "samentwente"), "emp", "Ik wil met een vertrouwenspersoon praten")
    assert "twee soorten vertrouwenspersoon" in reply.text and "arbocoördinator" in reply.text


def test_samentwente_confidential_contacts_without_a_trusted_person_in_the_chat(core: Core) -> None:
    reply = _reply(Console(core, "samentwente"), "emp", "Ik wil met een vertrouwenspersoon praten")
    assert "arbocoördinator" in reply.text and "externe vertrouwenspersoon" in reply.text


# --- 6. fact answers contain the fact -----------------------------------------------------

@pytest.mark.parametrize("org, question, fact", [
    ("ommen", "Hoe vaak staat integriteit op de agenda?", "Tweemaal per jaar"),
    ("samentwente", "Hoe vaak staat integriteit op de agenda?", "Minimaal één keer per jaar"),
    ("leidschendam-voorburg", "Hoeveel medewerkers gingen in 2021 naar de vertrouwenspersoon?", "12"),
    ("leidschendam-voorburg", "Telt de eed ook als ik hem via video heb afgelegd?", "digitaal"),
    ("ommen", "Telt de eed ook als ik hem via video heb afgelegd?", "ondertekenen"),
    ("ommen", "Hoe vaak wordt het integriteitsbeleid geëvalueerd?", "eens per drie jaar"),
    ("haarlem", "Hoe vaak wordt het integriteitsbeleid geëvalueerd?", "elk jaar"),
    ("ommen", "How often is the policy evaluated?", "every three years"),
])
def test_fact_answers_contain_the_fact(core: Core, org: str, question: str, fact: str) -> None:
    reply = _reply(Console(core, org), "u1", question)
    assert reply.answer.intent == "info"
    assert fact.lower() in reply.text.splitlines()[0].lower(), reply.text


# --- 7. the Huis voor Klokkenluiders' e-mail address --------------------------------------

def test_the_huis_voor_klokkenluiders_misprint_is_corrected_with_a_recorded_deviation(core: Core) -> None:
    org = load().organisations["ommen"]
    huis = next(c for c in org.contacts if c.channel == "whistleblowers_authority")
    assert huis.email == "contact@huisvoorklokkenluiders.nl"
    assert huis.deviation and "huisvoorklokkeluiders" in huis.deviation
    console = Console(core, "ommen")
    short = _reply(console, "u1", "Ik vermoed een misstand: er wordt gesjoemeld met subsidiegeld. Waar meld ik dat?")
    full = _reply(console, "u1", action=next(b.id for b in short.buttons if b.id.startswith("more:")))
    assert "contact@huisvoorklokkenluiders.nl" in full.text
    assert "huisvoorklokkeluiders" not in full.text


# --- 'Toon de tekst' ------------------------------------------------------------------------

def test_show_the_text_gives_the_documents_own_words(core: Core) -> None:
    console = Console(core, "ommen")
    answer = _reply(console, "u1", "Een inwoner stopte me 20 euro toe als bedankje.")
    button = next(b for b in answer.buttons if b.label == "Toon de tekst")
    shown = _reply(console, "u1", action=button.id)
    assert "“Je neemt nooit geld aan.”" in shown.text
    assert "Giften, relatiegeschenken en uitnodigingen" in shown.text


def test_english_shows_the_dutch_quote_marked_as_the_original(core: Core) -> None:
    console = Console(core, "ommen")
    answer = _reply(console, "u1", "A citizen slipped me 20 euros, can I keep it?")
    button = next(b for b in answer.buttons if b.label == "Show the text")
    shown = _reply(console, "u1", action=button.id)
    assert "original text, in Dutch" in shown.text and "“Je neemt nooit geld aan.”" in shown.text


def test_show_the_text_of_a_national_rule_names_the_law(core: Core) -> None:
    console = Console(core, "samentwente")
    shown = _reply(console, "u1", action="quote:route:crime")
    assert "Wetboek van Strafvordering" in shown.text and "“" in shown.text


def test_a_button_for_an_entry_that_no_longer_exists_is_a_kind_message(core: Core) -> None:
    shown = _reply(Console(core, "ommen"), "u1", action="quote:rule:gifts:verdwenen")
    assert "niet meer vinden" in shown.text


def test_every_button_id_fits_every_platform() -> None:
    orgs = load().organisations
    for org in orgs.values():
        for topic, spec in org.topics.items():
            for s in spec.situations:
                assert len(f"quote:rule:{topic}:{s.id}".encode()) <= MAX_ID_BYTES, (org.org, s.id)
        for rtype, route in org.routes.items():
            for v in [None, *route.variants]:
                ids = [f"quote:route:{rtype}:{v.id if v else ''}", f"more:route:{rtype}:{v.id if v else '-'}:a"]
                assert all(len(i.encode()) <= MAX_ID_BYTES for i in ids), (org.org, rtype)
        for item in org.info:
            assert len(f"quote:info:{item.id}".encode()) <= MAX_ID_BYTES, (org.org, item.id)
