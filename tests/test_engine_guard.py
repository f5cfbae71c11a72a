"""The engine's bound on pathological input: the answer to a normal question is unchanged,
and a huge single word or a flood of words is read as a bounded message."""

from __future__ import annotations

from knowledge.engine import KnowledgeBase
from knowledge.guard import MAX_WORD, MAX_WORDS, bounded


def test_a_normal_question_passes_unchanged() -> None:
    text = "Mag ik een fles wijn van 25 euro van een leverancier aannemen?"
    assert bounded(text) == text


def test_long_words_and_floods_of_words_are_cut() -> None:
    assert bounded("a" * 4000) == "a" * MAX_WORD
    assert len(bounded("woord " * 2000).split()) == MAX_WORDS


def test_the_engine_answers_pathological_input_kindly(kb: KnowledgeBase) -> None:
    answer, _ = kb.answer("ommen", "€" + "1" * 3999)
    assert answer.intent in ("fallback", "clarify", "rule", "info", "offtopic")
    answer, _ = kb.answer("ommen", "x" * 4000)
    assert answer.intent
