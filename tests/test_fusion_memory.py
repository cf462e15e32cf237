"""What keeps fusion's memory down at scale: shared strings, a streamed store read, slim events, counted mentions."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

import triangulate.fuse as fusion
from test_dedup import A, B, W
from test_dedup import doc as text_doc
from test_fuse import MOSUL, QUETTA, doc, event
from triangulate.analyze import Analysis
from triangulate.analyze.entities import Entity
from triangulate.fuse import fuse, resolve_entities
from triangulate.fuse.coref import Event, cluster_mentions, mentions_of
from triangulate.model import INTERN_MAX, Document
from triangulate.store import Store


def named(doc_id: str, text: str, *names: str, path: str | None = None) -> Document:
    """A document whose analysis holds each of ``names`` (each found in ``text``) as a GPE entity."""
    d = doc(doc_id, text)
    d.path = path or d.path
    ents = [Entity(text.index(n), text.index(n) + len(n), n, "GPE", n, n.lower(), country="IQ") for n in names]
    d.analysis = Analysis(entities=ents)
    return d


def test_records_read_share_short_strings_and_keep_long_ones_apart() -> None:
    text = "Baghdad said so. " * 10  # longer than INTERN_MAX: each document keeps its own
    assert len(text) > INTERN_MAX
    one, two = named("a", text, "Baghdad"), named("b", text, "Baghdad")
    a, b = (Document.from_json(json.dumps(d.to_dict())) for d in (one, two))
    assert a == one and b == two  # nothing changes but identity
    assert a.analysis is not None and b.analysis is not None
    assert a.analysis.entities[0].label is b.analysis.entities[0].label
    assert a.analysis.entities[0].canonical is b.analysis.entities[0].canonical
    assert a.reader is b.reader
    assert a.text == b.text and a.text is not b.text


def test_the_store_reads_every_document_in_path_order_whatever_the_order_stored(tmp_path: Path) -> None:
    docs = [named(k, f"Report {k} from Baghdad.", "Baghdad", path=p) for k, p in [("c", "a.txt"), ("a", "z.txt"), ("b", "m.txt")]]
    with Store(tmp_path / "s.duckdb") as st:
        for d in docs:
            st.put_document(d, version="v")
        back = st.documents()
    assert [d.id for d in back] == ["c", "b", "a"]
    assert back == sorted(docs, key=lambda d: (d.path, d.id))


def test_an_entity_counts_every_mention_and_keeps_the_first_few(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fusion, "MAX_ENTITY_MENTIONS", 2)
    docs = [named(k, f"Report {k}: Mosul, then Mosul again.", "Mosul") for k in "abc"]
    entities, _ = resolve_entities(docs)
    (mosul,) = entities
    assert mosul["mention_count"] == 3 and mosul["documents"] == 3
    assert [m["doc"] for m in mosul["mentions"]] == ["a", "b"]
    assert mosul["mentions"][0]["quote"] == "Mosul"


def test_coreference_hands_on_slim_events_with_what_reconciliation_reads() -> None:
    t1, t2 = "Iran struck Quetta on 16 January.", "Iraq struck Mosul on 16 January."
    docs = [
        doc("b", t1, event(t1, "struck", day="2024-01-16", place=QUETTA, actors=("Iran",))),
        doc("a", t1, event(t1, "struck", day="2024-01-16", place=QUETTA, actors=("Iran",))),
        doc("c", t2, event(t2, "struck", day="2024-01-16", place=MOSUL, actors=("Iraq",))),
    ]
    events = cluster_mentions(mentions_of(docs))
    assert all(type(e) is Event for e in events)
    assert [(e.docs, sorted(e.countries), [m.doc for m in e.mentions]) for e in events] == [
        (["a", "b"], ["PK"], ["a", "b"]),
        (["c"], ["IQ"], ["c"]),
    ]
    assert events[0].id == fuse(docs).events[0]["id"]


def test_fusion_leaves_no_dedup_index_behind_while_the_collector_is_paused() -> None:
    """datasketch's LSH index is a reference cycle: fusion collects it rather than hold it to the end."""
    docs = [text_doc("a", A), text_doc("b", B), text_doc("w", W)]
    gc.collect()
    gc.disable()  # as in a long fusion: nothing but fusion itself may collect the cycle
    try:
        fuse(docs)
        left = [o for o in gc.get_objects() if type(o).__name__ == "MinHashLSH"]
    finally:
        gc.enable()
    assert left == []
