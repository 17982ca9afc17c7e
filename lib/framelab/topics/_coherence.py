"""Topic quality measures: NPMI coherence, topic matching across runs, and term relevance.

NPMI coherence (Bouma 2009; Lau, Newman & Baldwin 2014; Röder, Both & Hinneburg 2015) of a topic
is the mean, over the pairs of its top-N terms, of

    NPMI(wi, wj) = log((p(wi, wj) + eps) / (p(wi) p(wj))) / -log(p(wi, wj) + eps)

where the probabilities are shares of *windows* that contain the term(s). A window is either a
whole unit (``window=None``, the boolean-document estimate) or each run of ``window`` consecutive
tokens of a unit (the boolean sliding window; a unit shorter than the window is one window, an
empty unit is one empty window). ``eps = 1e-12`` and these window rules are those of gensim's
``CoherenceModel(coherence="c_npmi")`` (whose default window is 10 tokens), so the numbers agree
with gensim for the same topics and texts; a test holds them to that.

Topic matching follows Greene, O'Callaghan & Cunningham (2014): the topics of two runs are paired
by the Hungarian algorithm on top-term Jaccard similarity or topic-word cosine similarity.
Relevance follows Sievert & Shirley (2014). :func:`choose_k` is the rule of
``TopicModel(n_topics="auto")``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from ..errors import ColumnError, ParameterError

__all__ = [
    "EPSILON",
    "K_SELECTION_COLUMNS",
    "choose_k",
    "match_topics",
    "npmi",
    "npmi_from_dtm",
    "relevance",
    "summarize_k_selection",
    "top_term_ids",
    "topic_similarity",
]

#: Smoothing constant of gensim's direct confirmation measures (``EPSILON`` there).
EPSILON = 1e-12
_SIMILARITIES = ("jaccard", "cosine")
#: Columns of the k-selection table (one row per grid run).
K_SELECTION_COLUMNS = ["k", "seed", "perplexity", "npmi"]


def _check_window(window: int | None) -> None:
    if window is not None and (isinstance(window, bool) or not isinstance(window, int)
                               or window < 2):
        raise ParameterError(f"window={window!r}: use None (the whole unit is the window) or a "
                             "sliding window of at least 2 tokens, e.g. 10 as in gensim c_npmi")


def _document_presence(X: sparse.spmatrix, term_ids: np.ndarray) -> sparse.csr_matrix:
    """Boolean (n_units, len(term_ids)) matrix: does the unit contain the term."""
    sub = sparse.csc_matrix(X)[:, term_ids]
    sub.data = (sub.data > 0).astype(np.float64)
    sub.eliminate_zeros()
    return sub.tocsr()


def _window_presence(texts: Sequence[np.ndarray], n_relevant: int,
                     window: int) -> sparse.csr_matrix:
    """Boolean (n_windows, n_relevant) matrix over boolean sliding windows.

    ``texts`` hold one position-indexed array per unit: the relevant-term index of each token,
    or -1 for any other token. An occurrence at position p of a unit of length L lies in the
    windows starting at max(0, p - window + 1) ... min(p, n_win - 1), n_win = max(1, L - window
    + 1); the window starts are numbered consecutively across units.
    """
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    offset = 0
    for ids in texts:
        n_win = max(1, len(ids) - window + 1)
        pos = np.flatnonzero(ids >= 0)
        if pos.size:
            first = np.maximum(0, pos - window + 1)
            last = np.minimum(pos, n_win - 1)
            span = last - first + 1
            starts = np.repeat(first - np.cumsum(span) + span, span) + np.arange(span.sum())
            rows.append(offset + starts)
            cols.append(np.repeat(ids[pos], span))
        offset += n_win
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    presence = sparse.csr_matrix((np.ones(r.size), (r, c)), shape=(offset, n_relevant))
    presence.sum_duplicates()
    presence.data[:] = 1.0
    return presence


def _cooccurrence(presence: sparse.csr_matrix) -> tuple[int, np.ndarray]:
    """(number of windows, dense co-occurrence counts) of a boolean presence matrix."""
    co = (presence.T @ presence).toarray()
    return presence.shape[0], co


def _npmi_from_counts(topics: Sequence[np.ndarray], n_windows: int, co: np.ndarray,
                      eps: float = EPSILON) -> np.ndarray:
    """Mean pairwise NPMI per topic; ``topics`` index the rows of ``co`` (diagonal = df)."""
    n = float(n_windows)
    out = np.empty(len(topics))
    for t, idx in enumerate(topics):
        idx = np.asarray(idx)
        i, j = np.triu_indices(len(idx), k=1)
        if i.size == 0:
            raise ParameterError("a topic needs at least 2 top terms for NPMI; raise top_n")
        df = np.diag(co)[idx]
        p_i, p_j = df[i] / n, df[j] / n
        p_ij = co[idx[i], idx[j]] / n
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.log((p_ij + eps) / (p_i * p_j)) / -np.log(p_ij + eps)
        out[t] = float(np.mean(value))
    return out


def npmi(topics: Sequence[Sequence[str]], texts: Iterable[Sequence[str]], *,
         window: int | None = None) -> np.ndarray:
    """NPMI coherence of each topic, estimated on tokenized texts.

    Parameters
    ----------
    topics : sequence of sequence of str
        The top terms of each topic, shape (n_topics, top_n) (lengths may differ, >= 2 each).
    texts : iterable of sequence of str
        The reference corpus as token lists, one per unit (n_units of them).
    window : int or None
        ``None``: each unit is one window (boolean document). An int ``s``: boolean sliding
        windows of ``s`` tokens, as gensim's ``c_npmi`` (``window_size=10`` by default there).

    Returns
    -------
    ndarray of shape (n_topics,)
        Mean NPMI over the term pairs of each topic, in [-1, 1].
    """
    _check_window(window)
    words = sorted({w for topic in topics for w in topic})
    index = {w: i for i, w in enumerate(words)}
    topic_idx = [np.array([index[w] for w in topic], dtype=np.int64) for topic in topics]
    if window is None:
        rows: list[int] = []
        cols: list[int] = []
        n_texts = 0
        for r, text in enumerate(texts):
            present = {index[w] for w in text if w in index}
            rows.extend([r] * len(present))
            cols.extend(present)
            n_texts = r + 1
        presence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                                     shape=(n_texts, len(words)))
    else:
        ids = [np.fromiter((index.get(w, -1) for w in text), dtype=np.int64) for text in texts]
        presence = _window_presence(ids, len(words), window)
    n_windows, co = _cooccurrence(presence)
    if n_windows == 0:
        raise ParameterError("npmi: texts is empty; pass the tokenized units of the corpus")
    absent = [w for w, df in zip(words, np.diag(co)) if df == 0]
    if absent:
        raise ParameterError(f"npmi: {len(absent)} topic term(s) never occur in texts ("
                             + ", ".join(map(repr, absent[:10])) + "); score topics on the "
                             "tokenized texts they were fitted on (framelab.topics.unit_tokens)")
    return _npmi_from_counts(topic_idx, n_windows, co)


def npmi_from_dtm(topic_term_ids: np.ndarray, X: sparse.spmatrix) -> np.ndarray:
    """NPMI coherence with each unit as the window, from a document-term matrix.

    Parameters
    ----------
    topic_term_ids : ndarray of int of shape (n_topics, top_n)
        Column indices of ``X`` of each topic's top terms.
    X : sparse matrix of shape (n_units, n_terms)
        Term counts; only presence is used.

    Returns
    -------
    ndarray of shape (n_topics,)
        Equal to :func:`npmi` with ``window=None`` on the same units.
    """
    topic_term_ids = np.asarray(topic_term_ids)
    union, inverse = np.unique(topic_term_ids, return_inverse=True)
    n_windows, co = _cooccurrence(_document_presence(X, union))
    return _npmi_from_counts(list(inverse.reshape(topic_term_ids.shape)), n_windows, co)


def top_term_ids(components: np.ndarray, top_n: int) -> np.ndarray:
    """Indices of the ``top_n`` largest weights of each topic, best first (ties by index).

    Parameters
    ----------
    components : ndarray of shape (n_topics, n_terms)

    Returns
    -------
    ndarray of int of shape (n_topics, min(top_n, n_terms))
    """
    order = np.argsort(-np.asarray(components), axis=1, kind="stable")
    return order[:, :top_n]


def topic_similarity(a: np.ndarray, b: np.ndarray, *, metric: str = "jaccard",
                     top_n: int = 10) -> np.ndarray:
    """Similarity of every topic of run ``a`` to every topic of run ``b``.

    Parameters
    ----------
    a, b : ndarray of shape (n_topics_a, n_terms) and (n_topics_b, n_terms)
        Topic-word weights of two runs over the same vocabulary.
    metric : {"jaccard", "cosine"}
        Jaccard overlap of the ``top_n`` term sets (Greene et al. 2014), or cosine of the
        topic-word vectors.
    top_n : int
        Terms per topic compared by ``"jaccard"``.

    Returns
    -------
    ndarray of shape (n_topics_a, n_topics_b)
        Values in [0, 1].
    """
    if metric not in _SIMILARITIES:
        raise ParameterError(f"metric={metric!r}; use one of {list(_SIMILARITIES)}")
    if metric == "cosine":
        na = a / np.linalg.norm(a, axis=1, keepdims=True)
        nb = b / np.linalg.norm(b, axis=1, keepdims=True)
        return np.clip(na @ nb.T, 0.0, 1.0)
    ta, tb = top_term_ids(a, top_n), top_term_ids(b, top_n)
    n_terms = a.shape[1]
    ia = np.zeros((len(ta), n_terms))
    ib = np.zeros((len(tb), n_terms))
    np.put_along_axis(ia, ta, 1.0, axis=1)
    np.put_along_axis(ib, tb, 1.0, axis=1)
    inter = ia @ ib.T
    union = ta.shape[1] + tb.shape[1] - inter
    return inter / union


def match_topics(reference: np.ndarray, other: np.ndarray, *, metric: str = "jaccard",
                 top_n: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Pair each reference topic with one topic of another run (Hungarian assignment).

    Parameters
    ----------
    reference, other : ndarray of shape (n_topics, n_terms)
        Topic-word weights of two runs with the same number of topics.

    Returns
    -------
    match : ndarray of int of shape (n_topics,)
        ``other`` topic matched to each reference topic.
    similarity : ndarray of shape (n_topics,)
        Similarity of each matched pair; the assignment maximises its sum.
    """
    sim = topic_similarity(reference, other, metric=metric, top_n=top_n)
    rows, cols = linear_sum_assignment(sim, maximize=True)
    match = np.empty(len(reference), dtype=int)
    match[rows] = cols
    return match, sim[rows, cols][np.argsort(rows)]


def relevance(components: np.ndarray, term_frequency: np.ndarray, *,
              relevance_lambda: float) -> np.ndarray:
    """Term relevance per topic (Sievert & Shirley 2014).

    ``relevance = λ log p(w | t) + (1 - λ) log(p(w | t) / p(w))``: λ = 1 ranks terms by their
    probability in the topic, λ = 0 by lift (how much more likely in the topic than overall).
    Sievert & Shirley found λ ≈ 0.6 best for interpretation.

    Parameters
    ----------
    components : ndarray of shape (n_topics, n_terms)
        Topic-word weights (normalised per topic here).
    term_frequency : ndarray of shape (n_terms,)
        Corpus counts (or shares) of each term.
    relevance_lambda : float
        λ in [0, 1].

    Returns
    -------
    ndarray of shape (n_topics, n_terms)
    """
    if not 0.0 <= float(relevance_lambda) <= 1.0:
        raise ParameterError(f"relevance_lambda={relevance_lambda}: use a value in [0, 1] "
                             "(1 ranks by probability in the topic, 0 by lift; 0.6 is usual)")
    phi = components / components.sum(axis=1, keepdims=True)
    p_w = np.asarray(term_frequency, dtype=float)
    p_w = p_w / p_w.sum()
    with np.errstate(divide="ignore"):
        log_phi = np.log(phi)
        return relevance_lambda * log_phi + (1 - relevance_lambda) * (log_phi - np.log(p_w))


# --- choosing k ----------------------------------------------------------------------------

def summarize_k_selection(k_selection: pd.DataFrame) -> pd.DataFrame:
    """Per-k mean and standard error over seeds of NPMI and held-out perplexity.

    Returns
    -------
    DataFrame
        Columns ``k``, ``npmi_mean``, ``npmi_se``, ``perplexity_mean``, ``perplexity_se``,
        ``n_seeds``; one row per k, ascending.
    """
    missing = [c for c in K_SELECTION_COLUMNS if c not in k_selection.columns]
    if missing:
        raise ColumnError(f"k_selection lacks column(s) {', '.join(missing)}; columns found: "
                          + ", ".join(map(str, k_selection.columns)))
    g = k_selection.groupby("k")
    n = g.size()

    def se(col: str) -> pd.Series:
        return (g[col].std(ddof=1) / np.sqrt(n)).fillna(0.0)

    return pd.DataFrame({"npmi_mean": g["npmi"].mean(), "npmi_se": se("npmi"),
                         "perplexity_mean": g["perplexity"].mean(),
                         "perplexity_se": se("perplexity"), "n_seeds": n}).reset_index()


def choose_k(k_selection: pd.DataFrame, *, tolerance: float = 0.01) -> int:
    """The k chosen by ``n_topics="auto"``.

    Rule: take the k with the highest mean NPMI over seeds. Every k whose mean NPMI is within
    one standard error (over seeds) of that best mean, or within ``tolerance`` if that is
    larger, is as coherent as the data can tell; among those the k with the lowest mean
    held-out perplexity is chosen (the smaller k on ties).
    """
    if tolerance < 0:
        raise ParameterError(f"npmi_tolerance={tolerance}: use a value >= 0, e.g. 0.01")
    s = summarize_k_selection(k_selection)
    best = s.iloc[int(np.argmax(s["npmi_mean"].to_numpy()))]
    close = s[s["npmi_mean"] >= best["npmi_mean"] - max(best["npmi_se"], tolerance)]
    return int(close.sort_values(["perplexity_mean", "k"]).iloc[0]["k"])
