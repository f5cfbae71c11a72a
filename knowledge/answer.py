"""The engine's result: the contract's answer object plus the parts a reply is written from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ContactLine:
    """A channel the user should turn to, with how to reach it."""

    channel: str
    label: str
    details: str = ""


@dataclass(frozen=True)
class Option:
    """A follow-up the user can pick (a button on Slack/Telegram, an action id in the console)."""

    id: str
    label: str


@dataclass
class Answer:
    """One answer: the structured meaning (contract fields) and the text parts of the reply."""

    intent: str
    topic: str | None = None
    verdict: str | None = None
    needs: list[str] = field(default_factory=list)
    report_type: str | None = None
    channels: list[str] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    lang: str = "nl"
    headline: str = ""
    reason: str = ""
    action: str = ""
    details: list[str] = field(default_factory=list)
    contacts: list[ContactLine] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    situation: str | None = None
    shape: str | None = None  # what the question asks for: "who", "must_report" (see knowledge/shape.py)
    first_step: bool = False  # a route answer with only its first step; the rest is behind "Meer…"
    quotes: list[str] = field(default_factory=list)  # the document's own words ("Toon de tekst")
    law: str | None = None  # the national law a rule rests on, by name
    small_talk: str | None = None  # greeting / thanks / rephrase: intent help or fallback, its own words

    def contract(self) -> dict[str, Any]:
        """The answer object of shared/CONTRACT.md."""
        return {
            "intent": self.intent,
            "topic": self.topic,
            "verdict": self.verdict,
            "needs": list(self.needs),
            "report_type": self.report_type,
            "channels": list(self.channels),
            "sources": [dict(s) for s in self.sources],
        }
