"""Every answer is traceable to the document's own words: each quote occurs in its seed document.

The seeds are the source documents beside the checkout (../shared/seeds, or $INTEGRITY_SEEDS_DIR).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from knowledge.loader import load
from knowledge.quotes import entries, normalise, quote_problems, seeds_dir

SEEDS = seeds_dir()
ORGS = load().organisations


def test_the_source_documents_are_there() -> None:
    assert SEEDS is not None, "the seed documents are missing: put them in ../shared/seeds or set INTEGRITY_SEEDS_DIR"
    for org in ORGS.values():
        for doc in org.documents:
            assert doc.file and (SEEDS / doc.file).is_file(), (org.org, doc.id)


@pytest.mark.parametrize("slug", sorted(ORGS))
def test_every_quote_occurs_in_its_document(slug: str) -> None:
    assert SEEDS is not None
    assert quote_problems(ORGS[slug], SEEDS) == []


@pytest.mark.parametrize("slug", sorted(ORGS))
def test_every_rule_route_contact_and_fact_is_grounded(slug: str) -> None:
    for entry in entries(ORGS[slug]):
        g = entry.grounds
        assert g.quote or (g.basis == "national" and g.law), entry.where


def test_national_rules_name_the_law_and_quote_the_document_where_it_refers_to_it() -> None:
    national = [(slug, e) for slug, org in ORGS.items() for e in entries(org) if e.grounds.basis == "national"]
    assert national, "SamenTwente's crime route rests on national law"
    for slug, entry in national:
        assert entry.grounds.law, (slug, entry.where)
        assert entry.grounds.quote, (slug, entry.where)  # the organisation's own sentence on it


def test_normalising_forgives_layout_not_words() -> None:
    assert normalise("de arbo- coördinator") == normalise("de arbocoördinator") == normalise("de arbo-coördinator")
    assert normalise("**zorgvuldig,\n uitlegbaar**") == normalise("zorgvuldig, uitlegbaar")
    assert normalise("<p><i>a. Binnen</i> de</p>") == normalise("a. Binnen de")
    assert normalise("Je neemt nooit geld aan.") != normalise("Je neemt altijd geld aan.")


def test_a_quote_that_is_not_in_the_document_is_reported(tmp_path: Path) -> None:
    org = ORGS["ommen"].model_copy(deep=True)
    org.topics["gifts"].situations[0].quote = ["Je neemt altijd geld aan."]
    problems = quote_problems(org, SEEDS)
    assert len(problems) == 1 and "topics.gifts.influence" in problems[0] and "altijd geld" in problems[0]


def _org_file(quote_line: str) -> str:
    return f"""\
org: voorbeeld
name: Gemeente Voorbeeld
documents:
  - id: beleid
    title: Integriteitsbeleid Voorbeeld
    file: 002_d794694746df6802.txt
topics:
  gifts:
    situations:
      - id: money
        when: {{cash: true}}
        verdict: not_allowed
        reason: {{nl: "Je neemt nooit geld aan.", en: "You never accept money."}}
        action: {{nl: "Sla het af.", en: "Decline it."}}
        channels: [coordinator]
        source: {{document: beleid, section: "Giften"}}
{quote_line}"""


def test_kb_check_tells_a_coordinator_an_entry_lacks_its_quote(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "voorbeeld.yaml").write_text(_org_file(""), encoding="utf-8")
    assert main(["kb", "check", "--dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "voorbeeld.yaml:" in out and "topics.gifts.situations[0]" in out and "needs a `quote`" in out


def test_kb_check_reports_a_quote_the_document_does_not_contain(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "voorbeeld.yaml").write_text(
        _org_file('        quote: "Je neemt nooit geld aan, behalve een fooi."\n'), encoding="utf-8")
    assert main(["kb", "check", "--dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "topics.gifts.money: quote not found" in out and "behalve een fooi" in out


def test_kb_check_accepts_a_quote_as_printed(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "voorbeeld.yaml").write_text(
        _org_file('        quote: "Je neemt nooit\\n   geld aan."\n'), encoding="utf-8")
    assert main(["kb", "check", "--dir", str(tmp_path)]) == 0
    assert "citaten" in capsys.readouterr().out
