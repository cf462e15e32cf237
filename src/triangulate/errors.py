"""One home for triangulate's errors.

Every error carries a short code (``T101``), the context it happened in (a file or
URL, a stage) and a message that says what to do. The hierarchy::

    TriangulateError
    ├── InputError            an input could not be read; the batch goes on without it
    │   ├── EmptyInput        T101
    │   ├── BinaryInput       T102
    │   ├── UndecodableInput  T103
    │   ├── InputTooLarge     T104
    │   ├── MalformedInput    T105
    │   ├── UnreadableInput   T106
    │   ├── UnsupportedInput  T107
    │   ├── FetchError        T108
    │   └── UnsupportedLanguage T109  (not English: see ingest.language)
    ├── StageError            a stage failed on one document (names the stage)  T201
    ├── StoreError            the store cannot be opened or written            T301
    │   └── StoreBusy         another process holds the store                   T302
    └── UsageError            bad arguments or settings                          T401
"""

from __future__ import annotations


class TriangulateError(Exception):
    """Base class of every error triangulate raises on purpose."""

    code = "T000"

    def __init__(self, message: str, *, source: str | None = None, stage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.stage = stage

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        stage = f" [{self.stage}]" if self.stage else ""
        return f"{where}{self.message}{stage} ({self.code})"


class InputError(TriangulateError):
    """An input could not be turned into documents; other inputs are unaffected."""

    code = "T100"


class EmptyInput(InputError):
    """The input holds no text."""

    code = "T101"


class BinaryInput(InputError):
    """The input is binary data, not text."""

    code = "T102"


class UndecodableInput(InputError):
    """No text encoding decodes the input."""

    code = "T103"


class InputTooLarge(InputError):
    """The input is over the configured size limit."""

    code = "T104"


class MalformedInput(InputError):
    """The input's structure (JSON, feed, HTML) is broken."""

    code = "T105"


class UnreadableInput(InputError):
    """The path cannot be read (missing, permissions, a loop)."""

    code = "T106"


class UnsupportedInput(InputError):
    """No reader handles this kind of input."""

    code = "T107"


class FetchError(InputError):
    """A URL could not be fetched."""

    code = "T108"


class UnsupportedLanguage(InputError):
    """The article is not in English, the only language the analysis reads."""

    code = "T109"


class StageError(TriangulateError):
    """A pipeline stage failed on one document."""

    code = "T201"


class StoreError(TriangulateError):
    """The store cannot be opened or written."""

    code = "T301"


class StoreBusy(StoreError):
    """Another process is writing to the store."""

    code = "T302"


class UsageError(TriangulateError):
    """Bad arguments or settings."""

    code = "T401"
