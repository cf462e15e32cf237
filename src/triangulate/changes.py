"""What an update changed: the changelog of a dossier before and after new documents.

Events are matched across the two dossiers by the mentions they share, not by id: an
event's id comes from its earliest mention, so a new report that mentions it earlier
gives it a new id while it is still the same event. The changelog lists new events, new
claims on known events, revised figures and dates (the value settled on moved), new
conflicts, and documents and failures added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Changelog", "changelog"]


@dataclass(slots=True)
class Changelog:
    """The differences between two dossiers, in plain records."""

    documents: list[str] = field(default_factory=list)  # ids of new documents
    failures: list[str] = field(default_factory=list)  # "source: reason" of new failures
    new_events: list[dict[str, Any]] = field(default_factory=list)  # {event, summary, date}
    new_claims: list[dict[str, Any]] = field(default_factory=list)  # {event, kind, value, claimed_by, doc}
    revised: list[dict[str, Any]] = field(default_factory=list)  # {event, attribute, before, after}
    new_conflicts: list[dict[str, Any]] = field(default_factory=list)  # {event, attribute, values}

    @property
    def empty(self) -> bool:
        """Whether nothing changed."""
        return not (self.documents or self.failures or self.new_events or self.new_claims or self.revised or self.new_conflicts)

    def to_dict(self) -> dict[str, Any]:
        """The changelog as plain data."""
        return {
            "documents": self.documents,
            "failures": self.failures,
            "new_events": self.new_events,
            "new_claims": self.new_claims,
            "revised": self.revised,
            "new_conflicts": self.new_conflicts,
        }

    def lines(self) -> list[str]:
        """The changelog in plain words, one line per change."""
        out = [f"new document {d}" for d in self.documents]
        out += [f"failed input {f}" for f in self.failures]
        out += [f"new event {e['event']}: {e['summary']}" for e in self.new_events]
        out += [
            f"new {c['kind']} claim on {c['event']}: {c['value']}" + (f" (according to {c['claimed_by']})" if c["claimed_by"] else "")
            for c in self.new_claims
        ]
        out += [f"revised {r['attribute']} of {r['event']}: {r['before']} -> {r['after']}" for r in self.revised]
        out += [f"new conflict on {c['event']} ({c['attribute']}): {', '.join(map(str, c['values']))}" for c in self.new_conflicts]
        return out


def _keys(event: Mapping[str, Any]) -> set[tuple[str, int]]:
    return {(m["doc"], m["start"]) for m in event.get("mentions", [])}


def _match(before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each later event's earlier self: the earlier event it shares most mentions with."""
    owner: dict[tuple[str, int], str] = {}
    for e in before:
        for k in _keys(e):
            owner[k] = e["id"]
    out: dict[str, str] = {}
    for e in after:
        votes: dict[str, int] = {}
        for k in _keys(e):
            if k in owner:
                votes[owner[k]] = votes.get(owner[k], 0) + 1
        if votes:
            out[e["id"]] = min(votes, key=lambda i: (-votes[i], i))
    return out


def _claims(event: Mapping[str, Any]) -> set[tuple[str, int, str | None, str, int]]:
    found = set()
    for kind in ("fatalities", "injuries"):
        for c in (event.get(kind) or {}).get("claims", []):
            found.add((kind, c["value"], c.get("claimed_by"), c["evidence"]["doc"], c["evidence"]["start"]))
    return found


def _where(event: Mapping[str, Any]) -> Any:
    return event["location"].get("name") or event["location"].get("country")


def changelog(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> Changelog:
    """What changed from ``before`` to ``after`` (both ``dossier_json`` dicts; no ``before``: everything is new)."""
    before = before or {"documents": [], "events": [], "conflicts": [], "failures": []}
    log = Changelog()
    known_docs = {d["id"] for d in before.get("documents", [])}
    log.documents = [d["id"] for d in after.get("documents", []) if d["id"] not in known_docs]
    known_failures = {(f["source"], f["reason"]) for f in before.get("failures", [])}
    log.failures = [f"{f['source']}: {f['reason']}" for f in after.get("failures", []) if (f["source"], f["reason"]) not in known_failures]
    old = {e["id"]: e for e in before.get("events", [])}
    was = _match(before.get("events", []), after.get("events", []))
    old_conflicts = {(c["event"], c["attribute"]) for c in before.get("conflicts", [])}
    for e in after.get("events", []):
        prior = old.get(was.get(e["id"], ""))
        if prior is None:
            log.new_events.append({"event": e["id"], "summary": e.get("summary", ""), "date": e["date"].get("start")})
            continue
        for kind, value, who, doc, _start in sorted(_claims(e) - _claims(prior), key=lambda c: (c[0], c[3], c[4])):
            log.new_claims.append({"event": e["id"], "kind": kind, "value": value, "claimed_by": who, "doc": doc})
        for attribute, now, then in (
            ("fatalities", (e.get("fatalities") or {}).get("best"), (prior.get("fatalities") or {}).get("best")),
            ("injuries", (e.get("injuries") or {}).get("best"), (prior.get("injuries") or {}).get("best")),
            ("date", e["date"].get("start"), prior["date"].get("start")),
            ("location", _where(e), _where(prior)),
        ):
            if now != then:
                log.revised.append({"event": e["id"], "attribute": attribute, "before": then, "after": now})
    for c in after.get("conflicts", []):
        if (was.get(c["event"], ""), c["attribute"]) not in old_conflicts:
            log.new_conflicts.append({"event": c["event"], "attribute": c["attribute"], "values": [v["value"] for v in c["values"]]})
    return log
