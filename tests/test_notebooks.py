"""The committed notebooks are clean, and the whole report runs on the seeds and on a CSV."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from framelab import cli, report
from framelab.paths import NOTEBOOKS_DIR, SEEDS_DIR

# the report's notebooks; a user's own notebooks (notebooks/scratch/, Untitled.ipynb) are theirs
NOTEBOOKS = sorted(p for p in NOTEBOOKS_DIR.glob("*.ipynb") if report.NUMBERED_NOTEBOOK.match(p.name))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_is_clean_and_thin(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0], "first code cell must be the parameters"
    for cell in code:
        assert cell.outputs == [] and cell.execution_count is None, "commit without outputs"
        tree = ast.parse(cell.source)
        assert not [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef,
                                                               ast.ClassDef))], \
            "no def/class in notebooks: logic belongs in lib/framelab"
    ours = report.notebook_parameters(path)
    for name, spec in ours.items():
        assert spec["help"], f"parameter {name} needs a comment saying what it does"
    # papermill --help-notebook must understand every line too (it skips lines it cannot parse)
    import papermill

    assert set(papermill.inspect_notebook(str(path))) == set(ours)


@pytest.mark.slow
def test_every_notebook_runs_on_the_seeds(seed_run: report.RunResult) -> None:
    run = seed_run.run_dir
    names = [n["name"] for n in seed_run.manifest["notebooks"]]
    assert names == [p.stem for p in NOTEBOOKS]
    for name in names:
        assert (run / "notebooks" / f"{name}.ipynb").is_file()
        assert (run / "html" / f"{name}.html").is_file()
    for fmt in ("pdf", "svg", "png"):
        assert (run / "figures" / f"corpus_lengths.{fmt}").stat().st_size > 1000
    assert (run / "figures" / "corpus_lengths.pdf").read_bytes().count(b"FontFile2") >= 1
    documents = pd.read_csv(run / "tables" / "corpus_documents.csv", keep_default_na=False)
    assert len(documents) == 5
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "ok" and set(manifest["versions"]) >= {"pandas", "papermill"}
    assert (run.parent / "latest").resolve() == run.resolve()


@pytest.mark.slow
def test_report_runs_on_a_csv_with_its_own_column_names(tmp_path: Path) -> None:
    """The column names reach the run's cache, which every notebook reads; the corpus
    notebook alone shows it (the whole report on the seeds is :func:`seed_run`)."""
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))}
    frame = pd.DataFrame({"article_id": list(texts), "article_content": list(texts.values()),
                          "source": ["Outlet A", "Outlet B", "CNN", "Outlet B", "RT"]})
    path = tmp_path / "my.csv"
    frame.to_csv(path, index=False)
    code = cli.main(["report", "--corpus", str(path), "--text-column", "article_content",
                     "--outlet-column", "source", "--id-column", "article_id",
                     "--out", str(tmp_path / "out"), "--run-id", "csv", "--no-progress",
                     "--only", "00_corpus"])
    assert code == 0
    run = tmp_path / "out" / "csv"
    documents = pd.read_csv(run / "tables" / "corpus_documents.csv")
    assert sorted(set(documents.outlet)) == ["CNN", "Outlet A", "Outlet B", "RT"]
    assert sorted(documents.doc_id) == sorted(texts)
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert [n["name"] for n in manifest["notebooks"]] == ["00_corpus", "99_summary"]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom_with_its_defaults(path: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """As in JupyterLab: no injected parameters, run from the notebooks folder."""
    import papermill

    monkeypatch.setenv("FRAMELAB_INTERACTIVE_DIR", str(tmp_path))
    monkeypatch.setenv("TQDM_DISABLE", "1")
    papermill.execute_notebook(str(path), str(tmp_path / path.name), cwd=str(path.parent),
                               progress_bar=False, kernel_name="python3")
    written = list(tmp_path.glob("interactive-*/*/*"))
    # the summary only reads a run's outputs; validation writes only when given coded sheets
    if path.stem not in ("99_summary", "06_validation"):
        assert written, f"{path.stem} wrote nothing under its interactive folder"


def test_progress_bars_are_text_that_a_saved_notebook_keeps(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A widget bar saved in a notebook shows "Error displaying widget" when reopened."""
    import papermill

    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from framelab import corpus\n"
        f"chunks = list(corpus.iter_documents({str(SEEDS_DIR)!r}, progress=True))")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, tmp_path / "bar.ipynb")
    papermill.execute_notebook(str(tmp_path / "bar.ipynb"), str(tmp_path / "ran.ipynb"),
                               kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    outputs = nbformat.read(tmp_path / "ran.ipynb", as_version=4).cells[0].outputs
    assert not [o for o in outputs if "application/vnd.jupyter.widget-view+json"
                in o.get("data", {})], "a widget progress bar was saved"
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    n_files = len(list(SEEDS_DIR.glob("*.txt")))
    assert f"reading corpus: {n_files}files" in text
