"""Write an Answer as the short plain text a person wants to read (the canonical form).

Slack and Telegram render richer forms from the same Answer; this text is what the console
shows and what every platform falls back to.
"""

from __future__ import annotations

from handlers.texts import text
from knowledge.answer import Answer


def source_line(answer: Answer) -> str:
    """'Bron: document, section' for the first source (the most specific)."""
    if not answer.sources:
        return ""
    s = answer.sources[0]
    return f"📄 {text('source', answer.lang)}: {s['document']} – {s['section']}"


def contact_block(answer: Answer, numbered: bool = False) -> list[str]:
    lines = []
    for i, c in enumerate(answer.contacts, 1):
        label = c.label[:1].upper() + c.label[1:]
        entry = f"{label}: {c.details}" if c.details else label
        lines.append(f"{i}. {entry}" if numbered else f"👤 {entry}")
    return lines


def answer_text(answer: Answer, org_name: str = "") -> str:
    """The reply text for an engine answer."""
    lang = answer.lang
    if answer.intent in ("help", "fallback", "greeting", "thanks"):
        return text(answer.intent, lang, org=org_name or "je organisatie")
    if answer.intent == "clarify":
        return answer.headline
    lines: list[str] = []
    if answer.intent == "rule":
        lines.append(answer.headline)
        lines.append(answer.reason)
        if answer.action:
            lines.append(f"👉 {answer.action}")
        lines += answer.details
        lines += contact_block(answer)
    elif answer.intent == "route":
        lines.append(f"📣 {answer.headline}")
        lines.append(answer.reason)
        if answer.contacts:
            lines.append(f"{text('route_order', lang)}:")
            lines += contact_block(answer, numbered=True)
        lines += [f"• {d}" for d in answer.details]
    else:
        lines.append(answer.reason)
        lines += contact_block(answer)
    line = source_line(answer)
    if line:
        lines.append(line)
    return "\n".join(x for x in lines if x)
