"""Ordered rewrite chains, read off the similar-sentence table (step 5 of ``docs/reuse.md``).

A rewrite keeps the facts and their order. :func:`align_rewrites` finds, inside each
candidate pair, the best-scoring chain of sentence *links* that runs in the same order in
both documents (a Smith-Waterman local alignment over sentences, in the spirit of Passim and
BLAST text-reuse detection). It never builds a pair's sentence-by-sentence matrix:

1. *Anchors* are the sentence pairs above the threshold that are each other's best match in
   the other document (mutual best). They are read off the table of
   :func:`framelab.reuse.similar_sentences`, which holds every cross-document sentence pair
   above the threshold, so they are exactly the mutual best matches of the full matrix.
2. *Merges* (many-to-one links, as in Gale-Church sentence alignment): a rewrite splits one
   sentence in two or merges two into one. An anchor (i, j) widens to the run of up to
   ``max_merge`` adjacent sentences of one side (i-1..i, i..i+1, ...) when the merged
   sentence is closer to the other side's sentence than the anchor alone
   (``cos(x_i + x_{i+1}, y_j) > cos(x_i, y_j)``, and a run of three closer than the best
   run of two), each added sentence brings a content word of the other sentence that the
   rest of the run lacks (it carries part of the fact, not only the story's common words),
   and each added sentence has no better match above the threshold elsewhere in the other
   document. The merged cosine comes from
   a few row-wise dot products (the Gram entries of the run), computed for all anchors at
   once.
3. *The chain*: link ``k`` scores ``cos_k - threshold``; between two links, each sentence
   skipped on either side costs ``gap``; the score never drops below 0 (a new local
   alignment starts). A dynamic programme over the links (few per pair) gives the chain.

Only pairs whose chain has at least ``min_chain`` links get passages (``layer =
"rewrite"``); a shorter chain cannot make a rewrite, and its row in ``reuse_chains`` is the
pair's evidence. So the work grows with the links, not with the pairs' sentences squared.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import sparse

from ..corpus import check_sentence_texts, release_memory, sentence_texts
from ..errors import ParameterError, check_columns
from ..tokens import tokenize
from ._alignment import PASSAGE_COLUMNS, _check_unit, _empty, _longest_run, _rows_in
from ._order import order_pvalue
from ._search import _first_of_groups, _rowdot
from ._sentence_pairs import _ragged

if TYPE_CHECKING:
    from ._rewrite import RewriteLayer

__all__ = ["CHAIN_COLUMNS", "align_rewrites", "chain_links", "local_alignment"]

#: One row per candidate pair with a chain: its links, how much of each side they cover.
CHAIN_COLUMNS = ["doc_a", "doc_b", "n_rewrite", "n_unordered", "rewrite_coverage_a",
                 "rewrite_coverage_b", "rewrite_score", "n_merged", "rewrite_p", "links"]
#: Runs of one side merged with an anchor, as offsets from it (spans of 2, then of 3).
_SPANS = ((-1, 0), (0, 1), (-1, 0, 1), (-2, -1, 0), (0, 1, 2))
_LINK_COLUMNS = ["pair", "i0", "i1", "j0", "j1", "cosine"]


def local_alignment(sim: np.ndarray, *, threshold: float, gap: float) -> list[tuple[int, int]]:
    """Best-scoring ordered chain of sentence pairs of a full matrix (Smith-Waterman).

    A step that pairs sentence i of a with sentence j of b scores ``sim[i, j] - threshold``
    and is allowed only when ``sim[i, j] >= threshold``; skipping a sentence on either side
    costs ``gap``; the score never falls below 0. The reference for :func:`align_rewrites`
    (which reads the same chain off the sparse table of similar sentences).

    Returns
    -------
    list of (i, j)
        The aligned pairs, increasing in both i and j; empty when no pair reaches
        ``threshold``.
    """
    n_a, n_b = sim.shape
    H = np.zeros((n_a + 1, n_b + 1))
    move = np.zeros((n_a + 1, n_b + 1), dtype=np.int8)  # 0 stop, 1 diag, 2 up, 3 left
    for i in range(1, n_a + 1):
        for j in range(1, n_b + 1):
            s = sim[i - 1, j - 1]
            diag = H[i - 1, j - 1] + (s - threshold) if s >= threshold else -np.inf
            up, left = H[i - 1, j] - gap, H[i, j - 1] - gap
            best = max(0.0, diag, up, left)
            H[i, j] = best
            move[i, j] = 0 if best == 0.0 else (1 if best == diag else (2 if best == up else 3))
    if H.max() <= 0:
        return []
    i, j = (int(x) for x in np.unravel_index(int(np.argmax(H)), H.shape))
    chain = []
    while i > 0 and j > 0 and move[i, j]:
        step = move[i, j]
        if step == 1:
            chain.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif step == 2:
            i -= 1
        else:
            j -= 1
    return chain[::-1]


class _Best:
    """Best match above the threshold of a sentence in a pair (-1: none), by lookup."""

    def __init__(self, pair: np.ndarray, row: np.ndarray, best: np.ndarray, n_rows: int):
        self.n = np.int64(n_rows)
        code = pair.astype(np.int64) * self.n + row
        order = np.argsort(code, kind="stable")
        self.code, self.best = code[order], best[order]

    def __call__(self, pair: np.ndarray, row: np.ndarray) -> np.ndarray:
        code = pair.astype(np.int64) * self.n + row
        at = np.minimum(np.searchsorted(self.code, code), max(len(self.code) - 1, 0))
        if not len(self.code):
            return np.full(len(code), -1, dtype=np.int64)
        return np.where(self.code[at] == code, self.best[at], -1)


def _words(X: sparse.csr_matrix, rows: np.ndarray) -> sparse.csr_matrix:
    """Which words each of ``rows`` has (1.0 per word), as ``(X != 0)[rows]``: only the
    rows asked for, not a second copy of the whole matrix."""
    return (X[rows] != 0).astype(np.float64).tocsr()


def _widen(X: sparse.csr_matrix, doc_of: np.ndarray, position: np.ndarray, pair: np.ndarray,
           i: np.ndarray, j: np.ndarray, s: np.ndarray, best_of: _Best, max_merge: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For anchors (i, j) of cosine s: the best run of i's side merged against j.

    Returns ``(lo, hi, cosine)``: the run's first and last row (``lo == hi == i`` when no run
    beats the anchor alone) and its cosine with j.
    """
    n = X.shape[0]
    offsets = sorted({d for span in _SPANS if len(span) <= max_merge for d in span} - {0})
    sq = np.asarray(X.multiply(X).sum(axis=1)).ravel()  # squared norms (0 for no content)
    part, ok, to_j = {}, {}, {0: s}
    for d in offsets:
        r = i + d
        inside = (r >= 0) & (r < n)
        r = np.where(inside, r, i)
        # adjacent in the document, not only in the table (a caption may lie between)
        valid = inside & (doc_of[r] == doc_of[i]) & (position[r] - position[i] == d)
        other = best_of(pair, r)
        ok[d] = valid & ((other == -1) | (other == j))
        part[d] = r
        to_j[d] = np.where(ok[d], _rowdot(X, r, j), 0.0)
    part[0], ok[0] = i, np.ones(len(i), dtype=bool)
    gram: dict[tuple[int, int], np.ndarray] = {}
    lo, hi, best = i.copy(), i.copy(), s.copy()
    for span in _SPANS:
        if len(span) > max_merge:
            continue
        valid = np.logical_and.reduce([ok[d] for d in span])
        if not valid.any():
            continue
        num = sum(to_j[d] for d in span)
        den = sum(np.where(valid, sq[part[d]], 1.0) for d in span)
        for x, d in enumerate(span):
            for e in span[x + 1:]:
                if (d, e) not in gram:
                    gram[(d, e)] = _rowdot(X, part[d], part[e])
                den = den + 2 * gram[(d, e)]
        cos = np.where(valid, num / np.sqrt(np.maximum(den, 1e-12)), 0.0)
        candidate = valid & (cos > best + 1e-9)
        for d in span:  # each added sentence brings a word of j the rest of the run lacks
            if d == 0 or not candidate.any():
                continue
            rows = np.flatnonzero(candidate)
            shared = _words(X, part[d][rows]).multiply(_words(X, j[rows]))
            rest = sum(_words(X, part[e][rows]) for e in span if e != d)
            new = np.asarray((shared - shared.multiply(rest > 0)).sum(axis=1)).ravel()
            candidate[rows[new <= 0]] = False
        lo = np.where(candidate, i + span[0], lo)
        hi = np.where(candidate, i + span[-1], hi)
        best = np.where(candidate, cos, best)
    return lo, hi, best


def chain_links(similar: pd.DataFrame, X: sparse.csr_matrix, doc_of: np.ndarray,
                pairs: np.ndarray, *, max_merge: int = 3,
                position: np.ndarray | None = None) -> pd.DataFrame:
    """The links chains are made of: mutual best matches, widened to merged runs.

    Parameters
    ----------
    similar : DataFrame
        From :func:`framelab.reuse.similar_sentences` (rows of ``X``; every cross-document
        sentence pair above the threshold).
    X : sparse matrix
        L2-normalised sentence vectors; the sentences of a document are consecutive rows,
        in reading order.
    doc_of : array
        Document position of each row of ``X``.
    pairs : array of shape (n_pairs, 2)
        Document positions ``(a, b)`` of the candidate pairs, ``a < b``.
    max_merge : int
        Longest run of one side merged into one link (1: one-to-one links only).
    position : array, optional
        Each row's place in its document; a run merges only sentences that are adjacent
        there (default: adjacent rows).

    Returns
    -------
    DataFrame
        ``pair`` (row of ``pairs``), ``i0, i1`` (rows of a's run), ``j0, j1`` (b's),
        ``cosine``, and ``mutual`` (number of mutual best matches of the pair, on every
        row), sorted by pair and ``i0``.
    """
    if max_merge < 1:
        raise ParameterError(f"max_merge={max_merge}: a link joins at least 1 sentence")
    empty = pd.DataFrame({c: pd.Series(dtype=np.int64) for c in _LINK_COLUMNS + ["mutual"]})
    if similar.empty or not len(pairs):
        return empty.astype({"cosine": float})
    sa, sb = similar["sa"].to_numpy(np.int64), similar["sb"].to_numpy(np.int64)
    cos = similar["cosine"].to_numpy(float)
    da, db = doc_of[sa], doc_of[sb]
    swap = da > db
    a, b = np.where(swap, sb, sa), np.where(swap, sa, sb)
    n_docs = np.int64(max(int(doc_of.max()), int(pairs.max())) + 1)
    key = np.minimum(da, db) * n_docs + np.maximum(da, db)
    pair_key = pairs[:, 0].astype(np.int64) * n_docs + pairs[:, 1]
    order = np.argsort(pair_key, kind="stable")
    at = np.minimum(np.searchsorted(pair_key[order], key), len(order) - 1)
    keep = pair_key[order][at] == key
    p, a, b, cos = order[at][keep], a[keep], b[keep], cos[keep]
    # the whole similar table's arrays are not needed from here (at 100,000 articles each
    # is 5 million long): free them before the merges are computed
    del sa, sb, da, db, swap, key, at, keep, order
    if not len(p):
        return empty.astype({"cosine": float})
    by_row = np.lexsort((b, -cos, a, p))           # best b of each (pair, a), ties: first b
    row_best = by_row[_first_of_groups(p[by_row], a[by_row])]
    del by_row
    by_col = np.lexsort((a, -cos, b, p))           # best a of each (pair, b)
    col_best = by_col[_first_of_groups(p[by_col], b[by_col])]
    del by_col
    anchor = np.intersect1d(row_best, col_best)
    n_rows = X.shape[0]
    best_b = _Best(p[row_best], a[row_best], b[row_best], n_rows)
    best_a = _Best(p[col_best], b[col_best], a[col_best], n_rows)
    pa, i, j, s = p[anchor], a[anchor], b[anchor], cos[anchor]
    del p, a, b, cos, row_best, col_best, anchor
    at = np.arange(n_rows, dtype=np.int64) if position is None else np.asarray(position)
    i0, i1, cos_a = _widen(X, doc_of, at, pa, i, j, s, best_b, max_merge)
    j0, j1, cos_b = _widen(X, doc_of, at, pa, j, i, s, best_a, max_merge)
    use_b = cos_b > cos_a
    links = pd.DataFrame({
        "pair": pa, "i0": np.where(use_b, i, i0), "i1": np.where(use_b, i, i1),
        "j0": np.where(use_b, j0, j), "j1": np.where(use_b, j1, j),
        "cosine": np.where(use_b, cos_b, cos_a)})
    links["mutual"] = links.groupby("pair")["pair"].transform("size").astype(np.int64)
    return links.sort_values(["pair", "i0", "j0"], kind="stable").reset_index(drop=True)


def _best_chain(i0: Sequence[int], i1: Sequence[int], j0: Sequence[int], j1: Sequence[int],
                score: Sequence[float], gap: float) -> list[int]:
    """Indices of the best-scoring ordered chain of links (sorted by i0), local alignment."""
    m = len(score)
    best, back = [0.0] * m, [-1] * m
    for q in range(m):
        top, arg = 0.0, -1
        for r in range(q):
            if i1[r] < i0[q] and j1[r] < j0[q]:
                value = best[r] - gap * ((i0[q] - i1[r] - 1) + (j0[q] - j1[r] - 1))
                if value > top:
                    top, arg = value, r
        best[q], back[q] = score[q] + top, arg
    q = max(range(m), key=best.__getitem__)
    chain = []
    while q >= 0:
        chain.append(q)
        q = back[q]
    return chain[::-1]


def align_rewrites(
    candidates: pd.DataFrame,
    sentences: pd.DataFrame,
    layer: RewriteLayer,
    *,
    gap: float = 0.02,
    verbatim_run: int = 10,
    max_merge: int = 3,
    min_chain: int = 3,
    seed: int = 0,
    documents: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ordered sentence chain of each candidate pair (module docstring).

    Parameters
    ----------
    candidates : DataFrame
        Pairs (``doc_a``, ``doc_b``), from either layer.
    sentences : DataFrame
        The (body) sentence table given to :func:`framelab.reuse.find_rewrite_candidates`.
        Without its texts (:func:`framelab.corpus.without_texts`), the passages' texts are
        read from ``documents``.
    layer : RewriteLayer
        From :func:`framelab.reuse.find_rewrite_candidates` (its similar sentences, vectors
        and threshold).
    gap : float
        Cost of a sentence skipped inside the chain: a link of cosine ``threshold + 0.2``
        pays for ten skipped sentences.
    verbatim_run : int
        A chain passage whose sentences share this many identical tokens in a row is
        ``verbatim``, else ``paraphrase``.
    max_merge : int
        Longest run of adjacent sentences of one side joined into one link (a sentence split
        in two or three by the rewrite); 1 links one sentence to one sentence.
    min_chain : int
        Chains with at least this many links get passages (``reuse_passages``, layer
        ``rewrite``) and an order test; shorter ones only their row in ``chains``.
    seed : int
        Seeds the random orders of the order test for pairs with more than 7 links (fewer
        are tested exactly, every order).

    Returns
    -------
    passages : DataFrame
        Columns :data:`framelab.reuse.PASSAGE_COLUMNS` with ``layer = "rewrite"``; a merged
        link is one passage whose text spans its sentences (``sentence_a`` / ``sentence_b``
        join their ids with "+").
    chains : DataFrame
        Columns :data:`CHAIN_COLUMNS`: links in the chain, mutual best matches in any order
        (``n_unordered``), links per sentence of each side (``rewrite_coverage_a`` /
        ``_b``; a merged link counts once), the chain's score (sum of cosine - threshold)
        and the links that merge sentences (``n_merged``), and ``rewrite_p``: the share
        of shuffled orders of the pair's links whose best chain scores as well
        (:func:`framelab.reuse.order_pvalue`; NaN for chains under ``min_chain`` links);
        ``links``: every link of the pair, in or out of the chain, as
        ``sentence_a>sentence_b`` joined by ";" (a merged run's ids joined by "+"), the
        sentences ``classify_pairs`` looks at for reported speech of one speaker.
    """
    check_columns(candidates, ("doc_a", "doc_b"), "candidates")
    check_columns(sentences, ("doc_id", "sentence_id", "start", "end"), "sentences")
    check_sentence_texts(sentences, documents)
    if gap < 0:
        raise ParameterError(f"gap={gap}: the cost of a skipped sentence must be >= 0")
    if min_chain < 1:
        raise ParameterError(f"min_chain={min_chain}: a chain has at least 1 link")
    _check_unit("threshold", layer.threshold)
    if candidates.empty or layer.X is None:
        return _empty(PASSAGE_COLUMNS), _empty(CHAIN_COLUMNS)
    index = {d: k for k, d in enumerate(layer.doc_ids)}
    sent = _rows_in(sentences, "doc_id", index).reset_index(drop=True)
    if len(sent) != layer.X.shape[0]:
        raise ParameterError(f"sentences has {len(sent)} sentences of the layer's documents "
                             f"but the layer was built on {layer.X.shape[0]}: pass the "
                             "sentence table given to find_rewrite_candidates")
    pos_a = candidates["doc_a"].map(index)
    pos_b = candidates["doc_b"].map(index)
    known = pos_a.notna() & pos_b.notna()
    pa, pb = pos_a[known].to_numpy(np.int64), pos_b[known].to_numpy(np.int64)
    pairs = np.column_stack([np.minimum(pa, pb), np.maximum(pa, pb)])
    flipped = pa > pb
    links = chain_links(layer.similar, layer.X, layer.doc_of, pairs, max_merge=max_merge,
                        position=layer.position)
    if links.empty:
        return _empty(PASSAGE_COLUMNS), _empty(CHAIN_COLUMNS)
    threshold = layer.threshold
    n_sent = np.bincount(layer.doc_of, minlength=len(layer.doc_ids))
    chosen = []
    cols = {c: links[c].to_numpy() for c in ("pair", "i0", "i1", "j0", "j1", "cosine")}
    bounds = np.flatnonzero(np.r_[True, cols["pair"][1:] != cols["pair"][:-1], True])
    ids = np.asarray(layer.doc_ids, dtype=object)
    p_of: dict[int, float] = {}
    for lo, hi in itertools.pairwise(bounds.tolist()):
        if hi - lo == 1:
            chosen.append(lo)
            if min_chain <= 1:
                p_of[int(cols["pair"][lo])] = 1.0  # one link has no order
            continue
        sl = slice(lo, hi)
        gain = cols["cosine"][sl] - threshold
        chain = _best_chain(cols["i0"][sl].tolist(), cols["i1"][sl].tolist(),
                            cols["j0"][sl].tolist(), cols["j1"][sl].tolist(),
                            gain.tolist(), gap)
        chosen.extend(lo + k for k in chain)
        if len(chain) >= min_chain:  # only a chain that can make a rewrite is tested
            p = int(cols["pair"][lo])
            p_of[p] = order_pvalue(cols["i0"][sl], cols["i1"][sl], cols["j0"][sl],
                                   cols["j1"][sl], gain, gap=gap, seed=seed,
                                   key=f"{ids[pairs[p, 0]]}\x1f{ids[pairs[p, 1]]}")
    kept = links.iloc[np.asarray(chosen, dtype=np.int64)].reset_index(drop=True)
    kept["gain"] = kept["cosine"] - threshold
    kept["merged"] = ((kept["i1"] > kept["i0"]) | (kept["j1"] > kept["j0"])).astype(np.int64)
    agg = kept.groupby("pair", sort=True).agg(
        n_rewrite=("pair", "size"), n_unordered=("mutual", "first"),
        rewrite_score=("gain", "sum"), n_merged=("merged", "sum"))
    pair_rows = agg.index.to_numpy()
    doc_a_pos, doc_b_pos = pairs[pair_rows, 0], pairs[pair_rows, 1]
    flip = flipped[pair_rows]  # report each pair as the candidates name it
    # coverage counts links (a merged link once): merges complete the passages of a chain,
    # they do not make it cover more (on one-story corpora, neighbouring sentences share
    # the story's words, and counting merged sentences called chance chains rewrites)
    cov_first = agg["n_rewrite"].to_numpy() / np.maximum(n_sent[doc_a_pos], 1)
    cov_second = agg["n_rewrite"].to_numpy() / np.maximum(n_sent[doc_b_pos], 1)
    chains = pd.DataFrame({
        "doc_a": ids[np.where(flip, doc_b_pos, doc_a_pos)],
        "doc_b": ids[np.where(flip, doc_a_pos, doc_b_pos)],
        "n_rewrite": agg["n_rewrite"].to_numpy(np.int64),
        "n_unordered": agg["n_unordered"].to_numpy(np.int64),
        "rewrite_coverage_a": np.where(flip, cov_second, cov_first),
        "rewrite_coverage_b": np.where(flip, cov_first, cov_second),
        "rewrite_score": agg["rewrite_score"].to_numpy(float).round(6),
        "n_merged": agg["n_merged"].to_numpy(np.int64),
        "rewrite_p": [p_of.get(int(p), np.nan) for p in pair_rows],
        "links": _link_ids(links, _column_at(sent["sentence_id"], links), flipped,
                           pair_rows)})
    long_enough = set(pair_rows[agg["n_rewrite"].to_numpy() >= min_chain].tolist())
    shown = kept[kept["pair"].isin(long_enough)]
    passages = _passages(shown, sent, documents, pairs, flipped, ids, verbatim_run)
    order = {(a, b): k for k, (a, b) in enumerate(zip(candidates["doc_a"], candidates["doc_b"]))}
    rank = [order.get((a, b), len(order)) for a, b in zip(chains["doc_a"], chains["doc_b"])]
    chains = chains.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)
    release_memory()
    return passages, chains


def _linked_rows(links: pd.DataFrame) -> np.ndarray:
    """The sentence rows ``links`` joins (``i0..i1``, ``j0..j1``), ascending."""
    lo = np.r_[links["i0"].to_numpy(np.int64), links["j0"].to_numpy(np.int64)]
    hi = np.r_[links["i1"].to_numpy(np.int64), links["j1"].to_numpy(np.int64)]
    return np.unique(_ragged(lo, hi - lo + 1)[0])


def _column_at(column: pd.Series, links: pd.DataFrame) -> dict[int, str]:
    """``column`` (as str) at the sentence rows ``links`` joins, by row: only those rows
    become Python strings, not the whole sentence table's."""
    rows = _linked_rows(links)
    return dict(zip(rows.tolist(), column.take(rows).astype(str).tolist()))


def _texts_at(sent: pd.DataFrame, documents: pd.DataFrame | None, column: str,
              rows: np.ndarray) -> dict[int, str]:
    """A sentence text (as str) at ``rows``, by row (read from ``documents`` if ``sent``
    has none)."""
    return dict(zip(rows.tolist(), map(str, sentence_texts(sent, documents, column, rows))))


def _link_ids(links: pd.DataFrame, sid: dict[int, str], flipped: np.ndarray,
              pair_rows: np.ndarray) -> list[str]:
    """Each pair's links as ``sentence_a>sentence_b`` joined by ";", in the pair's
    orientation (rows of ``links`` are sorted by pair)."""
    def link(i0: int, i1: int, j0: int, j1: int, flip: bool) -> str:
        a = "+".join(sid[r] for r in range(i0, i1 + 1))
        b = "+".join(sid[r] for r in range(j0, j1 + 1))
        return f"{b}>{a}" if flip else f"{a}>{b}"

    out: dict[int, str] = {}  # one pair's links at a time are made and joined
    rows = links[["pair", "i0", "i1", "j0", "j1"]].itertuples(index=False)
    for p, group in itertools.groupby(rows, key=lambda row: int(row[0])):
        joined = ";".join(link(int(i0), int(i1), int(j0), int(j1), bool(flipped[p]))
                          for _, i0, i1, j0, j1 in group)
        out[p] = f"{out[p]};{joined}" if p in out else joined
    return [out.get(int(p), "") for p in pair_rows]


def _passages(links: pd.DataFrame, sent: pd.DataFrame, documents: pd.DataFrame | None,
              pairs: np.ndarray, flipped: np.ndarray,
              ids: np.ndarray, verbatim_run: int) -> pd.DataFrame:
    """One passage per chain link (merged runs joined), in the candidates' orientation."""
    starts, ends = sent["start"].to_numpy(np.int64), sent["end"].to_numpy(np.int64)
    linked = _linked_rows(links)   # read once for both texts
    text_of, norm_of = (_texts_at(sent, documents, c, linked) for c in ("text", "text_norm"))
    sid = _column_at(sent["sentence_id"], links)
    rows = []
    index_in_pair: dict[int, int] = {}
    for p, i0, i1, j0, j1, cos in links[["pair", "i0", "i1", "j0", "j1", "cosine"]] \
            .itertuples(index=False):
        sides = [(int(i0), int(i1)), (int(j0), int(j1))]
        if flipped[p]:
            sides.reverse()
        a_pos, b_pos = (pairs[p, 1], pairs[p, 0]) if flipped[p] else (pairs[p, 0], pairs[p, 1])
        texts, norms, spans, sids = [], [], [], []
        for (lo, hi), pos in zip(sides, (a_pos, b_pos)):
            rng = range(lo, hi + 1)
            texts.append(" ".join(text_of[r] for r in rng))
            norms.append(" ".join(norm_of[r] for r in rng))
            spans.append((int(starts[lo]), int(ends[hi])))
            sids.append("+".join(sid[r] for r in rng))
        run = _longest_run(tokenize(norms[0], stop_words=None),
                           tokenize(norms[1], stop_words=None))[2]
        k = index_in_pair.get(p, 0)
        index_in_pair[p] = k + 1
        rows.append((ids[a_pos], ids[b_pos], spans[0][0], spans[0][1], spans[1][0],
                     spans[1][1], round(float(cos), 6),
                     "verbatim" if run >= verbatim_run else "paraphrase", texts[0], texts[1],
                     k, sids[0], sids[1], int(run), "rewrite"))
    frame = pd.DataFrame(rows, columns=PASSAGE_COLUMNS)
    return frame.astype({c: "int64" for c in ("start_a", "end_a", "start_b", "end_b",
                                                "passage_index", "longest_run")})
