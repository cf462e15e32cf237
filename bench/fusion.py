"""Fusion cost curve: seconds and memory of ``fuse`` on growing corpora, stage by stage.

Usage: python bench/fusion.py [--sizes 1000,2500,5000,10000] [--data DIR] [--store FILE] [--json FILE]

The corpus is the one ``bench/throughput.py`` makes (Timeline17 articles sampled in turn,
each copy with its sentences rotated so that it is new text; the sample corpus when
Timeline17 is absent). It is built once into a store (``--store`` keeps it for the next
run; building 10,000 documents takes a quarter of an hour on two cores); then, for each
size, a fresh Python process loads the first N documents and fuses them. "Fusion's peak"
is what fusion adds to the loaded documents' memory (the peak RSS is reset after loading,
Linux only). Fusion is the only stage that sees every document at once: this is the figure
that says whether it grows near-linearly with the corpus.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import T17, corpus, source_texts


def one_fuse(store: Path, size: int) -> dict[str, object]:
    """Load the first ``size`` documents of ``store`` and fuse them as ``build`` does (in this process); return the figures."""
    from triangulate.api import fused
    from triangulate.model import RunStats
    from triangulate.store import Store

    with Store(store, read_only=True) as st:
        docs = [d for d in st.documents() if d.analysis is not None]
    docs = sorted(docs, key=lambda d: (d.source_id or "", d.path))[:size]  # the first N articles of the corpus
    load_peak = _peak_since_reset_mb()
    gc.collect()
    before = _resident_mb()  # the documents are loaded: fusion's own memory is what its peak adds to this
    _reset_peak()
    run = RunStats()
    t0 = time.perf_counter()
    dossier = fused(docs, run=run)  # fusion and its payload, read back as plain data: what build keeps
    seconds = time.perf_counter() - t0
    return {
        "size": len(docs),
        "seconds": seconds,
        "events": len(dossier.events),
        "conflicts": len(dossier.conflicts),
        "copies": sum(c["relation"] != "original" for c in dossier.copies.values()),
        "stages": {k[5:]: v for k, v in run.timings.items() if k.startswith("fuse.")},
        "loaded_mb": before,
        "load_peak_mb": load_peak,
        "peak_mb": _peak_since_reset_mb(),
        "fuse_mb": _peak_since_reset_mb() - before,
    }


def _status_kb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return float(line.split()[1])
    return 0.0


def _resident_mb() -> float:
    """Resident memory of this process now, in MB (Linux)."""
    return _status_kb("VmRSS") / 1024


def _reset_peak() -> None:
    """Start the peak resident memory (VmHWM) afresh from now (Linux: /proc/self/clear_refs)."""
    Path("/proc/self/clear_refs").write_text("5")


def _peak_since_reset_mb() -> float:
    """Peak resident memory since :func:`_reset_peak`, in MB."""
    return _status_kb("VmHWM") / 1024


def ensure_store(store: Path, rows: list[dict[str, str]], size: int) -> None:
    """Build ``store`` from the first ``size`` articles of the benchmark corpus, unless it holds them."""
    from triangulate.api import build
    from triangulate.settings import load_options

    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / f"corpus-{size}.jsonl"
        with jsonl.open("w", encoding="utf-8") as f:
            for row in corpus(rows, size):
                f.write(json.dumps(row) + "\n")
        t0 = time.perf_counter()
        dossier = build([jsonl], store=store, options=load_options(progress=False))
        assert dossier.run is not None
        secs = time.perf_counter() - t0
        stages = ", ".join(f"{k} {v:.0f}" for k, v in sorted(dossier.run.timings.items(), key=lambda kv: -kv[1])[:8])
        print(f"store {store}: {dossier.run.documents} documents ({dossier.run.new} new) in {secs:.0f} s ({stages})", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,2500,5000,10000", help="corpus sizes (default: %(default)s)")
    parser.add_argument("--data", type=Path, default=T17, help="Timeline17 directory to sample from (default: %(default)s)")
    parser.add_argument("--store", type=Path, help="store to build once and reuse (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:  # a child process: one measurement, printed as JSON
        print(json.dumps(one_fuse(args.store, args.one)))
        return 0

    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 150))
    rows, origin = source_texts(args.data)
    if not args.data.exists():
        console.print(f"[yellow]Timeline17 not found at {args.data}; sampling {origin} instead (set T17_DIR or --data).[/yellow]")
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "fusion.duckdb"
        with console.status(f"building the store of {sizes[-1]:,} documents (once)"):
            ensure_store(store, rows, sizes[-1])
        for size in sizes:
            with console.status(f"fusing {size:,} documents"):
                cmd = [sys.executable, __file__, "--one", str(size), "--store", str(store)]
                done = subprocess.run(cmd, check=False, capture_output=True, text=True)
            if done.returncode != 0:
                console.print(f"[red]fusing {size} documents failed (exit {done.returncode}):[/red]\n{done.stderr[-4000:]}")
                return 1
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))

    table = Table(title=f"fusion cost: {origin}")
    for col in ("docs", "seconds", "ms/doc", "× per ×docs", "events", "copies", "loaded MB", "fusion's peak MB", "seconds by stage"):
        table.add_column(col, justify="left" if col == "seconds by stage" else "right")
    prev: tuple[float, int] | None = None
    for r in results:
        secs, n = float(r["seconds"]), int(r["size"])
        growth = ""
        if prev is not None:  # time growth over size growth: 1.0 is linear
            growth = f"{(secs / prev[0]) / (n / prev[1]):.2f}"
        stages = ", ".join(f"{k} {v:.1f}" for k, v in dict(r["stages"]).items())
        table.add_row(
            f"{n:,}",
            f"{secs:.1f}",
            f"{1000 * secs / n:.2f}",
            growth,
            f"{r['events']:,}",
            f"{r['copies']:,}",
            f"{r['loaded_mb']:.0f}",
            f"+{r['fuse_mb']:.0f}",
            stages,
        )
        prev = (secs, n)
    console.print(table)
    console.print("× per ×docs: how much more time per unit of corpus growth since the previous row (1.00: linear)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
