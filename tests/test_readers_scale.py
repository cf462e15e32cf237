"""Input at scale: streamed JSON Lines (plain and gzip), Parquet shards and glob patterns."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import tracemalloc
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from triangulate.api import build
from triangulate.ingest import HttpFetcher, discover, ingest, read_item
from triangulate.model import Failure, RawDocument
from triangulate.settings import Options

OPTS = Options()
ARTICLE = "Pakistan said on Thursday that its strikes hit militant hideouts inside Iran, two days after an Iranian attack. "


def body(i: int) -> str:
    return f"Story number {i} about the border\n\n{ARTICLE * 3}\n\nOfficials counted {i} incidents in the region.\n"


def split(out: list[RawDocument | Failure]) -> tuple[list[RawDocument], list[tuple[str, str, str]]]:
    """The documents, and each failure as (file name#N, reason, code)."""
    docs = [d for d in out if isinstance(d, RawDocument)]
    fails = [(Path(f.source).name, f.reason, f.code) for f in out if isinstance(f, Failure)]
    return docs, fails


def read(path: Path, options: Options = OPTS) -> tuple[list[RawDocument], list[tuple[str, str, str]]]:
    return split(list(ingest([str(path)], options=options)))


def write_gz(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def write_parquet(path: Path, rows: dict[str, pa.Array | list[object]], *, row_group_size: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(rows), path, row_group_size=row_group_size)
    return path


def test_jsonl_gz_bad_line_in_the_middle(tmp_path: Path) -> None:
    shard = write_gz(
        tmp_path / "shard.jsonl.gz",
        [
            json.dumps({"id": "1", "text": body(1), "title": "One", "outlet": "Wire"}),
            "{not json",
            "",
            json.dumps({"id": "4", "content": body(4), "source": {"name": "Daily"}}),
            json.dumps({"title": "no text here"}),
            json.dumps({"id": 6, "body": body(6), "published": "2024-01-18"}),
        ],
    )
    docs, fails = read(shard)
    assert [(d.source_id, Path(d.origin).name, d.reader, d.encoding) for d in docs] == [
        ("1", "shard.jsonl.gz#1", "json", "utf-8"),
        ("4", "shard.jsonl.gz#4", "json", "utf-8"),
        ("6", "shard.jsonl.gz#6", "json", "utf-8"),
    ]
    assert (docs[0].title, docs[0].outlet, docs[1].outlet, docs[2].published) == ("One", "Wire", "Daily", "2024-01-18")
    assert [d.raw for d in docs] == [body(1).strip(), body(4).strip(), body(6).strip()]
    assert fails == [
        ("shard.jsonl.gz#2", "line 2 is not valid JSON: Expecting property name enclosed in double quotes", "T105"),
        ("shard.jsonl.gz#5", "no text field (text, content or body)", "T105"),
    ]


def test_plain_jsonl_and_ndjson_stream_the_same_way(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "a", "text": body(1)}), "[1, 2]", json.dumps({"id": "b", "text": body(2)})]
    for name in ("plain.jsonl", "plain.ndjson"):
        (tmp_path / name).write_text("\ufeff" + "\r\n".join(lines), encoding="utf-8")  # a BOM and CRLF line ends
        docs, fails = read(tmp_path / name)
        assert [(d.source_id, Path(d.origin).name, d.encoding) for d in docs] == [
            ("a", f"{name}#1", "utf-8-sig"),
            ("b", f"{name}#3", "utf-8-sig"),
        ]
        assert docs[0].raw == body(1).strip()
        assert fails == [(f"{name}#2", "expected a JSON object, found list", "T105")]


def test_jsonl_utf16_and_a_latin1_line(tmp_path: Path) -> None:
    utf16 = tmp_path / "wide.jsonl"
    utf16.write_text(json.dumps({"id": "w", "text": "Café attack"}, ensure_ascii=False) + "\n", encoding="utf-16")
    docs, fails = read(utf16)
    assert not fails and [(d.raw, d.encoding) for d in docs] == [("Café attack", "utf-16")]
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_bytes(b'{"id": "u", "text": "plain"}\n{"id": "l", "text": "Caf\xe9 bombing in the old town square"}\n')
    docs, fails = read(mixed)
    assert not fails
    assert [(d.source_id, d.raw, d.encoding) for d in docs] == [
        ("u", "plain", "utf-8"),
        ("l", "Café bombing in the old town square", "cp1252"),
    ]


def test_size_limit_applies_per_article_in_streamed_files(tmp_path: Path) -> None:
    small = [json.dumps({"id": str(i), "text": f"Short item {i} of the shard."}) for i in range(40)]
    big = json.dumps({"id": "big", "text": "x" * 3000})
    shard = write_gz(tmp_path / "limited.jsonl.gz", [*small[:20], big, *small[20:]])
    uncompressed = sum(len(s) + 1 for s in [*small, big])
    opts = Options(max_bytes=1000)
    assert uncompressed > 3 * opts.max_bytes  # the file as a whole is over the limit
    docs, fails = read(shard, opts)
    assert len(docs) == 40 and docs[-1].source_id == "39" and Path(docs[-1].origin).name == "limited.jsonl.gz#41"
    assert fails == [("limited.jsonl.gz#21", f"line 21 is {len(big):,} bytes, over the 1,000-byte limit (setting max_bytes)", "T104")]

    text = ["a" * 500, "b" * 1500, "c" * 900]
    table = write_parquet(tmp_path / "limited.parquet", {"id": ["a", "b", "c"], "text": text})
    docs, fails = read(table, opts)
    assert [d.source_id for d in docs] == ["a", "c"]
    assert fails == [("limited.parquet#1", "row 1's text is 1,500 bytes, over the 1,000-byte limit (setting max_bytes)", "T104")]


def test_truncated_gzip_keeps_what_came_before(tmp_path: Path) -> None:
    whole = write_gz(tmp_path / "whole.jsonl.gz", [json.dumps({"id": str(i), "text": f"Item {i} " + "word " * 50}) for i in range(2000)])
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    docs, fails = read(cut)
    assert 0 < len(docs) < 2000
    assert [d.source_id for d in docs] == [str(i) for i in range(len(docs))]
    assert len(fails) == 1
    name, reason, code = fails[0]
    assert name == "cut.jsonl.gz" and code == "T105"
    assert reason.startswith("broken gzip data after line ") and "end-of-stream marker" in reason


def test_empty_and_binary_streamed_files(tmp_path: Path) -> None:
    empty = write_gz(tmp_path / "empty.jsonl.gz", ["", "  "])
    assert read(empty) == ([], [("empty.jsonl.gz", "empty file: no text to read", "T101")])
    binary = tmp_path / "blob.jsonl"
    binary.write_bytes(bytes(range(256)) * 4)
    assert read(binary) == ([], [("blob.jsonl", "binary data (NUL bytes), not text", "T102")])


def test_parquet_two_row_groups_with_null_and_empty_text(tmp_path: Path) -> None:
    when = pa.array(
        [dt.datetime(2024, 1, 18, 10, 0, tzinfo=dt.UTC), None, None, dt.datetime(2024, 1, 19, tzinfo=dt.UTC)], pa.timestamp("us", tz="UTC")
    )
    shard = write_parquet(
        tmp_path / "part-0.parquet",
        {
            "id": pa.array([10, 11, 12, 13], pa.int64()),
            "text": [body(0), None, "   ", body(3)],
            "title": ["First", "Second", None, "Fourth"],
            "url": ["https://e/0", None, None, "https://e/3"],
            "published": when,
            "source": pa.array([{"name": "Wire"}, None, None, {"name": "Daily"}]),
            "author": ["A. Writer", None, None, None],
            "wordcount": [1, 2, 3, 4],  # a column the reader does not know is left alone
        },
        row_group_size=2,
    )
    assert pq.ParquetFile(shard).metadata.num_row_groups == 2
    docs, fails = read(shard)
    assert [(Path(d.origin).name, d.reader, d.source_id, d.title, d.url, d.outlet, d.author, d.published) for d in docs] == [
        ("part-0.parquet#0", "parquet", "10", "First", "https://e/0", "Wire", "A. Writer", "2024-01-18T10:00:00+00:00"),
        ("part-0.parquet#3", "parquet", "13", "Fourth", "https://e/3", "Daily", None, "2024-01-19T00:00:00+00:00"),
    ]
    assert [d.raw for d in docs] == [body(0).strip(), body(3).strip()]
    assert fails == [
        ("part-0.parquet#1", "field 'text' is null", "T105"),
        ("part-0.parquet#2", "field 'text' is empty", "T105"),
    ]


def test_parquet_nanosecond_dates_and_other_text_columns(tmp_path: Path) -> None:
    shard = write_parquet(
        tmp_path / "ns.parquet",
        {"content": [body(1)], "date": pa.array([1705572000123456789], pa.timestamp("ns", tz="UTC")), "outlet": ["Wire"]},
    )
    docs, fails = read(shard)
    assert not fails
    assert [(d.raw, d.published, d.outlet) for d in docs] == [(body(1).strip(), "2024-01-18T10:00:00.123456789Z", "Wire")]


def test_parquet_without_a_text_column_and_not_parquet(tmp_path: Path) -> None:
    shard = write_parquet(tmp_path / "notext.parquet", {"title": ["a", "b"], "url": ["https://e/1", "https://e/2"]})
    assert read(shard) == ([], [("notext.parquet", "no text column (text, content or body); the columns are: title, url", "T105")])
    fake = tmp_path / "fake.parquet"
    fake.write_text('{"text": "not parquet at all"}\n', encoding="utf-8")
    docs, fails = read(fake)
    assert not docs and len(fails) == 1 and fails[0][0] == "fake.parquet" and fails[0][2] == "T105"
    assert fails[0][1].startswith("not a readable Parquet file: ")


def _shards(root: Path) -> None:
    write_gz(root / "a.jsonl.gz", [json.dumps({"id": "a1", "text": body(1)}), json.dumps({"id": "a2", "text": body(2)})])
    write_parquet(root / "b" / "part-0.parquet", {"id": ["b1"], "text": [body(3)]})
    write_parquet(root / "b" / "part-1.parquet", {"id": ["b2"], "text": [body(4)]})
    write_gz(root / "b" / "deep" / "c.jsonl.gz", [json.dumps({"id": "c1", "text": body(5)})])
    (root / "b" / "deep" / "c.ndjson").write_text(json.dumps({"id": "c2", "text": body(6)}) + "\n", encoding="utf-8")
    (root / "b" / "_SUCCESS").write_text("", encoding="utf-8")
    (root / "README.md").write_text("About these shards.", encoding="utf-8")


def names(items: list[str | Failure], root: Path) -> list[str]:
    return [
        Path(i).relative_to(root).as_posix() if isinstance(i, str) else f"FAIL {Path(i.source).relative_to(root).as_posix()}" for i in items
    ]


def test_globs_over_shards(tmp_path: Path) -> None:
    root = tmp_path / "shards"
    _shards(root)
    everything = ["a.jsonl.gz", "FAIL b/_SUCCESS", "b/deep/c.jsonl.gz", "b/deep/c.ndjson", "b/part-0.parquet", "b/part-1.parquet"]
    assert names(list(discover([str(root)])), root) == everything  # a directory picks up the new extensions
    assert names(list(discover([f"{root}/**"])), root) == everything  # ``dir/**`` is the directory, once
    assert names(list(discover([f"{root}/**/*.jsonl.gz"])), root) == ["a.jsonl.gz", "b/deep/c.jsonl.gz"]
    assert names(list(discover([f"{root}/b/part-[0-9].parquet", f"{root}/*/deep/c.*"])), root) == [
        "b/part-0.parquet",
        "b/part-1.parquet",
        "b/deep/c.jsonl.gz",
        "b/deep/c.ndjson",
    ]
    assert names(list(discover([f"{root}/*"])), root) == everything  # README.md is not an article; b/ is walked

    docs, fails = split(list(ingest([f"{root}/**/*.jsonl.gz", f"{root}/**/*.parquet"], options=OPTS)))
    assert not fails
    assert [(d.source_id, Path(d.origin).relative_to(root).as_posix()) for d in docs] == [
        ("a1", "a.jsonl.gz#1"),
        ("a2", "a.jsonl.gz#2"),
        ("c1", "b/deep/c.jsonl.gz#1"),
        ("b1", "b/part-0.parquet#0"),
        ("b2", "b/part-1.parquet#0"),
    ]


def test_a_glob_matching_nothing_and_a_path_that_looks_like_one(tmp_path: Path) -> None:
    pattern = f"{tmp_path}/nothing/**/*.parquet"
    assert list(discover([pattern])) == [Failure(pattern, f"no file matches {pattern}", "T106")]
    odd = tmp_path / "odd[1].txt"  # an existing path is a path, even with glob characters in it
    odd.write_text(body(1), encoding="utf-8")
    assert list(discover([str(odd)])) == [str(odd)]


def test_streaming_holds_one_article_at_a_time(tmp_path: Path) -> None:
    shard = tmp_path / "big.jsonl.gz"
    decompressed = 0
    with gzip.open(shard, "wt", encoding="utf-8") as fh:
        for i in range(20_000):
            line = json.dumps({"id": str(i), "title": f"Item {i}", "text": f"Article {i}: " + "some words of news " * 12}) + "\n"
            decompressed += len(line)
            fh.write(line)
    fetcher = HttpFetcher(OPTS)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        count = 0
        for rec in read_item(str(shard), options=OPTS, fetcher=fetcher):
            assert isinstance(rec, RawDocument)
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert decompressed > 5_000_000
    assert peak < decompressed / 20, f"peak {peak:,} bytes for {decompressed:,} bytes of JSON Lines"


def test_build_reads_a_parquet_shard_and_a_jsonl_gz_file(tmp_path: Path) -> None:
    shard = write_parquet(
        tmp_path / "in" / "part-0.parquet",
        {"id": ["p1", "p2"], "title": ["Parquet one", "Parquet two"], "text": [body(1), body(2)], "outlet": ["Wire", "Wire"]},
    )
    write_gz(
        tmp_path / "in" / "more.jsonl.gz",
        [
            json.dumps({"id": "j1", "title": "Lines one", "text": body(3), "outlet": "Daily"}),
            "oops",
            json.dumps({"id": "j2", "text": body(4)}),
        ],
    )
    dossier = build([str(shard), f"{tmp_path}/in/*.jsonl.gz"], store=tmp_path / "s.duckdb", options=Options(workers=1, progress=False))
    got = sorted((Path(d.path).name, d.source_id, d.reader, d.outlet) for d in dossier.documents)
    assert got == [
        ("more.jsonl.gz#1", "j1", "json", "Daily"),
        ("more.jsonl.gz#3", "j2", "json", None),
        ("part-0.parquet#0", "p1", "parquet", "Wire"),
        ("part-0.parquet#1", "p2", "parquet", "Wire"),
    ]
    assert {d.source_id: d.title for d in dossier.documents}["p1"] == "Parquet one"
    assert dossier.run is not None and (dossier.run.documents, dossier.run.new) == (4, 4)
    assert [(Path(f.source).name, f.reason) for f in dossier.run.failures] == [
        ("more.jsonl.gz#2", "line 2 is not valid JSON: Expecting value")
    ]
