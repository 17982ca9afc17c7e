"""The whole report on a large corpus, one notebook per run, resumable across sessions.

    .venv/bin/python benchmarks/bench_report_pieces.py --corpus /data/corpus-1000000.jsonl \
        --cache-dir /data/.cache-1m --out /data/runs-1m [--engine dask --workers 2] \
        [--order 00,04,01,03,02,10,06] [--limit-gb 14] [--log pieces.jsonl]

For a corpus whose report takes longer than a working session (issue 14's 1,000,000 articles
on Dask): each notebook runs as ``framelab report --only <notebook>`` on the same Parquet
cache (built by the first piece, read by the others) and the same folder of runs, so each
piece reuses the tables of the pieces before it (``--only`` copies them from ``latest``) and
the last piece's run holds every table. A piece that finished (a line of the log with
``rc`` 0) is not run again: start the script again and it goes on where it stopped.

Recorded per piece, one JSON line in the log: wall seconds of the command, the manifest's
seconds and peak kernel RSS per notebook (``--only`` also reruns 99_summary), and the peak
RSS of every process the command started (psutil, every 0.2 s; kernels, Dask workers, the
driver), by kind. A watchdog stops a piece whose any one process passes ``--limit-gb``
(kept well below the machine's memory, so that an oversized kernel is a recorded failure
rather than the machine's out-of-memory killer); the log says so. The pieces run one after
the other, so their seconds add up to more than one ``framelab report`` that runs two
notebooks of a stage at a time would take on a machine with cores to spare; on two cores
with a two-worker cluster each notebook's work already keeps both cores busy.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, machine
from bench_report_scale import ProcessPeaks

ORDER = "00,04,01,03,02,10,06"


class Watchdog(ProcessPeaks):
    """:class:`ProcessPeaks` that kills the process group once one process passes a limit."""

    def __init__(self, root: psutil.Process, limit_bytes: float) -> None:
        super().__init__(root)
        self.limit = limit_bytes
        self.tripped: tuple[int, str] | None = None
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while not self._stop.is_set():
            over = [(rss, name) for rss, name in list(self.peaks.values()) if rss > self.limit]
            if over and self.tripped is None:
                self.tripped = max(over)
                try:
                    os.killpg(self.root.pid, signal.SIGKILL)
                except OSError:
                    pass
            self._stop.wait(0.5)


def _done(log: Path) -> set[str]:
    if not log.is_file():
        return set()
    rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    return {r["piece"] for r in rows if r.get("rc") == 0}


def run_piece(piece: str, args: argparse.Namespace) -> dict:
    run_id = f"{args.prefix}-{piece}"
    cmd = [str(ROOT / ".venv" / "bin" / "framelab"), "report", "--corpus", str(args.corpus),
           "--only", piece, "--engine", args.engine, "--cache-dir", str(args.cache_dir),
           "--out", str(args.out), "--run-id", run_id, "--no-progress"]
    if args.engine == "dask":
        cmd += ["--workers", str(args.workers)]
    began = time.perf_counter()
    with open(args.out.parent / f"{run_id}.log", "w") as output:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True)
        with Watchdog(psutil.Process(proc.pid), args.limit_gb * 1e9) as watch:
            rc = proc.wait()
    record: dict = {"piece": piece, "run_id": run_id, "rc": rc,
                    "seconds": round(time.perf_counter() - began, 1),
                    "finished": time.strftime("%Y-%m-%d %H:%M:%S"),
                    "peaks_gb": {k: [round(gb, 3), n] for k, (gb, n) in watch.by_kind().items()}}
    if watch.tripped:
        record["killed"] = f"{watch.tripped[1]} passed {args.limit_gb} GB " \
                           f"({watch.tripped[0] / 1e9:.2f} GB)"
    manifest = args.out / run_id / "manifest.json"
    if manifest.is_file():
        m = json.loads(manifest.read_text())
        record["status"] = m.get("status")
        record["notebooks"] = {n["name"]: {"seconds": n.get("seconds"),
                                           "peak_rss_mb": n.get("peak_rss_mb")}
                               for n in m.get("notebooks", [])}
        record["cache"] = m.get("cache")
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cache-dir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder of runs")
    parser.add_argument("--engine", default="dask", choices=("local", "dask"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--order", default=ORDER, help=f"notebooks, in order (default {ORDER})")
    parser.add_argument("--prefix", default="p", help="run ids are <prefix>-<notebook>")
    parser.add_argument("--limit-gb", type=float, default=14.0,
                        help="stop a piece whose any one process passes this (default 14)")
    parser.add_argument("--log", type=Path, help="JSON lines (default <out>/../pieces.jsonl)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    log = args.log or args.out.parent / "pieces.jsonl"
    with log.open("a") as handle:
        handle.write(json.dumps({"machine": machine(), "argv": sys.argv}) + "\n")
    for piece in args.order.split(","):
        if piece in _done(log):
            print(f"{piece}: done in an earlier session, skipped", flush=True)
            continue
        record = run_piece(piece, args)
        with log.open("a") as handle:
            handle.write(json.dumps(record) + "\n")
        print(json.dumps(record), flush=True)
        if record["rc"] != 0:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
