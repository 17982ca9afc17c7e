"""One figure style for every notebook, a fixed colour per group, and multi-format saving.

Plot functions elsewhere take data and an ``ax`` and return the ``ax``; this module owns the
style (:func:`style`), the colours (:func:`group_colors`) and the I/O (:func:`save_figure`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, ParamSpec, TypeVar

import matplotlib
import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.figure import Figure

from .errors import ParameterError
from .outputs import atomic_path, resolve_out_dir

__all__ = ["WIDTHS", "PALETTE", "RC", "FORMATS", "style", "styled", "new_figure",
           "group_colors", "save_figure"]

P = ParamSpec("P")
R = TypeVar("R")

#: Journal column widths in inches.
WIDTHS = {"single": 3.5, "double": 7.0}
#: Okabe & Ito (2008) colour-blind-safe palette, then Paul Tol's muted scheme.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77",
           "#CC6677", "#882255", "#AA4499", "#DDDDDD")
FORMATS = ("pdf", "svg", "png")
RC: dict[Any, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "path",
    "svg.hashsalt": "framelab",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=PALETTE),
}


@contextmanager
def style() -> Iterator[None]:
    """Context manager applying framelab's publication style."""
    with matplotlib.rc_context(RC):
        yield


def styled(plot: Callable[P, R]) -> Callable[P, R]:
    """Decorator: run a plot function inside :func:`style`, so what it draws takes the house
    style without changing matplotlib's global settings."""
    @functools.wraps(plot)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with style():
            return plot(*args, **kwargs)
    return wrapper


def new_figure(width: str | float = "double", height: float | None = None,
               nrows: int = 1, ncols: int = 1, **kwargs: Any) -> tuple[Figure, Any]:
    """Create a figure ``width`` wide ("single" 3.5 in, "double" 7 in, or inches).

    The figure and its axes are made inside :func:`style`; framelab's plot functions draw
    inside it too (:func:`styled`), and matplotlib's global settings are left alone.
    """
    if isinstance(width, str):
        if width not in WIDTHS:
            raise ParameterError(f"width={width!r}; use 'single', 'double' or inches")
        width = WIDTHS[width]
    height = height or width * 0.62
    with style():
        fig, ax = plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)
    return fig, ax


def group_colors(groups: Iterable[str]) -> dict[str, str]:
    """A fixed colour for each group: the sorted distinct groups take the palette in order.

    The same set of groups gives the same colours in every figure of a run.
    """
    names = sorted({str(g) for g in groups})
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def save_figure(
    fig: Figure,
    name: str,
    out_dir: str | Path,
    *,
    formats: Sequence[str] = FORMATS,
    caption: str | None = None,
    run_id: str = "",
    width: str = "",
) -> list[Path]:
    """Write ``fig`` to ``<out_dir>/figures/<name>.<fmt>`` for each format, atomically.

    PDF fonts are embedded as TrueType (Type 42); PNG is 300 dpi. Creation dates are left
    out so the same figure gives the same bytes; PDF and SVG metadata carry the run id. A
    ``caption`` is written beside the figure as ``<name>.txt``.

    ``width`` ("single" 3.5 in or "double" 7 in; the notebooks pass their ``figure_width``
    parameter, ``framelab report --figure-width``) rescales the figure to that width, keeping
    its aspect ratio; empty keeps the figure's own size.

    Returns
    -------
    list of Path
        The files written, caption last.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ParameterError(f"figure formats {unknown} not supported; use {list(FORMATS)}")
    folder = resolve_out_dir(out_dir) / "figures"
    if width and width not in WIDTHS:
        raise ParameterError(f"figure width {width!r}; use 'single' or 'double'")
    if width:
        old_w, old_h = fig.get_size_inches()
        fig.set_size_inches(WIDTHS[width], old_h * WIDTHS[width] / old_w)
    meta = {"pdf": {"Title": name, "Subject": f"framelab run {run_id}".strip(),
                    "CreationDate": None, "ModDate": None, "Producer": None},
            "svg": {"Title": name, "Description": f"framelab run {run_id}".strip(),
                    "Date": None},
            "png": {"Title": name, "Description": f"framelab run {run_id}".strip()}}
    paths = []
    with style():
        # the tight bounding box, found once: "tight" would draw the figure twice per format
        fig.draw_without_rendering()  # runs the layout engine, as a draw would
        bbox = fig.get_tightbbox().padded(plt.rcParams["savefig.pad_inches"])
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format=fmt, metadata=meta[fmt], bbox_inches=bbox)
            paths.append(path)
    if caption is not None:
        path = folder / f"{name}.txt"
        with atomic_path(path) as tmp:
            tmp.write_text(caption.strip() + "\n", encoding="utf-8")
        paths.append(path)
    return paths
