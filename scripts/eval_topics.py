"""Measure topic models on a labelled news corpus: coherence, stability, label agreement, time.

    .venv/bin/python scripts/eval_topics.py --corpus /work/data/bbc --sample 1000 \
        --write-jsonl /work/data/bbc_sample1000.jsonl          # convert, sample, then measure
    .venv/bin/python scripts/eval_topics.py --corpus /work/data/bbc_sample1000.jsonl \
        --configs today,consensus

``--corpus`` is either a folder with one sub-folder of ``.txt`` articles per section (the layout
of the BBC News dataset of Greene & Cunningham 2006: ``business/001.txt`` ...; first line the
headline) or a framelab table (JSONL with ``doc_id``, ``text``, ``outlet`` and a ``section``
label column). A folder is converted to that table (``doc_id`` = ``section-file stem``,
``outlet`` = the folder name, ``title`` = the first line), and ``--sample N`` draws N articles
with ``--sample-seed`` (without replacement, then sorted by doc id). ``--write-jsonl`` keeps the
converted sample, so later runs read exactly the same articles.

For each configuration (``--configs``; see :data:`CONFIGS`) the script fits a
:class:`framelab.topics.TopicModel` at k = ``--k`` with documents as units, the DTM pruned as
the ``02_topics`` notebook does (``min_df=2``, ``max_df=0.9``), and reports

- ``npmi``: mean NPMI of each reported topic's top 10 terms, with the document as the window,
  counted on the whole corpus (independent of the model's own scores);
- ``stability``: median over topics of the model's ``stability_`` (top-10 Jaccard against the
  seed runs), and ``recurring`` = topics found in at least half of the seed runs;
- ``replication``: median top-10 Jaccard between the reported topics of two fits with disjoint
  seeds and another ``random_state`` (the whole procedure run twice; the second fits only the
  runs at k, which are all the reported topics depend on), matched one to one, and
  ``replication_cosine`` likewise with the cosine of the distributions;
- ``nmi``: normalised mutual information between each article's main topic and its section;
- ``seconds``: wall time of ``fit`` plus ``transform`` of every unit (what the notebook spends
  on topics after counting terms).

The data are never committed: they stay outside the project, e.g. under ``/work/data/``.
Results are printed as a Markdown table (and appended to ``--out`` when given).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from framelab import topics
from framelab.corpus import ColumnMap, body, load_corpus, segment, units
from framelab.errors import CorpusError
from framelab.topics import match_topics, npmi_from_dtm, top_term_ids
from sklearn.metrics import normalized_mutual_info_score

log = logging.getLogger("eval_topics")

#: TopicModel parameters of each configuration, on top of :data:`COMMON`.
COMMON: dict[str, Any] = {"top_n": 10, "progress": False}
# the 02_topics notebook's grid; the runs at k are the grid's unless n_seed_runs says more
def _ints(values: str | int | list[int]) -> list[int]:
    """Seeds as a list: "0,1,2", 3 or [0, 1, 2] (the forms TopicModel accepts)."""
    if isinstance(values, str):
        return [int(v) for v in values.split(",") if v.strip()]
    return [int(values)] if isinstance(values, int) else [int(v) for v in values]


_GRID = {"k_grid": "3,4,5,6,8", "seeds": "0,1,2", "n_seed_runs": None}
CONFIGS: dict[str, dict[str, Any]] = {
    # framelab before issue 18: one more fit with random_state on all units
    "today": {**_GRID, "reported": "refit"},
    # restarts: the seed run at k with the best held-out perplexity
    "best_restart": {**_GRID, "reported": "best"},
    # a better-converged refit: 3x the batch iterations
    "refit_60_iter": {**_GRID, "reported": "refit", "max_iter": 60},
    # consensus of the grid's 3 seed runs at k (no extra fit)
    "consensus_3": {**_GRID, "reported": "consensus"},
    # consensus of 10 seed runs at k (7 more fits at k only)
    "consensus_10": {**_GRID, "reported": "consensus", "n_seed_runs": 10},
}
SECOND_SEEDS_OFFSET = 100  # seeds of the replication fit: each seed + this offset


def read_section_folder(folder: Path) -> pd.DataFrame:
    """Articles of a folder with one sub-folder per section as a framelab input table."""
    rows = []
    for section in sorted(p for p in folder.iterdir() if p.is_dir()):
        for path in sorted(section.glob("*.txt")):
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
            title = text.strip().splitlines()[0].strip() if text.strip() else ""
            rows.append({"doc_id": f"{section.name}-{path.stem}", "title": title,
                         "text": text.strip(), "outlet": folder.name,
                         "section": section.name})
    if rows:
        table = pd.DataFrame(rows)
        copies = table["text"].duplicated()
        if copies.any():
            log.info("dropping %d articles whose text repeats an earlier one (%s ...)",
                     int(copies.sum()), ", ".join(table.loc[copies, "doc_id"].head(3)))
        return table.loc[~copies].reset_index(drop=True)
    raise CorpusError(f"{folder}: no <section>/*.txt articles found; give a folder with one "
                      "sub-folder of .txt files per section, or a JSONL table")


def sample_rows(table: pd.DataFrame, n: int | None, seed: int) -> pd.DataFrame:
    """``n`` rows drawn without replacement with ``seed``, sorted by doc id (all when None)."""
    if n is None or n >= len(table):
        return table.sort_values("doc_id").reset_index(drop=True)
    pick = np.random.default_rng(seed).choice(len(table), size=n, replace=False)
    return table.iloc[pick].sort_values("doc_id").reset_index(drop=True)


def load(args: argparse.Namespace) -> pd.DataFrame:
    """The documents table of ``--corpus`` (a section folder is converted and sampled)."""
    path = Path(args.corpus)
    if not path.is_dir():
        return load_corpus(path, columns=ColumnMap(text="text", id="doc_id", outlet="outlet"))
    table = sample_rows(read_section_folder(path), args.sample, args.sample_seed)
    if not args.write_jsonl:
        return _loaded(table)
    out = Path(args.write_jsonl)
    table.to_json(out, orient="records", lines=True, force_ascii=False)
    log.info("wrote %d articles to %s", len(table), out)
    return load_corpus(out, columns=ColumnMap(text="text", id="doc_id", outlet="outlet"))


def _loaded(table: pd.DataFrame) -> pd.DataFrame:
    """Load an in-memory table through framelab's loader (via a temporary JSONL)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        table.to_json(path, orient="records", lines=True, force_ascii=False)
        return load_corpus(path, columns=ColumnMap(text="text", id="doc_id", outlet="outlet"))


def document_dtm(docs: pd.DataFrame, unit: str = "document") -> tuple[pd.DataFrame, Any]:
    sentences = segment(docs)
    return topics.topic_dtm(units(body(sentences), unit), min_df=2, max_df=0.9)


def _setting(item: str) -> tuple[str, Any]:
    """``NAME=VALUE`` of ``--set`` as a TopicModel keyword (numbers parsed, "none" = None)."""
    name, sep, value = item.partition("=")
    if not sep or not name:
        raise SystemExit(f"--set {item!r}: use NAME=VALUE, e.g. fit_doc_iter=20")
    for convert in (int, float):
        try:
            return name, convert(value)
        except ValueError:
            pass
    return name, None if value.lower() == "none" else value


def fit(params: dict[str, Any], X: Any, vocab: np.ndarray) -> tuple[Any, np.ndarray, float]:
    start = time.perf_counter()
    model = topics.TopicModel(**params).fit(X, vocabulary=vocab)
    theta = model.transform(X)
    return model, theta, time.perf_counter() - start


def _fits(params: dict[str, Any], model: Any) -> int:
    """LDA fits of one TopicModel.fit: the grid, extra seed runs at k, a refit."""
    n_grid = len(model.k_selection_)
    n_extra = int(model.stability_["n_runs"].max()) - model.k_selection_["seed"].nunique()
    return n_grid + n_extra + (params.get("reported", "consensus") == "refit")


def measure(name: str, params: dict[str, Any], X: Any, vocab: np.ndarray,
            labels: np.ndarray, replicate: bool) -> dict[str, Any]:
    model, theta, seconds = fit(params, X, vocab)
    npmi = npmi_from_dtm(top_term_ids(model.components_, 10), X)
    stab = model.stability_
    n_runs = int(stab["n_runs"].max())
    found = stab["seed_runs"]
    row = {"config": name, "k": model.n_topics_, "fits": _fits(params, model),
           "npmi": float(np.mean(npmi)),
           "stability": float(np.median(stab["stability"])),
           "min_stability": float(stab["stability"].min()),
           "recurring": f"{int((found >= n_runs / 2).sum())}/{model.n_topics_}",
           "nmi": float(normalized_mutual_info_score(labels, theta.argmax(axis=1))),
           "seconds": seconds}
    row["cosine"] = float(np.median(stab["cosine"]))
    row["js_similarity"] = float(np.median(stab["js_similarity"]))
    if replicate:
        seeds = [s + SECOND_SEEDS_OFFSET for s in _ints(params["seeds"])]
        # runs at other k do not touch the topics at k, so the twin fits the runs at k only
        other = dict(params, seeds=",".join(map(str, seeds)), k_grid=str(model.n_topics_),
                     random_state=params.get("random_state", 0) + SECOND_SEEDS_OFFSET)
        twin, _, _ = fit(other, X, vocab)
        if twin.n_topics_ == model.n_topics_:
            sims = match_topics(model.components_, twin.components_, top_n=10)[1]
            row["replication"] = float(np.median(sims))
            cos = match_topics(model.components_, twin.components_, metric="cosine")[1]
            row["replication_cosine"] = float(np.median(cos))
    return row


def markdown(frame: pd.DataFrame) -> str:
    """A Markdown table, floats to 3 decimals."""
    cells = [[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row]
             for row in frame.itertuples(index=False)]
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |",
             "|" + "---|" * len(frame.columns)]
    return "\n".join(lines + ["| " + " | ".join(c) + " |" for c in cells])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", required=True, help="section folder of .txt or JSONL table")
    parser.add_argument("--sample", type=int, default=None, help="articles drawn from a folder")
    parser.add_argument("--sample-seed", type=int, default=0)
    parser.add_argument("--write-jsonl", default="", help="keep the converted sample here")
    parser.add_argument("--label-column", default="section")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--configs", default="today", help=f"comma-separated of {list(CONFIGS)}")
    parser.add_argument("--no-replication", action="store_true",
                        help="skip the second fit with disjoint seeds")
    parser.add_argument("--out", default="", help="append the Markdown table to this file")
    parser.add_argument("--unit", default="document",
                        help="unit of analysis: document (default) or paragraph, which gives "
                             "a real corpus enough units for select_sample and online fits")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="TopicModel parameter on top of every configuration "
                             "(repeatable), e.g. --set fit_doc_iter=20")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("framelab").setLevel(logging.WARNING)

    docs = load(args)
    start = time.perf_counter()
    unit_table, dtm = document_dtm(docs, args.unit)
    log.info("%d documents -> %d units, %d terms (%.1f s)", len(docs), len(unit_table),
             dtm.X.shape[1], time.perf_counter() - start)
    if args.label_column not in docs.columns:
        raise CorpusError(f"{args.corpus}: no label column {args.label_column!r}; columns: "
                          + ", ".join(docs.columns))
    label_of = docs.set_index("doc_id")[args.label_column]
    labels = label_of.loc[unit_table["doc_id"]].to_numpy()
    rows = []
    for name in [c.strip() for c in args.configs.split(",") if c.strip()]:
        if name not in CONFIGS:
            raise SystemExit(f"--configs: unknown {name!r}; known: {', '.join(CONFIGS)}")
        params = {**COMMON, **CONFIGS[name], "n_topics": args.k,
                  **dict(_setting(item) for item in args.set)}
        label = name + "".join(f" {item}" for item in args.set)
        row = measure(label, params, dtm.X, np.asarray(dtm.vocabulary), labels,
                      not args.no_replication)
        log.info("%s", row)
        rows.append(row)
    table = markdown(pd.DataFrame(rows))
    print(table)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as fh:
            fh.write(f"\n{' '.join(sys.argv)}\n\n{table}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
