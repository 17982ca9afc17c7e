"""Exploring in JupyterLab is safe: own notebooks in a gitignored scratch folder, outputs never
staged in committed notebooks, JupyterLab starts as root too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from framelab import report
from framelab.paths import NOTEBOOKS_DIR, PROJECT_ROOT


def _explored_notebook() -> nbformat.NotebookNode:
    """A notebook as JupyterLab saves it after running: outputs, counts, timings, widgets."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    code.outputs = [nbformat.v4.new_output("execute_result", {"text/plain": "2"},
                                           execution_count=3)]
    code.metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}
    code.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), code]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_strip_outputs_keeps_the_notebook_and_drops_what_running_added() -> None:
    stripped = nbformat.reads(report.strip_outputs(nbformat.writes(_explored_notebook())), 4)
    code = stripped.cells[1]
    assert code.outputs == [] and code.execution_count is None
    assert code.source == "1 + 1" and code.metadata == {"tags": ["parameters"]}
    assert stripped.cells[0].source == "# Title" and "widgets" not in stripped.metadata
    for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):  # clean ones keep all cells
        text = path.read_text(encoding="utf-8")
        once = report.strip_outputs(text)
        assert report.strip_outputs(once) == once, path.name
        assert json.loads(once)["cells"] == [
            {**c, **({"execution_count": None} if c["cell_type"] == "code" else {})}
            for c in json.loads(text)["cells"]], path.name
    conflict = "<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> other\n"
    assert report.strip_outputs(conflict) == conflict  # a filter never loses what it is given


def test_git_filter_stages_notebooks_without_their_outputs(tmp_path: Path) -> None:
    def git(*args: str, cwd: Path = tmp_path) -> str:
        return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                              text=True, timeout=60).stdout

    git("init", "-q")
    (tmp_path / ".gitattributes").write_text((PROJECT_ROOT / ".gitattributes").read_text())
    assert report.protect_notebooks(tmp_path, sys.executable)
    (tmp_path / "notebooks").mkdir()
    nbformat.write(_explored_notebook(), tmp_path / "notebooks" / "01_x.ipynb")
    git("add", "01_x.ipynb", cwd=tmp_path / "notebooks")  # from a subfolder too
    staged = json.loads(git("show", ":notebooks/01_x.ipynb"))
    assert staged["cells"][1]["outputs"] == [] and "".join(staged["cells"][1]["source"]) == "1 + 1"
    on_disk = nbformat.read(tmp_path / "notebooks" / "01_x.ipynb", 4)
    assert on_disk.cells[1].outputs, "the user's working copy keeps its outputs"
    assert not report.protect_notebooks(tmp_path / "notebooks", sys.executable)  # no .git


def test_project_attributes_and_ignores_protect_notebooks() -> None:
    attributes = (PROJECT_ROOT / ".gitattributes").read_text()
    assert f"notebooks/*.ipynb filter={report.NOTEBOOK_FILTER}" in attributes
    if not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", f"notebooks/{report.SCRATCH_DIR}/mine.ipynb",
         "notebooks/Untitled.ipynb", "notebooks/01_framing.ipynb"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False).stdout
    assert ignored.split() == [f"notebooks/{report.SCRATCH_DIR}/mine.ipynb",
                               "notebooks/Untitled.ipynb"]


def test_lab_command_opens_the_scratch_folder_and_runs_as_root(tmp_path: Path) -> None:
    as_root = report.lab_command(tmp_path, "/venv/python", uid=0)
    as_user = report.lab_command(tmp_path, "/venv/python", uid=1000)
    assert as_root[:3] == ["/venv/python", "-m", "jupyterlab"] and "--allow-root" in as_root
    assert "--allow-root" not in as_user
    assert f"--FileContentsManager.preferred_dir={report.SCRATCH_DIR}" in as_user
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in as_user
    assert (tmp_path / report.SCRATCH_DIR).is_dir()
