"""The scriptable console interface of CONTRACT.md, run as the real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BOT = [sys.executable, "-m", "bot.cli"]


def run_lines(lines: list[str], tmp_path: Path, org: str = "ommen") -> tuple[list[dict], str, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "INTEGRITY_"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))
    proc = subprocess.run([*BOT, "chat", "--org", org, "--jsonl"], input="".join(line + "\n" for line in lines),
                          capture_output=True, text=True, env=env, timeout=120)
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    return out, proc.stderr, proc.returncode


def test_one_line_out_per_line_in_with_a_clarification_across_turns(tmp_path: Path) -> None:
    lines = [
        json.dumps({"user": "u1", "text": "Een leverancier gaf me op kantoor een fles wijn. Mag ik die aannemen?"}),
        json.dumps({"user": "u1", "text": "Ongeveer 20 euro."}),
    ]
    out, _, code = run_lines(lines, tmp_path)
    assert code == 0 and len(out) == 2
    first, second = out[0]["replies"][0], out[1]["replies"][0]
    assert first["to"] == "u1" and first["answer"]["intent"] == "clarify" and first["answer"]["needs"] == ["value"]
    assert {b["id"] for b in first["buttons"]} >= {"value:le:50", "value:gt:50", "value:unknown"}
    assert second["answer"]["intent"] == "rule" and second["answer"]["verdict"] == "consult"
    assert second["answer"]["sources"][0]["org"] == "ommen"
    assert "🟠" in second["text"]


def test_clarification_survives_a_restart(tmp_path: Path) -> None:
    run_lines([json.dumps({"user": "u9", "text": "Mag ik een kerstpakket van een aannemer aannemen?"})], tmp_path)
    out, _, _ = run_lines([json.dumps({"user": "u9", "text": "Het is 85 euro waard"})], tmp_path)
    assert out[0]["replies"][0]["answer"]["verdict"] == "not_allowed"


def test_buttons_answer_the_clarifying_question(tmp_path: Path) -> None:
    out, _, _ = run_lines([
        json.dumps({"user": "u2", "text": "Mag ik een cadeau van een leverancier aannemen?"}),
        json.dumps({"user": "u2", "action": "value:gt:50"}),
    ], tmp_path)
    assert out[1]["replies"][0]["answer"]["verdict"] == "not_allowed"


@pytest.mark.parametrize("line, fragment", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ('{"text": "hallo"}', "user"),
    ('{"user": "u1"}', "text"),
    ("", "empty line"),
])
def test_malformed_lines_get_an_error_and_the_process_goes_on(tmp_path: Path, line: str, fragment: str) -> None:
    out, _, code = run_lines([line, json.dumps({"user": "u1", "text": "Wat zijn de kernwaarden?"})], tmp_path)
    assert code == 0 and len(out) == 2
    assert fragment in out[0]["error"]
    assert out[1]["replies"][0]["answer"]["intent"] == "info"


def test_bad_text_gets_a_kind_message(tmp_path: Path) -> None:
    lines = [json.dumps({"user": "u1", "text": t}) for t in
             ["", "   ", "😀🎉🙈", "\x00\x07\x08", "a" * 100_000, "Mag ik \x00een fles wijn aannemen?" * 1]]
    out, stderr, code = run_lines(lines, tmp_path)
    assert code == 0 and len(out) == len(lines)
    texts = [" ".join(r["text"] for r in o["replies"]) for o in out]
    assert "leeg bericht" in texts[0] and "leeg bericht" in texts[1]
    assert "alleen tekst" in texts[2] and "leeg bericht" in texts[3]
    assert "erg lang" in texts[4]
    assert out[5]["replies"][0]["answer"]["topic"] == "gifts"
    assert "Traceback" not in "".join(texts) and "Traceback" not in stderr


def test_unknown_organisation_is_a_clear_start_up_error(tmp_path: Path) -> None:
    out, stderr, code = run_lines([], tmp_path, org="atlantis")
    assert code == 2 and out == []
    assert "Onbekende organisatie 'atlantis'" in stderr and "ommen" in stderr


def test_english_question_gets_english_answer(tmp_path: Path) -> None:
    out, _, _ = run_lines([json.dumps({"user": "e1", "text": "Can I accept a €30 bottle of wine from a supplier?"})],
                          tmp_path)
    reply = out[0]["replies"][0]
    assert reply["answer"]["verdict"] == "consult"
    assert "Consult first" in reply["text"]
