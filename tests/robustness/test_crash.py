"""Crash safety: ``build`` killed with SIGKILL at points spread over a whole run, again and again.

The kill times are fractions of an uninterrupted run's duration, so they land in every
phase in turn: reading, analysis (in the worker processes), writing batches, fusion,
keeping the fusion and writing the outputs. After each kill the store must open, hold only
whole records, keep at most one fusion (a whole one), and the output directory must hold
only whole files; the next run must finish to the same dossier as an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from triangulate.store import Store

ARTICLE = "Pakistan said on Thursday that its strikes hit militant hideouts inside Iran, two days after an Iranian attack. "
KILLS = (0.05, 0.3, 0.55, 0.8, 0.95)  # fractions of an uninterrupted run


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "triangulate", *args]


def _check_store(store: Path, total: int) -> int:
    """Open the store as the next run would and check every record is whole; return the documents held."""
    with Store(store) as st:
        docs = st.documents()
        for doc in docs:
            assert doc.text and doc.offsets.segments and doc.analysis is not None
        orphans = st.con.execute("SELECT count(*) FROM origins o LEFT JOIN documents d ON o.doc_id = d.id WHERE d.id IS NULL").fetchone()
        assert orphans is not None and orphans[0] == 0
        kept = st.con.execute("SELECT payload FROM fusions").fetchall()
        assert len(kept) <= 1
        for (payload,) in kept:
            assert set(json.loads(payload)) >= {"events", "conflicts", "sources"}
    assert len(docs) <= total
    return len(docs)


def _check_outputs(out: Path) -> None:
    """Outputs are absent or whole: never half a file (a killed run leaves its old outputs or none)."""
    if (out / "dossier.json").exists():
        json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    if (out / "report.html").exists():
        assert (out / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_kills_at_every_phase_leave_the_store_consistent_and_the_next_run_completes(tmp_path: Path) -> None:
    total = 120
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(total):
        (corpus / f"{i:04d}.txt").write_text(
            f"Story number {i} about the border\n\n{ARTICLE * 3}\n\nOfficials counted {i} incidents in the region.\n", encoding="utf-8"
        )
    env = {**os.environ, "TRIANGULATE_PROGRESS": "0"}
    t0 = time.monotonic()
    subprocess.run(
        _cli("build", str(corpus), "--store", str(tmp_path / "ref.duckdb"), "--out", str(tmp_path / "ref"), "-q"), env=env, check=True
    )
    duration = time.monotonic() - t0
    store, out = tmp_path / "s.duckdb", tmp_path / "out"
    held = []
    for fraction in KILLS:
        store.unlink(missing_ok=True)  # each kill on a fresh run, so it lands in the phase its time points at
        Path(f"{store}.wal").unlink(missing_ok=True)
        proc = subprocess.Popen(_cli("build", str(corpus), "--store", str(store), "--out", str(out), "-q"), env=env)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        held.append(_check_store(store, total))
        _check_outputs(out)
        # the next run completes the work to the same dossier as the uninterrupted one
        done = subprocess.run(_cli("build", str(corpus), "--store", str(store), "--out", str(out), "-q"), env=env, check=False)
        assert done.returncode == 0
        assert (out / "dossier.json").read_bytes() == (tmp_path / "ref" / "dossier.json").read_bytes()
        assert not list(out.glob(".*.tmp")), "a killed run's temporary output was left behind"
    assert held[0] < total, "the first kill should land before every document is stored"
