"""The Slack outbox loop: the platform-neutral delivery loop with Slack's pacing.

Listeners wake it after the core stored replies; between wakes it looks every `interval`
seconds for retries that became due and for messages other processes enqueued (reminders,
relays from another transport). Several sends are in flight at once, one per recipient.
"""

from __future__ import annotations

from datetime import timedelta

from bot.delivery.loop import DeliveryLoop
from bot.delivery.pacing import SLACK
from bot.slack.sender import SlackSender
from storage.outbox import LEASE


class OutboxLoop(DeliveryLoop):
    """Delivers the Slack outbox in background threads until stopped."""

    def __init__(self, sender: SlackSender, interval: float = 1.0, workers: int = 8,
                 lease: timedelta = LEASE) -> None:
        super().__init__(sender.engine, sender, sender.cipher, SLACK, workers=workers, interval=interval,
                         lease=lease)
        self.sender = sender
