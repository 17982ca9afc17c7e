"""Text reuse between documents: who copied whom, and what the rewrite changed.

Four steps, each a pure function on the canonical tables (``docs/reuse.md`` explains the
method and its limits):

1. :func:`candidate_pairs` -- pairs of documents that share word n-gram shingles (exact
   Jaccard and containment for small corpora, MinHash + LSH from :mod:`framelab.reuse` for
   large ones), plus, for small corpora, pairs with several closely paraphrased sentences.
2. :func:`align_passages` (from :mod:`framelab.reuse`) -- one-to-one sentence alignment inside each pair (TF-IDF cosine for
   paraphrase, the longest shared token run for verbatim copy), order-free, with offsets.
3. :func:`passage_changes` (from :mod:`framelab.reuse`) -- the codebook labels, actors, reporting verbs and direct quotes
   that differ between the two sides of each aligned passage (:mod:`framelab.codebook`,
   :func:`framelab.framing.quote_spans`).
4. :func:`reuse_pairs` -- one row per pair with its kind and a *direction hypothesis*.

:func:`find_reuse` runs all four. Figures and the side-by-side HTML view are in
:mod:`framelab.reuse`.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..corpus import check_sentence_texts, member_of, release_memory, sentence_texts
from ..errors import ParameterError, ReuseWarning, check_columns
from ..tokens import register_memo
from . import _minhash as minhash
from ._alignment import (
    _SENT_REQUIRED,
    _check_unit,
    _empty,
    _Space,
)

__all__ = ['CANDIDATE_COLUMNS', 'KINDS', 'METHODS', 'PAIR_COLUMNS', 'ReuseResult', 'candidate_pairs', 'doc_texts', 'reuse_pairs', 'short_documents']

log = logging.getLogger(__name__)

#: Candidate pairs from :func:`candidate_pairs`.
CANDIDATE_COLUMNS = ["doc_a", "doc_b", "shared_shingles", "jaccard", "containment_a_in_b",
                     "containment_b_in_a", "channel"]
#: ``reuse_pairs`` (the output contract), then extra columns documented in docs/reuse.md.
PAIR_COLUMNS = ["doc_a", "doc_b", "outlet_a", "outlet_b", "similarity", "containment_a_in_b",
                "containment_b_in_a", "n_aligned", "kind",
                "shared_shingles", "coverage_a", "coverage_b", "channel", "direction"]
#: ``reuse_pairs`` as :func:`find_reuse` writes it: :data:`PAIR_COLUMNS`, then the relation
#: columns of :func:`framelab.relation.classify_pairs`.
#: Values of ``reuse_pairs.kind`` and ``reuse_passages.kind``.
KINDS = ("verbatim", "paraphrase", "mixed")
METHODS = ("auto", "exact", "minhash")

_DOC_REQUIRED = ("doc_id", "outlet", "text_norm")



class ReuseResult(NamedTuple):
    """Everything :func:`find_reuse` computes (each a DataFrame).

    ``passages`` and ``changes`` hold both layers (column ``layer``); ``chains`` is
    :data:`framelab.rewrite.CHAIN_COLUMNS`; ``quotes`` is :func:`framelab.quotes.find_quotes`.
    """

    pairs: pd.DataFrame
    passages: pd.DataFrame
    changes: pd.DataFrame
    candidates: pd.DataFrame
    short: pd.DataFrame
    chains: pd.DataFrame
    quotes: pd.DataFrame


def _warn(message: str) -> None:
    log.warning(message)
    warnings.warn(message, ReuseWarning, stacklevel=3)


# --- 1. candidate pairs ------------------------------------------------------------------

def short_documents(documents: pd.DataFrame, sentences: pd.DataFrame | None = None, *,
                    shingle_size: int = 5, shingles: pd.DataFrame | None = None
                    ) -> pd.DataFrame:
    """Documents with fewer tokens than the shingle size: they have no shingle to compare.

    Tokens are counted in the given ``sentences`` (as :func:`candidate_pairs` does), else in
    the whole text; or read from ``shingles`` (:func:`framelab.run.reuse_shingles` of the
    same documents, in their order).

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``outlet``, ``n_tokens``, one row per short document.
    """
    check_columns(documents, _DOC_REQUIRED, "documents")
    if shingles is not None and len(shingles) == len(documents):
        n_tokens = shingles["n_tokens"].to_numpy(np.int64)
    else:
        _, n_tokens = minhash.shingle_sets(doc_texts(documents, sentences), size=shingle_size)
    short = n_tokens < shingle_size
    return pd.DataFrame({"doc_id": documents["doc_id"].to_numpy()[short],
                         "outlet": documents["outlet"].to_numpy()[short],
                         "n_tokens": n_tokens[short]})


def _paraphrase_pairs(space: _Space, doc_index: dict[str, int], *, threshold: float,
                      min_sentences: int, block: int = 2000) -> pd.DataFrame:
    """Document pairs with at least ``min_sentences`` sentence pairs of cosine >= threshold."""
    doc_of = space.doc_ids.map(doc_index).to_numpy()
    found = []
    XT = space.X.T.tocsc()
    for lo in range(0, space.X.shape[0], block):
        sim = (space.X[lo:lo + block] @ XT).tocoo()
        keep = sim.data >= threshold
        da, db = doc_of[lo + sim.row[keep]], doc_of[sim.col[keep]]
        keep2 = da < db
        found.append(pd.DataFrame({"a": da[keep2], "b": db[keep2],
                                   "sa": lo + sim.row[keep][keep2], "sb": sim.col[keep][keep2]}))
    hits = pd.concat(found) if found else pd.DataFrame(columns=["a", "b", "sa", "sb"])
    # a sentence counts once per pair (a rough one-to-one bound)
    n = hits.groupby(["a", "b"]).agg(na=("sa", "nunique"), nb=("sb", "nunique"))
    n = n[np.minimum(n["na"], n["nb"]) >= min_sentences].reset_index()
    return n[["a", "b"]].astype(np.int64)


def candidate_pairs(
    documents: pd.DataFrame,
    sentences: pd.DataFrame | None = None,
    *,
    shingle_size: int = 5,
    method: str = "auto",
    threshold: float = 0.5,
    min_containment: float = 0.05,
    min_shared: int = 5,
    num_perm: int = 128,
    bands: int = 0,
    seed: int = 0,
    exact_max_docs: int = 2000,
    paraphrase_threshold: float = 0.5,
    min_paraphrase: int = 2,
    max_bucket_size: int = 1000,
    shingles: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Pairs of documents that may share text.

    A pair is a candidate when it shares at least ``min_shared`` shingles, or its shingle
    Jaccard is at least ``threshold``, or one document has at least ``min_containment`` of
    its shingles in the other. Given a ``sentences`` table, shingles come from the body
    sentences only (bylines, captions and boilerplate do not pair documents). With ``method="exact"`` every such pair
    is found through an inverted index of shingles; with ``"minhash"`` only pairs that meet in
    an LSH bucket are checked (MinHash estimates Jaccard, so pairs that reuse only a small
    part of a long document are mostly missed: see docs/reuse.md). For the exact method and a
    ``sentences`` table, pairs with at least ``min_paraphrase`` sentence pairs of TF-IDF
    cosine >= ``paraphrase_threshold`` are added too (channel ``paraphrase``): rewrites
    rarely keep five words in a row.

    Parameters
    ----------
    documents : DataFrame
        The documents table (``doc_id``, ``outlet``, ``text_norm``).
    sentences : DataFrame, optional
        The (body) sentence table; enables the paraphrase channel.
    shingle_size : int
        Tokens per shingle (stop words kept).
    method : {"auto", "exact", "minhash"}
        ``auto`` is exact up to ``exact_max_docs`` documents, MinHash + LSH above.
    threshold : float
        Shingle Jaccard that makes a pair a candidate (and the LSH target threshold).
    min_containment : float
        Share of one document's shingles found in the other that makes a pair a candidate.
    min_shared : int
        Shared shingles that make a pair a candidate whatever its length (a run of
        ``shingle_size + min_shared - 1`` identical tokens, or several shorter ones).
    num_perm, bands, seed : int
        MinHash signature length, LSH bands (0 = chosen from ``threshold`` by
        :func:`framelab.reuse.choose_bands`) and hash seed.
    exact_max_docs : int
        Largest corpus for which ``auto`` uses the exact method.
    paraphrase_threshold : float
        Sentence TF-IDF cosine for the paraphrase channel.
    min_paraphrase : int
        Sentence pairs above ``paraphrase_threshold`` a paraphrase candidate needs.
    max_bucket_size : int
        Passed to :func:`framelab.reuse.candidates_from_buckets`.
    shingles : DataFrame, optional
        Each document's shingle set, already computed (partition by partition on an
        engine) by :func:`framelab.run.reuse_shingles` with the same ``shingle_size``
        and sentences; one row per document, in the order of ``documents``.

    Returns
    -------
    DataFrame
        Columns :data:`CANDIDATE_COLUMNS`; ``doc_a`` comes before ``doc_b`` in
        ``documents``; ``channel`` is ``shingles``, ``paraphrase`` or
        ``shingles+paraphrase``. Empty (with a :class:`ReuseWarning`) for fewer than two
        documents.

    Warns
    -----
    ReuseWarning
        Fewer than two documents (nothing to pair), or documents shorter than
        ``shingle_size`` tokens (named; see :func:`short_documents`).
    """
    check_columns(documents, _DOC_REQUIRED, "documents")
    if method not in METHODS:
        raise ParameterError(f"method={method!r}; use one of {', '.join(METHODS)}")
    _check_unit("threshold", threshold)
    _check_unit("min_containment", min_containment)
    _check_unit("paraphrase_threshold", paraphrase_threshold)
    if min_shared < 1:
        raise ParameterError(f"min_shared={min_shared}: a pair must share at least 1 shingle")
    n_docs = len(documents)
    if n_docs < 2:
        _warn(f"the corpus has {n_docs} document(s): nothing to pair. Text reuse compares "
              "documents with each other; add at least one more document")
        return _empty(CANDIDATE_COLUMNS)
    if method == "auto":
        method = "exact" if n_docs <= exact_max_docs else "minhash"
    ids = documents["doc_id"].astype(str).to_numpy()
    if sentences is not None:
        check_columns(sentences, _SENT_REQUIRED, "sentences")
        check_sentence_texts(sentences, documents, ("text_norm",))
    if shingles is None:
        sets, n_tokens = minhash.shingle_sets(doc_texts(documents, sentences),
                                              size=shingle_size)
    else:
        check_columns(shingles, ("doc_id", "n_tokens", "shingles"), "shingles")
        if shingles["doc_id"].astype(str).tolist() != ids.tolist():
            raise ParameterError(
                f"shingles has {len(shingles)} rows that are not the {n_docs} documents in "
                "their order; compute it with runcorpus.reuse_shingles on the same corpus")
        sets = list(shingles["shingles"])
        n_tokens = shingles["n_tokens"].to_numpy(np.int64)
    short = n_tokens < shingle_size
    if short.any():
        named = ", ".join(f"{d} ({n} tokens)" for d, n in zip(ids[short][:10], n_tokens[short]))
        _warn(f"{int(short.sum())} of {n_docs} document(s) have fewer than shingle_size="
              f"{shingle_size} tokens and no shingle to compare: {named}"
              + (" ..." if short.sum() > 10 else "") + ". They can only be paired by the "
              "paraphrase channel; see reuse.short_documents() or lower shingle_size")
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    if method == "exact":
        over = minhash.shingle_overlap(sets)
    else:
        over = _lsh_overlap(sets, sizes, shingle_size=shingle_size, num_perm=num_perm,
                            bands=bands or minhash.choose_bands(num_perm, threshold),
                            seed=seed, max_bucket_size=max_bucket_size)
    keep = (over["shared"] >= min_shared) | (over["jaccard"] >= threshold) | (
        np.maximum(over["containment_i_in_j"], over["containment_j_in_i"]) >= min_containment)
    over = over[keep].assign(channel="shingles")
    if method == "exact" and sentences is not None and len(sentences):
        index = {d: i for i, d in enumerate(ids)}
        rows = np.flatnonzero(sentences["doc_id"].isin(index).to_numpy())
        para = _paraphrase_pairs(_Space.of(sentences, documents, rows), index,
                                 threshold=paraphrase_threshold, min_sentences=min_paraphrase)
        over = _add_paraphrase(over, para, sets, sizes)
    elif sentences is not None and method == "minhash":
        log.info("paraphrase channel skipped: it compares all sentences, so it runs only "
                 "with the exact method (up to exact_max_docs=%d documents)", exact_max_docs)
    over = over.sort_values(["i", "j"]).reset_index(drop=True)
    i, j = over["i"].to_numpy(np.int64), over["j"].to_numpy(np.int64)
    out = pd.DataFrame({"doc_a": ids[i], "doc_b": ids[j],
                        "shared_shingles": over["shared"].to_numpy(np.int64),
                        "jaccard": over["jaccard"].to_numpy(float),
                        "containment_a_in_b": over["containment_i_in_j"].to_numpy(float),
                        "containment_b_in_a": over["containment_j_in_i"].to_numpy(float),
                        "channel": over["channel"].to_numpy(object)})
    log.info("%d candidate pair(s) among %d documents (method=%s)", len(out), n_docs, method)
    release_memory()  # the signatures and buckets (or the exact overlap's sets)
    return out


def doc_texts(documents: pd.DataFrame, sentences: pd.DataFrame | None) -> list[str]:
    """Text each document is shingled on: its sentences (a line each, in table order) when
    given (their ``text_norm``, or the documents' at their offsets when they have none)."""
    if sentences is None:
        return documents["text_norm"].tolist()
    ids = documents["doc_id"].astype(str).tolist()
    rows = np.flatnonzero(member_of(sentences["doc_id"], frozenset(ids)))
    lines: dict[str, list[str]] = {}
    for d, text in zip(sentences["doc_id"].take(rows).astype(str).tolist(),
                       sentence_texts(sentences, documents, "text_norm", rows)):
        lines.setdefault(d, []).append(text)
    return ["\n".join(lines.get(d, ())) for d in ids]


def _pair_overlap(sets: Sequence[np.ndarray], sizes: np.ndarray, i: np.ndarray,
                  j: np.ndarray) -> pd.DataFrame:
    shared = np.array([len(np.intersect1d(sets[a], sets[b], assume_unique=True))
                       for a, b in zip(i, j)], dtype=np.int64)
    union = sizes[i] + sizes[j] - shared
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "i": i, "j": j, "shared": shared,
            "jaccard": np.where(union > 0, shared / np.maximum(union, 1), 0.0),
            "containment_i_in_j": np.where(sizes[i] > 0, shared / np.maximum(sizes[i], 1), 0.0),
            "containment_j_in_i": np.where(sizes[j] > 0, shared / np.maximum(sizes[j], 1), 0.0)})


def _lsh_overlap(sets: list[np.ndarray], sizes: np.ndarray, *,
                 shingle_size: int, num_perm: int, bands: int, seed: int,
                 max_bucket_size: int) -> pd.DataFrame:
    signatures = minhash.minhash_from_shingles(sets, num_perm=num_perm, seed=seed)
    found = minhash.lsh_candidates(signatures, np.arange(len(sets)), bands=bands,
                                   max_bucket_size=max_bucket_size)
    log.info("LSH with %d bands x %d rows (threshold ~%.2f): %d candidate pair(s)", bands,
             num_perm // bands, minhash.lsh_threshold(bands, num_perm // bands), len(found))
    over = _pair_overlap(sets, sizes, found["doc_a"].to_numpy(np.int64),
                         found["doc_b"].to_numpy(np.int64))
    return over[over["shared"] >= 1]


def _add_paraphrase(over: pd.DataFrame, para: pd.DataFrame, sets: Sequence[np.ndarray],
                    sizes: np.ndarray) -> pd.DataFrame:
    if para.empty:
        return over
    merged = para.rename(columns={"a": "i", "b": "j"}).merge(
        over[["i", "j"]].assign(_both=True), on=["i", "j"], how="left")
    both = merged["_both"].fillna(False).astype(bool).to_numpy()
    over = over.copy()
    key = pd.MultiIndex.from_frame(over[["i", "j"]])
    hit = key.isin(pd.MultiIndex.from_frame(merged.loc[both, ["i", "j"]])) if both.any() \
        else np.zeros(len(over), bool)
    over.loc[hit, "channel"] = "shingles+paraphrase"
    new = merged.loc[~both, ["i", "j"]].to_numpy(np.int64)
    if len(new):
        extra = _pair_overlap(sets, sizes, new[:, 0], new[:, 1]).assign(channel="paraphrase")
        over = pd.concat([over, extra], ignore_index=True)
    return over


# --- 4. pairs and direction --------------------------------------------------------------

def _parse_date(value: object) -> pd.Timestamp | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or str(value) == "":
        return None
    return _parse_date_text(str(value))


@functools.lru_cache(maxsize=65536)
def _parse_date_text(text: str) -> pd.Timestamp | None:
    """A date as written, parsed once: a corpus has one date per document and pairs repeat
    them (``pd.to_datetime`` on one string costs as much as on a short column)."""
    stamp = pd.to_datetime(text, errors="coerce", utc=True)
    return None if pd.isna(stamp) else stamp


register_memo(_parse_date_text.cache_clear)


def _direction(a: str, b: str, date_a: object, date_b: object, cov_a: float, cov_b: float,
               *, min_coverage: float, min_ratio: float) -> str:
    da, db = _parse_date(date_a), _parse_date(date_b)
    if da is not None and db is not None and da != db:
        first, later = (a, b) if da < db else (b, a)
        d1, d2 = (date_a, date_b) if da < db else (date_b, date_a)
        return (f"hypothesis (dates): {later} ({d2}) appeared after {first} ({d1}); if one "
                f"drew on the other, {later} drew on {first}, or both on a common source")
    for x, y, cx, cy in ((a, b, cov_a, cov_b), (b, a, cov_b, cov_a)):
        if cx >= min_coverage and cx >= min_ratio * cy:
            return (f"hypothesis (containment): {cx:.0%} of {x}'s sentences are aligned in "
                    f"{y} against {cy:.0%} of {y}'s; {x} may be a condensed rewrite of {y}, "
                    f"or {y} an expansion of {x}, or both drew on a common source")
    return "undetermined: no dates and no one-sided containment"


def reuse_pairs(
    candidates: pd.DataFrame,
    passages: pd.DataFrame,
    documents: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    min_aligned: int = 1,
    min_coverage: float = 0.5,
    min_ratio: float = 1.5,
    direction: bool = True,
) -> pd.DataFrame:
    """One row per pair of documents with reused text, and a direction hypothesis.

    ``similarity`` is the shingle Jaccard of the pair; ``kind`` is ``verbatim`` when every
    aligned passage is verbatim, ``paraphrase`` when none is, else ``mixed`` (and "" for a
    pair without aligned passages, kept only with ``min_aligned=0``). ``coverage_a``
    is the share of ``doc_a``'s sentences (in ``sentences``) that are aligned. ``direction``
    is a hypothesis, never a finding: from the dates when both are known and differ, else
    from one-sided containment (one side has at least ``min_coverage`` of its sentences
    aligned and ``min_ratio`` times the other's coverage), else "undetermined".
    ``direction=False`` leaves ``direction`` empty, for a caller that writes its own
    (:func:`framelab.reuse.classify_pairs` does: at 100,000 articles the hypotheses of the
    558,000 candidate pairs were 100 MB of text written only to be replaced).

    Returns
    -------
    DataFrame
        Columns :data:`PAIR_COLUMNS`; candidate pairs with fewer than ``min_aligned``
        aligned passages are left out. Sorted by ``n_aligned`` then ``similarity``,
        highest first.
    """
    check_columns(candidates, CANDIDATE_COLUMNS, "candidates")
    check_columns(passages, ("doc_a", "doc_b", "kind"), "passages")
    check_columns(documents, ("doc_id", "outlet"), "documents")
    if candidates.empty or (passages.empty and min_aligned > 0):
        return _empty(PAIR_COLUMNS)
    n_sent = sentences.groupby("doc_id").size()
    stats = passages.assign(_v=(passages["kind"] == "verbatim").astype(np.int64)).groupby(
        ["doc_a", "doc_b"]).agg(n_aligned=("kind", "size"), n_verbatim=("_v", "sum"))
    frame = candidates.merge(stats.reset_index(), on=["doc_a", "doc_b"], how="left")
    frame = frame.fillna({"n_aligned": 0, "n_verbatim": 0})
    frame = frame[frame["n_aligned"] >= min_aligned]
    if frame.empty:
        return _empty(PAIR_COLUMNS)
    docs = documents.set_index("doc_id")
    dates = docs["date"] if "date" in docs.columns else pd.Series("", index=docs.index)
    frame["kind"] = np.where(frame["n_aligned"] == 0, "",
                             np.where(frame["n_verbatim"] == frame["n_aligned"], "verbatim",
                                      np.where(frame["n_verbatim"] == 0, "paraphrase",
                                               "mixed")))
    frame["outlet_a"] = frame["doc_a"].map(docs["outlet"])
    frame["outlet_b"] = frame["doc_b"].map(docs["outlet"])
    frame["similarity"] = frame["jaccard"]
    frame["coverage_a"] = frame["n_aligned"] / frame["doc_a"].map(n_sent).clip(lower=1)
    frame["coverage_b"] = frame["n_aligned"] / frame["doc_b"].map(n_sent).clip(lower=1)
    # a dict and lists: Series.get and iterating Arrow columns cost per element
    on = dates.to_dict() if direction else {}
    frame["direction"] = [
        _direction(a, b, on.get(a, ""), on.get(b, ""), ca, cb,
                   min_coverage=min_coverage, min_ratio=min_ratio)
        for a, b, ca, cb in zip(frame["doc_a"].tolist(), frame["doc_b"].tolist(),
                                frame["coverage_a"].tolist(), frame["coverage_b"].tolist())
    ] if direction else ""
    frame = frame.sort_values(["n_aligned", "similarity", "doc_a", "doc_b"],
                              ascending=[False, False, True, True])
    return frame[PAIR_COLUMNS].reset_index(drop=True).astype({"n_aligned": "int64"})
