"""Sentence boundaries with spaCy's rule-based sentencizer: fast, no model needed.

A line break always ends a sentence (cleaned text keeps one paragraph or one line of a
list per line); inside a line, spaCy's sentencizer decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

_LINE_BATCH = 256


@lru_cache(maxsize=1)
def _nlp() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _lines(text: str) -> Iterator[tuple[int, str]]:
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            yield pos + line.index(stripped), stripped
        pos += len(line)


def split_many(texts: Iterable[str]) -> Iterator[list[tuple[int, int]]]:
    """Yield, for each text, the ``(start, end)`` offsets of its sentences (whitespace trimmed)."""
    nlp = _nlp()
    for text in texts:
        found: list[tuple[int, int]] = []
        lines = list(_lines(text))
        for (offset, _line), doc in zip(lines, nlp.pipe((line for _, line in lines), batch_size=_LINE_BATCH), strict=True):
            for sent in doc.sents:
                s = sent.text.strip()
                if s:
                    start = offset + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
                    found.append((start, start + len(s)))
        yield found


def split(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of the sentences of ``text``."""
    return next(split_many([text]))
