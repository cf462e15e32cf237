"""Dossier events from event mentions: until fusion, each asserted mention is its own event.

A mention the text negates, puts in the future or only supposes is not an event that took
place, so it stays in the analysis but does not enter ``events``. The role follows the
mention: ``background`` when it is recalled context, ``main`` when it happened in one of the
countries the document is mostly about, ``related`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Document
from . import EventMention

__all__ = ["mention_events"]

MAIN_SHARE = 0.2  # a country with at least this share of a document's country names is one it is about


def _figure(fig: dict[str, Any] | None, m: EventMention, doc: Document) -> dict[str, Any] | None:
    if not fig:
        return None
    claim = {
        "value": fig["value"],
        "low": fig.get("low"),
        "high": fig.get("high"),
        "claimed_by": fig.get("claimed_by", m.claimed_by),
        "evidence": {"doc": doc.id, "start": fig["start"], "end": fig["end"], "quote": fig["quote"]},
    }
    return {"best": fig["value"], "claims": [claim]}


def _role(m: EventMention, doc: Document) -> str:
    if m.background:
        return "background"
    about = doc.analysis.countries if doc.analysis is not None else {}
    country = (m.location or {}).get("country")
    return "main" if country and about.get(country, 0.0) >= MAIN_SHARE else "related"


def _date(m: EventMention) -> dict[str, Any]:
    """The event's date; precision and source only where there is a date (none: the text gives no day)."""
    d: dict[str, Any] = {"start": m.date_start, "end": m.date_end}
    if m.date_start is not None:
        d |= {"precision": m.date_precision, "source": m.date_source}
    return d


def _summary(m: EventMention) -> str:
    who = " and ".join(m.actors) or "someone"
    what = m.type.lower() + (f" ({m.mode})" if m.mode else "")
    whom = f" against {' and '.join(m.targets)}" if m.targets else ""
    where = f" in {m.location['name']}" if m.location and m.location.get("name") else ""
    return f"{who}: {what}{whom}{where}"


def mention_events(documents: Iterable[Document]) -> list[dict[str, Any]]:
    """The contract's ``events``: one per asserted event mention, with its one mention as evidence."""
    out: list[dict[str, Any]] = []
    for doc in documents:
        if doc.analysis is None:
            continue
        for n, m in enumerate(doc.analysis.events):
            if m.negated or m.future or m.hypothetical:
                continue
            loc = m.location or {}
            out.append(
                {
                    "id": f"{doc.id}-m{n}",
                    "type": m.type,
                    "mode": m.mode,
                    "summary": _summary(m),
                    "date": _date(m),
                    "location": {
                        "name": loc.get("name"),
                        "admin1": loc.get("admin1"),
                        "country": loc.get("country"),
                        "lat": loc.get("lat"),
                        "lon": loc.get("lon"),
                        "geonameid": loc.get("geonameid"),
                    },
                    "actors": m.actors,
                    "targets": m.targets,
                    "fatalities": _figure(m.fatalities, m, doc),
                    "injuries": _figure(m.injuries, m, doc),
                    "role": _role(m, doc),
                    "claimed_by": m.claimed_by,
                    "mentions": [{"doc": doc.id, "start": m.start, "end": m.end, "quote": m.text}],
                    "sentence": {
                        "doc": doc.id,
                        "start": m.sentence[0],
                        "end": m.sentence[1],
                        "quote": doc.text[m.sentence[0] : m.sentence[1]],
                    },
                }
            )
    return out
