"""bench/large_run.py: shards written once, and the run's time summed over sittings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from large_run import summary, write_shards
from throughput import corpus


def test_shards_hold_the_corpus_once_and_are_not_rewritten(tmp_path: Path) -> None:
    data = tmp_path / "t17" / "topic"
    data.mkdir(parents=True)
    rows = [{"id": f"a{k}", "published": "2024-01-16", "text": f"Line one of {k}.\nLine two of {k}."} for k in range(3)]
    (data / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    paths, source = write_shards(tmp_path / "shards", tmp_path / "t17", 7, 3)
    assert source == "Timeline17"
    assert [p.name for p in paths] == ["shard-000.jsonl", "shard-001.jsonl", "shard-002.jsonl"]
    lines = [json.loads(line) for p in paths for line in p.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in lines] == [f"bench-{k:06d}" for k in range(7)]
    assert lines[3]["text"] == "Line two of 0.\nLine one of 0."  # the second copy: its lines rotated
    before = [p.stat().st_mtime_ns for p in paths]
    assert write_shards(tmp_path / "shards", tmp_path / "t17", 7, 3) == (paths, "Timeline17")
    assert [p.stat().st_mtime_ns for p in paths] == before
    (tmp_path / "shards" / "done").write_text("7 3 sample", encoding="utf-8")  # made from another source
    first = paths[0].read_text(encoding="utf-8")
    paths[0].write_text("stale\n", encoding="utf-8")
    write_shards(tmp_path / "shards", tmp_path / "t17", 7, 3)
    assert paths[0].read_text(encoding="utf-8") == first  # written again, not kept


def test_the_time_is_the_sum_of_the_sittings_each_to_its_last_line(tmp_path: Path) -> None:
    log = tmp_path / "progress.log"
    entries = [
        {"event": "start", "seconds": 0.0},
        {"event": "shard", "item": "s0", "seconds": 90.0},
        {"event": "alive", "seconds": 120.0},  # killed after this
        {"event": "start", "seconds": 0.0},
        {"event": "shard", "item": "s0", "seconds": 2.0},  # skipped: already stored
        {"event": "shard", "item": "s1", "seconds": 100.0},
        {"event": "end", "seconds": 130.0, "documents": 2000},
    ]
    log.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
    got = summary(log)
    assert (got["sittings"], got["seconds"], got["shards_done"]) == (2, 250.0, 2)
    assert got["end"] is not None and got["end"]["documents"] == 2000


def test_every_copy_of_the_corpus_is_a_new_text() -> None:
    rows = [{"id": "a", "text": "One.\nTwo.\nThree."}, {"id": "b", "text": "Alone."}]
    texts = [r["text"] for r in corpus(rows, 14)]
    assert len(set(texts)) == 14
    assert texts[:6] == ["One.\nTwo.\nThree.", "Alone.", "Two.\nThree.\nOne.", "Alone.\n(1)", "Three.\nOne.\nTwo.", "Alone.\n(2)"]
    assert texts[6] == "One.\nTwo.\nThree.\n(3)"  # the rotations are used up
    twice = [{"id": "a", "text": "Same."}, {"id": "b", "text": "Same."}]
    assert [r["text"] for r in corpus(twice, 3)] == ["Same.", "Same.\n(#1)", "Same.\n(1)"]
    # a rotation that moves the closing blank line to the front is the original once stripped
    blank = [{"id": "a", "text": "One.\nTwo.\n"}]
    texts = [r["text"] for r in corpus(blank, 4)]
    assert texts == ["One.\nTwo.\n", "Two.\n\nOne.", "\nOne.\nTwo.\n(#2)", "One.\nTwo.\n\n(3)"]
    assert len({t.strip() for t in texts}) == 4
