"""Language check: triangulate analyses English articles only, and says so about the others.

The analysis (spaCy's English pipeline, English date and count rules) would turn an article in
another language into nonsense without complaint, so such an article is not processed: it is
reported as a failure, ``not English (detected: fr)``, with code ``T109``, and the batch goes
on. Detection is py3langid's naive Bayes model over the first few thousand characters.

Only a confident verdict refuses an article: the text has enough letters to judge, the
model's best guess is another language, English is all but excluded (under 1%), and either
the guess is firm (at least 50%) or most letters are not Latin (Arabic, Cyrillic, CJK...: a
split between related languages is no reason to take the article). Short or odd texts
(a headline, ``x x x``, a list of names or codes) are processed as English.
"""

from __future__ import annotations

from functools import cache
from typing import Any

SAMPLE = 4000  # characters looked at
MIN_LETTERS = 50  # fewer letters than this: too short to judge
_FIRM, _EXCLUDED = 0.5, 0.01
_TAKEN = {"en", "zxx", "und"}  # English; "no linguistic content" (codes, ids) and "undetermined" are not another language


@cache
def _identifier() -> Any:
    """The py3langid model (loaded once per process, on first use: it takes under a second)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _latin(ch: str) -> bool:
    code = ord(ch)
    return code < 0x250 or 0x1E00 <= code <= 0x1EFF


def foreign_language(text: str) -> tuple[str, float] | None:
    """Return ``(language code, confidence)`` when ``text`` is confidently not English, else None."""
    sample = text[:SAMPLE]
    letters = [ch for ch in sample if ch.isalpha()]
    if len(letters) < MIN_LETTERS:
        return None
    ranked = dict(_identifier().rank(sample))
    best = max(ranked, key=lambda lang: ranked[lang])
    if best in _TAKEN or ranked.get("en", 0.0) >= _EXCLUDED:
        return None
    latin = sum(1 for ch in letters if _latin(ch)) / len(letters)
    if ranked[best] >= _FIRM or latin < 0.5:
        return best, float(ranked[best])
    return None
