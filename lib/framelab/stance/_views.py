"""Stance per document at corpus scale: the table without per-document intervals, and the
view of it a reader can take in (distributions per group rather than a row per document)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..corpus import concat_parts, per_document, positions, view_groups
from ..errors import check_columns
from ..outputs import TableSink, save_table
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

__all__ = ["DOC_BLOCK", "DOC_SUMMARY_COLUMNS", "stance_by_doc_sized", "doc_stance_summary",
           "write_stance_by_doc"]

#: Columns of :func:`doc_stance_summary`.
DOC_SUMMARY_COLUMNS = ["group", "target", "voice", "scorer", "n_documents", "score_q25",
                       "score_median", "score_q75", "n_mentions"]


def _doc_means(scored: pd.DataFrame, documents: pd.DataFrame, names: Sequence[str],
               per_document_max: int, scorers: Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`stance_by_doc`'s cells (same rows, same order) with the mean only."""
    docs = documents[["doc_id", "outlet"]].drop_duplicates("doc_id")
    if scorers is None:
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


#: Documents per block of :func:`write_stance_by_doc` above the size switch.
DOC_BLOCK = 5000
# the columns of the rows write_stance_by_doc keeps above the switch held as categories
_KEPT_CATEGORIES = ("doc_id", "outlet", "target", "voice", "scorer", "note")


def write_stance_by_doc(scored: pd.DataFrame, out_dir: str | Path, *, documents: pd.DataFrame,
                        targets: str | Sequence[str] | None = None,
                        codebook: CodebookArg = None, per_document_max: int,
                        n_boot: int = 1000, ci: float = 0.95, seed: int = 0,
                        name: str = "stance_by_doc") -> pd.DataFrame:
    """:func:`stance_by_doc_sized` written to ``<out_dir>/tables/<name>.csv`` without holding
    it: above ``per_document_max`` documents it has a row per document, target, voice and
    scorer (most of them empty cells), so it is made and written :data:`DOC_BLOCK` documents
    at a time (the same rows in the same order as the whole table).

    Returns
    -------
    DataFrame
        The table's rows with ``n_mentions > 0`` (what :func:`doc_stance_summary` shows),
        with ``attrs`` ``path``, ``rows`` and ``n_documents``; above the threshold its
        string columns are categories (the same values in a fraction of the memory).
    """
    check_columns(scored, SCORE_COLUMNS, "stance_mentions")
    check_columns(documents, ("doc_id", "outlet"), "documents")
    docs = documents[["doc_id", "outlet"]].drop_duplicates("doc_id").reset_index(drop=True)
    if per_document(len(docs), per_document_max):
        whole = stance_by_doc(scored, documents=documents, targets=targets, codebook=codebook,
                              n_boot=n_boot, ci=ci, seed=seed)
        path, rows, kept = save_table(whole, name, out_dir, latex=False), len(whole), whole
    else:
        names = _targets_of(scored, targets, codebook)
        scorers = sorted(scored["scorer"].unique()) or list(SCORERS)
        # each mention's block of documents, its document looked up once per document (not
        # an id string per mention); -1: a document the table does not list
        at = positions(scored["doc_id"], docs["doc_id"].astype(str))
        rows_of = scored.groupby(np.where(at >= 0, at // DOC_BLOCK, -1), sort=False).indices
        parts = []
        with TableSink(name, out_dir) as sink:
            for block_no in range(-(-len(docs) // DOC_BLOCK)):
                mine = scored.iloc[rows_of.get(block_no, np.array([], dtype=int))]
                table = _doc_means(mine, docs.iloc[block_no * DOC_BLOCK:
                                                   (block_no + 1) * DOC_BLOCK],
                                   names, per_document_max, scorers)
                sink.append(table)
                # what is kept, repeated strings as categories: at a million articles there
                # are tens of millions of document x target x voice x scorer cells
                parts.append(table[table["n_mentions"] > 0].astype(
                    {c: "category" for c in _KEPT_CATEGORIES}))
        path, rows = sink.path, sink.rows
        kept = concat_parts(parts) if parts else _doc_means(
            scored.iloc[:0], docs, names, per_document_max, scorers)
    out = kept[kept["n_mentions"] > 0].reset_index(drop=True)
    out.attrs = {"path": str(path), "rows": rows, "n_documents": len(docs)}
    return out


def doc_stance_summary(by_doc: pd.DataFrame, *, per_document_max: int,
                       group_by: str = "outlet", n_documents: int | None = None
                       ) -> pd.DataFrame:
    """What the notebook shows of ``by_doc``: its documents with mentions, up to
    ``per_document_max`` documents; above it, per group, target, voice and scorer, how many
    documents mention the target and the quartiles of their mean stance. The corpus's
    document count is ``n_documents``, else ``by_doc.attrs["n_documents"]`` (set by
    :func:`write_stance_by_doc`, which keeps only the rows with mentions), else the
    documents of ``by_doc``.

    Returns
    -------
    DataFrame
        ``by_doc`` rows with ``n_mentions > 0``, or :data:`DOC_SUMMARY_COLUMNS` (groups of
        ``by_doc[group_by]``, empty pooled as :data:`framelab.corpus.NO_GROUP`).
    """
    check_columns(by_doc, BY_DOC_COLUMNS, "stance_by_doc")
    mentioned = by_doc[by_doc["n_mentions"] > 0]
    if n_documents is None:
        n_documents = by_doc.attrs.get("n_documents", by_doc["doc_id"].nunique())
    if per_document(n_documents, per_document_max):
        return mentioned
    keyed = mentioned.assign(group=view_groups(mentioned, group_by).to_numpy())
    grouped = keyed.groupby(["group", "target", "voice", "scorer"], sort=True, observed=True)
    out = pd.DataFrame({
        "n_documents": grouped.size(),
        "score_q25": grouped["score"].quantile(0.25),
        "score_median": grouped["score"].median(),
        "score_q75": grouped["score"].quantile(0.75),
        "n_mentions": grouped["n_mentions"].sum(),
    }).reset_index()
    keys = [c for c in ("target", "voice", "scorer")
            if isinstance(out[c].dtype, pd.CategoricalDtype)]
    return out.astype({c: "str" for c in keys})[DOC_SUMMARY_COLUMNS]
