"""Units and terms of a topic model: which unit (documents or paragraphs), its DTM, its tokens."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import ParameterError, check_columns
from ..tokens import (
    DEFAULT_MWES,
    DTM,
    STOP_WORDS,
    Analyzer,
    TermCountParts,
    count_terms,
    prune_terms,
)

__all__ = ["AUTO_MIN_DOCUMENTS", "resolve_unit", "topic_dtm", "unit_tokens"]

log = logging.getLogger(__name__)

#: ``unit="auto"`` uses documents when the corpus has at least this many, else paragraphs.
AUTO_MIN_DOCUMENTS = 200
_UNIT_COLUMNS = ["unit_id", "doc_id", "outlet", "text_norm"]


# --- units and terms -----------------------------------------------------------------------

def resolve_unit(sentences: pd.DataFrame, unit: str | int = "auto", *,
                 min_documents: int = AUTO_MIN_DOCUMENTS) -> str | int:
    """Return the unit of analysis for ``unit``, resolving ``"auto"``.

    ``"auto"`` gives ``"document"`` when ``sentences`` cover at least ``min_documents``
    documents and ``"paragraph"`` otherwise: LDA estimates topic proportions per unit and
    needs many units, so a handful of articles is modelled paragraph by paragraph.
    Other values (``"document"``, ``"paragraph"``, ``"sentence"``, an int window of sentences
    or its string form) are returned as given, ints parsed.
    """
    if isinstance(unit, str) and unit.isdigit():
        return int(unit)
    if unit != "auto":
        return unit
    check_columns(sentences, ["doc_id"], "sentences")
    n_docs = sentences["doc_id"].nunique()
    chosen = "document" if n_docs >= min_documents else "paragraph"
    log.info("unit='auto': %d documents (threshold %d) -> %s", n_docs, min_documents, chosen)
    return chosen


def topic_dtm(
    units: pd.DataFrame,
    *,
    min_df: float = 2,
    max_df: float = 0.9,
    max_features: int | None = None,
    stop_words: frozenset[str] | None = STOP_WORDS,
    mwes: Iterable[str] = DEFAULT_MWES,
    counts: DTM | TermCountParts | None = None,
) -> tuple[pd.DataFrame, DTM]:
    """Count the terms of each unit; drop units that keep no term after pruning.

    Parameters
    ----------
    units : DataFrame
        From :func:`framelab.corpus.units` (``unit_id``, ``doc_id``, ``outlet``, ``text_norm``;
        with ``counts`` the texts are not needed).
    min_df, max_df, max_features, stop_words, mwes
        As in :func:`framelab.tokens.document_term_matrix`.
    counts : DTM or TermCountParts, optional
        The units' unpruned term counts (:func:`framelab.tokens.count_terms` with the same
        ``stop_words`` and ``mwes``), already computed: one matrix, or the parts of the
        matrix as counted partition by partition (:func:`framelab.run.topic_dtm`), pruned
        into one int32 matrix by :meth:`framelab.tokens.TermCountParts.pruned` (which
        empties them).

    Returns
    -------
    units : DataFrame
        The units that keep at least one term, in input order (index reset).
    dtm : DTM
        ``dtm.X`` of shape (n_kept_units, n_terms).

    Raises
    ------
    ParameterError
        Pruning keeps no term; the message gives the terms and units before and after.
    """
    check_columns(units, _UNIT_COLUMNS if counts is None else _UNIT_COLUMNS[:-1], "units")
    n_docs = units["doc_id"].nunique()
    if counts is None:
        counts = count_terms(units["text_norm"].tolist(), stop_words=stop_words, mwes=mwes)
    n_counted = counts.X.shape[0] if isinstance(counts, DTM) else counts.n_rows
    if n_counted != len(units):
        raise ParameterError(f"counts has {n_counted} rows for {len(units)} units; count the "
                             "terms of these units")
    try:
        dtm = prune_terms(counts, min_df=min_df, max_df=max_df, max_features=max_features) \
            if isinstance(counts, DTM) else \
            counts.pruned(min_df=min_df, max_df=max_df, max_features=max_features)
    except ParameterError:
        before = int((np.asarray(counts.X.sum(axis=0)).ravel() > 0).sum()) \
            if isinstance(counts, DTM) else counts.n_terms
        raise ParameterError(
            f"min_df={min_df}, max_df={max_df} leave 0 of {before} terms, so 0 of "
            f"{len(units)} units (from {n_docs} documents) keep a term. Lower min_df, raise "
            "max_df, cut the corpus into more units (unit='paragraph' or a sentence window) "
            "or add documents") from None
    keep = np.asarray(dtm.X.sum(axis=1)).ravel() > 0
    if not keep.all():
        log.info("%d of %d units keep no term after pruning and are left out",
                 int((~keep).sum()), len(units))
    log.info("%d terms survive min_df=%s, max_df=%s in %d of %d units", dtm.X.shape[1],
             min_df, max_df, int(keep.sum()), len(units))
    if keep.all():  # no copy of a corpus-sized matrix
        return units.reset_index(drop=True), dtm
    return (units.loc[keep].reset_index(drop=True),
            DTM(dtm.X[keep], dtm.vocabulary))


def unit_tokens(units: pd.DataFrame, *, stop_words: frozenset[str] | None = STOP_WORDS,
                mwes: Iterable[str] = DEFAULT_MWES) -> list[list[str]]:
    """Token lists of each unit (the tokens the DTM counts), for sliding-window NPMI."""
    check_columns(units, ["text_norm"], "units")
    analyzer = Analyzer(mwes=tuple(mwes), stop_words=stop_words)
    return [analyzer(t) for t in units["text_norm"]]
