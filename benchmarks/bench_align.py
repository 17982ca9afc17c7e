"""Benchmark: the reuse notebook's sentence alignment and passage changes, batched vs per pair.

One command, e.g.::

    .venv/bin/python benchmarks/bench_align.py --corpus benchmarks/data/corpus-3000.jsonl \\
        --cache-dir benchmarks/data/.cache --reference

builds the candidate pairs as ``notebooks/04_reuse.ipynb`` does with its default parameters
(shingle and rewrite layers, partner bound, merge, the pairs the shingle layer aligns), then
times ``reuse.align_passages`` and ``reuse.passage_changes``. With ``--reference`` it also
times the per-pair loops they replaced (kept in ``tests/reuse/test_alignment.py``), one
after the other with the new ones, and checks that the frames are equal. Writes
``benchmarks/results/align-<documents>.md``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
from _common import ROOT, PeakRSS, table, write_result
from framelab import reuse
from framelab import run as fr
from framelab.codebook import load_codebook


def _reference_module():
    """The per-pair loops, from the test module that keeps them."""
    sys.path.insert(0, str(ROOT / "tests"))
    path = ROOT / "tests" / "reuse" / "test_alignment.py"
    spec = importlib.util.spec_from_file_location("test_alignment", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timed(fn, *args, **kwargs) -> tuple[object, float, float, float]:
    """Result, wall seconds, CPU seconds and peak RSS above the start (MB) of one call."""
    with PeakRSS() as peak:
        rss = peak.peak
        start, cpu = time.perf_counter(), time.process_time()
        out = fn(*args, **kwargs)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return out, wall, cpu, (peak.peak - rss) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, help="a corpus file or folder")
    parser.add_argument("--cache-dir", default="", help="Parquet cache of the corpus")
    parser.add_argument("--reference", action="store_true",
                        help="also time the per-pair loops and compare the frames")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    run = fr.open_run_corpus(args.corpus, cache_dir=args.cache_dir)
    documents = run.documents
    sentences = fr.reuse_sentences(run)
    shingles = fr.reuse_shingles(run, shingle_size=5)
    found = reuse.candidate_pairs(documents, sentences, shingles=shingles, shingle_size=5)
    cb = load_codebook(None)
    kept = reuse.bound_shingle_candidates(found, 20)
    layer = reuse.find_rewrite_candidates(documents, sentences, mwes=cb.mwes,
                                          aliases=reuse.actor_aliases(cb), pairs=kept)
    candidates = reuse.merge_candidates(kept, reuse.bound_rewrite_candidates(
        layer.candidates, 20), documents, sentences, shingle_size=5, shingles=shingles)
    shingled = candidates[reuse.needs_shingle_alignment(candidates)]
    load = os.getloadavg()[0]
    passages, *t_align = _timed(reuse.align_passages, shingled, sentences, documents=documents)
    rewrite, _ = reuse.align_rewrites(candidates, sentences, layer)
    both = reuse.stack_layers(passages, rewrite)
    changes, *t_changes = _timed(reuse.passage_changes, both, documents, codebook=cb)
    rows = [["align_passages (batched)", *t_align], ["passage_changes", *t_changes]]
    same = ""
    if args.reference:
        ref = _reference_module()
        old, *t_old = _timed(ref._reference, shingled, sentences, documents=documents)
        old_changes, *t_old_changes = _timed(ref._ref_passage_changes, both, documents,
                                             codebook=cb)
        pd.testing.assert_frame_equal(passages, old)
        pd.testing.assert_frame_equal(changes, old_changes)
        rows += [["align_passages (per-pair loop it replaced)", *t_old],
                 ["passage_changes (per-passage loop it replaced)", *t_old_changes]]
        same = "The frames of the batched and the per-pair versions are equal.\n\n"
    body = (f"Corpus `{Path(args.corpus).name}`: {len(documents):,} documents, "
            f"{len(sentences):,} sentences; {len(shingled):,} candidate pairs aligned "
            f"sentence by sentence ({len(candidates):,} candidates), {len(passages):,} "
            f"passages, {len(changes):,} changes. Load average (1 min) at the start: "
            f"{load:.2f}, at the end: {os.getloadavg()[0]:.2f}.\n\n" + same
            + table(["step", "wall s", "CPU s", "peak RSS above start MB"],
                    [[name, f"{w:.1f}", f"{c:.1f}", f"{m:.0f}"] for name, w, c, m in rows]))
    path = write_result(f"align-{len(documents)}", "Sentence alignment and passage changes",
                        body)
    print(path.read_text())


if __name__ == "__main__":
    main()
