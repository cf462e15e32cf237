"""The library API: ``build`` runs the whole job; the CLI is a thin layer over it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import StageError
from .ingest import Fetcher, HttpFetcher, discover, read_item
from .model import Document, Dossier, Failure, RawDocument, RunStats
from .pipeline import run_document, version
from .render.files import write_outputs
from .settings import Options, load_options
from .store import Store
from .timeline import TimelineDate
from .timeline import build_timeline as timeline

ProgressCallback = Callable[[int, int, str], None]
BATCH = 64  # documents per store transaction


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
    items = list(discover(inputs))
    stage_version = version()
    with Store(opts.store) as st:
        run_id = st.start_run(inputs)
        pending: list[Document | Failure | tuple[str, str]] = []
        for n, item in enumerate(items, start=1):
            t0 = time.perf_counter()
            found = [item] if isinstance(item, Failure) else list(read_item(item, options=opts, fetcher=http))
            stats.timed("ingest", time.perf_counter() - t0)
            for rec in found:
                pending.append(_process(rec, st, stage_version, stats))
            if len(pending) >= BATCH:
                _flush(st, pending, stage_version, stats)
            if progress:
                progress(n, len(items), item.source if isinstance(item, Failure) else item)
        _flush(st, pending, stage_version, stats)
        st.finish_run(run_id, documents=stats.documents, new=stats.new, failures=len(stats.failures))
        t0 = time.perf_counter()
        dossier = Dossier(st.documents(), failures=st.failures(), run=stats)
        stats.timed("load", time.perf_counter() - t0)
    if out is not None:
        t0 = time.perf_counter()
        write_outputs(dossier, Path(out))
        stats.timed("render", time.perf_counter() - t0)
    return dossier


def _process(rec: RawDocument | Failure, st: Store, stage_version: str, stats: RunStats) -> Document | Failure | tuple[str, str]:
    if isinstance(rec, Failure):
        stats.failures.append(rec)
        return rec
    stats.documents += 1
    t0 = time.perf_counter()
    cached = st.cached_version(rec.id) == stage_version
    stats.timed("cache", time.perf_counter() - t0)
    if cached:
        stats.ids.append(rec.id)
        return (rec.origin, rec.id)
    try:
        doc = run_document(rec, timings=stats.timings)
    except StageError as e:
        failure = Failure(rec.origin, e.message, e.code, e.stage or "pipeline")
        stats.failures.append(failure)
        return failure
    stats.new += 1
    stats.ids.append(rec.id)
    return doc


def _flush(st: Store, pending: list[Document | Failure | tuple[str, str]], stage_version: str, stats: RunStats) -> None:
    if not pending:
        return
    t0 = time.perf_counter()
    with st.transaction():
        for rec in pending:
            if isinstance(rec, Document):
                st.put_document(rec, version=stage_version)
            elif isinstance(rec, Failure):
                st.put_failure(rec)
            else:
                st.put_origin(*rec)
    pending.clear()
    stats.timed("store", time.perf_counter() - t0)


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


def open_dossier(store: str | Path) -> Dossier:
    """Return the dossier of what a store holds, without running anything."""
    with Store(store, read_only=True) as st:
        return Dossier(st.documents(), failures=st.failures())
