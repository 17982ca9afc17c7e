"""Corpus-wide term and bigram totals that add up across partitions.

The overview notebook lists the most frequent terms and the strongest collocations of the
whole corpus. Both need only totals: how often each term occurs and in how many texts, how
often each word and each pair of adjacent words occurs. :class:`TextTotals` holds them for
some texts, and the totals of two sets of texts add up (``+=``), so a corpus is counted
partition by partition and the result equals counting every text at once: the memory it
takes follows the vocabulary, not the corpus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ._analyzer import Analyzer
from ._matrix import count_terms

__all__ = ["MEASURES", "TextTotals"]

#: Association measures :meth:`TextTotals.collocations` ranks by.
MEASURES = ("likelihood_ratio", "pmi")


@dataclass
class TextTotals:
    """Term, word and bigram totals of a set of texts (sentences, usually).

    Attributes
    ----------
    n_texts : int
    terms, term_texts : Counter
        Occurrences of each term of :func:`framelab.tokens.count_terms` (stop words removed,
        multiword names whole), and the number of texts using it.
    words, bigrams : Counter
        Occurrences of each token of :meth:`framelab.tokens.Analyzer.words`, and of each pair
        of adjacent tokens within a text (a bigram never spans two texts).
    """

    n_texts: int = 0
    terms: Counter[str] = field(default_factory=Counter)
    term_texts: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    bigrams: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def of(cls, texts: Iterable[str], *, analyzer: Analyzer | None = None) -> TextTotals:
        """Count ``texts``."""
        texts = list(texts)
        out = cls(n_texts=len(texts))
        if not texts:
            return out
        counted = count_terms(texts)
        vocabulary = counted.vocabulary.astype(str).tolist()
        totals = np.asarray(counted.X.sum(axis=0)).ravel().tolist()
        in_texts = np.bincount(counted.X.indices, minlength=len(vocabulary)).tolist()
        out.terms.update(dict(zip(vocabulary, totals)))
        out.term_texts.update(dict(zip(vocabulary, in_texts)))
        analyzer = analyzer or Analyzer()
        for text in texts:
            words = analyzer.words(text)
            out.words.update(words)
            out.bigrams.update(zip(words, words[1:]))
        return out

    def __iadd__(self, other: TextTotals) -> TextTotals:
        self.n_texts += other.n_texts
        self.terms.update(other.terms)
        self.term_texts.update(other.term_texts)
        self.words.update(other.words)
        self.bigrams.update(other.bigrams)
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
        frequent = FreqDist({bg: k for bg, k in self.bigrams.items() if k >= min_count})
        finder = BigramCollocationFinder(FreqDist(self.words), frequent)
        pmi = dict(finder.score_ngrams(BigramAssocMeasures.pmi))
        llr = dict(finder.score_ngrams(BigramAssocMeasures.likelihood_ratio))
        rows = [(" ".join(bg), int(finder.ngram_fd[bg]), pmi[bg], llr[bg]) for bg in pmi]
        frame = pd.DataFrame(rows, columns=["bigram", "count", "pmi", "likelihood_ratio"])
        return (frame.sort_values([measure, "bigram"], ascending=[False, True])
                .head(top).reset_index(drop=True))
