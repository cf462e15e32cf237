"""Reconciliation: for each fused event, who claims what, the value settled on, and where sources disagree.

Every attribute (date, place, actors, targets, fatalities, injuries, type) keeps its
claims, each with its evidence span and ``claimed_by``. Support is counted in independent
reports: copies of one report (``triangulate.fuse.dedup``) count once. The rules that
choose ``best`` are stated in the output:

- **date**: the day most independent reports state; on a tie, the earlier. An event no
  text dates takes the earliest publication date of its reports, marked ``inferred``.
- **place**: the most specific place most reports name (a town over a province over a
  country).
- **fatalities / injuries**: where reports published later give higher figures, the toll
  rose as news came in, and the most recent figure is taken; otherwise the most
  conservative figure, as ACLED's codebook prescribes for conflicting reports.
- **role**: ``background`` when most reports recall it as context or it happened well
  before the corpus's news (:data:`BACKGROUND_BEFORE`); ``main`` when it happened in a
  country the corpus is about; ``related`` otherwise.

A **conflict** is recorded wherever reports give incompatible values: days that differ
(stated dates only: a date the narrative carries over is a weaker claim), figures whose
ranges do not overlap ("at least 7" and 9 agree; 7 and 9 do not), places more than
:data:`FAR_KM` apart. A document that gives both values contradicts itself, and the
explanation says so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, Protocol

from ..model import Document
from .coref import FAMILY, Event, Mention, same_place

__all__ = ["BACKGROUND_BEFORE", "Agreement", "CopyLike", "Reconciled", "reconcile"]

BACKGROUND_BEFORE = timedelta(days=7)  # an event this long before the first report is context
_SPECIFIC = {"city": 3, "locality": 3, "admin1": 2, "country": 1}


class CopyLike(Protocol):
    """What fusion needs to know of a document's copies: the group it belongs to."""

    @property
    def group(self) -> str:
        """The id of the report this document is a copy of (its own id when it is none)."""
        ...


@dataclass(slots=True)
class Agreement:
    """How often a document's claims agree with the value fusion settled on."""

    agree: int = 0
    disagree: int = 0


@dataclass(slots=True)
class Reconciled:
    """Fusion's output: events, conflicts, and each document's agreement with them."""

    events: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    agreement: dict[str, Agreement]
    dropped: int  # mentions whose events were too vague to report (no country, nothing but a word)


def _span(docs: Mapping[str, Document], doc: str, start: int, end: int) -> dict[str, Any]:
    return {"doc": doc, "start": start, "end": end, "quote": docs[doc].text[start:end]}


def _sentence(docs: Mapping[str, Document], m: Mention) -> dict[str, Any]:
    return _span(docs, m.doc, m.sentence[0], m.sentence[1])


class _Support:
    """Independent reports behind a value: copies of one report count once."""

    def __init__(self, copies: Mapping[str, CopyLike]) -> None:
        self.copies = copies

    def group(self, doc: str) -> str:
        """The report a document is a copy of (itself when it is no copy)."""
        c = self.copies.get(doc)
        return c.group if c is not None else doc

    def count(self, docs: Iterable[str]) -> int:
        """How many independent reports these documents are."""
        return len({self.group(d) for d in docs})


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(c: Event, docs: Mapping[str, Document], sup: _Support) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]:
    """The event's date, its claims, and a conflict where stated days differ."""
    claims = []
    by_value: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in c.mentions:
        if m.dated and m.first and m.last:
            value = (m.first.isoformat(), m.last.isoformat())
            by_value[value].append(m)
            claims.append(
                {
                    "value": value[0] if value[0] == value[1] else f"{value[0]}/{value[1]}",
                    "precision": m.precision,
                    "basis": m.date_source,
                    "claimed_by": m.claimed_by,
                    "evidence": _sentence(docs, m),
                }
            )
    if not by_value:
        pubs = sorted(d for d in (docs[m.doc].published for m in c.mentions) if d)
        day = pubs[0][:10] if pubs else None
        rule = "no report dates it: the earliest publication date of its reports" if day else "no report dates it"
        out: dict[str, Any] = {"start": day, "end": day, "inferred": True, "rule": rule}
        if day:
            out["precision"] = "day"
        return out, claims, None

    def weight(v: tuple[str, str]) -> tuple[float, int, str]:
        ms = by_value[v]
        stated = sup.count(m.doc for m in ms if m.date_source == "stated")
        narrative = sup.count(m.doc for m in ms if m.date_source != "stated")
        precise = 1 if ms[0].precision == "day" else 0
        return (stated + 0.5 * narrative, precise, "~" + v[0])  # ties: the earlier day (sorts last negated)

    ranked = sorted(by_value, key=lambda v: (-weight(v)[0], -weight(v)[1], v[0]))
    best = ranked[0]
    n = sup.count(m.doc for m in by_value[best])
    total = sup.count(m.doc for ms in by_value.values() for m in ms)
    out = {
        "start": best[0],
        "end": best[1],
        "precision": by_value[best][0].precision,
        "inferred": False,
        "rule": f"the date most independent reports give ({n} of {total})" if len(by_value) > 1 else "the date the reports give",
    }
    stated_days: dict[str, list[Mention]] = defaultdict(list)
    for (a, b), ms in by_value.items():
        for m in ms:
            if m.date_source == "stated" and m.precision == "day" and a == b:
                stated_days[a].append(m)
    conflict = None
    if len(stated_days) > 1:
        conflict = _conflict(c, "date", {k: v for k, v in sorted(stated_days.items())}, docs, sup, best=best[0])
    return out, claims, conflict


def _conflict(
    c: Event,
    attribute: str,
    sides: Mapping[Any, Sequence[Mention]],
    docs: Mapping[str, Document],
    sup: _Support,
    *,
    best: Any,
    who: Callable[[Mention], str | None] = lambda m: m.claimed_by,
) -> dict[str, Any]:
    """A conflict record: each value with its evidence, and why it matters in plain words."""
    values = []
    parts = []
    for value, ms in sides.items():
        evidence = list({(e["doc"], e["start"]): e for e in (_sentence(docs, m) for m in ms)}.values())  # each sentence once
        n = sup.count(m.doc for m in ms)
        claimants = sorted({w for w in map(who, ms) if w})
        values.append({"value": value, "evidence": evidence, "sources": n, "claimed_by": claimants, "docs": sorted({m.doc for m in ms})})
        according = "; according to " + ", ".join(claimants) if claimants else ""
        parts.append(f"{value} ({n} independent report{'s' if n != 1 else ''}{according})")
    doc_sides: dict[str, set[Any]] = defaultdict(set)
    for value, ms in sides.items():
        for m in ms:
            doc_sides[m.doc].add(value)
    self_contradicting = sorted(d for d, vs in doc_sides.items() if len(vs) > 1)
    text = f"Reports disagree on the {attribute}: " + "; ".join(parts) + f". Settled on {best}."
    if self_contradicting:
        names = ", ".join(docs[d].title or d for d in self_contradicting)
        text += f" {names} gives more than one value itself: the document contradicts itself."
    return {
        "event": c.id,
        "attribute": attribute,
        "values": values,
        "best": best,
        "self_contradiction": self_contradicting,
        "explanation": text,
    }


def _interval(fig: Mapping[str, Any]) -> tuple[float, float]:
    """The range a figure allows: "at least 7" is 7 and up, "about 20" 20 give or take a tenth, "7" exactly 7.

    The count parser gives ``low``/``high`` where the text bounds the figure; an approximate
    figure ("about", "nearly") has neither and is read as within 10 % of its value.
    """
    value = fig.get("value")
    low, high = fig.get("low"), fig.get("high")
    if low is None and high is None and value is not None:
        v = float(value)
        return (v * 0.9, v * 1.1) if fig.get("qualifier") in ("about", "nearly") else (v, v)
    lo = float(low) if low is not None else 0.0
    hi = float(high) if high is not None else float("inf")
    return lo, hi


def _figure(c: Event, kind: str, docs: Mapping[str, Document], sup: _Support) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """One figure (fatalities or injuries): its claims, the value settled on and the rule, and any conflict."""
    seen: set[tuple[str, int]] = set()
    found: list[tuple[Mention, dict[str, Any]]] = []
    for m in c.mentions:
        fig = m.fatalities if kind == "fatalities" else m.injuries
        if not fig or fig.get("value") is None or (m.doc, fig["start"]) in seen:
            continue
        seen.add((m.doc, fig["start"]))
        found.append((m, fig))
    if not found:
        return None, None
    claims = [
        {
            "value": int(fig["value"]),
            "low": fig.get("low"),
            "high": fig.get("high"),
            "qualifier": fig.get("qualifier"),
            "claimed_by": fig.get("claimed_by", m.claimed_by),
            "published": docs[m.doc].published,
            "evidence": _span(docs, m.doc, fig["start"], fig["end"]),
        }
        for m, fig in found
    ]
    # a vague figure ("a number of", "dozens") is a claim, but an exact one says more: it decides where there is one
    firm = [(m, f) for m, f in found if f.get("qualifier") != "vague"] or found
    values = sorted({int(f["value"]) for _, f in firm})
    if len(values) == 1:
        n = sup.count(m.doc for m, _ in firm)
        rule = "one report gives it" if n == 1 else f"{n} independent reports agree"
        return {"best": values[0], "rule": rule, "claims": claims}, None
    dated = sorted((docs[m.doc].published or "", int(f["value"])) for m, f in firm if docs[m.doc].published)
    rising = (
        len({d for d, _ in dated}) > 1
        and all(a[1] <= b[1] for a, b in pairwise(dated))
        and dated[-1][1] == values[-1]
        and dated[0][1] < dated[-1][1]
    )
    if rising:
        best = values[-1]
        rule = (
            f"the toll rose as reports came in ({dated[0][1]} on {dated[0][0]}, {dated[-1][1]} on {dated[-1][0]}): the most recent figure"
        )
    else:
        best = values[0]
        rule = "reports differ: the most conservative figure, as ACLED's codebook does"
    ranges = {int(f["value"]): _interval(f) for _, f in firm}
    clash = any(ranges[a][1] < ranges[b][0] or ranges[b][1] < ranges[a][0] for a in values for b in values if a < b)
    conflict = None
    if clash:
        sides: dict[int, list[Mention]] = defaultdict(list)
        claimant: dict[tuple[str, int], str | None] = {}
        for m, f in firm:
            sides[int(f["value"])].append(m)
            claimant[m.key] = f.get("claimed_by", m.claimed_by)
        conflict = _conflict(c, kind, dict(sorted(sides.items())), docs, sup, best=best, who=lambda m: claimant.get(m.key))
        for v in conflict["values"]:  # a figure's evidence is the figure itself, not only its sentence
            v["evidence"] = [claim["evidence"] for claim in claims if claim["value"] == v["value"]]
        if rising:
            conflict["explanation"] += " Later reports give the higher figure: the toll rose as news came in."
    return {"best": best, "rule": rule, "claims": claims}, conflict


def _location(c: Event, docs: Mapping[str, Document], sup: _Support) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]:
    """The event's place: the most specific place most reports name; a conflict when named places are far apart."""
    by_place: dict[str, list[Mention]] = defaultdict(list)
    places: dict[str, dict[str, Any]] = {}
    claims = []
    for m in c.mentions:
        if not m.place or not m.place.get("country"):
            continue
        k = str(m.place.get("geonameid") or m.place.get("name"))
        by_place[k].append(m)
        places.setdefault(k, m.place)
        claims.append(
            {"value": m.place.get("name"), "country": m.place.get("country"), "claimed_by": m.claimed_by, "evidence": _sentence(docs, m)}
        )
    if not by_place:
        return {"name": None, "admin1": None, "country": None, "lat": None, "lon": None}, claims, None
    countries = Counter(p["country"] for k, p in places.items() for _ in by_place[k])
    country = min(countries, key=lambda k: (-countries[k], k))
    ranked = sorted(
        (k for k in by_place if places[k].get("country") == country),
        key=lambda k: (-_SPECIFIC.get(str(places[k].get("kind")), 3), -sup.count(m.doc for m in by_place[k]), k),
    )
    best = places[ranked[0]]
    loc = {
        "name": best.get("name") if best.get("kind") != "country" else None,  # a country is in `country`: no place named
        "admin1": best.get("admin1"),
        "country": country,
        "lat": best.get("lat"),
        "lon": best.get("lon"),
        "geonameid": best.get("geonameid"),
        "precision": best.get("kind"),
    }
    specific = [k for k in by_place if places[k].get("kind") not in (None, "country")]
    far = [k for k in specific if k != ranked[0] and same_place(best, places[k]) is False]
    conflict = None
    if far and ranked[0] in specific:
        sides = {places[k]["name"]: by_place[k] for k in [ranked[0], *far]}
        conflict = _conflict(c, "location", sides, docs, sup, best=best.get("name"))
    return loc, claims, conflict


def _names(c: Event, which: str, docs: Mapping[str, Document], sup: _Support) -> tuple[list[str], list[dict[str, Any]]]:
    """Actors or targets, most supported first, with the mentions that name each."""
    by_name: dict[str, list[Mention]] = defaultdict(list)
    for m in c.mentions:
        for name in m.actors if which == "actors" else m.targets:
            by_name[name].append(m)
    ranked = sorted(by_name, key=lambda k: (-sup.count(m.doc for m in by_name[k]), k))
    claims = [
        {"value": k, "sources": sup.count(m.doc for m in by_name[k]), "evidence": [_sentence(docs, m) for m in by_name[k][:5]]}
        for k in ranked
    ]
    return ranked, claims


def _role(c: Event, country: str | None, day: str | None, *, focus: set[str], first_news: date | None) -> tuple[str, str]:
    """main, related or background, and why."""
    recalled = sum(m.background for m in c.mentions)
    if recalled * 2 > len(c.mentions):
        return "background", "most reports recall it as past context"
    if day and first_news and date.fromisoformat(day[:10]) < first_news - BACKGROUND_BEFORE:
        return "background", f"it happened more than {BACKGROUND_BEFORE.days} days before the first report ({first_news.isoformat()})"
    if country and country in focus:
        return "main", f"it happened in {country}, a country the documents are about"
    return "related", "it happened outside the countries the documents are about"


def _country(code: str | None) -> str | None:
    """A country's name for a summary line ("IR": "Iran")."""
    if not code:
        return None
    from ..analyze.entities import country_name
    from ..analyze.lexicon import lexicon

    return country_name(code, lexicon()) or code


def _summary(type_: str, mode: str | None, actors: Sequence[str], targets: Sequence[str], place: str | None, day: str | None) -> str:
    who = " and ".join(actors[:2]) or "someone"
    what = type_.lower() + (f" ({mode})" if mode else "")
    whom = f" against {' and '.join(targets[:2])}" if targets else ""
    where = f" in {place}" if place else ""
    when = f" on {day}" if day else ""
    return f"{who}: {what}{whom}{where}{when}"


def _informative(c: Event) -> bool:
    """Whether an event says enough to report: a country (a statement's may be its speaker's), and more than a bare word."""
    placed = bool(c.countries) or (FAMILY.get(c.type, "").startswith("verbal") and bool(c.sides))
    return placed and any(m.dated or m.actors or m.targets or m.fatalities or m.injuries for m in c.mentions)


def _home(c: Event) -> str | None:
    """The country of a statement that names no place: that of the state most of its reports say made it."""
    sides = Counter(k for m in c.mentions for k in sorted(m.sides))
    return min(sides, key=lambda k: (-sides[k], k)) if sides else None


def reconcile(
    clusters: Sequence[Event],
    docs: Mapping[str, Document],
    *,
    copies: Mapping[str, CopyLike] | None = None,
    focus: set[str] | None = None,
) -> Reconciled:
    """Settle each event's attributes with their claims; record conflicts and each document's agreement."""
    sup = _Support(copies or {})
    focus = focus or set()
    pubs = sorted(d.published[:10] for d in docs.values() if d.published)
    first_news = date.fromisoformat(pubs[0]) if pubs else None
    events: list[dict[str, Any]] = []
    conflicts: list[dict[str, Any]] = []
    agreement: dict[str, Agreement] = defaultdict(Agreement)
    dropped = 0
    for c in clusters:
        if not _informative(c):
            dropped += len(c.mentions)
            continue
        when, date_claims, date_conflict = _date(c, docs, sup)
        where, place_claims, place_conflict = _location(c, docs, sup)
        if where["country"] is None:
            # no place named: a country it targets ("strikes on X"), else, for a statement, its speaker's
            where["country"] = min(c.countries) if c.countries else _home(c)
            why = next((m.country_inferred for m in c.mentions if m.country_inferred and m.country == where["country"]), None)
            where["inferred"] = f"from {why}" if c.countries and why else "from the state that acted"
        actors, actor_claims = _names(c, "actors", docs, sup)
        targets, target_claims = _names(c, "targets", docs, sup)
        fatalities, f_conflict = _figure(c, "fatalities", docs, sup)
        injuries, i_conflict = _figure(c, "injuries", docs, sup)
        contexts = Counter(k for m in c.mentions for k in m.contexts)
        modes = Counter(m.mode for m in c.mentions if m.mode)
        mode = min(modes, key=lambda k: (-modes[k], k)) if modes else None
        role, why = _role(c, where["country"], when["start"], focus=focus, first_news=first_news)
        doc_ids = c.docs
        event = {
            "id": c.id,
            "type": c.type,
            "mode": mode,
            "contexts": sorted(contexts, key=lambda k: (-contexts[k], k)),
            "summary": _summary(c.type, mode, actors, targets, where["name"] or _country(where["country"]), when["start"]),
            "date": when,
            "location": where,
            "actors": actors,
            "targets": targets,
            "fatalities": fatalities,
            "injuries": injuries,
            "role": role,
            "role_reason": why,
            "sources": doc_ids,
            "independent_sources": sup.count(doc_ids),
            "claims": {"date": date_claims, "location": place_claims, "actors": actor_claims, "targets": target_claims},
            "mentions": [
                {"doc": m.doc, "start": m.start, "end": m.end, "quote": m.quote, "claimed_by": m.claimed_by, "sentence": list(m.sentence)}
                for m in c.mentions
            ],
        }
        found = [x for x in (date_conflict, place_conflict, f_conflict, i_conflict) if x is not None]
        event["conflicts"] = [x["attribute"] for x in found]
        conflicts.extend(found)
        events.append(event)
        _count_agreement(event, agreement)
    return Reconciled(events=events, conflicts=conflicts, agreement=dict(agreement), dropped=dropped)


def _count_agreement(event: Mapping[str, Any], agreement: dict[str, Agreement]) -> None:
    """Each dated or figured claim of a document either agrees with the value settled on or not."""
    for kind in ("fatalities", "injuries"):
        fig = event.get(kind)
        if not fig or fig.get("best") is None:
            continue
        for claim in fig["claims"]:
            lo, hi = _interval(claim)
            a = agreement[claim["evidence"]["doc"]]
            if lo <= fig["best"] <= hi:
                a.agree += 1
            else:
                a.disagree += 1
    when = event["date"]
    if not when.get("inferred"):
        best = when["start"] if when["start"] == when["end"] else f"{when['start']}/{when['end']}"
        for claim in event["claims"]["date"]:
            if claim["basis"] != "stated":
                continue
            a = agreement[claim["evidence"]["doc"]]
            if claim["value"] == best:
                a.agree += 1
            else:
                a.disagree += 1
