"""Fuse: the only stage that sees all documents.

1. copies and syndicated reprints are grouped (:mod:`.dedup`), so that ten copies of one
   report count as one independent source;
2. names are resolved across documents: one canonical entity per actor, place, organisation
   and source, with its aliases and mentions (:func:`resolve_entities`);
3. the event mentions of all documents are clustered into real-world events (:mod:`.coref`);
4. each event's attributes are reconciled: who claims what, the value settled on and the
   rule that chose it, and a conflict wherever reports disagree (:mod:`.reconcile`);
5. every document is scored for reliability (:mod:`.reliability`);
6. the timeline and the infobox are drawn from the fused events (:mod:`.summary`).
"""

from __future__ import annotations

import gc
import hashlib
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..model import Document
from .coref import BlockRunner, cluster_mentions, mentions_of
from .dedup import Copy, copy_groups
from .reconcile import reconcile
from .reliability import score_sources
from .summary import infobox, timeline

__all__ = ["Fused", "code_version", "focus_countries", "fuse", "resolve_entities"]

FOCUS_SHARE = 0.5  # a country with at least half the top country's weight is one the corpus is about
MAX_ENTITY_MENTIONS = 20  # spans kept per entity in the dossier (all are counted)


@dataclass(slots=True)
class Fused:
    """What fusion makes of a set of documents."""

    events: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    copies: dict[str, Copy] = field(default_factory=dict)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    infobox: dict[str, Any] = field(default_factory=dict)
    focus: list[str] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code and data fusion depends on (the package, less what only renders or serves)."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        skip = rel.parts[0] in ("web", "render") or "__pycache__" in rel.parts
        if path.is_file() and not skip and path.suffix in (".py", ".toml", ".json", ".txt", ".tsv"):
            h.update(str(rel).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _source_key(name: str) -> str:
    """A source's name compared loosely: case, "the", possessives and punctuation ignored."""
    s = re.sub(r"[’']s\b", "", name.lower())
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"[^\w]+", " ", s).strip()


def resolve_entities(documents: Sequence[Document]) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """One entity per real-world actor, place, organisation and source across all documents.

    Returns the entities (id, name, type, aliases, country, documents, mentions) and a map
    from ``(document id, name in that document)`` to the dossier-wide name.
    """
    from ..analyze.entities import unify

    docs = [d for d in documents if d.analysis is not None]
    unified = unify(d.analysis.entities for d in docs if d.analysis is not None)
    names: dict[tuple[str, str], str] = {}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for doc, ents in zip(docs, unified, strict=True):
        assert doc.analysis is not None
        for before, e in zip(doc.analysis.entities, ents, strict=True):
            names[(doc.id, before.canonical)] = e.canonical
            label = {"GROUP": "ORG", "LOC": "GPE"}.get(e.label, e.label)
            g = groups.setdefault(
                (label, e.key),
                {"name": e.canonical, "type": label, "country": e.country, "aliases": Counter(), "docs": set(), "mentions": [], "count": 0},
            )
            g["aliases"][e.text] += 1
            g["docs"].add(doc.id)
            g["count"] += 1
            if len(g["mentions"]) < MAX_ENTITY_MENTIONS:  # the rest are counted, not kept: they are most of fusion's memory
                g["mentions"].append({"doc": doc.id, "start": e.start, "end": e.end, "quote": doc.text[e.start : e.end]})
    # the sources documents cite ("Iranian state media", "Pakistan's foreign ministry") are entities too
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    cited: dict[str, list[tuple[Document, Any]]] = defaultdict(list)
    for doc in docs:
        assert doc.analysis is not None
        for m in doc.analysis.events:
            for who in [m.claimed_by, *(f.get("claimed_by") for f in (m.fatalities, m.injuries) if f)]:
                if who:
                    spellings[_source_key(who)][who] += 1
                    cited[_source_key(who)].append((doc, m))
    by_name = {g["name"]: g for g in groups.values()}
    for key, spelled in spellings.items():
        name = min(spelled, key=lambda s: (-spelled[s], -len(s), s))
        for doc, _m in cited[key]:
            for s in spelled:
                names.setdefault((doc.id, s), name)
        known = by_name.get(name)
        if known is not None:
            known["source"] = True
            continue
        groups[("SOURCE", key)] = {
            "name": name,
            "type": "SOURCE",
            "country": None,
            "aliases": Counter(spelled),
            "docs": {d.id for d, _ in cited[key]},
            "mentions": [
                {"doc": d.id, "start": m.sentence[0], "end": m.sentence[1], "quote": d.text[m.sentence[0] : m.sentence[1]]}
                for d, m in cited[key][:MAX_ENTITY_MENTIONS]
            ],
            "count": len(cited[key]),
            "source": True,
        }
    entities = []
    for (label, key), g in sorted(groups.items(), key=lambda kv: (-kv[1]["count"], kv[1]["name"])):
        entities.append(
            {
                "id": "n" + hashlib.sha256(f"{label}:{key}".encode()).hexdigest()[:12],
                "name": g["name"],
                "type": label,
                "country": g["country"],
                "aliases": sorted(g["aliases"], key=lambda a: (-g["aliases"][a], a)),
                "documents": len(g["docs"]),
                "mention_count": g["count"],
                "mentions": g["mentions"],
                "cited_as_source": bool(g.get("source")),
            }
        )
    return entities, names


def focus_countries(documents: Iterable[Document], copies: Mapping[str, Copy] | None = None) -> list[str]:
    """The countries the corpus is about: by their share of each independent report's country names."""
    weight: defaultdict[str, float] = defaultdict(float)
    seen: set[str] = set()
    for doc in documents:
        group = copies[doc.id].group if copies and doc.id in copies else doc.id
        if doc.analysis is None or group in seen:
            continue
        seen.add(group)
        for country, share in doc.analysis.countries.items():
            weight[country] += share
    if not weight:
        return []
    top = max(weight.values())
    return sorted(k for k, w in weight.items() if w >= FOCUS_SHARE * top)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: fusion makes millions of small objects and no cycles to speak of.

    With hundreds of thousands of analysed documents loaded, each of the collector's full passes
    walks all of them; on 9,652 Timeline17 documents coreference took 10.8 s with the collector
    and 6.8 s without. Reference counting still frees everything that is dropped.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def fuse(
    documents: Sequence[Document],
    *,
    copies: Mapping[str, Copy] | None = None,
    blocks: MutableMapping[str, list[list[int]]] | None = None,
    runner: BlockRunner | None = None,
) -> Fused:
    """Fuse the documents' event mentions into events, with claims, conflicts, sources and entities.

    ``blocks`` is a cache of coreference blocks (see :func:`~.coref.cluster_mentions`), updated
    in place; ``runner`` maps coreference over blocks in parallel (an engine's workers).
    """
    with _collector_paused():
        return _fuse(documents, copies=copies, blocks=blocks, runner=runner)


def _fuse(
    documents: Sequence[Document],
    *,
    copies: Mapping[str, Copy] | None,
    blocks: MutableMapping[str, list[list[int]]] | None,
    runner: BlockRunner | None,
) -> Fused:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    found = dict(copies) if copies is not None else copy_groups(documents)
    # datasketch's LSH index refers to itself (a bound method), so its tables are a reference
    # cycle: with the collector paused they would stay until fusion ends (10 KB a document on
    # Timeline17). This pass sees only what dedup made, not the documents loaded before.
    gc.collect(0)
    timings["fuse.dedup"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    entities, names = resolve_entities(documents)
    timings["fuse.entities"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    mentions = mentions_of(documents, names=names)
    cache = blocks if blocks is not None else {}
    kept = set(cache)
    clusters = cluster_mentions(mentions, cache=cache, runner=runner)
    timings["fuse.coref"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    focus = focus_countries(documents, found)
    by_id = {d.id: d for d in documents}
    settled = reconcile(clusters, by_id, copies=found, focus=set(focus))
    timings["fuse.reconcile"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    agreement = {k: (a.agree, a.disagree) for k, a in settled.agreement.items()}
    sources = score_sources(documents, copies=found, agreement=agreement)
    timings["fuse.reliability"] = time.perf_counter() - t0
    stats = {
        **timings,
        "mentions": float(len(mentions)),
        "clusters": float(len(clusters)),
        "events": float(len(settled.events)),
        "mentions_too_vague": float(settled.dropped),
        "mentions_undated": float(len(mentions) - sum(len(c.mentions) for c in clusters)),
        "blocks": float(len(cache)),
        "blocks_clustered": float(len(set(cache) - kept)),
    }
    return Fused(
        events=settled.events,
        conflicts=settled.conflicts,
        sources=sources,
        entities=entities,
        copies=found,
        timeline=timeline(settled.events),
        infobox=infobox(settled.events, by_id, parties={e["name"] for e in entities if e["type"] in ("GPE", "ORG", "NORP")}),
        focus=focus,
        stats=stats,
    )
