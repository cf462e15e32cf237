"""The ray engine gives the same answers as the local engine (Ray in local mode)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from triangulate.api import build
from triangulate.engines import RAY_MISSING, Engine, EngineLost, Pending, RayEngine, make_engine
from triangulate.errors import UsageError
from triangulate.model import Dossier, RawDocument
from triangulate.render.files import dossier_json
from triangulate.settings import Options, load_options

from conftest import SAMPLE, raw

ARTICLE = "Pakistan said on Thursday that its strikes hit militant hideouts inside Iran, two days after an Iranian attack. "


def options(engine: str) -> Options:
    return load_options(env={}, engine=engine, workers=2, progress=False)


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    """One local Ray for the module (its startup is slow); the engine uses it and leaves it running."""
    ray = pytest.importorskip("ray")
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield
    ray.shutdown()


def test_ray_engine_starts_a_local_ray_and_stops_it(tmp_path: Path, write) -> None:
    """Run first, before the module's Ray: without one, the engine starts its own, and shuts it down."""
    ray = pytest.importorskip("ray")
    if ray.is_initialized():
        pytest.skip("Ray is already running in this process")
    doc = write("one.txt", f"Story about the border\n\n{ARTICLE * 3}\n")
    dossier = build([doc], store=tmp_path / "s.duckdb", options=load_options(env={}, engine="ray", workers=1))
    assert dossier.run is not None and dossier.run.new == 1 and len(dossier.documents) == 1
    assert dossier.run.timings.get("analyze.spacy", 0) > 0
    assert not ray.is_initialized()


def test_a_bad_ray_address_is_a_usage_error(tmp_path: Path, write) -> None:
    ray = pytest.importorskip("ray")
    if ray.is_initialized():
        pytest.skip("Ray is already running in this process")
    doc = write("one.txt", f"Story about the border\n\n{ARTICLE * 3}\n")
    opts = load_options(env={}, engine="ray", ray_address="nohost")
    with pytest.raises(UsageError, match="cannot join the Ray cluster at 'nohost'"):
        build([doc], store=tmp_path / "s.duckdb", options=opts)


def both(paths: list[Path], tmp_path: Path) -> tuple[Dossier, Dossier]:
    local = build(paths, store=tmp_path / "local.duckdb", options=options("local"))
    on_ray = build(paths, store=tmp_path / "ray.duckdb", options=options("ray"))
    return local, on_ray


def test_ray_engine_builds_the_same_sample_dossier(ray_session: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from triangulate.fuse import coref

    monkeypatch.setattr(coref, "PARALLEL_MIN", 0)  # fusion's blocks go to the actors, however few the mentions
    mapped: list[int] = []
    real = RayEngine._map
    monkeypatch.setattr(RayEngine, "_map", lambda self, fn, items: mapped.append(len(items)) or real(self, fn, items))
    local, on_ray = both([SAMPLE], tmp_path)
    assert mapped and mapped[0] > 1
    a, b = dossier_json(local), dossier_json(on_ray)
    assert a["events"] and a["conflicts"] and len(a["sources"]) == 5
    for key in ("documents", "events", "conflicts", "sources", "timeline", "infobox", "entities", "fusion", "failures"):
        assert a[key] == b[key], key
    assert a == b
    assert local.run is not None and on_ray.run is not None
    assert (on_ray.run.documents, on_ray.run.new, on_ray.run.ids) == (5, 5, local.run.ids)
    assert on_ray.run.timings.get("analyze.spacy", 0) > 0  # the actors' stage timings come back


T17 = Path(__file__).resolve().parents[2] / "shared" / "bench" / "t17"  # third-party data: read in place, never copied
T17_PER_TOPIC = 12  # articles from each Timeline17 topic: five stories, many events, a minute of analysis


def test_ray_engine_builds_the_same_timeline17_dossier(ray_session: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of domain, and more events than the sample: the first articles of each Timeline17 topic."""
    topics = sorted(T17.glob("*/articles.jsonl"))
    if not topics:
        pytest.skip(f"Timeline17 is not at {T17} (see BENCHMARKS.md): nothing to compare on")
    from triangulate.fuse import coref

    monkeypatch.setattr(coref, "PARALLEL_MIN", 0)  # the actors cluster fusion's blocks too
    lines = []
    for path in topics:
        with path.open(encoding="utf-8") as f:
            lines += [line for _, line in zip(range(T17_PER_TOPIC), f, strict=False)]
    corpus = tmp_path / "t17.jsonl"
    corpus.write_text("".join(lines), encoding="utf-8")
    local, on_ray = both([corpus], tmp_path)
    a, b = dossier_json(local), dossier_json(on_ray)
    assert len(a["documents"]) == len(lines) and len(a["events"]) > 20
    for key in ("documents", "events", "conflicts", "sources", "timeline", "infobox", "entities", "fusion", "failures"):
        assert a[key] == b[key], key
    assert a == b


def test_ray_engine_reports_failures_like_the_local_engine(ray_session: None, tmp_path: Path, write) -> None:
    for i in range(3):
        write(f"in/good{i}.txt", f"Story number {i} about the border\n\n{ARTICLE * 3}\n\nOfficials counted {i} incidents.\n")
    write("in/empty.txt", "")
    write("in/binary.txt", bytes(range(256)) * 8)
    local, on_ray = both([tmp_path / "in"], tmp_path)
    a, b = dossier_json(local), dossier_json(on_ray)
    assert sorted(Path(f["source"]).name for f in a["failures"]) == ["binary.txt", "empty.txt"]
    assert a == b
    assert local.run is not None and on_ray.run is not None
    assert [(f.source, f.code, f.stage) for f in on_ray.run.failures] == [(f.source, f.code, f.stage) for f in local.run.failures]
    assert (on_ray.run.documents, on_ray.run.new) == (local.run.documents, local.run.new) == (3, 3)


def test_the_local_engines_workers_map_in_order_and_a_lost_one_falls_back_here() -> None:
    engine = make_engine(load_options(env={}, workers=2))
    assert engine is not None
    assert engine.map(abs, [-3, 2, -1]) == [3, 2, 1]  # not started: here
    try:
        engine.submit([])()  # starts the workers
        assert engine.started and engine.map(abs, list(range(-20, 0))) == list(range(20, 0, -1))
        assert engine.map(_exit_worker, [1, 2]) == [None, None]  # a worker died: done here, where _exit_worker does not exit
    finally:
        engine.close()


def _exit_worker(x: int) -> None:
    import multiprocessing
    import os

    if multiprocessing.parent_process() is not None:
        os._exit(1)


def test_unknown_engine_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown engine 'spark'; known: local, ray"):
        make_engine(load_options(env={}, engine="spark"))


def test_ray_engine_without_ray_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails as if it were not installed
    with pytest.raises(UsageError) as e:
        make_engine(load_options(env={}, engine="ray"))
    assert e.value.message == RAY_MISSING == "the ray engine needs `pip install triangulate[ray]`"


def test_local_engine_needs_no_ray(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    assert make_engine(load_options(env={}, workers=1)) is None
    engine = make_engine(load_options(env={}, workers=2))
    assert engine is not None and not engine.started and not engine.eager


def test_a_lost_ray_actor_is_reported_as_engine_lost(ray_session: None) -> None:
    import ray

    engine = RayEngine(workers=1)
    try:
        pending = engine.submit([raw(f"Story about the border\n\n{ARTICLE * 3}\n")])
        ray.kill(engine.actors[0])  # long before it has loaded its model and run the batch
        with pytest.raises(EngineLost):
            pending()
    finally:
        engine.close()
    assert ray.is_initialized()  # not ours to stop


class _Losing(Engine):
    """An engine whose every worker dies: the runner has to redo each batch itself."""

    eager = True

    def __init__(self) -> None:
        self.submitted = 0
        self.closed = False

    @property
    def started(self) -> bool:
        return self.submitted > 0

    def submit(self, batch: list[RawDocument]) -> Pending:
        self.submitted += 1

        def lost() -> tuple[list, dict]:
            raise EngineLost("worker died")

        return lost

    def _map(self, fn: object, items: object) -> list:
        raise EngineLost("worker died")

    def close(self) -> None:
        self.closed = True


def test_batches_a_lost_worker_had_are_redone_in_the_caller(tmp_path: Path, write, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(3):
        write(f"in/good{i}.txt", f"Story number {i} about the border\n\n{ARTICLE * 3}\n")
    engine = _Losing()
    monkeypatch.setattr("triangulate.api.make_engine", lambda opts: engine)
    dossier = build([tmp_path / "in"], store=tmp_path / "s.duckdb", options=options("ray"))
    assert dossier.run is not None and (dossier.run.new, len(dossier.documents)) == (3, 3)
    assert engine.submitted == 1 and engine.closed


def test_build_and_add_take_the_engine_on_the_command_line(tmp_path: Path, write) -> None:
    from typer.testing import CliRunner

    from triangulate.cli import app

    doc = write("one.txt", f"Story about the border\n\n{ARTICLE * 3}\n")
    for command in ("build", "add"):
        result = CliRunner().invoke(app, [command, str(doc), "--store", str(tmp_path / "s.duckdb"), "--engine", "spark"])
        assert result.exit_code == 2, result.output
        assert "unknown engine 'spark'; known: local, ray" in result.output
    opts = []
    monkey = pytest.MonkeyPatch()
    monkey.setattr("triangulate.api.make_engine", lambda o: opts.append(o))
    try:
        args = ["--engine", "ray", "--address", "head:6379", "--workers", "3", "--quiet"]
        result = CliRunner().invoke(app, ["build", str(doc), "--store", str(tmp_path / "t.duckdb"), "--out", str(tmp_path / "o"), *args])
    finally:
        monkey.undo()
    assert result.exit_code == 0, result.output
    assert [(o.engine, o.ray_address, o.workers) for o in opts] == [("ray", "head:6379", 3)]
