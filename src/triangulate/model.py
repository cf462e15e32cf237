"""The typed records that flow through triangulate's stages.

ingest makes a :class:`RawDocument` per article; clean turns it into a :class:`Document`
whose ``text`` is the cleaned body, with every removal recorded and an :class:`OffsetMap`
from clean offsets back to raw ones. Later stages add to the document; fusion and
rendering build a :class:`Dossier`.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import sys
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .analyze import Analysis

SCHEMA = "triangulate.dossier/1"
INTERN_MAX = 64  # strings up to this length are shared when records are read (labels, names, codes)


def _shared(d: dict[str, Any]) -> dict[str, Any]:
    """Share one copy of each short string among all records read (a JSON object hook).

    A stored analysis repeats a few thousand strings (entity labels, country codes, event
    types, canonical names) across every document; read as they are, each occurrence is a
    separate object. On Timeline17 this brought a loaded document from 74 to 46 KB (tracemalloc).
    """
    for k, v in d.items():
        if type(v) is str:
            if len(v) <= INTERN_MAX:
                d[k] = sys.intern(v)
        elif type(v) is list and v and type(v[0]) is str:
            d[k] = [sys.intern(x) if type(x) is str and len(x) <= INTERN_MAX else x for x in v]
    return d


_RECORDS = json.JSONDecoder(object_hook=_shared)


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a document's cleaned text: ``text[start:end] == quote``."""

    doc: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True, slots=True)
class Removal:
    """A piece of the raw text that cleaning took out, and why."""

    raw_start: int
    raw_end: int
    reason: str
    detail: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class RawSpan:
    """Where a metadata field (title, byline, date) was found in the raw text."""

    raw_start: int
    raw_end: int
    quote: str


@dataclass(slots=True)
class OffsetMap:
    """Maps cleaned-text offsets back to raw-text offsets.

    The cleaned text is a concatenation of verbatim raw pieces and short synthetic
    separators (paragraph breaks). ``segments`` holds one ``(clean_start, raw_start,
    length)`` triple per verbatim piece, in order; a clean offset inside a separator maps
    to the raw offset where the previous piece ended.
    """

    segments: list[tuple[int, int, int]] = field(default_factory=list)

    def to_raw(self, clean: int) -> int:
        """Return the raw offset of a clean offset."""
        if not self.segments:
            return clean
        i = bisect.bisect_right(self.segments, clean, key=lambda s: s[0]) - 1
        if i < 0:
            return self.segments[0][1]
        cs, rs, n = self.segments[i]
        if clean <= cs + n:
            return rs + (clean - cs)
        return rs + n

    def to_raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Return the raw ``(start, end)`` of a clean ``[start, end)`` span."""
        if end <= start:
            r = self.to_raw(start)
            return r, r
        return self.to_raw(start), self.to_raw(end - 1) + 1

    def to_json(self) -> list[list[int]]:
        """Return the segments as plain lists."""
        return [list(s) for s in self.segments]

    @classmethod
    def from_json(cls, data: list[list[int]]) -> OffsetMap:
        """Rebuild a map from :meth:`to_json` output."""
        return cls([(int(a), int(b), int(c)) for a, b, c in data])


@dataclass(slots=True)
class RawDocument:
    """One article as a reader found it, before any cleaning."""

    path: str
    reader: str
    raw: str
    encoding: str = "utf-8"
    item: int | None = None
    url: str | None = None
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: str | None = None
    source_id: str | None = None

    @property
    def id(self) -> str:
        """Stable id derived from the content: the same text gets the same id on every run."""
        return content_id(self.raw)

    @property
    def origin(self) -> str:
        """The path or URL, with the item number for files holding several articles."""
        return self.path if self.item is None else f"{self.path}#{self.item}"


def content_id(raw: str) -> str:
    """Return the stable document id of a raw text."""
    return "d" + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(slots=True)
class Document:
    """A cleaned article: body text, metadata, what was removed and how to map back."""

    id: str
    path: str
    reader: str
    raw: str
    text: str
    removed: list[Removal]
    offsets: OffsetMap
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    published_source: str | None = None
    syndicated_from: str | None = None
    url: str | None = None
    source_id: str | None = None
    encoding: str = "utf-8"
    infobox: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, RawSpan] = field(default_factory=dict)
    analysis: Analysis | None = None  # set by the analyze stage

    def to_dict(self) -> dict[str, Any]:
        """Return the document as plain data (for the store and the dossier)."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["removed"] = [asdict(r) for r in self.removed]
        d["evidence"] = {k: asdict(v) for k, v in self.evidence.items()}
        d["infobox"] = dict(self.infobox)
        d["offsets"] = self.offsets.to_json()
        d["analysis"] = self.analysis.to_dict() if self.analysis is not None else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        """Rebuild a document from :meth:`to_dict` output."""
        d = dict(d)
        d["removed"] = [Removal(**r) for r in d["removed"]]
        d["offsets"] = OffsetMap.from_json(d["offsets"])
        d["evidence"] = {k: RawSpan(**v) for k, v in d.get("evidence", {}).items()}
        if d.get("analysis") is not None:
            from .analyze import Analysis

            d["analysis"] = Analysis.from_dict(d["analysis"])
        return cls(**d)

    @classmethod
    def from_json(cls, text: str) -> Document:
        """Rebuild a document from the JSON of :meth:`to_dict`, sharing repeated short strings with other documents read."""
        return cls.from_dict(_RECORDS.decode(text))

    def span(self, start: int, end: int) -> Span:
        """Return the :class:`Span` of ``text[start:end]``."""
        return Span(self.id, start, end, self.text[start:end])


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be processed, and why."""

    source: str
    reason: str
    code: str
    stage: str = "ingest"

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Part:
    """Analysed documents a worker wrote to a Parquet file, for the store to read (see :func:`triangulate.store.write_part`)."""

    path: str
    ids: tuple[str, ...]


@dataclass(slots=True)
class RunStats:
    """What one run did: documents seen, newly processed, failures, document ids, seconds per stage."""

    documents: int = 0
    new: int = 0
    failures: list[Failure] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # what the run counted besides documents (blocks fused)

    def timed(self, name: str, seconds: float) -> None:
        """Add ``seconds`` to the time spent in ``name``."""
        self.timings[name] = self.timings.get(name, 0.0) + seconds


@dataclass(slots=True)
class Dossier:
    """What triangulate knows about a set of documents (see the dossier contract)."""

    documents: list[Document]
    failures: list[Failure] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    infobox: dict[str, Any] = field(default_factory=dict)
    copies: dict[str, dict[str, Any]] = field(default_factory=dict)  # document id -> its copy group (fuse.dedup)
    fusion: dict[str, Any] = field(default_factory=dict)  # what fusion did: counts, focus countries, seconds
    run: RunStats | None = None

    def document(self, doc_id: str) -> Document:
        """Return the document with id ``doc_id`` (KeyError when absent)."""
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)
