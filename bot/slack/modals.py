"""Slack modals: ask a question, the confidential intake, answering as a trusted person, confirmations.

A modal is a form: what a chat needs several messages for (consent, kind of problem, first
message) is one screen, and a step that cannot be undone (making your name known, erasing a
conversation) asks for a deliberate confirmation. What a submitted modal means is handed to the
core as an ordinary IncomingMessage (see app.py), so the conversation rules stay in one place.
"""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import Block, escape, section
from handlers.confide.texts import caveat, ct, kind_label
from knowledge.schema import REPORT_TYPES

ASK, INTAKE, ANSWER, CONFIRM = "itb_ask", "itb_intake", "itb_answer", "itb_confirm"
TITLE_MAX = 24  # Slack's limit on a modal's title and its buttons

TEXTS = {
    "ask_title": {"nl": "Stel een vraag", "en": "Ask a question"},
    "ask_label": {"nl": "Je vraag", "en": "Your question"},
    "ask_hint": {"nl": "Bijvoorbeeld: mag ik een fles wijn van een leverancier aannemen?",
                 "en": "For example: may I accept a bottle of wine from a supplier?"},
    "ask_note": {"nl": "Het antwoord krijg je in een direct bericht van mij.",
                 "en": "You get the answer in a direct message from me."},
    "send": {"nl": "Versturen", "en": "Send"},
    "cancel": {"nl": "Annuleren", "en": "Cancel"},
    "intake_title": {"nl": "Vertrouwenspersoon", "en": "Trusted person"},
    "intake_submit": {"nl": "Ja, ga verder", "en": "Yes, continue"},
    "kind_label": {"nl": "Waar gaat het over? (mag leeg)", "en": "What is it about? (may stay empty)"},
    "first_label": {"nl": "Je eerste bericht (mag leeg)", "en": "Your first message (may stay empty)"},
    "answer_title": {"nl": "Antwoorden", "en": "Answer"},
    "answer_label": {"nl": "Je antwoord aan {label}", "en": "Your answer to {label}"},
    "confirm_title": {"nl": "Bevestigen", "en": "Confirm"},
    "reveal_question": {"nl": ("Wil je je naam bekendmaken aan de vertrouwenspersoon? Dat kan niet worden "
                               "teruggedraaid."),
                        "en": "Do you want to tell the trusted person your name? This cannot be undone."},
    "reveal_yes": {"nl": "Ja, maak bekend", "en": "Yes, tell my name"},
    "delete_question": {"nl": ("Alles van dit gesprek meteen wissen? De vertrouwenspersoon krijgt alleen "
                               "bericht dat het gesprek is gewist. Dit kan niet worden teruggedraaid."),
                        "en": ("Erase everything of this conversation now? The trusted person is only told "
                               "that it was erased. This cannot be undone.")},
    "delete_yes": {"nl": "Ja, wis alles", "en": "Yes, erase all"},
}


def mt(key: str, lang: str, **fmt: object) -> str:
    entry = TEXTS[key]
    value = entry.get(lang) or entry["nl"]
    return value.format(**fmt) if fmt else value


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:TITLE_MAX], "emoji": True}


def _modal(callback_id: str, title: str, submit: str, lang: str, blocks: list[Block],
           metadata: str = "") -> dict[str, Any]:
    return {"type": "modal", "callback_id": callback_id, "title": _plain(title), "submit": _plain(submit),
            "close": _plain(mt("cancel", lang)), "private_metadata": metadata[:3000], "blocks": blocks}


def _text_input(block_id: str, label: str, multiline: bool, optional: bool, hint: str = "") -> Block:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "text", "multiline": multiline,
                               "max_length": 3000}
    if hint:
        element["placeholder"] = {"type": "plain_text", "text": hint[:150]}
    return {"type": "input", "block_id": block_id, "optional": optional, "element": element,
            "label": {"type": "plain_text", "text": label[:2000]}}


def ask_modal(lang: str) -> dict[str, Any]:
    blocks = [_text_input("question", mt("ask_label", lang), True, False, mt("ask_hint", lang)),
              {"type": "context", "elements": [{"type": "mrkdwn", "text": mt("ask_note", lang)}]}]
    return _modal(ASK, mt("ask_title", lang), mt("send", lang), lang, blocks)


def intake_modal(org_name: str, days: object, lang: str) -> dict[str, Any]:
    """The explanation the chat gives at the start, then kind and first message; submitting is consent."""
    explain = ct("explain", lang, org=org_name, caveat=caveat("slack", lang), days=days)
    explain = explain.rsplit("\n", 1)[0]  # without the closing "Wil je verder?": the button asks it
    options = [{"text": {"type": "plain_text", "text": kind_label(k, lang)[:75]}, "value": k} for k in REPORT_TYPES]
    blocks: list[Block] = [*section(escape(explain)),
                           {"type": "input", "block_id": "kind", "optional": True,
                            "label": {"type": "plain_text", "text": mt("kind_label", lang)},
                            "element": {"type": "static_select", "action_id": "kind", "options": options}},
                           _text_input("first", mt("first_label", lang), True, True)]
    return _modal(INTAKE, mt("intake_title", lang), mt("intake_submit", lang), lang, blocks)


def answer_modal(case_id: str, label: str, lang: str) -> dict[str, Any]:
    blocks = [_text_input("answer", mt("answer_label", lang, label=label), True, False)]
    return _modal(ANSWER, mt("answer_title", lang), mt("send", lang), lang, blocks, metadata=case_id)


def confirm_modal(what: str, yes_action: str, lang: str) -> dict[str, Any]:
    """'reveal' or 'delete': the question, and the action the core gets when it is confirmed."""
    blocks = section(escape(mt(f"{what}_question", lang)))
    return _modal(CONFIRM, mt("confirm_title", lang), mt(f"{what}_yes", lang), lang, blocks, metadata=yes_action)


def submitted(view: dict[str, Any], block_id: str, action_id: str = "text") -> str:
    """The value a user entered or chose in a submitted modal."""
    field = ((view.get("state") or {}).get("values") or {}).get(block_id, {}).get(action_id) or {}
    if field.get("type") == "static_select":
        return str((field.get("selected_option") or {}).get("value") or "")
    return str(field.get("value") or "")
