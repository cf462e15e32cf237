from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from triangulate.api import build
from triangulate.cli import app
from triangulate.store import Store

from conftest import SAMPLE, SCHEMA

ARTICLE = "Pakistan said on Thursday that its strikes hit militant hideouts inside Iran, two days after an Iranian attack. "


def article(i: int) -> str:
    return f"Story number {i} about the border\n\n{ARTICLE * 3}\n\nOfficials counted {i} incidents in the region.\n"


@pytest.fixture(scope="module")
def sample_dossier(sample_build: Path) -> dict:
    return json.loads((sample_build / "dossier.json").read_text(encoding="utf-8"))


def by_file(dossier: dict) -> dict[str, dict]:
    return {Path(d["path"]).name: d for d in dossier["documents"]}


def test_sample_dossier_validates_against_the_contract(sample_dossier: dict) -> None:
    jsonschema.validate(sample_dossier, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert sample_dossier["events"] and sample_dossier["conflicts"] and len(sample_dossier["sources"]) == 5
    texts = {d["id"]: d["text"] for d in sample_dossier["documents"]}
    spans = list(_spans({k: sample_dossier[k] for k in ("events", "conflicts", "entities")}))
    assert len(spans) > 100
    for span in spans:  # every fact is traceable to the text that reports it
        assert texts[span["doc"]][span["start"] : span["end"]] == span["quote"], span
    ids = {e["id"] for e in sample_dossier["events"]}
    assert {c["event"] for c in sample_dossier["conflicts"]} <= ids
    assert {t["event"] for t in sample_dossier["timeline"]} <= ids
    assert sample_dossier["infobox"]["date"]["start"] <= sample_dossier["infobox"]["date"]["end"]


def _spans(value: object) -> Iterator[dict]:
    """Every span (a dict with doc, start, end and quote) anywhere in ``value``."""
    if isinstance(value, dict):
        if {"doc", "start", "end", "quote"} <= set(value):
            yield value
        for v in value.values():
            yield from _spans(v)
    elif isinstance(value, list):
        for v in value:
            yield from _spans(v)


def test_sample_metadata_agrees_with_the_reference(sample_dossier: dict, gold: dict) -> None:
    docs = by_file(sample_dossier)
    assert sorted(docs) == sorted(gold["documents"])
    for name, ref in gold["documents"].items():
        doc = docs[name]
        assert doc["title"] == ref["title"], name
        assert doc["author"] == ref["author"], name
        assert doc["syndicated_from"] == ref["syndicated_from"], name
        if "outlet" in ref:
            assert doc["outlet"] == ref["outlet"], name
        want = ref["published"]
        if want is None:
            assert doc["published"] is None, name
        elif isinstance(want, list):
            assert want[0] <= doc["published"] <= want[1], name
        else:
            assert doc["published"] == want, name


def test_sample_noise_is_removed_with_fitting_reasons(sample_dossier: dict) -> None:
    docs = by_file(sample_dossier)

    def removed(name: str) -> list[tuple[str, str]]:
        return [(r["reason"], r["text"]) for r in docs[name]["removed"]]

    assert ("advertisement", "- A word from our sposor -") in removed("000_efa88abd8e41ca14.txt")
    see_also = [t for r, t in removed("001_605cff87e48618fa.txt") if r == "see-also"]
    assert len(see_also) == 1 and see_also[0].startswith("==See also==") and "2025 India" in see_also[0]
    r002 = removed("002_56608781f2c23a74.txt")
    assert ("navigation", "World") in r002
    assert any(r == "caption" and t.endswith("Photo: AFP") for r, t in r002)
    assert ("reprint", "- This story was first published by the BBC") in r002
    assert any(r == "embed" and t.endswith("January 18, 2024") for r, t in removed("003_a919c5db795fad0f.txt"))
    r004 = removed("004_4ddeab7d58ce3cc3.txt")
    caption = next(t for r, t in r004 if r == "caption")
    assert caption.count("Iranian Foreign Minister Hossein Amir-Abdollahian attends") == 2
    assert ("credit", "REUTERS/Denis Balibouse") in r004
    raw = Path(SAMPLE, "004_4ddeab7d58ce3cc3.txt").read_text(encoding="utf-8")
    tail = next(r for r in docs["004_4ddeab7d58ce3cc3.txt"]["removed"] if r["reason"] == "unrelated")
    assert raw[tail["raw_start"] :].rstrip() == raw[raw.index("More from GZERO Media") :].rstrip()
    for doc in docs.values():
        assert "2025" not in doc["text"] and "sposor" not in doc["text"] and "Greenland" not in doc["text"]


def test_every_clean_offset_maps_back_to_the_raw_file(sample_dossier: dict) -> None:
    for doc in sample_dossier["documents"]:
        raw = Path(doc["path"]).read_text(encoding="utf-8")
        for cs, rs, n in doc["offsets"]:
            assert doc["text"][cs : cs + n] == raw[rs : rs + n]
        for r in doc["removed"]:
            assert raw[r["raw_start"] : r["raw_end"]] == r["text"]


def test_rerun_is_idempotent_and_byte_identical(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    first = build([str(SAMPLE)], store=store, out=tmp_path / "a")
    second = build([str(SAMPLE)], store=store, out=tmp_path / "b")
    assert first.run is not None and second.run is not None
    assert (first.run.new, second.run.new, second.run.documents) == (5, 0, 5)
    assert (tmp_path / "a" / "dossier.json").read_bytes() == (tmp_path / "b" / "dossier.json").read_bytes()
    fresh = build([str(SAMPLE)], store=tmp_path / "fresh.duckdb", out=tmp_path / "c")
    assert fresh.run is not None and fresh.run.new == 5
    assert (tmp_path / "a" / "dossier.json").read_bytes() == (tmp_path / "c" / "dossier.json").read_bytes()


def test_adding_one_file_processes_only_that_file(tmp_path: Path, write) -> None:
    corpus = tmp_path / "corpus"
    write("corpus/1.txt", article(1))
    write("corpus/2.txt", article(2))
    store = tmp_path / "s.duckdb"
    assert build([str(corpus)], store=store).run.new == 2  # type: ignore[union-attr]
    write("corpus/3.txt", article(3))
    d = build([str(corpus)], store=store)
    assert d.run is not None and (d.run.documents, d.run.new) == (3, 1)
    assert len(d.documents) == 3


def test_cli_exit_codes_and_failures(tmp_path: Path, write) -> None:
    runner = CliRunner()
    good = write("in/good.txt", article(1))
    write("in/empty.txt", "")
    write("in/binary.txt", bytes(range(256)) * 8)
    store = str(tmp_path / "s.duckdb")
    ok = runner.invoke(app, ["build", str(good), "--store", store, "--out", str(tmp_path / "o1"), "-q"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["build", str(tmp_path / "in"), "--store", store, "--out", str(tmp_path / "o2"), "-q"])
    assert bad.exit_code == 1
    assert f"{tmp_path / 'in' / 'empty.txt'}: empty file: no text to read" in bad.output
    assert f"{tmp_path / 'in' / 'binary.txt'}: binary data" in bad.output
    shown = runner.invoke(app, ["show", "--store", store])
    assert shown.exit_code == 0
    assert "Failed inputs" in shown.output and "empty.txt" in shown.output
    dossier = json.loads((tmp_path / "o2" / "dossier.json").read_text(encoding="utf-8"))
    assert len(dossier["documents"]) == 1
    assert sorted(Path(f["source"]).name for f in dossier["failures"]) == ["binary.txt", "empty.txt"]
    assert runner.invoke(app, ["build"]).exit_code == 2
    assert runner.invoke(app, ["build", str(good), "--no-such-flag"]).exit_code == 2
    assert runner.invoke(app, ["show", "--store", str(tmp_path / "none.duckdb")]).exit_code == 1


def test_help_and_version() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["--version"]).output.startswith("triangulate ")
    for cmd in (["--help"], ["build", "--help"], ["show", "--help"]):
        result = runner.invoke(app, cmd)
        assert result.exit_code == 0 and "Usage" in result.output


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "triangulate", *args]


@pytest.mark.slow
def _children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def test_killed_run_leaves_the_store_consistent_and_resumes(tmp_path: Path, write) -> None:
    total = 600
    for i in range(total):
        write(f"corpus/{i:04d}.txt", article(i))
    store, out = tmp_path / "s.duckdb", tmp_path / "out"
    env = {**os.environ, "TRIANGULATE_PROGRESS": "0"}
    rng = random.Random(7)
    interrupted = 0
    for _ in range(3):
        proc = subprocess.Popen(_cli("build", str(tmp_path / "corpus"), "--store", str(store), "--out", str(out), "-q"), env=env)
        time.sleep(rng.uniform(0.8, 2.0))
        workers = _children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 15
        while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [w for w in workers if Path(f"/proc/{w}").exists()], "worker processes outlived their killed parent"
        with Store(store) as st:  # opens, and every stored document is whole
            docs = st.documents()
            interrupted += proc.returncode == -signal.SIGKILL and len(docs) < total
            for doc in docs:
                assert doc.text and doc.offsets.segments
            row = st.con.execute("SELECT count(*) FROM origins o LEFT JOIN documents d ON o.doc_id = d.id WHERE d.id IS NULL").fetchone()
            assert row is not None and row[0] == 0
    assert interrupted >= 2, "the kills should land while the build is running"
    done = subprocess.run(_cli("build", str(tmp_path / "corpus"), "--store", str(store), "--out", str(out), "-q"), env=env, check=False)
    assert done.returncode == 0
    subprocess.run(
        _cli("build", str(tmp_path / "corpus"), "--store", str(tmp_path / "clean.duckdb"), "--out", str(tmp_path / "ref"), "-q"),
        env=env,
        check=True,
    )
    assert (out / "dossier.json").read_bytes() == (tmp_path / "ref" / "dossier.json").read_bytes()


@pytest.mark.slow
def test_second_writer_fails_at_once_with_a_clear_message(tmp_path: Path, write) -> None:
    good = write("a.txt", article(1))
    store = tmp_path / "s.duckdb"
    with Store(store):
        started = time.monotonic()
        proc = subprocess.run(_cli("build", str(good), "--store", str(store), "-q"), capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "another triangulate process is using this store" in proc.stderr
    assert time.monotonic() - started < 30


def test_the_fusion_is_kept_in_the_store_and_reused_while_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from triangulate import fuse as fuse_pkg
    from triangulate.api import open_dossier
    from triangulate.render.files import dossier_json

    store = tmp_path / "s.duckdb"
    first = build([str(SAMPLE)], store=store)
    assert first.run is not None and "fuse.reused" not in first.run.timings and first.run.timings["fuse.coref"] > 0
    calls: list[int] = []
    real = fuse_pkg.fuse
    monkeypatch.setattr(fuse_pkg, "fuse", lambda docs, **kw: calls.append(len(docs)) or real(docs, **kw))
    again = build([str(SAMPLE)], store=store)  # nothing new: the kept fusion
    opened = open_dossier(store)
    assert calls == [] and again.run is not None and "fuse.reused" in again.run.timings
    assert dossier_json(opened)["events"] == dossier_json(again)["events"] == dossier_json(first)["events"]
    # other fusion code (or other documents) is another key: fused again
    monkeypatch.setattr(fuse_pkg, "code_version", lambda: "other")
    open_dossier(store)
    assert calls == [5]
