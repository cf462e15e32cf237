"""Scores of hand-made dossiers against a hand-made reference, worked out by hand."""

from __future__ import annotations

import copy
import json

import pytest
from typer.testing import CliRunner

from triangulate.cli import app
from triangulate.eval import check_floors, score

GOLD = {
    "documents": {
        "a.txt": {
            "title": "Strikes hit",
            "published": "2024-01-18",
            "author": "Jane Roe",
            "syndicated_from": None,
            "noise": ["- Advertisement -"],
        },
        "b.txt": {"title": "Border raid", "published": None, "author": None, "syndicated_from": "BBC", "noise": []},
    },
    "events": [
        {
            "id": "strike",
            "role": "main",
            "type": "ASSAULT",
            "date": "2024-01-16",
            "location": {"name": "Panjgur District", "country": "PK"},
            "actors": ["Iran", "IRGC"],
            "targets": ["Militants"],
            "fatalities_claims": [{"value": 2, "docs": ["a.txt"]}],
            "injuries_claims": [{"value": 3, "docs": ["b.txt"]}],
        },
        {
            "id": "reply",
            "role": "main",
            "type": "ASSAULT",
            "date": "2024-01-18",
            "location": {"name": "Saravan", "country": "IR"},
            "actors": ["Pakistan"],
            "targets": [],
            "fatalities_claims": [{"value": 9, "docs": ["b.txt"]}, {"value": 7, "docs": ["a.txt"]}],
        },
        {
            "id": "talks",
            "role": "related",
            "type": "AGREE",
            "date": ["2024-01-19", "2024-01-20"],
            "location": {"country": ["PK", "IR"]},
            "actors": ["Pakistan", "Iran"],
        },
    ],
    "conflicts": [{"event": "reply", "attribute": "fatalities", "values": {"7": ["a.txt"], "9": ["b.txt"]}}],
    "must_not_appear": [{"what": "any event dated 2025 or later"}, {"what": "events located in Greenland, Italy (Rome) or Lebanon"}],
    "source_ranking": {"lowest": "b.txt", "above": ["a.txt"]},
}


def claim(value: int, doc: str) -> dict:
    return {"value": value, "evidence": {"doc": doc, "start": 0, "end": 1, "quote": "x"}}


def span(doc: str) -> dict:
    return {"doc": doc, "start": 0, "end": 1, "quote": "x"}


PERFECT = {
    "schema": "triangulate.dossier/1",
    "documents": [
        {
            "id": "dA",
            "path": "in/a.txt",
            "title": "Strikes hit",
            "published": "2024-01-18",
            "author": "Jane Roe",
            "syndicated_from": None,
            "text": "Body.",
            "removed": [{"raw_start": 0, "raw_end": 17, "reason": "advertisement", "text": "- Advertisement -"}],
        },
        {
            "id": "dB",
            "path": "in/b.txt",
            "title": "Border raid",
            "published": None,
            "author": None,
            "syndicated_from": "BBC",
            "text": "Body.",
            "removed": [],
        },
    ],
    "events": [
        {
            "id": "e1",
            "type": "ASSAULT",
            "date": {"start": "2024-01-16", "end": "2024-01-16"},
            "location": {"name": "Panjgur", "country": "PK"},
            "actors": ["Islamic Revolutionary Guard Corps"],
            "targets": [],
            "role": "main",
            "mentions": [span("dA")],
            "fatalities": {"best": 2, "claims": [claim(2, "dA")]},
            "injuries": {"best": 3, "claims": [claim(3, "dB")]},
        },
        {
            "id": "e2",
            "type": "ASSAULT",
            "date": {"start": "2024-01-18", "end": "2024-01-18"},
            "location": {"name": "Saravan", "country": "IR"},
            "actors": ["Pakistan"],
            "targets": [],
            "role": "main",
            "mentions": [span("dB")],
            "fatalities": {"best": 9, "claims": [claim(9, "dB"), claim(7, "dA")]},
        },
        {
            "id": "e3",
            "type": "AGREE",
            "date": {"start": "2024-01-19", "end": "2024-01-19"},
            "location": {"name": None, "country": "PK"},
            "actors": ["Iran"],
            "targets": ["Pakistan"],
            "role": "related",
            "mentions": [span("dA")],
        },
    ],
    "entities": [{"canonical": "Islamic Revolutionary Guard Corps", "aliases": ["IRGC"]}],
    "conflicts": [
        {
            "event": "e2",
            "attribute": "fatalities",
            "values": [{"value": 7, "evidence": [span("dA")]}, {"value": 9, "evidence": [span("dB")]}],
        }
    ],
    "sources": [{"doc": "dA", "reliability": 0.8, "signals": []}, {"doc": "dB", "reliability": 0.4, "signals": []}],
}


def figures(dossier: dict) -> dict[str, float]:
    return {k: v.value for k, v in score(dossier, GOLD).items()}


BASE = figures(PERFECT)


def changed(dossier: dict) -> dict[str, float]:
    got = figures(dossier)
    return {k: v for k, v in got.items() if v != BASE[k]}


def test_a_perfect_dossier_scores_one_everywhere() -> None:
    assert {k: v for k, v in BASE.items() if k not in {"false_events", "duplicates", "leakage"}} == dict.fromkeys(
        [
            "event_recall_main", "event_recall_all", "event_precision", "date_accuracy", "place_country_accuracy",
            "place_name_accuracy", "fatality_claims", "injury_claims", "conflicts", "doc_title", "doc_published",
            "doc_author", "doc_syndication", "doc_noise", "source_ranking",
        ],
        1.0,
    )  # fmt: skip
    assert (BASE["false_events"], BASE["duplicates"], BASE["leakage"]) == (0, 0, 0)


def test_removing_an_event() -> None:
    d = copy.deepcopy(PERFECT)
    d["events"] = [e for e in d["events"] if e["id"] != "e3"]
    assert changed(d) == {"event_recall_all": 2 / 3}


def test_removing_a_main_assault_moves_recall_claims_and_conflicts() -> None:
    d = copy.deepcopy(PERFECT)
    d["events"] = [e for e in d["events"] if e["id"] != "e2"]
    assert changed(d) == {"event_recall_main": 0.5, "event_recall_all": 2 / 3, "fatality_claims": 1 / 3, "conflicts": 0.0}


def test_shifting_a_date_by_two_days() -> None:
    d = copy.deepcopy(PERFECT)
    d["events"][2]["date"] = {"start": "2024-01-19", "end": "2024-01-22"}  # end two days past the reference window
    assert changed(d) == {"date_accuracy": 2 / 3}


def test_dropping_a_claim() -> None:
    d = copy.deepcopy(PERFECT)
    d["events"][1]["fatalities"]["claims"] = [claim(9, "dB")]
    assert changed(d) == {"fatality_claims": 2 / 3}


def test_a_claim_cited_to_the_wrong_document_is_not_found() -> None:
    d = copy.deepcopy(PERFECT)
    d["events"][0]["injuries"]["claims"] = [claim(3, "dA")]
    assert changed(d) == {"injury_claims": 0.0}


def test_adding_an_event_in_greenland() -> None:
    d = copy.deepcopy(PERFECT)
    d["events"].append(
        {
            "id": "g",
            "type": "PROTEST",
            "date": {"start": "2024-01-17", "end": "2024-01-17"},
            "location": {"name": "Nuuk", "country": "GL"},
            "actors": ["Voters"],
            "targets": [],
            "role": "background",
            "mentions": [span("dA")],
        }
    )
    assert changed(d) == {"leakage": 1}


def test_false_and_duplicate_assaults() -> None:
    d = copy.deepcopy(PERFECT)
    dup = copy.deepcopy(d["events"][1]) | {"id": "e2bis"}
    false = copy.deepcopy(d["events"][1]) | {"id": "fx", "actors": ["Somebody Else"]}
    d["events"] += [dup, false]
    assert changed(d) == {"event_precision": 0.5, "duplicates": 1, "false_events": 1}


def test_wrong_place_name_and_metadata() -> None:
    d = copy.deepcopy(PERFECT)
    d["events"][0]["location"]["name"] = "Quetta"
    d["documents"][0]["published"] = "2024-01-20"
    d["documents"][1]["syndicated_from"] = None
    d["sources"][1]["reliability"] = 0.9
    assert changed(d) == {"place_name_accuracy": 0.5, "doc_published": 0.5, "doc_syndication": 0.5, "source_ranking": 0.0}


def test_noise_left_in_the_text() -> None:
    d = copy.deepcopy(PERFECT)
    d["documents"][0]["removed"] = []
    d["documents"][0]["text"] = "Body.\n- Advertisement -"
    assert changed(d) == {"doc_noise": 0.0}


def test_floors_and_ceilings() -> None:
    got = score(PERFECT, GOLD)
    assert check_floors(got, minimum={"doc_title": 1.0}, maximum={"leakage": 0}) == []
    assert check_floors(got, minimum={"nope": 1.0}, maximum={}) == ["nope: no such figure"]
    worse = score({**PERFECT, "events": []}, GOLD)
    assert check_floors(worse, minimum={"event_recall_all": 0.5}, maximum={}) == ["event_recall_all: 0.000 is below the floor 0.500"]


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_cli(tmp_path, extra: list[str]) -> None:
    (tmp_path / "d.json").write_text(json.dumps(PERFECT), encoding="utf-8")
    (tmp_path / "g.json").write_text(json.dumps(GOLD), encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(app, ["eval", str(tmp_path / "d.json"), "--gold", str(tmp_path / "g.json"), *extra, "--min", "doc_title=1"])
    assert ok.exit_code == 0, ok.output
    if extra:
        assert json.loads(ok.output)["event_recall_all"] == 1.0
    missed = runner.invoke(app, ["eval", str(tmp_path / "d.json"), "--gold", str(tmp_path / "g.json"), "--max", "leakage=-1"])
    assert missed.exit_code == 1
    assert runner.invoke(app, ["eval", str(tmp_path / "d.json"), "--gold", str(tmp_path / "g.json"), "--min", "oops"]).exit_code == 2
