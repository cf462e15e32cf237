"""Coreference by blocks: the split is exact, blocks are kept and reused, and they can be clustered in parallel."""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from triangulate.fuse import coref
from triangulate.fuse.coref import Cluster, Mention, block_key, blocks_of, cluster_block, cluster_mentions

PK = {"name": "Quetta", "admin1": "Balochistan", "country": "PK", "lat": 30.19, "lon": 67.01, "geonameid": 1, "kind": "city"}
IQ = {"name": "Mosul", "admin1": "Nineveh", "country": "IQ", "lat": 36.34, "lon": 43.13, "geonameid": 2, "kind": "city"}


def mention(
    doc: str,
    index: int = 0,
    *,
    type_: str = "ASSAULT",
    day: str | None = "2024-01-16",
    last: str | None = None,
    precision: str = "day",
    source: str = "stated",
    published: str | None = "2024-01-18",
    place: dict[str, Any] | None = None,
    actors: tuple[str, ...] = (),
    targets: tuple[str, ...] = (),
    killed: int | None = None,
) -> Mention:
    """A mention as fusion sees it; ``source`` publication dates it by ``published`` only."""
    pub = date.fromisoformat(published) if published else None
    first = date.fromisoformat(day) if day else None
    if source == "publication":
        first = pub
    return Mention(
        doc=doc,
        index=index,
        start=10 * index,
        end=10 * index + 5,
        quote="hit",
        sentence=(0, 100),
        type=type_,
        mode=None,
        first=first,
        last=date.fromisoformat(last) if last else first,
        precision=precision if first else None,
        date_source=source if first else None,
        country=place["country"] if place else None,
        place=place,
        actors=actors,
        targets=targets,
        fatalities={"value": killed} if killed is not None else None,
        injuries=None,
        claimed_by=None,
        background=False,
        published=pub,
    )


def groups(clusters: list[Cluster]) -> list[list[tuple[str, int]]]:
    """Clusters as sorted lists of (document, index): what must not change."""
    return sorted(sorted((m.doc, m.index) for m in c.mentions) for c in clusters)


def at_once(mentions: list[Mention]) -> list[list[tuple[str, int]]]:
    """The reference: every dated mention in one block, then the undated attached."""
    dated = sorted((m for m in mentions if m.first is not None), key=coref._order)
    clusters = []
    for positions in cluster_block(dated):
        c = Cluster(type=dated[positions[0]].type)
        for p in positions:
            c.add(dated[p])
        clusters.append(c)
    clusters.sort(key=lambda c: min(x.key for x in c.mentions))
    coref._attach_undated([m for m in mentions if m.first is None], clusters)
    return groups(clusters)


def test_blocks_split_by_type_and_by_days_that_do_not_chain() -> None:
    jan = [mention("a", day="2024-01-16"), mention("b", day="2024-01-17"), mention("c", day="2024-01-18")]
    march = [mention("d", day="2024-03-02")]
    said = [mention("e", type_="ACCUSE", day="2024-01-16")]
    undated = [mention("f", day=None, published=None)]
    blocks = blocks_of([*jan, *march, *said, *undated])
    assert sorted(sorted(m.doc for m in b) for b in blocks) == [["a", "b", "c"], ["d"], ["e"]]  # the undated are in none
    # a day apart may be one event (a conflict of dates), two days apart may not
    assert len(blocks_of([mention("a", day="2024-01-16"), mention("b", day="2024-01-17")])) == 1
    assert len(blocks_of([mention("a", day="2024-01-16"), mention("b", day="2024-01-18")])) == 2
    # a month chains what falls in it; a publication date chains the week before it
    month = mention("m", day="2024-01-01", last="2024-01-31", precision="month")
    assert len(blocks_of([mention("a", day="2024-01-03"), mention("b", day="2024-01-28"), month])) == 1
    published = mention("p", source="publication", published="2024-01-25")
    assert len(blocks_of([mention("a", day="2024-01-16"), published])) == 2  # the 18th to the 25th
    assert len(blocks_of([mention("a", day="2024-01-18"), published])) == 1


def test_a_block_key_changes_with_anything_clustering_reads() -> None:
    a = [mention("a", actors=("Iran",)), mention("b", actors=("Iran",))]
    assert block_key(a) == block_key([mention("a", actors=("Iran",)), mention("b", actors=("Iran",))])
    assert block_key(a) != block_key([mention("a", actors=("Iran",)), mention("b", actors=("Pakistan",))])
    assert block_key(a) != block_key([mention("a", actors=("Iran",)), mention("b", actors=("Iran",), killed=3)])


@pytest.mark.parametrize("seed", range(40))
def test_clustering_by_blocks_gives_the_clusters_of_clustering_at_once(seed: int) -> None:
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    out = []
    for i in range(rng.randint(5, 80)):
        day = start + timedelta(days=rng.randint(0, 90))
        kind = rng.random()
        kw: dict[str, Any] = {}
        if kind < 0.1:
            kw = {"day": None, "published": None}
        elif kind < 0.25:
            kw = {"source": "publication", "published": (day + timedelta(days=2)).isoformat()}
        elif kind < 0.3:
            kw = {"day": day.replace(day=1).isoformat(), "last": (day.replace(day=28)).isoformat(), "precision": "month"}
        else:
            kw = {"day": day.isoformat(), "source": rng.choice(("stated", "narrative"))}
        out.append(
            mention(
                f"d{rng.randint(0, 12):02d}",
                i,
                type_=rng.choice(("ASSAULT", "ASSAULT", "ACCUSE")),
                place=rng.choice((PK, IQ, None)),
                actors=tuple(rng.sample(["Iran", "Pakistan", "Group A", "Group B"], rng.randint(0, 2))),
                targets=tuple(rng.sample(["Iran", "Pakistan", "a village"], rng.randint(0, 1))),
                killed=rng.choice((None, 2, 7)),
                **kw,
            )
        )
    assert groups(cluster_mentions(out)) == at_once(out)


def test_kept_blocks_are_reused_and_only_touched_blocks_are_clustered_again(monkeypatch: Any) -> None:
    clustered: list[int] = []
    real = coref._clustered
    monkeypatch.setattr(coref, "_clustered", lambda b: clustered.append(len(b)) or real(b))
    jan = [mention("a", 0, actors=("Iran",), place=PK), mention("b", 0, actors=("Iran",), place=PK)]
    march = [mention("c", 0, day="2024-03-05", actors=("Group A",), place=IQ)]
    cache: dict[str, list[list[int]]] = {}
    first = groups(cluster_mentions([*jan, *march], cache=cache))
    assert len(cache) == 2 and sorted(clustered) == [1, 2]
    clustered.clear()
    assert groups(cluster_mentions([*jan, *march], cache=cache)) == first and clustered == []  # nothing clustered again
    # a new report of the March event: that block only
    more = mention("d", 0, day="2024-03-05", actors=("Group A",), place=IQ)
    assert groups(cluster_mentions([*jan, *march, more], cache=cache)) == [[("a", 0), ("b", 0)], [("c", 0), ("d", 0)]]
    assert clustered == [2] and len(cache) == 2  # the old March block is dropped from the cache
    # what the cache gives back is what clustering from nothing gives
    assert groups(cluster_mentions([*jan, *march, more], cache={})) == groups(cluster_mentions([*jan, *march, more], cache=cache))


def test_an_undated_mention_joins_but_neither_starts_nor_shapes_an_event() -> None:
    dated = mention("a", actors=("Iran",), place=PK)
    # undated, it names a target too; a later dated report that shares only that target must not join through it
    undated = mention("b", day=None, published=None, actors=("Iran",), targets=("a village",), place=PK)
    other = mention("c", day="2024-01-17", targets=("a village",))
    clusters = cluster_mentions([dated, undated, other])
    assert groups(clusters) == [[("a", 0), ("b", 0)], [("c", 0)]]
    assert groups(cluster_mentions([undated])) == []


def _pool_map(fn: Any, items: list[Any]) -> list[Any]:
    with ProcessPoolExecutor(2) as pool:
        return list(pool.map(fn, items))


def test_blocks_clustered_in_other_processes_give_the_same_clusters(monkeypatch: Any) -> None:
    monkeypatch.setattr(coref, "PARALLEL_MIN", 0)
    calls: list[int] = []

    def runner(fn: Any, items: list[Any]) -> list[Any]:
        calls.append(len(items))
        return _pool_map(fn, items)

    out = [mention(f"d{i}", i, day=f"2024-0{1 + i % 3}-1{i % 5}", actors=("Iran",), place=PK) for i in range(30)]
    assert groups(cluster_mentions(out, runner=runner)) == groups(cluster_mentions(out))
    assert calls and calls[0] > 1


def test_the_store_keeps_the_blocks_and_an_added_article_reclusters_only_its_own(tmp_path: Path) -> None:
    from triangulate.api import build
    from triangulate.store import Store

    arts = tmp_path / "in"
    arts.mkdir()
    (arts / "a.txt").write_text("Gunmen attacked a police station in Kano, Nigeria, on 5 March 2021, killing 12 officers.\n")
    (arts / "b.txt").write_text("Protesters marched in Lagos, Nigeria, on 9 July 2021 against fuel prices.\n")
    store = tmp_path / "s.duckdb"
    first = build([arts], store=store)
    assert first.run is not None and first.run.counts["blocks"] >= 2
    assert first.run.counts["blocks_clustered"] == first.run.counts["blocks"]
    with Store(store, read_only=True) as st:
        from triangulate.fuse import code_version

        assert len(st.fusion_blocks(code_version())) == first.run.counts["blocks"]
        assert st.fusion_blocks("another code version") == {}
    (arts / "c.txt").write_text("Gunmen attacked a police station in Kano, Nigeria, on 5 March 2021, killing 12 policemen.\n")
    again = build([arts], store=store)
    assert again.run is not None and again.run.counts["blocks_clustered"] == 1  # the March attack's block only
    assert again.run.counts["blocks"] == first.run.counts["blocks"]
    from rich.console import Console

    from triangulate.render.terminal import print_summary

    console = Console(record=True, width=200)
    print_summary(again, console=console)
    assert f"events re-fused in 1 of {again.run.counts['blocks']} blocks" in console.export_text()
