"""Generate a benchmark corpus by resampling the sentences of the seed articles.

    .venv/bin/python benchmarks/make_corpus.py --docs 1000000 --format jsonl

Each document gets 3-9 paragraphs of 1-3 sentences drawn from the seeds' analysed sentences
(original typography kept, so normalisation has work to do), a random outlet from 24 and a
random date in 2023-2024. One outlet in three adds a sign-off line to 60% of its articles,
which segmentation must find as boilerplate across the whole corpus. A planted switch gives
the time notebook (10_time) something to find: from SWITCH_DATE on, the largest outlet
(:func:`switch_outlet`, so it is among the groups the notebook follows) writes "terrorist(s)"
wherever its resampled sentences say "rebel(s)"; pass ``-p events="<EVENTS>"`` to
``framelab report`` to mark the date. Deterministic for a
given --seed (the switch changes words only, never the random draws). Files go to
benchmarks/data/ (git-ignored): corpus-<N>.<format>.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import sys
import time
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


def documents(n: int, seed: int = 0):
    """Yield DataFrames of at most BATCH generated documents (doc_id, outlet, date, title, text)."""
    rng = np.random.default_rng(seed)
    pool = np.array(seed_sentences(), dtype=object)
    outlets = [f"Outlet {i:02d}" for i in range(N_OUTLETS)]
    weights = _outlet_weights(rng)
    switcher = outlets[int(np.argmax(weights))]
    signoff = {o: f"{o} is an independent news service. Subscribe for daily briefings."
               for i, o in enumerate(outlets) if i % 3 == 0}
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
            paras, at = [], 0
            for size in sizes:
                paras.append(" ".join(pool[picks[at:at + size]]))
                at += size
            outlet = outlets[outlet_idx[j]]
            if outlet in signoff and rng.random() < 0.6:
                paras.append(signoff[outlet])
            date = start + _dt.timedelta(days=int(days[j]))
            text = "\n\n".join(paras)
            if outlet == switcher and date >= SWITCH_DATE:
                text = switch_labels(text)
            rows.append((f"doc{first + j:07d}", outlet, date.isoformat(),
                         str(pool[picks[0]])[:80], text))
        yield pd.DataFrame(rows, columns=["doc_id", "outlet", "date", "title", "text"])


def write(n: int, fmt: str, seed: int = 0, out_dir: Path = DATA_DIR) -> Path:
    """Write the corpus of ``n`` documents in ``fmt`` (jsonl, csv or parquet); return the path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"corpus-{n}.{fmt}"
    tmp = path.with_name(path.name + ".tmp")
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer = None
        for frame in documents(n, seed):
            table = pa.Table.from_pandas(frame, preserve_index=False)
            writer = writer or pq.ParquetWriter(tmp, table.schema, compression="zstd")
            writer.write_table(table)
        if writer is not None:
            writer.close()
    else:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            for i, frame in enumerate(documents(n, seed)):
                if fmt == "jsonl":
                    handle.writelines(json.dumps(r, ensure_ascii=False) + "\n"
                                      for r in frame.to_dict("records"))
                else:
                    frame.to_csv(handle, index=False, header=i == 0, lineterminator="\n")
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000, help="number of documents")
    parser.add_argument("--format", default="jsonl",
                        help="comma-separated: jsonl, csv, parquet (default jsonl)")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output folder")
    args = parser.parse_args(argv)
    for fmt in args.format.split(","):
        if fmt not in ("jsonl", "csv", "parquet"):
            parser.error(f"--format {fmt!r}: use jsonl, csv or parquet")
        began = time.perf_counter()
        path = write(args.docs, fmt, args.seed, args.out)
        print(f"{path}: {args.docs} documents, {path.stat().st_size / 1e6:.1f} MB, "
              f"{time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
