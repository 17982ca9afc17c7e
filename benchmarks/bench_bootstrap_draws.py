"""Bootstrap draws: multinomial counts (framelab before December 2026) vs uniform indices.

    .venv/bin/python benchmarks/bench_bootstrap_draws.py [--boot 1000] [--repeat 5]

For n clusters and B replicates, the seconds to make the B replicates' column sums of an
(n, width) table of values, three ways, chunked as ``framelab.stats`` chunks them:

- ``multinomial``: ``rng.multinomial(n, [1/n] * n, size=chunk)`` counts times the values (the
  old draws);
- ``counted``: ``stats.resampled_counts`` (``rng.integers`` indices, one ``np.bincount``) times
  the values;
- ``summed``: ``stats.resampled_sums`` as it is (for at most 4 dense
  columns it sums each replicate's drawn rows directly; otherwise the same as ``counted``).

The three are run in turn (A B C A B C ...) ``--repeat`` times and the medians reported, with the
load average before the runs. Prints a Markdown table (benchmarks/results/bootstrap-draws.md
quotes it with the machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, table

#: Numbers per chunk of replicates, as framelab.stats chunks them.
CHUNK_VALUES = 2_000_000
SIZES = ((10, 2), (200, 2), (5_000, 2), (50_000, 2), (5_000, 3), (5_000, 8), (5_000, 32))


def _multinomial(values: np.ndarray, boot: int, step: int) -> None:
    n = len(values)
    rng = np.random.default_rng(0)
    for start in range(0, boot, step):
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=min(step, boot - start))
        counts @ values


def _counted(values: np.ndarray, boot: int, step: int) -> None:
    from framelab import stats

    for counts in stats.resampled_counts(len(values), boot, np.random.default_rng(0),
                                         chunk=step):
        counts @ values


def _summed(values: np.ndarray, boot: int, step: int) -> None:
    from framelab import stats

    for _ in stats.resampled_sums(values, boot, np.random.default_rng(0)):
        pass


WAYS: dict[str, Callable[[np.ndarray, int, int], None]] = {
    "multinomial": _multinomial, "counted": _counted, "summed": _summed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--boot", type=int, default=1000, help="replicates")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (median)")
    args = parser.parse_args(argv)


    load = os.getloadavg()[0]
    rows = []
    for n, width in SIZES:
        values = np.random.default_rng(n).random((n, width))
        step = max(1, CHUNK_VALUES // max(n, width))

        seconds: dict[str, list[float]] = {k: [] for k in WAYS}
        for _ in range(args.repeat):
            for name, way in WAYS.items():
                start = time.perf_counter()
                way(values, args.boot, step)
                seconds[name].append(time.perf_counter() - start)
        med = {k: statistics.median(v) for k, v in seconds.items()}
        rows.append([f"{n:,}", width, f"{med['multinomial']:.4f}", f"{med['counted']:.4f}",
                     f"{med['summed']:.4f}",
                     f"{med['multinomial'] / max(med['summed'], 1e-9):.1f}x"])
    print(f"B = {args.boot} replicates, median of {args.repeat} rounds (A B C ...), 1-minute "
          f"load average {load:.2f} before, {os.getloadavg()[0]:.2f} after\n")
    print(table(["clusters n", "columns", "multinomial s", "counted s", "summed s",
                 "multinomial / summed"], rows))
    print()
    for key, value in machine().items():
        print(f"- {key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
