"""One error shape for the web app, JSON and HTML alike.

Every error the app answers with, whatever raised it (an unknown route, a wrong method, a bad
id or query parameter, an unknown id, an unreadable store, a bug), is this object::

    {"error": {"status": 404, "code": "not_found", "message": "...", "detail": null}}

JSON clients get it as the body; a browser (``Accept: text/html`` on a page outside
``/api/``) gets an HTML page showing the same four fields.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from ..errors import StoreError, TriangulateError

log = logging.getLogger("triangulate.web")

CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    414: "uri_too_long",
    422: "invalid_request",
    500: "internal_error",
    503: "store_unavailable",
}
MESSAGES = {
    404: "nothing here: see /api/docs for the endpoints",
    405: "this method is not allowed here",
    500: "the server hit an unexpected error; its log says more",
}

HtmlRenderer = Callable[[dict[str, Any]], str]


class WebError(Exception):
    """An error a route raises on purpose: a status, a code, a message, optional detail and extra headers."""

    def __init__(
        self, status: int, message: str, *, code: str | None = None, detail: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.detail = detail
        self.headers = dict(headers or {})


class NotFound(WebError):
    """No such event, document or page."""

    def __init__(self, message: str, *, detail: Any = None) -> None:
        super().__init__(404, message, detail=detail)


def error_body(status: int, code: str, message: str, detail: Any = None) -> dict[str, Any]:
    """The one error object."""
    return {"error": {"status": status, "code": code, "message": message, "detail": detail}}


def wants_html(path: str, accept: str) -> bool:
    """Whether an error on ``path`` goes out as an HTML page: a page (not ``/api/``) asked for by a browser."""
    return not (path == "/api" or path.startswith("/api/")) and "text/html" in accept.lower()


def _validation_detail(exc: RequestValidationError) -> list[dict[str, Any]]:
    """The validation errors as plain data: where, what, and the kind (the input is not echoed)."""
    out = []
    for err in exc.errors():
        out.append(
            {"loc": [str(part) for part in err.get("loc", ())], "message": str(err.get("msg", "")), "type": str(err.get("type", ""))}
        )
    return out


def to_body(exc: BaseException) -> tuple[dict[str, Any], dict[str, str]]:
    """The error object (and extra headers) for any exception."""
    if isinstance(exc, WebError):
        return error_body(exc.status, exc.code, exc.message, exc.detail), dict(exc.headers)
    if isinstance(exc, RequestValidationError):
        detail = _validation_detail(exc)
        where = ", ".join(f"{'.'.join(d['loc'])}: {d['message']}" for d in detail[:3])
        return error_body(422, CODES[422], f"the request is not valid ({where})" if where else "the request is not valid", detail), {}
    if isinstance(exc, StarletteHTTPException):
        status = exc.status_code
        message = MESSAGES.get(status) or (exc.detail if isinstance(exc.detail, str) else "the request failed")
        return error_body(status, CODES.get(status, "http_error"), message), dict(exc.headers or {})
    if isinstance(exc, StoreError):
        return error_body(503, CODES[503], exc.message, {"triangulate_code": exc.code}), {"Retry-After": "5"}
    if isinstance(exc, TriangulateError):
        return error_body(500, CODES[500], exc.message, {"triangulate_code": exc.code}), {}
    return error_body(500, CODES[500], MESSAGES[500]), {}


def respond(path: str, accept: str, exc: BaseException, html: HtmlRenderer | None) -> Response:
    """Answer ``exc`` in the one shape: JSON, or an HTML page for a browser on a page."""
    body, headers = to_body(exc)
    status = body["error"]["status"]
    if html is not None and wants_html(path, accept):
        try:
            return HTMLResponse(html(body["error"]), status_code=status, headers=headers)
        except Exception:  # the error page itself failed: fall back to JSON rather than lose the error
            log.exception("cannot render the error page")
    return JSONResponse(body, status_code=status, headers=headers)


def install(app: FastAPI, html: HtmlRenderer | None) -> None:
    """Route every error the framework handles through :func:`respond`."""

    async def handle(request: Request, exc: Exception) -> Response:
        return respond(request.url.path, request.headers.get("accept", ""), exc, html)

    app.add_exception_handler(StarletteHTTPException, handle)
    app.add_exception_handler(RequestValidationError, handle)
    app.add_exception_handler(WebError, handle)
    app.add_exception_handler(StoreError, handle)


def encode(body: dict[str, Any]) -> bytes:
    """An error object as JSON bytes (for the ASGI guard, which answers without a Request)."""
    return json.dumps(body, ensure_ascii=False).encode("utf-8")
