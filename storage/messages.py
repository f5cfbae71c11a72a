"""The platform-neutral outgoing message types: what the outbox stores and every transport renders.

They live in storage/ so that the outbox can keep them without importing handlers/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from knowledge.answer import Answer


@dataclass(frozen=True)
class Address:
    """Who a message is from or for: a platform and a user (and, where it matters, a chat)."""

    platform: str  # "console" | "slack" | "telegram"
    user: str
    chat: str | None = None  # Slack DM channel / Telegram chat id, when known
    team: str | None = None  # Slack workspace

    @property
    def key(self) -> str:
        """Stable storage key of the user on a platform."""
        return f"{self.platform}:{self.team + ':' if self.team else ''}{self.user}"


@dataclass(frozen=True)
class Button:
    """A follow-up the user can press; `id` comes back as IncomingMessage.action."""

    id: str
    label: str


@dataclass
class Reply:
    """One message to send. `text` is the canonical plain text; `answer` its structured meaning."""

    to: Address
    text: str
    answer: Answer | None = None
    buttons: list[Button] = field(default_factory=list)
    thread: str | None = None  # reply in this thread / to this message where the platform can
    confidential: bool = False  # content of a confidential case: encrypted at rest
    tag: str | None = None  # what the message is (e.g. "handoff:<case>") for threading and edits
    ephemeral: bool = False  # visible only to the user (Slack slash commands)
    # Receipts (storage/outbox.py): sent once the platform accepted this message, or once it
    # failed for good. With a `group`, once for the whole group: `on_delivered` after the
    # first delivery in it, `on_failed` when every message of it failed.
    on_delivered: list[Reply] = field(default_factory=list)
    on_failed: list[Reply] = field(default_factory=list)
    group: str | None = None

    def contract(self) -> dict[str, Any]:
        """The reply object of shared/CONTRACT.md."""
        return {
            "to": self.to.user,
            "text": self.text,
            "answer": self.answer.contract() if self.answer else None,
            "buttons": [{"id": b.id, "label": b.label} for b in self.buttons],
        }
