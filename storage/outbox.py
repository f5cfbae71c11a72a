"""The outbox: every reply is stored before it is sent, and marked when it is delivered.

A sender claims due rows (status pending → sending, one row one claimer, also across
processes), sends, and marks each delivered or failed with a backoff. A crash after the claim
leaves the row in 'sending'; it is claimed again after `STALE_AFTER`, so nothing is lost.
Confidential payloads are encrypted at rest.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from knowledge.answer import Answer, ContactLine, Option
from storage.crypto import Cipher, MissingKeyError
from storage.db import session_scope
from storage.messages import Address, Button, Reply
from storage.models import OutboxMessage, utcnow

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=2)
MAX_ATTEMPTS = 12
BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 3600.0


class RetryLater(Exception):
    """A send failed in a way worth retrying (429, network); `retry_after` seconds if known."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Undeliverable(Exception):
    """The recipient cannot be reached (unknown user, blocked bot): do not retry."""


def reply_payload(reply: Reply) -> dict[str, Any]:
    return {
        "to": asdict(reply.to), "text": reply.text, "thread": reply.thread, "tag": reply.tag,
        "ephemeral": reply.ephemeral, "confidential": reply.confidential,
        "buttons": [asdict(b) for b in reply.buttons],
        "answer": asdict(reply.answer) if reply.answer else None,
    }


def payload_reply(data: dict[str, Any]) -> Reply:
    answer = None
    if data.get("answer"):
        a = dict(data["answer"])
        a["contacts"] = [ContactLine(**c) for c in a.get("contacts") or []]
        a["options"] = [Option(**o) for o in a.get("options") or []]
        answer = Answer(**a)
    return Reply(to=Address(**data["to"]), text=data["text"], answer=answer,
                 buttons=[Button(**b) for b in data.get("buttons") or []], thread=data.get("thread"),
                 confidential=data.get("confidential", False), tag=data.get("tag"),
                 ephemeral=data.get("ephemeral", False))


def enqueue(session: Session, reply: Reply, cipher: Cipher | None) -> OutboxMessage:
    """Store a reply for sending, in the caller's transaction."""
    body = json.dumps(reply_payload(reply), ensure_ascii=False)
    encrypted = False
    if reply.confidential:
        if cipher is None:
            raise MissingKeyError("confidential content needs an encryption key")
        body, encrypted = cipher.encrypt(body), True
    # A sealed message (to the employee of a confidential case) keeps its recipient only inside
    # the encrypted payload: a copy of the database must not show who talks to a trusted person.
    sealed = encrypted and (reply.tag or "").startswith("sealed:")
    row = OutboxMessage(platform=reply.to.platform, recipient="" if sealed else reply.to.chat or reply.to.user,
                        payload=body, encrypted=encrypted, tag=reply.tag)
    session.add(row)
    session.flush()
    return row


def decode(row: OutboxMessage, cipher: Cipher | None) -> Reply:
    body = row.payload
    if row.encrypted:
        if cipher is None:
            raise MissingKeyError("an encrypted outbox message needs the encryption key")
        body = cipher.decrypt(body)
    return payload_reply(json.loads(body))


def claim_due(engine: Engine, platform: str, limit: int = 50) -> list[OutboxMessage]:
    """Rows due for sending on `platform`, each claimed by this caller alone, oldest first."""
    now = utcnow()
    claimed: list[OutboxMessage] = []
    with session_scope(engine) as session:
        candidates = session.execute(
            select(OutboxMessage.id).where(
                OutboxMessage.platform == platform,
                or_((OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
                    (OutboxMessage.status == "sending") & (OutboxMessage.next_attempt_at <= now - STALE_AFTER)),
            ).order_by(OutboxMessage.id).limit(limit)).scalars().all()
        for row_id in candidates:
            result = session.execute(
                update(OutboxMessage).where(
                    OutboxMessage.id == row_id,
                    or_(OutboxMessage.status == "pending",
                        (OutboxMessage.status == "sending") & (OutboxMessage.next_attempt_at <= now - STALE_AFTER)),
                ).values(status="sending", next_attempt_at=now, attempts=OutboxMessage.attempts + 1))
            if result.rowcount == 1:
                row = session.get(OutboxMessage, row_id)
                if row is not None:
                    session.refresh(row)
                    claimed.append(row)
    return claimed


def mark_delivered(engine: Engine, row_id: int, platform_message_id: str | None = None) -> None:
    with session_scope(engine) as session:
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            status="delivered", delivered_at=utcnow(), platform_message_id=platform_message_id,
            last_error=None))


def mark_failed(engine: Engine, row_id: int, error: str, retry_after: float | None = None,
                final: bool = False) -> None:
    """Schedule a retry with exponential backoff, or give up after MAX_ATTEMPTS / when final."""
    with session_scope(engine) as session:
        row = session.get(OutboxMessage, row_id)
        if row is None:
            return
        delay = retry_after if retry_after is not None else min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** (row.attempts - 1))
        row.last_error = error[:500]
        if final or row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
        else:
            row.status = "pending"
            row.next_attempt_at = utcnow() + timedelta(seconds=delay)
        session.add(row)


def deliver_due(engine: Engine, platform: str, send: Callable[[Reply], str | None],
                cipher: Cipher | None, limit: int = 50) -> int:
    """Send what is due on one platform through `send`; return how many were delivered."""
    delivered = 0
    for row in claim_due(engine, platform, limit):
        assert row.id is not None
        try:
            reply = decode(row, cipher)
            message_id = send(reply)
        except RetryLater as exc:
            log.warning("outbox %s: send failed, will retry: %s", row.id, exc)
            mark_failed(engine, row.id, str(exc), exc.retry_after)
            continue
        except Undeliverable as exc:
            log.warning("outbox %s: recipient unreachable: %s", row.id, exc)
            mark_failed(engine, row.id, str(exc), final=True)
            continue
        except Exception as exc:  # a bug or an unexpected platform error: retry, never lose it
            log.exception("outbox %s: unexpected send error", row.id)
            mark_failed(engine, row.id, f"{type(exc).__name__}: {exc}")
            continue
        mark_delivered(engine, row.id, message_id)
        delivered += 1
    return delivered


def tag_of_sent_message(engine: Engine, platform: str, platform_message_id: str) -> str | None:
    """The tag of a delivered message (e.g. "case:<id>"), so a reply to it can be routed."""
    with session_scope(engine) as session:
        return session.execute(
            select(OutboxMessage.tag).where(OutboxMessage.platform == platform,
                                            OutboxMessage.platform_message_id == platform_message_id)
            .order_by(OutboxMessage.id.desc()).limit(1)).scalar_one_or_none()
