"""The web app: ``triangulate serve`` (pages and a JSON API over a store).

Importing this package does no work and loads no web framework: :func:`create_app` and
:func:`serve` import what they need when called.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "create_app", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def create_app(store: str | os.PathLike[str], *, token: str | None = None, allowed_hosts: Collection[str] | None = None) -> FastAPI:
    """Return the FastAPI app serving the dossier of ``store`` (read-only; loaded on startup); ``token``: required of every request."""
    from .app import create_app as _create_app

    return _create_app(store, token=token, allowed_hosts=allowed_hosts)


def serve(
    store: str | os.PathLike[str],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    token: str | None = None,
    log_level: str = "info",
) -> None:
    """Serve ``store`` at http://host:port/ until interrupted; any address but loopback needs ``token`` (a UsageError without)."""
    import uvicorn

    from .access import LOOPBACK_NAMES, resolve_token

    token = resolve_token(host, token)
    # on loopback without a token, answer only to loopback names: a web page cannot reach the app by DNS rebinding
    hosts = None if token else LOOPBACK_NAMES | {host}
    app = create_app(store, token=token, allowed_hosts=hosts)
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False, proxy_headers=False, ws="none")
