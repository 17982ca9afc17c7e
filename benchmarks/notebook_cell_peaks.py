"""Peak resident memory of each code cell of a notebook, its cells run in this process.

    .venv/bin/python benchmarks/notebook_cell_peaks.py notebooks/04_reuse.ipynb \
        corpus=/path/corpus-100000.jsonl cache_dir=/path/.cache out_dir=/tmp/cells [--stop 9]

Parameters are given as ``name=value`` (a Python literal, or else a string) and replace
the tagged ``parameters`` cell's values, as papermill does. A thread samples the resident
size every 20 ms; each cell prints its wall time, its peak and its resident size at the end
(what the next cell starts from). Lines starting with ``%`` (IPython magics) are skipped.
This is how `benchmarks/results/report-scale-100000.md` ("lead8") found which cell of
04_reuse set the kernel's peak; the report's own per-notebook peak (run manifest,
``peak_rss_mb``) stays the measure of the goal. Linux only (reads /proc/self/statm).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 1e6


class Peak:
    """The largest resident size sampled since :meth:`reset`."""

    def __init__(self, every: float = 0.02) -> None:
        self.value = rss_mb()
        threading.Thread(target=self._run, args=(every,), daemon=True).start()

    def _run(self, every: float) -> None:
        while True:
            self.value = max(self.value, rss_mb())
            time.sleep(every)

    def reset(self) -> None:
        self.value = rss_mb()


def _value(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebook")
    parser.add_argument("params", nargs="*", help="name=value")
    parser.add_argument("--stop", type=int, default=None, help="last code cell to run")
    args = parser.parse_args()
    params = dict(p.split("=", 1) for p in args.params)
    cells = [c for c in json.load(open(args.notebook))["cells"] if c["cell_type"] == "code"]
    peak = Peak()
    namespace: dict = {}
    for i, cell in enumerate(cells):
        source = "".join(cell["source"])
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            exec(source, namespace)
            namespace.update({k: _value(v) for k, v in params.items()})
            continue
        source = "\n".join(line for line in source.splitlines() if not line.startswith("%"))
        peak.reset()
        start = time.perf_counter()
        exec(compile(source, f"cell {i}", "exec"), namespace)
        first = source.strip().splitlines()[0][:60] if source.strip() else ""
        print(f"cell {i:2d} {time.perf_counter() - start:7.1f} s  peak {peak.value:7.0f} MB  "
              f"end {rss_mb():7.0f} MB  {first}", flush=True)
        if args.stop is not None and i >= args.stop:
            break


if __name__ == "__main__":
    main()
