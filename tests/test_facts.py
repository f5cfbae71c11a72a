"""Amounts and facts as employees type them."""

from __future__ import annotations

import pytest

from knowledge.facts import extract_amount, extract_facts
from knowledge.normalize import normalize


def amount(text: str, expecting: bool = False):  # type: ignore[no-untyped-def]
    return extract_amount(normalize(text), expecting)


@pytest.mark.parametrize("text, value", [
    ("een fles wijn van € 25", 25), ("25 euro", 25), ("kost 25,-", 25), ("€49,95", 49.95),
    ("vijfentwintig euro", 25), ("een tientje", 10), ("2 tientjes", 20), ("twee tientjes", 20),
    ("ongeveer 30", 30), ("30 EUR", 30), ("rond de 60", 60), ("zo'n 85 euro", 85),
    ("Ik schat € 60.", 60), ("€1.250", 1250), ("tweeëntwintig euro", 22), ("honderdvijftig euro", 150),
    ("It's worth about €35.", 35), ("a €30 bottle of wine", 30), ("fifty euros", 50),
    ("een briefje van 50", 50), ("dertig euro", 30), ("€ 12", 12),
])
def test_amounts_in_every_form(text: str, value: float) -> None:
    found = amount(text)
    assert found is not None and found[0] == pytest.approx(value) and found[1] == pytest.approx(value)


@pytest.mark.parametrize("text", [
    "Mag ik om 12 uur naar de tandarts?", "Ik werk hier 3 jaar", "Een collega van 2 verdiepingen hoger",
    "Mag ik een fles wijn aannemen?", "elke 2 weken",
])
def test_numbers_that_are_no_amounts(text: str) -> None:
    assert amount(text) is None


def test_bare_number_counts_only_when_the_bot_asked_for_the_value() -> None:
    assert amount("60") is None
    assert amount("60", expecting=True) == (60, 60)
    assert amount("ik denk veertig", expecting=True) == (40, 40)


def test_bounds_and_ranges() -> None:
    low, high = amount("iets onder de 50 euro")
    assert low == 0 and high < 50
    low, high = amount("meer dan 50 euro")
    assert low > 50
    assert amount("tussen de 40 en 60 euro") == (40, 60)


@pytest.mark.parametrize("text, flag", [
    ("20 euro contant", "cash"), ("hij wilde geld geven", "cash"),
    ("kerstpakket naar mijn huisadres gestuurd", "sent_home"), ("ze brachten het bij mij thuis", "sent_home"),
    ("midden in een aanbesteding", "during_tender"), ("tijdens de onderhandelingen", "during_tender"),
    ("brengt elke week gebak", "recurring"), ("every week a cake", "recurring"),
    ("we delen ze met alle collega's in de kantine", "shared_openly"),
    ("mijn leidinggevende intimideert mij", "manager_involved"),
    ("a cadeaubon of 20 euro", "voucher"),
])
def test_decisive_facts(text: str, flag: str) -> None:
    assert getattr(extract_facts(normalize(text)), flag) is True


def test_yearly_treat_is_not_recurring_and_voucher_is_not_cash() -> None:
    facts = extract_facts(normalize("Elk jaar op oudejaarsdag een zak oliebollen"))
    assert facts.recurring is False
    assert extract_facts(normalize("een cadeaubon van 20 euro")).cash is False


def test_dont_know_the_value() -> None:
    assert extract_facts(normalize("geen idee eigenlijk"), expecting_value=True).value_unknowable
