"""`integrity-bot reminders seed` and `reminders list`, as an administrator runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def test_seed_then_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("INTEGRITY_DATABASE_URL", f"sqlite:///{tmp_path / 'bot.db'}")
    assert main(["reminders", "list", "--org", "ommen"]) == 0
    assert "Geen herinneringen voor Gemeente Ommen" in capsys.readouterr().out
    assert main(["admin", "add-role", "--org", "ommen", "--role", "coordinator", "--platform", "slack",
                 "--user", "U1", "--name", "Coby"]) == 0
    assert main(["admin", "add-role", "--org", "ommen", "--role", "trusted_person", "--platform", "telegram",
                 "--user", "42", "--name", "Vera"]) == 0
    capsys.readouterr()
    assert main(["reminders", "seed", "--org", "ommen"]) == 0
    seeded = capsys.readouterr().out
    assert "+ Integriteit op de agenda voor Coby (slack)" in seeded
    assert "+ Rapportage: Jaarverslag van de vertrouwenspersoon voor Vera (telegram)" in seeded
    assert "+ Termijnen van vertrouwelijke gesprekken voor Vera (telegram)" in seeded
    assert "LKOG" not in seeded  # another body's annual report is nobody's duty here
    assert main(["reminders", "seed", "--org", "ommen"]) == 0
    assert capsys.readouterr().out.startswith("Niets nieuws")
    assert main(["reminders", "list", "--org", "ommen"]) == 0
    listing = capsys.readouterr().out
    assert "Integriteit op de agenda – Coby (slack, coördinator)" in listing
    assert "eerste maandag van maart en september, 09:00; volgende: maandag" in listing
    assert main(["reminders", "list", "--org", "nergens"]) == 2
