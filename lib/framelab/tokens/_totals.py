"""Corpus-wide term and bigram totals that add up across partitions.

The overview notebook lists the most frequent terms and the strongest collocations of the
whole corpus. Both need only totals: how often each term occurs and in how many texts, how
often each word and each pair of adjacent words occurs. :class:`TextTotals` holds them for
some texts, and the totals of two sets of texts add up (``+=``), so a corpus is counted
partition by partition and the result equals counting every text at once. Term and word
totals take memory that follows the vocabulary; bigram totals, whose number grows with the
corpus, are :class:`framelab.tokens.BigramCounts` (integer keys, moved to disk above a
size), so they do not take memory that follows the corpus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import ParameterError
from ._analyzer import Analyzer
from ._bigrams import BigramCounts
from ._matrix import DTM, _scan, count_terms

__all__ = ["MEASURES", "TextTotals"]

#: Association measures :meth:`TextTotals.collocations` ranks by.
MEASURES = ("likelihood_ratio", "pmi")
#: NLTK's guard against log(0) in the likelihood ratio (``nltk.metrics.association``).
_SMALL = 1e-20


@dataclass
class TextTotals:
    """Term, word and bigram totals of a set of texts (sentences, usually).

    Attributes
    ----------
    n_texts : int
    terms, term_texts : Counter
        Occurrences of each term of :func:`framelab.tokens.count_terms` (stop words removed,
        multiword names whole), and the number of texts using it.
    words : Counter
        Occurrences of each token of :meth:`framelab.tokens.Analyzer.words`.
    bigrams : BigramCounts
        Occurrences of each pair of adjacent tokens within a text (a bigram never spans two
        texts); :meth:`BigramCounts.to_counter` gives them as a Counter.
    """

    n_texts: int = 0
    terms: Counter[str] = field(default_factory=Counter)
    term_texts: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    bigrams: BigramCounts = field(default_factory=BigramCounts)

    @classmethod
    def of(cls, texts: Iterable[str], *, analyzer: Analyzer | None = None) -> TextTotals:
        """Count ``texts``."""
        texts = list(texts)
        if analyzer is None or analyzer == Analyzer():
            return cls.counted(texts)[0]
        out = cls(n_texts=len(texts))
        if not texts:
            return out
        out._add_terms(count_terms(texts))
        bigrams: Counter[tuple[str, str]] = Counter()
        for text in texts:
            words = analyzer.words(text)
            out.words.update(words)
            bigrams.update(zip(words, words[1:]))
        out.bigrams = BigramCounts.from_counter(bigrams)
        return out

    @classmethod
    def counted(cls, texts: Iterable[str]) -> tuple[TextTotals, np.ndarray]:
        """The totals of ``texts`` (default analyzer) and the number of word tokens of each
        text (``len(Analyzer().words(text))``), from one scan of the texts.

        The words of the default analyzer are the terms :func:`framelab.tokens.count_terms`
        counts, so the scan that counts the terms also gives the word totals, the texts'
        lengths and, from the tokens adjacent within a text, the bigram totals.
        """
        texts = list(texts)
        out = cls(n_texts=len(texts))
        if not texts:
            return out, np.zeros(0, dtype=np.int64)
        analyzer = Analyzer()
        scan = _scan(analyzer, texts, offsets=False)
        if scan is None:  # a text holds the joint of the scan: one text at a time
            out._add_terms(count_terms(texts))
            lengths = np.zeros(len(texts), dtype=np.int64)
            bigrams: Counter[tuple[str, str]] = Counter()
            for i, text in enumerate(texts):
                words = analyzer.words(text)
                lengths[i] = len(words)
                out.words.update(words)
                bigrams.update(zip(words, words[1:]))
            out.bigrams = BigramCounts.from_counter(bigrams)
            return out, lengths
        rows, codes = scan.rows, scan.codes.astype(np.int64)
        terms = np.asarray(scan.vocabulary, dtype=object).tolist()
        n_terms = len(terms)
        totals = np.bincount(codes, minlength=n_terms)
        present = sparse.csr_matrix((np.ones(len(codes), dtype=np.int64), (rows, codes)),
                                    shape=(len(texts), n_terms))
        present.sum_duplicates()  # the texts using each term, as count_terms' matrix has them
        in_texts = np.bincount(present.indices, minlength=n_terms)
        out.terms.update(dict(zip(terms, totals.tolist())))
        out.term_texts.update(dict(zip(terms, in_texts.tolist())))
        out.words.update(dict(zip(terms, totals.tolist())))
        adjacent = rows[1:] == rows[:-1]  # a bigram never spans two texts
        pairs, counts = np.unique(codes[:-1][adjacent] * n_terms + codes[1:][adjacent],
                                  return_counts=True)
        out.bigrams = BigramCounts.from_codes(terms, pairs // n_terms, pairs % n_terms, counts)
        return out, np.bincount(rows, minlength=len(texts)).astype(np.int64)

    def _add_terms(self, counted: DTM) -> None:
        vocabulary = counted.vocabulary.astype(str).tolist()
        totals = np.asarray(counted.X.sum(axis=0)).ravel().tolist()
        in_texts = np.bincount(counted.X.indices, minlength=len(vocabulary)).tolist()
        self.terms.update(dict(zip(vocabulary, totals)))
        self.term_texts.update(dict(zip(vocabulary, in_texts)))

    def __iadd__(self, other: TextTotals) -> TextTotals:
        self.n_texts += other.n_texts
        self.terms.update(other.terms)
        self.term_texts.update(other.term_texts)
        self.words.update(other.words)
        self.bigrams += other.bigrams
        return self

    def top_terms(self, *, n: int = 30, min_df: int | float = 1) -> pd.DataFrame:
        """The ``n`` most frequent terms: columns ``term``, ``count``, ``doc_freq`` (texts
        using the term), most frequent first, ties alphabetically. ``min_df`` leaves out
        terms used in fewer texts (an int: texts; a float: a share of the texts)."""
        low = min_df if isinstance(min_df, (int, np.integer)) else min_df * self.n_texts
        vocabulary = sorted(t for t, k in self.term_texts.items() if k >= low)
        if not vocabulary:
            raise ParameterError(
                f"min_df={min_df} keeps no term: {len(self.terms)} distinct terms in "
                f"{self.n_texts} texts. Lower min_df or add documents")
        frame = pd.DataFrame({
            "term": vocabulary,
            "count": np.array([self.terms[t] for t in vocabulary], dtype=np.int64),
            "doc_freq": np.array([self.term_texts[t] for t in vocabulary], dtype=np.int64)})
        return (frame.sort_values(["count", "term"], ascending=[False, True])
                .head(n).reset_index(drop=True))

    def collocations(self, *, min_count: int = 3, top: int = 30,
                     measure: str = "likelihood_ratio") -> pd.DataFrame:
        """Bigram collocations scored with NLTK's association measures: columns ``bigram``,
        ``count``, ``pmi``, ``likelihood_ratio``, ranked by ``measure``; bigrams seen fewer
        than ``min_count`` times are left out."""
        from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder
        from nltk.probability import FreqDist

        if measure not in MEASURES:
            raise ParameterError(f"measure={measure!r}; use 'likelihood_ratio' or 'pmi'")
        word_fd = FreqDist(self.words)
        frequent = FreqDist(self._candidates(min_count, top, measure, word_fd.N()))
        finder = BigramCollocationFinder(word_fd, frequent)
        measures = {"pmi": BigramAssocMeasures.pmi,
                    "likelihood_ratio": BigramAssocMeasures.likelihood_ratio}
        # every bigram is scored by the ranking measure, the other measure only for the
        # bigrams listed: the same finder's score of each, without scoring the rest twice
        ranked, scores = [], []
        for bg in finder.ngram_fd:
            score = finder.score_ngram(measures[measure], *bg)
            if score is not None:
                ranked.append(bg)
                scores.append(score)
        if not ranked:
            return pd.DataFrame([], columns=["bigram", "count", "pmi", "likelihood_ratio"])
        order = pd.DataFrame({"bigram": [" ".join(bg) for bg in ranked], "score": scores}) \
            .sort_values(["score", "bigram"], ascending=[False, True]).head(top)
        rows = []
        for i in order.index.tolist():
            bg = ranked[i]
            found = {name: scores[i] if name == measure else finder.score_ngram(fn, *bg)
                     for name, fn in measures.items()}
            rows.append((" ".join(bg), int(finder.ngram_fd[bg]), found["pmi"],
                         found["likelihood_ratio"]))
        return pd.DataFrame(rows, columns=["bigram", "count", "pmi", "likelihood_ratio"])

    def _candidates(self, min_count: int, top: int, measure: str,
                    n_all: int) -> dict[tuple[str, str], int]:
        """The bigrams seen ``min_count`` times or more that may rank among the ``top`` by
        ``measure``, with their counts: every one whose score, computed here with numpy a
        bucket at a time, is within a margin of the ``top``-th largest. NLTK then scores
        them exactly (in Python, one bigram at a time: too slow, and a dict of every
        frequent bigram too large, for a corpus of millions of texts). NumPy's logarithms
        may differ from ``math``'s in the last bits, so the margin is 1e-9 of the score:
        any bigram of the exact top then has a score here above the ``top``-th minus the
        margin, and is kept."""
        bigrams = self.bigrams
        word_counts = np.array([self.words[w] for w in bigrams.words], dtype=np.float64)
        keep = max(top, 1)
        keys, counts, scores = np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        for found, totals in bigrams.frequent_keys(min_count):
            keys, counts = np.r_[keys, found], np.r_[counts, totals]
            scores = np.r_[scores, _scores(measure, totals.astype(np.float64),
                                           word_counts[found >> 32],
                                           word_counts[found & 0xFFFFFFFF], float(n_all))]
            if len(scores) > keep:
                kth = np.partition(scores, len(scores) - keep)[len(scores) - keep]
                near = scores >= kth - 1e-9 * max(1.0, abs(kth))
                keys, counts, scores = keys[near], counts[near], scores[near]
        return dict(zip(bigrams.pairs_of(keys), counts.tolist()))


def _scores(measure: str, n_ii: np.ndarray, n_ix: np.ndarray, n_xi: np.ndarray,
            n_xx: float) -> np.ndarray:
    """NLTK's bigram ``pmi`` or ``likelihood_ratio`` (``BigramAssocMeasures``), vectorised:
    the same formulas, up to the last bits of the logarithms."""
    if measure == "pmi":
        return np.log2(n_ii * n_xx) - np.log2(n_ix * n_xi)
    n_oi, n_io = n_xi - n_ii, n_ix - n_ii
    cont = (n_ii, n_oi, n_io, n_xx - n_ii - n_oi - n_io)
    total = np.zeros_like(n_ii)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(4):
            expected = (cont[i] + cont[i ^ 1]) * (cont[i] + cont[i ^ 2]) / n_xx
            total += cont[i] * np.log(cont[i] / (expected + _SMALL) + _SMALL)
    return 2 * total
