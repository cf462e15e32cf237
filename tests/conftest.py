from __future__ import annotations

import json
from pathlib import Path

import pytest

from triangulate.model import RawDocument

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "iran-pakistan-2024"
GOLD = ROOT / "eval" / "gold" / "iran-pakistan-2024.json"
SCHEMA = ROOT / "contract" / "dossier.schema.json"


def raw(text: str, **kw: object) -> RawDocument:
    """A raw text document, as the text reader would make it."""
    return RawDocument(path=str(kw.pop("path", "t.txt")), reader="text", raw=text, **kw)  # type: ignore[arg-type]


@pytest.fixture
def write(tmp_path: Path):
    """Write a file under tmp_path (str or bytes) and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return p

    return _write


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))
