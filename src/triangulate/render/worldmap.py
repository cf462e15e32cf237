"""The report's map of event locations, drawn offline as SVG data.

Country outlines come from Natural Earth's 1:110m admin-0 countries (public domain),
vendored as ``data/world-110m.json`` by ``tools/build_world.py`` (see
``data/NATURAL_EARTH_LICENSE.txt``). The projection is equirectangular with its standard
parallel at the middle of the view, so shapes keep their proportions near the events. The
view is cropped to the main events (all events when none is located), with a margin, and
takes in other events that lie near it; events farther away are listed, not drawn.

:func:`map_view` returns plain data (path strings, circles, labels) for the ``map``
template partial; nothing here writes HTML.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Country", "map_view", "world"]

WIDTH = 800.0  # SVG user units across the view
RADIUS = 9.0  # an event's circle
MARGIN = 0.25  # of the events' extent, on each side
MIN_MARGIN = 2.0  # degrees
MIN_SPAN = 8.0  # degrees, the smallest view
NEAR = 20.0  # degrees: an event this close to the main events' box is drawn too
FAN = RADIUS * 1.3  # spacing of events fanned out around a shared spot
GOLDEN = math.pi * (3 - math.sqrt(5))  # the golden angle
CREDIT = "Country outlines: Natural Earth 1:110m (public domain)"


@dataclass(frozen=True, slots=True)
class Country:
    """One Natural Earth country: ISO alpha-2 code, name, bounding box and rings, in degrees."""

    iso: str
    name: str
    bbox: tuple[float, float, float, float]  # west, south, east, north
    rings: tuple[tuple[tuple[float, float], ...], ...]  # (lon, lat) points, open rings


@cache
def world() -> tuple[Country, ...]:
    """The vendored country outlines."""
    raw = json.loads(resources.files("triangulate.render").joinpath("data", "world-110m.json").read_text(encoding="utf-8"))
    k = float(raw["scale"])
    out = []
    for c in raw["countries"]:
        rings = tuple(tuple((r[i] * k, r[i + 1] * k) for i in range(0, len(r) - 1, 2)) for r in c["rings"])
        w, s, e, n = (v * k for v in c["bbox"])
        out.append(Country(iso=c["iso"], name=c["name"], bbox=(w, s, e, n), rings=rings))
    return tuple(out)


def _approx(loc: Mapping[str, Any]) -> bool:
    """Whether only the country of a place is known (or the place is inferred, not named)."""
    return loc.get("precision") == "country" or not loc.get("name") or bool(loc.get("inferred"))


@cache
def _centres() -> dict[str, tuple[float, float]]:
    """Each country's centre (lon, lat): the centroid of its largest ring, where its name is drawn too."""
    out: dict[str, tuple[float, float]] = {}
    best: dict[str, float] = {}
    for c in world():
        for ring in c.rings:
            x, y, area = _centroid(ring)
            if area > best.get(c.iso, -1.0):
                best[c.iso], out[c.iso] = area, (x, y)
    return out


def _point(e: Mapping[str, Any]) -> tuple[float, float] | None:
    """Where to draw an event (lon, lat): its coordinates; the centre of its country where only that is known."""
    loc = e.get("location") or {}
    country = str(loc.get("country") or "").upper()
    if _approx(loc) and country in _centres():
        return _centres()[country]
    lat, lon = loc.get("lat"), loc.get("lon")
    if isinstance(lat, bool) or isinstance(lon, bool) or not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return float(lon), float(lat)


def _box(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float]:
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def _pad(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The view around a box of points: a margin, at least MIN_SPAN degrees, no wider than twice its height or taller than wide."""
    w, s, e, n = box
    mx = max((e - w) * MARGIN, MIN_MARGIN)
    my = max((n - s) * MARGIN, MIN_MARGIN)
    w, e, s, n = w - mx, e + mx, s - my, n + my
    if e - w < MIN_SPAN:
        c = (w + e) / 2
        w, e = c - MIN_SPAN / 2, c + MIN_SPAN / 2
    if n - s < MIN_SPAN:
        c = (s + n) / 2
        s, n = c - MIN_SPAN / 2, c + MIN_SPAN / 2
    kx = math.cos(math.radians((s + n) / 2))
    width, height = (e - w) * kx, n - s
    if height > width:  # widen: a map taller than wide reads badly in a text column
        extra = (height / kx - (e - w)) / 2
        w, e = w - extra, e + extra
    elif width > 2 * height:
        extra = (width / 2 - height) / 2
        s, n = s - extra, n + extra
    s, n = max(s, -85.0), min(n, 85.0)
    w, e = max(w, -180.0), min(e, 180.0)
    return w, s, e, n


def _fmt(v: float) -> str:
    text = f"{v:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """Area-weighted centroid and absolute area of a ring (in the ring's own units)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]], strict=True):
        f = x0 * y1 - x1 * y0
        a += f
        cx += (x0 + x1) * f
        cy += (y0 + y1) * f
    if abs(a) < 1e-12:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * a), cy / (3 * a), abs(a) / 2


def _step(span: float) -> float:
    """A graticule spacing giving a handful of lines across ``span`` degrees."""
    for step in (1.0, 2.0, 5.0, 10.0, 15.0, 30.0):
        if span / step <= 8:
            return step
    return 60.0


def map_view(
    events: Sequence[Mapping[str, Any]],
    *,
    href: Callable[[str], str] = lambda event_id: f"#ev-{event_id}",
    label: Callable[[Mapping[str, Any]], str] = lambda e: str(e.get("summary") or e.get("id")),
) -> dict[str, Any] | None:
    """The map of the events that have coordinates, as plain data for the ``map`` partial; None when none has.

    Keys: ``width``/``height`` (SVG user units), ``countries`` (``d``, ``name``, ``iso``,
    ``active``: a country an event is in, ``shade``: ``main`` for a main event's country, ``other``
    for another event's, else empty), ``labels`` (names of the active countries),
    ``grid`` (graticule path) and ``grid_labels``, ``points`` (one per drawn event: ``x``,
    ``y``, ``r``, ``event``, ``href``, ``title``, ``role``, ``approx``: only the country is
    known, ``fanned``: moved off a spot it shares with other events, ``ax``/``ay``: the true
    spot), ``outside`` (located events beyond the view: ``event``, ``href``, ``title``),
    ``unlocated`` (how many events have no coordinates), ``bbox`` (west, south, east, north)
    and ``credit``.
    """
    located = [(e, p) for e in events if (p := _point(e)) is not None]
    if not located:
        return None
    main = [p for e, p in located if e.get("role") == "main"]
    core = main or [p for e, p in located if e.get("role") != "background"] or [p for _, p in located]
    w, s, e_, n = _box(core)
    near = [p for _, p in located if w - NEAR <= p[0] <= e_ + NEAR and s - NEAR <= p[1] <= n + NEAR]
    west, south, east, north = _pad(_box([*core, *near]))
    kx = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * kx)
    height = (north - south) * scale

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * kx * scale, (north - lat) * scale

    def country(e: Mapping[str, Any]) -> str:
        return str((e.get("location") or {}).get("country") or "").upper()

    main_countries = {country(e) for e in events if e.get("role") == "main"}
    other_countries = {country(e) for e in events} - main_countries
    countries, labels = [], []
    labelled: set[str] = set()
    for c in world():
        cw, cs, ce, cn = c.bbox
        if ce < west or cw > east or cn < south or cs > north:
            continue
        parts = []
        for ring in c.rings:
            pts = [xy(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{_fmt(x)} {_fmt(y)}" for x, y in pts) + "Z")
        shade = "main" if c.iso in main_countries else "other" if c.iso in other_countries else ""
        countries.append({"d": "".join(parts), "name": c.name, "iso": c.iso, "active": bool(shade), "shade": shade})
        if shade and c.iso not in labelled:
            labelled.add(c.iso)
            cx, cy = _centres()[c.iso]
            if west < cx < east and south < cy < north:
                x, y = xy(cx, cy)
                labels.append({"x": _fmt(x), "y": _fmt(y), "text": c.name})
    countries.sort(key=lambda c: (c["active"], c["shade"] == "main", c["iso"]))  # shaded ones drawn last, on top

    step = _step(max(east - west, north - south))
    grid, grid_labels = [], []
    lon = math.ceil(west / step) * step
    while lon < east:
        x, _ = xy(lon, 0)
        grid.append(f"M{_fmt(x)} 0V{_fmt(height)}")
        grid_labels.append({"x": _fmt(x + 3), "y": _fmt(height - 4), "text": f"{abs(lon):g}°{'E' if lon > 0 else 'W' if lon < 0 else ''}"})
        lon += step
    lat = math.ceil(south / step) * step
    while lat < north:
        _, y = xy(0, lat)
        grid.append(f"M0 {_fmt(y)}H{_fmt(WIDTH)}")
        grid_labels.append({"x": "3", "y": _fmt(y - 3), "text": f"{abs(lat):g}°{'N' if lat > 0 else 'S' if lat < 0 else ''}"})
        lat += step

    inside = [(e, p) for e, p in located if west <= p[0] <= east and south <= p[1] <= north]
    outside = [e for e, p in located if not (west <= p[0] <= east and south <= p[1] <= north)]
    order = {"background": 0, "related": 1, "main": 2}  # main events drawn last, on top
    inside.sort(key=lambda ep: (order.get(str(ep[0].get("role")), 1), str(ep[0].get("id"))))
    spots: dict[tuple[int, int], list[int]] = {}
    points: list[dict[str, Any]] = []
    for i, (e, (lon, lat)) in enumerate(inside):
        x, y = xy(lon, lat)
        spots.setdefault((round(x / 2), round(y / 2)), []).append(i)
        loc = e.get("location") or {}
        points.append(
            {
                "x": x,
                "y": y,
                "ax": _fmt(x),
                "ay": _fmt(y),
                "r": _fmt(RADIUS),
                "event": str(e.get("id")),
                "href": href(str(e.get("id"))),
                "title": label(e),
                "role": str(e.get("role") or "related"),
                "approx": _approx(loc),
                "fanned": False,
            }
        )
    for members in spots.values():  # events on one spot: fanned out around it (a sunflower spiral), so each can be clicked
        if len(members) < 2:
            continue
        for k, i in enumerate(members, start=1):
            radius = FAN * math.sqrt(k)
            angle = k * GOLDEN
            points[i]["x"] += radius * math.cos(angle)
            points[i]["y"] += radius * math.sin(angle)
            points[i]["fanned"] = True
    for pt in points:
        pt["x"], pt["y"] = _fmt(pt["x"]), _fmt(pt["y"])
    return {
        "width": _fmt(WIDTH),
        "height": _fmt(height),
        "countries": countries,
        "labels": labels,
        "grid": "".join(grid),
        "grid_labels": grid_labels,
        "points": points,
        "outside": [{"event": str(e.get("id")), "href": href(str(e.get("id"))), "title": label(e)} for e in outside],
        "unlocated": len(events) - len(located),
        "bbox": [round(west, 2), round(south, 2), round(east, 2), round(north, 2)],
        "credit": CREDIT,
    }
