"""Exploring in JupyterLab without breaking the report: a scratch folder for your own notebooks,
a git filter that keeps outputs out of committed notebooks, and a command that starts
JupyterLab as any user (root included).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from ..errors import ParameterError

__all__ = ["SCRATCH_DIR", "NOTEBOOK_FILTER", "strip_outputs", "protect_notebooks", "lab_command"]

#: Where your own notebooks live, under ``notebooks/`` (git ignores it; the report never runs it).
SCRATCH_DIR = "scratch"
#: Name of the git filter (``.gitattributes``) that strips outputs from notebooks as they are
#: staged; ``make lab`` sets up its command in the clone's git config.
NOTEBOOK_FILTER = "framelab-strip-outputs"
_CELL_METADATA_DROPPED = ("execution", "collapsed", "scrolled")


def strip_outputs(text: str) -> str:
    """A notebook's JSON without outputs, execution counts, run timings or widget state.

    Text that is not a notebook (a file with merge conflict markers, say) comes back
    unchanged: a git filter must never lose what it is given.
    """
    try:
        nb = json.loads(text)
    except ValueError:
        return text
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return text
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        for key in _CELL_METADATA_DROPPED:
            cell.get("metadata", {}).pop(key, None)
    nb.get("metadata", {}).pop("widgets", None)
    # the layout Jupyter itself writes (nbformat.writes): one-space indent, keys sorted
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def protect_notebooks(repo: Path, python: str | Path) -> bool:
    """Set up the notebook filter in ``repo``'s git config; False when ``repo`` is not a git
    checkout (nothing to protect). ``python`` runs ``framelab`` (the project's ``.venv``)."""
    if not (Path(repo) / ".git").exists():
        return False
    command = f"'{python}' -m framelab.cli strip-outputs"
    for key, value in ((f"filter.{NOTEBOOK_FILTER}.clean", command),
                       (f"filter.{NOTEBOOK_FILTER}.smudge", "cat")):
        subprocess.run(["git", "config", key, value], cwd=repo, check=True,
                       capture_output=True, timeout=60)
    return True


def lab_command(notebooks: Path, python: str | Path, *, uid: int | None = None) -> list[str]:
    """The JupyterLab command ``make lab`` runs with ``python`` (the project's ``.venv``):
    rooted at ``notebooks``, opening its scratch folder (created if missing), with
    ``--allow-root`` when run as root (containers often are)."""
    if not Path(notebooks).is_dir():
        raise ParameterError(f"notebooks folder {notebooks} does not exist")
    (Path(notebooks) / SCRATCH_DIR).mkdir(exist_ok=True)
    uid = os.getuid() if uid is None and hasattr(os, "getuid") else uid
    command = [str(python), "-m", "jupyterlab", f"--ServerApp.root_dir={Path(notebooks).resolve()}",
               f"--FileContentsManager.preferred_dir={SCRATCH_DIR}"]
    if uid == 0:
        command.append("--allow-root")
    return command
