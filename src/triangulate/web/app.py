"""The FastAPI application over a store: a JSON API mirroring the contract, and server-rendered pages.

:func:`create_app` is a pure factory: nothing is read until the app starts (its lifespan
loads the store once; requests reload it when the store file changes).
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from .. import __version__
from ..errors import StoreError
from . import errors
from .access import check_token
from .data import DossierCache, EventFilter, Snapshot
from .errors import NotFound, WebError
from .pages import Pages, script, warm
from .security import DOCS_CSP, Gate, Guard, RedactToken

log = logging.getLogger("triangulate.web")

# ids in URLs must match these exactly (ASCII, lower-case hex); anything else is a 422 before any lookup
EVENT_ID = r"^e[0-9a-f]{12}$"
DOCUMENT_ID = r"^d[0-9a-f]{16}$"
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


class ErrorBody(BaseModel):
    """The error object."""

    status: int
    code: str
    message: str
    detail: Any = None


class ErrorResponse(BaseModel):
    """Every JSON error the app sends."""

    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorResponse, "description": "the access token is missing or wrong (a server started with a token)"},
    404: {"model": ErrorResponse, "description": "no such id"},
    422: {"model": ErrorResponse, "description": "a malformed id or query parameter"},
    503: {"model": ErrorResponse, "description": "the store cannot be read"},
}


def snapshot(request: Request) -> Snapshot:
    """The dossier the app serves now (reloaded if the store changed)."""
    cache: DossierCache = request.app.state.cache
    return cache.get()


Snap = Annotated[Snapshot, Depends(snapshot)]
EventId = Annotated[str, PathParam(pattern=EVENT_ID, description="an event id: 'e' and 12 hex digits")]
DocumentId = Annotated[str, PathParam(pattern=DOCUMENT_ID, description="a document id: 'd' and 16 hex digits")]


def _date(name: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise WebError(
            422,
            f"the request is not valid ({name}: not a date: use YYYY-MM-DD)",
            detail=[{"loc": ["query", name], "message": str(e), "type": "date_parsing"}],
        ) from e


def event_filter(
    date_from: Annotated[
        str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$", description="events starting on or after this day (YYYY-MM-DD)")
    ] = None,
    date_to: Annotated[
        str | None, Query(pattern=r"^(\d{4}-\d{2}-\d{2})?$", description="events starting on or before this day (YYYY-MM-DD)")
    ] = None,
    country: Annotated[str | None, Query(pattern=r"^([A-Za-z]{2})?$", description="ISO 3166-1 alpha-2 code of the event's place")] = None,
    actor: Annotated[str | None, Query(max_length=200, description="case-insensitive substring of an actor or a target")] = None,
    type: Annotated[str | None, Query(pattern=r"^([A-Za-z_]{1,40})?$", description="PLOVER event type, e.g. ASSAULT")] = None,
    role: Annotated[str | None, Query(pattern=r"^(main|related|background)?$", description="main, related or background")] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="case-insensitive substring of the summary, an actor, a target or the place name")
    ] = None,
) -> EventFilter:
    """The event filters of a request; empty values (as an HTML form sends them) mean no condition."""
    return EventFilter(
        date_from=_date("date_from", date_from),
        date_to=_date("date_to", date_to),
        country=country.upper() if country else None,
        actor=(actor or "").strip() or None,
        type=type.upper() if type else None,
        role=role or None,
        q=(q or "").strip() or None,
    )


Filter = Annotated[EventFilter, Depends(event_filter)]

FILTER_PARAMS = frozenset(inspect.signature(event_filter).parameters)
# the query parameters each route takes; every other route takes none
QUERY_PARAMS: dict[str, frozenset[str]] = {
    "/": FILTER_PARAMS,
    "/api/events": FILTER_PARAMS | {"limit", "offset"},
    "/sources": frozenset({"page"}),
    "/conflicts": frozenset({"page"}),
}
PageNo = Annotated[int, Query(ge=1, le=1_000_000, description="page number, from 1")]


def known_query(request: Request) -> None:
    """Refuse a query parameter the route does not take (422): a request names no file, setting or anything else."""
    route = request.scope.get("route")
    allowed = QUERY_PARAMS.get(str(getattr(route, "path", "")), frozenset())
    if any(name not in allowed for name in request.query_params):
        takes = ", ".join(sorted(allowed)) or "none"
        raise WebError(
            422,
            f"the request is not valid (an unknown query parameter; this endpoint takes: {takes})",
            detail=[{"loc": ["query"], "message": f"unknown query parameter; allowed: {takes}", "type": "extra_forbidden"}],
        )


def _json(content: Any, *, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(content, headers=headers)


@dataclass(frozen=True, slots=True)
class Asset:
    """A fixed file the API docs page loads (the name never comes from a request)."""

    name: str
    media_type: str


SWAGGER_ASSETS = {
    "swagger-ui.css": Asset("swagger-ui.css", "text/css; charset=utf-8"),
    "swagger-ui-bundle.js": Asset("swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
}
SWAGGER_INIT = b"""window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
"""


@cache
def swagger_asset(name: str) -> bytes | None:
    """The bytes of a Swagger UI file shipped by the ``fastapi-offline`` package, or None without it."""
    try:
        return (resources.files("fastapi_offline") / "static" / name).read_bytes()
    except (ModuleNotFoundError, OSError):
        return None


def create_app(store: str | os.PathLike[str], *, token: str | None = None, allowed_hosts: Collection[str] | None = None) -> FastAPI:
    """Return the web app serving the dossier of ``store`` (opened read-only, on startup).

    With ``token``, every request must carry it (see :mod:`triangulate.web.security`); with
    ``allowed_hosts``, a request whose ``Host`` header names another host is refused.
    """
    if token is not None:
        check_token(token)
    cache = DossierCache(Path(store), warm=warm)
    redact = RedactToken()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        access_log = logging.getLogger("uvicorn.access")
        if token is not None:  # a browser's first request has the token in its URL: keep it out of the log
            access_log.addFilter(redact)
        try:
            cache.load()
        except StoreError as e:  # keep serving: every request says why, and a build makes it work
            log.warning("cannot load the store yet: %s", e)
        try:
            yield
        finally:
            access_log.removeFilter(redact)

    app = FastAPI(
        title="triangulate",
        version=__version__,
        summary="The dossier of a triangulate store: documents, fused events, conflicts and sources.",
        description=(
            "Every answer is the object the dossier contract (`dossier.schema.json`) defines; "
            "`/api/dossier` is the whole `dossier.json`. Every error is "
            '`{"error": {"status", "code", "message", "detail"}}`.'
        ),
        openapi_url=None,  # served by a route below, so that it goes through the same checks as every other
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
        dependencies=[Depends(known_query)],
    )
    app.state.cache = cache
    pages = Pages()
    app.state.pages = pages
    errors.install(app, pages.error)
    app.add_middleware(Gate, html=lambda: pages.error, token=token, allowed_hosts=allowed_hosts)
    app.add_middleware(Guard, html=lambda: pages.error)  # added last: the outermost, its headers on every answer

    # ---- the JSON API -------------------------------------------------------------------

    @app.get("/api/dossier", tags=["api"], responses=ERRORS, summary="The whole dossier (dossier.json)")
    def get_dossier(snap: Snap) -> Response:
        """The whole dossier: exactly the content `triangulate build --out` writes to dossier.json."""
        return Response(snap.encoded(), media_type="application/json")

    @app.get("/api/events", tags=["api"], responses=ERRORS, summary="Events, filtered and paginated")
    def get_events(
        snap: Snap,
        flt: Filter,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="at most this many events")] = DEFAULT_LIMIT,
        offset: Annotated[int, Query(ge=0, le=10**9, description="skip this many matching events first")] = 0,
    ) -> JSONResponse:
        """The contract's `events[]` items that match every filter, in dossier order; `X-Total-Count` gives how many match."""
        found = list(flt.apply(snap.data.get("events", [])))
        return _json(found[offset : offset + limit], headers={"X-Total-Count": str(len(found))})

    @app.get("/api/events/{event_id}", tags=["api"], responses=ERRORS, summary="One event")
    def get_event(snap: Snap, event_id: EventId) -> JSONResponse:
        """One `events[]` item."""
        event = snap.events.get(event_id)
        if event is None:
            raise NotFound(f"no event {event_id} in this dossier")
        return _json(event)

    @app.get("/api/documents/{doc_id}", tags=["api"], responses=ERRORS, summary="One document")
    def get_document(snap: Snap, doc_id: DocumentId) -> JSONResponse:
        """One `documents[]` item, with its cleaned text and what cleaning removed."""
        doc = snap.documents.get(doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id} in this dossier")
        return _json(doc)

    @app.get("/api/conflicts", tags=["api"], responses=ERRORS, summary="Conflicts")
    def get_conflicts(snap: Snap) -> JSONResponse:
        """The contract's `conflicts[]`: attributes of an event on which the documents disagree."""
        return _json(snap.data.get("conflicts", []))

    @app.get("/api/sources", tags=["api"], responses=ERRORS, summary="Sources")
    def get_sources(snap: Snap) -> JSONResponse:
        """The contract's `sources[]`: each document's reliability and the signals behind it."""
        return _json(snap.data.get("sources", []))

    # ---- API docs, offline --------------------------------------------------------------
    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/api", include_in_schema=False)
    def api_index() -> HTMLResponse:
        return HTMLResponse(pages.api_index(app.openapi(), interactive=swagger_asset("swagger-ui-bundle.js") is not None))

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        if swagger_asset("swagger-ui-bundle.js") is None:  # no Swagger UI files installed: the plain list
            return HTMLResponse(pages.api_index(app.openapi(), interactive=False))
        return HTMLResponse(pages.swagger(), headers={"Content-Security-Policy": DOCS_CSP})

    @app.get("/api/docs/init.js", include_in_schema=False)
    def api_docs_init() -> Response:
        return Response(SWAGGER_INIT, media_type="text/javascript; charset=utf-8")

    def asset_route(asset: Asset) -> None:
        def serve_asset() -> Response:
            body = swagger_asset(asset.name)
            if body is None:
                raise NotFound("the Swagger UI files are not installed (pip install fastapi-offline)")
            return Response(body, media_type=asset.media_type, headers={"Cache-Control": "public, max-age=86400"})

        app.add_api_route(f"/api/docs/{asset.name}", serve_asset, methods=["GET"], include_in_schema=False)

    for asset in SWAGGER_ASSETS.values():
        asset_route(asset)

    @app.get("/static/report.js", include_in_schema=False)
    def report_script() -> Response:
        return Response(script(), media_type="text/javascript; charset=utf-8")

    # ---- pages --------------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    def index(snap: Snap, flt: Filter) -> HTMLResponse:
        return HTMLResponse(pages.index(snap, flt))

    @app.get("/events/{event_id}", include_in_schema=False)
    def event_page(snap: Snap, event_id: EventId) -> HTMLResponse:
        if event_id not in snap.events:
            raise NotFound(f"no event {event_id} in this dossier")
        return HTMLResponse(pages.event(snap, event_id))

    @app.get("/documents/{doc_id}", include_in_schema=False)
    def document_page(snap: Snap, doc_id: DocumentId) -> HTMLResponse:
        if doc_id not in snap.documents:
            raise NotFound(f"no document {doc_id} in this dossier")
        return HTMLResponse(pages.document(snap, doc_id))

    @app.get("/conflicts", include_in_schema=False)
    def conflicts_page(snap: Snap, page: PageNo = 1) -> HTMLResponse:
        return HTMLResponse(pages.conflicts(snap, page=page))

    @app.get("/sources", include_in_schema=False)
    def sources_page(snap: Snap, page: PageNo = 1) -> HTMLResponse:
        return HTMLResponse(pages.sources(snap, page=page))

    return app
