"""Strict YAML: a duplicated key or a non-finite number in the knowledge base is an error with
file and line (PyYAML alone keeps the last value: a second `verdict:` turned a red rule green);
a malformed contacts file is explained, not a crash of `kb check` or `chat`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.cli import main
from knowledge.loader import ORGS_DIR


def _ommen_with(tmp_path: Path, change) -> tuple[Path, int]:  # type: ignore[no-untyped-def]
    """A copy of ommen.yaml in its own directory, `change` applied to its lines; the changed line."""
    lines = (ORGS_DIR / "ommen.yaml").read_text(encoding="utf-8").split("\n")
    number = change(lines)
    (tmp_path / "ommen.yaml").write_text("\n".join(lines), encoding="utf-8")
    return tmp_path, number


def test_a_duplicated_verdict_line_is_an_error_at_its_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    def duplicate(lines: list[str]) -> int:
        i = next(i for i, line in enumerate(lines) if line.strip() == "verdict: not_allowed")
        lines.insert(i + 1, lines[i].replace("not_allowed", "allowed"))
        return i + 2

    folder, line = _ommen_with(tmp_path, duplicate)
    assert main(["kb", "check", "--dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert f"ommen.yaml:{line}:" in out and "duplicate key 'verdict'" in out


def test_an_infinite_or_nan_amount_is_an_error_at_its_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    for bad in (".inf", ".nan", "-.inf"):
        def infinite(lines: list[str], bad: str = bad) -> int:
            i = next(i for i, line in enumerate(lines) if "value_above:" in line)
            lines[i] = lines[i].replace("value_above: 50", f"value_above: {bad}")
            return i + 1

        folder, line = _ommen_with(tmp_path, infinite)
        assert main(["kb", "check", "--dir", str(folder)]) == 1
        out = capsys.readouterr().out
        assert f"ommen.yaml:{line}:" in out and "not a finite number" in out, out


MALFORMED_CONTACTS = {
    "a number instead of a list": "ommen: 5\n",
    "a mapping instead of a list": "ommen:\n  channel: trusted_person\n",
    "a list as channel": "ommen:\n  - channel: [trusted_person]\n    name: X\n",
    "a number as organisation": "5: []\n",
}


def test_a_malformed_contacts_file_is_explained_by_kb_check(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for what, text in MALFORMED_CONTACTS.items():
        path = tmp_path / "contacts.yaml"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("INTEGRITY_CONTACTS_FILE", str(path))
        assert main(["kb", "check"]) == 1, what
        out = capsys.readouterr().out
        assert "contacts.yaml:" in out, (what, out)


def test_chat_with_a_malformed_contacts_file_exits_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "contacts.yaml"
    path.write_text(MALFORMED_CONTACTS["a number instead of a list"], encoding="utf-8")
    env = {**os.environ, "INTEGRITY_CONTACTS_FILE": str(path),
           "INTEGRITY_DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--jsonl", "--org", "ommen"], input="",
                          capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert done.returncode != 0
    assert "contacts.yaml:" in done.stderr and "Traceback" not in done.stderr
