"""`framelab report` on the seeds vs the same number of bare notebooks run with papermill.

    .venv/bin/python benchmarks/bench_report.py [--only 00 01 ...]

Times, each as a fresh process: (a) `framelab report --out <tmp> --no-progress` on seeds/
(every notebook, HTML export, manifest); (b) papermill executing, one after another in one
process, as many notebooks as (a) ran, each holding only a parameters cell and
`import pandas, sklearn, matplotlib`. Goal (issue 7): (a) <= 1.5x (b). Writes
benchmarks/results/report.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, table, write_result

BARE = """
import sys, time, nbformat, papermill
paths = sys.argv[2:]
out = sys.argv[1]
for i, p in enumerate(paths):
    papermill.execute_notebook(p, f"{out}/run-{i}.ipynb", parameters={"x": 1},
                               kernel_name="python3", progress_bar=False, log_output=False)
"""


def bare_notebooks(n: int, folder: Path) -> list[Path]:
    import nbformat

    paths = []
    for i in range(n):
        nb = nbformat.v4.new_notebook()
        params = nbformat.v4.new_code_cell("x: int = 0  # a parameter")
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell(
            "import pandas as pd\nimport sklearn\nimport matplotlib.pyplot as plt")]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        path = folder / f"bare-{i}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", help="notebooks for framelab report --only")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="framelab report --jobs (default: its own default)")
    args = parser.parse_args(argv)
    framelab = Path(sys.executable).parent / "framelab"
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        tmp_path = Path(tmp)
        cmd = [str(framelab), "report", "--out", str(tmp_path / "runs"), "--run-id", "bench",
               "--no-progress", "--jobs", str(args.jobs)]
        cmd += ["--only", *args.only] if args.only else []
        began = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        report_s = time.perf_counter() - began
        if done.returncode:
            print(done.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"framelab report failed (exit {done.returncode})")
        manifest = json.loads((tmp_path / "runs" / "bench" / "manifest.json").read_text())
        names = [nb["name"] for nb in manifest["notebooks"]]
        per_nb = {nb["name"]: nb["seconds"] for nb in manifest["notebooks"]}
        bare = bare_notebooks(len(names), tmp_path)
        (tmp_path / "out").mkdir()
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", BARE, str(tmp_path / "out"), *map(str, bare)],
                       check=True, cwd=tmp_path, capture_output=True)
        bare_s = time.perf_counter() - began
    ratio = report_s / bare_s
    rows = [["framelab report (seeds)", len(names), f"{report_s:.1f}", f"{ratio:.2f}x"],
            ["bare notebooks (papermill)", len(names), f"{bare_s:.1f}", "1.00x"]]
    body = "\n".join([
        f"framelab report with `--jobs {args.jobs}`; bare notebooks one after "
        "another in one papermill process (the issue's reference).", "",
        "Command: `.venv/bin/python benchmarks/bench_report.py"
        + (f" --only {' '.join(args.only)}" if args.only else "") + "`.", "",
        table(["run", "notebooks", "seconds", "ratio"], rows), "",
        f"- ratio {ratio:.2f}x (goal <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})", "",
        "Seconds per notebook inside the report (papermill execution only, from the "
        "manifest):", "",
        table(["notebook", "seconds"], [[n, f"{s:.1f}"] for n, s in per_nb.items()]),
    ])
    print(write_result("report", "Benchmark: framelab report vs bare notebooks", body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
