"""The whole default report on a generated corpus, side by side with `count_corpus`.

    .venv/bin/python benchmarks/bench_report_scale.py --docs 20000 [--engines local,dask]
        [--workers 2] [--repeats 2] [--timeout 3600]

For each engine and repeat, two fresh processes run one after the other on the same file,
alternating A B A B ... so that load on this shared machine hits both sides:

* A: `framelab report --corpus <file> --no-progress --engine E [--workers N]` into a new
  folder of runs (so the Parquet cache is built inside the run, as a new user's first run);
* B: `framelab.run.count_corpus(<file>, engine=E, workers=N)` with an empty cache folder.

Reported: the median of the pairwise ratios A/B (issue 14's goal: <= 10x), wall time per
notebook from the run's manifest, the peak RSS of every process (sampled with psutil every
0.2 s; goal <= 2.5 GB in any one process), and whether the report's tables (CSV, byte for
byte) are identical across engines. The corpus is `benchmarks/make_corpus.py`'s
(`benchmarks/data/corpus-<docs>.jsonl`, generated if missing). Writes
`benchmarks/results/report-scale-<docs>.md`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, table, write_result

DATA = ROOT / "benchmarks" / "data"

COUNT = """
import sys
from framelab.run import count_corpus
path, engine, workers, cache = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
count_corpus(path, engine=engine, workers=workers or None, cache_dir=cache, progress=False)
"""


class ProcessPeaks:
    """Peak RSS of the launched process and each of its descendants, by pid (psutil)."""

    def __init__(self, root: psutil.Process, interval: float = 0.2) -> None:
        self.root = root
        self.interval = interval
        self.peaks: dict[int, tuple[int, str]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _name(proc: psutil.Process) -> str:
        try:
            cmd = proc.cmdline()
        except psutil.Error:
            return "?"
        text = " ".join(cmd)
        for key, name in (("ipykernel", "notebook kernel"), ("distributed", "dask worker"),
                          ("framelab report", "report (papermill driver)"),
                          ("count_corpus", "count_corpus"), ("spawn", "pool worker"),
                          ("multiprocessing", "pool worker")):
            if key in text:
                return name
        return Path(cmd[0]).name if cmd else "?"

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                procs = []
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                except psutil.Error:
                    continue
                old = self.peaks.get(proc.pid)
                if old is None or rss > old[0]:
                    self.peaks[proc.pid] = (rss, old[1] if old else self._name(proc))
            self._stop.wait(self.interval)

    def __enter__(self) -> ProcessPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def by_kind(self) -> dict[str, tuple[float, int]]:
        """Largest peak (GB) and number of processes of each kind."""
        out: dict[str, tuple[float, int]] = {}
        for rss, name in self.peaks.values():
            peak, n = out.get(name, (0.0, 0))
            out[name] = (max(peak, rss / 1e9), n + 1)
        return out


def timed(cmd: list[str], *, timeout: float, cwd: Path) -> tuple[float, int, ProcessPeaks, str]:
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    with ProcessPeaks(psutil.Process(proc.pid)) as peaks:
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()  # the process this benchmark started, by its pid
            output, _ = proc.communicate()
            return time.perf_counter() - began, -9, peaks, output
    return time.perf_counter() - began, proc.returncode, peaks, output


def table_digests(run_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((run_dir / "tables").glob("*.csv"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20000, help="documents in the corpus")
    parser.add_argument("--corpus", type=Path, help="use this file instead of generating one")
    parser.add_argument("--engines", default="local", help="comma-separated: local, dask")
    parser.add_argument("--workers", type=int, default=2, help="dask workers (local: 0)")
    parser.add_argument("--repeats", type=int, default=2, help="A B pairs per engine")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="framelab report --jobs (default: as the report)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per command")
    args = parser.parse_args(argv)
    corpus = args.corpus or DATA / f"corpus-{args.docs}.jsonl"
    if not corpus.exists():
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_corpus.py"), "--docs",
                        str(args.docs), "--out", str(DATA)], check=True)
    bindir = Path(sys.executable).parent
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    results: dict[str, dict] = {}
    digests: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-report-scale-") as tmp:
        tmp_path = Path(tmp)
        for engine in engines:
            workers = args.workers if engine == "dask" else 0
            res = results[engine] = {"pairs": [], "notebooks": {}, "peaks": {}, "failed": ""}
            for r in range(args.repeats):
                runs = tmp_path / f"{engine}-{r}"
                report = [str(bindir / "framelab"), "report", "--corpus", str(corpus),
                          "--out", str(runs), "--run-id", "bench", "--no-progress",
                          "--jobs", str(args.jobs), "--engine", engine]
                report += ["--workers", str(workers)] if workers else []
                load_before = os.getloadavg()[0]
                a_s, a_rc, a_peaks, a_out = timed(report, timeout=args.timeout, cwd=ROOT)
                count = [sys.executable, "-c", COUNT, str(corpus), engine, str(workers),
                         str(tmp_path / f"count-cache-{engine}-{r}")]
                b_s, b_rc, b_peaks, _ = timed(count, timeout=args.timeout, cwd=ROOT)
                print(f"{engine} #{r}: report {a_s:.0f}s (exit {a_rc}), count_corpus "
                      f"{b_s:.0f}s (exit {b_rc})", flush=True)
                res["pairs"].append((a_s, b_s, a_rc, b_rc))
                res.setdefault("loads", []).append((load_before, os.getloadavg()[0]))
                for kind, (peak, n) in a_peaks.by_kind().items():
                    old = res["peaks"].get(kind, (0.0, 0))
                    res["peaks"][kind] = (max(old[0], peak), max(old[1], n))
                peak_b = max((p for p, _ in b_peaks.by_kind().values()), default=0.0)
                res["peaks"]["count_corpus (any process)"] = (
                    max(res["peaks"].get("count_corpus (any process)", (0.0, 0))[0], peak_b),
                    len(b_peaks.peaks))
                manifest_path = runs / "bench" / "manifest.json"
                if manifest_path.exists():
                    manifest = json.loads(manifest_path.read_text())
                    for nb in manifest.get("notebooks", []):
                        res["notebooks"].setdefault(nb["name"], []).append(
                            (nb.get("seconds"), nb.get("status"), nb.get("peak_rss_mb")))
                if a_rc:
                    res["failed"] = a_out[-1500:]
                    break
                if r == 0:
                    digests[engine] = table_digests(runs / "bench")
    body = [f"Corpus: `{corpus.name}` ({args.docs:,} documents, "
            f"{corpus.stat().st_size / 1e6:.1f} MB). Command: `.venv/bin/python "
            f"benchmarks/bench_report_scale.py --docs {args.docs} --engines {args.engines} "
            f"--workers {args.workers} --repeats {args.repeats} --jobs {args.jobs}`.", "",
            "Each row is one A B pair run one after the other (A: the whole default report, "
            "fresh folder of runs and cache; B: `count_corpus` on the same file, empty cache).",
            ""]
    rows = []
    for engine, res in results.items():
        for i, (a_s, b_s, a_rc, b_rc) in enumerate(res["pairs"]):
            before, after = res["loads"][i]
            rows.append([engine, i + 1, f"{a_s:.0f}" + ("" if a_rc == 0 else f" (exit {a_rc})"),
                         f"{b_s:.0f}", f"{a_s / b_s:.1f}x", f"{before:.1f} / {after:.1f}"])
    body += [table(["engine", "pair", "report s", "count_corpus s", "ratio",
                    "load avg (1 min) before / after"], rows), ""]
    for engine, res in results.items():
        ok = [a / b for a, b, rc, _ in res["pairs"] if rc == 0]
        med = statistics.median(ok) if ok else float("nan")
        peak = max((p for k, (p, _) in res["peaks"].items() if not k.startswith("count")),
                   default=0.0)
        body.append(f"- {engine}: median ratio report / count_corpus {med:.1f}x (goal <= 10x: "
                    f"{'met' if ok and med <= 10 else 'NOT met'}); largest process "
                    f"{peak:.2f} GB (goal <= 2.5 GB: {'met' if peak <= 2.5 else 'NOT met'})"
                    + ("; the report FAILED: see below" if res["failed"] else ""))
    if len(results) == 2 and all(r["pairs"] for r in results.values()):
        local, dask = (statistics.median([a for a, _, rc, _ in results[e]["pairs"] if rc == 0]
                                         or [float("nan")]) for e in ("local", "dask"))
        body.append(f"- dask vs local, report wall time: {local / dask:.2f}x (goal >= 1.5x: "
                    f"{'met' if local / dask >= 1.5 else 'NOT met'})")
    if len(digests) == 2:
        a, b = digests.values()
        differ = sorted(n for n in set(a) | set(b) if a.get(n) != b.get(n))
        body.append(f"- tables identical across engines ({len(a)} CSV files): "
                    + ("yes" if not differ else "NO: " + ", ".join(differ)))
    body += ["", "Seconds per notebook (papermill execution and HTML export) and the peak "
             "resident memory of its kernel (sampled every 0.5 s by the report), from the "
             "manifest; one value per repeat:", ""]
    for engine, res in results.items():
        body += [f"**{engine}**", "", table(["notebook", "seconds", "kernel peak MB", "status"], [
            [n, " / ".join(f"{s:.0f}" if s is not None else "-" for s, _, _ in v),
             " / ".join(str(m) if m is not None else "-" for _, _, m in v),
             " / ".join(st or "-" for _, st, _ in v)] for n, v in res["notebooks"].items()]), ""]
        body += [table(["process", "peak RSS GB", "processes"],
                       [[k, f"{p:.2f}", n] for k, (p, n) in sorted(res["peaks"].items())]), ""]
        if res["failed"]:
            body += ["Last output of the failed report:", "", "```",
                     res["failed"].strip(), "```", ""]
    print(write_result(f"report-scale-{args.docs}",
                       f"Benchmark: the whole report on {args.docs:,} documents vs count_corpus",
                       "\n".join(body)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
