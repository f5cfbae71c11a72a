"""Block Kit for a Reply: the traffic light first, then why, what to do, whom, and the source.

The structured layout is built from the Answer (the same parts handlers/render.py writes as
plain text); a reply without an answer, or of a kind without a layout, is its text as is.
Reply.text is always sent along as the notification text and the fallback.
"""

from __future__ import annotations

from typing import Any

from bot.links import NO_LINKS, Links
from handlers.render import source_line
from handlers.texts import text as fixed
from handlers.types import Button, Reply
from knowledge.answer import Answer, ContactLine

Block = dict[str, Any]

SECTION_MAX = 2900  # Slack allows 3000 characters in a section's text
HEADER_MAX = 150
BUTTON_LABEL_MAX = 75
BUTTONS_PER_ROW = 5
MAX_BLOCKS = 50
ACTION_PREFIX = "itb-"  # action_id of our buttons; the value carries Button.id


def escape(text: str) -> str:
    """Slack mrkdwn treats &, < and > as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe_cut(text: str, limit: int) -> int:
    """Where to cut escaped mrkdwn at most `limit` long: never inside an entity (&amp;) or a
    <…> link, and at a space when there is one in the last stretch."""
    if len(text) <= limit:
        return len(text)
    cut = limit
    amp = text.rfind("&", max(0, cut - 6), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    opened = text.rfind("<", max(0, cut - 200), cut)
    if opened != -1 and ">" not in text[opened:cut]:
        cut = opened
    space = text.rfind(" ", max(0, cut - 80), cut)
    if space > 0:
        cut = space + 1
    return max(cut, 1)


def section(text: str) -> list[Block]:
    """One or more mrkdwn sections (long text split on line ends, else at a safe place)."""
    blocks: list[Block] = []
    chunk = ""
    for line in text.split("\n"):
        while len(line) > SECTION_MAX:
            if chunk:
                blocks.append(_mrkdwn(chunk))
                chunk = ""
            cut = safe_cut(line, SECTION_MAX)
            blocks.append(_mrkdwn(line[:cut]))
            line = line[cut:]
        if chunk and len(chunk) + 1 + len(line) > SECTION_MAX:
            blocks.append(_mrkdwn(chunk))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk.strip():
        blocks.append(_mrkdwn(chunk))
    return blocks


def _mrkdwn(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:HEADER_MAX], "emoji": True}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:safe_cut(text, SECTION_MAX)]}]}


def buttons(items: list[Button]) -> list[Block]:
    """Rows of buttons; each button's value is the Button.id the core gets back as the action."""
    rows: list[Block] = []
    for start in range(0, len(items), BUTTONS_PER_ROW):
        row = items[start:start + BUTTONS_PER_ROW]
        rows.append({"type": "actions", "elements": [
            {"type": "button", "action_id": f"{ACTION_PREFIX}{start + i}", "value": b.id[:2000],
             "text": {"type": "plain_text", "text": b.label[:BUTTON_LABEL_MAX], "emoji": True}}
            for i, b in enumerate(row)]})
    return rows


_links: Links = NO_LINKS


def use_links(links: Links) -> None:
    """Set once when the app is built: document URLs and registered people for every answer."""
    global _links
    _links = links


def _org_of(answer: Answer) -> str:
    return next((s.get("org", "") for s in answer.sources if s.get("org") not in (None, "national")), "")


def _contacts(contacts: list[ContactLine], numbered: bool = False, org: str = "") -> str:
    lines = []
    for i, c in enumerate(contacts, 1):
        label = c.label[:1].upper() + c.label[1:]
        entry = f"*{escape(label)}*" + (f": {escape(c.details)}" if c.details else "")
        people = _links.people("slack", org, c.channel) if org else []
        if people:  # registered on Slack: one click opens a direct message with them
            entry += " · " + ", ".join(f"<@{u}>" for u in people[:3])
        lines.append(f"{i}. {entry}" if numbered else f"👤 {entry}")
    return "\n".join(lines)


ON_SLACK = {"nl": "Op Slack", "en": "On Slack"}


def _people_line(answer: Answer) -> str:
    org = _org_of(answer)
    found: list[str] = []
    for c in answer.contacts if org else []:
        found += [u for u in _links.people("slack", org, c.channel) if u not in found]
    if not found:
        return ""
    return f"{ON_SLACK.get(answer.lang, ON_SLACK['nl'])}: " + ", ".join(f"<@{u}>" for u in found[:5])


def answer_blocks(answer: Answer) -> list[Block] | None:
    """The layout of an answer, or None when the reply's text says it better."""
    lang = answer.lang
    blocks: list[Block] = []
    if answer.shape in ("who", "must_report", "quote"):
        return None  # the text starts with what the question asked for (handlers/render.py)
    if answer.intent == "rule":
        blocks.append(header(answer.headline))
        blocks += section(escape(answer.reason))
        if answer.action:
            blocks += section(f"*{fixed('do_now', lang)}*\n👉 {escape(answer.action)}")
        if answer.details:
            blocks += section("\n".join(escape(d) for d in answer.details))
        if answer.contacts:
            blocks += section(f"*{fixed('who', lang)}*\n{_contacts(answer.contacts, org=_org_of(answer))}")
    elif answer.intent == "route":
        blocks.append(header(f"📣 {answer.headline}"))
        blocks += section(escape(answer.reason))
        if answer.contacts:
            blocks += section(f"*{fixed('route_order', lang)}*\n"
                              f"{_contacts(answer.contacts, numbered=True, org=_org_of(answer))}")
        if answer.details:
            blocks += section("\n".join(f"• {escape(d)}" for d in answer.details))
    elif answer.intent == "clarify":
        blocks += section(f"*{escape(answer.headline)}*")
    elif answer.intent == "info" and answer.reason:
        blocks += section(escape(answer.reason))
        if answer.contacts:
            blocks += section(_contacts(answer.contacts, org=_org_of(answer)))
    else:
        return None
    line = source_line(answer)
    if line:
        url = _links.source_url(answer)
        blocks.append(context(f"<{url}|{escape(line)}>" if url else escape(line)))
    return blocks


def reply_blocks(reply: Reply) -> list[Block]:
    """Every block of a reply: the answer's layout or the text, then the buttons."""
    blocks = answer_blocks(reply.answer) if reply.answer else None
    if blocks is None:
        blocks = section(escape(reply.text))
        people = _people_line(reply.answer) if reply.answer else ""
        if people:  # the text names the contacts; registered ones get their one-click mention here
            blocks.append(context(people))
    blocks += buttons(reply.buttons)
    if len(blocks) > MAX_BLOCKS:
        blocks = blocks[:MAX_BLOCKS - 1] + blocks[-1:]
    return blocks


NOTIFICATION_MAX = 3000


def notification_text(reply: Reply) -> str:
    """The `text` sent along: what notifications and screen readers show.

    Slack reads it as mrkdwn, so it is escaped like the blocks: 'P&O' stays 'P&O', and a
    '<!channel>' or '<https://…|link>' someone typed is shown, never acted on.
    """
    text = escape(reply.text)
    return text[:safe_cut(text, NOTIFICATION_MAX)] or "…"
