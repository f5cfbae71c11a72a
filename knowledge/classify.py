"""Decide what a message is: a may-I question, a report, a request for facts, or none of these.

Every candidate gets a score from the lexicon (and the organisation's own situation and info
patterns); cue phrases ("mag ik", "bij wie kan ik melden", "wat is") decide between asking,
reporting and informing. The result is ranked, like opsdroid's matchers: the best one wins.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from knowledge.matcher import Analyzed, Hit, TermIndex

RULE_TOPICS = ("gifts", "invitations", "side_jobs", "financial_interests", "conflict_of_interest",
               "confidential_information", "social_media", "conduct", "private_use", "work_time",
               "clothing", "political")
INFO_TOPICS = ("oath", "reporting", "trusted_person", "values")


@dataclass
class Signals:
    """Everything the lexicon found in one message."""

    topics: dict[str, float] = field(default_factory=dict)
    reports: dict[str, float] = field(default_factory=dict)
    cues: dict[str, float] = field(default_factory=dict)
    outsider: bool = False
    insider: bool = False
    negated_labels: set = field(default_factory=set)
    strong: dict[str, int] = field(default_factory=dict)  # strong-word hits per topic

    def cue(self, name: str) -> bool:
        return self.cues.get(name, 0) > 0

    def best_topic(self) -> tuple[str | None, float]:
        """The highest-scoring rule topic; on a tie, the one with more strong words."""
        ranked = sorted(((s, self.strong.get(t, 0), t) for t, s in self.topics.items() if t in RULE_TOPICS),
                        reverse=True)
        return (ranked[0][2], ranked[0][0]) if ranked else (None, 0.0)

    def best_report(self) -> tuple[str | None, float]:
        ranked = sorted(((s, t) for t, s in self.reports.items() if s > 0), reverse=True)
        return (ranked[0][1], ranked[0][0]) if ranked else (None, 0.0)


def build_lexicon_index(lexicon: dict) -> TermIndex:
    """One index over topics, report types, actors and cues; labels are (kind, name)."""
    entries: list[tuple[str, tuple[str, str], float]] = []
    for topic, groups in (lexicon.get("topics") or {}).items():
        for word in groups.get("strong") or []:
            entries.append((str(word), ("topic", topic), 2.0))
        for word in groups.get("weak") or []:
            entries.append((_prefix_only(str(word)), ("topic", topic), 1.0))
    for rtype, words in (lexicon.get("report_types") or {}).items():
        entries += [(_prefix_only(str(w)), ("report", rtype), 1.0) for w in words]
    entries += [(_prefix_only(str(w)), ("actor", "outsider"), 1.0) for w in lexicon.get("outsiders") or []]
    entries += [(_prefix_only(str(w)), ("actor", "insider"), 1.0) for w in lexicon.get("insiders") or []]
    for cue, words in (lexicon.get("cues") or {}).items():
        entries += [(_prefix_only(str(w)), ("cue", cue), 1.0) for w in words]
    return TermIndex(entries)


def _prefix_only(term: str) -> str:
    """Weak words and cue phrases (verbs mostly) never count as the head of a compound."""
    return term if term.startswith(("=", "<")) else "<" + term


def _sum_by_label(hits: list[Hit]) -> dict:
    """Total weight per label, counting overlapping hits of one label once (the heaviest)."""
    best_at: dict = defaultdict(dict)
    for h in hits:
        per_label = best_at[h.label]
        per_label[h.start] = max(per_label.get(h.start, 0.0), h.weight)
    totals = {}
    for label, by_start in best_at.items():
        covered: set[int] = set()
        total = 0.0
        for h in sorted((h for h in hits if h.label == label), key=lambda h: (h.start, -(h.end - h.start))):
            if h.start in covered:
                continue
            covered.update(range(h.start, h.end))
            total += by_start[h.start]
        totals[label] = total
    return totals


def read_signals(msg: Analyzed, index: TermIndex) -> Signals:
    """Score topics, report types, actors and cues for one message."""
    hits = index.find(msg)
    totals = _sum_by_label(hits)
    sig = Signals()
    for (kind, name), score in totals.items():
        if kind == "topic":
            sig.topics[name] = score
        elif kind == "report":
            sig.reports[name] = score
        elif kind == "cue":
            sig.cues[name] = score
        elif kind == "actor":
            setattr(sig, name, True)
    sig.negated_labels = {h.label for h in hits if h.negated}
    for h in hits:
        if h.label[0] == "topic" and h.weight >= 2:
            sig.strong[h.label[1]] = sig.strong.get(h.label[1], 0) + 1
    _settle_aggression(sig)
    return sig


def _settle_aggression(sig: Signals) -> None:
    """Aggression by an outsider is external aggression; by a colleague, unwanted behaviour."""
    external = sig.reports.get("external_aggression", 0.0)
    if sig.outsider or (external and not sig.insider):  # a threat with no colleague named: outsiders
        if external:
            sig.reports["external_aggression"] = external + 1
            sig.reports["unwanted_behaviour"] = min(sig.reports.get("unwanted_behaviour", 0.0), external / 2)
    elif external:  # a push or a threat by a colleague is unwanted behaviour
        sig.reports["unwanted_behaviour"] = sig.reports.get("unwanted_behaviour", 0.0) + external
        sig.reports.pop("external_aggression", None)
