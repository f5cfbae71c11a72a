"""Rules and model together: which reading of a message wins, and when to ask instead.

The rule engine gives one reading; the model gives a probability for every reading. The rules'
reading counts as a vote on top of the model's probability for it (a smaller vote when the
rules found nothing), and the best total wins. The model alone never makes a question "not
understood" unless it is very sure, and never turns an off-topic message into a question
unless it is sure. When the two disagree on what kind of question it is and neither is sure —
the winner's lead is small and the model itself is unsure — the bot asks, with both readings as
buttons, rather than guess. The weights were chosen by leave-one-file-out cross-validation
(bench/nlu_crossval.py prints the figures).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.nlu.reading import Reading


@dataclass(frozen=True)
class Weights:
    rule: float = 0.15  # the rules' vote for their reading
    rule_fallback: float = 0.15  # the rules' vote for "not understood"
    model_over_fallback: float = 0.3  # the model must be this sure to make an off-topic message a question
    model_to_fallback: float = 0.6  # ... and this sure to call a question off-topic
    clarify_margin: float = 0.01  # lead of the winner under which disagreeing readings are asked about
    clarify_model_below: float = 0.3  # ... and only when the model's own best is below this


WEIGHTS = Weights()


@dataclass
class Decision:
    """The winning reading and why, for the answer and for `integrity-bot explain`."""

    reading: Reading
    why: str  # "cue:<id>" | "agree" | "rules" | "model" | "clarify" | "rules-only"
    rules: Reading
    model: list[tuple[Reading, float]] = field(default_factory=list)
    totals: list[tuple[Reading, float]] = field(default_factory=list)
    alternatives: list[Reading] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        """Rules and model agree (or a cue rule decided): a green light may stand."""
        return self.why == "agree" or self.why.startswith("cue:")


def _kind(r: Reading) -> tuple[str, str | None]:
    """What kind of question: readings of one kind (two report types) are never asked about."""
    return (r.intent, r.topic if r.intent == "rule" else None)


def decide(rules: Reading, model: list[tuple[Reading, float]], w: Weights = WEIGHTS) -> Decision:
    """Pick the reading from the rules' reading and the model's ranked probabilities."""
    if not model:
        return Decision(rules, "rules-only", rules)
    totals = {r: p for r, p in model}
    totals[rules] = totals.get(rules, 0.0) + (w.rule_fallback if rules.intent == "fallback" else w.rule)
    ranked = sorted(totals.items(), key=lambda kv: -kv[1])
    best, best_total = ranked[0]
    model_best, model_p = model[0]
    decision = Decision(best, "", rules, model[:5], ranked[:5])
    if best == rules and model_best == rules:
        decision.why = "agree"
        return decision
    if best != rules and (rules.intent == "fallback" and model_p < w.model_over_fallback
                          or best.intent == "fallback" and model_p < w.model_to_fallback):
        decision.reading, decision.why = rules, "rules"  # the model only guesses about "understood at all"
        return decision
    runner_up, second_total = ranked[1] if len(ranked) > 1 else (best, 0.0)
    if ({best, runner_up} == {rules, model_best} and _kind(best) != _kind(runner_up)
            and best_total - second_total < w.clarify_margin and model_p < w.clarify_model_below
            and not {best.intent, runner_up.intent} & {"help", "fallback"}):
        decision.why = "clarify"
        decision.alternatives = [best, runner_up]
        return decision
    decision.why = "rules" if best == rules else "model"
    return decision
