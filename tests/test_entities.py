"""Entities: spaCy candidates corrected by real data, each rule on a hand-made sentence."""

from __future__ import annotations

import pytest

from triangulate.analyze import nlp
from triangulate.analyze.entities import Entity, find_entities, unify
from triangulate.analyze.lexicon import key, lexicon


def ents(text: str) -> list[Entity]:
    found = find_entities(nlp()(text))
    for e in found:
        assert text[e.start : e.end] == e.text
    return found


def one(text: str, surface: str) -> Entity:
    hits = [e for e in ents(text) if e.text == surface]
    assert hits, (surface, ents(text))
    return hits[0]


def test_a_capital_that_speaks_is_its_government() -> None:
    e = one("Islamabad said it had recalled its ambassador from Tehran.", "Islamabad")
    assert (e.label, e.canonical, e.country, e.government) == ("GPE", "Pakistan", "PK", True)
    e = one("Islamabad said it had recalled its ambassador from Tehran.", "Tehran")
    assert (e.canonical, e.country, e.government) == ("Tehran", "IR", False)
    e = one("Tehran's response came within hours.", "Tehran")
    assert (e.canonical, e.government) == ("Iran", True)


def test_a_capital_as_a_place_stays_a_city() -> None:
    e = one("Protesters gathered in Islamabad on Friday.", "Islamabad")
    assert (e.label, e.canonical, e.country, e.government) == ("GPE", "Islamabad", "PK", False)


def test_acronyms_and_aliases_resolve_to_one_name() -> None:
    e = one("The IRGC said its missiles hit their targets.", "IRGC")
    assert (e.label, e.canonical, e.country, e.kind) == ("ORG", "Islamic Revolutionary Guard Corps", "IR", "alias")
    e = one("Officials at the Kremlin declined to comment.", "Kremlin")
    assert (e.label, e.canonical, e.country, e.government) == ("GPE", "Russia", "RU", True)


def test_countries_and_demonyms() -> None:
    found = {
        e.text: (e.label, e.canonical, e.country) for e in ents("Iranian forces struck targets in Iraq, and American officials objected.")
    }
    assert found["Iranian"] == ("NORP", "Iranian", "IR")
    assert found["Iraq"] == ("GPE", "Iraq", "IQ")
    assert found["American"] == ("NORP", "American", "US")  # not the Northern Mariana Islands, who share the word


def test_iran_and_iraq_are_not_confused() -> None:
    assert key("Iran") != key("Iraq")
    assert [(e.text, e.country) for e in ents("Iran and Iraq signed a border accord.") if e.label == "GPE"] == [
        ("Iran", "IR"),
        ("Iraq", "IQ"),
    ]


@pytest.mark.parametrize(
    ("variants"),
    [
        ("Baluchestan", "Balochistan", "Baluchistan"),
        ("Jaish ul-Adl", "Jaish al-Adl", "Jaish-al-Adl", "Jaish al Adl"),
        ("Koh-e-Sabz", "Kuh-i-Sabz"),
        ("Sīstān va Balūchestān", "Sistan and Baluchestan", "Sistan and Balochistan"),
        ("Tehran", "the Tehran"),
    ],
)
def test_transliteration_variants_share_a_key(variants: tuple[str, ...]) -> None:
    assert len({key(v) for v in variants}) == 1


def test_a_division_takes_the_country_the_text_is_about() -> None:
    assert one("Pakistani officials in Punjab said the roads were closed.", "Punjab").country == "PK"
    assert one("Indian police in Punjab said the roads were closed.", "Punjab").country == "IN"
    # a division's name with no context for its country is not read as that division
    assert [e for e in ents("This is a quiet week.") if e.kind == "admin1"] == []


def test_armed_groups_by_name_words_and_by_context() -> None:
    assert one("Fighters of Harakat al-Nasr attacked a checkpoint.", "Harakat al-Nasr").label == "GROUP"
    # a state's army is not an armed group, and it takes its state's country
    army = [e for e in ents("The Pakistan Army said it had repelled the attack.") if "Army" in e.text]
    assert army and army[0].label == "ORG" and army[0].country == "PK"
    assert one("Hamas said the talks had stalled.", "Hamas").label == "GROUP"


def test_a_surname_takes_the_full_name_used_in_the_document() -> None:
    found = ents("Foreign Minister Jonathan Whitfield met the envoy on Monday. Whitfield said the talks were useful.")
    names = [(e.text, e.canonical) for e in found if e.label == "PERSON"]
    assert ("Whitfield", "Jonathan Whitfield") in names


def test_unify_gives_one_spelling_across_documents() -> None:
    a = ents("Jaish al-Adl claimed the attack on the border post.")
    b = ents("Jaish ul-Adl claimed the attack on the border post.")
    c = ents("Jaish al-Adl, a militant group, denied it.")
    groups = [[e for e in d if e.label == "GROUP"] for d in unify([a, b, c])]
    assert {e.canonical for d in groups for e in d} == {"Jaish al-Adl"}  # the commonest spelling wins


def test_lexicon_sources_are_named() -> None:
    lex = lexicon()
    assert all(t.source for terms in lex.terms.values() for t in terms)
    assert lex.get("Pakistan").source.startswith("pycountry")  # type: ignore[union-attr]
