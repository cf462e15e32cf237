"""The timeline task: the K most important dates of a corpus, and N sentences for each.

Dates are ranked after the timeline-summarisation literature (Tran et al. 2013; Martschat
and Markert 2018; Gholipour Ghalandari and Ifrim 2020) from two signals:

- **date mentions**: the number of documents that name the day (resolved by
  :mod:`triangulate.analyze.times`, so "on Tuesday" counts for the right day), plus half
  the number published on it. A day's candidate sentences are the ones that name it, plus
  the leads of articles published on it that name no other day.
- **events**, when the dossier has fused events: the sum over the day's events of the
  number of independent sources reporting each (syndicated copies count once), weighted by
  the event's role (main, related, background), plus a little for each further mention.

With events, a day's importance blends both, each scaled to its top day
(:data:`EVENT_WEIGHT`); its sentences are its candidates, or its events' own sentences when
no sentence names it. Without events, date mentions alone rank the days.

Either way, sentences are ranked by closeness (TF-IDF cosine) to the centroid of the day's
candidates, skipping near-repeats of one already chosen, so the summary says what most
sources say about the day. Only days within the corpus's span are chosen: from a week
before the first publication to the last one. Later days have not happened yet; earlier
ones are the background the articles recall, not the story they tell.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from .analyze.sentences import split_many
from .analyze.times import find_times
from .model import Document

__all__ = ["TimelineDate", "TimelineSentence", "build_timeline", "publication_baseline"]

ROLE_WEIGHT = {"main": 1.0, "related": 0.5, "background": 0.2}
LEAD_SENTENCES = 3  # sentences of an article that count as its lead
PUBLISHED_WEIGHT = 0.5  # a publication on a day counts half a mention of it
LEAD_IN = timedelta(days=7)  # a corpus may start a few days after the events it covers
REDUNDANT = 0.5  # cosine above which a sentence repeats one already chosen
MIN_WORDS, MAX_WORDS = 5, 60  # sentences outside this length make poor summaries
# With events, a day's importance is this share its events' (independent sources, role) and the rest its date
# mentions', each scaled to its top day. On Timeline17, events alone and mentions alone each fall to the
# publication baseline on some timeline; half and half beats it on all seven (bench/t17.py; BENCHMARKS.md).
EVENT_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class TimelineSentence:
    """One sentence of a timeline, with the span it comes from."""

    text: str
    doc: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TimelineDate:
    """One day of a timeline: the day, its sentences, its importance and what ranked it."""

    date: date
    sentences: tuple[TimelineSentence, ...]
    score: float
    basis: str  # events, mentions or published

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form: ``{"date", "sentences": [{"text", "doc", "start", "end"}], ...}``."""
        return {
            "date": self.date.isoformat(),
            "sentences": [{"text": s.text, "doc": s.doc, "start": s.start, "end": s.end} for s in self.sentences],
            "score": round(self.score, 4),
            "basis": self.basis,
        }


@dataclass(slots=True)
class _Sentence:
    doc: Document
    start: int
    end: int
    index: int  # position in its document
    days: set[date] = field(default_factory=set)

    @property
    def text(self) -> str:
        return self.doc.text[self.start : self.end]

    def out(self) -> TimelineSentence:
        return TimelineSentence(self.text, self.doc.id, self.start, self.end)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _sentences(documents: Sequence[Document]) -> list[list[_Sentence]]:
    """Split each document into sentences and attach the days each sentence names.

    Analysed documents bring their sentences and times; the others are split and read here.
    """
    todo = [d for d in documents if d.analysis is None]
    split = dict(zip((d.id for d in todo), split_many(d.text for d in todo), strict=True))
    out = []
    for doc in documents:
        a = doc.analysis
        spans = a.sentences if a is not None else split[doc.id]
        times = a.times if a is not None else find_times(doc.text, published=_day(doc.published))
        sents = [_Sentence(doc, s, e, i) for i, (s, e) in enumerate(spans)]
        starts = [s.start for s in sents]
        for t in times:
            if t.day is None:
                continue
            i = _locate(starts, t.start)
            if i is not None:
                sents[i].days.add(t.day)
        out.append(sents)
    return out


def _locate(starts: list[int], offset: int) -> int | None:
    import bisect

    i = bisect.bisect_right(starts, offset) - 1
    return i if i >= 0 else None


class _Ranker:
    """Ranks candidate sentences by TF-IDF cosine to their centroid, skipping repeats."""

    def __init__(self, texts: Iterable[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, lowercase=True)
        corpus = list(texts)
        self.fitted = bool(corpus)
        if self.fitted:
            try:
                self.vectorizer.fit(corpus)
            except ValueError:  # nothing but stop words
                self.fitted = False

    def pick(self, candidates: list[_Sentence], n: int) -> list[_Sentence]:
        """Return up to ``n`` sentences: the most central first, no near-repeats."""
        pool = [c for c in candidates if MIN_WORDS <= len(c.text.split()) <= MAX_WORDS] or candidates
        pool = list({(c.doc.id, c.start): c for c in pool}.values())
        if not pool or n <= 0:
            return []
        if not self.fitted:
            return sorted(pool, key=lambda c: (c.doc.id, c.start))[:n]
        import numpy as np

        vectors = self.vectorizer.transform([c.text for c in pool])
        centroid = np.asarray(vectors.mean(axis=0)).ravel()
        norm = np.linalg.norm(centroid)
        central = vectors @ centroid / norm if norm else np.zeros(len(pool))
        order = sorted(range(len(pool)), key=lambda i: (-float(central[i]), pool[i].doc.id, pool[i].start))
        chosen: list[int] = []
        for i in order:
            if all(float((vectors[i] @ vectors[j].T).toarray()[0, 0]) <= REDUNDANT for j in chosen):
                chosen.append(i)
                if len(chosen) == n:
                    break
        return [pool[i] for i in chosen]


def _span(documents: Sequence[Document]) -> tuple[date, date] | None:
    """The days a timeline of these documents may choose from (None: any day)."""
    days = [d for d in (_day(doc.published) for doc in documents) if d]
    return (min(days) - LEAD_IN, max(days)) if days else None


def _top(scores: dict[date, float], k: int, *, span: tuple[date, date] | None, exclude: Iterable[date] = ()) -> list[date]:
    skip = set(exclude)
    ok = [(d, s) for d, s in scores.items() if s > 0 and d not in skip and (span is None or span[0] <= d <= span[1])]
    return [d for d, _ in sorted(ok, key=lambda x: (-x[1], x[0]))[:k]]


def _mention_dates(sents: list[list[_Sentence]], documents: Sequence[Document]) -> tuple[dict[date, float], dict[date, list[_Sentence]]]:
    scores: dict[date, float] = defaultdict(float)
    candidates: dict[date, list[_Sentence]] = defaultdict(list)
    for doc, doc_sents in zip(documents, sents, strict=True):
        named: set[date] = set()
        for s in doc_sents:
            named |= s.days
            for d in s.days:
                candidates[d].append(s)
        for d in named:
            scores[d] += 1.0
        pub = _day(doc.published)
        if pub is not None:
            scores[pub] += PUBLISHED_WEIGHT
            candidates[pub].extend(s for s in doc_sents[:LEAD_SENTENCES] if not (s.days - {pub}))
    return scores, candidates


def _independent_sources(mentions: list[dict[str, Any]], by_id: dict[str, Document]) -> int:
    groups = set()
    for m in mentions:
        doc = by_id.get(str(m.get("doc")))
        if doc is not None:
            groups.add((doc.syndicated_from or doc.outlet or doc.id).casefold())
    return len(groups)


def _event_dates(
    events: Sequence[dict[str, Any]], sents: list[list[_Sentence]], documents: Sequence[Document]
) -> tuple[dict[date, float], dict[date, list[_Sentence]]]:
    by_id = {d.id: d for d in documents}
    starts = {doc.id: ([s.start for s in ss], ss) for doc, ss in zip(documents, sents, strict=True)}
    scores: dict[date, float] = defaultdict(float)
    candidates: dict[date, list[_Sentence]] = defaultdict(list)
    for ev in events:
        when = ev.get("date") or {}
        day = _day(when.get("start"))
        if day is None or (when.get("precision", "day") != "day" and when.get("end") != when.get("start")):
            continue
        mentions = [m for m in ev.get("mentions", []) if m.get("doc") in by_id]
        if not mentions:
            continue
        importance = ROLE_WEIGHT.get(str(ev.get("role")), 0.5) * (_independent_sources(mentions, by_id) + 0.1 * len(mentions))
        scores[day] += importance
        for m in mentions:
            offsets, doc_sents = starts[m["doc"]]
            i = _locate(offsets, int(m["start"]))
            if i is not None:
                candidates[day].append(doc_sents[i])
    return scores, candidates


def _blend(events: dict[date, float], mentions: dict[date, float]) -> dict[date, float]:
    """A day's importance from both its events and its date mentions, each scaled to its largest (see EVENT_WEIGHT)."""
    top_e, top_m = max(events.values(), default=0.0) or 1.0, max(mentions.values(), default=0.0) or 1.0
    return {d: EVENT_WEIGHT * events.get(d, 0.0) / top_e + (1 - EVENT_WEIGHT) * mentions.get(d, 0.0) / top_m for d in {*events, *mentions}}


def build_timeline(
    documents: Sequence[Document], *, dates: int, sentences: int, events: Sequence[dict[str, Any]] = ()
) -> list[TimelineDate]:
    """Return the ``dates`` most important days of the documents, ``sentences`` sentences each, in date order."""
    if dates <= 0:
        return []
    sents = _sentences(documents)
    span = _span(documents)
    ranker = _Ranker(s.text for ss in sents for s in ss)
    chosen: list[TimelineDate] = []
    scores, candidates = _mention_dates(sents, documents)
    if events:
        ev_scores, ev_candidates = _event_dates(events, sents, documents)
        blend = _blend(ev_scores, scores)
        for d in _top(blend, dates, span=span):
            # the sentences that name the day say what happened on it; the event's own sentences where none does
            picked = ranker.pick(candidates[d] or ev_candidates[d], sentences)
            chosen.append(TimelineDate(d, tuple(s.out() for s in picked), blend[d], "events" if ev_scores.get(d) else "mentions"))
    else:
        for d in _top(scores, dates, span=span):
            picked = ranker.pick(candidates[d], sentences)
            chosen.append(TimelineDate(d, tuple(s.out() for s in picked), scores[d], "mentions"))
    return sorted(chosen, key=lambda t: t.date)


def publication_baseline(documents: Sequence[Document], *, dates: int, sentences: int) -> list[TimelineDate]:
    """The baseline of the literature: the days on which most articles were published, with their leads."""
    sents = _sentences(documents)
    counts: Counter[date] = Counter(d for d in (_day(doc.published) for doc in documents) if d)
    ranker = _Ranker(s.text for ss in sents for s in ss)
    leads: dict[date, list[_Sentence]] = defaultdict(list)
    for doc, doc_sents in zip(documents, sents, strict=True):
        pub = _day(doc.published)
        if pub is not None:
            leads[pub].extend(doc_sents[:LEAD_SENTENCES])
    top = _top({d: float(c) for d, c in counts.items()}, dates, span=None)
    out = [TimelineDate(d, tuple(s.out() for s in ranker.pick(leads[d], sentences)), float(counts[d]), "published") for d in top]
    return sorted(out, key=lambda t: t.date)
