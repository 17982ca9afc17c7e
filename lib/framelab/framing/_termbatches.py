"""Keyness counts made part by part: the tokenized sentences of a corpus, batch by batch.

:func:`framelab.framing.keyness` counts terms per group and, for its bootstrap, per document
or sentence. Tokenizing is per sentence, so it can run partition by partition on an engine:
:func:`term_batches` tokenizes the analysed sentences of some documents, batches of a corpus
add up with ``+=`` in corpus order, and ``keyness(batches=...)`` then gives the table
``keyness(sentences, ...)`` gives, without the sentences' texts in the process that calls it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse

from ..codebook import resolve_codebook
from ..tokens import DEFAULT_MWES, STOP_WORDS, count_terms
from ._framing import _body, _unit_groups

if TYPE_CHECKING:
    from ..codebook import CodebookArg

__all__ = ["TermBatches", "term_batches"]

Batch = tuple[np.ndarray, sparse.csr_matrix, np.ndarray, np.ndarray]


def keyness_mwes(codebook: CodebookArg = None) -> tuple[str, ...]:
    """Multiword terms kept whole by keyness: the defaults and the codebook's actor names."""
    return tuple(DEFAULT_MWES) + resolve_codebook(codebook).multiword_terms(("actor",))


class TermBatches:
    """Tokenized analysed sentences, one batch per call of :func:`term_batches`, in order.

    Offers what keyness reads from the sentences: ``names`` (the groups, sorted),
    ``group_codes`` and ``doc_codes`` (one per sentence, over the whole corpus) and, iterated,
    each batch's ``(vocabulary, sentence x term counts, group codes, document codes)``.
    A document's sentences must all be in one batch (partitions never split documents).
    """

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, sparse.csr_matrix, np.ndarray, np.ndarray]] = []
        self._codes: tuple[list[str], np.ndarray, np.ndarray] | None = None

    def add(self, vocabulary: np.ndarray, X: sparse.csr_matrix, groups: np.ndarray,
            doc_ids: np.ndarray) -> None:
        """Append a batch: its vocabulary, counts, and each sentence's group and document."""
        self._parts.append((vocabulary, X, groups, doc_ids))
        self._codes = None

    def __iadd__(self, other: TermBatches) -> TermBatches:
        for part in other._parts:
            self.add(*part)
        return self

    def __len__(self) -> int:
        """Sentences counted."""
        return sum(part[1].shape[0] for part in self._parts)

    def _coded(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        if self._codes is None:
            groups = np.concatenate([p[2] for p in self._parts]) if self._parts else \
                np.array([], dtype=object)
            docs = np.concatenate([p[3] for p in self._parts]) if self._parts else \
                np.array([], dtype=object)
            names = sorted(set(groups))
            codes = np.searchsorted(np.array(names, dtype=object), groups)
            self._codes = names, codes, pd.factorize(docs)[0]
        return self._codes

    @property
    def names(self) -> list[str]:
        return self._coded()[0]

    @property
    def group_codes(self) -> np.ndarray:
        return self._coded()[1]

    @property
    def doc_codes(self) -> np.ndarray:
        return self._coded()[2]

    def __iter__(self) -> Iterator[Batch]:
        _, groups, docs = self._coded()
        at = 0
        for vocabulary, X, _, _ in self._parts:
            n = X.shape[0]
            yield vocabulary, X, groups[at:at + n], docs[at:at + n]
            at += n


def term_batches(sentences: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                 group_by: str = "outlet", codebook: CodebookArg = None,
                 include_nonbody: bool = False) -> TermBatches:
    """The analysed sentences tokenized as :func:`framelab.framing.keyness` tokenizes them,
    as one batch (``group_by`` as in keyness: a sentence or document column)."""
    sents = _body(sentences, include_nonbody)
    out = TermBatches()
    if not len(sents):
        return out
    groups = np.asarray(_unit_groups(sents, documents, group_by).astype(str), dtype=object)
    dtm = count_terms(sents["text_norm"].tolist(), stop_words=STOP_WORDS,
                      mwes=keyness_mwes(codebook))
    out.add(dtm.vocabulary, dtm.X, groups, sents["doc_id"].to_numpy(dtype=object))
    return out
