"""Figures of the reuse analysis: a document-similarity matrix and a side-by-side HTML view.

Plot functions take data and an ``ax`` and return the ``ax``; :func:`pair_html` returns an
HTML string (show it in a notebook with ``IPython.display.HTML``) and :func:`save_pair_html`
writes it atomically to ``<out_dir>/figures/reuse_pair_<a>_<b>.html``.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Mapping, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Literal

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..errors import ParameterError
from ..figures import drawn_narrow, group_colors, styled
from ..outputs import atomic_path, resolve_out_dir, safe_file_stem
from ..tokens import tokenize
from . import _minhash as minhash
from ._candidates import doc_texts

__all__ = ["MEASURES", "RELATION_STYLES", "network_edges", "pair_html", "pair_html_path",
           "plot_reuse_network", "plot_similarity_matrix", "save_pair_html", "save_pair_views",
           "similarity_matrix"]

log = logging.getLogger(__name__)

#: Values a similarity matrix can hold.
MEASURES = ("jaccard", "containment")


def similarity_matrix(
    documents: pd.DataFrame,
    sentences: pd.DataFrame | None = None,
    *,
    shingle_size: int = 5,
    measure: str = "jaccard",
    pairs: pd.DataFrame | None = None,
    max_docs: int = 40,
) -> pd.DataFrame:
    """Exact shingle similarity of every two documents (or of the documents in ``pairs``).

    Parameters
    ----------
    documents : DataFrame
        The documents table.
    sentences : DataFrame, optional
        Body sentences; shingles come from them as in :func:`framelab.reuse.candidate_pairs`.
    shingle_size : int
        Tokens per shingle.
    measure : {"jaccard", "containment"}
        ``containment``: cell (i, j) is the share of document i's shingles found in j.
    pairs : DataFrame, optional
        ``reuse_pairs``; when the corpus has more than ``max_docs`` documents, the matrix
        keeps the documents of the first pairs (the strongest) up to ``max_docs``.
    max_docs : int
        Largest matrix drawn.

    Returns
    -------
    DataFrame of shape (n, n)
        Indexed by doc_id both ways; the diagonal is NaN.
    """
    if measure not in MEASURES:
        raise ParameterError(f"measure={measure!r}; use one of {', '.join(MEASURES)}")
    docs = documents
    if len(docs) > max_docs:
        keep: list[str] = []
        if pairs is not None:  # the strongest pairs' documents, read until max_docs
            for a, b in zip(pairs["doc_a"], pairs["doc_b"]):
                keep += [d for d in (a, b) if d not in keep]
                if len(keep) >= max_docs:
                    break
        keep = keep[:max_docs]
        log.info("similarity matrix: %d documents, showing %d from the strongest pairs",
                 len(docs), len(keep))
        docs = docs[docs["doc_id"].isin(keep)]
        if sentences is not None:  # only the shown documents' sentences are joined
            sentences = sentences[sentences["doc_id"].isin(keep)]
    ids = docs["doc_id"].astype(str).tolist()
    sets, _ = minhash.shingle_sets(doc_texts(docs, sentences), size=shingle_size)
    over = minhash.shingle_overlap(sets)
    matrix = np.zeros((len(ids), len(ids)))
    i, j = over["i"].to_numpy(int), over["j"].to_numpy(int)
    if measure == "jaccard":
        matrix[i, j] = matrix[j, i] = over["jaccard"].to_numpy()
    else:
        matrix[i, j] = over["containment_i_in_j"].to_numpy()
        matrix[j, i] = over["containment_j_in_i"].to_numpy()
    np.fill_diagonal(matrix, np.nan)
    return pd.DataFrame(matrix, index=pd.Index(ids, name="doc_id"), columns=ids)


@styled
def plot_similarity_matrix(
    matrix: pd.DataFrame,
    ax: Axes,
    *,
    outlets: Mapping[str, str] | None = None,
    annotate: bool = True,
    label: str = "shingle Jaccard",
    max_label: int = 16,
) -> Axes:
    """Heatmap of a :func:`similarity_matrix`; tick labels coloured by outlet.

    Parameters
    ----------
    matrix : DataFrame of shape (n, n)
    ax : matplotlib Axes
    outlets : mapping of doc_id to outlet, optional
        Tick labels take the outlet's colour (:func:`framelab.figures.group_colors`);
        documents of unknown outlet ("") stay black.
    annotate : bool
        Write the values in the cells (only up to 15 documents).
    label : str
        Colour bar label.
    max_label : int
        Tick labels longer than this are cut with an ellipsis.

    Returns
    -------
    matplotlib Axes
    """
    values = matrix.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    vmax = max(float(finite.max()) if finite.size else 0.0, 0.01)
    cmap = matplotlib.colormaps["Blues"].with_extremes(bad="#eeeeee")
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0.0, vmax=vmax)
    names = [str(c) if len(str(c)) <= max_label else str(c)[:max_label - 1] + "\u2026"
             for c in matrix.columns]
    ax.set_xticks(range(len(names)), names, rotation=90)
    ax.set_yticks(range(len(names)), names)
    if outlets:
        known = {o for o in outlets.values() if o}
        colors = group_colors(known)
        for ticks in (ax.get_xticklabels(), ax.get_yticklabels()):
            for tick, doc in zip(ticks, matrix.columns):
                outlet = outlets.get(doc, "")
                if outlet:
                    tick.set_color(colors[outlet])
    if annotate and len(names) <= 15:
        for (r, c), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(c, r, f"{v:.2f}", ha="center", va="center", fontsize=6,
                        color="white" if v > 0.6 * vmax else "black")
    # column labels on top and a horizontal colour bar below: a vertical bar with its label
    # beside the matrix made the figure wider than a single column (4.1 in at 3.5 in)
    ax.xaxis.tick_top()
    ax.figure.colorbar(image, ax=ax, label=label, orientation="horizontal", location="bottom",
                       shrink=0.8, pad=0.03, aspect=30)
    ax.set_title("Document similarity\n(word 5-gram shingles)" if label == "shingle Jaccard"
                 else "Document similarity")
    return ax


# --- reuse network -----------------------------------------------------------------------

#: Line style, width and colour of each relation in :func:`plot_reuse_network`.
RELATION_STYLES: dict[str, tuple[Literal["-", "--", ":"], float, str]] = {"copy": ("-", 2.6, "#d55e00"), "rewrite": ("--", 2.0, "#0072b2"),
                   "shared_source": (":", 1.6, "#009e73"), "same_story": ("-", 0.6, "#999999")}


def network_edges(pairs: pd.DataFrame, *, level: str = "outlet") -> pd.DataFrame:
    """Edges of the reuse network: one per (node, node, relation), with a direction.

    Parameters
    ----------
    pairs : DataFrame
        ``reuse_pairs`` with the relation columns (:func:`framelab.reuse.find_reuse`).
    level : {"outlet", "document"}
        Nodes are outlets (a document of unknown outlet stands for itself) or documents.

    Returns
    -------
    DataFrame
        Columns ``node_a``, ``node_b``, ``relation``, ``n_pairs``, ``n_from_a`` (pairs whose
        direction hypothesis names a document of node_a as the source), ``n_from_b``. Pairs
        within one outlet are dropped at the outlet level.
    """
    if level not in ("outlet", "document"):
        raise ParameterError(f"level={level!r}; use 'outlet' or 'document'")
    cols = ["node_a", "node_b", "relation", "n_pairs", "n_from_a", "n_from_b"]
    if pairs.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})

    def node(doc: object, outlet: object) -> str:
        return str(outlet) if level == "outlet" and str(outlet) else str(doc)

    rows = []
    for da, db, oa, ob, rel, src in zip(*(pairs[c].astype(str).tolist() for c in (
            "doc_a", "doc_b", "outlet_a", "outlet_b", "relation", "source"))):
        na, nb = node(da, oa), node(db, ob)
        if na == nb:
            continue
        from_a, from_b = src == da, src == db
        if na > nb:
            na, nb, from_a, from_b = nb, na, from_b, from_a
        rows.append((na, nb, rel, 1, int(from_a), int(from_b)))
    frame = pd.DataFrame(rows, columns=cols)
    return frame.groupby(["node_a", "node_b", "relation"], as_index=False).sum()


def _circle(nodes: Sequence[str]) -> dict[str, tuple[float, float]]:
    angle = np.pi / 2 - 2 * np.pi * np.arange(len(nodes)) / max(1, len(nodes))
    return {n: (float(np.cos(t)), float(np.sin(t))) for n, t in zip(nodes, angle)}


@styled
def plot_reuse_network(
    pairs: pd.DataFrame,
    ax: Axes,
    *,
    level: str = "outlet",
    relations: Sequence[str] = ("copy", "rewrite", "shared_source", "same_story"),
    max_label: int = 18,
) -> Axes:
    """Outlets (or documents) on a circle, pairs as edges styled by relation.

    An arrow points from the node the direction hypothesis names as the source to the
    other; edges without a hypothesis have no arrow head. Width grows with the number of
    pairs. Nodes are placed on a circle in alphabetical order (readable for tens of nodes;
    nodes without an edge are left out).

    Parameters
    ----------
    pairs : DataFrame
        ``reuse_pairs`` with the relation columns.
    ax : matplotlib Axes
    level : {"outlet", "document"}
        See :func:`network_edges`.
    relations : sequence of str
        Relations drawn (e.g. leave out ``same_story`` for a large corpus).
    max_label : int
        Node labels longer than this are cut with an ellipsis.

    Returns
    -------
    matplotlib Axes
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    edges = network_edges(pairs, level=level)
    edges = edges[edges["relation"].isin(relations)]
    nodes = sorted(set(edges["node_a"]) | set(edges["node_b"]))
    pos = _circle(nodes)
    colors = group_colors(nodes) if level == "outlet" else {}
    offsets = {r: k for k, r in enumerate(RELATION_STYLES)}
    for node_a, node_b, rel, n_pairs, from_a, from_b in zip(
            edges["node_a"].astype(str), edges["node_b"].astype(str),
            edges["relation"].astype(str), edges["n_pairs"].astype(int),
            edges["n_from_a"].astype(int), edges["n_from_b"].astype(int)):
        style, width, color = RELATION_STYLES.get(rel, ("-", 1.0, "#555555"))
        ends = [(node_a, node_b, from_a), (node_b, node_a, from_b)]
        directed = [(s, t) for s, t, n in ends if n]
        for s, t in directed or [(node_a, node_b)]:
            rad = 0.08 * (offsets.get(rel, 0) + 1) * (1 if s < t else -1)
            ax.add_patch(FancyArrowPatch(
                pos[s], pos[t], connectionstyle=f"arc3,rad={rad}", linestyle=style,
                linewidth=width * (1 + np.log1p(n_pairs - 1) / 2), color=color,
                arrowstyle="-|>" if directed else "-", mutation_scale=12,
                shrinkA=9, shrinkB=9, zorder=1))
    narrow = drawn_narrow(ax)
    for n, (x, y) in pos.items():
        ax.scatter([x], [y], s=120, color=colors.get(n, "#444444"), zorder=2,
                   edgecolors="white")
        limit = min(max_label, 12) if narrow else max_label  # single column: shorter names
        name = n if len(n) <= limit else n[:limit - 1] + "\u2026"
        ax.annotate(name, (x, y), xytext=(x * 1.16, y * 1.16), ha="center", va="center",
                    fontsize=7 if len(nodes) > 12 else 8)
    handles = [Line2D([], [], linestyle=RELATION_STYLES[r][0], linewidth=RELATION_STYLES[r][1],
                      color=RELATION_STYLES[r][2], label=r.replace("_", " "))
               for r in relations if r in RELATION_STYLES]
    # single column: the legend goes below the circle, in two columns; else beside it
    place: dict[str, Any] = (
        {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0), "ncols": 2, "fontsize": 6,
         "title_fontsize": 6} if narrow else
        {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0), "fontsize": 7, "title_fontsize": 7})
    ax.legend(handles=handles, frameon=False,
              title="relation (arrow: hypothesised source \u2192 reuser)", **place)
    ax.set_xlim(-1.45, 1.45)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    if not nodes:
        ax.text(0, 0, "no reuse between different " + ("outlets" if level == "outlet"
                                                     else "documents"), ha="center")
    ax.set_title("Reuse network" + (" (outlets)" if level == "outlet" else " (documents)"))
    return ax


# --- side-by-side HTML -------------------------------------------------------------------

_CSS = """
body{font-family:Georgia,serif;max-width:1200px;margin:1em auto;color:#222}
h1{font-size:1.2em} .meta{color:#555;font-size:.9em} .hyp{font-style:italic}
table{border-collapse:collapse;width:100%} td,th{border-top:1px solid #ccc;padding:.5em;
vertical-align:top;text-align:left} th{font-size:.85em;color:#555} td.t{width:40%}
.diff-a{background:#fde0dc;text-decoration:line-through;text-decoration-color:#c0392b80}
.diff-b{background:#dcf5e0} .change{outline:2px solid #e69f00;font-weight:bold}
.kind{font-size:.8em;padding:0 .3em;border-radius:3px;background:#eee}
.verbatim{background:#0072b233} .paraphrase{background:#e69f0033}
ul.ch{margin:0;padding-left:1.1em;font-size:.85em}
"""


def _token_diff(text_a: str, text_b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of the tokens of each side that the other side lacks."""
    ta, tb = tokenize(text_a, stop_words=None), tokenize(text_b, stop_words=None)
    m = SequenceMatcher(None, [t.text for t in ta], [t.text for t in tb], autojunk=False)
    da, db = [], []
    for tag, i1, i2, j1, j2 in m.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            da.append((ta[i1].start, ta[i2 - 1].end))
        if j2 > j1:
            db.append((tb[j1].start, tb[j2 - 1].end))
    return da, db


def _find_all(text: str, needles: Sequence[str]) -> list[tuple[int, int]]:
    spans = []
    for needle in needles:
        if needle:
            head = r"(?<!\w)" if needle[0].isalnum() else ""
            tail = r"(?!\w)" if needle[-1].isalnum() else ""
            spans += [m.span() for m in re.finditer(head + re.escape(needle) + tail, text)]
    return spans


def _highlight(text: str, diff: list[tuple[int, int]], marks: list[tuple[int, int]],
               diff_class: str) -> str:
    """``text`` escaped, with runs of differing tokens and changed terms wrapped in spans."""
    flags = np.zeros(len(text) + 1, dtype=np.int8)
    for s, e in diff:
        flags[s:e] |= 1
    for s, e in marks:
        flags[s:e] |= 2
    flags[len(text)] = -1
    out, start = [], 0
    for k in np.flatnonzero(flags[1:] != flags[:-1]) + 1:
        piece, f = html.escape(text[start:k]), int(flags[start])
        classes = " ".join(c for bit, c in ((1, diff_class), (2, "change")) if f & bit)
        out.append(f'<span class="{classes}">{piece}</span>' if classes else piece)
        start = int(k)
    return "".join(out)


def pair_html(
    passages: pd.DataFrame,
    changes: pd.DataFrame,
    doc_a: str,
    doc_b: str,
    *,
    pairs: pd.DataFrame | None = None,
) -> str:
    """A standalone HTML page: the aligned passages of one pair side by side.

    Tokens one side lacks are shaded (red struck through on side a, green on side b); the
    words of a reported change (a swapped label, a changed verb, a dropped quote) are boxed;
    each row lists its changes. With a ``layer`` column, the shingle layer's passages come
    first, then the rewrite chain's. Every piece of text is HTML-escaped.

    Parameters
    ----------
    passages, changes : DataFrame
        ``reuse_passages`` and ``reuse_changes``.
    doc_a, doc_b : str
        The pair, as ordered in those tables.
    pairs : DataFrame, optional
        ``reuse_pairs``, for the header (outlets, kind, similarity, direction hypothesis).

    Returns
    -------
    str
    """
    esc = html.escape
    mine = passages[(passages["doc_a"] == doc_a) & (passages["doc_b"] == doc_b)]
    if mine.empty:
        raise ParameterError(f"no aligned passages for the pair {doc_a!r}, {doc_b!r}; "
                             "pick a pair from reuse_pairs")
    ch = changes[(changes["doc_a"] == doc_a) & (changes["doc_b"] == doc_b)]
    head = [f"<h1>{esc(doc_a)} &harr; {esc(doc_b)}</h1>"]
    if pairs is not None:
        row = pairs[(pairs["doc_a"] == doc_a) & (pairs["doc_b"] == doc_b)]
        if len(row):
            r = row.iloc[0]
            head.append(
                f'<p class="meta">outlets: {esc(str(r["outlet_a"]) or "unknown")} / '
                f'{esc(str(r["outlet_b"]) or "unknown")} &middot; kind: {esc(str(r["kind"]))}'
                f' &middot; shingle Jaccard {float(r["similarity"]):.3f} &middot; '
                f'{int(r["n_aligned"])} aligned passage(s)</p>')
            if "relation" in row.columns:
                extent = str(r.get("rewrite_extent", "") or "")  # whole / partial rewrite
                label = f"{r['relation']} ({extent})" if extent else str(r["relation"])
                head.append(f'<p class="meta">relation: <b>{esc(label)}</b> '
                            f'&middot; {esc(str(r["evidence"]))}</p>')
            if "direction" in row.columns:
                head.append(f'<p class="hyp">Direction (a hypothesis, not a finding): '
                            f'{esc(str(r["direction"]))}</p>')
    head.append('<p class="meta">Shaded: words the other side lacks (<span class="diff-a">'
                'side a</span>, <span class="diff-b">side b</span>). Boxed: <span class='
                '"change">words of a reported change</span>.</p>')
    rows = ['<table><tr><th>#</th><th>kind</th><th>' + esc(doc_a) + '</th><th>' + esc(doc_b)
            + '</th><th>changes</th></tr>']
    has_layer = "layer" in mine.columns and "layer" in ch.columns
    order = ["layer", "passage_index"] if has_layer else ["passage_index"]
    for p in mine.sort_values(order, ascending=[False, True][-len(order):]).itertuples(
            index=False):
        pc = ch[ch["passage_index"] == p.passage_index]
        if has_layer:
            pc = pc[pc["layer"] == p.layer]
        text_a, text_b, kind = str(p.text_a), str(p.text_b), str(p.kind)
        da, db = _token_diff(text_a, text_b)
        cell_a = _highlight(text_a, da, _find_all(text_a, pc["before"].tolist()), "diff-a")
        cell_b = _highlight(text_b, db, _find_all(text_b, pc["after"].tolist()), "diff-b")
        items = "".join(
            f"<li><b>{esc(str(c.change))}</b>: {esc(str(c.before)) or '&empty;'} &rarr; "
            f"{esc(str(c.after)) or '&empty;'} <span class='meta'>({esc(str(c.detail))})</span></li>"
            for c in pc.itertuples(index=False))
        where = f"<br>{esc(str(p.layer))}" if has_layer else ""
        rows.append(f'<tr><td>{p.passage_index}</td><td><span class="kind '
                    f'{esc(kind)}">{esc(kind)}</span><br>{float(str(p.similarity)):.2f}'
                    f'{where}</td>'
                    f'<td class="t">{cell_a}</td><td class="t">{cell_b}</td>'
                    f'<td><ul class="ch">{items}</ul></td></tr>')
    rows.append("</table>")
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>reuse: "
            f"{esc(doc_a)} / {esc(doc_b)}</title><style>{_CSS}</style></head><body>"
            + "\n".join(head + rows) + "</body></html>\n")


def pair_html_path(doc_a: str, doc_b: str, out_dir: str | Path) -> Path:
    """``<out_dir>/figures/reuse_pair_<a>_<b>.html``, ids made file-name safe and unique
    (:func:`framelab.outputs.safe_file_stem`)."""
    name = f"reuse_pair_{safe_file_stem(doc_a, doc_b)}.html"
    return resolve_out_dir(out_dir) / "figures" / name


def save_pair_html(page: str, doc_a: str, doc_b: str, out_dir: str | Path) -> Path:
    """Write a :func:`pair_html` page atomically; returns its path."""
    path = pair_html_path(doc_a, doc_b, out_dir)
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


def save_pair_views(pairs: pd.DataFrame, passages: pd.DataFrame, changes: pd.DataFrame,
                    out_dir: str | Path, *, top: int | None = None) -> list[Path]:
    """Write the HTML view of each pair (the first ``top`` of ``reuse_pairs`` that have
    aligned passages, or all of them; a same-story pair known by its chain's row only has
    no passage to show)."""
    chosen = _with_passages(pairs, passages)
    chosen = chosen if top is None else chosen.head(top)
    return [save_pair_html(pair_html(passages, changes, a, b, pairs=pairs), a, b, out_dir)
            for a, b in zip(chosen["doc_a"], chosen["doc_b"])]


def _with_passages(pairs: pd.DataFrame, passages: pd.DataFrame) -> pd.DataFrame:
    if passages.empty or pairs.empty:
        return pairs.iloc[:0]
    shown = set(zip(passages["doc_a"], passages["doc_b"]))
    return pairs[[(a, b) in shown for a, b in zip(pairs["doc_a"], pairs["doc_b"])]]


def first_pair_html(pairs: pd.DataFrame, passages: pd.DataFrame,
                    changes: pd.DataFrame) -> str:
    """:func:`pair_html` of the first pair of ``reuse_pairs`` with aligned passages, or a
    sentence saying there is none."""
    chosen = _with_passages(pairs, passages)
    if chosen.empty:
        return "<p>No pair of documents has aligned passages.</p>"
    return pair_html(passages, changes, chosen["doc_a"].iloc[0], chosen["doc_b"].iloc[0],
                     pairs=pairs)
