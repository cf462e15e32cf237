"""The web app (triangulate serve): JSON API, pages, the one error shape, security headers.

In-process (FastAPI's TestClient), no server. The sample is built once per module; every
expected answer is computed from the dossier.json the same build wrote.
"""

from __future__ import annotations

import inspect
import json
import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from triangulate.api import build
from triangulate.web import create_app, serve

with warnings.catch_warnings():  # newer Starlette asks for httpx2 in its test client; httpx works the same
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

ERROR_KEYS = {"status", "code", "message", "detail"}
CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
HTML = {"accept": "text/html,application/xhtml+xml"}

HOSTILE = """Border clash <script>alert(1)</script> in Quetta

Pakistani troops attacked militants in Quetta on 16 January 2024, killing three people, officials said. <img src=x onerror=alert(1)>

The army said the strike answered an earlier attack. Read the statement at javascript:alert(1) for details.

Iranian forces shelled a village near Saravan on 17 January 2024, officials said.
"""
PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


@pytest.fixture(scope="module")
def sample(sample_build: Path) -> tuple[Path, dict[str, Any]]:
    return sample_build / "s.duckdb", json.loads((sample_build / "dossier.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dossier(sample: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return sample[1]


@pytest.fixture(scope="module")
def client(sample: tuple[Path, dict[str, Any]]) -> Iterator[TestClient]:
    with TestClient(create_app(sample[0])) as c:
        yield c


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("web-hostile")
    src = out / "in" / "hostile.txt"
    src.parent.mkdir()
    src.write_text(HOSTILE, encoding="utf-8")
    build([str(src)], store=out / "h.duckdb", out=out)
    return out / "h.duckdb", json.loads((out / "dossier.json").read_text(encoding="utf-8"))


def assert_error(r: Any, status: int, code: str) -> dict[str, Any]:
    """The one error shape: {"error": {"status", "code", "message", "detail"}}, as JSON."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == ERROR_KEYS
    assert err["status"] == status
    assert err["code"] == code
    assert isinstance(err["message"], str) and err["message"]
    return err


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in items]


def names(e: dict[str, Any]) -> list[str]:
    return [*e["actors"], *e["targets"]]


# ---- the JSON API mirrors the contract -------------------------------------------------


def test_api_dossier_is_dossier_json(client: TestClient, dossier: dict[str, Any]) -> None:
    r = client.get("/api/dossier")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json() == dossier


def test_api_collections_are_the_contract_lists(client: TestClient, dossier: dict[str, Any]) -> None:
    assert client.get("/api/conflicts").json() == dossier["conflicts"]
    assert client.get("/api/sources").json() == dossier["sources"]
    r = client.get("/api/events", params={"limit": 1000})
    assert r.json() == dossier["events"]
    assert r.headers["x-total-count"] == str(len(dossier["events"]))


def test_api_one_event_and_one_document(client: TestClient, dossier: dict[str, Any]) -> None:
    for e in dossier["events"]:
        assert client.get(f"/api/events/{e['id']}").json() == e
    for d in dossier["documents"]:
        assert client.get(f"/api/documents/{d['id']}").json() == d


def test_ids_have_the_patterns_the_api_checks(dossier: dict[str, Any]) -> None:
    assert all(re.fullmatch(r"e[0-9a-f]{12}", e["id"]) for e in dossier["events"])
    assert all(re.fullmatch(r"d[0-9a-f]{16}", d["id"]) for d in dossier["documents"])


def query(client: TestClient, **params: Any) -> list[str]:
    r = client.get("/api/events", params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    found = ids(r.json())
    assert r.headers["x-total-count"] == str(len(found))
    return found


def test_filter_by_country(client: TestClient, dossier: dict[str, Any]) -> None:
    events = dossier["events"]
    for country in ("PK", "IR"):
        want = [e["id"] for e in events if e["location"]["country"] == country]
        assert want and len(want) < len(events)
        assert query(client, country=country) == want
        assert query(client, country=country.lower()) == want


def test_filter_by_type_and_role(client: TestClient, dossier: dict[str, Any]) -> None:
    events = dossier["events"]
    want = [e["id"] for e in events if e["type"] == "ASSAULT"]
    assert want and len(want) < len(events)
    assert query(client, type="ASSAULT") == want
    assert query(client, type="assault") == want
    main = [e["id"] for e in events if e["role"] == "main"]
    assert main and len(main) < len(events)
    assert query(client, role="main") == main
    both = [e["id"] for e in events if e["type"] == "ASSAULT" and e["location"]["country"] == "IR"]
    assert query(client, type="ASSAULT", country="IR") == both
    assert query(client, type="NOSUCHTYPE") == []


def test_filter_by_actor(client: TestClient, dossier: dict[str, Any]) -> None:
    events = dossier["events"]
    want = [e["id"] for e in events if any("pakistan" in n.lower() for n in names(e))]
    assert want and len(want) < len(events)
    assert query(client, actor="PAKISTAN") == want
    assert query(client, actor="pakist") == want


def test_filter_by_date_range(client: TestClient, dossier: dict[str, Any]) -> None:
    events = dossier["events"]
    want = [e["id"] for e in events if e["date"]["start"] and "2024-01-16" <= e["date"]["start"][:10] <= "2024-01-18"]
    assert want and len(want) < len(events)
    assert query(client, date_from="2024-01-16", date_to="2024-01-18") == want
    after = [e["id"] for e in events if e["date"]["start"] and e["date"]["start"][:10] >= "2024-01-18"]
    assert query(client, date_from="2024-01-18") == after
    assert query(client, date_from="2024-01-19", date_to="2024-01-16") == []


def test_filter_by_free_text(client: TestClient, dossier: dict[str, Any]) -> None:
    events = dossier["events"]

    def hit(e: dict[str, Any], word: str) -> bool:
        return any(word in (h or "").lower() for h in [e.get("summary"), *names(e), e["location"]["name"]])

    for word in ("saravan", "sanction"):
        want = [e["id"] for e in events if hit(e, word)]
        assert want and len(want) < len(events), word
        assert query(client, q=word.upper()) == want


def test_empty_filter_values_mean_no_filter(client: TestClient, dossier: dict[str, Any]) -> None:
    """An HTML form sends every field, empty ones too."""
    assert query(client, date_from="", date_to="", country="", actor="", type="", role="", q="") == ids(dossier["events"])


def test_pagination(client: TestClient, dossier: dict[str, Any]) -> None:
    events = dossier["events"]
    assert len(events) > 10
    r = client.get("/api/events", params={"limit": 5, "offset": 5})
    assert ids(r.json()) == ids(events[5:10])
    assert r.headers["x-total-count"] == str(len(events))
    assert len(client.get("/api/events").json()) == min(len(events), 100)
    r = client.get("/api/events", params={"offset": len(events) + 3})
    assert r.json() == [] and r.headers["x-total-count"] == str(len(events))
    for bad in ({"limit": 0}, {"limit": 1001}, {"offset": -1}, {"limit": "ten"}):
        assert_error(client.get("/api/events", params=bad), 422, "invalid_request")


# ---- the one error shape -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/events/e123", "/api/events/EA7999F9DA467", "/api/events/e' OR 1=1", "/api/documents/d123", "/api/documents/e0123456789abcdef"],
)
def test_malformed_ids_are_422(client: TestClient, path: str) -> None:
    err = assert_error(client.get(path), 422, "invalid_request")
    assert err["detail"] and err["detail"][0]["loc"][0] == "path"


def test_unknown_ids_are_404(client: TestClient) -> None:
    assert "e000000000000" in assert_error(client.get("/api/events/e000000000000"), 404, "not_found")["message"]
    assert_error(client.get("/api/documents/d0000000000000000"), 404, "not_found")


def test_unknown_routes_are_404(client: TestClient) -> None:
    for path in ("/api/nope", "/nope", "/api/events/e000000000000/more", "/../../etc/passwd"):
        assert_error(client.get(path), 404, "not_found")


def test_wrong_methods_are_405(client: TestClient, dossier: dict[str, Any]) -> None:
    for method, path in (
        ("POST", "/api/events"),
        ("DELETE", "/api/dossier"),
        ("PUT", f"/api/events/{dossier['events'][0]['id']}"),
        ("POST", "/"),
    ):
        r = client.request(method, path)
        assert_error(r, 405, "method_not_allowed")
        assert r.headers["allow"] == "GET, HEAD"


@pytest.mark.parametrize(
    "params",
    [{"country": "PAK"}, {"date_from": "yesterday"}, {"date_to": "2024-13-45"}, {"role": "boss"}, {"type": "<b>"}, {"q": "x" * 201}],
)
def test_bad_query_parameters_are_422(client: TestClient, params: dict[str, str]) -> None:
    err = assert_error(client.get("/api/events", params=params), 422, "invalid_request")
    assert err["detail"][0]["loc"] == ["query", next(iter(params))]
    assert "Traceback" not in json.dumps(err)


def test_errors_of_pages_are_json_unless_a_browser_asks(client: TestClient) -> None:
    assert_error(client.get("/events/bad"), 422, "invalid_request")
    r = client.get("/events/bad", headers=HTML)
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "invalid_request" in r.text
    r = client.get("/events/e000000000000", headers=HTML)
    assert r.status_code == 404 and "not_found" in r.text
    assert_error(client.get("/api/nope", headers=HTML), 404, "not_found")  # the API answers JSON to everyone


def test_unexpected_errors_are_500_without_a_traceback(sample: tuple[Path, dict[str, Any]]) -> None:
    app = create_app(sample[0])

    def boom() -> None:
        raise RuntimeError("secret internal state /etc/shadow")

    app.add_api_route("/api/boom", boom)
    app.add_api_route("/boom", boom)
    with TestClient(app) as c:
        r = c.get("/api/boom")
        err = assert_error(r, 500, "internal_error")
        assert err["detail"] is None
        assert "secret" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
        assert r.headers["content-security-policy"] == CSP
        r = c.get("/boom", headers=HTML)
        assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
        assert "internal_error" in r.text and "secret" not in r.text


def test_a_missing_store_is_503_until_it_appears(
    sample: tuple[Path, dict[str, Any]], hostile: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    store = tmp_path / "later.duckdb"
    app = create_app(store)  # a pure factory: nothing is read yet
    with TestClient(app) as c:
        r = c.get("/api/events")
        err = assert_error(r, 503, "store_unavailable")
        assert err["detail"] == {"triangulate_code": "T301"}
        assert r.headers["retry-after"]
        shutil.copy(sample[0], store)
        assert c.get("/api/dossier").json() == sample[1]
        shutil.copy(hostile[0], store)  # a new build: the app reloads it
        assert c.get("/api/dossier").json() == hostile[1]
        store.unlink()  # gone: the last dossier stays
        assert c.get("/api/dossier").json() == hostile[1]


# ---- security headers, docs, serve ---------------------------------------------------------


def test_security_headers_everywhere(client: TestClient, dossier: dict[str, Any]) -> None:
    doc = dossier["documents"][0]["id"]
    for path, headers in (
        ("/", HTML),
        ("/api/events", {}),
        (f"/documents/{doc}", HTML),
        ("/api/nope", {}),
        ("/nope", HTML),
        ("/api", HTML),
    ):
        r = client.get(path, headers=headers)
        assert r.headers["content-security-policy"] == CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-frame-options"] == "DENY"
    assert "unsafe-inline" not in CSP.split("script-src")[1].split(";")[0]


def test_openapi_and_offline_docs(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert {"/api/dossier", "/api/events", "/api/events/{event_id}", "/api/documents/{doc_id}", "/api/conflicts", "/api/sources"} <= set(
        spec["paths"]
    )
    assert not any(p == "/" or p.startswith(("/events", "/documents")) for p in spec["paths"])  # pages are not API
    index = client.get("/api")
    assert index.status_code == 200 and "/api/events/{event_id}" in index.text
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    links = re.findall(r'(?:src|href)="([^"]*)"', docs.text)
    assert links and not [u for u in links if "//" in u or u.startswith(("http", "data:"))]  # nothing from a CDN
    assert "connect-src 'self'" in docs.headers["content-security-policy"]
    for asset in links:
        r = client.get(f"/api/{asset}")
        assert r.status_code == 200 and r.content, asset
    assert "<script>" not in docs.text.replace('<script src="', "")  # no inline script


def test_serve_binds_to_localhost_by_default(monkeypatch: pytest.MonkeyPatch, sample: tuple[Path, dict[str, Any]]) -> None:
    params = inspect.signature(serve).parameters
    assert params["host"].default == "127.0.0.1" and params["host"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["port"].default == 8000 and params["port"].kind is inspect.Parameter.KEYWORD_ONLY
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    serve(sample[0])
    serve(sample[0], host="0.0.0.0", port=9000, token="t" * 32)  # off loopback, a token is required (tests/test_web_security.py)
    assert (calls[0]["host"], calls[0]["port"]) == ("127.0.0.1", 8000)
    assert (calls[1]["host"], calls[1]["port"]) == ("0.0.0.0", 9000)


# ---- pages ---------------------------------------------------------------------------------


def timeline_section(html: str) -> str:
    return html.split('<section id="timeline"', 1)[1].split("</section>", 1)[0]


def test_overview_page(client: TestClient, dossier: dict[str, Any]) -> None:
    r = client.get("/", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    shown = {e["event"] for e in dossier["timeline"]}
    for e in dossier["events"]:
        if e["id"] in shown:
            assert f'href="/events/{e["id"]}"' in timeline_section(r.text)
            assert str(escape(e["summary"])) in r.text
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in r.text


def test_overview_filters(client: TestClient, dossier: dict[str, Any]) -> None:
    params = {"country": "PK", "type": "", "role": "", "date_from": "", "date_to": "", "actor": "", "q": ""}
    section = timeline_section(client.get("/", params=params).text)
    linked = set(re.findall(r'href="/events/(e[0-9a-f]{12})"', section))
    assert linked == {e["id"] for e in dossier["events"] if e["location"]["country"] == "PK"}
    section = timeline_section(client.get("/", params={"q": "saravan", "date_from": "2024-01-17"}).text)
    linked = set(re.findall(r'href="/events/(e[0-9a-f]{12})"', section))
    assert linked and linked == set(query(client, q="saravan", date_from="2024-01-17"))
    assert_error(client.get("/", params={"date_from": "2024-02-31"}), 422, "invalid_request")


def test_event_page_links_to_evidence_in_document_pages(client: TestClient, dossier: dict[str, Any]) -> None:
    event = next(e for e in dossier["events"] if e.get("fatalities"))
    html = client.get(f"/events/{event['id']}").text
    assert event["type"] in html and str(escape(event["summary"])) in html
    for claim in event["fatalities"]["claims"]:
        if claim["claimed_by"]:
            assert str(escape(claim["claimed_by"])) in html
    links = set(re.findall(r'href="/documents/(d[0-9a-f]{16})#([^"]+)"', html))
    assert links
    for doc, anchor in links:
        page = client.get(f"/documents/{doc}").text
        assert f'id="{anchor}"' in page, (doc, anchor)


def test_document_page(client: TestClient, dossier: dict[str, Any]) -> None:
    doc = next(d for d in dossier["documents"] if d["removed"])
    html = client.get(f"/documents/{doc['id']}").text
    for line in doc["text"].split("\n"):
        if line.strip():
            assert str(escape(line.strip()))[:40] in html
    for r in doc["removed"]:
        if r["text"]:
            assert str(escape(r["text"])) in html
        assert r["reason"] in html
    assert "<del" in html and "<mark" in html


def test_conflicts_and_sources_pages(client: TestClient, dossier: dict[str, Any]) -> None:
    html = client.get("/conflicts").text
    for c in dossier["conflicts"]:
        assert f'href="/events/{c["event"]}"' in html
    html = client.get("/sources").text
    for s in dossier["sources"]:
        assert f'href="/documents/{s["doc"]}"' in html
        assert f"{s['reliability']:.2f}" in html


def test_article_text_is_escaped_everywhere(hostile: tuple[Path, dict[str, Any]]) -> None:
    store, data = hostile
    [doc] = data["documents"]
    everything = doc["text"] + "".join(r["text"] for r in doc["removed"]) + (doc["title"] or "")
    assert all(p in everything for p in PAYLOADS), "the payloads should survive cleaning somewhere"
    with TestClient(create_app(store)) as c:
        pages = ["/", "/conflicts", "/sources", f"/documents/{doc['id']}", *(f"/events/{e['id']}" for e in data["events"])]
        for path in pages:
            html = c.get(path, headers=HTML).text
            for payload in PAYLOADS:
                assert payload not in html, path
            assert not re.search(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I), path
        html = c.get(f"/documents/{doc['id']}").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "javascript:alert(1)" in html  # shown as text, never as a link
        assert c.get(f"/api/documents/{doc['id']}").json() == doc  # JSON keeps the text as it is


def test_long_lists_come_a_page_at_a_time(monkeypatch: pytest.MonkeyPatch, client: TestClient, dossier: dict[str, Any]) -> None:
    from triangulate.web import pages

    assert pages.paginate(list(range(250)), 3) == (list(range(200, 250)), {"page": 3, "pages": 3, "total": 250, "first": 201, "last": 250})
    assert pages.paginate(list(range(250)), 9)[1]["page"] == 3  # past the end: the last page
    assert pages.paginate([], 1) == ([], {"page": 1, "pages": 1, "total": 0, "first": 0, "last": 0})
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    docs = [s["doc"] for s in dossier["sources"]]  # five, most reliable first
    first, last = client.get("/sources").text, client.get("/sources?page=3").text
    assert [d for d in docs if f'href="/documents/{d}"' in first] == docs[:2]
    assert [d for d in docs if f'href="/documents/{d}"' in last] == docs[4:]
    assert 'href="/sources?page=2" rel="next"' in first and "1&ndash;2 of 5" in first
    assert 'href="/sources?page=2" rel="prev"' in last and 'rel="next"' not in last
    assert client.get("/sources?page=0").status_code == 422
    assert client.get("/sources?page=x").status_code == 422
