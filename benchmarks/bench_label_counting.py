"""Benchmark: counting the whole codebook in one automaton pass.

Builds a corpus of ``--docs`` documents (default 100,000) by resampling the body sentences of
the seed articles, then times on the same text:

* a plain single ``\\w+`` regular-expression scan, sentence by sentence (the floor:
  tokenising, nothing matched);
* the codebook's matcher (:class:`framelab.codebook.Matcher`: every actor, label, event,
  verb and frame phrase, overlaps resolved), counted per ``(layer, key)`` three ways:
  :meth:`~framelab.codebook.Matcher.find` on every sentence,
  :meth:`~framelab.codebook.Matcher.find_many` with each document's sentences as one batch,
  and :meth:`~framelab.codebook.Matcher.count_many` likewise (a ``Counter``, no ``Match``);
* a matcher of the ``label`` layer only (label terms and ``label_ignore``), batched per
  document, since the goal names codebook label counting;
* the per-phrase regular-expression loop (:func:`framelab.codebook.reference_matches`: one
  regex per phrase), on the first ``--reference-docs`` documents only, since it is about a
  hundred times slower; every matcher's counts on those documents must equal it exactly, and
  on the whole corpus the matcher's three ways must agree with each other.

Results, with the machine, go to ``benchmarks/results/label_counting.md``.

Run: ``.venv/bin/python benchmarks/bench_label_counting.py`` (two to three minutes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import sys
import time
from collections import Counter
from importlib import metadata
from pathlib import Path

from _common import cpu_model
from framelab.codebook import Matcher, load_codebook, reference_matches
from framelab.corpus import body, load_run_corpus
from framelab.paths import PROJECT_ROOT, SEEDS_DIR

RESULTS = PROJECT_ROOT / "benchmarks" / "results" / "label_counting.md"
WORD = re.compile(r"\w+")


def build_corpus(n_docs: int, seed: int) -> tuple[list[str], list[list[int]]]:
    _, sentences = load_run_corpus(SEEDS_DIR)
    pool = list(body(sentences)["text_norm"])
    rng = random.Random(seed)
    docs = [[rng.randrange(len(pool)) for _ in range(rng.randint(3, 8))] for _ in range(n_docs)]
    return pool, docs


def timed(label: str, func) -> tuple[tuple[float, float], object]:
    """Run ``func``; return ((cpu seconds of this process, wall seconds), result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{label}: {cpu:.2f} s CPU, {wall:.2f} s wall", flush=True)
    return (cpu, wall), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="documents to generate")
    parser.add_argument("--reference-docs", type=int, default=1_000,
                        help="documents also counted with the per-phrase regex loop")
    parser.add_argument("--seed", type=int, default=0, help="seed of the resampling")
    parser.add_argument("--out", type=Path, default=RESULTS, help="markdown results file")
    args = parser.parse_args(argv)

    pool, docs = build_corpus(args.docs, args.seed)
    sizes = [len(s.encode("utf-8")) for s in pool]
    n_sent = sum(len(d) for d in docs)
    mb = sum(sizes[i] for d in docs for i in d) / 1e6
    ref_docs = docs[:args.reference_docs]
    ref_mb = sum(sizes[i] for d in ref_docs for i in d) / 1e6
    print(f"{len(docs):,} documents, {n_sent:,} sentences, {mb:.1f} MB "
          f"(pool of {len(pool)} seed sentences)", flush=True)

    codebook = load_codebook()
    matcher = codebook.matcher
    labels = Matcher([e for e in codebook.entries() if e[0] == "label"])
    n_ignore = sum(1 for _, key, _ in labels.entries if not key)

    def word_scan() -> int:
        return sum(len(WORD.findall(pool[i])) for d in docs for i in d)

    def by_sentence(subset: list[list[int]]) -> Counter:
        counts: Counter = Counter()
        find = matcher.find
        for d in subset:
            for i in d:
                counts.update((m.layer, m.key) for m in find(pool[i]))
        return counts

    def by_document(subset: list[list[int]], which: Matcher = matcher) -> Counter:
        counts: Counter = Counter()
        find_many = which.find_many
        for d in subset:
            counts.update((m.layer, m.key) for found in find_many([pool[i] for i in d])
                          for m in found)
        return counts

    def counted(subset: list[list[int]], which: Matcher = matcher) -> Counter:
        counts: Counter = Counter()
        count_many = which.count_many
        for d in subset:
            counts.update(count_many([pool[i] for i in d]))
        return counts

    def per_phrase(subset: list[list[int]]) -> Counter:
        counts: Counter = Counter()
        for d in subset:
            for i in d:
                counts.update((m.layer, m.key) for m in reference_matches(pool[i], matcher))
        return counts

    t_word, n_words = timed("\\w+ scan", word_scan)
    t_find, c_find = timed("find, per sentence", lambda: by_sentence(docs))
    t_many, c_many = timed("find_many, per document", lambda: by_document(docs))
    t_count, c_count = timed("count_many, per document", lambda: counted(docs))
    t_lab, c_lab = timed("label layer: find_many, per document",
                         lambda: by_document(docs, labels))
    t_labc, c_labc = timed("label layer: count_many, per document",
                           lambda: counted(docs, labels))
    t_ref, ref_counts = timed("per-phrase regex loop (subset)", lambda: per_phrase(ref_docs))
    ref_labels = Counter({k: v for k, v in ref_counts.items() if k[0] == "label"})
    subset = {"find": by_sentence(ref_docs), "find_many": by_document(ref_docs),
              "count_many": counted(ref_docs)}
    problems = [f"{name} on the subset" for name, c in subset.items() if c != ref_counts]
    problems += [f"label-only {name} on the subset" for name, c in
                 (("find_many", by_document(ref_docs, labels)),
                  ("count_many", counted(ref_docs, labels))) if c != ref_labels]
    problems += [f"{name} on the corpus" for name, c in
                 (("find_many", c_many), ("count_many", c_count)) if c != c_find]
    all_labels = Counter({k: v for k, v in c_find.items() if k[0] == "label"})
    problems += [f"label-only {name} on the corpus" for name, c in
                 (("find_many", c_lab), ("count_many", c_labc)) if c != all_labels]
    identical = not problems
    for problem in problems:
        print(f"COUNTS DIFFER: {problem}", file=sys.stderr)

    n_match = f"{sum(c_find.values()):,} matches"
    label_name = f"{len(labels):,} label-layer phrases ({n_ignore} of them `label_ignore`)"
    rows = [
        ("plain `\\w+` regex scan (one regex), per sentence", mb, t_word,
         f"{n_words:,} tokens"),
        (f"`Matcher.find`, all {len(matcher):,} phrases, one call per sentence", mb, t_find,
         n_match),
        (f"`Matcher.find_many`, all {len(matcher):,} phrases, one call per document", mb,
         t_many, n_match),
        (f"`Matcher.count_many`, all {len(matcher):,} phrases, one call per document", mb,
         t_count, n_match),
        (f"`Matcher.find_many`, {label_name}, one call per document", mb, t_lab,
         f"{sum(c_lab.values()):,} label matches"),
        (f"`Matcher.count_many`, {label_name}, one call per document", mb, t_labc,
         f"{sum(c_labc.values()):,} label matches"),
        (f"per-phrase regex loop, all phrases, first {len(ref_docs):,} documents, per "
         "sentence", ref_mb, t_ref, f"{sum(ref_counts.values()):,} matches"),
    ]
    ref_speed = ref_mb / t_ref[0]
    lines = [
        "# Label counting benchmark",
        "",
        (f"Generated by `benchmarks/bench_label_counting.py` on {dt.date.today().isoformat()}. "
         f"Corpus: {len(docs):,} documents ({n_sent:,} sentences, {mb:.1f} MB UTF-8) made by "
         f"resampling {len(pool)} body sentences of the seed articles (3-8 per document, "
         f"seed {args.seed}). Single-threaded. Every row counts matches per (layer, key) into "
         "a `Counter`; \"per sentence\" calls once per sentence, \"per document\" passes a "
         "document's sentences as one batch (the texts are joined by a character no phrase "
         "contains, so the result is the same as per sentence)."),
        "",
        "| method | MB | CPU s | wall s | MB/s (CPU) | output |",
        "|---|---:|---:|---:|---:|---|",
        *[f"| {name} | {size:.2f} | {sec[0]:.2f} | {sec[1]:.2f} | {size / sec[0]:.2f} | {out} |"
          for name, size, sec, out in rows],
        "",
        (f"Counts per (layer, key) on the first {len(ref_docs):,} documents equal the "
         f"per-phrase reference for `find`, `find_many` and `count_many` (and, for the label "
         f"layer, both label-only rows); on the whole corpus the three ways agree with each "
         f"other and the label-only matcher with the label layer of the full one: "
         f"**{'yes' if identical else 'NO: ' + '; '.join(problems)}** ({len(ref_counts)} "
         f"distinct keys in the reference). Speed relative to the per-phrase loop: `find` "
         f"{(mb / t_find[0]) / ref_speed:.0f}x, `find_many` {(mb / t_many[0]) / ref_speed:.0f}x; "
         f"relative to the bare `\\w+` scan: `find` {t_word[0] / t_find[0]:.2f}x, `find_many` "
         f"{t_word[0] / t_many[0]:.2f}x, `count_many` {t_word[0] / t_count[0]:.2f}x. MB/s are "
         "from the process's CPU time (`time.process_time`), which other work on a shared "
         "machine inflates less than wall-clock time (shown beside it); still, on a shared "
         "machine whole runs differ by up to about 20%, so compare rows of one run."),
        "",
        "## Machine",
        "",
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores (shared with other work)",
        (f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}"),
        (f"- pyahocorasick {metadata.version('pyahocorasick')}, codebook version "
        f"{codebook.version}"),
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0 if identical else 1


if __name__ == "__main__":
    raise SystemExit(main())
