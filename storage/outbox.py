"""The outbox: every reply is stored before it is sent, and delivered in order, once, honestly.

Each row belongs to the queue of its recipient (`queue`). Only the head of a queue — its oldest
unfinished row — can be claimed, so one recipient's messages go strictly in order, also across
processes, while different recipients go in parallel. A claim is a lease (`lease_owner`,
`lease_until`) that the sending process renews while it sends; a killed process's lease runs
out after seconds and another process takes the row over. On PostgreSQL the claim is
`SELECT … FOR UPDATE SKIP LOCKED`; SQLite has one writer at a time, so its conditional UPDATE
is already exclusive.

What a send can end in (the transport classifies the platform's answer):
- `RateLimited`: back to pending after Retry-After; no attempt is spent.
- `Transient` (`RetryLater`): retried with exponential backoff, at most MAX_ATTEMPTS times.
- `Permanent`: the platform will never take this message (bad request, revoked token): given up.
- `Unreachable` (`Undeliverable`): this recipient cannot be reached: given up.
On delivery the row's `on_delivered` replies are enqueued in the same transaction (the honest
"✓ Afgeleverd"); on giving up its `on_failed` replies. Confidential payloads are encrypted.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import and_, case, delete, func, literal_column, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from knowledge.answer import Answer, ContactLine, Option
from storage.crypto import Cipher, MissingKeyError
from storage.db import session_scope
from storage.inserts import insert_new
from storage.keys import keyring_of, outbox_context
from storage.messages import Address, Button, Reply
from storage.models import OutboxFollowup, OutboxMessage, utcnow

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=15)  # renewed every LEASE/3 while sending; a dead sender's row waits this
MAX_ATTEMPTS = 12
BACKOFF_BASE_S = 2.0
BACKOFF_MAX_S = 3600.0
OPEN = ("pending", "sending")
KEEP_TAGS = ("handoff:", "case:")  # thread roots and relays of live cases: erased with their case
STALE_AFTER = LEASE  # the name older callers know


def new_owner() -> str:
    """A lease owner id for one sender in this process."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# --- how a send can fail ------------------------------------------------------------------------

class DeliveryError(Exception):
    """A send did not go through; the subclass says what to do about it."""


class RateLimited(DeliveryError):
    """429: wait `retry_after` seconds; `scope` "chat" (this conversation) or "platform" (all)."""

    def __init__(self, message: str, retry_after: float | None = None, scope: str = "platform") -> None:
        super().__init__(message)
        self.retry_after = 1.0 if retry_after is None else max(0.0, float(retry_after))
        self.scope = scope


class Transient(DeliveryError):
    """Worth retrying (network, 5xx); `retry_after` seconds if the platform said so."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Permanent(DeliveryError):
    """The platform will never accept this message as it is (invalid_blocks, token_revoked, …)."""


class Unreachable(DeliveryError):
    """This recipient cannot be reached (unknown user, blocked bot, never started): do not retry."""


RetryLater = Transient  # the names the senders used before
Undeliverable = Unreachable


# --- what a platform sender offers --------------------------------------------------------------

class Transport(Protocol):
    """One platform's sender, as the outbox drives it (Slack, Telegram, Teams, the console).

    `parts(reply)`: how many platform messages the reply becomes (Telegram splits long text).
    `send_part(reply, index, marker)`: send part `index`; return the platform's message key
    ("<chat>:<id>") or None. Raise RateLimited / Transient / Permanent / Unreachable.
    `marker` is unique per row and part: a platform that can store it (Slack metadata) lets
    `find_sent(reply, index, marker, since)` look the message up after a crash; return its key
    when it was sent, None when not (or when the platform has no lookup: the part is resent).
    """

    platform: str

    def parts(self, reply: Reply) -> int: ...

    def send_part(self, reply: Reply, index: int, marker: str) -> str | None: ...

    def find_sent(self, reply: Reply, index: int, marker: str, since: datetime) -> str | None: ...


class CallableTransport:
    """A send function as a one-part transport without lookup (the console, tests)."""

    def __init__(self, platform: str, send: Callable[[Reply], str | None]) -> None:
        self.platform = platform
        self._send = send

    def parts(self, reply: Reply) -> int:
        return 1

    def send_part(self, reply: Reply, index: int, marker: str) -> str | None:
        return self._send(reply)

    def find_sent(self, reply: Reply, index: int, marker: str, since: datetime) -> str | None:
        return None


# --- rows ---------------------------------------------------------------------------------------

def reply_payload(reply: Reply) -> dict[str, Any]:
    data: dict[str, Any] = {
        "to": asdict(reply.to), "text": reply.text, "thread": reply.thread, "tag": reply.tag,
        "ephemeral": reply.ephemeral, "confidential": reply.confidential,
        "buttons": [asdict(b) for b in reply.buttons],
        "answer": asdict(reply.answer) if reply.answer else None,
    }
    if reply.on_delivered:
        data["on_delivered"] = [reply_payload(r) for r in reply.on_delivered]
    if reply.on_failed:
        data["on_failed"] = [reply_payload(r) for r in reply.on_failed]
    if reply.group:
        data["group"] = reply.group
    return data


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
                 ephemeral=data.get("ephemeral", False),
                 on_delivered=[payload_reply(r) for r in data.get("on_delivered") or []],
                 on_failed=[payload_reply(r) for r in data.get("on_failed") or []],
                 group=data.get("group"))


def is_sealed(reply: Reply) -> bool:
    return (reply.tag or "").startswith("sealed:")


def queue_of(reply: Reply, sealed: bool) -> str:
    """The recipient queue: one per person (their DM, a channel answer, an only-you answer all
    keep their order); a sealed message's queue is its case tag, never the person."""
    if sealed:
        return f"{reply.to.platform}:{reply.tag}"[:240]
    team = f"{reply.to.team}/" if reply.to.team else ""
    return f"{reply.to.platform}:{team}{reply.to.user}"[:240]


def enqueue(session: Session, reply: Reply, cipher: Cipher | None) -> OutboxMessage:
    """Store a reply for sending, in the caller's transaction.

    With an encryption key every payload is encrypted (bound to its platform and tag), and the
    recipient and queue columns hold keyed hashes (storage.keys), so a copy of the database
    shows no readable recipient or ordinary answer that could be lined up with the times of a
    confidential case. A sealed message (to the employee of a case) keeps no recipient at all.
    """
    body = json.dumps(reply_payload(reply), ensure_ascii=False)
    if cipher is None and (reply.confidential or any(r.confidential for r in (*reply.on_delivered,
                                                                               *reply.on_failed))):
        raise MissingKeyError("confidential content needs an encryption key")
    encrypted = cipher is not None
    if cipher is not None:
        body = cipher.encrypt(body, outbox_context(reply.to.platform, reply.tag))
    sealed = encrypted and is_sealed(reply)
    recipient, queue = reply.to.chat or reply.to.user, queue_of(reply, sealed)
    if sealed:
        recipient = ""
    elif cipher is not None:
        ring = keyring_of(cipher)
        recipient = ring.blind(session, "recipient", f"{reply.to.platform}:{recipient}")
        queue = f"{reply.to.platform}:{ring.blind(session, 'queue', queue)}"
    row = OutboxMessage(platform=reply.to.platform, recipient=recipient[:200], payload=body, encrypted=encrypted,
                        tag=reply.tag, queue=queue, grp=reply.group)
    session.add(row)
    session.flush()
    return row


def decode(row: OutboxMessage, cipher: Cipher | None) -> Reply:
    body = row.payload
    if row.encrypted:
        if cipher is None:
            raise MissingKeyError("an encrypted outbox message needs the encryption key")
        body = cipher.decrypt(body, outbox_context(row.platform, row.tag))
    return payload_reply(json.loads(body))


def purge_delivered(session: Session) -> int:
    """Delete delivered messages nothing threads on: ordinary answers and sealed messages (the
    privacy floor; the retention of the rest is the delivery clock's): no delivered answer to an
    ordinary user stays behind to be lined up with a case's times."""
    query = delete(OutboxMessage).where(
        OutboxMessage.status == "delivered",
        OutboxMessage.tag.is_(None) | OutboxMessage.tag.startswith("sealed:"))  # type: ignore[union-attr]
    return session.execute(query).rowcount or 0


# --- claiming heads, leases -----------------------------------------------------------------------

def _open(column: Any) -> Any:
    """status IN ('pending', 'sending') as literals: PostgreSQL then matches the partial indexes."""
    return column.in_([literal_column(f"'{s}'") for s in OPEN])


def _ready(o: Any, now: datetime) -> Any:
    return or_(and_(o.c.status == "pending", o.c.next_attempt_at <= now),
               and_(o.c.status == "sending", or_(o.c.lease_until.is_(None), o.c.lease_until < now)))


def claim_heads(engine: Engine, platform: str, owner: str, limit: int = 8, lease: timedelta = LEASE,
                queue: str | None = None) -> list[OutboxMessage]:
    """Claim up to `limit` due queue heads on `platform` (one row per queue), oldest first.

    A row whose lease ran out (its sender died mid-send) is taken over: it comes back with
    `status` 'sending' already set before, which `recovering` reports.
    """
    now = utcnow()
    with session_scope(engine) as session:
        return _claim(session, platform, owner, limit, lease, now, queue)


def _claim(session: Session, platform: str, owner: str, limit: int, lease: timedelta, now: datetime,
           queue: str | None) -> list[OutboxMessage]:
    o = OutboxMessage.__table__  # type: ignore[attr-defined]
    e = o.alias("earlier")
    earlier_open = select(e.c.id).where(e.c.queue == o.c.queue, _open(e.c.status), e.c.id < o.c.id).exists()
    cond = [o.c.platform == platform, _open(o.c.status), _ready(o, now), ~earlier_open]
    if queue is not None:
        cond.append(o.c.queue == queue)
    candidates = select(o.c.id).where(*cond).order_by(o.c.id).limit(limit)
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        candidates = candidates.with_for_update(skip_locked=True, of=o)
    ids = session.execute(candidates).scalars().all()
    if not ids:
        return []
    recovering = o.c.status == "sending"
    stmt = (update(o).where(o.c.id.in_(ids), _ready(o, now))
            .values(status="sending", lease_owner=owner, lease_until=now + lease,
                    attempts=o.c.attempts + 1,
                    claimed_at=case((recovering, func.coalesce(o.c.claimed_at, now)), else_=now),
                    failure=case((recovering, "recovering"), else_=None))
            .returning(o.c.id))
    got = set(session.execute(stmt).scalars().all())
    rows = [session.get(OutboxMessage, i) for i in sorted(got)]
    for row in rows:
        if row is not None:
            session.refresh(row)
    return [r for r in rows if r is not None]


def recovering(row: OutboxMessage) -> bool:
    """Was this row taken over from a sender whose lease ran out (it may have been sent)?"""
    return row.failure == "recovering"


def renew(engine: Engine, owner: str, ids: Iterable[int], lease: timedelta = LEASE) -> int:
    """Extend the leases this sender holds; the rows another process took over are not touched."""
    ids = list(ids)
    if not ids:
        return 0
    with session_scope(engine) as session:
        result = session.execute(update(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.lease_owner == owner,  # type: ignore[union-attr]
            OutboxMessage.status == "sending").values(lease_until=utcnow() + lease))
        return result.rowcount or 0


def record_part(engine: Engine, row_id: int, owner: str, parts_sent: int, first_key: str | None) -> None:
    """A part of a multi-part message was accepted: a retry starts after it."""
    with session_scope(engine) as session:
        values: dict[str, Any] = {"parts_sent": parts_sent}
        if first_key is not None:
            values["platform_message_id"] = first_key
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


def release(engine: Engine, owner: str, ids: Iterable[int]) -> int:
    """Give leases back at a clean stop (nothing was sent for these rows yet)."""
    ids = list(ids)
    if not ids:
        return 0
    with session_scope(engine) as session:
        result = session.execute(update(OutboxMessage).where(
            OutboxMessage.id.in_(ids), OutboxMessage.lease_owner == owner,  # type: ignore[union-attr]
            OutboxMessage.status == "sending").values(
            status="pending", lease_owner=None, lease_until=None, attempts=OutboxMessage.attempts - 1))
        return result.rowcount or 0


# --- outcomes -----------------------------------------------------------------------------------

def _followups(session: Session, replies: list[Reply], cipher: Cipher | None) -> None:
    for r in replies:
        enqueue(session, r, cipher)


def complete(engine: Engine, row: OutboxMessage, reply: Reply | None, message_key: str | None,
             cipher: Cipher | None, owner: str, chain: bool = True,
             lease: timedelta = LEASE) -> OutboxMessage | None:
    """Mark `row` delivered, enqueue its receipts, and (with `chain`) claim the next row of its
    queue for the same sender, all in one transaction. Returns that next row, if any."""
    assert row.id is not None
    now = utcnow()
    with session_scope(engine) as session:
        done = session.execute(update(OutboxMessage).where(
            OutboxMessage.id == row.id, OutboxMessage.status == "sending").values(
            status="delivered", delivered_at=now, last_error=None, failure=None, lease_owner=None,
            lease_until=None,
            platform_message_id=func.coalesce(OutboxMessage.platform_message_id, message_key))
            .returning(OutboxMessage.id)).first()
        if done is not None and reply is not None:
            if reply.group is None:
                _followups(session, reply.on_delivered, cipher)
            elif reply.on_delivered and insert_new(session, OutboxFollowup, {
                    "grp": reply.group, "event": "delivered", "created_at": now}) is not None:
                _followups(session, reply.on_delivered, cipher)
        if not chain:
            return None
        nxt = _claim(session, row.platform, owner, 1, lease, now, row.queue)
        return nxt[0] if nxt else None


def retry_later(engine: Engine, row_id: int, error: str, delay_s: float, spend_attempt: bool = True) -> None:
    """Back to pending after `delay_s`; a rate limit gives its attempt back."""
    with session_scope(engine) as session:
        values: dict[str, Any] = {
            "status": "pending", "lease_owner": None, "lease_until": None, "failure": None,
            "last_error": error[:500], "next_attempt_at": utcnow() + timedelta(seconds=delay_s)}
        if not spend_attempt:
            values["attempts"] = func.max(OutboxMessage.attempts - 1, 0) if _is_sqlite(session) \
                else func.greatest(OutboxMessage.attempts - 1, 0)
        session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id,
                                                    OutboxMessage.status == "sending").values(**values))


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def backoff_s(attempts: int) -> float:
    return min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1))


def give_up(engine: Engine, row: OutboxMessage, reply: Reply | None, kind: str, error: str,
            cipher: Cipher | None) -> None:
    """Mark `row` failed for good (`kind`: permanent | unreachable | exhausted) and enqueue its
    failure notices: at once for a single message, for a group once all of it failed."""
    assert row.id is not None
    now = utcnow()
    with session_scope(engine) as session:
        if reply is not None and reply.group:  # serialise the group's outcomes (PostgreSQL row locks)
            session.execute(select(OutboxMessage.id).where(OutboxMessage.grp == reply.group)
                            .order_by(OutboxMessage.id).with_for_update()).all()
        done = session.execute(update(OutboxMessage).where(
            OutboxMessage.id == row.id, OutboxMessage.status == "sending").values(
            status="failed", failure=kind, last_error=error[:500], lease_owner=None, lease_until=None)
            .returning(OutboxMessage.id)).first()
        if done is None or reply is None or not reply.on_failed:
            return
        if reply.group is None:
            _followups(session, reply.on_failed, cipher)
            return
        statuses = session.execute(select(OutboxMessage.status).where(
            OutboxMessage.grp == reply.group)).scalars().all()
        if all(s == "failed" for s in statuses) and insert_new(session, OutboxFollowup, {
                "grp": reply.group, "event": "failed", "created_at": now}) is not None:
            _followups(session, reply.on_failed, cipher)


# --- one row through a transport ----------------------------------------------------------------

@dataclass
class Outcome:
    """What happened to one row: delivered, retry, or given up; `pause` for a rate limit."""

    status: str  # delivered | retry | failed
    next_row: OutboxMessage | None = None
    rate_limit: RateLimited | None = None


def attempt(engine: Engine, row: OutboxMessage, transport: Transport, cipher: Cipher | None, owner: str,
            chain: bool = True, lease: timedelta = LEASE) -> Outcome:
    """Send one claimed row: look it up first when it was taken over, resume at its first unsent
    part, then record the outcome."""
    assert row.id is not None
    reply: Reply | None = None
    try:
        reply = decode(row, cipher)
        total = max(1, transport.parts(reply))
        first_key = row.platform_message_id
        start = min(row.parts_sent, total - 1)
        if recovering(row) and row.claimed_at is not None:
            found = transport.find_sent(reply, start, f"{row.id}.{start}", row.claimed_at - timedelta(seconds=5))
            if found is not None:
                log.info("outbox %s: found on the platform after a crash, not sent again", row.id)
                first_key = first_key or found
                start += 1
                if start < total:
                    record_part(engine, row.id, owner, start, first_key)
        for index in range(start, total):
            key = transport.send_part(reply, index, f"{row.id}.{index}")
            first_key = first_key or key
            if index < total - 1:
                record_part(engine, row.id, owner, index + 1, first_key if not is_sealed(reply) else None)
    except RateLimited as exc:
        retry_later(engine, row.id, f"rate limited: {exc}", exc.retry_after, spend_attempt=False)
        return Outcome("retry", rate_limit=exc)
    except Transient as exc:
        if row.attempts >= MAX_ATTEMPTS:
            log.warning("outbox %s: given up after %d attempts: %s", row.id, row.attempts, exc)
            give_up(engine, row, reply, "exhausted", str(exc), cipher)
            return Outcome("failed")
        delay = exc.retry_after if exc.retry_after is not None else backoff_s(row.attempts)
        log.warning("outbox %s: send failed, will retry in %.0f s: %s", row.id, delay, exc)
        retry_later(engine, row.id, str(exc), delay)
        return Outcome("retry")
    except Unreachable as exc:
        log.warning("outbox %s: recipient unreachable: %s", row.id, exc)
        give_up(engine, row, reply, "unreachable", str(exc), cipher)
        return Outcome("failed")
    except Permanent as exc:
        log.error("outbox %s: the platform refuses this message for good: %s", row.id, exc)
        give_up(engine, row, reply, "permanent", str(exc), cipher)
        return Outcome("failed")
    except MissingKeyError as exc:
        log.error("outbox %s: cannot be read without its encryption key", row.id)
        retry_later(engine, row.id, f"{type(exc).__name__}", backoff_s(row.attempts))
        return Outcome("retry")
    except Exception as exc:  # a bug or an unexpected platform answer: retry, never lose it
        log.exception("outbox %s: unexpected send error", row.id)
        if row.attempts >= MAX_ATTEMPTS:
            give_up(engine, row, reply, "exhausted", f"{type(exc).__name__}: {exc}", cipher)
            return Outcome("failed")
        retry_later(engine, row.id, f"{type(exc).__name__}: {exc}", backoff_s(row.attempts))
        return Outcome("retry")
    key = None if is_sealed(reply) else first_key
    nxt = complete(engine, row, reply, key, cipher, owner, chain=chain, lease=lease)
    return Outcome("delivered", next_row=nxt)


def deliver_with(engine: Engine, transport: Transport, cipher: Cipher | None, limit: int = 50,
                 owner: str | None = None) -> int:
    """Send what is due on the transport's platform in this thread, oldest first; how many were
    delivered. (The bot processes use bot/delivery's loop, which sends in parallel.)"""
    owner = owner or new_owner()
    delivered = 0
    handled = 0
    while handled < limit:
        rows = claim_heads(engine, transport.platform, owner, 1)
        if not rows:
            break
        handled += 1
        outcome = attempt(engine, rows[0], transport, cipher, owner, chain=False)
        delivered += outcome.status == "delivered"
        if outcome.rate_limit is not None and outcome.rate_limit.scope == "platform":
            break  # the platform asked us to wait
    return delivered


def deliver_due(engine: Engine, platform: str, send: Callable[[Reply], str | None],
                cipher: Cipher | None, limit: int = 50) -> int:
    """Send what is due on one platform through `send`; return how many were delivered."""
    return deliver_with(engine, CallableTransport(platform, send), cipher, limit)


# --- lookups and retention ----------------------------------------------------------------------

def tag_of_sent_message(engine: Engine, platform: str, platform_message_id: str) -> str | None:
    """The tag of a delivered message (e.g. "case:<id>"), so a reply to it can be routed."""
    with session_scope(engine) as session:
        return session.execute(
            select(OutboxMessage.tag).where(OutboxMessage.platform == platform,
                                            OutboxMessage.platform_message_id == platform_message_id)
            .order_by(OutboxMessage.id.desc()).limit(1)).scalar_one_or_none()


def purge_finished(engine: Engine, now: datetime, days: int, batch: int = 5000) -> int:
    """Delete delivered and failed rows older than `days` (thread roots and relays of cases that
    still exist stay: answers in their threads must still find their case)."""
    cutoff = now - timedelta(days=days)
    keep = or_(*[OutboxMessage.tag.startswith(t) for t in KEEP_TAGS])  # type: ignore[union-attr]
    total = 0
    while True:
        with session_scope(engine) as session:
            ids = session.execute(select(OutboxMessage.id).where(
                OutboxMessage.status.in_(("delivered", "failed")),  # type: ignore[attr-defined]
                func.coalesce(OutboxMessage.delivered_at, OutboxMessage.next_attempt_at) < cutoff,
                or_(OutboxMessage.tag.is_(None), ~keep)).limit(batch)).scalars().all()  # type: ignore[union-attr]
            if ids:
                session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))  # type: ignore[union-attr]
                session.execute(delete(OutboxFollowup).where(OutboxFollowup.created_at < cutoff))
        total += len(ids)
        if len(ids) < batch:
            return total
