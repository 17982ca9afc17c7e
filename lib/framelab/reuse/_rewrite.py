"""The rewrite layer of the reuse analysis: content words, candidate pairs, ordered alignment.

A rewrite keeps the facts and their order and changes the wording, so the shingle layer
(:mod:`framelab.minhash`, five identical words in a row) misses it. This layer compares
sentences by their *content words* and keeps the narrative order (``docs/reuse.md``):

1. :class:`ContentAnalyzer` -- content words of a sentence: :class:`framelab.tokens.Analyzer`
   tokens without stop words, single words stemmed with NLTK's Snowball stemmer (rule based,
   no data files; WordNet's data is not bundled, so there is no lemmatiser), multiword names
   ("hayat tahrir al-sham", the codebook's aliases) kept whole.
2. :func:`fit_space` -- TF-IDF (sublinear tf, smoothed idf, l2 rows) fitted on the corpus's
   sentences; :func:`null_threshold` -- the cosine that random sentence pairs of different
   documents rarely reach (the stated rule for the sentence threshold).
3. :func:`similar_sentences` -- every sentence pair of two documents with cosine >= the
   threshold, found by *prefix filtering* (Bayardo, Ma & Srikant 2007, "Scaling up all pairs
   similarity search"): a sentence is indexed under its rarest words only, as many as leave
   less than the threshold of its norm unindexed, so two sentences with cosine >= threshold
   always share an indexed word; pairs are never enumerated beyond the shared postings.
   :func:`content_candidates` turns them into candidate document pairs.
4. :func:`align_rewrites` -- inside each candidate pair, a Smith-Waterman local alignment of
   the two sentence sequences (in the spirit of Passim and BLAST text-reuse detection): a
   sentence pair scores ``cosine - threshold``, a skipped sentence costs ``gap``, and the best
   scoring chain *in the same order in both documents* is the rewrite. Topic overlap gives
   scattered similar sentences; a rewrite gives a long ordered chain.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from ..errors import ParameterError, check_columns
from ..tokens import DEFAULT_MWES, STOP_WORDS, Analyzer
from ._alignment import _check_unit, _empty

__all__ = [
    "CONTENT_CANDIDATE_COLUMNS",
    "ContentAnalyzer",
    "RewriteLayer",
    "content_candidates",
    "find_rewrite_candidates",
    "fit_space",
    "null_threshold",
    "similar_sentences",
]

log = logging.getLogger(__name__)

#: Candidate pairs of the rewrite layer.
CONTENT_CANDIDATE_COLUMNS = ["doc_a", "doc_b", "n_similar", "max_cosine"]

if TYPE_CHECKING:
    from nltk.stem.snowball import SnowballStemmer

_SENT = ("doc_id", "sentence_id", "start", "end", "text", "text_norm")


#: A number as written: "1,000", "3.5", "7", "2011" (thousands separators, a decimal part).
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,]\d)|(?<![\w.,])\d+(?:\.\d+)?(?!\w)")


def _number_token(match: re.Match[str]) -> str:
    """One token per number, the same however it is written ("1,000" and "1000" -> n1000).

    Numbers are anchors of a rewritten fact (troops, casualties, dates); the word tokenizer
    would split "1,000" into "1" (dropped as one character) and "000", and drop "7".
    """
    return " n" + match.group().replace(",", "").replace(".", "_") + " "


@lru_cache(maxsize=1)
def _stemmer() -> SnowballStemmer:
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


@dataclass(frozen=True)
class ContentAnalyzer:
    """Callable turning a text into its content words (stems; multiword names whole).

    Parameters
    ----------
    mwes : tuple of str
        Multiword expressions kept as one token (add a codebook's ``mwes`` to the defaults).
    """

    mwes: tuple[str, ...] = DEFAULT_MWES
    _analyzer: Analyzer = field(init=False, repr=False, compare=False)
    _memo: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_analyzer", Analyzer(mwes=self.mwes, stop_words=STOP_WORDS))
        object.__setattr__(self, "_memo", {})

    def __getstate__(self) -> dict:
        return {"mwes": self.mwes}

    def __setstate__(self, state: dict) -> None:
        object.__setattr__(self, "mwes", state["mwes"])
        self.__post_init__()

    def stem(self, token: str) -> str:
        """Snowball stem of a single word; multiword names and numbers stay as they are."""
        if " " in token or not token.isalpha():
            return token
        stem = self._memo.get(token)
        if stem is None:
            stem = self._memo[token] = _stemmer().stem(token)
        return stem

    def __call__(self, text: str) -> list[str]:
        return [self.stem(t) for t in self._analyzer(_NUMBER.sub(_number_token, text))]


def fit_space(sentences: pd.DataFrame, *, mwes: Sequence[str] = ()) -> TfidfVectorizer:
    """TF-IDF of content words fitted on a sentence table (each sentence a unit).

    The document frequencies are sums over sentences, so per-partition counts add up to the
    corpus's; a fitted space transforms any partition on its own.

    Returns
    -------
    TfidfVectorizer
        Fitted (sublinear tf, smoothed idf, l2-normalised rows).
    """
    return _fit(sentences, mwes)[0]


def _fit(sentences: pd.DataFrame, mwes: Sequence[str]
         ) -> tuple[TfidfVectorizer, sparse.csr_matrix]:
    """The fitted space and the vectors of ``sentences`` (each text analysed once)."""
    check_columns(sentences, ("text_norm",), "sentences")
    analyzer = ContentAnalyzer(mwes=tuple(dict.fromkeys((*DEFAULT_MWES, *mwes))))
    space = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, dtype=np.float64)
    texts = sentences["text_norm"].tolist()
    try:
        X = space.fit_transform(texts).tocsr()
    except ValueError:  # sklearn: empty vocabulary
        X = None
    if X is None or X.nnz == 0:
        raise ParameterError(f"the {len(texts)} sentence(s) have no content word; the rewrite "
                             "layer needs text beyond stop words")
    return space, X


def null_threshold(X: sparse.csr_matrix, doc_of: np.ndarray, *, quantile: float = 0.99,
                   floor: float = 0.2, n_pairs: int = 20000, exact_max: int = 3000,
                   seed: int = 0) -> float:
    """The ``quantile`` of cosine over sentence pairs of different documents that are not reuse.

    A reused sentence has one counterpart in the other document: its best match there. The
    null is every other cross-document pair, so a threshold at its 99th percentile lets
    through about one unrelated pair in a hundred, whatever the corpus's vocabulary and
    sentence length. Up to ``exact_max`` sentences every pair is used, without each
    sentence's best match in each other document; above, ``n_pairs`` random pairs (where
    reuse is a negligible share of all pairs). ``floor`` keeps the threshold meaningful when
    unrelated sentences share almost nothing.

    Parameters
    ----------
    X : sparse matrix of shape (n_sentences, n_terms)
        L2-normalised sentence vectors.
    doc_of : array of shape (n_sentences,)
        Document of each sentence.

    Returns
    -------
    float
    """
    _check_unit("quantile", quantile)
    n = X.shape[0]
    if n < 2:
        return floor
    if n <= exact_max:
        sim = (X @ X.T).toarray()
        null = sim.copy()
        null[doc_of[:, None] == doc_of[None, :]] = np.nan
        for d in np.unique(doc_of):  # drop each sentence's best match in document d
            cols = np.flatnonzero(doc_of == d)
            block = null[:, cols]
            rows = np.flatnonzero(~np.isnan(block).all(axis=1))
            if len(rows):
                best = np.nanargmax(block[rows], axis=1)
                null[rows, cols[best]] = np.nan
                null[cols[best], rows] = np.nan
        values = null[np.triu_indices(n, 1)]
        values = values[~np.isnan(values)]
    else:
        rng = np.random.default_rng(seed)
        a, b = rng.integers(0, n, size=(2, n_pairs))
        keep = doc_of[a] != doc_of[b]
        a, b = a[keep], b[keep]
        values = np.asarray(X[a].multiply(X[b]).sum(axis=1)).ravel()
    if not len(values):
        return floor
    return float(max(floor, np.quantile(values, quantile)))


def similar_sentences(X: sparse.csr_matrix, doc_of: np.ndarray, *, threshold: float,
                      neighbours: int = 0, max_postings: int = 500,
                      chunk_pairs: int = 2_000_000) -> pd.DataFrame:
    """Sentence pairs of different documents with cosine >= ``threshold`` (prefix filtering).

    Words are ranked rarest first (fewest sentences). Each sentence is indexed under its
    rarest words until what the words left out can add to a dot product is below
    ``threshold``: at most their norm, and at most the sum of each one's weight times its
    largest weight in any sentence (Bayardo et al.'s bound, which stops the index before
    the common words). If two unit vectors have cosine >= threshold, the indexed words of
    either meet the other's words. Postings longer than
    ``max_postings`` sentences (a word in very many sentences, hence of low IDF weight) are
    skipped, with a log message; only then can a pair be missed. The pairs to check come
    from a sparse product (each sentence's indexed words times every sentence's vector),
    which also bounds their cosine: pairs whose bound is below ``threshold`` are dropped
    before the exact cosine. Rows go in blocks of about ``chunk_pairs`` pairs, so memory
    stays bounded.

    With ``neighbours`` > 0 the search is bounded (a nearest-neighbour graph): each sentence
    keeps its best match in each of the ``neighbours`` other documents where its best match
    is closest (ties: the earlier sentence), and a pair is kept when either sentence keeps
    it. The table then has at most ``neighbours`` pairs per sentence, whatever the corpus's
    size; pairs that cannot be among a sentence's kept matches (their upper bound is below
    the ``neighbours``-th best lower bound of the row) are dropped before their exact cosine.
    0 keeps every pair above ``threshold``.

    Returns
    -------
    DataFrame
        Columns ``sa``, ``sb`` (row numbers of ``X``, ``sa < sb``), ``cosine``.
    """
    _check_neighbours(neighbours)
    X = sparse.csr_matrix(X)
    X.sort_indices()
    df = np.bincount(X.indices, minlength=X.shape[1])
    rank = np.argsort(np.argsort(df, kind="stable"), kind="stable")  # 0 = rarest
    row = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    # each row's words rarest first (ties by column, as a stable sort of the row would)
    order = np.lexsort((rank[X.indices], row))
    f, w2, row = X.indices[order], X.data[order] ** 2, row[order]
    total = np.bincount(row, weights=w2, minlength=X.shape[0])
    before = np.cumsum(w2) - w2                      # squared norm of the words before k ...
    start = X.indptr[:-1]
    before -= (np.cumsum(w2) - w2)[start[row]] if len(row) else 0.0   # ... in the same row
    norm_left = np.sqrt(np.maximum(total[row] - before, 0.0))  # norm from word k on
    # what words k... can add to a dot product with any sentence: each at most its weight
    # here times its largest weight in any sentence (AllPairs' bound; common words weigh
    # little everywhere, so the index stops before them)
    top = np.asarray(X.max(axis=0).todense()).ravel()
    gain = np.sqrt(w2) * top[f]
    gain_total = np.bincount(row, weights=gain, minlength=X.shape[0])
    gain_before = np.cumsum(gain) - gain
    gain_before -= gain_before[start[row]] if len(row) else 0.0
    left = np.minimum(norm_left, np.maximum(gain_total[row] - gain_before, 0.0))
    # indexed: the first words, until what the rest can add is below threshold (at least one)
    indexed = (left >= threshold) | (np.arange(len(row)) == start[row])
    if not indexed.any():
        return pd.DataFrame({"sa": [], "sb": [], "cosine": []})
    feats, rows, weights = f[indexed], row[indexed], np.sqrt(w2[indexed])
    # what the words left out of each row's index can add (0 when every word is indexed)
    rest = np.zeros(X.shape[0])
    tail = ~indexed
    first_tail = tail & ~np.r_[False, tail[:-1] & (row[1:] == row[:-1])] if len(row) else tail
    rest[row[first_tail]] = left[first_tail]
    sentences_with = np.bincount(X.indices, minlength=X.shape[1])
    skipped = int(np.count_nonzero(sentences_with[np.unique(feats)] > max_postings))
    if skipped:
        log.info("prefix filter: %d word(s) in more than max_postings=%d sentences skipped",
                 skipped, max_postings)
    use = sentences_with[feats] <= max_postings
    # words of the index in more than max_postings sentences are left out too: they count
    # in the bounds of what the words left out can add
    dropped = np.zeros(len(row), dtype=bool)
    dropped[np.flatnonzero(indexed)[~use]] = True
    if dropped.any():
        np.add.at(rest, row[dropped], gain[dropped])
    # a second bound on the words left out (Cauchy-Schwarz): their dot product with any
    # sentence j is at most their norm times the norm of j's words at least as common as
    # the first word left out (every word left out is). j's norms from a few rank levels
    # on are tabulated; a sentence uses the level at or below its first word left out
    norm = np.zeros(X.shape[0])
    cut = np.full(X.shape[0], X.shape[1])
    norm[row[first_tail]] = norm_left[first_tail] ** 2
    cut[row[first_tail]] = rank[f[first_tail]]
    if dropped.any():
        np.add.at(norm, row[dropped], w2[dropped])
        np.minimum.at(cut, row[dropped], rank[f[dropped]])
    cuts = cut[cut < X.shape[1]]
    levels = np.unique(np.quantile(cuts, np.linspace(0, 1, 32)).astype(np.int64)) \
        if len(cuts) else np.zeros(1, dtype=np.int64)
    suffix = np.column_stack([np.sqrt(np.bincount(row, weights=w2 * (rank[f] >= r),
                                                  minlength=X.shape[0])) for r in levels])
    level = np.maximum(np.searchsorted(levels, cut, side="right") - 1, 0)
    tails = _Tails(rest=rest, norm=np.sqrt(norm) * (cut < X.shape[1]) + 0.0,
                   level=level, suffix=suffix)
    tails.norm[cut >= X.shape[1]] = 0.0
    n = X.shape[0]
    # W: each sentence's indexed words with their weights. W X^T pairs every sentence with
    # every sentence holding one of its indexed words (a sparse product: no enumeration
    # beyond those postings) and gives the part of their dot product over the indexed words;
    # the rest is bounded (above), so pairs below threshold by more are dropped before the
    # exact cosine. Rows in blocks of about chunk_pairs pairs.
    W = sparse.csr_matrix((weights[use], (rows[use], feats[use])), shape=X.shape)
    XT = X.T.tocsr()
    per_row = (W != 0).astype(float) @ sentences_with.astype(float)
    step = max(1, chunk_pairs)
    ends = np.searchsorted(np.cumsum(per_row), np.arange(1, int(per_row.sum() // step) + 2)
                           * step)
    bounds = np.unique(np.r_[0, np.minimum(ends, n), n])
    found = [_block_pairs(X, W[lo:hi] @ XT, lo, doc_of, tails, threshold, neighbours)
             for lo, hi in itertools.pairwise(bounds.tolist())]
    if not found:
        return pd.DataFrame({"sa": [], "sb": [], "cosine": []})
    sa = np.concatenate([p[0] for p in found])
    sb = np.concatenate([p[1] for p in found])
    cos = np.concatenate([p[2] for p in found])
    if neighbours:  # a pair kept by both of its sentences once (the smaller row's value)
        own = sa < sb
        sa, sb = np.where(own, sa, sb), np.where(own, sb, sa)
        order = np.lexsort((~own, sb, sa))
        sa, sb, cos = sa[order], sb[order], cos[order]
        first = np.r_[True, (sa[1:] != sa[:-1]) | (sb[1:] != sb[:-1])]
        return pd.DataFrame({"sa": sa[first], "sb": sb[first], "cosine": cos[first]})
    order = np.lexsort((sb, sa))
    return pd.DataFrame({"sa": sa[order], "sb": sb[order], "cosine": cos[order]})


class _Tails(NamedTuple):
    """What the words left out of each sentence's index can add (see similar_sentences)."""

    rest: np.ndarray    # per sentence: bound on their contribution to any dot product
    norm: np.ndarray    # per sentence: their norm
    level: np.ndarray   # per sentence: column of ``suffix`` at or below its first left out
    suffix: np.ndarray  # (sentence, level): norm of its words from the level's rank on

    def bound(self, sa: np.ndarray, sb: np.ndarray) -> np.ndarray:
        """Upper bound of what sa's left-out words add to its dot product with sb."""
        return np.minimum(self.rest[sa], self.norm[sa] * self.suffix[sb, self.level[sa]])


def _check_neighbours(neighbours: int) -> None:
    if isinstance(neighbours, bool) or not isinstance(neighbours, (int, np.integer)) \
            or neighbours < 0:
        raise ParameterError(f"neighbours={neighbours!r}: use a whole number >= 0 (0 keeps "
                             "every sentence pair above the threshold)")


def _ranks(group: np.ndarray) -> np.ndarray:
    """Rank of each row within its run of equal ``group`` values (rows sorted by group)."""
    n = len(group)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if n else np.zeros(0, int)
    return np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))


def _block_pairs(X: sparse.csr_matrix, part: sparse.spmatrix, lo: int, doc_of: np.ndarray,
                 tails: _Tails, threshold: float, neighbours: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of one block of rows (``part`` = their indexed words times every vector).

    ``part`` holds the dot product over each row's indexed words, a lower bound of the
    cosine; adding the tails' bound gives an upper bound. All pairs: rows keep the pairs
    with a later sentence whose bound reaches ``threshold``. With ``neighbours``: each row
    keeps its best match in each of its ``neighbours`` closest other documents.
    """
    part = sparse.csr_matrix(part)
    part.sort_indices()
    part = part.tocoo()
    sa = part.row.astype(np.int64) + lo
    sb = part.col.astype(np.int64)
    low = part.data
    keep = (doc_of[sa] != doc_of[sb]) & (low + tails.rest[sa] >= threshold - 1e-12)
    if not neighbours:
        keep &= sb > sa
    sa, sb, low = sa[keep], sb[keep], low[keep]
    high = low + tails.bound(sa, sb)
    keep = high >= threshold - 1e-12
    sa, sb, low, high = sa[keep], sb[keep], low[keep], high[keep]
    docs = doc_of[sb]
    if neighbours and len(sa):
        # the best lower bound in each other document (entries are sorted by row, then by
        # sentence, so a document's entries are consecutive); the neighbours-th largest of
        # them is a cosine that many documents reach, so a pair whose upper bound is below
        # it cannot be a kept match of its row
        starts = np.flatnonzero(np.r_[True, (sa[1:] != sa[:-1]) | (docs[1:] != docs[:-1])])
        top_low, top_row = np.maximum.reduceat(low, starts), sa[starts]
        by_low = np.lexsort((-top_low, top_row))
        at = by_low[_ranks(top_row[by_low]) == neighbours - 1]
        floor = np.full(X.shape[0], threshold)
        floor[top_row[at]] = np.maximum(top_low[at], threshold)
        keep = high >= floor[sa] - 1e-12
        sa, sb, low, high, docs = sa[keep], sb[keep], low[keep], high[keep], docs[keep]
    cos = low.copy()
    inexact = high > low
    if inexact.any():
        cos[inexact] = _rowdot(X, sa[inexact], sb[inexact])
    ok = cos >= threshold
    sa, sb, cos, docs = sa[ok], sb[ok], cos[ok], docs[ok]
    if neighbours and len(sa):
        order = np.lexsort((sb, -cos, docs, sa))       # best match in each document
        best = order[np.r_[True, (sa[order][1:] != sa[order][:-1])
                           | (docs[order][1:] != docs[order][:-1])]]
        best = best[np.lexsort((sb[best], -cos[best], sa[best]))]  # closest documents first
        best = best[_ranks(sa[best]) < neighbours]
        sa, sb, cos = sa[best], sb[best], cos[best]
    return sa, sb, cos


def _rowdot(X: sparse.csr_matrix, r1: np.ndarray, r2: np.ndarray,
            batch: int = 500_000) -> np.ndarray:
    """Dot products of rows ``r1[k]`` and ``r2[k]`` of ``X``, in batches (bounded memory)."""
    out = np.zeros(len(r1))
    for lo in range(0, len(r1), batch):
        hi = lo + batch
        out[lo:hi] = np.asarray(X[r1[lo:hi]].multiply(X[r2[lo:hi]]).sum(axis=1)).ravel()
    return out


def content_candidates(similar: pd.DataFrame, doc_of: np.ndarray, doc_ids: Sequence[str], *,
                       min_similar: int = 2) -> pd.DataFrame:
    """Document pairs with at least ``min_similar`` similar sentences on each side.

    Parameters
    ----------
    similar : DataFrame
        From :func:`similar_sentences`.
    doc_of : array of shape (n_sentences,)
        Position (in ``doc_ids``) of each sentence's document.
    doc_ids : sequence of str
        Documents in corpus order; ``doc_a`` comes first in it.

    Returns
    -------
    DataFrame
        Columns :data:`CONTENT_CANDIDATE_COLUMNS`; ``n_similar`` counts the distinct
        sentences of the side with fewer.
    """
    if similar.empty:
        return _empty(CONTENT_CANDIDATE_COLUMNS)
    da, db = doc_of[similar["sa"].to_numpy()], doc_of[similar["sb"].to_numpy()]
    sa, sb = similar["sa"].to_numpy(), similar["sb"].to_numpy()
    swap = da > db
    frame = pd.DataFrame({"a": np.where(swap, db, da), "b": np.where(swap, da, db),
                          "sa": np.where(swap, sb, sa), "sb": np.where(swap, sa, sb),
                          "cosine": similar["cosine"].to_numpy()})
    agg = frame.groupby(["a", "b"]).agg(na=("sa", "nunique"), nb=("sb", "nunique"),
                                        max_cosine=("cosine", "max")).reset_index()
    agg["n_similar"] = np.minimum(agg["na"], agg["nb"])
    agg = agg[agg["n_similar"] >= min_similar].sort_values(["a", "b"])
    ids = np.asarray(doc_ids, dtype=object)
    return pd.DataFrame({"doc_a": ids[agg["a"].to_numpy(np.int64)],
                         "doc_b": ids[agg["b"].to_numpy(np.int64)],
                         "n_similar": agg["n_similar"].to_numpy(np.int64),
                         "max_cosine": agg["max_cosine"].to_numpy(float)})


class RewriteLayer(NamedTuple):
    """What :func:`find_rewrite_candidates` found, and the space and threshold it used.

    ``X`` holds the vectors of the sentences of ``doc_ids`` (the sentence table filtered to
    them, in its order; None when there was nothing to compare), ``doc_of`` the position in
    ``doc_ids`` of each row, ``position`` each sentence's place in its document
    (``sentence_index``: rows of a body table skip captions and boilerplate); ``similar``
    indexes rows of ``X``.
    """

    candidates: pd.DataFrame
    similar: pd.DataFrame
    space: TfidfVectorizer | None
    threshold: float
    X: sparse.csr_matrix | None = None
    doc_of: np.ndarray = np.zeros(0, dtype=np.int64)
    doc_ids: tuple[str, ...] = ()
    position: np.ndarray | None = None


def find_rewrite_candidates(
    documents: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    threshold: float = 0.0,
    quantile: float = 0.99,
    min_similar: int = 2,
    neighbours: int = 10,
    max_postings: int = 500,
    mwes: Sequence[str] = (),
    seed: int = 0,
) -> RewriteLayer:
    """Fit the content space on ``sentences`` and find candidate document pairs.

    Parameters
    ----------
    threshold : float
        Sentence cosine; 0 means :func:`null_threshold` at ``quantile``.
    min_similar : int
        Similar sentences (on the side with fewer) that make a pair a candidate.
    neighbours : int
        Each sentence keeps its best match in each of its ``neighbours`` closest other
        documents (:func:`similar_sentences`); 0 keeps every pair above the threshold.
    max_postings : int
        Passed to :func:`similar_sentences`.
    mwes : sequence of str
        Extra multiword expressions (a codebook's ``mwes``).

    Returns
    -------
    RewriteLayer
        ``candidates`` (:data:`CONTENT_CANDIDATE_COLUMNS`), the sentence pairs, the fitted
        space (None when there is nothing to compare) and the threshold used.
    """
    check_columns(documents, ("doc_id",), "documents")
    check_columns(sentences, _SENT, "sentences")
    _check_unit("threshold", threshold)
    _check_neighbours(neighbours)
    if min_similar < 1:
        raise ParameterError(f"min_similar={min_similar}: a candidate needs at least 1 "
                             "similar sentence")
    ids = documents["doc_id"].astype(str).tolist()
    index = {d: k for k, d in enumerate(ids)}
    sent = sentences[sentences["doc_id"].isin(index)].reset_index(drop=True)
    empty = pd.DataFrame({"sa": [], "sb": [], "cosine": []})
    if len(ids) < 2 or sent.empty:
        return RewriteLayer(_empty(CONTENT_CANDIDATE_COLUMNS), empty, None, threshold)
    try:
        space, X = _fit(sent, mwes)
    except ParameterError:
        log.info("rewrite layer skipped: no content words")
        return RewriteLayer(_empty(CONTENT_CANDIDATE_COLUMNS), empty, None, threshold)
    doc_of = sent["doc_id"].map(index).to_numpy(np.int64)
    if threshold == 0:
        threshold = null_threshold(X, doc_of, quantile=quantile, seed=seed)
        log.info("rewrite layer: sentence threshold %.3f (the %g quantile of non-reuse "
                 "cross-document pairs)", threshold, quantile)
    similar = similar_sentences(X, doc_of, threshold=threshold, neighbours=neighbours,
                                max_postings=max_postings)
    cands = content_candidates(similar, doc_of, ids, min_similar=min_similar)
    log.info("rewrite layer: %d similar sentence pair(s), %d candidate pair(s)",
             len(similar), len(cands))
    position = (sent["sentence_index"].to_numpy(np.int64) if "sentence_index" in sent
                else sent.groupby("doc_id", sort=False).cumcount().to_numpy(np.int64))
    return RewriteLayer(cands, similar, space, threshold, X, doc_of, tuple(ids), position)
