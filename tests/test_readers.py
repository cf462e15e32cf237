from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from triangulate.ingest import discover, ingest
from triangulate.model import Failure, RawDocument
from triangulate.settings import Options

OPTS = Options()
BODY = "Pakistan said on Thursday that its strikes hit militant hideouts inside Iran. " * 4

HTML = f"""<!doctype html><html><head><title>Strikes hit hideouts | Example News</title>
<meta name="author" content="Jane Roe"><meta property="article:published_time" content="2024-01-18T10:00:00Z">
<meta property="og:site_name" content="Example News">
<script>alert('x'); document.write('STOLEN')</script><style>p {{ color: red }}</style></head>
<body><nav>Home | World | Sport</nav><article><h1>Strikes hit hideouts</h1><p>{BODY}</p>
<p>Iranian media reported that seven people had been killed in the village near the border.</p></article>
<footer>Copyright Example News</footer></body></html>"""

RSS = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire Feed</title>
<item><title>First</title><link>https://example.org/1</link><pubDate>Thu, 18 Jan 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;{BODY}&lt;/p&gt;</description></item>
<item><title>Empty</title><link>https://example.org/2</link></item>
<item><title>Third</title><link>https://example.org/3</link><description>Plain summary text of the third story.</description></item>
</channel></rss>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>
<entry><title>Atom story</title><id>urn:1</id><updated>2024-01-19T08:00:00Z</updated><author><name>A. Writer</name></author>
<content type="html">&lt;p&gt;{BODY}&lt;/p&gt;</content></entry></feed>"""


def docs_of(paths: list[str]) -> tuple[list[RawDocument], list[Failure]]:
    out = list(ingest(paths, options=OPTS))
    return [d for d in out if isinstance(d, RawDocument)], [f for f in out if isinstance(f, Failure)]


def test_text_and_markdown(write) -> None:
    a, b = write("a.txt", BODY), write("b.md", "# Heading\n\n" + BODY)
    docs, fails = docs_of([str(a), str(b)])
    assert not fails
    assert [d.reader for d in docs] == ["text", "text"]
    assert docs[0].raw == BODY and docs[1].raw.startswith("# Heading")
    assert docs[0].id == docs_of([str(a)])[0][0].id  # stable id


def test_html_main_text_and_metadata_without_script(write) -> None:
    docs, fails = docs_of([str(write("page.html", HTML))])
    assert not fails
    (doc,) = docs
    assert doc.reader == "html"
    assert "militant hideouts" in doc.raw and "seven people" in doc.raw
    assert "alert" not in doc.raw and "STOLEN" not in doc.raw and "color: red" not in doc.raw
    assert doc.title == "Strikes hit hideouts"
    assert doc.author == "Jane Roe"
    assert doc.published == "2024-01-18"
    assert doc.outlet == "Example News"


def test_html_sniffed_in_a_txt_file(write) -> None:
    docs, _ = docs_of([str(write("saved.txt", HTML))])
    assert docs[0].reader == "html"


def test_malformed_html_is_reported(write) -> None:
    _, fails = docs_of([str(write("broken.html", "<html><body><div><script>var a = '<p>';</script></div></body>"))])
    assert len(fails) == 1 and fails[0].source.endswith("broken.html")
    assert "no article text" in fails[0].reason


def test_json_single_list_and_wrapped(write) -> None:
    one = {
        "id": "a1",
        "title": "T",
        "text": BODY,
        "published": "2024-01-18",
        "source": {"name": "Wire"},
        "author": "X Y",
        "url": "https://e/1",
    }
    docs, fails = docs_of(
        [
            str(write("one.json", json.dumps(one))),
            str(write("many.json", json.dumps([{"content": BODY + "1"}, {"body": BODY + "2"}]))),
            str(write("wrapped.json", json.dumps({"articles": [{"text": BODY + "3"}]}))),
        ]
    )
    assert not fails
    assert len(docs) == 4
    first = docs[0]
    assert (first.source_id, first.title, first.published, first.outlet, first.author, first.url) == (
        "a1",
        "T",
        "2024-01-18",
        "Wire",
        "X Y",
        "https://e/1",
    )
    assert [d.origin.rsplit("/", 1)[-1] for d in docs] == ["one.json#0", "many.json#0", "many.json#1", "wrapped.json#0"]


def test_json_wrong_types_and_invalid(write) -> None:
    docs, fails = docs_of(
        [
            str(write("types.json", json.dumps([{"text": 42}, "just a string", {"title": "no text"}, {"text": BODY}]))),
            str(write("bad.json", '{"text": "unterminated')),
        ]
    )
    assert len(docs) == 1
    reasons = {f.source.rsplit("/", 1)[-1]: f.reason for f in fails}
    assert reasons["types.json#0"] == "field 'text' is int, not text"
    assert reasons["types.json#1"] == "expected a JSON object, found str"
    assert reasons["types.json#2"] == "no text field (text, content or body)"
    assert reasons["bad.json"].startswith("invalid JSON at line 1")


def test_jsonl_bad_line_in_the_middle(write) -> None:
    lines = [json.dumps({"id": "1", "text": BODY + "a"}), "{not json", "", json.dumps({"id": "3", "text": BODY + "c"})]
    docs, fails = docs_of([str(write("feed.jsonl", "\n".join(lines)))])
    assert [d.source_id for d in docs] == ["1", "3"]
    assert [(f.source.rsplit("/", 1)[-1], f.reason.split(":")[0]) for f in fails] == [("feed.jsonl#2", "line 2 is not valid JSON")]


def test_rss_and_atom(write) -> None:
    docs, fails = docs_of([str(write("wire.rss", RSS)), str(write("atom.xml", ATOM))])
    assert [d.title for d in docs] == ["First", "Third", "Atom story"]
    assert docs[0].outlet == "Wire Feed" and docs[0].url == "https://example.org/1"
    assert docs[0].published == "2024-01-18T10:00:00Z"
    assert "militant hideouts" in docs[0].raw and "<p>" not in docs[0].raw
    assert docs[2].author == "A. Writer"
    assert [f.source.rsplit("/", 1)[-1] for f in fails] == ["wire.rss#1"]


def test_broken_feed(write) -> None:
    _, fails = docs_of([str(write("broken.rss", "<?xml version='1.0'?><rss><channel><item><title>x</ti"))])
    assert [Path(f.source).name for f in fails] == ["broken.rss", "broken.rss#0"]
    assert fails[0].reason.startswith("malformed feed (") and fails[0].reason.endswith("1 entries recovered")
    _, fails = docs_of([str(write("garbage.rss", "<?xml version='1.0'?><nothing/>"))])
    assert len(fails) == 1 and "not a readable RSS/Atom feed" in fails[0].reason


def test_directory_is_recursive_and_ordered(write, tmp_path: Path) -> None:
    write("b/2.txt", BODY + "2")
    write("a/1.txt", BODY + "1")
    write("c.txt", BODY + "c")
    write(".hidden.txt", BODY)
    write("image.png", b"\x89PNG")
    items = list(discover([str(tmp_path)]))
    names = [Path(i).name if isinstance(i, str) else f"FAIL {Path(i.source).name}" for i in items]
    assert names == ["1.txt", "2.txt", "c.txt", "FAIL image.png"]


def test_symlink_loop_and_missing_paths(write, tmp_path: Path) -> None:
    write("d/a.txt", BODY)
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    os.symlink(tmp_path / "nowhere", tmp_path / "d" / "dangling.txt")
    items = list(discover([str(tmp_path / "d"), str(tmp_path / "missing.txt")]))
    fails = {Path(i.source).name: i.reason for i in items if isinstance(i, Failure)}
    assert [Path(i).name for i in items if isinstance(i, str)] == ["a.txt"]
    assert fails == {
        "dangling.txt": "broken symbolic link",
        "loop": "symbolic link loop: directory already visited",
        "missing.txt": "no such file or directory",
    }


def test_size_limit(write) -> None:
    p = write("big.txt", "x " * 600)
    out = list(ingest([str(p)], options=Options(max_bytes=1000)))
    assert len(out) == 1 and isinstance(out[0], Failure)
    assert out[0].reason == "file is 1,200 bytes, over the 1,000-byte limit (setting max_bytes)"


class _Handler(BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[str, bytes]]] = {
        "/article.html": ("text/html; charset=utf-8", HTML.encode()),
        "/feed": ("application/rss+xml", RSS.encode()),
        "/story.txt": ("text/plain", BODY.encode()),
    }

    def do_GET(self) -> None:
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/story.txt")
            self.end_headers()
            return
        page = self.pages.get(self.path)
        if page is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", page[0])
        self.send_header("Content-Length", str(len(page[1])))
        self.end_headers()
        self.wfile.write(page[1])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_urls_and_url_lists_over_real_http(server: str, write) -> None:
    listing = write("sources.urls", f"# wire\n{server}/feed\n{server}/redirect\n{server}/missing\n")
    docs, fails = docs_of([f"{server}/article.html", str(listing)])
    assert [d.reader for d in docs] == ["html", "feed", "feed", "text"]
    assert docs[0].title == "Strikes hit hideouts" and docs[0].path == f"{server}/article.html"
    assert docs[3].raw == BODY and docs[3].url == f"{server}/story.txt"
    assert [(f.source, f.reason) for f in fails] == [
        (f"{server}/feed#1", "feed entry has no text (no content or summary)"),
        (f"{server}/missing", "HTTP 404 Not Found"),
    ]


def test_txt_file_of_urls_is_a_url_list(server: str, write) -> None:
    docs, _ = docs_of([str(write("links.txt", f"{server}/story.txt\n"))])
    assert [d.raw for d in docs] == [BODY]
