"""Web security (issue 9): probes against a live server on 127.0.0.1, and the middleware in-process.

The sample is built once for the module and served by uvicorn twice, each on a free port of
127.0.0.1 in a thread: the way ``triangulate serve`` runs on loopback (no token, only loopback
names in ``Host``) and the way it runs with a token. The probes speak raw HTTP (http.client,
or bytes on a socket where http.client would refuse to send them), so nothing is normalised
on the way: every answer must be the one error shape with the security headers, never a file.
"""

from __future__ import annotations

import base64
import hmac
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import triangulate.web
from triangulate.cli import app as cli_app
from triangulate.errors import UsageError
from triangulate.web import create_app, serve
from triangulate.web.access import LOOPBACK_NAMES, TOKEN_ENV, check_token, is_loopback, resolve_token
from triangulate.web.app import DOCUMENT_ID, EVENT_ID, QUERY_PARAMS
from triangulate.web.security import COOKIE, CSP, DOCS_CSP, HEADERS, MAX_BODY, MAX_URL, RedactToken

from conftest import ROOT, live_server

with warnings.catch_warnings():  # newer Starlette asks for httpx2 in its test client; httpx works the same
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

TOKEN = "s3cret-Token_for.tests~0123456789"
WAIT = 10  # seconds
ERROR_KEYS = {"status", "code", "message", "detail"}
# what must never come back: /etc/passwd, the project's files, the store's bytes
LEAKS = (b"root:x:0:0", b"root:*:0:0", b"[project]", b"[build-system]", b"DUCK", b"#!/", b"import ")


@dataclass
class Answer:
    """One HTTP answer as it came off the wire."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


# ---- the live servers --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_build: Path) -> tuple[Path, dict[str, Any]]:
    return sample_build / "s.duckdb", json.loads((sample_build / "dossier.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dossier(sample: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return sample[1]


@pytest.fixture(scope="module")
def site(sample: tuple[Path, dict[str, Any]]) -> Iterator[int]:
    """Served as ``triangulate serve`` serves on loopback without a token."""
    with live_server(create_app(sample[0], allowed_hosts=LOOPBACK_NAMES)) as port:
        yield port


@pytest.fixture(scope="module")
def guarded(sample: tuple[Path, dict[str, Any]]) -> Iterator[int]:
    """Served with an access token."""
    with live_server(create_app(sample[0], token=TOKEN)) as port:
        yield port


def get(port: int, target: str, *, method: str = "GET", headers: dict[str, str] | None = None, body: bytes | None = None) -> Answer:
    """One request with http.client (the target is sent exactly as given)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        conn.putrequest(method, target, skip_host="Host" in (headers or {}), skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        r = conn.getresponse()
        return Answer(r.status, r.headers, r.read())
    finally:
        conn.close()


def raw(port: int, data: bytes, *, method: str = "GET") -> Answer:
    """Bytes on a socket, then the answer (for requests http.client will not send)."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(data)
        r = http.client.HTTPResponse(sock, method=method)
        try:
            r.begin()
            return Answer(r.status, r.headers, r.read())
        finally:
            r.close()


def wire(port: int, data: bytes) -> bytes:
    """Bytes on a socket, then every byte the server sends until it closes (send ``Connection: close``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def assert_headers(a: Answer, *, csp: str = CSP) -> None:
    """The security headers, and a strict policy: nothing by default, scripts only from the app, no framing."""
    for name, value in HEADERS:
        assert a.headers[name] == (csp if name == "content-security-policy" else value), name
    policy = dict(d.strip().split(" ", 1) for d in a.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
    assert "unsafe-eval" not in a.headers["content-security-policy"]


def assert_error(a: Answer, status: int, code: str) -> dict[str, Any]:
    """The one error shape, as JSON, with the security headers and nothing from any file."""
    assert a.status == status, (a.status, a.body[:300])
    assert a.headers["content-type"].startswith("application/json")
    body = a.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == ERROR_KEYS and err["status"] == status and err["code"] == code
    assert isinstance(err["message"], str) and err["message"]
    assert_headers(a)
    assert_no_leak(a)
    return dict(err)


def assert_no_leak(a: Answer) -> None:
    for leak in LEAKS:
        assert leak not in a.body, leak


def bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ---- 1. no endpoint reads a file named by a request ----------------------------------------

TRAVERSALS = [
    "/api/documents/..%2F..%2Fetc%2Fpasswd",
    "/api/documents/..%2f..%2f..%2fpyproject.toml",
    "/api/documents/%2Fetc%2Fpasswd",
    "/api/events/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/documents/..%2F..%2Fetc%2Fpasswd",
    "/events/..%252F..%252Fetc%252Fpasswd",
    "/static/../../etc/passwd",
    "/static/..%2F..%2Fetc%2Fpasswd",
    "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/report.js/../../../pyproject.toml",
    "/static/report.js%00.html",
    "/static/pyproject.toml",
    "/static/",
    "/api/docs/..%2F..%2F..%2Fpyproject.toml",
    "/api/docs/swagger-ui.css/../../../../etc/passwd",
    "/api/docs/swagger-ui.css%2F..%2F..%2Fapp.py",
    "/api/docs/..%5C..%5Capp.py",
    "/..%2f..%2fetc%2fpasswd",
    "/%2e%2e/%2e%2e/etc/passwd",
    "//etc/passwd",
    "/etc/passwd",
    "/pyproject.toml",
    "/src/triangulate/web/app.py",
    "/examples/iran-pakistan-2024/README.md",
]


@pytest.mark.slow
@pytest.mark.parametrize("target", TRAVERSALS)
def test_path_traversal_finds_no_file(site: int, target: str) -> None:
    a = get(site, target)
    assert a.status in (404, 422), (target, a.status)
    assert_error(a, a.status, "not_found" if a.status == 404 else "invalid_request")


@pytest.mark.slow
@pytest.mark.parametrize(
    "target",
    [
        b"http://127.0.0.1/../../etc/passwd",
        b"file:///etc/passwd",
        b"/static/..\\..\\pyproject.toml",
        b"/api/docs/swagger-ui.css\x5c..\x5capp.py",
    ],
)
def test_odd_request_targets_find_no_file(site: int, target: bytes) -> None:
    a = raw(site, b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert_error(a, 404, "not_found")


QUERY_PATHS = [
    "/api/dossier?path=/etc/passwd",
    "/api/dossier?file=..%2F..%2Fetc%2Fpasswd",
    "/api/sources?store=/etc/passwd",
    "/api/events?template=../../../../etc/passwd",
    "/?template=..%2F..%2Fpyproject.toml",
    "/static/report.js?name=../../pyproject.toml",
    "/api/docs/swagger-ui.css?name=../../../etc/passwd",
    "/api/openapi.json?file=/etc/passwd",
    "/api/events?country=../../etc/passwd",
    "/api/events?type=..%2F..%2Fetc%2Fpasswd",
    "/?date_from=/etc/passwd",
    "/api/events?role=/etc/passwd",
    "/api/events?limit=/etc/passwd",
]


@pytest.mark.slow
@pytest.mark.parametrize("target", QUERY_PATHS)
def test_query_parameters_naming_files_are_422(site: int, target: str) -> None:
    err = assert_error(get(site, target), 422, "invalid_request")
    assert "passwd" not in json.dumps(err) and "pyproject" not in json.dumps(err)  # the input is not echoed


@pytest.mark.slow
def test_free_text_that_looks_like_a_path_is_only_searched_for(site: int) -> None:
    for q in ("/etc/passwd", "..%2F..%2Fetc%2Fpasswd", "file:///etc/passwd"):
        a = get(site, f"/api/events?q={q}")
        assert a.status == 200 and a.json() == [] and a.headers["x-total-count"] == "0"
        assert_headers(a)
        assert_no_leak(a)


def test_no_route_takes_a_path(sample: tuple[Path, dict[str, Any]]) -> None:
    """The audit as a test: no mount, no path converter, and the only path parameters are the two ids."""
    from fastapi.routing import APIRoute

    app = create_app(sample[0])
    params: set[str] = set()
    for route in app.routes:
        assert isinstance(route, APIRoute), route  # no Mount, no StaticFiles: every route is an endpoint of ours
        path = str(getattr(route, "path", ""))
        assert ":path" not in path
        params |= set(re.findall(r"{([^}]+)}", path))
    assert params == {"event_id", "doc_id"}


def test_only_declared_query_parameters_are_taken(sample: tuple[Path, dict[str, Any]]) -> None:
    """The allow-list of query parameters is what the API declares (so the check never drifts from it)."""
    with TestClient(create_app(sample[0])) as c:
        spec = c.get("/api/openapi.json").json()
    declared = {p["name"] for p in spec["paths"]["/api/events"]["get"]["parameters"] if p["in"] == "query"}
    assert declared == QUERY_PARAMS["/api/events"]
    for path, item in spec["paths"].items():
        if path != "/api/events":
            assert not [p for p in item["get"].get("parameters", []) if p["in"] == "query"], path


# ---- 2. ids are validated ------------------------------------------------------------------

BAD_EVENT_IDS = [
    "E0123456789AB",  # upper case
    "e0123456789a",  # 11 digits
    "e0123456789abc",  # 13 digits
    "e0123456789ag",
    "d0123456789ab",  # the other kind
    "e0123456789ab%0A",  # a trailing newline ($ must not match before it)
    "e0123456789ab%00",
    "%00e0123456789ab",
    "e0123456789ab%20",
    "%20e0123456789ab",
    "e%D9%A0%D9%A1%D9%A2%D9%A3%D9%A4%D9%A5%D9%A6%D9%A7%D9%A8%D9%A9%D9%A0%D9%A1",  # Arabic-Indic digits
    "%EF%BD%850123456789ab",  # a fullwidth e
    "e0123456789ab.json",
    "e0123456789ab;ls",
    "e'%20OR%201=1",
    "..",
    "%2e%2e",
    "e" + "0" * 500,
]
BAD_DOCUMENT_IDS = [
    "D0123456789ABCDEF",
    "d0123456789abcde",
    "d0123456789abcdef0",
    "d0123456789abcdeg",
    "e0123456789abcdef",
    "d0123456789abcdef%0A",
    "d0123456789abcdef%00",
    "d0123456789abcdef%20",
    "%EF%BD%840123456789abcdef",
    "d0123456789abcdef.txt",
    "..",
    "d" + "0" * 500,
]


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["/api/events/", "/events/"])
@pytest.mark.parametrize("bad", BAD_EVENT_IDS)
def test_malformed_event_ids_are_422(site: int, prefix: str, bad: str) -> None:
    err = assert_error(get(site, prefix + bad), 422, "invalid_request")
    assert err["detail"][0]["loc"] == ["path", "event_id"]


@pytest.mark.slow
@pytest.mark.parametrize("prefix", ["/api/documents/", "/documents/"])
@pytest.mark.parametrize("bad", BAD_DOCUMENT_IDS)
def test_malformed_document_ids_are_422(site: int, prefix: str, bad: str) -> None:
    err = assert_error(get(site, prefix + bad), 422, "invalid_request")
    assert err["detail"][0]["loc"] == ["path", "doc_id"]


@pytest.mark.slow
def test_well_formed_ids_are_found_or_404(site: int, dossier: dict[str, Any]) -> None:
    for path in ("/api/events/e000000000000", "/events/e000000000000", "/api/documents/d0000000000000000", "/documents/d0000000000000000"):
        assert_error(get(site, path), 404, "not_found")
    for e in dossier["events"]:
        a = get(site, f"/api/events/{e['id']}")
        assert a.status == 200 and a.json() == e
        assert_headers(a)
    for d in dossier["documents"]:
        a = get(site, f"/documents/{d['id']}")
        assert a.status == 200 and a.headers["content-type"].startswith("text/html")
        assert_headers(a)


def test_the_id_patterns_are_strict_and_documented(dossier: dict[str, Any]) -> None:
    assert EVENT_ID == r"^e[0-9a-f]{12}$" and DOCUMENT_ID == r"^d[0-9a-f]{16}$"
    assert all(re.fullmatch(EVENT_ID[1:-1], e["id"]) for e in dossier["events"])
    assert all(re.fullmatch(DOCUMENT_ID[1:-1], d["id"]) for d in dossier["documents"])
    doc = (ROOT / "docs" / "web.md").read_text(encoding="utf-8")
    assert f"`{EVENT_ID[1:-1]}`" in doc and f"`{DOCUMENT_ID[1:-1]}`" in doc


# ---- 3. security headers on every answer ---------------------------------------------------


@pytest.mark.slow
def test_every_answer_carries_the_security_headers(site: int, guarded: int, dossier: dict[str, Any]) -> None:
    event, doc = dossier["events"][0]["id"], dossier["documents"][0]["id"]
    html = {"Accept": "text/html"}
    answers = [
        get(site, "/", headers=html),
        get(site, f"/events/{event}", headers=html),
        get(site, f"/documents/{doc}", headers=html),
        get(site, "/conflicts"),
        get(site, "/sources"),
        get(site, "/api"),
        get(site, "/api/dossier"),
        get(site, "/api/events?limit=2"),
        get(site, "/api/openapi.json"),
        get(site, "/api/docs/init.js"),
        get(site, "/api/docs/swagger-ui.css"),
        get(site, "/static/report.js"),
        get(site, "/nope", headers=html),  # the HTML error page
        get(site, "/nope"),
        get(site, "/api/events/bad"),
        get(site, "/api/events", method="POST"),
        get(site, "/" + "a" * MAX_URL),
        get(site, "/api/sources", method="POST", body=b"x" * (MAX_BODY + 1)),
        get(site, "/", headers={"Host": "evil.example"}),
        get(site, "/", method="HEAD"),
        get(guarded, "/"),  # 401
        get(guarded, "/?token=" + TOKEN),  # the redirect
        get(guarded, "/api/sources", headers=bearer()),
    ]
    for a in answers:
        assert_headers(a)
    assert {a.status for a in answers} == {200, 303, 400, 401, 404, 405, 413, 414, 422}
    docs = get(site, "/api/docs")
    assert docs.status == 200
    assert_headers(docs, csp=DOCS_CSP)  # the Swagger UI page also fetches the OpenAPI document


# ---- 4. oversized requests -----------------------------------------------------------------


@pytest.mark.slow
def test_a_big_body_is_413(site: int) -> None:
    assert_error(get(site, "/api/events", method="POST", body=b"x" * (100 * 1024)), 413, "payload_too_large")
    assert_error(get(site, "/api/sources", body=b"x" * (MAX_BODY + 1)), 413, "payload_too_large")
    a = get(site, "/api/sources", body=b"x" * MAX_BODY)  # at the limit: the body is read and ignored
    assert a.status == 200 and isinstance(a.json(), list)


@pytest.mark.slow
def test_a_huge_content_length_is_413_before_any_byte_of_body(site: int) -> None:
    for length in (MAX_BODY + 1, 10**12, 10**19):
        a = raw(site, f"GET /api/sources HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n\r\n".encode())
        assert_error(a, 413, "payload_too_large")
    # past 20 digits h11, uvicorn's parser, refuses the header itself: a plain 400 that never reaches the app
    a = raw(site, f"GET /api/sources HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {10**30}\r\n\r\n".encode())
    assert a.status == 400
    assert_no_leak(a)


def chunked(target: str, size: int, *, piece: int = 1024) -> bytes:
    head = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
    body = b"".join(f"{min(piece, size - i):x}\r\n".encode() + b"y" * min(piece, size - i) + b"\r\n" for i in range(0, size, piece))
    return head + body + b"0\r\n\r\n"


@pytest.mark.slow
def test_a_streamed_body_is_counted_as_it_arrives(site: int, dossier: dict[str, Any]) -> None:
    """No Content-Length: the bytes are counted as they come; past the limit, 413."""
    assert_error(raw(site, chunked("/api/sources", MAX_BODY + 6 * 1024)), 413, "payload_too_large")
    a = raw(site, chunked("/api/sources", 2048))  # a small one is read and ignored
    assert a.status == 200 and a.json() == dossier["sources"]


@pytest.mark.slow
def test_a_long_url_is_414(site: int) -> None:
    assert_error(get(site, "/" + "a" * MAX_URL), 414, "uri_too_long")
    assert_error(get(site, "/api/events?q=" + "x" * MAX_URL), 414, "uri_too_long")
    assert_error(get(site, "/api/events?" + "&".join(["country=PK"] * 1000)), 414, "uri_too_long")
    at_limit = "/nope/" + "a" * (MAX_URL - len("/nope/"))
    assert len(at_limit) == MAX_URL
    assert_error(get(site, at_limit), 404, "not_found")
    assert_error(get(site, at_limit + "b"), 414, "uri_too_long")


@pytest.mark.slow
def test_past_the_parsers_limit_a_url_is_refused_all_the_same(site: int) -> None:
    """Past h11's 16 KiB for an unfinished request line, uvicorn may answer a plain 400 itself (or drop a huge one); never a file."""
    for size in (20 * 1024, 100 * 1024, 1024 * 1024):
        try:
            a = raw(site, b"GET /" + b"a" * size + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        except ConnectionError:  # uvicorn answered 400 and closed while bytes were still coming
            continue
        assert a.status in (400, 414), a.status
        assert_no_leak(a)
    assert get(site, "/api/sources").status == 200  # and the server goes on


def test_the_gate_alone_around_any_asgi_app() -> None:
    """The middleware on its own: the app gets a body under the limit (replayed) and HEAD as GET; a longer stream is a 413."""
    from starlette.types import Receive, Scope, Send

    from triangulate.web.security import Gate

    seen: list[tuple[str, bytes]] = []

    async def echo(scope: Scope, receive: Receive, send: Send) -> None:
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        seen.append((scope["method"], body))
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})

    c = TestClient(Gate(echo, html=lambda: None, max_body=16, max_url=64))
    assert c.request("GET", "/", content=b"x" * 16).text == "ok"
    assert c.head("/").content == b""
    assert seen == [("GET", b"x" * 16), ("GET", b"")]
    streamed = c.request("GET", "/", content=iter([b"y" * 10, b"y" * 10]))  # no Content-Length: chunked
    assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "payload_too_large"
    assert c.request("GET", "/", content=b"x" * 17).status_code == 413
    assert c.get("/" + "a" * 64).status_code == 414
    assert c.post("/").status_code == 405
    assert len(seen) == 2  # none of those reached the app


# ---- 5. methods ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "get", "FOO"])
@pytest.mark.parametrize("target", ["/", "/api/events", "/static/report.js", "/nope"])
def test_methods_other_than_get_and_head_are_405(site: int, method: str, target: str) -> None:
    a = get(site, target, method=method)
    assert_error(a, 405, "method_not_allowed")
    assert a.headers["allow"] == "GET, HEAD"


@pytest.mark.slow
@pytest.mark.parametrize(
    "target", ["/", "/api/events?limit=3", "/static/report.js", "/api/docs/swagger-ui.css", "/nope", "/api/events/bad"]
)
def test_head_is_get_without_the_body(site: int, target: str) -> None:
    got = get(site, target)
    head = wire(site, f"HEAD {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    status_line, _, rest = head.partition(b"\r\n")
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert int(status_line.split()[1]) == got.status
    assert body == b""  # not one byte after the headers
    fields = dict(line.split(b": ", 1) for line in headers.split(b"\r\n"))
    assert int(fields[b"content-length"]) == len(got.body)
    assert fields[b"content-security-policy"] == CSP.encode()


# ---- 6. loopback: Host names -----------------------------------------------------------------


@pytest.mark.slow
def test_on_loopback_only_loopback_host_names_are_answered(site: int) -> None:
    for host in (f"127.0.0.1:{site}", f"localhost:{site}", f"[::1]:{site}", "LOCALHOST", "127.0.0.1"):
        assert get(site, "/api/sources", headers={"Host": host}).status == 200, host
    for host in ("evil.example", f"evil.example:{site}", "127.0.0.1.evil.example", "localhost.evil.example", "[::2]:80", "0.0.0.0"):
        assert_error(get(site, "/api/sources", headers={"Host": host}), 400, "bad_request")


# ---- 7. the access token -------------------------------------------------------------------

PROTECTED = [
    "/",
    "/conflicts",
    "/sources",
    "/api",
    "/api/dossier",
    "/api/events",
    "/api/sources",
    "/api/openapi.json",
    "/api/docs",
    "/api/docs/init.js",
    "/api/docs/swagger-ui.css",
    "/api/docs/swagger-ui-bundle.js",
    "/static/report.js",
    "/nope",
    "/api/events/bad",
    "/events/e000000000000",
]


@pytest.mark.slow
@pytest.mark.parametrize("target", PROTECTED)
def test_with_a_token_every_request_needs_it(guarded: int, dossier: dict[str, Any], target: str) -> None:
    for headers in ({}, {"Accept": "application/json"}):
        a = get(guarded, target, headers=headers)
        assert_error(a, 401, "unauthorized")
        assert a.headers["www-authenticate"] == 'Bearer realm="triangulate"'
        assert "set-cookie" not in a.headers
        for e in dossier["events"][:5]:
            assert e["id"].encode() not in a.body
    a = get(guarded, target, headers=bearer())
    assert a.status != 401
    assert a.status == {"/nope": 404, "/api/events/bad": 422, "/events/e000000000000": 404}.get(target, 200), a.body[:200]


@pytest.mark.slow
@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer wrong",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN.upper()}",
        "Bearer ",
        f"Basic {base64.b64encode(f'user:{TOKEN}'.encode()).decode()}",
        f"Token {TOKEN}",
        TOKEN,
    ],
)
def test_a_wrong_token_is_401(guarded: int, authorization: str) -> None:
    a = get(guarded, "/api/sources", headers={"Authorization": authorization})
    assert_error(a, 401, "unauthorized")
    assert a.headers["www-authenticate"].startswith("Bearer ")


@pytest.mark.slow
def test_the_token_in_a_header_or_the_cookie(guarded: int, dossier: dict[str, Any]) -> None:
    assert get(guarded, "/api/sources", headers=bearer()).json() == dossier["sources"]
    assert get(guarded, "/api/sources", headers={"Authorization": f"bearer {TOKEN}"}).status == 200  # the scheme is case-insensitive
    assert get(guarded, "/api/sources", headers={"Cookie": f"{COOKIE}={TOKEN}"}).status == 200
    assert get(guarded, "/api/sources", headers={"Cookie": f"a=b; {COOKIE}={TOKEN}; c=d"}).status == 200
    assert_error(get(guarded, "/api/sources", headers={"Cookie": f"{COOKIE}=wrong"}), 401, "unauthorized")
    assert_error(get(guarded, "/api/sources", headers={"Cookie": f"other={TOKEN}"}), 401, "unauthorized")
    head = wire(guarded, b"HEAD /api/sources HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 401 ") and head.endswith(b"\r\n\r\n")  # HEAD: 401 without a body
    # the token comes first: a stranger learns neither the methods nor the routes
    assert_error(get(guarded, "/api/events", method="POST"), 401, "unauthorized")
    assert_error(get(guarded, "/api/events", method="POST", headers=bearer()), 405, "method_not_allowed")


@pytest.mark.slow
def test_the_token_in_the_url_sets_a_cookie_and_redirects_without_it(guarded: int) -> None:
    a = get(guarded, f"/?country=PK&token={TOKEN}&q=strike")
    assert a.status == 303 and a.body == b""
    assert a.headers["location"] == "/?country=PK&q=strike"
    assert a.headers["cache-control"] == "no-store"
    cookie = a.headers["set-cookie"]
    parts = [p.strip() for p in cookie.split(";")]
    assert parts[0] == f"{COOKIE}={TOKEN}"
    assert {"HttpOnly", "SameSite=Strict", "Path=/"} <= set(parts)
    assert_headers(a)
    followed = get(guarded, a.headers["location"], headers={"Cookie": parts[0], "Accept": "text/html"})
    assert followed.status == 200 and followed.headers["content-type"].startswith("text/html")
    assert get(guarded, f"/api/sources?token={TOKEN}").headers["location"] == "/api/sources"
    for target in (f"/?token={TOKEN}x", "/?token=", f"/?token={TOKEN}&token=wrong", f"/api/sources?token={TOKEN[:-1]}"):
        bad = get(guarded, target)
        assert_error(bad, 401, "unauthorized")
        assert "set-cookie" not in bad.headers and "location" not in bad.headers


@pytest.mark.slow
def test_the_token_redirect_stays_on_this_server(guarded: int) -> None:
    """The redirect's Location is a path on this server: never //host, never a backslash a browser reads as a slash."""
    for target, location in (
        (f"//evil.example/?token={TOKEN}", "/evil.example/"),
        (f"///evil.example?token={TOKEN}", "/evil.example"),
        (f"/\\evil.example/?token={TOKEN}", "/%5Cevil.example/"),
        (f"/%2F%2Fevil.example?token={TOKEN}", "/%2F%2Fevil.example"),
    ):
        a = raw(guarded, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        assert a.status == 303 and a.headers["location"] == location, (target, a.headers["location"])


@pytest.mark.slow
def test_with_a_token_any_host_name_is_answered(guarded: int) -> None:
    """Behind a proxy or on a network, the host name is the user's; the token is the check."""
    assert get(guarded, "/api/sources", headers={"Host": "dossier.example.org", **bearer()}).status == 200


def test_tokens_are_compared_in_constant_time(sample: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    original = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return original(a, b)

    import triangulate.web.security as security

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    with TestClient(create_app(sample[0], token=TOKEN)) as c:
        assert c.get("/api/sources", headers=bearer("x" * 20)).status_code == 401
        assert c.get("/api/sources", headers=bearer()).status_code == 200
    assert compared == [(b"x" * 20, TOKEN.encode()), (TOKEN.encode(), TOKEN.encode())]


def test_the_access_log_never_shows_the_token(sample: tuple[Path, dict[str, Any]]) -> None:
    import logging

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d', ("1.2.3.4:5", "GET", f"/?q=a&token={TOKEN}&x=1", "1.1", 303), None
    )
    assert RedactToken().filter(record)
    assert TOKEN not in record.getMessage() and "token=<redacted>&x=1" in record.getMessage()
    access = logging.getLogger("uvicorn.access")
    before = list(access.filters)
    with TestClient(create_app(sample[0], token=TOKEN)):
        added = [f for f in access.filters if f not in before]
        assert len(added) == 1 and isinstance(added[0], RedactToken)  # while an app with a token runs
    assert access.filters == before


def test_websockets_are_refused(sample: tuple[Path, dict[str, Any]]) -> None:
    from starlette.websockets import WebSocketDisconnect

    with TestClient(create_app(sample[0])) as c, pytest.raises(WebSocketDisconnect), c.websocket_connect("/"):
        pass


# ---- 8. binding: a token off loopback ----------------------------------------------------------


def test_loopback_and_the_token_rule() -> None:
    for host in ("127.0.0.1", "127.0.0.2", "localhost", "LOCALHOST", "::1", "[::1]"):
        assert is_loopback(host), host
        assert resolve_token(host, None) is None
        assert resolve_token(host, TOKEN) == TOKEN
    for host in ("0.0.0.0", "::", "[::]", "192.168.1.10", "10.0.0.1", "::ffff:127.0.0.1", "example.com", "localhost.example", ""):
        assert not is_loopback(host), host
        with pytest.raises(UsageError, match="TRIANGULATE_TOKEN"):
            resolve_token(host, None)
        with pytest.raises(UsageError, match="TRIANGULATE_TOKEN"):
            resolve_token(host, "")
        assert resolve_token(host, TOKEN) == TOKEN
    for bad in ("short", "x" * 15, "has space in it 123", "semi;colon-0123456789", "é" * 20, "x" * 513, "line\nbreak0123456789"):
        with pytest.raises(UsageError):
            check_token(bad)
        with pytest.raises(UsageError):
            create_app("unused.duckdb", token=bad)


def test_serve_refuses_a_public_address_without_a_token(sample: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    with pytest.raises(UsageError):
        serve(sample[0], host="0.0.0.0")
    assert calls == []
    serve(sample[0], host="0.0.0.0", port=9000, token=TOKEN)
    serve(sample[0])
    public, local = calls
    assert public["host"] == "0.0.0.0" and public["ws"] == "none" and local["host"] == "127.0.0.1"
    with TestClient(public["app"], base_url="http://dossier.example.org") as c:
        assert c.get("/api/sources").status_code == 401
        assert c.get("/api/sources", headers=bearer()).status_code == 200
    with TestClient(local["app"], base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/sources").status_code == 200
    with TestClient(local["app"], base_url="http://evil.example") as c:
        assert c.get("/api/sources").status_code == 400


def test_cli_passes_the_token_through(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(triangulate.web, "serve", lambda store, **kw: calls.append(kw))
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    store = str(tmp_path / "s.duckdb")
    runner = CliRunner()
    r = runner.invoke(cli_app, ["serve", "--store", store, "--host", "0.0.0.0", "--port", "9001", "--token", TOKEN])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli_app, ["serve", "--store", store, "--host", "0.0.0.0"], env={TOKEN_ENV: TOKEN})
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli_app, ["serve", "--store", store])
    assert r.exit_code == 0, r.output
    assert calls == [
        {"host": "0.0.0.0", "port": 9001, "token": TOKEN},
        {"host": "0.0.0.0", "port": 8000, "token": TOKEN},
        {"host": "127.0.0.1", "port": 8000, "token": None},
    ]
    for args, env in ((["--host", "0.0.0.0"], {}), (["--host", "0.0.0.0"], {TOKEN_ENV: ""}), (["--token", "short"], {})):
        r = runner.invoke(cli_app, ["serve", "--store", store, *args], env=env)
        assert r.exit_code == 2, (args, r.output)
    assert len(calls) == 3


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "triangulate", *args]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    return {**env, "TRIANGULATE_PROGRESS": "0", **extra}


@pytest.mark.slow
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1", "example.com"])
def test_the_command_refuses_a_public_address_without_a_token(tmp_path: Path, host: str) -> None:
    started = time.monotonic()
    done = subprocess.run(
        _cli("serve", "--host", host, "--store", str(tmp_path / "none.duckdb")), env=_env(), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert "--token" in done.stderr and TOKEN_ENV in done.stderr and "loopback" in done.stderr
    assert "at http://" not in done.stderr and time.monotonic() - started < 60  # failed before serving


@pytest.mark.slow
def test_the_command_on_all_interfaces_with_a_token(sample: tuple[Path, dict[str, Any]]) -> None:
    """``triangulate serve --host 0.0.0.0`` with TRIANGULATE_TOKEN set: up, and every request needs the token."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        _cli("serve", "--host", "0.0.0.0", "--port", str(port), "--store", str(sample[0])),
        env=_env(**{TOKEN_ENV: TOKEN}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                a = get(port, "/api/sources")
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        assert_error(a, 401, "unauthorized")
        assert a.headers["www-authenticate"].startswith("Bearer")
        assert get(port, "/api/sources", headers=bearer()).json() == sample[1]["sources"]
        assert get(port, f"/?token={TOKEN}").status == 303
        assert "server" not in {k.lower() for k in a.headers}  # no server banner
    finally:
        proc.terminate()
        try:
            out, err = proc.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert TOKEN not in out + err  # the token is neither printed nor logged
    assert "token=<redacted>" in out + err  # the ?token= request is in the access log, without it
