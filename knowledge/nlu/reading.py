"""A reading of a message: intent, topic and report type, as one label the model and the rules share."""

from __future__ import annotations

from dataclasses import dataclass

INTENTS = ("rule", "route", "confide", "info", "help", "fallback")


@dataclass(frozen=True)
class Reading:
    """What a message is about, before any rule is looked up."""

    intent: str
    topic: str | None = None
    report_type: str | None = None

    @property
    def label(self) -> str:
        """'rule/gifts', 'route/crime', 'route', 'info/oath', 'confide', 'help', 'fallback'."""
        if self.intent == "route":
            return f"route/{self.report_type}" if self.report_type else "route"
        if self.intent in ("rule", "info") and self.topic:
            return f"{self.intent}/{self.topic}"
        return self.intent

    @classmethod
    def from_label(cls, label: str) -> Reading:
        intent, _, rest = label.partition("/")
        if intent == "route":
            return cls("route", "reporting", rest or None)
        if intent == "confide":
            return cls("confide", "trusted_person")
        if intent in ("rule", "info"):
            return cls(intent, rest or None)
        return cls(intent)

    @classmethod
    def of(cls, intent: str, topic: str | None, report_type: str | None) -> Reading:
        """Normalised: routes are about reporting, a confidential wish about the trusted person."""
        if intent == "route":
            return cls("route", "reporting", report_type)
        if intent == "confide":
            return cls("confide", "trusted_person")
        if intent in ("help", "fallback"):
            return cls(intent)
        return cls(intent, topic)
