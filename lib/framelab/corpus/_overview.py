"""Corpus overview: per-document sizes, what segmentation set aside, vocabulary."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..errors import ParameterError
from ..figures import PALETTE, drawn_narrow, styled
from ..tokens import Analyzer, TextTotals
from ._segment import ANALYSED_SEGMENTS, SEGMENT_TYPES

__all__ = ["describe_documents", "segment_counts", "top_terms", "plot_lengths",
           "plot_segments", "per_document", "view_groups", "view_rows", "describe_groups",
           "documents_view", "segments_view", "NO_GROUP"]

#: The group of documents without one (no outlet) in the group-level views.
NO_GROUP = "(none)"


def per_document(n_documents: int, per_document_max: int) -> bool:
    """Whether a corpus of ``n_documents`` is shown document by document.

    Up to ``per_document_max`` documents, figures and tables have a row per document (the
    seeds report); above it they show distributions and summaries per group, whose size does
    not grow with the corpus.
    """
    return n_documents <= per_document_max


def view_groups(frame: pd.DataFrame, group_by: str = "outlet") -> pd.Series:
    """The group of each row in group-level views: ``frame[group_by]``, or :data:`NO_GROUP`
    where it is empty (never the document id, which would give a group per document)."""
    return _pooled(frame[group_by])


def _pooled(values: pd.Series) -> pd.Series:
    """``values`` as group names, missing or empty ones pooled as :data:`NO_GROUP`."""
    names = values.fillna("").astype(str)
    return names.where(names != "", NO_GROUP)


def view_rows(described: pd.DataFrame, *, per_document_max: int,
              group_by: str = "outlet") -> int:
    """Rows of the overview figures: documents (per-document view) or groups (above
    ``per_document_max`` documents); size a figure's height by it."""
    if per_document(len(described), per_document_max):
        return len(described)
    return int(view_groups(described, group_by).nunique())


def describe_groups(described: pd.DataFrame, *, group_by: str = "outlet",
                    segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per group: documents and the distribution of their lengths.

    Parameters
    ----------
    described : DataFrame
        :func:`describe_documents`'s table.
    group_by : str
        Column of ``described`` (empty values pool as :data:`NO_GROUP`).
    segments : DataFrame, optional
        :func:`segment_counts`'s table; adds the mean sentences per document of each
        segment type.

    Returns
    -------
    DataFrame
        Columns ``group``, ``n_documents``, ``tokens_mean``, ``tokens_q25``,
        ``tokens_median``, ``tokens_q75``, ``tokens_max``, ``sentences_mean``,
        ``body_sentences_mean``, then ``<segment>_mean`` per segment type when ``segments``
        is given; groups sorted by name.
    """
    frame = described.assign(group=view_groups(described, group_by).to_numpy())
    grouped = frame.groupby("group", sort=True)
    tokens = grouped["n_tokens"]
    out = pd.DataFrame({
        "n_documents": grouped.size(),
        "tokens_mean": tokens.mean(),
        "tokens_q25": tokens.quantile(0.25),
        "tokens_median": tokens.median(),
        "tokens_q75": tokens.quantile(0.75),
        "tokens_max": tokens.max(),
        "sentences_mean": grouped["n_sentences"].mean(),
        "body_sentences_mean": grouped["n_body_sentences"].mean(),
    })
    if segments is not None:
        kinds = list(SEGMENT_TYPES)
        per_doc = segments.set_index("doc_id")[kinds].reindex(frame["doc_id"], fill_value=0)
        means = per_doc.set_axis(frame.index).groupby(frame["group"]).mean()
        out = out.join(means.add_suffix("_mean"))
    return out.rename_axis("group").reset_index()


def documents_view(described: pd.DataFrame, *, per_document_max: int,
                   group_by: str = "outlet", segments: pd.DataFrame | None = None
                   ) -> pd.DataFrame:
    """What the overview shows: ``described`` itself up to ``per_document_max`` documents,
    else :func:`describe_groups` (the full per-document table is saved either way)."""
    if per_document(len(described), per_document_max):
        return described
    return describe_groups(described, group_by=group_by, segments=segments)


def describe_documents(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                       analyzer: Analyzer | None = None,
                       n_tokens: np.ndarray | None = None) -> pd.DataFrame:
    """One row per document: outlet, date, characters, sentences (all / analysed), tokens.

    ``n_tokens``, when given, holds the tokens of each row of ``sentences`` (as ``analyzer``
    would count them; only the analysed sentences' are used), already counted elsewhere, e.g.
    by :meth:`framelab.tokens.TextTotals.counted`; else the analysed texts are tokenized here.

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``outlet``, ``date``, ``n_chars``, ``n_sentences``,
        ``n_body_sentences``, ``n_tokens`` (analysed sentences, stop words removed).
    """
    is_analysed = sentences["segment"].isin(ANALYSED_SEGMENTS).to_numpy()
    analysed = sentences[is_analysed]
    if n_tokens is None:
        analyzer = analyzer or Analyzer()
        per_text = np.fromiter((len(analyzer(t)) for t in analysed["text_norm"].tolist()),
                               dtype=np.int64, count=len(analysed))
    elif len(n_tokens) != len(sentences):
        raise ParameterError(f"n_tokens has {len(n_tokens)} values for {len(sentences)} "
                             "sentences; give the tokens of every row of sentences")
    else:
        per_text = np.asarray(n_tokens, dtype=np.int64)[is_analysed]
    tokens = pd.Series(per_text, index=analysed.index).groupby(analysed["doc_id"]).sum()
    out = documents[["doc_id", "outlet", "date"]].copy()
    out["n_chars"] = documents["text"].str.len().to_numpy()
    out["n_sentences"] = out["doc_id"].map(sentences.groupby("doc_id").size()).fillna(0)
    out["n_body_sentences"] = out["doc_id"].map(analysed.groupby("doc_id").size()).fillna(0)
    out["n_tokens"] = out["doc_id"].map(tokens).fillna(0)
    return out.astype({"n_sentences": "int64", "n_body_sentences": "int64",
                       "n_tokens": "int64"})


def segment_counts(sentences: pd.DataFrame) -> pd.DataFrame:
    """Sentences per document and segment type (every type a column, zeros included)."""
    # what pd.crosstab gives, from one groupby (crosstab counts each cell in Python)
    table = sentences.groupby(["doc_id", "segment"]).size().unstack("segment", fill_value=0)
    table = table.reindex(columns=list(SEGMENT_TYPES), fill_value=0)
    table["excluded"] = table.drop(columns=list(ANALYSED_SEGMENTS)).sum(axis=1)
    return table.reset_index().rename_axis(columns=None)


def top_terms(texts: pd.Series, *, n: int = 30, min_df: int = 1) -> pd.DataFrame:
    """The ``n`` most frequent terms with their count and document frequency (texts using the
    term): :meth:`framelab.tokens.TextTotals.top_terms` of the texts' totals."""
    return TextTotals.of(texts).top_terms(n=n, min_df=min_df)


def segments_view(segments: pd.DataFrame, documents: pd.DataFrame, *,
                  per_document_max: int, group_by: str = "outlet") -> pd.DataFrame:
    """What the overview shows of :func:`segment_counts`: the table itself up to
    ``per_document_max`` documents, else the mean sentences per document of each segment
    type per group (column ``n_documents`` first)."""
    if per_document(len(segments), per_document_max):
        return segments
    names = view_groups(documents, group_by)
    group = pd.Series(names.to_numpy(), index=documents["doc_id"].to_numpy())
    kinds = list(SEGMENT_TYPES) + ["excluded"]
    keyed = segments.assign(group=group.reindex(segments["doc_id"]).fillna(NO_GROUP).to_numpy())
    grouped = keyed.groupby("group", sort=True)
    out = grouped[kinds].mean().add_suffix("_mean")
    out.insert(0, "n_documents", grouped.size())
    return out.rename_axis("group").reset_index()


@styled
def plot_lengths(described: pd.DataFrame, ax: Axes, *, colors: dict[str, str],
                 group: pd.Series, per_document_max: int | None = None,
                 group_by: str = "outlet") -> Axes:
    """Analysed tokens per document: a bar per document, coloured by ``group``; above
    ``per_document_max`` documents (:func:`per_document`), a box plot per group of
    ``described[group_by]`` instead (whiskers at 1.5 IQR, no outlier points, n per group)."""
    if per_document_max is not None and not per_document(len(described), per_document_max):
        return _plot_length_boxes(described, ax, colors=colors, group_by=group_by)
    order = described.sort_values("doc_id", ascending=False)
    groups = group.loc[order.index]
    ax.barh(order["doc_id"], order["n_tokens"], color=[colors[g] for g in groups])
    ax.set_xlabel("tokens in analysed sentences (stop words removed)")
    ax.set_ylabel("document")
    for y, (tokens, label, doc) in enumerate(zip(order["n_tokens"], groups, order["doc_id"])):
        if label != doc:  # name the group where it is not the document itself
            ax.text(tokens, y, f" {label}", va="center", fontsize=6)
    return ax


def _plot_length_boxes(described: pd.DataFrame, ax: Axes, *, colors: dict[str, str],
                       group_by: str) -> Axes:
    groups = view_groups(described, group_by)
    names = sorted(groups.unique(), reverse=True)
    data = [described.loc[(groups == g).to_numpy(), "n_tokens"].to_numpy() for g in names]
    boxes = ax.boxplot(data, orientation="horizontal", showfliers=False, patch_artist=True,
                       widths=0.6, medianprops={"color": "black"})
    for patch, name in zip(boxes["boxes"], names):
        patch.set_facecolor(colors.get(name, "#999999"))
    ax.set_yticks(range(1, len(names) + 1),
                  [f"{g} (n={len(d):,})" for g, d in zip(names, data)])
    ax.set_xlabel("tokens in analysed sentences per document (stop words removed)")
    ax.set_ylabel(group_by)
    return ax


@styled
def plot_segments(counts: pd.DataFrame, ax: Axes, *, groups: pd.Series | None = None,
                  per_document_max: int | None = None) -> Axes:
    """Stacked bars of sentences per segment type and document; above ``per_document_max``
    documents, the mean sentences per document of each segment type and group instead.

    ``groups`` maps each ``doc_id`` to its group (e.g. ``documents.set_index("doc_id")
    .outlet``; empty values pool as :data:`NO_GROUP`); needed for the group view.
    """
    table = counts.set_index("doc_id")[list(SEGMENT_TYPES)]
    if per_document_max is not None and not per_document(len(table), per_document_max):
        if groups is None:
            raise ParameterError(f"plot_segments: {len(table)} documents > per_document_max="
                                 f"{per_document_max} needs groups= (doc_id -> group)")
        table = table.groupby(_pooled(groups.reindex(table.index)).to_numpy()).mean()
        ax.set_ylabel("group")
        xlabel = "mean sentences per document"
    else:
        xlabel = "sentences"
    table = table.sort_index(ascending=False)
    left = np.zeros(len(table))
    for i, kind in enumerate(SEGMENT_TYPES):
        ax.barh(table.index, table[kind], left=left, label=kind, color=PALETTE[i])
        left += table[kind].to_numpy()
    ax.set_xlabel(xlabel)
    narrow = drawn_narrow(ax)  # a single-column figure: three legend rows
    ax.legend(ncols=(len(SEGMENT_TYPES) + 2) // 3 if narrow else len(SEGMENT_TYPES),
              frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=6)
    return ax
