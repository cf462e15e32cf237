"""Event extraction: each construction on a hand-made sentence, with its exact expected output."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from triangulate.analyze import _analysis, nlp
from triangulate.extract import EventMention, extract_events, lexicon
from triangulate.model import Document, OffsetMap

PUB = "2024-01-18"  # a Thursday


def mentions(text: str, published: str | None = PUB) -> list[EventMention]:
    doc = Document(
        id="x", path="x", reader="text", raw=text, text=text, removed=[], offsets=OffsetMap([(0, 0, len(text))]), published=published
    )
    parsed = nlp()(text)
    a = _analysis(doc, parsed)
    day = date.fromisoformat(published) if published else None
    found = extract_events(
        parsed, entities=a.entities, places=a.places, times=a.times, counts=a.counts, published=day, sentences=a.sentences
    )
    for m in found:
        assert text[m.start : m.end] == m.text
    return found


def events(text: str) -> list[dict[str, Any]]:
    found = mentions(text)
    out = []
    for m in found:
        d = m.to_dict()
        out.append(
            {k: d[k] for k in ("text", "type", "mode", "actors", "targets", "date_start", "date_source", "claimed_by")}
            | {
                "place": (d["location"] or {}).get("country"),
                "killed": (d["fatalities"] or {}).get("value"),
                "flags": [f for f in ("negated", "future", "hypothetical", "background") if d[f]],
            }
        )
    return out


def test_active_with_demonym_actor_place_date_and_speaker() -> None:
    assert events("Pakistani jets struck militant hideouts in Iran on Thursday, the army said.") == [
        {
            "text": "struck",
            "type": "ASSAULT",
            "mode": None,
            "actors": ["Pakistan"],
            "targets": ["militant hideouts"],
            "date_start": "2024-01-18",
            "date_source": "stated",
            "claimed_by": "army",
            "place": "IR",
            "killed": None,
            "flags": [],
        }
    ]


def test_passive_with_agent_and_mode() -> None:
    (e,) = events("The village was shelled by government forces on Monday.")
    assert (e["type"], e["mode"], e["actors"], e["targets"], e["date_start"]) == (
        "ASSAULT",
        "heavy-weapons",
        ["government forces"],
        ["village"],
        "2024-01-15",
    )


def test_nominal_possessive_with_toll_and_according_to() -> None:
    (e,) = events("Iran's strikes on Pakistan on 16 January 2024 killed two children, according to Pakistan's foreign ministry.")
    assert (e["text"], e["actors"], e["targets"], e["date_start"], e["killed"], e["claimed_by"]) == (
        "strikes",
        ["Iran"],
        ["Pakistan"],
        "2024-01-16",
        2,
        "Pakistan's foreign ministry",
    )


def test_support_verb_gives_the_actor_and_the_outcome_verb_is_not_a_second_event() -> None:
    (e,) = events("Iran launched missile and drone strikes in Balochistan on Tuesday, killing two children, Pakistan said.")
    assert (e["text"], e["mode"], e["actors"], e["date_start"], e["killed"], e["claimed_by"]) == (
        "strikes",
        "drone",
        ["Iran"],
        "2024-01-16",
        2,
        "Pakistan",
    )


def test_coordinated_actors_and_targets() -> None:
    (e,) = events("Israeli warplanes and drones struck Gaza and Lebanon.")
    assert (e["mode"], e["actors"], e["targets"], e["date_source"]) == ("aerial", ["Israel"], ["Gaza", "Lebanon"], "publication")
    (e,) = events("Iran and Pakistan agreed to de-escalate on Friday.")
    assert (e["type"], e["actors"], e["date_start"]) == ("AGREE", ["Iran", "Pakistan"], "2024-01-12")


def test_a_toll_in_the_next_sentence_belongs_to_the_attack_with_its_own_source() -> None:
    (m,) = mentions("Pakistan struck back on Thursday. Iranian media reported that three women and four children had been killed.")
    assert m.fatalities is not None
    assert (m.text, m.fatalities["value"], m.fatalities["quote"], m.fatalities["claimed_by"], m.claimed_by) == (
        "struck",
        7,
        "three women and four children",
        "Iranian media",
        None,
    )


def test_negation_future_and_background() -> None:
    assert [e["flags"] for e in events("Iran has not attacked Pakistan.")] == [["negated"]]
    denied = events("Iran denied carrying out the attack.")
    assert [(e["type"], e["flags"]) for e in denied] == [("REJECT", []), ("ASSAULT", ["negated"])]
    threat = events("Tehran will respond to any attack, officials warned.")
    assert [(e["type"], e["flags"]) for e in threat] == [("ASSAULT", ["future"]), ("THREATEN", [])]
    (old,) = events("In 2019, a bombing in Zahedan killed 27 guards.")
    assert (old["mode"], old["date_start"], old["killed"], old["flags"]) == ("explosives", "2019-01-01", 27, ["background"])


def test_a_diplomatic_sanction() -> None:
    (e,) = events("Pakistan recalled its ambassador from Tehran on Wednesday.")
    assert (e["type"], e["actors"], e["targets"], e["date_start"]) == ("SANCTION", ["Pakistan"], ["Iran"], "2024-01-17")


@pytest.mark.parametrize("lemma", ["strike", "attack", "bomb", "shell"])
def test_triggers_come_from_the_lexicon(lemma: str) -> None:
    assert lexicon().verbs[lemma] == "ASSAULT"


def test_a_section_heading_ends_the_narrative_day() -> None:
    found = mentions("Talks were held on 3 March 2020.\n\nLater developments\n\nGunmen attacked a checkpoint near the border.", None)
    attack = [m for m in found if m.type == "ASSAULT"]
    assert [(m.text, m.date_start, m.date_source) for m in attack] == [("attacked", None, None)]
    # without the heading, the narrative's day carries over
    found = mentions("Talks were held on 3 March 2020. Gunmen attacked a checkpoint near the border.", None)
    assert [(m.date_start, m.date_source) for m in found if m.type == "ASSAULT"] == [("2020-03-03", "narrative")]


def test_a_pronoun_takes_the_nearest_fitting_name() -> None:
    (e,) = events("Hamas said it had fired rockets at Israel.")
    assert (e["type"], e["mode"], e["actors"], e["targets"], e["claimed_by"]) == (
        "ASSAULT",
        "heavy-weapons",
        ["Hamas"],
        ["Israel"],
        "Hamas",
    )


def test_a_town_before_an_event_noun_is_where_not_who() -> None:
    (e,) = events("Iran mourned after the Kerman bombings killed 90 people.")
    assert (e["text"], e["actors"], e["killed"]) == ("bombings", [], 90)


def test_a_heading_is_a_sentence_of_its_own() -> None:
    found = mentions("Border killings\nOn 27 January 2024, nine Pakistani labourers were killed in Saravan.")
    assert [(m.text, m.targets, m.date_start) for m in found if m.type == "ASSAULT"] == [
        ("killed", ["Pakistani labourers"], "2024-01-27"),  # the verbless heading names a topic: no event of its own
    ]


def test_a_medium_or_office_is_kept_as_the_source_a_state_by_its_name() -> None:
    (e,) = events("Iranian state television said missiles struck militant bases.")
    assert e["claimed_by"] == "Iranian state television"
    (e,) = events("Islamabad said missiles struck militant bases.")
    assert e["claimed_by"] == "Pakistan"


def test_governor_rules_from_the_lexicon() -> None:
    assert [(e["text"], e["type"], e["actors"]) for e in events("The government lifted the curfew on Monday.")] == [
        ("curfew", "CONCEDE", ["government"])
    ]
    assert [(e["text"], e["type"], e["actors"]) for e in events("Rebels violated the ceasefire overnight.")] == [
        ("ceasefire", "ASSAULT", ["Rebels"])
    ]
    assert [(e["text"], e["type"], e["actors"]) for e in events("Pakistan closed its embassy in Tehran.")] == [
        ("closed", "SANCTION", ["Pakistan"])
    ]


def test_unnamed_modifiers_and_events_are_not_participants() -> None:
    found = mentions("Retaliatory strikes hit the border village. Pakistan condemned the attack and demanded an explanation.")
    assert [(m.text, m.type, m.actors, m.targets) for m in found] == [
        ("hit", "ASSAULT", [], ["border village"]),  # the event noun and its verb are one happening
        ("condemned", "ACCUSE", ["Pakistan"], []),
        ("attack", "ASSAULT", [], []),  # a reference to an attack: fusion joins it to the one it names
        ("demanded", "REQUEST", ["Pakistan"], []),
    ]


def test_the_actor_of_an_event_noun_subject() -> None:
    found = mentions("Pakistani airstrikes hit a village in Iran on Thursday.")
    assert [(m.text, m.actors, m.targets, (m.location or {}).get("country")) for m in found] == [("hit", ["Pakistan"], ["village"], "IR")]


def test_unnamed_groups_act() -> None:
    found = mentions("Unknown gunmen attacked a police station on 3 March 2023.")  # March: a month, not a march
    assert [(m.type, m.actors, m.targets) for m in found] == [("ASSAULT", ["Unknown gunmen"], ["police station"])]


def test_a_pronoun_in_a_subordinate_clause_is_the_main_subject() -> None:
    found = mentions(
        "On 16 January 2024, Iran conducted a series of missile strikes in Pakistan, asserting that it had targeted militants."
    )
    assert [(m.text, m.actors, m.targets, m.date_start) for m in found] == [
        ("strikes", ["Iran"], [], "2024-01-16"),  # "a series of strikes": the support verb's subject acts
        ("targeted", ["Iran"], ["militants"], "2024-01-16"),  # "it": Iran, the subject in focus, not Pakistan
    ]


def test_a_figure_keeps_the_source_of_its_own_clause() -> None:
    found = mentions("Iran's government condemned the strikes and stated that nine people had been killed.")
    (strike,) = [m for m in found if m.type == "ASSAULT"]
    assert strike.claimed_by is None  # the strikes themselves are the document's own statement
    assert strike.fatalities is not None
    assert (strike.fatalities["value"], strike.fatalities["claimed_by"]) == (9, "Iran")  # the toll is Iran's


def test_where_an_event_happened() -> None:
    def where(text: str) -> list[tuple[str, str | None]]:
        return [(m.text, (m.location or {}).get("name")) for m in mentions(text)]

    assert where("Raisi accused Israel of being behind the blast.") == [("accused", None), ("blast", None)]  # an addressee
    assert where("After airstrikes in Iraq and Syria, Iran targeted a village in the Panjgur District of Pakistan.") == [
        ("airstrikes", "Iraq"),
        ("targeted", "Panjgur"),  # not the place of the airstrikes before it
    ]
    assert where("Iran struck Pakistan on Tuesday.") == [("struck", "Pakistan")]  # a struck country is where


def test_a_bound_is_not_the_date() -> None:
    text = "Pakistani airstrikes were the first attacks on Iranian soil since the end of the Iran–Iraq War in 1988."
    assert [(m.text, m.date_start) for m in mentions(text, None)] == [("airstrikes", None), ("attacks", None)]


def test_both_countries_are_the_two_the_text_is_about() -> None:
    found = mentions(
        "Iran struck Pakistan. Pakistan struck back at Iran, the first such attack since the Iran–Iraq War. "
        "On 19 January, both countries agreed to de-escalate."
    )
    assert [(m.type, m.actors) for m in found if m.type == "AGREE"] == [("AGREE", ["Pakistan", "Iran"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Teachers went on strike on Monday.", "PROTEST"),
        ("Unions held a general strike.", "PROTEST"),
        ("Pakistan launched a strike on Iran.", "ASSAULT"),
        ("Pakistan expelled the Iranian ambassador.", "SANCTION"),
        ("Police raided the house.", "COERCE"),
        ("Rebels raided the village.", "ASSAULT"),
        ("Protesters blocked the road.", "PROTEST"),
        ("The army blocked aid deliveries.", "COERCE"),
        ("Pakistan withdrew its ambassador.", "SANCTION"),
        ("Troops withdrew from the town.", "RETREAT"),
        ("Police seized weapons.", "COERCE"),
        ("Iran protested the decision.", "ACCUSE"),
        ("Thousands protested in the capital.", "PROTEST"),
    ],
)
def test_ambiguous_triggers_follow_the_lexicon_rules(text: str, expected: str) -> None:
    (m,) = mentions(text)
    assert m.type == expected


def test_contexts_come_from_the_sentence() -> None:
    (m,) = mentions("Pakistan expelled the Iranian ambassador over the election.")
    assert m.contexts == ["diplomatic", "election"]


def test_context_cues_name_plover_contexts() -> None:
    import tomllib
    from importlib import resources

    data = tomllib.loads(resources.files("triangulate.extract").joinpath("data", "plover.toml").read_text(encoding="utf-8"))
    assert set(data["contexts"]["cues"]) <= set(data["contexts"]["names"])


def test_the_past_perfect_does_not_take_the_narratives_day() -> None:
    found = mentions("On 3 January a bomb exploded in Kerman. Iran had carried out attacks in Iraq. Police arrested two men.")
    assert [(m.text, m.date_start, m.date_source) for m in found] == [
        ("exploded", "2024-01-03", "stated"),
        ("attacks", None, None),  # earlier than the story's day, by how much the text does not say
        ("arrested", "2024-01-03", "narrative"),
    ]


def test_reported_speech_backshifts_without_moving_the_day() -> None:
    found = mentions("On 3 January missiles hit Kerman. Officials said nine people had been killed.")
    assert [(m.text, m.date_start) for m in found] == [("hit", "2024-01-03")]
    assert found[0].fatalities is not None and found[0].fatalities["value"] == 9


def test_the_most_precise_date_of_the_sentence() -> None:
    (m,) = mentions("Two weeks ago, 103 people were killed near the tomb on January 3 as supporters gathered.")
    assert (m.text, m.date_start) == ("killed", "2024-01-03")


def test_a_religion_before_a_noun_is_not_the_target() -> None:
    assert [(m.actors, m.targets) for m in mentions("Iran struck a Sunni militant group in Pakistan.")] == [
        (["Iran"], ["Sunni militant group"])
    ]


def test_a_kind_before_an_event_noun_is_not_its_actor() -> None:
    # spaCy's small model tags some town names NORP; a NORP with no state behind it describes, it does not act
    found = mentions("The Sunni militant attacks killed 9 labourers.")
    assert [(m.text, m.actors) for m in found] == [("attacks", [])]


@pytest.mark.parametrize(
    "text",
    [
        "Jaish al-Adl, a militant group that has conducted deadly attacks in Iran, denied it.",
        "The group has been previously involved in attacking border posts.",
        "Allied groups in Syria and Iraq have been carrying out attacks on Israel.",
    ],
)
def test_a_record_is_not_news_of_the_day(text: str) -> None:
    (m,) = [m for m in mentions(text) if m.type == "ASSAULT"]
    assert (m.date_start, m.date_source) == (None, None)


def test_news_in_the_present_perfect_takes_the_day() -> None:
    (m,) = [m for m in mentions("Pakistan has carried out strikes inside Iran.") if m.type == "ASSAULT"]
    assert (m.date_start, m.date_source) == (PUB, "publication")


def test_a_heading_on_the_line_above_its_section_ends_the_narrative_day_and_reports_nothing() -> None:
    text = "Talks were held on 3 March 2020.\n\nPast attacks\nGunmen attacked a checkpoint near the border."
    found = mentions(text, None)
    assert [(m.text, m.date_start) for m in found if m.type == "ASSAULT"] == [("attacked", None)]
    # a hard-wrapped paragraph is not a heading: its first line is long
    wrapped = "Talks were held on 3 March 2020.\n\nGunmen attacked a checkpoint near the border town\nof Chaman, officials said."
    assert [(m.text, m.date_start) for m in mentions(wrapped, None) if m.type == "ASSAULT"] == [("attacked", "2020-03-03")]
