"""Timeline17 benchmark: triangulate's timeline task against journalists' timelines.

Usage: python bench/t17.py [--data DIR] [--topics iraq,haiti] [--stores DIR] [--json FILE]

For each topic and each reference timeline it builds a timeline with the reference's number
of dates and mean number of sentences per date, ranked from the fused events as the
``timeline`` command does (its Date-F1 ranked from date mentions alone is shown beside it), and scores Date-F1, AR1-F and AR2-F
(triangulate.eval.timeline, after tilse). A baseline from the same run (the days on which
the most articles were published, with their leads) is scored beside it, and the best
published figures are printed for comparison. Averages follow news-tls: precision and
recall are averaged over timelines, then F1 is taken.

The data is Timeline17 (Tran et al. 2013), which stays outside the repository. By default
it is read from ../shared/bench/t17 next to the repository, or from $T17_DIR.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from triangulate.api import build
from triangulate.eval.timeline import PRF, Timeline, alignment_rouge, date_f1
from triangulate.model import Document
from triangulate.timeline import TimelineDate, build_timeline, publication_baseline

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = Path(os.environ.get("T17_DIR", ROOT.parent / "shared" / "bench" / "t17"))
TOPICS = ("iraq", "haiti", "h1n1", "finan", "mj")

# Gholipour Ghalandari and Ifrim (ACL 2020), Table 4, full Timeline17 (19 timelines, 9 topics).
PUBLISHED = (
    ("Datewise (supervised date ranking)", 0.120, 0.035, 0.544),
    ("Clust", 0.082, 0.020, 0.407),
    ("Martschat and Markert 2018", 0.105, 0.030, 0.544),
    ("oracle given the reference dates", 0.312, 0.128, 0.926),
)

MISSING = """Timeline17 is not here: {path}
It is third-party data and is not in the repository. Put the benchmark's topics
(<topic>/articles.jsonl and <topic>/gold/*.txt, see ../shared/bench/t17/README.md) in
../shared/bench/t17 next to the repository, or point T17_DIR (or --data) at a copy."""


@dataclass(slots=True)
class Scores:
    """Precision and recall of the three figures for one timeline."""

    date: PRF
    ar1: PRF
    ar2: PRF


def read_reference(path: Path) -> dict[date, list[str]]:
    """Parse a reference timeline: a date line, its sentences, a line of dashes."""
    timeline: dict[date, list[str]] = {}
    current: date | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if set(line) == {"-"}:
            current = None
        elif current is None:
            current = date.fromisoformat(line[:10])
            timeline.setdefault(current, [])
        else:
            timeline[current].append(line)
    return timeline


def as_timeline(entries: Sequence[TimelineDate]) -> Timeline:
    """The metric's form of a timeline: day -> sentence texts."""
    return {e.date: [s.text for s in e.sentences] for e in entries}


def score(predicted: Timeline, reference: Timeline) -> Scores:
    """Date-F1, AR1 and AR2 of one predicted timeline."""
    return Scores(date_f1(predicted, reference), alignment_rouge(predicted, reference, n=1), alignment_rouge(predicted, reference, n=2))


def mean(scores: Sequence[Scores]) -> Scores:
    """Average precision and recall over timelines, then F1 (as news-tls does)."""

    def avg(pick: str) -> PRF:
        prfs = [getattr(s, pick) for s in scores]
        return PRF.of(sum(p.precision for p in prfs) / len(prfs), sum(p.recall for p in prfs) / len(prfs))

    return Scores(avg("date"), avg("ar1"), avg("ar2"))


def load(topic_dir: Path, store: Path) -> tuple[list[Document], list[dict[str, Any]], float]:
    """Build the topic's articles into a store; return its documents, its fused events and the seconds taken."""
    t0 = time.perf_counter()
    dossier = build([topic_dir / "articles.jsonl"], store=store)
    assert dossier.run is not None
    ids = set(dossier.run.ids)
    return [d for d in dossier.documents if d.id in ids], dossier.events, time.perf_counter() - t0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Timeline17 directory (default: %(default)s)")
    parser.add_argument("--topics", default=",".join(TOPICS), help="comma-separated topics (default: all five)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--stores", type=Path, help="keep each topic's store in this directory (a second run reuses them)")
    args = parser.parse_args(argv)
    if args.stores:
        args.stores.mkdir(parents=True, exist_ok=True)
    console = Console(width=max(Console().width, 132))
    if not (args.data / "README.md").exists() and not any((args.data / t).is_dir() for t in TOPICS):
        console.print(MISSING.format(path=args.data), highlight=False)
        return 2

    rows: list[dict[str, object]] = []
    ours_all: list[Scores] = []
    base_all: list[Scores] = []
    with tempfile.TemporaryDirectory() as tmp:
        for topic in [t.strip() for t in args.topics.split(",") if t.strip()]:
            topic_dir = args.data / topic
            if not (topic_dir / "articles.jsonl").exists():
                console.print(f"[yellow]skipped {topic}: no {topic_dir / 'articles.jsonl'}[/yellow]")
                continue
            docs, events, build_s = load(topic_dir, (args.stores or Path(tmp)) / f"{topic}.duckdb")
            for ref_path in sorted((topic_dir / "gold").glob("*.txt")):
                reference = read_reference(ref_path)
                k = len(reference)
                n = max(1, round(sum(len(v) for v in reference.values()) / k))
                t0 = time.perf_counter()
                ours = score(as_timeline(build_timeline(docs, dates=k, sentences=n, events=events)), reference)
                tl_s = time.perf_counter() - t0
                plain = score(as_timeline(build_timeline(docs, dates=k, sentences=n)), reference)
                base = score(as_timeline(publication_baseline(docs, dates=k, sentences=n)), reference)
                ours_all.append(ours)
                base_all.append(base)
                rows.append(
                    {
                        "topic": topic,
                        "timeline": ref_path.stem,
                        "docs": len(docs),
                        "k": k,
                        "n": n,
                        "ours": {"date_f1": ours.date.f1, "ar1_f": ours.ar1.f1, "ar2_f": ours.ar2.f1},
                        "mentions_only": {"date_f1": plain.date.f1, "ar1_f": plain.ar1.f1, "ar2_f": plain.ar2.f1},
                        "events": len(events),
                        "baseline": {"date_f1": base.date.f1, "ar1_f": base.ar1.f1, "ar2_f": base.ar2.f1},
                        "build_seconds": round(build_s, 2),
                        "timeline_seconds": round(tl_s, 2),
                    }
                )
    if not rows:
        console.print("no timelines scored")
        return 1

    table = Table(title="Timeline17: triangulate vs. the publication-count baseline (same run)")
    cols = ("topic", "timeline", "docs", "events", "k", "n", "Date-F1", "AR1-F", "AR2-F", "mentions Date-F1", "base Date-F1")
    for col in (*cols, "base AR1-F", "base AR2-F", "s"):
        table.add_column(col, justify="left" if col in ("topic", "timeline") else "right")
    for r in rows:
        o, b, p = r["ours"], r["baseline"], r["mentions_only"]
        assert isinstance(o, dict) and isinstance(b, dict) and isinstance(p, dict)
        table.add_row(
            str(r["topic"]),
            str(r["timeline"]),
            str(r["docs"]),
            str(r["events"]),
            str(r["k"]),
            str(r["n"]),
            *(f"{o[m]:.3f}" for m in ("date_f1", "ar1_f", "ar2_f")),
            f"{p['date_f1']:.3f}",
            *(f"{b[m]:.3f}" for m in ("date_f1", "ar1_f", "ar2_f")),
            f"{r['timeline_seconds']:.1f}",
        )
    ours_mean, base_mean = mean(ours_all), mean(base_all)
    table.add_section()
    table.add_row(
        "mean",
        f"{len(rows)} timelines",
        "",
        "",
        "",
        "",
        f"{ours_mean.date.f1:.3f}",
        f"{ours_mean.ar1.f1:.3f}",
        f"{ours_mean.ar2.f1:.3f}",
        "",
        f"{base_mean.date.f1:.3f}",
        f"{base_mean.ar1.f1:.3f}",
        f"{base_mean.ar2.f1:.3f}",
        "",
    )
    console.print(table)

    ref = Table(title="Published figures (full Timeline17, 19 timelines; Gholipour Ghalandari and Ifrim 2020, Table 4)")
    for col in ("method", "AR1-F", "AR2-F", "Date-F1"):
        ref.add_column(col, justify="left" if col == "method" else "right")
    for name, ar1, ar2, df1 in PUBLISHED:
        ref.add_row(name, f"{ar1:.3f}", f"{ar2:.3f}", f"{df1:.3f}")
    ref.add_row(
        f"triangulate (this run: {len({r['topic'] for r in rows})} topics, {len(rows)} timelines)",
        f"{ours_mean.ar1.f1:.3f}",
        f"{ours_mean.ar2.f1:.3f}",
        f"{ours_mean.date.f1:.3f}",
    )
    console.print(ref)
    console.print(
        "The article sets here are filtered to the timelines' spans (an easier task than the paper's) and ROUGE is "
        "computed in Python (see triangulate.eval.timeline for how it differs from Perl ROUGE-1.5.5).",
        highlight=False,
    )
    if args.json:
        summary = {
            "timelines": rows,
            "mean": {
                "ours": {"date_f1": ours_mean.date.f1, "ar1_f": ours_mean.ar1.f1, "ar2_f": ours_mean.ar2.f1},
                "baseline": {"date_f1": base_mean.date.f1, "ar1_f": base_mean.ar1.f1, "ar2_f": base_mean.ar2.f1},
            },
        }
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
