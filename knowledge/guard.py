"""A bound on what one message can cost the engine, whatever someone pastes into a chat.

The engine reads a message with regular expressions and fuzzy look-ups whose cost grows faster
than the length of a single word (a 4 000-character 'word' took seconds on a busy machine).
No Dutch or English word is longer than MAX_WORD characters and no question needs more than
MAX_WORDS words, so cutting there changes no answer and caps the work.
"""

from __future__ import annotations

import re

MAX_WORD = 40
MAX_WORDS = 250

_WORD = re.compile(r"\S+")


def bounded(text: str) -> str:
    """`text` with every run of non-space characters cut to MAX_WORD and at most MAX_WORDS of them."""
    words = _WORD.findall(text or "")
    if len(words) <= MAX_WORDS and all(len(w) <= MAX_WORD for w in words):
        return text
    return " ".join(w[:MAX_WORD] for w in words[:MAX_WORDS])
