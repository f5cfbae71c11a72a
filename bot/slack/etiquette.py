"""What never belongs in a shared channel: the asker's own situation.

A channel sees ordinary answers (a mention is answered in its thread); what is about the
asker themself goes to their DM, and the channel only gets an ephemeral pointer (app.py):
the confidential conversation, anything of a case, and the routes for what happened to them
(unwanted behaviour, aggression), including the question which of those it is.
"""

from __future__ import annotations

from handlers.types import Reply

PERSONAL_REPORTS = ("unwanted_behaviour", "external_aggression")


def is_private(reply: Reply) -> bool:
    """Content that goes to the DM instead of a shared channel."""
    if reply.confidential or (reply.tag and not reply.tag.startswith("button:")):
        return True
    answer = reply.answer
    if answer is None:
        return False
    if answer.intent == "confide" or answer.topic == "trusted_person":
        return True
    if answer.intent == "route" and answer.report_type in PERSONAL_REPORTS:
        return True
    return answer.intent == "clarify" and "report_type" in answer.needs
