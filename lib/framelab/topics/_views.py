"""Tables and plots from a fitted :class:`framelab.topics.TopicModel` (re-exported there).

Tables follow the output contract (``docs/topics.md``): topic terms ranked by relevance, the
long unit-by-topic weights, representative passages, and prevalence by group with bootstrap
intervals. Plot functions take the data and a matplotlib ``ax``, return the ``ax``, do no I/O.
Topics are numbered from 1.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from ..corpus import group_key
from ..errors import ColumnError, ParameterError, check_columns
from ..figures import group_colors, styled
from ..stats import cell_rng, check_bootstrap, ratio_interval, resolve_unit
from ._coherence import relevance, summarize_k_selection, top_term_ids

__all__ = [
    "DOC_TOPIC_COLUMNS",
    "PASSAGE_COLUMNS",
    "PREVALENCE_COLUMNS",
    "TERM_COLUMNS",
    "doc_topics",
    "plot_k_selection",
    "plot_prevalence_heatmap",
    "plot_prevalence_intervals",
    "plot_top_terms",
    "representative_passages",
    "topic_prevalence",
    "topic_terms",
]

TERM_COLUMNS = ["topic", "rank", "term", "weight", "relevance", "lambda"]
DOC_TOPIC_COLUMNS = ["unit_id", "doc_id", "outlet", "topic", "weight"]
PREVALENCE_COLUMNS = ["group", "topic", "mean", "ci_low", "ci_high", "n_units", "n_docs",
                      "ci_unit"]
PASSAGE_COLUMNS = ["topic", "rank", "unit_id", "doc_id", "outlet", "weight", "text"]
_UNIT_COLUMNS = ["unit_id", "doc_id", "outlet", "text_norm"]




# --- tables --------------------------------------------------------------------------------

def topic_terms(model: Any, *, relevance_lambda: float = 0.6,
                n_terms: int = 10) -> pd.DataFrame:
    """Top terms of each topic ranked by relevance (Sievert & Shirley 2014).

    Parameters
    ----------
    model : TopicModel
        Fitted with ``vocabulary=``.
    relevance_lambda : float
        λ in [0, 1]: 1 ranks by p(term | topic), 0 by lift p(term | topic) / p(term).
    n_terms : int
        Terms listed per topic.

    Returns
    -------
    DataFrame
        Columns :data:`TERM_COLUMNS`: ``weight`` is p(term | topic), ``relevance`` the score at
        ``lambda`` = ``relevance_lambda`` the terms are ranked by (rank 1 = most relevant).
    """
    check_is_fitted(model, "components_")
    if model.vocabulary_ is None:
        raise ParameterError("topic_terms needs the terms: fit(X, vocabulary=dtm.vocabulary)")
    rel = relevance(model.components_, model.term_frequency_, relevance_lambda=relevance_lambda)
    order = top_term_ids(rel, n_terms)
    rows = [(t + 1, r + 1, model.vocabulary_[j], model.components_[t, j], rel[t, j],
             float(relevance_lambda))
            for t in range(order.shape[0]) for r, j in enumerate(order[t])]
    return pd.DataFrame(rows, columns=TERM_COLUMNS)


def doc_topics(units: pd.DataFrame, theta: np.ndarray) -> pd.DataFrame:
    """Long table of topic weights: one row per unit and topic.

    Parameters
    ----------
    units : DataFrame of n_units rows
        ``unit_id``, ``doc_id``, ``outlet`` (the units the DTM was built from).
    theta : ndarray of shape (n_units, n_topics)
        From :meth:`TopicModel.transform`.

    Returns
    -------
    DataFrame
        Columns :data:`DOC_TOPIC_COLUMNS`, sorted by unit (input order) then topic.
    """
    check_columns(units, DOC_TOPIC_COLUMNS[:3], "units")
    theta = np.asarray(theta)
    if theta.shape[0] != len(units):
        raise ParameterError(f"theta has {theta.shape[0]} rows but units has {len(units)}; "
                             "transform the DTM of these units")
    k = theta.shape[1]
    frame = pd.DataFrame({c: np.repeat(units[c].to_numpy(), k) for c in DOC_TOPIC_COLUMNS[:3]})
    frame["topic"] = np.tile(np.arange(1, k + 1), len(units))
    frame["weight"] = theta.ravel()
    return frame


def representative_passages(units: pd.DataFrame, theta: np.ndarray, *, n_passages: int = 3,
                            max_chars: int = 300) -> pd.DataFrame:
    """The units with the highest weight of each topic.

    Parameters
    ----------
    units : DataFrame of n_units rows
        ``unit_id``, ``doc_id``, ``outlet``, ``text_norm``.
    theta : ndarray of shape (n_units, n_topics)
        From :meth:`TopicModel.transform`.
    n_passages : int
        Units listed per topic, highest weight first.
    max_chars : int
        Longer texts are cut, with an ellipsis.

    Returns
    -------
    DataFrame
        Columns :data:`PASSAGE_COLUMNS`; ``text`` is the unit's text cut to ``max_chars``.
    """
    check_columns(units, _UNIT_COLUMNS, "units")
    theta = np.asarray(theta)
    rows = []
    for t in range(theta.shape[1]):
        best = np.argsort(-theta[:, t], kind="stable")[:n_passages]
        for rank, i in enumerate(best, start=1):
            text = str(units["text_norm"].iat[i])
            text = text if len(text) <= max_chars else text[:max_chars - 1].rstrip() + "…"
            rows.append((t + 1, rank, units["unit_id"].iat[i], units["doc_id"].iat[i],
                         units["outlet"].iat[i], float(theta[i, t]), text))
    return pd.DataFrame(rows, columns=PASSAGE_COLUMNS)


def topic_prevalence(doc_topics: pd.DataFrame, *, group_by: str = "outlet",
                     documents: pd.DataFrame | None = None, n_boot: int = 1000,
                     ci: float = 0.95, seed: int = 0, unit: str = "auto",
                     min_docs_per_group: int = 5) -> pd.DataFrame:
    """Mean topic proportion per group, with percentile bootstrap CIs that resample
    documents.

    The mean is over the group's units. Units of one document (its sentences or paragraphs)
    share an author, a story and a slant, so they are not independent draws: resampling
    units would give intervals too narrow. Each bootstrap replicate therefore draws the
    group's documents with replacement and takes all units of each drawn document (a cluster
    bootstrap); the replicate's value is the mean over those units. With documents as units
    this is the ordinary bootstrap.

    With a single document a group has no spread to resample, so ``unit="auto"`` (as in
    :func:`framelab.framing.label_rates`) resamples documents when every group has at least
    ``min_docs_per_group`` of them and units otherwise; the interval then says how stable
    the proportion is *within* those articles. The ``ci_unit`` column records which.

    Parameters
    ----------
    doc_topics : DataFrame
        Columns :data:`DOC_TOPIC_COLUMNS`.
    group_by : str
        A column of ``doc_topics`` or of ``documents`` (joined on ``doc_id``); grouped with
        :func:`framelab.corpus.group_key`, so an empty value groups by document.
    documents : DataFrame, optional
        The documents table, for ``group_by`` columns other than outlet / doc_id.
    n_boot : int
        Bootstrap replicates per group (drawing documents or units, see ``unit``).
    ci : float
        Coverage of the interval.
    seed : int
        Seed of the bootstrap; each group draws from its own generator
        (:func:`framelab.stats.cell_rng`), so its interval does not depend on the others.
    unit : {"auto", "documents", "units"}
        What the bootstrap draws within a group (see above).
    min_docs_per_group : int
        The fewest documents in every group for ``"auto"`` to draw documents.

    Returns
    -------
    DataFrame
        Columns :data:`PREVALENCE_COLUMNS`, sorted by group then topic; ``n_units`` and
        ``n_docs`` count the group's units and documents.
    """
    check_columns(doc_topics, DOC_TOPIC_COLUMNS, "doc_topics")
    check_bootstrap(n_boot, ci, allow_zero=False)
    resolve_unit({}, unit, smaller="units")  # checks the value before any work
    wide = doc_topics.pivot(index="unit_id", columns="topic", values="weight")
    meta = doc_topics.drop_duplicates("unit_id").set_index("unit_id")[["doc_id", "outlet"]]
    meta = meta.loc[wide.index].reset_index()
    if group_by not in meta.columns:
        if documents is None or group_by not in documents.columns:
            known = ["doc_id", "outlet"] + ([] if documents is None else
                                            [c for c in documents.columns if c not in meta])
            raise ColumnError(f"group_by={group_by!r} is not a column of doc_topics"
                              + (" (pass documents=... to group by a document column)"
                                 if documents is None else " nor of documents")
                              + "; available: " + ", ".join(map(str, known)))
        meta = meta.merge(documents[["doc_id", group_by]].drop_duplicates("doc_id"),
                          on="doc_id", how="left")
    groups = group_key(meta, group_by).to_numpy()
    doc_ids = meta["doc_id"].to_numpy()
    unit = resolve_unit(pd.Series(doc_ids).groupby(groups).nunique(), unit, smaller="units",
                        min_docs=min_docs_per_group)
    # what one bootstrap draw takes: a document with all its units, or a single unit
    cluster_ids = doc_ids if unit == "documents" else meta["unit_id"].to_numpy()
    theta = wide.to_numpy()
    rows = []
    for name in sorted(set(groups)):
        in_group = groups == name
        sub = theta[in_group]
        cluster_of, clusters = pd.factorize(cluster_ids[in_group])
        sums = np.zeros((len(clusters), sub.shape[1]))
        np.add.at(sums, cluster_of, sub)  # each cluster's units' weights, summed
        sizes = np.bincount(cluster_of, minlength=len(clusters)).astype(float)
        lo, hi = ratio_interval(sums, sizes, n_boot=n_boot, ci=ci,
                                rng=cell_rng(seed, "topic_prevalence", name))
        n_docs = len(set(doc_ids[in_group]))
        for j, topic in enumerate(wide.columns):
            rows.append((name, int(topic), float(sub[:, j].mean()), float(lo[j]),
                         float(hi[j]), len(sub), n_docs, unit))
    return pd.DataFrame(rows, columns=PREVALENCE_COLUMNS)


# --- plots (data + ax in, ax out, no I/O) --------------------------------------------------

@styled
def plot_k_selection(k_selection: pd.DataFrame, ax: Any, *, metric: str = "npmi",
                     chosen_k: int | None = None) -> Any:
    """Each seed's score (dots) and the mean ± 1 s.e. over seeds (line) against k."""
    if metric not in ("npmi", "perplexity"):
        raise ParameterError(f"metric={metric!r}; use 'npmi' or 'perplexity'")
    s = summarize_k_selection(k_selection)
    ax.scatter(k_selection["k"], k_selection[metric], s=10, color="0.6", zorder=2,
               label="one seed")
    ax.errorbar(s["k"], s[f"{metric}_mean"], yerr=s[f"{metric}_se"], color="#0072B2",
                marker="o", ms=4, capsize=2, zorder=3, label="mean ± 1 s.e.")
    if chosen_k is not None:
        ax.axvline(chosen_k, color="#D55E00", ls="--", lw=1, label=f"chosen k = {chosen_k}")
    ax.set_xticks(sorted(k_selection["k"].unique()))
    ax.set_xlabel("number of topics k")
    ax.set_ylabel("NPMI coherence (higher is better)" if metric == "npmi"
                  else "held-out perplexity (lower is better)")
    ax.legend(frameon=False)
    return ax


@styled
def plot_top_terms(topic_terms: pd.DataFrame, ax: Any, *, n_terms: int = 8,
                   unstable: Collection[int] = ()) -> Any:
    """A grid of topics (rows) by rank (columns), each cell a term shaded by its weight.

    Unstable topics are labelled "(unstable)" and their terms greyed and italic. At most
    ``n_terms`` ranks, fewer when the axes are too narrow for the longest terms at 6 pt (a
    single-column figure shows fewer ranks rather than terms running into each other).
    """
    check_columns(topic_terms, TERM_COLUMNS, "topic_terms")
    n_terms = _ranks_that_fit(topic_terms, ax, n_terms)
    shown = topic_terms[topic_terms["rank"] <= n_terms]
    cells = list(zip(shown["topic"].astype(int), shown["rank"].astype(int),
                     shown["weight"].astype(float), shown["term"].astype(str)))
    topics = sorted({t for t, _, _, _ in cells})
    row_of = {t: i for i, t in enumerate(topics)}
    grid = np.zeros((len(topics), n_terms))
    for topic, rank, weight, _ in cells:
        grid[row_of[topic], rank - 1] = weight
    grid = grid / np.maximum(grid.max(axis=1, keepdims=True), 1e-12)
    ax.imshow(grid, aspect="auto", cmap="Blues", vmin=0, vmax=1.6)
    for topic, rank, _, term in cells:
        bad = topic in unstable
        ax.text(rank - 1, row_of[topic], term, ha="center", va="center", fontsize=6,
                color="0.45" if bad else "black", style="italic" if bad else "normal")
    ax.set_yticks(range(len(topics)))
    ax.set_yticklabels([f"T{t}" + (" (unstable)" if t in unstable else "") for t in topics])
    ax.set_xticks(range(n_terms))
    ax.set_xticklabels([str(r) for r in range(1, n_terms + 1)])
    lam = float(shown["lambda"].iloc[0]) if len(shown) else float("nan")
    ax.set_xlabel(f"rank by relevance (λ = {lam:g})\nshade = p(term | topic) relative to the "
                  "topic's top term")
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    return ax


def _ranks_that_fit(topic_terms: pd.DataFrame, ax: Any, n_terms: int) -> int:
    """How many rank columns of terms fit across ``ax`` at 6 pt (at least one)."""
    fig = ax.figure
    fig.draw_without_rendering()  # axes at their laid-out size
    width_pt = ax.get_window_extent().width * 72 / fig.dpi
    for n in range(n_terms, 1, -1):
        terms = topic_terms.loc[topic_terms["rank"] <= n, "term"].astype(str)
        longest = max((len(t) for t in terms), default=1)
        if width_pt / n >= longest * 6 * 0.62 + 4:  # DejaVu Sans: ~0.62 em per letter
            return n
    return 1


@styled
def plot_prevalence_heatmap(prevalence: pd.DataFrame, ax: Any, *,
                            unstable: Collection[int] = ()) -> Any:
    """Groups (rows) by topics (columns), shaded and labelled by mean topic proportion."""
    check_columns(prevalence, PREVALENCE_COLUMNS, "prevalence")
    table = prevalence.pivot(index="group", columns="topic", values="mean")
    image = ax.imshow(table.to_numpy(), aspect="auto", cmap="viridis")
    for (i, j), value in np.ndenumerate(table.to_numpy()):
        ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6,
                color="white" if value < table.to_numpy().max() * 0.6 else "black")
    ax.set_xticks(range(table.shape[1]))
    ax.set_xticklabels([f"T{t}" + ("*" if t in unstable else "") for t in table.columns])
    ax.set_yticks(range(table.shape[0]))
    ax.set_yticklabels([str(g)[:28] for g in table.index])
    ax.set_xlabel("topic (* = unstable across seeds)" if unstable else "topic")
    ax.figure.colorbar(image, ax=ax, label="mean topic proportion")
    return ax


@styled
def plot_prevalence_intervals(prevalence: pd.DataFrame, ax: Any, *,
                              colors: dict[str, str] | None = None,
                              unstable: Collection[int] = ()) -> Any:
    """Per topic, each group's mean proportion (dot) and bootstrap interval (line)."""


    check_columns(prevalence, PREVALENCE_COLUMNS, "prevalence")
    groups = sorted(prevalence["group"].unique())
    topics = sorted(prevalence["topic"].unique())
    colors = colors or group_colors(groups)
    height = 0.8 / max(1, len(groups))
    for g_index, group in enumerate(groups):
        sub = prevalence[prevalence["group"] == group].set_index("topic").loc[topics]
        y = np.arange(len(topics)) - 0.4 + height * (g_index + 0.5)
        ax.hlines(y, sub["ci_low"], sub["ci_high"], color=colors[str(group)], lw=1)
        ax.plot(sub["mean"], y, "o", ms=3, color=colors[str(group)], label=str(group)[:28])
    for boundary in np.arange(len(topics) - 1) + 0.5:
        ax.axhline(boundary, color="0.85", lw=0.5)
    ax.set_yticks(range(len(topics)))
    ax.set_yticklabels([f"T{t}" + (" (unstable)" if t in unstable else "") for t in topics])
    ax.set_ylim(len(topics) - 0.5, -0.5)
    ax.set_xlim(left=0)
    ax.set_xlabel("mean topic proportion per unit (bootstrap interval)")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6)
    return ax
