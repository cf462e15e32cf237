"""Evaluation: scoring a dossier against a reference annotation, and the floors it must keep."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .score import Figure, match_events, score

__all__ = ["Figure", "check_floors", "evaluate", "match_events", "score"]


def evaluate(target: str | Path, gold: str | Path, *, store: str | Path | None = None) -> dict[str, Figure]:
    """Score ``target`` (a dossier.json, or a corpus path that is built first) against ``gold``."""
    target = Path(target)
    try:
        reference = json.loads(Path(gold).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise UsageError(f"cannot read the reference annotation: {e}", source=str(gold)) from e
    if target.is_file() and target.suffix == ".json" and _is_dossier(target):
        dossier = json.loads(target.read_text(encoding="utf-8"))
    else:
        from ..api import build
        from ..render.files import dossier_json

        with tempfile.TemporaryDirectory() as tmp:
            built = build([str(target)], store=store or Path(tmp) / "eval.duckdb")
            dossier = dossier_json(built)
    return score(dossier, reference)


def _is_dossier(path: Path) -> bool:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and str(data.get("schema", "")).startswith("triangulate.dossier/")


def check_floors(figures: dict[str, Figure], *, minimum: dict[str, float], maximum: dict[str, float]) -> list[str]:
    """Return a line for every figure below its floor or above its ceiling (unknown names too)."""
    missed = []
    for name, bound in minimum.items():
        if name not in figures:
            missed.append(f"{name}: no such figure")
        elif figures[name].value < bound - 1e-9:
            missed.append(f"{name}: {figures[name].value:.3f} is below the floor {bound:.3f}")
    for name, bound in maximum.items():
        if name not in figures:
            missed.append(f"{name}: no such figure")
        elif figures[name].value > bound + 1e-9:
            missed.append(f"{name}: {figures[name].value:g} is above the ceiling {bound:g}")
    return missed
