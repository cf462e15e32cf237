"""The timeline task: dates and sentences chosen as worked out by hand, spans that hold, the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from triangulate.cli import app
from triangulate.model import Document, OffsetMap
from triangulate.timeline import build_timeline, publication_baseline


def doc(doc_id: str, text: str, published: str | None, outlet: str | None = None, syndicated_from: str | None = None) -> Document:
    return Document(
        id=doc_id,
        path=f"{doc_id}.txt",
        reader="text",
        raw=text,
        text=text,
        removed=[],
        offsets=OffsetMap([(0, 0, len(text))]),
        published=published,
        outlet=outlet,
        syndicated_from=syndicated_from,
    )


# 2024-01-16 is a Tuesday, 17 a Wednesday, 18 a Thursday.
A = doc(
    "a",
    "Iran struck targets in the border province on Tuesday, killing two children there.\n"
    "Officials in the capital condemned the strike in strong terms.\n"
    "The weather in the region was cold and dry all week.",
    "2024-01-17",
    "Alpha",
)
B = doc(
    "b",
    "Missiles hit a village in the border province on Tuesday, state media said.\n"
    "The government recalled its ambassador on Wednesday after the strike.",
    "2024-01-17",
    "Beta",
)
C = doc(
    "c",
    "Pakistan launched retaliatory strikes against militant hideouts on Thursday.\n"
    "Pakistan launched retaliatory strikes against militant hideouts on Thursday, the army said.\n"
    "Iran struck the border province on Tuesday with missiles and drones.",
    "2024-01-18",
    "Gamma",
)
D = doc("d", "Pakistan's strikes early on Thursday killed nine people in the province, officials said.", "2024-01-18", "Delta")
DOCS = [A, B, C, D]


def test_dates_ranked_by_documents_naming_them_plus_half_the_publications() -> None:
    # Tue 16: named by a, b, c (3) + no publication = 3.0
    # Wed 17: named by b (1) + published a, b (2 x 0.5) = 2.0
    # Thu 18: named by c, d (2) + published c, d (2 x 0.5) = 3.0
    tl = build_timeline(DOCS, dates=3, sentences=1)
    assert [(t.date, t.score, t.basis) for t in tl] == [
        (date(2024, 1, 16), 3.0, "mentions"),
        (date(2024, 1, 17), 2.0, "mentions"),
        (date(2024, 1, 18), 3.0, "mentions"),
    ]
    # K=2 drops Wednesday; a tie between equal scores goes to the earlier day
    assert [t.date for t in build_timeline(DOCS, dates=2, sentences=1)] == [date(2024, 1, 16), date(2024, 1, 18)]
    assert [t.date for t in build_timeline(DOCS, dates=1, sentences=1)] == [date(2024, 1, 16)]


def test_sentences_name_their_day_and_their_spans_hold() -> None:
    tl = build_timeline(DOCS, dates=3, sentences=2)
    by_day = {t.date: t for t in tl}
    texts = {d.id: d.text for d in DOCS}
    for t in tl:
        for s in t.sentences:
            assert texts[s.doc][s.start : s.end] == s.text
    # Tuesday's candidates are the three sentences that name it; the two picked are the most central
    tue = [s.text for s in by_day[date(2024, 1, 16)].sentences]
    assert len(tue) == 2 and all("Tuesday" in s for s in tue)
    # Wednesday: b's sentence naming it, plus the leads of a and b (published that day) that name no other day
    wed = {s.text for s in by_day[date(2024, 1, 17)].sentences}
    assert wed <= {
        "The government recalled its ambassador on Wednesday after the strike.",
        "Officials in the capital condemned the strike in strong terms.",
        "The weather in the region was cold and dry all week.",
    }
    # two sentences of c say the same thing: the second is skipped as a near-repeat
    thu = [s.text for s in by_day[date(2024, 1, 18)].sentences]
    assert "Pakistan's strikes early on Thursday killed nine people in the province, officials said." in thu
    assert len([s for s in thu if s.startswith("Pakistan launched")]) == 1


def test_days_after_the_newest_publication_are_never_chosen() -> None:
    future = doc("e", "Talks will open on Monday in the capital, both ministries said.", "2024-01-18", "Epsilon")
    tl = build_timeline([*DOCS, future], dates=10, sentences=1)
    assert date(2024, 1, 22) not in {t.date for t in tl}
    assert max(t.date for t in tl) == date(2024, 1, 18)


def test_events_rank_dates_by_independent_sources_and_role() -> None:
    def mention(d: Document, needle: str) -> dict[str, object]:
        start = d.text.index(needle)
        return {"doc": d.id, "start": start, "end": start + len(needle), "quote": needle}

    reprint = doc("b2", B.text + "\nThis article first appeared in Beta.", "2024-01-17", "Zeta", syndicated_from="Beta")
    events = [
        {  # Tuesday strike: sources a, b and its reprint b2 (= Beta) -> 2 independent, 3 mentions: 1.0 * (2 + 0.3) = 2.3
            "id": "e1",
            "date": {"start": "2024-01-16", "end": "2024-01-16", "precision": "day"},
            "role": "main",
            "mentions": [mention(A, "Iran struck"), mention(B, "Missiles hit"), mention(reprint, "Missiles hit")],
        },
        {  # Thursday strikes: c and d, main: 1.0 * (2 + 0.2) = 2.2
            "id": "e2",
            "date": {"start": "2024-01-18", "end": "2024-01-18", "precision": "day"},
            "role": "main",
            "mentions": [mention(C, "Pakistan launched"), mention(D, "Pakistan's strikes")],
        },
        {  # Wednesday recall, background: 0.2 * (1 + 0.1) = 0.22
            "id": "e3",
            "date": {"start": "2024-01-17", "end": "2024-01-17", "precision": "day"},
            "role": "background",
            "mentions": [mention(B, "recalled its ambassador")],
        },
        {  # month precision: no day to put it on
            "id": "e4",
            "date": {"start": "2024-01-01", "end": "2024-01-31", "precision": "month"},
            "role": "main",
            "mentions": [mention(A, "Officials")],
        },
    ]
    # blended with date mentions (the reprint names Tuesday and Wednesday too): Tue 4.0, Wed 2 + 3 x 0.5 = 3.5, Thu 3.0
    # day = 0.5 x events / 2.3 + 0.5 x mentions / 4.0: Tue 1.0, Thu 0.478 + 0.375, Wed 0.048 + 0.4375
    tl = build_timeline([*DOCS, reprint], dates=2, sentences=1, events=events)
    assert [(t.date, round(t.score, 6), t.basis) for t in tl] == [
        (date(2024, 1, 16), 1.0, "events"),
        (date(2024, 1, 18), round(0.5 * 2.2 / 2.3 + 0.5 * 3 / 4, 6), "events"),
    ]
    assert tl[1].sentences[0].doc in ("c", "d")
    # a day without events ranks by its date mentions alone
    tl = build_timeline([*DOCS, reprint], dates=3, sentences=1, events=events[:2])
    assert [(t.date, t.basis) for t in tl] == [
        (date(2024, 1, 16), "events"),
        (date(2024, 1, 17), "mentions"),
        (date(2024, 1, 18), "events"),
    ]


def test_baseline_takes_the_busiest_publication_days() -> None:
    tl = publication_baseline([*DOCS, doc("x", "Another report on the crisis from the region today.", "2024-01-18")], dates=1, sentences=1)
    assert [(t.date, t.score, t.basis) for t in tl] == [(date(2024, 1, 18), 3.0, "published")]


def test_empty_and_dateless_corpora_give_empty_timelines() -> None:
    assert build_timeline([], dates=3, sentences=1) == []
    assert build_timeline([doc("z", "Nothing here names a day at all.", None)], dates=3, sentences=1) == []


def test_cli_reads_jsonl_and_writes_json(tmp_path: Path) -> None:
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        "\n".join(json.dumps({"id": d.id, "published": d.published, "text": d.text}) for d in DOCS) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "timeline.json"
    result = CliRunner().invoke(
        app, ["timeline", str(articles), "--dates", "2", "--sentences", "1", "--json", str(out), "--store", str(tmp_path / "s.duckdb")]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["date"] for d in data] == ["2024-01-16", "2024-01-18"]
    assert all(set(s) >= {"text", "doc", "start", "end"} for d in data for s in d["sentences"])
    result = CliRunner().invoke(
        app, ["timeline", str(articles), "-k", "1", "-n", "1", "--json", "-", "--store", str(tmp_path / "s.duckdb")]
    )
    assert result.exit_code == 0
    assert [d["date"] for d in json.loads(result.stdout)] == ["2024-01-16"]


def test_cli_timeline_uses_only_the_given_inputs(tmp_path: Path) -> None:
    store = str(tmp_path / "s.duckdb")
    (tmp_path / "one.txt").write_text("Iran struck targets on 16 January 2024, officials said in a statement.", encoding="utf-8")
    (tmp_path / "two.txt").write_text("A ceasefire was agreed on 3 March 2020 after weeks of talks in the capital.", encoding="utf-8")
    assert (
        CliRunner().invoke(app, ["build", str(tmp_path / "two.txt"), "--store", store, "--out", str(tmp_path / "o"), "-q"]).exit_code == 0
    )
    result = CliRunner().invoke(app, ["timeline", str(tmp_path / "one.txt"), "-k", "5", "--json", "-", "--store", store])
    assert [d["date"] for d in json.loads(result.stdout)] == ["2024-01-16"]
