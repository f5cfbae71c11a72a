"""Phrase matching with typo tolerance: which lexicon terms occur in a message.

A term is a word or short phrase. A term word matches a message word when the words are
equal, share the stem, when the message word starts with it ("cadeau" → "cadeautje") or ends
with it as the head of a compound ("pakket" → "kerstpakket"). A term written with a leading
"=" matches whole words only; one written with "<" matches whole words and longer words that
start with it, but is never taken as the head of a compound (so "houden" stays out of
"grondhouding"). Unknown message words are corrected with rapidfuzz (Damerau-Levenshtein)
towards the lexicon, so "cadaeu" and "leverancer" still count. A term preceded by a negation
("geen diner", "without dinner") is marked negated.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from knowledge.normalize import normalize, stem, tokens

NEGATIONS = frozenset({"geen", "niet", "zonder", "nooit", "no", "not", "without", "never", "non"})
MIN_AFFIX = 4  # shorter term words must match whole words
MAX_GAP = 2  # words allowed between the words of a phrase


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # stems
    exact: bool
    prefix_only: bool
    label: Hashable
    weight: float


@dataclass(frozen=True)
class Hit:
    label: Hashable
    weight: float
    start: int
    end: int
    negated: bool


class Analyzed:
    """A message prepared once for every lookup: normalised text, words, stems, corrections."""

    __slots__ = ("text", "words", "stems")

    def __init__(self, raw: str, corrector: Corrector | None = None) -> None:
        self.text = normalize(raw)
        words = tokens(self.text)
        if corrector is not None:
            words = [corrector.correct(w) for w in words]
        self.words = words
        self.stems = [stem(w) for w in words]


def _word_matches(term_word: str, exact: bool, word: str, word_stem: str, prefix_only: bool = False) -> bool:
    if exact:
        return term_word == word
    if term_word in (word, word_stem):
        return True
    if len(term_word) < MIN_AFFIX:
        return False
    if word.startswith(term_word):
        return True
    return not prefix_only and any(form.endswith(term_word) and len(form) - len(term_word) >= 3
                                   for form in (word, word_stem))


class TermIndex:
    """Compiled terms, looked up by the first word's stem and its affixes."""

    def __init__(self, entries: Iterable[tuple[str, Hashable, float]]) -> None:
        self._by_first: dict[str, list[Term]] = {}
        self.vocabulary: set[str] = set()
        for phrase, label, weight in entries:
            exact = phrase.startswith("=")
            prefix_only = phrase.startswith("<")
            raw = tokens(normalize(phrase.lstrip("=<")))
            words = tuple(raw) if exact else tuple(_term_stem(w) for w in raw)
            if not words:
                continue
            self._by_first.setdefault(words[0], []).append(Term(words, exact, prefix_only, label, weight))
            self.vocabulary.update(raw)
            self.vocabulary.update(words)

    def _candidates(self, word: str, word_stem: str) -> list[Term]:
        found: list[Term] = []
        for key in _lookup_keys(word, word_stem):
            found.extend(self._by_first.get(key, ()))
        return found

    def find(self, msg: Analyzed) -> list[Hit]:
        """Every term occurrence in the message, with its position and negation."""
        hits: list[Hit] = []
        words, stems = msg.words, msg.stems
        for i, (word, word_stem) in enumerate(zip(words, stems, strict=True)):
            for term in self._candidates(word, word_stem):
                if not _word_matches(term.words[0], term.exact, word, word_stem, term.prefix_only):
                    continue
                end = _match_rest(term, words, stems, i)
                if end is None:
                    continue
                negated = any(w in NEGATIONS for w in words[max(0, i - 3):i])
                hits.append(Hit(term.label, term.weight, i, end, negated))
        return hits


SHORT_STEM = 5


def _term_stem(word: str) -> str:
    """The stem a term word is matched by; a stem that stemming cut below five letters would
    match too much as a prefix ("plannen" → "plan" → "plant"), so the word itself is kept."""
    stemmed = stem(word)
    return word if stemmed != word and len(stemmed) < SHORT_STEM else stemmed


@lru_cache(maxsize=50000)
def _lookup_keys(word: str, word_stem: str) -> frozenset[str]:
    """The word, its stem, and the prefixes and compound heads a term could be written as."""
    keys = {word, word_stem}
    for form in (word, word_stem):
        keys.update(form[:k] for k in range(MIN_AFFIX, len(form)))
        keys.update(form[k:] for k in range(3, len(form) - MIN_AFFIX + 1))
    return frozenset(keys)


def _match_rest(term: Term, words: list[str], stems: list[str], i: int) -> int | None:
    """Index after the last word of a phrase starting at i, or None if it does not follow."""
    pos = i
    for term_word in term.words[1:]:
        for j in range(pos + 1, min(len(words), pos + 2 + MAX_GAP)):
            if _word_matches(term_word, term.exact, words[j], stems[j], term.prefix_only):
                pos = j
                break
        else:
            return None
    return pos + 1


class Corrector:
    """Maps a misspelt word to the nearest lexicon word; known words are left alone."""

    def __init__(self, lexicon_words: set[str], known_words: set[str]) -> None:
        self._choices = sorted(w for w in lexicon_words if len(w) >= 5)
        self._known = known_words | lexicon_words

    @lru_cache(maxsize=50000)  # noqa: B019 - one corrector per process, bounded cache
    def correct(self, word: str) -> str:
        if len(word) < 5 or len(word) > 30 or word.isdigit() or word in self._known or stem(word) in self._known:
            return word
        best = process.extractOne(word, self._choices, scorer=DamerauLevenshtein.normalized_similarity,
                                  score_cutoff=0.8)
        return best[0] if best else word
