"""Who is named what: label families per actor (or side), group and voice.

:func:`framelab.framing.label_rates` pools every label of a family, so an outlet that calls
the government a "regime" and one that calls the rebels "terrorists" both come out
"delegitimising". :func:`actor_labels` keeps the actor each label names
(``label_mentions.actor``) and reports, per group, actor and voice, the share of the labels
applied to that actor that fall in each family, with a bootstrap interval over documents.
Labels whose actor could not be resolved are kept under the actor :data:`UNRESOLVED`.

Corpora with hundreds of outlets stay readable through :func:`shown_groups`: the largest
groups (or the ones named) are kept and the rest pooled into :data:`OTHER`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..codebook import CodebookArg, load_codebook, resolve_codebook
from ..corpus import group_key, positions
from ..errors import ColumnError, ParameterError, check_columns
from ..figures import add_key, is_single, new_figure, short_names, styled
from ..stats import cell_rng, ratio_interval, resolve_unit
from ._voice import VOICES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..codebook import Codebook

__all__ = ["ACTOR_COUNT_COLUMNS", "ACTOR_LABEL_COLUMNS", "OTHER", "UNRESOLVED", "actor_counts",
           "actor_documents", "actor_labels",
           "actor_labels_figure", "actor_summary", "actor_voices", "display_name", "document_groups",
           "group_order", "label_targets", "main_actors", "plot_actor_labels", "shown_groups"]

log = logging.getLogger(__name__)

#: Actor of a label whose actor could not be resolved.
UNRESOLVED = "(unresolved)"
#: Group that pools the groups not shown.
OTHER = "other"
ACTOR_LABEL_COLUMNS = ["group", "actor", "side", "family", "voice", "count", "share",
                       "ci_low", "ci_high", "n_docs", "ci_unit"]
_MARKERS = {"delegitimising": "v", "neutral": "o", "legitimising": "^"}
_FAMILY_COLORS = {"delegitimising": "#D55E00", "neutral": "#777777",
                  "legitimising": "#0072B2"}


def _check(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ColumnError(f"{what} lacks column(s) {missing}; columns found: "
                          + ", ".join(map(str, frame.columns)))




def shown_groups(documents: pd.DataFrame, *, group_by: str = "outlet", groups: str = "",
                 max_groups: int = 10) -> dict[str, str]:
    """Which group each group is shown as: itself, or :data:`OTHER`.

    Parameters
    ----------
    documents : DataFrame
        The documents table; ``group_by`` must be one of its columns (empty values fall back
        to the doc_id, as in :func:`framelab.corpus.group_key`).
    groups : str
        Comma-separated groups to show; empty keeps the ``max_groups`` groups with the most
        documents (ties by name).
    max_groups : int
        With more groups than this, the rest are pooled as :data:`OTHER`.

    Returns
    -------
    dict of str to str
        Every group of the corpus -> the group it is shown as.
    """
    if max_groups < 1:
        raise ParameterError(f"max_groups={max_groups}; show at least 1 group")
    keys = group_key(documents, group_by).astype(str)
    sizes = keys.value_counts()
    ranked = sorted(sizes.index, key=lambda g: (-int(sizes[g]), g))
    wanted = [g.strip() for g in groups.split(",") if g.strip()]
    unknown = [g for g in wanted if g not in sizes.index]
    if unknown:
        raise ParameterError(f"groups={groups!r}: {', '.join(unknown)} not found by "
                             f"{group_by!r}; the largest groups are "
                             + ", ".join(ranked[:10]))
    keep = set(wanted or ranked[:max_groups])
    if OTHER in sizes.index and len(keep) < len(ranked):
        log.warning("a group is called %r; it is pooled with the groups not shown", OTHER)
    return {g: g if g in keep else OTHER for g in ranked}


def group_order(shown: dict[str, str]) -> list[str]:
    """The shown groups of a :func:`shown_groups` mapping, largest first, :data:`OTHER` last."""
    kept = list(dict.fromkeys(v for v in shown.values() if v != OTHER))
    return kept + ([OTHER] if OTHER in shown.values() else [])


def document_groups(documents: pd.DataFrame, *, group_by: str = "outlet",
                    shown: dict[str, str] | None = None) -> pd.Series:
    """The (shown) group of every document, indexed by doc_id."""
    _check(documents, ("doc_id",), "documents")
    keys = group_key(documents, group_by).astype(str)
    if shown is not None:
        keys = keys.map(shown).fillna(OTHER)
    return pd.Series(keys.to_numpy(), index=documents["doc_id"].astype(str), name="group")


def label_targets(mentions: pd.DataFrame, codebook: Codebook, *,
                  level: str = "actor") -> pd.Series:
    """Whom each label names: its actor id, or its side with ``level="side"``.

    Unresolved actors become :data:`UNRESOLVED`; with ``level="side"`` an actor without a
    side stands for itself.
    """
    if level not in ("actor", "side"):
        raise ParameterError(f"level={level!r}; use 'actor' or 'side'")
    _check(mentions, ("actor",), "label mentions")
    actor = mentions["actor"].fillna("").astype(str)
    actor = actor.where(actor != "", UNRESOLVED)
    if level == "actor":
        return actor
    return actor.map({a: codebook.side_of(a) or a for a in actor.unique()})




def actor_labels(mentions: pd.DataFrame, documents: pd.DataFrame,
                 codebook: Codebook | None = None, *, group_by: str = "outlet",
                 shown: dict[str, str] | None = None, level: str = "actor",
                 unit: str = "auto", n_boot: int = 1000, seed: int = 0,
                 min_docs_per_group: int = 5) -> pd.DataFrame:
    """Label families per group x actor (or side) x voice, with bootstrap 95% intervals.

    Parameters
    ----------
    mentions : DataFrame
        :func:`framelab.framing.label_mentions` output.
    documents : DataFrame
        The documents table; ``group_by`` is one of its columns.
    codebook : Codebook, optional
        The shipped default when omitted (families, sides).
    shown : dict of str to str, optional
        :func:`shown_groups` output, to pool small groups into :data:`OTHER`.
    level : {"actor", "side"}
        Report per actor, or per side of the codebook (an actor without a side stands for
        itself); ``actor`` and ``side`` then both hold the side.
    unit : {"auto", "documents", "sentences"}
        What the bootstrap resamples within a group; "auto" takes documents when every group
        has at least ``min_docs_per_group`` documents, else sentences (as
        :func:`framelab.framing.label_rates`).
    n_boot, seed : int
        Bootstrap replicates and the seed (:mod:`framelab.stats`; each cell draws from its own
        generator).

    Returns
    -------
    DataFrame
        Columns :data:`ACTOR_LABEL_COLUMNS`: one row per group x actor x family x voice for
        every actor labelled anywhere in the corpus (zeros included; ``share`` is NaN when the
        group applies no label to the actor in that voice). ``share`` is the cell's count over
        all labels the group applies to the actor in that voice; ``n_docs`` the documents
        holding those labels; ``ci_unit`` what was resampled.
    """
    cb = codebook if codebook is not None else load_codebook()
    _check(mentions, ("doc_id", "sentence_id", "family", "voice", "actor"), "label mentions")
    if n_boot < 0:
        raise ParameterError(f"n_boot={n_boot}; use 0 (no CI) or more replicates")
    doc_group = document_groups(documents, group_by=group_by, shown=shown)
    unit = resolve_unit(doc_group.value_counts(), unit, smaller="sentences",
                        min_docs=min_docs_per_group)
    # categories and codes, not arrays of Python strings: at a million articles there are
    # millions of labels
    doc_codes, doc_names = pd.factorize(mentions["doc_id"])
    names = pd.Series(pd.Index(doc_names).astype(str))
    group_codes, group_names = pd.factorize(names.map(doc_group).fillna(names))  # else itself
    frame = pd.DataFrame({
        "group": pd.Categorical.from_codes(np.where(doc_codes >= 0, group_codes[doc_codes], -1),
                                           categories=group_names),
        "who": label_targets(mentions, cb, level=level).array,
        "family": mentions["family"].array, "voice": mentions["voice"].array,
        "doc_id": mentions["doc_id"].array,
        "unit": (mentions["doc_id"] if unit == "documents" else mentions["sentence_id"]).array})
    families = list(cb.families)
    whos = sorted(pd.unique(frame["who"]), key=lambda w: (w == UNRESOLVED, w))
    cells = _cell_tables(frame, families)
    rows = []
    for group in sorted(set(doc_group)):
        for who in whos:
            side = who if level == "side" else (cb.side_of(who) if who != UNRESOLVED else "")
            for voice in VOICES:
                cell = cells.get((group, who, voice))
                if cell is None:
                    rows += [(group, who, side, f, voice, 0, np.nan, np.nan, np.nan, 0, unit)
                             for f in families]
                    continue
                y, n_docs = cell
                total = y.sum()
                low, high = ratio_interval(y, y.sum(axis=1), n_boot=n_boot, ci=0.95,
                                           rng=cell_rng(seed, "actor_labels", level, group,
                                                        who, voice))
                rows += [(group, who, side, f, voice, int(y[:, j].sum()), y[:, j].sum() / total,
                          low[j], high[j], n_docs, unit) for j, f in enumerate(families)]
    return pd.DataFrame(rows, columns=ACTOR_LABEL_COLUMNS)


def _cell_tables(frame: pd.DataFrame, families: list[str]
                 ) -> dict[tuple[Any, Any, Any], tuple[np.ndarray, int]]:
    """Per (group, who, voice) of ``frame``: its units x ``families`` label counts (float; a
    row per unit of the cell, units sorted, as ``pd.crosstab`` makes them) and its number
    of documents. Cells with a missing key are left out, as ``groupby`` leaves them out.
    Columns are factorized, never turned into arrays of Python strings (categorical or Arrow
    columns stay as compact as they came)."""
    frame = frame[frame[["group", "who", "voice"]].notna().all(axis=1).to_numpy()]
    (group, groups), (who, whos), (voice, voices) = (
        pd.factorize(frame[c]) for c in ("group", "who", "voice"))
    cell_codes = (group.astype(np.int64) * len(whos) + who) * len(voices) + voice
    unit_codes = pd.factorize(frame["unit"], sort=True)[0]
    doc_codes = pd.factorize(frame["doc_id"])[0]
    fam_codes = positions(frame["family"], families)
    counted = frame["family"].notna().to_numpy()  # crosstab leaves out a missing family
    order = np.lexsort((unit_codes, cell_codes))
    bounds = np.flatnonzero(np.diff(cell_codes[order])) + 1
    out: dict[tuple[Any, Any, Any], tuple[np.ndarray, int]] = {}
    for rows in np.split(order, bounds) if len(order) else []:
        units, row_of = np.unique(unit_codes[rows], return_inverse=True)
        keep = counted[rows] & (fam_codes[rows] >= 0)
        y = np.zeros((len(units), len(families)))
        np.add.at(y, (row_of[keep], fam_codes[rows][keep]), 1.0)
        if not counted[rows].all():  # a unit with only uncounted mentions is not a row
            y = y[np.isin(np.arange(len(units)), row_of[counted[rows]])]
        rest, v = divmod(int(cell_codes[rows[0]]), len(voices))
        g, w = divmod(rest, len(whos))
        out[(groups[g], whos[w], voices[v])] = (y, len(np.unique(doc_codes[rows])))
    return out


def main_actors(table: pd.DataFrame, *, n: int = 3, voice: str = "narrator",
                include_unresolved: bool = False) -> list[str]:
    """The ``n`` actors (or sides) of an :func:`actor_labels` table with the most labels in
    ``voice`` (all voices when none there), most first; :data:`UNRESOLVED` left out unless
    asked."""
    _check(table, ("actor", "voice", "count"), "actor_labels")
    part = table if include_unresolved else table[table["actor"] != UNRESOLVED]
    totals = part[part["voice"] == voice].groupby("actor")["count"].sum()
    if totals.sum() == 0:
        totals = part.groupby("actor")["count"].sum()
    totals = totals[totals > 0]
    return sorted(totals.index, key=lambda a: (-int(totals[a]), a))[:n]


@styled
def plot_actor_labels(table: pd.DataFrame, ax: Any, *, actor: str, voice: str = "narrator",
                      groups: Iterable[str] | None = None, title: str | None = None,
                      group_labels: bool = True) -> Any:
    """One panel: groups (rows) x label family (markers), the share of the labels each group
    applies to ``actor`` in ``voice``, with its 95% interval.

    A group that applies no label to the actor in that voice gets an empty row with "none".
    """
    _check(table, ("group", "actor", "family", "voice", "share", "ci_low", "ci_high"),
           "actor_labels")
    part = table[(table["actor"] == actor) & (table["voice"] == voice)]
    order = list(groups) if groups is not None else sorted(table["group"].unique())
    families = list(dict.fromkeys(table["family"]))
    offsets = np.linspace(-0.25, 0.25, max(1, len(families)))
    for j, family in enumerate(families):
        rows = part[part["family"] == family].set_index("group").reindex(order)
        ypos = np.arange(len(order)) + offsets[j]
        share = rows["share"].to_numpy(dtype=float)
        low = share - rows["ci_low"].to_numpy(dtype=float)
        high = rows["ci_high"].to_numpy(dtype=float) - share
        err = np.nan_to_num(np.vstack([low, high]), nan=0.0).clip(min=0)
        ax.errorbar(share, ypos, xerr=err, fmt=_MARKERS.get(family, "s"), ms=4, lw=0.8,
                    color=_FAMILY_COLORS.get(family, None), label=family.replace("_", " "))
    empty = part.groupby("group")["count"].sum().reindex(order).fillna(0)
    for i, g in enumerate(order):
        if empty[g] == 0:
            ax.text(0.5, i, "none", ha="center", va="center", fontsize=6, color="#999999")
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_yticks(range(len(order)), order if group_labels else [])
    ax.set_xlabel("share of labels")
    ax.set_title(title or actor)
    ax.grid(axis="x", lw=0.3, color="#dddddd")
    return ax


def display_name(who: str, codebook: Codebook) -> str:
    """Readable name of an actor id or side id ("the armed opposition", "HTS")."""
    if who in codebook.sides:
        return codebook.sides[who].name
    if who in codebook.actors:
        return codebook.actors[who].name
    return who


@styled
def actor_labels_figure(table: pd.DataFrame, who: Sequence[str], codebook: Codebook, *,
                        groups: Sequence[str] | None = None,
                        voices: Sequence[str] = VOICES,
                        width: str | float = "double") -> Figure | None:
    """Panels of :func:`plot_actor_labels`: one column per actor or side in ``who``, one row
    per voice (the narrator's first); None when there is nothing to draw.

    At single width (``width``, see :func:`framelab.figures.new_figure`) the panels are
    stacked in one column and long group names abbreviated, with a key below the figure.
    """
    if not len(who) or table.empty:
        return None
    order = list(groups) if groups is not None else sorted(table["group"].unique())
    single = is_single(width)
    names = short_names(order, max_chars=10 if single else 24)
    shown_table = table.assign(group=table["group"].astype(str).map(lambda g: names.get(g, g)))
    cells = [(voice, actor) for voice in voices for actor in who]
    nrows, ncols = (len(cells), 1) if single else (len(voices), len(who))
    fig, axes = new_figure(width, nrows * (0.22 * len(order) + 0.9) + 0.4,
                           nrows=nrows, ncols=ncols, squeeze=False, sharex=True,
                           layout="constrained")
    for k, (voice, actor) in enumerate(cells):
        i, j = (k, 0) if single else divmod(k, len(who))
        plot_actor_labels(shown_table, axes[i, j], actor=actor, voice=voice,
                          groups=[names[g] for g in order], group_labels=j == 0,
                          title=f"{display_name(actor, codebook)}: {voice}")
        if i < nrows - 1:
            axes[i, j].set_xlabel("")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels), frameon=False)
    add_key(fig, names)
    return fig


def actor_documents(mentions: pd.DataFrame) -> pd.DataFrame:
    """Per document and actor, its mentions in any voice: one row per pair that occurs.

    ``mentions`` is :func:`actor_mentions` output. Returns columns ``doc_id``, ``actor``,
    ``mentions``, in the order the pairs first occur (documents in corpus order, so the table
    of a corpus is its partitions' tables one after another). This is what attention over time needs
    (does a document mention the actor at all), in a table that grows with documents x actors
    instead of with mentions.
    """
    check_columns(mentions, ("actor", "doc_id"), "mentions")
    return (mentions.groupby(["doc_id", "actor"], sort=False).size().rename("mentions")
            .reset_index())


def actor_voices(mentions: pd.DataFrame) -> pd.DataFrame:
    """Per document, actor and voice, its mentions: :func:`actor_mentions` counted.

    Columns ``doc_id``, ``actor``, ``voice``, ``mentions``, in the order the triples first
    occur (so the table of a corpus is its partitions' tables one after another). It is what
    :func:`actor_summary` needs, in a table that grows with documents x actors instead of
    with mentions.
    """
    check_columns(mentions, ("actor", "doc_id", "voice"), "mentions")
    return (mentions.groupby(["doc_id", "actor", "voice"], sort=False).size()
            .rename("mentions").reset_index())


#: Columns of :func:`actor_counts`.
ACTOR_COUNT_COLUMNS = ["actor", "n_mentions", "n_documents", *VOICES]


def actor_counts(mentions: pd.DataFrame) -> pd.DataFrame:
    """Per actor mentioned: its mentions, the documents that mention it and its mentions
    in each voice (columns :data:`ACTOR_COUNT_COLUMNS`, actors sorted).

    ``mentions`` as for :func:`actor_summary`. The counts of disjoint sets of documents
    (partitions) add up to those of all of them, so a corpus's table is its parts' tables
    summed by actor; :func:`actor_summary` takes either.
    """
    check_columns(mentions, ("actor", "doc_id", "voice"), "mentions")
    counts = mentions["mentions"] if "mentions" in mentions.columns else \
        pd.Series(1, index=mentions.index)
    frame = pd.DataFrame({"actor": mentions["actor"].to_numpy(),
                          "doc_id": mentions["doc_id"].to_numpy(),
                          "voice": mentions["voice"].to_numpy(), "n": counts.to_numpy()})
    by_actor = frame.groupby("actor", sort=True)
    out = pd.DataFrame({"n_mentions": by_actor["n"].sum(),
                        "n_documents": by_actor["doc_id"].nunique()})
    for voice in VOICES:
        out[voice] = frame[frame["voice"] == voice].groupby("actor")["n"].sum() \
            .reindex(out.index, fill_value=0)
    return out.astype("int64").rename_axis("actor").reset_index()[ACTOR_COUNT_COLUMNS]


def actor_summary(mentions: pd.DataFrame, codebook: CodebookArg = None) -> pd.DataFrame:
    """Mentions per codebook actor, **including actors never mentioned** (count 0).

    ``mentions`` is :func:`actor_mentions` output (one row per mention),
    :func:`actor_voices` output (a ``mentions`` count per document, actor and voice) or
    :func:`actor_counts` of disjoint sets of documents one after another (e.g. partitions);
    the same summary. Returns columns ``actor``, ``name``, ``target``, ``n_mentions``,
    ``n_documents``, ``narrator``, ``quoted``, ``attributed``.
    """
    cb = resolve_codebook(codebook)
    summed = mentions if "n_documents" in mentions.columns else actor_counts(mentions)
    check_columns(summed, ACTOR_COUNT_COLUMNS, "actor counts")
    actors = list(cb.actors.values())
    totals = summed.groupby("actor")[ACTOR_COUNT_COLUMNS[1:]].sum() \
        .reindex([a.id for a in actors], fill_value=0)
    rows = [(actor.id, actor.name, actor.target, *map(int, values))
            for actor, values in zip(actors, totals.to_numpy())]
    out = pd.DataFrame(rows, columns=["actor", "name", "target", "n_mentions", "n_documents",
                                      *VOICES])
    never = out.loc[out["n_mentions"] == 0, "actor"].tolist()
    if never:
        log.info("actors never mentioned in this corpus: %s", ", ".join(never))
    return out
