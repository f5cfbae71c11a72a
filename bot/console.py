"""The console transport: an interactive chat, and the JSON-lines interface of CONTRACT.md.

The console is a platform like Slack and Telegram: its users are addressed as
Address("console", user), their state lives in storage, and replies go through the outbox
(printed replies are marked delivered at once).
"""

from __future__ import annotations

import json
import sys
from typing import IO, Any

from handlers.dispatcher import Core
from handlers.types import Address, IncomingMessage, Reply
from storage.outbox import deliver_due

MAX_LINE = 1_000_000  # characters; longer lines are refused, not parsed


def _parse_line(line: str) -> tuple[dict[str, Any] | None, str | None]:
    """The line as a message object, or an error explaining what is wrong with it."""
    if len(line) > MAX_LINE:
        return None, f"line too long ({len(line)} characters, at most {MAX_LINE})"
    if not line.strip():
        return None, "empty line: send one JSON object per line, e.g. {\"user\": \"u1\", \"text\": \"...\"}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return None, "the line must be a JSON object with 'user' and 'text' or 'action'"
    user = obj.get("user")
    if not isinstance(user, (str, int)) or isinstance(user, bool) or str(user) == "":
        return None, "missing 'user' (an id, as text)"
    if "text" not in obj and "action" not in obj:
        return None, "missing 'text' or 'action'"
    if "text" in obj and not isinstance(obj["text"], str):
        return None, "'text' must be a string"
    if "action" in obj and not isinstance(obj["action"], str):
        return None, "'action' must be a string"
    return obj, None


def _deliver(core: Core) -> list[Reply]:
    """Send what the outbox holds for console users: the caller prints it, then it counts as delivered.

    Replies come from the outbox, not straight from the handler, so the console is delivered
    like any platform: stored first, and anything else due (a reminder) comes along.
    """
    delivered: list[Reply] = []
    deliver_due(core.services.engine, "console", lambda reply: delivered.append(reply), core.services.cipher,
                limit=1000)
    return delivered


def run_jsonl(core: Core, org: str, inp: IO[str] = sys.stdin, out: IO[str] = sys.stdout) -> None:
    """One JSON object out for every line in, flushed at once; bad lines get {"error": ...}."""
    for raw in inp:
        line = raw.rstrip("\n")
        obj, error = _parse_line(line)
        if error is not None or obj is None:
            out.write(json.dumps({"error": error}, ensure_ascii=False) + "\n")
            out.flush()
            continue
        msg = IncomingMessage(address=Address("console", str(obj["user"])), org=org,
                              text=obj.get("text") or "", action=obj.get("action"),
                              event_id=str(obj["id"]) if obj.get("id") is not None else None)
        returned = core.handle(msg)
        replies = _deliver(core) or returned  # nothing stored: the error reply the core returned
        out.write(json.dumps({"replies": [r.contract() for r in replies]}, ensure_ascii=False) + "\n")
        out.flush()


def _show(reply: Reply, me: str, out: IO[str]) -> None:
    who = "" if reply.to.user == me else f"[aan {reply.to.platform}:{reply.to.user}] "
    out.write(f"\n{who}{reply.text}\n")
    for i, b in enumerate(reply.buttons, 1):
        out.write(f"  [{i}] {b.label}\n")


def run_interactive(core: Core, org: str, user: str, inp: IO[str] = sys.stdin, out: IO[str] = sys.stdout) -> None:
    """A human-friendly chat: type a question, or the number of a button to press it."""
    name = core.services.kb.org(org).name
    out.write(f"Integriteitsbot – {name}. Stel je vraag (Ctrl-D of 'exit' om te stoppen).\n")
    buttons: list[str] = []
    while True:
        out.write("\n> ")
        out.flush()
        line = inp.readline()
        if not line or line.strip().lower() in ("exit", "quit", "/exit", "/quit"):
            out.write("\nTot ziens!\n")
            return
        line = line.rstrip("\n")
        action = None
        if line.strip().isdigit() and 0 < int(line.strip()) <= len(buttons):
            action = buttons[int(line.strip()) - 1]
        msg = IncomingMessage(address=Address("console", user), org=org,
                              text="" if action else line, action=action)
        returned = core.handle(msg)
        replies = _deliver(core) or returned  # nothing stored: the error reply the core returned
        buttons = []
        for reply in replies:
            _show(reply, user, out)
            if reply.to.user == user:
                buttons = [b.id for b in reply.buttons]
