"""Tokens with offsets, document-term matrices, KWIC concordances and collocations.

One regular expression does the tokenizing: multiword expressions first (so "Hayat
Tahrir al-Sham" is one token whatever its spacing or hyphens), then dotted acronyms ("U.S."),
then words of two or more characters with inner hyphens ("de-escalation"). Text is lowercased
before matching; offsets always index the string that was passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from .errors import ParameterError

__all__ = [
    "Token",
    "DTM",
    "STOP_WORDS",
    "KEEP_WORDS",
    "DEFAULT_MWES",
    "Analyzer",
    "tokenize",
    "document_term_matrix",
    "kwic",
    "collocations",
]

#: Words scikit-learn calls stop words that carry meaning in news about states and conflict:
#: "us" is also the country once lowercased; negations and "against" carry stance.
KEEP_WORDS = frozenset(
    "us not no nor never none nothing nobody neither without cannot against above below "
    "under over down up off back across behind beyond".split()
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS - KEEP_WORDS)

#: Multiword expressions kept whole by default (canonical form, lowercase). The codebook adds
#: its own multiword aliases and labels to these (see ``Codebook`` in ``framelab.codebook``).
DEFAULT_MWES = (
    "hayat tahrir al-sham", "jabhat al-nusra", "nusra front", "al qaeda", "islamic state",
    "united states", "united nations", "white house", "state department", "security council",
    "national security council", "national security adviser", "syrian army",
    "bashar al-assad", "free syrian army", "syrian democratic forces", "armed opposition",
    "government forces", "middle east", "prime minister", "foreign minister",
    "defense ministry", "defence ministry", "foreign ministry", "human rights", "civil war",
    "de-escalation",
)

_WORD = r"\w\w+(?:-\w+)*|\w(?:-\w+)+"
_ACRONYM = r"(?:[^\W\d_]\.){2,}"
_SEP = r"[\s\-]+"


class Token(NamedTuple):
    """One token: its (lowercased, canonical) text and ``[start, end)`` offsets."""

    text: str
    start: int
    end: int


def _mwe_key(phrase: str) -> str:
    return re.sub(_SEP, " ", phrase.strip().lower())


def _compile(mwes: Iterable[str]) -> tuple[re.Pattern[str], dict[str, str]]:
    canon: dict[str, str] = {}
    for phrase in mwes:
        key = _mwe_key(phrase)
        if key and " " in key:
            canon.setdefault(key, phrase.strip().lower())
    parts = sorted(canon, key=len, reverse=True)
    alternatives = [r"\b" + _SEP.join(map(re.escape, p.split(" "))) + r"\b" for p in parts]
    mwe = f"({'|'.join(alternatives)})|" if alternatives else "()"
    return re.compile(mwe + f"({_ACRONYM}|{_WORD})"), canon


@dataclass(frozen=True)
class Analyzer:
    """Callable turning a text into a list of token strings; picklable for process pools.

    Parameters
    ----------
    mwes : tuple of str
        Multiword expressions kept as one token.
    stop_words : frozenset of str or None
        Tokens dropped after matching.
    ngram_range : (int, int)
        Word n-grams joined by a space, from ``min_n`` to ``max_n``.
    """

    mwes: tuple[str, ...] = DEFAULT_MWES
    stop_words: frozenset[str] | None = STOP_WORDS
    ngram_range: tuple[int, int] = (1, 1)

    def __post_init__(self) -> None:
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi:
            raise ParameterError(f"ngram_range={self.ngram_range}: need 1 <= min_n <= max_n")
        pattern, canon = _compile(self.mwes)
        object.__setattr__(self, "_pattern", pattern)
        object.__setattr__(self, "_canon", canon)

    def __getstate__(self) -> dict:
        return {"mwes": self.mwes, "stop_words": self.stop_words,
                "ngram_range": self.ngram_range}

    def __setstate__(self, state: dict) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)
        self.__post_init__()

    def words(self, text: str) -> list[str]:
        """Unigram tokens of ``text`` (stop words removed)."""
        canon = self._canon  # type: ignore[attr-defined]
        found = self._pattern.findall(text.lower())  # type: ignore[attr-defined]
        if canon:
            tokens = [canon[_mwe_key(m)] if m else w for m, w in found]
        else:
            tokens = [w for _, w in found]
        tokens = ["us" if t in ("u.s.", "u.s.a.") else t for t in tokens]
        stop = self.stop_words
        return [t for t in tokens if t not in stop] if stop else tokens

    def __call__(self, text: str) -> list[str]:
        words = self.words(text)
        lo, hi = self.ngram_range
        if hi == 1:
            return words
        grams = list(words) if lo == 1 else []
        for n in range(max(lo, 2), hi + 1):
            grams.extend(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
        return grams


def tokenize(
    text: str,
    *,
    stop_words: frozenset[str] | None = STOP_WORDS,
    mwes: Iterable[str] = DEFAULT_MWES,
) -> list[Token]:
    """Tokenize ``text`` into lowercased tokens with offsets into ``text``.

    Parameters
    ----------
    text : str
        Usually a normalised text (``text_norm``); offsets index this string.
    stop_words : frozenset of str or None
        Tokens to drop (default :data:`STOP_WORDS`); ``None`` keeps every token.
    mwes : iterable of str
        Multiword expressions kept whole, matched across spaces and hyphens.

    Returns
    -------
    list of Token
        ``text[token.start:token.end]`` is the token as written.
    """
    pattern, canon = _compile(tuple(mwes))
    lowered = text.lower()
    if len(lowered) != len(text):  # rare characters whose lowercase is longer
        pattern = re.compile(pattern.pattern, re.IGNORECASE)
        lowered = text
    out = []
    for match in pattern.finditer(lowered):
        mwe, word = match.groups()
        token = canon[_mwe_key(mwe)] if mwe else word.lower()
        if token in ("u.s.", "u.s.a."):
            token = "us"
        if stop_words is None or token not in stop_words:
            out.append(Token(token, match.start(), match.end()))
    return out


@dataclass(frozen=True)
class DTM:
    """A document-term matrix.

    Attributes
    ----------
    X : sparse matrix of shape (n_texts, n_terms)
        Term counts (int64, CSR).
    vocabulary : ndarray of str of shape (n_terms,)
        The term of each column, sorted.
    """

    X: sparse.csr_matrix
    vocabulary: np.ndarray

    def frame(self, index: Sequence[str] | None = None) -> pd.DataFrame:
        """Return the matrix as a (dense) DataFrame; for small corpora and inspection."""
        return pd.DataFrame(self.X.toarray(), index=None if index is None else list(index),
                            columns=self.vocabulary)


def document_term_matrix(
    texts: Iterable[str],
    *,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    ngram_range: tuple[int, int] = (1, 1),
    stop_words: frozenset[str] | None = STOP_WORDS,
    mwes: Iterable[str] = DEFAULT_MWES,
    max_features: int | None = None,
) -> DTM:
    """Count tokens of each text into a sparse document-term matrix.

    ``min_df``/``max_df`` prune rare and common terms as in scikit-learn's CountVectorizer
    (ints are document counts, floats are shares). When pruning leaves no term the error says
    how many terms and texts there were and what to change.
    """
    texts = list(texts)
    analyzer = Analyzer(mwes=tuple(mwes), stop_words=stop_words, ngram_range=ngram_range)
    vectorizer = CountVectorizer(analyzer=analyzer, min_df=min_df, max_df=max_df,
                                 max_features=max_features, dtype=np.int64)
    try:
        X = vectorizer.fit_transform(texts)
    except ValueError as err:
        n_terms = len(CountVectorizer(analyzer=analyzer).fit(texts).vocabulary_) \
            if any(analyzer(t) for t in texts) else 0
        raise ParameterError(
            f"min_df={min_df}, max_df={max_df} keep no term: {n_terms} distinct terms in "
            f"{len(texts)} texts before pruning ({err}). Lower min_df, raise max_df, use "
            "smaller units or add documents") from None
    return DTM(X.tocsr(), vectorizer.get_feature_names_out())


def _phrase_pattern(query: str) -> re.Pattern[str]:
    words = [w for w in re.split(_SEP, query.strip()) if w]
    if not words:
        raise ParameterError("kwic query is empty; give a word or phrase")
    body = _SEP.join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def kwic(sentences: pd.DataFrame, query: str, *, window: int = 60) -> pd.DataFrame:
    """Keyword-in-context lines for a word or phrase (case-insensitive, any spacing/hyphen).

    Parameters
    ----------
    sentences : DataFrame
        A sentence table (``doc_id``, ``outlet``, ``sentence_id``, ``start``, ``text_norm``).
    query : str
        A word or phrase.
    window : int
        Characters of context on each side, cut at the sentence edges.

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``outlet``, ``sentence_id``, ``start``, ``end`` (document
        offsets of the match), ``left``, ``match``, ``right``.
    """
    pattern = _phrase_pattern(query)
    rows = []
    for doc_id, outlet, sid, offset, text in zip(
            sentences["doc_id"], sentences["outlet"], sentences["sentence_id"],
            sentences["start"], sentences["text_norm"]):
        for m in pattern.finditer(text):
            rows.append((doc_id, outlet, sid, offset + m.start(), offset + m.end(),
                         text[max(0, m.start() - window):m.start()], m.group(),
                         text[m.end():m.end() + window]))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "sentence_id", "start", "end",
                                       "left", "match", "right"])


def collocations(
    texts: Iterable[str],
    *,
    min_count: int = 3,
    top: int = 30,
    measure: str = "likelihood_ratio",
    analyzer: Analyzer | None = None,
) -> pd.DataFrame:
    """Bigram collocations scored with NLTK's association measures.

    Bigrams never span two texts. Both PMI and the likelihood ratio are reported; rows are
    ranked by ``measure`` ("likelihood_ratio" or "pmi").

    Returns
    -------
    DataFrame
        Columns ``bigram``, ``count``, ``pmi``, ``likelihood_ratio``.
    """
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

    if measure not in ("likelihood_ratio", "pmi"):
        raise ParameterError(f"measure={measure!r}; use 'likelihood_ratio' or 'pmi'")
    analyzer = analyzer or Analyzer()
    finder = BigramCollocationFinder.from_documents(analyzer.words(t) for t in texts)
    finder.apply_freq_filter(min_count)
    pmi = dict(finder.score_ngrams(BigramAssocMeasures.pmi))
    llr = dict(finder.score_ngrams(BigramAssocMeasures.likelihood_ratio))
    rows = [(" ".join(bg), int(finder.ngram_fd[bg]), pmi[bg], llr[bg]) for bg in pmi]
    frame = pd.DataFrame(rows, columns=["bigram", "count", "pmi", "likelihood_ratio"])
    return (frame.sort_values([measure, "bigram"], ascending=[False, True])
            .head(top).reset_index(drop=True))
