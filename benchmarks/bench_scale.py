"""A million documents through ingestion and counting, in one process and on Dask.

    .venv/bin/python benchmarks/bench_scale.py [--docs 1000000] [--workers 2]

Generates benchmarks/data/corpus-<N>.jsonl if missing (benchmarks/make_corpus.py), then runs
framelab.run.count_corpus (read + normalise + cache the documents, segment, tokenize and
count codebook labels and stance-target mentions per chunk) twice, each in a fresh process
with an empty cache: once in-process (engine="local") and once on a Dask LocalCluster of
--workers worker processes (engine="dask"). Records wall time per phase, peak resident memory
of the process and all its children (psutil, sampled every 0.1 s), and checks that both runs
give identical tables. Goals (issue 7): peak RSS <= 2 GB; Dask >= 1.7x the single-process
speed; identical results. Writes benchmarks/results/scale.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA_DIR, PeakRSS, Timer, cpu_seconds, table, write_result

GOAL_RSS = 2 * 2**30


def run_one(corpus: Path, engine: str, workers: int, chunk_size: int, out: Path) -> dict:
    """One measured run (called in a fresh process); tables go to ``out`` as Parquet."""
    import logging
    import os

    from framelab.run import Engine, build_cache, count_corpus

    logging.getLogger("distributed").setLevel(logging.ERROR)
    cache_dir = out / "cache"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    result: dict = {"engine": engine, "workers": workers if engine == "dask" else 1,
                    "load_before": os.getloadavg()[0]}
    cpu0 = cpu_seconds()
    with PeakRSS() as rss, Timer() as total:
        with Timer() as start:
            eng = Engine(engine, workers=workers if engine == "dask" else None).start()
        cpu1 = cpu_seconds()
        with Timer() as ingest:
            build_cache(corpus, cache_dir=cache_dir, chunk_size=chunk_size, sentences=False,
                        engine=eng, progress=True)
        cpu2 = cpu_seconds()
        with Timer() as count:
            counts = count_corpus(corpus, cache_dir=cache_dir, chunk_size=chunk_size,
                                  engine=eng, progress=True)
        cpu3 = cpu_seconds()
        eng.close()
    result.update(seconds=total.seconds, start_seconds=start.seconds,
                  ingest_seconds=ingest.seconds, count_seconds=count.seconds,
                  start_cpu=cpu1 - cpu0, ingest_cpu=cpu2 - cpu1, count_cpu=cpu3 - cpu2,
                  load_after=os.getloadavg()[0], peak_rss=rss.peak, peak_pss=rss.peak_pss,
                  n_documents=counts.n_documents, n_sentences=counts.n_sentences,
                  n_tokens=counts.n_tokens)
    for name, frame in counts.tables().items():
        frame.to_parquet(out / f"{name}.parquet")
    shutil.rmtree(cache_dir, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000, help="documents (default 1M)")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--chunk-size", type=int, default=10_000, help="documents per chunk")
    parser.add_argument("--engines", default="local,dask", help="which runs (default both)")
    parser.add_argument("--run", help=argparse.SUPPRESS)  # internal: one measured run
    args = parser.parse_args(argv)
    corpus = DATA_DIR / f"corpus-{args.docs}.jsonl"
    work = DATA_DIR / f"scale-{args.docs}"
    if args.run:
        result = run_one(corpus, args.run, args.workers, args.chunk_size, work / args.run)
        (work / f"{args.run}.json").write_text(json.dumps(result))
        return 0

    import pandas as pd

    if not corpus.is_file():
        from make_corpus import write

        began = time.perf_counter()
        write(args.docs, "jsonl")
        print(f"generated {corpus} in {time.perf_counter() - began:.0f} s", flush=True)
    mb = corpus.stat().st_size / 1e6
    results = {}
    for engine in args.engines.split(","):
        print(f"== {engine}", flush=True)
        subprocess.run([sys.executable, __file__, "--docs", str(args.docs), "--workers",
                        str(args.workers), "--chunk-size", str(args.chunk_size), "--run",
                        engine], check=True)
        results[engine] = json.loads((work / f"{engine}.json").read_text())
        print(results[engine], flush=True)

    identical = None
    if len(results) == 2:
        a, b = (work / e for e in results)
        identical = all(pd.read_parquet(a / f.name).equals(pd.read_parquet(b / f.name))
                        for f in sorted(a.glob("*.parquet")))
    rows = []
    for engine, r in results.items():
        cpu = r["start_cpu"] + r["ingest_cpu"] + r["count_cpu"]
        rows.append([f"{engine} ({r['workers']} process{'es' if r['workers'] > 1 else ''})",
                     f"{r['start_seconds']:.0f}", f"{r['ingest_seconds']:.0f}",
                     f"{r['count_seconds']:.0f}", f"{r['seconds']:.0f}",
                     f"{mb / r['seconds']:.1f}", f"{args.docs / r['seconds']:.0f}",
                     f"{r['start_cpu']:.0f} / {r['ingest_cpu']:.0f} / {r['count_cpu']:.0f}"
                     f" = {cpu:.0f}", f"{r['load_before']:.1f} / {r['load_after']:.1f}",
                     f"{r['peak_rss'] / 2**30:.2f} / {r['peak_pss'] / 2**30:.2f}"])
    first = next(iter(results.values()))
    lines = [f"{args.docs:,} documents ({mb:,.0f} MB of JSONL, {first['n_sentences']:,} "
             f"sentences, {first['n_tokens']:,} tokens counted), chunks of "
             f"{args.chunk_size:,} documents. Command: `.venv/bin/python "
             f"benchmarks/bench_scale.py --docs {args.docs} --workers {args.workers}"
             + ("" if args.engines == "local,dask" else f" --engines {args.engines}")
             + "`.", "",
             "Each run is a fresh process with an empty cache. *start* starts the engine (for "
             "Dask a LocalCluster of worker processes). *ingest* streams the JSONL, checks it "
             "(ids, empty and repeated texts) and writes the Parquet cache; normalising and "
             "line hashing run on the engine. *count* segments every chunk with the "
             "corpus-wide boilerplate lines, tokenizes it and runs the codebook automaton "
             "once per sentence (labels, events, verbs, frames; actor mentions per stance "
             "target), on the engine.", "",
             table(["engine", "start s", "ingest s", "count s", "total s", "MB/s", "docs/s",
                    "CPU s start / ingest / count (incl. children)",
                    "load avg before / after", "peak RSS / PSS GiB (incl. children)"], rows), "",
             "Wall times depend on what else runs on the machine (see the load averages; "
             "the benchmark runs under `nice`). CPU seconds do not.", ""]
    if "local" in results and "dask" in results:
        loc, dsk = results["local"], results["dask"]
        speed = loc["seconds"] / dsk["seconds"]
        cpu_local = loc["ingest_cpu"] + loc["count_cpu"]
        cpu_dask = dsk["ingest_cpu"] + dsk["count_cpu"]
        idle = cpu_local / (cpu_dask / args.workers)
        lines.append(f"- Dask with {args.workers} workers vs one process, wall time: "
                     f"{speed:.2f}x (goal >= 1.7x: {'met' if speed >= 1.7 else 'NOT met'}). "
                     f"CPU work: one process {cpu_local:.0f} s, Dask {cpu_dask:.0f} s "
                     f"({cpu_dask / cpu_local - 1:+.0%} overhead); if the {args.workers} "
                     f"cores were free that bounds the speed-up at {idle:.2f}x")
    peak = max(r["peak_rss"] for r in results.values())
    lines.append(f"- peak RSS {peak / 2**30:.2f} GiB (goal <= 2 GiB: "
                 f"{'met' if peak <= GOAL_RSS else 'NOT met'})")
    if identical is not None:
        lines.append(f"- identical tables (summary, terms, group terms, labels, targets): "
                     f"{'yes' if identical else 'NO'}")
    print(write_result(f"scale-{args.docs}", f"Benchmark: {args.docs:,} documents, ingestion + "
                       "counting", "\n".join(lines)))
    return 0 if identical is not False else 1


if __name__ == "__main__":
    sys.exit(main())
