from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from triangulate.clean import clean
from triangulate.model import OffsetMap

from conftest import raw

LINES = st.sampled_from(
    [
        "Pakistan said its strikes hit hideouts.",
        "Advertisement",
        "By Jane Roe",
        "== Background ==",
        "Photo: AFP",
        "REUTERS/Jane Doe",
        "pic.twitter.com/abc",
        "  indented line with\u00a0nbsp  ",
        "",
        "\r",
        "= Title =",
        "More from Example",
        "Iran condemned the attack on 16 January 2024.",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=25))
def test_clean_text_always_maps_back(lines: list[str]) -> None:
    text = "\n".join(lines)
    if not text.strip():
        return
    doc = clean(raw(text))
    for cs, rs, n in doc.offsets.segments:
        assert doc.text[cs : cs + n] == doc.raw[rs : rs + n]
    for r in doc.removed:
        assert doc.raw[r.raw_start : r.raw_end] == r.text
    for i in range(len(doc.text)):
        assert 0 <= doc.offsets.to_raw(i) <= len(doc.raw)


def test_to_raw_inside_a_separator_points_at_the_end_of_the_piece() -> None:
    m = OffsetMap([(0, 10, 5), (7, 30, 4)])
    assert [m.to_raw(i) for i in range(12)] == [10, 11, 12, 13, 14, 15, 15, 30, 31, 32, 33, 34]
    assert m.to_raw_span(7, 11) == (30, 34)
    assert OffsetMap.from_json(m.to_json()) == m
