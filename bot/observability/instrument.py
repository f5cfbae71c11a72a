"""Counting what a core handles, without touching the core: its `handle` is wrapped once."""

from __future__ import annotations

from bot.observability.metrics import ANSWERS, MESSAGES_IN, count_outbox, platform_label, slug_label
from handlers.dispatcher import Core
from handlers.types import IncomingMessage, Reply


def instrument(core: Core) -> Core:
    """Count messages in and answers out of `core` (and every outbox row); idempotent."""
    count_outbox()
    if getattr(core, "_instrumented", False):
        return core
    inner = core.handle

    def handle(msg: IncomingMessage) -> list[Reply]:
        MESSAGES_IN.labels(platform=platform_label(msg.address.platform)).inc()
        replies = inner(msg)
        for reply in replies:
            if reply.answer is not None:
                ANSWERS.labels(intent=slug_label(reply.answer.intent), topic=slug_label(reply.answer.topic)).inc()
        return replies

    core.handle = handle  # type: ignore[method-assign]
    core._instrumented = True  # type: ignore[attr-defined]
    return core
