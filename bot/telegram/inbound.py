"""Hand normalised updates to the core, and store the adapter's own notices in the outbox.

Runs in a worker thread (the core and the database are synchronous). A notice is claimed on
its event id like any message, so a redelivered sticker is answered once too. Notices are
sealed like the confidential flow's messages to an employee (recipient only inside the
encrypted payload): the adapter does not know whether the user is in a confidential case, and a
readable "this chat sent a photo at 10:02" next to a case must not point at its employee.
"""

from __future__ import annotations

import logging
import secrets

from bot.telegram.normalize import Item, Notice
from handlers.dispatcher import Core
from handlers.types import IncomingMessage, Reply
from storage.db import session_scope
from storage.events import claim_event
from storage.keys import keyring_of
from storage.outbox import enqueue

log = logging.getLogger(__name__)


def store_notice(core: Core, notice: Notice) -> bool:
    """Queue the notice for sending unless this event was answered already; True when queued."""
    with session_scope(core.services.engine) as session:
        if not claim_event(session, keyring_of(core.services.cipher), notice.address.platform, notice.event_id):
            return False
        sealed = core.services.cipher is not None
        reply = Reply(to=notice.address, text=notice.text, confidential=sealed,
                      tag=f"sealed:{secrets.token_urlsafe(16)}" if sealed else None)
        enqueue(session, reply, core.services.cipher)
        return True


def process(core: Core, items: list[Item]) -> list[Reply]:
    """Every item of one update, in order: the core's replies land in the outbox.

    Telegram has the update acknowledged already and will not send it again, so each message
    is stored and handled, or its sender is told it was not; the replies returned are those
    notices that could not even be stored (the caller sends them straight to the chat).
    """
    unsent: list[Reply] = []
    for item in items:
        if isinstance(item, IncomingMessage):
            replies, stored = core.handle_or_tell(item)
            if not stored:
                unsent += replies
        else:
            try:
                store_notice(core, item)
            except Exception:  # the database is away: the notice goes out directly
                log.exception("a Telegram notice could not be stored")
                unsent.append(Reply(to=item.address, text=item.text))
    return unsent
