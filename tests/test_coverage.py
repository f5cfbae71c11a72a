"""`integrity-bot kb coverage`: per section of the document, what cites it and which rules nothing covers."""

from __future__ import annotations

import pytest

from bot.cli import main
from knowledge.coverage import coverage, sections
from knowledge.loader import load
from knowledge.quotes import seeds_dir

ORGS = load().organisations
SEEDS = seeds_dir()


@pytest.mark.parametrize("slug", sorted(ORGS))
def test_coverage_runs_for_every_organisation(slug: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["kb", "coverage", "--org", slug]) == 0
    out = capsys.readouterr().out
    assert "secties geciteerd" in out and "✓" in out


def test_ommen_sections_name_the_entries_that_cite_them(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["kb", "coverage", "--org", "ommen"]) == 0
    out = capsys.readouterr().out
    gifts = out.index("✓ Giften, relatiegeschenken en uitnodigingen")
    assert "topics.gifts.money" in out[gifts:gifts + 2000]
    assert "✓ Bijlage 3: Informatie over de vertrouwenspersoon" in out


def test_a_section_whose_rules_no_entry_covers_is_listed_as_a_gap() -> None:
    assert SEEDS is not None
    org = ORGS["ommen"].model_copy(deep=True)
    del org.topics["gifts"], org.topics["invitations"]
    org.info = [i for i in org.info if i.topic not in ("gifts", "invitations")]
    gaps = {s.title for doc in coverage(org, SEEDS) for s in doc.gaps}
    assert "Giften, relatiegeschenken en uitnodigingen" in gaps
    full = {s.title for doc in coverage(ORGS["ommen"], SEEDS) for s in doc.gaps}
    assert "Giften, relatiegeschenken en uitnodigingen" not in full


def test_headings_are_found_in_plain_text_and_in_html_lines() -> None:
    text = ("\n\nBasisregels\n\nJe neemt nooit geld aan.\n\n"
            "<p>Basisnorm 9: Relatiegeschenken</p> <p>Geschenken boven de € 50 mogen niet.</p>\n\n"
            "1. Een punt van een lijst.\n2. Nog een punt.\n")
    found = sections(text)
    assert [s.title for s in found] == ["Basisregels", "Basisnorm 9: Relatiegeschenken"]
    assert "Geschenken boven" in found[1].text and "Een punt van een lijst" in found[1].text


def test_the_organisation_slug_is_case_insensitive(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["kb", "coverage", "--org", "Ommen"]) == 0
    assert "Gemeente Ommen" in capsys.readouterr().out


def test_unknown_organisation_is_a_clear_message(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["kb", "coverage", "--org", "atlantis"]) == 2
    err = capsys.readouterr().err
    assert "Onbekende organisatie 'atlantis'" in err and "ommen" in err
