"""Finding full calendar dates in a line, and parsing each found span with dateparser.

Only spans that this module's patterns found are handed to dateparser (never whole lines),
so that a number elsewhere in the line cannot become a date.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE_RE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\s*,?\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\s*,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})\b",
    re.IGNORECASE,
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_RE = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:'s|’s)?\b")


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A full date found in a text: where, what it says, and the day it names."""

    start: int
    end: int
    quote: str
    day: date


_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _iso_day(m: re.Match[str]) -> date | None:
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _dateparser_day(text: str) -> date | None:
    """Hand a found date string to dateparser; only full dates (day, month, year) count."""
    import dateparser  # imported here: loading it costs a second and few runs need it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = dateparser.parse(
            text,
            languages=["en"],
            settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False},
        )
    return parsed.date() if parsed else None


@lru_cache(maxsize=4096)
def parse_day(span: str) -> date | None:
    """Parse one found date span to a calendar day (None when it names no valid day)."""
    iso = _ISO.fullmatch(span)
    return _iso_day(iso) if iso else _dateparser_day(span)


def find_dates(text: str) -> list[FoundDate]:
    """Return every full calendar date in ``text``, with its offsets."""
    found = []
    for m in DATE_RE.finditer(text):
        day = parse_day(m.group(0))
        if day is not None:
            found.append(FoundDate(m.start(), m.end(), m.group(0), day))
    return found


def normalise_published(value: str) -> str | None:
    """Turn a metadata date (ISO timestamp, RFC 822, free text) into an ISO date."""
    value = value.strip()
    iso = _ISO.match(value)
    found = find_dates(value)
    day = _iso_day(iso) if iso else found[0].day if found else _dateparser_day(value)
    return day.isoformat() if day else None
