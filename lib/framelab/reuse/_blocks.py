"""How :func:`framelab.reuse.classify_pairs` reads its inputs: in blocks of pairs.

At 100,000 articles the pairs' passages, changes, chains and quotations as Python objects
took several GB. The pairs are classified a block at a time (:func:`block_bounds`: a
block's pairs and its tables' rows are bounded), each block reading its rows of each table
as dicts (:func:`rows_by_pair`, :func:`block_records`); quotations are tokenised once, as
pairs first ask for them (:class:`Quotations`); and the blocks' results are joined and
sorted a column at a time (:func:`sorted_pairs`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..corpus import release_memory
from ._relation import RELATIONS, _records, _words

__all__ = ["BLOCK_PAIRS", "BLOCK_ROWS", "Quotations", "block_bounds", "block_records",
           "rows_by_pair", "sorted_pairs"]

#: Pairs classified at a time, and rows of their passages, changes and chains (read as
#: dicts) a block takes at most unless one pair alone has more: what a block holds as
#: Python objects is bounded by them, not by the corpus (pairs come sorted by their aligned
#: passages, so the first pairs have most rows).
BLOCK_PAIRS = 20_000
BLOCK_ROWS = 60_000


def block_bounds(positions: list[np.ndarray], n: int, max_pairs: int = BLOCK_PAIRS,
                 max_rows: int = BLOCK_ROWS) -> list[int]:
    """Where blocks of the ``n`` pairs start, then ``n``: each at most ``max_pairs`` pairs
    and ``max_rows`` rows (``positions``: each table row's pair), or one pair."""
    rows = np.zeros(n, dtype=np.int64)
    for pos in positions:
        rows += np.bincount(pos, minlength=n)[:n]
    bounds, total = [0], 0
    for k, r in enumerate(rows.tolist()):
        if k > bounds[-1] and (k - bounds[-1] >= max_pairs or total + r > max_rows):
            bounds.append(k)
            total = 0
        total += r
    return [*bounds, n]


def rows_by_pair(keys: pd.MultiIndex, table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``table`` ordered by the position of their pair in ``keys`` (rows of
    one pair in table order), and that position of each (rows of other pairs left out)."""
    if table.empty:
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    found = keys.get_indexer(pd.MultiIndex.from_arrays([table["doc_a"].astype(str),
                                                         table["doc_b"].astype(str)]))
    order = np.argsort(found, kind="stable")
    order = order[found[order] >= 0]
    return order, found[order]


def block_records(table: pd.DataFrame, order: np.ndarray, pos: np.ndarray, lo: int,
                  hi: int) -> list[dict]:
    """The rows of pairs ``lo``..``hi`` of ``table`` as dicts."""
    a, b = np.searchsorted(pos, lo), np.searchsorted(pos, hi)
    return _records(table.iloc[order[a:b]])


class Quotations:
    """The quotations ``_shared`` compares, read as the pairs ask for them: each document's
    rows of ``quotes`` with their content words (tokenised once, when a pair first needs
    them, and kept as a tuple of interned words: a set each would be most of what a large
    corpus's quotations take), and as dicts only the rows a pair shares (what the rules and
    the evidence read). Work and objects follow the pairs that compare quotations, not
    every block's documents.
    """

    def __init__(self, quotes: pd.DataFrame) -> None:
        self.quotes = quotes
        self.rows: dict[str, np.ndarray] = {} if quotes.empty else {
            str(d): np.asarray(at) for d, at in
            quotes.groupby(quotes["doc_id"].astype(str), sort=False).indices.items()}
        self.words: dict[int, tuple[str, ...]] = {}   # row of quotes -> its content words

    def read(self, doc_ids: set[str]) -> None:
        """Tokenise the quotations of ``doc_ids`` not read yet."""
        new = [self.rows[d] for d in doc_ids if d in self.rows]
        if not new:
            return
        at = np.sort(np.concatenate(new))
        at = at[[i not in self.words for i in at.tolist()]]
        if len(at):
            texts = self.quotes["text"].iloc[at].tolist()
            self.words.update((i, tuple(_words(str(t)))) for i, t in zip(at.tolist(), texts))

    def of(self, doc_id: str) -> list[tuple[set[str], int]]:
        """A document's quotations as ``_shared`` takes them (row of ``quotes`` in place of
        the row's dict), in table order."""
        at = self.rows.get(doc_id)
        return [] if at is None else [(set(self.words[i]), i) for i in at.tolist()]

    def records(self, at: set[int]) -> dict[int, dict]:
        """Rows ``at`` of ``quotes`` as dicts."""
        rows = sorted(at)
        return dict(zip(rows, _records(self.quotes.iloc[rows]))) if rows else {}


def sorted_pairs(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The blocks' rows in one table, by relation, then most aligned passages and rewrite
    links, then ``doc_a``, ``doc_b`` (stable): ``pd.concat`` and ``sort_values`` of the
    whole table, done a column at a time. Each column of the blocks (then of the joined
    table) is dropped as soon as it is copied, so the table is not held twice (its evidence
    strings are most of a 100,000-article report's 04 kernel at that point), and the
    freed memory is handed back column by column. Empties ``frames``."""
    columns = list(frames[0].columns)
    joined = {}
    for c in columns:
        parts = [f.pop(c) for f in frames]
        joined[c] = (pd.concat(parts, ignore_index=True) if len(parts) > 1
                     else parts[0].reset_index(drop=True))
        del parts
    frames.clear()
    rank = {r: k for k, r in enumerate(RELATIONS)}
    keys = pd.DataFrame({"_r": joined["relation"].map(rank), "n_aligned": joined["n_aligned"],
                         "n_rewrite": joined["n_rewrite"], "doc_a": joined["doc_a"],
                         "doc_b": joined["doc_b"]})
    order = keys.sort_values(list(keys.columns), ascending=[True, False, False, True, True],
                             kind="stable").index.to_numpy()
    del keys
    out = {}
    for c in columns:
        out[c] = joined.pop(c).take(order).reset_index(drop=True)
        # the column's old chunks stay in Arrow's pool until handed back: without this the
        # sorted table and the joined one are both resident at the end
        release_memory(memos=False)
    return pd.DataFrame(out, columns=columns, copy=False)
