"""What the web app serves: the dossier of a store, loaded once and reloaded when the store changes.

The app keeps one :class:`Snapshot` (the contract JSON of :func:`triangulate.api.open_dossier`,
indexed by id). Each request asks :meth:`DossierCache.get`, which costs one ``stat`` of the store
file; when its modification time or size changed, the dossier is loaded again. A store that
cannot be read at that moment (a build is writing it) leaves the previous snapshot in place and
is tried again on a later request.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import StoreError

log = logging.getLogger("triangulate.web")

Loader = Callable[[Path], dict[str, Any]]
ROLES = ("main", "related", "background")


def load_store(store: Path) -> dict[str, Any]:
    """Return the contract JSON (``dossier.json``'s content) of what ``store`` holds.

    It reads a copy of the store file: DuckDB lets no process write a file another has open,
    so reading the store itself could make a build that starts meanwhile fail. A copy taken
    while a build writes may be torn; it then fails to open, and the caller keeps the
    dossier it had.
    """
    from ..api import open_dossier
    from ..render.files import dossier_json

    if not store.exists():
        return dossier_json(open_dossier(store))  # the usual "no store here yet" error
    with tempfile.TemporaryDirectory(prefix="triangulate-serve-") as tmp:
        copy = Path(tmp) / store.name
        try:
            shutil.copyfile(store, copy)
            wal = store.with_name(store.name + ".wal")
            if wal.exists():
                shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
        except OSError as e:
            raise StoreError(f"cannot read the store: {e}", source=str(store)) from e
        return dossier_json(open_dossier(copy))


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


@dataclass(slots=True)
class Snapshot:
    """One loaded dossier and its indexes."""

    data: dict[str, Any]
    stamp: tuple[int, int] | None
    loaded_at: float = field(default_factory=time.time)
    events: dict[str, dict[str, Any]] = field(init=False)
    documents: dict[str, dict[str, Any]] = field(init=False)
    sources: dict[str, dict[str, Any]] = field(init=False)
    memo: dict[str, Any] = field(init=False, default_factory=dict)  # what the pages derive from it, built once
    _encoded: bytes | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.events = {e["id"]: e for e in self.data.get("events", [])}
        self.documents = {d["id"]: d for d in self.data.get("documents", [])}
        self.sources = {s["doc"]: s for s in self.data.get("sources", [])}

    def encoded(self) -> bytes:
        """The whole dossier as JSON bytes, encoded once per snapshot."""
        if self._encoded is None:
            self._encoded = json.dumps(self.data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self._encoded

    def conflicts_of(self, event_id: str) -> list[dict[str, Any]]:
        """The conflicts about one event."""
        return [c for c in self.data.get("conflicts", []) if c.get("event") == event_id]


class DossierCache:
    """Holds the current snapshot of a store; reloads it when the store file changes."""

    def __init__(
        self, store: str | os.PathLike[str], *, loader: Loader = load_store, warm: Callable[[Snapshot], None] | None = None
    ) -> None:
        self.store = Path(store)
        self.loader = loader
        self.warm = warm  # what to derive from a snapshot as soon as it is loaded (before it is served)
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def load(self) -> Snapshot:
        """Load the store now; raise :class:`~triangulate.errors.StoreError` when it cannot be read."""
        stamp = _stamp(self.store)
        snap = Snapshot(self.loader(self.store), stamp)
        if self.warm is not None:
            self.warm(snap)
        self._snapshot = snap
        log.info("loaded %s: %d documents, %d events", self.store, len(snap.documents), len(snap.events))
        return snap

    def get(self) -> Snapshot:
        """The current snapshot, reloaded first if the store file changed since it was loaded."""
        snap = self._snapshot
        if snap is not None and _stamp(self.store) in (snap.stamp, None):
            return snap
        with self._lock:
            snap = self._snapshot
            stamp = _stamp(self.store)
            if snap is not None and stamp in (snap.stamp, None):
                return snap
            try:
                return self.load()
            except StoreError as e:
                if snap is None:
                    raise
                log.warning("keeping the dossier loaded before: %s", e)
                snap.stamp = stamp  # try again when the file changes next
                return snap


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _fold(value: Any) -> str:
    return value.casefold() if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which events to show; every field left ``None`` lets all events through.

    ``date_from``/``date_to`` bound the event's start date (inclusive; events without a
    date are left out when either is set). ``country`` is an ISO 3166-1 alpha-2 code.
    ``actor`` is a case-insensitive substring of an actor or a target. ``q`` is a
    case-insensitive substring of the summary, an actor, a target or the place name.
    """

    date_from: date | None = None
    date_to: date | None = None
    country: str | None = None
    actor: str | None = None
    type: str | None = None
    role: str | None = None
    q: str | None = None

    def active(self) -> bool:
        """Whether any condition is set."""
        return any(getattr(self, name) not in (None, "") for name in self.__slots__)

    def matches(self, event: dict[str, Any]) -> bool:
        """Whether ``event`` (a contract ``events[]`` item) meets every condition."""
        if self.type and _fold(event.get("type")) != self.type.casefold():
            return False
        if self.role and event.get("role") != self.role:
            return False
        location = event.get("location") or {}
        if self.country and _fold(location.get("country")) != self.country.casefold():
            return False
        if self.date_from or self.date_to:
            start = _day((event.get("date") or {}).get("start"))
            if start is None or (self.date_from and start < self.date_from) or (self.date_to and start > self.date_to):
                return False
        names = [*event.get("actors", []), *event.get("targets", [])]
        if self.actor and not any(self.actor.casefold() in _fold(n) for n in names):
            return False
        if self.q:
            needle = self.q.casefold()
            haystack = [event.get("summary"), *names, location.get("name")]
            if not any(needle in _fold(h) for h in haystack):
                return False
        return True

    def apply(self, events: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The events that match, in their order."""
        return (e for e in events if self.matches(e))
