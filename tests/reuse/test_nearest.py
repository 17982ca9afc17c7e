"""The rewrite layer's bounded search: nearest documents first, their sentences second."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from framelab import corpus
from framelab.errors import ParameterError
from framelab.reuse import _nearest as nearest
from framelab.reuse import _rewrite as rewrite
from scipy import sparse
from test_rewrite import REWRITE, SAME_TOPIC, SOURCE


def _unit_rows(rng: np.random.Generator, n: int, words: int, density: float) -> np.ndarray:
    dense = rng.random((n, words)) * (rng.random((n, words)) < density)
    dense[dense.sum(axis=1) == 0, 0] = 1.0
    return dense / np.linalg.norm(dense, axis=1)[:, None]


def _knn_pairs(sim: np.ndarray, k: int) -> set[tuple[int, int]]:
    """Brute force: each row's k largest positive cosines (ties: smaller column), either side."""
    kept = set()
    for i in range(sim.shape[0]):
        cand = [(-sim[i, j], j) for j in range(sim.shape[0]) if j != i and sim[i, j] > 0]
        for _, j in sorted(cand)[:k]:
            kept.add((min(i, j), max(i, j)))
    return kept


@pytest.mark.parametrize(("k", "chunk"), [(1, 50), (3, 10**6), (5, 200), (200, 1000)])
def test_nearest_documents_equal_brute_force_top_k(k: int, chunk: int) -> None:
    rng = np.random.default_rng(k)
    V = sparse.csr_matrix(_unit_rows(rng, 80, 40, 0.1))
    found = nearest.nearest_documents(V, k, chunk=chunk)
    sim = (V @ V.T).toarray()
    assert set(zip(found["a"], found["b"])) == _knn_pairs(sim, k)
    assert (found["a"] < found["b"]).all()
    assert np.allclose(found["cosine"], sim[found["a"], found["b"]])
    with pytest.raises(ParameterError, match="k=0"):
        nearest.nearest_documents(V, 0)


def test_ties_go_to_the_earlier_document() -> None:
    V = sparse.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]))
    found = nearest.nearest_documents(V, 1)
    assert list(zip(found["a"], found["b"])) == [(0, 1), (0, 2), (0, 3)]


@pytest.mark.parametrize("chunk", [1, 30, 10**6])
def test_pair_sentences_equal_brute_force_inside_the_pairs(chunk: int) -> None:
    rng = np.random.default_rng(7)
    sizes = rng.integers(1, 7, size=20)
    doc_of = np.repeat(np.arange(20), sizes)
    perm = rng.permutation(len(doc_of))        # rows of a document need not be together
    doc_of = doc_of[perm]
    X = sparse.csr_matrix(_unit_rows(rng, len(doc_of), 30, 0.2))
    pa = rng.integers(0, 20, size=40)
    pb = rng.integers(0, 20, size=40)
    threshold = 0.3
    found = nearest.pair_sentences(X, doc_of, pa, pb, threshold=threshold, chunk=chunk)
    sim = (X @ X.T).toarray()
    want = set()
    for a, b in zip(pa, pb):
        if a == b:
            continue
        for i in np.flatnonzero(doc_of == a):
            for j in np.flatnonzero(doc_of == b):
                if sim[i, j] >= threshold:
                    want.add((min(i, j), max(i, j)))
    got = list(zip(found["sa"], found["sb"]))
    assert set(got) == want and len(got) == len(want)
    assert got == sorted(got)
    assert np.allclose(found["cosine"], sim[found["sa"], found["sb"]])
    # the value does not depend on the block: the same as a product of the two rows alone
    for sa, sb, c in found.head(20).itertuples(index=False):
        assert c == (X[sa] @ X[sb].T).toarray()[0, 0]


def test_document_vectors_from_parts_equal_the_whole_corpus() -> None:
    rng = np.random.default_rng(3)
    sizes = rng.integers(1, 6, size=30)
    doc_of = np.repeat(np.arange(30), sizes)
    X = sparse.csr_matrix(_unit_rows(rng, len(doc_of), 25, 0.2))
    whole = nearest.document_counts(X, doc_of, 30)
    cuts = [0, 7, 19, 30]
    parts = []
    for lo, hi in itertools.pairwise(cuts):
        rows = (doc_of >= lo) & (doc_of < hi)
        parts.append(nearest.document_counts(X[rows], doc_of[rows] - lo, hi - lo))
    stacked = sparse.vstack(parts).tocsr()
    assert (stacked != whole).nnz == 0
    for cap in (None, 3):
        a = nearest.document_vectors(whole, max_df=cap)
        b = nearest.document_vectors(stacked, max_df=cap)
        assert (a != b).nnz == 0
    # counts: sentences of the document holding the word
    dense = (X.toarray() > 0).astype(int)
    assert np.array_equal(whole.toarray()[4], dense[doc_of == 4].sum(axis=0))


def test_words_of_too_many_documents_are_left_out() -> None:
    counts = sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 1], [1, 0, 0], [0, 1, 1]]))
    V = nearest.document_vectors(counts, max_df=2).toarray()
    assert (V[:, 0] == 0).all()                      # in 3 documents: dropped
    assert np.allclose(np.linalg.norm(V[[0, 1, 3]], axis=1), 1.0)
    assert not V[2].any()                            # nothing left: an empty row
    # the cap: never below 100; above, the largest df whose words make <= budget pairs
    assert nearest.df_cap(np.array([5, 50, 90]), 10) == 100
    df = np.r_[np.full(1000, 10), np.full(10, 300), np.full(5, 1000)]
    # pairs: 100,000 from the words of 10 documents, 1,000,000 with those of 300, 6,000,000
    assert nearest.df_cap(df, 2000, budget=100) == 100
    assert nearest.df_cap(df, 2000, budget=500) == 300
    assert nearest.df_cap(df, 2000, budget=3000) == 1000
    with pytest.raises(ParameterError, match="max_df=0"):
        nearest.document_vectors(counts, max_df=0)


def test_a_planted_rewrite_in_a_one_topic_corpus_is_compared(tmp_path: Path) -> None:
    """Forty documents retell one flood from a shared pool of sentences (so each has many
    same-topic neighbours); the hand-written rewrite of the source is still among the
    documents its sentences are compared with, and a candidate pair, with neighbours=3."""
    rng = np.random.default_rng(0)
    vocab = sorted({w.strip(".,").lower() for s in SAME_TOPIC + SOURCE for w in s.split()
                    if len(w) > 4})
    folder = tmp_path / "corpus"
    folder.mkdir()
    texts = {f"t{k:02d}": [" ".join(rng.choice(vocab, 9)).capitalize() + "."
                           for _ in range(6)] for k in range(40)}
    texts.update({"source": SOURCE, "rewrite": REWRITE})
    for doc_id, sents in texts.items():
        (folder / f"{doc_id}.txt").write_text("\n".join(sents), encoding="utf-8")
    documents, sentences = corpus.load_run_corpus(folder)
    sentences = corpus.body(sentences)
    layer = rewrite.find_rewrite_candidates(documents, sentences, neighbours=3)
    pairs = set(zip(layer.candidates["doc_a"], layer.candidates["doc_b"]))
    assert ("rewrite", "source") in pairs or ("source", "rewrite") in pairs
    # bounded: far fewer document pairs than all of them
    every = rewrite.find_rewrite_candidates(documents, sentences, neighbours=0)
    assert len(layer.similar) < len(every.similar)
    # inside a compared pair, the same sentence pairs as the search over all pairs
    ids = layer.doc_ids
    got = layer.similar.assign(a=layer.doc_of[layer.similar["sa"]],
                               b=layer.doc_of[layer.similar["sb"]])
    src, rw = ids.index("source"), ids.index("rewrite")
    mine = got[got["a"].isin([src, rw]) & got["b"].isin([src, rw])]
    ref = every.similar.assign(a=every.doc_of[every.similar["sa"]],
                               b=every.doc_of[every.similar["sb"]])
    theirs = ref[ref["a"].isin([src, rw]) & ref["b"].isin([src, rw])]
    assert len(mine) >= 4
    assert mine[["sa", "sb"]].values.tolist() == theirs[["sa", "sb"]].values.tolist()


def test_given_pairs_are_compared_too(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    texts = {"source": SOURCE, "rewrite": REWRITE, "topic": SAME_TOPIC}
    for doc_id, sents in texts.items():
        (folder / f"{doc_id}.txt").write_text("\n".join(sents), encoding="utf-8")
    documents, sentences = corpus.load_run_corpus(folder)
    sentences = corpus.body(sentences)
    one = rewrite.find_rewrite_candidates(documents, sentences, neighbours=1, threshold=0.2)
    extra = pd.DataFrame({"doc_a": ["topic"], "doc_b": ["source"]})
    more = rewrite.find_rewrite_candidates(documents, sentences, neighbours=1, threshold=0.2,
                                           pairs=extra)
    assert len(more.similar) >= len(one.similar)
    every = rewrite.find_rewrite_candidates(documents, sentences, neighbours=0, threshold=0.2)
    cols = ["sa", "sb"]
    assert more.similar[cols].values.tolist() == every.similar[cols].values.tolist()
    assert np.allclose(more.similar["cosine"], every.similar["cosine"], rtol=0, atol=1e-12)
