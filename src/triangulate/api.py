"""The library API: ``build`` runs the whole job; the CLI is a thin layer over it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import StageError
from .ingest import Fetcher, HttpFetcher, discover, read_item
from .model import Document, Dossier, Failure, RawDocument, RunStats
from .pipeline import run_document, version
from .render.files import write_outputs
from .settings import Options, load_options
from .store import Store

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
            found = [item] if isinstance(item, Failure) else read_item(item, options=opts, fetcher=http)
            for rec in found:
                pending.append(_process(rec, st, stage_version, stats))
            if len(pending) >= BATCH:
                _flush(st, pending, stage_version)
            if progress:
                progress(n, len(items), item.source if isinstance(item, Failure) else item)
        _flush(st, pending, stage_version)
        st.finish_run(run_id, documents=stats.documents, new=stats.new, failures=len(stats.failures))
        dossier = Dossier(st.documents(), failures=st.failures(), run=stats)
    if out is not None:
        write_outputs(dossier, Path(out))
    return dossier


def _process(rec: RawDocument | Failure, st: Store, stage_version: str, stats: RunStats) -> Document | Failure | tuple[str, str]:
    if isinstance(rec, Failure):
        stats.failures.append(rec)
        return rec
    stats.documents += 1
    if st.cached_version(rec.id) == stage_version:
        return (rec.origin, rec.id)
    try:
        doc = run_document(rec)
    except StageError as e:
        failure = Failure(rec.origin, e.message, e.code, e.stage or "pipeline")
        stats.failures.append(failure)
        return failure
    stats.new += 1
    return doc


def _flush(st: Store, pending: list[Document | Failure | tuple[str, str]], stage_version: str) -> None:
    if not pending:
        return
    with st.transaction():
        for rec in pending:
            if isinstance(rec, Document):
                st.put_document(rec, version=stage_version)
            elif isinstance(rec, Failure):
                st.put_failure(rec)
            else:
                st.put_origin(*rec)
    pending.clear()


def open_dossier(store: str | Path) -> Dossier:
    """Return the dossier of what a store holds, without running anything."""
    with Store(store, read_only=True) as st:
        return Dossier(st.documents(), failures=st.failures())
