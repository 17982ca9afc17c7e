"""Checks a report run passes before anything is created, and the bookkeeping that leaves no
run marked ``running`` after its process died.

Paths (``--out``, ``--cache-dir``, ``--run-id``, ``--reuse``, ``outputs/latest``) and the Dask
scheduler are checked first, so that bad options fail in a second with a one-line message; a
run records its process id, marks itself ``failed`` when it is interrupted or terminated, and
the next run marks any ``running`` manifest whose process is gone as ``failed``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import multiprocessing
import os
import re
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..corpus import ANALYSED_SEGMENTS
from ..errors import CorpusError, ParameterError
from ..paths import pid_alive

__all__ = ["RUN_ID_PATTERN", "check_run_id", "check_out", "check_cache_dir",
           "check_scheduler", "check_same_inputs", "check_something_to_analyse",
           "mark_stale_runs", "failure_guard"]

log = logging.getLogger(__name__)

#: A run id: letters, digits, ``.``, ``_`` and ``-``, not starting with ``.``, at most 100
#: characters (a folder name on every file system).
RUN_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def check_run_id(run_id: str, option: str = "--run-id") -> str:
    """Refuse a run id that is not a plain, short folder name (or is ``latest``)."""
    if not RUN_ID_PATTERN.fullmatch(run_id) or run_id == "latest":
        raise ParameterError(
            f"{option} {run_id[:60]!r}{'...' if len(run_id) > 60 else ''} ({len(run_id)} "
            "characters): use letters, digits, '.', '_' and '-', not starting with '.', at "
            "most 100 characters, and not 'latest'")
    return run_id


def check_out(out: Path) -> None:
    """``--out`` must be a folder we can write into; ``latest`` inside it must be a link."""
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {out} is a file, not a folder; give the folder that holds "
                             "the runs")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ParameterError(f"--out {out}: cannot create it ({err.strerror}); choose a folder "
                             "you can write to") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ParameterError(f"--out {out}: not writable; choose a folder you can write to")
    latest = out / "latest"
    if latest.exists() and not latest.is_symlink():
        raise ParameterError(f"{latest} is a real {'folder' if latest.is_dir() else 'file'}, "
                             "not the link framelab keeps to the last good run; rename or "
                             "remove it")


def check_cache_dir(cache_root: Path) -> None:
    """``--cache-dir`` must be a folder (or not exist yet)."""
    if cache_root.exists() and not cache_root.is_dir():
        raise ParameterError(f"--cache-dir {cache_root} is a file, not a folder; give a folder "
                             "for the corpus cache (default: <out>/.cache)")


def check_scheduler(scheduler: str, *, timeout: float = 3.0) -> None:
    """A Dask scheduler address must be ``tcp://HOST:PORT`` (or ``tls://``) and answer."""
    parts = urlsplit(scheduler)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or port is None:
        raise ParameterError(f"--scheduler {scheduler!r}: give the address of a running Dask "
                             "scheduler as tcp://HOST:PORT (e.g. tcp://127.0.0.1:8786)")
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            pass
    except OSError as err:
        raise ParameterError(f"--scheduler {scheduler}: nothing answers there ({err}); start "
                             "the scheduler first or drop --scheduler to use a local "
                             "cluster") from None


def check_same_inputs(earlier: Path, inputs: dict[str, Any]) -> None:
    """A ``--only`` run reuses outputs of ``earlier``: it must have read the same corpus and
    metadata, or the new run would mix two corpora."""
    manifest = json.loads((earlier / "manifest.json").read_text(encoding="utf-8"))
    before = manifest.get("inputs", {})
    for role in ("corpus", "metadata"):
        old, new = before.get(role), inputs.get(role)
        old_hash = old.get("sha256") if old else None
        new_hash = new.get("sha256") if new else None
        if old_hash != new_hash:
            raise ParameterError(
                f"--only reuses run {manifest.get('run_id')}, which read {role} "
                f"{old.get('path') if old else '(none)'}, but this run reads "
                f"{new.get('path') if new else '(none)'} (different content); run every "
                "notebook (drop --only) or --reuse a run of the same inputs")


def check_something_to_analyse(cache: Any, corpus: str) -> None:
    """Some sentence of the corpus must be body text or a headline: a corpus whose every line
    recurs as boilerplate (sign-offs, menus) leaves the notebooks nothing to analyse, and would
    fail inside them on a message about a parameter they do not have."""
    import pyarrow.parquet as pq

    folder = cache.build_sentences(progress=False)  # already built: returns its folder
    n_sentences = 0
    for name in cache.manifest["parts"]:
        segments = pq.read_table(folder / name, columns=["segment"]).column("segment")
        n_sentences += len(segments)
        if any(s in ANALYSED_SEGMENTS for s in segments.unique().to_pylist()):
            return
    raise CorpusError(
        f"{corpus}: none of the {n_sentences} sentence(s) of the {cache.n_documents} "
        "document(s) is body text or a headline: every line recurs across documents of its "
        "outlet and counts as boilerplate, so nothing is left to analyse. Check that the text "
        "column holds the articles, or add documents")



def mark_stale_runs(out: Path) -> list[str]:
    """Mark ``failed`` every run under ``out`` still ``running`` whose process is gone;
    returns their ids."""
    stale = []
    for manifest_path in sorted(out.glob("*/manifest.json")):
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        pid = manifest.get("pid")
        if manifest.get("status") != "running" or not isinstance(pid, int) or pid_alive(pid):
            continue
        manifest.update(status="failed", error=f"the run's process (pid {pid}) ended without "
                        "finishing (killed or crashed); found by a later run")
        tmp = manifest_path.with_name(".manifest.json.tmp")
        tmp.write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
        os.replace(tmp, manifest_path)
        stale.append(str(manifest.get("run_id")))
    if stale:
        log.warning("marked %d run(s) whose process died as failed: %s", len(stale),
                    ", ".join(stale))
    return stale


@contextlib.contextmanager
def failure_guard(on_death: Callable[[str], None]) -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP end it through ``SystemExit`` (so cleanup
    runs), and ``on_death(reason)`` is called if the block or the interpreter ends early."""
    done = False

    def at_exit() -> None:
        if not done:
            on_death("the process exited before the run finished")

    def handler(signum: int, _frame: Any) -> None:
        raise SystemExit(f"framelab: stopped by signal {signal.Signals(signum).name}")

    atexit.register(at_exit)
    previous: dict[signal.Signals, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    except BaseException as err:
        if not isinstance(err, Exception):  # KeyboardInterrupt, SystemExit
            on_death(f"interrupted ({type(err).__name__}: {err})")
        done = True
        raise
    finally:
        done = True
        atexit.unregister(at_exit)
        for sig, old in previous.items():
            signal.signal(sig, old)


def die_with_parent() -> None:
    """In a worker process: ask Linux to kill it when its parent dies (no-op elsewhere), so
    that no notebook of a killed run keeps writing into its folder."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the run died before the prctl
        os._exit(1)
