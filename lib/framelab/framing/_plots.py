"""Framing figures: data and an ``ax`` in, the ``ax`` out, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..corpus import per_document
from ..errors import ParameterError, check_columns
from ..figures import add_key, group_colors, is_single, new_figure, short_names, styled
from ._rows import _plain
from ._summary import plot_frame_summary
from ._voice import VOICES

__all__ = ['plot_label_heatmap', 'label_heatmap_figure', 'plot_label_events', 'plot_frames']


# --- figures (data + ax in, ax out, no I/O) ----------------------------------------------

@styled
def plot_label_heatmap(rates: pd.DataFrame, ax: Any, *, voice: str = "narrator",
                       value: str = "rate_per_1000", vmax: float | None = None,
                       group_labels: bool = True, names: dict[str, str] | None = None,
                       annotate: bool = True) -> Any:
    """Group x label-family heatmap of ``value`` for one ``voice``, cells annotated.

    Pass the same ``vmax`` to the panels of several voices to share one grey scale,
    ``group_labels=False`` to hide this panel's group names (the tick positions stay, so a
    panel sharing the y axis keeps its own labels), ``names`` to show groups by short names
    (:func:`framelab.figures.short_names`) and ``annotate=False`` to leave the cells unlabelled.
    """
    if voice not in VOICES:
        raise ParameterError(f"voice={voice!r}; use one of {', '.join(VOICES)}")
    check_columns(rates, ("group", "family", "voice", value), "rates")
    part = rates[rates["voice"] == voice]
    table = part.pivot_table(index="group", columns="family", values=value, aggfunc="sum",
                             sort=False)
    # every group and family in every panel, in one order: panels sharing an axis line up
    table = table.reindex(index=list(dict.fromkeys(rates["group"])),
                          columns=list(dict.fromkeys(rates["family"]))).fillna(0.0)
    values = table.to_numpy()
    peak = vmax if vmax is not None else (float(np.nanmax(values)) if values.size else 0.0)
    ax.imshow(values, aspect="auto", cmap="Greys", vmin=0, vmax=peak or 1.0)
    ax.set_xticks(range(table.shape[1]),
                  [str(c).replace("_", " ") for c in table.columns], rotation=30, ha="right")
    # set_yticks(..., []) would blank the labels of every panel sharing this y axis
    ax.set_yticks(range(table.shape[0]), [(names or {}).get(str(g), str(g)) for g in table.index])
    ax.tick_params(axis="y", labelleft=group_labels)
    if annotate:
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.2g}", ha="center", va="center", fontsize=6,
                    color="white" if peak and v > peak / 2 else "black")
    ax.set_title(voice)
    return ax


@styled
def label_heatmap_figure(rates: pd.DataFrame, *, width: str | float = "double",
                         voices: Sequence[str] = VOICES, value: str = "rate_per_1000",
                         max_chars: int | None = None) -> Figure:
    """The voices' label heatmaps (:func:`plot_label_heatmap`) on one grey scale, at ``width``.

    Double width: one row of panels sharing the group axis. Single width: the panels stacked,
    group names longer than ``max_chars`` (default 10 single, 20 double) abbreviated with a key
    below the figure, and cells annotated only where the number fits.
    """
    check_columns(rates, ("group", "family", "voice", value), "rates")
    single = is_single(width)
    groups = list(dict.fromkeys(rates["group"].astype(str)))
    n_fam = max(1, rates["family"].nunique())
    names = short_names(groups, max_chars=max_chars or (10 if single else 20))
    vmax = float(rates[value].max()) if len(rates) else None
    row_height = 0.16 * len(groups) + 0.35
    if single:
        fig, axes = new_figure(width, len(voices) * row_height + 0.9, nrows=len(voices),
                               sharex=True, squeeze=False, layout="constrained")
        axes = axes[:, 0]
    else:
        fig, axes = new_figure(width, row_height + 1.2, ncols=len(voices), sharey=True,
                               squeeze=False, layout="constrained")
        axes = axes[0]
    label_width = 0.06 * max((len(n) for n in names.values()), default=1) + 0.2
    panel_inches = (fig.get_size_inches()[0] - label_width) / (1 if single else len(voices))
    annotate = panel_inches / n_fam >= 0.3  # room for a "0.14" at 6 pt in each cell
    for i, (ax, voice) in enumerate(zip(axes, voices)):
        plot_label_heatmap(rates, ax, voice=voice, value=value, vmax=vmax, names=names,
                           group_labels=single or i == 0, annotate=annotate)
        if single and i < len(voices) - 1:
            ax.tick_params(axis="x", labelbottom=False)
    add_key(fig, names)
    return fig


@styled
def plot_label_events(mentions: pd.DataFrame, ax: Any, *, top: int = 15,
                      colors: dict[str, str] | None = None) -> Any:
    """Horizontal bars of label+event phrases ("terrorist offensive") per outlet."""


    check_columns(mentions, ("label", "event", "outlet", "doc_id"), "mentions")
    part = _plain(mentions.loc[(mentions["event"] != "").to_numpy(),
                               ["label", "event", "outlet", "doc_id"]])
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
    frame_table = _plain(frame_table)
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
