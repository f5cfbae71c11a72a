"""A Reply as Telegram shows it: HTML (escaped), an inline keyboard, split under the length limit.

The canonical plain text (handlers/render.py) already holds the traffic light, the reason,
what to do, the contacts and the source, in that order; here each line is escaped and the
lines that carry structure get emphasis: the verdict headline bold, the source in italics.
Starting from the text rather than the Answer keeps whatever a handler added to it.
"""

from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.links import NO_LINKS, Links
from handlers.texts import text as core_text
from handlers.types import Reply

log = logging.getLogger(__name__)

MAX_MESSAGE = 4096  # Telegram's limit on a message text
MAX_CALLBACK_DATA = 64  # bytes of callback_data Telegram accepts


def tg_length(s: str) -> int:
    """Length as Telegram counts it (UTF-16 code units): an emoji counts two."""
    return len(s.encode("utf-16-le")) // 2


def _style(line: str, reply: Reply) -> str | None:
    """The HTML tag a line of the reply gets, or None for plain text."""
    answer = reply.answer
    if answer is None or not line.strip():
        return None
    if answer.headline and answer.intent in ("rule", "route") and line.strip() in (
            answer.headline, f"📣 {answer.headline}"):
        return "b"
    if line.startswith("📄 "):
        return "i"
    if line.rstrip(":") == core_text("route_order", answer.lang):
        return "b"
    return None


def _pieces(raw: str, limit: int) -> list[str]:
    """Split one over-long line, at a space where possible, so each escaped piece fits `limit`."""
    pieces: list[str] = []
    start, size, last_space, i = 0, 0, -1, 0
    while i < len(raw):
        cost = tg_length(html.escape(raw[i], quote=False))
        if size + cost > limit:
            cut = last_space + 1 if last_space >= start else i
            pieces.append(raw[start:cut].rstrip(" "))
            start, i, size, last_space = cut, cut, 0, -1
            continue
        if raw[i] == " ":
            last_space = i
        size += cost
        i += 1
    pieces.append(raw[start:])
    return [p for p in pieces if p]


_links: Links = NO_LINKS


def use_links(links: Links) -> None:
    """Set once when the bot is built: the source line links to a document's public page."""
    global _links
    _links = links


def _html_lines(reply: Reply, limit: int) -> list[str]:
    """Each line of the text escaped and styled; lines too long for one message broken up."""
    out: list[str] = []
    url = _links.source_url(reply.answer) if reply.answer else None
    for line in reply.text.split("\n"):
        tag = _style(line, reply)
        if url and tag == "i" and len(line) + len(url) < limit - 40:
            out.append(f'<i><a href="{html.escape(url)}">{html.escape(line, quote=False)}</a></i>')
            continue
        overhead = len(f"<{tag}></{tag}>") if tag else 0
        for piece in _pieces(line, limit - overhead) if line else [""]:
            escaped = html.escape(piece, quote=False)
            out.append(f"<{tag}>{escaped}</{tag}>" if tag else escaped)
    return out


def render_chunks(reply: Reply, limit: int = MAX_MESSAGE) -> list[str]:
    """The reply as one or more HTML texts, each at most `limit` long, split between lines."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in _html_lines(reply, limit):
        extra = tg_length(line) + (1 if current else 0)
        if current and size + extra > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
            extra = tg_length(line)
        current.append(line)
        size += extra
    if current:
        chunks.append("\n".join(current))
    chunks = [c for c in chunks if c.strip()]
    return chunks or [html.escape(reply.text.strip() or "…", quote=False)[:limit]]


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """One button per row (labels are sentences); ids Telegram cannot carry are left out."""
    rows = []
    for button in reply.buttons:
        if len(button.id.encode()) > MAX_CALLBACK_DATA:
            log.warning("button id longer than %d bytes left out of a Telegram keyboard", MAX_CALLBACK_DATA)
            continue
        rows.append([InlineKeyboardButton(button.label, callback_data=button.id)])
    return InlineKeyboardMarkup(rows) if rows else None
