"""The Slack transport: a thin adapter between slack-bolt and the platform-neutral core.

Incoming: verify (bolt), acknowledge, normalise to IncomingMessage (normalize.py), hand to the
core. Outgoing: the core stores replies in the outbox; sender.py renders them as Block Kit
(blocks.py) and posts them, retried and never lost. No integrity logic lives here.
"""
