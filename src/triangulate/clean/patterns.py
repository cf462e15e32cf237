"""The noise patterns of ``noise.toml``, loaded once and compiled."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


@dataclass(frozen=True, slots=True)
class Patterns:
    """Every kind of noise pattern, compiled."""

    ad_markers: tuple[str, ...]
    navigation: tuple[re.Pattern[str], ...]
    sections: frozenset[str]
    credit: tuple[re.Pattern[str], ...]
    caption_tails: tuple[re.Pattern[str], ...]
    embed: tuple[re.Pattern[str], ...]
    reprint: tuple[re.Pattern[str], ...]
    trailing: tuple[re.Pattern[str], ...]
    trailing_outlet: re.Pattern[str]
    see_also: frozenset[str]
    boilerplate: frozenset[str]
    byline: tuple[re.Pattern[str], ...]
    wire_credits: tuple[re.Pattern[str], ...]
    dateline_words: frozenset[str]


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    """Load and compile ``noise.toml``."""
    data = tomllib.loads(resources.files(__package__).joinpath("noise.toml").read_text(encoding="utf-8"))
    return Patterns(
        ad_markers=tuple(letters(m) for m in data["advertisement"]["markers"]),
        navigation=_compile(data["navigation"]["patterns"]),
        sections=frozenset(s.lower() for s in data["navigation"]["sections"]),
        credit=_compile(data["credit"]["patterns"]),
        caption_tails=_compile(data["credit"]["tails"]),
        embed=_compile(data["embed"]["patterns"]),
        reprint=_compile(data["reprint"]["patterns"]),
        trailing=_compile(data["trailing"]["headings"]),
        # case-sensitive: the outlet must be a capitalised name
        trailing_outlet=re.compile(data["trailing"]["outlet"].replace("^more", "^[Mm]ore")),
        see_also=frozenset(data["sections"]["see_also"]),
        boilerplate=frozenset(data["sections"]["boilerplate"]),
        byline=tuple(re.compile(p) for p in data["byline"]["patterns"]),
        wire_credits=_compile(data["byline"]["credits"]),
        dateline_words=frozenset(data["dateline"]["words"]),
    )


def letters(text: str) -> str:
    """Lower-case letters and single spaces only: the form ad markers are compared in."""
    return " ".join(re.sub(r"[^a-z]+", " ", text.lower()).split())
