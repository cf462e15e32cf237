"""Source reliability: a score in [0, 1] per document, and the plain-language reasons behind it.

The score is a weighted mean of signals, each a measurement in [0, 1] where 1 is good::

    reliability = Σ weight_i · value_i / Σ weight_i      (over the signals that apply)

A signal that cannot be measured for a document (no event mentions to check for
attribution, no casualty figures, no copy detection run, no claim compared with the
corroborated account) is *skipped*: it is reported with weight 0 and a reason saying why,
and its weight leaves the denominator, so it neither helps nor hurts. With no signal at all
the score is 0.5. The signals, with :data:`WEIGHTS`:

==================  ======  ===============================================================
signal              weight  value
==================  ======  ===============================================================
author              1.0     1 when ``doc.author`` is named, else 0
date                1.0     1 when the date is stated (reader metadata or a timestamp line),
                            0.5 when the cleaner inferred it, 0 when there is none
outlet              1.0     1 when ``doc.outlet`` is named; 0.75 when only the publisher it
                            reprints is (``doc.syndicated_from``); else 0
attribution         2.0     min(1, a / (n · ATTRIBUTION_FULL)): a of the n asserted claims
                            (event mentions that are not negated, future, hypothetical or
                            background, plus their distinct casualty figures) name a source
                            (``claimed_by``); skipped when n = 0
specific_figures    1.5     mean over the casualty figures (counts of people with a
                            predicate: killed, injured, ...) of 1 for an exact, bounded or
                            ranged number, 0.5 for "about", 0 for a vague quantity
                            ("dozens", "a number of"); skipped when there is none
advertising         1.0     0.5 ** m: m = the advertisement markers the cleaner removed, a
                            sponsor/paid/promoted marker counting 1 and a plain layout slot
                            ("Advertisement") 0.5
filler              1.5     0.5 ** (r / FILLER_HALF_RATE): r = stock filler phrases
                            (``data/filler.toml``) per 1,000 words, a text shorter than
                            FILLER_MIN_WORDS counted as that long
originality         2.0     :data:`ORIGINALITY` by copy relation: original 1.0, syndicated
                            (a credited reprint) 0.8, rewrite 0.4, near-duplicate or exact
                            copy 0.3; skipped when copies were not looked for
agreement           3.0     (a + 1) / (a + d + 2): a claims agreeing and d disagreeing with
                            the corroborated account, Laplace-smoothed so that one claim
                            does not decide it; skipped when no claim was compared
==================  ======  ===============================================================

The weights follow public source-evaluation checklists rather than a fitted model: SIFT
(Stop; Investigate the source; Find better coverage; Trace claims to their original
context), the CRAAP test (Currency, Relevance, Authority, Accuracy, Purpose) and the
criteria NewsGuard publishes for rating news sites (among them: does not repeatedly
publish false content, gathers and presents information responsibly, clearly labels
advertising, reveals who is in charge, names its content creators). What a checklist
treats as most telling about accuracy weighs most: agreement with independent reports,
then sourcing and originality; the transparency markers (author, date, outlet) weigh
least, since each is easy to fake and often missing from honest reprints.

The ``signals`` of each source are the reasons ordered by influence: how far the signal
moves the score away from a neutral 0.5, ``|weight · (value − 0.5)|`` (the score's
distance from 0.5 is exactly the sum of these, signed, over Σ weight); ties keep the
order of the table. Everything is deterministic: the same documents give the same scores.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Final, Protocol

from ..model import Document

__all__ = ["ORIGINALITY", "WEIGHTS", "Signal", "score_source", "score_sources"]

WEIGHTS: Final[Mapping[str, float]] = {
    # CRAAP "Authority", NewsGuard "names its content creators": a byline makes someone answerable.
    "author": 1.0,
    # CRAAP "Currency": a reader must know when it was written; an inferred date is half a date.
    "date": 1.0,
    # SIFT "Investigate the source", NewsGuard "reveals who is in charge": who publishes it.
    "outlet": 1.0,
    # SIFT "Trace claims", CRAAP "Accuracy", NewsGuard "gathers and presents information
    # responsibly": a claim that names its source can be checked.
    "attribution": 2.0,
    # CRAAP "Accuracy": "nine people" can be checked against other reports, "dozens" cannot.
    "specific_figures": 1.5,
    # NewsGuard "clearly labels advertising", CRAAP "Purpose". Weak: mainstream pages carry ads too.
    "advertising": 1.0,
    # CRAAP "Purpose": text written to fill a page rather than to inform, the mark of a content farm.
    "filler": 1.5,
    # SIFT "Trace claims to the original context": a copy adds no independent reporting.
    "originality": 2.0,
    # SIFT "Find better coverage", CRAAP "Accuracy", NewsGuard "does not repeatedly publish
    # false content": the one signal that checks the content against other reports.
    "agreement": 3.0,
}
ORDER: Final = tuple(WEIGHTS)

# Originality by the copy relation ``triangulate.fuse.dedup`` reports. A credited reprint is
# normal wire practice and honest about where the text comes from, but adds no reporting of
# its own (0.8); a rewrite without credit, the content-farm practice, hides its source (0.4);
# a near-duplicate or exact copy is someone else's report under another name (0.3). Any other
# relation is taken as a copy (0.3).
ORIGINALITY: Final[Mapping[str, float]] = {
    "original": 1.0,
    "syndicated": 0.8,
    "rewrite": 0.4,
    "near-duplicate": 0.3,
    "exact": 0.3,
}
COPY_VALUE: Final = 0.3

ATTRIBUTION_FULL: Final = 0.5  # attributing half the claims is full marks: context and settled facts need no source
DATE_VALUES: Final[Mapping[str | None, float]] = {"metadata": 1.0, "dateline": 1.0, "inferred": 0.5}
SYNDICATED_OUTLET: Final = 0.75  # names the publisher it reprints, not its own
FILLER_HALF_RATE: Final = 2.0  # filler phrases per 1,000 words that halve the filler signal
FILLER_MIN_WORDS: Final = 250  # a brief is counted as this long: one stock phrase in it is not a habit
# Removal reasons that mark advertising. The cleaner records "advertisement" (``clean/noise.toml``);
# the other names are accepted should it grow finer ones. Its "boilerplate" reason is a
# "References" or "Notes" section, a sign of sourcing rather than of a content farm: not counted.
AD_REASONS: Final = frozenset({"advertisement", "sponsored", "sponsor", "promo", "promotion", "promoted", "paid"})
_SPONSOR = re.compile(r"sponsor|paid|promot|partner", re.IGNORECASE)
LAYOUT_AD: Final = 0.5  # a plain "Advertisement" slot counts half a sponsor marker
# Specificity of a figure by its qualifier (triangulate.analyze.counts.QUALIFIERS).
SPECIFICITY: Final[Mapping[str, float]] = {
    "exact": 1.0,
    "at_least": 1.0,
    "more_than": 1.0,
    "at_most": 1.0,
    "fewer_than": 1.0,
    "range": 1.0,
    "about": 0.5,
    "vague": 0.0,
}
NEUTRAL: Final = 0.5  # the score with no signal, and the point influence is measured from


class CopyInfo(Protocol):
    """What reliability needs of a document's copy record: its relation and its group's original."""

    @property
    def relation(self) -> str: ...

    @property
    def group(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Signal:
    """One measured signal: its value in [0, 1] (1 = good), its weight (0 = skipped) and why."""

    name: str
    value: float
    weight: float
    reason: str

    @property
    def influence(self) -> float:
        """How far this signal moves the score from a neutral 0.5 (before dividing by Σ weight)."""
        return abs(self.weight * (self.value - NEUTRAL))

    def to_dict(self) -> dict[str, Any]:
        """The signal as plain data, its value rounded to 3 decimals."""
        return {"name": self.name, "value": round(self.value, 3), "weight": self.weight, "reason": self.reason}


def _skip(name: str, reason: str) -> Signal:
    return Signal(name, 0.0, 0.0, reason)


def _signal(name: str, value: float, reason: str) -> Signal:
    return Signal(name, min(1.0, max(0.0, value)), WEIGHTS[name], reason)


def _quote(s: str, limit: int = 40) -> str:
    s = " ".join(s.split())
    return f"'{s}'" if len(s) <= limit else f"'{s[: limit - 1]}…'"


def _short(doc_id: str) -> str:
    return doc_id if len(doc_id) <= 10 else doc_id[:8] + "…"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# -- the signals ---------------------------------------------------------------------------


def _author(doc: Document) -> Signal:
    if doc.author and doc.author.strip():
        return _signal("author", 1.0, f"names its author ({doc.author.strip()})")
    return _signal("author", 0.0, "no author named")


def _date(doc: Document) -> Signal:
    if not doc.published:
        return _signal("date", 0.0, "no publication date")
    source = doc.published_source
    value = DATE_VALUES.get(source, 1.0)  # a date with no recorded source came from the reader: stated
    if value < 1.0:
        return _signal("date", value, f"publication date {doc.published[:10]} only inferred, not stated")
    how = "in a timestamp line" if source == "dateline" else "in its metadata" if source == "metadata" else ""
    return _signal("date", value, f"states its publication date ({doc.published[:10]}{', ' + how if how else ''})")


def _outlet(doc: Document) -> Signal:
    if doc.outlet and doc.outlet.strip():
        return _signal("outlet", 1.0, f"names its outlet ({doc.outlet.strip()})")
    if doc.syndicated_from and doc.syndicated_from.strip():
        return _signal("outlet", SYNDICATED_OUTLET, f"names the outlet it reprints ({doc.syndicated_from.strip()}), not its own")
    return _signal("outlet", 0.0, "no outlet named")


def _attribution(doc: Document) -> Signal:
    if doc.analysis is None:
        return _skip("attribution", "attribution not measured: the document was not analysed")
    claims = 0
    attributed = 0
    figures: dict[tuple[Any, Any], bool] = {}
    for m in doc.analysis.events:
        if m.negated or m.future or m.hypothetical or m.background:
            continue
        claims += 1
        attributed += bool(m.claimed_by)
        for fig in (m.fatalities, m.injuries):
            if fig:
                key = (fig.get("start"), fig.get("end"))
                figures[key] = figures.get(key, False) or bool(fig.get("claimed_by") or m.claimed_by)
    claims += len(figures)
    attributed += sum(figures.values())
    if claims == 0:
        return _skip("attribution", "attribution not measured: no asserted claims found")
    value = attributed / (claims * ATTRIBUTION_FULL)
    return _signal("attribution", value, f"{attributed} of {claims} claims attributed to a named source")


def _specific_figures(doc: Document) -> Signal:
    if doc.analysis is None:
        return _skip("specific_figures", "figures not measured: the document was not analysed")
    figures = [c for c in doc.analysis.counts if c.is_people and c.predicate is not None]
    if not figures:
        return _skip("specific_figures", "figures not measured: no casualty figures given")
    scores = [SPECIFICITY.get(c.qualifier, 0.0) for c in figures]
    specific = sum(s == 1.0 for s in scores)
    rough = [c for c, s in zip(figures, scores, strict=True) if 0.0 < s < 1.0]
    vague = [c for c, s in zip(figures, scores, strict=True) if s == 0.0]
    reason = f"{specific} of {_plural(len(figures), 'casualty figure')} {'is' if len(figures) == 1 else 'are'} exact or bounded"
    extra = []
    if rough:
        extra.append(f"{len(rough)} approximate ({', '.join(_quote(c.text) for c in rough[:3])})")
    if vague:
        extra.append(f"{len(vague)} vague ({', '.join(_quote(c.text) for c in vague[:3])})")
    if extra:
        reason += "; " + ", ".join(extra)
    return _signal("specific_figures", sum(scores) / len(scores), reason)


def _advertising(doc: Document) -> Signal:
    ads = [r for r in doc.removed if r.reason.lower() in AD_REASONS]
    if not ads:
        return _signal("advertising", 1.0, "no advertisement markers")
    markers = sum(1.0 if _SPONSOR.search(f"{r.reason} {r.detail} {r.text}") else LAYOUT_AD for r in ads)
    quoted = ", ".join(_quote(r.text or r.detail, 30) for r in ads[:3])
    what = "an advertisement marker" if len(ads) == 1 else f"{len(ads)} advertisement markers"
    return _signal("advertising", 0.5**markers, f"carried {what} (removed: {quoted})")


@lru_cache(maxsize=2)
def _filler_re(*, fold: bool = True) -> re.Pattern[str]:
    """One pattern over every phrase of ``data/filler.toml``, longest first (case-insensitive with ``fold``)."""
    text = resources.files(__package__).joinpath("data", "filler.toml").read_text(encoding="utf-8")
    phrases = sorted({p.strip().lower() for p in tomllib.loads(text)["phrases"] if p.strip()}, key=lambda p: (-len(p), p))
    alts = [r"\s+".join(re.escape(w) for w in p.split()) for p in phrases]
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE if fold else 0)


def _filler_phrases(text: str) -> list[str]:
    """The filler phrases in ``text`` as written."""
    lower = text.lower()
    if len(lower) != len(text):  # a few letters lower-case to two ("İ"): offsets would shift
        return [m.group(0) for m in _filler_re().finditer(text)]
    # the phrases are lower-case: matching the lower-cased text is four times faster than IGNORECASE
    return [text[m.start() : m.end()] for m in _filler_re(fold=False).finditer(lower)]


def _filler(doc: Document) -> Signal:
    text = doc.text.replace("’", "'")
    words = len(text.split())
    if words == 0:
        return _skip("filler", "filler not measured: the text is empty")
    found = _filler_phrases(text)
    if not found:
        return _signal("filler", 1.0, "no stock filler phrases")
    rate = len(found) * 1000 / max(words, FILLER_MIN_WORDS)
    seen = list(dict.fromkeys(" ".join(f.split()) for f in found))
    quoted = ", ".join(f"'{s}'" for s in seen[:3]) + (", ..." if len(seen) > 3 else "")
    return _signal(
        "filler", 0.5 ** (rate / FILLER_HALF_RATE), f"{_plural(len(found), 'filler phrase')} ({quoted}): {rate:.1f} per 1,000 words"
    )


def _originality(doc: Document, relation: str | None, copy_of: str | None) -> Signal:
    if relation in (None, "original") and doc.syndicated_from:
        relation = "syndicated"  # it says it is a reprint, even of a report outside the corpus
    if relation is None:
        return _skip("originality", "originality not measured: copies were not looked for")
    of = f" of {_short(copy_of)}" if copy_of and copy_of != doc.id else ""
    if relation == "original":
        return _signal("originality", 1.0, "an original report, not a copy of another document")
    if relation == "syndicated":
        src = f" of {doc.syndicated_from}" if doc.syndicated_from else of
        return _signal("originality", ORIGINALITY[relation], f"a credited reprint{src} (syndicated)")
    if relation == "rewrite":
        return _signal("originality", ORIGINALITY[relation], f"a rewrite{of} without credit")
    return _signal("originality", ORIGINALITY.get(relation, COPY_VALUE), f"a copy{of} ({relation})")


def _agreement(agreement: tuple[int, int] | None) -> Signal:
    if agreement is None or sum(agreement) <= 0:
        return _skip("agreement", "agreement not measured: none of its claims was compared with the corroborated account")
    agree, disagree = agreement
    total = agree + disagree
    return _signal("agreement", (agree + 1) / (total + 2), f"agrees with the corroborated account on {agree} of {_plural(total, 'claim')}")


# -- the score -----------------------------------------------------------------------------


def _combine(signals: Sequence[Signal]) -> float:
    total = sum(s.weight for s in signals)
    if total <= 0:
        return NEUTRAL
    return min(1.0, max(0.0, sum(s.weight * s.value for s in signals) / total))


def _by_influence(signals: Sequence[Signal]) -> list[Signal]:
    return sorted(signals, key=lambda s: (-s.influence, s.weight == 0, ORDER.index(s.name)))


def score_source(
    doc: Document, *, copy_relation: str | None = None, copy_of: str | None = None, agreement: tuple[int, int] | None = None
) -> tuple[float, list[Signal]]:
    """The reliability of one document and the signals behind it (in the order of :data:`WEIGHTS`)."""
    signals = [
        _author(doc),
        _date(doc),
        _outlet(doc),
        _attribution(doc),
        _specific_figures(doc),
        _advertising(doc),
        _filler(doc),
        _originality(doc, copy_relation, copy_of),
        _agreement(agreement),
    ]
    return _combine(signals), signals


def score_sources(
    docs: Sequence[Document], *, copies: Mapping[str, Any] | None = None, agreement: Mapping[str, tuple[int, int]] | None = None
) -> list[dict[str, Any]]:
    """The contract's ``sources``: one entry per document, best first (ties in input order).

    ``copies`` maps a document id to its copy record (``relation``, ``group``; see
    :class:`CopyInfo`); a document missing from a given mapping is an original, and with no
    mapping at all originality is skipped. ``agreement`` maps a document id to its
    ``(agreeing, disagreeing)`` claims; a document missing from it has that signal skipped.
    """
    out = []
    for doc in docs:
        relation: str | None = None
        copy_of: str | None = None
        if copies is not None:
            rec: CopyInfo | None = copies.get(doc.id)
            relation = rec.relation if rec is not None else "original"
            copy_of = rec.group if rec is not None else None
        score, signals = score_source(
            doc, copy_relation=relation, copy_of=copy_of, agreement=agreement.get(doc.id) if agreement is not None else None
        )
        ranked = _by_influence(signals)
        out.append(
            {
                "doc": doc.id,
                "reliability": round(score, 3),
                "signals": [s.reason for s in ranked],
                "breakdown": [s.to_dict() for s in ranked],
            }
        )
    return sorted(out, key=lambda e: -e["reliability"])
