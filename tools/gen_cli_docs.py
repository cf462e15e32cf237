"""Write docs/cli.md from the CLI's own --help (``make docs``); a test checks it is current."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ([], ["build"], ["add"], ["watch"], ["analyze"], ["timeline"], ["show"], ["export"], ["serve"], ["eval"])


def help_text(args: list[str]) -> str:
    """Return the --help output of ``triangulate ARGS`` at a fixed width, without colour."""
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    out = subprocess.run([sys.executable, "-m", "triangulate", *args, "--help"], capture_output=True, text=True, env=env, check=True)
    return "\n".join(line.rstrip() for line in out.stdout.strip().splitlines())


def render() -> str:
    """Return the whole CLI reference as Markdown."""
    parts = ["# CLI reference", "", "Generated from `--help` by `make docs`; do not edit by hand.", ""]
    for args in COMMANDS:
        name = " ".join(["triangulate", *args])
        parts += [f"## `{name}`", "", "```", help_text(args), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(render(), encoding="utf-8")
