"""Shared by the benchmark scripts: machine description, timing, peak memory, result files."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import Self

import psutil

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"
PACKAGES = ("framelab", "numpy", "pandas", "pyarrow", "scikit-learn", "nltk", "dask",
            "distributed", "pyahocorasick", "papermill", "psutil")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, OS, Python and package versions, date, git commit."""
    info = {
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores": f"{psutil.cpu_count(logical=False)} physical / {os.cpu_count()} logical",
        "ram": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "load average (1 min)": f"{os.getloadavg()[0]:.2f}",
        "os": platform.platform(),
        "python": platform.python_version(),
    }
    for name in PACKAGES:
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = "not installed"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=False,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, check=False,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        info["git"] = commit + (" (uncommitted changes)" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        info["git"] = "unknown"
    return info


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its live children."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:2])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.Error:
            pass
    return total


class PeakRSS:
    """Sample the memory of this process and all its children (summed) until stopped.

    ``peak`` is the largest sum of RSS (resident set size: shared library pages are counted
    once per process, so this overstates); ``peak_pss`` the largest sum of PSS (shared pages
    split between the processes sharing them), sampled every 5th time.
    """

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peak = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, pss: bool = False) -> int:
        me = psutil.Process()
        procs = [me, *me.children(recursive=True)]
        total = total_pss = 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
                if pss:
                    total_pss += proc.memory_full_info().pss
            except psutil.Error:
                pass
        if pss:
            self.peak_pss = max(self.peak_pss, total_pss)
        return total

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample(pss=n % 5 == 0))
            n += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> Self:
        self.peak = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


class Timer:
    def __enter__(self) -> Self:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def write_result(name: str, title: str, body: str) -> Path:
    """Write ``benchmarks/results/<name>.md`` with the machine description, and return it."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    info = machine()
    lines = [f"# {title}", "", body.rstrip(), "", "## Machine", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    path = RESULTS_DIR / f"{name}.md"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def table(header: list[str], rows: list[list[object]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)
