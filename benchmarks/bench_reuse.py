"""Benchmark: reuse candidate pairs on 100,000+ documents with MinHash + LSH vs all pairs.

One command: ``.venv/bin/python benchmarks/bench_reuse.py`` (about 2-4 minutes on 2 cores).
Writes ``benchmarks/results/reuse.md`` with the machine, the versions and the figures.

The corpus is generated here: each document resamples 6-10 sentences of the seed articles
and rewrites about a third of their words at random (so unrelated documents share topic
words but few 5-word runs, as same-topic news does), and ``--planted`` near-duplicate pairs
are planted: a copy of a document with a share of its words replaced, two sentences swapped
and one dropped. Recall is the share of planted pairs found among the candidates.

Steps timed:
1. MinHash signatures, computed per partition of ``--partition`` documents and concatenated
   (as a Dask engine would), with LSH bucket tables per partition combined exactly;
2. the same through ``framelab.reuse.candidate_pairs(method="minhash")`` end to end (shingle
   sets, signatures, LSH, exact Jaccard/containment of every candidate);
3. the all-pairs alternative, extrapolated from timed samples: exact Jaccard of two shingle
   sets, and comparing two MinHash signatures (the cheapest per-pair test).
Peak memory is the peak RSS above the starting RSS, sampled every 20 ms during each step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import platform
import resource
import threading
import time
from pathlib import Path
from typing import Self

import framelab
import numpy as np
import pandas as pd
import psutil
from _common import cpu_model
from framelab import corpus, reuse
from framelab.paths import SEEDS_DIR
from framelab.reuse import _minhash as minhash

log = logging.getLogger("bench_reuse")
RESULTS = Path(__file__).resolve().parent / "results" / "reuse.md"


class PeakRSS:
    """Context manager sampling this process's RSS in a thread; ``peak`` is bytes above start."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._proc = psutil.Process()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss - self.start)
            time.sleep(self.interval)

    def __enter__(self) -> Self:
        self.start = self._proc.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self.t0, self.c0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.c0
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss - self.start)


def seed_sentences() -> list[list[str]]:
    _documents, sentences = corpus.load_run_corpus(SEEDS_DIR)
    return [s.split() for s in corpus.body(sentences)["text_norm"] if len(s.split()) >= 4]


def generate(n_docs: int, n_planted: int, *, rewrite: float, edit: float,
             seed: int) -> tuple[list[str], list[tuple[int, int]]]:
    """``n_docs`` documents, the last ``n_planted`` of them near-duplicates of earlier ones."""
    rng = np.random.default_rng(seed)
    pool = seed_sentences()
    vocab = np.array(sorted({w for s in pool for w in s}))
    lengths = np.array([len(s) for s in pool])
    flat = np.array([w for s in pool for w in s])
    offsets = np.r_[0, np.cumsum(lengths)]
    n_base = n_docs - n_planted
    docs_sentences: list[list[str]] = []
    for _ in range(n_base):
        picks = rng.choice(len(pool), size=rng.integers(6, 11), replace=False)
        idx = np.concatenate([np.arange(offsets[p], offsets[p + 1]) for p in picks])
        words = flat[idx].copy()
        mask = rng.random(len(words)) < rewrite
        words[mask] = rng.choice(vocab, size=int(mask.sum()))
        bounds = np.cumsum(lengths[picks])[:-1]
        docs_sentences.append([" ".join(s) for s in np.split(words, bounds)])
    planted = []
    for k in range(n_planted):
        src = int(rng.integers(n_base))
        sents = list(docs_sentences[src])
        if len(sents) > 3:
            i, j = rng.choice(len(sents), size=2, replace=False)
            sents[i], sents[j] = sents[j], sents[i]
            del sents[int(rng.integers(len(sents)))]
        words = np.array(" ".join(sents).split())
        mask = rng.random(len(words)) < edit
        words[mask] = rng.choice(vocab, size=int(mask.sum()))
        docs_sentences.append([" ".join(words)])
        planted.append((src, n_base + k))
    return ["\n".join(s) for s in docs_sentences], planted


def machine() -> dict[str, str]:
    return {"date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "cpu": cpu_model(),
            "cores": str(os.cpu_count()), "ram": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
            "python": platform.python_version(), "numpy": np.__version__,
            "pandas": pd.__version__, "framelab": framelab.__version__,
            "platform": platform.platform()}


def _markdown(table: pd.DataFrame) -> str:
    head = [str(table.index.name or "")] + [str(c) for c in table.columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join([str(i)] + [str(v) for v in row]) + " |"
              for i, row in zip(table.index, table.to_numpy())]
    return "\n".join(lines)


def layers_benchmark(args: argparse.Namespace) -> None:
    """Both layers and the relation rules on a corpus with planted copies, rewrites, quotes."""
    import tempfile

    from framelab.codebook import load_codebook
    from make_reuse_corpus import generate as generate_planted

    n_each = args.planted // 3
    t0 = time.perf_counter()
    n_topics = max(2, args.docs // args.story_size)
    table, planted = generate_planted(args.docs, n_copies=n_each, n_rewrites=n_each,
                                      n_quotes=n_each, n_topics=n_topics, seed=args.seed)
    gen_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "planted.csv"
        table.to_csv(path, index=False)
        t0 = time.perf_counter()
        documents, sentences = corpus.load_run_corpus(
            path, columns={"text": "text", "outlet": "outlet", "id": "doc_id"})
        load_s = time.perf_counter() - t0
    sentences = corpus.body(sentences)
    log.info("generated %d documents (%.0f s), loaded %d sentences (%.0f s)", len(documents),
             gen_s, len(sentences), load_s)
    cb = load_codebook(None)
    steps: dict[str, PeakRSS] = {}
    # the steps of reuse.find_reuse (and of notebook 04), timed one by one
    with PeakRSS() as steps["shingle layer: shingles + candidate_pairs"]:
        sets, n_tokens = reuse.shingle_sets(reuse.doc_texts(documents, sentences))
        shingles = pd.DataFrame({"doc_id": documents["doc_id"].astype(str).to_numpy(),
                                 "n_tokens": n_tokens, "shingles": pd.Series(sets, dtype=object)})
        shingle = reuse.candidate_pairs(documents, sentences, seed=args.seed, shingles=shingles)
    with PeakRSS() as steps["rewrite layer: content space, nearest documents, their sentences"]:
        shingle_kept = reuse.bound_shingle_candidates(shingle, args.max_partners)
        layer = reuse.find_rewrite_candidates(documents, sentences, mwes=cb.mwes,
                                              aliases=reuse.actor_aliases(cb),
                                              neighbours=args.neighbours, seed=args.seed,
                                              pairs=shingle_kept)
    with PeakRSS() as steps["both: partner bound + merge_candidates"]:
        content_kept = reuse.bound_rewrite_candidates(layer.candidates, args.max_partners)
        candidates = reuse.merge_candidates(shingle_kept, content_kept, documents, sentences,
                                            shingles=shingles)
    with PeakRSS() as steps["shingle layer: align_passages (pairs it needs)"]:
        shingled = candidates[reuse.needs_shingle_alignment(candidates)]
        passages = reuse.align_passages(shingled, sentences, documents=documents)
    with PeakRSS() as steps["rewrite layer: ordered chains (align_rewrites)"]:
        chained, chains = reuse.align_rewrites(candidates, sentences, layer)
        both = reuse.stack_layers(passages, chained)
    with PeakRSS() as steps["passage_changes (both layers)"]:
        changes = reuse.passage_changes(both, documents, codebook=cb)
    with PeakRSS() as steps["quotations (documents of pairs sharing a shingle)"]:
        pairs = reuse.reuse_pairs(candidates, passages, documents, sentences, min_aligned=0)
        quoted = reuse.document_quotes(documents, sentences, cb,
                                       doc_ids=reuse.quoting_documents(pairs))
    with PeakRSS() as steps["reuse_pairs + classify_pairs"]:
        pairs = reuse.classify_pairs(pairs, both, chains, changes, quoted, documents,
                                     sentences, codebook=cb)
    for name, step in steps.items():
        log.info("%s: %.1f s", name, step.seconds)
    found = {(a, b): r for a, b, r in zip(pairs["doc_a"], pairs["doc_b"], pairs["relation"])}
    truth = {(a, b): r for a, b, r in planted.itertuples(index=False)}
    outcome = [found.get(k, "missed") for k in truth]
    confusion = pd.crosstab(pd.Series(list(truth.values()), name="planted"),
                            pd.Series(outcome, name="assigned"))
    # two planted variants of one source (or a quote-sharing document and a variant of it)
    # are related through it: counted apart from the unrelated pairs
    family: dict[str, str] = {}
    for a, b, r in planted.itertuples(index=False):
        if r != "shared_source":
            family[b] = family.get(a, a)
    related = {k for k in found if k not in truth
               and family.get(k[0], k[0]) == family.get(k[1], k[1])}
    siblings = pd.Series([found[k] for k in related], dtype=object)
    other = pd.Series([r for k, r in found.items() if k not in truth and k not in related],
                      dtype=object)
    info = machine()
    recall = {rel: float(np.mean([o == rel for t, o in zip(truth.values(), outcome) if t == rel]))
              for rel in ("copy", "rewrite", "shared_source")}
    paired = {rel: float(np.mean([o != "missed" for t, o in zip(truth.values(), outcome)
                                  if t == rel])) for rel in ("copy", "rewrite", "shared_source")}
    lines = [
        "# Reuse relations: both layers on a corpus with planted copies, rewrites and quotes",
        "",
        (f"Run `{Path(__file__).name} --layers` on {info['date']}: {info['cpu']}, "
         f"{info['cores']} cores, {info['ram']} RAM; Python {info['python']}, numpy "
         f"{info['numpy']}, pandas {info['pandas']}, framelab {info['framelab']}."),
        "",
        (f"Corpus: {len(documents):,} documents from `benchmarks/make_reuse_corpus.py` "
         f"(seed {args.seed}; {len(sentences):,} body sentences; generation {gen_s:.0f} s, "
         f"loading and segmentation {load_s:.0f} s) on {n_topics} stories (about "
         f"{args.story_size} documents each share a story's vocabulary), with {n_each} "
         "planted pairs of each relation. Shingle candidates: method "
         f"{'exact' if len(documents) <= 2000 else 'minhash'}; rewrite-layer sentence "
         f"threshold {layer.threshold:.3f} (null rule); neighbours={args.neighbours} (sentences "
         "compared inside each document's that many nearest documents by content-word "
         "cosine, and inside the shingle candidates; 0: every sentence pair above the "
         f"threshold); {len(layer.similar):,} similar sentence pairs; {len(layer.candidates):,} rewrite-layer candidate pairs; "
         f"{len(candidates):,} candidates after the partner bound (max_partners="
         f"{args.max_partners}) and merge, {len(shingled):,} of them aligned by the shingle "
         f"layer; {len(pairs):,} pairs in `reuse_pairs`."),
        "",
        "| step | wall time (CPU time) | peak RSS above start |",
        "|---|---|---|",
        *[f"| {name} | {st.seconds:.1f} s ({st.cpu:.1f} s) | {st.peak / 2**20:.0f} MB |"
          for name, st in steps.items()],
        "",
        (f"Whole reuse stage: {sum(st.seconds for st in steps.values()):.1f} s wall "
         f"({sum(st.cpu for st in steps.values()):.1f} s CPU). Time the rewrite layer adds "
         "(its candidates, the partner bound and merge, its chains): "
         f"{sum(st.seconds for k, st in steps.items() if 'rewrite' in k or 'merge' in k):.1f}"
         " s wall; the shingle layer's steps: "
         f"{sum(st.seconds for k, st in steps.items() if 'shingle' in k):.1f} s."),
        "",
        ("Recall (planted pair in `reuse_pairs` with the planted relation; in brackets: "
         "paired at all):"),
        "",
        "| relation | recall | paired |",
        "|---|---|---|",
        *[f"| {rel} | {recall[rel]:.3f} | {paired[rel]:.3f} |" for rel in recall],
        "",
        "Planted relation (rows) against the relation assigned (columns):",
        "",
        _markdown(confusion),
        "",
        ("Pairs of two variants of one planted source, by relation: "
         + (", ".join(f"{k} {v}" for k, v in siblings.value_counts().items()) or "none")
         + "."),
        "",
        ("Other pairs that were not planted, by relation (generated documents of one topic share "
         "vocabulary; anything but `same_story` here is a false positive): "
         + (", ".join(f"{k} {v}" for k, v in other.value_counts().items()) or "none") + "."),
        "",
        (f"Peak RSS of the whole benchmark process (it holds the documents and sentence "
         "tables, as the notebook's kernel does): "
         f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GB."),
        "",
        (f"Load while measuring: 1-minute load average {os.getloadavg()[0]:.1f} on "
         f"{info['cores']} cores (shared machine)."),
        "",
    ]
    out = args.out if args.out != RESULTS else RESULTS.with_name("reuse_layers.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    log.info("wrote %s", out)
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", action="store_true",
                        help="benchmark both layers and the relation rules on a corpus from "
                             "make_reuse_corpus.py (--docs, --planted pairs split evenly "
                             "between copy, rewrite and shared_source); writes "
                             "results/reuse_layers.md")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--story-size", type=int, default=12,
                        help="--layers: documents per generated story (topic)")
    parser.add_argument("--planted", type=int, default=1000)
    parser.add_argument("--partition", type=int, default=10_000)
    parser.add_argument("--num-perm", type=int, default=128)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--rewrite", type=float, default=0.35,
                        help="share of words rewritten in every generated document")
    parser.add_argument("--edit", type=float, default=0.03,
                        help="share of words changed in a planted near-duplicate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--neighbours", type=int, default=10,
                        help="--layers: rewrite layer: nearest documents compared per document "
                             "(0: every sentence pair)")
    parser.add_argument("--max-partners", type=int, default=20,
                        help="--layers: candidate pairs kept per document and layer")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.layers:
        layers_benchmark(args)
        return

    t0 = time.perf_counter()
    texts, planted = generate(args.docs, args.planted, rewrite=args.rewrite, edit=args.edit,
                              seed=args.seed)
    gen_s = time.perf_counter() - t0
    mb = sum(len(t.encode()) for t in texts) / 1e6
    log.info("generated %d documents (%.0f MB) in %.1f s", len(texts), mb, gen_s)
    ids = np.arange(len(texts))
    bands = minhash.choose_bands(args.num_perm, args.threshold)
    rows = args.num_perm // bands

    # 1. per-partition signatures + LSH buckets, combined
    with PeakRSS() as step1:
        parts, buckets = [], []
        for lo in range(0, len(texts), args.partition):
            sig = minhash.minhash_signatures(texts[lo:lo + args.partition],
                                             num_perm=args.num_perm, seed=args.seed)
            parts.append(sig)
            buckets.append(minhash.lsh_buckets(sig, ids[lo:lo + args.partition], bands=bands))
        t_sig = time.perf_counter() - step1.t0
        found = minhash.candidates_from_buckets(pd.concat(buckets, ignore_index=True))
    signatures = np.concatenate(parts)
    cand = set(zip(found["doc_a"].tolist(), found["doc_b"].tolist()))
    recall1 = sum((min(p), max(p)) in cand for p in planted) / len(planted)
    log.info("step 1: %.1f s (signatures %.1f s), %d candidates, recall %.3f, peak +%.0f MB",
             step1.seconds, t_sig, len(found), recall1, step1.peak / 2**20)

    # 2. candidate_pairs end to end
    documents = pd.DataFrame({"doc_id": [f"d{i:06d}" for i in ids], "outlet": "",
                              "text_norm": texts})
    with PeakRSS() as step2:
        pairs = reuse.candidate_pairs(documents, method="minhash", threshold=args.threshold,
                                      num_perm=args.num_perm, seed=args.seed)
    index = {d: i for i, d in enumerate(documents["doc_id"])}
    kept = set(zip(pairs["doc_a"].map(index), pairs["doc_b"].map(index)))
    recall2 = sum((min(p), max(p)) in kept for p in planted) / len(planted)
    log.info("step 2: %.1f s, %d pairs kept, recall %.3f, peak +%.0f MB", step2.seconds,
             len(pairs), recall2, step2.peak / 2**20)

    # exact Jaccard of the planted pairs, and recall by Jaccard band
    sample_sets, _ = minhash.shingle_sets(texts[:2000])
    involved = sorted({d for p in planted for d in p})
    planted_sets = dict(zip(involved, minhash.shingle_sets([texts[d] for d in involved])[0]))
    jac = np.array([len(np.intersect1d(planted_sets[a], planted_sets[b]))
                    / len(np.union1d(planted_sets[a], planted_sets[b])) for a, b in planted])
    hit = np.array([(a, b) in cand for a, b in planted])
    est = np.array([minhash.estimate_jaccard(signatures[a], signatures[b]) for a, b in planted])

    # 3. all pairs, extrapolated
    rng = np.random.default_rng(1)
    n_sample = 20_000
    ia, ib = rng.integers(len(sample_sets), size=(2, n_sample))
    t = time.perf_counter()
    for a, b in zip(ia, ib):
        inter = len(np.intersect1d(sample_sets[a], sample_sets[b], assume_unique=True))
        _ = inter / max(1, len(sample_sets[a]) + len(sample_sets[b]) - inter)
    per_exact = (time.perf_counter() - t) / n_sample
    big = 1_000_000
    ia, ib = rng.integers(len(signatures), size=(2, big))
    t = time.perf_counter()
    for lo in range(0, big, 100_000):
        _ = (signatures[ia[lo:lo + 100_000]] == signatures[ib[lo:lo + 100_000]]).mean(axis=1)
    per_sig = (time.perf_counter() - t) / big
    n_pairs = len(texts) * (len(texts) - 1) // 2
    random_pairs = n_pairs - len(planted)
    false_cand = len(cand - {(min(p), max(p)) for p in planted})

    info = machine()
    bins = [(0.0, 0.3), (0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.8), (0.8, 1.01)]
    by_bin = []
    for lo, hi in bins:
        m = (jac >= lo) & (jac < hi)
        if m.any():
            expected = np.mean(1 - (1 - jac[m] ** rows) ** bands)
            by_bin.append(f"| {lo:.1f}-{min(hi, 1.0):.1f} | {int(m.sum())} | "
                          f"{hit[m].mean():.3f} | {expected:.3f} |")
    lines = [
        "# Reuse candidate pairs: MinHash + LSH vs all pairs",
        "",
        (f"Run `{Path(__file__).name}` on {info['date']}: {info['cpu']}, {info['cores']} cores, "
        f"{info['ram']} RAM; {info['platform']}; Python {info['python']}, numpy "
        f"{info['numpy']}, pandas {info['pandas']}, framelab {info['framelab']}."),
        "",
        (f"Corpus: {len(texts):,} generated documents ({mb:.0f} MB of text; generation "
        f"{gen_s:.0f} s), {len(planted):,} planted near-duplicate pairs "
        f"(edit rate {args.edit:.0%}; exact shingle Jaccard median {np.median(jac):.2f}, "
        f"range {jac.min():.2f}-{jac.max():.2f}). Every other document rewrites "
        f"{args.rewrite:.0%} of the words of 6-10 resampled seed sentences. Shingles: "
        "5 tokens; MinHash: "
        f"{args.num_perm} permutations; LSH: {bands} bands x {rows} rows (threshold "
        f"~{minhash.lsh_threshold(bands, rows):.2f}, chosen for Jaccard {args.threshold})."),
        "",
        "| step | wall time (CPU time) | peak RSS above start | candidates | recall of planted pairs |",
        "|---|---|---|---|---|",
        (f"| signatures per partition of {args.partition:,} + LSH buckets combined | "
        f"{step1.seconds:.1f} s ({step1.cpu:.1f} s; signatures {t_sig:.1f} s) | {step1.peak / 2**20:.0f} MB | "
        f"{len(found):,} | {recall1:.3f} |"),
        (f"| `reuse.candidate_pairs(method=\"minhash\")` end to end (with exact check) | "
        f"{step2.seconds:.1f} s ({step2.cpu:.1f} s) | {step2.peak / 2**20:.0f} MB | {len(pairs):,} kept | "
        f"{recall2:.3f} |"),
        (f"| all pairs, exact Jaccard of shingle sets (extrapolated from {n_sample:,} pairs) | "
        f"{per_exact * n_pairs / 3600:,.1f} h wall ({per_exact * 1e6:.1f} us/pair x "
        f"{n_pairs:,.0f} pairs) | | | 1 |"),
        (f"| all pairs, comparing MinHash signatures (extrapolated from {big:,} pairs) | "
        f"{per_sig * n_pairs / 60:,.1f} min ({per_sig * 1e9:.0f} ns/pair) | | | |"),
        "",
        (f"LSH candidates that are not planted pairs: {false_cand:,} of {random_pairs:,.0f} "
        f"random pairs ({false_cand / random_pairs:.1e}). MinHash estimate vs exact Jaccard "
        f"on the planted pairs: mean absolute error {np.mean(np.abs(est - jac)):.3f}, max "
        f"{np.max(np.abs(est - jac)):.3f}."),
        "",
        (f"Load while measuring: 1-minute load average {os.getloadavg()[0]:.1f} on "
        f"{info['cores']} cores (the machine is shared; wall times above CPU times mean "
        "the process waited for a core)."),
        "",
        ("Recall by exact Jaccard of the planted pair, against the LSH S-curve "
        "1 - (1 - J^r)^b:"),
        "",
        "| Jaccard | planted pairs | found | expected |",
        "|---|---|---|---|",
        *by_bin,
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    tmp.replace(args.out)
    log.info("wrote %s", args.out)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
