"""One figure style for every notebook, a fixed colour per group, and multi-format saving.

Plot functions elsewhere take data and an ``ax`` and return the ``ax``; this module owns the
style (:func:`style`), the colours (:func:`group_colors`) and the I/O (:func:`save_figure`).
"""

from __future__ import annotations

import functools
import textwrap
import warnings
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, ParamSpec, TypeVar

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from .errors import FigureWarning, ParameterError
from .outputs import atomic_path, resolve_out_dir

__all__ = ["WIDTHS", "PALETTE", "RC", "FORMATS", "style", "styled", "new_figure", "drawn_narrow",
           "width_inches", "is_single", "short_names", "add_key", "text_overlaps", "thin_labels",
           "visible_texts", "group_colors", "save_figure"]

P = ParamSpec("P")
R = TypeVar("R")

#: Journal column widths in inches.
WIDTHS = {"single": 3.5, "double": 7.0}
#: Okabe & Ito (2008) colour-blind-safe palette, then Paul Tol's muted scheme, ordered so
#: that the first twelve colours are far apart (the light blue #88CCEE, close to Okabe & Ito's
#: sky blue, comes late).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000", "#882255", "#999933", "#332288", "#44AA99", "#CC6677", "#DDCC77",
           "#117733", "#88CCEE", "#AA4499", "#DDDDDD")
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


def width_inches(width: str | float) -> float:
    """Inches of a figure width: "single" 3.5, "double" 7, or a number of inches."""
    if isinstance(width, str):
        if width not in WIDTHS:
            raise ParameterError(f"width={width!r}; use 'single', 'double' or inches")
        return WIDTHS[width]
    return float(width)


def is_single(width: str | float) -> bool:
    """Whether ``width`` is a single-column figure (5 in or narrower): layouts stack panels."""
    return width_inches(width) <= 5.0


def drawn_narrow(ax: Any) -> bool:
    """Whether ``ax`` is drawn in a single-column figure (:func:`is_single` of its width)."""
    return is_single(float(ax.get_figure(root=True).get_size_inches()[0]))


def new_figure(width: str | float = "double", height: float | None = None,
               nrows: int = 1, ncols: int = 1, **kwargs: Any) -> tuple[Figure, Any]:
    """Create a figure ``width`` wide ("single" 3.5 in, "double" 7 in, or inches).

    Notebooks pass their ``figure_width`` parameter, so every figure is drawn at the width it
    is saved at (fonts keep their size in the paper). The figure and its axes are made inside
    :func:`style`; framelab's plot functions draw inside it too (:func:`styled`), and
    matplotlib's global settings are left alone.
    """
    width = width_inches(width)
    height = height or width * 0.62
    with style():
        fig, ax = plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)
    return fig, ax


def short_names(names: Iterable[str], *, max_chars: int = 12) -> dict[str, str]:
    """A short, unique name for each name longer than ``max_chars`` (others keep theirs).

    Initials of a multi-word name ("Al Jazeera English" -> "AJE"), else its first word
    ("000_e72d09fb" -> "000"), else its first characters; a clash gets a number. Pair with :func:`add_key` so every short name is
    spelled out on the figure.
    """
    names = list(dict.fromkeys(str(n) for n in names))
    out: dict[str, str] = {}
    taken = {n for n in names if len(n) <= max_chars}
    for name in names:
        if len(name) <= max_chars:
            out[name] = name
            continue
        words = [w for w in name.replace("_", " ").replace("-", " ").split() if w]
        initials = "".join(w[0] for w in words).upper()
        options = ([initials] if len(words) > 1 and all(w[0].isalpha() for w in words) else [])
        options += [words[0]] if words and len(words[0]) <= max_chars else []
        options += [name[:max_chars - 1] + "…"]
        short = next((o for o in options if o not in taken), options[-1])
        base, i = short, 1
        while short in taken:
            i += 1
            short = f"{base}{i}"
        taken.add(short)
        out[name] = short
    return out


def add_key(fig: Figure, names: dict[str, str], *, fontsize: float = 6) -> Text | None:
    """Spell out the abbreviated names of ``names`` (full -> short) below the figure.

    Returns the key's text, or None when no name was abbreviated.
    """
    pairs = [f"{short} = {full}" for full, short in names.items() if short != full]
    if not pairs:
        return None
    chars = max(20, int(fig.get_size_inches()[0] * 72 / (fontsize * 0.6)))
    text = "\n".join(textwrap.wrap("; ".join(pairs), chars))
    return fig.text(0.0, 0.0, text, ha="left", va="top", fontsize=fontsize,
                    gid="framelab-key")


def _drawn_texts(fig: Figure) -> list[Text]:
    """Visible non-empty texts of ``fig`` as drawn: tick labels only of ticks in view."""
    fig.draw_without_rendering()
    tick_texts: set[int] = set()
    shown: list[Text] = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                inside = low - 1e-9 <= tick.get_loc() <= high + 1e-9
                for label in (tick.label1, tick.label2):
                    tick_texts.add(id(label))
                    if inside and label.get_visible():
                        shown.append(label)
    for text in fig.findobj(Text):
        if id(text) not in tick_texts and text.get_visible():
            shown.append(text)
    return [t for t in dict.fromkeys(shown) if t.get_text().strip()
            and (t.axes is None or t.axes.get_visible())]


def visible_texts(fig: Figure) -> list[str]:
    """The strings drawn on ``fig`` (titles, labels, tick labels in view, annotations, keys)."""
    return [t.get_text() for t in _drawn_texts(fig)]


def _outline(text: Text, renderer: Any, tolerance: float) -> Any:
    """Corners (4 x 2, pixels) of ``text``'s drawn rectangle, turned with the text.

    The centre of a rotated rectangle's axis-aligned box is the rectangle's own centre, so
    the unrotated size and that centre give the rectangle exactly.
    """
    box = text.get_window_extent(renderer)
    angle = np.deg2rad(text.get_rotation() % 180)
    if abs(np.sin(angle)) < 1e-6 or "\n" in text.get_text():
        w, h, angle = box.width, box.height, 0.0
    else:
        w, h, _ = renderer.get_text_width_height_descent(
            text.get_text(), text.get_fontproperties(), ismath=False)
    w, h = max(w - 2 * tolerance, 0.0), max(h - 2 * tolerance, 0.0)
    cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
    cos, sin = np.cos(angle), np.sin(angle)
    half = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2
    return np.column_stack([cx + half[:, 0] * cos - half[:, 1] * sin,
                            cy + half[:, 0] * sin + half[:, 1] * cos])


def _separated(a: Any, b: Any) -> bool:
    """Whether two convex quadrilaterals are apart (separating axis test)."""
    for poly in (a, b):
        for i in range(4):
            edge = poly[(i + 1) % 4] - poly[i]
            normal = np.array([-edge[1], edge[0]])
            if not normal.any():
                continue
            pa, pb = a @ normal, b @ normal
            if pa.max() <= pb.min() or pb.max() <= pa.min():
                return True
    return False


def text_overlaps(fig: Figure, *, tolerance: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of drawn texts of ``fig`` that overlap by more than ``tolerance`` pixels.

    Rotated labels are compared as the turned rectangles they are drawn in, not their
    upright bounding boxes. A legibility check: an empty list means no text runs into another.
    """
    texts = _drawn_texts(fig)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    shapes = [_outline(t, renderer, tolerance) for t in texts]
    pairs = []
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            if not (_separated(shapes[i], shapes[j])):
                pairs.append((texts[i].get_text(), texts[j].get_text()))
    return pairs


def thin_labels(fig: Figure, labels: Sequence[Text]) -> int:
    """Remove those of ``labels`` (most important first) that would overlap a label kept
    before them or any other text of ``fig``; returns how many were removed.

    Call it on a figure at its final size, after everything else is drawn: annotations then
    thin out where space is short (a single-column figure) instead of running together.
    """
    candidates = [t for t in labels if t.get_text().strip()]
    ids = {id(t) for t in candidates}
    for text in candidates:
        text.set_visible(False)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    fixed = [_outline(t, renderer, 1.0) for t in _drawn_texts(fig) if id(t) not in ids]
    removed = 0
    for text in candidates:
        text.set_visible(True)
        shape = _outline(text, renderer, 1.0)
        if all(_separated(shape, other) for other in fixed):
            fixed.append(shape)
        else:
            text.remove()
            removed += 1
    return removed


def group_colors(groups: Iterable[str]) -> dict[str, str]:
    """A fixed colour for each group: the sorted distinct groups take the palette in order.

    The same set of groups gives the same colours in every figure of a run.
    """
    names = sorted({str(g) for g in groups})
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def _warn_overlaps(fig: Figure, name: str, pairs: list[tuple[str, str]]) -> None:
    """Warn (:class:`FigureWarning`) when texts of the figure, at its saved size, overlap."""
    if pairs:
        shown = "; ".join(f"{a!r} / {b!r}" for a, b in pairs[:5])
        warnings.warn(f"figure {name} at {fig.get_size_inches()[0]:.1f} in: {len(pairs)} "
                      f"pair(s) of texts overlap ({shown}{'; ...' if len(pairs) > 5 else ''})",
                      FigureWarning, stacklevel=3)


def _fit_width(fig: Figure, tries: int = 4) -> list[tuple[str, str]]:
    """Move the subplots in until labels and legends fit the figure's width, not past it.

    A tight bounding box reaches past the figure wherever tick labels, titles or a legend
    placed beside the axes do, so a figure drawn at 3.5 in would be saved wider. Without a
    layout engine, the subplot margins grow by what sticks out, a few times (moving the axes
    moves what sticks out with them). A figure that cannot fit with axes at least a fifth of
    its width is left as it is, and so is one where texts would then run into each other;
    figures with a layout engine keep their layout. Returns the overlapping texts of the
    layout kept (:func:`text_overlaps`).
    """
    before = text_overlaps(fig)
    if fig.get_layout_engine() is not None:
        return before
    full = fig.get_size_inches()[0]
    pad = float(plt.rcParams["savefig.pad_inches"])
    start = fig.subplotpars.left, fig.subplotpars.right
    for _ in range(tries):
        box = fig.get_tightbbox()
        left, right = max(0.0, pad - box.x0), max(0.0, box.x1 + pad - full)
        if left + right < 0.02:
            break
        params = fig.subplotpars
        new_left, new_right = params.left + left / full, params.right - right / full
        if new_right - new_left < 0.2:
            break
        fig.subplots_adjust(left=new_left, right=new_right)
        fig.draw_without_rendering()
    if (fig.subplotpars.left, fig.subplotpars.right) == start:
        return before
    after = text_overlaps(fig)
    if set(after) - set(before):  # narrower axes crowd their texts: keep the layout
        fig.subplots_adjust(left=start[0], right=start[1])
        fig.draw_without_rendering()
        return before
    return after


def _within_width(fig: Figure) -> Bbox:
    """The tight bounding box, padded, but never padded past the figure's sides.

    Content that sticks out is kept; only the padding stops at the figure's width, so a
    figure whose content fits is saved at exactly the width it was drawn at.
    """
    tight = fig.get_tightbbox()
    padded = tight.padded(plt.rcParams["savefig.pad_inches"])
    full = fig.get_size_inches()[0]
    x0 = min(tight.x0, max(padded.x0, 0.0))
    x1 = max(tight.x1, min(padded.x1, full))
    return Bbox([[x0, padded.y0], [x1, padded.y1]])


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
        _warn_overlaps(fig, name, _fit_width(fig) if width else text_overlaps(fig))
        bbox = _within_width(fig)
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
