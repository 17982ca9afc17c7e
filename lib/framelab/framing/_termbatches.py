"""Keyness counts made part by part: the tokenized sentences of a corpus, batch by batch.

:func:`framelab.framing.keyness` counts terms per group and, for its bootstrap, per document
or sentence. Tokenizing is per sentence, so it can run partition by partition on an engine:
:func:`term_batches` tokenizes the analysed sentences of some documents, batches of a corpus
add up with ``+=`` in corpus order, and ``keyness(batches=...)`` then gives the table
``keyness(sentences, ...)`` gives, without the sentences' texts in the process that calls it.

What is held grows with the corpus, so it is held compactly: terms and groups as integer
codes into one vocabulary and one list of group names shared by every batch (not a string per
sentence), documents as integer codes, counts as ``uint16`` (``int32`` for a batch with a
larger count) with ``int32`` column indices. With ``level="documents"`` each document's
sentences are summed as they arrive (one row per document and group): that is all keyness
needs when its bootstrap draws documents, and a few times smaller than a row per sentence.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse

from ..codebook import resolve_codebook
from ..errors import ParameterError
from ..tokens import DEFAULT_MWES, STOP_WORDS, count_terms
from ._framing import _body, _unit_groups

if TYPE_CHECKING:
    from ..codebook import CodebookArg

__all__ = ["TERM_LEVELS", "TermBatches", "term_batches"]

Batch = tuple[np.ndarray, sparse.csr_matrix, np.ndarray, np.ndarray]
#: What a row of :class:`TermBatches` is: a sentence, or a document's sentences in one group.
TERM_LEVELS = ("sentences", "documents")
_UINT16_MAX = np.iinfo(np.uint16).max
_INT32_MAX = np.iinfo(np.int32).max


def keyness_mwes(codebook: CodebookArg = None) -> tuple[str, ...]:
    """Multiword terms kept whole by keyness: the defaults and the codebook's actor names."""
    return tuple(DEFAULT_MWES) + resolve_codebook(codebook).multiword_terms(("actor",))


def _compact(data: np.ndarray) -> np.ndarray:
    """Counts in the smallest of uint16 / int32 / int64 that holds them all."""
    if len(data) and data.min() < 0:
        raise ParameterError("term counts must not be negative")
    top = int(data.max()) if len(data) else 0
    dtype = np.uint16 if top <= _UINT16_MAX else np.int32 if top <= _INT32_MAX else np.int64
    return data.astype(dtype, copy=False)


class TermBatches:
    """Tokenized analysed sentences, added batch by batch in corpus order.

    Offers what keyness reads from the sentences: ``names`` (the groups, sorted),
    ``group_codes`` and ``doc_codes`` (one per row, over the whole corpus, int64) and,
    iterated, ``(vocabulary, rows x term counts, group codes, document codes)`` over the whole
    corpus (the vocabulary sorted). A document's sentences must all be in one batch
    (partitions never split documents).

    Parameters
    ----------
    level : {"sentences", "documents"}
        A row per sentence, or per document and group (its sentences summed as they are
        added; a document whose sentences fall in two groups is two rows, in the order the
        pairs first occur). Keyness's bootstrap can draw sentences from the first only.
    """

    def __init__(self, level: str = "sentences") -> None:
        if level not in TERM_LEVELS:
            raise ParameterError(f"TermBatches(level={level!r}); use one of "
                                 + ", ".join(TERM_LEVELS))
        self.level = level
        self._terms: dict[str, int] = {}   # term -> column of every part's matrix
        self._groups: dict[str, int] = {}  # group name -> code of every part
        # per part: counts over the columns of _terms, group codes, document codes (int32)
        self._parts: list[tuple[sparse.csr_matrix, np.ndarray, np.ndarray]] = []
        self._n_docs = 0
        self._n_sentences = 0
        self._sorted = True  # _terms and _groups are in sorted order, one part at most

    def add(self, vocabulary: np.ndarray, X: sparse.csr_matrix, groups: np.ndarray,
            doc_ids: np.ndarray) -> None:
        """Append a batch: its vocabulary, its sentences' term counts (a row each), and each
        sentence's group and document."""
        X = sparse.csr_matrix(X)
        if not (X.shape[0] == len(groups) == len(doc_ids)) or X.shape[1] != len(vocabulary):
            raise ParameterError(f"TermBatches.add: {X.shape[0]} rows of counts over "
                                 f"{X.shape[1]} terms, {len(vocabulary)} terms, "
                                 f"{len(groups)} groups and {len(doc_ids)} documents; give "
                                 "one group and document per row and a term per column")
        group_local, group_names = pd.factorize(np.asarray(groups, dtype=object))
        doc_local, doc_names = pd.factorize(np.asarray(doc_ids, dtype=object))
        self._n_sentences += X.shape[0]
        if self.level == "documents" and X.shape[0]:
            keys = doc_local.astype(np.int64) * max(len(group_names), 1) + group_local
            codes, first = pd.factorize(keys)
            by_key = sparse.csr_matrix(
                (np.ones(len(keys), dtype=np.int64), (codes, np.arange(len(keys)))),
                shape=(len(first), len(keys)))
            X = sparse.csr_matrix(by_key @ X)
            group_local = (first % max(len(group_names), 1)).astype(np.int64)
            doc_local = (first // max(len(group_names), 1)).astype(np.int64)
        columns = np.fromiter((self._terms.setdefault(str(t), len(self._terms))
                               for t in vocabulary), dtype=np.int64, count=len(vocabulary))
        group_map = np.fromiter((self._groups.setdefault(str(g), len(self._groups))
                                 for g in group_names), dtype=np.int64, count=len(group_names))
        self._append(X, columns, group_map[group_local] if len(group_local) else
                     group_local, doc_local.astype(np.int64) + self._n_docs)
        self._n_docs += len(doc_names)

    def _append(self, X: sparse.csr_matrix, columns: np.ndarray, group_codes: np.ndarray,
                doc_codes: np.ndarray) -> None:
        index = np.int32 if len(self._terms) <= _INT32_MAX else np.int64
        X.sum_duplicates()
        compact = sparse.csr_matrix(
            (_compact(X.data), columns[X.indices].astype(index), X.indptr.copy()),
            shape=(X.shape[0], max(len(self._terms), 1)))
        self._parts.append((compact, group_codes.astype(np.int32),
                            doc_codes.astype(np.int32 if self._n_docs + X.shape[0] <=
                                             _INT32_MAX else np.int64)))
        self._sorted = False

    def __iadd__(self, other: TermBatches) -> TermBatches:
        if other._parts and other.level != self.level:
            raise ParameterError(f"adding TermBatches of level {other.level!r} to "
                                 f"{self.level!r}; make every batch at the same level")
        terms = np.array(list(other._terms), dtype=object)
        columns = np.fromiter((self._terms.setdefault(t, len(self._terms)) for t in terms),
                              dtype=np.int64, count=len(terms))
        groups = np.fromiter((self._groups.setdefault(g, len(self._groups))
                              for g in other._groups), dtype=np.int64, count=len(other._groups))
        for X, group_codes, doc_codes in other._parts:
            self._append(X, columns, groups[group_codes] if len(group_codes) else
                         group_codes.astype(np.int64), doc_codes.astype(np.int64) + self._n_docs)
        self._n_docs += other._n_docs
        self._n_sentences += other._n_sentences
        return self

    def __len__(self) -> int:
        """Sentences counted."""
        return self._n_sentences

    @property
    def n_rows(self) -> int:
        """Rows held: sentences, or documents per group with ``level="documents"``."""
        return sum(part[0].shape[0] for part in self._parts)

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays held (counts, indices, codes; not the vocabulary's strings)."""
        return sum(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes + g.nbytes + d.nbytes
                   for X, g, d in self._parts)

    def _consolidate(self) -> None:
        """One part over the sorted vocabulary and group names (parts freed one by one)."""
        if self._sorted:
            return
        terms = np.array(list(self._terms), dtype=object)
        order = np.argsort(terms, kind="stable")
        term_rank = np.empty(len(terms), dtype=np.int64)
        term_rank[order] = np.arange(len(terms))
        names = sorted(self._groups)
        group_rank = np.empty(len(names), dtype=np.int64)
        group_rank[[self._groups[n] for n in names]] = np.arange(len(names))
        n_rows = self.n_rows
        nnz = sum(part[0].nnz for part in self._parts)
        data_type = np.result_type(*(part[0].data.dtype for part in self._parts)) \
            if self._parts else np.dtype(np.uint16)
        index = np.int32 if max(len(terms), nnz) <= _INT32_MAX else np.int64
        data = np.empty(nnz, dtype=data_type)
        indices = np.empty(nnz, dtype=index)
        indptr = np.zeros(n_rows + 1, dtype=index)
        group_codes = np.empty(n_rows, dtype=np.int32)
        doc_codes = np.empty(n_rows, dtype=np.int32 if self._n_docs <= _INT32_MAX
                             else np.int64)
        row = at = 0
        parts, self._parts = self._parts, []
        while parts:
            X, groups, docs = parts.pop(0)
            n, k = X.shape[0], X.nnz
            data[at:at + k] = X.data
            indices[at:at + k] = term_rank[X.indices]
            indptr[row + 1:row + n + 1] = X.indptr[1:] + at
            group_codes[row:row + n] = group_rank[groups] if n else groups
            doc_codes[row:row + n] = docs
            row, at = row + n, at + k
            del X, groups, docs
        whole = sparse.csr_matrix((data, indices, indptr), shape=(n_rows, len(terms)))
        whole.sort_indices()
        self._terms = {str(t): i for i, t in enumerate(terms[order])}
        self._groups = {name: i for i, name in enumerate(names)}
        self._parts = [(whole, group_codes, doc_codes)] if n_rows else []
        self._sorted = True

    @property
    def names(self) -> list[str]:
        self._consolidate()
        return list(self._groups)

    @property
    def vocabulary(self) -> np.ndarray:
        """Every term, sorted (object array)."""
        self._consolidate()
        return np.array(list(self._terms), dtype=object)

    @property
    def group_codes(self) -> np.ndarray:
        self._consolidate()
        return self._parts[0][1].astype(np.int64) if self._parts else np.array([], np.int64)

    @property
    def doc_codes(self) -> np.ndarray:
        self._consolidate()
        return self._parts[0][2].astype(np.int64) if self._parts else np.array([], np.int64)

    def __iter__(self) -> Iterator[Batch]:
        """The whole corpus as one batch (nothing when no sentence was added)."""
        self._consolidate()
        if self._parts:
            X, groups, docs = self._parts[0]
            yield self.vocabulary, X, groups.astype(np.int64), docs.astype(np.int64)


def term_batches(sentences: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                 group_by: str = "outlet", codebook: CodebookArg = None,
                 include_nonbody: bool = False, level: str = "sentences") -> TermBatches:
    """The analysed sentences tokenized as :func:`framelab.framing.keyness` tokenizes them,
    as one batch (``group_by`` as in keyness: a sentence or document column; ``level`` as
    in :class:`TermBatches`)."""
    out = TermBatches(level)
    sents = _body(sentences, include_nonbody)
    if not len(sents):
        return out
    groups = np.asarray(_unit_groups(sents, documents, group_by).astype(str), dtype=object)
    dtm = count_terms(sents["text_norm"].tolist(), stop_words=STOP_WORDS,
                      mwes=keyness_mwes(codebook))
    out.add(dtm.vocabulary, dtm.X, groups, sents["doc_id"].to_numpy(dtype=object))
    return out
