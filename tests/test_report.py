"""The self-contained HTML report: what it shows, that it links each figure to its sentence, that it escapes, that it loads nothing."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from triangulate.api import build
from triangulate.render.html import environment, render_report, visible, write_report
from triangulate.render.views import Evidence, citations, event_view

from conftest import SAMPLE

# ---------------------------------------------------------------- a small DOM, to assert on structure, not on strings

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag} class={cls}> in <{self.tag} id={self.attrs.get('id')}>"
        return found[0]

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


class Dom(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#root", {}, None)
        self.ids: dict[str, Node] = {}
        self.feed(html)
        self.close()
        assert self.cur is self.root, f"unclosed <{self.cur.tag}>"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        if "id" in node.attrs:
            assert node.attrs["id"] not in self.ids, f"duplicate id {node.attrs['id']}"
            self.ids[node.attrs["id"]] = node
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.cur = self.cur.parent  # type: ignore[assignment]

    def handle_endtag(self, tag: str) -> None:
        assert self.cur.tag == tag, f"</{tag}> closes <{self.cur.tag}>"
        self.cur = self.cur.parent  # type: ignore[assignment]

    def handle_data(self, data: str) -> None:
        self.cur.children.append(data)

    def by_id(self, id_: str) -> Node:
        assert id_ in self.ids, f"no element with id {id_!r}"
        return self.ids[id_]


# ---------------------------------------------------------------- a small dossier made by hand

HOSTILE = (
    "Witnesses said <script>alert(1)</script> and <img src=x onerror=alert(1)> appeared; "
    "click javascript:alert(document.cookie) for more. The \u202eevil\u200b text hides."
)
A_TEXT = (
    "Police said 7 people were killed in Alpha on 3 March.\n\n"
    "Witnesses said 9 people died in the attack.\n\n"
    "Talks between the two sides resumed in Beta.\n\n" + HOSTILE
)
B_TEXT = "Army units attacked Alpha on 3 March, killing 7.\n\nIn 2019 a bombing in Gamma killed dozens."
RAW_NOISE = "<b>Advert</b> buy now"


def span(doc: str, text: str, quote: str, nth: int = 0) -> dict[str, Any]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return {"doc": doc, "start": start, "end": start + len(quote), "quote": quote}


def sentence(text: str, quote: str) -> list[int]:
    start = text.index(quote)
    return [start, start + len(quote)]


def mention(doc: str, text: str, trigger: str, sent: str, claimed_by: str | None = None) -> dict[str, Any]:
    return span(doc, text, trigger, 0) | {"claimed_by": claimed_by, "sentence": sentence(text, sent)}


S_A1 = "Police said 7 people were killed in Alpha on 3 March."
S_A2 = "Witnesses said 9 people died in the attack."
S_A3 = "Talks between the two sides resumed in Beta."
S_B1 = "Army units attacked Alpha on 3 March, killing 7."
S_B2 = "In 2019 a bombing in Gamma killed dozens."


def small_dossier() -> dict[str, Any]:
    seven = span("dA", A_TEXT, "7")
    nine = span("dA", A_TEXT, "9")
    seven_b = span("dB", B_TEXT, "7")
    documents = [
        {
            "id": "dA",
            "path": "a.txt",
            "title": "Attack on Alpha \u202e<i>kills</i>",
            "outlet": "Daily <Alpha>",
            "author": None,
            "published": "2024-03-04",
            "published_source": "inferred",
            "syndicated_from": None,
            "url": "javascript:alert('url')",
            "text": A_TEXT,
            "removed": [{"raw_start": 0, "raw_end": len(RAW_NOISE), "reason": "advertisement", "detail": "an ad", "text": RAW_NOISE}],
            "offsets": [[0, len(RAW_NOISE) + 2, len(A_TEXT)]],
            "copy": {"doc": "dA", "group": "dA", "relation": "original", "similarity": 1.0, "reason": "no other document shares its text"},
        },
        {
            "id": "dB",
            "path": "b.txt",
            "title": "Army strikes Alpha",
            "outlet": "Beta News",
            "author": "R. Porter",
            "published": "2024-03-03",
            "published_source": "dateline",
            "syndicated_from": None,
            "url": None,
            "text": B_TEXT,
            "removed": [],
            "offsets": [[0, 0, len(B_TEXT)]],
            "copy": None,
        },
    ]
    attack = {
        "id": "e1",
        "type": "ASSAULT",
        "mode": "bombing",
        "contexts": ["military"],
        "summary": "Army: assault (bombing) in Alpha on 2024-03-03",
        "date": {"start": "2024-03-03", "end": "2024-03-03", "precision": "day", "inferred": False, "rule": "the date the reports give"},
        "location": {"name": "Alpha", "admin1": "North", "country": "IR", "lat": 30.0, "lon": 55.0, "precision": "city"},
        "actors": ["Army"],
        "targets": ["civilians"],
        "fatalities": {
            "best": 7,
            "rule": "reports differ: the most conservative figure",
            "claims": [
                {
                    "value": 7,
                    "low": 7,
                    "high": 7,
                    "qualifier": "exact",
                    "claimed_by": "Police",
                    "published": "2024-03-04",
                    "evidence": seven,
                },
                {
                    "value": 9,
                    "low": 9,
                    "high": 9,
                    "qualifier": "exact",
                    "claimed_by": "Witnesses",
                    "published": "2024-03-04",
                    "evidence": nine,
                },
                {"value": 7, "low": 7, "high": None, "qualifier": None, "claimed_by": None, "published": "2024-03-03", "evidence": seven_b},
            ],
        },
        "injuries": None,
        "role": "main",
        "role_reason": "it happened in IR, a country the documents are about",
        "sources": ["dA", "dB"],
        "independent_sources": 2,
        "claims": {
            "date": [],
            "location": [],
            "actors": [{"value": "Army", "sources": 1, "evidence": [span("dB", B_TEXT, S_B1)]}],
            "targets": [],
        },
        "mentions": [
            mention("dA", A_TEXT, "killed", S_A1, "Police"),
            mention("dA", A_TEXT, "died", S_A2, "Witnesses"),
            mention("dB", B_TEXT, "attacked", S_B1),
        ],
        "conflicts": ["fatalities"],
    }
    talks = {
        "id": "e2",
        "type": "CONSULT",
        "mode": None,
        "contexts": [],
        "summary": "someone: consult in Beta",
        "date": {
            "start": "2024-03-04",
            "end": "2024-03-04",
            "precision": "day",
            "inferred": True,
            "rule": "no report dates it: the earliest publication date of its reports",
        },
        "location": {"name": None, "admin1": None, "country": "PK", "lat": None, "lon": None, "inferred": "from the state that acted"},
        "actors": [],
        "targets": [],
        "fatalities": None,
        "injuries": None,
        "role": "related",
        "role_reason": "it happened outside the countries the documents are about",
        "sources": ["dA"],
        "independent_sources": 1,
        "claims": {"date": [], "location": [], "actors": [], "targets": []},
        "mentions": [mention("dA", A_TEXT, "Talks", S_A3)],
        "conflicts": [],
    }
    old = {
        "id": "e3",
        "type": "ASSAULT",
        "mode": None,
        "contexts": [],
        "summary": "someone: assault in Gamma on 2019-05-01",
        "date": {"start": "2019-05-01", "end": "2019-05-01", "precision": "day", "inferred": False, "rule": "the date the reports give"},
        "location": {"name": "Gamma", "admin1": None, "country": "IQ", "lat": 33.3, "lon": 44.4, "precision": "city"},
        "actors": [],
        "targets": [],
        "fatalities": None,
        "injuries": None,
        "role": "background",
        "role_reason": "most reports recall it as past context",
        "sources": ["dB"],
        "independent_sources": 1,
        "claims": {"date": [], "location": [], "actors": [], "targets": []},
        "mentions": [mention("dB", B_TEXT, "bombing", S_B2)],
        "conflicts": [],
    }
    hostile = {
        "id": "e4",
        "type": "PROTEST",
        "mode": None,
        "contexts": [],
        "summary": "<script>alert('summary')</script>",
        "date": {"start": "2024-03-02", "end": "2024-03-02", "precision": "day", "inferred": False, "rule": "the date the reports give"},
        "location": {"name": None, "admin1": None, "country": None, "lat": None, "lon": None},
        "actors": ["<img src=x onerror=alert(2)>"],
        "targets": [],
        "fatalities": None,
        "injuries": None,
        "role": "main",
        "role_reason": "x",
        "sources": ["dA"],
        "independent_sources": 1,
        "claims": {"date": [], "location": [], "actors": [], "targets": []},
        "mentions": [mention("dA", A_TEXT, "<script>", HOSTILE[: HOSTILE.index(";") + 1], "<b>who</b>")],
        "conflicts": [],
    }
    conflicts = [
        {
            "event": "e1",
            "attribute": "fatalities",
            "values": [
                {"value": 7, "evidence": [seven, seven_b], "sources": 2, "claimed_by": ["Police"], "docs": ["dA", "dB"]},
                {"value": 9, "evidence": [nine], "sources": 1, "claimed_by": ["Witnesses"], "docs": ["dA"]},
            ],
            "best": 7,
            "self_contradiction": ["dA"],
            "explanation": "Reports disagree on the fatalities: 7 (2 independent reports); 9 (1). Settled on 7.",
        }
    ]
    sources = [
        {"doc": "dA", "reliability": 0.41, "signals": ["no author named", "publication date 2024-03-04 only inferred, not stated"]},
        {
            "doc": "dB",
            "reliability": 0.9,
            "signals": ["names its author (R. Porter)", "an original report"],
            "breakdown": [{"name": "author", "value": 1.0, "weight": 1.0, "reason": "names its author (R. Porter)"}],
        },
    ]
    timeline = [
        {"date": "2024-03-02", "end": "2024-03-02", "inferred": False, "event": "e4", "type": "PROTEST", "role": "main"},
        {"date": "2024-03-03", "end": "2024-03-03", "inferred": False, "event": "e1", "type": "ASSAULT", "role": "main"},
        {"date": "2024-03-04", "end": "2024-03-04", "inferred": True, "event": "e2", "type": "CONSULT", "role": "related"},
    ]
    infobox = {
        "date": {"start": "2024-03-02", "end": "2024-03-04"},
        "places": ["Alpha, IR", "PK"],
        "belligerents": [{"name": "Army", "as": "attackers", "events": 1}, {"name": "civilians", "as": "attacked", "events": 1}],
        "commanders": ["General Kappa"],
        "casualties": [
            {
                "event": "e1",
                "summary": attack["summary"],
                "kind": "fatalities",
                "best": 7,
                "claims": [{"claimed_by": "Police", "values": [7]}, {"claimed_by": "Witnesses", "values": [9]}],
            }
        ],
        "outcome": {"event": "e2", "summary": talks["summary"], "date": "2024-03-04"},
        "events": {"main": 2, "force": 1},
    }
    return {
        "schema": "triangulate.dossier/1",
        "generated_by": "triangulate test",
        "documents": documents,
        "events": [hostile, talks, old, attack],
        "conflicts": conflicts,
        "sources": sources,
        "timeline": timeline,
        "infobox": infobox,
        "entities": [],
        "fusion": {},
        "failures": [{"source": "bad.txt", "code": "decode", "reason": "not <text>", "stage": "ingest"}],
    }


@pytest.fixture(scope="module")
def html() -> str:
    return render_report(small_dossier())


@pytest.fixture(scope="module")
def dom(html: str) -> Dom:
    return Dom(html)


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------- what the report shows


def test_the_infobox_shows_dates_places_sides_commanders_casualties_and_outcome(dom: Dom) -> None:
    box = squash(dom.root.find("aside", "infobox").text())
    for expected in (
        "2024-03-02 – 2024-03-04",
        "Alpha, IR",
        "Pakistan",
        "Army (1)",
        "civilians (1)",
        "General Kappa",
        "Police 7",
        "Witnesses 9",
    ):
        assert expected in box
    assert "Outcome someone: consult in Beta (2024-03-04)" in box
    links = {a.text(): a.attrs["href"] for a in dom.root.find("aside", "infobox").find_all("a")}
    assert links["9"] == "#s-dA-{start}-{end}".format(**span("dA", A_TEXT, "9"))  # a casualty figure: one click from its sentence


def test_the_timeline_lists_main_and_related_events_by_date_and_folds_background(dom: Dom) -> None:
    section = dom.by_id("timeline")
    days = [squash(h.text()) for h in section.find_all("h3", "day")]
    assert days == ["2024-03-02", "2024-03-03", "2024-03-04"]
    listed = [a.attrs["href"] for ol in section.find_all("ol", "tl") for a in ol.find_all("a")]
    assert [h for h in listed if h.startswith("#ev-")] == ["#ev-e4", "#ev-e1", "#ev-e2"]
    folded = section.find("details", "background")
    assert [a.attrs["href"] for a in folded.find_all("a")] == ["#ev-e3"]
    assert "open" not in folded.attrs
    card = dom.by_id("ev-e3")  # the background event's card is folded away too
    assert any(a.tag == "details" and "open" not in a.attrs for a in card.ancestors())
    assert not any(a.tag == "details" for a in dom.by_id("ev-e1").ancestors())


def test_an_event_card_shows_type_date_place_actors_and_its_figures_by_claimant(dom: Dom) -> None:
    card = dom.by_id("ev-e1")
    text = squash(card.text())
    for expected in ("ASSAULT · bombing", "2024-03-03", "Alpha, North, IR", "Army", "civilians", "Fatalities: 7"):
        assert expected in text
    rows = card.find("table", "claims").find("tbody").find_all("tr")
    cells = [[squash(td.text()) for td in tr.find_all("td")] for tr in rows]
    assert [(c[0], c[1]) for c in cells] == [("7", "Police"), ("9", "Witnesses"), ("at least 7", "unattributed")]
    assert cells[1][2] == "Attack on Alpha ⟨U+202E⟩<i>kills</i> (Daily <Alpha>)"  # the report, escaped, its hidden character shown
    assert cells[1][4] == "Witnesses said 9 people died in the attack."
    hrefs = [tr.find("td").find("a").attrs["href"] for tr in rows]
    assert hrefs == ["#s-dA-{start}-{end}".format(**span("dA", A_TEXT, x)) for x in ("7", "9")] + [
        "#s-dB-{start}-{end}".format(**span("dB", B_TEXT, "7"))
    ]
    assert "best" in rows[0].classes and "best" not in rows[1].classes


def test_quotes_name_their_source_and_link_to_the_sentence(dom: Dom) -> None:
    quotes = dom.by_id("ev-e1").find_all("blockquote", "q")
    assert len(quotes) == 3
    first = squash(quotes[0].text())
    assert first.startswith("Police said 7 people were killed in Alpha on 3 March.")
    assert "according to Police, in Attack on Alpha" in first
    assert quotes[0].find("b").text() == "killed"  # the word that names the event
    link = quotes[0].find("a", "ctx").attrs["href"]
    assert link == "#s-dA-{start}-{end}".format(**span("dA", A_TEXT, S_A1))


def test_inferred_dates_and_places_say_so(dom: Dom) -> None:
    facts = dom.by_id("ev-e2").find("dl", "facts")
    dds = {squash(dt.text()): dd for dt, dd in zip(facts.find_all("dt"), facts.find_all("dd"), strict=True)}
    date_badge = dds["Date"].find("span", "badge")
    assert date_badge.text() == "inferred" and "earliest publication date" in date_badge.attrs["title"]
    assert squash(dds["Place"].text()).startswith("Pakistan (PK) inferred")
    assert "inferred from the state that acted" in dds["Place"].text()
    assert not dom.by_id("ev-e1").find("dl", "facts").find_all("span", "inferred")  # a stated date and place carry no label
    tl_item = next(li for li in dom.by_id("timeline").find_all("li", "it") if li.find("a").attrs["href"] == "#ev-e2")
    assert "date inferred" in tl_item.text()


def test_conflicts_show_each_value_side_by_side_with_its_evidence(dom: Dom) -> None:
    conflict = dom.by_id("cf-e1-fatalities")
    sides = conflict.find_all("section", "side")
    assert [squash(s.find("p", "val").text()) for s in sides] == ["7 settled on", "9"]
    assert "best" in sides[0].classes and "best" not in sides[1].classes
    assert "according to Police" in sides[0].text() and "according to Witnesses" in sides[1].text()
    seven = [a.attrs["href"] for a in sides[0].find_all("a", "ctx")]
    assert seven == ["#s-dA-{start}-{end}".format(**span("dA", A_TEXT, "7")), "#s-dB-{start}-{end}".format(**span("dB", B_TEXT, "7"))]
    assert squash(sides[1].find("q").text()) == "Witnesses said 9 people died in the attack."
    assert sides[1].find("q").find("strong").text() == "9"
    assert "Gives more than one value itself: Attack on Alpha" in squash(conflict.text())
    assert dom.by_id("ev-e1").find("a", None).attrs  # the event card links to the conflict
    assert any(a.attrs.get("href") == "#cf-e1-fatalities" for a in dom.by_id("ev-e1").find_all("a"))


def test_sources_are_sorted_by_reliability_with_their_reasons(dom: Dom) -> None:
    items = dom.by_id("sources").find_all("li", "source")
    assert [squash(li.find("h3").text()) for li in items] == [
        "Army strikes Alpha (Beta News)",
        "Attack on Alpha ⟨U+202E⟩<i>kills</i> (Daily <Alpha>)",
    ]
    assert [li.find("span", "score").text() for li in items] == ["0.90", "0.41"]
    assert [squash(x.text()) for x in items[0].find("ul", "signals").find_all("li")] == [
        "names its author (R. Porter)",
        "an original report",
    ]
    assert "only inferred" in items[1].text()
    assert "inferred" in [b.text() for b in items[1].find_all("span", "badge")]  # its publication date is inferred
    assert items[0].find("details").find("table")


def test_every_evidence_link_lands_on_its_span_in_the_document_text(dom: Dom) -> None:
    docs = {"dA": A_TEXT, "dB": B_TEXT}
    links = [a.attrs["href"] for a in dom.root.find_all("a") if a.attrs.get("href", "").startswith("#s-")]
    assert len(set(links)) >= 8
    for href in set(links):
        mark = dom.by_id(href[1:])
        assert mark.tag == "mark"
        doc, start, end = re.fullmatch(r"#s-(\w+)-(\d+)-(\d+)", href).groups()  # type: ignore[union-attr]
        section = next(a for a in mark.ancestors() if a.tag == "article")
        assert section.attrs["id"] == f"doc-{doc}"
        assert any(a.tag == "div" and "text" in a.classes for a in mark.ancestors())
        pieces = "".join(m.text() for m in section.find_all("mark") if m.attrs.get("data-k") == href[1:])
        assert pieces == visible(docs[doc][int(start) : int(end)])  # the mark holds exactly the quoted text
    for a in dom.root.find_all("a"):  # and every in-page link has its target
        href = a.attrs["href"]
        assert href.startswith("#") and (href == "#" or href[1:] in dom.ids), href


def test_the_document_text_is_whole_and_the_figure_sits_in_its_sentence(dom: Dom) -> None:
    text = dom.by_id("doc-dB").find("div", "text")
    assert text.text() == B_TEXT
    fig = dom.by_id("s-dB-{start}-{end}".format(**span("dB", B_TEXT, "7")))
    assert "fig" in fig.classes
    outer = fig.parent
    assert outer is not None and outer.tag == "mark" and "sent" in outer.classes and outer.text() == S_B1


def test_removed_noise_is_struck_through_in_place_with_its_reason(dom: Dom, html: str) -> None:
    text = dom.by_id("doc-dA").find("div", "text")
    removal = text.find("span", "rm")
    assert removal.find("del", "noise").text() == RAW_NOISE
    assert squash(removal.text()) == f"{RAW_NOISE} removed: advertisement an ad"
    assert text.children[0] is removal  # it stood before the first sentence
    assert "&lt;b&gt;Advert&lt;/b&gt;" in html
    assert "Cleaning removed 1 piece (advertisement 1)" in squash(dom.by_id("doc-dA").text())


def test_hostile_article_text_is_escaped_and_its_hidden_characters_shown(dom: Dom, html: str) -> None:
    assert "<script>alert" not in html
    assert "<img" not in html
    assert "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "\u202e" not in html and "\u200b" not in html
    assert "⟨U+202E⟩evil⟨U+200B⟩" in html
    assert "javascript:alert(document.cookie)" in dom.by_id("doc-dA").text()  # visible as text
    assert not re.search(r"""(href|src|action|formaction|xlink:href)\s*=\s*["']?\s*javascript:""", html, re.I)
    assert not [(n.tag, a) for n in dom.root.iter() for a in n.attrs if a.startswith("on")]  # no event handler attribute
    scripts = [n for n in dom.root.find_all("script")]
    assert len(scripts) == 1  # only ours
    card = dom.by_id("ev-e4")
    assert squash(card.find("h3").text()) == "<script>alert('summary')</script>"
    assert "according to <b>who</b>" in card.find("blockquote").text()


def test_the_report_loads_nothing_from_anywhere(dom: Dom, html: str) -> None:
    for pattern in (r"<script[^>]*\ssrc", r"<link", r"url\(", r"@import", r"""src\s*=\s*["']?https?:""", r"<iframe", r"<object", r"<embed"):
        assert not re.search(pattern, html, re.I), pattern
    for node in dom.root.iter():
        for attr in ("href", "src", "xlink:href", "action", "poster", "srcset"):
            value = node.attrs.get(attr)
            assert value is None or value.startswith("#"), (node.tag, attr, value)
    csp = next(m.attrs["content"] for m in dom.root.find_all("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    script = dom.root.find("script").text()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp  # our script runs; no other can


def test_the_map_draws_one_linked_circle_per_located_event(dom: Dom) -> None:
    svg = dom.by_id("map").find("svg")
    circles = svg.find_all("circle", "ev")
    # e1 and e3 have coordinates; e2 only a country (drawn at its centre); e4 nowhere at all
    assert sorted(c.attrs["data-event"] for c in circles) == ["e1", "e2", "e3"]
    for c in circles:
        assert c.parent is not None and c.parent.tag == "a" and c.parent.attrs["href"] == f"#ev-{c.attrs['data-event']}"
        assert c.find("title").text()
    approx = {c.attrs["data-event"] for c in circles if "approx" in c.classes}
    assert approx == {"e2"}
    shaded = {p.find("title").text() for p in svg.find_all("path", "land") if "main" in p.classes}
    assert shaded == {"Iran"}
    assert "viewbox" in svg.attrs and "width" not in svg.attrs  # it scales with the column (the parser lowers names)
    assert "1 event has no coordinates" in dom.by_id("map").text()
    assert "Natural Earth" in dom.by_id("map").text()


def test_failed_inputs_are_listed(dom: Dom) -> None:
    assert "bad.txt: not <text>" in squash(dom.by_id("documents").text())


def test_a_partial_renders_alone_from_plain_dicts() -> None:
    dossier = small_dossier()
    ev = Evidence(dossier["documents"])
    ev.add_sentences(dossier["events"])
    view = event_view(dossier["events"][3], ev)
    json.dumps(view)  # plain data
    card = environment().get_template("partials/event.html.j2").module.event_card(view)  # type: ignore[attr-defined]
    node = Dom(str(card)).by_id("ev-e1")
    assert "Fatalities: 7" in squash(node.text())


def test_write_report_writes_the_page_atomically(tmp_path: Path) -> None:
    dossier = small_dossier()
    path = write_report(dossier, tmp_path / "out" / "report.html")
    assert path == tmp_path / "out" / "report.html"
    assert path.read_text(encoding="utf-8") == render_report(dossier)
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]  # no temporary file left


def test_an_empty_dossier_still_renders() -> None:
    html = render_report({"schema": "triangulate.dossier/1", "documents": [], "events": [], "conflicts": [], "sources": []})
    dom = Dom(html)
    assert "No main events" in dom.root.text()
    assert "map" not in dom.ids


def test_bad_spans_and_odd_ids_do_not_break_the_page() -> None:
    dossier = small_dossier()
    dossier["documents"][1]["id"] = 'd"><x'
    for e in dossier["events"]:
        e["sources"] = ['d"><x' if s == "dB" else s for s in e["sources"]]
    dossier["events"][3]["fatalities"]["claims"][0]["evidence"] = {"doc": "dA", "start": 5, "end": 99999, "quote": "??"}
    dossier["documents"][0]["offsets"] = None  # removals then listed apart
    dom = Dom(render_report(dossier))
    assert not any("<x" in i or '"' in i for i in dom.ids)
    row = dom.by_id("ev-e1").find("table", "claims").find("tbody").find("tr")
    assert [a.attrs["href"] for a in row.find("td").find_all("a")] == ["#doc-dA"]  # no span to link to: the document
    assert dom.by_id("doc-dA").find("ul", "plain").find("del", "noise").text() == RAW_NOISE


# ---------------------------------------------------------------- the sample corpus


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("report")
    build([str(SAMPLE)], store=out / "s.duckdb", out=out)
    dossier = json.loads((out / "dossier.json").read_text(encoding="utf-8"))
    return dossier, render_report(dossier)


def test_the_sample_report_has_a_card_per_event_and_a_section_per_document(sample: tuple[dict[str, Any], str]) -> None:
    dossier, html = sample
    dom = Dom(html)
    assert dossier["events"] and dossier["documents"]
    for e in dossier["events"]:
        assert "event" in dom.by_id(f"ev-{e['id']}").classes
    for d in dossier["documents"]:
        assert dom.by_id(f"doc-{d['id']}").find("div", "text")
    for c in dossier["conflicts"]:
        assert len(dom.by_id(f"cf-{c['event']}-{c['attribute']}").find_all("section", "side")) == len(c["values"])
    for a in dom.root.find_all("a"):
        assert a.attrs["href"].startswith("#") and a.attrs["href"][1:] in dom.ids, a.attrs["href"]
    figures = [c for e in dossier["events"] for k in ("fatalities", "injuries") for c in (e.get(k) or {}).get("claims", [])]
    linked = {a.attrs["href"] for a in dom.root.find_all("a", "fig")}
    assert {"#s-{doc}-{start}-{end}".format(**c["evidence"]) for c in figures} == linked  # every figure one click from its text
    circles = dom.by_id("map").find("svg").find_all("circle", "ev")
    assert len({c.attrs["data-event"] for c in circles}) == len(circles) > 5
    assert not re.search(r"<script[^>]*\ssrc|<link|url\(|src=\"http", html)


# ---------------------------------------------------------------- a corpus too large to show whole


def test_citations_count_every_doc_key_at_any_depth() -> None:
    value = [{"doc": "a", "claims": [{"evidence": {"doc": "b"}}, {"doc": "a"}]}, {"mentions": [{"doc": "a"}]}, "doc", 3]
    assert citations(value) == {"a": 3, "b": 1}


def test_a_report_past_its_budget_shows_the_most_cited_documents_in_full_and_lists_the_rest() -> None:
    dossier = small_dossier()
    counts = citations([dossier["events"], dossier["conflicts"], dossier.get("infobox") or {}])
    top, other = sorted(("dA", "dB"), key=lambda d: -counts[d])
    assert counts[top] > counts[other]
    dom = Dom(render_report(dossier, full_documents=1))
    assert dom.by_id(f"doc-{top}").tag == "article" and dom.by_id(f"doc-{top}").find("div", "text")
    row = dom.by_id(f"doc-{other}")
    assert row.tag == "tr" and "brief" in next(a for a in row.ancestors() if a.tag == "table").classes
    assert row.find_all("td")[-1].text() == str(counts[other])  # how often the events cite it
    assert not any(i.startswith(f"s-{other}-") for i in dom.ids)  # its text is not on the page
    hrefs = [a.attrs["href"] for a in dom.root.find_all("a")]
    assert f"#doc-{other}" in hrefs and not any(h.startswith(f"#s-{other}-") for h in hrefs)
    assert any(h.startswith(f"#s-{top}-") for h in hrefs)
    for h in hrefs:  # every in-page link still has its target
        assert h == "#" or h[1:] in dom.ids, h
    sources = dom.by_id("sources")
    assert len(sources.find_all("li", "source")) == 1
    assert "1 more source scored" in sources.text()
    assert "1 more document" in dom.by_id("documents").text()


def test_a_report_within_its_budget_shows_every_document_in_full() -> None:
    dom = Dom(render_report(small_dossier(), full_documents=2))
    assert {dom.by_id("doc-dA").tag, dom.by_id("doc-dB").tag} == {"article"}
    assert not dom.root.find_all("table", "brief")
    assert "more source" not in dom.by_id("sources").text()
