"""The raw text as lines and blocks, and the assembly of clean text with its offset map."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import OffsetMap, Removal

_STRIP = " \t\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"


@dataclass(slots=True)
class Line:
    """One non-blank raw line: its stripped extent, block number and fate."""

    start: int
    end: int
    text: str
    block: int
    reason: str | None = None
    detail: str = ""
    keep_start: int | None = None
    keep_end: int | None = None

    @property
    def kept(self) -> bool:
        """True while no rule has claimed the whole line."""
        return self.reason is None

    def remove(self, reason: str, detail: str = "") -> None:
        """Claim the line for a removal, unless an earlier rule already did."""
        if self.reason is None:
            self.reason, self.detail = reason, detail


def split_lines(raw: str) -> list[Line]:
    """Split raw text into non-blank lines with raw offsets; blank lines separate blocks."""
    lines: list[Line] = []
    block, pos, blank = 0, 0, False
    for piece in raw.split("\n"):
        s, e = pos, pos + len(piece)
        pos = e + 1
        while s < e and raw[s] in _STRIP:
            s += 1
        while e > s and raw[e - 1] in _STRIP:
            e -= 1
        if s == e:
            blank = True
            continue
        if blank and lines:
            block += 1
        blank = False
        lines.append(Line(s, e, raw[s:e], block))
    return lines


def assemble(raw: str, lines: list[Line]) -> tuple[str, OffsetMap, list[Removal]]:
    """Build the clean text, its offset map, and the removal records from marked lines.

    Kept lines of one block are joined with a newline, blocks with a blank line. Removed
    lines that follow each other with the same reason become one removal record.
    """
    parts: list[str] = []
    segments: list[tuple[int, int, int]] = []
    removals: list[Removal] = []
    pos = 0
    prev_block: int | None = None
    merge = False  # True right after a removed line: a run of removals with one reason merges
    for line in lines:
        if line.reason is not None:
            last = removals[-1] if removals else None
            if merge and last and last.reason == line.reason and last.detail == line.detail:
                removals[-1] = Removal(last.raw_start, line.end, last.reason, last.detail, raw[last.raw_start : line.end])
            else:
                removals.append(Removal(line.start, line.end, line.reason, line.detail, line.text))
            merge = True
            continue
        merge = False
        ks = line.start if line.keep_start is None else line.keep_start
        ke = line.end if line.keep_end is None else line.keep_end
        if ks > line.start:
            removals.append(Removal(line.start, ks, "markup", "heading markup", raw[line.start : ks]))
        if parts:
            sep = "\n" if line.block == prev_block else "\n\n"
            parts.append(sep)
            pos += len(sep)
        segments.append((pos, ks, ke - ks))
        parts.append(raw[ks:ke])
        pos += ke - ks
        prev_block = line.block
        if ke < line.end:
            removals.append(Removal(ke, line.end, "markup", "heading markup", raw[ke : line.end]))
    return "".join(parts), OffsetMap(segments), removals
