"""A small fuzz run inside the test suite: each harness of ``fuzz/`` over its seeds and a few hundred inputs.

``make fuzz`` runs the harnesses under atheris, coverage-guided, for minutes; here their
``TestOneInput`` runs without atheris over the seed corpus and inputs made by a seeded
``random.Random(0)``: seeds mutated (bytes flipped, inserted, deleted, two seeds spliced),
phrases of the harness's tokens (a first byte below 0x08) and plain random bytes. The
inputs are the same on every run, so a failure here is reproducible as it stands. A failure
with one of the known bugs of :data:`robustness.harnesses.KNOWN` (kept as strict xfails in
test_fuzz_regressions.py) is let through; any other fails the test.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator

import pytest

from robustness.harnesses import COMPONENTS, known_bug, load, seeds

INPUTS = {"clean": 300, "counts": 400, "times": 400, "readers": 150}  # the readers write each input to 8 files


def _mutate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """One seed changed as a fuzzer would: a few bytes flipped, inserted or deleted, or spliced with another."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(4)
        i = rng.randrange(len(b) + 1)
        if op == 0 and i < len(b):
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[i:i] = rng.randbytes(rng.randint(1, 8))
        elif op == 2:
            del b[i : i + rng.randint(1, 16)]
        else:
            j = rng.randrange(len(other) + 1)
            b = b[:i] + other[j:]
    return bytes(b)


def inputs(component: str, n: int) -> Iterator[bytes]:
    """``n`` inputs for a harness, from ``random.Random(0)``: mutated seeds, token phrases, random bytes."""
    rng = random.Random(0)
    corpus = seeds(component)
    for _ in range(n):
        kind = rng.randrange(3)
        if kind == 0:
            yield _mutate(rng, rng.choice(corpus), rng.choice(corpus))
        elif kind == 1:
            yield bytes([rng.randrange(8)]) + rng.randbytes(rng.randint(0, 80))
        else:
            yield rng.randbytes(rng.randint(0, 120))


@pytest.mark.parametrize("component", COMPONENTS)
def test_harness_over_its_seeds(component: str) -> None:
    harness = load(component)
    corpus = seeds(component)
    assert corpus, f"fuzz/seeds/{component}/ is empty"
    for data in corpus:
        harness.TestOneInput(data)


@pytest.mark.parametrize("component", COMPONENTS)
def test_harness_over_random_inputs(component: str) -> None:
    harness = load(component)
    for data in inputs(component, INPUTS[component]):
        try:
            harness.TestOneInput(data)
        except Exception as e:
            if not known_bug(component, e):
                raise AssertionError(f"fuzz_{component} fails on {data!r}") from e


def test_harnesses_import_without_atheris(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "atheris", None)  # any `import atheris` now raises ImportError
    for component in COMPONENTS:
        assert callable(load.__wrapped__(component).TestOneInput)
