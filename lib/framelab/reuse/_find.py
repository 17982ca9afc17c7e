"""The whole reuse analysis in one call: shingle and content-word candidates, alignment,
what changed, and the relation of each pair (:func:`find_reuse`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..codebook import resolve_codebook
from ..corpus import member_of, with_texts
from ..errors import check_columns
from ..framing import find_quotes
from . import _relation as relation
from . import _rewrite as rewrite
from ._alignment import _empty, align_passages, passage_changes
from ._candidates import ReuseResult, candidate_pairs, doc_texts, reuse_pairs, short_documents
from ._chains import align_rewrites
from ._classify import classify_pairs
from ._minhash import shingle_sets
from ._partners import bound_rewrite_candidates, bound_shingle_candidates

if TYPE_CHECKING:
    from ..codebook import Codebook

__all__ = ["document_quotes", "find_reuse", "quoting_documents"]


def quoting_documents(pairs: pd.DataFrame) -> list[str]:
    """Documents whose quotations :func:`classify_pairs` compares: those of pairs that share
    at least one shingle (a quotation two outlets share is the same words, so a shared quote
    of five words or more shares a shingle; ``classify_pairs`` looks for shared quotations
    only in such pairs). Finding quotations is the slow part of classifying pairs."""
    check_columns(pairs, ("doc_a", "doc_b", "shared_shingles"), "pairs")
    some = pairs[pairs["shared_shingles"].to_numpy() > 0]
    return list(dict.fromkeys([*some["doc_a"].astype(str), *some["doc_b"].astype(str)]))


def document_quotes(documents: pd.DataFrame, sentences: pd.DataFrame,
                    codebook: Codebook | str | Path | None = None, *,
                    doc_ids: Iterable[str] | None = None, chunk: int = 256,
                    targets: bool = True) -> pd.DataFrame:
    """:func:`framelab.framing.find_quotes` of the documents (of ``doc_ids`` only, if
    given), ``chunk`` documents at a time: the same rows, in the same order, but the
    sentence table is split once per chunk instead of being scanned once per document.
    ``targets=False`` leaves ``speaker_actor`` and ``targets`` empty (``find_quotes``):
    :func:`classify_pairs` reads neither."""
    if doc_ids is not None:
        # a frozenset of str (reuse_quotes passes one to every part) is used as it is
        only = (doc_ids if isinstance(doc_ids, frozenset)
                and all(isinstance(d, str) for d in doc_ids)
                else frozenset(str(d) for d in doc_ids))
        documents = documents[member_of(documents["doc_id"], only)]
        sentences = sentences[member_of(sentences["doc_id"], only)]
    documents = documents.reset_index(drop=True)
    cb = resolve_codebook(codebook)
    parts = []
    for lo in range(0, len(documents), max(1, chunk)):
        docs = documents.iloc[lo:lo + chunk]
        sents = with_texts(sentences[sentences["doc_id"].isin(set(docs["doc_id"]))], docs)
        parts.append(find_quotes(docs.reset_index(drop=True), cb, sentences=sents,
                                 targets=targets))
    if not parts:
        return find_quotes(documents, cb, sentences=with_texts(sentences, documents),
                           targets=targets)
    found = [p for p in parts if len(p)] or parts[:1]  # empty parts have object columns
    return pd.concat(found, ignore_index=True) if len(found) > 1 else found[0]


def find_reuse(
    documents: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    codebook: Codebook | str | Path | None = None,
    shingle_size: int = 5,
    method: str = "auto",
    threshold: float = 0.5,
    align_threshold: float = 0.3,
    num_perm: int = 128,
    bands: int = 0,
    seed: int = 0,
    rewrite_threshold: float = 0.0,
    min_similar: int = 2,
    neighbours: int = 10,
    gap: float = 0.02,
    max_partners: int = 20,
    max_merge: int = 3,
    verbatim_run: int = 10,
) -> ReuseResult:
    """Run both layers and the relation rules with their defaults.

    ``sentences`` should be the body sentences (with or without their texts:
    :func:`framelab.corpus.without_texts`). The shingle layer (steps 1-4) is as before;
    the rewrite layer (:mod:`framelab.rewrite`) adds candidate pairs from content-word
    sentence similarity (``rewrite_threshold``; 0 means :func:`framelab.rewrite.null_threshold`)
    (each sentence's best match in each of its ``neighbours`` closest documents) and an
    ordered chain per pair (links of one sentence, or of a run of up to ``max_merge``
    sentences of one side); :func:`framelab.relation.classify_pairs` labels each pair. The
    shingle layer aligns the pairs :func:`framelab.reuse.needs_shingle_alignment` names.
    Each layer's candidates are bounded by ``bound_candidates`` (``max_partners`` per
    document; 0 keeps all).
    """

    cb = resolve_codebook(codebook)
    sets, n_tokens = shingle_sets(doc_texts(documents, sentences), size=shingle_size)
    shingles = pd.DataFrame({"doc_id": documents["doc_id"].astype(str).to_numpy(),
                             "n_tokens": n_tokens, "shingles": pd.Series(sets, dtype=object)})
    shingle = candidate_pairs(documents, sentences, shingle_size=shingle_size,
                              method=method, threshold=threshold, num_perm=num_perm,
                              bands=bands, seed=seed, shingles=shingles)
    shingle = bound_shingle_candidates(shingle, max_partners)
    layer = rewrite.find_rewrite_candidates(documents, sentences, threshold=rewrite_threshold,
                                            min_similar=min_similar, neighbours=neighbours,
                                            mwes=cb.mwes, aliases=rewrite.actor_aliases(cb),
                                            seed=seed, pairs=shingle)
    content = bound_rewrite_candidates(layer.candidates, max_partners)
    candidates = relation.merge_candidates(shingle, content, documents, sentences,
                                           shingle_size=shingle_size, shingles=shingles)
    shingled = candidates[relation.needs_shingle_alignment(
        candidates, shingle_size=shingle_size, verbatim_run=verbatim_run)]
    passages = align_passages(shingled, sentences, documents=documents,
                              threshold=align_threshold, verbatim_run=verbatim_run)
    chained, chains = align_rewrites(candidates, sentences, layer, gap=gap,
                                     verbatim_run=verbatim_run, max_merge=max_merge,
                                     seed=seed, documents=documents)
    both = relation.stack_layers(passages, chained)
    changes = passage_changes(both, documents, codebook=cb)
    pairs = reuse_pairs(candidates, passages, documents, sentences, min_aligned=0,
                        direction=False)  # classify_pairs writes the hypotheses
    quotes = document_quotes(documents, sentences, cb, doc_ids=quoting_documents(pairs)) \
        if len(pairs) else _empty(["doc_id", "start", "end", "text", "speaker"])
    pairs = classify_pairs(pairs, both, chains, changes, quotes, documents,
                                    sentences, codebook=cb)
    short = short_documents(documents, sentences, shingle_size=shingle_size,
                            shingles=shingles)
    return ReuseResult(pairs, both, changes, candidates, short, chains, quotes)
