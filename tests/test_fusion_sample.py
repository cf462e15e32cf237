"""The sample corpus after fusion: each reference figure on the right event, with who claims it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triangulate.api import build
from triangulate.eval.score import match_events

from conftest import SAMPLE


@pytest.fixture(scope="module")
def dossier(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("fused")
    build([str(SAMPLE)], store=out / "s.duckdb", out=out)
    return json.loads((out / "dossier.json").read_text(encoding="utf-8"))


def claims(dossier: dict, gold: dict, ref: str, kind: str) -> set[tuple[int, str, str | None]]:
    """(value, file, claimed_by) of each claim of one figure on the event matched to a reference event."""
    files = {d["id"]: Path(d["path"]).name[:3] for d in dossier["documents"]}
    event = next(e for e in dossier["events"] if e["id"] == match_events(dossier, gold)[ref])
    return {(c["value"], files[c["evidence"]["doc"]], c["claimed_by"]) for c in (event[kind] or {"claims": []})["claims"]}


def test_each_side_of_the_exchange_has_its_tolls(dossier: dict, gold: dict) -> None:
    assert (2, "002", "Pakistan") in claims(dossier, gold, "iran-strikes-pakistan", "fatalities")  # "Islamabad says"
    assert (3, "001", None) in claims(dossier, gold, "iran-strikes-pakistan", "injuries")
    found = claims(dossier, gold, "pakistan-strikes-iran", "fatalities")
    assert {(7, "002", "Iranian media"), (9, "001", "Iran")} <= found  # the early and the later toll, each with its source


def test_a_later_attack_keeps_its_own_figures(dossier: dict, gold: dict) -> None:
    assert claims(dossier, gold, "saravan-killings", "fatalities") == {(9, "001", None)}
    assert claims(dossier, gold, "saravan-killings", "injuries") == {(3, "001", None)}


def test_the_disputed_toll_and_date_are_conflicts(dossier: dict, gold: dict) -> None:
    matched = match_events(dossier, gold)
    found = {(c["event"], c["attribute"]): sorted(str(v["value"]) for v in c["values"]) for c in dossier["conflicts"]}
    assert found[(matched["pakistan-strikes-iran"], "fatalities")] == ["7", "9"]
    assert found[(matched["iran-strikes-pakistan"], "date")] == ["2024-01-16", "2024-01-17"]


def test_the_rewrite_is_the_least_reliable_source(dossier: dict) -> None:
    files = {d["id"]: Path(d["path"]).name[:3] for d in dossier["documents"]}
    ranked = [files[s["doc"]] for s in sorted(dossier["sources"], key=lambda s: s["reliability"])]
    assert ranked[0] == "000"
    assert all(s["signals"] for s in dossier["sources"])
