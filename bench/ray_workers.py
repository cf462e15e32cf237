"""Ray engine scaling: documents per second with N Ray actors, and each actor's peak memory.

Usage: python bench/ray_workers.py SIZE WORKERS

Builds SIZE Timeline17 articles (as bench/throughput.py samples them, with content fresh to
this run) into a new store with ``engine=ray`` and WORKERS actors on a local Ray, and
prints one JSON line: seconds (Ray's start-up included), documents per second, each actor's
peak RSS (VmHWM, read from /proc while the build runs; Linux only) and the stage timings.
Run it with 1 and 2 workers for the speed-up on this machine. Needs ``triangulate[ray]``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import T17, corpus, source_texts


def actor_peaks(peak: dict[str, float], stop: threading.Event) -> None:
    """Record the peak RSS (MB) of every Ray actor process of this run until ``stop`` is set."""
    while not stop.is_set():
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                if b"RayWorker" not in (proc / "cmdline").read_bytes():
                    continue
                hwm = next(int(line.split()[1]) for line in (proc / "status").read_text().splitlines() if line.startswith("VmHWM"))
            except (OSError, StopIteration, ValueError):
                continue
            peak[proc.name] = max(peak.get(proc.name, 0.0), hwm / 1024)
        stop.wait(0.5)


def main(argv: list[str]) -> int:
    """Run one measurement and print it as JSON."""
    from triangulate.api import build
    from triangulate.settings import load_options

    size, workers = int(argv[0]), int(argv[1])
    rows, _ = source_texts(T17)
    peak: dict[str, float] = {}
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "corpus.jsonl"
        with jsonl.open("w", encoding="utf-8") as f:
            for row in corpus(rows, size):
                row["text"] += f"\n(run {time.time_ns()})"  # new content: nothing comes from a cache
                f.write(json.dumps(row) + "\n")
        watcher = threading.Thread(target=actor_peaks, args=(peak, stop), daemon=True)
        watcher.start()
        t0 = time.perf_counter()
        dossier = build([jsonl], store=Path(tmp) / "s.duckdb", options=load_options(engine="ray", workers=workers, progress=False))
        seconds = time.perf_counter() - t0
        stop.set()
    assert dossier.run is not None
    result = {
        "size": size,
        "workers": workers,
        "seconds": round(seconds, 1),
        "docs_per_s": round(dossier.run.new / seconds, 2),
        "actor_peak_mb": sorted(round(v) for v in peak.values()),
        "stages": {k: round(v, 1) for k, v in dossier.run.timings.items() if not k.startswith("fuse.")},
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        raise SystemExit(2)
    raise SystemExit(main(sys.argv[1:]))
