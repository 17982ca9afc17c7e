"""Candidate pairs of both layers, shared quotations, and the relation vocabulary.

The rules that give each pair its relation are in :mod:`framelab.reuse._classify`
(:func:`classify_pairs`); this module holds what they share with the rest of the stage:
:data:`RELATIONS` and the columns, :func:`merge_candidates` (the two layers' candidates in
one table), :func:`needs_shingle_alignment`, :func:`stack_layers` and
:func:`shared_quotes` (two quotations that are the same quote).
"""

from __future__ import annotations

import sys
from typing import TypeVar

import numpy as np
import pandas as pd

from ..errors import check_columns
from ..tokens import tokenize
from . import _minhash as minhash
from ._candidates import CANDIDATE_COLUMNS, PAIR_COLUMNS, _pair_overlap, doc_texts

__all__ = ["RELATIONS", "RELATION_COLUMNS", "RESULT_PAIR_COLUMNS", "merge_candidates",
           "needs_shingle_alignment", "shared_quotes", "stack_layers"]

#: Values of ``reuse_pairs.relation``.
RELATIONS = ("copy", "rewrite", "shared_source", "same_story")
#: Columns :func:`classify_pairs` adds to ``reuse_pairs`` (after the existing ones).
RELATION_COLUMNS = ["relation", "evidence", "n_rewrite", "rewrite_coverage_a",
                    "rewrite_coverage_b", "rewrite_density", "n_verbatim_own",
                    "n_shared_quotes", "shared_quotes", "source", "direction_reason",
                    "labels_kept", "rewrite_changes", "rewrite_p", "rewrite_q",
                    "rewrite_extent", "shared_source_kind", "n_reported", "reported_speech"]
#: The columns of ``reuse_pairs`` as the notebook writes it: the pair, then its relation.
RESULT_PAIR_COLUMNS = PAIR_COLUMNS + RELATION_COLUMNS


def _words(text: str) -> set[str]:
    """Content words of a quotation (stop words would match any two quotes), each word one
    interned string (a corpus's quotations repeat the same words)."""
    return {sys.intern(t.text) for t in tokenize(text)}


def shared_quotes(quotes: pd.DataFrame, doc_a: str, doc_b: str, *,
                  min_overlap: float = 0.5) -> list[tuple[dict, dict]]:
    """Quotations of ``doc_a`` and ``doc_b`` that are the same quote (or a part of it).

    Two quotations match when the shorter has at least ``min_overlap`` of its content words
    (stop words dropped) in the longer (quotes are trimmed differently by different outlets).

    Returns
    -------
    list of (row of a, row of b)
        Rows of ``quotes`` (:data:`framelab.quotes.QUOTE_COLUMNS`) as dicts.
    """
    by_doc = _quotes_by_doc(quotes)
    return _shared(by_doc.get(doc_a, []), by_doc.get(doc_b, []), min_overlap)


_Quote = tuple[set[str], dict]


def _columns(frame: pd.DataFrame) -> list[list]:
    """Each column's values as ``frame.to_dict("records")`` has them (numpy scalars in object
    columns as Python scalars), read column by column."""
    columns = []
    for name in frame.columns:
        values = frame[name].tolist()
        if frame[name].dtype == object:
            values = [v.item() if isinstance(v, np.generic) else v for v in values]
        columns.append(values)
    return columns


def _records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")``, column by column: the same dicts (numpy scalars in object
    columns as Python scalars), without iterating string columns element by element."""
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in zip(*_columns(frame))]


def _quotes_by_doc(quotes: pd.DataFrame, rows: np.ndarray | None = None,
                   words: dict[int, set[str]] | None = None) -> dict[str, list[_Quote]]:
    """Each document's quotations (content words, row as a dict): of ``rows`` (positions in
    ``quotes``, ascending) or of all; ``words`` keeps the content words of each row read."""
    at = np.arange(len(quotes)) if rows is None else rows
    memo: dict[int, set[str]] = {} if words is None else words
    out: dict[str, list[_Quote]] = {}
    for i, row in zip(at.tolist(), _records(quotes.iloc[at])):
        if i not in memo:
            memo[i] = _words(str(row["text"]))
        out.setdefault(str(row["doc_id"]), []).append((memo[i], row))
    return out


_Row = TypeVar("_Row")


def _shared(qa: list[tuple[set[str], _Row]], qb: list[tuple[set[str], _Row]],
            min_overlap: float) -> list[tuple[_Row, _Row]]:
    """The (row of a, row of b) of quotations that are the same quote (``shared_quotes``);
    a row is whatever comes with the content words."""
    found = []
    for wa, ra in qa:
        for wb, rb in qb:
            small = min(len(wa), len(wb))
            if small and len(wa & wb) / small >= min_overlap:
                found.append((ra, rb))
    return found


def merge_candidates(shingle: pd.DataFrame, content: pd.DataFrame, documents: pd.DataFrame,
                     sentences: pd.DataFrame | None, *, shingle_size: int = 5,
                     shingles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Candidate pairs of both layers, in the columns of :func:`framelab.reuse.candidate_pairs`.

    A pair found by the rewrite layer only gets its shingle overlap computed here and
    ``channel = "content"``; a pair found by both gets ``+content`` appended to its channel.
    ``shingles`` (:func:`framelab.run.reuse_shingles`, as given to ``candidate_pairs``)
    saves shingling the documents again.
    """

    if content.empty:
        return shingle
    order = {d: k for k, d in enumerate(documents["doc_id"])}
    key = list(zip(shingle["doc_a"], shingle["doc_b"]))
    both = pd.Series(list(zip(content["doc_a"], content["doc_b"]))).isin(set(key)).to_numpy()
    out = shingle.copy()
    hit = pd.Series(key, dtype=object).isin(
        set(zip(content["doc_a"][both], content["doc_b"][both]))).to_numpy()
    out.loc[hit, "channel"] = out.loc[hit, "channel"] + "+content"
    new = content[~both]
    if len(new):
        docs = sorted(set(new["doc_a"]) | set(new["doc_b"]), key=order.__getitem__)
        local = {d: k for k, d in enumerate(docs)}
        if shingles is not None:
            check_columns(shingles, ("doc_id", "shingles"), "shingles")
            by_doc = pd.Series(list(shingles["shingles"]), index=shingles["doc_id"].astype(str))
            sets = list(by_doc.loc[[str(d) for d in docs]])
        else:
            sub = documents.set_index("doc_id").loc[docs].reset_index()
            sets, _ = minhash.shingle_sets(doc_texts(sub, sentences), size=shingle_size)
        sizes = np.array([len(s) for s in sets], dtype=np.int64)
        over = _pair_overlap(sets, sizes, new["doc_a"].map(local).to_numpy(np.int64),
                             new["doc_b"].map(local).to_numpy(np.int64))
        extra = pd.DataFrame({"doc_a": new["doc_a"].to_numpy(), "doc_b": new["doc_b"].to_numpy(),
                              "shared_shingles": over["shared"].to_numpy(np.int64),
                              "jaccard": over["jaccard"].to_numpy(float),
                              "containment_a_in_b": over["containment_i_in_j"].to_numpy(float),
                              "containment_b_in_a": over["containment_j_in_i"].to_numpy(float),
                              "channel": "content"})
        out = pd.concat([out, extra], ignore_index=True)
    rank = out["doc_a"].map(order) * len(order) + out["doc_b"].map(order)
    return out.iloc[np.argsort(rank.to_numpy(), kind="stable")][CANDIDATE_COLUMNS] \
        .reset_index(drop=True)


def needs_shingle_alignment(candidates: pd.DataFrame, *, shingle_size: int = 5,
                            verbatim_run: int = 10) -> np.ndarray:
    """Which candidate pairs the shingle layer aligns (a boolean mask).

    The pairs the shingle layer found (``channel`` other than ``content``), and pairs found
    by the rewrite layer alone that share enough shingles to hold a copied run of
    ``verbatim_run`` tokens (``verbatim_run - shingle_size + 1`` shingles). The others are
    left to the ordered chains: without such a run they cannot be a ``copy``, and their
    similar sentences are the rewrite layer's evidence. Aligning every same-story pair
    sentence by sentence was most of the reuse stage's time on large one-topic corpora.
    """
    check_columns(candidates, ("channel", "shared_shingles"), "candidates")
    own = (candidates["channel"].astype(str) != "content").to_numpy(bool)
    runs = candidates["shared_shingles"].to_numpy() >= max(1, verbatim_run - shingle_size + 1)
    return own | runs


def _ids(value: object) -> list[str]:
    """Sentence ids of a passage side (a merged rewrite link joins them with "+")."""
    return str(value).split("+")


def stack_layers(shingle: pd.DataFrame, rewrite: pd.DataFrame) -> pd.DataFrame:
    """``reuse_passages`` of both layers: the shingle layer's rows, then the rewrite chains."""
    if rewrite.empty:
        return shingle.reset_index(drop=True)
    if shingle.empty:
        return rewrite.reset_index(drop=True)
    return pd.concat([shingle, rewrite], ignore_index=True)
