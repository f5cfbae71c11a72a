"""Work done after the acknowledgement: an executor tests can wait on, and per-user order.

Slack wants an answer within 3 seconds; the listeners acknowledge at once and the core runs in
bolt's lazy listeners, on this executor. Two messages of one user must still be handled in the
order Slack delivered them, so each event takes a ticket while it is acknowledged and waits for
its turn before the core sees it.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

TURN_WAIT_S = 30.0  # a ticket whose work never ran stops holding up later ones after this


class TrackedExecutor(ThreadPoolExecutor):
    """A thread pool that knows how much submitted work has not finished yet."""

    def __init__(self, max_workers: int = 8) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="slack-work")
        self._busy = 0
        self._cond = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        with self._cond:
            self._busy += 1

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

        return super().submit(run)

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until every submitted piece of work has finished; False when it did not in time."""
        with self._cond:
            return self._cond.wait_for(lambda: self._busy == 0, timeout)


class UserOrder:
    """First come, first served per user: tickets are taken in delivery order, turns follow them."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._issued: defaultdict[str, int] = defaultdict(int)
        self._serving: defaultdict[str, int] = defaultdict(int)

    def ticket(self, key: str) -> int:
        with self._cond:
            number = self._issued[key]
            self._issued[key] += 1
            return number

    @contextmanager
    def turn(self, key: str, number: int | None) -> Iterator[None]:
        """Run the body when all earlier tickets of `key` are done (or waited for too long)."""
        if number is None:
            yield
            return
        with self._cond:
            self._cond.wait_for(lambda: self._serving[key] >= number, TURN_WAIT_S)
        try:
            yield
        finally:
            with self._cond:
                self._serving[key] = max(self._serving[key], number + 1)
                if self._serving[key] >= self._issued[key]:
                    del self._serving[key], self._issued[key]
                self._cond.notify_all()
