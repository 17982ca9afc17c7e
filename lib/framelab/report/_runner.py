"""Run every notebook with papermill into a new run directory, with a manifest.

A run writes ``<out>/<run_id>/`` with ``notebooks/`` (executed copies), ``html/`` (a full and a
reader's version without code), ``figures/``, ``tables/`` and ``manifest.json``; on success
``<out>/latest`` is switched to it. An existing run directory is never written into.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import os
import platform
import shutil
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..codebook import load_codebook
from ..corpus import ColumnMap
from ..errors import FramelabError, NotebookError, ParameterError
from ..paths import DEFAULT_CODEBOOK, NOTEBOOKS_DIR, OUTPUTS_DIR, SEEDS_DIR, sha256_of
from ..run import build_cache, local_cluster
from ._checks import (
    check_cache_dir,
    check_out,
    check_run_id,
    check_same_inputs,
    check_scheduler,
    check_something_to_analyse,
    die_with_parent,
    failure_guard,
    mark_stale_runs,
)
from ._kernel import KernelMemory, kernel_manager_logging_to
from ._manifest import (
    _attribute_unlogged,
    _earlier_run,
    _finish,
    _git_commit,
    _logged_outputs,
    _new_run_dir,
    _point_latest,
    _reuse_outputs,
    _versions,
    _write_json,
)
from ._params import (
    RUN_PARAMETERS,
    NotebookSpec,
    discover_notebooks,
    load_params_file,
    resolve_parameters,
)
from ._publish import export_html, screenshot_index, write_index
from ._schedule import READS, stage_of, start_order, waits_for

__all__ = ['RunResult', 'run_report']

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    """What a report run produced."""

    run_dir: Path
    manifest: dict[str, Any]


def run_report(
    *,
    corpus: str | Path = SEEDS_DIR,
    metadata: str | Path | None = None,
    codebook: str | Path | None = None,
    columns: Mapping[str, str] | None = None,
    params: Mapping[str, Any] | None = None,
    params_file: str | Path | None = None,
    only: Sequence[str] | None = None,
    out: str | Path = OUTPUTS_DIR,
    run_id: str | None = None,
    on_bad_rows: str = "error",
    notebooks_dir: Path = NOTEBOOKS_DIR,
    progress: bool = True,
    html: bool = True,
    reuse_from: str | None = None,
    figure_width: str = "double",
    screenshot: bool = True,
    jobs: int = 1,
    engine: str = "local",
    workers: int = 0,
    scheduler: str = "",
    cache_dir: str | Path = "",
    metadata_wins: bool = False,
) -> RunResult:
    """Run the report's notebooks in order into a new run directory.

    Parameters are checked against every notebook's ``parameters`` cell before anything
    runs. A failing notebook stops the run: its partial executed copy is kept, the manifest
    records the failure, ``latest`` is not moved, and :class:`NotebookError` names the
    notebook and the cell.

    With ``only``, the other notebooks' outputs are copied from an earlier run (``reuse_from``,
    a run id under ``out``; default ``latest``) into the new run, and the manifest says what
    was reused from where. ``figure_width`` ("single" or "double") sets the width every
    figure is saved at. ``jobs`` notebooks of one stage run at once: notebooks whose names
    start with the same digit (00-09, ..., 90-99) must not read each other's outputs; they
    start in decreasing order of their estimated time (:func:`framelab.report.start_order`),
    so that the longest do not start last.
    ``metadata_wins`` lets metadata values replace the corpus' own where they differ
    (otherwise a conflict is an error).

    Everything that can be checked without reading the corpus (paths, run id, scheduler,
    parameters) is checked before the run folder is made; the corpus is then read and checked
    once, into the cache, before any notebook starts. A run that is interrupted or terminated
    is marked ``failed``, and a later run marks ``failed`` any run whose process died.
    """
    if jobs < 1:
        raise ParameterError(f"--jobs {jobs}: use 1 or more")
    if engine not in ("local", "dask"):
        raise ParameterError(f"--engine {engine!r}: use 'local' or 'dask'")
    if workers < 0:
        raise ParameterError(f"--workers {workers}: use 0 (as many as there are cores) or a "
                             "positive number of worker processes")
    if scheduler and (engine != "dask" or workers):
        raise ParameterError("--scheduler needs --engine dask and excludes --workers; "
                             f"got engine={engine!r}, workers={workers}, scheduler={scheduler!r}")
    corpus_path = Path(corpus).expanduser().resolve()
    if not corpus_path.exists():
        raise ParameterError(f"--corpus {corpus}: no such file or folder")
    meta_path = Path(metadata).expanduser().resolve() if metadata else None
    if meta_path is not None and not meta_path.is_file():
        raise ParameterError(f"--metadata {metadata}: no such file")
    codebook_path = Path(codebook).expanduser().resolve() if codebook else None
    if codebook_path is not None and not codebook_path.is_file():
        raise ParameterError(f"--codebook {codebook}: "
                             + ("a folder, not a YAML file" if codebook_path.is_dir()
                                else "no such file"))
    load_codebook(codebook_path)  # a broken codebook fails here, naming its line and key
    if on_bad_rows not in ("error", "skip"):
        raise ParameterError(f"--on-bad-rows {on_bad_rows!r}: use 'error' or 'skip'")
    if figure_width not in ("single", "double"):
        raise ParameterError(f"--figure-width {figure_width!r}: use 'single' or 'double'")

    specs = discover_notebooks(notebooks_dir, only)
    flat, sections = ({}, {}) if params_file is None else \
        load_params_file(params_file, [s.name for s in specs])
    user = {**flat, **(params or {})}
    clash = sorted(set(user) & set(RUN_PARAMETERS))
    if clash:
        raise ParameterError(f"set {', '.join(clash)} with the report's own options "
                             "(--corpus, --out, --run-id, --text-column, ...), not -p")
    out = Path(out).expanduser().resolve()
    if run_id is not None:
        check_run_id(run_id)
    if reuse_from is not None:
        check_run_id(reuse_from, "--reuse")
    check_out(out)
    # check parameters before creating anything
    cache_root = Path(cache_dir).expanduser().resolve() if cache_dir else out / ".cache"
    check_cache_dir(cache_root)
    if scheduler:
        check_scheduler(scheduler)
    probe = {"corpus": str(corpus_path), "metadata": str(meta_path or ""),
             "codebook": str(codebook_path or ""), "out_dir": "", "run_id": "",
             "on_bad_rows": on_bad_rows, "engine": engine,
             "workers": workers if engine == "local" else 0, "scheduler": scheduler,
             "cache_dir": str(cache_root), "corpus_cache": "",
             "columns": {k: v for k, v in (columns or {}).items() if v},
             "figure_width": figure_width, "output_log": ""}
    resolve_parameters(specs, probe, user, sections)
    inputs = {"corpus": {"path": str(corpus_path), "sha256": sha256_of(corpus_path)},
              "metadata": {"path": str(meta_path), "sha256": sha256_of(meta_path)}
              if meta_path else None,
              "codebook": {"path": str(codebook_path or DEFAULT_CODEBOOK),
                           "sha256": sha256_of(codebook_path or DEFAULT_CODEBOOK)}}
    earlier = _earlier_run(out, reuse_from) if only else None
    if earlier is not None:
        check_same_inputs(earlier, inputs)
    mark_stale_runs(out)
    run_id, run_dir = _new_run_dir(out, run_id)
    run_params = {**probe, "out_dir": str(run_dir), "run_id": run_id}

    manifest: dict[str, Any] = {
        "run_id": run_id,
        "status": "running",
        "started": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": sys.argv,
        "pid": os.getpid(),
        "inputs": inputs,
        "parameters": {},
        "user_parameters": user,
        "versions": _versions(),
        "git": _git_commit(),
        "platform": {"system": platform.platform(), "machine": platform.machine(),
                     "cpus": os.cpu_count()},
        "figure_width": figure_width,
        "notebooks": [],
    }
    if earlier is not None:
        manifest["reused"] = _reuse_outputs(earlier, run_dir, {s.name for s in specs})
        for item in manifest["reused"]["notebooks"]:
            log.warning("reused %s from run %s", item["name"], manifest["reused"]["run_id"])
    _write_json(run_dir / "manifest.json", manifest)
    # kernels inherit this: no progress bars inside executed notebooks (the report shows its
    # own; widgets would need a CDN). Data reaches the notebooks as parameters only.
    run_env = {"TQDM_DISABLE": "1"}
    saved_env = {k: os.environ.get(k) for k in run_env}
    os.environ.update(run_env)

    def on_death(reason: str) -> None:
        if manifest["status"] == "running":
            manifest.update(status="failed", error=reason)
            _finish(manifest, run_dir)

    try:
        with failure_guard(on_death), contextlib.ExitStack() as stack:
            # with --jobs, every notebook runs in one pool whose workers import papermill
            # and nbconvert while the cache is built
            pool = stack.enter_context(_notebook_pool(min(jobs, len(specs)))) \
                if jobs > 1 and len(specs) > 1 else None
            if engine == "dask" and not scheduler:  # one local cluster for the whole run

                run_params["scheduler"] = stack.enter_context(
                    local_cluster(workers or os.cpu_count() or 1))
            manifest["parameters"] = resolve_parameters(specs, run_params, user, sections)
            manifest["cache"] = _prepare_cache(run_params, columns, progress=progress,
                                               metadata_wins=metadata_wins,
                                               workers=_build_workers(run_params, jobs))
            # the notebooks open the entry built here instead of hashing the corpus again
            run_params["corpus_cache"] = manifest["cache"]["path"]
            per_nb = resolve_parameters(specs, run_params, user, sections)
            manifest["parameters"] = per_nb
            _write_json(run_dir / "manifest.json", manifest)
            _execute(specs, per_nb, manifest, run_dir, progress=progress, html=html,
                     pool=pool, jobs=jobs)
    except (FramelabError, OSError) as err:
        if manifest["status"] == "running":  # e.g. a bad row found while building the cache
            manifest.update(status="failed", error=str(err))
            _finish(manifest, run_dir)
        raise
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    manifest["status"] = "ok"
    _finish(manifest, run_dir)
    shutil.rmtree(run_dir / ".outputs", ignore_errors=True)  # now recorded in the manifest
    write_index(run_dir, manifest)
    if screenshot:
        manifest["screenshot"] = screenshot_index(run_dir)
        _write_json(run_dir / "manifest.json", manifest)
    _point_latest(out, run_dir)
    return RunResult(run_dir, manifest)


def _run_notebook(path: str, executed: str, parameters: dict[str, Any], log: str,
                  cell_progress: bool, html: bool) -> dict[str, Any]:
    """Execute one notebook (in this process or a worker) and export its HTML.

    Every file the notebook writes through :func:`framelab.outputs.atomic_path` is listed in
    ``log`` (its ``output_log`` parameter), which is how the manifest knows which notebook
    made it.
    """
    import papermill

    if "output_log" in parameters:
        parameters = {**parameters, "output_log": log}
    # the kernel's own messages (TCP notice, interrupt at shutdown) go beside the output log
    kernel_log = Path(log).with_suffix(".kernel.txt")
    began = time.perf_counter()
    try:
        with KernelMemory() as memory:
            papermill.execute_notebook(path, executed, parameters=parameters,
                                       cwd=str(Path(path).parent), progress_bar=cell_progress,
                                       kernel_name="python3", log_output=False,
                                       kernel_manager_class=kernel_manager_logging_to(kernel_log))
    except papermill.PapermillExecutionError as err:
        return {"status": "failed", "seconds": round(time.perf_counter() - began, 2),
                "error": f"{err.ename}: {err.evalue}", "cell_index": err.cell_index,
                "exec_count": err.exec_count, "peak_rss_mb": round(memory.peak_mb)}
    result: dict[str, Any] = {"status": "ok", "seconds": round(time.perf_counter() - began, 2),
                              "peak_rss_mb": round(memory.peak_mb)}
    if html:
        result["html"] = [str(p) for p in export_html(Path(executed), Path(executed).parent.parent
                                                       / "html")]
    return result


#: Inputs of at least this many bytes are cached by ``--jobs`` worker processes when the
#: engine is local and the notebooks run in one process each (``--workers 0``): until the
#: first notebooks start, the other cores have nothing to do. A smaller input (up to a few
#: thousand articles) is cached in the report's process, where starting workers would cost
#: more than they save. Where the cache is built never changes what it holds.
BUILD_POOL_BYTES = 16 * 2**20


def _input_bytes(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size if path.exists() else 0


def _build_workers(run_params: Mapping[str, Any], jobs: int) -> int | None:
    """Worker processes that build the corpus cache (None: the report's own process)."""
    if run_params["engine"] != "local" or run_params["workers"] or jobs < 2:
        return run_params["workers"] or None
    big = _input_bytes(Path(run_params["corpus"])) >= BUILD_POOL_BYTES
    return jobs if big else None


def _prepare_cache(run_params: Mapping[str, Any], columns: Mapping[str, str] | None, *,
                   progress: bool, metadata_wins: bool = False,
                   workers: int | None = None) -> dict[str, Any]:
    """Read, check and segment the corpus once, into the Parquet cache every notebook reads,
    with ``workers`` processes (:func:`_build_workers`).

    Bad input stops the run here, before any notebook starts.
    """

    cache = build_cache(run_params["corpus"], metadata=run_params["metadata"] or None,
                        columns=ColumnMap(**(columns or {})),
                        on_bad_rows=run_params["on_bad_rows"], metadata_wins=metadata_wins,
                        cache_dir=run_params["cache_dir"], engine=run_params["engine"],
                        workers=workers, scheduler=run_params["scheduler"] or None,
                        progress=progress)
    check_something_to_analyse(cache, run_params["corpus"])
    return {"path": str(cache.path), "documents": cache.n_documents}


def _warm_up() -> None:
    """Import what running and exporting a notebook needs (in a pool worker)."""
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401


@contextlib.contextmanager
def _notebook_pool(workers: int) -> Any:
    """A pool of ``workers`` spawned processes, warming up as soon as it is made."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"),
                               initializer=die_with_parent)
    try:
        for _ in range(workers):
            pool.submit(_warm_up)
        yield pool
    except BaseException:
        # a run that fails (e.g. on a bad row while the cache is built) does not wait for
        # workers still importing: they are ended, so bad input fails in seconds
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _execute(specs: Sequence[NotebookSpec], per_nb: Mapping[str, dict[str, Any]],
             manifest: dict[str, Any], run_dir: Path, *, progress: bool, html: bool,
             pool: Any = None, jobs: int = 2) -> None:
    """Run the notebooks: one at a time in this process in file-name order, or, given a pool
    (``--jobs``), up to ``jobs`` at once, each as soon as the notebooks it reads have
    finished (:func:`waits_for`), longest first among those ready (:func:`start_order`,
    ``report._schedule``). A failure starts nothing new; the notebooks running finish."""
    from concurrent.futures import FIRST_COMPLETED, wait

    from tqdm.auto import tqdm

    logs = run_dir / ".outputs"
    logs.mkdir(exist_ok=True)
    bar = tqdm(total=len(specs), desc="notebooks", unit="nb", disable=not progress)
    names = [spec.name for spec in specs]
    waits = waits_for(names, reads=_early_reads(names, per_nb) if pool is not None else {})
    stages = {stage_of(name): [s for s in specs if stage_of(s.name) == stage_of(name)]
              for name in names}
    calls = {spec.name: (str(spec.path), str(run_dir / "notebooks" / f"{spec.name}.ipynb"),
                         per_nb[spec.name], str(logs / f"{spec.name}.txt"),
                         progress and pool is None, html)
             for spec in specs}
    entries: dict[str, dict[str, Any]] = {}
    pending = list(names)
    running: dict[str, Any] = {}   # name -> its future (None: runs in this process)
    results: dict[str, dict[str, Any]] = {}
    slots = max(1, jobs) if pool is not None else 1
    while pending or running:
        failed = [n for n in names if n in results and results[n]["status"] != "ok"]
        ready = [] if failed else [n for n in pending if waits[n] <= results.keys()]
        for name in (start_order(ready) if pool is not None else ready)[:slots - len(running)]:
            pending.remove(name)
            entries[name] = {"name": name, "status": "running", "parameters": per_nb[name]}
            manifest["notebooks"] = [entries[n] for n in names if n in entries]
            _write_json(run_dir / "manifest.json", manifest)  # shows what is running
            running[name] = pool.submit(_run_notebook, *calls[name]) if pool is not None \
                else None
        if not running:
            break   # a failure: nothing more starts
        bar.set_postfix_str(", ".join(running))
        if pool is None:
            name = next(iter(running))
            finished = {name: _run_notebook(*calls[name])}
        else:
            done, _ = wait(list(running.values()), return_when=FIRST_COMPLETED)
            finished = {n: _result(f) for n, f in running.items() if f in done}
        for name, result in finished.items():
            del running[name]
            results[name] = result
            bar.update()
            entry = entries[name]
            entry.update({k: v for k, v in result.items() if k != "exec_count"})
            entry["html"] = [str(Path(p).relative_to(run_dir)) for p in result.get("html", [])]
            entry["outputs"] = _logged_outputs(logs / f"{name}.txt", run_dir)
            stage = stages[stage_of(name)]
            if all(s.name in results for s in stage):
                # what the notebooks still running have logged so far is theirs
                _attribute_unlogged(stage, entries, manifest, run_dir, running=[
                    p for n in running for p in _logged_outputs(logs / f"{n}.txt", run_dir)])
        _write_json(run_dir / "manifest.json", manifest)
    failed = [n for n in names if n in results and results[n]["status"] != "ok"]
    if failed:
        name, result = failed[0], results[failed[0]]
        manifest.update(status="failed", failed_notebook=name)
        _finish(manifest, run_dir)
        executed = run_dir / "notebooks" / f"{name}.ipynb"
        raise NotebookError(
            f"notebook {name} failed in cell {result.get('cell_index')} (execution count "
            f"{result.get('exec_count')}): {result['error']}. The partial notebook is "
            f"{executed}; earlier outputs of this run are kept in {run_dir}",
            notebook=name, cell_index=result.get("cell_index"))
    bar.close()


def _early_reads(names: Sequence[str], per_nb: Mapping[str, dict[str, Any]]
                 ) -> dict[str, tuple[str, ...]]:
    """:data:`READS` of the notebooks that may start before their stage: those that log
    their outputs (``output_log``), as every notebook of the stages before theirs does.
    Outputs no notebook logs are attributed by stage, which needs the stages apart."""
    def logs(name: str) -> bool:
        return "output_log" in per_nb[name]

    return {name: reads for name, reads in READS.items() if name in per_nb and logs(name)
            and all(logs(n) for n in names if stage_of(n) < stage_of(name))}


def _result(future: Any) -> dict[str, Any]:
    try:
        return future.result()
    except Exception as err:  # a worker died: report it, fail cleanly
        return {"status": "failed", "error": repr(err), "cell_index": None, "exec_count": None}
