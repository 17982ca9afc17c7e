"""Framing figures: data and an ``ax`` in, the ``ax`` out, no I/O."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..corpus import per_document
from ..errors import ParameterError, check_columns
from ..figures import group_colors, styled
from ._summary import plot_frame_summary
from ._voice import VOICES

__all__ = ['plot_label_heatmap', 'plot_label_events', 'plot_frames']


# --- figures (data + ax in, ax out, no I/O) ----------------------------------------------

@styled
def plot_label_heatmap(rates: pd.DataFrame, ax: Any, *, voice: str = "narrator",
                       value: str = "rate_per_1000", vmax: float | None = None,
                       group_labels: bool = True) -> Any:
    """Group x label-family heatmap of ``value`` for one ``voice``, cells annotated.

    Pass the same ``vmax`` to the panels of several voices to share one grey scale, and
    ``group_labels=False`` to drop the repeated group names on all but the first panel.
    """
    if voice not in VOICES:
        raise ParameterError(f"voice={voice!r}; use one of {', '.join(VOICES)}")
    check_columns(rates, ("group", "family", "voice", value), "rates")
    part = rates[rates["voice"] == voice]
    table = part.pivot_table(index="group", columns="family", values=value, aggfunc="sum",
                             sort=False).fillna(0.0)
    values = table.to_numpy()
    peak = vmax if vmax is not None else (float(np.nanmax(values)) if values.size else 0.0)
    ax.imshow(values, aspect="auto", cmap="Greys", vmin=0, vmax=peak or 1.0)
    ax.set_xticks(range(table.shape[1]), table.columns, rotation=30, ha="right")
    ax.set_yticks(range(table.shape[0]), table.index if group_labels else [])
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=6,
                color="white" if peak and v > peak / 2 else "black")
    ax.set_title(voice)
    return ax


@styled
def plot_label_events(mentions: pd.DataFrame, ax: Any, *, top: int = 15,
                      colors: dict[str, str] | None = None) -> Any:
    """Horizontal bars of label+event phrases ("terrorist offensive") per outlet."""


    check_columns(mentions, ("label", "event", "outlet", "doc_id"), "mentions")
    part = mentions[mentions["event"] != ""]
    if part.empty:
        ax.text(0.5, 0.5, "no label+event phrases", ha="center", va="center",
                transform=ax.transAxes)
        return ax
    group = part["outlet"].where(part["outlet"] != "", part["doc_id"])
    phrase = part["label"] + " " + part["event"]
    table = pd.crosstab(phrase, group)
    table = table.loc[table.sum(axis=1).sort_values(ascending=True).index[-top:]]
    colors = colors or group_colors(table.columns)
    table.plot.barh(stacked=True, ax=ax, color=[colors.get(str(c), "#999999") for c in table.columns],
                    width=0.7)
    ax.set_xlabel("occurrences")
    ax.set_ylabel("")
    ax.legend(title="", frameon=False)
    return ax


@styled
def plot_frames(frame_table: pd.DataFrame, ax: Any, *, group_by: str = "outlet",
                colors: dict[str, str] | None = None, summary: pd.DataFrame | None = None,
                per_document_max: int | None = None) -> Any:
    """Grouped bars: mean frame rate per 1,000 tokens per group (documents averaged).

    Above ``per_document_max`` documents, ``summary`` (:func:`frame_summary`) is drawn
    instead: each group's mean with its bootstrap interval, documents without a group pooled
    rather than shown one by one.
    """
    if per_document_max is not None and summary is not None \
            and not per_document(frame_table["doc_id"].nunique(), per_document_max):
        return plot_frame_summary(summary, ax, colors=colors)
    check_columns(frame_table, ("frame", "rate_per_1000", "doc_id", group_by), "frames")
    group = frame_table[group_by].where(frame_table[group_by] != "", frame_table["doc_id"])
    table = frame_table.assign(group=group).pivot_table(
        index="frame", columns="group", values="rate_per_1000", aggfunc="mean", sort=False)
    colors = colors or group_colors(table.columns)
    table.plot.bar(ax=ax, color=[colors.get(str(c), "#999999") for c in table.columns], width=0.8)
    ax.set_xticklabels([str(f).replace("_", " ") for f in table.index], rotation=20,
                       ha="right")
    ax.set_ylabel("matches per 1,000 tokens")
    ax.set_xlabel("")
    ax.legend(title="", frameon=False)
    return ax
