"""Unpruned term counts of a corpus, part by part, over one growing vocabulary: what
:func:`framelab.tokens.prune_terms` of the stacked parts needs, without holding each part's
vocabulary or the unpruned stack."""

from __future__ import annotations

from typing import Any, Self

import numpy as np
from scipy import sparse

from ._matrix import DTM, kept_terms

__all__ = ["TermCountParts", "stack_pruned"]


def _smallest_int(values: np.ndarray) -> np.ndarray:
    """``values`` in the narrowest unsigned type that holds them, if they are counts
    (integers, none negative); other values as they are."""
    if not np.issubdtype(values.dtype, np.integer) or len(values) and values.min() < 0:
        return values
    top = int(values.max()) if len(values) else 0
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return values.astype(dtype)
    return values.astype(np.int64)


class TermCountParts:
    """Rows of term counts added part by part (``a += b`` appends ``b``'s rows), with
    every term numbered once, in the order first seen; :meth:`pruned` is
    ``prune_terms(stack_dtms(parts), ...)`` of the parts added.

    Each part keeps its entries (term numbers as int32, counts in the narrowest unsigned
    type), and the corpus's document frequencies and totals per term are summed as parts
    come, so no part keeps its own vocabulary.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._doc_freq = np.zeros(0, dtype=np.int64)
        self._totals = np.zeros(0, dtype=np.int64)
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # data, ids, indptr
        self.n_rows = 0

    @classmethod
    def of(cls, dtm: DTM) -> TermCountParts:
        """The rows of one matrix (its vocabulary in any order, one entry per row and term
        or duplicates to be summed)."""
        found = cls()
        found._add(sparse.csr_matrix(dtm.X), [str(t) for t in dtm.vocabulary])
        return found

    def _add(self, X: sparse.csr_matrix, terms: list[str]) -> None:
        X = X.copy() if not X.has_canonical_format else X
        X.sum_duplicates()
        ids = self._ids
        number = np.fromiter((ids.setdefault(t, len(ids)) for t in terms), dtype=np.int64,
                             count=len(terms))
        columns = number[X.indices]
        grown = len(ids) - len(self._doc_freq)
        if grown:
            self._doc_freq = np.concatenate([self._doc_freq, np.zeros(grown, np.int64)])
            self._totals = np.concatenate([self._totals, np.zeros(grown, np.int64)])
        self._doc_freq += np.bincount(columns, minlength=len(ids))
        # float sums of integer counts are exact below 2**53
        self._totals += np.bincount(columns, weights=X.data, minlength=len(ids)).astype(np.int64)
        self._parts.append((_smallest_int(X.data), columns.astype(np.int32),
                            X.indptr.astype(np.int64)))
        self.n_rows += X.shape[0]

    def __iadd__(self, other: TermCountParts) -> Self:
        terms = list(other._ids)  # other's terms by their numbers there
        while other._parts:
            data, columns, indptr = other._parts.pop(0)
            X = sparse.csr_matrix((data, columns, indptr),
                                  shape=(len(indptr) - 1, len(terms)))
            self._add(X, terms)
        return self

    @property
    def n_terms(self) -> int:
        """Distinct terms counted at least once."""
        return int((self._totals > 0).sum())

    def pruned(self, *, min_df: int | float = 1, max_df: int | float = 1.0,
               max_features: int | None = None, dtype: Any = np.int32) -> DTM:
        """All rows over the kept terms (sorted, as :func:`prune_terms` keeps them),
        counts as ``dtype``. Each part is dropped once copied, so this object is empty
        afterwards; on a ``ParameterError`` (no term kept) it is left as it was."""
        terms = np.array(list(self._ids), dtype=str)
        order = np.argsort(terms, kind="stable")  # sorted vocabulary -> term number
        keep = kept_terms(self._doc_freq[order], self._totals[order], self.n_rows,
                          len(terms), min_df=min_df, max_df=max_df,
                          max_features=max_features)
        column_of = np.full(len(terms), -1, dtype=np.int64)  # term number -> result column
        column_of[order[keep]] = np.arange(int(keep.sum()))
        size = int(self._doc_freq[order[keep]].sum())
        data = np.empty(size, dtype=dtype)
        indices = np.empty(size, dtype=np.int32 if keep.sum() < 2**31 else np.int64)
        indptr = np.zeros(self.n_rows + 1, dtype=np.int64)
        row = at = 0
        self._parts.reverse()  # popped from the end: the first part first
        while self._parts:
            part_data, columns, part_indptr = self._parts.pop()
            new = column_of[columns]
            kept = new >= 0
            n = int(kept.sum())
            data[at:at + n] = part_data[kept]
            indices[at:at + n] = new[kept]
            ends = np.concatenate([[0], np.cumsum(kept)])[part_indptr[1:]]
            indptr[row + 1:row + len(part_indptr)] = at + ends
            row += len(part_indptr) - 1
            at += n
            del part_data, columns, new, kept
        self._ids, self.n_rows = {}, 0
        self._doc_freq = self._totals = np.zeros(0, dtype=np.int64)
        out = sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, int(keep.sum())))
        out.sort_indices()  # term numbers are in first-seen order, columns in sorted order
        return DTM(out, terms[order[keep]])


def stack_pruned(parts: list[DTM], *, min_df: int | float = 1, max_df: int | float = 1.0,
                 max_features: int | None = None, dtype: Any = np.int32) -> DTM:
    """``prune_terms(stack_dtms(parts), ...)`` (counts as ``dtype``) through
    :class:`TermCountParts`."""
    found = TermCountParts()
    for part in parts:
        found += TermCountParts.of(part)
    return found.pruned(min_df=min_df, max_df=max_df, max_features=max_features, dtype=dtype)
