"""Source reliability: every signal on hand-built documents, the formula worked out by hand, the contract."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triangulate.analyze import Analysis
from triangulate.analyze.counts import Count
from triangulate.extract import EventMention
from triangulate.fuse.reliability import WEIGHTS, Signal, score_source, score_sources
from triangulate.model import Document, OffsetMap, Removal

from conftest import SCHEMA

PLAIN = "Officials said the strike hit a depot near the border on Tuesday. " * 5  # 60 words, no filler


def doc(doc_id: str = "d1", text: str = PLAIN, **kw: Any) -> Document:
    return Document(
        id=doc_id, path=f"{doc_id}.txt", reader="text", raw=text, text=text, removed=kw.pop("removed", []), offsets=OffsetMap(), **kw
    )


def signal(d: Document, name: str, **kw: Any) -> Signal:
    return next(s for s in score_source(d, **kw)[1] if s.name == name)


def mention(claimed_by: str | None = None, *, fatalities: dict[str, Any] | None = None, **flags: bool) -> EventMention:
    return EventMention(
        start=0, end=6, text="strike", sentence=(0, 60), type="ASSAULT", mode=None, claimed_by=claimed_by, fatalities=fatalities, **flags
    )


def count(text: str, qualifier: str, *, category: str | None = "person", predicate: str | None = "killed", value: int | None = 3) -> Count:
    return Count(0, len(text), text, value, value, value, qualifier, "person", None, None, category=category, predicate=predicate)


@dataclass(frozen=True)
class Copy:
    relation: str
    group: str


# -- each signal -------------------------------------------------------------------------


def test_author() -> None:
    assert signal(doc(author="Jane Doe"), "author") == Signal("author", 1.0, 1.0, "names its author (Jane Doe)")
    assert signal(doc(), "author") == Signal("author", 0.0, 1.0, "no author named")
    assert signal(doc(author="  "), "author").value == 0.0


def test_date_stated_beats_inferred() -> None:
    assert signal(doc(published="2024-01-18", published_source="dateline"), "date") == Signal(
        "date", 1.0, 1.0, "states its publication date (2024-01-18, in a timestamp line)"
    )
    assert signal(doc(published="2024-01-18T10:00:00", published_source="metadata"), "date").value == 1.0
    assert signal(doc(published="2024-01-18", published_source="inferred"), "date") == Signal(
        "date", 0.5, 1.0, "publication date 2024-01-18 only inferred, not stated"
    )
    assert signal(doc(), "date") == Signal("date", 0.0, 1.0, "no publication date")


def test_outlet() -> None:
    assert signal(doc(outlet="Daily Example"), "outlet") == Signal("outlet", 1.0, 1.0, "names its outlet (Daily Example)")
    assert signal(doc(syndicated_from="Wire Service"), "outlet") == Signal(
        "outlet", 0.75, 1.0, "names the outlet it reprints (Wire Service), not its own"
    )
    assert signal(doc(), "outlet") == Signal("outlet", 0.0, 1.0, "no outlet named")


def test_attribution_counts_asserted_claims_and_distinct_figures() -> None:
    fig = {"value": 3, "start": 10, "end": 15, "quote": "three"}
    events = [
        mention("the army", fatalities=fig),  # attributed; its figure too (the mention's speaker)
        mention(fatalities=fig),  # the same figure again: counted once
        mention(),
        mention(),
        mention("officials", negated=True),  # not asserted: left out
        mention("officials", future=True),
        mention(hypothetical=True),
        mention(background=True),
    ]
    # claims: 4 asserted mentions + 1 distinct figure = 5; attributed: 1 mention + the figure = 2
    s = signal(doc(analysis=Analysis(events=events)), "attribution")
    assert s == Signal("attribution", pytest.approx(2 / (5 * 0.5)), 2.0, "2 of 5 claims attributed to a named source")
    # a figure's own speaker counts even when the mention has none
    s = signal(doc(analysis=Analysis(events=[mention(), mention(), mention(fatalities=fig | {"claimed_by": "medics"})])), "attribution")
    assert s.reason == "1 of 4 claims attributed to a named source"
    assert s.value == pytest.approx(0.5)
    # half the claims attributed is full marks
    assert signal(doc(analysis=Analysis(events=[mention("police"), mention()])), "attribution").value == 1.0


def test_attribution_skipped_without_claims() -> None:
    for d in (doc(), doc(analysis=Analysis()), doc(analysis=Analysis(events=[mention(negated=True)]))):
        s = signal(d, "attribution")
        assert s.weight == 0.0
        assert s.reason.startswith("attribution not measured")


def test_specific_figures() -> None:
    counts = [
        count("nine people", "exact", value=9),
        count("at least 40", "at_least", value=40),
        count("about 300", "about", value=300),
        count("dozens", "vague", value=12),
        count("an official", "exact", predicate=None, value=1),  # people, but no predicate: not a casualty figure
        count("15 missiles", "exact", category="missile", predicate=None, value=15),  # not people
    ]
    s = signal(doc(analysis=Analysis(counts=counts)), "specific_figures")
    assert s == Signal(
        "specific_figures",
        pytest.approx((1 + 1 + 0.5 + 0) / 4),
        1.5,
        "2 of 4 casualty figures are exact or bounded; 1 approximate ('about 300'), 1 vague ('dozens')",
    )
    assert signal(doc(analysis=Analysis(counts=[count("a number", "vague")])), "specific_figures").reason == (
        "0 of 1 casualty figure is exact or bounded; 1 vague ('a number')"
    )
    assert signal(doc(analysis=Analysis(counts=counts[4:])), "specific_figures").weight == 0.0
    assert signal(doc(), "specific_figures").weight == 0.0


def test_advertising_penalty_saturates() -> None:
    sponsor = Removal(0, 10, "advertisement", "advertisement marker ('a word from our sponsor')", "A word from our sponsor")
    slot = Removal(0, 10, "advertisement", "advertisement marker ('advertisement')", "Advertisement")
    assert signal(doc(), "advertising") == Signal("advertising", 1.0, 1.0, "no advertisement markers")
    assert signal(doc(removed=[sponsor]), "advertising") == Signal(
        "advertising", 0.5, 1.0, "carried an advertisement marker (removed: 'A word from our sponsor')"
    )
    assert signal(doc(removed=[slot]), "advertising").value == pytest.approx(0.5**0.5)  # a layout slot counts half
    values = [signal(doc(removed=[sponsor] * n), "advertising").value for n in range(6)]
    assert values == [1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125]
    # a "References" section is boilerplate the cleaner removes, not advertising
    refs = Removal(0, 10, "boilerplate", "'references' section: a list of links, not article text", "References")
    assert signal(doc(removed=[refs]), "advertising").value == 1.0


def test_filler_rate_per_thousand_words() -> None:
    text = "In conclusion, both sides must work towards peace. " + "word " * 992  # 1,000 words, 2 phrases
    assert signal(doc(text=text), "filler") == Signal(
        "filler", 0.5, 1.5, "2 filler phrases ('In conclusion', 'must work towards'): 2.0 per 1,000 words"
    )
    # a short text counts as 250 words: 1 phrase -> 4 per 1,000 -> 0.5 ** 2
    s = signal(doc(text="It’s  important to NOTE that the talks failed."), "filler")
    assert s.value == pytest.approx(0.25)
    assert s.reason == "1 filler phrase ('It's important to NOTE'): 4.0 per 1,000 words"
    # whole words only
    assert signal(doc(text="Within conclusions drawn, they must work towardsness."), "filler") == Signal(
        "filler", 1.0, 1.5, "no stock filler phrases"
    )
    assert signal(doc(text=""), "filler").weight == 0.0
    # a letter that lower-cases to two ("İ") before the phrase: the phrase is still quoted as written
    s = signal(doc(text="İstanbul talks: In Conclusion, nothing changed."), "filler")
    assert s.reason == "1 filler phrase ('In Conclusion'): 4.0 per 1,000 words"


def test_originality() -> None:
    d = doc()
    assert signal(d, "originality", copy_relation="original") == Signal(
        "originality", 1.0, 2.0, "an original report, not a copy of another document"
    )
    assert signal(d, "originality", copy_relation="syndicated", copy_of="d0123456789").value == 0.8
    assert signal(d, "originality", copy_relation="rewrite", copy_of="d0123456789") == Signal(
        "originality", 0.4, 2.0, "a rewrite of d0123456… without credit"
    )
    assert signal(d, "originality", copy_relation="near-duplicate", copy_of="d0123456789") == Signal(
        "originality", 0.3, 2.0, "a copy of d0123456… (near-duplicate)"
    )
    assert signal(d, "originality", copy_relation="exact", copy_of="d0123456789").value == 0.3
    # a text that says it is a reprint is a credited reprint even with no copy in the corpus
    assert signal(doc(syndicated_from="Wire Service"), "originality") == Signal(
        "originality", 0.8, 2.0, "a credited reprint of Wire Service (syndicated)"
    )
    skipped = signal(d, "originality")
    assert (skipped.weight, skipped.reason) == (0.0, "originality not measured: copies were not looked for")


def test_agreement_smoothed_and_skipped_when_absent() -> None:
    assert signal(doc(), "agreement", agreement=(4, 1)) == Signal(
        "agreement", pytest.approx(5 / 7), 3.0, "agrees with the corroborated account on 4 of 5 claims"
    )
    assert signal(doc(), "agreement", agreement=(0, 1)).value == pytest.approx(1 / 3)
    for missing in (None, (0, 0)):
        s = signal(doc(), "agreement", agreement=missing)
        assert s.weight == 0.0
        assert s.reason == "agreement not measured: none of its claims was compared with the corroborated account"


# -- the formula -------------------------------------------------------------------------


def test_combined_formula_by_hand() -> None:
    d = doc(author="Jane Doe", outlet="Daily Example")
    score, signals = score_source(d, copy_relation="original", agreement=(1, 1))
    # author 1·1, date 1·0, outlet 1·1, advertising 1·1, filler 1.5·1, originality 2·1, agreement 3·0.5;
    # attribution and figures skipped (no analysis): 8.0 / 10.5
    assert [s.name for s in signals] == list(WEIGHTS)
    assert score == pytest.approx(8.0 / 10.5)
    assert score == pytest.approx(sum(s.weight * s.value for s in signals) / sum(s.weight for s in signals))


def test_missing_agreement_leaves_the_denominator() -> None:
    d = doc(author="Jane Doe", outlet="Daily Example")
    without, _ = score_source(d, copy_relation="original")
    assert without == pytest.approx(6.5 / 7.5)  # the agreement weight (3.0) is not counted
    with_bad, _ = score_source(d, copy_relation="original", agreement=(0, 4))
    assert with_bad == pytest.approx((6.5 + 3.0 * 1 / 6) / 10.5)
    assert with_bad < without


def test_no_signal_at_all_is_neutral_and_in_range() -> None:
    score, _ = score_source(doc(text=""))
    assert 0.0 <= score <= 1.0


def test_good_source_beats_content_farm() -> None:
    good = doc(
        "good",
        author="Jane Doe",
        outlet="Daily Example",
        published="2024-01-18",
        published_source="dateline",
        analysis=Analysis(events=[mention("the army"), mention("officials"), mention()], counts=[count("nine people", "exact", value=9)]),
    )
    farm = doc(
        "farm",
        text="In conclusion, it is important to note that both sides must work towards peace. Only time will tell. " + PLAIN,
        removed=[Removal(0, 10, "advertisement", "advertisement marker ('sponsored')", "Sponsored")],
        analysis=Analysis(events=[mention(), mention(), mention()], counts=[count("dozens", "vague", value=12)]),
    )
    assert score_source(good)[0] > score_source(farm)[0]
    out = score_sources([farm, good])
    assert [e["doc"] for e in out] == ["good", "farm"]
    assert out[1]["signals"][:3] == [
        "0 of 3 claims attributed to a named source",  # 2.0 · |0 - 0.5| = 1.0
        "0 of 1 casualty figure is exact or bounded; 1 vague ('dozens')",  # 1.5 · 0.5 = 0.75
        "4 filler phrases ('In conclusion', 'it is important to note', 'must work towards', ...): 16.0 per 1,000 words",  # 1.5 · 0.496
    ]


def test_copy_scores_lower_on_originality_than_its_original() -> None:
    original, copy = doc("orig"), doc("copy")
    out = {e["doc"]: e for e in score_sources([copy, original], copies={"copy": Copy("near-duplicate", "orig")})}
    orig_sig = next(b for b in out["orig"]["breakdown"] if b["name"] == "originality")
    copy_sig = next(b for b in out["copy"]["breakdown"] if b["name"] == "originality")
    assert orig_sig["value"] == 1.0
    assert copy_sig == {"name": "originality", "value": 0.3, "weight": 2.0, "reason": "a copy of orig (near-duplicate)"}
    assert out["copy"]["reliability"] < out["orig"]["reliability"]


def test_score_sources_shape_and_contract() -> None:
    docs = [
        doc("a", author="A. Writer", outlet="Daily Example", published="2024-01-18", published_source="metadata"),
        doc("b"),
        doc("c", outlet="X"),
    ]
    out = score_sources(docs, copies={}, agreement={"a": (3, 0)})
    assert [e["doc"] for e in out] == ["a", "c", "b"]  # best first
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(out, schema["properties"]["sources"])
    for e in out:
        assert set(e) == {"doc", "reliability", "signals", "breakdown"}
        assert e["reliability"] == round(e["reliability"], 3)
        assert e["signals"] == [b["reason"] for b in e["breakdown"]]
        influence = [abs(b["weight"] * (b["value"] - 0.5)) for b in e["breakdown"]]
        assert influence == sorted(influence, reverse=True)
        assert all(set(b) == {"name", "value", "weight", "reason"} for b in e["breakdown"])
    # "b" has agreement skipped, and says so, last
    b = next(e for e in out if e["doc"] == "b")
    assert b["breakdown"][-1]["name"] in {"agreement", "attribution", "specific_figures"}
    assert any("agreement not measured" in s for s in b["signals"])
    # ties keep input order
    tied = score_sources([doc("x"), doc("y"), doc("z")])
    assert [e["doc"] for e in tied] == ["x", "y", "z"]


def test_deterministic() -> None:
    docs = [
        doc("a", author="A. Writer", analysis=Analysis(events=[mention("police"), mention()])),
        doc("b", text="In conclusion, time will tell. " + PLAIN, removed=[Removal(0, 3, "advertisement", "", "Ad")]),
        doc("c", outlet="X", syndicated_from="Wire"),
    ]
    kw: dict[str, Any] = {"copies": {"b": Copy("rewrite", "a")}, "agreement": {"a": (2, 1), "c": (0, 2)}}
    first = score_sources(docs, **kw)
    assert score_sources(docs, **kw) == first
    assert {e["doc"]: e for e in score_sources(docs[::-1], **kw)} == {e["doc"]: e for e in first}


@settings(max_examples=200, deadline=None)
@given(
    author=st.booleans(),
    outlet=st.sampled_from([None, "Daily Example"]),
    source=st.sampled_from([None, "metadata", "dateline", "inferred"]),
    ads=st.integers(0, 8),
    filler=st.integers(0, 40),
    words=st.integers(0, 400),
    relation=st.sampled_from([None, "original", "syndicated", "rewrite", "near-duplicate", "exact", "something-else"]),
    agreement=st.one_of(st.none(), st.tuples(st.integers(0, 50), st.integers(0, 50))),
    attributed=st.lists(st.booleans(), max_size=6),
)
def test_score_always_in_range(
    author: bool,
    outlet: str | None,
    source: str | None,
    ads: int,
    filler: int,
    words: int,
    relation: str | None,
    agreement: tuple[int, int] | None,
    attributed: list[bool],
) -> None:
    text = "In conclusion " * filler + "word " * words
    d = doc(
        text=text,
        author="A. Writer" if author else None,
        outlet=outlet,
        published="2024-01-18" if source else None,
        published_source=source,
        removed=[Removal(0, 2, "advertisement", "", "Ad")] * ads,
        analysis=Analysis(events=[mention("x" if a else None) for a in attributed]),
    )
    score, signals = score_source(d, copy_relation=relation, copy_of="d0", agreement=agreement)
    assert 0.0 <= score <= 1.0
    assert all(0.0 <= s.value <= 1.0 and s.weight >= 0.0 for s in signals)
