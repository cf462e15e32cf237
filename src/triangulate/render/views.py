"""View models for the HTML report: each part of the dossier as plain dicts for a template partial.

The HTML report (:mod:`triangulate.render.html`) and any other front end that reuses the
template partials build their arguments here. Every function takes the plain dossier JSON
(:func:`triangulate.render.files.dossier_json`) and returns plain data: strings, numbers,
lists and dicts, with no HTML in them (the templates escape every string).

Evidence spans are the thread through the report: every figure, quote and conflict value
links to the span of the document text that supports it. :class:`Evidence` hands out those
links and remembers each span, so that :func:`document_view` can cut the document's text at
the span boundaries and give each span an element id (``s-<doc>-<start>-<end>``). Build the
events, conflicts, infobox and sources first and the documents last: a span that nothing
links to is not marked. :class:`Links` says where links point: fragments of one page by
default; a web app subclasses it to point at its own URLs.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from .worldmap import map_view, world

__all__ = [
    "FULL_DOCUMENTS",
    "Evidence",
    "Links",
    "build_context",
    "citations",
    "conflict_anchor",
    "conflict_view",
    "doc_anchor",
    "document_view",
    "event_anchor",
    "event_view",
    "infobox_view",
    "order_events",
    "source_views",
    "span_anchor",
    "timeline_view",
]

FIGURES = ("fatalities", "injuries")
_SAFE = re.compile(r"[A-Za-z0-9_.-]{1,80}")
QUOTES_SHOWN = 3  # quotes shown on an event card before the rest fold away
FULL_DOCUMENTS = 300  # documents the one-page report shows in full; past it, the rest are rows (at 9,652 documents
# the page was 98 MB, 54 of them document text, and no browser opens a page of a gigabyte)
LONG_REMOVAL = 400  # characters: a removal longer than this is folded in the document text


def slug(value: object) -> str:
    """A string safe in an element id and a URL fragment: the value itself when it is, else a hash of it."""
    text = str(value)
    if _SAFE.fullmatch(text):
        return text
    return "x" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def doc_anchor(doc: object) -> str:
    """The element id of a document's section."""
    return f"doc-{slug(doc)}"


def event_anchor(event: object) -> str:
    """The element id of an event's card."""
    return f"ev-{slug(event)}"


def span_anchor(doc: object, start: int, end: int) -> str:
    """The element id of an evidence span in its document's text."""
    return f"s-{slug(doc)}-{start}-{end}"


def conflict_anchor(event: object, attribute: object) -> str:
    """The element id of a conflict."""
    return f"cf-{slug(event)}-{slug(attribute)}"


class Links:
    """Where the report's links point: fragments of the one page. Subclass for other URLs."""

    def event(self, event: str) -> str:
        """An event's card."""
        return "#" + event_anchor(event)

    def document(self, doc: str) -> str:
        """A document's section."""
        return "#" + doc_anchor(doc)

    def span(self, doc: str, start: int, end: int) -> str:
        """An evidence span in its document's text."""
        return "#" + span_anchor(doc, start, end)

    def conflict(self, event: str, attribute: str) -> str:
        """A conflict."""
        return "#" + conflict_anchor(event, attribute)


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _value_text(v: Any) -> str:
    """A claimed value in words."""
    if v is None:
        return "none"
    if isinstance(v, str):
        return v
    if isinstance(v, list | tuple):
        return ", ".join(_value_text(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def doc_label(d: Mapping[str, Any]) -> str:
    """What a document is called: its title, else the last part of its path, else its id."""
    title = _str(d.get("title"))
    if title:
        return title
    path = _str(d.get("path")) or _str(d.get("url"))
    if path:
        return path.rstrip("/").rsplit("/", 1)[-1] or path
    return str(d.get("id"))


class Evidence:
    """The spans the report links to, per document, with the sentences that hold them."""

    def __init__(self, documents: Sequence[Mapping[str, Any]], links: Links | None = None, *, shown: set[str] | None = None) -> None:
        self.links = links or Links()
        self.shown = shown  # the documents whose text is on the page (None: all); a span elsewhere links to its document
        self.docs: dict[str, Mapping[str, Any]] = {str(d.get("id")): d for d in documents}
        self.texts = {k: str(d.get("text") or "") for k, d in self.docs.items()}
        self.marks: dict[str, dict[tuple[int, int], set[str]]] = defaultdict(lambda: defaultdict(set))
        self._sentences: dict[str, set[tuple[int, int]]] = defaultdict(set)
        self._sorted: dict[str, list[tuple[int, int]]] = {}

    def valid(self, doc: str, start: Any, end: Any) -> bool:
        """Whether ``[start, end)`` is a non-empty span of the document's text."""
        s, e = _int(start), _int(end)
        return doc in self.texts and s is not None and e is not None and 0 <= s < e <= len(self.texts[doc])

    def add_sentences(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Learn the sentence of each mention: a figure's link highlights its sentence too."""
        for e in events:
            for m in e.get("mentions") or []:
                sent = m.get("sentence")
                doc = str(m.get("doc"))
                if isinstance(sent, list | tuple) and len(sent) == 2 and self.valid(doc, sent[0], sent[1]):
                    self._sentences[doc].add((int(sent[0]), int(sent[1])))
        self._sorted = {}

    def sentence_of(self, doc: str, start: int, end: int) -> tuple[int, int] | None:
        """The shortest known sentence holding ``[start, end)``."""
        if doc not in self._sorted:
            self._sorted[doc] = sorted(self._sentences.get(doc, ()))
        found = [s for s in self._sorted[doc][: bisect.bisect_right(self._sorted[doc], (start, 1 << 62))] if s[1] >= end]
        return min(found, key=lambda s: s[1] - s[0]) if found else None

    def cite(self, doc: str) -> dict[str, Any]:
        """A document as a citation: its label, outlet and the link to its section."""
        d = self.docs.get(doc)
        if d is None:
            return {"doc": doc, "label": doc, "outlet": None, "href": None}
        return {"doc": doc, "label": doc_label(d), "outlet": _str(d.get("outlet")), "href": self.links.document(doc)}

    def _window(self, doc: str, start: int, end: int) -> tuple[int, int, bool, bool]:
        """The sentence around a span that no known sentence holds, guessed: up to 120 characters either side.

        Returns its start and end, and whether it is cut short before and after.
        """
        text = self.texts[doc]
        lo, hi = max(0, start - 120), min(len(text), end + 120)
        before, after = text[lo:start], text[end:hi]
        stops = [before.rfind(p) for p in (". ", "? ", "! ", "\n")]
        cut = max(stops)
        if cut >= 0:
            s0, cut_before = lo + cut + 1, False
            while s0 < start and text[s0].isspace():
                s0 += 1
        elif lo > 0 and " " in before:
            s0, cut_before = lo + before.index(" ") + 1, True
        else:
            s0, cut_before = lo, lo > 0
        ends = [i for i in (after.find(p) for p in (". ", "? ", "! ", "\n")) if i >= 0]
        if ends:
            s1, cut_after = end + min(ends) + (0 if after[min(ends)] == "\n" else 1), False
        elif hi < len(text) and " " in after:
            s1, cut_after = end + after.rindex(" "), True
        else:
            s1, cut_after = hi, hi < len(text)
        return s0, max(s1, end), cut_before, cut_after

    def ref(self, span: Mapping[str, Any] | None, *, kind: str = "ev", context: bool = True) -> dict[str, Any]:
        """A link to one evidence span, with the text around it; the span is marked in its document.

        ``kind`` names the mark's class in the document text: ``sent`` for a whole sentence,
        ``fig`` for a figure, ``ev`` for other evidence. ``context`` adds the rest of the
        span's sentence (``before``, ``after``) where the span is shorter than it.
        """
        span = span or {}
        doc = str(span.get("doc"))
        start, end = _int(span.get("start")), _int(span.get("end"))
        given = span.get("quote")
        out: dict[str, Any] = {"source": self.cite(doc), "before": "", "after": "", "anchor": None, "href": None, "found": False}
        if start is None or end is None or not self.valid(doc, start, end):
            out["quote"] = given if isinstance(given, str) else ""
            out["href"] = out["source"]["href"]
            return out
        text = self.texts[doc]
        out["quote"] = text[start:end]
        out["found"] = True
        out["start"], out["end"] = start, end
        if self.shown is None or doc in self.shown:
            out["anchor"] = span_anchor(doc, start, end)
            out["href"] = self.links.span(doc, start, end)
            marks = self.marks[doc]
        else:  # its text is not on the page: link to the document, mark nothing
            out["href"] = out["source"]["href"]
            marks = defaultdict(set)
        sentence = self.sentence_of(doc, start, end)
        if sentence == (start, end):
            kind = "sent"
        marks[(start, end)].add(kind)
        if context and sentence != (start, end):
            if sentence is not None:
                marks[sentence].add("sent")
                out["before"], out["after"] = text[sentence[0] : start], text[end : sentence[1]]
            elif end - start < 80:
                s0, s1, cut_before, cut_after = self._window(doc, start, end)
                if (s0, s1) != (start, end):
                    marks[(s0, s1)].add("sent")
                out["before"] = ("…" if cut_before else "") + text[s0:start]
                out["after"] = text[end:s1] + ("…" if cut_after else "")
        return out


def _date_view(date: Mapping[str, Any] | None) -> dict[str, Any]:
    date = date or {}
    start, end = _str(date.get("start")), _str(date.get("end"))
    precision = _str(date.get("precision"))
    if not start:
        text = "undated"
    elif end and end != start:
        text = f"{start} – {end}"
    else:
        text = start
    if start and precision and precision != "day":
        text += f" ({precision})"
    return {
        "text": text,
        "start": start,
        "end": end or start,
        "inferred": bool(date.get("inferred")),
        "rule": _str(date.get("rule")),
    }


def _place_view(loc: Mapping[str, Any] | None) -> dict[str, Any]:
    """An event's place in words, and whether (and why) it is inferred rather than named."""
    loc = loc or {}
    name, admin1, country = _str(loc.get("name")), _str(loc.get("admin1")), _str(loc.get("country"))
    country_name = _country_names().get(country.upper()) if country else None
    if name:
        parts = [name, admin1 if admin1 != name else None, country]
    else:  # only a country: its name, with the code
        parts = [admin1, f"{country_name} ({country})" if country_name and country_name != country else country]
    text = ", ".join(p for p in parts if p) or "unknown"
    inferred = loc.get("inferred")
    flag, why = None, None
    if inferred:
        flag = "inferred"
        why = f"no place is named: inferred {inferred}" if isinstance(inferred, str) else "inferred, not stated"
    elif loc.get("precision") == "country":
        flag = "country only"
        why = "no town or province is named, only the country"
    elif not name and country:
        flag = "inferred"
        why = "no place is named"
    lat, lon = loc.get("lat"), loc.get("lon")
    located = isinstance(lat, int | float) and isinstance(lon, int | float)
    return {
        "text": text,
        "flag": flag,
        "cls": "country" if flag == "country only" else "inferred" if flag else "",
        "why": why,
        "precision": _str(loc.get("precision")),
        "located": located,
    }


@cache
def _country_names() -> dict[str, str]:
    """Country names by ISO alpha-2 code, from the map's Natural Earth data (short common names)."""
    names: dict[str, str] = {}
    for c in world():
        names.setdefault(c.iso, c.name)
    return names


def _figure_label(claim: Mapping[str, Any]) -> str:
    """A claimed figure as the text puts it: exact, at least, at most, a range, about, vague."""
    value = claim.get("value")
    low, high, qualifier = _int(claim.get("low")), _int(claim.get("high")), _str(claim.get("qualifier"))
    if qualifier == "vague":
        return f"{value} (vague)"
    if qualifier in ("about", "nearly"):
        return f"{qualifier} {value}"
    if low is not None and high is None:
        return f"at least {low}"
    if low is None and high is not None:
        return f"at most {high}"
    if low is not None and high is not None and low != high:
        return f"{low}–{high}"
    return _value_text(value)


def _figure_view(kind: str, fig: Mapping[str, Any] | None, ev: Evidence) -> dict[str, Any] | None:
    if not fig or not fig.get("claims"):
        return None
    best = fig.get("best")
    rows = []
    for claim in fig["claims"]:
        ref = ev.ref(claim.get("evidence"), kind="fig")
        published = _str(claim.get("published"))
        rows.append(
            {
                "value": claim.get("value"),
                "label": _figure_label(claim),
                "claimed_by": _str(claim.get("claimed_by")),
                "published": published,
                "best": best is not None and claim.get("value") == best,
                "ref": ref,
            }
        )
    return {"kind": kind, "title": kind.capitalize(), "best": best, "rule": _str(fig.get("rule")), "rows": rows}


def _quotes(e: Mapping[str, Any], ev: Evidence) -> list[dict[str, Any]]:
    """The event's mentions as quotes, one per sentence, the trigger words picked out; documents taking turns."""
    found: dict[tuple[str, int, int], dict[str, Any]] = {}
    for m in e.get("mentions") or []:
        doc = str(m.get("doc"))
        start, end = _int(m.get("start")), _int(m.get("end"))
        sent = m.get("sentence")
        if isinstance(sent, list | tuple) and len(sent) == 2 and ev.valid(doc, sent[0], sent[1]):
            s0, s1 = int(sent[0]), int(sent[1])
        elif start is not None and end is not None and ev.valid(doc, start, end):
            s0, s1 = start, end
        else:
            key = (doc, -1, len(found))
            quote = m.get("quote") if isinstance(m.get("quote"), str) else ""
            found[key] = {"ref": ev.ref(None), "claimed_by": [], "triggers": [], "text": quote}
            found[key]["ref"]["source"] = ev.cite(doc)
            continue
        item = found.get((doc, s0, s1))
        if item is None:
            item = found[(doc, s0, s1)] = {
                "ref": ev.ref({"doc": doc, "start": s0, "end": s1}, kind="sent", context=False),
                "claimed_by": [],
                "triggers": [],
                "text": ev.texts[doc][s0:s1],
            }
        who = _str(m.get("claimed_by"))
        if who and who not in item["claimed_by"]:
            item["claimed_by"].append(who)
        if start is not None and end is not None and s0 <= start < end <= s1:
            item["triggers"].append((start - s0, end - s0))
    out = []
    for (doc, _, _), item in found.items():
        parts, at = [], 0
        for a, b in sorted(set(item["triggers"])):
            if a < at:
                continue
            if a > at:
                parts.append({"s": item["text"][at:a], "em": False})
            parts.append({"s": item["text"][a:b], "em": True})
            at = b
        if at < len(item["text"]):
            parts.append({"s": item["text"][at:], "em": False})
        out.append(
            {"doc": doc, "href": item["ref"]["href"], "source": item["ref"]["source"], "claimed_by": item["claimed_by"], "parts": parts}
        )
    turn: dict[str, int] = defaultdict(int)
    ranked = []
    for i, q in enumerate(out):  # the first quote of each document, then the second of each, ...
        ranked.append((turn[q["doc"]], i, q))
        turn[q["doc"]] += 1
    return [q for _, _, q in sorted(ranked, key=lambda t: (t[0], t[1]))]


def _names(names: Sequence[Any], claims: Sequence[Mapping[str, Any]] | None, ev: Evidence) -> list[dict[str, Any]]:
    """Actors or targets, each with a link to the first sentence that names it and how many reports do."""
    by_name = {str(c.get("value")): c for c in claims or []}
    out = []
    for n in names:
        c = by_name.get(str(n), {})
        evidence = c.get("evidence") or []
        ref = ev.ref(evidence[0], kind="sent", context=False) if evidence else None
        out.append({"name": str(n), "href": ref["href"] if ref else None, "sources": _int(c.get("sources"))})
    return out


def event_view(e: Mapping[str, Any], ev: Evidence, *, conflicts: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """One event card: what, when, where, who, the figures by claimant, the quotes, its conflicts."""
    eid = str(e.get("id"))
    claims = e.get("claims") or {}
    figures = [f for f in (_figure_view(k, e.get(k), ev) for k in FIGURES) if f is not None]
    quotes = _quotes(e, ev)
    attrs = [str(c.get("attribute")) for c in conflicts if str(c.get("event")) == eid] or [str(a) for a in e.get("conflicts") or []]
    return {
        "id": eid,
        "anchor": event_anchor(eid),
        "href": ev.links.event(eid),
        "type": str(e.get("type") or "EVENT"),
        "mode": _str(e.get("mode")),
        "summary": str(e.get("summary") or eid),
        "role": str(e.get("role") or "related"),
        "role_reason": _str(e.get("role_reason")),
        "contexts": [str(c) for c in e.get("contexts") or []],
        "date": _date_view(e.get("date")),
        "place": _place_view(e.get("location")),
        "actors": _names(e.get("actors") or [], claims.get("actors"), ev),
        "targets": _names(e.get("targets") or [], claims.get("targets"), ev),
        "figures": figures,
        "quotes": quotes[:QUOTES_SHOWN],
        "more_quotes": quotes[QUOTES_SHOWN:],
        "sources": [ev.cite(str(d)) for d in e.get("sources") or []],
        "independent_sources": _int(e.get("independent_sources")),
        "conflicts": [{"attribute": a, "href": ev.links.conflict(eid, a)} for a in dict.fromkeys(attrs)],
    }


def conflict_view(c: Mapping[str, Any], ev: Evidence, events: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """One conflict: each value side by side with who claims it and the evidence for it."""
    eid, attribute = str(c.get("event")), str(c.get("attribute"))
    best = c.get("best")
    kind = "fig" if attribute in FIGURES else "ev"
    values = []
    for v in c.get("values") or []:
        values.append(
            {
                "value": _value_text(v.get("value")),
                "best": best is not None and v.get("value") == best,
                "sources": _int(v.get("sources")),
                "claimed_by": [str(x) for x in v.get("claimed_by") or []],
                "evidence": [ev.ref(s, kind=kind) for s in v.get("evidence") or []],
            }
        )
    event = events.get(eid, {})
    return {
        "anchor": conflict_anchor(eid, attribute),
        "event": eid,
        "event_href": ev.links.event(eid) if eid in events else None,
        "event_summary": str(event.get("summary") or eid),
        "attribute": attribute,
        "best": None if best is None else _value_text(best),
        "explanation": _str(c.get("explanation")),
        "sides": values,
        "self_contradiction": [ev.cite(str(d)) for d in c.get("self_contradiction") or []],
    }


def _published(d: Mapping[str, Any]) -> dict[str, Any]:
    return {"date": _str(d.get("published")), "inferred": d.get("published_source") == "inferred", "how": _str(d.get("published_source"))}


def source_views(dossier: Mapping[str, Any], ev: Evidence) -> list[dict[str, Any]]:
    """The sources, most reliable first, each with its score and the reasons behind it."""
    out: list[dict[str, Any]] = []
    for s in dossier.get("sources") or []:
        doc = str(s.get("doc"))
        d = ev.docs.get(doc, {})
        score = s.get("reliability")
        score = float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None
        copy = d.get("copy") if isinstance(d.get("copy"), dict) else {}
        out.append(
            {
                "doc": doc,
                "cite": ev.cite(doc),
                "author": _str(d.get("author")),
                "published": _published(d),
                "syndicated_from": _str(d.get("syndicated_from")),
                "copy_info": {"relation": _str(copy.get("relation")), "reason": _str(copy.get("reason"))} if copy else None,
                "reliability": score,
                "score": "–" if score is None else f"{score:.2f}",
                "percent": 0 if score is None else round(max(0.0, min(1.0, score)) * 100),
                "level": "none" if score is None else "high" if score >= 0.75 else "mid" if score >= 0.5 else "low",
                "signals": [str(x) for x in s.get("signals") or []],
                "breakdown": [
                    {
                        "name": str(b.get("name")),
                        "value": "–" if not isinstance(b.get("value"), int | float) else f"{b['value']:.2f}",
                        "weight": "–" if not isinstance(b.get("weight"), int | float) else f"{b['weight']:g}",
                        "reason": _str(b.get("reason")),
                    }
                    for b in s.get("breakdown") or []
                ],
            }
        )
    out.sort(key=lambda s: (-(s["reliability"] if s["reliability"] is not None else -1.0), s["cite"]["label"], s["doc"]))
    return out


def infobox_view(box: Mapping[str, Any] | None, events: Mapping[str, Mapping[str, Any]], ev: Evidence) -> dict[str, Any] | None:
    """The encyclopedia-style summary; each casualty figure links to the sentence that gives it."""
    if not box:
        return None
    date = box.get("date") or {}
    sides: dict[str, list[dict[str, Any]]] = {"attackers": [], "attacked": []}
    for b in box.get("belligerents") or []:
        sides.setdefault(str(b.get("as")), []).append({"name": str(b.get("name")), "events": _int(b.get("events"))})
    casualties = []
    for c in box.get("casualties") or []:
        eid, kind = str(c.get("event")), str(c.get("kind"))
        fig = (events.get(eid) or {}).get(kind) or {}
        claims = []
        for cl in c.get("claims") or []:
            who = str(cl.get("claimed_by") or "unattributed")
            values = []
            for value in cl.get("values") or []:
                match = next(
                    (
                        x
                        for x in fig.get("claims") or []
                        if x.get("value") == value and (x.get("claimed_by") or "unattributed") == who and x.get("evidence")
                    ),
                    None,
                )
                ref = ev.ref(match["evidence"], kind="fig") if match else None
                values.append({"value": _value_text(value), "href": ref["href"] if ref else None})
            claims.append({"claimed_by": who, "figures": values})
        casualties.append(
            {
                "event": eid,
                "href": ev.links.event(eid) if eid in events else None,
                "summary": str(c.get("summary") or eid),
                "kind": kind,
                "best": None if c.get("best") is None else _value_text(c.get("best")),
                "claims": claims,
            }
        )
    outcome = box.get("outcome")
    counts = box.get("events") or {}
    return {
        "date": {"start": _str(date.get("start")), "end": _str(date.get("end"))},
        "places": [_country_names().get(str(p), str(p)) if len(str(p)) == 2 else str(p) for p in box.get("places") or []],
        "attackers": sides.get("attackers", []),
        "attacked": sides.get("attacked", []),
        "commanders": [str(p) for p in box.get("commanders") or []],
        "casualties": casualties,
        "outcome": {
            "summary": str(outcome.get("summary") or outcome.get("event")),
            "date": _str(outcome.get("date")),
            "href": ev.links.event(str(outcome.get("event"))) if str(outcome.get("event")) in events else None,
        }
        if isinstance(outcome, dict)
        else None,
        "main_events": _int(counts.get("main")),
        "force_events": _int(counts.get("force")),
    }


def _start(e: Mapping[str, Any]) -> str:
    return str((e.get("date") or {}).get("start") or "9999")


def order_events(events: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Events in reading order: ``dated`` main and related ones by date, then ``undated``, then ``background``."""
    ranked = sorted(
        events, key=lambda e: (_start(e), e.get("role") != "main", -(_int(e.get("independent_sources")) or 1), str(e.get("id")))
    )
    return {
        "dated": [e for e in ranked if e.get("role") != "background" and (e.get("date") or {}).get("start")],
        "undated": [e for e in ranked if e.get("role") != "background" and not (e.get("date") or {}).get("start")],
        "background": [e for e in ranked if e.get("role") == "background"],
    }


def timeline_view(dossier: Mapping[str, Any], ev: Evidence) -> dict[str, Any]:
    """Main and related events by date, grouped by day; undated and background events apart, to fold away."""
    events = {str(e.get("id")): e for e in dossier.get("events") or []}
    order = order_events(list(events.values()))
    rows = dossier.get("timeline")
    if not isinstance(rows, list):
        rows = [
            {
                "date": _start(e),
                "end": (e.get("date") or {}).get("end"),
                "inferred": bool((e.get("date") or {}).get("inferred")),
                "event": e.get("id"),
            }
            for e in order["dated"]
        ]

    def item(e: Mapping[str, Any], row: Mapping[str, Any] | None = None) -> dict[str, Any]:
        eid = str(e.get("id"))
        row = row or {}
        date = _date_view(e.get("date"))
        return {
            "event": eid,
            "href": ev.links.event(eid),
            "date": date,
            "inferred": bool(row.get("inferred", date["inferred"])),
            "type": str(e.get("type") or row.get("type") or "EVENT"),
            "role": str(e.get("role") or row.get("role") or "related"),
            "summary": str(e.get("summary") or row.get("summary") or eid),
            "place": _place_view(e.get("location")),
            "sources": _int(e.get("independent_sources")) or _int(row.get("independent_sources")) or len(e.get("sources") or []),
        }

    days: list[dict[str, Any]] = []
    for row in rows:
        e = events.get(str(row.get("event")))
        if e is None:
            continue
        day = str(row.get("date") or _start(e))
        if not days or days[-1]["date"] != day:
            days.append({"date": day, "events": []})
        days[-1]["events"].append(item(e, row))
    listed = {i["event"] for d in days for i in d["events"]}
    return {
        "days": days,
        "undated": [item(e) for e in order["undated"] if str(e.get("id")) not in listed],
        "background": [item(e) for e in order["background"]],
    }


def _removals(d: Mapping[str, Any]) -> tuple[dict[int, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Each removal at its place in the cleaned text (where the offset map allows), else in a list apart."""
    text = str(d.get("text") or "")
    segments = d.get("offsets")
    ok = isinstance(segments, list) and all(
        isinstance(s, list | tuple) and len(s) == 3 and all(_int(x) is not None for x in s) for s in segments
    )
    segs = sorted((int(s[1]), int(s[0])) for s in segments) if ok and isinstance(segments, list) else []
    raw_starts = [s[0] for s in segs]
    placed: dict[int, list[dict[str, Any]]] = defaultdict(list)
    apart = []
    for r in sorted(d.get("removed") or [], key=lambda r: (_int(r.get("raw_start")) or 0, _int(r.get("raw_end")) or 0)):
        body = r.get("text") if isinstance(r.get("text"), str) else ""
        raw_start, raw_end = _int(r.get("raw_start")), _int(r.get("raw_end"))
        item = {
            "t": "del",
            "s": body,
            "reason": str(r.get("reason") or "removed"),
            "detail": _str(r.get("detail")),
            "raw": [raw_start, raw_end],
            "chars": len(body) if body else max(0, (raw_end or 0) - (raw_start or 0)),
            "long": len(body) > LONG_REMOVAL,
            "block": False,
        }
        if not ok or raw_start is None:
            item["block"] = True
            apart.append(item)
            continue
        i = bisect.bisect_left(raw_starts, raw_start)
        pos = min(segs[i][1], len(text)) if i < len(segs) else len(text)
        at_line = pos == 0 or pos >= len(text) or text[pos - 1] == "\n"
        item["block"] = item["long"] or "\n" in body.strip() or (at_line and any(ch.isalnum() for ch in body))
        placed[pos].append(item)
    return placed, apart


def _tokens(
    text: str, marks: Mapping[tuple[int, int], set[str]], inserts: Mapping[int, list[dict[str, Any]]], doc: str
) -> list[dict[str, Any]]:
    """The text cut at every span boundary: text, open-mark and close-mark tokens, removals in between.

    Spans nest as marks, outermost first; a span that crosses another is closed and
    reopened around the crossing, and only its first piece carries the element id (all its
    pieces share ``k``). Marks close before a removal and reopen after it.
    """
    spans = sorted(marks, key=lambda se: (se[0], -se[1]))
    bounds = sorted({0, len(text), *(p for se in spans for p in se), *(min(p, len(text)) for p in inserts)})
    stack: list[tuple[int, int]] = []
    opened: set[tuple[int, int]] = set()
    out: list[dict[str, Any]] = []

    def close() -> None:
        stack.pop()
        out.append({"t": "close"})

    for i, p in enumerate(bounds):
        if p in inserts or (p == len(text) and any(q >= len(text) for q in inserts)):
            while stack:
                close()
            for q in sorted(inserts):
                if min(q, len(text)) == p:
                    out.extend(inserts[q])
        if p >= len(text):
            break
        q = bounds[i + 1]
        want = [se for se in spans if se[0] <= p and se[1] >= q]
        keep = 0
        while keep < len(stack) and keep < len(want) and stack[keep] == want[keep]:
            keep += 1
        while len(stack) > keep:
            close()
        for se in want[keep:]:
            key = span_anchor(doc, *se)
            out.append({"t": "open", "id": None if se in opened else key, "k": key, "c": " ".join(sorted(marks[se]))})
            opened.add(se)
            stack.append(se)
        out.append({"t": "text", "s": text[p:q]})
    while stack:
        close()
    return out


def document_view(d: Mapping[str, Any], ev: Evidence, *, reliability: Mapping[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """One document: its metadata and its cleaned text with the evidence spans marked and the removed noise struck through."""
    doc = str(d.get("id"))
    text = ev.texts.get(doc, str(d.get("text") or ""))
    placed, apart = _removals(d)
    reasons: dict[str, int] = defaultdict(int)
    for r in d.get("removed") or []:
        reasons[str(r.get("reason") or "removed")] += 1
    copy = d.get("copy") if isinstance(d.get("copy"), dict) else None
    source = (reliability or {}).get(doc)
    return {
        "id": doc,
        "anchor": doc_anchor(doc),
        "title": doc_label(d),
        "outlet": _str(d.get("outlet")),
        "author": _str(d.get("author")),
        "published": _published(d),
        "syndicated_from": _str(d.get("syndicated_from")),
        "path": _str(d.get("path")),
        "url": _str(d.get("url")),
        "copy_info": {"relation": _str(copy.get("relation")), "reason": _str(copy.get("reason")), "group": _str(copy.get("group"))}
        if copy
        else None,
        "reliability": source["score"] if source else None,
        "chars": len(text),
        "tokens": _tokens(text, ev.marks.get(doc, {}), placed, doc),
        "removed_apart": apart,
        "removed_count": len(d.get("removed") or []),
        "removed_reasons": [{"reason": k, "n": n} for k, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))],
    }


def citations(value: Any) -> Counter[str]:
    """How often each document is cited in ``value`` (events, conflicts): every ``"doc"`` key, at any depth."""
    counts: Counter[str] = Counter()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            doc = item.get("doc")
            if isinstance(doc, str):
                counts[doc] += 1
            stack.extend(v for v in item.values() if isinstance(v, Mapping | list))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, Mapping | list))
    return counts


def _brief_view(d: Mapping[str, Any], source: Mapping[str, Any] | None, cited: int) -> dict[str, Any]:
    """A document the report does not show in full: a row with what it is and how often it is cited."""
    doc = str(d.get("id"))
    return {
        "id": doc,
        "anchor": doc_anchor(doc),
        "title": doc_label(d),
        "outlet": _str(d.get("outlet")),
        "published": _published(d),
        "reliability": source["score"] if source else None,
        "cited": cited,
    }


def build_context(
    dossier: Mapping[str, Any], *, links: Links | None = None, title: str | None = None, full_documents: int | None = None
) -> dict[str, Any]:
    """Everything the report template needs, as plain data (see the module docstring for the order of building).

    ``full_documents`` bounds the documents shown in full (text and source card): those the
    events and conflicts cite most; the others are listed as rows. None shows every one.
    """
    documents = list(dossier.get("documents") or [])
    events = list(dossier.get("events") or [])
    conflicts = list(dossier.get("conflicts") or [])
    ids = [str(d.get("id")) for d in documents]
    full: set[str] | None = None
    cited: Counter[str] = Counter()
    if full_documents is not None and len(documents) > full_documents:
        cited = citations([events, conflicts, dossier.get("infobox") or {}])
        ranked = sorted(range(len(ids)), key=lambda i: (-cited[ids[i]], i))
        full = {ids[i] for i in ranked[: max(0, full_documents)]}
    ev = Evidence(documents, links, shown=full)
    ev.add_sentences(events)
    by_id = {str(e.get("id")): e for e in events}
    order = order_events(events)
    cards = {k: [event_view(e, ev, conflicts=conflicts) for e in v] for k, v in order.items()}
    conflict_views = [conflict_view(c, ev, by_id) for c in conflicts]
    box = infobox_view(dossier.get("infobox"), by_id, ev)
    sources = source_views(dossier, ev)
    scores = {s["doc"]: s for s in sources}
    timeline = timeline_view(dossier, ev)
    world = map_view(events, href=ev.links.event, label=_map_label)
    pairs = list(zip(ids, documents, strict=True))
    docs = [document_view(d, ev, reliability=scores) for doc, d in pairs if full is None or doc in full]
    brief = [] if full is None else [_brief_view(d, scores.get(doc), cited[doc]) for doc, d in pairs if doc not in full]
    shown_sources = sources if full is None else [s for s in sources if s["doc"] in full]
    failures = [
        {"source": str(f.get("source")), "code": _str(f.get("code")), "reason": _str(f.get("reason")), "stage": _str(f.get("stage"))}
        for f in dossier.get("failures") or []
    ]
    span = box["date"] if box else None
    subtitle = []
    if span and span["start"]:
        subtitle.append(span["start"] if span["end"] in (None, span["start"]) else f"{span['start']} – {span['end']}")
    if box and box["places"]:
        subtitle.append(", ".join(box["places"][:3]))
    return {
        "title": title or "Dossier",
        "subtitle": " · ".join(subtitle),
        "generated_by": _str(dossier.get("generated_by")),
        "schema": _str(dossier.get("schema")),
        "counts": {
            "documents": len(documents),
            "events": len(events),
            "main": sum(e.get("role") == "main" for e in events),
            "conflicts": len(conflicts),
            "failures": len(failures),
        },
        "infobox": box,
        "timeline": timeline,
        "events": cards,
        "conflicts": conflict_views,
        "sources": shown_sources,
        "sources_more": len(sources) - len(shown_sources),
        "map": world,
        "documents": docs,
        "documents_brief": brief,
        "failures": failures,
    }


def _map_label(e: Mapping[str, Any]) -> str:
    date = _date_view(e.get("date"))
    place = _place_view(e.get("location"))
    return f"{date['text']} · {e.get('type')} · {place['text']}: {e.get('summary') or e.get('id')}"
