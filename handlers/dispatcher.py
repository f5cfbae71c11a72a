"""The core every transport drives: dedupe, lock, load state, route, save and enqueue at once.

The message path (see shared/ARCHITECTURE.md): a transport hands in an IncomingMessage; the
core ignores an event it has already handled, locks the user's conversation, loads the state,
lets the router pick a handler, then saves the new state and stores the replies in the outbox
in one transaction. Nothing a handler does reaches a platform directly.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import defaultdict

from handlers.context import Context, Handler, Services
from handlers.texts import text
from handlers.types import STALE_BUTTON, IncomingMessage, Reply
from storage.answer_counts import record_answers
from storage.conversations import load_state, save_state
from storage.db import session_scope
from storage.events import claim_event
from storage.keys import keyring_of
from storage.outbox import enqueue

log = logging.getLogger(__name__)


class Core:
    """Platform-neutral message handling with the handlers tried in order."""

    def __init__(self, services: Services, handlers: list[Handler]) -> None:
        self.services = services
        self.handlers = handlers
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()

    def _lock_for(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks[key]

    def handle(self, msg: IncomingMessage) -> list[Reply]:
        """Handle one message; return every reply it caused (also stored in the outbox)."""
        if msg.org not in self.services.kb.organisations:
            return [Reply(to=msg.address, text=f"Onbekende organisatie '{msg.org}'.")]
        with self._lock_for(msg.address.key):
            try:
                return self._handle_locked(msg)
            except Exception:
                # Never a stack trace in a chat; the event claim rolled back, so a platform
                # retry of this event is handled again instead of lost.
                log.exception("handling a %s message failed", msg.address.platform)
                return self._error_reply(msg)

    @staticmethod
    def _error_reply(msg: IncomingMessage) -> list[Reply]:
        """Returned, not stored: a transport decides whether the platform retries first (Slack)
        or the user sees it now (console). It says the message was not kept: it was rolled back."""
        return [Reply(to=msg.address, text=text("error"))]

    def handle_or_tell(self, msg: IncomingMessage) -> tuple[list[Reply], bool]:
        """Handle a message the platform will not deliver again (Telegram acknowledged it already):
        it is stored and handled, or the user is told it was not. Returns the replies and whether
        they are in the outbox; when even the notice cannot be stored, the transport sends it itself.
        """
        if msg.org not in self.services.kb.organisations:
            return self.handle(msg), False
        with self._lock_for(msg.address.key):
            for attempt in (1, 2):  # a second try rides out a transient fault (a lock, a lost connection)
                try:
                    return self._handle_locked(msg), True
                except Exception:
                    log.exception("handling a %s message failed (attempt %d)", msg.address.platform, attempt)
            notice = self._error_reply(msg)[0]
            cipher = self.services.cipher
            if cipher is not None:  # sealed like a confidential reply: the sender might be in a case
                notice.confidential, notice.tag = True, f"sealed:{secrets.token_urlsafe(16)}"
            try:
                with session_scope(self.services.engine) as session:
                    enqueue(session, notice, cipher)
                return [notice], True
            except Exception:
                log.exception("the failure notice could not be stored either")
                return [notice], False

    def _handle_locked(self, msg: IncomingMessage) -> list[Reply]:
        with session_scope(self.services.engine) as session:
            keyring = keyring_of(self.services.cipher)
            if msg.event_id and not claim_event(session, keyring, msg.address.platform, msg.event_id):
                log.info("duplicate %s event ignored", msg.address.platform)
                return []
            state = load_state(session, keyring, msg.address.key, msg.org)
            ctx = Context(msg=msg, state=state, session=session, services=self.services, lang=state.lang)
            replies = self._route(ctx)
            # Counted for the coordinator's page: labels of the answer only, no text, no user; never
            # a message of a confidential conversation (those replies are the confidential ones).
            record_answers(session, msg.org, [r.answer for r in replies if r.answer and not r.confidential],
                           self.services.clock())
            save_state(session, state)
            for reply in replies:
                if msg.reply_in and reply.thread is None and reply.to == msg.address:
                    reply.thread = msg.reply_in
                if not (msg.toast and reply.tag == STALE_BUTTON and reply.to == msg.address):
                    enqueue(session, reply, self.services.cipher)
            return replies

    def _route(self, ctx: Context) -> list[Reply]:
        """The first handler that takes the message answers it (flows first, questions last)."""
        return self._dispatch(ctx)

    def _dispatch(self, ctx: Context) -> list[Reply]:
        for handler in self.handlers:
            replies = handler.handle(ctx)
            if replies is not None:
                return replies
        return [Reply(to=ctx.msg.address, text=text("unknown_action", ctx.lang), ephemeral=True,
                      tag=STALE_BUTTON)]
