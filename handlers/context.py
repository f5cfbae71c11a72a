"""What a handler gets: the message, the user's stored state, a transaction and the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from handlers.types import IncomingMessage, Reply
from knowledge.engine import KnowledgeBase
from storage.crypto import Cipher
from storage.models import ConversationState, utcnow


@dataclass
class Services:
    """Long-lived collaborators shared by all handlers (the composition root builds them)."""

    kb: KnowledgeBase
    engine: Engine
    cipher: Cipher | None = None
    clock: Callable[[], datetime] = utcnow
    options: dict[str, object] = field(default_factory=dict)  # settings handlers read (retention, ...)


@dataclass
class Context:
    """One incoming message being handled inside one transaction."""

    msg: IncomingMessage
    state: ConversationState
    session: Session
    services: Services
    lang: str = "nl"


class Handler(Protocol):
    """A conversation flow. Returns replies when the message is its business, else None."""

    def handle(self, ctx: Context) -> list[Reply] | None: ...
