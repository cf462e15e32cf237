from __future__ import annotations

import pytest

from triangulate.errors import StageError, UndecodableInput, UnreadableInput
from triangulate.ingest import read_file
from triangulate.ingest.decode import decode
from triangulate.model import RawDocument
from triangulate.pipeline import STAGES, Stage, check_order, run_document
from triangulate.settings import Options

from conftest import raw


def boom(doc: RawDocument) -> RawDocument:
    raise ValueError("unexpected input")


def test_a_failing_stage_is_named() -> None:
    stages = (Stage("explode", boom, needs=("raw",), adds=(), version="1"), *STAGES)
    with pytest.raises(StageError) as e:
        run_document(raw("Some text here.", path="x.txt"), stages=stages)
    assert e.value.stage == "explode" and e.value.source == "x.txt"
    assert str(e.value) == "x.txt: ValueError: unexpected input [explode] (T201)"


def test_stage_order_is_checked() -> None:
    late = Stage("extract", lambda d: d, needs=("entities",), adds=("events",), version="1")
    with pytest.raises(StageError, match="needs entities"):
        check_order((*STAGES, late))


def test_undecodable_input() -> None:
    with pytest.raises(UndecodableInput, match="utf-16 byte-order mark"):
        decode(b"\xff\xfeP\x00a\x00k", source="odd.txt")


def test_unreadable_path(tmp_path) -> None:
    d = tmp_path / "folder.txt"
    d.mkdir()
    with pytest.raises(UnreadableInput, match="cannot read"):
        list(read_file(str(d), options=Options()))
