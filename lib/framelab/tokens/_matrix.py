"""Token tables with offsets and document-term matrices, counted in batches of texts."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import ParameterError
from ._analyzer import (
    _JOINT,
    _RUN,
    _TEXT_SEP,
    DEFAULT_MWES,
    STOP_WORDS,
    Analyzer,
    _lower,
    _resolve_raw,
    _run_starts,
    _vocabulary_codes,
    tokenize,
)

__all__ = [
    "TOKEN_COLUMNS", "token_table", "dtm_from_tokens", "DTM", "document_term_matrix",
    "count_terms", "stack_dtms", "align_columns", "prune_terms",
]

#: Columns of :func:`token_table`: the position of the text in the input, the token (lowercased,
#: canonical form) and its ``[start, end)`` offsets into that text.
TOKEN_COLUMNS = ["text", "token", "start", "end"]


def _token_frame(text: np.ndarray, codes: np.ndarray, vocabulary: np.ndarray,
                 start: np.ndarray, end: np.ndarray) -> pd.DataFrame:
    token = pd.Categorical.from_codes(codes, categories=pd.Index(vocabulary, dtype=object))
    return pd.DataFrame({"text": text.astype(np.int64), "token": token,
                         "start": start.astype(np.int64), "end": end.astype(np.int64)},
                        copy=False)


def token_table(
    texts: Iterable[str],
    *,
    stop_words: frozenset[str] | None = STOP_WORDS,
    mwes: Iterable[str] = DEFAULT_MWES,
) -> pd.DataFrame:
    """Every token of every text with its offsets, as one table (columns
    :data:`TOKEN_COLUMNS`); the rows are those of :func:`tokenize` on each text in turn.

    The ``token`` column is categorical and its categories are the sorted vocabulary, so
    :func:`dtm_from_tokens` turns the table into the texts' document-term matrix (equal to
    :func:`count_terms`) without a second pass over the text.

    The texts are scanned as :func:`count_terms` scans them, many at once (see :func:`_scan`),
    and offsets come from numpy rather than from a match object per token. Texts that
    contain the joint are tokenized one by one with :func:`tokenize`.
    """
    texts = list(texts)
    mwes = tuple(mwes)
    analyzer = Analyzer(mwes=mwes, stop_words=stop_words)
    scan = _scan(analyzer, texts, offsets=True)
    if scan is not None:
        assert scan.starts is not None and scan.ends is not None
        return _token_frame(scan.rows, scan.codes, scan.vocabulary, scan.starts, scan.ends)
    rows = [(i, tok.text, tok.start, tok.end) for i, t in enumerate(texts)
            for tok in tokenize(t, stop_words=stop_words, mwes=mwes)]
    found = np.array([r[1] for r in rows], dtype=object)
    codes, vocabulary = pd.factorize(found, sort=True)
    return _token_frame(np.array([r[0] for r in rows], dtype=np.int64), codes,
                        np.asarray(vocabulary, dtype=object),
                        np.array([r[2] for r in rows], dtype=np.int64),
                        np.array([r[3] for r in rows], dtype=np.int64))


#: Characters of text scanned at once: large enough that the per-scan overhead vanishes,
#: small enough that the match strings of one scan stay in the CPU caches and are freed
#: before the next.
_SCAN_CHARS = 1 << 20


def _batches(texts: list[str]) -> Iterable[tuple[int, list[str]]]:
    """Consecutive runs of ``texts`` of about :data:`_SCAN_CHARS` characters, with the
    position of their first text."""
    first, size = 0, 0
    for i, text in enumerate(texts):
        size += len(text) + len(_TEXT_SEP)
        if size >= _SCAN_CHARS:
            yield first, texts[first:i + 1]
            first, size = i + 1, 0
    if first < len(texts):
        yield first, texts[first:]


@dataclass(frozen=True)
class _Scan:
    """The kept tokens of a batch of texts: the text and vocabulary column of each (in text
    order), the sorted vocabulary, and the ``[start, end)`` offsets when asked for."""

    rows: np.ndarray
    codes: np.ndarray
    vocabulary: np.ndarray
    starts: np.ndarray | None = None
    ends: np.ndarray | None = None


def _scan(analyzer: Analyzer, texts: list[str], *, offsets: bool) -> _Scan | None:
    """Tokens of ``texts`` from scans over the texts joined by :data:`_TEXT_SEP`, about a
    megabyte at a time (see :data:`_SCAN_CHARS`); None when a text contains the joint.

    Each scan's matches are factorised and their distinct strings given global numbers, so a
    match string is resolved (canonical form, stop word) once per call. With ``offsets``
    the scanning pattern is used (see :func:`_compile`): its matches cover every run of word
    characters once and in order, so a match begins where the run after those of the
    matches before it begins (:func:`_run_starts`) and ends its length later. No match
    object is made per token.
    """
    if not texts or any(_JOINT in t for t in texts):
        return None
    pattern: re.Pattern[str] = analyzer._scanner if offsets else analyzer._pattern  # type: ignore[attr-defined]
    number: dict[str, int] = {}  # distinct match -> global number
    codes, rows, starts, ends = [], [], [], []
    for first, batch in _batches(texts):
        low = _lower(_TEXT_SEP.join(batch))
        found = pattern.findall(low)
        local, uniques = pd.factorize(np.fromiter(found, dtype=object, count=len(found)))
        del found
        ids = np.fromiter((number.setdefault(u, len(number)) for u in uniques),
                          dtype=np.int64, count=len(uniques))
        joint = (uniques == _JOINT)[local]
        which = np.cumsum(joint)  # the text of each match, within the batch
        codes.append(ids[local])
        rows.append(which + first)
        if offsets:
            n_runs = np.fromiter((1 if u.isalnum() else len(_RUN.findall(u)) for u in uniques),
                                 dtype=np.int64, count=len(uniques))[local]
            run_starts = _run_starts(low)
            if len(run_starts) != n_runs.sum():
                raise RuntimeError("framelab bug: the token scan lost its place among the "
                                   "word runs; please report it with the text")
            began = run_starts[np.cumsum(n_runs) - n_runs]
            lengths = np.fromiter(map(len, uniques), dtype=np.int64, count=len(uniques))
            text_at = np.cumsum([0] + [len(t) + len(_TEXT_SEP) for t in batch[:-1]])[which]
            starts.append(began - text_at)
            ends.append(began + lengths[local] - text_at)
    normal = np.array([analyzer.normal(u) if len(u) > 1 and u != _JOINT else ""
                       for u in number], dtype=object)
    lookup, vocabulary = _vocabulary_codes(normal)
    all_codes = lookup[np.concatenate(codes)]
    keep = all_codes >= 0
    return _Scan(np.concatenate(rows)[keep], all_codes[keep], vocabulary,
                 np.concatenate(starts)[keep] if offsets else None,
                 np.concatenate(ends)[keep] if offsets else None)


def dtm_from_tokens(table: pd.DataFrame, n_texts: int) -> DTM:
    """The document-term matrix of a :func:`token_table` of ``n_texts`` texts: equal to
    :func:`count_terms` on the same texts and settings (unigrams)."""
    token = table["token"]
    if not isinstance(token.dtype, pd.CategoricalDtype):
        raise ParameterError("dtm_from_tokens needs the table token_table returns (its "
                             "'token' column is categorical); pass that table unchanged")
    vocabulary = np.asarray(token.cat.categories, dtype=object)
    X = sparse.csr_matrix((np.ones(len(table), dtype=np.int64),
                           (table["text"].to_numpy(), token.cat.codes.to_numpy())),
                          shape=(n_texts, len(vocabulary)))
    X.sum_duplicates()
    return DTM(X, vocabulary.astype(str))


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

    The result equals scikit-learn's ``CountVectorizer(analyzer=Analyzer(...))`` (sorted
    vocabulary, same pruning), but counting runs in C (``pandas.factorize`` and a sparse
    constructor) instead of a Python loop per token. ``min_df``/``max_df`` prune rare and
    common terms (ints are document counts, floats are shares of the texts); ``max_features``
    keeps the most frequent terms (ties broken alphabetically). When pruning leaves no term
    the error says how many terms and texts there were and what to change.
    """
    counts = count_terms(texts, ngram_range=ngram_range, stop_words=stop_words, mwes=mwes)
    return prune_terms(counts, min_df=min_df, max_df=max_df, max_features=max_features)


def count_terms(
    texts: Iterable[str],
    *,
    ngram_range: tuple[int, int] = (1, 1),
    stop_words: frozenset[str] | None = STOP_WORDS,
    mwes: Iterable[str] = DEFAULT_MWES,
) -> DTM:
    """Term counts of each text before any pruning (sorted vocabulary).

    The per-partition half of :func:`document_term_matrix`: count partitions separately,
    :func:`stack_dtms` them, then :func:`prune_terms` the whole, and the result equals
    :func:`document_term_matrix` on all texts at once.
    """
    analyzer = Analyzer(mwes=tuple(mwes), stop_words=stop_words, ngram_range=ngram_range)
    texts = list(texts)
    n_texts = len(texts)
    scan = _scan(analyzer, texts, offsets=False) if ngram_range[1] == 1 else None
    if scan is not None:
        rows, codes, uniques = scan.rows, scan.codes, scan.vocabulary
    else:
        token_lists = [analyzer.raw(t) if ngram_range[1] == 1 else analyzer(t) for t in texts]
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=n_texts)
        flat = np.fromiter(itertools.chain.from_iterable(token_lists), dtype=object,
                           count=int(lengths.sum()))
        rows = np.repeat(np.arange(n_texts, dtype=np.int64), lengths)
        if ngram_range[1] == 1:
            raw_codes, normal = _resolve_raw(analyzer, flat)
            # vocabulary: the distinct canonical forms, sorted; stop words ("") left out
            lookup, uniques = _vocabulary_codes(normal)
            kept = (lookup >= 0)[raw_codes]
            codes, rows = lookup[raw_codes[kept]], rows[kept]
        else:
            codes, uniques = pd.factorize(flat, sort=True)
    uniques = np.asarray(uniques, dtype=object)
    X = sparse.csr_matrix((np.ones(len(codes), dtype=np.int64), (rows, codes)),
                          shape=(n_texts, len(uniques)))
    X.sum_duplicates()
    return DTM(X, uniques.astype(str))


def stack_dtms(parts: Sequence[DTM]) -> DTM:
    """The rows of several matrices one after the other, over the union of their (sorted)
    vocabularies."""
    if not parts:
        return DTM(sparse.csr_matrix((0, 0), dtype=np.int64), np.array([], dtype=str))
    vocabulary = np.unique(np.concatenate([p.vocabulary.astype(object) for p in parts])) \
        .astype(str)
    blocks = []
    for part in parts:
        cols = np.searchsorted(vocabulary, part.vocabulary)
        coo = part.X.tocoo()
        blocks.append(sparse.csr_matrix((coo.data, (coo.row, cols[coo.col])),
                                        shape=(part.X.shape[0], len(vocabulary))))
    X = sparse.vstack(blocks, format="csr", dtype=np.int64)
    X.sort_indices()
    return DTM(X, vocabulary)


def align_columns(dtm: DTM, vocabulary: np.ndarray) -> sparse.csr_matrix:
    """``dtm``'s counts in the columns of ``vocabulary`` (sorted): terms it lacks count 0,
    terms not in ``vocabulary`` are dropped. For transforming new texts with a fitted model."""
    vocabulary = np.asarray(vocabulary).astype(str)
    pos = np.searchsorted(vocabulary, dtm.vocabulary)
    pos_in = np.minimum(pos, max(len(vocabulary) - 1, 0))
    found = (pos < len(vocabulary)) & (vocabulary[pos_in] == dtm.vocabulary) \
        if len(vocabulary) else np.zeros(len(dtm.vocabulary), dtype=bool)
    coo = dtm.X.tocoo()
    keep = found[coo.col]
    X = sparse.csr_matrix((coo.data[keep], (coo.row[keep], pos[coo.col[keep]])),
                          shape=(dtm.X.shape[0], len(vocabulary)), dtype=np.int64)
    X.sort_indices()
    return X


def kept_terms(doc_freq: np.ndarray, totals: np.ndarray | None, n_texts: int,
                n_terms: int, *, min_df: int | float, max_df: int | float,
                max_features: int | None) -> np.ndarray:
    """Which columns survive pruning, from their document frequencies (and their total
    counts, needed only with ``max_features``)."""
    low = min_df if isinstance(min_df, (int, np.integer)) else min_df * n_texts
    high = max_df if isinstance(max_df, (int, np.integer)) else max_df * n_texts
    keep = (doc_freq >= low) & (doc_freq <= high)
    if max_features is not None and keep.sum() > max_features:
        assert totals is not None
        ranked = np.flatnonzero(keep)[np.argsort(-totals[keep], kind="stable")]
        keep = np.zeros_like(keep)
        keep[ranked[:max_features]] = True
    if not keep.any():
        raise ParameterError(
            f"min_df={min_df}, max_df={max_df} keep no term: {n_terms} distinct terms in "
            f"{n_texts} texts before pruning. Lower min_df, raise max_df, use smaller units "
            "or add documents")
    return keep


def prune_terms(dtm: DTM, *, min_df: int | float = 1, max_df: int | float = 1.0,
                max_features: int | None = None) -> DTM:
    """Drop rare and common terms (see :func:`document_term_matrix`)."""
    X, uniques = dtm.X, dtm.vocabulary
    doc_freq = np.bincount(X.indices, minlength=X.shape[1])
    totals = np.asarray(X.sum(axis=0)).ravel() if max_features is not None else None
    keep = kept_terms(doc_freq, totals, X.shape[0], len(uniques), min_df=min_df,
                       max_df=max_df, max_features=max_features)
    columns = np.flatnonzero(keep)
    vocabulary = uniques[columns].astype(str)
    return DTM(X[:, columns].tocsr(), vocabulary)
