"""Concurrency: two writers on one store, and the web app reading while a build writes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

from triangulate.api import build
from triangulate.web.app import create_app

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "iran-pakistan-2024"
ARTICLE = "Pakistan said on Thursday that its strikes hit militant hideouts inside Iran, two days after an Iranian attack. "
with warnings.catch_warnings():  # newer Starlette asks for httpx2 in its test client; httpx works the same
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

ENV = {**os.environ, "TRIANGULATE_PROGRESS": "0"}


def _corpus(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:04d}.txt").write_text(
            f"Story number {i} about the border\n\n{ARTICLE * 3}\n\nOfficials counted {i}.\n", encoding="utf-8"
        )
    return folder


def _build(*args: str) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "triangulate", "build", *args, "-q"]
    return subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_build_on_a_busy_store_fails_at_once_and_the_first_completes(tmp_path: Path) -> None:
    corpus, store = _corpus(tmp_path / "corpus", 150), tmp_path / "s.duckdb"
    first = _build(str(corpus), "--store", str(store))
    deadline = time.monotonic() + 60
    while not store.exists() and time.monotonic() < deadline:  # the first build holds the store from here on
        time.sleep(0.1)
    time.sleep(1.0)
    t0 = time.monotonic()
    second = _build(str(SAMPLE), "--store", str(store))
    _, err = second.communicate(timeout=120)
    waited = time.monotonic() - t0
    assert second.returncode == 1 and "another triangulate process is using this store" in err, err
    assert waited < 20  # the interpreter's start-up, not a wait for the lock
    _, err = first.communicate(timeout=600)
    assert first.returncode == 0, err


def test_the_web_app_keeps_answering_while_a_build_writes_and_never_blocks_it(tmp_path: Path) -> None:
    store = tmp_path / "s.duckdb"
    build([SAMPLE], store=store)
    corpus = _corpus(tmp_path / "corpus", 150)
    with TestClient(create_app(store)) as client:
        assert len(client.get("/api/sources").json()) == 5
        writer = _build(str(corpus), "--store", str(store))
        answers = []
        while writer.poll() is None:  # the app reloads whenever the file changes: a copy, never the store itself
            answers.append(client.get("/api/sources").status_code)
            time.sleep(0.05)
        _, err = writer.communicate()
        assert writer.returncode == 0, err
        assert answers and set(answers) == {200}
        deadline = time.monotonic() + 60
        while len(client.get("/api/sources").json()) != 155 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(client.get("/api/sources").json()) == 155
