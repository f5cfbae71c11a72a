"""The delivery loop of one platform in one process: claim queue heads, send them in parallel.

A dispatcher thread claims as many due queue heads as there are idle workers (storage/outbox.py
hands out one row per recipient queue); each worker sends its row and goes on with the next
row of the same queue, so a conversation stays with one sender while it has messages. A
renewer thread extends the leases of the rows in flight, so a slow platform call is never taken
over, while a killed process's rows are picked up by another one within LEASE.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy.engine import Engine

from bot.delivery.pacing import Limits, Pacer
from storage.crypto import Cipher
from storage.models import OutboxMessage
from storage.outbox import LEASE, Transport, attempt, claim_heads, new_owner, release, renew, retry_later

log = logging.getLogger(__name__)

PACE_HOLD_S = 0.3  # a worker waits this long for a chat's pace; longer, and the row waits in the database


class DeliveryLoop:
    """Delivers one platform's outbox until stopped; `wake()` after enqueueing sends at once."""

    def __init__(self, engine: Engine, transport: Transport, cipher: Cipher | None, limits: Limits,
                 workers: int = 8, interval: float = 1.0, lease: timedelta = LEASE) -> None:
        self.engine = engine
        self.transport = transport
        self.cipher = cipher
        self.pacer = Pacer(limits)
        self.workers = max(1, workers)
        self.interval = interval
        self.lease = lease
        self.owner = new_owner()
        self.delivered = 0
        self._held: set[int] = set()
        self._busy = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._pool: ThreadPoolExecutor | None = None

    # --- control ---------------------------------------------------------------------------

    def start(self) -> DeliveryLoop:
        if self._threads:
            return self
        self._stop.clear()
        name = self.transport.platform
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix=f"{name}-send")
        self._threads = [threading.Thread(target=self._dispatch, name=f"{name}-outbox", daemon=True),
                         threading.Thread(target=self._renew, name=f"{name}-lease", daemon=True)]
        for t in self._threads:
            t.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Let the sends in flight finish (nothing half-sent), give back what was not begun."""
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._threads = []
        with self._lock:
            left = list(self._held)
            self._held.clear()
        try:
            release(self.engine, self.owner, left)
        except Exception:  # the database is gone: the leases run out by themselves
            log.warning("could not give back %d outbox lease(s)", len(left))

    # --- threads ---------------------------------------------------------------------------

    def _dispatch(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            paused = self.pacer.paused_for()
            if paused > 0:
                self._stop.wait(min(paused, self.interval))
                continue
            with self._lock:
                free = self.workers - self._busy
            rows: list[OutboxMessage] = []
            if free > 0:
                try:
                    rows = claim_heads(self.engine, self.transport.platform, self.owner, free, self.lease)
                except Exception:  # the database is away: try again at the next round
                    log.exception("claiming %s outbox rows failed", self.transport.platform)
            for row in rows:
                assert row.id is not None
                with self._lock:
                    self._busy += 1
                    self._held.add(row.id)
                assert self._pool is not None
                self._pool.submit(self._work, row)
            self._wake.wait(self.interval)  # a worker that finishes, or new replies, wake it

    def _work(self, row: OutboxMessage | None) -> None:
        try:
            while row is not None:
                assert row.id is not None
                if self._stop.is_set():
                    return  # not begun: released by stop()
                delay = self.pacer.reserve(row.queue, PACE_HOLD_S)
                if delay > PACE_HOLD_S:  # this chat must wait: give the worker to another recipient
                    retry_later(self.engine, row.id, "paced", delay, spend_attempt=False)
                    with self._lock:
                        self._held.discard(row.id)
                    return
                if delay > 0 and self._stop.wait(delay):
                    return
                current = row
                row = None
                try:
                    outcome = attempt(self.engine, current, self.transport, self.cipher, self.owner,
                                      chain=True, lease=self.lease)
                except Exception:  # the database failed around the send: the lease runs out
                    log.exception("delivering outbox %s failed", current.id)
                    with self._lock:
                        self._held.discard(current.id)  # type: ignore[arg-type]
                    return
                with self._lock:
                    self._held.discard(current.id)  # type: ignore[arg-type]
                    if outcome.next_row is not None and outcome.next_row.id is not None:
                        self._held.add(outcome.next_row.id)
                    self.delivered += outcome.status == "delivered"
                if outcome.rate_limit is not None:
                    rl = outcome.rate_limit
                    self.pacer.pause(rl.retry_after, None if rl.scope == "platform" else current.queue)
                    log.info("%s asks to slow down: pausing %.1f s", self.transport.platform, rl.retry_after)
                row = outcome.next_row
        finally:
            with self._lock:
                self._busy -= 1
            self._wake.set()

    def _renew(self) -> None:
        every = max(0.5, self.lease.total_seconds() / 3)
        while not self._stop.wait(every):
            with self._lock:
                ids = list(self._held)
            try:
                renew(self.engine, self.owner, ids, self.lease)
            except Exception:
                log.warning("renewing %d outbox lease(s) failed", len(ids))
