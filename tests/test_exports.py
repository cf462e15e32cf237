from __future__ import annotations

import csv
import io
import json
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from triangulate import api
from triangulate.errors import UsageError
from triangulate.model import Document, Dossier, OffsetMap
from triangulate.render.exports import EVENT_COLUMNS, FORMATS, acled_table, acled_type, event_rows, geojson, write_export
from triangulate.render.files import write_outputs

from conftest import ROOT


def span(doc: str = "d1") -> dict[str, Any]:
    return {"doc": doc, "start": 0, "end": 4, "quote": "Text"}


def event(eid: str, **kw: Any) -> dict[str, Any]:
    """An event as fusion writes it, with only what the test needs changed."""
    e: dict[str, Any] = {
        "id": eid,
        "type": "ASSAULT",
        "mode": None,
        "summary": f"summary of {eid}",
        "date": {"start": "2024-01-18", "end": "2024-01-18", "precision": "day", "inferred": False},
        "location": {"name": None, "admin1": None, "country": "PK", "lat": None, "lon": None},
        "actors": [],
        "targets": [],
        "fatalities": None,
        "injuries": None,
        "role": "main",
        "sources": ["d1"],
        "mentions": [span()],
    }
    e.update(kw)
    return e


def claim(
    value: int, doc: str, *, by: str | None = None, qualifier: str = "exact", low: int | None = None, high: int | None = None
) -> dict[str, Any]:
    return {"value": value, "low": low, "high": high, "qualifier": qualifier, "claimed_by": by, "published": None, "evidence": span(doc)}


def dossier(*events: dict[str, Any], conflicts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "schema": "triangulate.dossier/1",
        "documents": [
            {"id": "d1", "path": "a.txt", "title": "A", "outlet": "Dawn", "published": "2024-01-18", "text": "Text", "removed": []},
            {
                "id": "d2",
                "path": "b.txt",
                "title": "B",
                "outlet": None,
                "syndicated_from": "BBC",
                "published": None,
                "text": "Text",
                "removed": [],
            },
            {
                "id": "d3",
                "path": "https://www.example.org/x",
                "title": "C",
                "outlet": None,
                "published": None,
                "text": "Text",
                "removed": [],
            },
            {"id": "d4", "path": "d.txt", "title": "D", "outlet": None, "published": None, "text": "Text", "removed": []},
        ],
        "events": list(events),
        "conflicts": conflicts or [],
        "sources": [
            {"doc": "d1", "reliability": 0.9, "signals": []},
            {"doc": "d2", "reliability": 0.6, "signals": []},
            {"doc": "d3", "reliability": 0.3, "signals": []},
        ],
    }


SAMPLE = dossier(
    event(
        "e1",
        mode="aerial",
        summary="Pakistan: assault (aerial) against militants in Saravan",
        location={"name": "Saravan", "admin1": "Sistan and Baluchestan", "country": "IR", "lat": 27.37, "lon": 62.33, "precision": "city"},
        actors=["Pakistan", "Pakistani air force"],
        targets=["militants", "hideouts", "Iran"],
        fatalities={
            "best": 7,
            "rule": "",
            "claims": [claim(9, "d2", by="Iran"), claim(7, "d1", by="Iranian media"), claim(3, "d3", qualifier="vague", low=3)],
        },
        sources=["d1", "d2", "d3"],
    ),
    event("e2", date={"start": None, "end": None, "inferred": True}, sources=["d4"]),
    conflicts=[
        {"event": "e1", "attribute": "fatalities", "values": []},
        {"event": "e1", "attribute": "date", "values": []},
    ],
)


def test_a_row_has_every_column_in_order_and_exact_values() -> None:
    rows = event_rows(SAMPLE)
    assert [list(r) for r in rows] == [list(EVENT_COLUMNS)] * 2
    assert rows[0] == {
        "event_id": "e1",
        "event_date": "2024-01-18",
        "time_precision": 1,
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Air/drone strike",
        "actor1": "Pakistan",
        "assoc_actor_1": "Pakistani air force",
        "actor2": "militants",
        "assoc_actor_2": "hideouts; Iran",
        "country": "IR",
        "admin1": "Sistan and Baluchestan",
        "location": "Saravan",
        "latitude": 27.37,
        "longitude": 62.33,
        "geo_precision": 1,
        "source": "Dawn; BBC; example.org",
        "notes": "Pakistan: assault (aerial) against militants in Saravan",
        "fatalities": 7,
        "plover_type": "ASSAULT",
        "mode": "aerial",
        "fatalities_min": 3,
        "fatalities_max": 9,
        "claims": "9 (Iran, d2); 7 (Iranian media, d1); ~3 (d3)",
        "conflicts": "fatalities; date",
        "reliability": 0.6,
    }
    second = rows[1]
    assert second["event_date"] is None and second["time_precision"] is None
    assert second["fatalities"] == 0 and second["fatalities_min"] is None and second["fatalities_max"] is None
    assert second["claims"] is None and second["conflicts"] is None
    assert second["source"] == "d4"  # no outlet, no reprint, no URL: the document id
    assert second["reliability"] is None  # d4 has no reliability score
    assert second["actor1"] is None and second["assoc_actor_1"] is None


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ({"start": "2024-01-18", "end": "2024-01-18", "precision": "day", "inferred": False}, ("2024-01-18", 1)),
        ({"start": "2024-01-18", "end": "2024-01-18", "precision": "day", "inferred": True}, ("2024-01-18", 2)),
        ({"start": "2024-01-15", "end": "2024-01-21", "precision": "week"}, ("2024-01-18", 2)),
        ({"start": "2024-01-16", "end": "2024-01-17", "precision": "day"}, ("2024-01-16", 2)),
        ({"start": "2024-01-01", "end": "2024-01-31", "precision": "month"}, ("2024-01-16", 3)),
        ({"start": "2024-01-01", "end": "2024-12-31", "precision": "year"}, ("2024-07-01", 3)),
        ({"start": "2024-01-01", "end": "2024-01-20"}, ("2024-01-10", 3)),
        ({"start": None, "end": None, "inferred": True}, (None, None)),
    ],
)
def test_time_precision_follows_acled(when: dict[str, Any], expected: tuple[str | None, int | None]) -> None:
    (row,) = event_rows(dossier(event("e", date=when)))
    assert (row["event_date"], row["time_precision"]) == expected


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        ({"name": "Panjgur", "admin1": "Balochistan", "country": "PK", "lat": 26.9, "lon": 64.1, "precision": "city"}, 1),
        ({"name": "Koh-e-Sabz", "admin1": "Balochistan", "country": "PK", "lat": 26.9, "lon": 64.1, "precision": "locality"}, 2),
        ({"name": "Koh-e-Sabz", "admin1": None, "country": "PK", "lat": None, "lon": None, "precision": "locality"}, 2),
        ({"name": "Balochistan", "admin1": "Balochistan", "country": "PK", "lat": 30.1, "lon": 67.0, "precision": "admin1"}, 3),
        ({"name": "Pakistan", "admin1": None, "country": "PK", "lat": 33.7, "lon": 73.0, "precision": "country"}, 3),
        ({"name": None, "admin1": None, "country": "PK", "lat": None, "lon": None}, 3),
        ({"name": None, "admin1": None, "country": None, "lat": None, "lon": None}, None),
    ],
)
def test_geo_precision_follows_acled(loc: dict[str, Any], expected: int | None) -> None:
    (row,) = event_rows(dossier(event("e", location=loc)))
    assert row["geo_precision"] == expected


@pytest.mark.parametrize(
    ("plover", "mode", "targets", "expected"),
    [
        ("ASSAULT", "aerial", [], ("Explosions/Remote violence", "Air/drone strike")),
        ("ASSAULT", "drone", ["civilians"], ("Explosions/Remote violence", "Air/drone strike")),
        ("ASSAULT", "explosives", [], ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
        ("ASSAULT", "suicide-attack", [], ("Explosions/Remote violence", "Suicide bomb")),
        ("ASSAULT", "heavy-weapons", [], ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
        ("ASSAULT", "firearms", ["Pakistani labourers"], ("Violence against civilians", "Attack")),
        ("ASSAULT", "firearms", ["residents of Panjgur"], ("Violence against civilians", "Attack")),
        ("ASSAULT", "firearms", ["Border Guards"], ("Battles", "Armed clash")),
        ("ASSAULT", "firearms", ["People's Liberation Army"], ("Battles", "Armed clash")),
        ("ASSAULT", "firearms", ["protesters"], ("Protests", "Excessive force against protesters")),
        ("ASSAULT", None, ["women and children"], ("Violence against civilians", "Attack")),
        ("ASSAULT", None, [], ("Battles", "Armed clash")),
        ("ASSAULT", "abduct", [], ("Violence against civilians", "Abduction/forced disappearance")),
        ("ASSAULT", "sexual", [], ("Violence against civilians", "Sexual violence")),
        ("ASSAULT", "no-such-mode", ["families"], ("Violence against civilians", "Attack")),  # an unknown mode: the type's default
        ("PROTEST", "demo", [], ("Protests", "Peaceful protest")),
        ("PROTEST", "riot", [], ("Riots", "Violent demonstration")),
        ("PROTEST", None, [], ("Protests", "Peaceful protest")),
        ("COERCE", "arrest", [], ("Strategic developments", "Arrests")),
        ("COERCE", "curfew", [], ("Strategic developments", "Other")),
        ("AGREE", None, [], ("Strategic developments", "Agreement")),
        ("RETREAT", "withdraw", [], ("Strategic developments", "Non-violent transfer of territory")),
        ("MOBILIZE", "troops", [], ("Strategic developments", "Change to group/activity")),
        ("SANCTION", "expel", [], ("Strategic developments", "Other")),
        ("ACCUSE", "disapprove", [], ("Strategic developments", "Other")),
        ("NOT_A_TYPE", None, [], (None, None)),
    ],
)
def test_plover_to_acled(plover: str, mode: str | None, targets: list[str], expected: tuple[str | None, str | None]) -> None:
    assert acled_type(plover, mode, targets=targets) == expected
    (row,) = event_rows(dossier(event("e", type=plover, mode=mode, targets=targets)))
    assert (row["event_type"], row["sub_event_type"]) == expected


def test_every_plover_type_and_mode_maps_to_a_real_acled_pair() -> None:
    plover = tomllib.loads((ROOT / "src/triangulate/extract/data/plover.toml").read_text(encoding="utf-8"))["types"]
    acled = tomllib.loads((ROOT / "src/triangulate/render/data/acled.toml").read_text(encoding="utf-8"))
    valid = {(t, s) for t, subs in acled["event_types"].items() for s in subs}
    assert len(acled["event_types"]) == 6 and set(acled["types"]) == set(plover)
    for name, t in plover.items():
        rule = acled["types"][name]
        assert tuple(rule["default"]) in valid, name
        modes = {*t.get("modes", []), *t.get("polecat_modes", [])}
        assert set(rule.get("modes", {})) <= modes, name  # no misspelt mode
        pairs = [*rule.get("modes", {}).values(), *(p for by in rule.get("targets", {}).values() for p in by.values())]
        assert all(tuple(p) in valid for p in pairs), name
        assert set(rule.get("targets", {})) <= set(acled["target_classes"]), name
        for mode in [None, *sorted(modes)]:
            assert acled_type(name, mode) in valid, (name, mode)


def test_docs_hold_the_current_mapping_table() -> None:
    assert acled_table() in (ROOT / "docs" / "exports.md").read_text(encoding="utf-8"), "regenerate the table in docs/exports.md"


def test_fatalities_fall_back_to_the_lowest_claim_when_fusion_settles_on_none() -> None:
    fig = {
        "best": None,
        "rule": "",
        "claims": [claim(12, "d1", qualifier="at_least", low=12), claim(20, "d2", qualifier="range", low=20, high=25)],
    }
    (row,) = event_rows(dossier(event("e", fatalities=fig)))
    assert (row["fatalities"], row["fatalities_min"], row["fatalities_max"]) == (12, 12, 20)
    assert row["claims"] == "at least 12 (d1); 20-25 (d2)"


def test_source_falls_back_to_mentions_and_reliability_is_the_mean() -> None:
    e = event("e", mentions=[span("d1"), span("d2"), span("d1")])
    del e["sources"]
    (row,) = event_rows(dossier(e))
    assert row["source"] == "Dawn; BBC" and row["reliability"] == 0.75


def test_geojson_is_a_feature_collection_of_located_events_lon_first() -> None:
    gj = geojson(SAMPLE)
    assert gj["type"] == "FeatureCollection" and "crs" not in gj
    (f,) = gj["features"]  # e2 has no coordinates
    assert f["type"] == "Feature" and f["id"] == "e1"
    assert f["geometry"] == {"type": "Point", "coordinates": [62.33, 27.37]}
    assert list(f["properties"]) == [c for c in EVENT_COLUMNS if c not in ("latitude", "longitude")]
    assert f["properties"]["sub_event_type"] == "Air/drone strike"
    json.dumps(gj, allow_nan=False)  # plain JSON


def test_parquet_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "events.parquet"
    assert write_export(SAMPLE, "parquet", out=out) is None
    table = pq.read_table(out)
    assert table.column_names == list(EVENT_COLUMNS)
    assert str(table.schema.field("event_date").type) == "date32[day]"
    assert str(table.schema.field("fatalities").type) == "int64"
    assert str(table.schema.field("latitude").type) == "double"
    rows = table.to_pylist()
    expected = event_rows(SAMPLE)
    for r in expected:
        r["event_date"] = date.fromisoformat(r["event_date"]) if r["event_date"] else None
    assert rows == expected
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_parquet_of_no_events_keeps_the_columns(tmp_path: Path) -> None:
    write_export(dossier(), "parquet", out=tmp_path / "e.parquet")
    table = pq.read_table(tmp_path / "e.parquet")
    assert table.num_rows == 0 and table.column_names == list(EVENT_COLUMNS)


def test_text_formats_return_text_or_write_a_file(tmp_path: Path) -> None:
    text = write_export(SAMPLE, "csv")
    assert text is not None
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(EVENT_COLUMNS) and rows[0]["fatalities"] == "7" and rows[1]["event_date"] == ""
    assert json.loads(write_export(SAMPLE, "json") or "") == SAMPLE
    assert json.loads(write_export(SAMPLE, "geojson") or "")["type"] == "FeatureCollection"
    for fmt in ("json", "csv", "geojson"):
        out = tmp_path / f"x.{fmt}"
        assert write_export(SAMPLE, fmt, out=out) is None
        assert out.read_bytes().decode("utf-8") == write_export(SAMPLE, fmt)


def test_bad_format_or_parquet_to_stdout_is_a_usage_error(tmp_path: Path) -> None:
    assert FORMATS == ("json", "csv", "geojson", "parquet")
    with pytest.raises(UsageError, match="parquet"):
        write_export(SAMPLE, "parquet")
    with pytest.raises(UsageError, match="xml"):
        write_export(SAMPLE, "xml", out=tmp_path / "x")
    with pytest.raises(UsageError):  # refused before the store is opened
        api.export(tmp_path / "missing.duckdb", "parquet")


def test_write_outputs_writes_events_csv_beside_the_dossier(tmp_path: Path) -> None:
    text = "Pakistan struck."
    doc = Document(id="d1", path="a.txt", reader="text", raw=text, text=text, removed=[], offsets=OffsetMap(), title="A", outlet="Dawn")
    e = event("e1", mode="firearms", targets=["villagers"], fatalities={"best": 2, "rule": "", "claims": [claim(2, "d1")]})
    d = Dossier([doc], events=[e], sources=[{"doc": "d1", "reliability": 0.5, "signals": []}])
    paths = write_outputs(d, tmp_path)
    assert [p.name for p in paths] == ["report.html", "dossier.json", "documents.csv", "events.csv"]
    with (tmp_path / "events.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["event_id"] == "e1" and row["event_type"] == "Violence against civilians" and row["sub_event_type"] == "Attack"
    assert row["source"] == "Dawn" and row["fatalities"] == "2" and row["reliability"] == "0.5"
