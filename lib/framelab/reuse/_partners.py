"""A bound on candidate pairs: each document keeps its strongest partners (:func:`keep_strongest`).

Reuse candidates grow with the square of a clique's size: a wire story printed by 300 outlets
gives 44,850 pairs, and a corpus whose documents share stock sentences (boilerplate that
escaped segmentation, generated test corpora) gives nearly every pair. Aligning every one of
them is what made the reuse notebook the slowest step of a large report. Like a k-nearest-
neighbour graph, a pair is kept when it is among the ``max_partners`` strongest pairs of
either of its documents; the rest are counted and named in a :class:`ReuseWarning`, never
dropped without a word.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import ParameterError, ReuseWarning, check_columns

__all__ = ["bound_candidates", "bound_rewrite_candidates", "bound_shingle_candidates",
           "keep_strongest"]

log = logging.getLogger(__name__)


def keep_strongest(pairs: pd.DataFrame, strength: Sequence[np.ndarray | pd.Series],
                   max_partners: int, *, what: str = "candidate pairs",
                   described: str = "strength") -> pd.DataFrame:
    """Keep the pairs among the ``max_partners`` strongest of ``doc_a`` or of ``doc_b``.

    Parameters
    ----------
    pairs : DataFrame
        One row per document pair, with ``doc_a`` and ``doc_b``.
    strength : sequence of arrays of length ``len(pairs)``
        Strength of each pair, compared array by array (the first decides, the next breaks its
        ties), larger first; remaining ties keep the rows' order, so the result is
        deterministic.
    max_partners : int
        Partners kept per document; 0 keeps every pair.
    what, described : str
        Name of the pairs and of their strength, in the warning.

    Returns
    -------
    DataFrame
        The kept rows, in their original order and index.

    Warns
    -----
    ReuseWarning
        When pairs are left out: how many, of how many, and the parameter that keeps them.
    """
    if isinstance(max_partners, bool) or not isinstance(max_partners, (int, np.integer)) \
            or max_partners < 0:
        raise ParameterError(f"max_partners={max_partners!r}: use a whole number >= 0 "
                             "(0 keeps every pair)")
    check_columns(pairs, ["doc_a", "doc_b"], what)
    if any(len(s) != len(pairs) for s in strength):
        raise ParameterError(f"strength: give one value per row of the {what}")
    if max_partners == 0 or pairs.empty:
        return pairs
    position = np.arange(len(pairs))
    keys = [-np.asarray(s, dtype=float) for s in reversed(list(strength))]
    order = np.lexsort([position, *keys]) if keys else position  # strongest first
    # each document's rank of the pair, counted on both of its sides together: documents
    # as integer codes (millions of pairs: no table of strings), each document's pairs
    # strongest first, a pair's rank its place among them
    n = len(pairs)
    codes, _ = pd.factorize(pd.concat([pairs["doc_a"], pairs["doc_b"]], ignore_index=True))
    doc = np.concatenate([codes[:n][order], codes[n:][order]])
    step = np.tile(np.arange(n), 2)
    by_doc = np.lexsort((step, doc))
    del codes, step
    grouped = doc[by_doc]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    rank = np.arange(len(grouped)) - np.repeat(starts, np.diff(np.r_[starts, len(grouped)]))
    keep = np.zeros(n, dtype=bool)
    keep[np.tile(order, 2)[by_doc[rank < max_partners]]] = True
    dropped = int((~keep).sum())
    if dropped:
        message = (f"{dropped:,} of {len(pairs):,} {what} left out: each document keeps its "
                   f"{max_partners} strongest partners (by {described}); set "
                   "max_partners higher, or 0 to align every pair")
        log.warning(message)
        warnings.warn(message, ReuseWarning, stacklevel=2)
    return pairs[keep]


def bound_shingle_candidates(shingle: pd.DataFrame, max_partners: int) -> pd.DataFrame:
    """The shingle layer's half of :func:`bound_candidates`: each document's
    ``max_partners`` strongest shingle candidates, by the larger containment (the share of
    the smaller side's text found in the other), then Jaccard."""
    check_columns(shingle, ["containment_a_in_b", "containment_b_in_a", "jaccard"],
                  "shingle candidates")
    contained = np.maximum(shingle["containment_a_in_b"].to_numpy(float),
                           shingle["containment_b_in_a"].to_numpy(float))
    return keep_strongest(shingle, [contained, shingle["jaccard"]], max_partners,
                          what="shingle candidate pairs",
                          described="shared text (containment), then Jaccard")


def bound_rewrite_candidates(content: pd.DataFrame, max_partners: int) -> pd.DataFrame:
    """The rewrite layer's half of :func:`bound_candidates`: each document's
    ``max_partners`` strongest rewrite candidates, by ``n_similar`` (similar sentences on
    the side with fewer), then ``max_cosine``."""
    check_columns(content, ["n_similar", "max_cosine"], "rewrite candidates")
    return keep_strongest(content, [content["n_similar"], content["max_cosine"]],
                          max_partners, what="rewrite candidate pairs",
                          described="similar sentences, then their best cosine")


def bound_candidates(shingle: pd.DataFrame, content: pd.DataFrame, max_partners: int
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both layers' candidates bounded by :func:`keep_strongest`, each layer on its own
    (:func:`bound_shingle_candidates`, :func:`bound_rewrite_candidates`).

    Shingle candidates rank by the larger containment (the share of the smaller side's text
    found in the other), then Jaccard; rewrite candidates by ``n_similar`` (similar sentences
    on the side with fewer), then ``max_cosine``. The bounded shingle candidates are what
    :func:`framelab.reuse.find_rewrite_candidates` should be given as ``pairs``: on a corpus
    of recombined stock text the shingle layer finds millions of pairs (13 million among
    100,000 generated documents), and only the bounded ones are aligned.
    """
    return (bound_shingle_candidates(shingle, max_partners),
            bound_rewrite_candidates(content, max_partners))
