"""`integrity-bot kb check`: the shipped knowledge base is valid; broken files are explained."""

from __future__ import annotations

from pathlib import Path

from bot.cli import main
from knowledge.loader import load


def test_shipped_knowledge_base_is_valid(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["kb", "check"]) == 0
    out = capsys.readouterr().out
    for slug in ("leidschendam-voorburg", "ommen", "haarlem", "samentwente"):
        assert slug in out


def test_every_rule_and_route_cites_its_own_organisation_or_national() -> None:
    result = load()
    assert not result.errors
    docs = {d.id for d in result.national.documents}
    for slug, org in result.organisations.items():
        own = {d.id for d in org.documents}
        for topic in org.topics.values():
            for s in topic.situations:
                assert s.source.document in own or s.source.document.removeprefix("national:") in docs, (slug, s.id)
        for route in org.routes.values():
            assert route.source.document in own or route.source.document.removeprefix("national:") in docs


def test_no_threshold_where_the_documents_have_none() -> None:
    """The € 50 rule exists in Ommen and SamenTwente only."""
    orgs = load().organisations
    for slug in ("leidschendam-voorburg", "haarlem"):
        for topic in orgs[slug].topics.values():
            for s in topic.situations:
                assert s.when is None or (s.when.value_above is None and s.when.value_at_most is None), (slug, s.id)


def _write(dir_: Path, name: str, text: str) -> Path:
    path = dir_ / name
    path.write_text(text, encoding="utf-8")
    return path


def test_broken_yaml_is_reported_with_file_and_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _write(tmp_path, "kapot.yaml", "org: kapot\nname: Kapot\ndocuments: [\n  - id: x\n")
    assert main(["kb", "check", "--dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "kapot.yaml:" in out and "not valid YAML" in out


def test_schema_errors_name_file_line_entry_and_a_plain_explanation(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _write(tmp_path, "voorbeeld.yaml", """\
org: voorbeeld
name: Gemeente Voorbeeld
documents:
  - id: beleid
    title: Integriteitsbeleid Voorbeeld
topics:
  gifts:
    situations:
      - id: boven-grens
        when: {value_above: 75}
        verdict: verboden
        reason: {nl: Te duur., en: Too expensive.}
        action: {nl: Weigeren., en: Refuse.}
        channels: [manager]
        source: {document: beleid, section: "3.1"}
      - id: algemeen
        verdict: consult
        reason: {nl: Overleg., en: Consult.}
        action: {nl: Vraag het., en: Ask.}
        channels: [manger]
        source: {document: gedragscode, section: "3.2"}
""")
    assert main(["kb", "check", "--dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "voorbeeld.yaml:11: topics.gifts.situations[0].verdict: not an allowed value" in out
    assert "voorbeeld.yaml:20: topics.gifts.situations[1].channels[0]: not an allowed value" in out


def test_a_coordinator_can_add_an_organisation_and_change_a_threshold(tmp_path: Path) -> None:
    """A copy of Ommen's file with another threshold, under a new slug, answers by it."""
    from knowledge.engine import KnowledgeBase
    from knowledge.loader import ORGS_DIR

    text = (ORGS_DIR / "ommen.yaml").read_text(encoding="utf-8")
    text = text.replace("org: ommen", "org: nieuwdorp").replace("value_above: 50", "value_above: 20") \
        .replace("value_at_most: 50", "value_at_most: 20")
    _write(tmp_path, "nieuwdorp.yaml", text)
    kb = KnowledgeBase.load(tmp_path)
    answer, _ = kb.answer("nieuwdorp", "Mag ik een fles wijn van 25 euro van een leverancier aannemen?")
    assert answer.verdict == "not_allowed"
    answer, _ = kb.answer("ommen", "Mag ik een fles wijn van 25 euro van een leverancier aannemen?")
    assert answer.verdict == "consult"


def test_contacts_are_overridable_per_deployment(tmp_path: Path) -> None:
    from knowledge.engine import KnowledgeBase

    path = _write(tmp_path, "contacts.yaml",
                  "ommen:\n  - channel: coordinator\n    name: Jan Jansen\n    phone: '0529 123 456'\n")
    kb = KnowledgeBase.load(contacts_file=path)
    answer, _ = kb.answer("ommen", "Mag ik een fles wijn van 25 euro van een leverancier aannemen?")
    assert any("Jan Jansen" in c.details for c in answer.contacts)
