from __future__ import annotations

import codecs

import pytest

from triangulate.errors import BinaryInput, EmptyInput
from triangulate.ingest.decode import decode

TEXT = "Pakistan’s foreign ministry said on Thursday – “strikes” hit hideouts."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16"),
        (TEXT.encode("utf-32"), "utf-32"),
    ],
)
def test_unicode_encodings_round_trip(data: bytes, encoding: str) -> None:
    assert decode(data, source="a.txt") == (TEXT, encoding)


def test_cp1252_is_detected() -> None:
    text = "Pakistan’s ministry said “strikes” were carried out – officials confirmed the raid on the café near the border. " * 3
    decoded, encoding = decode(text.encode("cp1252"), source="a.txt")
    assert decoded == text
    assert encoding.replace("_", "").lower() in {"cp1252", "windows1252"}


def test_truncated_utf8_keeps_the_valid_prefix() -> None:
    data = "Islamabad – Tehran".encode()[:-1] + "é".encode()[:1]
    text, encoding = decode(data, source="a.txt")
    assert text == "Islamabad – Tehra"
    assert encoding == "utf-8 (truncated)"


@pytest.mark.parametrize("data", [b"", b"   \n\t  \n", "\u00a0\n".encode()])
def test_empty_and_whitespace(data: bytes) -> None:
    with pytest.raises(EmptyInput):
        decode(data, source="a.txt")


@pytest.mark.parametrize("data", [bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)])
def test_binary_is_refused(data: bytes) -> None:
    with pytest.raises(BinaryInput) as e:
        decode(data, source="img.txt")
    assert "img.txt" in str(e.value)
