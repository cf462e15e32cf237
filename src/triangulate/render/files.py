"""Writing the dossier to files: ``dossier.json`` (the contract), ``documents.csv`` and ``events.csv``."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .. import __version__
from ..model import SCHEMA, Document, Dossier


def document_json(doc: Document) -> dict[str, Any]:
    """Return one document as the contract's ``documents[]`` item (plus our fields)."""
    return {
        "id": doc.id,
        "path": doc.path,
        "title": doc.title,
        "outlet": doc.outlet,
        "author": doc.author,
        "published": doc.published,
        "published_source": doc.published_source,
        "syndicated_from": doc.syndicated_from,
        "url": doc.url,
        "source_id": doc.source_id,
        "reader": doc.reader,
        "encoding": doc.encoding,
        "text": doc.text,
        "removed": [
            {"raw_start": r.raw_start, "raw_end": r.raw_end, "reason": r.reason, "detail": r.detail, "text": r.text} for r in doc.removed
        ],
        "offsets": doc.offsets.to_json(),
        "infobox": doc.infobox,
        "evidence": {k: {"raw_start": v.raw_start, "raw_end": v.raw_end, "quote": v.quote} for k, v in sorted(doc.evidence.items())},
    }


def dossier_json(dossier: Dossier) -> dict[str, Any]:
    """Return the dossier as plain data following ``dossier.schema.json``."""
    return {
        "schema": SCHEMA,
        "generated_by": f"triangulate {__version__}",
        "documents": [document_json(d) | {"copy": dossier.copies.get(d.id)} for d in dossier.documents],
        "events": dossier.events,
        "conflicts": dossier.conflicts,
        "sources": dossier.sources,
        "timeline": dossier.timeline,
        "infobox": dossier.infobox,
        "entities": dossier.entities,
        "fusion": dossier.fusion,
        "failures": [{"source": f.source, "code": f.code, "reason": f.reason, "stage": f.stage} for f in dossier.failures],
    }


CSV_COLUMNS = (
    "id",
    "path",
    "title",
    "outlet",
    "author",
    "published",
    "published_source",
    "syndicated_from",
    "url",
    "chars",
    "removed",
    "removed_reasons",
)


def atomic_write(path: Path, write: Any) -> None:
    """Write through a temporary file and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; an output is as readable as any file the user writes
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


OUTPUTS = ("report.html", "dossier.json", "events.csv", "documents.csv")  # what ``build --out DIR`` writes into DIR


def write_outputs(dossier: Dossier, out: Path) -> list[Path]:
    """Write ``dossier.json``, ``documents.csv``, ``events.csv`` and ``report.html`` into ``out``; return their paths."""
    from .exports import write_export  # exports and the report build on this module
    from .html import write_report

    data = dossier_json(dossier)
    for name in OUTPUTS:  # what a run killed while writing left behind (atomic_write's temporary files)
        for stale in out.glob(f".{name}.*.tmp"):
            stale.unlink(missing_ok=True)
    json_path, csv_path = out / "dossier.json", out / "documents.csv"
    atomic_write(json_path, lambda fh: fh.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n"))

    def write_csv(fh: Any) -> None:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for d in dossier.documents:
            reasons = sorted({r.reason for r in d.removed})
            w.writerow(
                [
                    d.id,
                    d.path,
                    d.title,
                    d.outlet,
                    d.author,
                    d.published,
                    d.published_source,
                    d.syndicated_from,
                    d.url,
                    len(d.text),
                    len(d.removed),
                    ";".join(reasons),
                ]
            )

    atomic_write(csv_path, write_csv)
    events_path = out / "events.csv"
    write_export(data, "csv", out=events_path)
    report_path = write_report(data, out / "report.html")
    return [report_path, json_path, csv_path, events_path]
