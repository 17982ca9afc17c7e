"""Run every notebook with papermill into a new run directory, with a manifest.

A run writes ``<out>/<run_id>/`` with ``notebooks/`` (executed copies), ``html/`` (a full and a
reader's version without code), ``figures/``, ``tables/`` and ``manifest.json``; on success
``<out>/latest`` is switched to it. An existing run directory is never written into.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as _dt
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata as _metadata
from pathlib import Path
from typing import Any

import yaml

from ..errors import FramelabError, NotebookError, ParameterError
from ..outputs import atomic_path
from ..paths import DEFAULT_CODEBOOK, NOTEBOOKS_DIR, OUTPUTS_DIR, PROJECT_ROOT, SEEDS_DIR, sha256_of
from ..run import NOTEBOOK_PARAMETERS, check_value, notebook_parameters_of, run_parameter_names
from ._publish import export_html, screenshot_index, write_index

__all__ = ["RUN_PARAMETERS", "NotebookSpec", "notebook_parameters", "discover_notebooks",
           "resolve_parameters", "run_report", "RunResult", "load_params_file"]

log = logging.getLogger(__name__)

#: Parameters the report injects into every notebook that declares them (the run configuration,
#: :mod:`framelab.run`, declares their types, defaults and help).
RUN_PARAMETERS = run_parameter_names()
PACKAGES = ("framelab", "numpy", "scipy", "pandas", "pyarrow", "scikit-learn", "nltk",
            "matplotlib", "papermill", "nbconvert", "ipykernel", "vaderSentiment",
            "pyahocorasick", "PyYAML", "dask", "distributed", "tqdm")


@dataclass(frozen=True)
class NotebookSpec:
    """A notebook of the report and the parameters its tagged cell declares."""

    name: str
    path: Path
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)


def notebook_parameters(path: str | Path) -> dict[str, dict[str, Any]]:
    """Parse the ``parameters`` cell: ``{name: {"type": str, "default": value, "help": str}}``.

    Raises
    ------
    ParameterError
        The notebook has no cell tagged ``parameters``, or more than one, or a line that is
        not ``name: type = literal  # help``.
    """
    path = Path(path)
    try:  # plain JSON: importing nbformat costs a second the report need not pay here
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"]
                 if "parameters" in c.get("metadata", {}).get("tags", [])]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise ParameterError(f"{path}: not a readable notebook ({type(err).__name__}: "
                             f"{err}); open and save it in JupyterLab") from None
    if len(cells) != 1:
        raise ParameterError(f"{path.name}: needs exactly one cell tagged 'parameters', "
                             f"found {len(cells)}")
    params: dict[str, dict[str, Any]] = {}
    source = cells[0].get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    for node in ast.parse(source).body:
        line = source.splitlines()[node.lineno - 1]
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, kind = node.target.id, ast.unparse(node.annotation)
            value_node = node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            name, kind, value_node = node.targets[0].id, "", node.value
        else:
            raise ParameterError(f"{path.name}: parameters cell line {node.lineno} is not "
                                 f"'name: type = value': {line.strip()!r}")
        try:
            default = ast.literal_eval(value_node) if value_node is not None else None
        except ValueError:
            raise ParameterError(f"{path.name}: parameter {name!r} needs a literal default, "
                                 f"got {line.strip()!r}") from None
        kind = kind or type(default).__name__
        params[name] = {"type": kind, "default": default,
                        "help": line.split("#", 1)[1].strip() if "#" in line else ""}
    return params


def discover_notebooks(folder: Path = NOTEBOOKS_DIR,
                       only: Sequence[str] | None = None) -> list[NotebookSpec]:
    """The report's notebooks in run order (file name order), optionally a selection.

    ``only`` entries match a notebook stem exactly or by its numeric prefix ("01").
    """
    paths = sorted(p for p in Path(folder).glob("*.ipynb") if not p.name.startswith("."))
    if not paths:
        raise ParameterError(f"no notebooks in {folder}")
    if only:
        stems = {p.stem: p for p in paths}
        chosen: list[Path] = []
        for want in only:
            hits = [p for s, p in stems.items() if s == want or s.split("_", 1)[0] == want]
            if not hits:
                raise ParameterError(f"--only {want!r} matches no notebook; available: "
                                     + ", ".join(stems))
            chosen.extend(h for h in hits if h not in chosen)
        paths = sorted(chosen)
    return [NotebookSpec(p.stem, p, notebook_parameters(p)) for p in paths]


def _coerce(name: str, value: Any, kind: str, where: str) -> Any:
    """Check ``value`` against the declared type ``kind``; convert where it is lossless."""
    base = kind.replace(" ", "")
    if base == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no"):
            return value.lower() in ("true", "yes")
    elif base == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
    elif base == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    elif base == "str":
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, list):
            return ",".join(map(str, value))
    elif {t.strip() for t in base.split("|")} >= {"int", "str"}:
        return value if isinstance(value, (int, str)) else str(value)
    else:
        return value
    raise ParameterError(f"parameter {name}={value!r} ({type(value).__name__}) does not fit "
                         f"the type {kind} declared in {where}")


def _parse_cli_value(raw: str) -> Any:
    try:
        return yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        return raw


def _describe(specs: Sequence[NotebookSpec]) -> str:
    lines = []
    for spec in specs:
        own = [f"{n}: {p['type']} = {p['default']!r}" for n, p in spec.parameters.items()]
        lines.append(f"  {spec.name}: " + "; ".join(own))
    return "\n".join(lines)


def resolve_parameters(
    specs: Sequence[NotebookSpec],
    run_params: Mapping[str, Any],
    user_params: Mapping[str, Any],
    per_notebook: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Work out each notebook's parameters, checking names and types before anything runs.

    ``run_params`` go to every notebook that declares them; ``user_params`` (from ``-p`` and
    ``--params``) must each be declared by at least one selected notebook; ``per_notebook``
    maps a notebook stem to parameters for that notebook only.
    """
    per_notebook = per_notebook or {}
    declared = {n for s in specs for n in s.parameters}
    unknown = sorted(set(user_params) - declared)
    names = {s.name for s in specs}
    for stem, params in per_notebook.items():
        if stem not in names:
            raise ParameterError(f"--params has a section {stem!r} but no such notebook runs; "
                                 "notebooks: " + ", ".join(sorted(names)))
        spec = next(s for s in specs if s.name == stem)
        unknown += [f"{stem}.{n}" for n in params if n not in spec.parameters]
    if unknown:
        raise ParameterError("unknown parameter(s) " + ", ".join(unknown)
                             + ". The notebooks declare:\n" + _describe(specs))
    resolved = {}
    for spec in specs:
        values = {}
        sources = [run_params, user_params, per_notebook.get(spec.name, {})]
        for source in sources:
            for name, value in source.items():
                if name in spec.parameters:
                    kind = spec.parameters[name]["type"]
                    values[name] = _coerce(name, value, kind, f"{spec.name}.ipynb")
        resolved[spec.name] = _check_constraints(spec.name, values)
    return resolved


def _check_constraints(notebook: str, values: dict[str, Any]) -> dict[str, Any]:
    """Apply the run configuration's choices and bounds to a configured notebook's values."""
    if notebook not in NOTEBOOK_PARAMETERS:
        return values
    declared = {p.name: p for p in notebook_parameters_of(notebook)}
    return {name: check_value(declared[name], value, f"{notebook}.ipynb")
            if name in declared else value for name, value in values.items()}


def load_params_file(path: str | Path, notebook_names: Sequence[str]
                     ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Read a ``--params`` YAML: top-level values, and sections named after notebooks."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ParameterError(f"--params {path}: cannot read it ({err})") from None
    if not isinstance(data, dict):
        raise ParameterError(f"--params {path}: expected a mapping of name: value")
    sections = {k: v for k, v in data.items() if k in notebook_names and isinstance(v, dict)}
    flat = {k: v for k, v in data.items() if k not in sections}
    return flat, sections


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = _metadata.version(name)
        except _metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _git_commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
    try:
        return {"commit": git("rev-parse", "HEAD") or None,
                "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n",
                       encoding="utf-8")


def _point_latest(out: Path, run_dir: Path) -> None:
    link = out / "latest"
    tmp = out / f".latest.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(run_dir.name, tmp)
    os.replace(tmp, link)


@dataclass
class RunResult:
    """What a report run produced."""

    run_dir: Path
    manifest: dict[str, Any]


def _new_run_dir(out: Path, run_id: str | None) -> tuple[str, Path]:
    if run_id:
        if run_id in ("latest",) or "/" in run_id or run_id.startswith("."):
            raise ParameterError(f"--run-id {run_id!r}: use a plain folder name")
        run_dir = out / run_id
        if run_dir.exists():
            raise ParameterError(f"run directory {run_dir} already exists; runs are never "
                                 "overwritten. Choose another --run-id or omit it")
    else:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        run_id, n = stamp, 1
        while (out / run_id).exists():
            n += 1
            run_id = f"{stamp}-{n}"
        run_dir = out / run_id
    run_dir.mkdir(parents=True)
    for sub in ("notebooks", "html", "figures", "tables"):
        (run_dir / sub).mkdir()
    return run_id, run_dir


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
    start with the same digit (00-09, ..., 90-99) must not read each other's outputs.
    """
    if jobs < 1:
        raise ParameterError(f"--jobs {jobs}: use 1 or more")
    if engine not in ("local", "dask"):
        raise ParameterError(f"--engine {engine!r}: use 'local' or 'dask'")
    if workers < 0 or (scheduler and (engine != "dask" or workers)):
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
        raise ParameterError(f"--codebook {codebook}: no such file")
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
    out.mkdir(parents=True, exist_ok=True)
    # check parameters before creating anything
    cache_root = Path(cache_dir).expanduser().resolve() if cache_dir else out / ".cache"
    probe = {"corpus": str(corpus_path), "metadata": str(meta_path or ""),
             "codebook": str(codebook_path or ""), "out_dir": "", "run_id": "",
             "on_bad_rows": on_bad_rows, "engine": engine,
             "workers": workers if engine == "local" else 0, "scheduler": scheduler,
             "cache_dir": str(cache_root), "corpus_cache": "",
             "columns": {k: v for k, v in (columns or {}).items() if v},
             "figure_width": figure_width, "output_log": ""}
    resolve_parameters(specs, probe, user, sections)
    earlier = _earlier_run(out, reuse_from) if only else None
    run_id, run_dir = _new_run_dir(out, run_id)
    run_params = {**probe, "out_dir": str(run_dir), "run_id": run_id}

    manifest: dict[str, Any] = {
        "run_id": run_id,
        "status": "running",
        "started": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": sys.argv,
        "inputs": {"corpus": {"path": str(corpus_path), "sha256": sha256_of(corpus_path)},
                   "metadata": {"path": str(meta_path), "sha256": sha256_of(meta_path)}
                   if meta_path else None,
                   "codebook": {"path": str(codebook_path or DEFAULT_CODEBOOK),
                                "sha256": sha256_of(codebook_path or DEFAULT_CODEBOOK)}},
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
    try:
        with contextlib.ExitStack() as stack:
            # with --jobs, every notebook runs in one pool whose workers import papermill
            # and nbconvert while the cache is built
            pool = stack.enter_context(_notebook_pool(min(jobs, len(specs)))) \
                if jobs > 1 and len(specs) > 1 else None
            if engine == "dask" and not scheduler:  # one local cluster for the whole run
                from ..run import local_cluster

                run_params["scheduler"] = stack.enter_context(
                    local_cluster(workers or os.cpu_count() or 1))
            manifest["parameters"] = resolve_parameters(specs, run_params, user, sections)
            manifest["cache"] = _prepare_cache(run_params, columns, progress=progress)
            # the notebooks open the entry built here instead of hashing the corpus again
            run_params["corpus_cache"] = manifest["cache"]["path"]
            per_nb = resolve_parameters(specs, run_params, user, sections)
            manifest["parameters"] = per_nb
            _write_json(run_dir / "manifest.json", manifest)
            _execute(specs, per_nb, manifest, run_dir, progress=progress, html=html,
                     pool=pool)
    except FramelabError as err:
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


def _stage(name: str) -> str:
    """Notebooks of one decade ("0x", "1x", ... "9x") are independent and may run together."""
    return name[0] if name[:1].isdigit() else name


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
    began = time.perf_counter()
    try:
        papermill.execute_notebook(path, executed, parameters=parameters,
                                   cwd=str(Path(path).parent), progress_bar=cell_progress,
                                   kernel_name="python3", log_output=False)
    except papermill.PapermillExecutionError as err:
        return {"status": "failed", "seconds": round(time.perf_counter() - began, 2),
                "error": f"{err.ename}: {err.evalue}", "cell_index": err.cell_index,
                "exec_count": err.exec_count}
    result: dict[str, Any] = {"status": "ok", "seconds": round(time.perf_counter() - began, 2)}
    if html:
        result["html"] = [str(p) for p in export_html(Path(executed), Path(executed).parent.parent
                                                       / "html")]
    return result


def _prepare_cache(run_params: Mapping[str, Any], columns: Mapping[str, str] | None, *,
                   progress: bool) -> dict[str, Any]:
    """Read, check and segment the corpus once, into the Parquet cache every notebook reads.

    Bad input stops the run here, before any notebook starts.
    """
    from ..corpus import ColumnMap
    from ..run import build_cache

    cache = build_cache(run_params["corpus"], metadata=run_params["metadata"] or None,
                        columns=ColumnMap(**(columns or {})),
                        on_bad_rows=run_params["on_bad_rows"],
                        cache_dir=run_params["cache_dir"], engine=run_params["engine"],
                        workers=run_params["workers"] or None,
                        scheduler=run_params["scheduler"] or None, progress=progress)
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

    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        for _ in range(workers):
            pool.submit(_warm_up)
        yield pool


def _execute(specs: Sequence[NotebookSpec], per_nb: Mapping[str, dict[str, Any]],
             manifest: dict[str, Any], run_dir: Path, *, progress: bool, html: bool,
             pool: Any = None) -> None:
    """Run the notebooks stage by stage: one at a time in this process, or, given a pool
    (``--jobs``), as many of a stage at once as the pool has workers."""
    import itertools

    from tqdm.auto import tqdm

    logs = run_dir / ".outputs"
    logs.mkdir(exist_ok=True)
    bar = tqdm(total=len(specs), desc="notebooks", unit="nb", disable=not progress)
    entries = {}
    for _, group in itertools.groupby(specs, key=lambda s: _stage(s.name)):
        stage = list(group)
        for spec in stage:
            entries[spec.name] = {"name": spec.name, "status": "running",
                                  "parameters": per_nb[spec.name]}
            manifest["notebooks"].append(entries[spec.name])
        _write_json(run_dir / "manifest.json", manifest)  # shows which notebooks are running
        calls = {spec.name: (str(spec.path), str(run_dir / "notebooks" / f"{spec.name}.ipynb"),
                             per_nb[spec.name], str(logs / f"{spec.name}.txt"),
                             progress and pool is None, html)
                 for spec in stage}
        bar.set_postfix_str(", ".join(calls))
        if pool is not None:
            futures = {name: pool.submit(_run_notebook, *args) for name, args in calls.items()}
            results = {}
            for name, future in futures.items():
                try:
                    results[name] = future.result()
                except Exception as err:  # a worker died: report it, fail cleanly
                    results[name] = {"status": "failed", "error": repr(err),
                                     "cell_index": None, "exec_count": None}
                bar.update()
        else:
            results = {}
            for name, args in calls.items():
                results[name] = _run_notebook(*args)
                bar.update()
        failed = []
        for name, result in results.items():
            entry = entries[name]
            entry.update({k: v for k, v in result.items() if k != "exec_count"})
            entry["html"] = [str(Path(p).relative_to(run_dir)) for p in result.get("html", [])]
            entry["outputs"] = _logged_outputs(logs / f"{name}.txt", run_dir)
            if result["status"] != "ok":
                failed.append((name, result))
        _attribute_unlogged(stage, entries, manifest, run_dir)
        _write_json(run_dir / "manifest.json", manifest)
        if failed:
            name, result = failed[0]
            manifest.update(status="failed", failed_notebook=name)
            _finish(manifest, run_dir)
            executed = run_dir / "notebooks" / f"{name}.ipynb"
            raise NotebookError(
                f"notebook {name} failed in cell {result.get('cell_index')} (execution count "
                f"{result.get('exec_count')}): {result['error']}. The partial notebook is "
                f"{executed}; earlier outputs of this run are kept in {run_dir}",
                notebook=name, cell_index=result.get("cell_index"))
    bar.close()


def _attribute_unlogged(stage: Sequence[NotebookSpec], entries: Mapping[str, dict[str, Any]],
                        manifest: dict[str, Any], run_dir: Path) -> None:
    """Outputs no notebook logged (a notebook of one's own that does not declare
    ``output_log``): given to the stage's notebook when it ran alone, else listed as
    unattributed in the manifest, with a warning."""
    claimed = {p for e in manifest["notebooks"] for p in e.get("outputs", [])}
    claimed |= {p for item in manifest.get("reused", {}).get("notebooks", [])
                for p in item.get("files", [])}
    claimed |= set(manifest.get("unattributed_outputs", []))
    new = sorted(str(p.relative_to(run_dir)) for sub in ("tables", "figures")
                 for p in (run_dir / sub).glob("*")
                 if p.is_file() and not p.name.startswith(".")
                 and str(p.relative_to(run_dir)) not in claimed)
    if not new:
        return
    if len(stage) == 1:
        entries[stage[0].name]["outputs"] = sorted([*entries[stage[0].name]["outputs"], *new])
        return
    log.warning("%d output(s) of notebooks %s cannot be attributed to one of them (declare "
                "an output_log parameter and pass it to outputs.resolve_out_dir): %s",
                len(new), ", ".join(s.name for s in stage), ", ".join(new))
    manifest.setdefault("unattributed_outputs", []).extend(new)


def _logged_outputs(log: Path, run_dir: Path) -> list[str]:
    """Tables and figures a notebook wrote, from its output log (relative to the run)."""
    if not log.is_file():
        return []
    found = set()
    for line in log.read_text(encoding="utf-8").splitlines():
        path = Path(line)
        if path.is_file() and run_dir in path.parents and path.parent.name in ("tables",
                                                                              "figures"):
            found.add(str(path.relative_to(run_dir)))
    return sorted(found)


def _earlier_run(out: Path, reuse_from: str | None) -> Path | None:
    """The run whose outputs a partial (``--only``) run reuses, or None if there is none."""
    name = reuse_from or "latest"
    path = out / name
    if not path.exists():
        if reuse_from:
            raise ParameterError(f"--reuse {reuse_from!r}: no run {path}; runs: "
                                 + ", ".join(sorted(p.name for p in out.iterdir()
                                                    if (p / "manifest.json").is_file())))
        log.warning("no earlier run in %s: only the selected notebooks' outputs will exist",
                    out)
        return None
    manifest = json.loads((path.resolve() / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("status") != "ok":
        raise ParameterError(f"--reuse {name}: run {manifest.get('run_id')} did not finish "
                             "(status " + str(manifest.get("status")) + "); pick a good run")
    return path.resolve()


def _reuse_outputs(earlier: Path, run_dir: Path, rerun: set[str]) -> dict[str, Any]:
    """Copy the outputs of notebooks that are not rerun from ``earlier`` into ``run_dir``."""
    manifest = json.loads((earlier / "manifest.json").read_text(encoding="utf-8"))
    reused: dict[str, Any] = {"run_id": manifest["run_id"], "notebooks": []}
    for entry in manifest.get("notebooks", []):
        name = entry["name"]
        if name in rerun or entry.get("status") != "ok":
            continue
        files = [*entry.get("outputs", []), *entry.get("html", []), f"notebooks/{name}.ipynb"]
        for rel in files:
            source = earlier / rel
            if source.is_file():
                with atomic_path(run_dir / rel) as tmp:
                    shutil.copyfile(source, tmp)
        reused["notebooks"].append({"name": name, "files": files})
        manifest_entry = {**entry, "status": "reused", "reused_from": manifest["run_id"]}
        reused.setdefault("entries", []).append(manifest_entry)
    return reused


def _finish(manifest: dict[str, Any], run_dir: Path) -> None:
    manifest["finished"] = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    manifest["outputs"] = {
        str(p.relative_to(run_dir)): sha256_of(p)[p.name]
        for sub in ("tables", "figures") for p in sorted((run_dir / sub).glob("*"))
        if p.is_file() and not p.name.startswith(".")}
    _write_json(run_dir / "manifest.json", manifest)
