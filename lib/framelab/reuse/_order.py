"""Is a chain's order more than chance? A shuffled-order null for ordered rewrite chains.

Two articles on one story share similar sentences; some of them fall in the same order by
chance, and the shorter the articles, the likelier a chain of three or four links in order
is. A rewrite keeps its source's order over the whole rewritten passage. The test here asks
how often the pair's own links, put in a random order, give a chain that scores as well:

* the links of a pair (its mutual best matches, widened to merged runs by
  :func:`framelab.reuse.chain_links`) keep their sentences on side a and their similarity;
  the *null* hands their side-b spans out again in a random order (the same sentences of b
  are matched, with the same cosines, but the order that links them is shuffled);
* the statistic is the score of the best chain (:func:`chain_scores`: each link scores its
  cosine minus the threshold, each sentence skipped inside the chain costs ``gap``): a
  shuffled chain is shorter and has more gaps;
* the p-value is the share of orders whose best chain scores at least the observed one.
  Up to ``exact_max`` links every order is tried (exact); above, ``n_perm`` random orders
  from a generator seeded by ``seed`` and the pair's document ids, plus the observed
  order (Monte Carlo: never below ``1 / (n_perm + 1)``).

Many pairs are tested in a large corpus, and some chance orders pass any fixed level:
:func:`fdr_qvalues` gives the Benjamini-Hochberg q-values of the tested pairs (the false
discovery rate among pairs at least as significant), which ``classify_pairs`` asks of a
rewrite that nothing else backs (a partial rewrite).

A chain whose links are all in order and without gaps has p = 1 / m! among m links when no
other order scores as much; a reversed chain has p = 1. The test conditions on the links:
it says whether their *order* is chance, not whether the sentences are similar (that is the
threshold's job) nor how much of each document they cover (``rewrite_coverage``).
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np

from ..errors import ParameterError
from ..stats import cell_rng

__all__ = ["chain_scores", "fdr_qvalues", "order_pvalue"]


def chain_scores(i0: np.ndarray, i1: np.ndarray, j0: np.ndarray, j1: np.ndarray,
                 gain: np.ndarray, *, gap: float) -> np.ndarray:
    """Best ordered-chain score of each row of side-b spans (a vectorised local alignment).

    Parameters
    ----------
    i0, i1 : arrays of shape (m,)
        First and last sentence of each link on side a, sorted by ``i0``.
    j0, j1 : arrays of shape (r, m)
        First and last sentence of each link on side b, one row per arrangement.
    gain : array of shape (m,)
        Score of each link (cosine minus threshold).
    gap : float
        Cost of each sentence skipped between two links, on either side.

    Returns
    -------
    array of shape (r,)
        The best chain's score per row: the sum of its links' gains minus its gaps, never
        below the best single link (as :func:`framelab.reuse.align_rewrites` scores it).
    """
    i0, i1 = np.asarray(i0, dtype=np.int64), np.asarray(i1, dtype=np.int64)
    j0, j1 = np.atleast_2d(j0).astype(np.int64), np.atleast_2d(j1).astype(np.int64)
    gain = np.asarray(gain, dtype=float)
    r, m = j0.shape
    best = np.zeros((r, m))
    for q in range(m):
        before = i1[:q] < i0[q]
        if q and before.any():
            ok = before[None, :] & (j1[:, :q] < j0[:, q:q + 1])
            skipped = (i0[q] - i1[:q] - 1)[None, :] + (j0[:, q:q + 1] - j1[:, :q] - 1)
            value = np.where(ok, best[:, :q] - gap * skipped, 0.0)
            best[:, q] = gain[q] + np.maximum(value.max(axis=1), 0.0)
        else:
            best[:, q] = gain[q]
    return best.max(axis=1) if m else np.zeros(r)


@lru_cache(maxsize=16)
def _all_orders(m: int) -> np.ndarray:
    return np.array(list(itertools.permutations(range(m))), dtype=np.int64)


def order_pvalue(i0: np.ndarray, i1: np.ndarray, j0: np.ndarray, j1: np.ndarray,
                 gain: np.ndarray, *, gap: float, key: str = "", seed: int = 0,
                 exact_max: int = 7, n_perm: int = 999) -> float:
    """p-value of a pair's chain against shuffled orders of its links (module docstring).

    Parameters
    ----------
    i0, i1, j0, j1 : arrays of shape (m,)
        The pair's links (every mutual best match, not only the chain's), sorted by ``i0``.
    gain : array of shape (m,)
        Cosine minus threshold of each link.
    key : str
        Names the pair (its document ids) so that its random orders do not depend on which
        other pairs are tested, nor in what order.
    seed : int
        Seeds the random orders (with ``key``) when there are more than ``exact_max`` links.

    Returns
    -------
    float
        Share of orders (the observed one included) whose best chain scores at least the
        observed chain's score.
    """
    if exact_max < 1 or exact_max > 9:
        raise ParameterError(f"exact_max={exact_max}: every order of up to 9 links is tried; "
                             "use 1-9")
    if n_perm < 1:
        raise ParameterError(f"n_perm={n_perm}: the Monte Carlo test needs at least 1 order")
    i0, i1 = np.asarray(i0, dtype=np.int64), np.asarray(i1, dtype=np.int64)
    j0, j1 = np.asarray(j0, dtype=np.int64), np.asarray(j1, dtype=np.int64)
    m = len(i0)
    if m < 2:
        return 1.0
    observed = chain_scores(i0, i1, j0[None, :], j1[None, :], gain, gap=gap)[0]
    if m <= exact_max:
        orders = _all_orders(m)
        null = chain_scores(i0, i1, j0[orders], j1[orders], gain, gap=gap)
        return float(np.mean(null >= observed - 1e-9))
    rng = cell_rng(seed, "order", key)
    orders = np.argsort(rng.random((n_perm, m)), axis=1)
    null = chain_scores(i0, i1, j0[orders], j1[orders], gain, gap=gap)
    return float((1 + np.count_nonzero(null >= observed - 1e-9)) / (n_perm + 1))


def fdr_qvalues(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values of p-values (NaN: not tested, left NaN and not counted).

    The q-value of a test is the smallest false discovery rate at which it is a discovery:
    ``min over k >= rank of p_(k) * n / k`` (capped at 1), with ``n`` the tests that were
    made. The more pairs a corpus tests, the stronger the evidence a pair needs.
    """
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    tested = np.flatnonzero(~np.isnan(p))
    if not len(tested):
        return q
    order = tested[np.argsort(p[tested], kind="stable")]
    n = len(order)
    ranked = p[order] * n / np.arange(1, n + 1)
    q[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return q
