"""Pacing within a platform's published limits, and pauses after a 429.

Per chat a token bucket (Slack: about one message per second per channel, short bursts
allowed; Telegram: one per second per chat), overall an optional rate (Telegram: 30 per
second). A 429 pauses the platform, or one chat, for its Retry-After. Counted per process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    per_chat_s: float = 1.0  # seconds between messages to one chat, on average
    chat_burst: int = 3  # messages one chat may get at once before the spacing starts
    per_second: float | None = None  # overall cap of this process (None: no cap)


SLACK = Limits(per_chat_s=1.0, chat_burst=3, per_second=None)
TELEGRAM = Limits(per_chat_s=1.0, chat_burst=3, per_second=30.0)
UNLIMITED = Limits(per_chat_s=0.0, chat_burst=1, per_second=None)


class Pacer:
    """Tells a sender how long to wait before its next message to a chat."""

    MAX_CHATS = 20000  # idle buckets are dropped beyond this

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._lock = threading.Lock()
        self._chats: dict[str, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._next_global = 0.0
        self._paused_until = 0.0
        self._chat_paused: dict[str, float] = {}

    def pause(self, seconds: float, chat: str | None = None) -> None:
        until = self.clock() + seconds
        with self._lock:
            if chat is None:
                self._paused_until = max(self._paused_until, until)
            else:
                self._chat_paused[chat] = max(self._chat_paused.get(chat, 0.0), until)

    def paused_for(self) -> float:
        """Seconds the whole platform is still paused for."""
        with self._lock:
            return max(0.0, self._paused_until - self.clock())

    def reserve(self, chat: str, hold: float = float("inf")) -> float:
        """The seconds to wait before the next message to `chat`. The slot is taken only when
        that wait is at most `hold` (the caller then waits and sends); a longer wait takes
        nothing, so the caller can come back later."""
        lim = self.limits
        with self._lock:
            now = self.clock()
            start = max(now, self._paused_until, self._chat_paused.get(chat, 0.0))
            tokens = 0.0
            if lim.per_chat_s > 0:
                tokens, at = self._chats.get(chat, (float(lim.chat_burst), now))
                tokens = min(float(lim.chat_burst), tokens + max(0.0, start - at) / lim.per_chat_s)
                if tokens < 1.0:
                    start += (1.0 - tokens) * lim.per_chat_s
                    tokens = 1.0
            if lim.per_second:
                start = max(start, self._next_global)
            wait = max(0.0, start - now)
            if wait > hold:
                return wait
            if lim.per_chat_s > 0:
                self._chats[chat] = (tokens - 1.0, start)
                if len(self._chats) > self.MAX_CHATS:
                    self._forget_idle(now)
            if lim.per_second:
                self._next_global = start + 1.0 / lim.per_second
            return wait

    def _forget_idle(self, now: float) -> None:
        full = self.limits.chat_burst * self.limits.per_chat_s
        for chat in [c for c, (_t, at) in self._chats.items() if now - at > full]:
            del self._chats[chat]
        for chat in [c for c, until in self._chat_paused.items() if until < now]:
            del self._chat_paused[chat]
