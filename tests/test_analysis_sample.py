"""The analysis on the sample corpus against its reference annotation (dates, places, death tolls)."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from triangulate.api import analyze
from triangulate.model import Document

from conftest import SAMPLE


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Document]:
    store = tmp_path_factory.mktemp("sample") / "s.duckdb"
    _, found = analyze([SAMPLE], store=store)
    return {Path(d.path).name: d for d in found}


def days(doc: Document) -> set[date]:
    assert doc.analysis is not None
    return {t.day for t in doc.analysis.times if t.day is not None}


def test_every_stated_single_day_of_the_reference_is_resolved(docs: dict[str, Document], gold: dict) -> None:
    for event in gold["events"]:
        if not isinstance(event["date"], str):
            continue  # an interval: no single day to state
        day = date.fromisoformat(event["date"])
        stating = [n for n in event["docs"] if n in docs and day in days(docs[n])]
        assert stating, f"{event['id']}: no document resolves a mention to {day}"


def test_weekdays_in_the_wire_story(docs: dict[str, Document]) -> None:
    wire = next(d for d in docs.values() if d.published == "2024-01-18" and d.syndicated_from)
    assert wire.analysis is not None
    named = {(t.text.split()[-1], t.day) for t in wire.analysis.times if "day" in t.text.lower() and t.day is not None}
    assert ("Tuesday", date(2024, 1, 16)) in named
    assert ("Thursday", date(2024, 1, 18)) in named


def test_death_tolls_of_the_reference_are_parsed(docs: dict[str, Document], gold: dict) -> None:
    for event in gold["events"]:
        for claim in event.get("fatalities_claims", []):
            values = {c.value for n in claim["docs"] if n in docs for c in docs[n].analysis.counts}  # type: ignore[union-attr]
            assert claim["value"] in values, f"{event['id']}: {claim['value']} ({claim['evidence']}) not parsed"


TRUE_POINTS = {  # name: (country, lat, lon), from GeoNames
    "Panjgur": ("PK", 26.96, 64.09),
    "Saravan": ("IR", 27.37, 62.33),
    "Erbil": ("IQ", 36.19, 44.01),
    "Idlib": ("SY", 35.93, 36.63),
    "Kerman": ("IR", 30.28, 57.08),
    "Islamabad": ("PK", 33.72, 73.04),
}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.mark.parametrize("name", sorted(TRUE_POINTS))
def test_places_of_the_reference_get_country_and_point(docs: dict[str, Document], name: str) -> None:
    country, lat, lon = TRUE_POINTS[name]
    found = [p for d in docs.values() for p in d.analysis.places if p.text.startswith(name)]  # type: ignore[union-attr]
    assert found, f"{name} not found as a place"
    for p in found:
        assert p.country == country, p
        assert p.lat is not None and p.lon is not None, p
        assert km((p.lat, p.lon), (lat, lon)) < 50, p
