"""Security headers on every response, and the last line of defence for unexpected errors.

:class:`Guard` is a plain ASGI middleware wrapped around the whole app. It adds the headers
below to every HTTP response (a route may set its own ``Content-Security-Policy``, as the API
docs page does) and turns any exception that escapes the app into the one error shape with
status 500, logging the traceback instead of sending it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import HtmlRenderer, respond

log = logging.getLogger("triangulate.web")

CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# the API docs page also fetches the OpenAPI document
DOCS_CSP = CSP + "; connect-src 'self'"

HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
)


class Guard:
    """ASGI middleware: security headers on every response; unexpected errors become a 500 in the one shape."""

    def __init__(self, app: ASGIApp, *, html: Callable[[], HtmlRenderer | None]) -> None:
        self.app = app
        self.html = html

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app, adding headers to its response and catching what it raises."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in HEADERS if k.encode() not in present]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            log.exception("error answering %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            accept = _header(scope, b"accept")
            response = respond(str(scope.get("path", "")), accept, exc, self.html())
            await response(scope, receive, send_with_headers)


def _header(scope: Scope, name: bytes) -> str:
    headers: Any = scope.get("headers") or []
    for key, value in headers:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""
