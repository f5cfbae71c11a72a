"""Text → n-gram features, identical at build time and at run time (pure Python).

Word unigrams and bigrams carry meaning ("mag ik", "in ruil"); character n-grams inside word
boundaries carry spelling variants, typos and Dutch compounds ("kerstpakket", "cadu").
Numbers become one token, so "25 euro" and "70 euro" look alike to the model: the amount is a
fact for the rules, not a cue for the reading.
"""

from __future__ import annotations

import re
import unicodedata

CHAR_SIZES = (3, 4, 5)
_NON_WORD = re.compile(r"[^a-z0-9€]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MAX_CHARS = 1500  # the question is rarely later than this; longer input costs time, not meaning


def normalise(text: str) -> str:
    """Lower case, accents folded, numbers as '0', punctuation as space."""
    text = unicodedata.normalize("NFKD", text[:MAX_CHARS].lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NUMBER.sub(" 0 ", text).replace("€", " euro ")
    return " ".join(_NON_WORD.sub(" ", text).split())


def ngrams(text: str) -> list[str]:
    """The features of one message (with repeats: the caller counts them)."""
    words = normalise(text).split()
    feats = [f"w:{w}" for w in words]
    feats += [f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    for w in set(words):
        padded = f" {w} "
        for n in CHAR_SIZES:
            if len(padded) >= n:
                feats += [f"c:{padded[i:i + n]}" for i in range(len(padded) - n + 1)]
    return feats
