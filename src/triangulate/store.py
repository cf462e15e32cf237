"""The store: one DuckDB file holding documents, stage outputs, failures and runs.

All writes go through :class:`Store`, inside transactions, so that a run killed at any
moment leaves the file consistent (DuckDB is ACID, with a write-ahead log) and the next run
completes the work. Stage outputs are keyed by document id (a hash of the content) and the
stage's version, so re-running on the same inputs recomputes nothing. DuckDB lets one
process write a file at a time; a second writer gets :class:`StoreBusy` at once.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from .errors import StoreBusy, StoreError
from .model import Document, Failure

SCHEMA_VERSION = "1"

_DDL = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS documents (
        id VARCHAR PRIMARY KEY, path VARCHAR NOT NULL, reader VARCHAR NOT NULL,
        raw VARCHAR NOT NULL, clean_version VARCHAR NOT NULL, record JSON NOT NULL,
        added_at TIMESTAMP NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS origins (origin VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, PRIMARY KEY (origin, doc_id))",
    """CREATE TABLE IF NOT EXISTS failures (
        source VARCHAR PRIMARY KEY, code VARCHAR NOT NULL, reason VARCHAR NOT NULL,
        stage VARCHAR NOT NULL, failed_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS runs (
        id INTEGER PRIMARY KEY, started TIMESTAMP NOT NULL, finished TIMESTAMP,
        inputs JSON NOT NULL, documents INTEGER, new_documents INTEGER, failures INTEGER, status VARCHAR NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS fusions (key VARCHAR PRIMARY KEY, payload JSON NOT NULL, made_at TIMESTAMP NOT NULL)",
    # coreference blocks of the kept fusion: block key (a digest of its mentions) -> its clusters, by the fusion code's version
    "CREATE TABLE IF NOT EXISTS fusion_blocks (key VARCHAR PRIMARY KEY, code VARCHAR NOT NULL, clusters JSON NOT NULL)",
)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


DOCUMENT_COLUMNS = "id, path, reader, raw, clean_version, record, added_at"  # the documents table, in order
PART_SUFFIX = ".parquet"
READ_CHUNK = 1000  # documents decoded per fetch when the whole store is read


def document_table(docs: list[Document], *, version: str) -> Any:
    """Documents as an Arrow table with the columns of the documents table (one row per id)."""
    import pyarrow as pa

    docs = list({d.id: d for d in docs}.values())  # the same text twice in a batch is one row
    return pa.table(
        {
            "id": [d.id for d in docs],
            "path": [d.path for d in docs],
            "reader": [d.reader for d in docs],
            "raw": [d.raw for d in docs],
            "clean_version": [version] * len(docs),
            "record": [json.dumps(d.to_dict(), ensure_ascii=False) for d in docs],
            "added_at": pa.array([_now()] * len(docs), pa.timestamp("us")),
        }
    )


def write_part(docs: list[Document], directory: str | Path, *, version: str) -> Path:
    """Write analysed documents as a Parquet part in ``directory``, named by the digest of their ids; return its path.

    The file appears whole or not at all (written aside, then renamed), and the same
    documents always make the same name: a batch done twice leaves one part.
    """
    import pyarrow.parquet as pq

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(f"{version}\n{chr(10).join(sorted(d.id for d in docs))}".encode()).hexdigest()[:24]
    path = folder / f"part-{digest}{PART_SUFFIX}"
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    pq.write_table(document_table(docs, version=version), tmp, compression="zstd")
    os.replace(tmp, path)
    return path


def parts_in(directory: str | Path) -> list[Path]:
    """The finished parts in ``directory`` (none when it does not exist)."""
    folder = Path(directory)
    return sorted(folder.glob(f"part-*{PART_SUFFIX}")) if folder.is_dir() else []


class Store:
    """A DuckDB store file; use as a context manager, write inside :meth:`transaction`."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        if read_only and not Path(self.path).exists():
            raise StoreError("no store here yet: run 'triangulate build' first", source=self.path)
        if not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as e:
            if "lock" in str(e).lower():
                raise StoreBusy("another triangulate process is using this store; wait for it to finish", source=self.path) from e
            raise StoreError(f"cannot open the store: {e}", source=self.path) from e
        except duckdb.Error as e:
            raise StoreError(f"cannot open the store (is it a DuckDB file?): {e}", source=self.path) from e
        if not read_only:
            with self.transaction():
                for ddl in _DDL:
                    self.con.execute(ddl)
                self.con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])

    def __enter__(self) -> Store:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run the body's writes as one transaction: all of them land, or none."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- reads -------------------------------------------------------------------------

    def cached_version(self, doc_id: str) -> str | None:
        """Return the stage version stored for a document, or None if it is not stored."""
        return self.cached_versions([doc_id]).get(doc_id)

    def cached_versions(self, doc_ids: list[str]) -> dict[str, str]:
        """Return the stage version stored for each of these documents that is stored (one query)."""
        if not doc_ids:
            return {}
        rows = self.con.execute("SELECT id, clean_version FROM documents WHERE id IN (SELECT unnest(?::VARCHAR[]))", [doc_ids]).fetchall()
        return {r[0]: r[1] for r in rows}

    def documents(self) -> list[Document]:
        """Return every stored document, ordered by path then id."""
        # The order is read first, then the records streamed in the order they are stored and
        # put in place: sorting the records themselves, or fetching them as one result, made
        # DuckDB hold all of them at once (660 MB for 9,652 Timeline17 documents) beside the
        # decoded documents.
        ids = [r[0] for r in self.con.execute("SELECT id FROM documents ORDER BY path, id").fetchall()]
        place = {doc_id: i for i, doc_id in enumerate(ids)}
        out: list[Document | None] = [None] * len(ids)
        for batch in self.con.sql("SELECT id, record FROM documents").to_arrow_reader(READ_CHUNK):
            for doc_id, record in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True):
                out[place[doc_id]] = Document.from_json(record)
        return [d for d in out if d is not None]  # all are: one table, one connection

    def contents_key(self) -> str:
        """A digest of which documents the store holds and the stage version of each (what fusion reads)."""
        h = hashlib.sha256()
        for doc_id, ver in self.con.execute("SELECT id, clean_version FROM documents ORDER BY id").fetchall():
            h.update(f"{doc_id}:{ver}\n".encode())
        return h.hexdigest()

    def fusion(self, key: str) -> dict[str, Any] | None:
        """The fusion stored under ``key`` (see :func:`triangulate.api.fused`), or None."""
        try:
            row = self.con.execute("SELECT payload FROM fusions WHERE key = ?", [key]).fetchone()
        except duckdb.CatalogException:  # a store written before fusions were kept
            return None
        return json.loads(row[0]) if row else None

    def put_fusion(self, key: str, payload: str) -> None:
        """Keep one fusion, given as JSON text: this one, replacing any older (call inside a transaction)."""
        self.con.execute("DELETE FROM fusions")
        self.con.execute("INSERT INTO fusions VALUES (?, ?, ?)", [key, payload, _now()])

    def fusion_blocks(self, code: str) -> dict[str, list[list[int]]]:
        """The coreference blocks of the kept fusion, if fusion code ``code`` made them (see :func:`triangulate.fuse.fuse`)."""
        try:
            rows = self.con.execute("SELECT key, clusters FROM fusion_blocks WHERE code = ?", [code]).fetchall()
        except duckdb.CatalogException:  # a store written before blocks were kept
            return {}
        return {k: json.loads(v) for k, v in rows}

    def put_fusion_blocks(self, code: str, blocks: dict[str, list[list[int]]]) -> None:
        """Keep these coreference blocks, made by fusion code ``code``, and only these (call inside a transaction)."""
        import pyarrow as pa

        self.con.execute("DELETE FROM fusion_blocks")
        if blocks:
            clusters = [json.dumps(v, separators=(",", ":")) for v in blocks.values()]
            table = pa.table({"key": list(blocks), "code": [code] * len(blocks), "clusters": clusters})
            self._insert("INSERT INTO fusion_blocks SELECT * FROM batch_rows", table)

    def failures(self) -> list[Failure]:
        """Return the inputs that failed and have not been read successfully since."""
        rows = self.con.execute("SELECT source, reason, code, stage FROM failures ORDER BY source").fetchall()
        return [Failure(*r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Return row counts of the main tables."""
        out = {}
        for table in ("documents", "origins", "failures", "runs"):
            row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
            out[table] = int(row[0]) if row else 0
        return out

    def runs(self, *, limit: int = 5) -> list[tuple[object, ...]]:
        """Return the latest runs (id, started, finished, documents, new, failures, status)."""
        return self.con.execute(
            "SELECT id, started, finished, documents, new_documents, failures, status FROM runs ORDER BY id DESC LIMIT ?", [limit]
        ).fetchall()

    # -- writes (call inside a transaction) ----------------------------------------------

    def put_document(self, doc: Document, *, version: str) -> None:
        """Insert or replace a cleaned document, and clear any failure of its origin."""
        self.put_batch([doc], version=version)

    def put_origin(self, origin: str, doc_id: str) -> None:
        """Record that ``origin`` holds document ``doc_id``."""
        self.put_batch([], origins=[(origin, doc_id)], version="")

    def put_failure(self, failure: Failure) -> None:
        """Record an input that failed (replacing an older failure of the same input)."""
        self.put_batch([], failures=[failure], version="")

    def put_batch(
        self,
        docs: list[Document],
        *,
        version: str,
        origins: list[tuple[str, str]] | None = None,
        failures: list[Failure] | None = None,
    ) -> None:
        """Write documents, origins and failures with one set-based statement per table.

        Row-by-row inserts cost DuckDB a statement each (a 10,000-document warm run spent
        30 s on them); Arrow tables go in at once.
        """
        import pyarrow as pa

        now = _now()
        origins = list(origins or []) + [(d.path, d.id) for d in docs]
        if failures:
            latest = {f.source: f for f in failures}  # one row per source: the last failure wins
            table = pa.table(
                {
                    "source": list(latest),
                    "code": [f.code for f in latest.values()],
                    "reason": [f.reason for f in latest.values()],
                    "stage": [f.stage for f in latest.values()],
                    "failed_at": pa.array([now] * len(latest), pa.timestamp("us")),
                }
            )
            self._insert("INSERT OR REPLACE INTO failures SELECT * FROM batch_rows", table)
        if docs:
            self._insert("INSERT OR REPLACE INTO documents SELECT * FROM batch_rows", document_table(docs, version=version))
        if origins:
            table = pa.table({"origin": [o for o, _ in origins], "doc_id": [i for _, i in origins]})
            self._insert("INSERT OR IGNORE INTO origins SELECT DISTINCT origin, doc_id FROM batch_rows", table)
            self._insert("DELETE FROM failures WHERE source IN (SELECT origin FROM batch_rows)", table)

    def put_part(self, path: str | Path) -> int:
        """Write the documents of a Parquet part (see :func:`write_part`), with their origins; return how many.

        DuckDB reads the file itself: no record passes through Python.
        """
        self.con.execute("CREATE OR REPLACE TEMP TABLE part_rows AS SELECT * FROM read_parquet(?)", [str(path)])  # read once
        try:
            self.con.execute(f"INSERT OR REPLACE INTO documents SELECT {DOCUMENT_COLUMNS} FROM part_rows")
            self.con.execute("INSERT OR IGNORE INTO origins SELECT DISTINCT path, id FROM part_rows")
            self.con.execute("DELETE FROM failures WHERE source IN (SELECT path FROM part_rows)")
            row = self.con.execute("SELECT count(*) FROM part_rows").fetchone()
        finally:
            self.con.execute("DROP TABLE IF EXISTS part_rows")
        return int(row[0]) if row else 0

    def _insert(self, sql: str, table: object) -> None:
        self.con.register("batch_rows", table)
        try:
            self.con.execute(sql)
        finally:
            self.con.unregister("batch_rows")

    def start_run(self, inputs: list[str]) -> int:
        """Record the start of a run and return its id."""
        row = self.con.execute("SELECT coalesce(max(id), 0) + 1 FROM runs").fetchone()
        run_id = int(row[0]) if row else 1
        with self.transaction():
            self.con.execute(
                "INSERT INTO runs (id, started, inputs, status) VALUES (?, ?, ?, 'running')", [run_id, _now(), json.dumps(inputs)]
            )
        return run_id

    def finish_run(self, run_id: int, *, documents: int, new: int, failures: int) -> None:
        """Record the end of a run."""
        with self.transaction():
            self.con.execute(
                "UPDATE runs SET finished = ?, documents = ?, new_documents = ?, failures = ?, status = 'done' WHERE id = ?",
                [_now(), documents, new, failures, run_id],
            )
