"""Adaptive Cards for a Reply: the traffic light first, then why, what to do, whom, and the source.

Built with microsoft-teams-cards from the Answer (the parts handlers/render.py writes as plain
text); a reply without an answer, or of a kind without a layout, is its text in a card. Buttons
are Action.Submit whose data carries {"itb": Button.id}; Teams sends that back as the press.
A message to a trusted person about a case gets an answer field: Teams chats have no reply
threads a bot can read, so the card is the thread (its id leads back to the case).
Cards use schema 1.5, which every current Teams client renders.
"""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    RichTextBlock,
    SubmitAction,
    TextInput,
    TextRun,
)

from bot.teams.normalize import ACTION_KEY, REPLY_ACTION, REPLY_FIELD
from handlers.render import source_line
from handlers.texts import text as fixed
from handlers.types import Button, Reply
from knowledge.answer import Answer, ContactLine

VERSION = "1.5"
TEXT_MAX = 20000  # Teams refuses activities over ~28 KB; the relayed text is capped well below
BUTTON_LABEL_MAX = 80
VERDICT_COLOUR = {"allowed": "Good", "consult": "Warning", "not_allowed": "Attention"}
CHOSEN = {"nl": "Gekozen: {label}", "en": "Chosen: {label}"}
ANSWERED = {"nl": "✓ Gekozen", "en": "✓ Chosen"}
REPLY_PLACEHOLDER = {"nl": "Typ je antwoord aan {who}", "en": "Type your answer to {who}"}
REPLY_BUTTON = {"nl": "Antwoord versturen", "en": "Send answer"}


def _para(text: str, **style: Any) -> list[CardElement]:
    """Text shown exactly as written, one block per line.

    RichTextBlock/TextRun is never read as Markdown (a TextBlock is): what an employee or a
    document writes with *, _ or "1." stays literal, without escapes Teams would show.
    """
    spacing = style.pop("spacing", None)
    blocks: list[CardElement] = []
    for i, line in enumerate(text[:TEXT_MAX].split("\n")):
        if line.strip():
            extra = {"spacing": spacing} if spacing and i == 0 else {"spacing": "None"} if i else {}
            blocks.append(RichTextBlock(inlines=[TextRun(text=line, **style)], **extra))
    return blocks


def _contacts(contacts: list[ContactLine], numbered: bool = False) -> list[CardElement]:
    blocks: list[CardElement] = []
    for i, c in enumerate(contacts, 1):
        label = c.label[:1].upper() + c.label[1:]
        runs = [TextRun(text=f"{i}. " if numbered else "👤 "), TextRun(text=label, weight="Bolder")]
        if c.details:
            runs.append(TextRun(text=f": {c.details}"))
        blocks.append(RichTextBlock(inlines=runs))
    return blocks


def answer_body(answer: Answer) -> list[CardElement] | None:
    """The layout of an answer, or None when the reply's text says it better."""
    lang = answer.lang
    body: list[CardElement] = []
    if answer.intent == "rule":
        body += _para(answer.headline, size="Large", weight="Bolder",
                      color=VERDICT_COLOUR.get(answer.verdict or "", "Default"))
        body += _para(answer.reason)
        if answer.action:
            body += _para(fixed("do_now", lang), weight="Bolder", spacing="Medium")
            body += _para(f"👉 {answer.action}")
        for detail in answer.details:
            body += _para(detail)
        if answer.contacts:
            body += _para(fixed("who", lang), weight="Bolder", spacing="Medium")
            body += _contacts(answer.contacts)
    elif answer.intent == "route":
        body += _para(f"📣 {answer.headline}", size="Large", weight="Bolder")
        body += _para(answer.reason)
        if answer.contacts:
            body += _para(fixed("route_order", lang), weight="Bolder", spacing="Medium")
            body += _contacts(answer.contacts, numbered=True)
        for detail in answer.details:
            body += _para(f"• {detail}")
    elif answer.intent == "clarify":
        body += _para(answer.headline, weight="Bolder")
    elif answer.intent == "info" and answer.reason:
        body += _para(answer.reason)
        if answer.contacts:
            body += _contacts(answer.contacts)
    else:
        return None
    line = source_line(answer)
    if line:
        body += _para(line, size="Small", is_subtle=True, spacing="Medium")
    return body


def _plain(text: str) -> list[CardElement]:
    return _para(text) or _para("…")


def _buttons(buttons: list[Button]) -> list[CardElement]:
    if not buttons:
        return []
    return [ActionSet(actions=[
        SubmitAction(title=b.label[:BUTTON_LABEL_MAX], data={ACTION_KEY: b.id, "label": b.label[:BUTTON_LABEL_MAX]})
        for b in buttons])]


def _answer_field(reply: Reply) -> list[CardElement]:
    """An answer box under messages to a trusted person about a case."""
    tag = reply.tag or ""
    if not (tag.startswith("handoff:") or tag.startswith("case:")):
        return []
    lang = reply.answer.lang if reply.answer else "nl"
    who = "Melder" if lang == "nl" else "the reporter"
    return [TextInput(id=REPLY_FIELD, is_multiline=True, placeholder=REPLY_PLACEHOLDER[lang].format(who=who)),
            ActionSet(actions=[SubmitAction(title=REPLY_BUTTON[lang], data={ACTION_KEY: REPLY_ACTION, "tag": tag})])]


def reply_card(reply: Reply, chosen: str | None = None) -> AdaptiveCard:
    """The card of a reply; with `chosen`, the card as it looks after a button was pressed."""
    body = (answer_body(reply.answer) if reply.answer else None) or _plain(reply.text)
    lang = reply.answer.lang if reply.answer else "nl"
    if chosen is not None:
        label = CHOSEN[lang].format(label=chosen) if chosen else ANSWERED[lang]
        body += _para(f"✔ {label}", weight="Bolder", color="Accent", spacing="Medium")
    else:
        body += _buttons(reply.buttons) + _answer_field(reply)
    return AdaptiveCard(version=VERSION, body=body)


def card_json(reply: Reply, chosen: str | None = None) -> dict[str, Any]:
    """The card as the JSON the Bot Connector carries (for tests and the fallback check)."""
    return reply_card(reply, chosen).model_dump(by_alias=True, exclude_none=True)


def summary(reply: Reply) -> str:
    """The activity's `text`: what notifications and the chat list show next to the card."""
    return reply.text.split("\n", 1)[0][:200] or "…"
