"""The dossier's timeline and infobox, drawn from fused events.

The **timeline** lists main and related events by date, each with its summary and its
sources. The **infobox** follows the conflict box of an encyclopedia (Wikipedia's
``Infobox military conflict``): date, place, belligerents, commanders where the text
names them as acting, casualties as each source claims them, and the outcome: the
latest main event that is not a use of force.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from ..model import Document

__all__ = ["infobox", "timeline"]

_FORCE = {"ASSAULT", "COERCE"}
_OUTCOMES = ("AGREE", "CONCEDE", "RETREAT", "COOPERATE", "CONSULT", "AID", "SANCTION", "REJECT")


def _start(e: Mapping[str, Any]) -> str:
    return str(e["date"].get("start") or "9999")


def timeline(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Main and related events in date order, each with its sources (background is left out)."""
    out = []
    for e in sorted(events, key=lambda e: (_start(e), e["role"] != "main", -e.get("independent_sources", 1), e["id"])):
        if e["role"] == "background" or not e["date"].get("start"):
            continue
        out.append(
            {
                "date": e["date"]["start"],
                "end": e["date"]["end"],
                "inferred": bool(e["date"].get("inferred")),
                "event": e["id"],
                "type": e["type"],
                "role": e["role"],
                "summary": e.get("summary", ""),
                "sources": e.get("sources", []),
                "independent_sources": e.get("independent_sources", 1),
            }
        )
    return out


def infobox(
    events: Sequence[Mapping[str, Any]], documents: Mapping[str, Document], *, parties: Collection[str] | None = None
) -> dict[str, Any]:
    """An encyclopedia-style summary of the main events: dates, places, belligerents, commanders, casualties, outcome.

    ``parties`` are the names that may be belligerents (states, organisations, armed groups);
    by default any actor or target is one.
    """
    main = [e for e in events if e["role"] == "main" and e["date"].get("start")]
    if not main:
        return {}
    force = [e for e in main if e["type"] in _FORCE]
    places: Counter[str] = Counter()
    for e in main:
        loc = e["location"]
        name = loc.get("name") or loc.get("country")
        if name:
            places[f"{name}, {loc['country']}" if loc.get("name") and loc.get("country") else str(name)] += e.get("independent_sources", 1)
    sides: dict[str, Counter[str]] = {"attackers": Counter(), "attacked": Counter()}
    for e in force:
        for a in e["actors"]:
            if parties is None or a in parties:
                sides["attackers"][a] += 1
        for t in e["targets"]:
            if parties is None or t in parties:
                sides["attacked"][t] += 1
    persons = _persons(main, documents)
    casualties = []
    for e in force:
        for kind in ("fatalities", "injuries"):
            fig = e.get(kind)
            if not fig:
                continue
            by_source: dict[str, set[int]] = defaultdict(set)
            for c in fig["claims"]:
                by_source[c.get("claimed_by") or "unattributed"].add(c["value"])
            casualties.append(
                {
                    "event": e["id"],
                    "summary": e.get("summary", ""),
                    "kind": kind,
                    "best": fig.get("best"),
                    "claims": [{"claimed_by": k, "values": sorted(v)} for k, v in sorted(by_source.items())],
                }
            )
    outcome = next((e for e in sorted(main, key=_start, reverse=True) if e["type"] in _OUTCOMES), None)
    return {
        "date": {"start": min(_start(e) for e in main), "end": max(str(e["date"].get("end") or _start(e)) for e in main)},
        "places": [p for p, _ in places.most_common(6)],
        "belligerents": [{"name": n, "as": side, "events": k} for side, c in sides.items() for n, k in c.most_common(6)],
        "commanders": persons,
        "casualties": casualties,
        "outcome": {"event": outcome["id"], "summary": outcome.get("summary", ""), "date": outcome["date"].get("start")}
        if outcome
        else None,
        "events": {"main": len(main), "force": len(force)},
    }


def _persons(events: Sequence[Mapping[str, Any]], documents: Mapping[str, Document]) -> list[str]:
    """People the text names as acting in the main events (leaders, ministers, commanders)."""
    people: set[str] = set()
    for doc in documents.values():
        if doc.analysis is not None:
            people.update(e.canonical for e in doc.analysis.entities if e.label == "PERSON")
    acting: Counter[str] = Counter(a for e in events for a in e["actors"] if a in people)
    return [p for p, _ in acting.most_common(6)]
