"""Stance per document at corpus scale: the table without per-document intervals, and the
view of it a reader can take in (distributions per group rather than a row per document)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..corpus import per_document, view_groups
from ..errors import check_columns
from ._stance import (
    BY_DOC_COLUMNS,
    SCORE_COLUMNS,
    SCORERS,
    VOICE_GROUPS,
    _targets_of,
    stance_by_doc,
)

if TYPE_CHECKING:
    from ..codebook import CodebookArg

__all__ = ["DOC_SUMMARY_COLUMNS", "stance_by_doc_sized", "doc_stance_summary"]

#: Columns of :func:`doc_stance_summary`.
DOC_SUMMARY_COLUMNS = ["group", "target", "voice", "scorer", "n_documents", "score_q25",
                       "score_median", "score_q75", "n_mentions"]


def _doc_means(scored: pd.DataFrame, documents: pd.DataFrame, names: Sequence[str],
               per_document_max: int) -> pd.DataFrame:
    """:func:`stance_by_doc`'s cells (same rows, same order) with the mean only."""
    docs = documents[["doc_id", "outlet"]].drop_duplicates("doc_id")
    scorers = sorted(scored["scorer"].unique()) or list(SCORERS)
    grid = pd.MultiIndex.from_product(
        [docs["doc_id"], list(names), scorers, list(VOICE_GROUPS)],
        names=["doc_id", "target", "scorer", "voice"])
    parts = []
    for voice, voices in VOICE_GROUPS.items():
        rows = scored[scored["voice"].isin(voices)]
        stats = rows.groupby(["doc_id", "target", "scorer"], sort=False)["score"] \
            .agg(["mean", "size"]).assign(voice=voice)
        parts.append(stats.set_index("voice", append=True))
    stats = pd.concat(parts).reindex(grid)
    n = stats["size"].fillna(0).astype("int64").to_numpy()
    frame = grid.to_frame(index=False)
    labels = np.where(frame["voice"] == "all", "", frame["voice"] + " ")
    note = np.where(n == 0, "no " + labels + "mentions of " + frame["target"],
                    np.where(n == 1, "one mention: no interval",
                             f"no interval: more than per_document_max={per_document_max} "
                             "documents"))
    out = pd.DataFrame({
        "doc_id": frame["doc_id"], "outlet": frame["doc_id"].map(dict(zip(docs["doc_id"],
                                                                        docs["outlet"]))),
        "target": frame["target"], "voice": frame["voice"], "scorer": frame["scorer"],
        "score": stats["mean"].to_numpy(dtype=float), "ci_low": np.nan, "ci_high": np.nan,
        "n_mentions": n, "note": note})
    out["outlet"] = out["outlet"].fillna("")
    return out[BY_DOC_COLUMNS]


def stance_by_doc_sized(scored: pd.DataFrame, *, documents: pd.DataFrame,
                        targets: str | Sequence[str] | None = None,
                        codebook: CodebookArg = None, per_document_max: int,
                        n_boot: int = 1000, ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """:func:`stance_by_doc` up to ``per_document_max`` documents; above it the same rows
    and means without per-document intervals (a bootstrap per document, target, voice and
    scorer costs minutes at tens of thousands of documents, and nobody reads them one by one:
    the group intervals of :func:`stance_by_group` are what the report shows).

    Returns
    -------
    DataFrame
        :data:`BY_DOC_COLUMNS`; above the threshold ``ci_low``/``ci_high`` are NaN and
        ``note`` says why.
    """
    check_columns(scored, SCORE_COLUMNS, "stance_mentions")
    check_columns(documents, ("doc_id", "outlet"), "documents")
    if per_document(documents["doc_id"].nunique(), per_document_max):
        return stance_by_doc(scored, documents=documents, targets=targets, codebook=codebook,
                             n_boot=n_boot, ci=ci, seed=seed)
    return _doc_means(scored, documents, _targets_of(scored, targets, codebook),
                      per_document_max)


def doc_stance_summary(by_doc: pd.DataFrame, *, per_document_max: int,
                       group_by: str = "outlet") -> pd.DataFrame:
    """What the notebook shows of ``by_doc``: its documents with mentions, up to
    ``per_document_max`` documents; above it, per group, target, voice and scorer, how many
    documents mention the target and the quartiles of their mean stance.

    Returns
    -------
    DataFrame
        ``by_doc`` rows with ``n_mentions > 0``, or :data:`DOC_SUMMARY_COLUMNS` (groups of
        ``by_doc[group_by]``, empty pooled as :data:`framelab.corpus.NO_GROUP`).
    """
    check_columns(by_doc, BY_DOC_COLUMNS, "stance_by_doc")
    mentioned = by_doc[by_doc["n_mentions"] > 0]
    if per_document(by_doc["doc_id"].nunique(), per_document_max):
        return mentioned
    keyed = mentioned.assign(group=view_groups(mentioned, group_by).to_numpy())
    grouped = keyed.groupby(["group", "target", "voice", "scorer"], sort=True)
    out = pd.DataFrame({
        "n_documents": grouped.size(),
        "score_q25": grouped["score"].quantile(0.25),
        "score_median": grouped["score"].median(),
        "score_q75": grouped["score"].quantile(0.75),
        "n_mentions": grouped["n_mentions"].sum(),
    }).reset_index()
    return out[DOC_SUMMARY_COLUMNS]
