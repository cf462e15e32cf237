"""Incremental fusion: what adding documents to a fused store costs, and coreference's blocks in parallel.

Usage: python bench/incremental.py STORE [--add 10,100,1000] [--workers 2] [--json FILE]

STORE is a built store (for example the one ``bench/fusion.py --store FILE`` leaves). Its
documents are taken in publication order, as news arrives. For each count K of ``--add``:
the first N - K documents are fused (this fills the block cache, as the kept fusion of the
store would), then all N are fused with that cache, as ``triangulate add`` does after K new
articles. The table gives the blocks that had to be clustered again and coreference's and
the whole fusion's seconds, beside a fusion of all N from nothing. Last, coreference from
nothing with its blocks on ``--workers`` processes (as the engine's workers take them).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any


def fuse_timed(docs: list[Any], *, blocks: dict[str, list[list[int]]] | None = None, runner: Any = None) -> dict[str, float]:
    """Fuse ``docs`` and return fusion's figures (stage seconds, blocks) and the total seconds."""
    from triangulate.fuse import fuse

    t0 = time.perf_counter()
    fused = fuse(docs, blocks=blocks, runner=runner)
    return {**fused.stats, "seconds": time.perf_counter() - t0}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the measurements and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path, help="a built store")
    parser.add_argument("--add", default="10,100,1000", help="documents added after the kept fusion (default: %(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="processes for the parallel coreference (default: %(default)s)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args(argv)
    if not args.store.exists():
        print(f"no store at {args.store}: build one first (e.g. python bench/fusion.py --store {args.store})", file=sys.stderr)
        return 2

    from rich.console import Console
    from rich.table import Table

    from triangulate.store import Store

    console = Console(width=max(Console().width, 110))
    with console.status("loading the documents"), Store(args.store, read_only=True) as st:
        docs = sorted(st.documents(), key=lambda d: (d.published or "", d.id))
    n = len(docs)
    with console.status(f"fusing {n:,} documents from nothing"):
        cold = fuse_timed(docs)
    rows: list[dict[str, Any]] = [{"added": n, **cold}]
    for k in sorted(int(x) for x in args.add.split(",") if x.strip()):
        if not 0 < k < n:
            continue
        cache: dict[str, list[list[int]]] = {}
        with console.status(f"fusing the first {n - k:,} documents (the kept fusion)"):
            fuse_timed(docs[: n - k], blocks=cache)
        with console.status(f"adding {k:,} documents"):
            rows.append({"added": k, **fuse_timed(docs, blocks=cache)})
    with console.status(f"coreference from nothing on {args.workers} processes"), ProcessPoolExecutor(args.workers) as pool:
        parallel = fuse_timed(docs, runner=lambda fn, items: list(pool.map(fn, items)))
    rows.append({"added": n, "workers": args.workers, **parallel})

    table = Table(title=f"incremental fusion: {n:,} documents of {args.store}")
    for col in ("documents added", "blocks", "blocks clustered", "coreference s", "fusion s", "events"):
        table.add_column(col, justify="right")
    for r in rows:
        how = f", {r['workers']} processes" if "workers" in r else ", from nothing"
        label = f"all {r['added']:,}{how}" if r["added"] == n else f"{r['added']:,}"
        table.add_row(
            label,
            f"{int(r['blocks']):,}",
            f"{int(r['blocks_clustered']):,}",
            f"{r['fuse.coref']:.1f}",
            f"{r['seconds']:.1f}",
            f"{int(r['events']):,}",
        )
    console.print(table)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
