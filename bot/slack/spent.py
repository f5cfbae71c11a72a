"""Buttons that were used: the message keeps its content, the buttons give way to what was chosen.

A pressed message is edited (chat.update, or its response_url with replace_original for an
ephemeral one), so an old button cannot be pressed again by accident, in a DM or in a channel.
"""

from __future__ import annotations

from bot.slack.blocks import Block, escape

NOTES = {
    "chose": {"nl": "✔️ Je koos: {label}", "en": "✔️ You chose: {label}"},
    "taken": {"nl": "✔️ Opgepakt door een vertrouwenspersoon", "en": "✔️ Taken on by a trusted person"},
    "stale": {"nl": "Deze knoppen zijn niet meer van toepassing.", "en": "These buttons no longer apply."},
}


def note(kind: str, lang: str, label: str = "") -> str:
    entry = NOTES[kind]
    return (entry.get(lang) or entry["nl"]).format(label=label)


def spent_note(action: str, label: str, stale: bool, lang: str) -> str:
    """What takes the place of the buttons after a press."""
    if action.startswith("confide:tp:take:"):  # by the presser or, when refused, by someone else
        return note("taken", lang)
    if stale:
        return note("stale", lang)
    return note("chose", lang, label=label)


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

