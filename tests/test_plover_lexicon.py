"""The PLOVER trigger lexicon (src/triangulate/extract/data/plover.toml) is consistent data.

It checks the file, not the typer that reads it: every type and mode named as PLOVER and POLECAT name them,
every mode cue pointing at a mode its type has, every lemma lower case, every lemma shared by two types
listed with the rule that separates them, and the sources named in the header.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

PATH = Path(__file__).resolve().parents[1] / "src" / "triangulate" / "extract" / "data" / "plover.toml"

TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip

# Modes as PLOVER manual draft 0.8 (openeventdata/PLOVER, PLOVER_MANUAL.tex) spells them.
MANUAL_MODES = {
    "CONSULT": {"visit", "third-party", "multilateral", "phone"},
    "RETREAT": {"withdraw", "release", "return", "disarm", "ceasefire", "access", "resign"},
    "REQUEST": {"assist", "change", "yield", "meet"},
    "ACCUSE": {"disapprove", "investigate", "allege"},
    "REJECT": {"assist", "change", "yield", "meet"},
    "THREATEN": {"restrict", "ban", "arrest", "relations", "expel", "territory", "violence"},
    "PROTEST": {"demo", "riot", "general", "strike", "hunger", "boycott", "obstruct"},
    "SANCTION": {"convict", "expel", "withdraw", "discontinue"},
    "MOBILIZE": {"troops", "weapons", "police", "militia"},
    "COERCE": {"confiscate", "restrict", "ban", "censor", "curfew", "martial-law", "arrest", "deport", "withhold"},
    "ASSAULT": {
        "abduct", "beat", "torture", "execute", "sexual", "assassinate", "destroy", "primitive", "firearms",
        "explosives", "suicide-attack", "heavy-weapons", "cleansing", "massacre", "unconventional", "sideAB",
    },
}  # fmt: skip
# Modes only POLECAT's coder (ahalterman/NGEC) uses.
POLECAT_MODES = {"ASSAULT": {"aerial", "drone", "crowd-control"}, "COERCE": {"misinformation", "cyber"}}
LOOK_IN = {"trigger", "subject", "object", "instrument", "complement", "sentence"}
TRIGGER_LISTS = ("verbs", "nouns", "phrases")
LEMMA = re.compile(r"^[a-z0-9][a-z0-9' -]*[a-z0-9]$|^[a-z]$")


@pytest.fixture(scope="module")
def lexicon() -> dict[str, Any]:
    with PATH.open("rb") as f:
        return tomllib.load(f)


def triggers(entry: dict[str, Any]) -> set[str]:
    return {lemma for name in TRIGGER_LISTS for lemma in entry.get(name, [])}


def explained(text: str, table: dict[str, Any]) -> bool:
    """A real explanation, or "As <lemma>." pointing at another entry of the same table that has one."""
    same = re.fullmatch(r"As ([a-z' -]+)\.", text)
    if same is None:
        return len(text) > 20
    other = table.get(same[1])
    return other is not None and explained(other if isinstance(other, str) else other["rule"], table)


def all_modes(entry: dict[str, Any]) -> set[str]:
    return set(entry["modes"]) | set(entry.get("polecat_modes", []))


def test_header_names_sources_and_coverage() -> None:
    header = []
    for line in PATH.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    text = "\n".join(header)
    for needed in (
        "Sources",
        "Coverage",
        "Known gaps",
        "openeventdata/PLOVER",
        "PLOVER_MANUAL.tex",
        "CAMEO2PLOVER-2021.txt",
        "ahalterman/NGEC",
    ):
        assert needed in text, needed
    assert len(re.findall(r"\b[0-9a-f]{40}\b", text)) >= 4, "commits of the files read"


def test_sources_table(lexicon: dict[str, Any]) -> None:
    ids = {source["id"] for source in lexicon["sources"]}
    assert {"manual-0.8", "ngec", "cameo2plover"} <= ids
    for source in lexicon["sources"]:
        assert source["repo"] and source["path"] and source["used_for"]
        assert all(re.fullmatch(r"[0-9a-f]{40}", c.strip()) for c in source["commit"].split(";")), source["id"]


def test_all_sixteen_types_with_definitions(lexicon: dict[str, Any]) -> None:
    assert tuple(lexicon["types"]) == TYPES
    for name, entry in lexicon["types"].items():
        assert len(entry["definition"]) > 20, name
        assert entry["quad"] in {"verbal cooperation", "material cooperation", "verbal conflict", "material conflict"}, name
        assert -10 <= entry["score"] <= 10, name
        assert isinstance(entry["requires_recipient"], bool), name
        assert isinstance(entry["modes"], list), name
    assert lexicon["types"]["REQUEST"]["manual_name"] == "DEMAND"


def test_modes_are_the_manuals(lexicon: dict[str, Any]) -> None:
    for name, entry in lexicon["types"].items():
        assert set(entry["modes"]) == MANUAL_MODES.get(name, set()), name
        assert set(entry.get("polecat_modes", [])) == POLECAT_MODES.get(name, set()), name
        definitions = entry.get("mode_definitions", {})
        assert set(definitions) == all_modes(entry), name
        for alias, target in entry.get("mode_aliases", {}).items():
            assert target in entry["modes"] and alias not in entry["modes"], (name, alias)


def test_trigger_counts(lexicon: dict[str, Any]) -> None:
    for name, entry in lexicon["types"].items():
        assert entry["verbs"] and entry["nouns"], name
        assert 10 <= len(triggers(entry)) <= 120, (name, len(triggers(entry)))
        for list_name in TRIGGER_LISTS:
            values = entry.get(list_name, [])
            assert len(values) == len(set(values)), (name, list_name, [v for v in values if values.count(v) > 1])


def test_conditions_name_triggers_of_their_type(lexicon: dict[str, Any]) -> None:
    for name, entry in lexicon["types"].items():
        for lemma, text in entry.get("conditions", {}).items():
            assert lemma in triggers(entry), (name, lemma)
            assert explained(text, entry["conditions"]), (name, lemma)


def test_every_mode_cue_points_at_a_mode_of_its_type(lexicon: dict[str, Any]) -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for entry in lexicon["modes"]:
        kind = lexicon["types"][entry["type"]]
        assert entry["mode"] in all_modes(kind), (entry["type"], entry["mode"])
        if entry["source"] == "ngec":
            assert entry["mode"] in kind.get("polecat_modes", []), entry["mode"]
            assert entry.get("manual_fallback") in (None, *kind["modes"]), entry["mode"]
        else:
            assert entry["source"] == "manual-0.8" and entry["mode"] in kind["modes"], entry["mode"]
        assert entry["cues"] and len(entry["cues"]) == len(set(entry["cues"])), (entry["type"], entry["mode"])
        assert set(entry["look_in"]) <= LOOK_IN, entry["look_in"]
        assert isinstance(entry.get("weak", False), bool)
        seen[entry["type"]].add(entry["mode"])
    for name, entry in lexicon["types"].items():
        # every mode has cues, except sideAB, which depends on who the actors are, not on words
        assert all_modes(entry) - {"sideAB"} <= seen[name], (name, all_modes(entry) - seen[name])


def test_lemmas_are_lower_case(lexicon: dict[str, Any]) -> None:
    lemmas: list[str] = []
    for entry in lexicon["types"].values():
        lemmas += triggers(entry)
    for entry in lexicon["modes"]:
        lemmas += entry["cues"]
    for entry in lexicon["governors"]:
        lemmas += entry["lemmas"] + entry["objects"]
    lemmas += lexicon["support_verbs"]["lemmas"]
    lemmas += list(lexicon["ambiguous"])
    for name, values in lexicon["special_contexts"].items():
        if name != "note":
            lemmas += values
    bad = sorted({lemma for lemma in lemmas if not LEMMA.match(lemma) or "  " in lemma})
    assert not bad


def test_shared_triggers_are_listed_as_ambiguous(lexicon: dict[str, Any]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for name, entry in lexicon["types"].items():
        for lemma in triggers(entry):
            owners[lemma].add(name)
    shared = {lemma: types for lemma, types in owners.items() if len(types) > 1}
    ambiguous = lexicon["ambiguous"]
    missing = {
        lemma: sorted(types) for lemma, types in shared.items() if lemma not in ambiguous or not types <= set(ambiguous[lemma]["types"])
    }
    assert not missing
    for lemma, entry in ambiguous.items():
        assert len(entry["types"]) >= 2, lemma
        assert set(entry["types"]) == owners[lemma], (lemma, entry["types"], sorted(owners[lemma]))
        assert explained(entry["rule"], ambiguous), lemma


def test_governors_and_contexts(lexicon: dict[str, Any]) -> None:
    for entry in lexicon["governors"]:
        kind = lexicon["types"][entry["type"]]
        assert entry["lemmas"] and entry["objects"] and entry["note"]
        assert entry.get("mode") in (None, *all_modes(kind)), entry
    assert set(lexicon["contexts"]["special"]) == {"historical", "future", "hypothetical", "negation"}
    assert {"military", "humanitarian", "cbrn", "cyber", "terrorism"} <= set(lexicon["contexts"]["names"])
    assert set(lexicon["special_contexts"]) >= {"historical", "future", "hypothetical", "negation"}


def test_some_reports_reach_their_type(lexicon: dict[str, Any]) -> None:
    """A few head lemmas from real reports land where the manual puts them."""
    owners: dict[str, set[str]] = defaultdict(set)
    for name, entry in lexicon["types"].items():
        for lemma in triggers(entry):
            owners[lemma].add(name)
    expected = {
        "airstrike": "ASSAULT", "shell": "ASSAULT", "kill": "ASSAULT", "condemn": "ACCUSE", "urge": "REQUEST",
        "call on": "REQUEST", "recall ambassador": "SANCTION", "talk": "CONSULT", "curfew": "COERCE",
        "demonstration": "PROTEST", "deploy": "MOBILIZE", "release": "RETREAT", "aid": "AID", "extradite": "COOPERATE",
        "pardon": "CONCEDE", "praise": "SUPPORT", "pledge": "AGREE", "reject": "REJECT", "threaten": "THREATEN",
    }  # fmt: skip
    for lemma, kind in expected.items():
        assert owners[lemma] == {kind}, (lemma, owners[lemma])
    cue_modes = {(entry["type"], cue): entry["mode"] for entry in lexicon["modes"] for cue in entry["cues"]}
    assert cue_modes["ASSAULT", "airstrike"] == "aerial"
    assert cue_modes["ASSAULT", "drone"] == "drone"
    assert cue_modes["ASSAULT", "suicide bomber"] == "suicide-attack"
    assert cue_modes["ASSAULT", "car bomb"] == "explosives"
    assert cue_modes["ASSAULT", "artillery"] == "heavy-weapons"
    assert cue_modes["ASSAULT", "gunman"] == "firearms"
    assert cue_modes["SANCTION", "expel diplomat"] == "expel"
    assert cue_modes["SANCTION", "recall ambassador"] == "withdraw"
