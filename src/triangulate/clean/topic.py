"""Topical distance between two stretches of text: cosine of their content-word counts.

Hand-written because it is ten lines and must run before any language model is loaded;
the stop-word list is spaCy's English one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]{3,}")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _stem(word: str) -> str:
    # plural and possessive endings only: enough to match "strikes" with "strike"
    for suffix in ("'s", "’s", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def terms(text: str) -> Counter[str]:
    """Return the content-word counts of ``text`` (lower-cased, crudely stemmed)."""
    stop = _stop_words()
    return Counter(_stem(w) for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in stop)


def similarity(a: str, b: str) -> float:
    """Return the cosine similarity (0..1) of two texts' content words."""
    ta, tb = terms(a), terms(b)
    if not ta or not tb:
        return 0.0
    dot = sum(ta[w] * tb[w] for w in ta.keys() & tb.keys())
    norm = math.sqrt(sum(v * v for v in ta.values())) * math.sqrt(sum(v * v for v in tb.values()))
    return dot / norm if norm else 0.0
