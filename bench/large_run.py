"""A large build that may take several sittings: N documents in shards, resumable, timed shard by shard.

Usage: python bench/large_run.py DIR [--docs 100000] [--shard 1000] [--engine ray|local] [--workers 2] [--data DIR]

The corpus is the one ``bench/throughput.py`` makes (Timeline17 articles sampled in turn, each
copy with fresh content; the sample corpus when Timeline17 is absent), written once to
``DIR/shards`` as JSONL files of ``--shard`` articles. They are built into ``DIR/store.duckdb``
with the chosen engine, and each shard's completion is logged to ``DIR/progress.log`` (JSON
lines). Stopped at any point (Ctrl-C, a closed session, a crash), the run is simply started
again: the store skips what it holds, and the Parquet parts a killed Ray run left are stored
first, so nothing finished is analysed twice. The figures are summed over all the sittings in
the log: the time of each sitting is its own, and the total is their sum.

The last sitting ends with the fusion of everything stored; its time and the run's totals are
printed (and logged as the ``end`` line).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import T17, corpus, source_texts

HEARTBEAT = 30.0  # seconds between "alive" lines in the log


def write_shards(directory: Path, data: Path, docs: int, shard: int) -> tuple[list[Path], str]:
    """The corpus as JSONL shards in ``directory``, and what it was sampled from.

    Written once: a ``done`` file records the size, the shard size and the source, and shards
    made otherwise (another size, or the sample corpus because Timeline17 was not found) are
    written again rather than mixed into a store of the other kind.
    """
    directory.mkdir(parents=True, exist_ok=True)
    done = directory / "done"
    count = -(-docs // shard)
    width = max(3, len(str(count - 1)))
    paths = [directory / f"shard-{k:0{width}d}.jsonl" for k in range(count)]
    source = "Timeline17" if any(data.glob("*/articles.jsonl")) else "sample"
    if done.exists() and done.read_text(encoding="utf-8") == f"{docs} {shard} {source}":
        return paths, source
    rows, _origin = source_texts(data)
    articles = corpus(rows, docs)
    for k, path in enumerate(paths):
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as f:
            for _ in range(min(shard, docs - k * shard)):
                f.write(json.dumps(next(articles)) + "\n")
        tmp.replace(path)
    done.write_text(f"{docs} {shard} {source}", encoding="utf-8")
    return paths, source


def summary(log: Path) -> dict[str, Any]:
    """The run's figures over every sitting in ``log``: seconds, shards, and the last sitting's end, if any."""
    sittings: list[float] = []
    shards: set[str] = set()
    end: dict[str, Any] | None = None
    for line in log.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry["event"] == "start":
            sittings.append(0.0)
            end = None
        elif sittings:
            sittings[-1] = max(sittings[-1], float(entry["seconds"]))
            if entry["event"] == "shard":
                shards.add(entry["item"])
            elif entry["event"] == "end":
                end = entry
    return {"sittings": len(sittings), "seconds": sum(sittings), "shards_done": len(shards), "end": end}


def main(argv: Sequence[str] | None = None) -> int:
    """Run (or resume) the large build and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir", type=Path, help="where the shards, the store and the log live")
    parser.add_argument("--docs", type=int, default=100_000, help="documents in all (default: %(default)s)")
    parser.add_argument("--shard", type=int, default=1000, help="documents per shard (default: %(default)s)")
    parser.add_argument("--engine", choices=("ray", "local"), default="ray", help="engine (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="Ray actors or local processes (default: %(default)s)")
    parser.add_argument("--data", type=Path, default=T17, help="Timeline17 directory to sample from (default: %(default)s)")
    args = parser.parse_args(argv)

    from rich.console import Console

    from triangulate.api import build
    from triangulate.settings import load_options

    console = Console()
    paths, source = write_shards(args.dir / "shards", args.data, args.docs, args.shard)
    if source != "Timeline17":
        console.print(f"[yellow]Timeline17 not found at {args.data}; the shards sample the sample corpus (set T17_DIR or --data).[/yellow]")
    log_path = args.dir / "progress.log"
    t0 = time.time()
    with log_path.open("a", encoding="utf-8") as log:
        lock = threading.Lock()  # the heartbeat writes from its own thread

        def note(event: str, **fields: Any) -> None:
            line = json.dumps({"event": event, "at": time.time(), "seconds": time.time() - t0, **fields}) + "\n"
            with lock:
                log.write(line)
                log.flush()

        def heartbeat() -> None:
            while not stop.wait(HEARTBEAT):
                note("alive")

        note("start", docs=args.docs, engine=args.engine, workers=args.workers)
        # shards are logged as they are read, ahead of their processing: a heartbeat bounds
        # the time a killed sitting loses from the log to HEARTBEAT seconds
        stop = threading.Event()
        beat = threading.Thread(target=heartbeat, daemon=True)
        beat.start()

        def progress(n: int, total: int, item: object) -> None:
            note("shard", n=n, total=total, item=str(item))
            console.print(f"shard {n}/{total} at {time.time() - t0:,.0f} s")

        options = load_options(env={}, engine=args.engine, workers=args.workers, progress=False)
        dossier = build(paths, store=args.dir / "store.duckdb", options=options, progress=progress)
        run = dossier.run
        assert run is not None
        stop.set()
        beat.join()
        note("end", documents=run.documents, new=run.new, events=len(dossier.events), timings=run.timings)
    figures = summary(log_path)
    seconds = figures["seconds"]
    console.print(
        f"{run.documents:,} documents stored, {len(dossier.events):,} events; {figures['sittings']} sitting(s), "
        f"{seconds:,.0f} s in all ({run.documents / seconds:.2f} documents/s); fusion {run.timings.get('fuse', 0.0):,.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
