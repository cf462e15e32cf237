"""Exports of the dossier: JSON, an ACLED-style events table (CSV, Parquet) and GeoJSON.

One row per fused event, in :data:`EVENT_COLUMNS` order. ACLED's columns, where they apply:

- ``event_id``: the event's id.
- ``event_date``: ISO date; ``date.start`` for a single day, the middle day of the period
  for a longer one; empty when no report dates the event.
- ``time_precision`` (ACLED codebook): 1 = the day is known; 2 = a week or a few days
  (precision ``week``, a period of up to 7 days, or a day inferred from the publication
  date: the event happened on or shortly before it); 3 = a month or coarser (``month``,
  ``year``, a longer period). Empty without a date.
- ``event_type``, ``sub_event_type``: ACLED's, from the event's PLOVER type and mode via
  ``data/acled.toml`` (the table is in docs/exports.md, from :func:`acled_table`). Targets
  whose head word names civilians or protesters turn some uses of force into Violence
  against civilians / Attack or Protests / Excessive force against protesters.
- ``actor1``, ``assoc_actor_1``: the first actor (most supported first), and the other
  actors ``"; "``-joined; ``actor2``, ``assoc_actor_2``: likewise the targets. Unlike
  ACLED's, actor1 is who acted and actor2 who was acted upon.
- ``country``: ISO 3166-1 alpha-2 code (ACLED writes the name); ``admin1``, ``location``:
  the place's province and name; ``latitude``, ``longitude``.
- ``geo_precision`` (ACLED): 1 = a town or city (``city``); 2 = near a town or part of a
  region or district (``locality``: a place the gazetteer lacks, at the coordinates of the
  place it lies in, if any; also a named place of unknown kind); 3 = a province
  (``admin1``) or only the country. Empty when the event has no country.
- ``source``: the outlets of the event's source documents, ``"; "``-joined in the event's
  order; a document without an outlet is named by the outlet it reprints, the host of its
  URL, or its id.
- ``notes``: the event's summary.
- ``fatalities``: the figure fusion settled on; when it settled on none, the lowest claim
  (ACLED's conservative rule); 0 when no report gives one (as ACLED codes it).

Ours: ``plover_type``, ``mode``; ``fatalities_min``/``fatalities_max``: the lowest and
highest claimed values (empty without claims); ``claims``: the fatality claims as
``"value (claimed by, document id)"``, ``"; "``-joined, the value with its qualifier
("at least 47", "~12" for a vague one); ``conflicts``: the attributes reports disagree on;
``reliability``: the mean reliability of the event's source documents (3 decimals).

Formats: ``json`` is the dossier itself; ``csv`` the rows (RFC 4180, like documents.csv);
``geojson`` a FeatureCollection (RFC 7946) of the events with coordinates, one Point each,
properties the row without latitude/longitude; ``parquet`` the rows as one typed table
(event_date a date, the precisions and figures integers). Only events are exported to
Parquet: documents are in dossier.json and documents.csv.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import UsageError
from .files import atomic_write

__all__ = ["EVENT_COLUMNS", "FORMATS", "acled_table", "acled_type", "check_export", "event_rows", "geojson", "write_export"]

EVENT_COLUMNS = (
    "event_id",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    "plover_type",
    "mode",
    "fatalities_min",
    "fatalities_max",
    "claims",
    "conflicts",
    "reliability",
)
FORMATS = ("json", "csv", "geojson", "parquet")

_INTS = ("time_precision", "geo_precision", "fatalities", "fatalities_min", "fatalities_max")
_FLOATS = ("latitude", "longitude", "reliability")
_GEO_PRECISION = {"city": 1, "locality": 2, "admin1": 3, "country": 3}
_QUALIFIED = {
    "at_least": "at least {}",
    "more_than": "more than {}",
    "at_most": "up to {}",
    "fewer_than": "fewer than {}",
    "about": "about {}",
    "nearly": "nearly {}",
    "vague": "~{}",
}
_PREPOSITIONS = frozenset({"in", "of", "at", "from", "near", "on", "inside", "outside", "across"})


@cache
def _acled() -> dict[str, Any]:
    """The PLOVER → ACLED table (``data/acled.toml``)."""
    text = resources.files(__package__).joinpath("data", "acled.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _plover_modes() -> dict[str, list[str]]:
    """Every PLOVER type with its modes (manual and POLECAT ones), from the extractor's lexicon."""
    text = resources.files("triangulate").joinpath("extract", "data", "plover.toml").read_text(encoding="utf-8")
    types = tomllib.loads(text)["types"]
    return {name: [*t.get("modes", []), *t.get("polecat_modes", [])] for name, t in types.items()}


def _head(name: str) -> str:
    """The head word of a target's name: its last word before a preposition, lower case."""
    words = re.findall(r"[a-z][a-z'-]*", name.lower())
    for i, w in enumerate(words[1:], start=1):
        if w in _PREPOSITIONS:
            words = words[:i]
            break
    return words[-1] if words else ""


def _is_class(name: str, words: Iterable[str]) -> bool:
    """Whether a target's head word (or its singular) is one of ``words``."""
    head, vocab = _head(name), set(words)
    forms = {head, head.removesuffix("s"), head.removesuffix("es")}
    if head.endswith("ies"):
        forms.add(head[:-3] + "y")
    return bool(forms & vocab)


def acled_type(plover: str | None, mode: str | None, *, targets: Sequence[str] = ()) -> tuple[str | None, str | None]:
    """ACLED's (event_type, sub_event_type) for a PLOVER type and mode; (None, None) for an unknown type."""
    table = _acled()
    rule = table["types"].get(str(plover).upper()) if plover else None
    if rule is None:
        return None, None
    modes = rule.get("modes", {})
    key = mode if mode in modes else "default"
    for cls, words in table["target_classes"].items():
        pair = rule.get("targets", {}).get(cls, {}).get(key)
        if pair and any(_is_class(t, words) for t in targets):
            return pair[0], pair[1]
    pair = modes.get(key) or rule["default"]
    return pair[0], pair[1]


def acled_table() -> str:
    """The PLOVER → ACLED mapping as a markdown table, one row per type default, mode and target rule."""
    table, modes = _acled(), _plover_modes()
    lines = ["| PLOVER type | mode | targets | ACLED event_type | ACLED sub_event_type |", "|---|---|---|---|---|"]
    notes = []
    for name in sorted(set(modes) | set(table["types"])):
        rule = table["types"].get(name, {})
        d = rule.get("default", ["—", "—"])
        lines.append(f"| {name} | (none; default) | any | {d[0]} | {d[1]} |")
        listed = rule.get("modes", {})
        for mode in [*modes.get(name, []), *(m for m in listed if m not in modes.get(name, []))]:
            pair = listed.get(mode)
            shown = pair or d
            lines.append(f"| {name} | {mode} | any | {shown[0]} | {shown[1]}{'' if pair else ' (default)'} |")
        for cls, by_mode in rule.get("targets", {}).items():
            for mode, pair in by_mode.items():
                lines.append(f"| {name} | {'(none)' if mode == 'default' else mode} | {cls} | {pair[0]} | {pair[1]} |")
        if rule.get("note"):
            notes.append(f"- **{name}**: {rule['note']}")
    return "\n".join([*lines, "", *notes]) + "\n"


def _event_date(d: Mapping[str, Any]) -> tuple[str | None, int | None]:
    """ACLED's event_date and time_precision for a fused event's date."""
    start, end = d.get("start"), d.get("end") or d.get("start")
    if not start:
        return None, None
    first, last = date.fromisoformat(str(start)[:10]), date.fromisoformat(str(end)[:10])
    days = (last - first).days
    day = date.fromordinal(first.toordinal() + days // 2).isoformat()
    precision = d.get("precision")
    if precision in ("month", "year") or days > 7:
        return day, 3
    if precision == "week" or days > 0 or d.get("inferred"):
        return day, 2
    return day, 1


def _geo_precision(loc: Mapping[str, Any]) -> int | None:
    """ACLED's geo_precision for a fused event's location."""
    if not loc.get("country"):
        return None
    return _GEO_PRECISION.get(str(loc.get("precision")), 3 if not loc.get("name") else 2)


def _outlet(doc: Mapping[str, Any] | None, doc_id: str) -> str:
    """What the source column calls a document: its outlet, the outlet it reprints, its URL's host, or its id."""
    if doc is None:
        return doc_id
    for key in ("outlet", "syndicated_from"):
        if doc.get(key):
            return str(doc[key])
    for key in ("url", "path"):
        parts = urlsplit(str(doc.get(key) or ""))
        if parts.scheme in ("http", "https") and parts.hostname:
            return parts.hostname.removeprefix("www.")
    return doc_id


def _claim(c: Mapping[str, Any]) -> str:
    """One fatality claim, compact: ``at least 47 (Iranian media, d54f…)``."""
    q = c.get("qualifier")
    if q == "range" and c.get("low") is not None and c.get("high") is not None:
        value = f"{c['low']}-{c['high']}"
    else:
        value = _QUALIFIED.get(str(q), "{}").format(c.get("value"))
    doc = (c.get("evidence") or {}).get("doc")
    who = ", ".join(str(x) for x in (c.get("claimed_by"), doc) if x)
    return f"{value} ({who})" if who else value


def _unique(items: Iterable[Any]) -> list[Any]:
    """Items without repeats, in their first order."""
    return list(dict.fromkeys(i for i in items if i is not None))


def event_rows(dossier_json: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One ACLED-style row per event of a dossier (see the module docstring), keys in EVENT_COLUMNS order."""
    docs = {d["id"]: d for d in dossier_json.get("documents", [])}
    reliability = {s["doc"]: float(s["reliability"]) for s in dossier_json.get("sources", []) if s.get("reliability") is not None}
    conflicts: dict[str, list[str]] = {}
    for c in dossier_json.get("conflicts", []):
        conflicts.setdefault(c["event"], []).append(c["attribute"])
    rows = []
    for e in dossier_json.get("events", []):
        actors, targets = list(e.get("actors") or []), list(e.get("targets") or [])
        event_type, sub_event_type = acled_type(e.get("type"), e.get("mode"), targets=targets)
        day, time_precision = _event_date(e.get("date") or {})
        loc = e.get("location") or {}
        sources = _unique(e.get("sources") or (m.get("doc") for m in e.get("mentions", [])))
        fig = e.get("fatalities") or {}
        values = [int(c["value"]) for c in fig.get("claims", []) if c.get("value") is not None]
        best = fig.get("best")
        scores = [reliability[s] for s in sources if s in reliability]
        row = {
            "event_id": e["id"],
            "event_date": day,
            "time_precision": time_precision,
            "event_type": event_type,
            "sub_event_type": sub_event_type,
            "actor1": actors[0] if actors else None,
            "assoc_actor_1": "; ".join(actors[1:]) or None,
            "actor2": targets[0] if targets else None,
            "assoc_actor_2": "; ".join(targets[1:]) or None,
            "country": loc.get("country"),
            "admin1": loc.get("admin1"),
            "location": loc.get("name"),
            "latitude": loc.get("lat"),
            "longitude": loc.get("lon"),
            "geo_precision": _geo_precision(loc),
            "source": "; ".join(_unique(_outlet(docs.get(s), s) for s in sources)) or None,
            "notes": e.get("summary"),
            "fatalities": int(best) if best is not None else min(values, default=0),
            "plover_type": e.get("type"),
            "mode": e.get("mode"),
            "fatalities_min": min(values, default=None),
            "fatalities_max": max(values, default=None),
            "claims": "; ".join(_claim(c) for c in fig.get("claims", [])) or None,
            "conflicts": "; ".join(_unique(conflicts.get(e["id"], e.get("conflicts") or []))) or None,
            "reliability": round(sum(scores) / len(scores), 3) if scores else None,
        }
        rows.append(row)
    return rows


def geojson(dossier_json: Mapping[str, Any]) -> dict[str, Any]:
    """The events with coordinates as a GeoJSON FeatureCollection of Points (RFC 7946: longitude first)."""
    features = []
    for row in event_rows(dossier_json):
        lat, lon = row["latitude"], row["longitude"]
        if lat is None or lon is None:
            continue
        props = {k: v for k, v in row.items() if k not in ("latitude", "longitude")}
        point = {"type": "Point", "coordinates": [float(lon), float(lat)]}
        features.append({"type": "Feature", "id": row["event_id"], "geometry": point, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def _csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """The rows as CSV text, with a header."""
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=EVENT_COLUMNS)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _parquet(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The rows as a typed Parquet table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def kind(col: str) -> Any:
        if col == "event_date":
            return pa.date32()
        return pa.int64() if col in _INTS else pa.float64() if col in _FLOATS else pa.string()

    schema = pa.schema([(c, kind(c)) for c in EVENT_COLUMNS])
    data = {c: [r[c] for r in rows] for c in EVENT_COLUMNS}
    data["event_date"] = [date.fromisoformat(d) if d else None for d in data["event_date"]]
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table(data, schema=schema), sink)
    return bytes(sink.getvalue().to_pybytes())


def check_export(fmt: str, *, out: Path | None = None) -> None:
    """Raise a UsageError unless ``fmt`` is a known format that can go where ``out`` says."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "parquet" and out is None:
        raise UsageError("parquet is a binary format: give a file to write it to (--out FILE)")


def _dossier_text(dossier_json: Mapping[str, Any]) -> str:
    """The dossier as JSON text, as dossier.json holds it."""
    return json.dumps(dossier_json, ensure_ascii=False, indent=2) + "\n"


def write_export(dossier_json: Mapping[str, Any], fmt: str, *, out: Path | None = None) -> str | None:
    """Write the dossier in ``fmt`` to ``out`` atomically and return None; with no ``out``, return the text instead."""
    check_export(fmt, out=out)
    if fmt == "parquet":
        assert out is not None
        data = _parquet(event_rows(dossier_json))
        atomic_write(out, lambda fh: fh.buffer.write(data))  # the text handle's binary buffer: nothing is encoded
        return None
    if fmt == "json":
        text = _dossier_text(dossier_json)
    elif fmt == "csv":
        text = _csv(event_rows(dossier_json))
    else:
        text = json.dumps(geojson(dossier_json), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        return text
    atomic_write(out, lambda fh: fh.write(text))
    return None
