"""What kind of reuse each pair is, with its evidence, and a direction hypothesis.

Step 5 of the reuse analysis (``docs/reuse.md``). :func:`classify_pairs` adds to each
``reuse_pairs`` row a ``relation`` and the evidence behind it. The rules, applied in this
order (a pair takes the first that holds):

``copy``
    at least ``min_passages=2`` aligned sentence pairs (either layer) share a run of
    ``verbatim_run`` identical tokens *outside* the quotations the two documents share: two
    sentences copied word for word are more than a shared quote or a coincidence.
``rewrite``
    the ordered chain of :func:`framelab.rewrite.align_rewrites` has at least
    ``min_chain=3`` sentence pairs outside shared quotations, and on at least one side it
    covers ``min_coverage=0.5`` of the sentences it spans (first to last aligned sentence):
    most of the rewritten passage is accounted for, in order. The pair's whole-document
    coverage is in ``rewrite_coverage_a`` / ``_b``.
``shared_source``
    the two documents share at least one direct quotation (two quotations whose shorter
    has at least half its words in the other; speakers from :func:`framelab.quotes.find_quotes`):
    the overlap is what a third party said, which both may have taken from the statement or
    briefing itself.
``same_story``
    anything else that was aligned: similar sentences on the same events, without an ordered
    chain, copied runs or a shared quotation.

The numbers are the issue's own words ("most" of a passage: 0.5), the smallest chain that
has an order (3) and the existing verbatim rule (``verbatim_run`` tokens); none was fitted
to the seed articles.

*Direction* is a hypothesis with its reason (``direction_reason``), never a finding:
``common_source`` for ``shared_source`` pairs (no direction); ``dates`` when both dates are
known and differ (the earlier is the possible source); ``quote_paraphrased`` when one side
quotes words that the other has unquoted in the aligned sentence (quoting is how the words
first appear; turning a quote into indirect speech is what a rewrite does), in one
direction only; ``coverage`` when one side is covered at least ``min_coverage`` and
``min_ratio`` times the other (the covered side may be a condensed rewrite); else ``none``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import minhash
from .alignment import _empty, _require

if TYPE_CHECKING:
    from .codebook import Codebook

__all__ = ["RELATIONS", "RELATION_COLUMNS", "classify_pairs", "merge_candidates",
           "shared_quotes", "stack_layers"]

log = logging.getLogger(__name__)

#: Values of ``reuse_pairs.relation``.
RELATIONS = ("copy", "rewrite", "shared_source", "same_story")
#: Columns :func:`classify_pairs` adds to ``reuse_pairs`` (after the existing ones).
RELATION_COLUMNS = ["relation", "evidence", "n_rewrite", "rewrite_coverage_a",
                    "rewrite_coverage_b", "rewrite_density", "n_verbatim_own",
                    "n_shared_quotes", "shared_quotes", "source", "direction_reason",
                    "labels_kept", "rewrite_changes"]


def _words(text: str) -> set[str]:
    from .tokens import tokenize

    return {t.text for t in tokenize(text, stop_words=None)}


def shared_quotes(quotes: pd.DataFrame, doc_a: str, doc_b: str, *,
                  min_overlap: float = 0.5) -> list[tuple[pd.Series, pd.Series]]:
    """Quotations of ``doc_a`` and ``doc_b`` that are the same quote (or a part of it).

    Two quotations match when the shorter has at least ``min_overlap`` of its words in the
    longer (quotes are trimmed differently by different outlets).

    Returns
    -------
    list of (row of a, row of b)
        Rows of ``quotes`` (:data:`framelab.quotes.QUOTE_COLUMNS`).
    """
    qa, qb = quotes[quotes["doc_id"] == doc_a], quotes[quotes["doc_id"] == doc_b]
    wb = [(_words(str(r["text"])), r) for _, r in qb.iterrows()]
    found = []
    for _, ra in qa.iterrows():
        wa = _words(str(ra["text"]))
        for w, rb in wb:
            small = min(len(wa), len(w))
            if small and len(wa & w) / small >= min_overlap:
                found.append((ra, rb))
    return found


def merge_candidates(shingle: pd.DataFrame, content: pd.DataFrame, documents: pd.DataFrame,
                     sentences: pd.DataFrame | None, *, shingle_size: int = 5) -> pd.DataFrame:
    """Candidate pairs of both layers, in the columns of :func:`framelab.reuse.candidate_pairs`.

    A pair found by the rewrite layer only gets its shingle overlap computed here and
    ``channel = "content"``; a pair found by both gets ``+content`` appended to its channel.
    """
    from .reuse import CANDIDATE_COLUMNS, _pair_overlap, doc_texts

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


def stack_layers(shingle: pd.DataFrame, rewrite: pd.DataFrame) -> pd.DataFrame:
    """``reuse_passages`` of both layers: the shingle layer's rows, then the rewrite chains."""
    if rewrite.empty:
        return shingle.reset_index(drop=True)
    if shingle.empty:
        return rewrite.reset_index(drop=True)
    return pd.concat([shingle, rewrite], ignore_index=True)


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _density(passages: pd.DataFrame) -> float:
    """Share of the sentences the chain spans that it aligns, on the denser side."""
    best = 0.0
    for col in ("sentence_a", "sentence_b"):
        idx = passages[col].astype(str).str.rsplit(":", n=1).str[-1].astype(int)
        if len(idx):
            best = max(best, len(idx) / (int(idx.max()) - int(idx.min()) + 1))
    return best


def _quote_direction(changes: pd.DataFrame, a: str, b: str) -> tuple[str, str]:
    """(source, text) from quotations one side has and the other paraphrases."""
    unq = changes["detail"].astype(str).str.contains("unquoted", regex=False)
    a_quotes = changes[(changes["change"] == "quote_dropped") & unq]   # a quotes, b paraphrases
    b_quotes = changes[(changes["change"] == "quote_added") & unq]     # b quotes, a paraphrases
    if len(a_quotes) and not len(b_quotes):
        q = str(a_quotes["before"].iloc[0])
        return a, (f"hypothesis (quote paraphrased): {b} has unquoted the words that {a} "
                   f"quotes ({q[:60]}{'...' if len(q) > 60 else ''}); {b} may be a rewrite "
                   f"of {a}, or of the quote's source")
    if len(b_quotes) and not len(a_quotes):
        q = str(b_quotes["after"].iloc[0])
        return b, (f"hypothesis (quote paraphrased): {a} has unquoted the words that {b} "
                   f"quotes ({q[:60]}{'...' if len(q) > 60 else ''}); {a} may be a rewrite "
                   f"of {b}, or of the quote's source")
    return "", ""


def _summarise_changes(changes: pd.DataFrame, limit: int = 6) -> str:
    parts = []
    for c in changes.itertuples(index=False):
        before, after = str(c.before)[:50], str(c.after)[:50]
        parts.append(f"{c.change}: {before or '-'} -> {after or '-'}")
    return "; ".join(parts[:limit]) + (f"; (+{len(parts) - limit} more)" if len(parts) > limit
                                       else "")


def _labels_kept(codebook: Codebook, passages: pd.DataFrame) -> str:
    kept: dict[str, None] = {}
    for p in passages.itertuples(index=False):
        la = {m.term.lower() for m in codebook.matcher.find(str(p.text_a), layers=("label",))}
        lb = {m.term.lower() for m in codebook.matcher.find(str(p.text_b), layers=("label",))}
        kept.update(dict.fromkeys(sorted(la & lb)))
    return "; ".join(kept)


def classify_pairs(
    pairs: pd.DataFrame,
    passages: pd.DataFrame,
    chains: pd.DataFrame,
    changes: pd.DataFrame,
    quotes: pd.DataFrame,
    documents: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    codebook: Codebook | None = None,
    min_passages: int = 2,
    min_chain: int = 3,
    min_coverage: float = 0.5,
    min_ratio: float = 1.5,
    min_quote_overlap: float = 0.5,
) -> pd.DataFrame:
    """``reuse_pairs`` with :data:`RELATION_COLUMNS` added (rules in the module docstring).

    Parameters
    ----------
    pairs : DataFrame
        From :func:`framelab.reuse.reuse_pairs` (``min_aligned=0``: rewrite-only pairs kept).
    passages : DataFrame
        Both layers (``layer`` = ``shingle`` / ``rewrite``).
    chains : DataFrame
        From :func:`framelab.rewrite.align_rewrites`.
    changes : DataFrame
        :func:`framelab.alignment.passage_changes` of ``passages``.
    quotes : DataFrame
        :func:`framelab.quotes.find_quotes` of the documents.

    Returns
    -------
    DataFrame
        ``pairs`` columns, then :data:`RELATION_COLUMNS`; ``direction`` rewritten with the
        hypothesis; pairs with no aligned passage in either layer are dropped. ``evidence``
        says in words why the relation was chosen; ``shared_quotes`` lists
        ``speaker: "quote"``; ``source`` is the document the direction hypothesis names as
        the possible source ("" when none); ``labels_kept`` the codebook labels worded alike
        on both sides of rewrite passages; ``rewrite_changes`` the changes in rewrite passages.
    """
    from .codebook import Codebook, load_codebook
    from .reuse import _direction, _parse_date

    _require(passages, ("doc_a", "doc_b", "kind", "layer", "start_a", "end_a", "start_b",
                        "end_b"), "passages")
    if pairs.empty:
        return _empty(list(pairs.columns) + RELATION_COLUMNS)
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook or None)
    n_sent = sentences.groupby("doc_id").size()
    docs = documents.set_index("doc_id")
    dates = docs["date"] if "date" in docs.columns else pd.Series("", index=docs.index)
    by_pair = {k: g for k, g in passages.groupby(["doc_a", "doc_b"], sort=False)}
    ch_pair = {k: g for k, g in changes.groupby(["doc_a", "doc_b"], sort=False)}
    empty_p, empty_c = passages.iloc[:0], changes.iloc[:0]
    rows = []
    for pair in pairs.to_dict("records"):
        a, b = str(pair["doc_a"]), str(pair["doc_b"])
        mine, ch = by_pair.get((a, b), empty_p), ch_pair.get((a, b), empty_c)
        if mine.empty:
            continue
        shared = shared_quotes(quotes, a, b, min_overlap=min_quote_overlap)
        spans_a = [(int(x["start"]), int(x["end"])) for x, _ in shared]
        spans_b = [(int(y["start"]), int(y["end"])) for _, y in shared]
        quoted = np.array([_overlaps(sa, ea, spans_a) or _overlaps(sb, eb, spans_b)
                           for sa, ea, sb, eb in zip(*(mine[c].astype(int).tolist() for c in
                                                       ("start_a", "end_a", "start_b",
                                                        "end_b")))], dtype=np.bool_)
        own = mine[~quoted]
        n_verbatim = own.loc[own["kind"] == "verbatim", "sentence_a"].nunique()
        chain = mine[mine["layer"] == "rewrite"]
        chain_own = chain[~quoted[(mine["layer"] == "rewrite").to_numpy()]]
        density = _density(chain)
        n_rewrite = len(chain)
        cov_a = n_rewrite / max(1, int(n_sent.get(a, 1)))
        cov_b = n_rewrite / max(1, int(n_sent.get(b, 1)))
        speakers = sorted({str(x["speaker"]) or str(y["speaker"]) or "unknown speaker"
                           for x, y in shared})
        quote_text = "; ".join(f'{x["speaker"] or y["speaker"] or "unknown"}: '
                               f'{str(x["text"])[:80]}' for x, y in shared)
        if n_verbatim >= min_passages:
            relation = "copy"
            evidence = (f"{n_verbatim} sentence(s) share a run of >= verbatim_run identical "
                        f"tokens outside shared quotations")
        elif len(chain_own) >= min_chain and density >= min_coverage:
            relation = "rewrite"
            evidence = (f"{n_rewrite} sentence pair(s) in the same order ({len(chain_own)} "
                        f"outside shared quotations), covering {density:.0%} of the sentences "
                        f"they span; {cov_a:.0%} of {a}, {cov_b:.0%} of {b}")
        elif shared:
            relation = "shared_source"
            evidence = (f"{len(shared)} shared quotation(s) of {', '.join(speakers)}; "
                        f"{len(own)} aligned sentence(s) outside them")
        else:
            relation = "same_story"
            evidence = (f"{len(mine)} similar sentence(s) without an ordered chain of "
                        f"{min_chain}, copied runs or a shared quotation")
        # direction
        source, reason = "", "none"
        da, db = dates.get(a, ""), dates.get(b, "")
        text = _direction(a, b, da, db, 0.0, 0.0, min_coverage=2.0, min_ratio=min_ratio)
        if relation == "same_story":
            text = "none: same story, no reuse to give a direction to"
        elif relation == "shared_source":
            reason = "common_source"
            text = (f"common source: both quote {', '.join(speakers)}; neither need have "
                    "seen the other")
        elif text.startswith("hypothesis (dates)"):
            reason = "dates"
            source = a if _parse_date(da) < _parse_date(db) else b  # type: ignore[operator]
        else:
            qsource, qtext = _quote_direction(ch, a, b)
            if qsource:
                source, reason, text = qsource, "quote_paraphrased", qtext
            else:
                layer = mine[mine["kind"] == "verbatim"] if relation == "copy" else chain
                ca = layer["sentence_a"].nunique() / max(1, int(n_sent.get(a, 1)))
                cb_ = layer["sentence_b"].nunique() / max(1, int(n_sent.get(b, 1)))
                text = _direction(a, b, "", "", ca, cb_, min_coverage=min_coverage,
                                  min_ratio=min_ratio)
                for x, y, cx, cy in ((a, b, ca, cb_), (b, a, cb_, ca)):
                    if cx >= min_coverage and cx >= min_ratio * cy:
                        source, reason = y, "coverage"  # x is covered: x drew on y
                        break
        rewrite_changes = ch[ch["layer"] == "rewrite"] if "layer" in ch.columns else ch
        rows.append({**pair, "direction": text, "relation": relation,
                     "evidence": evidence, "n_rewrite": n_rewrite,
                     "rewrite_coverage_a": cov_a, "rewrite_coverage_b": cov_b,
                     "rewrite_density": density, "n_verbatim_own": int(n_verbatim),
                     "n_shared_quotes": len(shared), "shared_quotes": quote_text,
                     "source": source, "direction_reason": reason,
                     "labels_kept": _labels_kept(cb, chain) if len(chain) else "",
                     "rewrite_changes": _summarise_changes(rewrite_changes)})
    frame = pd.DataFrame(rows, columns=list(pairs.columns) + RELATION_COLUMNS)
    rank = {r: k for k, r in enumerate(RELATIONS)}
    frame = frame.assign(_r=frame["relation"].map(rank)).sort_values(
        ["_r", "n_aligned", "n_rewrite", "doc_a", "doc_b"],
        ascending=[True, False, False, True, True], kind="stable").drop(columns="_r")
    if len(frame):
        log.info("relations: %s", frame["relation"].value_counts().to_dict())
    return frame.reset_index(drop=True).astype({"n_rewrite": "int64", "n_verbatim_own": "int64",
                                                "n_shared_quotes": "int64"})
