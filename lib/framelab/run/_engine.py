"""One code path, two engines: run a per-partition function in-process or on a Dask cluster.

A *partition* is a chunk of the documents table (see :mod:`framelab.corpus`). A per-partition
function is pure: it takes a chunk and returns a DataFrame or a mergeable count object (one
with ``+=``, such as :class:`collections.Counter` or :class:`CorpusCounts`). Results are
combined in partition order, so the result does not depend on the engine, the number of
workers or the order in which workers finish.

* ``engine="local"``: in this process, or in a :class:`concurrent.futures.ProcessPoolExecutor`
  of ``workers`` processes.
* ``engine="dask"``: a :class:`distributed.Client` on a ``LocalCluster`` of ``workers`` worker
  processes (one thread each), or on an existing cluster at ``scheduler``
  ("tcp://host:8786"). Each chunk travels with its task and results are gathered in order,
  with at most a few partitions in flight so memory stays bounded.

A worker that dies (out of memory, a crash in native code) stops the run with a
:class:`PartitionError` naming the partition; callers write their outputs only after the last
partition, so nothing half-made is kept.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Self

import pandas as pd

from ..corpus import concat_parts
from ..errors import ParameterError, PartitionError

__all__ = [
    "ENGINES", "Engine", "open_engine", "combine", "map_documents", "describe_chunk",
    "local_cluster",
]

log = logging.getLogger(__name__)

ENGINES = ("local", "dask")


def describe_chunk(chunk: Any) -> str:
    """A short description of a documents chunk for error messages: ids and origins."""
    if isinstance(chunk, pd.DataFrame) and len(chunk) and "doc_id" in chunk.columns:
        first, last = chunk["doc_id"].iloc[0], chunk["doc_id"].iloc[-1]
        where = f", from {chunk['origin'].iloc[0]}" if "origin" in chunk.columns else ""
        return f"{len(chunk)} documents {first} .. {last}{where}"
    return type(chunk).__name__


class Engine:
    """Where partitioned work runs. Use as a context manager, or call :meth:`close`.

    Parameters
    ----------
    kind : {"local", "dask"}
        In-process (optionally a process pool), or Dask distributed.
    workers : int, optional
        local: 0/1/None runs in this process, n >= 2 uses a pool of n processes.
        dask: start a ``LocalCluster`` of n worker processes (default: the CPU count).
    scheduler : str or distributed.Client, optional
        dask only: address of a running scheduler ("tcp://host:8786") or a Client.
    progress : bool
        Show a tqdm progress bar per map (text, in a terminal or a notebook).
    max_in_flight : int, optional
        Partitions submitted but not yet consumed (default: twice the workers).
    shared_storage : bool, optional
        Whether workers see this machine's files (then cached partitions are sent as paths
        and read by the workers). Default: True unless ``scheduler`` is on another host.
    """

    def __init__(self, kind: str = "local", *, workers: int | None = None,
                 scheduler: Any = None, progress: bool = True,
                 max_in_flight: int | None = None, shared_storage: bool | None = None) -> None:
        if kind not in ENGINES:
            raise ParameterError(f"engine={kind!r}; use one of {', '.join(ENGINES)}")
        if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool)
                                    or workers < 0):
            raise ParameterError(f"workers={workers!r}: give a whole number of worker "
                                 "processes (0 = default)")
        if scheduler and kind != "dask":
            raise ParameterError(f"scheduler={scheduler!r} needs engine='dask' "
                                 "(--engine dask --scheduler tcp://HOST:PORT)")
        if scheduler and workers:
            raise ParameterError(f"give workers={workers} (start a local cluster) or "
                                 f"scheduler={scheduler!r} (use a running one), not both")
        self.kind, self.workers, self.scheduler = kind, workers or None, scheduler or None
        self.progress, self.max_in_flight = progress, max_in_flight
        self.shared_storage = _is_local(self.scheduler) if shared_storage is None \
            else shared_storage
        self._pool: Any = None
        self._client: Any = None
        self._cluster: Any = None
        self._started = False

    def __repr__(self) -> str:
        where = self.scheduler or (f"{self.workers} workers" if self.workers else "in-process")
        return f"Engine({self.kind!r}, {where})"

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> Self:
        """Start the pool or connect to / start the cluster (idempotent)."""
        if self._started:
            return self
        if self.kind == "local" and self.workers and self.workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=self.workers,
                                             mp_context=multiprocessing.get_context("spawn"))
        elif self.kind == "dask":
            from distributed import Client

            if self.scheduler is not None and not isinstance(self.scheduler, str):
                self._client = self.scheduler  # a Client the caller owns
            elif self.scheduler:
                try:
                    self._client = Client(self.scheduler, set_as_default=False, timeout="30s")
                except OSError as err:
                    raise ParameterError(f"scheduler={self.scheduler!r}: cannot connect "
                                         f"({err}); is the Dask scheduler running?") from None
            else:
                self._cluster = _start_local_cluster(self.workers or os.cpu_count() or 1)
                self._client = Client(self._cluster, set_as_default=False)
            log.info("dask engine: %s", self._client)
        self._started = True
        return self

    def close(self) -> None:
        """Shut down what :meth:`start` started (a caller's Client is left open)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._client is not None and (self._cluster is not None
                                         or isinstance(self.scheduler, str)):
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None
        self._started = False

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def in_process(self) -> bool:
        """True when partitions run in this process (no pool, no cluster)."""
        self.start()
        return self._pool is None and self._client is None

    @property
    def n_workers(self) -> int:
        """Worker processes doing the work (1 in-process)."""
        if self._client is not None:
            return max(1, len(self._client.scheduler_info().get("workers", {})))
        return self.workers if self._pool is not None and self.workers else 1

    # --- mapping ----------------------------------------------------------------------------
    def imap(self, func: Callable[[Any], Any], partitions: Iterable[Any], *,
             total: int | None = None, desc: str = "partitions",
             describe: Callable[[Any], str] = describe_chunk) -> Iterator[Any]:
        """Yield ``func(partition)`` for each partition, in partition order.

        ``func`` must be picklable for a process pool or Dask (a module-level function, a
        ``functools.partial`` of one, or a frozen dataclass with ``__call__``).

        Raises
        ------
        PartitionError
            A worker died (or the cluster connection was lost) while computing a partition.
        """
        from tqdm.std import tqdm  # a text bar: saved notebooks show it when reopened

        self.start()
        # progress=False hides the bar; otherwise tqdm's defaults (and TQDM_DISABLE) apply
        bar = tqdm(total=total, desc=desc, unit="part",
                   **({} if self.progress else {"disable": True}))
        try:
            if self._pool is None and self._client is None:
                for part in partitions:
                    yield func(part)
                    bar.update(1)
                return
            submit, result, cancel = (self._pool_ops(func) if self._pool is not None
                                      else self._dask_ops(func, desc))
            window = self.max_in_flight or 2 * self.n_workers
            pending: deque[tuple[int, str, Any]] = deque()
            try:
                for i, part in enumerate(partitions):
                    what = describe(part)
                    try:
                        pending.append((i, what, submit(i, what, part)))
                    except PartitionError:
                        # sending failed because a worker died: name the partition it ran
                        # (waiting for the partitions in flight, which fail or finish)
                        while pending:
                            result(*pending.popleft())
                        raise
                    if len(pending) >= window:
                        yield result(*pending.popleft())
                        bar.update(1)
                while pending:
                    yield result(*pending.popleft())
                    bar.update(1)
            finally:
                cancel([fut for _, _, fut in pending])
        finally:
            bar.close()

    def map(self, func: Callable[[Any], Any], partitions: Iterable[Any], **options: Any
            ) -> list[Any]:
        """``list(self.imap(func, partitions, ...))``."""
        return list(self.imap(func, partitions, **options))

    def _pool_ops(self, func: Callable[[Any], Any]) -> tuple[Callable, Callable, Callable]:
        from concurrent.futures.process import BrokenProcessPool

        def submit(i: int, what: str, part: Any) -> Any:
            try:
                return self._pool.submit(func, part)
            except BrokenProcessPool as err:
                raise _died(i, what, "a worker process", err) from None

        def result(i: int, what: str, fut: Any) -> Any:
            try:
                return fut.result()
            except BrokenProcessPool as err:
                raise _died(i, what, "a worker process", err) from None

        def cancel(futures: list[Any]) -> None:
            for fut in futures:
                fut.cancel()

        return submit, result, cancel

    def _dask_ops(self, func: Callable[[Any], Any], desc: str
                  ) -> tuple[Callable, Callable, Callable]:
        from concurrent.futures import CancelledError

        import dask
        from distributed.scheduler import KilledWorker

        client, token = self._client, uuid.uuid4().hex[:8]
        lost = (KilledWorker, CancelledError, OSError)  # OSError covers CommClosedError

        def submit(i: int, what: str, part: Any) -> Any:
            # The chunk travels inside the task (not scattered): if a worker dies, the
            # scheduler reruns its other tasks elsewhere, and only a partition that kills
            # workers repeatedly fails (KilledWorker). At most ``window`` chunks are in flight.
            try:
                with dask.config.set({"distributed.admin.large-graph-warning-threshold": "4GB"}):
                    return client.submit(func, part, pure=False,
                                         key=f"framelab-{desc.replace(' ', '_')}-{token}-{i}")
            except lost as err:
                raise _died(i, what, "the Dask worker receiving it", err) from None

        def result(i: int, what: str, fut: Any) -> Any:
            try:
                return fut.result()
            except lost as err:
                raise _died(i, what, "the Dask worker running it", err) from None

        def cancel(futures: list[Any]) -> None:
            if futures:
                client.cancel(futures)

        return submit, result, cancel


def _died(i: int, what: str, who: str, err: BaseException) -> PartitionError:
    return PartitionError(
        f"partition {i} ({what}): {who} died or went away ({type(err).__name__}: {err}); the "
        "run stopped and nothing of it was kept. A worker dies when it runs out of memory "
        "(lower chunk_size or give workers more memory) or crashes in native code; its log "
        "says which", partition=i, description=what)


def _is_local(scheduler: Any) -> bool:
    """True without a scheduler, or for one at this host's loopback address or name."""
    if not scheduler:
        return True
    if not isinstance(scheduler, str):
        return False
    import socket
    from urllib.parse import urlsplit

    host = urlsplit(scheduler if "://" in scheduler else f"tcp://{scheduler}").hostname or ""
    return host in ("127.0.0.1", "localhost", "::1", socket.gethostname())


#: Worker settings of the LocalCluster framelab starts: no statistical profiler (it samples
#: the task thread's stack every 10 ms, which costs pure-Python tasks about a tenth of their
#: CPU) and no dashboard.
LOCAL_CLUSTER_CONFIG = {"distributed.worker.profile.enabled": False}


def _start_local_cluster(workers: int) -> Any:
    import dask
    from distributed import LocalCluster

    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        return LocalCluster(n_workers=workers, processes=True, threads_per_worker=1,
                            dashboard_address=None, silence_logs=logging.ERROR)


@contextmanager
def local_cluster(workers: int) -> Iterator[str]:
    """Start a Dask ``LocalCluster`` of ``workers`` processes; yield its scheduler address.

    For a caller that runs several steps (the report's notebooks) on one cluster: pass the
    address as ``scheduler=`` to each of them. The cluster is closed on exit.
    """
    if not isinstance(workers, int) or workers < 1:
        raise ParameterError(f"workers={workers!r}: a local cluster needs at least 1 worker")
    cluster = _start_local_cluster(workers)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@contextmanager
def open_engine(engine: str | Engine = "local", *, workers: int | None = None,
                scheduler: Any = None, progress: bool = True) -> Iterator[Engine]:
    """Yield a started :class:`Engine`; an Engine passed in is used as is and left open."""
    if isinstance(engine, Engine):
        yield engine.start()
        return
    with Engine(engine, workers=workers, scheduler=scheduler, progress=progress) as eng:
        yield eng


def combine(results: Iterable[Any], *, sinks: Mapping[str, Any] | None = None,
            into: Any = None) -> Any:
    """Combine per-partition results in order: DataFrames are concatenated (new index),
    dicts of DataFrames are concatenated key by key, anything else is summed with ``+=``
    (Counters, :class:`CorpusCounts`, numbers).

    ``sinks`` maps table names of dict results to objects that take each part's table as it
    arrives (``sink.append(table)`` returns what to keep of it, e.g. written to disk and
    sampled) and make the combined table of what was kept (``sink.finish(kept)``): a table
    that is written whole is never held whole. ``into`` is an object every summed result is
    added to (``into += result``) in place of the first result, e.g. one that writes the
    tables it is given as they arrive.

    Returns ``None`` for no results (``into`` when given).
    """
    frames: list[pd.DataFrame] = []
    tables: dict[str, list[pd.DataFrame]] = {}
    total: Any = into
    for i, result in enumerate(results):
        kind = "DataFrame" if isinstance(result, pd.DataFrame) else \
            "dict" if type(result) is dict else "other"  # a Counter is summed
        before = "DataFrames" if frames else "dicts" if tables else \
            "counts" if total is not None else ""
        if before and (kind == "other" and total is None or kind != "other" and
                       before != f"{kind}s" or kind == "dict" and list(result) != list(tables)):
            got = f"tables {list(result)}" if kind == "dict" else type(result).__name__
            raise ParameterError(f"partition {i} returned {got} after {before}"
                                 + (f" of tables {list(tables)}" if tables else "")
                                 + "; a per-partition function returns one kind of result "
                                 "(and one set of table names)")
        if kind == "DataFrame":
            frames.append(result)
        elif kind == "dict":
            for name, frame in result.items():
                if not isinstance(frame, pd.DataFrame):
                    raise ParameterError(f"partition {i} returned {name!r} as "
                                         f"{type(frame).__name__}; a dict result holds "
                                         "DataFrames")
                if sinks and name in sinks:
                    frame = sinks[name].append(frame)
                tables.setdefault(name, []).append(frame)
        elif total is None:
            total = result
        else:
            total += result
    if frames:
        return concat_parts(frames)
    if tables:
        return {name: sinks[name].finish(concat_parts(parts)) if sinks and name in sinks
                else concat_parts(parts) for name, parts in tables.items()}
    return total


def map_documents(
    func: Callable[[Any], Any],
    chunks: Iterable[Any],
    *,
    engine: str | Engine = "local",
    workers: int | None = None,
    scheduler: Any = None,
    progress: bool = True,
    total: int | None = None,
    desc: str = "documents",
) -> Any:
    """Apply a pure per-partition function to every chunk and combine the results exactly.

    Parameters
    ----------
    func : callable
        ``chunk -> DataFrame`` or ``chunk -> mergeable counts``; picklable for a process pool
        or Dask.
    chunks : iterable
        Partitions, e.g. :func:`framelab.corpus.iter_documents` or
        :meth:`framelab.run.CorpusCache.iter_documents`.
    engine, workers, scheduler
        See :class:`Engine`; an ``Engine`` already started can be passed as ``engine``.
    progress : bool
        tqdm progress bar over partitions.
    total : int, optional
        Number of partitions, for the progress bar.

    Returns
    -------
    DataFrame or object
        See :func:`combine`: the same whatever the engine and the number of workers.
    """
    with open_engine(engine, workers=workers, scheduler=scheduler, progress=progress) as eng:
        return combine(eng.imap(func, chunks, total=total, desc=desc))
