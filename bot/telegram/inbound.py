"""Hand normalised updates to the core, and store the adapter's own notices in the outbox.

Runs in a worker thread (the core and the database are synchronous). A notice is claimed on
its event id like any message, so a redelivered sticker is answered once too.
"""

from __future__ import annotations

from bot.telegram.normalize import Item, Notice
from handlers.dispatcher import Core
from handlers.types import IncomingMessage, Reply
from storage.db import session_scope
from storage.events import claim_event
from storage.outbox import enqueue


def store_notice(core: Core, notice: Notice) -> bool:
    """Queue the notice for sending unless this event was answered already; True when queued."""
    with session_scope(core.services.engine) as session:
        if not claim_event(session, notice.address.platform, notice.event_id):
            return False
        enqueue(session, Reply(to=notice.address, text=notice.text), core.services.cipher)
        return True


def process(core: Core, items: list[Item]) -> None:
    """Every item of one update, in order: the core's replies land in the outbox."""
    for item in items:
        if isinstance(item, IncomingMessage):
            core.handle(item)
        else:
            store_notice(core, item)
