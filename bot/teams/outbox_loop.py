"""A background thread that drains the Teams outbox: at once when woken, else every few seconds.

The listener wakes it after the core stored replies; the periodic pass picks up retries that
became due (after a 429 or a network error) and messages other processes enqueued (reminders,
relays from another platform). Small jobs the listener must not wait for (redrawing a pressed
card) run here too, before the next drain.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger(__name__)


class Drains(Protocol):
    def drain(self) -> int: ...


class OutboxLoop:
    """Runs `sender.drain()` in its own thread until stopped."""

    def __init__(self, sender: Drains, interval: float = 1.0) -> None:
        self.sender = sender
        self.interval = interval
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="teams-outbox", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Something was enqueued: send it now instead of at the next tick."""
        self._wake.set()

    def later(self, job: Callable[[], None]) -> None:
        """Run `job` in the outbox thread (best effort; its failure is logged)."""
        self._jobs.put(job)
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                while self.sender.drain():  # a full batch may leave more behind
                    if self._stop.is_set():
                        return
            except Exception:  # the database is away: try again at the next tick
                log.exception("draining the Teams outbox failed")
            self._run_jobs()
            self._wake.wait(self.interval)

    def _run_jobs(self) -> None:
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return
            try:
                job()
            except Exception:
                log.exception("a Teams background job failed")
