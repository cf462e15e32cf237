"""``python -m triangulate``: the same as the ``triangulate`` command."""

from .cli import run

run()
