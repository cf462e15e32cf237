"""Updates: the changelog between two dossiers, and adding documents batch by batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from triangulate.api import add, build, watch
from triangulate.changes import changelog
from triangulate.cli import app
from triangulate.ingest import Fetched
from triangulate.render.files import dossier_json

from conftest import SAMPLE


def event(
    eid: str, mentions: list[tuple[str, int]], *, killed: list[tuple[int, str]] = (), best: int | None = None, day: str = "2024-01-16"
) -> dict:  # type: ignore[assignment]
    claims = [{"value": v, "claimed_by": None, "evidence": {"doc": d, "start": 0, "end": 1, "quote": "x"}} for v, d in killed]
    return {
        "id": eid,
        "summary": f"event {eid}",
        "date": {"start": day, "end": day},
        "location": {"name": "Quetta", "country": "PK"},
        "mentions": [{"doc": d, "start": s, "end": s + 1, "quote": "x"} for d, s in mentions],
        "fatalities": {"best": best, "claims": claims} if claims else None,
    }


def test_an_event_keeps_its_identity_when_its_id_changes() -> None:
    before = {"documents": [{"id": "b"}], "events": [event("e1", [("b", 5)], killed=[(7, "b")], best=7)], "conflicts": [], "failures": []}
    after = {
        "documents": [{"id": "a"}, {"id": "b"}],
        "events": [event("e0", [("a", 2), ("b", 5)], killed=[(7, "b"), (9, "a")], best=9), event("e2", [("a", 40)], day="2024-01-18")],
        "conflicts": [{"event": "e0", "attribute": "fatalities", "values": [{"value": 7}, {"value": 9}]}],
        "failures": [{"source": "x.bin", "reason": "binary"}],
    }
    log = changelog(before, after)
    assert log.documents == ["a"] and log.failures == ["x.bin: binary"]
    assert log.new_events == [{"event": "e2", "summary": "event e2", "date": "2024-01-18"}]  # e0 is e1 with a new report
    assert log.new_claims == [{"event": "e0", "kind": "fatalities", "value": 9, "claimed_by": None, "doc": "a"}]
    assert log.revised == [{"event": "e0", "attribute": "fatalities", "before": 7, "after": 9}]
    assert log.new_conflicts == [{"event": "e0", "attribute": "fatalities", "values": [7, 9]}]
    assert changelog(after, after).empty


def test_adding_batch_by_batch_equals_building_at_once(tmp_path: Path) -> None:
    files = sorted(SAMPLE.glob("*.txt"))
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, part in ((first, files[:2]), (second, files[2:])):
        folder.mkdir()
        for f in part:
            shutil.copy(f, folder / f.name)
    _, log1 = add([first], store=tmp_path / "inc.duckdb")
    dossier, log2 = add([second], store=tmp_path / "inc.duckdb")
    whole = build([first, second], store=tmp_path / "all.duckdb")
    assert dossier_json(dossier) == dossier_json(whole)
    assert len(log1.documents) == 2 and len(log2.documents) == len(files) - 2
    assert log2.new_events and log2.new_conflicts  # the later reports bring events and the disputes


def test_watch_adds_what_is_new_each_round(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    files = sorted(SAMPLE.glob("*.txt"))
    shutil.copy(files[0], inbox / files[0].name)
    seen: list[int] = []

    def arrive(_seconds: float) -> None:  # between polls, one more article arrives
        n = len(seen)
        if n < len(files):
            shutil.copy(files[n], inbox / files[n].name)

    watch(inbox, every=1, rounds=3, store=tmp_path / "w.duckdb", on_update=lambda d, log: seen.append(len(log.documents)), sleep=arrive)
    assert seen == [1, 1, 1]


def test_add_command_prints_the_changelog(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["add", str(SAMPLE), "--store", str(tmp_path / "c.duckdb"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "new documents" in result.output and "new event" in result.output
    again = CliRunner().invoke(app, ["add", str(SAMPLE), "--store", str(tmp_path / "c.duckdb")])
    assert again.exit_code == 0 and "nothing new" in again.output
    assert json.loads((tmp_path / "out" / "dossier.json").read_text(encoding="utf-8"))["events"]


class GrowingFeed:
    """A feed that gains one entry each time it is fetched (an in-process fake of the outside world)."""

    ITEM = "<item><title>Report {n}</title><link>https://news.example/{n}</link><pubDate>Thu, 18 Jan 2024 09:00:00 GMT</pubDate><description>Story {n}: {body}</description></item>"

    def __init__(self, bodies: list[str]) -> None:
        self.bodies = bodies
        self.calls = 0

    def fetch(self, url: str) -> Fetched:
        self.calls += 1
        items = "".join(self.ITEM.format(n=n, body=b) for n, b in enumerate(self.bodies[: self.calls]))
        rss = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'
        return Fetched(url=url, data=rss.encode(), content_type="application/rss+xml")


def test_watch_polls_a_feed_and_adds_only_new_entries(tmp_path: Path) -> None:
    bodies = [
        "Pakistan said on Thursday its strikes hit militant hideouts inside Iran, killing nine people.",
        "Iran condemned the strikes and summoned Pakistan's envoy on Thursday.",
    ]
    counts: list[int] = []
    watch(
        "https://news.example/feed.rss",
        every=1,
        rounds=3,
        store=tmp_path / "feed.duckdb",
        fetcher=GrowingFeed(bodies),
        on_update=lambda d, log: counts.append(len(log.documents)),
        sleep=lambda _s: None,
    )
    assert counts == [1, 1, 0]  # one new entry, then the second, then nothing new
