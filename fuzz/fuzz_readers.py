"""Fuzz the readers: the same bytes as a file of every kind triangulate reads, and through ``decode``.

Run with atheris (``make fuzz`` installs it)::

    python fuzz/fuzz_readers.py -max_total_time=60 fuzz/corpus/readers fuzz/seeds/readers

Each input is written to a temporary file under each extension in :data:`EXTENSIONS` in
turn and read with :func:`triangulate.ingest.read_item`, as a build reads a discovered file
(URLs listed in a file are "fetched" by a fetcher that refuses them: no network). Nothing
may escape: a bad input is a :class:`Failure` record. Every document read is then cleaned,
as the pipeline would. ``decode`` is called on the bytes too: it may only raise the
documented :class:`InputError` subclasses. Importing this module does not need atheris: the
tests call :func:`TestOneInput` directly.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import tempfile
from functools import cache

from fuzzkit import fuzz

from triangulate.clean import clean
from triangulate.errors import FetchError, InputError, InputTooLarge
from triangulate.ingest import Fetched, read_item
from triangulate.ingest.decode import decode
from triangulate.model import Failure, RawDocument
from triangulate.settings import Options

EXTENSIONS = (".txt", ".md", ".html", ".json", ".jsonl", ".jsonl.gz", ".xml", ".rss")
OPTIONS = Options()
_SURROGATE = re.compile("[\ud800-\udfff]")


class RefusingFetcher:
    """A fetcher that fetches nothing: every URL fails as if the network were down."""

    def fetch(self, url: str) -> Fetched:
        """Refuse ``url`` with a :class:`FetchError`."""
        raise FetchError("fuzzing: no network", source=url)


@cache
def _workdir() -> str:
    """A temporary directory for the input files, made once per process."""
    path = tempfile.mkdtemp(prefix="triangulate-fuzz-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def check_record(rec: RawDocument | Failure) -> None:
    """Assert what every record read promises: a failure with a code, or a document with text that cleans."""
    if isinstance(rec, Failure):
        assert rec.code.startswith("T1") and rec.reason, rec
        return
    assert isinstance(rec, RawDocument), type(rec)
    assert isinstance(rec.raw, str) and rec.raw.strip(), rec
    assert not _SURROGATE.search(rec.raw), "a lone surrogate reached the document text"
    with contextlib.suppress(InputTooLarge):
        clean(rec)


def TestOneInput(data: bytes) -> None:
    """Read one input as a file of every kind, and decode it; no exception may escape."""
    try:
        text, encoding = decode(data, source="fuzz")
    except InputError:
        pass
    else:
        assert text.strip() and encoding, (text, encoding)
    fetcher = RefusingFetcher()
    for ext in EXTENSIONS:
        path = os.path.join(_workdir(), "input" + ext)
        with open(path, "wb") as fh:
            fh.write(data)
        try:
            for rec in read_item(path, options=OPTIONS, fetcher=fetcher):
                check_record(rec)
        finally:
            os.unlink(path)


if __name__ == "__main__":
    fuzz(TestOneInput)
