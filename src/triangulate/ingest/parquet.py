"""Parquet: one article per row, with the columns of the JSON reader.

Columns: ``text``/``content``/``body`` (one of them is required), ``title``/``headline``,
``url``/``link``, ``published``/``date``/``published_at``/``pubDate`` (strings, dates or
timestamps), ``outlet``/``source`` (a string or a struct with a ``name``),
``author``/``byline``, ``id``; other columns are not read. The file is streamed one row
group and one batch of rows at a time. Rows are numbered from 0 (``path#N``); a bad row is
reported on its own, a row group that cannot be decoded is reported for its rows, and the
rest of the file is read. The ``max_bytes`` limit applies to each row's text, not to the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputTooLarge, MalformedInput, UnreadableInput
from ..model import Failure, RawDocument
from ..settings import Options
from .base import ReadResult
from .jsonfile import TEXT_KEYS, article

COLUMNS = (
    *TEXT_KEYS,
    "id",
    "title",
    "headline",
    "url",
    "link",
    "author",
    "byline",
    "outlet",
    "source",
    "published",
    "date",
    "published_at",
    "pubDate",
)
BATCH_ROWS = 256  # rows decoded at a time


def _values(column: pa.Array | pa.ChunkedArray) -> list[Any]:
    """A column's values as Python objects; dates and timestamps as ISO strings."""
    try:
        values = column.to_pylist()
    except (pa.ArrowException, ValueError):  # e.g. nanosecond timestamps that datetime cannot hold
        return [v.replace(" ", "T", 1) if isinstance(v, str) else v for v in column.cast(pa.string()).to_pylist()]
    return [v.isoformat() if isinstance(v, dt.date) else v for v in values]


def _too_large(doc: RawDocument, limit: int) -> int | None:
    """The UTF-8 size of a document's text when it is over ``limit`` bytes."""
    if len(doc.raw) * 4 <= limit:
        return None
    size = len(doc.raw.encode("utf-8", "surrogatepass"))
    return size if size > limit else None


def _rows(source: str | pa.NativeFile, *, path: str, options: Options) -> ReadResult:
    try:
        pf = pq.ParquetFile(source)
    except pa.ArrowException as e:
        raise MalformedInput(f"not a readable Parquet file: {e}", source=path) from e
    except OSError as e:
        raise UnreadableInput(f"cannot read: {e.strerror or e}", source=path) from e
    with pf:
        names = pf.schema_arrow.names
        if not any(k in names for k in TEXT_KEYS):
            shown = ", ".join(names[:20]) + (", …" if len(names) > 20 else "")
            raise MalformedInput(f"no text column (text, content or body); the columns are: {shown or 'none'}", source=path)
        columns = [c for c in names if c in COLUMNS]
        start = 0
        for group in range(pf.metadata.num_row_groups):
            end = start + pf.metadata.row_group(group).num_rows
            row = start
            try:
                for batch in pf.iter_batches(batch_size=BATCH_ROWS, row_groups=[group], columns=columns, use_threads=False):
                    yield from _batch(batch, path=path, first=row, limit=options.max_bytes)
                    row += batch.num_rows
            except (pa.ArrowException, OSError) as e:
                if row < end:
                    where = f"row {row}" if end - row == 1 else f"rows {row}-{end - 1}"
                    yield Failure(f"{path}#{row}", f"{where} (row group {group}) cannot be read: {e}", MalformedInput.code)
            start = end


def _batch(batch: pa.RecordBatch, *, path: str, first: int, limit: int) -> Iterator[RawDocument | Failure]:
    names = batch.schema.names
    columns = [_values(batch.column(i)) for i in range(batch.num_columns)]
    for offset, values in enumerate(zip(*columns, strict=True)):
        row = first + offset
        doc = article(dict(zip(names, values, strict=True)), path=path, item=row, encoding="utf-8", reader="parquet")
        if isinstance(doc, RawDocument) and (size := _too_large(doc, limit)) is not None:
            yield Failure(
                f"{path}#{row}",
                f"row {row}'s text is {size:,} bytes, over the {limit:,}-byte limit (setting max_bytes)",
                InputTooLarge.code,
            )
        else:
            yield doc


def stream(path: str, *, options: Options) -> ReadResult:
    """Stream the articles of a Parquet file, a batch of rows at a time."""
    yield from _rows(path, path=path, options=options)


def read(data: bytes, *, path: str, options: Options) -> ReadResult:
    """Yield the articles of a Parquet file held in memory."""
    yield from _rows(pa.BufferReader(data), path=path, options=options)
