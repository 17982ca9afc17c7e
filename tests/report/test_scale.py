"""The whole report on a generated corpus above the size switch (issue 14).

60 short articles, resampled from the seeds' sentences, run through every notebook
on the local engine and on a Dask cluster of two workers. Checked: every executed notebook and
HTML page stays under a size bound that does not depend on the corpus (views switch to group
summaries, displayed tables are bounded), tables computed partition by partition equal the
whole-corpus functions, and the two engines write byte-identical tables.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from framelab import codebook as fcb
from framelab import corpus as fc
from framelab import framing, outputs, report
from framelab.paths import SEEDS_DIR
from framelab.run import NOTEBOOK_PARAMETERS

#: Documents in the generated corpus: the smallest size above both switches. It is above
#: per_document_max (50, its default), so the views switch to group summaries, and above
#: FAST's exact_max_docs, so 04_reuse takes the MinHash path. Larger runs belong in
#: benchmarks/bench_report_scale.py.
N_DOCS = 60
#: A smaller topic grid than the default (3,4,5,6,8 x 3 seeds: 15 batch fits) and MinHash
#: from 50 documents instead of 2,000; everything else at its default.
FAST = {"k_grid": "3,4", "seeds": "0,1", "exact_max_docs": 50}
#: Largest executed notebook or HTML page (bytes); the seeds' largest is about 1 MB.
MAX_PAGE_BYTES = 2_000_000


def _write_corpus(path: Path, n: int, seed: int = 7) -> Path:
    _, sentences = fc.load_run_corpus(SEEDS_DIR)
    pool = fc.body(sentences)["text"].to_numpy(dtype=object)
    rng = np.random.default_rng(seed)
    start = dt.date(2024, 1, 1)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            paras = [" ".join(rng.choice(pool, size=int(rng.integers(1, 3))))
                     for _ in range(int(rng.integers(2, 4)))]
            handle.write(json.dumps({
                "id": f"g{i:05d}", "outlet": f"Outlet {int(rng.integers(0, 8))}",
                "date": (start + dt.timedelta(days=int(rng.integers(0, 200)))).isoformat(),
                "text": "\n\n".join(paras)}) + "\n")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scale")
    corpus = _write_corpus(folder / "corpus.jsonl", N_DOCS)
    done = {}
    # HTML pages are checked on the local run only; two notebooks of a stage run at once
    for engine, workers in (("local", 0), ("dask", 2)):
        result = report.run_report(corpus=corpus, out=folder / "runs", run_id=engine,
                                   params=FAST, progress=False, screenshot=False, engine=engine,
                                   workers=workers, cache_dir=folder / "cache",
                                   html=engine == "local", jobs=2)
        assert result.manifest["status"] == "ok"
        done[engine] = result.run_dir
    done["corpus"] = corpus
    return done


@pytest.mark.slow
def test_pages_stay_bounded_above_the_size_switch(runs: dict[str, Path]) -> None:
    pages = [*(runs["local"] / "notebooks").glob("*.ipynb"), *(runs["local"] / "html").glob("*.html")]
    assert len(pages) >= 16
    sizes = {p.name: p.stat().st_size for p in pages}
    assert {n: s for n, s in sizes.items() if s > MAX_PAGE_BYTES} == {}
    # above the switch no page has a row per document: none names every document
    named = {p.name: len(set(re.findall(r"\bg\d{5}\b", p.read_text(encoding="utf-8"))))
             for p in pages}
    assert {n: k for n, k in named.items() if k >= N_DOCS} == {}
    # the views are bounded, the full tables are still written
    assert len(pd.read_csv(runs["local"] / "tables" / "corpus_documents.csv")) == N_DOCS
    assert len(pd.read_csv(runs["local"] / "tables" / "stance_by_doc.csv")) >= N_DOCS // 2


@pytest.mark.slow
def test_tables_equal_the_whole_corpus_functions(runs: dict[str, Path], tmp_path: Path) -> None:
    documents, sentences = fc.load_run_corpus(runs["corpus"])
    cb = fcb.load_codebook(None)
    mentions = framing.label_mentions(sentences, documents, cb)
    frames = framing.frames(sentences, documents, cb)
    params = {p.name: p.default for p in NOTEBOOK_PARAMETERS["01_framing"]}  # the run's
    summary = framing.frame_summary(frames, n_boot=params["n_boot"], seed=params["bootstrap_seed"])
    # the tables 01 and 03 now compute from compact per-part forms (label rows, frame
    # rates, quotation counts): equal to the functions on the whole corpus's tables
    p = {name: params[name] for name in ("group_by", "bootstrap_unit", "n_boot",
                                         "bootstrap_seed")}
    rates = framing.label_rates(mentions, sentences, documents, cb, group_by=p["group_by"],
                                unit=p["bootstrap_unit"], n_boot=p["n_boot"],
                                seed=p["bootstrap_seed"])
    actors = framing.actor_labels(mentions, documents, cb, group_by=p["group_by"],
                                  unit=p["bootstrap_unit"], n_boot=p["n_boot"],
                                  seed=p["bootstrap_seed"])
    quotes = framing.find_quotes(documents, cb, sentences=sentences)
    sources = framing.quoted_sources(quotes, documents=documents, group_by=p["group_by"])
    for name, frame in (("label_mentions", mentions), ("frames", frames),
                        ("frame_summary", summary), ("label_rates", rates),
                        ("actor_labels", actors), ("quotes", quotes),
                        ("quoted_sources", sources)):
        want = outputs.save_table(frame, name, tmp_path, latex=False).read_bytes()
        got = (runs["local"] / "tables" / f"{name}.csv").read_bytes()
        assert got == want, name
    assert len(mentions) > N_DOCS // 10  # not vacuous


@pytest.mark.slow
def test_both_engines_write_byte_identical_tables(runs: dict[str, Path]) -> None:
    local = {p.name: p.read_bytes() for p in sorted((runs["local"] / "tables").glob("*.csv"))}
    dask = {p.name: p.read_bytes() for p in sorted((runs["dask"] / "tables").glob("*.csv"))}
    assert local.keys() == dask.keys() and len(local) > 30
    assert [n for n in local if local[n] != dask[n]] == []
