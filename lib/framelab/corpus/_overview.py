"""Corpus overview: per-document sizes, what segmentation set aside, vocabulary."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..figures import PALETTE, styled
from ..tokens import Analyzer, document_term_matrix
from ._segment import ANALYSED_SEGMENTS, SEGMENT_TYPES

__all__ = ["describe_documents", "segment_counts", "top_terms", "plot_lengths",
           "plot_segments"]


def describe_documents(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                       analyzer: Analyzer | None = None) -> pd.DataFrame:
    """One row per document: outlet, date, characters, sentences (all / analysed), tokens.

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``outlet``, ``date``, ``n_chars``, ``n_sentences``,
        ``n_body_sentences``, ``n_tokens`` (analysed sentences, stop words removed).
    """
    analyzer = analyzer or Analyzer()
    analysed = sentences[sentences["segment"].isin(ANALYSED_SEGMENTS)]
    tokens = analysed.groupby("doc_id")["text_norm"].agg(
        lambda texts: sum(len(analyzer(t)) for t in texts))
    out = documents[["doc_id", "outlet", "date"]].copy()
    out["n_chars"] = documents["text"].str.len().to_numpy()
    out["n_sentences"] = out["doc_id"].map(sentences.groupby("doc_id").size()).fillna(0)
    out["n_body_sentences"] = out["doc_id"].map(analysed.groupby("doc_id").size()).fillna(0)
    out["n_tokens"] = out["doc_id"].map(tokens).fillna(0)
    return out.astype({"n_sentences": "int64", "n_body_sentences": "int64",
                       "n_tokens": "int64"})


def segment_counts(sentences: pd.DataFrame) -> pd.DataFrame:
    """Sentences per document and segment type (every type a column, zeros included)."""
    table = pd.crosstab(sentences["doc_id"], sentences["segment"])
    table = table.reindex(columns=list(SEGMENT_TYPES), fill_value=0)
    table["excluded"] = table.drop(columns=list(ANALYSED_SEGMENTS)).sum(axis=1)
    return table.reset_index().rename_axis(columns=None)


def top_terms(texts: pd.Series, *, n: int = 30, min_df: int = 1) -> pd.DataFrame:
    """The ``n`` most frequent terms with their count and document frequency."""
    dtm = document_term_matrix(texts, min_df=min_df)
    counts = np.asarray(dtm.X.sum(axis=0)).ravel()
    df = np.asarray((dtm.X > 0).sum(axis=0)).ravel()
    frame = pd.DataFrame({"term": dtm.vocabulary, "count": counts, "doc_freq": df})
    return (frame.sort_values(["count", "term"], ascending=[False, True])
            .head(n).reset_index(drop=True))


@styled
def plot_lengths(described: pd.DataFrame, ax: Axes, *, colors: dict[str, str],
                 group: pd.Series) -> Axes:
    """Horizontal bars of analysed tokens per document, coloured by group."""
    order = described.sort_values("doc_id", ascending=False)
    groups = group.loc[order.index]
    ax.barh(order["doc_id"], order["n_tokens"], color=[colors[g] for g in groups])
    ax.set_xlabel("tokens in analysed sentences (stop words removed)")
    ax.set_ylabel("document")
    for y, (tokens, label, doc) in enumerate(zip(order["n_tokens"], groups, order["doc_id"])):
        if label != doc:  # name the group where it is not the document itself
            ax.text(tokens, y, f" {label}", va="center", fontsize=6)
    return ax


@styled
def plot_segments(counts: pd.DataFrame, ax: Axes) -> Axes:
    """Stacked bars of sentences per segment type and document."""
    table = counts.set_index("doc_id")[list(SEGMENT_TYPES)].sort_index(ascending=False)
    left = np.zeros(len(table))
    for i, kind in enumerate(SEGMENT_TYPES):
        ax.barh(table.index, table[kind], left=left, label=kind, color=PALETTE[i])
        left += table[kind].to_numpy()
    ax.set_xlabel("sentences")
    ax.legend(ncols=len(SEGMENT_TYPES), frameon=False, loc="lower left",
              bbox_to_anchor=(0, 1.0), fontsize=6)
    return ax
