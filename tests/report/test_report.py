from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from framelab import cli, report
from framelab.errors import FramelabError, NotebookError, ParameterError


def _notebook(path: Path, params: str, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture()
def notebooks(tmp_path: Path) -> Path:
    folder = tmp_path / "nbs"
    folder.mkdir()
    _notebook(folder / "00_first.ipynb",
              'corpus: str = "seeds"  # corpus\nout_dir: str = ""  # run dir\n'
              'n_top: int = 3  # how many\nscale: float = 1.0  # factor',
              "import pandas as pd\nfrom framelab import outputs\n"
              "outputs.save_table(pd.DataFrame({'n': [n_top * scale]}), 'first', out_dir)")
    _notebook(folder / "01_second.ipynb",
              'out_dir: str = ""  # run dir\nflag: bool = False  # a switch',
              "import pathlib\npathlib.Path(out_dir, 'tables', 'second.csv').write_text(str(flag))")
    return folder


def test_parameters_cell_is_parsed_with_types_and_help(notebooks: Path) -> None:
    params = report.notebook_parameters(notebooks / "00_first.ipynb")
    assert params["n_top"] == {"type": "int", "default": 3, "help": "how many"}
    assert params["scale"]["type"] == "float"


def test_notebook_without_parameters_cell_is_rejected(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(nb, tmp_path / "x.ipynb")
    with pytest.raises(ParameterError, match="x.ipynb: needs exactly one cell tagged 'parameters'"):
        report.notebook_parameters(tmp_path / "x.ipynb")


def test_unknown_and_mistyped_parameters_fail_before_running(notebooks: Path) -> None:
    specs = report.discover_notebooks(notebooks)
    with pytest.raises(ParameterError, match=r"(?s)unknown parameter\(s\) n_tpo.*00_first: .*n_top: int"):
        report.resolve_parameters(specs, {}, {"n_tpo": 5})
    with pytest.raises(ParameterError, match=r"n_top='many' \(str\) does not fit the type int"):
        report.resolve_parameters(specs, {}, {"n_top": "many"})
    resolved = report.resolve_parameters(specs, {"out_dir": "/x"}, {"scale": 2, "flag": "true"})
    assert resolved["00_first"] == {"out_dir": "/x", "scale": 2.0}
    assert resolved["01_second"] == {"out_dir": "/x", "flag": True}


def test_only_selects_by_stem_or_number(notebooks: Path) -> None:
    assert [s.name for s in report.discover_notebooks(notebooks, ["01"])] == ["01_second"]
    with pytest.raises(ParameterError, match="--only '07' matches no notebook; available"):
        report.discover_notebooks(notebooks, ["07"])


def test_only_numbered_notebooks_run_and_only_always_adds_the_summary(
        notebooks: Path, caplog: pytest.LogCaptureFixture) -> None:
    _notebook(notebooks / "99_sum.ipynb", 'out_dir: str = ""  # run dir', "x = 1")
    nbformat.write(nbformat.v4.new_notebook(), notebooks / "Untitled.ipynb")  # no parameters
    _notebook(notebooks / "1_short.ipynb", 'out_dir: str = ""  # run dir', "x = 1")
    with caplog.at_level("WARNING"):
        names = [s.name for s in report.discover_notebooks(notebooks)]
    assert names == ["00_first", "01_second", "99_sum"]
    assert "ignored: 1_short.ipynb, Untitled.ipynb" in caplog.text
    assert [s.name for s in report.discover_notebooks(notebooks, ["01"])] == ["01_second", "99_sum"]
    assert [s.name for s in report.discover_notebooks(notebooks, ["99"])] == ["99_sum"]
    for path in notebooks.glob("[0-9][0-9]_*.ipynb"):
        path.unlink()
    with pytest.raises(ParameterError, match=r"no report notebooks \(NN_name.ipynb\) in .*"
                       "ignored: 1_short.ipynb, Untitled.ipynb"):
        report.discover_notebooks(notebooks)


def test_run_writes_manifest_html_and_latest_and_never_overwrites(
        notebooks: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = report.run_report(notebooks_dir=notebooks, out=out, run_id="r1",
                               params={"n_top": 4}, progress=False)
    run = result.run_dir
    assert (run / "tables" / "first.csv").read_text() == "n\n4\n"
    assert (run / "tables" / "second.csv").read_text() == "False"
    assert {p.name for p in (run / "html").iterdir()} == {
        "00_first.html", "00_first.reader.html", "01_second.html", "01_second.reader.html"}
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["run_id"] == "r1"
    assert [n["status"] for n in manifest["notebooks"]] == ["ok", "ok"]
    assert manifest["parameters"]["00_first"]["n_top"] == 4
    assert manifest["inputs"]["corpus"]["sha256"]  # seeds hashed file by file
    assert "tables/first.csv" in manifest["outputs"]
    assert (out / "latest").resolve() == run.resolve()
    with pytest.raises(ParameterError, match="already exists; runs are never overwritten"):
        report.run_report(notebooks_dir=notebooks, out=out, run_id="r1", progress=False)


def test_failing_notebook_names_cell_keeps_partial_and_latest(
        notebooks: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report.run_report(notebooks_dir=notebooks, out=out, run_id="good", progress=False)
    _notebook(notebooks / "01_second.ipynb", 'out_dir: str = ""  # run dir',
              "raise ValueError('planted failure')")
    with pytest.raises(NotebookError, match=r"notebook 01_second failed in cell .*planted failure"):
        report.run_report(notebooks_dir=notebooks, out=out, run_id="bad", progress=False)
    assert (out / "bad" / "notebooks" / "01_second.ipynb").is_file()
    assert (out / "bad" / "tables" / "first.csv").is_file()
    manifest = json.loads((out / "bad" / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["failed_notebook"] == "01_second"
    assert (out / "latest").resolve() == (out / "good").resolve()


def test_params_file_sections_and_cli_errors(notebooks: Path, tmp_path: Path, capsys) -> None:
    specs = report.discover_notebooks(notebooks)
    pfile = tmp_path / "p.yaml"
    pfile.write_text("scale: 3\n01_second:\n  flag: true\n")
    flat, sections = report.load_params_file(pfile, [s.name for s in specs])
    assert flat == {"scale": 3} and sections == {"01_second": {"flag": True}}
    pfile.write_text("00_first:\n  flag: true\n")
    flat, sections = report.load_params_file(pfile, [s.name for s in specs])
    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) 00_first.flag"):
        report.resolve_parameters(specs, {}, flat, sections)
    code = cli.main(["report", "--corpus", str(tmp_path / "missing"), "--no-progress"])
    assert code == 2 and "no such file or folder" in capsys.readouterr().err
    code = cli.main(["report", "-p", "nonexistent_param=1", "--no-progress",
                     "--out", str(tmp_path / "o")])
    assert code == 2 and "unknown parameter(s) nonexistent_param" in capsys.readouterr().err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_parallel_stage_attributes_each_output_to_its_notebook(tmp_path: Path) -> None:
    folder = tmp_path / "nbs"
    folder.mkdir()
    for name in ("00_a", "01_b"):
        _notebook(folder / f"{name}.ipynb",
                  'out_dir: str = ""  # run dir\noutput_log: str = ""  # the report sets it',
                  "import pandas as pd\nfrom framelab import outputs\n"
                  "out = outputs.resolve_out_dir(out_dir, log=output_log)\n"
                  f"outputs.save_table(pd.DataFrame({{'x': [1]}}), '{name}_table', out)")
    _notebook(folder / "90_last.ipynb", 'out_dir: str = ""  # run dir',
              "import pathlib\nassert (pathlib.Path(out_dir) / 'tables' / '01_b_table.csv')"
              ".is_file(), 'a later stage sees the earlier outputs'")
    result = report.run_report(notebooks_dir=folder, out=tmp_path / "out", run_id="p",
                               progress=False, jobs=2, screenshot=False)
    outputs = {n["name"]: n["outputs"] for n in result.manifest["notebooks"]}
    assert outputs == {"00_a": ["tables/00_a_table.csv", "tables/00_a_table.tex"],
                       "01_b": ["tables/01_b_table.csv", "tables/01_b_table.tex"],
                       "90_last": []}
    assert not (result.run_dir / ".outputs").exists()
    # notebooks that do not declare output_log: attributed when alone in their stage, listed
    # as unattributed (never silently dropped) when they ran side by side
    for name in ("00_a", "01_b"):
        _notebook(folder / f"{name}.ipynb", 'out_dir: str = ""  # run dir',
                  "import pandas as pd\nfrom framelab import outputs\n"
                  f"outputs.save_table(pd.DataFrame({{'x': [1]}}), '{name}_table', out_dir)")
    _notebook(folder / "50_alone.ipynb", 'out_dir: str = ""  # run dir',
              "import pandas as pd\nfrom framelab import outputs\n"
              "outputs.save_table(pd.DataFrame({'x': [1]}), 'alone', out_dir, latex=False)")
    result = report.run_report(notebooks_dir=folder, out=tmp_path / "out", run_id="q",
                               progress=False, jobs=2, screenshot=False)
    outputs = {n["name"]: n["outputs"] for n in result.manifest["notebooks"]}
    assert outputs["50_alone"] == ["tables/alone.csv"]
    assert outputs["00_a"] == outputs["01_b"] == []
    assert result.manifest["unattributed_outputs"] == [
        "tables/00_a_table.csv", "tables/00_a_table.tex", "tables/01_b_table.csv",
        "tables/01_b_table.tex"]
    with pytest.raises(ParameterError, match="--jobs 0"):
        report.run_report(notebooks_dir=folder, out=tmp_path / "out", jobs=0)


@pytest.mark.slow
def test_dask_engine_report_gives_the_same_tables_as_local(seed_run: report.RunResult,
                                                           tmp_path: Path) -> None:
    from framelab.paths import SEEDS_DIR

    result = report.run_report(corpus=SEEDS_DIR, out=tmp_path / "dask", run_id="dask",
                               only=["00", "01"], progress=False, screenshot=False,
                               html=False, engine="dask", workers=2)
    assert result.manifest["parameters"]["01_framing"]["engine"] == "dask"
    assert seed_run.manifest["parameters"]["01_framing"]["engine"] == "local"
    # 00 and 01 ran on Dask; the other notebooks' tables were copied from an earlier run
    made = {n["name"] for n in result.manifest["notebooks"] if not n.get("reused_from")}
    assert {"00_corpus", "01_framing"} <= made
    written = [p for p in sorted((result.run_dir / "tables").iterdir())
               if p.name.startswith(("corpus_", "label_", "actor_", "frame", "keyness",
                                     "reporting_", "side_"))]
    assert len(written) > 10
    local = seed_run.run_dir / "tables"
    assert [p.name for p in written if p.read_bytes() != (local / p.name).read_bytes()] == []


def test_bad_row_stops_the_run_before_any_notebook(notebooks: Path, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "1", "text": "ok"}\n{"id": "2", "text": \n')
    with pytest.raises(FramelabError, match=r"line 2"):
        report.run_report(corpus=path, notebooks_dir=notebooks, out=tmp_path / "out",
                          run_id="bad", progress=False)
    manifest = json.loads((tmp_path / "out" / "bad" / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["notebooks"] == []
    assert not (tmp_path / "out" / "latest").exists()
    with pytest.raises(ParameterError, match="--scheduler needs --engine dask"):
        report.run_report(notebooks_dir=notebooks, out=tmp_path / "out", scheduler="tcp://x:1")


def test_papermill_parameter_forms_and_a_quiet_log(notebooks: Path, tmp_path: Path,
                                                   capsys) -> None:
    """-f FILE, -y YAML and -p NAME VALUE as in papermill, beside -p NAME=VALUE; the kernels'
    own notices (TCP without encryption, the interrupt sent at shutdown) stay out of the log."""
    import subprocess
    import sys

    pfile = tmp_path / "p.yaml"
    pfile.write_text("scale: 3\nn_top: 1\n01_second:\n  flag: true\n")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "framelab.cli", "report", "--out", str(out), "--run-id", "r",
         "--notebooks", str(notebooks), "--no-progress", "--corpus", "seeds", "-f", str(pfile),
         "-y", "{scale: 2.5, n_top: 2}", "-p", "n_top", "4"],
        capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    log = done.stdout + done.stderr
    assert "encryption" not in log and "KeyboardInterrupt" not in log, log
    assert (out / "r" / "tables" / "first.csv").read_text().splitlines() == ["n", "10"]
    assert (out / "r" / "tables" / "second.csv").read_text() == "True"
    manifest = json.loads((out / "r" / "manifest.json").read_text())
    assert manifest["user_parameters"] == {"scale": 2.5, "n_top": 4}
    for bad, message in ((["-p", "a", "1", "2"], "expects NAME=VALUE or NAME VALUE"),
                         (["-y", "[1, 2]"], "-y expects a mapping")):
        with pytest.raises(SystemExit):
            cli.main(["report", *bad, "--list-parameters"])
        assert message in capsys.readouterr().err


def test_manifest_records_each_notebooks_peak_kernel_memory(tmp_path: Path) -> None:
    folder = tmp_path / "nbs"
    folder.mkdir()
    params = 'out_dir: str = ""  # run dir'
    _notebook(folder / "00_big.ipynb", params,
              "import time\nheld = b'x' * 400_000_000  # written, so resident\ntime.sleep(2)")
    _notebook(folder / "10_small.ipynb", params, "import time\ntime.sleep(2)")
    result = report.run_report(notebooks_dir=folder, out=tmp_path / "out", run_id="m",
                               progress=False)
    peaks = {n["name"]: n["peak_rss_mb"] for n in result.manifest["notebooks"]}
    assert peaks["00_big"] >= 400 > peaks["10_small"] > 0
    assert f"<td>{peaks['00_big']}</td>" in (result.run_dir / "index.html").read_text()
