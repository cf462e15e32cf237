from __future__ import annotations

import pytest

from triangulate.clean import clean
from triangulate.model import Document

from conftest import raw

LEAD = (
    "Pakistan launched retaliatory missile strikes into Iran on Thursday, two days after an Iranian attack on its territory. "
    "Officials in Islamabad said the strikes hit militant hideouts near the border."
)
BODY = "The foreign ministry said the operation targeted separatist fighters and that civilians were not harmed."


def reasons(doc: Document) -> list[tuple[str, str]]:
    return [(r.reason, r.text) for r in doc.removed]


def assert_maps_back(doc: Document) -> None:
    for cs, rs, n in doc.offsets.segments:
        assert doc.text[cs : cs + n] == doc.raw[rs : rs + n]
    for r in doc.removed:
        assert doc.raw[r.raw_start : r.raw_end] == r.text


def test_clean_text_and_offsets() -> None:
    doc = clean(raw(f"Strikes hit hideouts\n\n{LEAD}\n\n{BODY}\n"))
    assert doc.title == "Strikes hit hideouts"
    assert doc.text == f"{LEAD}\n\n{BODY}"
    i = doc.text.index("Islamabad")
    assert doc.raw[doc.offsets.to_raw(i) : doc.offsets.to_raw(i) + 9] == "Islamabad"
    assert doc.offsets.to_raw_span(i, i + 9) == (doc.raw.index("Islamabad"), doc.raw.index("Islamabad") + 9)
    assert_maps_back(doc)


@pytest.mark.parametrize(
    "marker", ["- A word from our sponsor -", "- A word from our sposor -", "ARTICLE AD BOX", "- Advertisement -", "Advertisement"]
)
def test_advertisement_markers(marker: str) -> None:
    doc = clean(raw(f"Strikes hit hideouts\n\n{LEAD}\n\n{marker}\n\n{BODY}"))
    assert ("advertisement", marker) in reasons(doc)
    assert marker not in doc.text and BODY in doc.text
    assert_maps_back(doc)


def test_ad_like_prose_is_kept() -> None:
    line = "A word from the minister followed the strikes."
    doc = clean(raw(f"Strikes hit hideouts\n\n{LEAD}\n\n{line}"))
    assert line in doc.text


def test_caption_with_photo_credit_tail() -> None:
    cap = "A police officer stands guard outside the ministry in Islamabad on 18 January, 2024. Photo: AFP"
    doc = clean(raw(f"Strikes hit hideouts\n\n{cap}\n\n{LEAD}"))
    assert reasons(doc)[-1] == ("caption", cap)
    assert doc.text == LEAD


def test_repeated_caption_above_a_wire_credit() -> None:
    cap = "The foreign minister attends a meeting in Davos, Switzerland, January 17, 2024."
    doc = clean(raw(f"Strikes hit hideouts\n\n{cap}\n{cap}\nREUTERS/Jane Doe\n\n{LEAD}"))
    assert reasons(doc)[1:] == [("caption", f"{cap}\n{cap}"), ("credit", "REUTERS/Jane Doe")]
    assert doc.text == LEAD


def test_embedded_post() -> None:
    embed = "Videos of the aftermath. pic.twitter.com/AbC123 — Some Person (@someone) January 18, 2024"
    doc = clean(raw(f"Strikes hit hideouts\n\n{LEAD}\n\n{embed}\n\n{BODY}"))
    assert ("embed", embed) in reasons(doc)
    assert "pic.twitter" not in doc.text


@pytest.mark.parametrize(
    "nav", ["Skip to content", "Latest Stories", "See Full Bio", "ALSO READ: Iran summons envoy", "Read more: what we know"]
)
def test_navigation(nav: str) -> None:
    doc = clean(raw(f"Strikes hit hideouts\n\n{LEAD}\n\n{nav}\n\n{BODY}"))
    assert ("navigation", nav) in reasons(doc)
    assert doc.text == f"{LEAD}\n\n{BODY}"


def test_section_crumb_title_byline_dateline() -> None:
    doc = clean(raw(f"World\n\nStrikes hit hideouts\n\n19:55 pm on 18 January 2024\n\nBy Jane Roe\n\n{LEAD}"))
    assert reasons(doc) == [
        ("navigation", "World"),
        ("title", "Strikes hit hideouts"),
        ("dateline", "19:55 pm on 18 January 2024"),
        ("byline", "By Jane Roe"),
    ]
    assert (doc.title, doc.author, doc.published, doc.published_source) == ("Strikes hit hideouts", "Jane Roe", "2024-01-18", "dateline")
    assert doc.evidence["author"].quote == "Jane Roe"
    assert doc.raw[doc.evidence["published"].raw_start : doc.evidence["published"].raw_end] == "18 January 2024"


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("- This story was first published by the BBC", "BBC"),
        ("This article was originally published in The Conversation.", "The Conversation"),
        ("Republished with permission from Dawn", "Dawn"),
    ],
)
def test_reprint_gives_syndicated_from(line: str, source: str) -> None:
    doc = clean(raw(f"Strikes hit hideouts\n\n{LEAD}\n\n{line}"))
    assert doc.syndicated_from == source
    assert reasons(doc)[-1][0] == "reprint"
    assert doc.text == LEAD


def test_title_with_outlet() -> None:
    doc = clean(raw(f"Pakistan's Retaliatory Attack | ANI\n\n{LEAD}"))
    assert (doc.title, doc.outlet) == ("Pakistan's Retaliatory Attack", "ANI")


def test_wiki_title_headings_and_see_also() -> None:
    text = (
        f"= 2024 Border conflict =\n\n{LEAD}\n\n== Background ==\n\n{BODY}\n\n==See also==\n- 2021 border clashes\n- 2025 other conflict\n"
    )
    doc = clean(raw(text))
    assert doc.title == "2024 Border conflict"
    assert doc.text == f"{LEAD}\n\nBackground\n\n{BODY}"
    assert [r for r, _ in reasons(doc)] == ["title", "markup", "markup", "see-also"]
    assert "2025" not in doc.text
    assert_maps_back(doc)


def test_infobox_becomes_fields() -> None:
    text = f"= Clashes =\n\nInfobox\n- Date: 16 January – 18 January 2024, ()\n- Place: Border region\n- Units2: *\n- Commander1: A , B , <hr> C\n\n{LEAD}"
    doc = clean(raw(text))
    assert doc.infobox == {"Date": "16 January – 18 January 2024", "Place": "Border region", "Commander1": "A, B; C"}
    assert doc.text == LEAD
    assert reasons(doc)[1][0] == "infobox"


def test_headline_left_at_the_end() -> None:
    doc = clean(raw(f"{LEAD}\n\n{BODY}\n\n- A word from our sponsor -\n\n\nTensions Rise as Neighbours Trade Strikes"))
    assert doc.title == "Tensions Rise as Neighbours Trade Strikes"
    assert doc.text == f"{LEAD}\n\n{BODY}"


def test_unrelated_trailing_items_by_structure_and_distance() -> None:
    tail = (
        "More from Example Media\n\nFlags hung for the biodiversity conference in Rome in February 2025.\n\nSomeone Name\n\n"
        "Countries gathered in Rome to finalize decisions on conservation finance and ocean protection targets.\n\n"
        "A man walks ahead of a general election in Nuuk, Greenland, March 9, 2025.\nREUTERS/Photo Grapher\n\n"
        "Greenland's centre-right parties won the election."
    )
    doc = clean(raw(f"Strikes hit hideouts\n\n{LEAD}\n\n{BODY}\n\n{LEAD}\n\n{tail}"))
    last = doc.removed[-1]
    assert last.reason == "unrelated"
    assert last.text == tail
    assert doc.outlet == "Example Media"
    assert "Greenland" not in doc.text and "2025" not in doc.text


def test_related_trailing_items_are_related_links() -> None:
    tail = "Related stories\n\nPakistan strikes militant hideouts inside Iran after Iranian attack near the border."
    doc = clean(raw(f"Strikes hit hideouts\n\n{LEAD}\n\n{BODY}\n\n{BODY}\n\n{tail}"))
    assert doc.removed[-1].reason == "related-links"


def test_published_inferred_from_page_elements_and_weekday() -> None:
    cap = "The minister speaks in Davos, January 17, 2024."
    doc = clean(
        raw(
            f"Strikes hit hideouts\n\n{cap}\nREUTERS/Jane Doe\n\nPakistan on Thursday said its strikes hit militants. The minister said Wednesday the group was a threat."
        )
    )
    assert (doc.published, doc.published_source) == ("2024-01-18", "inferred")
    assert doc.evidence["published_weekday"].quote == "Thursday"


def test_no_date_means_null_published() -> None:
    doc = clean(raw(f"Strikes hit hideouts\n\n{LEAD} The strikes on January 16, 2024 followed."))
    assert doc.published is None


def test_reader_metadata_wins() -> None:
    doc = clean(
        raw(
            f"Strikes hit hideouts\n\n{LEAD}", title="Strikes hit hideouts", published="Thu, 18 Jan 2024 10:00:00 GMT", author="Wire Writer"
        )
    )
    assert (doc.title, doc.published, doc.published_source, doc.author) == ("Strikes hit hideouts", "2024-01-18", "metadata", "Wire Writer")
    assert doc.text == LEAD


def test_crlf_and_nbsp() -> None:
    doc = clean(raw(f"Strikes hit hideouts\r\n\r\n{LEAD}\u00a0\r\n\r\n{BODY}\r\n"))
    assert doc.text == f"{LEAD}\n\n{BODY}"
    assert_maps_back(doc)
