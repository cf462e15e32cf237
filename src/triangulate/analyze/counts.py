"""Counts: numbers as news writes them, each anchored to its span and tied to the noun it counts.

What is read (all spans are offsets into the text given, ``text[start:end] == count.text``):

- digits ("47", "1,200", "12 000", "1.5 million", "$400 billion", "30%") and number words
  ("nine", "twenty-three", "one hundred and three", "a hundred", "two dozen", "half a dozen");
- bounds before a number: "at least 47" (``at_least``), "more than 200", "over 180"
  (``more_than``), "up to 50", "as many as" (``at_most``), "fewer than 10", "under"
  (``fewer_than``), "about", "around", "some 300", "100-odd", "300 or so" (``about``), and
  "nearly 300", "almost" (also ``about``, with ``high`` just below the number);
- ranges: "500–600", "between 300 and 400", "from 10 to 15", "two or three" (``range``);
- vague quantities (``vague``), coded as ACLED codes vague fatality reports. ACLED's fatality
  methodology FAQ (acleddata.com/knowledge-base/faqs-acled-fatality-methodology, "Uses and
  limitations of ACLED data", 2023, updated May 2024) says that it codes reported estimates
  of "tens", "dozens" and "hundreds" as 10, 12 and 100, and so on, taking the most
  conservative estimate. The FAQ's own rule for unnumbered reports was not in the text found;
  ACLED event notes show "several" coded as three ("Several Taliban militants (coded as
  three)", in a public extract of ACLED notes). So: tens = 10, dozens = 12, scores = 20,
  hundreds = 100, thousands = 1000, tens of thousands = 10000, hundreds of thousands =
  100000; "several", "a few", "a number of", "a handful of", "numerous", "many" = 3,
  "multiple" = 2; "several hundred" = 100 (the unit, as for "hundreds"). The code is the low
  bound: ``low = value``, ``high = None`` ("several" is left as a low bound). "a couple of"
  is ``about`` 2. The codes are data, in ``data/counts.toml``.

How each count is coded (``value`` is what a coder would record; ``low``/``high`` the interval
the true number lies in, ``None`` where the text sets no bound):

===============  =======================  =========  =========
qualifier        example                  low        high
===============  =======================  =========  =========
exact            "nine people"            9          9
at_least         "at least 47"            47         None
more_than        "more than 200"          201        None
at_most          "up to 50"               None       50
fewer_than       "fewer than 10"          None       9
about            "about 300", "100-odd"   None (100) None
about (nearly)   "nearly 300"             None       299
range            "500–600"                500        600       (value = 500)
vague            "dozens"                 12         None
===============  =======================  =========  =========

The noun: the head noun after the number, with up to three modifiers between ("three
Pakistani soldiers", "15 ballistic missiles", "two young children"), a partitive ("five of
the victims"), or, for "the death toll rose to 11", the "death" before it. Nouns are looked up
in the lexicon of ``data/counts.toml``, which gives the lemma (``noun``: "child" for
"children") and a ``category``: a kind of people (person, child, woman, man, civilian,
soldier, police, security, militant, fighter, ...), a kind of thing (missile, drone, ...) or a
unit (duration, length, money, percent, ...). A plural noun not in the lexicon is kept with a
naive singular and no category; a capitalised plural ("three Pakistanis") counts people.

The predicate: what happened to the counted, when the text says it next to the count
("9 dead", "two children were killed", "killing 3", "the deaths of three women", "180 others
were injured", "three injured Pakistanis"), normalised to killed, injured, missing, abducted,
detained or displaced. A count with a predicate but no noun ("three were critically
injured") counts people: its noun is "person" with no noun span.

Composites ("three women, four children and two men") come back as ONE count for the whole
phrase, span and nouns included: value the sum, bounds the sums, ``parts`` the components,
noun "person" (or the one noun all parts share). Only exact or bounded counts of people join
(never a vague one or a range), and only across commas, "and", "as well as".

A count introduced by "including", "among them", "of whom" ("nine people, including four
children") does not add: it comes back on its own with ``included_in`` set to the ``start``
of the count that contains it (an offset, not an index, so that it stays valid when the list
is filtered), and inherits that count's predicate.

Not counts: ordinals ("the third strike", "21st"), years ("in 2024", "the 2019 bombing"; a
four-digit number is a count only before people or weapons, as in "2000 troops"),
dates ("January 16", "16 January"), times ("10:30", "3 pm"), ages ("aged 25", "a
25-year-old"), compound modifiers ("a 900-kilometre border", "a two-front war"), ids and
phone numbers ("F-16", "Resolution 2334", "+92 51 1234567", "051-9204567"), "one of the", and
a bare "one", "several" or "a" with no noun. Percentages, money, durations and lengths are
kept, with their unit as the category, and are never people (``people_only=True`` drops
them and every other count that is not of people). A phrase never runs across a line break.

Hand-written patterns and a small number-word grammar rather than a package: the packages
(word2number, number-parser, text2num) convert a number string or rewrite a whole text, but
give neither spans in the text, nor bounds, ranges, vague codes, nouns or predicates, which
are most of the work here. Every pattern is compiled once at import. The scan is two regular
expressions over the text (digits, and a trie of the words that can start a quantity); each
candidate is then looked at through small anchored matches around it, the words before it
read backwards on the reversed text, so nothing is searched twice. About 5 MB/s on news text.
"""

from __future__ import annotations

import heapq
import itertools
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

__all__ = ["PEOPLE_CATEGORIES", "QUALIFIERS", "Count", "find_counts"]

_DATA: Final[dict[str, Any]] = tomllib.loads(resources.files(__package__).joinpath("data", "counts.toml").read_text(encoding="utf-8"))

QUALIFIERS: Final = ("exact", "at_least", "more_than", "at_most", "fewer_than", "about", "range", "vague")
PEOPLE_CATEGORIES: Final[frozenset[str]] = frozenset(_DATA["people"])
_UNIT_CATEGORIES: Final[frozenset[str]] = frozenset(_DATA["units"])
# what a four-digit number from 1800 to 2099 may count before it is taken for a year ("2000 troops", not "2024 airstrikes")
_YEAR_NOUNS: Final = PEOPLE_CATEGORIES | {"missile", "rocket", "drone", "shell", "bomb", "aircraft", "vehicle"}


@dataclass(frozen=True, slots=True)
class Count:
    """A quantity in a text: its span, value, bounds, qualifier, and the noun it counts."""

    start: int
    end: int
    text: str
    value: int | None
    low: int | None
    high: int | None
    qualifier: str
    noun: str | None
    noun_start: int | None
    noun_end: int | None
    category: str | None = None
    predicate: str | None = None
    included_in: int | None = None
    parts: tuple[Count, ...] = ()

    @property
    def is_people(self) -> bool:
        """Whether this counts people (its noun's category is a kind of people)."""
        return self.category in PEOPLE_CATEGORIES

    def to_dict(self) -> dict[str, Any]:
        """The count as plain JSON-ready data, parts included."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "qualifier": self.qualifier,
            "noun": self.noun,
            "noun_start": self.noun_start,
            "noun_end": self.noun_end,
            "category": self.category,
            "predicate": self.predicate,
            "included_in": self.included_in,
            "parts": [p.to_dict() for p in self.parts],
        }


# --------------------------------------------------------------------------------------------
# Pattern helpers

_SP = r"[^\S\n]+"  # spaces inside a phrase: never across a line (a line is a paragraph)
_OS = r"[^\S\n]*"


def _words(text: str) -> list[str]:
    return text.split()


def _norm(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _by_length(phrases: Iterable[str]) -> list[str]:
    return sorted(set(phrases), key=lambda p: (-len(p), p))


def _alt(phrases: Iterable[str]) -> str:
    """Alternation of phrases, longest first, a space standing for any run of spaces."""
    return "|".join(_SP.join(re.escape(w) for w in p.split()) for p in _by_length(phrases))


def _rev(phrases: Iterable[str]) -> str:
    """The same alternation written backwards, to match the text before a position read backwards."""
    return "|".join(_SP.join(re.escape(w[::-1]) for w in reversed(p.split())) for p in _by_length(phrases))


def _trie(words: Iterable[str]) -> str:
    """A regular expression for a set of words as a trie: it fails at the first letter that fits no word."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


def _back(text: str, pos: int, width: int = 40) -> str:
    """The text before pos, reversed: left-context patterns are matched on it, anchored."""
    return text[max(0, pos - width) : pos][::-1]


# --------------------------------------------------------------------------------------------
# Lexicons (data/counts.toml)


def _plural(word: str) -> str:
    head, _, last = word.rpartition(" ")
    if last.endswith("y") and last[-2:-1] not in ("a", "e", "i", "o", "u"):
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "z", "ch", "sh")):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def _nouns() -> dict[str, tuple[str, str]]:
    forms: dict[str, tuple[str, str]] = {}
    for table in ("units", "things", "people"):  # people last: it wins a form two tables share
        for category, words in _DATA[table].items():
            for entry in words:
                singular, _, irregular = entry.lower().partition("/")
                for form in (singular, _plural(singular), irregular):
                    if form:
                        forms[_norm(form)] = (_norm(singular), category)
    return forms


_NOUNS: Final = _nouns()


def people_category(word: str) -> str | None:
    """The people category of a noun ("labourers" -> "worker"?, "children" -> "child"), or None when it names no people."""
    found = _NOUNS.get(_norm(word))
    return found[1] if found and found[1] in PEOPLE_CATEGORIES else None


_NOUN_MAX_WORDS: Final = max(len(f.split()) for f in _NOUNS)
_PREDICATES: Final[dict[str, str]] = {_norm(w): k for k, ws in _DATA["predicates"].items() for w in ws}
_PREDICATE_VERBS: Final[dict[str, str]] = {_norm(w): k for k, ws in _DATA["predicate_verbs"].items() for w in ws}
_NOUN_PREDICATES: Final[dict[str, str]] = dict(_DATA["noun_predicates"])
_PEOPLE_PREDICATES: Final = frozenset({"killed", "injured", "missing", "abducted", "detained", "displaced"})
_VAGUE: Final[dict[str, int]] = {_norm(k): v for k, v in _DATA["vague"].items()}
_APPROX: Final[dict[str, int]] = {_norm(k): v for k, v in _DATA["approximate"].items()}
_QUALIFIER_OF: Final[dict[str, str]] = {_norm(p): q for q, ps in _DATA["qualifiers"].items() for p in ps}
# "a number" is "a number of"; "tens", "scores", "a handful", "a couple" likewise need their "of"
_NEEDS_OF: Final = frozenset({"a number", "tens", "scores", "a handful", "a couple"})
# vague words that are a count only with a noun after them; "many" only with a noun of the lexicon
_NEEDS_NOUN: Final = frozenset({"several", "a few", "a handful", "a number", "numerous", "many", "multiple", "a couple"})

# --------------------------------------------------------------------------------------------
# Numbers: digits, and number words read by a small grammar (units, teens, tens, "hundred",
# scales, "and" after "hundred" or a scale, "dozen")

_UNITS: Final = {w: i for i, w in enumerate(_words("zero one two three four five six seven eight nine"))}
_TEENS: Final = {w: i + 10 for i, w in enumerate(_words("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"))}
_TENS: Final = {w: (i + 2) * 10 for i, w in enumerate(_words("twenty thirty forty fifty sixty seventy eighty ninety"))}
_SCALES: Final = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_NUMBER_WORDS: Final = frozenset([*_UNITS, *_TEENS, *_TENS, *_SCALES, "hundred", "dozen"])
_ARTICLE_NUMBERS: Final = frozenset({"hundred", "thousand", "million", "billion", "trillion", "dozen"})
_W = _alt(_NUMBER_WORDS)
_WORD_RUN = rf"(?:{_W})(?:(?:{_SP}and{_SP}|{_OS}-{_OS}|{_SP})(?:{_W}))*\b"
_WORD_TOKEN: Final = re.compile(rf"{_W}|and", re.IGNORECASE)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?!\d)|\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?![\d,.]?\d)|\d+(?:\.\d+)?(?!\d)"
_SPACES = str.maketrans("", "", ", \u00a0\u202f\u2009")
_MAX_COUNT: Final = 10**13

# The scan: digits, and words that can start a quantity (a trie, each word in lower case,
# Capitalised and UPPER case, which is several times faster than an IGNORECASE alternation).
_STARTERS = {*_NUMBER_WORDS, *(k.split()[0] for k in (*_VAGUE, *_APPROX)), "half", "a", "an"}
_DIGIT_SCAN: Final = re.compile(rf"(?<![\w.,])(?:{_DIGITS})")
_WORD_SCAN: Final = re.compile(rf"\b(?:{_trie({v for w in _STARTERS for v in (w, w.capitalize(), w.upper())})})\b")

# What a starter word begins, tried in this order at its position
_MULT_AT: Final = re.compile(
    rf"(?:several|a{_SP}few|many|a{_SP}handful{_SP}of|a{_SP}couple{_SP}of){_SP}(?P<unit>dozen|hundred|thousand|million|billion)s?\b",
    re.IGNORECASE,
)
_HALF_AT: Final = re.compile(rf"half{_SP}an?{_SP}(?P<unit>dozen|hundred|thousand|million)\b", re.IGNORECASE)
_VAGUE_AT: Final = re.compile(
    "|".join(
        _SP.join(map(re.escape, k.split())) + (rf"(?={_SP}of\b)" if k in _NEEDS_OF else r"\b") for k in _by_length([*_VAGUE, *_APPROX])
    ),
    re.IGNORECASE,
)
_RUN_AT: Final = re.compile(_WORD_RUN, re.IGNORECASE)
_NUMBER_AT: Final = re.compile(rf"(?P<digits>{_DIGITS})|(?P<words>\b{_WORD_RUN})", re.IGNORECASE)
_SCALE_AFTER: Final = re.compile(rf"(?:{_SP}|-)?(?P<s>thousand|million|billion|trillion|bn|mn)\b", re.IGNORECASE)
_SCALE_OF: Final = {**_SCALES, "bn": 10**9, "mn": 10**6, "m": 10**6, "b": 10**9, "k": 10**3}

# --------------------------------------------------------------------------------------------
# Context after a number: patterns matched forwards at the end of the number

_MONTHS = _words(
    "January February March April May June July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
_DATE_RIGHT: Final = re.compile(rf"(?:st|nd|rd|th)?{_SP}(?:of{_SP})?(?:{'|'.join(_MONTHS)})\b")  # case-sensitive: "may" is a verb
_AGE_RIGHT: Final = re.compile(rf"{_OS}-?{_OS}(?:years?|yrs?|months?){_OS}-?{_OS}old\b", re.IGNORECASE)
_TIME_RIGHT: Final = re.compile(rf"{_OS}(?:[ap]\.m\.|[ap]m\b|o['’]clock\b|GMT\b|UTC\b|hrs\b|h\b|local{_SP}time\b)", re.IGNORECASE)
_GROUPS_RIGHT: Final = re.compile(r"[-./]\d+[-./]\d")  # 2024-01-16, 16.01.2024, 051-920-4567
_RANGE_SEP: Final = re.compile(rf"{_OS}(?P<sep>[-–—]|to\b|or\b|and\b){_OS}", re.IGNORECASE)
_ODD_AFTER: Final = re.compile(rf"(?:-|{_SP})odd\b|{_SP}or{_SP}so\b", re.IGNORECASE)
_PLUS_AFTER: Final = re.compile(rf"\+|-plus\b|{_SP}plus\b(?!{_OS}\d)", re.IGNORECASE)
_STRONG_AFTER: Final = re.compile(r"-strong\b", re.IGNORECASE)
_OUR_HYPHEN: Final = re.compile(rf"-(?:odd|plus|strong|{_W})\b", re.IGNORECASE)
_PERCENT_AFTER: Final = re.compile(rf"{_OS}%")
_PARTITIVE: Final = re.compile(
    rf"{_SP}of{_SP}(?:(?P<rel>whom|them|which|us|you)\b|(?P<det>the|these|those|its|their|his|her|our|your)\b)", re.IGNORECASE
)
_PARTITIVE_NUMBER: Final = re.compile(rf"{_SP}(?:{_DIGITS}|{_WORD_RUN})", re.IGNORECASE)
_NOMINAL: Final = re.compile(rf"{_SP}(?P<adj>dead|killed|injured|wounded|missing|slain)\b", re.IGNORECASE)
_COPULA: Final = re.compile(rf"{_SP}(?:were|are|was|being)(?={_SP})", re.IGNORECASE)
_OF: Final = re.compile(rf"{_SP}of(?={_SP})", re.IGNORECASE)
_TOK = r"((?:[A-Z]\.){2,}|\d+(?:-[A-Za-z][A-Za-z'’]*)+|[A-Za-z][A-Za-z'’]*(?:-[A-Za-z'’]+)*)(?![\w'’-])"
_NEXT_TOKENS: Final = re.compile(f"{_SP}{_TOK}" + "".join(f"(?:{_SP}{_TOK}" for _ in range(5)) + ")?" * 5)
_PRED_RIGHT: Final = re.compile(
    rf"{_SP}(?P<aux>(?:(?:were|was|are|is|have|has|had|been|being|be|got|get|gets|reportedly|also|all|later|allegedly|now"
    rf"|already|just|subsequently|each|both|who|that|which|said|confirmed|reported|feared|believed|thought|known|to|so|far"
    rf"|then|since){_SP}){{0,4}})(?:\w+ly{_SP})?(?P<p>{_alt(_PREDICATES)})\b",
    re.IGNORECASE,
)
_INTRANSITIVE: Final = frozenset(
    {"dead", "died", "die", "dies", "missing", "perished", "unaccounted for", "confirmed dead", "declared dead"}
)
_ACTIVE_AFTER: Final = re.compile(
    rf"{_SP}(?:the|a|an|his|her|their|its|our|him|them|us|me|at{_SP}least|more{_SP}than|over|up{_SP}to|dozens|hundreds"
    rf"|scores|several|\d|{_W})\b",
    re.IGNORECASE,
)
_COMPOSITE_GAP: Final = re.compile(rf"{_OS}(?:,{_OS}(?:and{_SP})?|and{_SP}|&{_OS}|as{_SP}well{_SP}as{_SP}|plus{_SP})\Z", re.IGNORECASE)
_INCLUDE_GAP: Final = re.compile(
    rf"[^.;!?\n]{{0,80}}?(?:[,(:—–-]{_OS}|{_SP})(?:including|among{_SP}them|among{_SP}whom|among{_SP}those(?:{_SP}\w+)?"
    rf"|among{_SP}the{_SP}(?:dead|killed|victims|injured|wounded)|of{_SP}whom|of{_SP}them)(?:{_SP}(?:were|are|was|is))?{_SP}\Z",
    re.IGNORECASE,
)
_REL_GAP: Final = re.compile(rf"{_OS}(?:,|—|–|\(){_OS}\Z")

# Context before a number: patterns written backwards, matched anchored on _back(text, pos)

_ID_WORDS = _words("""Resolution Article Flight Route Highway Road Chapter Section Gate Unit Block Sector Zone Room Building Phase Level
    Grade Class Page Paragraph Para Item Law Act Bill Platform Terminal Channel Line Bus Apartment Street Precinct District Camp
    Checkpoint Brigade Division Battalion Regiment Squadron Number Version Model Vol Volume Episode Season Part Figure Fig Table
    Annex Protocol Rule Clause Stage Day Round Row Seat Tower Plot Hill Post Station Type No Nos no nos Tel tel Phone phone Fax
    fax ID Id id""")
_ID_BACK: Final = re.compile(rf"{_SP}:?\.?(?:{_rev(_ID_WORDS)})(?![\w])|{_OS}#")  # "Resolution 2334", "No. 5", "#3"
_PHONE_BACK: Final = re.compile(r"[\d \t().-]*\d\+")  # "+92 51 1234567"
_MONEY_BACK: Final = re.compile(rf"{_OS}(?:\$(?:SU|A|C|ZN|KH|S)?(?![\w])|[€£¥₹]|\.?(?:DSU|RUE|PBG|RKP|RRI|RNI|sR|MR)(?![\w]))")
_AGE_BACK: Final = re.compile(rf"{_SP}(?:neewteb{_SP}|fo{_SP})?(?:dega|sega|ega)(?![\w])", re.IGNORECASE)
_DATE_BACK: Final = re.compile(rf"{_SP}(?:eht{_SP})?\.?(?:{_rev(_MONTHS)})(?![\w])")
_YEAR_WORDS = _words("""a an in of by since until till from to during before after through the this that its their his her our year early
    late mid fiscal between and spring summer autumn fall winter""")
_YEAR_BACK: Final = re.compile(rf"{_OS}-?{_OS}(?:(?:{_rev(_YEAR_WORDS)})(?![\w])|s['’])", re.IGNORECASE)
_QUAL_BACK: Final = re.compile(rf"{_SP}(?P<q>{_rev([*_QUALIFIER_OF, 'between', 'from'])})(?![\w])", re.IGNORECASE)
_CHANGE_BACK: Final = re.compile(
    rf"{_SP}(?:\w+{_SP})?(?:{_rev(_words('rose risen rises rising increased increases climbed climbs jumped grew grown went gone fell'))}"
    rf"|{_rev(_words('fallen dropped revised raised lowered up down changed'))})(?![\w])",
    re.IGNORECASE,
)
_VERB_BACK: Final = re.compile(rf"{_SP}(?P<v>{_rev(_PREDICATE_VERBS)})(?![\w])", re.IGNORECASE)
_ONE_BACK: Final = re.compile(rf"{_SP}(?:{_rev(_words('no any every the this that which each only such one'))})(?![\w])", re.IGNORECASE)
_ARTICLE_BACK: Final = re.compile(
    rf"{_SP}(?:{_rev(_words('as like such what quite rather many half is was were are be been being become became becomes'))}"
    rf"|{_rev(_words('remains remained seemed seems'))})(?![\w])",
    re.IGNORECASE,
)
_CAPITAL_BACK: Final = re.compile(rf"{_SP}[\w-]*[A-Z](?![\w-]){_SP}[a-z,;:)]")  # "drill, Velayat 1402": a name with a number
_TOLL_LEFT: Final = re.compile(
    rf"\b(?:(?P<kind>death|casualty|fatality|injury){_SP})?(?P<toll>tolls?)\b"
    rf"(?:[^.;!?\n\d]{{0,40}}?\bfrom{_SP}[\d,]+{_SP}to{_SP}|[^.;!?\n\d]{{0,60}})\Z"
    rf"|\bnumber{_SP}of{_SP}(?P<what>dead|deaths|killed|fatalities|victims|casualties|injured|wounded|injuries)\b[^.;!?\n\d]{{0,40}}\Z",
    re.IGNORECASE,
)

# Words a noun phrase does not run through, and words in -ed that may stand before a noun
# (any other is taken for a verb: "the remaining four struck civilians")
_STOP: Final = frozenset(
    _words("""and or but nor of the a an in on at to from by with for into onto over under after before during since until as than
    that which who whom whose were was are is be been being had have has will would could should may might can did do does
    said says told including among between per each all both these those this their his her its our your my while when where
    if then so not no yet also only just about around nearly almost some any every first second third fourth fifth sixth
    seventh eighth ninth tenth half quarter dozen dozens hundreds thousands millions several few many most much less least
    towards afterwards besides perhaps whereas across unless always sometimes nevertheless""")
    + list(_NUMBER_WORDS)
)
_ED_MODIFIERS: Final = frozenset(
    {
        *(w for w in _PREDICATES if " " not in w),
        *_words("""armed unarmed masked suspected alleged unidentified trapped stranded unnamed named unaccompanied retired wanted hooded
        uniformed disguised detained displaced besieged abducted kidnapped injured wounded registered confirmed reported estimated
        unconfirmed"""),
    }
)
_PLURAL_FALLBACK: Final = re.compile(r"[a-z]{2,}[^su'’]s")
_DEMONYM: Final = re.compile(r"[A-Z][a-z]+(?:[^su'’]s|ese)")


# --------------------------------------------------------------------------------------------
# Reading one quantity


@dataclass(slots=True)
class _Draft:
    start: int
    end: int
    value: int
    low: int | None
    high: int | None
    qualifier: str
    kind: str  # digits | words | vague | article | composite
    noun: str | None = None
    noun_start: int | None = None
    noun_end: int | None = None
    category: str | None = None
    predicate: str | None = None
    rel: bool = False  # "four of whom ...": part of the count before it
    after: int = 0  # where the words after the count begin, past "of them", "of the dead"
    yearish: bool = False
    needs_noun: bool = False
    lexicon_only: bool = False
    included_in: int | None = None
    parts: tuple[Count, ...] = ()


def _parse_words(text: str, start: int, end: int, *, lead_one: bool = False) -> tuple[int, int] | None:
    """Longest grammatical prefix of the number-word run text[start:end]: (value, end offset)."""
    total, current, last = 0, (1 if lead_one else 0), ("unit" if lead_one else "")
    prev_scale = 0
    best: tuple[int, int] | None = None
    for tok in _WORD_TOKEN.finditer(text, start, end):
        w = tok.group().lower()
        if w == "and":
            if last not in ("hundred", "scale"):
                break
            last = "and"
            continue
        if w in _UNITS:
            if last == "tens":
                last = "tens_unit"
            elif last in ("", "hundred", "scale", "and") and not (w == "zero" and last):
                last = "unit"
            else:
                break
            current += _UNITS[w]
        elif w in _TEENS or w in _TENS:
            if last not in ("", "hundred", "scale", "and"):
                break
            current += _TEENS.get(w) or _TENS[w]
            last = "tens" if w in _TENS else "teen"
        elif w == "hundred":
            if last not in ("unit", "teen", "tens", "tens_unit") or not 0 < current < 100:
                break
            current *= 100
            last = "hundred"
        elif w == "dozen":
            if last not in ("unit", "teen", "tens", "tens_unit") or not 0 < current < 100:
                break
            best = (total + current * 12, tok.end())
            break
        else:  # a scale word
            scale = _SCALES[w]
            if current <= 0 or (prev_scale and scale >= prev_scale) or last == "and":
                break
            total += current * scale
            current, prev_scale, last = 0, scale, "scale"
        best = (total + current, tok.end())
    return best


def _number_at(text: str, pos: int) -> tuple[int, int, bool] | None:
    """A plain number (digits or words) starting at pos: (value, end, whether a scale word ends it)."""
    m = _NUMBER_AT.match(text, pos)
    if m is None:
        return None
    if m.lastgroup == "words":
        parsed = _parse_words(text, m.start(), m.end())
        if parsed is None:
            return None
        return parsed[0], parsed[1], text[parsed[1] - 3 : parsed[1]].lower() in ("and", "ion", "lion")
    raw = m.group()
    if len(raw) > 1 and raw[0] == "0" and raw[1] != ".":
        return None
    value = float(raw.translate(_SPACES))
    end, scaled = m.end(), False
    s = _SCALE_AFTER.match(text, end)
    if s:
        value *= _SCALE_OF[s.group("s").lower()]
        end, scaled = s.end(), True
    if not value.is_integer() or value > _MAX_COUNT:
        return None
    return int(value), end, scaled


def _compound_after(text: str, end: int) -> bool:
    """Whether a hyphen and a word follow: "a 900-kilometre border", "a two-front war", "one-third"."""
    return text.startswith("-", end) and end + 1 < len(text) and text[end + 1].isalpha() and not _OUR_HYPHEN.match(text, end)


def _read_digits(text: str, m: re.Match[str]) -> tuple[_Draft | None, int]:
    s, e = m.span()
    n = len(text)
    raw = m.group()
    c1 = text[s - 1] if s else ""
    if c1 and (c1 in "#+/:'’" or (c1 in "-–—" and s > 1 and text[s - 2].isalnum())):  # F-16, 051-920, 9/11, '90s
        return None, e
    nxt = text[e] if e < n else ""
    if nxt in ":/." and e + 1 < n and text[e + 1].isdigit():  # 10:30, 9/11, 16.01.2024
        return None, e + 1
    if nxt in "-./" and _GROUPS_RIGHT.match(text, e):
        return None, e + 1
    digits = raw.translate(_SPACES)
    if (len(raw) > 1 and raw[0] == "0" and raw[1] != ".") or (raw.isdigit() and len(raw) >= 7):  # phone numbers, codes, ids
        return None, e
    back = _back(text, s, 24)
    if back and back[0] in " \t$€£¥₹#.:" and (_PHONE_BACK.match(back) or _ID_BACK.match(back) or _AGE_BACK.match(back)):
        return None, e
    money = _MONEY_BACK.match(back) if back else None
    value = float(digits)
    end = e
    if nxt.isalpha():
        j = e
        while j < n and text[j].isalnum():
            j += 1
        suffix = text[e:j].lower()
        if suffix not in ("bn", "mn") and not (money and suffix in ("m", "b", "k")):
            return None, j  # ordinals (21st), times (3pm), decades (1990s), measures (5km), ids (4G, 30x30)
        value *= _SCALE_OF[suffix]
        end = j
    elif nxt in " -\t\u00a0tmbTMB":
        sc = _SCALE_AFTER.match(text, e)
        if sc:
            value *= _SCALE_OF[sc.group("s").lower()]
            end = sc.end()
    if not value.is_integer() and end == e and (r := _decimal_range(text, value, s, end)) is not None:
        return _Draft(s, r[2], r[0], r[0], r[1], "range", "digits"), r[2]
    if not value.is_integer() or value > _MAX_COUNT:
        return None, end
    v = int(value)
    if _TIME_RIGHT.match(text, end) or _AGE_RIGHT.match(text, end) or _compound_after(text, end):
        return None, end
    if v <= 31 and (_DATE_RIGHT.match(text, end) or (back and _DATE_BACK.match(back))):
        return None, end
    yearish = len(raw) == 4 and raw.isdigit() and 1800 <= v <= 2099 and end == e
    if yearish and back and _DATE_BACK.match(back):  # "January 2024"
        return None, end
    d = _Draft(s, end, v, v, v, "exact", "digits", yearish=yearish)
    if money is not None:
        d.start, d.category = s - money.end(), "money"
    pm = _PERCENT_AFTER.match(text, end)
    if pm:
        d.category, d.noun, d.noun_start, d.noun_end = "percent", "percent", pm.end() - 1, pm.end()
    return d, end


def _read_words(text: str, m: re.Match[str], *, lead_one: bool = False, start: int | None = None) -> tuple[_Draft | None, int]:
    parsed = _parse_words(text, m.start(), m.end(), lead_one=lead_one)
    if parsed is None:
        return None, m.start() + 1
    s = m.start() if start is None else start
    v, e = parsed
    if _compound_after(text, e) or _AGE_RIGHT.match(text, e):
        return None, e  # "two-front", "three-day", "one-third", "twenty-three-year-old"
    back = _back(text, s, 24)
    if back and (_AGE_BACK.match(back) or _ID_BACK.match(back)):
        return None, e
    one = v == 1 and start is None
    if one and _ONE_BACK.match(back):  # "no one", "the one", "which one"
        return None, e
    d = _Draft(s, e, v, v, v, "exact", "words", needs_noun=one)
    pm = _PERCENT_AFTER.match(text, e)
    if pm:
        d.category, d.noun, d.noun_start, d.noun_end = "percent", "percent", pm.end() - 1, pm.end()
    return d, e


def _read_vague(text: str, m: re.Match[str], kind: str) -> _Draft:
    s, e = m.span()
    key = _norm(m.group())
    if kind in ("mult", "half"):
        unit = m.group("unit").lower()
        scale = 12 if unit == "dozen" else 100 if unit == "hundred" else _SCALES[unit]
        if kind == "half":
            return _Draft(s, e, scale // 2, scale // 2, scale // 2, "exact", "words")
        if key.startswith("a couple"):
            d = _Draft(s, e, 2 * scale, None, None, "about", "vague")
        else:  # "several hundred": the unit, as ACLED codes "hundreds"
            d = _Draft(s, e, scale, scale, None, "vague", "vague")
        sc = _SCALE_AFTER.match(text, e)  # "several hundred thousand"
        if sc and sc.group("s").lower() in _SCALES:
            f = _SCALES[sc.group("s").lower()]
            d.value, d.low, d.end = d.value * f, (d.low * f if d.low is not None else None), sc.end()
        return d
    if key in _APPROX:
        return _Draft(s, e, _APPROX[key], None, None, "about", "vague", needs_noun=True)
    v = _VAGUE[key]
    return _Draft(s, e, v, v, None, "vague", "vague", needs_noun=key in _NEEDS_NOUN, lexicon_only=key == "many")


def _read_article(text: str, m: re.Match[str]) -> tuple[_Draft | None, int]:
    s, e = m.span()
    j = e
    while j < len(text) and text[j] in " \t\u00a0":
        j += 1
    if j == e:
        return None, e
    w = _NUMBER_AT.match(text, j)
    if w is not None and w.lastgroup == "words" and text[w.start() : w.end()].split()[0].lower() in _ARTICLE_NUMBERS:
        return _read_words(text, w, lead_one=True, start=s)  # "a hundred", "a dozen"
    d = _Draft(s, e, 1, 1, 1, "exact", "article")
    if not _attach_noun(text, d) or d.noun_start is None or d.category not in PEOPLE_CATEGORIES:
        return None, e
    if _ARTICLE_BACK.match(_back(text, s, 16)):  # "as a child", "he was a soldier"
        return None, e
    return d, e


def _apply_prefix(text: str, d: _Draft) -> str:
    """Apply a bound before the number ("at least", "nearly"); return "between" or "from" for a range, "change" for "rose from"."""
    q = _QUAL_BACK.match(_back(text, d.start, 32))
    if q is None:
        return ""
    phrase = _norm(q.group("q")[::-1])
    if phrase in ("between", "from"):
        return "change" if phrase == "from" and _CHANGE_BACK.match(_back(text, d.start - q.end(), 32)) else phrase
    d.start -= q.end()
    if d.qualifier != "exact":
        return ""  # "about dozens": the bound words join the span, the coding stays
    v, kind = d.value, _QUALIFIER_OF[phrase]
    if kind == "at_least":
        d.low, d.high = v, None
    elif kind == "more_than":
        d.low, d.high = v + 1, None
    elif kind == "at_most":
        d.low, d.high = None, v
    elif kind == "fewer_than":
        d.low, d.high = None, v - 1
    elif kind == "nearly":
        d.low, d.high, kind = None, v - 1, "about"
    else:
        d.low, d.high = None, None
    d.qualifier = kind
    return ""


def _extend_range(text: str, d: _Draft, lead: str) -> None:
    if d.qualifier == "range":  # a range read with the number ("1.5 to 2 million")
        _range_lead(text, d, lead)
        return
    sep = _RANGE_SEP.match(text, d.end)
    if sep is None or lead == "change":  # "rose from 9 to 11" is two tolls, not a range
        return
    word = sep.group("sep").lower()
    if word == "and" and lead != "between":
        return
    second = _number_at(text, sep.end())
    if second is None:
        return
    high, end, scaled = second
    low = d.value
    if scaled and low < 1000 <= high and (d.kind == "words" or "," not in text[d.start : d.end]):
        # "1.5 to 2 million", "between two and three thousand": the scale word is shared
        for f in (10**12, 10**9, 10**6, 10**3):
            if high % f == 0 and low < high // f:
                low *= f
                break
    if high <= low or (word == "or" and high > max(3 * low, low + 10)):
        return
    d.low, d.high, d.value, d.qualifier, d.end = low, high, low, "range", end
    _range_lead(text, d, lead)


def _range_lead(text: str, d: _Draft, lead: str) -> None:
    if lead in ("between", "from"):
        q = _QUAL_BACK.match(_back(text, d.start, 32))
        d.start -= q.end() if q else 0


def _decimal_range(text: str, value: float, start: int, end: int) -> tuple[int, int, int] | None:
    """ "1.5 to 2 million", "between 1.5 and 2 million": a decimal low end that shares the scale word of the high end."""
    sep = _RANGE_SEP.match(text, end)
    if sep is None or (sep.group("sep").lower() == "and" and not _back(text, start, 12).lower().startswith(" neewteb")):
        return None
    second = _number_at(text, sep.end())
    if second is None or not second[2]:
        return None
    sc = _SCALE_AFTER.search(text, sep.end(), second[1])
    if sc is None:
        return None
    low = value * _SCALE_OF[sc.group("s").lower()]
    if not low.is_integer() or not low < second[0]:
        return None
    return int(low), second[0], second[1]


def _extend_suffix(text: str, d: _Draft) -> None:
    m = _ODD_AFTER.match(text, d.end)
    if m:  # "100-odd" is a hundred and some; "100 or so" may be a few under
        d.qualifier, d.low, d.high, d.end = "about", (d.value if "odd" in m.group().lower() else None), None, m.end()
        return
    m = _PLUS_AFTER.match(text, d.end)
    if m:
        d.qualifier, d.low, d.high, d.end = "at_least", d.value, None, m.end()
        return
    m = _STRONG_AFTER.match(text, d.end)
    if m:
        d.end = m.end()


def _next_tokens(text: str, pos: int) -> list[tuple[str, int, int]]:
    m = _NEXT_TOKENS.match(text, pos)
    if m is None:
        return []
    return [(m.group(i), m.start(i), m.end(i)) for i in range(1, 7) if m.group(i) is not None]


def _noun_from_tokens(d: _Draft, toks: list[tuple[str, int, int]]) -> bool:
    """Find the head noun among the words after a count: the lexicon first (up to three modifiers before it), then fallbacks."""
    for i in range(min(len(toks), 4)):
        for k in range(min(_NOUN_MAX_WORDS, len(toks) - i), 0, -1):
            form = " ".join(t[0] for t in toks[i : i + k]).lower()
            hit = _NOUNS.get(form)
            if hit is not None and form == hit[0] and i + k < len(toks) and _modifies(toks[i + k][0], plural=d.value != 1):
                break  # a singular noun before another noun modifies it: "a police station", "a child soldier"
            if hit is not None:
                d.noun, d.category = hit
                d.noun_start, d.noun_end = toks[i][1], toks[i + k - 1][2]
                if d.predicate is None:
                    for mod in toks[:i]:  # "three injured Pakistanis", "two wounded soldiers"
                        d.predicate = d.predicate or _PREDICATES.get(mod[0].lower())
                return True
        w = toks[i][0]
        lw = w.lower()
        if (
            lw in _STOP
            or lw.partition("-")[0] in _STOP
            or (lw.endswith("ed") and w[0].islower() and "-" not in w and lw not in _ED_MODIFIERS)
        ):
            break
    if d.lexicon_only or not toks:
        return False
    # fallbacks: a capitalised plural ("three Pakistanis"), or a plain plural ("seven targets")
    for i in range(min(2, len(toks))):
        w, ws, we = toks[i]
        if i == 1 and toks[0][0].lower() in _STOP:
            break
        if _DEMONYM.fullmatch(w):
            d.noun, d.category = w.lower().removesuffix("s"), "person"
        elif i == 0 and d.value != 1 and _PLURAL_FALLBACK.fullmatch(w) and w not in _STOP and w not in _PREDICATES:
            d.noun = _singular(w)
        else:
            continue
        d.noun_start, d.noun_end = ws, we
        if i == 1 and d.predicate is None:
            d.predicate = _PREDICATES.get(toks[0][0].lower())
        return True
    return False


def _modifies(nxt: str, *, plural: bool) -> bool:
    """Whether the word after a singular noun makes that noun a modifier ("a police station", "multiple rocket launchers").

    The word must be lower case and not look like a verb; after one ("a man walks") a word in -s is taken for a verb,
    after more than one ("two rocket launchers") for the plural head noun.
    """
    lw = nxt.lower()
    verbish = ("ed", "ing", "ly") if plural else ("s", "ed", "ing", "ly")
    return nxt[0].islower() and lw not in _STOP and lw not in _PREDICATES and not lw.endswith(verbish)


def _singular(w: str) -> str:
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "xes", "sses", "zes")):
        return w[:-2]
    return w[:-1]


def _attach_noun(text: str, d: _Draft) -> bool:
    """Set the noun of a count (after it, or after a partitive "of the"); False if it is no count."""
    pos = d.end
    part = _PARTITIVE.match(text, pos)
    if part is not None:
        if d.value == 1 and d.kind != "vague":
            return False  # "one of the", "one of them"
        d.after = part.end()
        d.needs_noun = False  # "several of the ...": a count, even of something unnamed
        if part.group("rel"):
            d.rel = part.group("rel").lower() in ("whom", "them")
            cop = _COPULA.match(text, part.end())
            if cop is not None and _noun_from_tokens(d, _next_tokens(text, cop.end())):
                d.after = d.noun_end or d.after
            return True
        nominal = _NOMINAL.match(text, part.end())
        if nominal is not None:  # "three of the dead"
            d.noun, d.category = "person", "person"
            d.noun_start, d.noun_end = nominal.start("adj"), nominal.end("adj")
            d.predicate = _PREDICATES[nominal.group("adj").lower()]
            return True
        skip = _PARTITIVE_NUMBER.match(text, part.end())  # "two of the three hostages"
        _noun_from_tokens(d, _next_tokens(text, skip.end() if skip else part.end()))
        return True
    if d.kind == "vague":
        of = _OF.match(text, pos)  # "dozens of people"
        if of is not None:
            pos = of.end()
    _noun_from_tokens(d, _next_tokens(text, pos))
    return True


def _attach_predicate(text: str, d: _Draft) -> None:
    """Set what happened to the counted, from the words after the count, before it, or a death toll."""
    if d.category is not None and d.category not in PEOPLE_CATEGORIES:
        return
    if d.predicate is None:
        after = max(d.end, d.after, d.noun_end or 0)
        m = _PRED_RIGHT.match(text, after)
        if m is not None:
            p = _norm(m.group("p"))
            if m.group("aux") or p in _INTRANSITIVE or not _ACTIVE_AFTER.match(text, m.end()):  # not "gunmen killed two soldiers"
                d.predicate = _PREDICATES[p]
    if d.predicate is None:
        v = _VERB_BACK.match(_back(text, d.start, 32))
        if v is not None:
            d.predicate = _PREDICATE_VERBS[_norm(v.group("v")[::-1])]
    if d.noun is None or d.category == "person":
        lo = max(0, d.start - 90)
        window = text[lo : d.start].lower()
        t = _TOLL_LEFT.search(text, lo, d.start) if "toll" in window or "number of" in window else None
        if t is not None:
            kind = (t.group("kind") or t.group("what") or "death").lower()
            pred = "injured" if kind in ("injury", "injured", "wounded", "injuries") else None if kind.startswith("casualt") else "killed"
            if d.noun is None:
                d.noun, d.category = ("death" if pred == "killed" else "injury" if pred else "casualty"), "person"
                g = "kind" if t.group("kind") else "toll" if t.group("toll") else "what"
                d.noun_start, d.noun_end = t.start(g), t.end(g)
            d.predicate = d.predicate or pred
    if d.predicate is None and d.noun is not None:
        d.predicate = _NOUN_PREDICATES.get(d.noun)
    if d.noun is None and d.predicate in _PEOPLE_PREDICATES:
        d.noun, d.category = "person", "person"  # "three were injured", "9 dead", "killing 3"


def _read(text: str, m: re.Match[str]) -> tuple[_Draft | None, int]:
    """Read the quantity a scan match starts: (the draft count or None, where to scan on)."""
    if m.re is _DIGIT_SCAN:
        d, nxt = _read_digits(text, m)
    else:
        s = m.start()
        lw = m.group().lower()
        if (v := _MULT_AT.match(text, s)) is not None:
            d, nxt = _read_vague(text, v, "mult"), v.end()
        elif lw == "half" and (v := _HALF_AT.match(text, s)) is not None:
            d, nxt = _read_vague(text, v, "half"), v.end()
        elif (v := _VAGUE_AT.match(text, s)) is not None:
            d, nxt = _read_vague(text, v, "vague"), v.end()
        elif lw in _NUMBER_WORDS and (v := _RUN_AT.match(text, s)) is not None:
            d, nxt = _read_words(text, v)
        elif lw in ("a", "an"):
            d, nxt = _read_article(text, m)
        else:
            return None, m.end()
    if d is None:
        return None, max(nxt, m.start() + 1)
    if d.kind != "article":
        lead = _apply_prefix(text, d)
        if d.kind in ("digits", "words") and d.category is None:
            _extend_range(text, d, lead)
            if d.qualifier == "exact":
                _extend_suffix(text, d)
        if d.qualifier == "range" and d.high is not None and d.high <= 31 and _DATE_RIGHT.match(text, d.end):
            return None, d.end  # "16-18 January"
        if d.category is None and not _attach_noun(text, d):
            return None, d.end
    _attach_predicate(text, d)
    if d.needs_noun and d.noun is None and d.predicate is None:
        return None, d.end  # a bare "one", "several"
    if d.yearish and (d.category not in _YEAR_NOUNS or _YEAR_BACK.match(_back(text, d.start, 24))):
        return None, d.end  # "in 2024", "the 2019 bombing"
    if (
        d.kind == "digits"
        and d.noun is None
        and d.predicate is None
        and d.category is None
        and _CAPITAL_BACK.match(_back(text, d.start, 40))
    ):
        return None, d.end  # "Velayat 1402": a name with a number
    return d, d.end


# --------------------------------------------------------------------------------------------
# Across quantities: composites and inclusions


def _count(text: str, d: _Draft) -> Count:
    return Count(
        d.start,
        d.end,
        text[d.start : d.end],
        d.value,
        d.low,
        d.high,
        d.qualifier,
        d.noun,
        d.noun_start,
        d.noun_end,
        d.category,
        d.predicate,
        d.included_in,
        d.parts,
    )


def _sum(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _joinable(text: str, a: _Draft, b: _Draft) -> bool:
    return (
        a.category in PEOPLE_CATEGORIES
        and b.category in PEOPLE_CATEGORIES
        and a.qualifier not in ("vague", "range")
        and b.qualifier not in ("vague", "range")
        and a.noun_end is not None
        and b.noun_start is not None
        and a.noun_end > a.end  # the nouns follow their numbers
        and b.noun_start > b.end
        and b.start >= a.noun_end
        and not (a.rel or b.rel)
        and _COMPOSITE_GAP.match(text, a.noun_end, b.start) is not None
    )


def _composites(text: str, drafts: list[_Draft]) -> list[_Draft]:
    """Merge runs of people counts joined by commas and "and" into one count each."""
    out: list[_Draft] = []
    i = 0
    while i < len(drafts):
        j = i
        while j + 1 < len(drafts) and _joinable(text, drafts[j], drafts[j + 1]):
            j += 1
        if j == i:
            out.append(drafts[i])
            i += 1
            continue
        group = drafts[i : j + 1]
        predicate = next((g.predicate for g in group if g.predicate), None)
        for g in group:
            g.predicate = g.predicate or predicate
        parts = tuple(_count(text, g) for g in group)
        quals = {p.qualifier for p in parts} - {"exact"}
        q = "exact" if not quals else quals.pop() if len(quals) == 1 else "about"
        q = {"more_than": "at_least", "fewer_than": "at_most"}.get(q, q)
        nouns = {p.noun for p in parts}
        c = _Draft(
            group[0].start,
            group[-1].noun_end or group[-1].end,
            sum(p.value or 0 for p in parts),
            _sum([p.low for p in parts]),
            _sum([p.high for p in parts]),
            q,
            "composite",
        )
        c.noun, c.category = (parts[0].noun, parts[0].category) if len(nouns) == 1 else ("person", "person")
        c.predicate, c.parts = predicate, parts
        out.append(c)
        i = j + 1
    return out


def _inclusions(text: str, drafts: list[_Draft]) -> None:
    """Mark counts introduced by "including", "among them", "of whom" as part of the count before them."""
    for prev, d in itertools.pairwise(drafts):
        if prev.category not in PEOPLE_CATEGORIES or not (d.category in PEOPLE_CATEGORIES or d.rel):
            continue
        prev_end = max(prev.end, prev.noun_end or 0)
        if d.start < prev_end:
            continue
        gap = _REL_GAP if d.rel else _INCLUDE_GAP
        if gap.match(text, prev_end, d.start) and (d.value <= prev.value or prev.qualifier in ("more_than", "at_least", "vague")):
            d.included_in = prev.start
            d.predicate = d.predicate or prev.predicate
            if d.noun is None:
                d.noun, d.category = "person", "person"


def _candidates(text: str) -> Iterator[re.Match[str]]:
    return heapq.merge(_DIGIT_SCAN.finditer(text), _WORD_SCAN.finditer(text), key=lambda m: m.start())


def find_counts(text: str, *, people_only: bool = False) -> list[Count]:
    """Every count in ``text``, in order; with ``people_only``, only the counts of people."""
    drafts: list[_Draft] = []
    pos = 0
    for m in _candidates(text):
        if m.start() < pos:
            continue
        d, pos = _read(text, m)
        if d is not None:
            while drafts and drafts[-1].end > d.start:  # a bound took an earlier count's words ("as many as several"): it wins
                drafts.pop()
            drafts.append(d)
    drafts = _composites(text, drafts)
    _inclusions(text, drafts)
    counts = [_count(text, d) for d in drafts]
    return [c for c in counts if c.is_people] if people_only else counts
