"""Write an Answer as the short plain text a person wants to read (the canonical form).

Slack and Telegram render richer forms from the same Answer; this text is what the console
shows and what every platform falls back to. The reply starts with what the question asked
for: the traffic light for "mag ik …?", "Ja — …" for "moet ik dit melden?", the name and how
to reach them for "wie is …?", and the first step of a route (the rest is behind "Meer…").
"""

from __future__ import annotations

from handlers.texts import text
from knowledge.answer import Answer
from knowledge.phrases import phrase


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


def _yes(answer: Answer, sentence: str) -> str:
    """'Ja — meld het bij …': the answer to 'moet ik dit melden?' in its first words."""
    sentence = sentence.strip()
    return f"{phrase('yes', answer.lang)} — {sentence[:1].lower()}{sentence[1:]}"


def _says_yes(answer: Answer) -> bool:
    if answer.shape != "must_report":
        return False
    if answer.intent == "route":
        return True
    return answer.intent == "rule" and answer.verdict in ("consult", "not_allowed") and bool(answer.action)


def quote_text(answer: Answer) -> str:
    """The reply to 'Toon de tekst': the document's words, always in Dutch (the original)."""
    head = answer.headline
    if answer.lang == "en":
        head = f"{head[:-1]} ({phrase('quote_original', 'en')}):" if head.endswith(":") else head
    lines = [head, *(f"“{q.strip()}”" for q in answer.quotes)]
    if answer.law:
        lines.append(phrase("quote_law", answer.lang, law=answer.law))
    line = source_line(answer)
    if line:
        lines.append(line)
    return "\n".join(lines)


def answer_text(answer: Answer, org_name: str = "") -> str:
    """The reply text for an engine answer."""
    lang = answer.lang
    if answer.intent in ("help", "fallback"):
        return text(answer.small_talk or answer.intent, lang, org=org_name or "je organisatie")
    if answer.intent == "clarify":
        return answer.headline
    if answer.shape == "quote":
        return quote_text(answer)
    lines: list[str] = []
    if answer.intent == "rule":
        yes = _says_yes(answer)
        if yes:
            lines.append(_yes(answer, answer.action))
        lines.append(answer.headline)
        lines.append(answer.reason)
        if answer.action and not yes:
            lines.append(f"👉 {answer.action}")
        lines += answer.details
        lines += contact_block(answer)
    elif answer.intent == "route":
        if _says_yes(answer):
            lines.append(_yes(answer, answer.reason))
            lines.append(f"📣 {answer.headline}")
        else:
            lines.append(f"📣 {answer.headline}")
            lines.append(answer.reason)
        if answer.contacts:
            lines.append(f"{phrase('route_first', lang) if answer.first_step else text('route_order', lang)}:")
            lines += contact_block(answer, numbered=True)
        lines += [f"• {d}" for d in answer.details]
    elif answer.shape == "who" and answer.contacts:
        lines += contact_block(answer)  # the name and how to reach them first
        lines.append(answer.reason)
    else:
        lines.append(answer.reason)
        lines += contact_block(answer)
    line = source_line(answer)
    if line:
        lines.append(line)
    return "\n".join(x for x in lines if x)
