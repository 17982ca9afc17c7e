"""The corpus overview of notebook 00_corpus, computed part by part on the run's engine.

Everything the overview shows is either per document (lengths, segment counts, the
sentences set aside, KWIC lines) or a corpus total (term and bigram counts), so none of it
needs the whole corpus in one process: per-document rows are computed per part and put
together in corpus order, totals are added up (:class:`framelab.tokens.TextTotals`).
Each equals the whole-corpus function's result (``tests/run/test_overview.py``).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pandas as pd

from ..corpus import ANALYSED_SEGMENTS, body, describe_documents, segment_counts
from ..tokens import TextTotals, kwic

if TYPE_CHECKING:
    from ._partitions import RunCorpus

__all__ = ["NONBODY_COLUMNS", "overview_tables", "text_totals"]

#: Columns of the ``nonbody`` table: the sentences that are not analysed by default.
NONBODY_COLUMNS = ["doc_id", "sentence_id", "segment", "text"]


def _overview_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, keyword: str,
                   kwic_window: int, include_nonbody: bool) -> dict[str, pd.DataFrame]:
    analysed = body(sentences, include_nonbody=include_nonbody)
    return {
        "documents": describe_documents(documents, sentences),
        "segments": segment_counts(sentences),
        "nonbody": sentences.loc[~sentences["segment"].isin(ANALYSED_SEGMENTS),
                                 NONBODY_COLUMNS],
        "kwic": kwic(analysed, keyword, window=kwic_window),
    }


def overview_tables(run: RunCorpus, *, keyword: str, kwic_window: int = 60,
                    include_nonbody: bool = False) -> dict[str, pd.DataFrame]:
    """The per-document tables of the overview, part by part.

    Returns
    -------
    dict of DataFrame
        ``documents`` (:func:`framelab.corpus.describe_documents`), ``segments``
        (:func:`framelab.corpus.segment_counts`, sorted by doc_id as it sorts them),
        ``nonbody`` (the sentences outside the analysed segments, :data:`NONBODY_COLUMNS`)
        and ``kwic`` (:func:`framelab.tokens.kwic` of ``keyword`` in the analysed
        sentences): each equal to the function on the whole corpus.
    """
    tables = run.map(partial(_overview_part, keyword=keyword, kwic_window=kwic_window,
                             include_nonbody=include_nonbody), desc="overview")
    tables["segments"] = tables["segments"].sort_values("doc_id", kind="stable") \
        .reset_index(drop=True)
    return tables


def _totals_part(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                 include_nonbody: bool) -> TextTotals:
    return TextTotals.of(body(sentences, include_nonbody=include_nonbody)["text_norm"])


def text_totals(run: RunCorpus, *, include_nonbody: bool = False) -> TextTotals:
    """Term, word and bigram totals of the analysed sentences (for the top terms and the
    collocations), added up part by part."""
    found = run.map(partial(_totals_part, include_nonbody=include_nonbody), desc="totals")
    return found if found is not None else TextTotals()
