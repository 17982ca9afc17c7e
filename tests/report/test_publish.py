"""The paper kit: index page in a real browser, deterministic tables, safe interruption, reuse."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from framelab import report
from framelab.report import CHROMIUM_ARGS, chromium_path


@pytest.mark.slow
@pytest.mark.browser
def test_index_and_every_notebook_page_load_in_chromium(seed_run: report.RunResult) -> None:
    binary = chromium_path()
    if binary is None:
        pytest.skip("headless Chromium not found: install the Debian package 'chromium' "
                    "(apt-get install chromium); .ci/run does this in CI")
    playwright = pytest.importorskip("playwright.sync_api")
    run = seed_run.run_dir
    pages = [run / "index.html", *sorted((run / "html").glob("*.html"))]
    assert len(pages) > 2
    problems: list[str] = []
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=binary,
                                     args=[a for a in CHROMIUM_ARGS if a != "--headless"])
        page = browser.new_page()
        page.on("pageerror", lambda err: problems.append(f"{page.url}: JS error {err}"))
        # the run is self-contained: any request leaving file:// is a broken dependency
        page.on("request", lambda req: None if req.url.startswith(("file:", "data:", "about:"))
                else problems.append(f"{page.url}: network request {req.url}"))
        page.on("requestfailed", lambda req: problems.append(f"{page.url}: failed {req.url}"))
        for html in pages:
            page.goto(html.as_uri(), wait_until="load")
            broken = page.eval_on_selector_all(
                "img", "imgs => imgs.filter(i => !i.complete || i.naturalWidth === 0)"
                ".map(i => i.src.slice(0, 80))")
            problems += [f"{html.name}: broken image {src}" for src in broken]
            for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
                url = urlparse(href)
                if url.scheme == "file" and not Path(unquote(url.path)).exists():
                    problems.append(f"{html.name}: broken link {href}")
        page.goto((run / "index.html").as_uri())
        page.screenshot(path=str(run / "index.browser.png"), full_page=True)
        browser.close()
    assert not problems, "\n".join(problems)
    assert (run / "index.browser.png").stat().st_size > 10_000


@pytest.mark.slow
def test_same_inputs_give_byte_identical_tables(seed_run: report.RunResult,
                                                seed_rerun: report.RunResult) -> None:
    """Two runs on the seeds (the second at single figure width: tables do not depend on it)."""
    again = seed_rerun
    assert again.run_dir != seed_run.run_dir
    first = {p.name: p.read_bytes() for p in (seed_run.run_dir / "tables").iterdir()}
    second = {p.name: p.read_bytes() for p in (again.run_dir / "tables").iterdir()}
    assert first.keys() == second.keys() and len(first) >= 6
    different = [name for name in first if first[name] != second[name]]
    assert not different, f"tables differ between identical runs: {different}"


@pytest.mark.slow
def test_every_figure_has_a_caption_and_pdf_carries_run_id(seed_run: report.RunResult) -> None:
    figures = seed_run.run_dir / "figures"
    pdfs = sorted(figures.glob("*.pdf"))
    assert pdfs
    for pdf in pdfs:
        assert pdf.with_suffix(".txt").is_file(), f"{pdf.stem} has no caption file"
        assert pdf.with_suffix(".svg").is_file() and pdf.with_suffix(".png").is_file()
        data = pdf.read_bytes()
        assert b"framelab run seeds" in data, f"{pdf.name}: run id missing from metadata"
        assert b"FontFile2" in data and b"/Type3" not in data, f"{pdf.name}: fonts not Type 42"


@pytest.mark.slow
def test_sigkill_midway_leaves_latest_on_the_last_good_run(tmp_path: Path) -> None:
    import nbformat

    folder = tmp_path / "nbs"
    folder.mkdir()
    for name, body in (("00_write", "from framelab import outputs\nimport pandas as pd\n"
                        "outputs.save_table(pd.DataFrame({'x': [1]}), 'x', out_dir)"),
                       ("10_slow", "import time\ntime.sleep(120)")):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell('out_dir: str = ""  # run dir')
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell, nbformat.v4.new_code_cell(body)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nbformat.write(nb, folder / f"{name}.ipynb")
    out = tmp_path / "out"
    base = [sys.executable, "-m", "framelab.cli", "report", "--out", str(out),
            "--notebooks", str(folder), "--no-progress"]
    good = subprocess.run([*base, "--run-id", "good", "--only", "00"], capture_output=True,
                          text=True, timeout=300)
    assert good.returncode == 0, good.stderr
    proc = subprocess.Popen([*base, "--run-id", "killed"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    manifest = out / "killed" / "manifest.json"
    deadline = time.time() + 240
    while time.time() < deadline:  # kill while the slow notebook runs
        if manifest.is_file() and '"name": "10_slow"' in manifest.read_text():
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert (out / "latest").resolve() == (out / "good").resolve()
    leftovers = [p.name for p in (out / "good").rglob("*") if ".tmp" in p.name]
    assert not leftovers, f"half-written files in the last good run: {leftovers}"
    assert (out / "killed" / "tables" / "x.csv").read_text() == "x\n1\n"
    state = json.loads(manifest.read_text())
    assert state["status"] == "running"  # never marked finished
    assert [n["status"] for n in state["notebooks"]] == ["ok", "running"]


@pytest.mark.slow
def test_only_reruns_one_notebook_and_says_what_it_reused(seed_run: report.RunResult,
                                                          tmp_path: Path, capsys) -> None:
    from framelab import cli

    out = tmp_path / "out"
    # the earlier full run: a copy of the session's seeds run (same corpus, default parameters)
    full = seed_run.run_dir.name
    shutil.copytree(seed_run.run_dir, out / full)
    (out / "latest").symlink_to(full)
    first = report.discover_notebooks()[0].name
    assert cli.main(["report", "--out", str(out), "--run-id", "partial", "--only", first,
                     "--no-progress"]) == 0
    printed = capsys.readouterr().out
    manifest = json.loads((out / "partial" / "manifest.json").read_text())
    reran = [n["name"] for n in manifest["notebooks"]]
    reused = [n["name"] for n in manifest["reused"]["notebooks"]]
    assert reran == [first, "99_summary"]  # the summary always describes its own run
    assert set(reused) == {s.name for s in report.discover_notebooks()} - {first, "99_summary"}
    summary = (out / "partial" / "notebooks" / "99_summary.ipynb").read_text()
    assert manifest["reused"]["run_id"] == full
    assert "partial" in summary and f'"{full}"' not in summary
    for name in reused:
        assert f"reused {name}" in printed
    full_tables = {p.name for p in (out / full / "tables").iterdir()}
    assert {p.name for p in (out / "partial" / "tables").iterdir()} == full_tables
    assert (out / "latest").resolve() == (out / "partial").resolve()
    assert (out / full / "manifest.json").is_file()  # the earlier run is untouched
