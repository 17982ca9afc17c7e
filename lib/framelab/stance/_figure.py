"""The stance heatmap figure of the report, laid out for its column width."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from ..figures import add_key, is_single, new_figure, short_names
from ._stance import plot_stance_heatmap

__all__ = ["stance_heatmap_figure"]


def stance_heatmap_figure(by_group: pd.DataFrame, *, scorer: str = "default",
                          targets: Sequence[str] | None = None,
                          width: str | float = "double") -> Figure:
    """Narrator-voice and source-voice stance heatmaps (:func:`plot_stance_heatmap`) at
    ``width``.

    Double width: the two panels side by side. Single width: stacked, target names turned
    upright, group names longer than 10 characters abbreviated with a key below. The cells'
    text shrinks (to 4.5 pt at the least) when many targets share a row.
    """
    single = is_single(width)
    groups = sorted(by_group["group"].astype(str).unique())
    n_targets = len(targets) if targets is not None else by_group["target"].nunique()
    names = short_names(groups, max_chars=10 if single else 24)
    row = 0.4 * len(groups) + 1.3
    if single:
        fig, axes = new_figure(width, 2 * row + 0.3, nrows=2, layout="constrained")
    else:
        fig, axes = new_figure(width, row + 0.5, ncols=2, layout="constrained")
    for i, voice in enumerate(("narrator", "source")):
        ax = plot_stance_heatmap(by_group, axes[i], scorer=scorer, voice=voice,
                                 targets=targets, colorbar=single or i == 1,
                                 group_labels=single or i == 0, group_names=names,
                                 fontsize=6)
        if single:
            ax.tick_params(axis="x", labelrotation=90)
            for label in ax.get_xticklabels():
                label.set_horizontalalignment("center")
    add_key(fig, names)
    fig.draw_without_rendering()  # the panels at their laid-out size
    for ax in axes:
        cell_pt = ax.get_window_extent().width * 72 / fig.dpi / max(n_targets, 1)
        # "+0.00" is about 3.3 em wide: the size at which it fits a cell with a margin
        size = max(4.5, min(6.0, (cell_pt - 1.5) / 3.4))
        for text in ax.texts:
            text.set_fontsize(size)
    return fig
