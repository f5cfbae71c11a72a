"""What takes the place of a keyboard after a press, on every platform.

Pressed buttons give way to what was chosen, so an old button cannot be pressed again by
accident; a refused press ("that button belongs to an earlier conversation") leaves a line that
says the buttons no longer apply.
"""

from __future__ import annotations

NOTES = {
    "chose": {"nl": "✔️ Je koos: {label}", "en": "✔️ You chose: {label}"},
    "taken": {"nl": "✔️ Opgepakt door een vertrouwenspersoon", "en": "✔️ Taken on by a trusted person"},
    "stale": {"nl": "Deze knoppen zijn niet meer van toepassing.", "en": "These buttons no longer apply."},
    "spent": {"nl": "Je hebt hier al gekozen.", "en": "You already chose here."},
}


def note(kind: str, lang: str, label: str = "") -> str:
    entry = NOTES[kind]
    return (entry.get(lang) or entry["nl"]).format(label=label)


def spent_note(action: str, label: str, stale: bool, lang: str) -> str:
    """The line that replaces the buttons after a press of `action` labelled `label`."""
    if action.startswith("confide:tp:take:"):  # by the presser or, when refused, by someone else
        return note("taken", lang)
    if stale:
        return note("stale", lang)
    return note("chose", lang, label=label)
