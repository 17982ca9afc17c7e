"""Generate a benchmark corpus from the sentences of the seed articles, varied.

    .venv/bin/python benchmarks/make_corpus.py --docs 1000000 --format jsonl

Each document gets 3-9 paragraphs of 1-3 sentences drawn from the seeds' analysed sentences
(original typography kept, so normalisation has work to do), a random outlet from 24 and a
random date in 2023-2024. Every occurrence of a sentence is varied: codebook phrases (actors,
labels, reporting verbs, events) are kept, half of the other content words are replaced by
pseudo-words (Zipf-distributed over N_WORDS, so the vocabulary grows with the corpus as real
vocabularies do; 30% of them from the document's own rare words, its "story details"), and 30%
of the stop words are redrawn. So sentence texts rarely repeat and two independent documents
rarely share a long identical run of words, while the framing vocabulary the notebooks count
is the seeds'. Reuse is planted: 3% of the documents are copies of a recent document of
another outlet (its paragraphs, one left out, dated 0-3 days later), 2% rewrites (the same
seed sentences in the same order with their own variation, the source's story details
kept). The planted pairs are written beside the corpus (``corpus-<N>.planted.csv``).

Before 2026-12-07 the corpus repeated the seed sentences verbatim (``--resample``, file
``corpus-<N>-resampled``): with about 415 distinct sentences, any two documents then shared a
whole sentence with a probability of about 30%, so the reuse notebook faced billions of
related pairs and every per-text cache hit, which no real corpus does.

One outlet in three adds a sign-off line to 60% of its articles, which segmentation must find
as boilerplate across the whole corpus. A planted switch gives the time notebook (10_time)
something to find: from SWITCH_DATE on, the largest outlet (:func:`switch_outlet`, so it is
among the groups the notebook follows) writes "terrorist(s)" wherever its sentences say
"rebel(s)"; pass ``-p events="<EVENTS>"`` to ``framelab report`` to mark the date.
Deterministic for a given --seed (the switch changes words only, never the random draws).
Files go to benchmarks/data/ (git-ignored): corpus-<N>.<format>.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import sys
import time
from collections import deque
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA_DIR, ROOT

N_OUTLETS = 24
BATCH = 20_000
#: The planted switch: the largest outlet says "terrorists" for "rebels" from this date on.
SWITCH_DATE = _dt.date(2024, 11, 27)
#: The ``events`` parameter of notebook 10_time for this corpus.
EVENTS = "2024-11-27=planted switch"
_REBEL = re.compile(r"\b([Rr])ebel(s?)\b")


def switch_labels(text: str) -> str:
    """"rebel(s)" -> "terrorist(s)", keeping an initial capital."""
    return _REBEL.sub(lambda m: ("T" if m.group(1) == "R" else "t") + "errorist" + m.group(2),
                      text)


def _outlet_weights(rng: np.random.Generator) -> np.ndarray:
    return rng.dirichlet(np.ones(N_OUTLETS) * 2)


def switch_outlet(seed: int = 0) -> str:
    """The outlet with the planted switch: the one with the most documents in expectation."""
    return f"Outlet {int(np.argmax(_outlet_weights(np.random.default_rng(seed)))):02d}"


def seed_sentences() -> list[str]:
    from framelab.corpus import body, load_run_corpus

    _, sentences = load_run_corpus(ROOT / "seeds")
    return body(sentences)["text"].tolist()


#: Pseudo-words the varied corpus draws replacement words from (Zipf-distributed ranks).
N_WORDS = 60_000
#: Share of a sentence's replaceable words (not stop words, not codebook phrases, not
#: numbers) replaced in each occurrence of the sentence.
REPLACE = 0.5
#: Share of stop words (outside codebook phrases) redrawn from STOP in each occurrence, so
#: that two independent occurrences of a sentence rarely keep a long identical run of words.
STOP_SWAP = 0.3
STOP = np.array(["the", "of", "and", "to", "in", "a", "on", "for", "that", "with", "was", "by",
                 "at", "from", "as", "is", "it", "its", "has", "have", "were", "be", "this",
                 "an", "but", "after"], dtype=object)
#: Words of a document's own (its story's names and details: rare pseudo-words) and the share
#: of replaced words drawn from them. A rewrite keeps its source's.
N_SPECIFIC, SPECIFIC_SHARE = 6, 0.3
#: Share of documents planted as a copy / a rewrite of a recent document of another outlet.
COPY_RATE, REWRITE_RATE = 0.03, 0.02
#: Planted documents take their source among the last RECENT documents generated.
RECENT = 500
_WORD = re.compile(r"[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*")


def _pseudo_words(n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct lower-case pseudo-words of two to four syllables and a final consonant."""
    cons, vowels = np.array(list("bdfgklmnprstvz")), np.array(list("aeiou"))
    words: dict[str, None] = {}
    while len(words) < n:
        m = 2 * (n - len(words))
        c = cons[rng.integers(len(cons), size=(m, 5))]
        v = vowels[rng.integers(len(vowels), size=(m, 4))]
        syllables = rng.integers(2, 5, size=m)
        for row in range(m):
            k = int(syllables[row])
            words.setdefault("".join(c[row, i] + v[row, i] for i in range(k)) + c[row, 4], None)
            if len(words) == n:
                break
    return np.array(list(words), dtype=object)


class _Sentence:
    """A pool sentence cut into parts, with the parts a varied occurrence may replace."""

    def __init__(self, text: str, protected: list[tuple[int, int]], stop: frozenset[str]):
        self.parts: list[str] = []
        self.slots: list[int] = []  # replaceable content words
        self.stops: list[int] = []  # stop words
        self.capital: dict[int, bool] = {}
        at = 0
        for m in _WORD.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in protected):
                continue
            self.parts.append(text[at:m.start()])
            (self.stops if m.group().lower() in stop else self.slots).append(len(self.parts))
            self.capital[len(self.parts)] = m.group()[:1].isupper()
            self.parts.append(m.group())
            at = m.end()
        self.parts.append(text[at:])


class _Varied:
    """Occurrences of the pool sentences with half their replaceable words redrawn."""

    def __init__(self, pool: list[str], rng: np.random.Generator) -> None:
        from framelab.codebook import load_codebook
        from framelab.tokens import STOP_WORDS

        matcher = load_codebook().matcher
        stop = frozenset(STOP_WORDS)
        self.sentences = [_Sentence(t, [(m.start, m.end) for m in matcher.find(t)], stop)
                          for t in pool]
        self.words = _pseudo_words(N_WORDS, rng)
        ranks = 1.0 / np.arange(1, N_WORDS + 1)
        self.cdf = np.minimum(np.cumsum(ranks / ranks.sum()), 1.0 - 1e-12)
        self.rng = rng

    def specific(self) -> np.ndarray:
        """A document's own words: rare pseudo-words (from the last two thirds of the ranks)."""
        return self.words[self.rng.integers(N_WORDS // 3, N_WORDS, size=N_SPECIFIC)]

    def occurrence(self, k: int, specific: np.ndarray) -> str:
        s = self.sentences[k]
        parts = list(s.parts)
        chosen = np.flatnonzero(self.rng.random(len(s.slots)) < REPLACE)
        drawn = self.words[np.searchsorted(self.cdf, self.rng.random(len(chosen)))]
        own = self.rng.random(len(chosen)) < SPECIFIC_SHARE
        drawn[own] = specific[self.rng.integers(len(specific), size=int(own.sum()))]
        swapped = np.flatnonzero(self.rng.random(len(s.stops)) < STOP_SWAP)
        slots = [s.slots[c] for c in chosen] + [s.stops[c] for c in swapped]
        words = [*drawn, *STOP[self.rng.integers(len(STOP), size=len(swapped))]]
        for slot, word in zip(slots, words):
            parts[slot] = word.capitalize() if s.capital[slot] else word
        return "".join(parts)


def documents(n: int, seed: int = 0, *, resample: bool = False):
    """Yield DataFrames of at most BATCH generated documents (doc_id, outlet, date, title,
    text, planted).

    ``planted`` is "" or "copy of <doc_id>" / "rewrite of <doc_id>". With ``resample`` the
    sentences are the seeds' own, verbatim (the corpus of the benchmarks before 2026-12-07:
    any two documents then share whole sentences with a probability of about 30%).
    """
    rng = np.random.default_rng(seed)
    pool_texts = seed_sentences()
    pool = np.array(pool_texts, dtype=object)
    outlets = [f"Outlet {i:02d}" for i in range(N_OUTLETS)]
    weights = _outlet_weights(rng)
    switcher = outlets[int(np.argmax(weights))]
    signoff = {o: f"{o} is an independent news service. Subscribe for daily briefings."
               for i, o in enumerate(outlets) if i % 3 == 0}
    varied = None if resample else _Varied(pool_texts, np.random.default_rng([seed, 1]))
    plant = np.random.default_rng([seed, 2])
    #: recent documents: (doc_id, outlet index, date, paragraphs of pool indices, texts,
    #: own words)
    recent: deque[tuple] = deque(maxlen=RECENT)
    start = _dt.date(2023, 1, 1)
    for first in range(0, n, BATCH):
        m = min(BATCH, n - first)
        outlet_idx = rng.choice(N_OUTLETS, size=m, p=weights)
        days = rng.integers(0, 731, size=m)
        n_paras = rng.integers(3, 10, size=m)
        rows = []
        for j in range(m):
            k = int(n_paras[j])
            sizes = rng.integers(1, 4, size=k)
            picks = rng.integers(0, len(pool), size=int(sizes.sum()))
            layout = []
            at = 0
            for size in sizes:
                layout.append(picks[at:at + size].tolist())
                at += size
            o = int(outlet_idx[j])
            date = start + _dt.timedelta(days=int(days[j]))
            planted = ""
            paras: list[str] = []
            specific = None
            if varied is not None:
                specific = varied.specific()
                u = plant.random()
                if recent and u < COPY_RATE + REWRITE_RATE:
                    src = recent[int(plant.integers(len(recent)))]
                    o = (src[1] + 1 + int(plant.integers(N_OUTLETS - 1))) % N_OUTLETS
                    date = src[2] + _dt.timedelta(days=int(plant.integers(0, 4)))
                    if u < COPY_RATE:  # the source's paragraphs, one left out
                        planted = f"copy of {src[0]}"
                        keep = list(range(len(src[4])))
                        if len(keep) > 2:
                            del keep[int(plant.integers(len(keep)))]
                        paras = [src[4][i] for i in keep]
                        layout = [src[3][i] for i in keep]
                    else:  # the same sentences in the same order, reworded
                        planted = f"rewrite of {src[0]}"
                        layout = src[3]
                    specific = src[5]
                if not paras:
                    paras = [" ".join(varied.occurrence(i, specific) for i in para)
                             for para in layout]
            else:
                paras = [" ".join(pool[para]) for para in layout]
            outlet = outlets[o]
            doc_id = f"doc{first + j:07d}"
            recent.append((doc_id, o, date, layout, list(paras), specific))
            if outlet in signoff and rng.random() < 0.6:
                paras.append(signoff[outlet])
            text = "\n\n".join(paras)
            if outlet == switcher and date >= SWITCH_DATE:
                text = switch_labels(text)
            title = str(pool[layout[0][0]]) if varied is None else paras[0]
            rows.append((doc_id, outlet, date.isoformat(), title[:80], text, planted))
        yield pd.DataFrame(rows, columns=["doc_id", "outlet", "date", "title", "text",
                                          "planted"])


def write(n: int, fmt: str, seed: int = 0, out_dir: Path = DATA_DIR, *,
          resample: bool = False) -> Path:
    """Write the corpus of ``n`` documents in ``fmt`` (jsonl, csv or parquet) and its planted
    pairs beside it (``corpus-<n>.planted.csv``: doc_a the source, doc_b the planted
    document, relation copy or rewrite); return the corpus's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"corpus-{n}" + ("-resampled" if resample else "")
    path = out_dir / f"{stem}.{fmt}"
    tmp = path.with_name(path.name + ".tmp")
    planted: list[pd.DataFrame] = []

    def frames():
        for frame in documents(n, seed, resample=resample):
            marked = frame[frame["planted"] != ""]
            how = marked["planted"].str.split(" of ", n=1, expand=True)
            if len(marked):
                planted.append(pd.DataFrame({"doc_a": how[1], "doc_b": marked["doc_id"],
                                             "relation": how[0]}))
            yield frame.drop(columns="planted")

    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer = None
        for frame in frames():
            table = pa.Table.from_pandas(frame, preserve_index=False)
            writer = writer or pq.ParquetWriter(tmp, table.schema, compression="zstd")
            writer.write_table(table)
        if writer is not None:
            writer.close()
    else:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            for i, frame in enumerate(frames()):
                if fmt == "jsonl":
                    handle.writelines(json.dumps(r, ensure_ascii=False) + "\n"
                                      for r in frame.to_dict("records"))
                else:
                    frame.to_csv(handle, index=False, header=i == 0, lineterminator="\n")
    tmp.replace(path)
    pairs = (pd.concat(planted, ignore_index=True) if planted
             else pd.DataFrame(columns=["doc_a", "doc_b", "relation"]))
    pairs.to_csv(out_dir / f"{stem}.planted.csv", index=False)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000, help="number of documents")
    parser.add_argument("--format", default="jsonl",
                        help="comma-separated: jsonl, csv, parquet (default jsonl)")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output folder")
    parser.add_argument("--resample", action="store_true",
                        help="the seeds' sentences verbatim, no planted reuse (the corpus of "
                             "the benchmarks before 2026-12-07; file corpus-<N>-resampled)")
    args = parser.parse_args(argv)
    for fmt in args.format.split(","):
        if fmt not in ("jsonl", "csv", "parquet"):
            parser.error(f"--format {fmt!r}: use jsonl, csv or parquet")
        began = time.perf_counter()
        path = write(args.docs, fmt, args.seed, args.out, resample=args.resample)
        print(f"{path}: {args.docs} documents, {path.stat().st_size / 1e6:.1f} MB, "
              f"{time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
