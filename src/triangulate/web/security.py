"""Security on every request and every response: headers, limits, methods, the access token.

Two plain ASGI middlewares wrap the whole app (no dependency beyond Starlette's types):

* :class:`Guard`, the outer one, adds the headers below to every HTTP response (a route may
  set its own ``Content-Security-Policy``, as the API docs page does) and turns any exception
  that escapes the app into the one error shape with status 500, logging the traceback
  instead of sending it.
* :class:`Gate`, inside it, refuses a request before the app sees it, in the one error shape:
  a URL over :data:`MAX_URL` bytes (414); on a loopback server without a token, a ``Host``
  header that is not a loopback name (400: DNS rebinding); a declared ``Content-Length`` over
  :data:`MAX_BODY` (413); a missing or wrong access token when the app has one (401, with
  ``WWW-Authenticate: Bearer``); a streamed body that grows past :data:`MAX_BODY` (413, the
  bytes are counted as they arrive); any method but GET and HEAD (405). HEAD is answered as
  GET without the body.

The token travels in ``Authorization: Bearer TOKEN`` or in the HttpOnly, SameSite=Strict
cookie :data:`COOKIE`; a GET with ``?token=TOKEN`` sets that cookie and redirects (303) to the
same URL without the token, so a browser can open the app once with the token in its URL.
"""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Callable, Collection, Iterable
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import HtmlRenderer, WebError, respond

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
PERMISSIONS = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"

HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
    ("permissions-policy", PERMISSIONS),
)

MAX_BODY = 64 * 1024  # bytes of request body; the app reads none, so this only bounds what is buffered
MAX_URL = 8 * 1024  # bytes of path and query string, as sent
METHODS = ("GET", "HEAD")
COOKIE = "triangulate_token"
REALM = 'Bearer realm="triangulate"'

# characters a Location header keeps as they are (the rest is percent-encoded; "%" keeps the client's escapes)
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


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


class _ClientGone(Exception):
    """The client disconnected while its request body was being read."""


class Gate:
    """ASGI middleware: refuses long URLs, big bodies, foreign Host names, missing tokens and methods but GET/HEAD."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        html: Callable[[], HtmlRenderer | None],
        token: str | None = None,
        allowed_hosts: Collection[str] | None = None,
        max_body: int = MAX_BODY,
        max_url: int = MAX_URL,
    ) -> None:
        self.app = app
        self.html = html
        self.token = token.encode("ascii") if token else None
        self.hosts = None if allowed_hosts is None else frozenset(_host_name(h.encode("utf-8")) for h in allowed_hosts)
        self.max_body = max_body
        self.max_url = max_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request; answer the error, the token redirect, or pass it on (HEAD as GET, without the body)."""
        if scope["type"] == "websocket":  # the app has no WebSocket endpoint
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = str(scope["method"])  # methods are case-sensitive: "get" is not GET
        if method == "HEAD":
            send = _without_body(send)
            scope = {**scope, "method": "GET"}
        try:
            self._check_url(scope)
            self._check_host(scope)
            length = self._declared_length(scope)
            if self.token is not None:
                redirect = self._authenticate(scope)
                if redirect is not None:
                    await redirect(scope, receive, send)
                    return
            if length or _values(scope, b"transfer-encoding"):
                receive = _replay(await self._read_body(receive), receive)
            if method not in METHODS:
                raise WebError(405, "only GET and HEAD are allowed", headers={"Allow": ", ".join(METHODS)})
        except WebError as exc:
            response = respond(str(scope.get("path", "")), _header(scope, b"accept"), exc, self.html())
            await response(scope, receive, send)
            return
        except _ClientGone:
            return
        await self.app(scope, receive, send)

    def _check_url(self, scope: Scope) -> None:
        raw = scope.get("raw_path") or str(scope.get("path", "")).encode("utf-8")
        query = scope.get("query_string") or b""
        if len(raw) + (len(query) + 1 if query else 0) > self.max_url:
            raise WebError(414, f"the URL is longer than {self.max_url} bytes")

    def _check_host(self, scope: Scope) -> None:
        if self.hosts is None:
            return
        for value in _values(scope, b"host"):
            if _host_name(value) not in self.hosts:
                raise WebError(
                    400,
                    "this server answers only to its loopback names (localhost, 127.0.0.1, [::1]) in the Host header; "
                    "to reach it under another name, serve it with an access token",
                )

    def _declared_length(self, scope: Scope) -> int:
        values = _values(scope, b"content-length")
        if not values:
            return 0
        if not all(v.strip().isdigit() for v in values) or len({v.strip() for v in values}) != 1:
            raise WebError(400, "the Content-Length header is not valid")
        length = int(values[0])
        if length > self.max_body:
            raise WebError(413, f"the request body is larger than {self.max_body} bytes")
        return length

    async def _read_body(self, receive: Receive) -> bytes:
        """The whole request body, counted as it arrives: 413 as soon as it passes the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_body:
                raise WebError(413, f"the request body is larger than {self.max_body} bytes")
            chunks.append(body)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _authenticate(self, scope: Scope) -> Response | None:
        """Pass a request carrying the token; redirect a ``?token=`` one, setting the cookie; else raise 401."""
        assert self.token is not None
        query = scope.get("query_string") or b""
        pairs = [p.partition(b"=") for p in query.split(b"&") if p]
        given = [unquote_to_bytes(value) for name, _, value in pairs if unquote_to_bytes(name) == b"token"]
        if given:
            if len(given) == 1 and self._matches(given[0]):
                rest = b"&".join(p for p in query.split(b"&") if p and unquote_to_bytes(p.partition(b"=")[0]) != b"token")
                return _token_redirect(scope, rest, self.token)
            raise _unauthorized("the access token is wrong", invalid=True)
        offered = [value.strip() for scheme, value in _credentials(_values(scope, b"authorization")) if scheme.lower() == b"bearer"]
        offered += [value for name, value in _cookies(_values(scope, b"cookie")) if name == COOKIE.encode()]
        if not offered:
            raise _unauthorized(
                "this server needs its access token: send the header 'Authorization: Bearer TOKEN', "
                "or open a page once with ?token=TOKEN in its URL (see docs/web.md)",
                invalid=False,
            )
        if not any([self._matches(value) for value in offered]):  # a list: every offer is compared, none skipped
            raise _unauthorized("the access token is wrong", invalid=True)
        return None

    def _matches(self, value: bytes) -> bool:
        assert self.token is not None
        return hmac.compare_digest(value, self.token)


class RedactToken(logging.Filter):
    """A logging filter that hides the value of a ``token`` query parameter in log records (uvicorn's access log)."""

    PATTERN = re.compile(r"([?&]token=)[^&\s\"]*", re.IGNORECASE)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's arguments and message; never drop it."""
        if isinstance(record.args, tuple):
            record.args = tuple(self.PATTERN.sub(r"\1<redacted>", a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = self.PATTERN.sub(r"\1<redacted>", record.msg)
        return True


def _unauthorized(message: str, *, invalid: bool) -> WebError:
    challenge = REALM + (', error="invalid_token"' if invalid else "")
    return WebError(401, message, headers={"WWW-Authenticate": challenge})


def _token_redirect(scope: Scope, rest: bytes, token: bytes) -> Response:
    """303 to the same URL without its ``token`` parameter, setting the token cookie."""
    raw = scope.get("raw_path") or str(scope.get("path", "/")).encode("utf-8")
    path = "/" + quote(bytes(raw).decode("latin-1"), safe=_PATH_SAFE).lstrip("/")  # one leading slash: never "//host"
    location = path + ("?" + quote(rest.decode("latin-1"), safe=_QUERY_SAFE) if rest else "")
    cookie = f"{COOKIE}={token.decode('ascii')}; Path=/; HttpOnly; SameSite=Strict"
    return Response(status_code=303, headers={"Location": location, "Set-Cookie": cookie, "Cache-Control": "no-store"})


def _without_body(send: Send) -> Send:
    """A send that drops the response body (the answer to HEAD)."""

    async def send_head(message: Message) -> None:
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)

    return send_head


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read, then whatever the server says next."""
    given = False

    async def receive_again() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return receive_again


def _values(scope: Scope, name: bytes) -> list[bytes]:
    headers: Any = scope.get("headers") or []
    return [bytes(value) for key, value in headers if bytes(key).lower() == name]


def _header(scope: Scope, name: bytes) -> str:
    values = _values(scope, name)
    return values[0].decode("latin-1") if values else ""


def _host_name(value: bytes) -> str:
    """The name in a Host header value, without its port and brackets, lower-cased."""
    text = value.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[1:].partition("]")[0]
    name, sep, port = text.rpartition(":")
    return name if sep and port.isdigit() and ":" not in name else text


def _credentials(values: Iterable[bytes]) -> Iterable[tuple[bytes, bytes]]:
    for value in values:
        scheme, _, rest = value.strip().partition(b" ")
        yield scheme, rest


def _cookies(values: Iterable[bytes]) -> Iterable[tuple[bytes, bytes]]:
    for value in values:
        for part in value.split(b";"):
            name, _, rest = part.strip().partition(b"=")
            yield name, rest.strip()
