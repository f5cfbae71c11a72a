"""What `kb check` says about the examples and the model: errors fail, disagreements are listed."""

from __future__ import annotations

from knowledge.loader import LoadResult
from knowledge.nlu.examples import load_examples
from knowledge.nlu.model import ReadingModel
from knowledge.nlu.training import stale_reason

SHOW_DISAGREEMENTS = 15


def check_examples(result: LoadResult) -> tuple[list[str], list[str]]:
    """(errors, notes): example errors and a stale model are errors; misread examples are notes."""
    examples, errors = load_examples()
    problems = [str(e) for e in errors]
    model = ReadingModel.load()
    stale = stale_reason(model)
    if stale:
        problems.append(f"knowledge/nlu/model: {stale}")
    notes: list[str] = []
    if not problems and examples:
        from knowledge.engine import KnowledgeBase
        from knowledge.loader import load_vocabulary
        from knowledge.nlu.cue_rules import CueRules
        from knowledge.nlu.explain import disagreements

        kb = KnowledgeBase(result.organisations, result.national, result.lexicon, load_vocabulary(), model,
                           CueRules.load())
        misread = disagreements(kb, examples)
        if misread:
            notes.append(f"{len(misread)} of {len(examples)} examples are read differently from their label "
                         f"(add examples or cue rules; `integrity-bot explain` shows why):")
            notes += [f"  {m}" for m in misread[:SHOW_DISAGREEMENTS]]
    return problems, notes
