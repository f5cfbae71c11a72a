"""The console under hostile input (issue 10, items 7 and 9): near-legal JSON gets an error line
and the process goes on; a reply counts as delivered only once it was printed; an over-long
user id is refused clearly, and every id it accepts works on PostgreSQL too."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

BOT = [sys.executable, "-m", "bot.cli", "chat", "--org", "ommen", "--jsonl"]
VALID = json.dumps({"user": "u1", "text": "hallo"})


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "INTEGRITY_"))}
    env["INTEGRITY_DATABASE_URL"] = url
    return env


def _run(data: bytes, url: str) -> tuple[list[dict], subprocess.CompletedProcess[bytes]]:
    done = subprocess.run(BOT, input=data, capture_output=True, env=_env(url), timeout=180)
    return [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()], done


HOSTILE = {
    "nesting of 100 000": "[" * 100_000,
    "nesting inside the object": '{"user": "u1", "text": "x", "extra": ' + "[" * 5000 + "]" * 5000 + "}",
    "an integer of 5 000 digits as id": '{"user": "u1", "text": "x", "id": ' + "9" * 5000 + "}",
    "an integer of 5 000 digits as user": '{"user": ' + "9" * 5000 + ', "text": "x"}',
    "a lone surrogate in the user id": '{"user": "\\ud800", "text": "x"}',
    "a lone surrogate in the text": '{"user": "u1", "text": "hoi \\udfff"}',
    "a lone surrogate in the action": '{"user": "u1", "action": "\\udbff"}',
    "an object as id": '{"user": "u1", "text": "x", "id": {"a": 1}}',
    "a user id of 300 characters": json.dumps({"user": "u" * 300, "text": "x"}),
    "a float overflow": '{"user": "u1", "text": "x", "n": 1e999999}',
}


@pytest.mark.parametrize("what", list(HOSTILE))
def test_near_legal_json_gets_an_error_line_and_the_console_goes_on(what: str, tmp_path: Path) -> None:
    out, done = _run((HOSTILE[what] + "\n" + VALID + "\n").encode("utf-8", "surrogatepass"),
                     f"sqlite:///{tmp_path / 'h.db'}")
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr[-2000:]
    assert len(out) == 2
    if what != "a float overflow":  # 1e999999 is valid JSON (inf) in an ignored field
        assert "error" in out[0], out[0]
    assert out[1]["replies"] and out[1]["replies"][0]["to"] == "u1"


def test_bytes_that_are_not_utf8_get_an_error_line(tmp_path: Path) -> None:
    out, done = _run(b'\xff\xfe{"user": "u1", "text": "x"}\n' + VALID.encode() + b"\n",
                     f"sqlite:///{tmp_path / 'b.db'}")
    assert done.returncode == 0 and "error" in out[0] and out[1]["replies"]


def test_a_reply_that_could_not_be_printed_is_not_marked_delivered(tmp_path: Path) -> None:
    """The output pipe is gone when the reply is printed (as when the reader is killed mid-relay):
    the reply must stay in the outbox to be sent again, not count as delivered."""
    db = tmp_path / "p.db"
    proc = subprocess.Popen(BOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=_env(f"sqlite:///{db}"))
    assert proc.stdout is not None and proc.stdin is not None
    proc.stdout.close()  # nobody reads: the first print fails
    proc.stdin.write((VALID + "\n").encode())
    proc.stdin.close()
    proc.wait(timeout=120)
    with sqlite3.connect(db) as conn:
        statuses = [s for (s,) in conn.execute("SELECT status FROM outbox")]
    assert statuses and "delivered" not in statuses  # still 'sending': re-sent after the stale period


def test_the_longest_accepted_user_id_works_on_postgresql(pg_fresh_url: str) -> None:
    longest = "u" * 128
    lines = [json.dumps({"user": longest, "text": "Mag ik een fles wijn van een leverancier aannemen?"}),
             json.dumps({"user": longest, "text": "/vertrouwenspersoon", "id": "x" * 200}),
             json.dumps({"user": "u" * 129, "text": "hallo"})]
    out, done = _run(("\n".join(lines) + "\n").encode(), pg_fresh_url)
    assert done.returncode == 0, done.stderr[-2000:]
    assert out[0]["replies"][0]["answer"]["intent"] == "clarify"
    assert out[1]["replies"][0]["answer"]["intent"] == "confide"
    assert "too long" in out[2]["error"]
