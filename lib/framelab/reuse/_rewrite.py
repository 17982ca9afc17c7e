"""The rewrite layer of the reuse analysis: content words, candidate pairs, ordered alignment.

A rewrite keeps the facts and their order and changes the wording, so the shingle layer
(:mod:`framelab.minhash`, five identical words in a row) misses it. This layer compares
sentences by their *content words* and keeps the narrative order (``docs/reuse.md``):

1. :class:`ContentAnalyzer` -- content words of a sentence: :class:`framelab.tokens.Analyzer`
   tokens without stop words, single words stemmed with NLTK's Snowball stemmer (rule based,
   no data files; WordNet's data is not bundled, so there is no lemmatiser), multiword names
   ("hayat tahrir al-sham", the codebook's aliases) kept whole, and each alias of a
   codebook actor followed by its actor's token (``@hts`` after "HTS" and after "Hayat
   Tahrir al-Sham"; :func:`actor_aliases`).
2. :func:`fit_space` -- TF-IDF (sublinear tf, smoothed idf, l2 rows) fitted on the corpus's
   sentences; :func:`null_threshold` -- the cosine that random sentence pairs of different
   documents rarely reach (the stated rule for the sentence threshold).
3. :func:`similar_sentences` (module ``_search``) -- sentence pairs of two documents with
   cosine >= the threshold, found by *prefix filtering* (Bayardo, Ma & Srikant 2007,
   "Scaling up all pairs similarity search"): a sentence is indexed under its rarest words
   only, so two sentences with cosine >= threshold always share an indexed word; pairs are
   never enumerated beyond the shared postings. Each sentence keeps its best match in each
   of its ``neighbours`` closest documents (a bounded nearest-neighbour graph).
   :func:`content_candidates` turns them into candidate document pairs.
4. :func:`align_rewrites` -- inside each candidate pair, a Smith-Waterman local alignment of
   the two sentence sequences (in the spirit of Passim and BLAST text-reuse detection): a
   sentence pair scores ``cosine - threshold``, a skipped sentence costs ``gap``, and the best
   scoring chain *in the same order in both documents* is the rewrite. Topic overlap gives
   scattered similar sentences; a rewrite gives a long ordered chain.
"""

from __future__ import annotations

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

from ..corpus import check_sentence_texts, release_memory, sentence_texts
from ..errors import ParameterError, check_columns
from ..tokens import DEFAULT_MWES, STOP_WORDS, Analyzer, forgets
from ._alignment import _check_unit, _empty, _rows_in
from ._nearest import document_counts, document_vectors, nearest_documents, pair_sentences
from ._search import _check_neighbours, _first_of_groups, similar_sentences

__all__ = [
    "CONTENT_CANDIDATE_COLUMNS",
    "ContentAnalyzer",
    "RewriteLayer",
    "actor_aliases",
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

    from ..codebook import Codebook

_SENT = ("doc_id", "sentence_id", "start", "end")


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
    aliases : tuple of (str, str)
        Token -> a token added after it (:func:`actor_aliases`: one token per actor).
    """

    mwes: tuple[str, ...] = DEFAULT_MWES
    aliases: tuple[tuple[str, str], ...] = ()
    _analyzer: Analyzer = field(init=False, repr=False, compare=False)
    _memo: dict = field(init=False, repr=False, compare=False)
    _actor: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_analyzer", Analyzer(mwes=self.mwes, stop_words=STOP_WORDS))
        object.__setattr__(self, "_memo", {})
        forgets(self)  # release_memory empties the memo
        object.__setattr__(self, "_actor", dict(self.aliases))

    def __getstate__(self) -> dict:
        return {"mwes": self.mwes, "aliases": self.aliases}

    def __setstate__(self, state: dict) -> None:
        object.__setattr__(self, "mwes", state["mwes"])
        object.__setattr__(self, "aliases", state.get("aliases", ()))
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
        out = []
        for t in self._analyzer(_NUMBER.sub(_number_token, text)):
            out.append(self.stem(t))
            if t in self._actor:  # the name stays: an actor's aliases include its people
                out.append(self._actor[t])
        return out


def actor_aliases(codebook: Codebook) -> tuple[tuple[str, str], ...]:
    """(alias, ``@actor``) for every alias of every codebook actor, as the analyzer tokenizes
    it (lowercase; a multiword alias is one token when it is among the ``mwes``)."""
    return tuple((str(t.text).lower(), f"@{key}") for key, actor in codebook.actors.items()
                 for t in actor.aliases)


def fit_space(sentences: pd.DataFrame, *, mwes: Sequence[str] = (),
              aliases: Sequence[tuple[str, str]] = (),
              documents: pd.DataFrame | None = None) -> TfidfVectorizer:
    """TF-IDF of content words fitted on a sentence table (each sentence a unit).

    The document frequencies are sums over sentences, so per-partition counts add up to the
    corpus's; a fitted space transforms any partition on its own. A sentence table without
    its texts (:func:`framelab.corpus.without_texts`) reads them from ``documents``.

    Returns
    -------
    TfidfVectorizer
        Fitted (sublinear tf, smoothed idf, l2-normalised rows).
    """
    return _fit(sentences, mwes, aliases, documents)[0]


def _fit(sentences: pd.DataFrame, mwes: Sequence[str], aliases: Sequence[tuple[str, str]] = (),
         documents: pd.DataFrame | None = None) -> tuple[TfidfVectorizer, sparse.csr_matrix]:
    """The fitted space and the vectors of ``sentences`` (each text analysed once; the
    ``text_norm`` of ``documents`` at the sentences' offsets when they have none)."""
    check_sentence_texts(sentences, documents, ("text_norm",))
    analyzer = ContentAnalyzer(mwes=tuple(dict.fromkeys((*DEFAULT_MWES, *mwes))),
                               aliases=tuple(aliases))
    space = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, dtype=np.float64)
    # the texts one at a time (a list of every sentence's text is a second copy of them)
    texts = sentence_texts(sentences, documents, "text_norm")
    try:
        X = space.fit_transform(texts).tocsr()
    except ValueError:  # sklearn: empty vocabulary
        X = None
    if X is None or X.nnz == 0:
        raise ParameterError(f"the {len(sentences)} sentence(s) have no content word; the "
                             "rewrite layer needs text beyond stop words")
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
    sa, sb = similar["sa"].to_numpy(np.int64), similar["sb"].to_numpy(np.int64)
    da, db = doc_of[sa], doc_of[sb]
    swap = da > db
    a, b = np.where(swap, db, da), np.where(swap, da, db)
    sa, sb = np.where(swap, sb, sa), np.where(swap, sa, sb)
    del da, db, swap
    # per document pair (sorted by a, then b): distinct sentences of each side, best cosine;
    # sorts instead of a hash group-by (its tables held several copies of the 5 million
    # sentence pairs of a 100,000-article corpus)
    key = a * (int(doc_of.max(initial=0)) + 1) + b
    cosine = similar["cosine"].to_numpy(float)
    na, first, order = _distinct_per_key(key, sa)
    nb, _, _ = _distinct_per_key(key, sb)
    max_cosine = np.maximum.reduceat(cosine[order], first)  # any order within a key serves
    lead = order[first]
    n_similar = np.minimum(na, nb)
    keep = n_similar >= min_similar
    ids = np.asarray(doc_ids, dtype=object)
    return pd.DataFrame({"doc_a": ids[a[lead][keep]], "doc_b": ids[b[lead][keep]],
                         "n_similar": n_similar[keep].astype(np.int64),
                         "max_cosine": max_cosine[keep].astype(float)})


def _distinct_per_key(key: np.ndarray, value: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct ``value``s of each distinct ``key`` (keys ascending), where each key's run
    starts in the sorted rows, and the order that sorts them (by key, then value)."""
    order = np.lexsort((value, key))
    k, v = key[order], value[order]
    starts = np.flatnonzero(_first_of_groups(k))
    return np.add.reduceat(_first_of_groups(k, v).astype(np.int64), starts), starts, order


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
    aliases: Sequence[tuple[str, str]] = (),
    seed: int = 0,
    pairs: pd.DataFrame | None = None,
) -> RewriteLayer:
    """Fit the content space on ``sentences`` and find candidate document pairs.

    Parameters
    ----------
    documents, sentences : DataFrame
        The corpus's tables; ``sentences`` with or without its texts
        (:func:`framelab.corpus.without_texts`: then read from ``documents``).
    threshold : float
        Sentence cosine; 0 means :func:`null_threshold` at ``quantile``.
    min_similar : int
        Similar sentences (on the side with fewer) that make a pair a candidate.
    neighbours : int
        Documents compared with each document: its ``neighbours`` nearest documents by
        content-word cosine (module ``_nearest``: TF-IDF document vectors without the words
        of more than :func:`df_cap` documents); a pair is compared when either document
        ranks it that high, and every sentence pair of a compared pair with cosine >= the
        threshold is found. 0 compares every sentence with every other (prefix filtering,
        :func:`similar_sentences`; quadratic on one-topic corpora).
    max_postings : int
        Passed to :func:`similar_sentences` (``neighbours=0`` only).
    pairs : DataFrame, optional
        More document pairs (``doc_a``, ``doc_b``, e.g. the shingle layer's candidates)
        whose sentences are compared too, so their ordered chains can be built.
    mwes : sequence of str
        Extra multiword expressions (a codebook's ``mwes``).
    aliases : sequence of (str, str)
        Tokens replaced by one token per actor (:func:`actor_aliases` of the codebook).

    Returns
    -------
    RewriteLayer
        ``candidates`` (:data:`CONTENT_CANDIDATE_COLUMNS`), the sentence pairs, the fitted
        space (None when there is nothing to compare) and the threshold used.
    """
    check_columns(documents, ("doc_id",), "documents")
    check_columns(sentences, _SENT, "sentences")
    check_sentence_texts(sentences, documents)
    _check_unit("threshold", threshold)
    _check_neighbours(neighbours)
    if min_similar < 1:
        raise ParameterError(f"min_similar={min_similar}: a candidate needs at least 1 "
                             "similar sentence")
    ids = documents["doc_id"].astype(str).tolist()
    index = {d: k for k, d in enumerate(ids)}
    sent = _rows_in(sentences, "doc_id", index).reset_index(drop=True)
    empty = pd.DataFrame({"sa": [], "sb": [], "cosine": []})
    if len(ids) < 2 or sent.empty:
        return RewriteLayer(_empty(CONTENT_CANDIDATE_COLUMNS), empty, None, threshold)
    try:
        space, X = _fit(sent, mwes, aliases, documents)
    except ParameterError:
        log.info("rewrite layer skipped: no content words")
        return RewriteLayer(_empty(CONTENT_CANDIDATE_COLUMNS), empty, None, threshold)
    doc_of = sent["doc_id"].map(index).to_numpy(np.int64)
    if threshold == 0:
        threshold = null_threshold(X, doc_of, quantile=quantile, seed=seed)
        log.info("rewrite layer: sentence threshold %.3f (the %g quantile of non-reuse "
                 "cross-document pairs)", threshold, quantile)
    if neighbours:
        similar = _nearest_similar(X, doc_of, len(ids), index, threshold=threshold,
                                   neighbours=neighbours, pairs=pairs)
    else:
        similar = similar_sentences(X, doc_of, threshold=threshold, max_postings=max_postings)
    cands = content_candidates(similar, doc_of, ids, min_similar=min_similar)
    log.info("rewrite layer: %d similar sentence pair(s), %d candidate pair(s)",
             len(similar), len(cands))
    position = (sent["sentence_index"].to_numpy(np.int64) if "sentence_index" in sent
                else sent.groupby("doc_id", sort=False).cumcount().to_numpy(np.int64))
    release_memory()  # the fit's and the search's intermediates
    return RewriteLayer(cands, similar, space, threshold, X, doc_of, tuple(ids), position)


def _nearest_similar(X: sparse.csr_matrix, doc_of: np.ndarray, n_docs: int,
                     index: dict[str, int], *, threshold: float, neighbours: int,
                     pairs: pd.DataFrame | None) -> pd.DataFrame:
    """Similar sentences of each document's ``neighbours`` nearest documents (and of
    ``pairs``): the bounded search of ``docs/reuse.md`` (step 5, scale)."""
    near = nearest_documents(document_vectors(document_counts(X, doc_of, n_docs)), neighbours)
    a, b = near["a"].to_numpy(np.int64), near["b"].to_numpy(np.int64)
    if pairs is not None and len(pairs):
        check_columns(pairs, ("doc_a", "doc_b"), "pairs")
        pa = pairs["doc_a"].astype(str).map(index)
        pb = pairs["doc_b"].astype(str).map(index)
        known = pa.notna().to_numpy() & pb.notna().to_numpy()
        a = np.r_[a, pa.to_numpy()[known].astype(np.int64)]
        b = np.r_[b, pb.to_numpy()[known].astype(np.int64)]
    log.info("rewrite layer: sentences compared in %d nearest document pair(s) "
             "(neighbours=%d) and %d given pair(s)", len(near), neighbours,
             0 if pairs is None else len(pairs))
    return pair_sentences(X, doc_of, a, b, threshold=threshold)
