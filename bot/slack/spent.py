"""Buttons that were used: the message keeps its content, the buttons give way to what was chosen.

A pressed message is edited (chat.update, or its response_url with replace_original for an
ephemeral one), so an old button cannot be pressed again by accident, in a DM or in a channel.
"""

from __future__ import annotations

from bot.pressed import note, spent_note
from bot.slack.blocks import Block, escape

__all__ = ["note", "spent_blocks", "spent_note"]


def spent_blocks(blocks: list[Block], text: str) -> list[Block]:
    """The message's blocks with its button rows replaced by one line of context."""
    out: list[Block] = []
    replaced = False
    for block in blocks:
        if block.get("type") == "actions":
            if not replaced:
                out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(text)}]})
                replaced = True
            continue
        out.append(block)
    if not replaced:
        out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape(text)}]})
    return out

