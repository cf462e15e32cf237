"""The analyze command: JSON with every item anchored to a span of the document's text."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from triangulate.cli import app

ARTICLE = (
    "Islamabad said on Wednesday that Iranian missiles had killed two children in a village near Panjgur, "
    "in Balochistan province. Two days later, Pakistani jets struck targets in Iran, killing nine people, "
    "including four children, Iranian officials said."
)


def test_analyze_writes_spans_that_hold(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "x1", "published": "2024-01-18", "text": ARTICLE}) + "\n", encoding="utf-8")
    out = tmp_path / "analysis.json"
    result = CliRunner().invoke(app, ["analyze", str(src), "--json", str(out), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 0, result.output
    (doc,) = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert (doc["source_id"], doc["published"]) == ("x1", "2024-01-18")
    text = doc["text"]
    for kind in ("entities", "times", "places", "counts"):
        assert doc[kind], kind
        for item in doc[kind]:
            assert text[item["start"] : item["end"]] == item["text"], (kind, item)
    ents = {e["text"]: e for e in doc["entities"]}
    assert (ents["Islamabad"]["canonical"], ents["Islamabad"]["government"]) == ("Pakistan", True)
    times = {t["text"]: t["date_start"] for t in doc["times"]}
    assert times == {"Wednesday": "2024-01-17", "Two days later": "2024-01-19"}
    places = {p["text"]: (p["country"], p["admin1"]) for p in doc["places"]}
    assert places["Panjgur"][0] == "PK" and places["Iran"] == ("IR", None)
    counts = {(c["value"], c["noun"]) for c in doc["counts"]}
    assert (2, "child") in counts and (9, "person") in counts
