"""The ``triangulate`` command: a thin layer over the library API.

Exit codes: 0 all inputs processed, 1 some inputs failed (or the run could not finish),
2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from . import __version__
from .api import ProgressCallback, open_dossier
from .api import build as build_dossier
from .errors import TriangulateError, UsageError
from .model import Dossier
from .render.files import OUTPUTS
from .render.terminal import print_analysis, print_changes, print_summary, print_timeline
from .settings import Options, load_options

T = TypeVar("T")
app = typer.Typer(
    help="Turn news articles about a conflict into one source-attributed dossier.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, width=100)

PathsArg = Annotated[list[str], typer.Argument(help="Files, directories, URL lists or http(s) URLs to read.", show_default=False)]
StoreOpt = Annotated[str | None, typer.Option("--store", help="DuckDB store file (setting 'store').", show_default=False)]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings file (default: ./triangulate.toml).", show_default=False)]
EngineOpt = Annotated[
    str | None, typer.Option("--engine", help="Where the per-document stages run: local or ray (setting 'engine').", show_default=False)
]
AddressOpt = Annotated[
    str | None,
    typer.Option("--address", help="With --engine ray: the Ray cluster to join, e.g. 'auto' (setting 'ray_address').", show_default=False),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=0, help="Worker processes or Ray actors (0: one per CPU; setting 'workers').", show_default=False),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"triangulate {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """Turn news articles about a conflict into one source-attributed dossier."""


def _fail(e: TriangulateError) -> typer.Exit:
    err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
    return typer.Exit(2 if isinstance(e, UsageError) else 1)


@contextmanager
def _reading(opts: Options) -> Iterator[ProgressCallback]:
    """A progress bar on stderr (when it is a terminal and the setting allows), as a build callback."""
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not (opts.progress and err.is_terminal),
    ) as bar:
        task = bar.add_task("reading", total=None)

        def tick(done: int, total: int, item: str) -> None:
            bar.update(task, completed=done, total=total, description=f"reading {Path(item).name[:30]}")

        yield tick


def _run(job: Callable[[Options, ProgressCallback], T], *, config: Path | None, **overrides: Any) -> tuple[Options, T]:
    """Resolve the settings and run a job that reads inputs, under a progress bar; a TriangulateError ends the command."""
    try:
        opts = load_options(config=config, **overrides)
        with _reading(opts) as tick:
            return opts, job(opts, tick)
    except TriangulateError as e:
        raise _fail(e) from e


def _exit(dossier: Dossier) -> NoReturn:
    """Exit 1 when some of this run's inputs failed, else 0."""
    assert dossier.run is not None
    raise typer.Exit(1 if dossier.run.failures else 0)


def _print_failures(dossier: Dossier) -> None:
    assert dossier.run is not None
    for f in dossier.run.failures:
        err.print(f"{f.source}: {f.reason}", highlight=False, markup=False, soft_wrap=True)


def _emit(data: Any, json_out: Path | None, *, show: Callable[[], None]) -> None:
    """JSON to stdout with ``--json -``; else the readable table, and the JSON file when asked."""
    if json_out is not None and str(json_out) == "-":
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    show()
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        err.print(f"wrote {json_out}", highlight=False)


@app.command()
def build(
    paths: PathsArg,
    out: Annotated[str | None, typer.Option("--out", help="Output directory (setting 'out').", show_default=False)] = None,
    store: StoreOpt = None,
    config: ConfigOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print no summary.")] = False,
    engine: EngineOpt = None,
    address: AddressOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Ingest, clean, analyse and fuse articles; write DIR/dossier.json, DIR/events.csv and DIR/documents.csv."""
    settings = {"store": store, "out": out, "engine": engine, "ray_address": address, "workers": workers}
    opts, dossier = _run(lambda o, tick: build_dossier(paths, options=o, out=o.out, progress=tick), config=config, **settings)
    _print_failures(dossier)
    if not quiet:
        print_summary(dossier, store=opts.store)
        typer.echo(f"wrote {', '.join(str(Path(opts.out) / name) for name in OUTPUTS[1:])}")
        typer.echo(f"report: {Path(opts.out) / OUTPUTS[0]} (open it in a browser; 'triangulate serve' for the web UI)")
    _exit(dossier)


@app.command()
def add(
    paths: PathsArg,
    out: Annotated[str | None, typer.Option("--out", help="Output directory (setting 'out').", show_default=False)] = None,
    store: StoreOpt = None,
    config: ConfigOpt = None,
    engine: EngineOpt = None,
    address: AddressOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Add articles to the store (only new ones are processed), fuse again, write the outputs, and print what changed."""
    from .api import add as add_docs

    settings = {"store": store, "out": out, "engine": engine, "ray_address": address, "workers": workers}
    _, (dossier, log) = _run(lambda o, tick: add_docs(paths, options=o, out=o.out, progress=tick), config=config, **settings)
    _print_failures(dossier)
    print_changes(log)
    _exit(dossier)


@app.command()
def watch(
    source: Annotated[str, typer.Argument(help="A folder or an RSS/Atom feed URL to poll.", show_default=False)],
    every: Annotated[float, typer.Option("--every", min=1.0, help="Seconds between polls.")] = 300.0,
    rounds: Annotated[int, typer.Option("--rounds", min=0, help="Stop after this many polls (0: until interrupted).")] = 0,
    out: Annotated[str | None, typer.Option("--out", help="Output directory (setting 'out').", show_default=False)] = None,
    store: StoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Poll a folder or a feed, add what is new, and print a changelog of each update (Ctrl-C to stop)."""
    from .api import watch as watch_source

    try:
        opts = load_options(config=config, store=store, out=out)
        watch_source(
            source, every=every, rounds=rounds, options=opts, out=opts.out, on_update=lambda dossier, log: print_changes(log, quiet=True)
        )
    except TriangulateError as e:
        raise _fail(e) from e


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="json (the dossier), csv (events, ACLED-style), geojson or parquet.")] = "json",
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: stdout; parquet needs one).", show_default=False)
    ] = None,
    store: StoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Export what the store holds: the dossier as JSON, its events as CSV, GeoJSON or Parquet (see docs/exports.md)."""
    from .api import export as export_store

    try:
        opts = load_options(config=config, store=store)
        text = export_store(opts.store, fmt, out=out)
    except TriangulateError as e:
        raise _fail(e) from e
    if text is not None:
        sys.stdout.write(text)
    else:
        err.print(f"wrote {out}", highlight=False)


@app.command()
def analyze(
    paths: PathsArg,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the analysis as JSON to this file ('-': stdout).", show_default=False)
    ] = None,
    store: StoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Find entities, times, places and counts in the articles, each with its span in the cleaned text."""
    from .api import analysis_json
    from .api import analyze as analyze_docs

    _, (dossier, docs) = _run(lambda o, tick: analyze_docs(paths, options=o, progress=tick), config=config, store=store)
    _print_failures(dossier)
    _emit(analysis_json(docs), json_out, show=lambda: print_analysis(docs))
    _exit(dossier)


@app.command()
def timeline(
    paths: PathsArg,
    dates: Annotated[int, typer.Option("--dates", "-k", min=1, help="How many dates to choose.")] = 10,
    sentences: Annotated[int, typer.Option("--sentences", "-n", min=1, help="Sentences per date.")] = 2,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the timeline as JSON to this file ('-': stdout).", show_default=False)
    ] = None,
    store: StoreOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Choose the K most important dates of the articles and N sentences saying what happened on each."""
    from .api import build_timeline

    _, (dossier, entries) = _run(
        lambda o, tick: build_timeline(paths, dates=dates, sentences=sentences, options=o, progress=tick), config=config, store=store
    )
    _print_failures(dossier)
    _emit([e.to_dict() for e in entries], json_out, show=lambda: print_timeline(entries))
    _exit(dossier)


def _bounds(values: list[str] | None, flag: str) -> dict[str, float]:
    out = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise UsageError(f"{flag} takes name=value, got {item!r}")
    return out


@app.command("eval")
def eval_(
    target: Annotated[str, typer.Argument(help="A dossier.json, or a corpus path to build first.", show_default=False)],
    gold: Annotated[Path, typer.Option("--gold", help="The reference annotation (JSON).", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    minimum: Annotated[list[str] | None, typer.Option("--min", help="Floor name=value; exit 1 when missed.", show_default=False)] = None,
    maximum: Annotated[list[str] | None, typer.Option("--max", help="Ceiling name=value for counts.", show_default=False)] = None,
) -> None:
    """Score a dossier against a reference annotation (see eval/gold/README.md)."""
    from .eval import check_floors, evaluate
    from .render.terminal import print_scores

    try:
        floors, ceilings = _bounds(minimum, "--min"), _bounds(maximum, "--max")
        figures = evaluate(target, gold)
    except TriangulateError as e:
        raise _fail(e) from e
    if as_json:
        typer.echo(json.dumps({k: v.value for k, v in figures.items()}, indent=2))
    else:
        print_scores(figures)
    missed = check_floors(figures, minimum=floors, maximum=ceilings)
    for line in missed:
        err.print(f"missed: {line}", highlight=False, soft_wrap=True)
    raise typer.Exit(1 if missed else 0)


@app.command()
def serve(
    store: StoreOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind; anything but loopback needs --token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="TRIANGULATE_TOKEN",
            help="Access token every request must carry (Authorization: Bearer TOKEN); required off loopback.",
            show_default=False,
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Serve the store as web pages and a JSON API (see docs/web.md) until interrupted."""
    from .web import serve as serve_store
    from .web.access import resolve_token

    try:
        token = resolve_token(host, token)  # first: a missing token is a usage error before anything loads
        opts = load_options(config=config, store=store)
    except TriangulateError as e:
        raise _fail(e) from e
    err.print(f"serving {opts.store} at http://{host}:{port}/ (JSON API under /api, Ctrl-C to stop)", highlight=False)
    if token:
        err.print(
            "every request needs the token: header 'Authorization: Bearer TOKEN', or open /?token=TOKEN once in a browser",
            highlight=False,
        )
    try:
        serve_store(opts.store, host=host, port=port, token=token)
    except TriangulateError as e:
        raise _fail(e) from e


@app.command()
def show(store: StoreOpt = None, config: ConfigOpt = None) -> None:
    """Print a readable summary of what the store holds, failures included."""
    try:
        opts = load_options(config=config, store=store)
        dossier = open_dossier(opts.store)
    except TriangulateError as e:
        raise _fail(e) from e
    print_summary(dossier, store=opts.store)


def run() -> None:
    """Entry point of the console script."""
    try:
        app(prog_name="triangulate")
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
