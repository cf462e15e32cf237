"""The named per-document stages and the runner that checks and applies them.

Each stage is a plain function that takes the record and returns the next one; a stage
says what it needs and what it adds, and :func:`check_order` refuses an order in which a
stage would run before what it needs. Errors name the stage that failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .clean import CLEAN_VERSION, clean
from .errors import StageError, TriangulateError
from .model import Document, RawDocument


@dataclass(frozen=True, slots=True)
class Stage:
    """A named stage: its function, what it needs, what it adds, and its version."""

    name: str
    run: Callable[[Any], Any]
    needs: tuple[str, ...]
    adds: tuple[str, ...]
    version: str


STAGES: tuple[Stage, ...] = (
    Stage(
        "clean",
        clean,
        needs=("raw",),
        adds=("text", "removed", "offsets", "title", "outlet", "author", "published", "syndicated_from", "infobox"),
        version=CLEAN_VERSION,
    ),
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


def run_document(raw: RawDocument, *, stages: tuple[Stage, ...] = STAGES, timings: dict[str, float] | None = None) -> Document:
    """Run the per-document stages on one raw document (adding each stage's seconds to ``timings``)."""
    check_order(stages)
    record: Any = raw
    for stage in stages:
        t0 = time.perf_counter()
        try:
            record = stage.run(record)
        except TriangulateError:
            raise
        except Exception as e:  # a bug or an input no rule foresaw: name the stage and the document
            raise StageError(f"{type(e).__name__}: {e}", source=raw.origin, stage=stage.name) from e
        finally:
            if timings is not None:
                timings[stage.name] = timings.get(stage.name, 0.0) + time.perf_counter() - t0
    if not isinstance(record, Document):
        raise StageError(f"the last stage returned {type(record).__name__}, not a Document", source=raw.origin, stage=stages[-1].name)
    return record
