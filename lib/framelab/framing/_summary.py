"""Frames per group with bootstrap intervals: the view of frames for corpora too large to show
document by document."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..corpus import per_document, positions, view_groups
from ..errors import check_columns
from ..figures import group_colors, styled
from ..stats import cell_rng, check_bootstrap, ratio_interval

__all__ = ["FRAME_SUMMARY_COLUMNS", "frame_summary", "plot_frame_summary", "frames_view"]

#: Columns of :func:`frame_summary`.
FRAME_SUMMARY_COLUMNS = ["group", "frame", "n_documents", "mean_rate_per_1000", "ci_low",
                         "ci_high", "ci_unit"]


def frame_summary(frame_table: pd.DataFrame, *, group_by: str = "outlet", n_boot: int = 1000,
                  seed: int = 0, ci: float = 0.95) -> pd.DataFrame:
    """Mean frame rate per 1,000 tokens of each group's documents, with a bootstrap interval.

    The mean is over documents (as in :func:`plot_frames`); the interval resamples the
    group's documents with replacement (:func:`framelab.stats.ratio_interval`, one generator
    per group and frame from :func:`framelab.stats.cell_rng`).

    Parameters
    ----------
    frame_table : DataFrame
        :func:`framelab.framing.frames`'s table (one row per document and frame).
    group_by : str
        Column of ``frame_table``; empty values pool as :data:`framelab.corpus.NO_GROUP`.
    n_boot, seed, ci
        Bootstrap replicates (0: no interval), seed and coverage.

    Returns
    -------
    DataFrame
        Columns :data:`FRAME_SUMMARY_COLUMNS`, groups sorted by name, frames in the order of
        ``frame_table``.
    """
    check_columns(frame_table, ("doc_id", "frame", "rate_per_1000", group_by), "frames")
    check_bootstrap(n_boot, ci)
    frames = list(pd.unique(frame_table["frame"]))
    # a row per group and document (sorted by both, as the bootstrap draws them), a column
    # per frame; from codes, without a pivot of a row per document and frame
    group_codes, groups = pd.factorize(view_groups(frame_table, group_by), sort=True)
    doc_codes, docs = pd.factorize(frame_table["doc_id"], sort=True)
    column = positions(frame_table["frame"], frames)
    known = (doc_codes >= 0) & (column >= 0)  # as the pivot left out a missing key
    pair = group_codes[known].astype(np.int64) * max(1, len(docs)) + doc_codes[known]
    pairs, row = np.unique(pair, return_inverse=True)
    wide = np.zeros((len(pairs), len(frames)))
    rate = np.nan_to_num(frame_table["rate_per_1000"].to_numpy(dtype=float)[known], nan=0.0)
    np.add.at(wide, (row, column[known]), rate)
    group_of_row = pairs // max(1, len(docs))
    rows = []
    for code, group in enumerate(groups):
        values = wide[group_of_row == code]
        means = values.mean(axis=0) if len(values) else np.full(len(frames), np.nan)
        for j, frame in enumerate(frames):
            low, high = ratio_interval(values[:, j], np.ones(len(values)), n_boot=n_boot, ci=ci,
                                       rng=cell_rng(seed, "frame_summary", group, frame))
            rows.append((group, frame, len(values), means[j], low[0], high[0], "documents"))
    return pd.DataFrame(rows, columns=FRAME_SUMMARY_COLUMNS)


def frames_view(frame_table: pd.DataFrame, summary: pd.DataFrame, *,
                per_document_max: int, n_documents: int | None = None) -> pd.DataFrame:
    """What the notebook shows: ``frame_table`` (a row per document and frame) up to
    ``per_document_max`` documents, else ``summary`` (:func:`frame_summary`).

    ``n_documents`` is the number of documents the frames cover when ``frame_table`` is
    a sample of them (default: the documents in ``frame_table``).
    """
    n = frame_table["doc_id"].nunique() if n_documents is None else n_documents
    if per_document(n, per_document_max):
        return frame_table
    return summary


@styled
def plot_frame_summary(summary: pd.DataFrame, ax: Any, *,
                       colors: dict[str, str] | None = None) -> Any:
    """Dots with interval lines: each group's mean frame rate (:func:`frame_summary`) per frame."""
    check_columns(summary, FRAME_SUMMARY_COLUMNS, "frame_summary")
    frames = list(dict.fromkeys(summary["frame"]))
    groups = sorted(summary["group"].unique())
    colors = colors or group_colors(groups)
    width = 0.8 / max(1, len(groups))
    for i, group in enumerate(groups):
        rows = summary[summary["group"] == group].set_index("frame").reindex(frames)
        x = np.arange(len(frames)) - 0.4 + width * (i + 0.5)
        mean = rows["mean_rate_per_1000"].to_numpy(dtype=float)
        err = np.vstack([mean - rows["ci_low"].to_numpy(dtype=float),
                         rows["ci_high"].to_numpy(dtype=float) - mean])
        ax.errorbar(x, mean, yerr=np.where(np.isnan(err), 0, err), fmt="o", ms=3, lw=1,
                    color=colors.get(str(group), "#999999"), label=str(group))
    ax.set_xticks(range(len(frames)), [str(f).replace("_", " ") for f in frames], rotation=20,
                  ha="right")
    ax.set_ylabel("matches per 1,000 tokens (mean, 95% CI)")
    ax.legend(title="", frameon=False, fontsize=6, ncols=max(1, len(groups) // 16 + 1),
              loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax
