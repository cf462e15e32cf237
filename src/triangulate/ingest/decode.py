"""Bytes to text: encoding detection and the binary check.

Order: a byte-order mark (UTF-8, UTF-16, UTF-32) wins; then strict UTF-8 (also when only a
truncated last character is broken); then UTF-8 with stray single-byte characters (text
pasted together from a UTF-8 and a Latin-1 source: each stray byte is read as Windows-1252,
and the encoding is recorded as ``utf-8 (with cp1252 bytes)``); then charset-normalizer's
best guess among the encodings news text is found in. Text whose decoded form is mostly
control characters is binary, whatever decoded it.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from ..errors import BinaryInput, EmptyInput, UndecodableInput

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LATIN_FAMILY = {
    "cp1250",
    "cp1252",
    "cp1254",
    "cp1257",
    "latin_1",
    "iso8859_1",
    "iso8859_2",
    "iso8859_9",
    "iso8859_15",
    "mac_roman",
    "mac_latin2",
    "cp850",
    "cp437",
}
_ALLOWED_CONTROL = {"\t", "\n", "\r", "\f", "\v"}
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
MIXED = "utf-8 (with cp1252 bytes)"


def _single_byte(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the bytes UTF-8 rejects as Windows-1252 (Latin-1 where it has no character)."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in bad), error.end


codecs.register_error("triangulate-cp1252", _single_byte)


def _control_ratio(text: str) -> float:
    sample = text[:65536]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in _ALLOWED_CONTROL) or ch == "\ufffd")
    return bad / len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16: ASCII-range text has a zero in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    for zeros, enc in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) > 0.6 * len(zeros):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                return None
    return None


def decode(data: bytes, *, source: str) -> tuple[str, str]:
    """Return ``(text, encoding)`` for raw bytes, or raise an :class:`InputError`."""
    if not data.strip():
        raise EmptyInput("empty file: no text to read" if not data else "only whitespace: no text to read", source=source)
    text: str | None = None
    encoding = ""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(enc), enc
            except UnicodeDecodeError as e:
                raise UndecodableInput(f"starts with a {enc} byte-order mark but is not valid {enc}: {e.reason}", source=source) from e
            break
    if text is None and b"\x00" in data[:4096]:
        decoded = _utf16_without_bom(data)
        if decoded is None:
            raise BinaryInput("binary data (NUL bytes), not text", source=source)
        text, encoding = decoded, "utf-16"
    if text is None:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as e:
            if e.start >= len(data) - 3 and e.reason == "unexpected end of data":
                # a file cut inside its last character: keep everything before it
                text, encoding = data[: e.start].decode("utf-8"), "utf-8 (truncated)"
            elif _UTF8_MULTIBYTE.search(data):
                # real UTF-8 characters and stray single bytes: mixed sources, not a legacy code page
                text, encoding = data.decode("utf-8", "triangulate-cp1252"), MIXED
    if text is None:
        best = from_bytes(data[:1_000_000]).best()
        if best is None or best.encoding is None:
            if _control_ratio(data[:65536].decode("latin-1")) > 0.01:
                raise BinaryInput("binary data, not text (control bytes, and no text encoding decodes it)", source=source)
            raise UndecodableInput("no text encoding decodes this file (tried UTF-8, UTF-16, charset detection)", source=source)
        encoding = best.encoding
        if encoding.replace("-", "_").lower() in _LATIN_FAMILY:
            # charset detection cannot tell the Western single-byte code pages apart on
            # short texts; for English news, Windows-1252 is the one actually found
            try:
                return _checked(data.decode("cp1252"), "cp1252", source)
            except UnicodeDecodeError:
                pass
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as e:
            raise UndecodableInput(f"detected encoding {encoding} does not decode the whole file", source=source) from e
    return _checked(text, encoding, source)


def _checked(text: str, encoding: str, source: str) -> tuple[str, str]:
    if _control_ratio(text) > 0.01:
        raise BinaryInput(f"binary data, not text (decoded as {encoding}, mostly control characters)", source=source)
    if not text.strip():
        raise EmptyInput("only whitespace: no text to read", source=source)
    return text, encoding
