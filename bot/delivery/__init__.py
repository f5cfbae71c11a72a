"""Platform-neutral delivery of the outbox: a loop per platform that keeps several sends in
flight for different recipients, renews its leases while sending, and paces within the
platform's limits. The platform senders (bot/slack/sender.py, bot/telegram/sender.py) implement
storage.outbox.Transport: send one rendered message part, classify the platform's errors."""
