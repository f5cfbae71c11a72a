"""Why the bot read a question the way it did: for coordinators who find a wrong answer.

Shows the cue rule that fired, the rules' reading with the lexicon's scores, the model's top
readings, how they were combined, the nearest labelled example (file and line) and the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge.facts import extract_facts
from knowledge.matcher import Analyzed
from knowledge.nlu.examples import Example, load_examples

if TYPE_CHECKING:
    from knowledge.engine import KnowledgeBase


def nearest_examples(kb: KnowledgeBase, text: str, examples: list[Example], k: int = 3) -> list[tuple[Example, float]]:
    """The labelled examples most like the text (cosine similarity of the model's vectors)."""
    if kb.model is None or not examples:
        return []
    idx, val = kb.model.vector(text)
    query = dict(zip(idx.tolist(), val.tolist(), strict=True))
    scored = []
    for ex in examples:
        eidx, evals = kb.model.vector(ex.text)
        sim = float(sum(query.get(i, 0.0) * v for i, v in zip(eidx.tolist(), evals.tolist(), strict=True)))
        scored.append((ex, sim))
    scored.sort(key=lambda es: -es[1])
    return scored[:k]


def explain(kb: KnowledgeBase, org: str, text: str) -> list[str]:
    """Plain lines, English (an administrator's and coordinator's tool, like kb check)."""
    msg = Analyzed(text, kb.corrector)
    facts = extract_facts(msg.text)
    rules = kb.rule_reading(org, msg, facts)
    final = kb.understand(org, msg, facts)
    lines = [f"words read: {' '.join(msg.words)}"]
    sig = rules.signals
    if sig is not None:
        cues = ", ".join(f"{c}" for c, v in sorted(sig.cues.items()) if v > 0) or "none"
        topics = ", ".join(f"{t} {s:g}" for t, s in sorted(sig.topics.items(), key=lambda kv: -kv[1])) or "none"
        reports = ", ".join(f"{t} {s:g}" for t, s in sorted(sig.reports.items(), key=lambda kv: -kv[1])) or "none"
        lines += [f"lexicon cues: {cues}", f"lexicon topics: {topics}", f"lexicon report types: {reports}"]
    lines.append(f"rules read: {rules.reading.label}" + (f" (info item {rules.info_item})" if rules.info_item else ""))
    if final.cue is not None:
        lines.append(f"cue rule fired: {final.cue.id} -> {final.cue.reading.label} (knowledge/cue_rules.yaml)")
    decision = final.decision
    if decision is not None and decision.model:
        lines.append("model: " + ", ".join(f"{r.label} {p:.2f}" for r, p in decision.model[:5]))
        lines.append("combined: " + ", ".join(f"{r.label} {p:.2f}" for r, p in decision.totals[:5]))
    elif kb.model is None:
        lines.append("model: none built (run `integrity-bot nlu build`)")
    if decision is not None:
        asks = ", ".join(r.label for r in decision.alternatives)
        lines.append(f"decided: {decision.reading.label} because {decision.why}" + (f" (asks: {asks})" if asks else ""))
    answer, _ = kb.answer(org, text)
    lines.append(f"answer: intent {answer.intent}, topic {answer.topic}, verdict {answer.verdict}, "
                 f"report type {answer.report_type}, situation {answer.situation}")
    examples, _ = load_examples()
    for ex, sim in nearest_examples(kb, text, examples):
        lines.append(f"nearest example ({sim:.2f}): {ex.where} [{ex.reading.label}] {ex.text[:100]}")
    return lines


def disagreements(kb: KnowledgeBase, examples: list[Example], default_org: str = "ommen") -> list[str]:
    """Examples that the rules or the model read differently from their label (for kb check)."""
    found = []
    for ex in examples:
        org = ex.org if ex.org in kb.organisations else default_org
        msg = Analyzed(ex.text, kb.corrector)
        rules = kb.rule_reading(org, msg).reading
        model = kb.model.readings(ex.text)[0][0] if kb.model is not None else rules
        final = kb.understand(org, msg).reading
        if final != ex.reading:
            found.append(f"{ex.where}: labelled {ex.reading.label}, read as {final.label} "
                         f"(rules {rules.label}, model {model.label})")
        elif ex.situation:
            answer, _ = kb.answer(org, ex.text)
            if answer.situation not in (None, ex.situation):
                found.append(f"{ex.where}: labelled situation {ex.situation}, answered by {answer.situation}")
    return found



