"""What a person reads in the terminal: the dossier summary, scores and timelines, laid out with rich in 100 columns."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..changes import Changelog
from ..eval.score import Figure
from ..model import Document, Dossier
from ..timeline import TimelineDate

MAX_ROWS = 20  # rows per table: a summary, not a listing


def summary(dossier: Dossier, *, store: str | None = None) -> Group:
    """Return a rich renderable summarising the dossier's documents and failures."""
    docs = dossier.documents
    removed = Counter(r.reason for d in docs for r in d.removed)
    head = Text()
    head.append(f"{len(docs)} documents", style="bold")
    head.append(f" · {len(dossier.events)} events · {len(dossier.conflicts)} conflicts · {len(dossier.failures)} failed inputs")
    if store:
        head.append(f"\nstore: {store}", style="dim")
    if dossier.run is not None:
        head.append(
            f"\nthis run: {dossier.run.documents} read, {dossier.run.new} processed, {len(dossier.run.failures)} failed", style="dim"
        )
        counts = dossier.run.counts
        if "blocks" in counts:  # fused now (not read back): how much of coreference had to be redone
            head.append(f"; events re-fused in {counts.get('blocks_clustered', 0)} of {counts['blocks']} blocks", style="dim")
    if removed:
        head.append("\nnoise removed: " + ", ".join(f"{k} {v}" for k, v in sorted(removed.items())), style="dim")
    parts: list[Panel | Table] = [Panel(head, title="triangulate", expand=False)]
    table = Table(title="Documents", show_lines=False, expand=False, title_justify="left")
    table.add_column("title", max_width=38)
    table.add_column("outlet", max_width=12)
    table.add_column("author", max_width=14)
    table.add_column("published", width=11, no_wrap=True)
    table.add_column("reprint of", max_width=10)
    table.add_column("chars", justify="right", width=6)
    for d in docs[:MAX_ROWS]:
        published = d.published or "—"
        if d.published_source == "inferred":
            published += "*"
        table.add_row(d.title or "(no title)", d.outlet or "—", d.author or "—", published, d.syndicated_from or "—", str(len(d.text)))
    if len(docs) > MAX_ROWS:
        table.caption = f"and {len(docs) - MAX_ROWS:,} more documents"
    parts.append(table)
    parts.extend(_fused(dossier))
    if dossier.failures:
        fails = Table(title="Failed inputs", expand=False, title_justify="left")
        fails.add_column("input", max_width=50, overflow="fold")
        fails.add_column("reason", max_width=44, overflow="fold")
        for f in dossier.failures:
            fails.add_row(f.source, f"{f.reason} ({f.code})")
        parts.append(fails)
    return Group(
        *parts, Text("* inferred publication date", style="dim") if any(d.published_source == "inferred" for d in docs) else Text("")
    )


def _fused(dossier: Dossier) -> list[Table]:
    """The timeline, the conflicts and the sources, as tables that fit 100 columns."""
    out: list[Table] = []
    titles = {d.id: d.title or d.outlet or d.id for d in dossier.documents}
    if dossier.timeline:
        t = Table(title="Timeline (main and related events)", expand=False, title_justify="left")
        t.add_column("date", width=11, no_wrap=True)
        t.add_column("role", width=7)
        t.add_column("type", width=9)
        t.add_column("what happened", max_width=55)
        t.add_column("reports", justify="right", width=7)
        for entry in dossier.timeline[:MAX_ROWS]:
            day = entry["date"] + ("*" if entry.get("inferred") else "")
            style = "bold" if entry["role"] == "main" else ""
            t.add_row(day, entry["role"], entry["type"], Text(entry["summary"], style=style), str(entry["independent_sources"]))
        if len(dossier.timeline) > MAX_ROWS:
            t.caption = f"and {len(dossier.timeline) - MAX_ROWS:,} more events"
        out.append(t)
    if dossier.conflicts:
        events = {e["id"]: e for e in dossier.events}
        c = Table(title="Where sources disagree", expand=False, title_justify="left")
        c.add_column("event", max_width=40)
        c.add_column("on", width=10)
        c.add_column("values (who claims them)", max_width=44)
        for conflict in dossier.conflicts[:MAX_ROWS]:
            event = events.get(conflict["event"], {})
            values = "; ".join(f"{v['value']} ({', '.join(v.get('claimed_by') or []) or 'unattributed'})" for v in conflict["values"])
            c.add_row(event.get("summary", conflict["event"]), conflict["attribute"], values)
        if len(dossier.conflicts) > MAX_ROWS:
            c.caption = f"and {len(dossier.conflicts) - MAX_ROWS:,} more conflicts"
        out.append(c)
    if dossier.sources:
        r = Table(title="Sources, most reliable first", expand=False, title_justify="left")
        r.add_column("document", max_width=34)
        r.add_column("score", width=5, justify="right")
        r.add_column("why", max_width=55)
        ranked = sorted(dossier.sources, key=lambda x: -x["reliability"])
        for src in ranked[:MAX_ROWS]:
            r.add_row(titles.get(src["doc"], src["doc"]), f"{src['reliability']:.2f}", "; ".join(src["signals"][:3]))
        if len(ranked) > MAX_ROWS:
            r.caption = f"and {len(ranked) - MAX_ROWS:,} more sources"
        out.append(r)
    return out


def print_changes(log: Changelog, *, quiet: bool = False, console: Console | None = None) -> None:
    """Print what an update changed, one line per change; with ``quiet``, nothing when nothing changed."""
    console = console or Console(width=100)
    if log.empty:
        if not quiet:
            console.print("nothing new", style="dim")
        return
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    console.print(
        f"[bold]{stamp}[/bold] {len(log.documents)} new documents, {len(log.new_events)} new events, "
        f"{len(log.new_claims)} new claims, {len(log.revised)} revisions, {len(log.new_conflicts)} new conflicts"
    )
    for line in log.lines():
        console.print(Text("  " + line))


def print_summary(dossier: Dossier, *, store: str | None = None, console: Console | None = None) -> None:
    """Print the summary to the terminal."""
    (console or Console(width=100)).print(summary(dossier, store=store))


def print_scores(figures: dict[str, Figure], *, console: Console | None = None) -> None:
    """Print evaluation figures as a table: value and the counts behind it."""
    table = Table(title="Evaluation", title_justify="left")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("counts", justify="right", style="dim")
    for name, f in figures.items():
        if f.higher:
            table.add_row(name, f"{f.value:.3f}", f"{f.num}/{f.den}")
        else:
            table.add_row(name, f"{f.num}", "count, lower is better")
    (console or Console(width=100)).print(table)


def print_timeline(entries: Sequence[TimelineDate], *, console: Console | None = None) -> None:
    """Print a timeline: each date, then its sentences with the document each comes from."""
    table = Table(title="Timeline", title_justify="left", show_lines=True)
    table.add_column("date", no_wrap=True, width=10)
    table.add_column("what happened", ratio=1)
    table.add_column("source", style="dim", no_wrap=True)
    for e in entries:
        if not e.sentences:
            table.add_row(e.date.isoformat(), Text("(no sentence found)", style="dim"), "")
        for i, s in enumerate(e.sentences):
            table.add_row(e.date.isoformat() if i == 0 else "", Text(s.text), f"{s.doc[:9]} {s.start}–{s.end}")
    (console or Console(width=100)).print(table)


def print_analysis(docs: Sequence[Document], *, console: Console | None = None) -> None:
    """Print what the analysis found: per document, counts of each kind and the commonest names."""
    table = Table(title="Analysis", title_justify="left")
    table.add_column("document", max_width=30)
    table.add_column("entities", justify="right")
    table.add_column("times", justify="right")
    table.add_column("places", justify="right")
    table.add_column("counts", justify="right")
    table.add_column("most named", max_width=40)
    for d in docs:
        a = d.analysis
        if a is None:
            continue
        names = Counter(e.canonical for e in a.entities if e.label != "NORP")
        table.add_row(
            d.title or d.id,
            str(len(a.entities)),
            str(len(a.times)),
            str(len(a.places)),
            str(len(a.counts)),
            ", ".join(n for n, _ in names.most_common(4)),
        )
    (console or Console(width=100)).print(table)
