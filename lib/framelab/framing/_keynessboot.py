"""Keyness's counts per cluster and its bootstrap: the sums of rows per key, the document (or
sentence) x term counts the bootstrap draws from, the log-odds z of Monroe et al. (2008), and
percentile intervals of z over resampled documents or sentences (:func:`framelab.framing.keyness`
documents the method)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import ParameterError
from ..stats import (
    cell_rng,
    counted_sums,
    narrow_integers,
    percentile_interval,
    resampled_counts,
    resampled_sums,
    resolve_unit,
)

__all__ = ["log_odds_dirichlet"]


def _rows_summed(keys: np.ndarray, X: sparse.csr_matrix) -> tuple[np.ndarray, sparse.csr_matrix]:
    """The distinct ``keys`` (one per row of ``X``) and the sum of ``X``'s rows per key."""
    codes, distinct = pd.factorize(keys)
    if len(distinct) == len(keys):  # every row its own key (rows already summed): as is
        return np.asarray(distinct), sparse.csr_matrix(X)
    by_key = sparse.csr_matrix((np.ones(len(keys)), (codes, np.arange(len(keys)))),
                               shape=(len(distinct), len(keys)))
    return np.asarray(distinct), sparse.csr_matrix(by_key @ X)


def _in_vocabulary(vocabulary: np.ndarray, parts: list[tuple[np.ndarray, sparse.csr_matrix]],
                   n_rows: int | None = None) -> sparse.csr_matrix:
    """Row blocks over their own vocabularies, as one matrix over ``vocabulary`` (sorted, a
    superset of theirs): stacked when ``n_rows`` is None, else summed (each ``n_rows`` rows)."""
    if len(parts) == 1 and n_rows is None and _same(parts[0][0], vocabulary):
        return sparse.csr_matrix(parts[0][1])
    rows, cols, data, offset = [], [], [], 0
    for vocab, part in parts:
        coo = part.tocoo()
        rows.append(coo.row + offset)
        cols.append(np.searchsorted(vocabulary, vocab.astype(object))[coo.col])
        data.append(coo.data)
        offset += part.shape[0] if n_rows is None else 0
    shape = (offset if n_rows is None else n_rows, len(vocabulary))
    if not parts:
        return sparse.csr_matrix(shape)
    out = sparse.csr_matrix((np.concatenate(data), (np.concatenate(rows),
                                                    np.concatenate(cols))), shape=shape)
    out.sum_duplicates()
    return out


def _same(vocab: np.ndarray, vocabulary: np.ndarray) -> bool:
    return len(vocab) == len(vocabulary) and bool(np.all(vocab.astype(object) == vocabulary))


def _union(vocabularies: list[np.ndarray]) -> np.ndarray:
    return (np.unique(np.concatenate([v.astype(object) for v in vocabularies]))
            if vocabularies else np.array([], dtype=object))


def _cluster_counts(batches: Any, by_document: bool
                    ) -> tuple[np.ndarray, np.ndarray, sparse.csr_matrix]:
    """What the bootstrap draws from: the vocabulary (sorted), the group code of each cluster
    (a document's sentences in one group, or a sentence) and the clusters x terms counts."""
    parts, cluster_groups = [], []
    n_groups = len(batches.names)
    for vocab, X, groups, docs in batches:
        if by_document:  # a document split over groups is one cluster per group
            keys, per_cluster = _rows_summed(docs.astype(np.int64) * n_groups + groups, X)
            cluster_groups.append(keys % n_groups)
        else:
            per_cluster = X
            cluster_groups.append(groups)
        parts.append((vocab, per_cluster))
    vocabulary = _union([v for v, _ in parts])
    return (vocabulary, np.concatenate(cluster_groups) if cluster_groups else
            np.array([], dtype=np.int64), _in_vocabulary(vocabulary, parts))


def log_odds_dirichlet(y_i: np.ndarray, y_j: np.ndarray,
                       alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds ratio ``delta`` and its z-score (Monroe et al. 2008, eq. 16, 18-19).

    Parameters
    ----------
    y_i, y_j : array of shape (n_terms,) or (n_rows, n_terms)
        Counts in the group and in the reference (one row per bootstrap replicate, say;
        totals are taken per row).
    alpha : array of shape (n_terms,)
        Dirichlet prior pseudo-counts (all > 0).

    Returns
    -------
    (ndarray, ndarray)
        ``delta`` and ``z``, each of the shape of ``y_i``.
    """
    y_i, y_j, alpha = np.asarray(y_i), np.asarray(y_j), np.asarray(alpha, dtype=float)
    if np.any(alpha <= 0):
        raise ParameterError("every prior pseudo-count must be > 0; raise prior_scale")
    a0 = alpha.sum()
    rows = max(1, _BLOCK_VALUES // max(y_i.shape[-1], 1))
    if y_i.ndim != 2 or y_i.shape != y_j.shape or len(y_i) <= rows:
        return _log_odds(y_i.astype(float), y_j.astype(float), alpha, a0)
    # a few rows at a time: the arithmetic runs in cache, not at memory speed (each row's
    # numbers are the same as when computed with the others)
    delta, z = np.empty(y_i.shape), np.empty(y_i.shape)
    for r in range(0, len(y_i), rows):
        delta[r:r + rows], z[r:r + rows] = _log_odds(y_i[r:r + rows].astype(float),
                                                     y_j[r:r + rows].astype(float), alpha, a0)
    return delta, z


#: Numbers per array :func:`log_odds_dirichlet` works on at once (a block fits in cache).
_BLOCK_VALUES = 131_072


def _log_odds(y_i: np.ndarray, y_j: np.ndarray, alpha: np.ndarray, a0: float
              ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`log_odds_dirichlet` of float counts (``a0``: the sum of ``alpha``)."""
    n_i, n_j = y_i.sum(axis=-1, keepdims=True), y_j.sum(axis=-1, keepdims=True)
    # delta = log(y_i + a) - log(n_i + a0 - y_i - a) - log(y_j + a) + log(n_j + a0 - y_j - a)
    # and z = delta / sqrt(1 / (y_i + a) + 1 / (y_j + a)), each operation as written (the same
    # numbers), in place: the bootstrap calls this on replicates x terms arrays
    own_i, own_j = y_i + alpha, y_j + alpha
    delta = np.log(own_i)
    delta -= _log_rest(n_i + a0, y_i, alpha)
    delta -= np.log(own_j)
    delta += _log_rest(n_j + a0, y_j, alpha)
    spread = np.divide(1.0, own_i, out=own_i)
    spread += np.divide(1.0, own_j, out=own_j)
    return delta, np.divide(delta, np.sqrt(spread, out=spread), out=spread)


def _log_rest(total: np.ndarray, y: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """``log(total - y - alpha)``, ``total`` broadcast against ``y``."""
    rest = np.subtract(total, y)
    rest -= alpha
    return np.log(rest, out=rest)


def _resampled(C: sparse.csr_matrix, rows: np.ndarray, n_boot: int,
               rng: np.random.Generator, chunk: int) -> Iterator[np.ndarray]:
    """:func:`framelab.stats.resampled_sums` of ``C[rows]`` (the same draws, the same sums),
    without copying the rows when they are most of ``C``: then every row takes part, those
    not in ``rows`` drawn zero times."""
    n = len(rows)
    if n == 0 or 2 * n < C.shape[0]:
        yield from resampled_sums(C[rows], n_boot, rng, chunk=chunk)
        return
    for counts in resampled_counts(n, n_boot, rng, chunk=chunk):
        spread = np.zeros((C.shape[0], len(counts)), dtype=counts.dtype)
        spread[rows] = counts.T
        yield counted_sums(C, spread)


class _Bootstrap:
    """Percentile intervals of keyness z-scores from resampled documents or sentences."""

    #: Replicates computed at once (bounds the dense replicate x term matrices).
    CHUNK = 64
    #: Terms whose percentiles are taken at once (bounds the copies the quantiles make).
    COLUMNS = 8192

    def __init__(self, batches: Any, unit: str, min_docs_per_group: int,
                 terms: pd.Index, alpha: np.ndarray, n_boot: int, ci: float,
                 seed: int) -> None:
        docs_per_group = pd.Series(batches.doc_codes).groupby(batches.group_codes).nunique()
        self.unit = unit = resolve_unit(docs_per_group, unit, smaller="sentences",
                                        min_docs=min_docs_per_group)
        if unit == "sentences" and getattr(batches, "level", "sentences") != "sentences":
            few = docs_per_group.index[docs_per_group.to_numpy() < min_docs_per_group]
            small = [batches.names[int(g)] for g in few]
            raise ParameterError(
                "keyness: the bootstrap draws sentences (unit='sentences', or 'auto' with "
                f"groups of fewer than {min_docs_per_group} documents: "
                f"{', '.join(small[:5]) or 'none'}), but batches= holds documents "
                "(level='documents'); make them with level='sentences' or draw documents")
        self.names = batches.names
        vocabulary, self.cluster_group, C = _cluster_counts(batches, unit == "documents")
        # columns in the order of the counts' terms (the same tokenizer: the same terms)
        wanted = np.asarray(terms, dtype=object)
        if not _same(vocabulary, wanted):
            where = np.searchsorted(vocabulary, wanted)
            where = np.minimum(where, max(len(vocabulary) - 1, 0))
            found = (vocabulary[where] == wanted) if len(vocabulary) \
                else np.zeros(len(terms), dtype=bool)
            if not found.all():
                raise ParameterError("keyness: counts= has terms the sentences do not; pass "
                                     "counts computed from these sentences (term_doc_counts) "
                                     "or n_boot=0")
            C = sparse.csc_matrix(C)[:, where].tocsr()
        # int32 when no replicate's sum can leave it (the same integers, sooner), in place of
        # the counts as they came: one copy held, not two
        self.C = narrow_integers(C, C.shape[0])
        self._kept: tuple[bytes, sparse.csr_matrix] | None = None
        self.alpha = alpha
        self.n_boot, self.ci, self.seed = n_boot, ci, seed

    def _columns(self, keep: np.ndarray) -> sparse.csr_matrix:
        """``C``'s kept columns (the same for every group against the rest: made once)."""
        key = np.packbits(keep).tobytes() + len(keep).to_bytes(8, "little")
        if self._kept is None or self._kept[0] != key:
            self._kept = (key, self.C if keep.all() else self.C[:, np.flatnonzero(keep)])
        return self._kept[1]

    def interval(self, group: str, others: list[str], keep: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
        """The interval of every kept term's z, ``group`` against ``others`` pooled."""
        codes = {name: i for i, name in enumerate(self.names)}
        kept = self._columns(keep)
        rows_i = np.flatnonzero(self.cluster_group == codes[group])
        rows_j = np.flatnonzero(np.isin(self.cluster_group, [codes[o] for o in others]))
        alpha = self.alpha[keep]
        # the group and the rest are resampled independently, each from its own generator
        draws_i = _resampled(kept, rows_i, self.n_boot,
                             cell_rng(self.seed, "keyness", group, "group"), self.CHUNK)
        draws_j = _resampled(kept, rows_j, self.n_boot,
                             cell_rng(self.seed, "keyness", group, "rest", *others), self.CHUNK)
        zs = np.empty((self.n_boot, kept.shape[1]))
        at = 0
        for s_i, s_j in zip(draws_i, draws_j):
            zs[at:at + len(s_i)] = log_odds_dirichlet(s_i, s_j, alpha)[1]
            at += len(s_i)
        bounds = [percentile_interval(zs[:, lo:lo + self.COLUMNS], self.ci)
                  for lo in range(0, zs.shape[1], self.COLUMNS)] or \
            [percentile_interval(zs, self.ci)]
        return (np.concatenate([b[0] for b in bounds]),
                np.concatenate([b[1] for b in bounds]))
