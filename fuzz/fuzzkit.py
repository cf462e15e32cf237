"""What the fuzz harnesses share: reading an input as a phrase of tokens, and running atheris."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence


def phrase(data: bytes, tokens: Sequence[str]) -> str:
    """The text an input stands for: UTF-8, or a phrase of ``tokens`` when its first byte is below 0x08.

    Mutating bytes rarely spells a sentence a parser reacts to; mutating token indexes does.
    """
    if data[:1] and data[0] < 8:
        return "".join(tokens[b % len(tokens)] for b in data[1:])
    return data.decode("utf-8", "replace")


def fuzz(test_one_input: Callable[[bytes], None]) -> None:
    """Fuzz ``test_one_input`` with atheris (coverage-guided); the command line's arguments are libFuzzer's."""
    import atheris  # only here: importing a harness (the test suite does) needs no atheris

    atheris.instrument_all()
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
