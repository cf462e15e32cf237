"""Time expressions: find them in cleaned text and resolve each to a calendar interval.

Patterns find the spans; only found spans are handed to dateparser (never whole
sentences), so that a number elsewhere cannot become a date. Resolution follows the
anchoring rules newsroom annotators use (TimeML/HeidelTime conventions for news):

- full dates ("16 January 2024", "Jan. 16, 2024", "2024-01-16") stand on their own;
- a year-less date ("January 16") takes the publication year, or the year before when that
  would put a past-tense sentence in the future of its publication;
- weekday names anchor on the publication day: the day itself when it is that weekday,
  else the most recent such day before it, or the next one when the sentence speaks of the
  future ("will", "next Tuesday");
- deictic words ("yesterday", "last week", "earlier this month", "three days ago")
  anchor on the publication day and give days, weeks, months or years;
- narrative offsets ("the next day", "two days later", "a week after") anchor on the day
  the narrative last named; with no such day they stay unresolved (dates null) rather than
  guessed.

The hand-written part is the anchoring, which no library does: dateparser resolves
"Tuesday" against the clock of the machine, not against the article's own date and tense.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from ..clean.dates import DATE_RE, parse_day

__all__ = ["TimeMention", "find_times"]

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m} | {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
_MONTHS["sept"] = 9
# Month names are matched with a capital initial so that "may" and "march" (verbs) do not count.
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_NUM = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_UNIT = r"(?:day|week|month|year)s?"

# Full dates come from clean.dates (shared with metadata parsing); it also accepts "January 16 , 2024" there.
_FULL = DATE_RE
_MONTH_DAY = re.compile(rf"\b(?:{_MONTH}\s+{_DAY}|{_DAY}\s+(?:of\s+)?{_MONTH})(?![\w-])(?!\s*,?\s*{_YEAR})")
_MONTH_YEAR = re.compile(rf"\b(?:(?:early|mid|late)-?\s*)?{_MONTH}\s*,?\s+(?:of\s+)?{_YEAR}\b")
# For these two, the preposition is context, not part of the span: the span is the group "t".
_MONTH_ALONE = re.compile(rf"\b(?:in|since|during|until|by|from|of|through|early|mid|late|mid-)\s+(?:-\s*)?(?P<t>{_MONTH})(?![\w-])")
_YEAR_ALONE = re.compile(
    rf"\b(?:[Ii]n|of|by|[Ss]ince|[Uu]ntil|[Dd]uring|[Bb]efore|[Aa]fter)\s+(?P<t>(?:early |late |mid-)?{_YEAR})\b"
    r"(?![\s,]*(?:people|persons|troops|soldiers|deaths|casualties|%))"
)
_WEEKDAY_RE = re.compile(rf"\b(?:(?P<mod>last|next|this|Last|Next|This)\s+)?(?P<day>{_WEEKDAY})(?:'s|’s)?\b")
_DEICTIC = re.compile(
    r"\b(?:(?P<today>today|tonight|this (?:morning|afternoon|evening))"
    r"|(?P<yesterday>yesterday|last night)"
    r"|(?P<tomorrow>tomorrow)"
    rf"|(?P<rel>(?:last|this|next|earlier this|later this|past) (?:week|month|year))"
    rf"|(?P<ago>{_NUM} {_UNIT} ago))\b",
    re.IGNORECASE,
)
_NARRATIVE = re.compile(
    rf"\b(?:(?P<next>the (?:next|following) (?:day|morning|evening|night)|the day after|a day later|the previous day|the day before)"
    rf"|(?P<offset>{_NUM} {_UNIT} (?P<dir>later|after|earlier|before)))\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(r"\b(?:will|shall|'ll|going to|is due|are due|scheduled|plans? to|expected to|next)\b", re.IGNORECASE)
_ANCHOR_GAP = re.compile(r"\s+(?:the\s+|that\s+)?")
_SENTENCE_END = re.compile(r"[.!?]\s|\n")


@dataclass(frozen=True, slots=True)
class TimeMention:
    """A time expression in a text and the calendar interval it names (dates null when unresolved)."""

    start: int
    end: int
    text: str
    date_start: date | None
    date_end: date | None
    precision: str | None  # day, week, month, year
    anchor: str  # absolute, publication, narrative, unresolved

    @property
    def day(self) -> date | None:
        """The single day this names, when its precision is a day."""
        return self.date_start if self.precision == "day" else None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (ISO dates)."""
        d = asdict(self)
        d["date_start"] = self.date_start.isoformat() if self.date_start else None
        d["date_end"] = self.date_end.isoformat() if self.date_end else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TimeMention:
        """Rebuild a mention from :meth:`to_dict` output."""
        d = dict(d)
        for k in ("date_start", "date_end"):
            d[k] = date.fromisoformat(d[k]) if d.get(k) else None
        return cls(**d)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _shift(day: date, n: int, unit: str) -> date:
    unit = unit.lower().rstrip("s")  # lower case first: "DAYS" is days
    if unit == "day":
        return day + timedelta(days=n)
    if unit == "week":
        return day + timedelta(weeks=n)
    months = day.year * 12 + day.month - 1 + (n if unit == "month" else 12 * n)
    y, m = divmod(months, 12)
    return date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def _month_interval(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _week_interval(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around ``[start, end)``: enough context to read its tense."""
    left = max((m.end() for m in _SENTENCE_END.finditer(text, max(0, start - 400), start)), default=max(0, start - 400))
    right = _SENTENCE_END.search(text, end)
    return text[left : right.start() if right else min(len(text), end + 400)]


def _future(text: str, start: int, end: int) -> bool:
    return bool(_FUTURE.search(_sentence(text, start, end)))


def _month_number(name: str) -> int:
    return _MONTHS[name.rstrip(".").lower()]


class _Resolver:
    """Resolves found spans in text order, remembering the narrative's last named day."""

    def __init__(self, text: str, published: date | None) -> None:
        self.text = text
        self.published = published
        self.narrative: date | None = None
        self.year: int | None = None  # of the last full date stated

    def reference(self, m: re.Match[str], base: date) -> TimeMention:
        """ "X on Thursday, a day after Y": the offset dates Y, the event it names, back from X's day.

        The expression says X happened N days after Y; X's day is the one the sentence already
        named (or the publication day, in a report's lead), so Y is N days before it. The
        narrative's day is not moved: Y is recalled, not where the story goes on.
        """
        keep = self.narrative
        self.narrative = base
        try:
            found = self._narrative(m)
            day = base - (found[0] - base) if found is not None and found[2] == "day" else None
        except (OverflowError, ValueError):  # a day before year 1 or after 9999 stays unresolved
            day = None
        self.narrative = keep
        if day is None:
            return TimeMention(m.start(), m.end(), m.group(0), None, None, None, "unresolved")
        return TimeMention(m.start(), m.end(), m.group(0), day, day, "day", "narrative")

    def mention(self, m: re.Match[str], *, kind: str) -> TimeMention:
        start, end, quote = m.start(), m.end(), m.group(0)
        try:
            resolved = getattr(self, "_" + kind)(m)
        except (OverflowError, ValueError):  # a day before year 1 or after 9999 stays unresolved
            resolved = None
        if resolved is None:
            return TimeMention(start, end, quote, None, None, None, "unresolved")
        lo, hi, precision, anchor = resolved
        if precision == "day" and anchor != "publication-deictic":
            self.narrative = lo
        if anchor == "absolute" and precision in ("day", "month"):
            self.year = lo.year
        return TimeMention(start, end, quote, lo, hi, precision, anchor.removesuffix("-deictic"))

    # each resolver returns (start, end, precision, anchor) or None

    def _full(self, m: re.Match[str]) -> tuple[date, date, str, str] | None:
        day = parse_day(re.sub(r"\s+,", ",", m.group(0)))
        return (day, day, "day", "absolute") if day else None

    def _month_day(self, m: re.Match[str]) -> tuple[date, date, str, str] | None:
        quote = re.sub(r"\s+", " ", m.group(0))
        if self.published is None:
            # no publication date (an encyclopedia entry): the year of the date the narrative last stated
            if self.year is None:
                return None
            day = parse_day(f"{quote} {self.year}")
            return (day, day, "day", "narrative") if day else None
        day = parse_day(f"{quote} {self.published.year}")
        if day is None:
            return None
        if day > self.published and not _future(self.text, m.start(), m.end()):
            day = parse_day(f"{quote} {self.published.year - 1}")
            if day is None:  # 29 February of a non-leap year
                return None
        return day, day, "day", "publication"

    def _month_year(self, m: re.Match[str]) -> tuple[date, date, str, str] | None:
        month = re.search(_MONTH, m.group(0))
        year = re.search(_YEAR, m.group(0))
        if not month or not year:
            return None
        lo, hi = _month_interval(int(year.group(0)), _month_number(month.group(0)))
        return lo, hi, "month", "absolute"

    def _month_alone(self, m: re.Match[str]) -> tuple[date, date, str, str] | None:
        if self.published is None:
            return None
        month = _month_number(m.group("t"))
        year = self.published.year
        if month > self.published.month and not _future(self.text, m.start(), m.end()):
            year -= 1
        lo, hi = _month_interval(year, month)
        return lo, hi, "month", "publication"

    def _year_alone(self, m: re.Match[str]) -> tuple[date, date, str, str] | None:
        year = int(re.search(_YEAR, m.group(0)).group(0))  # type: ignore[union-attr]
        return date(year, 1, 1), date(year, 12, 31), "year", "absolute"

    def _weekday(self, m: re.Match[str]) -> tuple[date, date, str, str] | None:
        if self.published is None:
            return None
        modifier = (m.group("mod") or "").lower()
        target = _WEEKDAYS.index(m.group("day").lower())
        pub = self.published
        back = (pub.weekday() - target) % 7  # days back to the most recent such weekday (0: today)
        if modifier == "next" or (modifier != "last" and _future(self.text, m.start(), m.end())):
            ahead = (target - pub.weekday()) % 7 or 7
            day = pub + timedelta(days=ahead)
        elif modifier == "last":
            day = pub - timedelta(days=back or 7)
        else:
            day = pub - timedelta(days=back)
        return day, day, "day", "publication"

    def _deictic(self, m: re.Match[str]) -> tuple[date, date, str, str] | None:
        pub = self.published
        if pub is None:
            return None
        if m.group("today"):
            return pub, pub, "day", "publication-deictic"
        if m.group("yesterday"):
            day = pub - timedelta(days=1)
            return day, day, "day", "publication"
        if m.group("tomorrow"):
            day = pub + timedelta(days=1)
            return day, day, "day", "publication"
        if m.group("ago"):
            n, unit, _ = m.group("ago").lower().split()  # "Three DAYS ago": the unit in lower case, as precision
            day = _shift(pub, -_number(n), unit)
            return (day, day, "day", "publication") if unit.startswith("day") else (day, day, unit.rstrip("s"), "publication")
        which, unit = m.group("rel").lower().rsplit(" ", 1)
        step = {"last": -1, "past": -1, "next": 1}.get(which, 0)
        if unit == "week":
            lo, hi = _week_interval(pub + timedelta(weeks=step))
        elif unit == "month":
            first = _shift(pub.replace(day=1), step, "month")
            lo, hi = _month_interval(first.year, first.month)
        else:
            lo, hi = date(pub.year + step, 1, 1), date(pub.year + step, 12, 31)
        if which == "past":  # "the past week": the seven days up to publication
            lo, hi = _shift(pub, -1, unit), pub
        elif which == "earlier this":
            hi = pub
        elif which == "later this":
            lo = pub
        return lo, hi, unit, "publication"

    def _narrative(self, m: re.Match[str]) -> tuple[date, date, str, str] | None:
        base = self.narrative
        if base is None:
            return None
        if m.group("next"):
            phrase = m.group("next").lower()
            day = base - timedelta(days=1) if ("previous" in phrase or "before" in phrase) else base + timedelta(days=1)
            return day, day, "day", "narrative"
        n, unit = _number(m.group("offset").split()[0]), m.group("offset").split()[1]
        sign = 1 if m.group("dir").lower() in ("later", "after") else -1
        day = _shift(base, sign * n, unit)
        unit = unit.lower().rstrip("s")  # lower case first: "two WEEKS later" is weeks
        if unit in ("day", "week"):  # "a week later" means seven days later
            return day, day, "day", "narrative"
        lo, hi = _month_interval(day.year, day.month) if unit == "month" else (date(day.year, 1, 1), date(day.year, 12, 31))
        return lo, hi, unit, "narrative"


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("full", _FULL),
    ("month_year", _MONTH_YEAR),
    ("month_day", _MONTH_DAY),
    ("narrative", _NARRATIVE),
    ("deictic", _DEICTIC),
    ("weekday", _WEEKDAY_RE),
    ("month_alone", _MONTH_ALONE),
    ("year_alone", _YEAR_ALONE),
)


def _join_weekdays(text: str, taken: list[tuple[int, int, str, re.Match[str]]]) -> list[tuple[int, int, str, re.Match[str]]]:
    """A weekday right before a date ("Thursday July 7", "Friday, 4 February 2005") is part of that date."""
    out: list[tuple[int, int, str, re.Match[str]]] = []
    for item in taken:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev[2] == "weekday"
            and item[2] in ("full", "month_day")
            and not prev[3].group("mod")
            and re.fullmatch(r"\s*,?\s*", text[prev[1] : item[0]])
        ):
            out[-1] = (prev[0], item[1], item[2], item[3])
        else:
            out.append(item)
    return out


def find_times(text: str, *, published: date | None = None) -> list[TimeMention]:
    """Return every time expression in ``text``, resolved against ``published``, in text order."""
    taken: list[tuple[int, int, str, re.Match[str]]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if "t" in m.groupdict():  # the span is the time words, not the preposition before them
                s, e = m.span("t")
            if all(e <= ts or s >= te for ts, te, _, _ in taken):
                taken.append((s, e, kind, m))
    taken.sort(key=lambda t: t[0])
    taken = _join_weekdays(text, taken)
    resolver = _Resolver(text, published)
    out: list[TimeMention] = []
    ahead: TimeMention | None = None
    for i, (s, e, kind, m) in enumerate(taken):
        if ahead is not None:  # resolved already, as the anchor of the offset before it
            out.append(ahead)
            ahead = None
            continue
        if kind == "narrative" and m.group("dir") and m.group("dir").lower() in ("after", "before"):
            ns, ne, nkind, nm = taken[i + 1] if i + 1 < len(taken) else (len(text), len(text), "", m)
            if i + 1 < len(taken) and _ANCHOR_GAP.fullmatch(text[e:ns]):  # "four weeks after the 7 July attacks": anchored on that date
                ahead = _respan(resolver.mention(nm, kind=nkind), ns, ne, text)
                if ahead.day is not None:
                    resolver.narrative = ahead.day
            else:
                base = _clause_day(text, out, s) or (None if resolver.narrative else published)
                if base is not None:
                    out.append(_respan(resolver.reference(m, base), s, e, text))
                    continue
        out.append(_respan(resolver.mention(m, kind=kind), s, e, text))
    return out


def _clause_day(text: str, found: list[TimeMention], start: int) -> date | None:
    """The day named earlier in the same sentence ("on Thursday, a day after ..."), if any."""
    if not found or found[-1].day is None:
        return None
    between = text[found[-1].end : start]
    return found[-1].day if len(between) <= 80 and not re.search(r"[.!?]\s|\n", between) else None


def _respan(found: TimeMention, start: int, end: int, text: str) -> TimeMention:
    if (start, end) == (found.start, found.end):
        return found
    return TimeMention(start, end, text[start:end], found.date_start, found.date_end, found.precision, found.anchor)
