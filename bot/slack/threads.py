"""Storage look-ups the Slack adapter needs: which thread a tag lives in, whether an event was handled.

Slack threads are identified by the ts of their first message. A delivered outbox row holds
"channel:ts" (platform_message_id) and its tag, so a Reply with `thread="case:7"` is posted
under the first message tagged "case:7" in the same conversation, and a person's reply in a
thread is traced back to the tag of the thread's first message.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.slack.normalize import PLATFORM, THREAD_TAG
from storage.crypto import Cipher
from storage.db import session_scope
from storage.events import event_seen
from storage.keys import keyring_of
from storage.messages import Reply
from storage.models import OutboxMessage
from storage.outbox import decode, tag_of_sent_message

MAX_DEPTH = 4


def tag_lookup(engine: Engine):  # type: ignore[no-untyped-def]
    """The function normalize.py calls with "channel:ts" to get the tag of a message we sent."""
    def tag_of(message_id: str) -> str | None:
        return tag_of_sent_message(engine, PLATFORM, message_id)
    return tag_of


def thread_ts(engine: Engine, cipher: Cipher | None, tag: str, channel: str, depth: int = 0) -> str | None:
    """The ts of the thread root for `tag` in `channel`, or None when nothing with it was delivered.

    The first delivered message with the tag may itself have been posted in a thread (its own
    Reply.thread): then the root of that thread is the root for this one too. A tag made by
    normalize.thread_tag names the thread itself ("ts:<channel>:<ts>"), valid in that channel only.
    """
    if tag.startswith(THREAD_TAG):
        in_channel, _, ts = tag[len(THREAD_TAG):].partition(":")
        return ts if in_channel == channel and ts else None
    with session_scope(engine) as session:
        row = session.execute(
            select(OutboxMessage).where(
                OutboxMessage.platform == PLATFORM, OutboxMessage.tag == tag,
                OutboxMessage.status == "delivered",
                OutboxMessage.platform_message_id.like(f"{channel}:%"))  # type: ignore[union-attr]
            .order_by(OutboxMessage.id).limit(1)).scalars().first()
    if row is None or not row.platform_message_id:
        return None
    ts = row.platform_message_id.split(":", 1)[1]
    if depth < MAX_DEPTH:
        try:
            parent = decode(row, cipher).thread
        except Exception:  # an old key is gone: the row's own ts is still a usable thread
            parent = None
        if parent and parent != tag:
            return thread_ts(engine, cipher, parent, channel, depth + 1) or ts
    return ts


def event_handled(engine: Engine, cipher: Cipher | None, event_id: str) -> bool:
    """Whether the core committed its handling of this event (its claim is stored)."""
    with session_scope(engine) as session:
        return event_seen(session, keyring_of(cipher), PLATFORM, event_id)



def sent_with_tag(engine: Engine, cipher: Cipher | None, tag: str) -> list[tuple[str, str, Reply | None]]:
    """(channel, ts, the reply) of every delivered Slack message with `tag` (the reply None when
    its key is gone): the copies of a handoff that other trusted persons got, for instance."""
    with session_scope(engine) as session:
        rows = session.execute(select(OutboxMessage).where(
            OutboxMessage.platform == PLATFORM, OutboxMessage.tag == tag, OutboxMessage.status == "delivered",
            OutboxMessage.platform_message_id.is_not(None))).scalars().all()  # type: ignore[union-attr]
    found = []
    for row in rows:
        channel, _, ts = str(row.platform_message_id).partition(":")
        try:
            reply: Reply | None = decode(row, cipher)
        except Exception:  # an old key is gone
            reply = None
        found.append((channel, ts, reply))
    return found
