"""Hostile and broken inputs, in one batch with good articles, through ``build`` and the CLI.

The corpus is generated here (nothing binary is committed). What each input must give:

* A bad input gives exactly one failure, ``file: reason``, with a reason that says what is
  wrong (checked word for word, or with a precise pattern where a library's message or
  limit is part of it); a bad item inside a good file (a JSONL line, a JSON list item, a
  feed entry) gives one failure ``file#N: reason`` and the rest of the file is read.
* A damaged input that can be read without guessing is processed, and the repair is
  recorded in the document's ``encoding``: a UTF-8 file cut inside its last character
  (``utf-8 (truncated)``, the cut character dropped), UTF-16 without a byte-order mark
  (``utf-16``), UTF-8 with stray Latin-1 bytes (``utf-8 (with cp1252 bytes)``, each stray
  byte read as the Windows-1252 character it is). Malformed HTML is read as browsers read
  it, and odd file names (spaces, a newline, non-ASCII, bytes that are not UTF-8) are
  processed like any other.
* An article not in English is refused with ``T109`` (``not English (detected: fr)``):
  the analysis is English-only, and would otherwise mangle it without a word.
* The good articles are all processed, the CLI exits 1, and the stored failures are the
  run's failures.
"""

from __future__ import annotations

import builtins
import errno
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import triangulate.ingest as ingest_module
from triangulate.api import build, open_dossier
from triangulate.cli import app
from triangulate.ingest.language import foreign_language
from triangulate.model import Dossier, Failure
from triangulate.settings import Options

GOOD = {
    "good-1.txt": (
        "Floods force thousands from their homes",
        "Officials in the northern province said on Tuesday that flooding had forced thousands of families from their homes. "
        "Rescue teams worked through the night to reach villages cut off by the rising water.\n\n"
        "The regional governor said emergency shelters had been opened in three towns and that food and clean water "
        "were being delivered by boat.\n\nForecasters warned that more rain was expected later in the week.",
    ),
    "good-2.txt": (
        "City council approves new bridge",
        "The city council voted on Monday to approve the construction of a new bridge across the river, "
        "ending a debate that had lasted more than two years.\n\n"
        "The mayor said the bridge would cut travel times for commuters and ease congestion in the old town. "
        "Opponents argued that the money should have been spent on schools.\n\nWork is expected to begin next spring.",
    ),
    "good-3.txt": (
        "Hospital opens new children's wing",
        "A hospital in the capital opened a new wing for children on Wednesday, adding forty beds and two operating theatres.\n\n"
        "The health minister, who attended the opening, said the government would fund three similar projects in other "
        "regions by the end of next year.\n\nDoctors said the waiting list for surgery had doubled since last winter.",
    ),
    "good-4.txt": (
        "Farmers protest over grain prices",
        "Hundreds of farmers drove their tractors into the centre of the city on Thursday to protest against falling grain prices.\n\n"
        "Union leaders said that many families could no longer cover the cost of seed and fuel, and called on the "
        "government to guarantee a minimum price for wheat.\n\nPolice said the protest had been peaceful.",
    ),
}
# Articles whose files have odd names: as good as the others.
ODD_NAMES = {
    "name with spaces.txt": ("Storm damages harbour wall", "a storm damaged the harbour wall and sank two fishing boats"),
    "name\nwith newline.txt": ("Power cut hits eastern districts", "a power cut left forty thousand homes without electricity"),
    "náme-ünïcode-新闻.txt": ("Teachers agree pay deal", "teachers agreed a new pay deal after six weeks of talks"),
    "latin1-\udce9.txt": (
        "Airport runway reopens",
        "the airport reopened its main runway after repairs to the lighting",
    ),  # b"latin1-\xe9.txt"
}
LATIN1_NAME = "latin1-\\xe9.txt"  # how that name is shown, stored and reported

FRENCH = (
    "Inondations dans le nord du pays\n\n"
    "Les autorités de la province du nord ont déclaré mardi que les inondations avaient forcé des milliers de familles "
    "à quitter leurs maisons. Les équipes de secours ont travaillé toute la nuit pour atteindre les villages isolés.\n"
)
ARABIC = (
    "فيضانات في شمال البلاد\n\n"
    "قال مسؤولون في المحافظة الشمالية يوم الثلاثاء إن الفيضانات أجبرت آلاف العائلات على مغادرة منازلها. "
    "وعملت فرق الإنقاذ طوال الليل للوصول إلى القرى المعزولة بسبب ارتفاع منسوب المياه.\n"
)

EXPECTED_FAILURES: dict[str, tuple[str | re.Pattern[str], str]] = {
    "empty.txt": ("empty file: no text to read", "T101"),
    "blank.txt": ("only whitespace: no text to read", "T101"),
    "binary.txt": ("binary data (NUL bytes), not text", "T102"),
    "binary.html": ("binary data (NUL bytes), not text", "T102"),
    "binary.json": ("binary data (NUL bytes), not text", "T102"),
    "control-bytes.txt": ("binary data, not text (control bytes, and no text encoding decodes it)", "T102"),
    "huge.txt": ("file is 62,914,560 bytes, over the 52,428,800-byte limit (setting max_bytes)", "T104"),
    "one-line.txt": ("article text is 1,048,576 characters, over the 1,000,000 the language analysis reads", "T104"),
    "nested.html": (
        re.compile(r"HTML is nested too deeply to parse \(elements over \d+ levels deep\); no article text could be extracted"),
        "T105",
    ),
    "no-article.html": ("HTML holds no article text that could be extracted", "T105"),
    "numbers.json": ("expected an article object or a list of them, found a list of 3 int values", "T105"),
    "types.json#0": ("field 'text' is int, not text", "T105"),
    "types.json#1": ("expected a JSON object, found list", "T105"),
    "types.json#3": ("field 'text' is null", "T105"),
    "lines.jsonl#2": ("line 2 is not valid JSON: Expecting property name enclosed in double quotes", "T105"),
    "lines.jsonl#3": ("field 'text' is int, not text", "T105"),
    "lines.jsonl#4": ("expected a JSON object, found list", "T105"),
    "lines.jsonl#5": ("line 5: binary data (NUL bytes), not text", "T102"),
    "feed.rss#1": ("feed entry has no text (no content or summary)", "T105"),
    "feed.rss#2": ("feed entry has no text (no content or summary)", "T105"),
    "cut.atom": (re.compile(r"not a readable RSS/Atom feed: <unknown>:\d+:\d+: no element found"), "T105"),
    "loop-a.txt": ("symbolic link loop: the link leads back to itself", "T106"),
    "loop-b.txt": ("symbolic link loop: the link leads back to itself", "T106"),
    "loopdir/up": ("symbolic link loop: directory already visited", "T106"),
    "dangling.txt": ("broken symbolic link", "T106"),
    "fifo.txt": ("skipped: a named pipe (FIFO), not a regular file", "T107"),
    "locked.txt": ("cannot read: Permission denied", "T106"),
    "french.txt": ("not English (detected: fr); only English articles are analysed", "T109"),
    "arabic.txt": ("not English (detected: ar); only English articles are analysed", "T109"),
}
# Everything else read: the good articles, and the damaged inputs that are processed.
EXPECTED_DOCUMENTS = {
    *GOOD,
    *(name for name in ODD_NAMES if not name.startswith("latin1-")),
    LATIN1_NAME,
    "truncated.txt",
    "utf16-no-bom.txt",
    "mixed-encodings.txt",
    "malformed.html",
    "types.json#2",
    "lines.jsonl#1",
    "lines.jsonl#6",
    "lines.jsonl#7",
    "feed.rss#0",
}


def _article(title: str, what: str) -> str:
    return (
        f"{title}\n\nOfficials said on Friday that {what}. Nobody was hurt, according to the local authorities.\n\n"
        f"Residents told reporters that {what} had come as no surprise, and that they had warned the council for months.\n"
    )


def _generate(root: Path) -> None:
    """Write the corpus: good articles and every kind of bad input, into ``root``."""

    def put(name: str, content: str | bytes) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    for name, (title, body) in GOOD.items():
        put(name, f"{title}\n\n{body}\n")
    for name, (title, what) in ODD_NAMES.items():
        put(name, _article(title, what))

    put("empty.txt", b"")
    put("blank.txt", b"  \n\t\n   \r\n")
    put("binary.txt", bytes(range(256)) * 16)
    put("binary.html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    put("binary.json", b"\x1f\x8b\x08\x00" + bytes(reversed(range(256))) * 8)
    put("control-bytes.txt", bytes(range(1, 256)) * 8)  # binary without a single NUL byte

    cut = _article("Road reopens after landslide", "the mountain road reopened") + "Reported from the café"
    put("truncated.txt", cut.encode()[:-1])  # cut inside the two bytes of its last character
    put("utf16-no-bom.txt", _article("Train services resume", "train services resumed on the coastal line").encode("utf-16-le"))
    mixed = _article("Market fire destroys stalls", "a fire destroyed stalls at the café – “the old market”").encode("utf-8")
    put("mixed-encodings.txt", mixed + "Witnesses described a naïve résumé of events.\n".encode("latin-1"))

    with (root / "huge.txt").open("wb") as fh:  # 60 MiB of text: over the 50 MiB max_bytes
        one = _article("Huge", "the file is huge").encode()
        block = (one * (1 + (1 << 20) // len(one)))[: 1 << 20]
        for _ in range(60):
            fh.write(block)
    sentence = "The committee met again on Monday to discuss the budget, and no decision was reached. "
    put("one-line.txt", (sentence * (2 + (1 << 20) // len(sentence)))[: 1 << 20])

    put("nested.html", "<html><body>" + "<div>" * 5000 + "<p>" + GOOD["good-1.txt"][1] + "</p>" + "</div>" * 5000 + "</body></html>")
    paragraphs = "<p>" + "<p>".join(_article("Ferry service cut", "the ferry service was cut to two crossings a day").split("\n\n"))
    put(
        "malformed.html",
        f"<html><head><title>Ferry service cut</title><body><article><h1>Ferry service cut</h1>{paragraphs}</p></p><div><b>unclosed</article>",
    )
    put("no-article.html", "<!doctype html><html><head><title>x</title></head><body><script>document.write('x')</script></body></html>")

    put("numbers.json", json.dumps([1, 2, 3]))
    valid_json = _article("Museum reopens after repairs", "the museum reopened after two years of repairs")
    put(
        "types.json",
        json.dumps(
            [{"title": "Text as a number", "text": 12345}, [1, 2, 3], {"title": None, "text": valid_json}, {"title": "Null", "text": None}]
        ),
    )
    jsonl = [
        json.dumps({"title": "Line one", "text": _article("Line one", "the first line was read")}).encode(),
        b"{not json",
        json.dumps({"title": "Line three", "text": 42}).encode(),
        b"[1, 2, 3]",
        bytes(range(10)) + bytes(range(11, 256)),  # a binary line
        json.dumps({"text": _article("Line six", "the sixth line was read at the café")}, ensure_ascii=False).encode("latin-1"),
        json.dumps({"title": "Line seven", "text": _article("Line seven", "the seventh line was read")}).encode(),
    ]
    put("lines.jsonl", b"\n".join(jsonl) + b"\n")

    good_entry = _article("Wire story", "the wire story was filed").replace("\n", " ")
    put(
        "feed.rss",
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Wire story</title><link>https://example.org/1</link><description>{good_entry}</description></item>
<item><title>No body</title><link>https://example.org/2</link></item>
<item><title>Only a script</title><description>&lt;script&gt;alert(1)&lt;/script&gt;</description></item>
</channel></rss>""",
    )
    put("cut.atom", '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Cut')

    os.symlink("loop-b.txt", root / "loop-a.txt")
    os.symlink("loop-a.txt", root / "loop-b.txt")
    os.symlink("nowhere.txt", root / "dangling.txt")
    (root / "loopdir").mkdir()
    os.symlink("..", root / "loopdir" / "up")
    os.mkfifo(root / "fifo.txt")
    put("locked.txt", _article("Locked", "the file cannot be read")).chmod(0)

    put("french.txt", FRENCH)
    put("arabic.txt", ARABIC)


@contextmanager
def _guarded_open(root: Path) -> Iterator[list[str]]:
    """Record the files ingest opens; as root (who reads any file), refuse ``locked.txt`` as the OS would."""
    opened: list[str] = []
    locked = str(root / "locked.txt")

    def spy(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, str | os.PathLike):
            opened.append(os.fspath(file))
            if os.geteuid() == 0 and os.fspath(file) == locked:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), locked)
        return builtins.open(file, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ingest_module, "open", spy, raising=False)
        yield opened


@dataclass
class Built:
    root: Path
    store: Path
    dossier: Dossier
    opened: list[str]

    def name(self, source: str) -> str:
        return source.removeprefix(f"{self.root}/")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("robust") / "corpus"
    root.mkdir()
    _generate(root)
    return root


@pytest.fixture(scope="module")
def built(corpus: Path) -> Built:
    store = corpus.parent / "api.duckdb"
    with _guarded_open(corpus) as opened:
        dossier = build([corpus], store=store, out=corpus.parent / "out", options=Options(progress=False))
    return Built(corpus, store, dossier, opened)


def _reason_matches(reason: str, want: str | re.Pattern[str]) -> bool:
    return reason == want if isinstance(want, str) else want.fullmatch(reason) is not None


def test_every_bad_input_gives_one_clear_failure(built: Built) -> None:
    assert built.dossier.run is not None
    failures = built.dossier.run.failures
    names = [built.name(f.source) for f in failures]
    assert len(names) == len(set(names)), "an input was reported more than once"
    assert sorted(names) == sorted(EXPECTED_FAILURES)
    for failure in failures:
        want, code = EXPECTED_FAILURES[built.name(failure.source)]
        assert _reason_matches(failure.reason, want), str(failure)
        assert failure.code == code, str(failure)
        assert failure.stage == ("clean" if failure.source.endswith("one-line.txt") else "ingest"), str(failure)


def test_good_articles_and_readable_damage_are_processed(built: Built) -> None:
    assert built.dossier.run is not None
    ran = set(built.dossier.run.ids)
    docs = {built.name(d.path): d for d in built.dossier.documents if d.id in ran}
    assert set(docs) == EXPECTED_DOCUMENTS
    want = {name: title for name, (title, _) in [*GOOD.items(), *ODD_NAMES.items()]}
    want[LATIN1_NAME] = want.pop("latin1-\udce9.txt")
    assert len(want) == 8 and {name: docs[name].title for name in want} == want  # every good article, titled
    for name in want:  # read as written: nothing replaced, nothing lost
        assert "\ufffd" not in docs[name].raw and docs[name].text.strip()

    assert docs["truncated.txt"].encoding == "utf-8 (truncated)"
    assert docs["truncated.txt"].raw.endswith("Reported from the caf")  # the cut "é" is dropped, the rest kept
    assert docs["utf16-no-bom.txt"].encoding == "utf-16"
    assert "train services resumed on the coastal line" in docs["utf16-no-bom.txt"].text
    mixed = docs["mixed-encodings.txt"]
    assert mixed.encoding == "utf-8 (with cp1252 bytes)"
    assert "the café – “the old market”" in mixed.raw and "a naïve résumé of events" in mixed.raw
    assert "the ferry service was cut to two crossings a day" in docs["malformed.html"].text
    assert "the sixth line was read at the café" in docs["lines.jsonl#6"].text
    assert docs["feed.rss#0"].title == "Wire story"


def test_the_huge_file_is_refused_by_its_size_without_being_read(built: Built) -> None:
    opened = {built.name(p) for p in built.opened}
    assert "huge.txt" not in opened
    assert {"good-1.txt", "one-line.txt", "locked.txt"} <= opened  # the spy saw the reads


def test_failures_are_stored(built: Built) -> None:
    assert built.dossier.run is not None
    again = open_dossier(built.store)
    assert sorted(again.failures, key=_source) == sorted(built.dossier.run.failures, key=_source)


def test_cli_exits_1_and_stores_the_failures(built: Built, tmp_path: Path) -> None:
    store, out = tmp_path / "cli.duckdb", tmp_path / "out"
    with _guarded_open(built.root):
        result = CliRunner().invoke(app, ["build", str(built.root), "--store", str(store), "--out", str(out), "--quiet"])
    assert result.exit_code == 1, result.output
    assert built.dossier.run is not None
    for failure in built.dossier.run.failures:
        assert f"{failure.source}: {failure.reason}" in result.output
    stored = open_dossier(store)
    assert sorted(stored.failures, key=_source) == sorted(built.dossier.run.failures, key=_source)
    assert len(stored.documents) == len(EXPECTED_DOCUMENTS)


def _source(f: Failure) -> str:
    return f.source


LANGUAGE_CASES: list[tuple[str, Callable[[tuple[str, float] | None], bool]]] = [
    (FRENCH, lambda r: r is not None and r[0] == "fr"),
    (ARABIC, lambda r: r is not None and r[0] == "ar"),
    (
        "Die Behörden der nördlichen Provinz teilten am Dienstag mit, dass Tausende Familien ihre Häuser verlassen mussten.",
        lambda r: r is not None and r[0] == "de",
    ),
    (GOOD["good-3.txt"][1], lambda r: r is None),
    ("A blast hit Koh-e-Sabz, Sistan and Baluchestan province.", lambda r: r is None),  # names, few words: English
    ("Bonjour", lambda r: r is None),  # too short to judge
    ("x " * 600, lambda r: r is None),  # not a language at all: not refused for its language
    ("a" * 500, lambda r: r is None),
    ("d0123456789abcdef.txt " * 20, lambda r: r is None),  # ids: no language, not another language
]


@pytest.mark.parametrize(("text", "ok"), LANGUAGE_CASES, ids=["fr", "ar", "de", "en", "names", "short", "x", "aaa", "ids"])
def test_language_check(text: str, ok: Callable[[tuple[str, float] | None], bool]) -> None:
    assert ok(foreign_language(text))
