"""Cue rules (knowledge/cue_rules.yaml): boundaries the codes draw themselves, decided before any guess.

An offer made in exchange for a decision is bribery, whatever else the message mentions; such a
rule needs a word from each of its groups, and when it fires it fixes the reading (and, where it
says so, the verdict), with its reason shown to the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.matcher import Analyzed, TermIndex
from knowledge.nlu.reading import Reading
from knowledge.schema import Text

CUE_RULES_FILE = Path(__file__).resolve().parent.parent / "cue_rules.yaml"


@dataclass(frozen=True)
class CueRule:
    id: str
    reading: Reading
    reason: Text
    groups: int
    verdict: str | None = None


class CueRules:
    """All cue rules, compiled into one term index; `fired` gives the first rule that holds."""

    def __init__(self, rules: list[CueRule], index: TermIndex) -> None:
        self.rules = rules
        self.index = index

    @classmethod
    def load(cls, path: Path = CUE_RULES_FILE) -> CueRules:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rules, entries = [], []
        for spec in data.get("rules") or []:
            label = spec["reading"]
            rule = CueRule(spec["id"], Reading.of(label["intent"], label.get("topic"), label.get("report_type")),
                           Text(**spec["reason"]), len(spec["all_of"]), spec.get("verdict"))
            rules.append(rule)
            for g, words in enumerate(spec["all_of"]):
                entries += [(str(w), (rule.id, g), 1.0) for w in words]
        return cls(rules, TermIndex(entries))

    @property
    def vocabulary(self) -> set[str]:
        return set(self.index.vocabulary)

    def fired(self, msg: Analyzed) -> CueRule | None:
        groups = {h.label for h in self.index.find(msg) if not h.negated}
        for rule in self.rules:
            if all((rule.id, g) in groups for g in range(rule.groups)):
                return rule
        return None
