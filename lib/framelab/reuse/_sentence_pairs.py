"""The sentence pairs :func:`framelab.reuse.align_passages` aligns, computed in batches.

For many candidate document pairs at once, this module finds the sentence pairs whose TF-IDF
cosine reaches ``min_cosine`` (one sparse product per batch of pairs, block by block), the
longest run of identical tokens of the sentence pairs where it can matter (joins of exact
token n-gram ids), the aligned pairs, and their greedy one-to-one matching. The results are
those of comparing the pairs one by one with :class:`difflib.SequenceMatcher`
(``docs/reuse.md``):

- cosines come from the same sparse products, summed in the same order;
- a longest run is exact: a run of ``g`` or more identical tokens is ``L`` consecutive
  matches of ``g``-grams on one diagonal of the two sentences (``g + L - 1`` tokens). N-grams
  are numbered exactly (no hashing), and among runs of the greatest length the one that
  starts first in the first sentence, then in the second, is kept, as ``SequenceMatcher``
  keeps it;
- a sentence pair that shares no ``k``-gram, ``k`` the shortest run the rules look at, has a
  run shorter than every rule's, so only its cosine decides whether it is aligned; its exact
  run is computed only when it is aligned (for the sort and the ``longest_run`` column).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from ..tokens import token_table

__all__ = ["QuoteTest", "SentenceTokens", "aligned_sentence_pairs"]

#: (start, end) character offsets, one element per run.
Span = tuple[np.ndarray, np.ndarray]

#: Sentences tokenized at once (bounds the memory of the token table).
_TOKENIZE_TEXTS = 25_000
#: Sentence pairs (cells of the pairs' cosine blocks) handled in one batch: bounds memory.
_BATCH_CELLS = 500_000


def _ragged(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``concat(arange(s, s + c))`` over ``starts`` and ``counts``, and the owner of each."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    shift = np.asarray(starts, dtype=np.int64) - (np.cumsum(counts) - counts)
    return np.arange(len(owner), dtype=np.int64) + np.repeat(shift, counts), owner


class SentenceTokens:
    """Every token of a sentence table (stop words kept) as integer ids, with offsets.

    Each distinct text is tokenized once (copied sentences recur across documents): row
    ``r`` has text ``t = text_of[r]``, whose tokens are ``ptr[t]:ptr[t + 1]``; ``codes`` number
    distinct token texts, so equal codes are equal tokens; ``starts``/``ends`` index the text.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        text_of, distinct = pd.factorize(np.array([str(t) for t in texts] + [""],
                                                  dtype=object)[:-1])
        self.text_of = text_of.astype(np.int64)
        vocabulary: dict[str, int] = {}
        parts: list[tuple[np.ndarray, ...]] = []
        for first in range(0, len(distinct), _TOKENIZE_TEXTS):
            chunk = [str(t) for t in distinct[first:first + _TOKENIZE_TEXTS]]
            table = token_table(chunk, stop_words=None)
            token = table["token"].cat
            lookup = np.array([vocabulary.setdefault(w, len(vocabulary))
                               for w in token.categories], dtype=np.int32)
            parts.append((np.bincount(table["text"].to_numpy(np.int64), minlength=len(chunk)),
                          lookup[token.codes.to_numpy(np.int64)],
                          table["start"].to_numpy(np.int32), table["end"].to_numpy(np.int32)))
            del table, token
        lengths, codes, starts, ends = (
            [np.concatenate([p[n] for p in parts]) if parts else np.zeros(0, dtype=np.int32)
             for n in range(4)])
        self.lengths = lengths.astype(np.int64)
        self.codes, self.starts, self.ends = (codes.astype(np.int32), starts.astype(np.int32),
                                              ends.astype(np.int32))
        self.ptr = np.concatenate([[0], np.cumsum(self.lengths)]).astype(np.int64)
        self._sorted: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def span(self, rows: np.ndarray, at: np.ndarray, run: np.ndarray) -> Span:
        """(start, end) in each row's text of the ``run`` tokens from token ``at`` (run >= 1)."""
        first = self.ptr[self.text_of[rows]] + at
        return (self.starts[first].astype(np.int64),
                self.ends[first + run - 1].astype(np.int64))

    def _grams(self, g: int) -> np.ndarray:
        """Id of the ``g``-gram starting at each token (exact: equal ids, equal n-grams);
        positions too close to the end of their sentence hold an id that is never looked at.
        """
        ids = self.codes.astype(np.int64)
        width = int(self.codes.max(initial=0)) + 1
        n = len(ids)
        for k in range(2, g + 1):
            nxt = np.zeros(n, dtype=np.int64)
            if n >= k:
                nxt[:n - k + 1] = self.codes[k - 1:]
            ids = pd.factorize(ids * width + nxt)[0].astype(np.int64)
        return ids

    def sorted_grams(self, g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``g``-grams of each distinct text ordered by id: ``(ids, positions, ptr)``,
        text ``t``'s at ``ptr[t]:ptr[t + 1]``."""
        if g not in self._sorted:
            count = np.maximum(self.lengths - g + 1, 0)
            flat, row = _ragged(self.ptr[:-1], count)
            ids = self._grams(g)[flat]
            order = np.lexsort((ids, row))
            ptr = np.concatenate([[0], np.cumsum(count)]).astype(np.int64)
            self._sorted[g] = (ids[order].astype(np.int32),
                               (flat - self.ptr[row])[order].astype(np.int32), ptr)
        return self._sorted[g]


#: n-gram occurrences (both sides together) joined at once by :func:`longest_runs`.
_JOIN_ENTRIES = 4_000_000


def longest_runs(tokens: SentenceTokens, rows_a: np.ndarray, rows_b: np.ndarray,
                 g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Longest run of identical tokens of each sentence pair ``(rows_a[s], rows_b[s])``, where
    it is at least ``g`` tokens: ``(run, start in a, start in b)``, ``run`` 0 where the pair
    shares no ``g``-gram. Among the longest runs, the first in ``a``, then in ``b``.
    """
    if len(rows_a) == 0:
        return tuple(np.zeros(0, dtype=np.int64) for _ in range(3))  # type: ignore[return-value]
    # the run depends on the two texts only: each distinct pair of texts is joined once
    n_texts = len(tokens.lengths)
    pairs, inverse = np.unique(tokens.text_of[rows_a] * n_texts + tokens.text_of[rows_b],
                               return_inverse=True)
    texts_a, texts_b = pairs // n_texts, pairs % n_texts
    n = len(pairs)
    run = np.zeros(n, dtype=np.int64)
    pa = np.zeros(n, dtype=np.int64)
    pb = np.zeros(n, dtype=np.int64)
    ptr = tokens.sorted_grams(g)[2]
    entries = np.cumsum(ptr[texts_a + 1] - ptr[texts_a] + ptr[texts_b + 1] - ptr[texts_b])
    cuts = np.searchsorted(entries, np.arange(1, entries[-1] // _JOIN_ENTRIES + 1)
                           * _JOIN_ENTRIES)
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, n]):
        if hi > lo:
            part = slice(int(lo), int(hi))
            _runs_into(tokens, g, texts_a[part], texts_b[part], run[part], pa[part], pb[part])
    return run[inverse], pa[inverse], pb[inverse]


def _runs_into(tokens: SentenceTokens, g: int, texts_a: np.ndarray, texts_b: np.ndarray,
               run: np.ndarray, pa: np.ndarray, pb: np.ndarray) -> None:
    """:func:`longest_runs` of one slice of pairs of distinct texts, written into ``run``,
    ``pa``, ``pb``."""
    ids, pos, ptr = tokens.sorted_grams(g)
    idx_a, own_a = _ragged(ptr[texts_a], ptr[texts_a + 1] - ptr[texts_a])
    idx_b, own_b = _ragged(ptr[texts_b], ptr[texts_b + 1] - ptr[texts_b])
    width = int(ids.max(initial=0)) + 1
    key_a = own_a * width + ids[idx_a]  # ascending: by pair, then by n-gram id
    key_b = own_b * width + ids[idx_b]
    first_b = np.searchsorted(key_b, key_a, side="left")
    shared = np.flatnonzero(key_b[np.minimum(first_b, len(key_b) - 1)] == key_a
                            if len(key_b) else np.zeros(0, dtype=bool))
    if len(shared) == 0:
        return
    last_b = np.searchsorted(key_b, key_a[shared], side="right")
    hit_b, hit = _ragged(first_b[shared], last_b - first_b[shared])
    hit_a = shared[hit]
    s = own_a[hit_a]
    u = pos[idx_a[hit_a]].astype(np.int64)
    v = pos[idx_b[hit_b]].astype(np.int64)
    diag = u - v
    span = int(tokens.lengths.max(initial=0)) + 1
    if len(texts_a) * 2 * span * span < 2 ** 62:
        order = np.argsort((s * (2 * span) + diag + span) * span + u, kind="stable")
    else:
        order = np.lexsort((u, diag, s))
    s, u, v, diag = s[order], u[order], v[order], diag[order]
    new = np.ones(len(s), dtype=bool)
    new[1:] = (s[1:] != s[:-1]) | (diag[1:] != diag[:-1]) | (u[1:] != u[:-1] + 1)
    length = np.bincount(np.cumsum(new) - 1).astype(np.int64)
    rs, ru, rv = s[new], u[new], v[new]
    best = np.lexsort((rv, ru, -length, rs))
    keep = np.ones(len(best), dtype=bool)
    keep[1:] = rs[best][1:] != rs[best][:-1]
    best = best[keep]
    run[rs[best]] = length[best] + g - 1
    pa[rs[best]] = ru[best]
    pb[rs[best]] = rv[best]


@dataclass(frozen=True)
class _Docs:
    """Sentence rows of each document: ``rows[ptr[d]:ptr[d + 1]]`` for document code ``d``."""

    rows: np.ndarray
    ptr: np.ndarray


def _doc_rows(groups: dict, codes: dict) -> _Docs:
    parts = [np.asarray(groups[d], dtype=np.int64) for d in codes]
    sizes = np.array([len(p) for p in parts], dtype=np.int64)
    rows = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return _Docs(rows, np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64))


def _block_rows(docs: _Docs, doc: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sentence rows of the documents ``doc`` one after the other: (row, owner, local)."""
    start = docs.ptr[doc]
    flat, owner = _ragged(start, docs.ptr[doc + 1] - start)
    return docs.rows[flat], owner, flat - start[owner]


#: Widest block product (columns) laid out as (owner, term) directly; wider ones (a large
#: vocabulary) number only the (owner, term) the right side holds.
_OFFSET_WIDTH = 1 << 24


def _block_product(X: sparse.csr_matrix, rows_a: np.ndarray, own_a: np.ndarray,
                   rows_b: np.ndarray, own_b: np.ndarray, owners: int) -> sparse.coo_matrix:
    """The cosines of ``X[rows_a]`` with ``X[rows_b]`` where the owners agree, in one product.

    Each row's terms become columns of its owner's own block, so the product has no
    cross-owner terms. Each left row keeps its entries in their stored order (dropping, in
    the numbered layout, terms its owner's right side lacks: they add nothing), so every
    cosine is added up as ``X[ra] @ X[rb].T`` adds it up.
    """
    left, right = X[rows_a], X[rows_b]
    width = X.shape[1]
    key_a = np.repeat(own_a, np.diff(left.indptr)) * width + left.indices
    key_b = np.repeat(own_b, np.diff(right.indptr)) * width + right.indices
    if owners * width <= _OFFSET_WIDTH:
        shape, col_a, col_b, hit = owners * width, key_a, key_b, None
    else:
        col_b, columns = pd.factorize(key_b)
        shape = len(columns)
        col_a = pd.Index(columns).get_indexer(key_a)
        hit = col_a >= 0
    indptr = left.indptr
    data = left.data
    if hit is not None:
        entry_row = np.repeat(np.arange(len(rows_a)), np.diff(left.indptr))
        indptr = np.concatenate([[0], np.cumsum(np.bincount(entry_row[hit],
                                                            minlength=len(rows_a)))])
        data, col_a = data[hit], col_a[hit]
    left = sparse.csr_matrix((data, col_a, indptr), shape=(len(rows_a), shape))
    right = sparse.csr_matrix((right.data, col_b, right.indptr), shape=(len(rows_b), shape))
    return (left @ right.T).tocoo()


def _cosines(X: sparse.csr_matrix, docs: _Docs, da: np.ndarray, db: np.ndarray,
             min_cosine: float) -> tuple[np.ndarray, ...]:
    """Sentence pairs of the document pairs ``(da[p], db[p])`` with cosine >= ``min_cosine``:
    (pair, i, j, row a, row b, cosine), ``i``/``j`` counted inside each document.

    The cosines of all pairs come from one product (:func:`_block_product`).
    """
    rows_a, own_a, loc_a = _block_rows(docs, da)
    rows_b, own_b, loc_b = _block_rows(docs, db)
    product = _block_product(X, rows_a, own_a, rows_b, own_b, len(da))
    if min_cosine > 0:
        keep = product.data >= min_cosine
        ra_idx, rb_idx = product.row[keep].astype(np.int64), product.col[keep].astype(np.int64)
        value = product.data[keep]
    else:  # every sentence pair of each block, zeros included
        ra_idx, rb_idx = _all_cells(docs, da, db)
        dense_key = ra_idx * len(rows_b) + rb_idx
        stored_key = product.row.astype(np.int64) * len(rows_b) + product.col
        order = np.argsort(stored_key)
        at = np.searchsorted(stored_key[order], dense_key)
        at = np.minimum(at, max(len(order) - 1, 0))
        value = np.zeros(len(dense_key))
        if len(order):
            found = stored_key[order][at] == dense_key
            value[found] = product.data[order][at[found]]
        keep = value >= min_cosine
        ra_idx, rb_idx, value = ra_idx[keep], rb_idx[keep], value[keep]
    return (own_a[ra_idx], loc_a[ra_idx], loc_b[rb_idx], rows_a[ra_idx], rows_b[rb_idx],
            value)


def _all_cells(docs: _Docs, da: np.ndarray, db: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (row in the left block, row in the right block) of each pair's block."""
    na = docs.ptr[da + 1] - docs.ptr[da]
    nb = docs.ptr[db + 1] - docs.ptr[db]
    first_a = np.cumsum(na) - na
    first_b = np.cumsum(nb) - nb
    cell, pair = _ragged(np.zeros(len(da), dtype=np.int64), na * nb)
    return first_a[pair] + cell // nb[pair], first_b[pair] + cell % nb[pair]


def _batches(cells: np.ndarray) -> Iterator[slice]:
    """Consecutive runs of pairs of about :data:`_BATCH_CELLS` cells in all."""
    start, total = 0, 0
    for p, size in enumerate(cells.tolist()):
        total += size
        if total >= _BATCH_CELLS:
            yield slice(start, p + 1)
            start, total = p + 1, 0
    if start < len(cells):
        yield slice(start, len(cells))


def _greedy(pair: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Which of the aligned sentence pairs (sorted best first within each pair) the greedy
    one-to-one matching keeps: each sentence of either side used at most once."""
    keep = np.ones(len(pair), dtype=bool)
    clash_i = pd.DataFrame({"p": pair, "x": i}).duplicated(keep=False).to_numpy()
    clash_j = pd.DataFrame({"p": pair, "x": j}).duplicated(keep=False).to_numpy()
    clashing = np.isin(pair, np.unique(pair[clash_i | clash_j]))
    used_a: set[tuple[int, int]] = set()
    used_b: set[tuple[int, int]] = set()
    for n in np.flatnonzero(clashing).tolist():
        p, x, y = int(pair[n]), int(i[n]), int(j[n])
        if (p, x) in used_a or (p, y) in used_b:
            keep[n] = False
            continue
        used_a.add((p, x))
        used_b.add((p, y))
    return keep


class QuoteTest:
    """Which runs of identical tokens lie inside a direct quotation of their side's document."""

    def __init__(self, offset: np.ndarray, quotes: dict[str, list[tuple[int, int]]],
                 doc_a: np.ndarray, doc_b: np.ndarray) -> None:
        self.offset = offset  # where each sentence starts in its document
        ids = list(quotes)
        code = {d: n for n, d in enumerate(ids)}
        spans = [np.asarray(quotes[d], dtype=np.int64).reshape(-1, 2) for d in ids]
        sizes = np.array([len(x) for x in spans], dtype=np.int64)
        self.ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self.spans = np.concatenate(spans) if spans else np.zeros((0, 2), dtype=np.int64)
        self.code_a = np.array([code.get(d, -1) for d in doc_a], dtype=np.int64)
        self.code_b = np.array([code.get(d, -1) for d in doc_b], dtype=np.int64)

    def _inside(self, doc: np.ndarray, row: np.ndarray, span: tuple[np.ndarray, np.ndarray]
                ) -> np.ndarray:
        start, end = self.offset[row] + span[0], self.offset[row] + span[1]
        has = np.flatnonzero(doc >= 0)
        count = self.ptr[doc[has] + 1] - self.ptr[doc[has]]
        flat, owner = _ragged(self.ptr[doc[has]], count)
        hit = ((self.spans[flat, 0] <= start[has][owner])
               & (end[has][owner] <= self.spans[flat, 1]))
        out = np.zeros(len(doc), dtype=bool)
        out[has] = np.bincount(owner[hit], minlength=len(has)) > 0
        return out

    def __call__(self, pair: np.ndarray, row_a: np.ndarray, row_b: np.ndarray,
                 span_a: tuple[np.ndarray, np.ndarray], span_b: tuple[np.ndarray, np.ndarray]
                 ) -> np.ndarray:
        """``span_a``/``span_b``: (start, end) of each run in its sentence's text."""
        return (self._inside(self.code_a[pair], row_a, span_a)
                | self._inside(self.code_b[pair], row_b, span_b))


QuotedFn = Callable[[np.ndarray, np.ndarray, np.ndarray, Span, Span], np.ndarray]


def aligned_sentence_pairs(
    X: sparse.csr_matrix,
    groups: dict,
    texts: pd.Series,
    doc_a: np.ndarray,
    doc_b: np.ndarray,
    *,
    threshold: float,
    min_run: int,
    verbatim_run: int,
    quote_run: int,
    min_cosine: float,
    quoted: QuotedFn,
) -> dict[str, np.ndarray]:
    """The sentence pairs :func:`framelab.reuse.align_passages` keeps, for every pair.

    ``X`` holds a TF-IDF row per sentence, ``groups`` the rows of each document id,
    ``texts`` the text of every row, by position (tokenized batch by batch, only the rows a batch
    compares: the tokens of every sentence at once grew with the corpus).
    ``quoted(pair, row_a, row_b, span_a, span_b)`` says which runs lie inside a quotation of
    their document. Returns arrays ``pair`` (index into ``doc_a``/``doc_b``), ``i``, ``j``,
    ``row_a``, ``row_b``, ``cosine``, ``run`` and ``verbatim``, one element per kept sentence
    pair, in pair order and, within a pair, in the order the greedy matching kept them.
    """
    codes = {d: n for n, d in enumerate(groups)}
    docs = _doc_rows(groups, codes)
    ca = np.array([codes.get(d, -1) for d in doc_a], dtype=np.int64)
    cb = np.array([codes.get(d, -1) for d in doc_b], dtype=np.int64)
    valid = np.flatnonzero((ca >= 0) & (cb >= 0))
    sizes = (docs.ptr[ca[valid] + 1] - docs.ptr[ca[valid]]) * (docs.ptr[cb[valid] + 1]
                                                               - docs.ptr[cb[valid]])
    k = min(quote_run, min_run, verbatim_run)
    out: dict[str, list[np.ndarray]] = {name: [] for name in (
        "pair", "i", "j", "row_a", "row_b", "cosine", "run", "verbatim")}
    for part in _batches(sizes):
        pairs = valid[part]
        own, i, j, ra, rb, cos = _cosines(X, docs, ca[pairs], cb[pairs], min_cosine)
        pair = pairs[own]
        # the batch's own tokens: a run depends on the two texts only
        need, local = np.unique(np.r_[ra, rb], return_inverse=True)
        tokens = SentenceTokens(texts.take(need).tolist())
        la, lb = local[:len(ra)], local[len(ra):]
        run, pa, pb = longest_runs(tokens, la, lb, k)
        long = run >= k  # a run long enough for a rule; the others have run < k
        quote = np.zeros(len(run), dtype=bool)
        ask = np.flatnonzero(run >= quote_run)
        if len(ask):
            quote[ask] = quoted(pair[ask], ra[ask], rb[ask],
                                tokens.span(la[ask], pa[ask], run[ask]),
                                tokens.span(lb[ask], pb[ask], run[ask]))
        verbatim = (run >= verbatim_run) | quote
        aligned = verbatim | (run >= min_run) | (cos >= threshold)
        short = np.flatnonzero(aligned & ~long)
        if k > 1 and len(short):
            run[short] = longest_runs(tokens, la[short], lb[short], 1)[0]
        del tokens
        sel = np.flatnonzero(aligned)
        pair, i, j, ra, rb, cos = pair[sel], i[sel], j[sel], ra[sel], rb[sel], cos[sel]
        run, verbatim = run[sel], verbatim[sel]
        order = np.lexsort((j, i, -run, -cos, pair))
        keep = order[_greedy(pair[order], i[order], j[order])]
        for name, values in (("pair", pair), ("i", i), ("j", j), ("row_a", ra),
                             ("row_b", rb), ("cosine", cos), ("run", run),
                             ("verbatim", verbatim)):
            out[name].append(values[keep])
    empty = {"cosine": np.zeros(0), "verbatim": np.zeros(0, dtype=bool)}
    return {name: (np.concatenate(parts) if parts
                   else empty.get(name, np.zeros(0, dtype=np.int64)))
            for name, parts in out.items()}
