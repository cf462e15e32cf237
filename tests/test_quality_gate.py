"""The quality gate: the sample corpus must keep every figure at or above its pinned floor."""

from __future__ import annotations

import json

from triangulate.eval import check_floors, evaluate

from conftest import ROOT


def test_sample_corpus_keeps_its_floors(tmp_path) -> None:
    floors = json.loads((ROOT / "eval" / "floors.json").read_text(encoding="utf-8"))
    figures = evaluate(ROOT / floors["corpus"], ROOT / floors["gold"], store=tmp_path / "gate.duckdb")
    assert set(floors["min"]) | set(floors["max"]) == set(figures), "every figure has a floor or a ceiling"
    assert check_floors(figures, minimum=floors["min"], maximum=floors["max"]) == []
