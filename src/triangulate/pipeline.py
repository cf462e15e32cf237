"""The named per-document stages and the runner that checks and applies them.

Each stage is a plain function that takes the record and returns the next one; a stage
says what it needs and what it adds, and :func:`check_order` refuses an order in which a
stage would run before what it needs. Errors name the stage that failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from .analyze.version import ANALYZE_VERSION
from .clean import CLEAN_VERSION, clean
from .errors import StageError, TriangulateError
from .model import Document, Failure, RawDocument


@dataclass(frozen=True, slots=True)
class Stage:
    """A named stage: its function, what it needs, what it adds, and its version.

    A ``batch`` stage takes and returns a list of documents (so that a model can batch
    them) and accepts ``timings=`` to report its parts; the others take and return one record.
    """

    name: str
    run: Callable[..., Any]
    needs: tuple[str, ...]
    adds: tuple[str, ...]
    version: str
    batch: bool = False


def _analyze(docs: list[Document], *, timings: dict[str, float] | None = None) -> list[Document]:
    from .analyze import analyze_many

    return analyze_many(docs, timings=timings)


STAGES: tuple[Stage, ...] = (
    Stage(
        "clean",
        clean,
        needs=("raw",),
        adds=("text", "removed", "offsets", "title", "outlet", "author", "published", "syndicated_from", "infobox"),
        version=CLEAN_VERSION,
    ),
    Stage("analyze", _analyze, needs=("text", "published"), adds=("analysis",), version=ANALYZE_VERSION, batch=True),
)


def check_order(stages: tuple[Stage, ...], *, given: tuple[str, ...] = ("raw",)) -> None:
    """Raise :class:`StageError` if a stage needs something no earlier stage adds."""
    have = set(given)
    for stage in stages:
        missing = [n for n in stage.needs if n not in have]
        if missing:
            raise StageError(f"stage needs {', '.join(missing)}, which no earlier stage adds", stage=stage.name)
        have.update(stage.adds)


def version(stages: tuple[Stage, ...] = STAGES) -> str:
    """Return the combined version of the stages: stored outputs of another version are redone."""
    return "+".join(f"{s.name}:{s.version}" for s in stages)


def _guard(stage: Stage, origin: str, fn: Callable[[], Any], timings: dict[str, float] | None) -> Any:
    t0 = time.perf_counter()
    try:
        return fn()
    except TriangulateError:
        raise
    except Exception as e:  # a bug or an input no rule foresaw: name the stage and the document
        raise StageError(f"{type(e).__name__}: {e}", source=origin, stage=stage.name) from e
    finally:
        if timings is not None:
            timings[stage.name] = timings.get(stage.name, 0.0) + time.perf_counter() - t0


def _one(stage: Stage, record: Any) -> Any:
    return stage.run([record])[0] if stage.batch else stage.run(record)


def run_document(raw: RawDocument, *, stages: tuple[Stage, ...] = STAGES, timings: dict[str, float] | None = None) -> Document:
    """Run the stages on one raw document (adding each stage's seconds to ``timings``)."""
    result = run_batch([raw], stages=stages, timings=timings)[0]
    if isinstance(result, Failure):
        raise StageError(result.reason, source=result.source, stage=result.stage)
    return result


def run_batch(
    raws: Sequence[RawDocument], *, stages: tuple[Stage, ...] = STAGES, timings: dict[str, float] | None = None
) -> list[Document | Failure]:
    """Run the stages on a batch of raw documents; a document that fails becomes a :class:`Failure`, the rest go on."""
    check_order(stages)
    records: list[Any] = list(raws)
    results: list[Document | Failure | None] = [None] * len(raws)
    alive = list(range(len(raws)))
    for stage in stages:
        if stage.batch:
            batch = [records[i] for i in alive]
            try:
                done = _guard(stage, "batch", partial(stage.run, batch, timings=timings), timings)
            except TriangulateError:  # find the culprit: run the batch one by one
                done = None
            if done is not None:
                for i, rec in zip(alive, done, strict=True):
                    records[i] = rec
                continue
        for i in list(alive):
            rec = records[i]
            try:
                records[i] = _guard(stage, raws[i].origin, partial(_one, stage, rec), timings)
            except TriangulateError as e:
                results[i] = Failure(raws[i].origin, e.message, e.code, e.stage or stage.name)
                alive.remove(i)
    for i in alive:
        rec = records[i]
        if not isinstance(rec, Document):
            rec = Failure(raws[i].origin, f"the last stage returned {type(rec).__name__}, not a Document", StageError.code, stages[-1].name)
        results[i] = rec
    return [r for r in results if r is not None]


def work(raws: list[RawDocument]) -> tuple[list[Document | Failure], dict[str, float]]:
    """The job a worker process does: run the stages on a batch and report the time each took."""
    timings: dict[str, float] = {}
    return run_batch(raws, timings=timings), timings
