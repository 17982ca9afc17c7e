"""Consensus topics across seed runs, and stability measured three ways.

An LDA fit is one local optimum of a non-convex objective: another random start gives another
model, and some of its topics are not found again. :func:`consensus_topics` keeps what the seed
runs agree on, in the manner of stm's ``multiSTM`` (Roberts, Stewart & Tingley 2016), which
aligns every run to a reference run by one-to-one matching:

1. every pair of runs is matched one to one (Hungarian algorithm) on the cosine similarity of
   their topic-word distributions;
2. the *reference* run is the medoid: the run whose matched topics are, summed over the other
   runs, the most similar to its own (the first such run on ties);
3. a reference topic is *found* in another run when its matched partner there reaches
   ``threshold`` cosine; ``seed_runs`` counts the runs that contain it (the reference itself
   included);
4. the consensus topic is the mean of the variational topic-word parameters (λ, pseudo-counts)
   of the reference topic and the partners that were found, so a topic is averaged only over
   the runs that contain it.

Topics found in fewer than half of the runs are kept in the model (their documents must go
somewhere) and marked ``recurs=False`` / ``unstable=True``; gensim's ``EnsembleLda`` (Brigl
2019) drops such topics instead. :func:`stability_table` measures each reported topic
against the runs: mean matched top-N Jaccard (the ``stability`` of earlier framelab versions),
mean matched cosine and mean matched Jensen–Shannon similarity of the distributions, and the
runs containing it.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.special import psi

from ..errors import ParameterError
from ._coherence import match_topics, topic_similarity

__all__ = [
    "REPORTED",
    "STABILITY_COLUMNS",
    "Consensus",
    "consensus_topics",
    "describe_recurrence",
    "extra_seeds",
    "js_similarity",
    "replace_topics",
    "reported_model",
    "stability_table",
]

#: Columns of the stability table of a consensus model (``TopicModel.stability_``).
STABILITY_COLUMNS = ["topic", "stability", "matched_runs", "unstable", "cosine",
                     "js_similarity", "seed_runs", "n_runs", "recurs"]


#: What ``TopicModel(reported=...)`` accepts.
REPORTED = ("consensus", "best", "refit")


class Consensus(NamedTuple):
    """What :func:`consensus_topics` returns.

    Attributes
    ----------
    components : ndarray of shape (n_topics, n_terms)
        Consensus λ (pseudo-counts) of each topic, in the reference run's topic order.
    seed_runs : ndarray of int of shape (n_topics,)
        Runs containing each topic (the reference included).
    reference : int
        Index of the reference (medoid) run.
    members : ndarray of int of shape (n_runs, n_topics)
        Topic of each run averaged into each consensus topic, -1 where the run lacks it.
    """

    components: np.ndarray
    seed_runs: np.ndarray
    reference: int
    members: np.ndarray


def _normalise(weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return weights / weights.sum(axis=1, keepdims=True)


def _check_runs(runs: Sequence[np.ndarray]) -> None:
    if len(runs) < 1:
        raise ParameterError("consensus needs at least one seed run; give seeds, e.g. '0,1,2'")
    shapes = {np.shape(r) for r in runs}
    if len(shapes) != 1:
        raise ParameterError(f"seed runs differ in shape {sorted(shapes)}; fit every run with "
                             "the same k on the same vocabulary")


def consensus_topics(runs: Sequence[np.ndarray], *, threshold: float = 0.5) -> Consensus:
    """Align seed runs to their medoid run and average the topics they share.

    Parameters
    ----------
    runs : sequence of ndarray of shape (n_topics, n_terms)
        Topic-word parameters λ of each seed run (LDA ``components_``; unnormalised
        pseudo-counts, so that the average keeps the runs' concentration).
    threshold : float
        Cosine similarity of topic-word distributions from which a matched topic counts as the
        same topic found again.

    Returns
    -------
    Consensus
    """
    _check_runs(runs)
    if not 0.0 < float(threshold) <= 1.0:
        raise ParameterError(f"consensus threshold={threshold}: use a cosine in (0, 1], e.g. 0.5")
    phis = [_normalise(r) for r in runs]
    n_runs, n_topics = len(runs), phis[0].shape[0]
    # match[a][b][i]: topic of run b paired with topic i of run a; sim likewise
    match = np.zeros((n_runs, n_runs, n_topics), dtype=int)
    sim = np.zeros((n_runs, n_runs, n_topics))
    for a in range(n_runs):
        match[a, a] = np.arange(n_topics)
        sim[a, a] = 1.0
        for b in range(a + 1, n_runs):
            cos = topic_similarity(phis[a], phis[b], metric="cosine")
            rows, cols = linear_sum_assignment(cos, maximize=True)
            match[a, b, rows] = cols
            sim[a, b, rows] = cos[rows, cols]
            match[b, a, cols] = rows
            sim[b, a, cols] = cos[rows, cols]
    reference = int(np.argmax(sim.sum(axis=(1, 2))))
    found = sim[reference] >= threshold  # (n_runs, n_topics)
    members = np.where(found, match[reference], -1)
    stacked = np.stack([np.asarray(r, dtype=float) for r in runs])
    total = np.zeros_like(stacked[0])
    for b in range(n_runs):
        hit = members[b] >= 0
        total[hit] += stacked[b][members[b][hit]]
    seed_runs = found.sum(axis=0)
    return Consensus(total / seed_runs[:, None], seed_runs.astype(int), reference, members)


def replace_topics(template: Any, components: np.ndarray) -> Any:
    """A copy of a fitted scikit-learn LDA whose topics are ``components``.

    Parameters
    ----------
    template : LatentDirichletAllocation
        A fitted model with the same k and vocabulary (e.g. the reference run); its priors and
        E-step settings are kept.
    components : ndarray of shape (n_topics, n_terms)
        The topic-word parameters λ to use.

    Returns
    -------
    LatentDirichletAllocation
        ``transform`` infers topic proportions under the given topics (the E-step of the
        variational posterior with ``exp(E[log β])`` recomputed from ``components``).
    """
    components = np.asarray(components, dtype=float)
    if components.shape != template.components_.shape:
        raise ParameterError(f"components of shape {components.shape} do not fit a model of "
                             f"shape {template.components_.shape}")
    model = copy.deepcopy(template)
    model.components_ = components
    model.exp_dirichlet_component_ = np.exp(
        psi(components) - psi(components.sum(axis=1))[:, None])
    return model


def extra_seeds(seeds: Sequence[int], n_seed_runs: int | None) -> list[int]:
    """Seeds to fit at the chosen k only, so that ``n_seed_runs`` runs are compared.

    The grid's ``seeds`` come first; the others continue from one above the largest. ``None``
    (or no more than the grid's seeds) adds none.
    """
    if n_seed_runs is None:
        return []
    if isinstance(n_seed_runs, bool) or not isinstance(n_seed_runs, (int, np.integer)) \
            or n_seed_runs < 1:
        raise ParameterError(f"n_seed_runs={n_seed_runs!r}: use a number of seed runs (e.g. 10) "
                             "or None for the grid's seeds only")
    start = max(seeds) + 1
    return list(range(start, start + max(0, int(n_seed_runs) - len(seeds))))


def reported_model(runs: Sequence[tuple[int, float, Any]], how: str, *,
                   threshold: float = 0.5) -> tuple[Any | None, np.ndarray | None, str]:
    """The model ``TopicModel(reported=how)`` reports from the seed runs at the chosen k.

    Parameters
    ----------
    runs : sequence of (seed, held-out perplexity, fitted LatentDirichletAllocation)
        The seed runs at the chosen k.
    how : {"consensus", "best", "refit"}
        See :data:`REPORTED`; ``"refit"`` returns no model (the caller fits one).
    threshold : float
        Cosine from which a run contains a topic (:func:`consensus_topics`).

    Returns
    -------
    model : LatentDirichletAllocation or None
        Topics in the model's own order.
    seed_runs : ndarray of int of shape (n_topics,) or None
        Runs containing each topic, for the consensus.
    description : str
        What was reported, for ``fit_info_["reported"]``.
    """
    if how == "consensus":
        agreed = consensus_topics([m.components_ for _, _, m in runs], threshold=threshold)
        model = replace_topics(runs[agreed.reference][2], agreed.components)
        return model, agreed.seed_runs, (f"consensus of {len(runs)} seed runs (reference seed "
                                         f"{runs[agreed.reference][0]})")
    if how == "best":
        seed, _, best = min(runs, key=lambda r: (r[1], r[0]))
        return (replace_topics(best, best.components_), None,
                f"seed run with the lowest held-out perplexity (seed {seed})")
    if how == "refit":
        return None, None, "refit"
    raise ParameterError(f"reported={how!r}; use one of {', '.join(REPORTED)}")


def js_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """1 − Jensen–Shannon distance (base 2) between every row of ``a`` and of ``b``.

    Parameters
    ----------
    a, b : ndarray of shape (n_a, n_terms) and (n_b, n_terms)
        Topic-word weights (normalised here).

    Returns
    -------
    ndarray of shape (n_a, n_b)
        In [0, 1]; 1 for identical distributions, 0 for disjoint supports.
    """
    pa, pb = _normalise(a), _normalise(b)
    out = np.empty((len(pa), len(pb)))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_a = np.where(pa > 0, np.log2(pa), 0.0)
        log_b = np.where(pb > 0, np.log2(pb), 0.0)
        for j in range(len(pb)):
            m = 0.5 * (pa + pb[j])
            log_m = np.where(m > 0, np.log2(m), 0.0)
            kl_a = (pa * (log_a - log_m)).sum(axis=1)
            kl_b = (pb[j] * (log_b[j] - log_m)).sum(axis=1)
            out[:, j] = np.sqrt(np.clip(0.5 * (kl_a + kl_b), 0.0, 1.0))
    return 1.0 - out


def _matched(reference: np.ndarray, run: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    out = np.empty(len(reference))
    out[rows] = similarity[rows, cols]
    return out


def stability_table(reported: np.ndarray, runs: Sequence[np.ndarray], *,
                          metric: str = "jaccard", top_n: int = 10,
                          threshold: float = 0.5, found_threshold: float = 0.5,
                          seed_runs: np.ndarray | None = None) -> pd.DataFrame:
    """How well each reported topic is found again in the seed runs.

    Parameters
    ----------
    reported : ndarray of shape (n_topics, n_terms)
        Topic-word weights of the reported model, rows in topic order.
    runs : sequence of ndarray of shape (n_topics, n_terms)
        Topic-word weights of the seed runs at the same k.
    metric : {"jaccard", "cosine"}
        Similarity behind ``stability`` and ``matched_runs`` (top-``top_n`` Jaccard or cosine).
    top_n : int
        Top terms compared by Jaccard.
    threshold : float
        ``stability`` below it marks a topic unstable; ``matched_runs`` counts the runs whose
        matched topic reaches it.
    found_threshold : float
        Cosine from which a run is said to contain the topic (``seed_runs``), unless
        ``seed_runs`` is given.
    seed_runs : ndarray of int of shape (n_topics,), optional
        Runs containing each topic, when known from :func:`consensus_topics`.

    Returns
    -------
    DataFrame
        Columns :data:`STABILITY_COLUMNS`: ``stability`` (mean matched similarity
        by ``metric``), ``matched_runs``, ``cosine`` (mean matched cosine of the
        distributions), ``js_similarity`` (mean matched 1 − Jensen–Shannon distance),
        ``seed_runs`` of ``n_runs``, ``recurs`` (found in at least half the runs) and
        ``unstable`` (stability below ``threshold`` or not recurring).
    """
    _check_runs([reported, *runs])
    if not runs:
        raise ParameterError("stability needs seed runs to compare with")
    by_metric = np.array([match_topics(reported, r, metric=metric, top_n=top_n)[1]
                          for r in runs])
    cosine = np.array([_matched(reported, r, topic_similarity(reported, r, metric="cosine"))
                       for r in runs])
    js = np.array([_matched(reported, r, js_similarity(reported, r)) for r in runs])
    n_runs = len(runs)
    found = (cosine >= found_threshold).sum(axis=0) if seed_runs is None \
        else np.asarray(seed_runs, dtype=int)
    stability = by_metric.mean(axis=0)
    recurs = found >= n_runs / 2
    return pd.DataFrame({
        "topic": np.arange(1, len(reported) + 1),
        "stability": stability,
        "matched_runs": (by_metric >= threshold).sum(axis=0).astype(int),
        "unstable": (stability < threshold) | ~recurs,
        "cosine": cosine.mean(axis=0),
        "js_similarity": js.mean(axis=0),
        "seed_runs": found.astype(int),
        "n_runs": n_runs,
        "recurs": recurs,
    }, columns=STABILITY_COLUMNS)


def _topic_list(topics: Sequence[int]) -> str:
    names = [str(t) for t in topics]
    if len(names) <= 1:
        return f"topic {names[0]}" if names else ""
    return "topics " + ", ".join(names[:-1]) + " and " + names[-1]


def describe_recurrence(stability: pd.DataFrame, *, threshold: float = 0.5) -> str:
    """One sentence a reader understands: which topics recur across the seed runs.

    Parameters
    ----------
    stability : DataFrame
        Columns :data:`STABILITY_COLUMNS` (``TopicModel.stability_``).
    threshold : float
        The ``stability_threshold`` the table was made with (named in the sentence).

    Returns
    -------
    str
    """
    missing = [c for c in ("topic", "stability", "seed_runs", "n_runs", "recurs")
               if c not in stability.columns]
    if missing:
        raise ParameterError(f"stability table lacks column(s) {', '.join(missing)}; pass "
                             "TopicModel.stability_")
    n_runs = int(stability["n_runs"].max()) if len(stability) else 0
    recur = stability[stability["recurs"]]
    shaky = recur[recur["stability"] < threshold]
    lost = stability[~stability["recurs"]]
    parts = []
    if len(recur):
        parts.append(f"{len(recur)} of {len(stability)} topics recur in at least half of the "
                     f"{n_runs} seed runs ({_topic_list(recur['topic'].tolist())})")
    else:
        parts.append(f"no topic recurs in half of the {n_runs} seed runs")
    if len(shaky):
        verb = "recurs" if len(shaky) == 1 else "recur"
        parts.append(f"{_topic_list(shaky['topic'].tolist())} {verb} but with top terms that "
                     f"shift between runs (top-term stability below {threshold:g})")
    if len(lost):
        parts.append(f"{_topic_list(lost['topic'].tolist())} "
                     f"{'is' if len(lost) == 1 else 'are'} found in fewer runs and should be "
                     "read as an artefact of the random start, not as a finding")
    return "; ".join(parts) + "."
