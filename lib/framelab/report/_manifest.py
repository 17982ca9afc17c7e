"""A run's folder and its manifest: new run folders, what was reused, versions, git state,
the sha256 of every output, and ``latest``."""

from __future__ import annotations

import datetime as _dt
import json
import logging
import os
import platform
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from importlib import metadata as _metadata
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..outputs import atomic_path
from ..paths import PROJECT_ROOT, sha256_of
from ._params import NotebookSpec

__all__: list[str] = []  # the report's internals; run_report is the API

log = logging.getLogger(__name__)


PACKAGES = ("framelab", "numpy", "scipy", "pandas", "pyarrow", "scikit-learn", "nltk",
            "matplotlib", "papermill", "nbconvert", "ipykernel", "vaderSentiment",
            "pyahocorasick", "PyYAML", "dask", "distributed", "tqdm")


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


def _new_run_dir(out: Path, run_id: str | None) -> tuple[str, Path]:
    if run_id:
        if run_id in ("latest",) or "/" in run_id or run_id.startswith("."):
            raise ParameterError(f"--run-id {run_id!r}: use a plain folder name")
        run_dir = out / run_id
        try:
            run_dir.mkdir(parents=True)
        except FileExistsError:
            raise ParameterError(f"run directory {run_dir} already exists; runs are never "
                                 "overwritten. Choose another --run-id or omit it") from None
    else:  # mkdir is atomic: two runs started in the same second get -2, -3, ...
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        run_id, n = stamp, 1
        while True:
            run_dir = out / run_id
            try:
                run_dir.mkdir(parents=True)
                break
            except FileExistsError:
                n += 1
                run_id = f"{stamp}-{n}"
    for sub in ("notebooks", "html", "figures", "tables"):
        (run_dir / sub).mkdir()
    return run_id, run_dir


def _attribute_unlogged(stage: Sequence[NotebookSpec], entries: Mapping[str, dict[str, Any]],
                        manifest: dict[str, Any], run_dir: Path, *,
                        running: Sequence[str] = ()) -> None:
    """Outputs no notebook logged (a notebook of one's own that does not declare
    ``output_log``): given to the stage's notebook when it ran alone, else listed as
    unattributed in the manifest, with a warning. ``running``: outputs logged so far by
    notebooks still running (theirs, not unlogged)."""
    claimed = {p for e in manifest["notebooks"] for p in e.get("outputs", [])} | set(running)
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
    try:
        manifest = json.loads((path.resolve() / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ParameterError(f"--reuse {name}: {path} is not a run folder (no readable "
                             f"manifest.json: {type(err).__name__}); pick a run id under "
                             f"{out}") from None
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
        # the parameters its tables were made with: a rerun notebook that reads them checks
        # them (e.g. 10_time reads 01_framing's tables only if include_nonbody matches)
        if name in manifest.get("parameters", {}):
            reused.setdefault("parameters", {})[name] = manifest["parameters"][name]
    return reused


def _finish(manifest: dict[str, Any], run_dir: Path) -> None:
    manifest["finished"] = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    manifest["outputs"] = {
        str(p.relative_to(run_dir)): sha256_of(p)[p.name]
        for sub in ("tables", "figures") for p in sorted((run_dir / sub).glob("*"))
        if p.is_file() and not p.name.startswith(".")}
    _write_json(run_dir / "manifest.json", manifest)
