"""Copies of one report: exact, near-duplicate, rewrite, syndicated (triangulate.fuse.dedup)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

from triangulate.fuse.dedup import Copy, copy_groups, independent_sources
from triangulate.model import Document, OffsetMap

# Ten sentences of one report (A), ten of a separate report on the same event (B), ten of a
# wire story (W), and spare sentences for rewrites and reprints.
A = [
    "Iranian missiles and drones struck two houses in the village of Koh-e-Sabz late on Tuesday night.",
    "Local officials said two children were killed and three girls were injured in the attack.",
    "The foreign ministry in Islamabad summoned the Iranian charge d'affaires to lodge a strong protest.",
    "Tehran said the strikes targeted bases of the militant group Jaish al-Adl inside Pakistani territory.",
    "Pakistan recalled its ambassador from Tehran and barred the Iranian envoy from returning to Islamabad.",
    "Residents described a loud blast that shook windows across the valley shortly before midnight.",
    "A hospital in Panjgur received the wounded girls, one of whom remained in critical condition.",
    "Analysts warned that the unprecedented strike could push the two neighbours towards open confrontation.",
    "China urged both governments to show restraint and to settle their dispute through dialogue.",
    "The border crossing at Taftan stayed open on Wednesday, though traders reported long delays.",
]
B = [
    "Pakistani jets hit what officials called terrorist hideouts in Iran's Sistan-Baluchestan province at dawn.",
    "The Iranian interior ministry reported that nine people, among them four children, lost their lives.",
    "An army spokesman in Rawalpindi described the operation as intelligence-based and precisely coordinated.",
    "Iran's foreign minister spoke by telephone with his Pakistani counterpart later in the afternoon.",
    "Both sides signalled a wish to avoid escalation after two days of tit-for-tat military action.",
    "Markets in Karachi fell sharply in early trading before recovering some of their losses by noon.",
    "The United Nations secretary-general called for maximum restraint from all parties involved.",
    "Baloch separatist groups operate on both sides of the long and porous mountain border.",
    "Diplomats in Tehran said a delegation would travel to Islamabad before the end of the month.",
    "Security along the coastal highway near Gwadar was tightened after the retaliatory strikes.",
]
W = [
    "Pakistan and Iran agreed on Friday to return their ambassadors to their posts by the end of January.",
    "A joint statement said the foreign ministers would meet soon to discuss security cooperation.",
    "The decision followed a telephone call between the two foreign ministers on Friday afternoon.",
    "Both governments stressed their respect for each other's sovereignty and territorial integrity.",
    "Officials said a hotline between the two militaries would be set up to prevent future incidents.",
    "The agreement eased fears of a wider conflict in a region already strained by the war in Gaza.",
    "Iran's foreign minister is expected to visit Islamabad on January 29 at Pakistan's invitation.",
    "Trade between the two countries, worth about two billion dollars a year, was not disrupted.",
    "Analysts said neither side could afford a prolonged confrontation along their shared border.",
    "The United States, which had criticised Iran's strikes, welcomed the easing of tensions.",
]
AFP = [
    "Afghan authorities reopened the Torkham crossing after a week of talks with Pakistani officials.",
    "Hundreds of lorries loaded with fruit had queued on both sides of the frontier since Monday.",
    "The closure followed a dispute over the construction of a new checkpoint by Afghan guards.",
    "Traders said the stoppage had cost them millions of dollars in spoiled goods and lost sales.",
]
SPARE = [
    "Our correspondent in Quetta says many families have left the border villages for the city.",
    "The provincial government announced compensation for the families of the victims on Thursday.",
    "Opposition politicians demanded a parliamentary briefing on the state of relations with Iran.",
    "Television footage showed mourners carrying small coffins through the narrow streets of the village.",
    "Schools near the border were closed for the rest of the week as a precaution.",
    "Human rights groups called for an independent investigation into the civilian deaths.",
]


def doc(
    doc_id: str,
    sentences: list[str],
    *,
    published: str | None = "2024-01-17",
    outlet: str | None = None,
    syndicated_from: str | None = None,
    text: str | None = None,
) -> Document:
    body = text if text is not None else "\n".join(sentences)
    return Document(
        id=doc_id,
        path=f"{doc_id}.txt",
        reader="text",
        raw=body,
        text=body,
        removed=[],
        offsets=OffsetMap(),
        published=published,
        outlet=outlet,
        syndicated_from=syndicated_from,
    )


def change_words(sentences: list[str], swaps: dict[int, tuple[str, str]]) -> list[str]:
    out = list(sentences)
    for i, (old, new) in swaps.items():
        assert old in out[i]
        out[i] = out[i].replace(old, new, 1)
    return out


def test_exact_copy_ignores_case_spacing_and_punctuation() -> None:
    a = doc("a", A, published="2024-01-17")
    text = "  ".join(s.upper().replace(",", " ,").replace("'", "’") for s in A)
    b = doc("b", [], published="2024-01-18", text=text)
    got = copy_groups([a, b])
    assert got["a"] == Copy("a", "a", "original", 1.0, got["a"].reason)
    assert got["b"].group == "a"
    assert got["b"].relation == "exact"
    assert got["b"].similarity == 1.0
    assert got["b"].reason == "same text as a (exact copy)"


def test_near_duplicate_with_a_few_words_changed() -> None:
    edited = change_words(A, {1: ("two children", "three children"), 4: ("recalled", "withdrew"), 8: ("urged", "called on")})
    got = copy_groups([doc("a", A, published="2024-01-17"), doc("b", edited, published="2024-01-17T09:00")])
    assert got["b"].group == "a"
    assert got["b"].relation == "near-duplicate"
    assert 0.7 <= got["b"].similarity < 1.0
    assert "5-word shingles shared with a (near-duplicate)" in got["b"].reason


def test_rewrite_sharing_half_the_sentences() -> None:
    # half of A's sentences, in another order, with three paragraphs of its own
    rewrite = [A[6], A[0], A[1], A[3], A[2], *SPARE[:3]]
    got = copy_groups([doc("a", A), doc("r", rewrite, published="2024-01-18")])
    assert got["r"].group == "a"
    assert got["r"].relation == "rewrite"
    assert 0.3 < got["r"].similarity < 0.7
    assert got["r"].reason.endswith("of its 5-word shingles appear in a (rewrite)")


def test_unrelated_reports_on_one_event_stay_apart() -> None:
    got = copy_groups([doc("a", A), doc("b", B), doc("w", W)])
    assert {d: (c.group, c.relation) for d, c in got.items()} == {"a": ("a", "original"), "b": ("b", "original"), "w": ("w", "original")}
    assert got["a"].reason == "no other document shares its text"


def test_syndicated_reprint_of_an_outlet_in_the_corpus() -> None:
    wire = doc("w", W, outlet="Reuters", published="2024-01-19")
    # trimmed to eight paragraphs, credited, and dated earlier than the wire's own copy
    reprint = doc("p", W[:8], outlet="Dawn", syndicated_from="the REUTERS", published="2024-01-18")
    got = copy_groups([wire, reprint, doc("a", A)])
    assert got["w"] == Copy("w", "w", "original", 1.0, got["w"].reason)
    assert got["p"].group == "w"
    assert got["p"].relation == "syndicated"
    assert got["p"].reason.startswith("reprint of the REUTERS (says so in the text); ")
    assert got["p"].reason.endswith("83% of its 5-word shingles shared with w (near-duplicate)")
    assert got["p"].similarity == 0.832
    assert got["a"].group == "a"


def test_reprints_of_a_wire_not_in_the_corpus_form_one_group() -> None:
    first = doc("p1", W, outlet="Dawn", syndicated_from="Associated Press", published="2024-01-19")
    second = doc("p2", [*W[:7], *SPARE[3:5]], outlet="Express Tribune", syndicated_from="Associated Press", published="2024-01-20")
    got = copy_groups([second, first])
    assert got["p1"] == Copy("p1", "p1", "syndicated", 1.0, got["p1"].reason)
    assert got["p1"].reason.startswith("reprint of Associated Press (says so in the text); the earliest published")
    assert got["p2"].group == "p1"
    assert got["p2"].relation == "syndicated"
    assert got["p2"].reason.endswith("Associated Press's own copy is not in the corpus")


def test_reprint_with_no_copy_in_the_corpus_stays_alone() -> None:
    got = copy_groups([doc("p", B, outlet="Dawn", syndicated_from="AFP"), doc("a", A)])
    assert got["p"] == Copy("p", "p", "syndicated", 1.0, "reprint of AFP (says so in the text); no other document shares its text")


def test_an_outlet_crediting_itself_is_not_a_reprint() -> None:
    got = copy_groups([doc("w", W, outlet="Reuters", syndicated_from="Reuters")])
    assert got["w"].relation == "original"


def test_short_documents_are_grouped_only_as_exact_copies() -> None:
    one = "Iranian missiles struck two houses in the village of Koh-e-Sabz late on Tuesday night, officials said."
    edited = one.replace("two houses", "three houses")
    got = copy_groups([doc("s1", [one]), doc("s2", [edited]), doc("s3", [one.lower()], published="2024-01-18")])
    assert got["s2"] == Copy("s2", "s2", "original", 1.0, got["s2"].reason)
    assert got["s2"].reason.startswith("too short to compare: 14 shingles of 5 words, fewer than 20;")
    assert (got["s3"].group, got["s3"].relation) == ("s1", "exact")


def test_empty_text_is_its_own_report() -> None:
    got = copy_groups([doc("e1", [], text=" ... "), doc("e2", [], text="")])
    assert got["e1"] == Copy("e1", "e1", "original", 1.0, "no text to compare")
    assert got["e2"].group == "e2"


@pytest.mark.parametrize(
    ("dates", "rep"),
    [
        ({"x": "2024-01-18", "y": "2024-01-16", "z": None}, "y"),  # earliest published
        ({"x": None, "y": None, "z": "2024-01-20"}, "z"),  # undated documents come last
    ],
)
def test_the_original_is_the_earliest_published(dates: dict[str, str | None], rep: str) -> None:
    got = copy_groups([doc(i, A, published=p) for i, p in dates.items()])
    assert {c.group for c in got.values()} == {rep}
    assert got[rep].relation == "original"
    assert (
        got[rep].reason
        == "the original of this report (2 other documents copy, rewrite or reprint it): the earliest published that credits no other outlet"
    )


def test_same_day_ties_go_to_the_longest_text_then_the_id() -> None:
    longer = doc("m", [*A, SPARE[0]])
    got = copy_groups([doc("k", A), longer, doc("j", A)])
    assert {c.group for c in got.values()} == {"m"}
    got = copy_groups([doc("k", A), doc("j", A)])
    assert got["k"].group == "j"


def test_a_block_many_pages_carry_does_not_merge_them() -> None:
    # a statement quoted in full by two separate reports, and also published on its own:
    # it joins the one it is the larger part of, and the two reports stay apart
    statement = W[:4]
    r1 = doc("r1", [*A, *statement], published="2024-01-17")
    r2 = doc("r2", [*B[:6], *statement], published="2024-01-18")
    alone = doc("s", statement, published="2024-01-19")
    got = copy_groups([r1, r2, alone])
    assert got["r1"].group == "r1"
    assert got["r2"].group == "r2"
    assert got["s"].group == "r2"
    assert got["s"].relation == "rewrite"
    assert got["s"].reason == "100% of its 5-word shingles appear in r2 (rewrite)"


def corpus() -> list[Document]:
    return [
        doc("a", A, published="2024-01-17"),
        doc("a2", [], text=" ".join(A).upper(), published="2024-01-18"),
        doc("a3", change_words(A, {0: ("two houses", "several houses"), 7: ("warned", "said")}), published="2024-01-18"),
        doc("a4", [A[6], A[0], A[1], A[3], A[2], *SPARE[:3]], published="2024-01-19"),
        doc("b", B, published="2024-01-18"),
        doc("w", W, outlet="Reuters", published="2024-01-19"),
        doc("w2", W[:8], outlet="Dawn", syndicated_from="Reuters", published="2024-01-19"),
        doc("p1", AFP, outlet="Geo", syndicated_from="AFP", published="2024-01-20"),
        doc("s", [SPARE[0]]),
        doc("e", [], text=""),
    ]


def test_every_document_gets_a_record_in_id_order() -> None:
    got = copy_groups(corpus())
    assert list(got) == sorted(d.id for d in corpus())
    assert {d: c.group for d, c in got.items()} == {
        "a": "a",
        "a2": "a",
        "a3": "a",
        "a4": "a",
        "b": "b",
        "w": "w",
        "w2": "w",
        "p1": "p1",
        "s": "s",
        "e": "e",
    }
    assert {d: c.relation for d, c in got.items()} == {
        "a": "original",
        "a2": "exact",
        "a3": "near-duplicate",
        "a4": "rewrite",
        "b": "original",
        "w": "original",
        "w2": "syndicated",
        "p1": "syndicated",
        "s": "original",
        "e": "original",
    }
    assert got["a2"].to_dict() == {
        "doc": "a2",
        "group": "a",
        "relation": "exact",
        "similarity": 1.0,
        "reason": "same text as a (exact copy)",
    }
    json.dumps([c.to_dict() for c in got.values()])


def test_input_order_does_not_matter() -> None:
    docs = corpus()
    want = copy_groups(docs)
    rnd = random.Random(3)
    for _ in range(5):
        rnd.shuffle(docs)
        assert copy_groups(docs) == want


def test_a_document_listed_twice_gets_one_record() -> None:
    got = copy_groups([doc("a", A), doc("a", A), doc("b", B)])
    assert sorted(got) == ["a", "b"]
    assert got["a"].group == "a"


def test_independent_sources_counts_copies_of_one_report_once() -> None:
    copies = [doc(f"c{i}", A, published=f"2024-01-{17 + i:02d}") for i in range(10)]
    edited = [doc(f"n{i}", change_words(A, {i: (A[i].split()[2], "something")})) for i in range(3)]
    got = copy_groups([*copies, *edited, doc("b", B)])
    assert independent_sources(got, [d.id for d in copies] + ["b"]) == 2
    assert independent_sources(got, [d.id for d in copies + edited]) == 1
    assert independent_sources(got, ["b", "b"]) == 1
    assert independent_sources(got, ["unknown", "b"]) == 2  # a document dedup did not see is its own report
    assert independent_sources(got, []) == 0


def test_thresholds_are_checked() -> None:
    with pytest.raises(ValueError):
        copy_groups([], threshold=0)
    with pytest.raises(ValueError):
        copy_groups([], shingle=0)
    assert copy_groups([]) == {}


@pytest.mark.slow
def test_same_result_whatever_the_hash_seed() -> None:
    script = (
        "import json, sys\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "from test_dedup import corpus\n"
        "from triangulate.fuse.dedup import copy_groups\n"
        "print(json.dumps([c.to_dict() for c in copy_groups(corpus()).values()]))\n"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run([sys.executable, "-c", script, os.path.dirname(__file__)], env=env, capture_output=True, text=True, check=True)
        outputs.add(run.stdout)
    assert outputs == {json.dumps([c.to_dict() for c in copy_groups(corpus()).values()]) + "\n"}
