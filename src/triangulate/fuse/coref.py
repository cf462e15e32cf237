"""Event coreference: the mentions of all documents, clustered into real-world events.

Each asserted mention (not negated, not future, not hypothetical) is a :class:`Mention`:
its type, days, country, place, actors, targets and figures, resolved to the dossier's
canonical names. Mentions are taken most informative first (a stated date, a country,
named actors, figures), so that strong mentions seed the events and weak ones ("the
strikes", with nothing else) join the event they most likely refer to.

Candidates come from blocks: an event is indexed by ``(type, feature, day)`` for each of its
days and each thing it holds (a country, an actor, a side, a target, a place and the grid
cells around it, a figure), so a mention is only compared with events of its type a day or
so apart that share something with it, and only with those whose upper bound on the score
(the dates plus what they share, less the sure penalties) reaches :data:`JOIN`; the events
of its own document are always candidates. An event that shares nothing with a mention
cannot reach :data:`JOIN` (the dates alone give at most 2), so this changes no outcome,
only the cost: a crowded day of hundreds of events no longer meets every mention of that
day, and the cost grows with the corpus, not with its square. Mentions of month or year
precision are compared with the events of the same coarse precision that share something.

A mention joins the best candidate whose score reaches :data:`JOIN`, and never one it
contradicts (another country; places more than :data:`FAR_KM` apart; actor and target
swapped; days more than :data:`DAY_SLACK` apart). A date one day off is not a reason to
split: it becomes a conflict in reconciliation. Scores (see :func:`score`):

====================================================  =====
same day (stated or narrative) / one day apart          2 / 1
same country (no country: one the document is about)   1
an actor in common / a target in common                 2 / 1
no actor in common, but one of the same state          1
same place, or places within :data:`NEAR_KM`            1
a figure in common                                     1
same document, within :data:`NEAR_CHARS` / farther       2 / 1
both name actors, none in common (likewise targets)    -1
====================================================  =====
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from operator import attrgetter
from typing import Any

from ..model import Document

__all__ = [
    "FAMILY",
    "BlockRunner",
    "Cluster",
    "Event",
    "Mention",
    "block_key",
    "blocks_of",
    "cluster_block",
    "cluster_mentions",
    "mentions_of",
    "same_place",
    "score",
]

JOIN = 3  # the score a mention needs to join an event
DAY_SLACK = 1  # days two reports of one event may differ by (a conflict, not another event)
PUBLICATION_WINDOW = 7  # an event dated only by its article's publication happened in the week before
NEAR_KM = 50.0
FAR_KM = 100.0
ABOUT_SHARE = 0.2  # a country with this share of a document's country names is one it is about
NEAR_CHARS = 400  # mentions this close in one document are most likely the same story

# PLOVER's four quad classes (PLOVER manual 0.8, "Event categories"): the blocks of fusion
FAMILY: dict[str, str] = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), "verbal cooperation"),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), "material cooperation"),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "THREATEN"), "verbal conflict"),
    **dict.fromkeys(("PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"), "material conflict"),
}


@dataclass(slots=True)
class Mention:
    """One asserted event mention of one document, as fusion sees it."""

    doc: str
    index: int  # its place in the document's ``analysis.events``
    start: int
    end: int
    quote: str
    sentence: tuple[int, int]
    type: str
    mode: str | None
    first: date | None  # the days it gives (None: no date at all)
    last: date | None
    precision: str | None
    date_source: str | None  # stated, narrative, publication
    country: str | None
    place: dict[str, Any] | None
    actors: tuple[str, ...]
    targets: tuple[str, ...]
    fatalities: dict[str, Any] | None
    injuries: dict[str, Any] | None
    claimed_by: str | None
    background: bool
    published: date | None
    contexts: tuple[str, ...] = ()
    about: frozenset[str] = frozenset()  # the countries its document is mostly about
    sides: frozenset[str] = frozenset()  # the countries its actors belong to ("Pakistan Air Force": PK)
    country_inferred: str | None = None  # why the country is what it is when no place is named: from what

    @property
    def key(self) -> tuple[str, int]:
        """Where it is: document and offset."""
        return (self.doc, self.start)

    @property
    def dated(self) -> bool:
        """Whether the text itself dates it (stated or narrative), not only the publication."""
        return self.first is not None and self.date_source in ("stated", "narrative")

    @property
    def exact(self) -> bool:
        """Whether it is dated to a day or a week (coarser dates are compared apart)."""
        return self.dated and self.precision in ("day", "week")

    def informativeness(self) -> int:
        """How much it says: mentions that say more seed events."""
        return (
            4 * (self.date_source == "stated")
            + 2 * (self.date_source == "narrative")
            + 2 * (self.country is not None)
            + bool(self.place and self.place.get("kind") not in (None, "country"))
            + 2 * bool(self.actors)
            + bool(self.targets)
            + bool(self.fatalities or self.injuries)
        )


@dataclass(slots=True)
class Event:
    """The mentions of one real-world event, as coreference leaves them (what reconciliation reads).

    A :class:`Cluster` also carries what coreference compares mentions with: a dozen sets and
    counters (clustering added 18.6 KB a document on 3,000 Timeline17 documents, measured
    with tracemalloc). Those are dropped once the events are settled.
    """

    type: str
    mentions: list[Mention]  # in document order
    countries: frozenset[str]  # the countries its mentions name
    sides: frozenset[str]  # the countries its actors belong to

    @classmethod
    def of(cls, c: Cluster) -> Event:
        """The event a cluster found, its mentions in document order."""
        return cls(c.type, sorted(c.mentions, key=lambda x: x.key), frozenset(c.countries), frozenset(c.sides))

    @property
    def id(self) -> str:
        """A stable id: from the earliest mention in document order, the same on every run."""
        first = self.mentions[0].key
        return "e" + hashlib.sha256(f"{first[0]}:{first[1]}:{self.type}".encode()).hexdigest()[:12]

    @property
    def docs(self) -> list[str]:
        """The documents that report it, sorted."""
        return sorted({m.doc for m in self.mentions})


@dataclass(slots=True)
class Cluster:
    """An event as coreference builds it: its mentions, and what a new mention is compared with."""

    type: str
    mentions: list[Mention] = field(default_factory=list)
    days: set[int] = field(default_factory=set)  # ordinals of the days its dated mentions give
    anchor: set[int] = field(default_factory=set)  # the days most of its dated mentions give: others must fall near them
    votes: Counter[int] = field(default_factory=Counter)
    loose: set[int] = field(default_factory=set)  # ordinals its publication-dated mentions allow
    coarse: set[tuple[int, int]] = field(default_factory=set)  # (first, last) of month/year-precision dates
    countries: set[str] = field(default_factory=set)
    actors: set[str] = field(default_factory=set)
    sides: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    places: list[dict[str, Any]] = field(default_factory=list)  # its distinct named places (each compared with a mention's)
    place_keys: set[tuple[Any, ...]] = field(default_factory=set)
    figures: set[int] = field(default_factory=set)
    docs: dict[str, list[int]] = field(default_factory=dict)  # document -> offsets of its mentions

    def add(self, m: Mention) -> None:
        """Take a mention in."""
        self.mentions.append(m)
        if m.exact and m.first and m.last:
            self.days.update(range(m.first.toordinal(), m.last.toordinal() + 1))
            # compared with the days most of its reports give, not all days so far, an event cannot drift day by day
            for d in range(m.first.toordinal(), m.last.toordinal() + 1):
                self.votes[d] += 1
            top = max(self.votes.values())
            self.anchor = {d for d, n in self.votes.items() if n == top}
        elif m.dated and m.first and m.last:
            self.coarse.add((m.first.toordinal(), m.last.toordinal()))
        elif m.first is not None:
            pub = m.first.toordinal()
            self.loose.update(range(pub - PUBLICATION_WINDOW, pub + 1))
        if m.country:
            self.countries.add(m.country)
        self.actors.update(m.actors)
        self.sides.update(m.sides)
        self.targets.update(m.targets)
        if m.place and m.place.get("kind") not in (None, "country"):
            key = tuple(m.place.get(k) for k in ("geonameid", "name", "kind", "admin1", "country", "lat", "lon"))
            if key not in self.place_keys:  # a hundred reports of one town: one comparison, not a hundred
                self.place_keys.add(key)
                self.places.append(m.place)
        for fig in (m.fatalities, m.injuries):
            if fig and fig.get("value") is not None:
                self.figures.add(int(fig["value"]))
        self.docs.setdefault(m.doc, []).append(m.start)


def mentions_of(documents: Iterable[Document], *, names: Mapping[tuple[str, str], str] | None = None) -> list[Mention]:
    """The asserted mentions of the documents, with names mapped to the dossier's canonical ones.

    ``names`` maps ``(document id, name in that document)`` to the dossier-wide name.
    """
    names = names or {}
    out: list[Mention] = []
    for doc in documents:
        if doc.analysis is None:
            continue
        published = _day(doc.published)
        about = frozenset(k for k, share in doc.analysis.countries.items() if share >= ABOUT_SHARE)
        states = {e.canonical: e.country for e in doc.analysis.entities if e.kind in ("country", "demonym", "capital") and e.country}
        states |= {_state_name(e.country): e.country for e in doc.analysis.entities if e.kind in ("demonym", "capital") and e.country}
        belongs = {names.get((doc.id, e.canonical), e.canonical): e.country for e in doc.analysis.entities if e.country}
        belongs |= states
        for n, m in enumerate(doc.analysis.events):
            if m.negated or m.future or m.hypothetical:
                continue
            loc = m.location or None
            country = (loc or {}).get("country")
            actors = tuple(dict.fromkeys(names.get((doc.id, a), a) for a in m.actors))
            inferred: str | None = None
            if country is None and m.type in ("ASSAULT", "COERCE"):  # "strikes on Pakistan": in Pakistan
                hit = [states[t] for t in m.targets if states.get(t)]
                country, inferred = (hit[0], "the country it targets") if len(set(hit)) == 1 else (None, None)
            if country is None and m.type == "ASSAULT":  # "killing 11 Iranian officers", no place named: in Iran
                victims = {
                    e.country
                    for f in (m.fatalities, m.injuries)
                    if f
                    for e in doc.analysis.entities
                    if e.kind == "demonym" and e.country and 0 < e.start - f["end"] <= 2
                }
                country, inferred = (victims.pop(), "the victims' nationality") if len(victims) == 1 else (None, None)
            out.append(
                Mention(
                    doc=doc.id,
                    index=n,
                    start=m.start,
                    end=m.end,
                    quote=m.text,
                    sentence=m.sentence,
                    type=m.type,
                    mode=m.mode,
                    first=_day(m.date_start),
                    last=_day(m.date_end) or _day(m.date_start),
                    precision=m.date_precision,
                    date_source=m.date_source,
                    country=country,
                    place=loc,
                    actors=actors,
                    targets=tuple(dict.fromkeys(names.get((doc.id, t), t) for t in m.targets)),
                    fatalities=m.fatalities,
                    injuries=m.injuries,
                    claimed_by=m.claimed_by,
                    background=m.background,
                    published=published,
                    about=about,
                    contexts=tuple(m.contexts),
                    sides=frozenset(c for c in (belongs.get(a) or _state_of(a) for a in actors) if c),
                    country_inferred=inferred,
                )
            )
    return out


def _state_name(code: str) -> str:
    from ..analyze.entities import country_name
    from ..analyze.lexicon import lexicon

    return country_name(code, lexicon()) or code


@lru_cache(maxsize=65536)
def _state_of(name: str) -> str | None:
    """The country a state or a state organ named in the lexicon belongs to ("Iran", "Revolutionary Guards": IR)."""
    from ..analyze.lexicon import lexicon

    term = lexicon().get(name)
    return term.country if term is not None and term.kind in ("country", "alias", "government", "capital", "demonym") else None


def _day(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None


def _km(a: Mapping[str, Any], b: Mapping[str, Any]) -> float | None:
    """Great-circle distance between two resolved places, or None when either has no coordinates."""
    if a.get("lat") is None or b.get("lat") is None or a.get("lon") is None or b.get("lon") is None:
        return None
    la1, lo1, la2, lo2 = map(math.radians, (float(a["lat"]), float(a["lon"]), float(b["lat"]), float(b["lon"])))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def same_place(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool | None:
    """True: the same place or near; False: far apart; None: cannot tell."""
    if a.get("geonameid") and a.get("geonameid") == b.get("geonameid"):
        return True
    if str(a.get("name", "")).lower() == str(b.get("name", "")).lower():
        return True
    for big, small in ((a, b), (b, a)):  # a province and a town: the town is in it or not
        if big.get("kind") == "admin1" and small.get("kind") != "admin1":
            if not big.get("admin1") or not small.get("admin1"):
                return None
            return str(big["admin1"]).lower() == str(small["admin1"]).lower() and big.get("country") == small.get("country")
    km = _km(a, b)
    if km is None:
        return None
    return True if km <= NEAR_KM else False if km > FAR_KM else None


def _date_points(m: Mention, c: Cluster) -> int | None:
    """What the dates say: 2 same day, 1 a day apart, 0 compatible, None incompatible."""
    if m.first is None or m.last is None:
        return 0
    lo, hi = m.first.toordinal(), m.last.toordinal()
    if m.exact:
        if c.anchor:
            gap = min(max(lo - d, d - hi, 0) for d in c.anchor)
            return 2 if gap == 0 else 1 if gap <= DAY_SLACK else None
        if c.loose:
            return 0 if any(lo <= d <= hi for d in c.loose) else None
        return 0 if any(a <= hi and lo <= b for a, b in c.coarse) else None if c.coarse else 0
    if m.dated:  # a month or a year
        if c.coarse:
            return 1 if (lo, hi) in c.coarse else 0 if any(a <= hi and lo <= b for a, b in c.coarse) else None
        return None if c.days or c.loose else 0
    # only the publication date: the event happened in the week before it
    allowed = range(hi - PUBLICATION_WINDOW, hi + 1)
    if c.anchor:
        return 0 if any(d in allowed for d in c.anchor) else None
    if c.loose:
        return 0 if any(d in allowed for d in c.loose) else None
    return None


def score(m: Mention, c: Cluster) -> int | None:
    """How well a mention fits an event (see the module's table); None when it contradicts it."""
    if m.type != c.type:
        return None
    if m.country and c.countries and m.country not in c.countries:
        return None
    dates = _date_points(m, c)
    if dates is None:
        return None
    swapped = bool(set(m.actors) & c.targets and set(m.targets) & c.actors and not set(m.actors) & c.actors)
    if swapped:
        return None  # the roles are swapped: X on Y against Y on X
    points = dates
    if m.country and m.country in c.countries:
        points += 1
    elif not m.country and c.countries & m.about:
        points += 1  # no place named: the event in a country the document is about is the likelier one
    if m.actors and c.actors:
        # the same actor; else one of the same state ("the IRGC" and "Iran"); else someone else
        points += 2 if set(m.actors) & c.actors else 1 if m.sides & c.sides else -1
    if m.targets and c.targets:
        points += 1 if set(m.targets) & c.targets else -1
    if m.place and m.place.get("kind") not in (None, "country") and c.places:
        verdicts = [same_place(m.place, p) for p in c.places]
        if any(v is True for v in verdicts):
            points += 1
        elif all(v is False for v in verdicts):
            return None
    if any(f and f.get("value") is not None and int(f["value"]) in c.figures for f in (m.fatalities, m.injuries)):
        points += 1
    offsets = c.docs.get(m.doc)
    if offsets:
        points += 2 if min(abs(o - m.start) for o in offsets) <= NEAR_CHARS else 1
    return points


Feature = tuple[Any, ...]
MAX_DATE_POINTS = 2  # what the dates alone can give (see _date_points)
# Every other point a mention can earn from an event needs something they share (a country, an
# actor, a side, a target, a place, a figure) or the same document; so with JOIN above what the
# dates alone give, an event that shares nothing with a mention cannot take it, and the blocks
# need only offer the events that share something: this keeps a crowded day (hundreds of
# events of one type) from being compared with every mention of that day.
assert JOIN > MAX_DATE_POINTS, "the blocks below rely on JOIN being out of reach of the dates alone"
CELL_DEG = 1.0  # grid cells of the place index, in degrees


def _cells(place: Mapping[str, Any], *, reach_km: float = 0.0) -> list[Feature]:
    """The grid cells a place falls in (reach 0), or all cells within ``reach_km`` of it."""
    try:
        lat, lon = float(place["lat"]), float(place["lon"])
    except (KeyError, TypeError, ValueError):
        return []
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return []
    row, col = math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)
    if reach_km <= 0:
        return [("cell", row, col % int(360 / CELL_DEG))]
    dlat = math.ceil(reach_km / 110.0 / CELL_DEG)
    widest = math.cos(math.radians(min(89.0, abs(lat) + dlat * CELL_DEG)))
    dlon = min(math.ceil(180 / CELL_DEG), math.ceil(reach_km / (110.0 * widest) / CELL_DEG))
    span = int(360 / CELL_DEG)
    cols = {(col + j) % span for j in range(-dlon, dlon + 1)}
    return [("cell", row + i, c) for i in range(-dlat, dlat + 1) for c in sorted(cols)]


def _place_features(place: Mapping[str, Any] | None, *, query: bool) -> list[Feature]:
    """What :func:`same_place` can call the same: id, name, province, and nearby grid cells."""
    if not place or place.get("kind") in (None, "country"):
        return []
    feats: list[Feature] = [("name", str(place.get("name", "")).lower())]
    if place.get("geonameid"):
        feats.append(("geo", place["geonameid"]))
    if place.get("admin1"):
        feats.append(("admin1", place.get("country"), str(place["admin1"]).lower()))
    return feats + _cells(place, reach_km=NEAR_KM if query else 0.0)


def _figures(m: Mention) -> list[int]:
    return [int(f["value"]) for f in (m.fatalities, m.injuries) if f and f.get("value") is not None]


def _held(m: Mention) -> set[Feature]:
    """What an event holds once it takes ``m`` in: the features other mentions may share with it."""
    feats: set[Feature] = {("actor", a) for a in m.actors} | {("side", s) for s in m.sides} | {("target", t) for t in m.targets}
    if m.country:
        feats.add(("country", m.country))
    feats.update(("figure", v) for v in _figures(m))
    feats.update(_place_features(m.place, query=False))
    return feats


def _sought(m: Mention) -> set[Feature]:
    """What an event must hold to score anything beyond the dates for ``m`` (see :func:`score`)."""
    feats: set[Feature] = {("actor", a) for a in m.actors} | {("side", s) for s in m.sides} | {("target", t) for t in m.targets}
    feats.update(("country", k) for k in ([m.country] if m.country else sorted(m.about)))
    feats.update(("figure", v) for v in _figures(m))
    feats.update(_place_features(m.place, query=True))
    return feats


WEIGHT: dict[str, int] = {"actor": 2, "side": 1, "country": 1, "target": 1, "place": 1, "figure": 1}  # at most, in score()
SAME_DOC = 2  # at most, in score()


def _kind(f: Feature) -> str:
    return "place" if f[0] in ("name", "geo", "admin1", "cell") else str(f[0])


def _bound(kinds: set[str]) -> int:
    """The most the shared features can add to a score (an actor in common, or else a side)."""
    return sum(WEIGHT[k] for k in kinds if k != "side") + (WEIGHT["side"] if "side" in kinds and "actor" not in kinds else 0)


def _lost(m: Mention, acting: bool, targeted: bool, kinds: set[str]) -> int:
    """The points an event surely loses with ``m``: both name actors (or targets), none in common."""
    return bool(m.actors and acting and not kinds & {"actor", "side"}) + bool(m.targets and targeted and "target" not in kinds)


class _Blocks:
    """Events indexed by type, day and what they hold, so a mention meets only its likely matches.

    An event's block is its type and its days (each country it is in, or none); within a
    block a mention is offered only the events that share enough with it to reach
    :data:`JOIN` (by an upper bound on :func:`score` from the features they share and the
    days they match), and the events of its own document.
    """

    def __init__(self) -> None:
        # (type, feature, day, stated): events holding the feature on that day; stated: a day its
        # dated reports give (worth date points), else a day its publication dates allow (none)
        self.postings: dict[tuple[str, Feature, int | None, bool], list[int]] = defaultdict(list)
        self.where: dict[int, set[tuple[str | None, int]]] = defaultdict(set)  # (country, day) an event was ever in
        self.days: dict[int, set[tuple[int | None, bool]]] = defaultdict(set)
        self.held: dict[int, set[Feature]] = defaultdict(set)
        self.coarse: dict[str, set[int]] = defaultdict(set)
        self.acting: set[int] = set()  # events that name actors (a mention naming none of them loses a point)
        self.targeted: set[int] = set()

    def register(self, n: int, c: Cluster, m: Mention) -> None:
        """Index an event under every day and feature it now has (``m`` just joined it)."""
        countries: list[str | None] = [*sorted(c.countries)] or [None]
        for d in c.anchor or c.loose:
            for k in countries:
                self.where[n].add((k, d))
        now: set[tuple[int | None, bool]] = {(d, True) for d in c.anchor} | {(d, False) for d in c.loose if not c.anchor}
        if c.coarse:
            self.coarse[c.type].add(n)
            now.add((None, True))  # the coarse block
        if m.actors:
            self.acting.add(n)
        if m.targets:
            self.targeted.add(n)
        held, days = self.held[n], self.days[n]
        new_feats = _held(m) - held
        new_days = now - days
        for f in new_feats:
            for day, stated in days:
                self.postings[(c.type, f, day, stated)].append(n)
        held.update(new_feats)
        for day, stated in new_days:
            for f in held:
                self.postings[(c.type, f, day, stated)].append(n)
        days.update(new_days)

    def _penalty(self, m: Mention, n: int, kinds: set[str]) -> int:
        """The points event ``n`` surely loses with ``m`` (see :func:`_lost`)."""
        return _lost(m, n in self.acting, n in self.targeted, kinds)

    def window(self, m: Mention) -> range | None:
        """The days an event must have for ``m`` to meet it; None for a month or a year (the coarse block)."""
        assert m.first is not None and m.last is not None
        lo, hi = m.first.toordinal(), m.last.toordinal()
        if m.exact:
            return range(lo - DAY_SLACK, hi + DAY_SLACK + 1)
        if m.dated:
            return None
        return range(hi - PUBLICATION_WINDOW, hi + 1)

    def within(self, n: int, m: Mention, days: range | None) -> bool:
        """Whether event ``n`` is in ``m``'s block."""
        if days is None:
            return n in self.coarse[m.type]
        return any(d in days and (m.country is None or k in (m.country, None)) for k, d in self.where[n])

    def candidates(self, m: Mention, mine: Iterable[int]) -> list[int]:
        """The events a mention may belong to (``mine``: the events of its own document)."""
        assert m.first is not None and m.last is not None, "undated mentions are attached apart (_attach_undated)"
        keys: list[tuple[int | None, bool, int]] = []  # day, stated, the most the dates can give
        days = self.window(m)
        lo, hi = m.first.toordinal(), m.last.toordinal()
        if days is None:
            keys.append((None, True, 1))
        elif m.exact:
            keys.extend((d, True, 2 if lo <= d <= hi else 1) for d in days)
            keys.extend((d, False, 0) for d in days)
        else:
            keys.extend((d, s, 0) for d in days for s in (True, False))
        found = self._fitting(m, keys)
        found.update(n for n in mine if n not in found and self.within(n, m, days))
        return sorted(found)  # an event of another country that day may be among them: score() rejects it

    def _fitting(self, m: Mention, keys: Sequence[tuple[int | None, bool, int]]) -> set[int]:
        """The events posted under ``keys`` (day, stated, date points) whose score bound for ``m`` reaches JOIN."""
        kinds: dict[int, set[str]] = defaultdict(set)
        dates: dict[int, int] = {}
        for f in _sought(m):
            kind = _kind(f)
            for d, stated, pts in keys:
                for n in self.postings.get((m.type, f, d, stated), ()):
                    kinds[n].add(kind)
                    if dates.get(n, -1) < pts:
                        dates[n] = pts
        return {n for n, k in kinds.items() if dates[n] + _bound(k) - self._penalty(m, n, k) >= JOIN}


def _order(m: Mention) -> tuple[Any, ...]:
    """The order mentions are taken in: most informative first, then by publication, document and offset."""
    return (-m.informativeness(), m.published or date.max, m.doc, m.start, m.type)


def _interval(m: Mention) -> tuple[int, int]:
    """The days by which a dated mention can meet an event's reports (see :func:`_date_points`).

    A mention can only score against an event one of whose reports' intervals shares a day
    with its own: a day or a week, with :data:`DAY_SLACK` days after it (two such dates a day
    apart then share a day, two days apart do not); a month or a year as it is; a publication
    date, the week before it.
    """
    assert m.first is not None and m.last is not None
    lo, hi = m.first.toordinal(), m.last.toordinal()
    if m.exact:
        return lo, hi + DAY_SLACK
    if m.dated:
        return lo, hi
    return hi - PUBLICATION_WINDOW, hi


def blocks_of(mentions: Iterable[Mention]) -> list[list[Mention]]:
    """Split dated mentions into blocks that cluster independently: one type, days that chain.

    Two mentions are in one block when they have the same type and their intervals (see
    :func:`_interval`) overlap, directly or through others. :func:`score` never joins a mention
    to an event of another type or with no report whose interval shares a day with its own,
    so clustering each block apart gives exactly the clusters of clustering all at once.
    Each block is in :func:`_order`; the blocks come largest first.
    """
    by_type: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.first is not None:
            by_type[m.type].append(m)
    groups: list[list[Mention]] = []
    for kind in sorted(by_type):
        reach = None
        for lo, hi, m in sorted(((*_interval(m), m) for m in by_type[kind]), key=lambda x: x[:2]):
            if reach is None or lo > reach:  # no day in common with what came before: a new block
                groups.append([])
            groups[-1].append(m)
            reach = hi if reach is None or lo > reach else max(reach, hi)
    out = [sorted(g, key=_order) for g in groups]
    return sorted(out, key=lambda b: (-len(b), b[0].type, _order(b[0])))


_values = attrgetter(*(f.name for f in fields(Mention)))  # every field of a mention, as a tuple


def block_key(block: Sequence[Mention]) -> str:
    """A digest of a block's mentions, everything :func:`cluster_block` reads: equal keys, equal clusters."""
    h = hashlib.sha256()
    for m in block:
        # repr is stable for these values (str, int, date, tuples, JSON-loaded dicts) once the sets are sorted
        h.update(repr([sorted(v) if isinstance(v, frozenset) else v for v in _values(m)]).encode())
    return h.hexdigest()


def cluster_block(block: Sequence[Mention]) -> list[list[int]]:
    """Cluster one block of dated mentions (in :func:`_order`): each mention joins its best-fitting event or starts one.

    Returns each event as the positions of its mentions in ``block``, in the order they joined.
    """
    return _clustered(block)[0]


def _clustered(block: Sequence[Mention]) -> tuple[list[list[int]], list[Cluster]]:
    """:func:`cluster_block`'s positions, and the events they make."""
    clusters: list[Cluster] = []
    joined: list[list[int]] = []
    blocks = _Blocks()
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(block):
        best = _best(m, clusters, blocks.candidates(m, by_doc.get(m.doc, ())))
        if best is None:
            clusters.append(Cluster(type=m.type))
            joined.append([])
            best = len(clusters) - 1
        clusters[best].add(m)
        joined[best].append(i)
        blocks.register(best, clusters[best], m)
        if best not in by_doc[m.doc]:
            by_doc[m.doc].append(best)
    return joined, clusters


def cluster_packed(rows: Sequence[tuple[Any, ...]]) -> list[list[int]]:
    """:func:`cluster_block` of a block sent to another process as its mentions' field values (in field order)."""
    return cluster_block([Mention(*row) for row in rows])


def _best(m: Mention, clusters: Sequence[Cluster], candidates: Iterable[int]) -> int | None:
    """The candidate ``m`` fits best with a score of at least :data:`JOIN`; on a tie, the event more reports describe."""
    best: tuple[int, int] | None = None
    for n in candidates:
        s = score(m, clusters[n])
        if (
            s is not None
            and s >= JOIN
            and (best is None or (s, len(clusters[n].mentions), -n) > (best[0], len(clusters[best[1]].mentions), -best[1]))
        ):
            best = (s, n)
    return None if best is None else best[1]


PARALLEL_MIN = 5000  # mentions to cluster before blocks go to other processes (below it, sending them costs more)
BlockRunner = Callable[[Callable[[Any], list[list[int]]], list[Any]], Iterable[list[list[int]]]]  # a parallel map


def cluster_mentions(
    mentions: Sequence[Mention],
    *,
    cache: MutableMapping[str, list[list[int]]] | None = None,
    runner: BlockRunner | None = None,
) -> list[Event]:
    """Group mentions into events: most informative first, each joining its best-fitting event or starting one.

    The dated mentions are clustered block by block (see :func:`blocks_of`); ``runner`` maps
    :func:`cluster_block` over the blocks (default: in this process, one after another; an
    engine's workers may take them in parallel, when there are at least :data:`PARALLEL_MIN`
    mentions to cluster). ``cache`` maps :func:`block_key` to a block's clusters (as
    :func:`cluster_block` returns them): blocks found there are not clustered again, and after
    the call it holds exactly the blocks of these mentions, so that a store that keeps it
    re-clusters, when documents are added, only the blocks their mentions touch.

    A mention that nothing dates (neither its text nor its document's publication) does not
    start an event or shape one: once the dated mentions are clustered, it joins the event it
    fits best, in any block, as the dated mentions left it. Such mentions are mostly the story
    told again without dates (an explainer, an undated rewrite). The mentions left out are
    those in no returned cluster.
    """
    blocks = blocks_of(mentions)
    keys = [block_key(b) for b in blocks]
    known = cache if cache is not None else {}
    todo = [i for i, k in enumerate(keys) if k not in known]
    made: dict[str, list[Cluster]] = {}  # the events of blocks clustered here and now (the others are rebuilt)
    if runner is not None and len(todo) > 1 and sum(len(blocks[i]) for i in todo) >= PARALLEL_MIN:
        # mentions travel as tuples of their fields: a third less to pickle, and half the time to rebuild
        for i, joined in zip(todo, runner(cluster_packed, [[_values(m) for m in blocks[i]] for i in todo]), strict=True):
            known[keys[i]] = joined
    else:
        for i in todo:
            known[keys[i]], made[keys[i]] = _clustered(blocks[i])
    for k in set(known) - set(keys):
        del known[k]
    clusters: list[Cluster] = []
    for block, key in zip(blocks, keys, strict=True):
        if key in made:
            clusters.extend(made[key])
            continue
        for positions in known[key]:
            c = Cluster(type=block[0].type)
            for p in positions:
                c.add(block[p])
            clusters.append(c)
    clusters.sort(key=lambda c: min(x.key for x in c.mentions))
    _attach_undated([m for m in mentions if m.first is None], clusters)
    events = [Event.of(c) for c in clusters]
    return sorted(events, key=lambda e: e.mentions[0].key)


def _attach_undated(undated: Sequence[Mention], clusters: list[Cluster]) -> None:
    """Let each undated mention join the event it fits best, as the dated mentions left the events."""
    if not undated:
        return
    kinds_wanted = {m.type for m in undated}
    index: dict[tuple[str, Feature], list[int]] = defaultdict(list)
    by_doc: dict[str, set[int]] = defaultdict(set)
    for n, c in enumerate(clusters):
        if c.type not in kinds_wanted:
            continue
        # what its mentions hold (see _held), from what the event gathered of them
        held: set[Feature] = {("actor", a) for a in c.actors} | {("side", x) for x in c.sides} | {("target", t) for t in c.targets}
        held |= {("country", k) for k in c.countries} | {("figure", v) for v in c.figures}
        for place in c.places:
            held.update(_place_features(place, query=False))
        for f in held:
            index[(c.type, f)].append(n)
        for doc in c.docs:
            by_doc[doc].add(n)
    joins: list[tuple[int, Mention]] = []
    for m in undated:  # each against the events as the dated mentions left them: the order does not matter
        kinds: dict[int, set[str]] = defaultdict(set)
        for f in _sought(m):
            for n in index.get((m.type, f), ()):
                kinds[n].add(_kind(f))
        fits = {n for n, k in kinds.items() if _bound(k) - _lost(m, bool(clusters[n].actors), bool(clusters[n].targets), k) >= JOIN}
        best = _best(m, clusters, sorted(fits | {n for n in by_doc.get(m.doc, ()) if clusters[n].type == m.type}))
        if best is not None:
            joins.append((best, m))
    for n, m in joins:
        clusters[n].add(m)
