"""Names that real data gives us: countries, their demonyms and capitals, first-level divisions, aliases.

Sources (read at run time from the installed packages, nothing copied by hand):

- ``pycountry`` (ISO 3166-1 and 3166-2, Debian's iso-codes): country names, official and
  common names, and first-level subdivisions (those without a parent).
- ``countryinfo`` (MIT; data compiled from the REST Countries project): alternative
  spellings, demonyms and capitals of each country.
- ``data/aliases.toml`` (in this package): organisations, acronyms, government metonyms
  and armed groups, each with the published source it comes from.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

__all__ = ["Lexicon", "Term", "key", "lexicon"]


@lru_cache(maxsize=1 << 16)
def key(name: str) -> str:
    """A comparison key for names: the gazetteer's :func:`~.places.normalise`, without spaces.

    One set of folding rules serves both (diacritics, articles, Arabic and Persian vowel
    spellings, doubled letters), so "Hizb ul-Mujahideen" and "Hizb al-Mujahideen", or "Baluchestan" and
    "Balochistan", are one name to the entities and to the gazetteer alike.
    """
    from .places import normalise

    return normalise(name).replace(" ", "")


@dataclass(frozen=True, slots=True)
class Term:
    """What a name means: its label, canonical name, country and where that knowledge comes from."""

    label: str  # GPE, NORP, ORG, GROUP, LOC
    canonical: str
    country: str | None  # ISO 3166-1 alpha-2
    kind: str  # country, demonym, capital, admin1, alias, government
    source: str
    population: int = 0  # of the country, to choose between namesakes ("American")


_KIND_ORDER = {"alias": 0, "government": 0, "country": 1, "capital": 2, "demonym": 3, "admin1": 4}


@dataclass(slots=True)
class Lexicon:
    """Every known name by its :func:`key`, and the surface forms to look for in text."""

    terms: dict[str, list[Term]] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)  # surface form -> key
    group_words: tuple[str, ...] = ()
    group_cues: tuple[str, ...] = ()

    def add(self, form: str, term: Term, *, first: bool = False) -> None:
        """Record ``form`` as a name of ``term`` (``first``: before the meanings already known)."""
        form = form.strip()
        k = key(form)
        if len(form) < 2 or not k:
            return
        known = self.terms.setdefault(k, [])
        if term not in known:
            known.insert(0, term) if first else known.append(term)
        self.forms.setdefault(form, k)

    def candidates(self, name: str) -> list[Term]:
        """Every meaning of a name, best first."""
        return self.terms.get(key(name), [])

    def get(self, name: str, *, countries: Mapping[str, float] | None = None) -> Term | None:
        """The meaning of a name: one in the countries the text is about, else the most basic kind."""
        found = self.candidates(name)
        if not found:
            return None
        weight = countries or {}
        return min(found, key=lambda t: (-weight.get(t.country or "", 0.0), _KIND_ORDER.get(t.kind, 5), -t.population))


def _countries(lex: Lexicon) -> None:
    import pycountry

    info = _countryinfo()
    for c in pycountry.countries:
        a2 = c.alpha_2
        ci = info.get(a2, {})
        # the shortest of ISO's and REST Countries' names without a comma: "Russia", not
        # "Russian Federation"; "North Macedonia", not "Republic of Macedonia"
        names = [n for n in (getattr(c, "common_name", None), c.name, ci.get("name")) if isinstance(n, str) and "," not in n]
        name = min(names, key=len) if names else c.name
        pop = ci.get("population")
        population = pop if isinstance(pop, int) else 0
        term = Term("GPE", name, a2, "country", "pycountry (ISO 3166-1)", population)
        forms = {c.name, name, getattr(c, "official_name", "") or ""}
        alt = ci.get("altSpellings")
        forms |= (
            {s for s in alt if isinstance(s, str) and len(s) > 3 and "," not in s and not s.isupper()} if isinstance(alt, list) else set()
        )
        forms.add(str(ci.get("name") or ""))
        for form in forms:
            if form:
                lex.add(form, term)
        demonym = ci.get("demonym")
        if isinstance(demonym, str) and demonym:
            norp = Term("NORP", demonym, a2, "demonym", "countryinfo (demonym)", population)
            lex.add(demonym, norp)
            lex.add(_plural(demonym), norp)
        capital = ci.get("capital")
        if isinstance(capital, str) and capital:
            lex.add(capital, Term("GPE", capital, a2, "capital", "countryinfo (capital)", population))


def _plural(word: str) -> str:
    if word.endswith(("sh", "ch", "ese", "ss")):  # Bangladeshi is not one; French, Chinese and Swiss take none
        return word
    return word + "s"


# Divisions named only by a compass point or a generic word ("Western", "Central", "Capital")
# would match ordinary words; they are left to the gazetteer, which sees their context.
_GENERIC = re.compile(
    r"(?:(?:north|south|east|west|central|northern|southern|eastern|western|upper|lower|middle|north[- ]?east|north[- ]?west"
    r"|south[- ]?east|south[- ]?west|capital|coast|coastal|island|islands|lakes?|mountains?|river|centre|center|interior|border)"
    r"\s*(?:region|province|district|division|area|state|territory|department)?\s*)+",
    re.IGNORECASE,
)


def _subdivisions(lex: Lexicon) -> None:
    import pycountry

    for s in pycountry.subdivisions:
        if getattr(s, "parent_code", None) or _GENERIC.fullmatch(s.name):
            continue
        lex.add(s.name, Term("GPE", s.name, s.country_code, "admin1", f"pycountry (ISO 3166-2 {s.code})"))


def _aliases(lex: Lexicon) -> None:
    data = tomllib.loads(resources.files(__package__).joinpath("data", "aliases.toml").read_text(encoding="utf-8"))
    lex.group_words = tuple(data["groups"]["name_words"])
    lex.group_cues = tuple(data["groups"]["context_cues"])
    for entry in data["entity"]:
        term = Term(entry["label"], entry["canonical"], entry.get("country"), entry.get("kind", "alias"), entry["source"])
        forms = entry.get("aliases", []) if term.kind == "government" else [entry["canonical"], *entry.get("aliases", [])]
        for form in forms:
            lex.add(form, term, first=True)


@lru_cache(maxsize=1)
def _countryinfo() -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for f in resources.files("countryinfo").joinpath("data").iterdir():
        if f.name.endswith(".json"):
            d = json.loads(f.read_text(encoding="utf-8"))
            a2 = (d.get("ISO") or {}).get("alpha2")
            if a2:
                out[a2] = d
    return out


def country_point(alpha2: str) -> tuple[float, float] | None:
    """A representative point of a country (countryinfo's ``latlng``)."""
    ll = _countryinfo().get(alpha2, {}).get("latlng")
    return (float(ll[0]), float(ll[1])) if isinstance(ll, list) and len(ll) == 2 else None


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon, built once per process."""
    lex = Lexicon()
    _aliases(lex)
    _countries(lex)
    _subdivisions(lex)
    return lex
