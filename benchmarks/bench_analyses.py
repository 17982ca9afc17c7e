"""The per-document analyses the notebooks map per partition, timed one by one in one process.

    .venv/bin/python benchmarks/bench_analyses.py [--docs 2000] [--seed 0]
        [--chunk-size 10000] [--label after]

Generates ``--docs`` articles with `benchmarks/make_corpus.py`'s generator (seeded; the file
goes to `benchmarks/data/`), builds its Parquet cache in a temporary folder, then reads each
cache part as a worker does and times, part by part, every step of the two mapped functions
of :mod:`framelab.run`:

* ``stance_tables`` (03_stance): ``stance.find_mentions``, ``stance.score_mentions`` with
  the default scorer, then with the learned one, and ``framing.find_quotes``;
* ``framing_tables`` (01_framing, 05_time): ``framing.match_sentences``, ``frame_kwic``,
  ``voice_taggers``, ``label_mentions``, ``actor_mentions``, ``frames`` and
  ``reporting_verbs``;

then each mapped function whole, through ``RunCorpus.map`` on the local engine, and
``count_corpus`` on the same file (empty cache), the yardstick of issue 14's goal (the
whole report at most 10x it). Each figure is the wall time per article (ms) and the CPU
seconds of this process; the load average is read before and after. Results go to
`benchmarks/results/analyses.md`, one section per ``--label`` (a run replaces the section of
its label and keeps the others, so a "before" and an "after" stay side by side).

Partitions are ``--chunk-size`` documents, the cache's default, as in a report: work that
grows with the partition shows up per article.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_corpus
from _common import DATA_DIR, RESULTS_DIR, machine, table
from framelab import framing, stance
from framelab.codebook import load_codebook
from framelab.corpus import DEFAULT_CHUNK_SIZE, body, with_document_columns
from framelab.run import RunCorpus, build_cache, count_corpus, framing_tables, stance_tables

RESULT = RESULTS_DIR / "analyses.md"
TITLE = "# Benchmark: the per-document analyses, one process (issue 14)"


class Clock:
    """Wall and CPU seconds per step, summed over partitions."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def run(self, name: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        out = func(*args, **kwargs)
        self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall
        self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu
        return out


def corpus_file(docs: int, seed: int) -> Path:
    """The generated corpus (made if missing); seed 0 shares the other benchmarks' file."""
    folder = DATA_DIR if seed == 0 else DATA_DIR / f"seed-{seed}"
    path = folder / f"corpus-{docs}.jsonl"
    if not path.exists():
        make_corpus.write(docs, "jsonl", seed, folder)
    return path


def time_steps(run: RunCorpus, clock: Clock) -> dict[str, int]:
    """Every step of the two mapped functions, part by part, as ``framelab.run`` calls them."""
    cb = load_codebook()
    targets = stance.resolve_targets("", cb)
    sizes = {"mentions": 0, "quotes": 0, "label mentions": 0, "matches": 0}
    folder = run.cache.build_sentences(progress=False)
    for doc_path in run.cache.parts:
        docs = pd.read_parquet(doc_path)
        sents = with_document_columns(pd.read_parquet(folder / doc_path.name), docs)
        # stance_tables
        analysed = body(sents)
        found = clock.run("stance: find_mentions", stance.find_mentions, analysed, cb,
                          targets=targets, documents=docs)
        for scorer in ("default", "learned"):
            clock.run(f"stance: score_mentions {scorer}", stance.score_mentions, found,
                      analysed, scorers=(scorer,), codebook=cb)
        quotes = clock.run("stance: find_quotes", framing.find_quotes, docs, cb,
                           sentences=sents)
        # framing_tables
        matches = clock.run("framing: match_sentences", framing.match_sentences, sents, cb)
        kw = clock.run("framing: frame_kwic", framing.frame_kwic, sents, docs, cb,
                       matches=matches)
        taggers = clock.run("framing: voice_taggers", framing.voice_taggers, sents, docs, cb)
        labels = clock.run("framing: label_mentions", framing.label_mentions, sents, docs, cb,
                           matches=matches, taggers=taggers)
        clock.run("framing: actor_mentions", framing.actor_mentions, sents, docs, cb,
                  matches=matches, taggers=taggers)
        clock.run("framing: frames", framing.frames, sents, docs, cb, matches=matches, kwic=kw)
        clock.run("framing: reporting_verbs", framing.reporting_verbs, sents, docs, cb,
                  matches=matches)
        sizes["mentions"] += len(found)
        sizes["quotes"] += len(quotes)
        sizes["label mentions"] += len(labels)
        sizes["matches"] += len(matches)
    return sizes


def time_mapped(run: RunCorpus, clock: Clock) -> None:
    cb = load_codebook()
    targets = stance.resolve_targets("", cb)
    clock.run("stance_tables (mapped, whole)", stance_tables, run, cb, targets=targets,
              scorers=("default", "learned"))
    clock.run("framing_tables (mapped, whole)", framing_tables, run, cb)


def section(label: str, args: argparse.Namespace, clock: Clock, sizes: dict[str, int],
            n_parts: int, loads: tuple[float, float]) -> str:
    per = 1000.0 / args.docs
    rows = [[name, f"{clock.wall[name] * per:.2f}", f"{clock.cpu[name]:.1f}"]
            for name in clock.wall]
    info = machine()
    info["load average (1 min)"] = f"{loads[0]:.2f} before, {loads[1]:.2f} after"
    lines = [f"## {label}", "",
             (f"{args.docs:,} generated articles (seed {args.seed}) in {n_parts} part(s) of "
              f"at most {args.chunk_size:,}; {sizes['mentions']:,} stance mentions, "
              f"{sizes['quotes']:,} quotations, {sizes['matches']:,} codebook matches, "
              f"{sizes['label mentions']:,} label mentions."), "",
             table(["step", "ms per article (wall)", "CPU s"], rows), "",
             "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    return "\n".join(lines) + "\n"


def write_section(label: str, text: str) -> Path:
    """Replace the section of ``label`` in the results file, keeping the others."""
    sections: dict[str, str] = {}
    if RESULT.exists():
        body_text = RESULT.read_text(encoding="utf-8").split("\n## ", 1)
        if len(body_text) == 2:
            for chunk in re.split(r"\n(?=## )", "## " + body_text[1]):
                name = chunk.splitlines()[0][3:].strip()
                sections[name] = chunk.rstrip() + "\n"
    sections[label] = text
    intro = (f"{TITLE}\n\nWritten by `benchmarks/bench_analyses.py`: every step of "
             "`framelab.run.stance_tables` and `framing_tables`, timed part by part in one "
             "process, then each mapped function whole and `count_corpus` on the same file. "
             "Milliseconds per article are wall time on a shared machine; the load average "
             "is in each section, and CPU seconds beside the wall time are the steadier "
             "comparison. The generated articles resample a few hundred seed sentences, so a "
             "sentence's text recurs far more often than in real news: work cached per "
             "sentence text (the stance scorers' analysis of a sentence, as before this "
             "work) is reused more here than on a real corpus.\n")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    tmp = RESULT.with_suffix(".md.tmp")
    tmp.write_text(intro + "\n" + "\n".join(sections.values()), encoding="utf-8")
    os.replace(tmp, RESULT)
    return RESULT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="generated articles")
    parser.add_argument("--seed", type=int, default=0, help="generator seed")
    parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE,
                        help="documents per cache part")
    parser.add_argument("--label", default="latest", help="section of the results file")
    parser.add_argument("--no-mapped", action="store_true",
                        help="skip the mapped functions and count_corpus (steps only)")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.chunk_size < 1:
        parser.error("--docs and --chunk-size must be at least 1")
    path = corpus_file(args.docs, args.seed)
    load_before = os.getloadavg()[0]
    clock = Clock()
    with tempfile.TemporaryDirectory(prefix="bench-analyses-") as tmp:
        cache = build_cache(path, cache_dir=Path(tmp) / "cache", chunk_size=args.chunk_size,
                            progress=False)
        with RunCorpus(cache, progress=False) as run:
            run.cache.build_sentences(progress=False)
            sizes = time_steps(run, clock)
            if not args.no_mapped:
                time_mapped(run, clock)
        if not args.no_mapped:
            clock.run("count_corpus (empty cache)", count_corpus, path,
                      cache_dir=Path(tmp) / "count", chunk_size=args.chunk_size,
                      progress=False)
        n_parts = len(cache.parts)
    text = section(args.label, args, clock, sizes, n_parts, (load_before, os.getloadavg()[0]))
    print(text)
    print(write_section(args.label, text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
