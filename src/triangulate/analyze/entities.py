"""Entities: spaCy's named entities as candidates, corrected and completed by the lexicon.

For each document (a parsed spaCy ``Doc``):

1. the lexicon's names (countries, demonyms, capitals, first-level divisions, aliases) are
   found with a spaCy ``PhraseMatcher`` (exact case, so "US" is not "us");
2. spaCy's entities (PERSON, ORG, GPE, LOC, NORP, FAC) are taken where no lexicon name
   covers them; an entity that holds a country or demonym ("Pakistani military") takes
   that country;
3. an ORG (or a misread PERSON/GPE) whose name is built from armed-group words (data:
   ``aliases.toml``), or that the text calls a militant/separatist/armed group, is a GROUP;
4. a capital that acts or speaks ("Islamabad said", "Tehran's response") stands for its
   government: its canonical name becomes the country's;
5. a short personal name ("Kakar") takes the full name it abbreviates in the same document.

``canonical`` is settled per document here and made one per real-world entity across
documents by :func:`unify` (variants that share a :func:`~.lexicon.key` take the most
common spelling).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from .lexicon import Lexicon, Term, key, lexicon

__all__ = ["Entity", "countries_of", "country_name", "find_entities", "unify"]

NER_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "NORP": "NORP", "FAC": "LOC"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "poss", "agent"}
_POSSESSIVE = re.compile(r"^(?:the\s+)|(?:'s|’s|')$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entity:
    """A name in a text: what it is, its canonical name, and the country it belongs to."""

    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, GROUP
    canonical: str
    key: str
    country: str | None = None  # ISO 3166-1 alpha-2
    kind: str = "ner"  # ner, country, demonym, capital, admin1, alias, government
    source: str = "spaCy NER"
    government: bool = False  # a capital or seat standing for its government

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return asdict(self)


_CONNECTORS = {
    *("and", "of", "the", "for", "'s", "-", "–"),
    *("va", "wa", "o", "ye", "e", "i"),  # Persian and Arabic "and", ezafe
    *("al", "ul", "el", "bin", "ibn", "abu", "de", "du", "la", "y"),
}
_MAX_TOKENS = 7


def _lexical_spans(doc: Any, lex: Lexicon) -> list[Any]:
    """Every stretch of tokens whose :func:`key` is a lexicon name: variants in spelling match too.

    Hand-written instead of spaCy's PhraseMatcher because names must match by key, not by
    exact form ("Sistan and Baluchestan" is ISO's "Sīstān va Balūchestān"). A name starts
    at a capitalised token and runs on through capitalised tokens and name connectors.
    """
    spans = []
    n = len(doc)
    for i in range(n):
        first = doc[i].text
        if not first[:1].isupper() or first.lower() in _CONNECTORS:
            continue
        best = None
        for j in range(i + 1, min(n, i + _MAX_TOKENS) + 1):
            last = doc[j - 1].text
            if j - 1 > i and not (last[:1].isupper() or last.lower() in _CONNECTORS or last[:1].isdigit()):
                break
            if last.lower() in _CONNECTORS or (j == i + 1 and doc[i].is_stop):
                continue  # a name does not end on "and" or a dash, and "This" is not Thiès
            span = doc[i:j]
            k = key(span.text)
            if k in lex.terms and (len(k) > 3 or span.text in lex.forms):  # short names only in a known form: "US", not "Us"
                best = span
        if best is not None:
            spans.append(best)
    return spans


def _clean_name(text: str) -> str:
    return _POSSESSIVE.sub("", text.strip()).strip()


def _group_word(name: str, lex: Lexicon) -> bool:
    low = f" {name.casefold().replace('-', ' ')} "
    return any(f" {w.replace('-', ' ')} " in low for w in lex.group_words)


def _cued(doc: Any, start: int, end: int, lex: Lexicon) -> bool:
    """Does the text around tokens [start, end) call this an armed group?"""
    before = doc[max(0, start - 4) : start].text.casefold()
    after = doc[end : min(len(doc), end + 6)].text.casefold()
    return any(before.endswith(c) or before.endswith(c + ",") for c in lex.group_cues) or any(
        re.match(rf"^,?\s*(?:a|an|the)\s+(?:\w+\s+)?{re.escape(c)}\b", after) for c in lex.group_cues
    )


def _inner_country(span: Any, lex: Lexicon, countries: Mapping[str, float]) -> str | None:
    """The country a name holds ("Pakistan Air Force", "Iranian Foreign Ministry")."""
    for tok in span:
        t = lex.get(tok.text, countries=countries)
        if t is not None and t.country and t.kind in ("country", "demonym"):
            return t.country
    return None


def _starts_with_state(name: str, lex: Lexicon) -> bool:
    first = name.split()[0] if name.split() else ""
    return any(t.kind in ("country", "demonym") for t in lex.candidates(first))


def find_entities(doc: Any, *, countries: Mapping[str, float] | None = None) -> list[Entity]:
    """Return the entities of a parsed spaCy ``Doc``, in text order."""
    from spacy.util import filter_spans

    lex = lexicon()
    text = doc.text
    lexical = filter_spans(_lexical_spans(doc, lex))
    weights = dict(countries) if countries is not None else _document_countries(lexical, lex)
    taken: list[tuple[int, int]] = []
    found: list[Entity] = []
    for sp in lexical:
        ent = _from_term(sp, lex, weights)
        if ent is not None:
            found.append(ent)
            taken.append((sp.start, sp.end))
    for ent in doc.ents:
        label = NER_LABELS.get(ent.label_)
        if label is None:
            continue
        inside = [(s, e) for s, e in taken if s >= ent.start and e <= ent.end]
        overlaps = any(s < ent.end and e > ent.start for s, e in taken)
        if overlaps and not (inside and (ent.end - ent.start) > max(e - s for s, e in inside)):
            continue  # a lexicon name covers it: the lexicon knows better
        name = _clean_name(ent.text)
        if not name:
            continue
        start = ent.start_char + ent.text.find(name)
        core = _ADMIN_WORD.sub("", name) if label in ("GPE", "LOC") else name
        term = lex.get(core, countries=weights) if core else None
        if term is not None and not _in_context(term, weights):
            term = None
        if inside:  # "Pakistani military", "the United States": the entity replaces the names inside it
            found = [f for f in found if not (f.start >= ent.start_char and f.end <= ent.end_char)]
        if term is not None:
            found.append(_entity(start, start + len(name), name, term, government=False))
            continue
        country = _inner_country(ent, lex, weights) if inside and label != "PERSON" else None
        if label in ("ORG", "PERSON", "GPE", "NORP") and (
            (_group_word(name, lex) and not _starts_with_state(name, lex)) or (label != "GPE" and _cued(doc, ent.start, ent.end, lex))
        ):
            label = "GROUP"
        found.append(Entity(start, start + len(name), name, label, name, key(name), country))
    found.sort(key=lambda e: (e.start, e.end))
    return _expand_persons(_dedupe(found), text)


_ADMIN_WORD = re.compile(r"\s+(?:province|district|governorate|region|state|county|city|town|village|oblast|prefecture)$", re.I)


def _document_countries(spans: Sequence[Any], lex: Lexicon) -> dict[str, float]:
    """The countries a text is about: those its unambiguous names belong to, by share of mentions."""
    votes: Counter[str] = Counter()
    for sp in spans:
        terms = lex.candidates(sp.text)
        if any(t.kind == "admin1" for t in terms):
            continue  # a division's name is what the context must decide, not evidence of it
        best = lex.get(sp.text)  # among namesakes, the most populous country ("Indian": India)
        if best is not None and best.country:
            votes[best.country] += 1
    total = sum(votes.values())
    return {c: v / total for c, v in votes.items()} if total else {}


def countries_of(entities: Sequence[Entity]) -> dict[str, float]:
    """The countries a document is about: those of its country, demonym, capital and government names, by share."""
    votes = Counter(e.country for e in entities if e.country and e.kind in ("country", "demonym", "capital", "government"))
    total = sum(votes.values())
    return {c: round(v / total, 4) for c, v in votes.most_common()} if total else {}


def _entity(start: int, end: int, text: str, term: Term, *, government: bool) -> Entity:
    return Entity(start, end, text, term.label, term.canonical, key(term.canonical), term.country, term.kind, term.source, government)


def _in_context(term: Term, countries: Mapping[str, float]) -> bool:
    """A division's name means that division only in a text about its country ("Gaza", "Red Sea", "Punjab")."""
    return term.kind != "admin1" or countries.get(term.country or "", 0.0) > 0


def _from_term(sp: Any, lex: Lexicon, countries: Mapping[str, float]) -> Entity | None:
    term: Term | None = lex.get(sp.text, countries=countries)
    if term is None or not _in_context(term, countries):
        return None
    if term.kind == "capital" and term.country and _acts(sp):
        name = country_name(term.country, lex)
        if name:
            term = replace(term, canonical=name)
        return _entity(sp.start_char, sp.end_char, sp.text, term, government=True)
    return _entity(sp.start_char, sp.end_char, sp.text, term, government=term.kind == "government")


def _acts(sp: Any) -> bool:
    """A place name that speaks or acts is its government: "Islamabad said", "Tehran's move"."""
    root = sp.root
    if root.dep_ in _SUBJECT_DEPS:
        return True
    nxt = sp.doc[sp.end] if sp.end < len(sp.doc) else None
    return nxt is not None and nxt.text in ("'s", "’s")


def country_name(alpha2: str, lex: Lexicon) -> str | None:
    """The canonical name of a country from its ISO alpha-2 code ("PK" -> "Pakistan")."""
    import pycountry

    c = pycountry.countries.get(alpha_2=alpha2)
    if c is None:
        return None
    for t in lex.candidates(c.name):
        if t.kind == "country":
            return t.canonical
    return None


def _dedupe(found: list[Entity]) -> list[Entity]:
    out: list[Entity] = []
    for e in found:
        if out and e.start < out[-1].end:  # overlapping: keep the longer
            if e.end - e.start > out[-1].end - out[-1].start:
                out[-1] = e
            continue
        out.append(e)
    return out


def _expand_persons(found: list[Entity], text: str) -> list[Entity]:
    """A person named by part of a fuller name used in the same document takes that name."""
    full = [e for e in found if e.label == "PERSON" and len(e.canonical.split()) > 1]
    out = []
    for e in found:
        if e.label == "PERSON" and len(e.canonical.split()) == 1:
            longer = {
                f.canonical for f in full if e.canonical in f.canonical.replace("-", " ").split() or f.canonical.endswith(e.canonical)
            }
            if len(longer) == 1:
                name = longer.pop()
                e = replace(e, canonical=name, key=key(name))
        out.append(e)
    return out


def unify(documents: Iterable[Sequence[Entity]]) -> list[list[Entity]]:
    """Give every entity one canonical name across documents: the commonest spelling among those sharing a key."""
    docs = [list(d) for d in documents]
    spellings: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for ents in docs:
        for e in ents:
            spellings[(_family(e.label), e.key)][e.canonical] += 1
    best = {k: min(c.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0] for k, c in spellings.items()}
    return [[replace(e, canonical=best[(_family(e.label), e.key)]) for e in ents] for ents in docs]


def _family(label: str) -> str:
    # ORG and GROUP are the same kind of thing seen two ways; GPE and LOC likewise
    return {"GROUP": "ORG", "LOC": "GPE"}.get(label, label)
