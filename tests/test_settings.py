from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from triangulate.errors import UsageError
from triangulate.settings import SETTINGS, Options, load_options

from conftest import ROOT


def test_table_and_options_agree() -> None:
    fields = {f.name: f.default for f in dataclasses.fields(Options)}
    assert fields == {s.name: s.default for s in SETTINGS}


def test_every_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for s in SETTINGS:
        assert f"`{s.name}`" in doc and s.help in doc, s.name


def test_layers_file_then_env_then_flags(tmp_path: Path) -> None:
    cfg = tmp_path / "t.toml"
    cfg.write_text('store = "from-file.duckdb"\nmax_bytes = 10\nfetch_timeout = 3\n', encoding="utf-8")
    opts = load_options(config=cfg, env={"TRIANGULATE_MAX_BYTES": "20", "TRIANGULATE_PROGRESS": "no"}, fetch_timeout=None, out="flag-out")
    assert (opts.store, opts.max_bytes, opts.fetch_timeout, opts.progress, opts.out) == ("from-file.duckdb", 20, 3.0, False, "flag-out")


def test_unknown_or_bad_settings_are_usage_errors(tmp_path: Path) -> None:
    cfg = tmp_path / "t.toml"
    cfg.write_text('stor = "typo"\n', encoding="utf-8")
    with pytest.raises(UsageError, match="unknown setting 'stor'"):
        load_options(config=cfg, env={})
    with pytest.raises(UsageError, match="max_bytes"):
        load_options(env={"TRIANGULATE_MAX_BYTES": "lots"})
