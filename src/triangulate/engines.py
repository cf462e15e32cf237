"""Engines: where the per-document stages of new documents run.

The build's runner hands an engine batches of new documents (:meth:`Engine.submit`) and
collects their results, oldest first, by calling what ``submit`` returned; it writes them
to the store itself (one writer). Two engines:

* ``local`` (the default): a pool of worker processes on this machine, each loading the
  language model once. Runs smaller than one batch stay in the calling process.
* ``ray``: a pool of Ray actors, each loading the language model once, on a local Ray
  started for the run or on the cluster at ``ray_address``. Needs ``pip install triangulate[ray]``;
  Ray is imported only when this engine is chosen. Its actors write their documents as Parquet
  parts (directory ``ray_parts``) that the store reads with DuckDB, so records do not pass
  through the driver's Python.

Both also take fusion's coreference blocks (:meth:`Engine.map`) once their workers are up.

If an engine loses a worker (killed, out of memory, a crash in native code), the result
raises :class:`EngineLost` and the runner redoes the batch in its own process.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any, ClassVar, TypeVar

from .errors import UsageError
from .model import Document, Failure, Part, RawDocument
from .pipeline import version, work
from .settings import Options
from .store import write_part

Result = tuple[Sequence[Document | Failure | Part], dict[str, float]]  # what a batch gives back (pipeline.work: no Part)
Pending = Callable[[], Result]  # waits for a submitted batch's result and returns it

T = TypeVar("T")
R = TypeVar("R")

ENGINES = ("local", "ray")
RAY_MISSING = "the ray engine needs `pip install triangulate[ray]`"


class EngineLost(Exception):
    """The engine lost the worker that had the batch: the batch has to be redone elsewhere."""


class Engine(ABC):
    """Runs batches of new documents through :func:`triangulate.pipeline.work`, somewhere else."""

    eager: ClassVar[bool] = False  # also take a run smaller than one batch (else it stays in the caller)
    slots: int = 1  # batches in flight before the runner waits for the oldest (known once started)

    @property
    @abstractmethod
    def started(self) -> bool:
        """Whether the workers are up (they start at the first :meth:`submit`)."""

    @abstractmethod
    def submit(self, batch: list[RawDocument]) -> Pending:
        """Send ``batch`` to a worker; call the returned function to wait for its result."""

    @abstractmethod
    def close(self) -> None:
        """Stop the workers (results not yet collected are lost); the engine cannot be used again."""

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``fn`` of each item, in order, computed by the workers (fusion's blocks); here if a worker is lost."""
        if not self.started:
            return [fn(x) for x in items]
        try:
            return self._map(fn, items)
        except EngineLost:
            return [fn(x) for x in items]

    @abstractmethod
    def _map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``fn`` of each item on the started workers, in order; raises :class:`EngineLost` if one is lost."""


def make_engine(opts: Options) -> Engine | None:
    """The engine ``opts.engine`` names; ``None`` when the stages should run in the calling process.

    Raises :class:`UsageError` for an unknown engine, or the ray engine without Ray installed.
    Nothing starts before the first batch is submitted.
    """
    if opts.engine == "local":
        workers = opts.workers or os.cpu_count() or 1
        return ProcessEngine(workers) if workers > 1 else None
    if opts.engine == "ray":
        return RayEngine(address=opts.ray_address, workers=opts.workers, parts=parts_dir(opts))
    raise UsageError(f"unknown engine {opts.engine!r}; known: {', '.join(ENGINES)}")


def parts_dir(opts: Options) -> str:
    """Where the ray engine's actors write their Parquet parts: ``ray_parts``, else next to the store."""
    return opts.ray_parts or f"{opts.store}.parts"


def _start_worker(parent: int) -> None:
    """Load the language model once, when a worker process starts; exit when the parent is gone.

    A pool's workers outlive a parent that is killed outright (SIGKILL, out of memory):
    each would keep its model in memory for good. A watchdog thread ends the worker as soon
    as it is orphaned.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="orphan-watchdog", daemon=True).start()
    from .analyze import nlp

    nlp()


class ProcessEngine(Engine):
    """The local engine: ``workers`` spawned processes on this machine, one model each."""

    def __init__(self, workers: int) -> None:
        self.slots = workers
        self.pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        """Whether the pool is up."""
        return self.pool is not None

    def submit(self, batch: list[RawDocument]) -> Pending:
        """Send ``batch`` to the pool (started at the first batch)."""
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.slots, mp_context=get_context("spawn"), initializer=_start_worker, initargs=(os.getpid(),))
        future: Future[Result] = self.pool.submit(work, batch)
        return lambda: self._result(future)

    @staticmethod
    def _result(future: Future[Result]) -> Result:
        try:
            return future.result()
        except (BrokenProcessPool, CancelledError) as e:  # a worker died, or the pool was stopped after one did
            raise EngineLost(str(e) or type(e).__name__) from e

    def _map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        assert self.pool is not None
        try:
            return list(self.pool.map(fn, items))  # one item at a time, so the workers share the big ones
        except (BrokenProcessPool, CancelledError) as e:
            raise EngineLost(str(e) or type(e).__name__) from e

    def close(self) -> None:
        """Stop the worker processes."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


class _RayWorker:
    """A Ray actor: loads the language model once, then runs batches."""

    def __init__(self) -> None:
        from .analyze import nlp

        nlp()

    def work(self, batch: list[RawDocument], parts: str = "") -> Result:
        """Run the per-document stages on ``batch``; with ``parts``, write its documents there as a Parquet part."""
        results, timings = work(batch)
        if not parts:
            return results, timings
        t0 = time.perf_counter()
        docs = [r for r in results if isinstance(r, Document)]
        out: list[Document | Failure | Part] = [r for r in results if isinstance(r, Failure)]
        if docs:
            path = write_part(docs, parts, version=version())
            out.append(Part(str(path), tuple(dict.fromkeys(d.id for d in docs))))
        timings["store.part"] = timings.get("store.part", 0.0) + time.perf_counter() - t0
        return out, timings

    def call(self, fn: Callable[[Any], Any], arg: Any) -> Any:
        """Run ``fn(arg)`` here (fusion's blocks: the actors hold the cluster's CPUs, so tasks could not start)."""
        return fn(arg)


class RayEngine(Engine):
    """The ray engine: a pool of Ray actors, one model each, fed batches in turn.

    Without ``address`` it starts a local Ray for the run (no dashboard, no usage stats, worker
    logs not forwarded) and shuts it down at the end; with one it joins that cluster, where
    triangulate and its model must be installed. If Ray is already initialised in this process,
    that Ray is used and left running. ``workers`` actors (0: one per CPU of the cluster).

    With ``parts`` (a directory the actors and the driver share), each actor writes its batch's
    documents there as a Parquet part (:func:`triangulate.store.write_part`) and sends back only
    its name and document ids; the store reads the part itself. Without, the documents come
    back through Ray to the driver.
    """

    eager = True

    def __init__(self, *, address: str = "", workers: int = 0, parts: str = "") -> None:
        try:
            import ray
        except ImportError as e:
            raise UsageError(RAY_MISSING) from e
        self.ray: Any = ray
        self.address, self.workers, self.parts = address, workers, parts
        self.actors: list[Any] = []
        self.turn = 0
        self.owned = False  # we called ray.init, so we call ray.shutdown
        self.closed = False

    @property
    def started(self) -> bool:
        """Whether the actors are up."""
        return bool(self.actors)

    def _start(self) -> None:
        ray = self.ray
        if not ray.is_initialized():
            if self.address:
                try:
                    ray.init(address=self.address, log_to_driver=False, logging_level=logging.WARNING)
                except (ConnectionError, ValueError) as e:
                    raise UsageError(f"cannot join the Ray cluster at {self.address!r}: {e}") from e
            else:  # quiet, and nothing sent anywhere (the usage stats)
                os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
                ray.init(
                    address="local",
                    num_cpus=self.workers or None,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.ERROR,
                )
            self.owned = True
        n = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor = ray.remote(num_cpus=1, max_restarts=0)(_RayWorker)
        self.actors = [actor.remote() for _ in range(n)]
        self.slots = 2 * n  # one batch running and one waiting on each actor

    def submit(self, batch: list[RawDocument]) -> Pending:
        """Send ``batch`` to the next actor in turn (Ray and the actors start at the first batch)."""
        if self.closed:
            raise EngineLost("the ray engine is closed")
        if not self.actors:
            self._start()
        actor = self.actors[self.turn % len(self.actors)]
        self.turn += 1
        ref = actor.work.remote(batch, self.parts)
        return lambda: self._result(ref)

    def _result(self, ref: Any) -> Result:
        from ray.exceptions import RayError, RayTaskError

        if self.closed:
            raise EngineLost("the ray engine is closed")
        try:
            result: Result = self.ray.get(ref)
        except RayTaskError:  # the stages raised: as with the local engine, that is the caller's error
            raise
        except RayError as e:  # an actor, its process or its node died
            raise EngineLost(str(e)) from e
        return result

    def _map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        from ray.exceptions import RayError, RayTaskError
        from ray.util import ActorPool

        pool = ActorPool(self.actors)
        try:
            return list(pool.map(lambda actor, x: actor.call.remote(fn, x), list(items)))
        except RayTaskError:
            raise
        except RayError as e:
            raise EngineLost(str(e)) from e

    def close(self) -> None:
        """Stop the actors, and Ray if this engine started it."""
        if self.closed:
            return
        self.closed = True
        ray = self.ray
        if ray.is_initialized():
            for actor in self.actors:
                ray.kill(actor)
            if self.owned:
                ray.shutdown()
        self.actors = []
