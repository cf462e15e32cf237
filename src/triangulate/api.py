"""The library API: ``build`` runs the whole job; the CLI is a thin layer over it."""

from __future__ import annotations

import hashlib
import json
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from .changes import Changelog, changelog
from .engines import Engine, EngineLost, Pending, make_engine, parts_dir
from .ingest import Fetcher, HttpFetcher, discover, read_item
from .model import Document, Dossier, Failure, Part, RawDocument, RunStats
from .pipeline import version, work
from .render.files import write_outputs
from .settings import Options, load_options
from .store import Store, parts_in
from .timeline import TimelineDate
from .timeline import build_timeline as timeline

if TYPE_CHECKING:
    from .fuse.coref import BlockRunner

ProgressCallback = Callable[[int, int, str], None]
BATCH = 64  # documents per store transaction
RUN_ONLY = ("blocks_clustered",)  # fusion figures about this run, not about the documents (kept out of the dossier)


def build(
    paths: Iterable[str | Path],
    *,
    store: str | Path | None = None,
    out: str | Path | None = None,
    options: Options | None = None,
    fetcher: Fetcher | None = None,
    progress: ProgressCallback | None = None,
) -> Dossier:
    """Ingest, clean and store ``paths``; write the outputs to ``out``; return the dossier.

    Documents already in the store with the current stage versions are not processed again.
    Bad inputs are recorded as failures (in the store, and in ``dossier.run`` for this run)
    and the rest of the batch goes on. Outputs are written only when ``out`` is given.
    """
    opts = (options or load_options()).with_overrides(store=str(store) if store else None, out=str(out) if out else None)
    inputs = [str(p) for p in paths]
    http = fetcher or HttpFetcher(opts)
    stats = RunStats()
    items = list(discover(inputs))  # file names, URLs and input failures only: articles are streamed below
    stage_version = version()
    engine = make_engine(opts)
    with Store(opts.store) as st:
        _recover_parts(st, parts_dir(opts))
        run_id = st.start_run(inputs)
        runner = _Runner(st, stage_version, stats, engine=engine)
        try:
            for n, item in enumerate(items, start=1):
                found = iter([item]) if isinstance(item, Failure) else read_item(item, options=opts, fetcher=http)
                while True:  # one record at a time: a big shard is never held whole
                    t0 = time.perf_counter()
                    rec = next(found, None)
                    stats.timed("ingest", time.perf_counter() - t0)
                    if rec is None:
                        break
                    runner.add(rec)
                if progress:
                    progress(n, len(items), item.source if isinstance(item, Failure) else item)
            runner.finish()
            st.finish_run(run_id, documents=stats.documents, new=stats.new, failures=len(stats.failures))
            t0 = time.perf_counter()
            docs = st.documents()
            stats.timed("load", time.perf_counter() - t0)
            # the engine's workers, when they are up, cluster coreference blocks in parallel
            dossier = fused(docs, failures=st.failures(), run=stats, store=st, runner=runner.blocks())
        finally:
            runner.close()
    if out is not None:
        t0 = time.perf_counter()
        write_outputs(dossier, Path(out))
        stats.timed("render", time.perf_counter() - t0)
    return dossier


def _recover_parts(st: Store, directory: str) -> None:
    """Store the Parquet parts a killed run's workers finished but it did not store, so that no work is redone."""
    for path in parts_in(directory):
        try:
            with st.transaction():
                st.put_part(path)
        except duckdb.Error:  # not a part we can read (a foreign file): leave it, and redo its documents
            continue
        path.unlink(missing_ok=True)


class _Runner:
    """Sends batches of new documents through the stages and their results to the store.

    Batches go to the engine (see :mod:`triangulate.engines`): the local engine's worker
    processes from the first full batch on (smaller runs work in this process), the ray
    engine's actors from the first batch. If a worker dies, its batch is redone here, and so
    are the rest. Results come back here, in order, and are written one transaction per batch.
    """

    def __init__(self, st: Store, stage_version: str, stats: RunStats, *, engine: Engine | None) -> None:
        self.st, self.stage_version, self.stats, self.engine = st, stage_version, stats, engine
        self.incoming: list[RawDocument] = []
        self.todo: list[RawDocument] = []
        self.pending: list[Document | Failure | Part | tuple[str, str]] = []
        self.running: deque[tuple[Pending, list[RawDocument]]] = deque()

    def add(self, rec: RawDocument | Failure) -> None:
        """Take one record: a failure is recorded, a stored document noted, a new one queued."""
        if isinstance(rec, Failure):
            self.stats.failures.append(rec)
            self.pending.append(rec)
        else:
            self.stats.documents += 1
            self.incoming.append(rec)
        if len(self.incoming) >= BATCH:
            self._sort()

    def _sort(self) -> None:
        """Look the incoming documents up in the store at once: stored ones are done, the rest queued."""
        incoming, self.incoming = self.incoming, []
        t0 = time.perf_counter()
        stored = self.st.cached_versions([r.id for r in incoming])
        self.stats.timed("cache", time.perf_counter() - t0)
        for rec in incoming:
            if stored.get(rec.id) == self.stage_version:
                self.stats.ids.append(rec.id)
                self.pending.append((rec.origin, rec.id))
            else:
                self.todo.append(rec)
        if len(self.todo) >= BATCH:
            self._dispatch(final=False)
        if len(self.pending) >= BATCH:
            self._flush()

    def finish(self) -> None:
        """Process what is left, wait for the workers and write everything."""
        self._sort()
        if self.todo:
            self._dispatch(final=True)
        while self.running:
            self._collect(*self.running.popleft())
        self._flush()

    def blocks(self) -> BlockRunner | None:
        """What clusters fusion's blocks in parallel: the engine's workers if they are up, else None."""
        engine = self.engine
        return engine.map if engine is not None and engine.started else None

    def close(self) -> None:
        """Stop the engine's workers."""
        if self.engine is not None:
            self.engine.close()

    def _dispatch(self, *, final: bool) -> None:
        batch, self.todo = self.todo, []
        engine = self.engine
        if engine is not None and (engine.eager or engine.started or not final):
            self.running.append((engine.submit(batch), batch))
            while len(self.running) > engine.slots:
                self._collect(*self.running.popleft())
        else:
            self._accept(*work(batch))

    def _collect(self, result: Pending, batch: list[RawDocument]) -> None:
        try:
            results = result()
        except EngineLost:  # a worker died (out of memory, a crash in native code): redo its batch here
            self.close()
            self.engine = None
            results = work(batch)
        self._accept(*results)

    def _accept(self, results: Sequence[Document | Failure | Part], timings: dict[str, float]) -> None:
        for name, seconds in timings.items():
            self.stats.timed(name, seconds)
        whole = False
        for rec in results:
            if isinstance(rec, Failure):
                self.stats.failures.append(rec)
            elif isinstance(rec, Part):
                self.stats.new += len(rec.ids)
                self.stats.ids.extend(rec.ids)
                whole = True  # a part is a whole batch of documents: it is stored at once
            else:
                self.stats.new += 1
                self.stats.ids.append(rec.id)
            self.pending.append(rec)
        if whole or len(self.pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self.pending:
            return
        t0 = time.perf_counter()
        docs = [r for r in self.pending if isinstance(r, Document)]
        failures = [r for r in self.pending if isinstance(r, Failure)]
        origins = [r for r in self.pending if isinstance(r, tuple)]
        parts = [r for r in self.pending if isinstance(r, Part)]
        with self.st.transaction():
            self.st.put_batch(docs, version=self.stage_version, origins=origins, failures=failures)
            for part in parts:
                self.st.put_part(part.path)
        for part in parts:  # in the store now: the file is not needed (if this run dies first, the next reads it)
            Path(part.path).unlink(missing_ok=True)
        self.pending.clear()
        self.stats.timed("store", time.perf_counter() - t0)


def add(
    paths: Iterable[str | Path],
    *,
    store: str | Path | None = None,
    out: str | Path | None = None,
    options: Options | None = None,
    fetcher: Fetcher | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[Dossier, Changelog]:
    """Add articles to a store (only new ones are processed), fuse again, and say what changed.

    The dossier after adding documents batch by batch equals the one built from all of them
    at once: per-document results are keyed by content, and fusion is a function of the set
    of documents, not of the order they came in.
    """
    from .render.files import dossier_json

    opts = (options or load_options()).with_overrides(store=str(store) if store else None, out=str(out) if out else None)
    before = dossier_json(open_dossier(opts.store)) if Path(opts.store).exists() else None
    dossier = build(paths, options=opts, out=out, fetcher=fetcher, progress=progress)
    return dossier, changelog(before, dossier_json(dossier))


def watch(
    source: str | Path,
    *,
    every: float = 300.0,
    rounds: int = 0,
    on_update: Callable[[Dossier, Changelog], None] | None = None,
    store: str | Path | None = None,
    out: str | Path | None = None,
    options: Options | None = None,
    fetcher: Fetcher | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Poll a folder or a feed every ``every`` seconds and add what is new; ``rounds`` > 0 stops after that many.

    ``on_update`` gets each round's dossier and changelog. Returns the number of rounds run.
    """
    done = 0
    while True:
        dossier, log = add([source], store=store, out=out, options=options, fetcher=fetcher)
        done += 1
        if on_update is not None:
            on_update(dossier, log)
        if rounds and done >= rounds:
            return done
        sleep(every)


def build_timeline(
    paths: Iterable[str | Path],
    *,
    dates: int,
    sentences: int,
    store: str | Path | None = None,
    options: Options | None = None,
    fetcher: Fetcher | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[Dossier, list[TimelineDate]]:
    """Build ``paths`` into the store and return the dossier and the timeline of these documents.

    Only the documents read from ``paths`` make the timeline (the store may hold others); the
    dossier's events about them, when there are any, rank the dates.
    """
    dossier = build(paths, store=store, options=options, fetcher=fetcher, progress=progress)
    assert dossier.run is not None
    wanted = set(dossier.run.ids)
    docs = [d for d in dossier.documents if d.id in wanted]
    events = [e for e in dossier.events if any(m.get("doc") in wanted for m in e.get("mentions", []))]
    return dossier, timeline(docs, dates=dates, sentences=sentences, events=events)


def analyze(
    paths: Iterable[str | Path],
    *,
    store: str | Path | None = None,
    options: Options | None = None,
    fetcher: Fetcher | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[Dossier, list[Document]]:
    """Build ``paths`` into the store and return the dossier and these documents, analysed, canonical names unified."""
    from .analyze.entities import unify

    dossier = build(paths, store=store, options=options, fetcher=fetcher, progress=progress)
    assert dossier.run is not None
    wanted = set(dossier.run.ids)
    docs = [d for d in dossier.documents if d.id in wanted and d.analysis is not None]
    unified = unify(d.analysis.entities for d in docs if d.analysis is not None)
    out = []
    for doc, entities in zip(docs, unified, strict=True):
        assert doc.analysis is not None
        out.append(replace(doc, analysis=replace(doc.analysis, entities=entities)))
    return dossier, out


def analysis_json(docs: Iterable[Document]) -> dict[str, Any]:
    """The ``analyze --json`` output: each document's text and what the analysis found in it."""
    out = []
    for d in docs:
        a = d.analysis.to_dict() if d.analysis is not None else {}
        out.append(
            {
                "id": d.id,
                "source_id": d.source_id,
                "path": d.path,
                "published": d.published,
                "text": d.text,
                "entities": a.get("entities", []),
                "times": a.get("times", []),
                "places": a.get("places", []),
                "counts": a.get("counts", []),
                "sentences": a.get("sentences", []),
                "countries": a.get("countries", {}),
                "events": a.get("events", []),
            }
        )
    return {"documents": out}


def open_dossier(store: str | Path) -> Dossier:
    """Return the dossier of what a store holds, without running anything.

    The store is held only while it is read: when it keeps no fusion of what it holds, the
    fusion runs after it is closed, so that a build can start meanwhile.
    """
    with Store(store, read_only=True) as st:
        docs = st.documents()
        failures = st.failures()
        kept = st.fusion(_fusion_key(st))
        blocks = st.fusion_blocks(_fusion_code()) if kept is None else {}
    return Dossier(docs, failures=failures, **(kept if kept is not None else json.loads(_fusion_payload(docs, blocks=blocks)[0])))


def export(store: str | Path, fmt: str, *, out: str | Path | None = None) -> str | None:
    """Write what a store holds as ``fmt`` (json, csv, geojson, parquet) to ``out``; with no ``out``, return the text.

    Raises :class:`~triangulate.errors.UsageError` for an unknown format, or parquet without ``out``,
    before the store is read.
    """
    from .render.exports import check_export, write_export
    from .render.files import dossier_json

    path = Path(out) if out is not None else None
    check_export(fmt, out=path)
    return write_export(dossier_json(open_dossier(store)), fmt, out=path)


def _fusion_code() -> str:
    """The fusion code's version (imported late: the CLI starts without loading fusion)."""
    from .fuse import code_version

    return code_version()


def _fusion_key(st: Store) -> str:
    """What a kept fusion is keyed by: the store's documents and their stage versions, and the fusion code."""
    return hashlib.sha256(f"{_fusion_code()}:{st.contents_key()}".encode()).hexdigest()


def _fusion_payload(
    documents: list[Document], *, blocks: dict[str, list[list[int]]] | None = None, runner: BlockRunner | None = None
) -> tuple[str, dict[str, float]]:
    """Fuse the documents: the dossier's fused parts as JSON text, and fusion's figures.

    ``blocks``: the coreference blocks kept from an earlier fusion, updated in place; ``runner``
    clusters blocks in parallel (see :func:`triangulate.fuse.fuse`). The parts are returned as
    text so that fusion's own structures are freed before they are read back as plain data
    (what the store gives back: a kept fusion and a fresh one are the same data).
    """
    from .fuse import fuse

    f = fuse(documents, blocks=blocks, runner=runner)
    payload = {
        "events": f.events,
        "conflicts": f.conflicts,
        "sources": f.sources,
        "entities": f.entities,
        "timeline": f.timeline,
        "infobox": f.infobox,
        "copies": {k: c.to_dict() for k, c in f.copies.items()},
        "fusion": {"focus": f.focus, **{k: v for k, v in f.stats.items() if not k.startswith("fuse.") and k not in RUN_ONLY}},
    }
    return json.dumps(payload, ensure_ascii=False), f.stats


def fused(
    documents: list[Document],
    *,
    failures: list[Failure] | None = None,
    run: RunStats | None = None,
    store: Store | None = None,
    runner: BlockRunner | None = None,
) -> Dossier:
    """The dossier of these documents: their event mentions fused into events, with claims, conflicts and sources.

    With ``store`` (which must hold exactly ``documents``), the fusion is kept in the store,
    keyed by the documents, their stage versions and the fusion code: a build that finds
    nothing new, or :func:`open_dossier`, reuses it instead of fusing again. The store also
    keeps the fusion's coreference blocks, so that a fusion after documents are added
    re-clusters only the blocks their mentions touch. ``runner`` clusters blocks in parallel.
    """
    t0 = time.perf_counter()
    key = _fusion_key(store) if store is not None else None
    payload = store.fusion(key) if store is not None and key is not None else None
    if payload is None:
        blocks = store.fusion_blocks(_fusion_code()) if store is not None else {}
        text, stats = _fusion_payload(documents, blocks=blocks, runner=runner)
        if store is not None and key is not None and not store.read_only:
            with store.transaction():
                store.put_fusion(key, text)
                store.put_fusion_blocks(_fusion_code(), blocks)
        if run is not None:
            for name, value in stats.items():
                if name.startswith("fuse."):
                    run.timed(name, value)
                elif name in RUN_ONLY or name == "blocks":
                    run.counts[name] = int(value)
        payload = json.loads(text)
    elif run is not None:
        run.timed("fuse.reused", time.perf_counter() - t0)
    if run is not None:
        run.timed("fuse", time.perf_counter() - t0)
    return Dossier(documents, failures=failures or [], run=run, **payload)
