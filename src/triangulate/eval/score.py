"""Scoring a dossier against a reference annotation, as eval/gold/README.md defines.

Each figure is a :class:`Figure` (value, numerator, denominator, and whether higher is
better). Matching: an output event matches a reference event when its date range overlaps
the reference date widened by one day on each side, its country is the reference country
(or one of them), and one of its actors or targets matches a reference actor or target by
name or alias (case and punctuation ignored); pairs are taken best first, one-to-one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Figure:
    """One score: ``value`` is ``num / den`` for rates, or a count; ``higher`` says which way is better."""

    value: float
    num: int
    den: int
    higher: bool = True

    @classmethod
    def rate(cls, num: int, den: int) -> Figure:
        """A rate: 0.0 when nothing could be scored."""
        return cls(num / den if den else 0.0, num, den)

    @classmethod
    def count(cls, n: int) -> Figure:
        """A count where fewer is better."""
        return cls(float(n), n, 0, higher=False)


def norm(text: str) -> str:
    """Lower-case, without punctuation or spaces: the form names are compared in."""
    return re.sub(r"[\W_]+", "", text.lower())


def _day(value: str) -> date:
    return date.fromisoformat(value[:10])


def ref_window(value: str | list[str] | None) -> tuple[date, date] | None:
    """Return a reference date (ISO date or [start, end]) as a closed interval."""
    if value is None:
        return None
    if isinstance(value, list):
        return _day(value[0]), _day(value[1])
    return _day(value), _day(value)


def out_window(event: Json) -> tuple[date, date] | None:
    """Return an output event's date range, or None when it has none."""
    d = event.get("date") or {}
    start = d.get("start")
    if not start:
        return None
    return _day(str(start)), _day(str(d.get("end") or start))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@dataclass(slots=True)
class _Ctx:
    dossier: Json
    gold: Json
    file_of: dict[str, str]
    aliases: dict[str, set[str]]


def _names(event: Json, ctx: _Ctx) -> set[str]:
    out: set[str] = set()
    for name in [*event.get("actors", []), *event.get("targets", [])]:
        key = norm(str(name))
        out.add(key)
        out |= ctx.aliases.get(key, set())
    return out


def _candidate(out: Json, ref: Json, ctx: _Ctx) -> bool:
    ow, rw = out_window(out), ref_window(ref.get("date"))
    if ow is None or rw is None:
        return False
    one = timedelta(days=1)
    if not (ow[0] <= rw[1] + one and ow[1] >= rw[0] - one):
        return False
    country = (out.get("location") or {}).get("country")
    if not country or country not in _as_list((ref.get("location") or {}).get("country")):
        return False
    ref_names = {norm(n) for n in [*ref.get("actors", []), *ref.get("targets", [])]}
    return bool(_names(out, ctx) & ref_names)


def _affinity(out: Json, ref: Json, ctx: _Ctx) -> tuple[int, int, float]:
    ow, rw = out_window(out), ref_window(ref.get("date"))
    assert ow is not None and rw is not None
    distance = max(0, (rw[0] - ow[1]).days, (ow[0] - rw[1]).days)
    ref_names = {norm(n) for n in [*ref.get("actors", []), *ref.get("targets", [])]}
    return (int(out.get("type") == ref.get("type")), len(_names(out, ctx) & ref_names), -distance)


def match_events(dossier: Json, gold: Json, *, ctx: _Ctx | None = None) -> dict[str, str]:
    """Return the one-to-one matching, reference event id -> output event id, best first."""
    ctx = ctx or _context(dossier, gold)
    pairs = []
    for ref in gold.get("events", []):
        for out in dossier.get("events", []):
            if _candidate(out, ref, ctx):
                pairs.append((_affinity(out, ref, ctx), ref["id"], out["id"]))
    pairs.sort(key=lambda p: p[0], reverse=True)
    taken_ref: dict[str, str] = {}
    taken_out: set[str] = set()
    for _, ref_id, out_id in pairs:
        if ref_id not in taken_ref and out_id not in taken_out:
            taken_ref[ref_id] = out_id
            taken_out.add(out_id)
    return taken_ref


def _context(dossier: Json, gold: Json) -> _Ctx:
    file_of = {d["id"]: Path(d["path"].split("#")[0]).name for d in dossier.get("documents", [])}
    aliases: dict[str, set[str]] = {}
    for ent in dossier.get("entities", []):
        names = {norm(str(n)) for n in [ent.get("canonical") or ent.get("name") or "", *ent.get("aliases", [])] if n}
        for n in names:
            aliases.setdefault(n, set()).update(names)
    return _Ctx(dossier, gold, file_of, aliases)


def _country_of(event: Json) -> Any:
    return (event.get("location") or {}).get("country")


def _place_ok(out: Json, ref: Json) -> bool:
    name = (out.get("location") or {}).get("name")
    want = (ref.get("location") or {}).get("name")
    if not name or not want:
        return False
    got = norm(name)
    parts = [norm(p) for p in re.split(r"[;,()]", want) if norm(p)]
    return any(got == p or (len(got) >= 4 and (got in p or p in got)) for p in parts)


def _claims_found(kind: str, matched: dict[str, str], ctx: _Ctx) -> Figure:
    events = {e["id"]: e for e in ctx.dossier.get("events", [])}
    field = "fatalities" if kind == "fatalities_claims" else "injuries"
    found = total = 0
    for ref in ctx.gold.get("events", []):
        for claim in ref.get(kind, []):
            total += 1
            out = events.get(matched.get(ref["id"], ""))
            figure = (out or {}).get(field) or {}
            for c in figure.get("claims", []):
                doc = str((c.get("evidence") or {}).get("doc"))
                if c.get("value") == claim["value"] and (not claim.get("docs") or ctx.file_of.get(doc, "") in claim["docs"]):
                    found += 1
                    break
    return Figure.rate(found, total)


def _value_key(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("start") or value.get("value") or value.get("name")
    return norm(str(value))


def _conflicts_found(matched: dict[str, str], ctx: _Ctx) -> Figure:
    found = 0
    refs = ctx.gold.get("conflicts", [])
    for ref in refs:
        out_id = matched.get(ref["event"])
        want = {_value_key(v) for v in ref["values"]}
        for c in ctx.dossier.get("conflicts", []):
            if out_id and c.get("event") == out_id and c.get("attribute") == ref["attribute"]:
                have = {_value_key(v.get("value")) for v in c.get("values", [])}
                if want <= have:
                    found += 1
                    break
    return Figure.rate(found, len(refs))


@lru_cache(maxsize=256)
def _country_code(name: str) -> str | None:
    import pycountry

    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        try:
            return str(pycountry.countries.search_fuzzy(name)[0].alpha_2)
        except LookupError:
            return None


def leakage_rules(gold: Json) -> tuple[int | None, set[str]]:
    """Read ``must_not_appear``: a year from which events must not be dated, and banned countries."""
    year: int | None = None
    countries: set[str] = set()
    for rule in gold.get("must_not_appear", []):
        what = rule.get("what", "")
        m = re.search(r"dated (\d{4}) or later", what)
        if m:
            year = int(m.group(1)) if year is None else min(year, int(m.group(1)))
        m = re.search(r"located in (.+)$", what)
        if m:
            for part in re.split(r",|\bor\b|\band\b", re.sub(r"\([^)]*\)", "", m.group(1))):
                code = _country_code(part.strip()) if part.strip() else None
                if code:
                    countries.add(code)
    return year, countries


def _leakage(ctx: _Ctx) -> Figure:
    year, countries = leakage_rules(ctx.gold)
    bad = 0
    for e in ctx.dossier.get("events", []):
        w = out_window(e)
        country = (e.get("location") or {}).get("country")
        if (year is not None and w is not None and w[1].year >= year) or (country in countries):
            bad += 1
    return Figure.count(bad)


def _noise_literal(description: str) -> str | None:
    quoted = re.findall(r"'([^']{2,})'", description)
    if quoted:
        return str(quoted[0]).replace("...", "").strip()
    if " " not in description.strip() or description.lstrip().startswith("-"):
        return description.strip()
    head = re.split(r"\s+(list|section|block)\b|:", description)[0].strip()
    if head != description.strip() and head:
        return head
    if description[:1].isupper() and not re.search(r"\b(caption|credit|post|repeated)\b", description):
        return description.strip()
    return None


def _documents(ctx: _Ctx) -> dict[str, Figure]:
    by_file = {Path(d["path"].split("#")[0]).name: d for d in ctx.dossier.get("documents", [])}
    tallies = {"doc_title": [0, 0], "doc_published": [0, 0], "doc_author": [0, 0], "doc_syndication": [0, 0], "doc_noise": [0, 0]}
    for name, ref in ctx.gold.get("documents", {}).items():
        doc = by_file.get(name, {})
        for key, field in (("doc_title", "title"), ("doc_author", "author"), ("doc_syndication", "syndicated_from")):
            tallies[key][1] += 1
            got, want = doc.get(field), ref.get(field)
            tallies[key][0] += (got is None and want is None) or (got is not None and want is not None and norm(got) == norm(want))
        tallies["doc_published"][1] += 1
        window = ref_window(ref.get("published"))
        got = doc.get("published")
        tallies["doc_published"][0] += (window is None and got is None) or (
            window is not None and got is not None and window[0] <= _day(got) <= window[1]
        )
        removed = [r.get("text", "") for r in doc.get("removed", [])]
        for item in ref.get("noise", []):
            literal = _noise_literal(item)
            if literal is None:
                continue
            tallies["doc_noise"][1] += 1
            tallies["doc_noise"][0] += any(literal in t for t in removed) and literal not in doc.get("text", "")
    return {k: Figure.rate(*v) for k, v in tallies.items()}


def _source_ranking(ctx: _Ctx) -> Figure:
    ranking = ctx.gold.get("source_ranking")
    if not ranking:
        return Figure.rate(0, 0)
    score = {ctx.file_of.get(s["doc"], ""): float(s["reliability"]) for s in ctx.dossier.get("sources", [])}
    lowest = score.get(ranking["lowest"])
    ok = lowest is not None and all(f in score and lowest < score[f] for f in ranking["above"])
    return Figure.rate(int(ok), 1)


def score(dossier: Json, gold: Json) -> dict[str, Figure]:
    """Score a dossier (the contract's JSON) against a reference annotation."""
    ctx = _context(dossier, gold)
    matched = match_events(dossier, gold, ctx=ctx)
    refs = {r["id"]: r for r in gold.get("events", [])}
    outs = {e["id"]: e for e in dossier.get("events", [])}
    main = [r for r in refs.values() if r.get("role") == "main"]
    figures: dict[str, Figure] = {
        "event_recall_main": Figure.rate(sum(r["id"] in matched for r in main), len(main)),
        "event_recall_all": Figure.rate(len(matched), len(refs)),
    }
    matched_out = set(matched.values())
    assaults = [e for e in outs.values() if e.get("type") == "ASSAULT"]
    duplicates = sum(1 for e in assaults if e["id"] not in matched_out and any(_candidate(e, r, ctx) for r in refs.values()))
    false_events = sum(1 for e in assaults if e["id"] not in matched_out) - duplicates
    figures["event_precision"] = Figure.rate(sum(e["id"] in matched_out for e in assaults), len(assaults))
    figures["false_events"] = Figure.count(false_events)
    figures["duplicates"] = Figure.count(duplicates)
    pairs = [(refs[r], outs[o]) for r, o in matched.items()]
    one = timedelta(days=1)
    in_window = 0
    for ref, out in pairs:
        rw, ow = ref_window(ref.get("date")), out_window(out)
        in_window += bool(rw and ow and rw[0] - one <= ow[0] and ow[1] <= rw[1] + one)
    figures["date_accuracy"] = Figure.rate(in_window, len(pairs))
    right_country = [
        (r, o) for r, o in pairs if (o.get("location") or {}).get("country") in _as_list((r.get("location") or {}).get("country"))
    ]
    figures["place_country_accuracy"] = Figure.rate(len(right_country), len(pairs))
    named = [(r, o) for r, o in right_country if (o.get("location") or {}).get("name") and (r.get("location") or {}).get("name")]
    figures["place_name_accuracy"] = Figure.rate(sum(_place_ok(o, r) for r, o in named), len(named))
    figures["fatality_claims"] = _claims_found("fatalities_claims", matched, ctx)
    figures["injury_claims"] = _claims_found("injuries_claims", matched, ctx)
    figures["conflicts"] = _conflicts_found(matched, ctx)
    figures["leakage"] = _leakage(ctx)
    figures.update(_documents(ctx))
    figures["source_ranking"] = _source_ranking(ctx)
    return figures
