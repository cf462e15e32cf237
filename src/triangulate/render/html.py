"""The dossier as one self-contained HTML file: ``report.html``.

No network: the styles, the script and the map are inline, and a Content-Security-Policy
forbids the page to load anything or to run any script but its own. Every piece of
article text goes through Jinja's autoescaping, and invisible characters that could
disguise it (bidirectional overrides, zero-width characters, controls) are shown as
visible ``⟨U+202E⟩`` markers.

The page is built from template partials (``templates/partials/*.html.j2``), each one macro
taking plain dicts made by :mod:`triangulate.render.views`; :func:`environment` gives the
configured Jinja environment, so a web app can render the same partials.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .files import atomic_write
from .views import FULL_DOCUMENTS, Links, build_context

__all__ = ["asset", "environment", "render_report", "visible", "write_report"]

# Controls, bidirectional overrides and isolates, zero-width and invisible characters, the
# byte-order mark, interlinear annotation, Unicode tags, lone surrogates. ZWNJ and ZWJ
# (U+200C, U+200D) stay: Persian and emoji need them.
_HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)


def visible(text: str) -> str:
    """The text with each invisible or direction-changing character replaced by a visible marker."""
    return _HIDDEN.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def _finalize(value: Any) -> Any:
    """Applied to every ``{{ ... }}`` before escaping: None prints as nothing, strings show hidden characters."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return visible(value)
    return value


@cache
def environment() -> Environment:
    """The Jinja environment of the report's templates: autoescaping always on, undefined names an error."""
    env = Environment(
        loader=PackageLoader("triangulate.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


@cache
def asset(name: str) -> str:
    """A static file of the report (``report.css``, ``report.js``)."""
    return resources.files("triangulate.render").joinpath("static", name).read_text(encoding="utf-8")


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )


def render_report(
    dossier: Mapping[str, Any], *, title: str | None = None, links: Links | None = None, full_documents: int | None = FULL_DOCUMENTS
) -> str:
    """The dossier (the plain JSON of :func:`triangulate.render.files.dossier_json`) as one HTML page.

    The page shows in full the ``full_documents`` documents the events cite most (None: all);
    the others are rows, their text in ``dossier.json`` and the web UI.
    """
    context = build_context(dossier, links=links, title=title, full_documents=full_documents)
    css, js = asset("report.css"), asset("report.js")
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            report=context,
            css=Markup(css),  # our own files, not data: inline as they are
            js=Markup(js),
            csp=_csp(js),
        )
    )


def write_report(dossier: Mapping[str, Any], path: Path, *, title: str | None = None, full_documents: int | None = FULL_DOCUMENTS) -> Path:
    """Write the report to ``path`` (through a temporary file and a rename); return the path."""
    html = render_report(dossier, title=title, full_documents=full_documents)
    path = Path(path)
    atomic_write(path, lambda fh: fh.write(html))
    return path
