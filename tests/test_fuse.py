"""Fusion with hand-made mentions: which merge, which stay apart, and what reconciliation settles on."""

from __future__ import annotations

from typing import Any

from triangulate.analyze import Analysis
from triangulate.extract import EventMention
from triangulate.fuse import fuse
from triangulate.fuse.coref import cluster_mentions, mentions_of
from triangulate.fuse.dedup import Copy
from triangulate.model import Document, OffsetMap

QUETTA = {"name": "Quetta", "admin1": "Balochistan", "country": "PK", "lat": 30.19, "lon": 67.01, "geonameid": 1167528, "kind": "city"}
TURBAT = {"name": "Turbat", "admin1": "Balochistan", "country": "PK", "lat": 26.00, "lon": 63.04, "geonameid": 1163054, "kind": "city"}
BALOCHISTAN = {
    "name": "Balochistan",
    "admin1": "Balochistan",
    "country": "PK",
    "lat": 28.5,
    "lon": 65.0,
    "geonameid": None,
    "kind": "admin1",
}
MOSUL = {"name": "Mosul", "admin1": "Nineveh", "country": "IQ", "lat": 36.34, "lon": 43.13, "geonameid": 99072, "kind": "city"}


def event(
    text: str,
    trigger: str,
    *,
    type_: str = "ASSAULT",
    day: str | None = None,
    source: str = "stated",
    place: dict[str, Any] | None = None,
    actors: tuple[str, ...] = (),
    targets: tuple[str, ...] = (),
    killed: int | None = None,
    killed_low: int | None = None,
    claimed_by: str | None = None,
    background: bool = False,
) -> EventMention:
    """A mention of ``trigger`` in ``text`` (its first occurrence), its sentence the whole text."""
    start = text.index(trigger)
    fig = None
    if killed is not None:
        q = str(killed)
        s = text.index(q)
        fig = {"value": killed, "low": killed_low if killed_low is not None else killed, "high": None if killed_low else killed}
        fig |= {"qualifier": "at_least" if killed_low else "exact", "start": s, "end": s + len(q), "quote": q, "claimed_by": claimed_by}
    return EventMention(
        start=start,
        end=start + len(trigger),
        text=trigger,
        sentence=(0, len(text)),
        type=type_,
        mode=None,
        actors=list(actors),
        targets=list(targets),
        location=place,
        date_start=day,
        date_end=day,
        date_precision="day" if day else None,
        date_source=source if day else None,
        fatalities=fig,
        claimed_by=claimed_by,
        background=background,
    )


def doc(doc_id: str, text: str, *mentions: EventMention, published: str | None = "2024-01-18", **meta: Any) -> Document:
    """A cleaned document holding these mentions (its text is what their offsets point into)."""
    return Document(
        id=doc_id,
        path=f"{doc_id}.txt",
        reader="text",
        raw=text,
        text=text,
        removed=[],
        offsets=OffsetMap([(0, 0, len(text))]),
        published=published,
        analysis=Analysis(sentences=[(0, len(text))], countries={"PK": 0.6, "IR": 0.4}, events=list(mentions)),
        **meta,
    )


T1 = "Iran struck militants in Quetta on 16 January, killing 2 people."
T2 = "Iranian missiles hit Quetta on 16 January; 2 children died."
T3 = "Iran's strike in Quetta on 17 January killed 2 people, officials said."


def assault(doc_id: str, text: str, *, day: str, place: dict[str, Any] = QUETTA, killed: int | None = 2, **kw: Any) -> Document:
    trigger = next(w for w in ("struck", "hit", "strike", "attack") if w in text)
    return doc(doc_id, text, event(text, trigger, day=day, place=place, actors=("Iran",), killed=killed, **kw))


def test_reports_of_one_strike_merge_into_one_event() -> None:
    docs = [assault("a", T1, day="2024-01-16"), assault("b", T2, day="2024-01-16")]
    f = fuse(docs)
    assert len(f.events) == 1
    (e,) = f.events
    assert (e["type"], e["date"]["start"], e["location"]["name"], e["actors"]) == ("ASSAULT", "2024-01-16", "Quetta", ["Iran"])
    assert sorted(m["doc"] for m in e["mentions"]) == ["a", "b"]
    assert e["fatalities"]["best"] == 2 and e["fatalities"]["rule"] == "2 independent reports agree"
    assert f.conflicts == []


def test_a_date_off_by_one_is_a_conflict_not_another_event() -> None:
    docs = [assault("a", T1, day="2024-01-16"), assault("b", T2, day="2024-01-16"), assault("c", T3, day="2024-01-17")]
    f = fuse(docs)
    assert len(f.events) == 1
    (e,) = f.events
    assert e["date"]["start"] == "2024-01-16"  # two independent reports against one
    assert e["date"]["rule"] == "the date most independent reports give (2 of 3)"
    (c,) = f.conflicts
    assert (c["event"], c["attribute"]) == (e["id"], "date")
    assert [(v["value"], v["docs"]) for v in c["values"]] == [("2024-01-16", ["a", "b"]), ("2024-01-17", ["c"])]
    assert all(ev["doc"] in v["docs"] for v in c["values"] for ev in v["evidence"])


def test_distinct_events_stay_distinct() -> None:
    counter = "Pakistan struck militants in Quetta on 18 January."  # another side, two days later
    later = "Iran struck militants in Quetta on 23 January, killing 2 people."  # the same town a week later
    abroad = "Iran struck militants in Mosul on 16 January, killing 2 people."  # the same day in another country
    docs = [
        assault("a", T1, day="2024-01-16"),
        doc("b", counter, event(counter, "struck", day="2024-01-18", place=QUETTA, actors=("Pakistan",), targets=("militants",))),
        assault("c", later, day="2024-01-23"),
        assault("d", abroad, day="2024-01-16", place=MOSUL),
    ]
    f = fuse(docs)
    assert sorted((e["date"]["start"], e["location"]["name"], tuple(e["actors"])) for e in f.events) == [
        ("2024-01-16", "Mosul", ("Iran",)),
        ("2024-01-16", "Quetta", ("Iran",)),
        ("2024-01-18", "Quetta", ("Pakistan",)),
        ("2024-01-23", "Quetta", ("Iran",)),
    ]


def test_towns_far_apart_are_two_events_but_a_town_is_in_its_province() -> None:
    t1, t2, t3 = "Iran struck Quetta on 16 January.", "Iran struck Turbat on 16 January.", "Iran struck Balochistan on 16 January."
    docs = [
        doc("a", t1, event(t1, "struck", day="2024-01-16", place=QUETTA, actors=("Iran",))),
        doc("b", t2, event(t2, "struck", day="2024-01-16", place=TURBAT, actors=("Iran",))),
        doc("c", t3, event(t3, "struck", day="2024-01-16", place=BALOCHISTAN, actors=("Iran",))),
    ]
    clusters = cluster_mentions(mentions_of(docs))
    assert sorted(sorted(m.doc for m in c.mentions) for c in clusters) == [["a", "c"], ["b"]]


def test_a_rising_toll_settles_on_the_latest_figure() -> None:
    early = "Iran struck Quetta on 16 January, killing 7 people."
    late = "The toll from Iran's strike on Quetta on 16 January rose to 9."
    docs = [
        doc("a", early, event(early, "struck", day="2024-01-16", place=QUETTA, actors=("Iran",), killed=7), published="2024-01-16"),
        doc("b", late, event(late, "strike", day="2024-01-16", place=QUETTA, actors=("Iran",), killed=9), published="2024-01-18"),
    ]
    f = fuse(docs)
    (e,) = f.events
    assert e["fatalities"]["best"] == 9
    assert e["fatalities"]["rule"].startswith("the toll rose as reports came in (7 on 2024-01-16, 9 on 2024-01-18)")
    (c,) = f.conflicts
    assert c["attribute"] == "fatalities" and [v["value"] for v in c["values"]] == [7, 9]
    assert [v["evidence"][0]["quote"] for v in c["values"]] == ["7", "9"]  # the figures themselves


def test_differing_figures_without_a_rise_take_the_most_conservative() -> None:
    one = "Iran struck Quetta on 16 January, killing 9 people, Pakistan said."
    two = "Iran struck Quetta on 16 January, killing 4 people, Iran said."
    docs = [
        doc("a", one, event(one, "struck", day="2024-01-16", place=QUETTA, actors=("Iran",), killed=9, claimed_by="Pakistan")),
        doc("b", two, event(two, "struck", day="2024-01-16", place=QUETTA, actors=("Iran",), killed=4, claimed_by="Iran")),
    ]
    f = fuse(docs)
    (e,) = f.events
    assert e["fatalities"]["best"] == 4
    assert e["fatalities"]["rule"] == "reports differ: the most conservative figure, as ACLED's codebook does"
    assert sorted((c["value"], c["claimed_by"]) for c in e["fatalities"]["claims"]) == [(4, "Iran"), (9, "Pakistan")]
    (c,) = f.conflicts
    assert [(v["value"], v["claimed_by"]) for v in c["values"]] == [(4, ["Iran"]), (9, ["Pakistan"])]


def test_at_least_seven_and_nine_agree() -> None:
    one = "Iran struck Quetta on 16 January, killing at least 7 people."
    two = "Iran struck Quetta on 16 January, killing 9 people."
    docs = [
        doc("a", one, event(one, "struck", day="2024-01-16", place=QUETTA, actors=("Iran",), killed=7, killed_low=7)),
        doc("b", two, event(two, "struck", day="2024-01-16", place=QUETTA, actors=("Iran",), killed=9)),
    ]
    f = fuse(docs)
    assert f.conflicts == []


def test_a_document_that_contradicts_itself() -> None:
    text = "Iran struck Quetta on 16 January. A day later, on 17 January, Pakistan said Iran's strike had hit Quetta."
    a = event(text, "struck", day="2024-01-16", place=QUETTA, actors=("Iran",))
    b = event(text, "strike", day="2024-01-17", place=QUETTA, actors=("Iran",))
    f = fuse([doc("a", text, a, b)])
    (c,) = f.conflicts
    assert c["attribute"] == "date" and c["self_contradiction"] == ["a"]
    assert "contradicts itself" in c["explanation"]


def test_syndicated_copies_count_once() -> None:
    docs = [assault(k, T1, day="2024-01-16") for k in ("a", "b", "c")] + [assault("d", T3, day="2024-01-17")]
    copies = {k: Copy(doc=k, group="a", relation="exact" if k != "a" else "original", similarity=1.0, reason="") for k in "abc"}
    copies["d"] = Copy(doc="d", group="d", relation="original", similarity=1.0, reason="")
    f = fuse(docs, copies=copies)
    (e,) = f.events
    assert e["independent_sources"] == 2
    assert e["date"]["rule"] == "the date most independent reports give (1 of 2)"  # three copies are one report
    assert e["date"]["start"] == "2024-01-16"  # a tie: the earlier day


def test_background_and_focus_set_the_role() -> None:
    old = "In 2019 Iran struck Quetta on 3 March."
    near = "Iran struck Mosul on 16 January."
    docs = [
        assault("a", T1, day="2024-01-16"),
        doc("b", old, event(old, "struck", day="2019-03-03", place=QUETTA, actors=("Iran",), background=True)),
        doc("c", near, event(near, "struck", day="2024-01-16", place=MOSUL, actors=("Iran",))),
    ]
    f = fuse(docs)
    roles = {e["location"]["name"] + " " + e["date"]["start"]: e["role"] for e in f.events}
    assert roles == {"Quetta 2024-01-16": "main", "Quetta 2019-03-03": "background", "Mosul 2024-01-16": "related"}
    assert [t["event"] for t in f.timeline] == sorted(
        (e["id"] for e in f.events if e["role"] != "background"),
        key=lambda i: next(e["location"]["name"] for e in f.events if e["id"] == i),
    )[::-1]  # Quetta (main) before Mosul (related) on the same day


def test_a_bare_word_is_not_an_event() -> None:
    text = "The strikes raised tensions."
    f = fuse([doc("a", text, event(text, "strikes"))])
    assert f.events == [] and (f.stats["mentions_too_vague"], f.stats["mentions_undated"]) == (0, 1)  # nothing dates it
    g = fuse([doc("a", text, event(text, "strikes", day="2024-01-16"))])
    assert g.events == [] and (g.stats["mentions_too_vague"], g.stats["mentions_undated"]) == (1, 0)  # no country, no actor


def test_an_undated_mention_joins_the_event_it_fits_in_another_document() -> None:
    # an undated rewrite: no publication date, no date in the text; the same actor and country as a dated report
    undated = "Iran struck militants in Quetta, killing 2 people."
    docs = [assault("a", T1, day="2024-01-16"), doc("b", undated, event(undated, "struck", place=QUETTA, actors=("Iran",)), published=None)]
    f = fuse(docs)
    (e,) = f.events
    assert sorted(m["doc"] for m in e["mentions"]) == ["a", "b"] and e["date"]["start"] == "2024-01-16"
    # alone, it starts no event: it cannot be placed in time
    alone = fuse(docs[1:])
    assert alone.events == [] and alone.stats["mentions_undated"] == 1


def test_negated_and_future_mentions_are_not_events() -> None:
    text = "Iran did not strike Quetta on 16 January and will strike Turbat."
    neg = event(text, "strike", day="2024-01-16", place=QUETTA, actors=("Iran",))
    f = fuse([doc("a", text, EventMention(**{**neg.to_dict(), "sentence": neg.sentence, "negated": True}))])
    assert f.events == []


def test_an_organ_of_a_state_acts_for_it() -> None:
    from triangulate.analyze.entities import Entity

    one = "Iran struck Quetta on 16 January."
    two = "The Revolutionary Guards struck a village on 16 January, killing 2 people."
    a = doc("a", one, event(one, "struck", day="2024-01-16", place=QUETTA, actors=("Iran",)))
    b = doc("b", two, event(two, "struck", day="2024-01-16", actors=("Revolutionary Guards",), targets=("village",), killed=2))
    assert b.analysis is not None
    guards = Entity(start=4, end=24, text="Revolutionary Guards", label="ORG", canonical="Revolutionary Guards", key="revolutionaryguards")
    b.analysis.entities.append(Entity(**{**guards.to_dict(), "country": "IR"}))
    f = fuse([a, b])
    (e,) = f.events  # no place in b, a Guards' strike that day is Iran's strike
    assert sorted(m["doc"] for m in e["mentions"]) == ["a", "b"] and e["fatalities"]["best"] == 2


def test_a_statement_without_a_place_is_its_speakers_and_an_attack_is_not() -> None:
    said = "Pakistan condemned Iran on 17 January."
    hit = "Pakistan struck on 18 January."
    docs = [
        doc("a", said, event(said, "condemned", type_="ACCUSE", day="2024-01-17", actors=("Pakistan",), targets=("Iran",))),
        doc("b", hit, event(hit, "struck", day="2024-01-18", actors=("Pakistan",))),
    ]
    f = fuse(docs)
    (e,) = f.events  # where Pakistan struck is not known: no event is placed at home by default
    assert (e["type"], e["location"]["country"], e["location"]["inferred"]) == ("ACCUSE", "PK", "from the state that acted")


def test_with_no_place_the_victims_nationality_places_an_attack() -> None:
    from triangulate.analyze.entities import Entity

    text = "Gunmen attacked a police station in December, killing 11 Iranian officers."
    m = event(text, "attacked", day="2023-12-01", actors=("Gunmen",), targets=("police station",), killed=11)
    d = doc("a", text, EventMention(**{**m.to_dict(), "sentence": m.sentence, "date_precision": "month", "date_end": "2023-12-31"}))
    assert d.analysis is not None
    s = text.index("Iranian")
    d.analysis.entities.append(Entity(s, s + 7, "Iranian", "NORP", "Iran", "iran", country="IR", kind="demonym"))
    (e,) = fuse([d]).events
    assert (e["location"]["country"], e["location"]["inferred"]) == ("IR", "from the victims' nationality")


def test_a_crowded_day_costs_only_the_events_a_mention_shares_something_with(monkeypatch: Any) -> None:
    from triangulate.fuse import coref

    # 150 unrelated attacks in one country on one day, by 150 groups; then one more report of group 57's
    pk = {"name": "Pakistan", "country": "PK", "lat": 30.0, "lon": 70.0, "geonameid": 1168579, "kind": "country"}
    docs = [
        doc(f"g{i:03d}", t, event(t, "attacked", day="2024-01-16", place=pk, actors=(f"Group {i}",)))
        for i in range(150)
        for t in [f"Group {i} attacked a convoy in Pakistan on 16 January."]
    ]
    again = "Fighters of Group 57 attacked a convoy in Pakistan on 16 January."
    late = doc("late", again, event(again, "attacked", day="2024-01-16", place=pk, actors=("Group 57",)), published="2024-01-19")
    calls: list[str] = []
    real = coref.score
    monkeypatch.setattr(coref, "score", lambda m, c: calls.append(m.doc) or real(m, c))
    f = fuse([*docs, late])
    assert len(f.events) == 150
    (e,) = [e for e in f.events if e["actors"] == ["Group 57"]]
    assert sorted(m["doc"] for m in e["mentions"]) == ["g057", "late"]
    assert calls.count("late") == 1  # one candidate, not the day's 150 events


def test_a_place_near_another_is_found_across_grid_cells() -> None:
    # no country, no actor, no figure: only the places (20 km apart, in neighbouring 1-degree cells) tie them
    near = {"name": "Kuchlak", "admin1": None, "country": None, "lat": 30.41, "lon": 66.97, "geonameid": None, "kind": "town"}
    quetta = {**QUETTA, "admin1": None, "country": None, "geonameid": None}
    a_text, b_text = "A blast hit Quetta on 16 January.", "A blast hit Kuchlak on 16 January."
    a = doc("a", a_text, event(a_text, "blast", day="2024-01-16", place=quetta))
    b = doc("b", b_text, event(b_text, "blast", day="2024-01-16", place=near))
    for d in (a, b):
        assert d.analysis is not None
        d.analysis.countries = {}
    assert fuse([a, b]).stats["clusters"] == 1  # one event (too vague to report: no country, no actor)
    far = {**near, "name": "Far", "lat": 32.5}  # 230 km north: another event
    c = doc("c", b_text.replace("Kuchlak", "Far"), event(b_text.replace("Kuchlak", "Far"), "blast", day="2024-01-16", place=far))
    assert c.analysis is not None
    c.analysis.countries = {}
    assert fuse([a, c]).stats["clusters"] == 2
