from __future__ import annotations

import pytest

from triangulate.errors import StageError, UndecodableInput, UnreadableInput
from triangulate.ingest import read_file
from triangulate.ingest.decode import decode
from triangulate.model import Document, Failure, RawDocument
from triangulate.pipeline import STAGES, Stage, check_order, run_batch, run_document
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


def picky(docs: list[Document], *, timings: dict[str, float] | None = None) -> list[Document]:
    """A batch stage that cannot take one of the documents."""
    if any("poison" in d.text for d in docs):
        raise ValueError("cannot take poison")
    return docs


def test_a_batch_stage_that_fails_fails_only_its_culprit() -> None:
    stages = (STAGES[0], Stage("picky", picky, needs=("text",), adds=(), version="1", batch=True))
    raws = [raw("A first article.", path="a.txt"), raw("A poison article.", path="b.txt"), raw("A third article.", path="c.txt")]
    results = run_batch(raws, stages=stages)
    assert [type(r).__name__ for r in results] == ["Document", "Failure", "Document"]
    failure = results[1]
    assert isinstance(failure, Failure)
    assert (failure.source, failure.stage, failure.reason) == ("b.txt", "picky", "ValueError: cannot take poison")


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
