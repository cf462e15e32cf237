"""The server-rendered pages: the HTML report's own views and template partials, one page each.

The report (:mod:`triangulate.render.html`) builds plain view data (:mod:`triangulate.render.views`)
and renders it with autoescaped Jinja partials. The pages here reuse both: the same
environment (autoescaping, hidden characters made visible, undefined names an error) with this
package's page templates in front, and a :class:`~triangulate.render.views.Links` that points at
the app's URLs instead of fragments of one page. No page builds HTML by joining strings.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from jinja2 import ChoiceLoader, Environment, PackageLoader
from markupsafe import Markup

from .. import __version__
from ..render import views
from ..render.html import asset
from ..render.html import environment as report_environment
from .data import EventFilter, Snapshot


class WebLinks(views.Links):
    """Links between the app's pages: an event, a document, a span in its document, a conflict."""

    def event(self, event: str) -> str:
        """An event's page."""
        return f"/events/{quote(event, safe='')}"

    def document(self, doc: str) -> str:
        """A document's page."""
        return f"/documents/{quote(doc, safe='')}"

    def span(self, doc: str, start: int, end: int) -> str:
        """An evidence span, marked in its document's page."""
        return f"{self.document(doc)}#{views.span_anchor(doc, start, end)}"

    def conflict(self, event: str, attribute: str) -> str:
        """A conflict on the conflicts page."""
        return f"/conflicts#{views.conflict_anchor(event, attribute)}"


LINKS = WebLinks()


def environment() -> Environment:
    """The report's template environment, with this package's page templates looked up first."""
    base = report_environment()
    assert base.loader is not None
    env = base.overlay(loader=ChoiceLoader([PackageLoader("triangulate.web", "templates"), base.loader]))
    env.globals.update(version=__version__)
    return env


PAGE_SIZE = 100  # rows of a long list page (sources, conflicts): a 10,000-document dossier stays quick to load


def paginate(items: list[Any], page: int, *, size: int | None = None) -> tuple[list[Any], dict[str, int]]:
    """The items of one page (1-based; a page past the end shows the last; ``size``: PAGE_SIZE) and the pager's figures."""
    size = size or PAGE_SIZE
    pages = max(1, -(-len(items) // size))
    page = min(max(1, page), pages)
    first = (page - 1) * size
    chunk = items[first : first + size]
    return chunk, {"page": page, "pages": pages, "total": len(items), "first": first + 1 if chunk else 0, "last": first + len(chunk)}


def warm(snap: Snapshot) -> None:
    """Build the pages' view data of a freshly loaded snapshot, so that no request waits for it."""
    _context(snap)


def _context(snap: Snapshot) -> dict[str, Any]:
    """The report's view data of the whole dossier, built once per snapshot, with indexes by id."""
    ctx: dict[str, Any] | None = snap.memo.get("context")
    if ctx is None:
        ctx = views.build_context(snap.data, links=LINKS)
        cards = [card for group in ctx["events"].values() for card in group]
        ctx["event_cards"] = {card["id"]: card for card in cards}
        ctx["document_views"] = {d["id"]: d for d in ctx["documents"]}
        ctx["source_views"] = {s["doc"]: s for s in ctx["sources"]}
        snap.memo["context"] = ctx
    return ctx


def _filter_query(flt: EventFilter) -> dict[str, str]:
    return {
        "date_from": flt.date_from.isoformat() if flt.date_from else "",
        "date_to": flt.date_to.isoformat() if flt.date_to else "",
        "country": flt.country or "",
        "actor": flt.actor or "",
        "type": flt.type or "",
        "role": flt.role or "",
        "q": flt.q or "",
    }


def _facets(events: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The values the filters form offers: the types, countries and roles present."""
    return {
        "types": sorted({str(e["type"]) for e in events if e.get("type")}),
        "countries": sorted({str(e["location"]["country"]) for e in events if (e.get("location") or {}).get("country")}),
        "roles": [r for r in ("main", "related", "background") if any(e.get("role") == r for e in events)],
    }


class Pages:
    """Renders each page to a string."""

    def __init__(self, env: Environment | None = None) -> None:
        self._env = env

    @property
    def env(self) -> Environment:
        """The template environment (made on first use)."""
        if self._env is None:
            self._env = environment()
        return self._env

    def _render(self, name: str, **context: Any) -> str:
        context.setdefault("generated_by", None)
        return self.env.get_template(name).render(css=_css(), **context)

    def index(self, snap: Snapshot, flt: EventFilter) -> str:
        """The overview: counts, infobox, map, the filters form and the (filtered) timeline."""
        ctx = _context(snap)
        events = snap.data.get("events", [])
        found = list(flt.apply(events))
        if flt.active():
            ids = {e["id"] for e in found}
            rows = [r for r in snap.data.get("timeline") or [] if r.get("event") in ids]
            timeline = views.timeline_view(
                {**snap.data, "events": found, "timeline": rows}, views.Evidence(snap.data.get("documents", []), LINKS)
            )
        else:
            timeline = ctx["timeline"]
        return self._render(
            "index.html",
            report=ctx,
            generated_by=ctx["generated_by"],
            timeline=timeline,
            facets=_facets(events),
            query=_filter_query(flt),
            filtered=flt.active(),
            matched=len(found),
        )

    def event(self, snap: Snapshot, event_id: str) -> str:
        """One event card: what, when, where, who, the figures each source claims, quotes, and its conflicts."""
        ctx = _context(snap)
        card = ctx["event_cards"][event_id]
        conflicts = [c for c in ctx["conflicts"] if c["event"] == event_id]
        return self._render("event.html", ev=card, conflicts=conflicts, generated_by=ctx["generated_by"])

    def document(self, snap: Snapshot, doc_id: str) -> str:
        """One document: its cleaned text with the evidence marked and the removed noise struck through."""
        ctx = _context(snap)
        doc = ctx["document_views"][doc_id]
        source = ctx["source_views"].get(doc_id)
        cited = [
            ctx["event_cards"][e["id"]]
            for e in snap.data.get("events", [])
            if doc_id in (e.get("sources") or []) and e["id"] in ctx["event_cards"]
        ]
        return self._render("document.html", d=doc, source=source, events=cited, generated_by=ctx["generated_by"])

    def conflicts(self, snap: Snapshot, *, page: int = 1) -> str:
        """The conflicts, a page at a time: the values reported, their evidence and how fusion settled."""
        ctx = _context(snap)
        items, pg = paginate(ctx["conflicts"], page)
        return self._render("conflicts.html", items=items, pg=pg, generated_by=ctx["generated_by"])

    def sources(self, snap: Snapshot, *, page: int = 1) -> str:
        """The documents' reliability and the signals behind it, most reliable first, a page at a time."""
        ctx = _context(snap)
        items, pg = paginate(ctx["sources"], page)
        return self._render("sources.html", items=items, pg=pg, generated_by=ctx["generated_by"])

    def error(self, error: dict[str, Any]) -> str:
        """The one error object as a page."""
        return self._render("error.html", error=error)

    def api_index(self, openapi: dict[str, Any], *, interactive: bool) -> str:
        """A plain list of the API's endpoints, read from its OpenAPI document (works without script)."""
        endpoints = []
        for path, methods in openapi.get("paths", {}).items():
            for method, op in methods.items():
                params = [
                    {"name": p.get("name"), "in": p.get("in"), "description": p.get("description") or ""} for p in op.get("parameters", [])
                ]
                endpoints.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": op.get("summary") or "",
                        "description": op.get("description") or "",
                        "params": params,
                    }
                )
        return self._render("api.html", endpoints=endpoints, interactive=interactive, info=openapi.get("info", {}))

    def swagger(self) -> str:
        """The Swagger UI page (its script and styles are served by the app itself)."""
        return self.env.get_template("swagger.html").render()


@cache
def _css() -> Markup:
    """The report's styles and this app's few additions, inlined (our own files, not data)."""
    web = resources.files("triangulate.web").joinpath("templates", "web.css").read_text(encoding="utf-8")
    return Markup(asset("report.css") + "\n" + web)


def script() -> str:
    """The report's script (served at ``/static/report.js``: the policy allows scripts from the app only)."""
    return asset("report.js")
