"""The fuzz harnesses of ``fuzz/``, loaded as modules without atheris (they import it only when run)."""

from __future__ import annotations

import importlib.util
import sys
import traceback
from functools import cache
from pathlib import Path
from types import ModuleType

FUZZ = Path(__file__).resolve().parents[2] / "fuzz"
COMPONENTS = ("clean", "counts", "times", "readers")


@cache
def load(component: str) -> ModuleType:
    """Import ``fuzz/fuzz_<component>.py`` and return the module."""
    name = f"fuzz_{component}"
    if str(FUZZ) not in sys.path:  # as when a harness runs as a script: its folder's fuzzkit is importable
        sys.path.insert(0, str(FUZZ))
    spec = importlib.util.spec_from_file_location(name, FUZZ / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def seeds(component: str) -> list[bytes]:
    """The seed inputs kept in ``fuzz/seeds/<component>/``."""
    return [p.read_bytes() for p in sorted((FUZZ / "seeds" / component).iterdir()) if p.is_file()]


# Bugs the fuzzers found and that are not fixed yet: (exception, file, function it escapes from),
# by harness, each with a strict xfail in test_fuzz_regressions.py. The smoke run and the
# property tests let these through and fail on anything else. None at present.
KNOWN: dict[str, tuple[tuple[type[Exception], str, str], ...]] = {}


def known_bug(component: str, error: Exception) -> bool:
    """Whether a harness of ``component`` failed with one of its known bugs, raised where that bug is."""
    innermost = traceback.extract_tb(error.__traceback__)[-1]
    return any(
        isinstance(error, kind) and innermost.filename.endswith(file) and innermost.name == func
        for kind, file, func in KNOWN.get(component, ())
    )
