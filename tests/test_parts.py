"""Parquet parts: workers' documents as files the store reads itself, and what a killed run leaves behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from triangulate.api import build
from triangulate.engines import _RayWorker, parts_dir
from triangulate.model import Document, Failure, Part
from triangulate.pipeline import version, work
from triangulate.settings import load_options
from triangulate.store import Store, parts_in, write_part

from conftest import raw

STORY = "Border story\n\nSoldiers clashed with gunmen near the border on Tuesday, officials said. Two people were hurt.\n"


def analysed(*texts: str) -> list[Document]:
    results, _ = work([raw(t, path=f"in/{n}.txt") for n, t in enumerate(texts)])
    docs = [r for r in results if isinstance(r, Document)]
    assert len(docs) == len(texts)
    return docs


def test_a_part_holds_what_the_store_would_and_is_named_by_its_documents(tmp_path: Path) -> None:
    docs = analysed(STORY, STORY.replace("Two", "Three"))
    path = write_part(docs, tmp_path / "parts", version=version())
    assert path == write_part(list(reversed(docs)), tmp_path / "parts", version=version())  # same documents, same part
    assert parts_in(tmp_path / "parts") == [path] and parts_in(tmp_path / "nowhere") == []
    (tmp_path / "parts" / ".part-x.parquet.1.tmp").write_bytes(b"half written")
    assert parts_in(tmp_path / "parts") == [path]  # a file being written is not a part
    with Store(tmp_path / "a.duckdb") as a, Store(tmp_path / "b.duckdb") as b:
        with a.transaction():
            assert a.put_part(path) == 2
        with b.transaction():
            b.put_batch(docs, version=version())
        assert [d.to_dict() for d in a.documents()] == [d.to_dict() for d in b.documents()]
        assert a.con.execute("SELECT * FROM origins ORDER BY 1").fetchall() == b.con.execute("SELECT * FROM origins ORDER BY 1").fetchall()
        assert a.cached_versions([d.id for d in docs]) == dict.fromkeys((d.id for d in docs), version())


def test_a_ray_actor_writes_its_batch_as_a_part_and_sends_back_only_ids_and_failures(tmp_path: Path, monkeypatch) -> None:
    import triangulate.engines

    real = triangulate.engines.work

    def stages(batch: list) -> tuple[list, dict]:  # the stages, and one document whose analysis failed
        done, timings = real(batch)
        return [*done, Failure("in/empty.txt", "the analysis failed", "T500", "analyze")], timings

    monkeypatch.setattr(triangulate.engines, "work", stages)
    actor = _RayWorker.__new__(_RayWorker)  # the class Ray runs, without Ray (its model loads when the stages run)
    results, timings = actor.work([raw(STORY, path="in/a.txt")], str(tmp_path / "parts"))
    failures = [r for r in results if isinstance(r, Failure)]
    (part,) = [r for r in results if isinstance(r, Part)]
    assert [f.source for f in failures] == ["in/empty.txt"] and not any(isinstance(r, Document) for r in results)
    assert Path(part.path).parent == tmp_path / "parts" and len(part.ids) == 1 and timings["store.part"] > 0
    results, _ = actor.work([raw(STORY, path="in/a.txt")])  # no parts directory: the documents come back
    assert [type(r) for r in results] == [Document, Failure]


def test_parts_a_killed_run_left_are_stored_by_the_next_run_and_not_redone(tmp_path: Path, write) -> None:
    path = write("in/a.txt", STORY)
    store = tmp_path / "s.duckdb"
    opts = load_options(env={}, store=str(store), workers=1)
    (doc,) = analysed(STORY)
    left = write_part([doc], parts_dir(opts), version=version())  # a worker finished; the run died before storing it
    foreign = Path(parts_dir(opts)) / "part-foreign.parquet"
    foreign.write_bytes(b"not parquet")
    dossier = build([path.parent], options=opts)
    assert dossier.run is not None and (dossier.run.documents, dossier.run.new) == (1, 0)  # read back, not analysed again
    assert [d.id for d in dossier.documents] == [doc.id] and not left.exists()
    assert foreign.exists()  # not ours to read: left alone


def test_the_ray_engine_leaves_no_parts_behind(tmp_path: Path, write) -> None:
    ray = pytest.importorskip("ray")
    for i in range(3):
        write(f"in/{i}.txt", STORY.replace("Two", str(i + 2)))
    opts = load_options(env={}, engine="ray", workers=1, store=str(tmp_path / "s.duckdb"))
    started = ray.is_initialized()
    dossier = build([tmp_path / "in"], options=opts)
    assert dossier.run is not None and dossier.run.new == 3 and len(dossier.documents) == 3
    assert dossier.run.timings.get("store.part", 0) > 0  # they went through parts
    assert parts_in(parts_dir(opts)) == []
    assert ray.is_initialized() == started


def test_a_part_is_stored_as_soon_as_it_comes_back(tmp_path: Path) -> None:
    from triangulate.api import _Runner
    from triangulate.model import RunStats

    (doc,) = analysed(STORY)
    part = write_part([doc], tmp_path / "parts", version=version())
    with Store(tmp_path / "s.duckdb") as st:
        runner = _Runner(st, version(), RunStats(), engine=None)
        runner._accept([Part(str(part), (doc.id,))], {})
        assert [d.id for d in st.documents()] == [doc.id] and not part.exists()  # not held until 64 more results
        assert (runner.stats.new, runner.stats.ids) == (1, [doc.id])
