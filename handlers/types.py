"""The platform-neutral message types every transport converts to and from.

`IncomingMessage` is what a transport hands the core; the outgoing types live in storage.messages
(the outbox stores them) and are re-exported here for the handlers.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.messages import Address, Button, Reply

__all__ = ["STALE_BUTTON", "Address", "Button", "IncomingMessage", "Reply"]

# Reply.tag of "that button no longer applies": transports show it as a passing notice (an
# ephemeral Slack message, a Telegram toast) rather than a lasting message.
STALE_BUTTON = "button:stale"


@dataclass(frozen=True)
class IncomingMessage:
    """A text or a button press from a user, already verified and normalised by a transport."""

    address: Address
    org: str
    text: str = ""
    action: str | None = None
    event_id: str | None = None  # platform event id, for deduplication
    thread: str | None = None  # the message this one replies to (Slack thread / Telegram reply)
    in_group: bool = False  # said in a channel or group rather than a direct chat
    display_name: str | None = None  # only used when the employee consents to reveal it
    reply_in: str | None = None  # thread the replies belong in (a Slack channel mention's thread)
    named_text: str | None = None  # the text with colleagues' mentions as names: for a trusted person only
    toast: bool = False  # the transport shows STALE_BUTTON replies itself (Telegram): do not store them
