"""The console transport: an interactive chat, and the JSON-lines interface of CONTRACT.md.

The console is a platform like Slack and Telegram: its users are addressed as
Address("console", user), their state lives in storage, and replies go through the outbox
(printed replies are marked delivered once they are printed).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from typing import IO, Any

from sqlalchemy import select

from handlers.dispatcher import Core
from handlers.texts import text
from handlers.types import Address, IncomingMessage, Reply
from storage.db import session_scope
from storage.models import OutboxMessage
from storage.outbox import decode, deliver_due, purge_delivered

log = logging.getLogger(__name__)

MAX_LINE = 1_000_000  # characters; longer lines are refused, not parsed
MAX_USER = 128  # characters of a console user id: more is refused with a clear message
MAX_ID = 200  # characters of a message id


def _clean(value: str) -> bool:
    """Text that can be stored and printed: no lone surrogates (from '\\ud800' or bad bytes)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse_line(line: str) -> tuple[dict[str, Any] | None, str | None]:
    """The line as a message object, or an error explaining what is wrong with it."""
    if len(line) > MAX_LINE:
        return None, f"line too long ({len(line)} characters, at most {MAX_LINE})"
    if not line.strip():
        return None, "empty line: send one JSON object per line, e.g. {\"user\": \"u1\", \"text\": \"...\"}"
    if not _clean(line):
        return None, "the line is not valid UTF-8 text"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:
        return None, "not usable JSON: nested too deeply"
    except ValueError:  # e.g. an integer of more than 4300 digits
        return None, "not usable JSON: a number is too long"
    if not isinstance(obj, dict):
        return None, "the line must be a JSON object with 'user' and 'text' or 'action'"
    user = obj.get("user")
    if not isinstance(user, (str, int)) or isinstance(user, bool) or str(user) == "":
        return None, "missing 'user' (an id, as text)"
    if isinstance(user, int) and abs(user) >= 10 ** MAX_USER:
        return None, f"'user' is too long (at most {MAX_USER} characters)"
    if isinstance(user, str) and len(user) > MAX_USER:
        return None, f"'user' is too long ({len(user)} characters, at most {MAX_USER})"
    if "text" not in obj and "action" not in obj:
        return None, "missing 'text' or 'action'"
    if "text" in obj and not isinstance(obj["text"], str):
        return None, "'text' must be a string"
    if "action" in obj and not isinstance(obj["action"], str):
        return None, "'action' must be a string"
    ident = obj.get("id")
    if ident is not None and (not isinstance(ident, (str, int)) or isinstance(ident, bool)
                              or len(str(ident)) > MAX_ID):
        return None, f"'id' must be a short text or number (at most {MAX_ID} characters)"
    for name in ("user", "text", "action", "id"):
        if isinstance(obj.get(name), str) and not _clean(obj[name]):
            return None, f"'{name}' contains an invalid character (a lone surrogate)"
    return obj, None


def _deliver(core: Core, show: Callable[[list[Reply]], None], returned: list[Reply]) -> None:
    """Show what the outbox holds for console users, then mark it delivered.

    Replies come from the outbox, not straight from the handler, so the console is delivered
    like any platform: stored first, and anything else due (a reminder) comes along. They are
    printed before they count as delivered: a kill in between prints a message twice (after
    the outbox's stale period) rather than never. When nothing was stored (the handling
    failed), the core's returned error reply is shown.
    """
    engine, cipher = core.services.engine, core.services.cipher
    with session_scope(engine) as session:
        rows = session.execute(select(OutboxMessage).where(
            OutboxMessage.platform == "console", OutboxMessage.status == "pending")
            .order_by(OutboxMessage.id)).scalars().all()  # type: ignore[arg-type]
    replies: list[Reply] = []
    for row in rows:
        try:
            replies.append(decode(row, cipher))
        except Exception:  # an old key is gone: the outbox gives it up below, its content unsaid
            log.warning("console: an outbox message could not be read")
    show(replies or returned)
    deliver_due(engine, "console", lambda _reply: None, cipher, limit=1000)  # printed: now delivered
    with session_scope(engine) as session:
        purge_delivered(session)


def _handle(core: Core, msg: IncomingMessage, show: Callable[[list[Reply]], None]) -> None:
    """Handle one message and show its replies; a fault of the database is said, not raised."""
    try:
        returned = core.handle(msg)
        _deliver(core, show, returned)
    except Exception:
        log.exception("console: delivering replies failed")
        show([Reply(to=msg.address, text=text("error"))])


def run_jsonl(core: Core, org: str, inp: IO[str] = sys.stdin, out: IO[str] = sys.stdout) -> None:
    """One JSON object out for every line in, flushed at once; bad lines get {"error": ...}."""
    def write(obj: object) -> None:
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()

    for raw in inp:
        line = raw.rstrip("\n")
        obj, error = _parse_line(line)
        if error is not None or obj is None:
            write({"error": error})
            continue
        msg = IncomingMessage(address=Address("console", str(obj["user"])), org=org,
                              text=obj.get("text") or "", action=obj.get("action"),
                              event_id=str(obj["id"]) if obj.get("id") is not None else None)
        _handle(core, msg, lambda replies: write({"replies": [r.contract() for r in replies]}))


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
        choice = line.strip()
        if choice.isascii() and choice.isdigit() and len(choice) <= 3 and 0 < int(choice) <= len(buttons):
            action = buttons[int(choice) - 1]
        if not _clean(line):
            out.write("\nDat kon ik niet lezen: er staat een ongeldig teken in. Typ je vraag opnieuw.\n")
            continue
        msg = IncomingMessage(address=Address("console", user), org=org,
                              text="" if action else line, action=action)

        def show(replies: list[Reply]) -> None:
            nonlocal buttons
            buttons = []
            for reply in replies:
                _show(reply, user, out)
                if reply.to.user == user:
                    buttons = [b.id for b in reply.buttons]
            out.flush()

        _handle(core, msg, show)
