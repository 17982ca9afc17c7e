"""The reuse network at any size: a circle for a few outlets, a matrix for tens of them.

:func:`reuse_network_figure` picks the drawing by :func:`network_layout`. A network with at
most :data:`CIRCLE_MAX_NODES` nodes and :data:`CIRCLE_EDGES_PER_NODE` edges per node is drawn
as the circle of :func:`framelab.reuse.plot_reuse_network`; a denser one as small multiples
of :func:`reuse_matrix`, one panel per relation (:func:`plot_reuse_matrix`): a row is the
node the direction hypothesis names as the source, a column the other node, and the shade
the number of pairs of documents. A pair without a direction hypothesis counts half in each
of its two cells, so a panel's cells add up to its pairs.
"""

from __future__ import annotations

import logging
import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..errors import ParameterError, check_columns
from ..figures import group_colors, is_single, new_figure, short_names, styled, width_inches
from ._relation import RELATIONS
from ._view import network_edges, plot_reuse_network

__all__ = ["CIRCLE_EDGES_PER_NODE", "CIRCLE_MAX_NODES", "MATRIX_COLUMNS", "MAX_NODES",
           "network_caption", "network_layout", "plot_reuse_matrix", "reuse_matrix",
           "reuse_network_figure"]

log = logging.getLogger(__name__)

#: Node that pools the nodes beyond a matrix's ``max_nodes``.
OTHER = "other"
#: Columns of :func:`reuse_matrix`.
MATRIX_COLUMNS = ["relation", "source", "reuser", "n_directed", "n_undirected", "pairs",
                  "n_pooled"]
#: Most nodes drawn on a circle (:func:`network_layout`).
CIRCLE_MAX_NODES = 10
#: Most edges per node drawn on a circle: with more, the curves cross into a hairball.
CIRCLE_EDGES_PER_NODE = 3
#: Rows (and columns) of the matrix at each figure width, "other" included: as many as the
#: 2 x 2 panels hold with tick labels of 6 pt.
MAX_NODES = {"single": 14, "double": 24}
#: Darkest shade of each relation's panel (the circle's edge colours; same story darker).
_SHADES = {"copy": "#d55e00", "rewrite": "#0072b2", "shared_source": "#009e73",
           "same_story": "#555555"}
_PAIR_COLUMNS = ("doc_a", "doc_b", "outlet_a", "outlet_b", "relation", "source")


def _check(pairs: pd.DataFrame, level: str, relations: Sequence[str]) -> None:
    check_columns(pairs, _PAIR_COLUMNS, "reuse_pairs")
    if level not in ("outlet", "document"):
        raise ParameterError(f"level={level!r}; use 'outlet' or 'document'")
    unknown = [r for r in relations if r not in RELATIONS]
    if isinstance(relations, str) or unknown or not relations:
        shown = relations if isinstance(relations, str) else list(relations)
        raise ParameterError(f"relations={shown!r}; use a list of one or more of "
                             + ", ".join(RELATIONS))


def _edges(pairs: pd.DataFrame, level: str, relations: Sequence[str]) -> pd.DataFrame:
    _check(pairs, level, relations)
    edges = network_edges(pairs, level=level)
    return edges[edges["relation"].isin(list(relations))]


def network_layout(pairs: pd.DataFrame, *, level: str = "outlet",
                   relations: Sequence[str] = RELATIONS) -> Literal["circle", "matrix"]:
    """Which drawing of the reuse network reads: ``"circle"`` or ``"matrix"``.

    The circle while the network has at most :data:`CIRCLE_MAX_NODES` nodes and at most
    :data:`CIRCLE_EDGES_PER_NODE` times as many edges (:func:`framelab.reuse.network_edges`
    of ``relations``: one per node pair and relation) as nodes; else the matrix.
    """
    return _layout(_edges(pairs, level, relations))


def _layout(edges: pd.DataFrame) -> Literal["circle", "matrix"]:
    n_nodes = len(set(edges["node_a"]) | set(edges["node_b"]))
    if n_nodes <= CIRCLE_MAX_NODES and len(edges) <= CIRCLE_EDGES_PER_NODE * n_nodes:
        return "circle"
    return "matrix"


def _shown(edges: pd.DataFrame, max_nodes: int) -> dict[str, str]:
    """Every node -> itself or :data:`OTHER`, most pairs first (ties by name)."""
    totals = (pd.concat([edges[["node_a", "n_pairs"]].set_axis(["node", "n"], axis=1),
                         edges[["node_b", "n_pairs"]].set_axis(["node", "n"], axis=1)])
              .groupby("node")["n"].sum())
    ranked = sorted(totals.index.astype(str), key=lambda n: (-int(totals[n]), n))
    if len(ranked) <= max_nodes:
        return {n: n for n in ranked}
    if OTHER in ranked:
        log.warning("a node is called %r; it is pooled with the nodes not shown", OTHER)
    keep = set(ranked[:max_nodes - 1])
    return {n: n if n in keep else OTHER for n in ranked}


def reuse_matrix(pairs: pd.DataFrame, *, level: str = "outlet",
                 relations: Sequence[str] = RELATIONS,
                 max_nodes: int = MAX_NODES["double"]) -> pd.DataFrame:
    """The reuse network as a matrix per relation: hypothesised source x reuser.

    Pairs within one node are left out (as in :func:`framelab.reuse.network_edges`).
    Nodes are ordered by the pairs they take part in (the relations given), most first,
    ties by name; beyond ``max_nodes`` the nodes with the fewest are pooled as ``"other"``
    (one row and column, last; a pair between two pooled nodes falls in its diagonal cell).

    Parameters
    ----------
    pairs : DataFrame
        ``reuse_pairs`` with the relation columns (:func:`framelab.reuse.find_reuse`).
    level : {"outlet", "document"}
        Nodes are outlets (a document of unknown outlet stands for itself) or documents.
    relations : sequence of str
        Relations counted, in the order of the output.
    max_nodes : int
        Most rows (and columns), "other" included.

    Returns
    -------
    DataFrame
        One row per non-empty cell, columns :data:`MATRIX_COLUMNS`. ``source`` and
        ``reuser`` are categoricals whose categories are every node shown, in order.
        ``n_directed``: pairs whose direction hypothesis names a document of ``source`` as
        the source and one of ``reuser`` as the reuser; ``n_undirected``: pairs between the
        two without a direction hypothesis (the same number in both cells); ``pairs``:
        ``n_directed`` plus half of ``n_undirected`` (all of it on the diagonal), so the
        cells of a relation add up to its pairs between different nodes. ``n_pooled``: the
        (source, reuser) combinations of nodes the cell holds: 1 for two nodes shown, the
        number of pooled nodes k between one and "other", k(k - 1) on the diagonal of
        "other".
    """
    if max_nodes < 2:
        raise ParameterError(f"max_nodes={max_nodes}; a matrix needs at least 2 rows")
    return _matrix(_edges(pairs, level, relations), relations, max_nodes)


def _matrix(edges: pd.DataFrame, relations: Sequence[str], max_nodes: int) -> pd.DataFrame:
    """:func:`reuse_matrix` of the network's edges (:func:`_edges`)."""
    shown = _shown(edges, max_nodes)
    order = list(dict.fromkeys(v for v in shown.values() if v != OTHER))
    order += [OTHER] if OTHER in shown.values() else []
    a = edges["node_a"].astype(str).map(shown)
    b = edges["node_b"].astype(str).map(shown)
    from_a, from_b = edges["n_from_a"].astype(int), edges["n_from_b"].astype(int)
    undirected = edges["n_pairs"].astype(int) - from_a - from_b
    same = (a == b).to_numpy()
    halves = [
        pd.DataFrame({"relation": edges["relation"], "source": a, "reuser": b,
                      "n_directed": from_a, "n_undirected": undirected}),
        pd.DataFrame({"relation": edges["relation"], "source": b, "reuser": a,
                      "n_directed": from_b, "n_undirected": np.where(same, 0, undirected)}),
    ]
    cells = (pd.concat(halves, ignore_index=True)
             .groupby(["relation", "source", "reuser"], as_index=False, sort=False).sum())
    cells = cells[(cells["n_directed"] > 0) | (cells["n_undirected"] > 0)]
    diagonal = cells["source"] == cells["reuser"]
    cells = cells.assign(
        relation=pd.Categorical(cells["relation"], categories=list(relations)),
        source=pd.Categorical(cells["source"], categories=order),
        reuser=pd.Categorical(cells["reuser"], categories=order),
        pairs=cells["n_directed"] + cells["n_undirected"] * np.where(diagonal, 1.0, 0.5))
    cells = cells.sort_values(["relation", "source", "reuser"]).reset_index(drop=True)
    k = sum(v == OTHER for v in shown.values())
    from_other = (cells["source"] == OTHER).to_numpy()
    to_other = (cells["reuser"] == OTHER).to_numpy()
    cells["n_pooled"] = np.where(from_other & to_other, k * (k - 1),
                                 np.where(from_other | to_other, k, 1))
    cells["relation"] = cells["relation"].astype(str)
    return cells[MATRIX_COLUMNS].astype({"n_directed": int, "n_undirected": int,
                                         "n_pooled": int})


def _within(pairs: pd.DataFrame, level: str, relations: Sequence[str]) -> int:
    """Pairs of ``relations`` within one node (left out of the network)."""
    part = pairs[pairs["relation"].astype(str).isin(list(relations))]
    if level == "document":
        return int((part["doc_a"].astype(str) == part["doc_b"].astype(str)).sum())
    oa, ob = part["outlet_a"].astype(str), part["outlet_b"].astype(str)
    return int(((oa == ob) & (oa != "")).sum())


def _text_color(color: str) -> tuple[float, float, float]:
    """``color`` darkened, keeping its hue, until it reads as text on white (contrast 3:1,
    the WCAG level for large text: the palette's yellow and light grey do not reach it)."""
    rgb = np.array(to_rgb(color))
    for _ in range(20):
        linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        if 1.05 / (float(linear @ [0.2126, 0.7152, 0.0722]) + 0.05) >= 3.0:
            break
        rgb = rgb * 0.85
    r, g, b = (float(v) for v in rgb)
    return r, g, b


@styled
def plot_reuse_matrix(
    matrix: pd.DataFrame,
    ax: Axes,
    *,
    relation: str,
    names: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    row_labels: bool = True,
    column_labels: bool = True,
    annotate: bool = False,
    colorbar: bool = True,
) -> Axes:
    """One relation's panel of a :func:`reuse_matrix`: hypothesised source x reuser.

    A cell's shade is its ``pairs`` per combination of nodes it pools (``n_pooled``): the
    number of pairs for two nodes shown (white: none), the mean per pooled node in the row
    and column of "other", so that they share one scale. The diagonal of the nodes shown is
    grey (pairs within one node are not counted); that of "other" holds the pairs between
    two pooled nodes.

    Parameters
    ----------
    matrix : DataFrame
        :func:`reuse_matrix`.
    ax : matplotlib Axes
    relation : str
        The relation drawn.
    names : mapping, optional
        Tick label of each node (e.g. :func:`framelab.figures.short_names`); others keep
        their own.
    colors : mapping, optional
        Colour of each node (:func:`framelab.figures.group_colors`); tick labels take it,
        darkened where too light to read; nodes without one stay black.
    row_labels, column_labels : bool
        Show this panel's row (source) and column (reuser) tick labels and axis label.
    annotate : bool
        Write each non-empty cell's shade value (pairs, or the mean of "other").
    colorbar : bool
        Add a horizontal colour bar below the panel.

    Returns
    -------
    matplotlib Axes
    """
    check_columns(matrix, MATRIX_COLUMNS, "matrix")
    if relation not in RELATIONS:
        raise ParameterError(f"relation={relation!r}; use one of {', '.join(RELATIONS)}")
    order = [str(n) for n in matrix["source"].cat.categories]
    index = {n: i for i, n in enumerate(order)}
    part = matrix[matrix["relation"] == relation]
    grid = np.zeros((len(order), len(order)))
    grid[part["source"].astype(str).map(index).to_numpy(int),
         part["reuser"].astype(str).map(index).to_numpy(int)] = (
        part["pairs"].to_numpy(float) / part["n_pooled"].to_numpy(float))
    for i, node in enumerate(order):
        if node != OTHER and grid[i, i] == 0:
            grid[i, i] = np.nan
    peak = max(float(np.nanmax(grid)) if np.isfinite(grid).any() else 0.0, 1.0)
    cmap = LinearSegmentedColormap.from_list(
        relation, ["#ffffff", _SHADES[relation]]).with_extremes(bad="#d9d9d9")
    image = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=0.0, vmax=peak,
                      interpolation="nearest")
    labels = [(names or {}).get(n, n) for n in order]
    ax.set_xticks(range(len(order)), labels, rotation=90)
    ax.set_yticks(range(len(order)), labels)
    ax.tick_params(axis="both", length=0, pad=1.5, labelleft=row_labels,
                   labelbottom=column_labels)
    for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
        for tick, node in zip(ticks, order):
            if colors and node in colors:
                tick.set_color(_text_color(colors[node]))
            elif node == OTHER:
                tick.set_fontstyle("italic")
    edges = np.arange(len(order) + 1) - 0.5
    ax.set_xticks(edges, minor=True)
    ax.set_yticks(edges, minor=True)
    ax.tick_params(which="minor", length=0)
    ax.grid(which="minor", color="#e6e6e6", linewidth=0.4)
    ax.grid(which="major", visible=False)
    for side in ax.spines.values():
        side.set_visible(True)
        side.set_linewidth(0.5)
        side.set_color("#999999")
    if row_labels:
        ax.set_ylabel("hypothesised source", fontsize=7)
    if column_labels:
        ax.set_xlabel("reuser", fontsize=7)
    if annotate:
        for (r, c), v in np.ndenumerate(grid):
            if np.isfinite(v) and v > 0:
                ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=6,
                        color="white" if v > 0.6 * peak else "black")
    total = float(part["pairs"].sum())
    directed = int(part["n_directed"].sum())
    ax.set_title(f"{relation.replace('_', ' ')}\n{total:g} pairs, "
                 + (f"{directed} directed" if directed else "no direction"),
                 fontsize=7, loc="left")
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, orientation="horizontal", location="top",
                                 shrink=0.5, aspect=20, pad=0.01)
        bar.ax.tick_params(labelsize=5.5, length=2, pad=1)
        bar.ax.xaxis.set_major_locator(MaxNLocator(nbins=3, steps=[1, 2, 5, 10]))
        bar.outline.set_linewidth(0.4)
    return ax


def _other_count(edges: pd.DataFrame, max_nodes: int) -> int:
    """How many nodes :func:`_shown` pools as "other"."""
    return sum(v == OTHER for v in _shown(edges, max_nodes).values())


def network_caption(pairs: pd.DataFrame, *, width: str | float = "double",
                    level: str = "outlet", relations: Sequence[str] = RELATIONS,
                    max_nodes: int | None = None) -> str:
    """The caption of :func:`reuse_network_figure` (same arguments): what is drawn and how
    to read it, with the numbers of pooled nodes and of pairs left out."""
    nodes = "outlets" if level == "outlet" else "documents"
    edges = _edges(pairs, level, relations)
    within = _within(pairs, level, relations)
    left_out = (f" {within} pair(s) within one {level} are not shown." if within else "")
    if _layout(edges) == "circle":
        return (f"Reuse network: {nodes} as nodes, relation as edge style, edge width the "
                f"number of pairs; an arrow points from the hypothesised source (a "
                f"hypothesis, not a finding) to the reuser, no arrow head: no direction "
                f"hypothesis.{left_out}")
    cap = max_nodes or MAX_NODES["single" if is_single(width) else "double"]
    pooled = _other_count(edges, cap)
    other = (f" \"other\" pools the {pooled} {nodes} with the fewest pairs; its row and "
             f"column are shaded by the mean per pooled {level}." if pooled else "")
    return (f"Reuse between {nodes}, one panel per relation. Row: the {level} the direction "
            f"hypothesis names as the source (a hypothesis, not a finding); column: the "
            f"reuser. Shade: pairs of documents; a pair without a direction hypothesis "
            f"counts half in each of its two cells. {nodes.capitalize()} ordered by their "
            f"number of pairs.{other}{left_out}")


def reuse_network_figure(
    pairs: pd.DataFrame,
    *,
    width: str | float = "double",
    level: str = "outlet",
    relations: Sequence[str] = RELATIONS,
    max_nodes: int | None = None,
    colors: Mapping[str, str] | None = None,
) -> Figure:
    """The reuse network, drawn the way it reads at ``width``.

    :func:`network_layout` picks it: a few nodes and edges give the circle of
    :func:`framelab.reuse.plot_reuse_network` (7 x 4.5 in at double width); a denser
    network the panels of :func:`plot_reuse_matrix`, all in one row while each row of
    cells gets about 9 pt, else two per row, rows and columns shared, cells numbered
    where they are large enough, with a note below saying how to read them
    (:func:`network_caption` says the same for the caption).

    Parameters
    ----------
    pairs : DataFrame
        ``reuse_pairs`` with the relation columns.
    width : {"single", "double"} or float
        Figure width (:func:`framelab.figures.new_figure`).
    level : {"outlet", "document"}
        See :func:`reuse_matrix`.
    relations : sequence of str
        Relations drawn (a panel each in the matrix).
    max_nodes : int, optional
        Rows of the matrix, "other" included; default :data:`MAX_NODES` of the width.
    colors : mapping, optional
        Colour of each node; default :func:`framelab.figures.group_colors` of the nodes
        (at the outlet level).

    Returns
    -------
    matplotlib Figure
    """
    edges = _edges(pairs, level, relations)  # the network, found once
    if _layout(edges) == "circle":
        fig, ax = new_figure(width, 4.5)
        plot_reuse_network(pairs, ax, level=level, relations=relations)
        return fig
    single = is_single(width)
    cap = max_nodes or MAX_NODES["single" if single else "double"]
    if cap < 2:
        raise ParameterError(f"max_nodes={cap}; a matrix needs at least 2 rows")
    matrix = _matrix(edges, relations, cap)
    order = [str(n) for n in matrix["source"].cat.categories]
    if colors is None and level == "outlet":
        colors = group_colors(set(edges["node_a"]) | set(edges["node_b"]))
    names = short_names([n for n in order if n != OTHER], max_chars=10 if single else 16)
    pooled = _other_count(edges, cap)
    if pooled:
        names[OTHER] = f"other ({pooled})"
    inches = width_inches(width)
    label = 0.065 * max((len(v) for v in names.values()), default=4) + 0.3

    def fits(ncols: int) -> float:  # the side of a panel, with ncols panels in a row
        return (inches - label - 0.1) / ncols - 0.08

    # all panels in one row where their rows still get about 9 pt each, else two a row
    ncols = (len(relations) if fits(len(relations)) >= 0.125 * len(order)
             else min(2, len(relations)))
    nrows = math.ceil(len(relations) / ncols)
    side = min(fits(ncols), max(1.8, 0.125 * len(order)))  # no larger than needed
    fig, axes = new_figure(width, nrows * (side + 0.45) + label + 0.1, nrows=nrows,
                           ncols=ncols, squeeze=False, sharex=True, sharey=True,
                           layout="constrained")
    flat = list(axes.ravel())
    for k, (ax, relation) in enumerate(zip(flat, relations)):
        row, col = divmod(k, ncols)
        last_row = row == nrows - 1 or k + ncols >= len(relations)
        plot_reuse_matrix(matrix, ax, relation=relation, names=names, colors=colors,
                          row_labels=col == 0, column_labels=last_row,
                          annotate=side / max(len(order), 1) >= 0.2)
        if not last_row:
            ax.tick_params(axis="x", labelbottom=False)
    for ax in flat[len(relations):]:
        ax.set_visible(False)
    fig.draw_without_rendering()
    cell_pt = flat[0].get_window_extent().height * 72 / fig.dpi / max(len(order), 1)
    size = max(4.5, min(7.0, cell_pt / 1.25))
    for ax in flat:
        ax.tick_params(axis="both", which="major", labelsize=size)
    within = _within(pairs, level, relations)
    note = [(f"Row: the {level} the direction hypothesis names as the source (a hypothesis, "
             "not a finding); column: the reuser. Shade: pairs of documents; a pair without "
             "a direction hypothesis counts \u00bd in each of its two cells.")]
    if pooled:
        note.append(f"other: the {pooled} {level}s with the fewest pairs, shaded by the "
                    f"mean per {level} it pools.")
    if within:
        note.append(f"{within} pair(s) within one {level} not shown.")
    key = "; ".join(f"{short} = {full}" for full, short in names.items()
                    if short != full and full != OTHER)
    chars = max(20, int(inches * 72 / (6 * 0.55)))
    fig.text(0.0, 0.0, "\n".join(textwrap.wrap(" ".join(note + [key]), chars)), ha="left",
             va="top", fontsize=6, gid="framelab-key")
    return fig
