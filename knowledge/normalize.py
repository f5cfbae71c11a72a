"""Text normalisation: what users type becomes comparable tokens.

Users type in a hurry: capitals, accents or none ("cadeau", "cadeautje", "kadootje"),
typos, Dutch and English. Matching works on lower-case ASCII tokens; accents are folded and
punctuation becomes space, but amounts keep their digits, commas and the euro sign.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_TEXT = 4000  # a question never needs more; longer input is cut before analysis

_PUNCT = re.compile(r"[^a-z0-9€\s,.\-']")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Spelling variants that a fuzzy match would not catch safely.
_VARIANTS = {
    "kado": "cadeau", "kadootje": "cadeautje", "kadotje": "cadeautje", "cadootje": "cadeautje",
    "kados": "cadeaus", "cado": "cadeau", "cadeautjes": "cadeautje", "presentje": "cadeautje",
    "mn": "mijn", "m'n": "mijn", "z'n": "zijn", "zn": "zijn", "da": "dat", "ff": "even",
    "wss": "waarschijnlijk", "idd": "inderdaad", "vd": "van de", "ok": "oke", "okay": "oke",
    "pls": "alsjeblieft", "aub": "alsjeblieft", "can't": "cannot", "i'm": "i am",
    "don't": "do not", "doesn't": "does not", "isn't": "is not", "it's": "it is",
    "i've": "i have", "we're": "we are", "what's": "what is",
}


def fold(text: str) -> str:
    """Lower-case and strip accents (é → e, ë → e), keeping € and digits."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def clean(text: str) -> str:
    """Drop control characters and cut overly long input; what is left is safe to analyse."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text[:MAX_TEXT])
    return text.strip()


def normalize(text: str) -> str:
    """Folded text with punctuation reduced to spaces (amount punctuation kept)."""
    text = fold(clean(text)).replace("’", "'").replace("‘", "'")
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """Word tokens of already normalised text, with spelling variants mapped."""
    out: list[str] = []
    for tok in _TOKEN.findall(text):
        mapped = _VARIANTS.get(tok, tok)
        out.extend(mapped.split())
    return out


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """A light Dutch/English stem: plural, diminutive and verb endings off, no dictionary.

    Deliberately conservative: matching also accepts prefixes, so the stem only needs to
    bring the common forms ("cadeautjes", "geschenken", "invitations") close enough.
    """
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix in ("etjes", "etje", "tjes", "tje", "jes", "je"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    for suffix in ("ingen", "ing", "ations", "ation", "ies", "en", "es", "s", "e", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]  # geschenkken-style doubling after stripping
    return word


_ENGLISH_MARKERS = frozenset(
    "the a an i my are can may should could would to from for with what who where how "
    "do does did am allowed accept colleague gift supplier report worth about it this that "
    "been being have has our they he she at work".split())
_DUTCH_MARKERS = frozenset(
    "de het een ik mijn mag moet kan zijn van voor met wat wie waar hoe bij dat die dit "
    "er op aan niet geen je jij wij ze hij zij en als".split())


def detect_language(words: list[str]) -> str:
    """'en' when the message reads as English, else 'nl' (the bot's first language)."""
    en = sum(w in _ENGLISH_MARKERS for w in words)
    nl = sum(w in _DUTCH_MARKERS for w in words)
    return "en" if en > nl else "nl"
