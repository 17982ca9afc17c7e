"""The learned scorer's feature matrix of analysed mentions, built as column numbers.

:func:`feature_matrix` gives what ``_matrix([_span_features(span, text) ...], index)`` gives
(:mod:`framelab.stance`'s model module): the same entries, columns in order within each row,
so the classifier sums them in the same order and its probabilities are the same to the last
bit. It does not build a dictionary of feature names per mention. A sentence's words, with
other targets' names masked, and the columns of its unigrams and bigrams are looked up once
and shared by the sentence's mentions; each mention adds the target mask (``<t>``), its
context windows and its cue and VADER features.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import sparse

from ._cues import _default_score, _Sentence, _sentence_compound, _Span, _window, _window_polarity

__all__ = ["feature_matrix"]


class _Words:
    """A sentence's words as the features see them (other names masked) and the columns of
    its unigram (``S:``) and bigram (``B:``) features, -1 where not in the vocabulary."""

    __slots__ = ("bigrams", "unigrams", "words")

    def __init__(self, tokens: Sequence[tuple[str, int, int]], masked: frozenset[int] | None,
                 index: Mapping[str, int]) -> None:
        words = [t[0] for t in tokens]
        if masked is not None:
            words = ["<o>" if i in masked else w for i, w in enumerate(words)]
        get = index.get
        self.words = words
        self.unigrams = [get("S:" + w, -1) for w in words]
        self.bigrams = [get(f"B:{a}_{b}", -1) for a, b in itertools.pairwise(words)]


def _words_of(span: _Span, config: Mapping[str, Any], index: Mapping[str, int],
              memo: dict[Any, _Words]) -> _Words:
    """The :class:`_Words` of the span's sentence with the span's masking: its other names
    and its own tokens (which the features replace by ``<t>`` or leave out), so mentions of
    one sentence that mask the same names share them."""
    owner: Any = span.sentence if isinstance(span.sentence, _Sentence) else span
    if not config.get("mask_other_names"):
        key: Any = (owner, None)
        masked = None
    else:
        masked = frozenset(span.names).union(range(span.first, span.last + 1))
        key = (owner, masked)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _Words(span.tokens, masked, index)
    return found


def _row(span: _Span | None, text: str, config: Mapping[str, Any], index: Mapping[str, int],
         memo: dict[Any, _Words]) -> tuple[list[int], list[float]]:
    """One mention's distinct columns and their values (in feature order, not sorted)."""
    get = index.get
    bias = get("bias:mention", -1)
    if span is None:
        return ([bias], [1.0]) if bias >= 0 else ([], [])
    shared = _words_of(span, config, index, memo)
    words, first, last = shared.words, span.first, span.last
    left, right = words[:first][::-1], words[last + 1:]
    width, positional = int(config["context_window"]), int(config["positional"])
    ones = [bias]
    for prefix, side in (("L", left), ("R", right)):
        ones += [get(f"{prefix}:{w}", -1) for w in side[:width]]
        ones += [get(f"{prefix}{k}:{w}", -1) for k, w in enumerate(side[:positional], start=1)]
    orders = set(config["sentence_ngrams"])
    n = len(words)
    if 1 in orders:
        ones += shared.unigrams[:first]
        ones.append(get("S:<t>", -1))
        ones += shared.unigrams[last + 1:]
    if 2 in orders:
        ones += shared.bigrams[:max(first - 1, 0)]
        if first > 0:
            ones.append(get(f"B:{words[first - 1]}_<t>", -1))
        if last + 1 < n:
            ones.append(get(f"B:<t>_{words[last + 1]}", -1))
        ones += shared.bigrams[last + 1:]
    # a name set twice is one entry; unknown names drop out
    cols = [c for c in dict.fromkeys(ones) if c >= 0]
    vals = [1.0] * len(cols)
    weighted: list[tuple[str, float]] = []
    hits = _window(span)
    decay = float(config["vader_decay"])
    for where, sel in (("left", lambda i: i < first), ("right", lambda i: i > last)):
        for sign, name in ((1, "pos"), (-1, "neg")):
            value = sum(abs(v) / 4.0 * math.exp(-(d - 1) / decay)
                        for i, d, _, v in hits if sel(i) and v * sign > 0)
            if value:
                weighted.append((f"v:{where}_{name}", value))
    weighted.append(("v:window", _window_polarity(hits)))
    weighted.append(("v:sentence", _sentence_compound(text)))
    if config.get("cues"):
        weighted.append(("d:score", _default_score(span).score))
        flags = ["c:scare" if scare else f"c:label:{family}"
                 for _, family, scare, _ids in span.labels]
        if span.speaker_verb:
            flags.append(f"c:verb:{span.speaker_verb[1]}")
        if span.claim_verb:
            flags.append("c:claim")
        if span.voice != "narrator":
            flags.append(f"c:voice:{span.voice}")
        weighted += [(flag, 1.0) for flag in dict.fromkeys(flags)]
    for name, value in weighted:   # distinct names, none of them among the words' features
        col = get(name, -1)
        if col >= 0 and value != 0:
            cols.append(col)
            vals.append(value)
    return cols, vals


def feature_matrix(spans: Sequence[_Span | None], texts: Sequence[str],
                   config: Mapping[str, Any], index: Mapping[str, int]) -> sparse.csr_matrix:
    """Rows of the features of analysed mentions (``_analyse``, each of the sentence in
    ``texts``) over the columns ``index``: equal, entry for entry, to the matrix
    of their feature dictionaries (the model module's ``_span_features`` and ``_matrix``).

    Returns
    -------
    csr_matrix of shape (n_mentions, len(index))
    """
    memo: dict[Any, _Words] = {}
    indptr = np.zeros(len(spans) + 1, dtype=np.int64)
    cols: list[int] = []
    vals: list[float] = []
    for i, (span, text) in enumerate(zip(spans, texts, strict=True)):
        if len(memo) > 256:   # mentions come sentence by sentence: keep memory flat
            memo.clear()
        c, v = _row(span, text, config, index, memo)
        cols += c
        vals += v
        indptr[i + 1] = len(cols)
    matrix = sparse.csr_matrix((np.array(vals, dtype=np.float64),
                                np.array(cols, dtype=np.int64), indptr),
                               shape=(len(spans), len(index)))
    matrix.sum_duplicates()   # columns in order within each row, as ``_matrix`` leaves them
    return matrix


def explanations(matrix: sparse.csr_matrix, delta: np.ndarray, names: Sequence[str], *,
                 top: int) -> list[str]:
    """Each row's ``top`` strongest contributions ``value * delta[column]`` as
    ``"feat:<name>:<contribution>"`` (strongest first, zero contributions left out), as a
    per-row ``np.argsort(-np.abs(contributions))[:top]`` picks them.

    The rows are sorted all at once; a row whose choice or order a sort could make
    differently (equal strengths among its first ``top + 1``, or a NaN) is sorted alone by
    that very call, so ties fall as they always did.
    """
    n = matrix.shape[0]
    indptr = matrix.indptr
    contrib = matrix.data * delta[matrix.indices]
    strength = np.abs(contrib)
    rows = np.repeat(np.arange(n), np.diff(indptr))
    order = np.lexsort((-strength, rows))
    ranked_rows = rows[order]
    rank = np.arange(len(order)) - indptr[ranked_rows]
    ranked = strength[order]
    tied = (ranked[:-1] == ranked[1:]) & (ranked_rows[:-1] == ranked_rows[1:]) & (rank[:-1] < top)
    alone = np.zeros(n, dtype=bool)
    alone[ranked_rows[:-1][tied]] = True
    alone[rows[np.isnan(strength)]] = True
    parts: list[list[str]] = [[] for _ in range(n)]
    keep = (rank < top) & ~alone[ranked_rows]
    chosen = order[keep]
    for row, k, col, value in zip(ranked_rows[keep].tolist(), chosen.tolist(),
                                  matrix.indices[chosen].tolist(), contrib[chosen].tolist()):
        if value:
            parts[row].append(f"feat:{names[col]}:{value:+.2f}")
    for row in np.flatnonzero(alone).tolist():
        lo, hi = indptr[row], indptr[row + 1]
        cols, values = matrix.indices[lo:hi], contrib[lo:hi]
        picked = np.argsort(-np.abs(values))[:top]
        parts[row] = [f"feat:{names[cols[k]]}:{values[k]:+.2f}" for k in picked if values[k]]
    return [";".join(p) for p in parts]
