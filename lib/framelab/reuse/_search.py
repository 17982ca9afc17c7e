"""Similar sentences without comparing all pairs: prefix filtering with a bounded
nearest-neighbour option (:func:`similar_sentences`, step 5 of ``docs/reuse.md``)."""

from __future__ import annotations

import itertools
import logging
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import ParameterError

__all__ = ["similar_sentences"]

log = logging.getLogger(__name__)


def similar_sentences(X: sparse.csr_matrix, doc_of: np.ndarray, *, threshold: float,
                      neighbours: int = 0, max_postings: int = 500,
                      chunk_pairs: int = 2_000_000) -> pd.DataFrame:
    """Sentence pairs of different documents with cosine >= ``threshold`` (prefix filtering).

    Words are ranked rarest first (fewest sentences). Each sentence is indexed under its
    rarest words until what the words left out can add to a dot product is below
    ``threshold``: at most their norm, and at most the sum of each one's weight times its
    largest weight in any sentence (Bayardo et al.'s bound, which stops the index before
    the common words). If two unit vectors have cosine >= threshold, the indexed words of
    either meet the other's words. Postings longer than
    ``max_postings`` sentences (a word in very many sentences, hence of low IDF weight) are
    skipped, with a log message; only then can a pair be missed. The pairs to check come
    from a sparse product (each sentence's indexed words times every sentence's vector),
    which also bounds their cosine: pairs whose bound is below ``threshold`` are dropped
    before the exact cosine. Rows go in blocks of about ``chunk_pairs`` pairs, so memory
    stays bounded.

    With ``neighbours`` > 0 the search is bounded (a nearest-neighbour graph): each sentence
    keeps its best match in each of the ``neighbours`` other documents where its best match
    is closest (ties: the earlier sentence), and a pair is kept when either sentence keeps
    it. The table then has at most ``neighbours`` pairs per sentence, whatever the corpus's
    size; pairs that cannot be among a sentence's kept matches (their upper bound is below
    the ``neighbours``-th best lower bound of the row) are dropped before their exact cosine.
    0 keeps every pair above ``threshold``.

    Returns
    -------
    DataFrame
        Columns ``sa``, ``sb`` (row numbers of ``X``, ``sa < sb``), ``cosine``.
    """
    _check_neighbours(neighbours)
    X = sparse.csr_matrix(X)
    X.sort_indices()
    df = np.bincount(X.indices, minlength=X.shape[1])
    rank = np.argsort(np.argsort(df, kind="stable"), kind="stable")  # 0 = rarest
    row = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    # each row's words rarest first (ties by column, as a stable sort of the row would)
    order = np.lexsort((rank[X.indices], row))
    f, w2, row = X.indices[order], X.data[order] ** 2, row[order]
    total = np.bincount(row, weights=w2, minlength=X.shape[0])
    before = np.cumsum(w2) - w2                      # squared norm of the words before k ...
    start = X.indptr[:-1]
    before -= (np.cumsum(w2) - w2)[start[row]] if len(row) else 0.0   # ... in the same row
    norm_left = np.sqrt(np.maximum(total[row] - before, 0.0))  # norm from word k on
    # what words k... can add to a dot product with any sentence: each at most its weight
    # here times its largest weight in any sentence (AllPairs' bound; common words weigh
    # little everywhere, so the index stops before them)
    top = np.asarray(X.max(axis=0).todense()).ravel()
    gain = np.sqrt(w2) * top[f]
    gain_total = np.bincount(row, weights=gain, minlength=X.shape[0])
    gain_before = np.cumsum(gain) - gain
    gain_before -= gain_before[start[row]] if len(row) else 0.0
    left = np.minimum(norm_left, np.maximum(gain_total[row] - gain_before, 0.0))
    # indexed: the first words, until what the rest can add is below threshold (at least one)
    indexed = (left >= threshold) | (np.arange(len(row)) == start[row])
    if not indexed.any():
        return pd.DataFrame({"sa": [], "sb": [], "cosine": []})
    feats, rows, weights = f[indexed], row[indexed], np.sqrt(w2[indexed])
    # what the words left out of each row's index can add (0 when every word is indexed)
    rest = np.zeros(X.shape[0])
    tail = ~indexed
    first_tail = tail & ~np.r_[False, tail[:-1] & (row[1:] == row[:-1])] if len(row) else tail
    rest[row[first_tail]] = left[first_tail]
    sentences_with = np.bincount(X.indices, minlength=X.shape[1])
    skipped = int(np.count_nonzero(sentences_with[np.unique(feats)] > max_postings))
    if skipped:
        log.info("prefix filter: %d word(s) in more than max_postings=%d sentences skipped",
                 skipped, max_postings)
    use = sentences_with[feats] <= max_postings
    # words of the index in more than max_postings sentences are left out too: they count
    # in the bounds of what the words left out can add
    dropped = np.zeros(len(row), dtype=bool)
    dropped[np.flatnonzero(indexed)[~use]] = True
    if dropped.any():
        np.add.at(rest, row[dropped], gain[dropped])
    # a second bound on the words left out (Cauchy-Schwarz): their dot product with any
    # sentence j is at most their norm times the norm of j's words at least as common as
    # the first word left out (every word left out is). j's norms from a few rank levels
    # on are tabulated; a sentence uses the level at or below its first word left out
    norm = np.zeros(X.shape[0])
    cut = np.full(X.shape[0], X.shape[1])
    norm[row[first_tail]] = norm_left[first_tail] ** 2
    cut[row[first_tail]] = rank[f[first_tail]]
    if dropped.any():
        np.add.at(norm, row[dropped], w2[dropped])
        np.minimum.at(cut, row[dropped], rank[f[dropped]])
    cuts = cut[cut < X.shape[1]]
    levels = np.unique(np.quantile(cuts, np.linspace(0, 1, 32)).astype(np.int64)) \
        if len(cuts) else np.zeros(1, dtype=np.int64)
    suffix = np.column_stack([np.sqrt(np.bincount(row, weights=w2 * (rank[f] >= r),
                                                  minlength=X.shape[0])) for r in levels])
    level = np.maximum(np.searchsorted(levels, cut, side="right") - 1, 0)
    tails = _Tails(rest=rest, norm=np.sqrt(norm) * (cut < X.shape[1]) + 0.0,
                   level=level, suffix=suffix)
    tails.norm[cut >= X.shape[1]] = 0.0
    n = X.shape[0]
    # W: each sentence's indexed words with their weights. W X^T pairs every sentence with
    # every sentence holding one of its indexed words (a sparse product: no enumeration
    # beyond those postings) and gives the part of their dot product over the indexed words;
    # the rest is bounded (above), so pairs below threshold by more are dropped before the
    # exact cosine. Rows in blocks of about chunk_pairs pairs.
    W = sparse.csr_matrix((weights[use], (rows[use], feats[use])), shape=X.shape)
    XT = X.T.tocsr()
    per_row = (W != 0).astype(float) @ sentences_with.astype(float)
    step = max(1, chunk_pairs)
    ends = np.searchsorted(np.cumsum(per_row), np.arange(1, int(per_row.sum() // step) + 2)
                           * step)
    bounds = np.unique(np.r_[0, np.minimum(ends, n), n])
    found = [_block_pairs(X, W[lo:hi] @ XT, lo, doc_of, tails, threshold, neighbours)
             for lo, hi in itertools.pairwise(bounds.tolist())]
    if not found:
        return pd.DataFrame({"sa": [], "sb": [], "cosine": []})
    sa = np.concatenate([p[0] for p in found])
    sb = np.concatenate([p[1] for p in found])
    cos = np.concatenate([p[2] for p in found])
    if neighbours:  # a pair kept by both of its sentences once (the smaller row's value)
        own = sa < sb
        sa, sb = np.where(own, sa, sb), np.where(own, sb, sa)
        order = np.lexsort((~own, sb, sa))
        sa, sb, cos = sa[order], sb[order], cos[order]
        first = np.r_[True, (sa[1:] != sa[:-1]) | (sb[1:] != sb[:-1])]
        return pd.DataFrame({"sa": sa[first], "sb": sb[first], "cosine": cos[first]})
    order = np.lexsort((sb, sa))
    return pd.DataFrame({"sa": sa[order], "sb": sb[order], "cosine": cos[order]})


class _Tails(NamedTuple):
    """What the words left out of each sentence's index can add (see similar_sentences)."""

    rest: np.ndarray    # per sentence: bound on their contribution to any dot product
    norm: np.ndarray    # per sentence: their norm
    level: np.ndarray   # per sentence: column of ``suffix`` at or below its first left out
    suffix: np.ndarray  # (sentence, level): norm of its words from the level's rank on

    def bound(self, sa: np.ndarray, sb: np.ndarray) -> np.ndarray:
        """Upper bound of what sa's left-out words add to its dot product with sb."""
        return np.minimum(self.rest[sa], self.norm[sa] * self.suffix[sb, self.level[sa]])


def _check_neighbours(neighbours: int) -> None:
    if isinstance(neighbours, bool) or not isinstance(neighbours, (int, np.integer)) \
            or neighbours < 0:
        raise ParameterError(f"neighbours={neighbours!r}: use a whole number >= 0 (0 keeps "
                             "every sentence pair above the threshold)")


def _ranks(group: np.ndarray) -> np.ndarray:
    """Rank of each row within its run of equal ``group`` values (rows sorted by group)."""
    n = len(group)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if n else np.zeros(0, int)
    return np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))


def _block_pairs(X: sparse.csr_matrix, part: sparse.spmatrix, lo: int, doc_of: np.ndarray,
                 tails: _Tails, threshold: float, neighbours: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of one block of rows (``part`` = their indexed words times every vector).

    ``part`` holds the dot product over each row's indexed words, a lower bound of the
    cosine; adding the tails' bound gives an upper bound. All pairs: rows keep the pairs
    with a later sentence whose bound reaches ``threshold``. With ``neighbours``: each row
    keeps its best match in each of its ``neighbours`` closest other documents.
    """
    part = sparse.csr_matrix(part)
    part.sort_indices()
    part = part.tocoo()
    sa = part.row.astype(np.int64) + lo
    sb = part.col.astype(np.int64)
    low = part.data
    keep = (doc_of[sa] != doc_of[sb]) & (low + tails.rest[sa] >= threshold - 1e-12)
    if not neighbours:
        keep &= sb > sa
    sa, sb, low = sa[keep], sb[keep], low[keep]
    high = low + tails.bound(sa, sb)
    keep = high >= threshold - 1e-12
    sa, sb, low, high = sa[keep], sb[keep], low[keep], high[keep]
    docs = doc_of[sb]
    if neighbours and len(sa):
        # the best lower bound in each other document (entries are sorted by row, then by
        # sentence, so a document's entries are consecutive); the neighbours-th largest of
        # them is a cosine that many documents reach, so a pair whose upper bound is below
        # it cannot be a kept match of its row
        starts = np.flatnonzero(np.r_[True, (sa[1:] != sa[:-1]) | (docs[1:] != docs[:-1])])
        top_low, top_row = np.maximum.reduceat(low, starts), sa[starts]
        by_low = np.lexsort((-top_low, top_row))
        at = by_low[_ranks(top_row[by_low]) == neighbours - 1]
        floor = np.full(X.shape[0], threshold)
        floor[top_row[at]] = np.maximum(top_low[at], threshold)
        keep = high >= floor[sa] - 1e-12
        sa, sb, low, high, docs = sa[keep], sb[keep], low[keep], high[keep], docs[keep]
    cos = low.copy()
    inexact = high > low
    if inexact.any():
        cos[inexact] = _rowdot(X, sa[inexact], sb[inexact])
    ok = cos >= threshold
    sa, sb, cos, docs = sa[ok], sb[ok], cos[ok], docs[ok]
    if neighbours and len(sa):
        order = np.lexsort((sb, -cos, docs, sa))       # best match in each document
        best = order[np.r_[True, (sa[order][1:] != sa[order][:-1])
                           | (docs[order][1:] != docs[order][:-1])]]
        best = best[np.lexsort((sb[best], -cos[best], sa[best]))]  # closest documents first
        best = best[_ranks(sa[best]) < neighbours]
        sa, sb, cos = sa[best], sb[best], cos[best]
    return sa, sb, cos


def _first_of_groups(*keys: np.ndarray) -> np.ndarray:
    """Boolean mask: the first row of each run of equal ``keys`` (arrays already sorted)."""
    n = len(keys[0])
    first = np.ones(n, dtype=bool)
    if n > 1:
        differs = np.zeros(n - 1, dtype=bool)
        for k in keys:
            differs |= k[1:] != k[:-1]
        first[1:] = differs
    return first


def _rowdot(X: sparse.csr_matrix, r1: np.ndarray, r2: np.ndarray,
            batch: int = 100_000) -> np.ndarray:
    """Dot products of rows ``r1[k]`` and ``r2[k]`` of ``X``, in batches (bounded memory)."""
    out = np.zeros(len(r1))
    for lo in range(0, len(r1), batch):
        hi = lo + batch
        out[lo:hi] = np.asarray(X[r1[lo:hi]].multiply(X[r2[lo:hi]]).sum(axis=1)).ravel()
    return out
