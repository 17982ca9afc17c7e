"""Candidate documents first, sentences second: the rewrite layer's bounded search.

An all-pairs *sentence* search grows with the square of a corpus wherever documents share a
story's vocabulary (at 100,000 one-topic generated documents it did not finish in 38
minutes). Here the search is over *documents* and bounded, and sentences are compared only
inside the document pairs it returns (step 5 of ``docs/reuse.md``, "scale"):

1. :func:`document_counts` -- per document, the number of its sentences holding each content
   word (rows add up part by part: the counts of partitions stack to the corpus's);
2. :func:`document_vectors` -- TF-IDF of those counts (sublinear tf, smoothed idf from the
   documents), words in more than :func:`df_cap` documents dropped from the search (each
   such word pairs its documents with one another, so it is what makes the search
   quadratic), rows L2-normalised;
3. :func:`nearest_documents` -- each document's ``k`` nearest documents by cosine (sparse
   products of blocks of rows against the whole matrix, top ``k`` per row); a pair is kept
   when either of its documents ranks it that high;
4. :func:`pair_sentences` -- every sentence pair of those document pairs with cosine at least
   the threshold, from one sparse product per block of pairs in which a word only meets the
   same word *of the same pair* (columns are (pair, word)), so nothing outside the pairs is
   ever multiplied.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import ParameterError

__all__ = ["df_cap", "document_counts", "document_vectors", "nearest_documents",
           "pair_sentences"]

log = logging.getLogger(__name__)

#: Smallest document-frequency cap (see :func:`df_cap`).
MIN_DF_CAP = 100
#: Document pairs per document the search may visit (see :func:`df_cap`).
PAIR_BUDGET = 2000


def df_cap(df: np.ndarray, n_docs: int, *, budget: int = PAIR_BUDGET) -> int:
    """Words in more documents than this are left out of the document search.

    A word in ``m`` documents makes ``m * m`` products in the search (each of its documents
    meets each), so the search visits ``sum(df ** 2)`` document pairs over the words kept.
    The rule: the largest document frequency ``d`` such that the words of at most ``d``
    documents make at most ``budget`` (2,000) pairs per document, ``sum(df[df <= d] ** 2)
    <= budget * n_docs``, and never below 100 (so a corpus of up to 100 documents keeps
    every word, and words of at most 100 documents add at most 100 products per word of a
    document). The work is then linear in the corpus's size. The words left out are a
    story's common vocabulary, which every same-story document shares and which does not
    tell a rewrite from a report of the same events; names, numbers and details stay.
    """
    df = np.asarray(df, dtype=np.int64)
    values, counts = np.unique(df[df > 0], return_counts=True)
    within = np.cumsum(values.astype(float) ** 2 * counts) <= float(budget) * max(n_docs, 1)
    fits = int(values[within][-1]) if within.any() else 0
    return max(MIN_DF_CAP, fits)


def document_counts(X: sparse.spmatrix, doc_of: np.ndarray, n_docs: int) -> sparse.csr_matrix:
    """Per document (row ``doc_of`` value), the number of its sentences holding each word.

    ``X`` is a sentence x word matrix (any weights; only which entries are non-zero counts).
    A word repeated inside one sentence counts once. Rows of documents without a sentence
    are empty.
    """
    X = sparse.csr_matrix(X)
    doc_of = np.asarray(doc_of, dtype=np.int64)
    if len(doc_of) != X.shape[0]:
        raise ParameterError(f"doc_of has {len(doc_of)} value(s) for {X.shape[0]} sentence(s)")
    A = sparse.csr_matrix((np.ones(len(doc_of)), (doc_of, np.arange(len(doc_of)))),
                          shape=(n_docs, X.shape[0]))
    present = sparse.csr_matrix((np.ones(X.nnz), X.indices, X.indptr), shape=X.shape)
    counts = (A @ present).tocsr()
    counts.sort_indices()
    return counts


def document_vectors(counts: sparse.spmatrix, *, max_df: int | None = None
                     ) -> sparse.csr_matrix:
    """TF-IDF document vectors for the nearest-document search.

    ``tf = 1 + log(count)``, ``idf = 1 + log((1 + n) / (1 + df))`` with ``df`` the number
    of documents holding the word; words with ``df > max_df`` (default :func:`df_cap` of
    the counts) are dropped, then rows are L2-normalised (a row left without words stays empty).
    """
    counts = sparse.csr_matrix(counts, dtype=np.float64)
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    cap = df_cap(df, n) if max_df is None else max_df
    if cap < 1:
        raise ParameterError(f"max_df={max_df}: use a whole number >= 1")
    dropped = int(np.count_nonzero(df > cap))
    if dropped:
        log.info("nearest documents: %d word(s) in more than %d documents left out of the "
                 "search", dropped, cap)
    idf = 1.0 + np.log((1.0 + n) / (1.0 + df))
    keep = (df <= cap)[counts.indices]
    data = np.where(keep, (1.0 + np.log(np.maximum(counts.data, 1.0))) * idf[counts.indices],
                    0.0)
    V = sparse.csr_matrix((data, counts.indices.copy(), counts.indptr.copy()),
                          shape=counts.shape)
    V.eliminate_zeros()
    norms = np.sqrt(np.asarray(V.multiply(V).sum(axis=1)).ravel())
    V = sparse.csr_matrix(sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ V)
    V.sort_indices()
    return V


def _row_top(data: np.ndarray, cols: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` largest values (ties: smaller column first), best first."""
    if len(data) > k:
        kth = np.partition(data, len(data) - k)[len(data) - k]
        sel = np.flatnonzero(data >= kth)
    else:
        sel = np.arange(len(data))
    order = np.lexsort((cols[sel], -data[sel]))
    return sel[order[:k]]


def nearest_documents(V: sparse.spmatrix, k: int, *, chunk: int = 1_000_000
                      ) -> pd.DataFrame:
    """Each row's ``k`` nearest rows by cosine; a pair is kept when either row ranks it.

    Rows are unit vectors (:func:`document_vectors`); the cosine of two rows is their dot
    product, computed by sparse products of blocks of rows against the whole matrix (blocks
    of about ``chunk`` products, so memory stays bounded). Only rows sharing a word have a
    cosine; a row ranks the others by cosine, larger first, ties by the smaller row number,
    and keeps the first ``k`` (itself excluded).

    Returns
    -------
    DataFrame
        ``a`` < ``b`` (row numbers) and ``cosine``, sorted by ``a``, ``b``.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ParameterError(f"k={k!r}: use a whole number >= 1")
    V = sparse.csr_matrix(V)
    V.sort_indices()
    VT = V.T.tocsr()
    df = np.diff(VT.indptr).astype(float)
    per_row = (V != 0).astype(float) @ df
    bounds = _blocks(per_row, chunk)
    a_out, b_out, c_out = [], [], []
    for lo, hi in itertools.pairwise(bounds):
        part = sparse.csr_matrix(V[lo:hi] @ VT)
        part.sort_indices()
        indptr, cols, data = part.indptr, part.indices, part.data
        for r in range(hi - lo):
            s, e = indptr[r], indptr[r + 1]
            if e == s:
                continue
            c, d = cols[s:e], data[s:e]
            other = (c != lo + r) & (d > 0)
            c, d = c[other], d[other]
            top = _row_top(d, c, k)
            a_out.append(np.full(len(top), lo + r, dtype=np.int64))
            b_out.append(c[top].astype(np.int64))
            c_out.append(d[top])
    a, b, c = (np.concatenate(a_out) if a_out else np.zeros(0, np.int64),
               np.concatenate(b_out) if b_out else np.zeros(0, np.int64),
               np.concatenate(c_out) if c_out else np.zeros(0))
    if not len(a):
        return pd.DataFrame({"a": a, "b": b, "cosine": c})
    lo_, hi_ = np.minimum(a, b), np.maximum(a, b)
    order = np.lexsort((hi_, lo_))
    lo_, hi_, c = lo_[order], hi_[order], c[order]
    first = np.r_[True, (lo_[1:] != lo_[:-1]) | (hi_[1:] != hi_[:-1])]
    return pd.DataFrame({"a": lo_[first], "b": hi_[first], "cosine": c[first]})


def _blocks(cost: np.ndarray, chunk: int) -> list[int]:
    """Row boundaries of consecutive blocks whose summed ``cost`` is about ``chunk``."""
    n = len(cost)
    step = max(1, chunk)
    ends = np.searchsorted(np.cumsum(cost), np.arange(1, int(cost.sum() // step) + 2) * step)
    return np.unique(np.r_[0, np.minimum(ends, n), n]).astype(int).tolist()


def pair_sentences(X: sparse.spmatrix, doc_of: np.ndarray, doc_a: np.ndarray,
                   doc_b: np.ndarray, *, threshold: float, chunk: int = 250_000
                   ) -> pd.DataFrame:
    """Sentence pairs of the given document pairs whose cosine is at least ``threshold``.

    ``X`` holds L2-normalised sentence vectors, ``doc_of`` each row's document; pair ``p``
    compares every sentence of ``doc_a[p]`` with every sentence of ``doc_b[p]``. The pairs
    go in blocks of about ``chunk`` sentence pairs; in a block, the sentences of side a and
    of side b are stacked and each word is renamed (pair, word), so one sparse product gives
    the dot products inside each pair and none across pairs. A dot product sums over the
    shared words in word order, as a product of the two rows alone does: the values do not
    depend on the block.

    Returns
    -------
    DataFrame
        ``sa`` < ``sb`` (rows of ``X``), ``cosine``, sorted by ``sa``, ``sb``; a document
        pair given twice is compared once.
    """
    X = sparse.csr_matrix(X)
    X.sort_indices()
    doc_of = np.asarray(doc_of, dtype=np.int64)
    a = np.asarray(doc_a, dtype=np.int64)
    b = np.asarray(doc_b, dtype=np.int64)
    a, b = np.minimum(a, b), np.maximum(a, b)
    keep = a != b
    a, b = a[keep], b[keep]
    if len(a):
        uniq = np.unique(np.column_stack([a, b]), axis=0)
        a, b = uniq[:, 0], uniq[:, 1]
    n_docs = int(max(doc_of.max(initial=-1), a.max(initial=-1), b.max(initial=-1))) + 1
    order = np.argsort(doc_of, kind="stable")               # rows of each document, in order
    n_sent = np.bincount(doc_of, minlength=n_docs)
    start = np.r_[0, np.cumsum(n_sent)[:-1]]
    bounds = _blocks((n_sent[a] * n_sent[b]).astype(float), chunk)
    V = X.shape[1]
    found = []
    for lo, hi in itertools.pairwise(bounds):
        if hi <= lo:
            continue
        pa, pb = a[lo:hi], b[lo:hi]
        rows_a, pair_a = _rows(order, start, n_sent, pa)
        rows_b, pair_b = _rows(order, start, n_sent, pb)
        if not len(rows_a) or not len(rows_b):
            continue
        L, R = X[rows_a], X[rows_b]
        key_l = np.repeat(pair_a, np.diff(L.indptr)) * V + L.indices
        key_r = np.repeat(pair_b, np.diff(R.indptr)) * V + R.indices
        words, inv = np.unique(np.r_[key_l, key_r], return_inverse=True)
        L2 = sparse.csr_matrix((L.data, inv[:len(key_l)], L.indptr),
                               shape=(len(rows_a), len(words)))
        R2 = sparse.csr_matrix((R.data, inv[len(key_l):], R.indptr),
                               shape=(len(rows_b), len(words)))
        prod = (L2 @ R2.T).tocoo()
        ok = prod.data >= threshold
        sa, sb = rows_a[prod.row[ok]], rows_b[prod.col[ok]]
        found.append((np.minimum(sa, sb), np.maximum(sa, sb), prod.data[ok]))
    if not found:
        return pd.DataFrame({"sa": np.zeros(0, np.int64), "sb": np.zeros(0, np.int64),
                             "cosine": np.zeros(0)})
    sa, sb, cos = (np.concatenate([f[k] for f in found]) for k in range(3))
    found.clear()  # the blocks' pieces (a 100,000-article corpus has 5 million pairs)
    order = np.lexsort((sb, sa))
    sa = sa[order]  # one array at a time is copied
    sb = sb[order]
    cos = cos[order]
    return pd.DataFrame({"sa": sa, "sb": sb, "cosine": cos}, copy=False)


def _rows(order: np.ndarray, start: np.ndarray, n_sent: np.ndarray, docs: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """Sentence rows of ``docs`` (in order, each document's rows together) and the position
    in ``docs`` of the pair each row belongs to."""
    sizes = n_sent[docs]
    total = int(sizes.sum())
    pair = np.repeat(np.arange(len(docs)), sizes)
    offset = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return order[start[docs][pair] + offset], pair
