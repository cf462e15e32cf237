"""The web app: ``triangulate serve`` (pages and a JSON API over a store).

Importing this package does no work and loads no web framework: :func:`create_app` and
:func:`serve` import what they need when called.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "create_app", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def create_app(store: str | os.PathLike[str]) -> FastAPI:
    """Return the FastAPI app serving the dossier of ``store`` (read-only; loaded on startup)."""
    from .app import create_app as _create_app

    return _create_app(store)


def serve(store: str | os.PathLike[str], *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, log_level: str = "info") -> None:
    """Serve ``store`` at http://host:port/ until interrupted. Binds to 127.0.0.1 unless told otherwise."""
    import uvicorn

    uvicorn.run(create_app(store), host=host, port=port, log_level=log_level, server_header=False, proxy_headers=False)
