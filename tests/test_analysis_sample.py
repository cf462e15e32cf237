"""The analysis on the sample corpus against its reference annotation (dates, places, death tolls)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from test_places import TARGETS, km
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


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_places_of_the_reference_get_country_and_point(docs: dict[str, Document], name: str) -> None:
    country, lat, lon = TARGETS[name]
    found = [p for d in docs.values() for p in d.analysis.places if p.text.startswith(name)]  # type: ignore[union-attr]
    assert found, f"{name} not found as a place"
    for p in found:
        assert p.country == country, p
        assert p.lat is not None and p.lon is not None, p
        assert km(p.lat, p.lon, lat, lon) < 50, p
