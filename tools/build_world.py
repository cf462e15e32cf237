"""Write src/triangulate/render/data/world-110m.json: country outlines for the report's offline map.

Source: Natural Earth 1:110m Cultural Vectors, Admin 0 – Countries (public domain), as
redistributed in TopoJSON by the npm package ``world-atlas`` (ISC licence), file
``countries-110m.json``. Fetch it with npm (the only network this needs)::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz   # -> package/countries-110m.json
    python tools/build_world.py package/countries-110m.json

Without an argument the script runs ``npm pack`` itself in a temporary folder.

The output is one entry per Natural Earth country: its ISO 3166-1 alpha-2 code (through
``pycountry`` from the ISO numeric id that world-atlas carries; the three features without
one are mapped by name: Kosovo ``XK``, N. Cyprus ``CY``, Somaliland ``SO``, so that an event
placed in that country by GeoNames shades them), its name, its bounding box and its rings.
Coordinates are whole hundredths of a degree (``"scale": 0.01``), each ring a flat list
``[lon0, lat0, lon1, lat1, ...]`` without the closing point; outer rings and holes are listed
together (draw them with the even-odd fill rule). Deterministic: the same input gives the
same file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import pycountry

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "triangulate" / "render" / "data"
OUT = DATA / "world-110m.json"
PACKAGE = "world-atlas@2.0.2"
SCALE = 100  # coordinates in hundredths of a degree
BY_NAME = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}


def _fetch() -> dict[str, Any]:
    """Run ``npm pack`` for world-atlas in a temporary folder and read its countries-110m.json."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        (tgz,) = Path(tmp).glob("world-atlas-*.tgz")
        with tarfile.open(tgz) as tar:
            member = tar.extractfile("package/countries-110m.json")
            assert member is not None
            data: dict[str, Any] = json.loads(member.read().decode("utf-8"))
            return data


def _arcs(topo: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Decode the delta-encoded, quantised arcs into (lon, lat) degrees."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[int, int]]:
    """One ring from its arc indices (a negative index ~i is arc i reversed), rounded, without repeats."""
    points: list[tuple[float, float]] = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    ring: list[tuple[int, int]] = []
    for lon, lat in points:
        p = (round(lon * SCALE), round(lat * SCALE))
        if not ring or ring[-1] != p:
            ring.append(p)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def _iso(geometry: dict[str, Any]) -> str:
    name = geometry.get("properties", {}).get("name", "")
    if name in BY_NAME:
        return BY_NAME[name]
    country = pycountry.countries.get(numeric=str(geometry["id"]))
    if country is None:
        raise SystemExit(f"no ISO code for {name!r} (id {geometry.get('id')!r})")
    return str(country.alpha_2)


def convert(topo: dict[str, Any]) -> dict[str, Any]:
    """The compact per-country outlines of a world-atlas countries TopoJSON."""
    arcs = _arcs(topo)
    countries = []
    for g in topo["objects"]["countries"]["geometries"]:
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
        rings = [r for polygon in polygons for r in (_ring(indices, arcs) for indices in polygon) if len(r) >= 3]
        if not rings:
            continue
        lons = [p[0] for r in rings for p in r]
        lats = [p[1] for r in rings for p in r]
        countries.append(
            {
                "iso": _iso(g),
                "name": g["properties"]["name"],
                "bbox": [min(lons), min(lats), max(lons), max(lats)],
                "rings": [[c for p in r for c in p] for r in rings],
            }
        )
    countries.sort(key=lambda c: (c["iso"], c["name"]))
    return {
        "source": "Natural Earth 1:110m Admin 0 - Countries (v4.1.0), via world-atlas 2.0.2 countries-110m.json",
        "license": "public domain (Natural Earth); world-atlas packaging ISC: see NATURAL_EARTH_LICENSE.txt",
        "scale": 1 / SCALE,
        "format": "rings are flat [lon, lat, ...] lists in units of scale degrees, open (no closing point); fill even-odd",
        "countries": countries,
    }


def main(argv: list[str]) -> None:
    """Convert the file named on the command line (or fetched with npm) into the vendored outlines."""
    topo = json.loads(Path(argv[0]).read_text(encoding="utf-8")) if argv else _fetch()
    data = convert(topo)
    DATA.mkdir(parents=True, exist_ok=True)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # one country a line: small diffs when the data is rebuilt
    body = body.replace(',{"iso":', ',\n{"iso":').replace('"countries":[{', '"countries":[\n{')
    OUT.write_text(body + "\n", encoding="utf-8")
    points = sum(len(r) // 2 for c in data["countries"] for r in c["rings"])
    print(f"wrote {OUT.relative_to(ROOT)}: {len(data['countries'])} countries, {points} points, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
