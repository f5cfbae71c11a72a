"""The Microsoft Teams transport: a thin adapter between the Teams SDK v2 and the platform-neutral core.

Incoming: the SDK verifies the Bot Framework token, app.py remembers how to reach the sender
(storage/teams.py), normalize.py turns the activity into an IncomingMessage, the core answers.
Outgoing: the core stores replies in the outbox; sender.py renders them as Adaptive Cards
(cards.py) and posts them, retried and never lost. No integrity logic lives here.
"""
