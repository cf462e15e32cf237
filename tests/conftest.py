from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from triangulate.model import RawDocument

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "iran-pakistan-2024"
GOLD = ROOT / "eval" / "gold" / "iran-pakistan-2024.json"
SCHEMA = ROOT / "contract" / "dossier.schema.json"


def raw(text: str, **kw: object) -> RawDocument:
    """A raw text document, as the text reader would make it."""
    return RawDocument(path=str(kw.pop("path", "t.txt")), reader="text", raw=text, **kw)  # type: ignore[arg-type]


@pytest.fixture
def write(tmp_path: Path):
    """Write a file under tmp_path (str or bytes) and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return p

    return _write


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus built once for the whole run: s.duckdb, dossier.json and report.html in one directory (read only)."""
    from triangulate.api import build

    out = tmp_path_factory.mktemp("sample-build")
    build([str(SAMPLE)], store=out / "s.duckdb", out=out)
    return out


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


@contextmanager
def live_server(app: Any, *, wait: float = 10.0) -> Iterator[int]:
    """``app`` served by uvicorn on a free port of 127.0.0.1, in a thread, started (lifespan run); yields the port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # bound here and handed over: no other process can take the port meanwhile
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", ws="none", server_header=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + wait
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
            time.sleep(0.02)
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(wait)
        sock.close()
        assert not thread.is_alive(), "the server did not stop"
