"""What kind of reuse each pair is, with its evidence, and a direction hypothesis.

Step 5 of the reuse analysis (``docs/reuse.md``). :func:`classify_pairs` adds to each
``reuse_pairs`` row a ``relation`` and the evidence behind it. The rules, applied in this
order (a pair takes the first that holds):

``copy``
    at least ``min_passages=2`` aligned sentence pairs (either layer) share a run of
    ``verbatim_run`` identical tokens *outside* the quotations the two documents share: two
    sentences copied word for word are more than a shared quote or a coincidence.
``rewrite``
    the ordered chain of :func:`framelab.reuse.align_rewrites` has at least ``min_chain=3``
    sentence links outside shared quotations, its order is more than chance (``rewrite_p``,
    the shuffled-order test of :func:`framelab.reuse.order_pvalue`), and either the links
    are more than ``min_coverage=0.5`` of one document's (body) sentences and at least
    that share of the other's, and ``rewrite_p <= max_p=0.05`` (``rewrite_extent =
    "whole"``: one article re-expressed: most of one document is accounted for, in order,
    and at least half of the other; a chain that keeps less of either is a passage, and
    passes only as partial), or ``rewrite_p <= max_p_partial=0.01`` and its
    Benjamini-Hochberg q-value among all tested chains ``rewrite_q <= max_q=0.05``
    (``"partial"``: a rewritten passage inside articles that add and drop material of their
    own, what the METER corpus calls *partially derived*; stricter because nothing else
    backs it, and because a large corpus tests many same-story pairs, some of which fall in
    order by chance). A chain below both stays ``same_story``; its evidence says so.
``shared_source``
    the two documents share at least one direct quotation (two quotations whose shorter
    has at least half its content words in the other; speakers from
    :func:`framelab.quotes.find_quotes`; ``shared_source_kind = "quoted"``), or at least
    one of the pair's links (chain links in or out of the chain, shingle passages) is
    reported speech of the same speaker on both sides (module ``_reported``:
    ``"reported"``; both: ``"quoted+reported"``): the overlap is what a third party said,
    which both may have taken from the statement or briefing itself.
``same_story``
    anything else that was aligned: similar sentences on the same events, without an ordered
    chain, copied runs or a shared quotation.

The numbers are the definition's own words ("most" of one document: 0.5), the smallest
chain that has an order (3), the conventional significance levels (0.05, and 0.01 when the
chain covers little of either document) and the existing verbatim rule (``verbatim_run``
tokens); none was fitted to the seed articles (``docs/reuse.md`` says what they find there).

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

from ..codebook import Codebook, load_codebook
from ..errors import ParameterError, check_columns
from ..tokens import tokenize
from . import _minhash as minhash
from ._alignment import _empty
from ._candidates import (
    CANDIDATE_COLUMNS,
    PAIR_COLUMNS,
    _direction,
    _pair_overlap,
    _parse_date,
    doc_texts,
)
from ._order import fdr_qvalues
from ._reported import reported_links, sentence_speakers, speakers_by_sentence

if TYPE_CHECKING:
    from ..codebook import Codebook

__all__ = ["RELATIONS", "RELATION_COLUMNS", "RESULT_PAIR_COLUMNS", "classify_pairs", "merge_candidates",
           "needs_shingle_alignment", "shared_quotes", "stack_layers"]

log = logging.getLogger(__name__)

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
    """Content words of a quotation (stop words would match any two quotes)."""
    return {t.text for t in tokenize(text)}


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


def _quotes_by_doc(quotes: pd.DataFrame) -> dict[str, list[_Quote]]:
    out: dict[str, list[_Quote]] = {}
    for row in quotes.to_dict("records"):
        out.setdefault(str(row["doc_id"]), []).append((_words(str(row["text"])), row))
    return out


def _shared(qa: list[_Quote], qb: list[_Quote], min_overlap: float) -> list[tuple[dict, dict]]:
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


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _density(sentence_ids: Sequence[str], other_ids: Sequence[str]) -> float:
    """Share of the sentences the chain spans that it aligns, on the denser side."""
    best = 0.0
    for ids in (sentence_ids, other_ids):
        idx = [int(one.rsplit(":", 1)[-1]) for x in ids for one in _ids(x)]
        if idx:
            best = max(best, len(idx) / (max(idx) - min(idx) + 1))
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


def _summarise_changes(changes: list[dict], limit: int = 6) -> str:
    parts = []
    for c in changes:
        before, after = str(c["before"])[:50], str(c["after"])[:50]
        parts.append(f"{c['change']}: {before or '-'} -> {after or '-'}")
    return "; ".join(parts[:limit]) + (f"; (+{len(parts) - limit} more)" if len(parts) > limit
                                       else "")


def _labels_kept(codebook: Codebook, passages: list[dict]) -> str:
    kept: dict[str, None] = {}
    for p in passages:
        la = {m.term.lower() for m in codebook.matcher.find(str(p["text_a"]), layers=("label",))}
        lb = {m.term.lower() for m in codebook.matcher.find(str(p["text_b"]), layers=("label",))}
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
    max_p: float = 0.05,
    max_p_partial: float = 0.01,
    max_q: float = 0.05,
    min_attributed: float = 0.5,
) -> pd.DataFrame:
    """``reuse_pairs`` with :data:`RELATION_COLUMNS` added (rules in the module docstring).

    Parameters
    ----------
    pairs : DataFrame
        From :func:`framelab.reuse.reuse_pairs` (``min_aligned=0``: rewrite-only pairs kept).
    passages : DataFrame
        Both layers (``layer`` = ``shingle`` / ``rewrite``).
    chains : DataFrame
        From :func:`framelab.reuse.align_rewrites` (with its ``rewrite_p``; a chain without
        one is never a rewrite).
    changes : DataFrame
        :func:`framelab.alignment.passage_changes` of ``passages``.
    quotes : DataFrame
        :func:`framelab.quotes.find_quotes` of the documents.
    max_p, max_p_partial : float
        Largest order p-value (``rewrite_p``) of a rewrite that covers at least
        ``min_coverage`` of one document, and of one that covers less (a partial rewrite).
    max_q : float
        Largest false discovery rate (``rewrite_q``: Benjamini-Hochberg over every chain
        of ``chains`` that was tested) of a partial rewrite.
    min_attributed : float
        Share of a sentence's content words in attributed voice that makes it reported
        speech (module ``_reported``).

    Returns
    -------
    DataFrame
        ``pairs`` columns, then :data:`RELATION_COLUMNS`; ``direction`` rewritten with the
        hypothesis; pairs with no aligned passage in either layer are dropped. ``evidence``
        says in words why the relation was chosen; ``shared_quotes`` lists
        ``speaker: "quote"``; ``source`` is the document the direction hypothesis names as
        the possible source ("" when none); ``labels_kept`` the codebook labels worded alike
        on both sides of rewrite passages; ``rewrite_changes`` the changes in rewrite passages;
        ``shared_source_kind`` ``quoted``, ``reported`` or ``quoted+reported`` for
        ``shared_source`` pairs; ``n_reported`` the links that are reported speech of one
        speaker on both sides, ``reported_speech`` each as ``speaker of a = speaker of b:
        sentence_a > sentence_b``.
    """
    check_columns(passages, ("doc_a", "doc_b", "kind", "layer", "start_a", "end_a", "start_b",
                        "end_b"), "passages")
    for name, value in (("max_p", max_p), ("max_p_partial", max_p_partial), ("max_q", max_q)):
        if not 0 <= value <= 1:
            raise ParameterError(f"{name}={value}: a p-value level lies in [0, 1]")
    if pairs.empty:
        return _empty(list(pairs.columns) + RELATION_COLUMNS)
    cb = codebook if isinstance(codebook, Codebook) else load_codebook(codebook or None)
    n_sent = sentences.groupby("doc_id").size().to_dict()
    docs = documents.set_index("doc_id")
    dates = (docs["date"] if "date" in docs.columns else pd.Series("", index=docs.index)).to_dict()
    by_pair: dict[tuple[str, str], list[dict]] = {}
    for row in passages.to_dict("records"):
        by_pair.setdefault((str(row["doc_a"]), str(row["doc_b"])), []).append(row)
    ch_pair: dict[tuple[str, str], list[dict]] = {}
    for row in changes.to_dict("records"):
        ch_pair.setdefault((str(row["doc_a"]), str(row["doc_b"])), []).append(row)
    quotes_of = _quotes_by_doc(quotes)
    p_tested = chains["rewrite_p"] if "rewrite_p" in chains else pd.Series(np.nan, chains.index)
    chain_rows = chains.assign(rewrite_q=fdr_qvalues(p_tested.to_numpy(float)))
    chain_of = {(str(r["doc_a"]), str(r["doc_b"])): r for r in chain_rows.to_dict("records")}
    links_of = _pair_links(by_pair, chain_of)
    all_links = [link for links in links_of.values() for link in links]
    reporting = speakers_by_sentence(sentence_speakers(
        documents, sentences, cb, min_attributed=min_attributed, links=all_links,
        sentence_ids={x for link in all_links for side in link for x in _ids(side)}))
    rows = []
    for pair in pairs.to_dict("records"):
        a, b = str(pair["doc_a"]), str(pair["doc_b"])
        mine, ch = by_pair.get((a, b), []), ch_pair.get((a, b), [])
        found = chain_of.get((a, b), {})
        if not mine and not found:
            continue
        na, nb = max(1, int(n_sent.get(a, 1))), max(1, int(n_sent.get(b, 1)))
        # a shared quotation is the same words: pairs without a shared shingle have none
        shared = _shared(quotes_of.get(a, []), quotes_of.get(b, []), min_quote_overlap) \
            if int(pair.get("shared_shingles", 1)) > 0 else []
        spans_a = [(int(x["start"]), int(x["end"])) for x, _ in shared]
        spans_b = [(int(y["start"]), int(y["end"])) for _, y in shared]
        for p in mine:
            p["_quoted"] = (_overlaps(int(p["start_a"]), int(p["end_a"]), spans_a)
                            or _overlaps(int(p["start_b"]), int(p["end_b"]), spans_b))
        own = [p for p in mine if not p["_quoted"]]
        n_verbatim = len({p["sentence_a"] for p in own if p["kind"] == "verbatim"})
        chain = [p for p in mine if p["layer"] == "rewrite"]
        chain_own = [p for p in chain if not p["_quoted"]]
        density = _density([p["sentence_a"] for p in chain], [p["sentence_b"] for p in chain])
        # links from the chain table (a chain too short for passages still has its row
        # there); coverage counts links, so a merged link (2-3 sentences of one side) counts
        # once: merges complete the passages, they do not make a chain cover more
        n_rewrite = int(found.get("n_rewrite", len(chain)))
        cov_a, cov_b = n_rewrite / na, n_rewrite / nb
        own_a, own_b = len(chain_own) / na, len(chain_own) / nb
        p_order = float(found.get("rewrite_p", np.nan))  # NaN: not tested, never a rewrite
        q_order = float(found.get("rewrite_q", np.nan))
        extent = ""
        if len(chain_own) >= min_chain:
            if (max(own_a, own_b) > min_coverage and min(own_a, own_b) >= min_coverage
                    and p_order <= max_p):
                extent = "whole"
            elif p_order <= max_p_partial and q_order <= max_q:
                extent = "partial"
        reported = reported_links(links_of.get((a, b), []), reporting)
        speakers = sorted({str(x["speaker"]) or str(y["speaker"]) or "unknown speaker"
                           for x, y in shared} | {x for _, _, x, _ in reported})
        n_shared = len({int(x["start"]) for x, _ in shared})  # distinct quotes of a
        quote_text = "; ".join(f'{x["speaker"] or y["speaker"] or "unknown"}: '
                               f'{str(x["text"])[:80]}' for x, y in shared)
        if n_verbatim >= min_passages:
            relation = "copy"
            evidence = (f"{n_verbatim} sentence(s) share a run of >= verbatim_run identical "
                        "tokens outside shared quotations")
        elif extent:
            relation = "rewrite"
            what = ("most of one document" if extent == "whole" else
                    "a rewritten passage (partial: each document adds or drops material)")
            evidence = (f"{n_rewrite} sentence link(s) in the same order ({len(chain_own)} "
                        f"outside shared quotations): {cov_a:.0%} of {a}, {cov_b:.0%} of {b}; "
                        f"order p={p_order:.3g} against shuffled orders (q={q_order:.3g} "
                        f"among the chains tested); {what}")
        elif shared or reported:
            relation = "shared_source"
            quoted_by = sorted({str(x["speaker"]) or str(y["speaker"]) or "unknown"
                                for x, y in shared})
            parts = []
            if shared:
                parts.append(f"{n_shared} shared quotation(s) of {', '.join(quoted_by)}, "
                             f"{len(own)} aligned sentence(s) outside them")
            if reported:
                parts.append(f"{len(reported)} similar sentence pair(s) report unquoted what "
                             f"one speaker said ({reported[0][2]} / {reported[0][3]})")
            evidence = "; ".join(parts)
        else:
            relation = "same_story"
            spans = f" ({density:.0%} of the sentences it spans)" if chain else ""
            tested = "" if np.isnan(p_order) else f", order p={p_order:.3g}"
            evidence = (f"{len(mine)} aligned passage(s) in both layers; ordered chain of "
                        f"{n_rewrite} link(s) covering {max(cov_a, cov_b):.0%} of the "
                        f"better-covered document{spans}{tested}: no copied runs, no shared "
                        "quotation"
                        + (", an ordered chain below the rewrite rule"
                           if len(chain_own) >= min_chain and density >= min_coverage
                           else ""))
        source, reason, text = _hypothesis(
            relation, a, b, dates.get(a, ""), dates.get(b, ""), speakers, ch, mine, chain,
            na, nb, min_coverage=min_coverage, min_ratio=min_ratio)
        detailed = relation != "same_story"
        rewrite_changes = [c for c in ch if c.get("layer", "rewrite") == "rewrite"]
        rows.append({**pair, "direction": text, "relation": relation,
                     "evidence": evidence, "n_rewrite": n_rewrite,
                     "rewrite_coverage_a": cov_a, "rewrite_coverage_b": cov_b,
                     "rewrite_density": density, "rewrite_p": p_order, "rewrite_q": q_order,
                     "rewrite_extent": extent if relation == "rewrite" else "",
                     "n_verbatim_own": int(n_verbatim),
                     "n_shared_quotes": n_shared, "shared_quotes": quote_text,
                     "source": source, "direction_reason": reason,
                     "labels_kept": _labels_kept(cb, chain) if detailed else "",
                     "rewrite_changes": _summarise_changes(rewrite_changes),
                     "shared_source_kind": ("" if relation != "shared_source" else
                                            "+".join(k for k, v in (("quoted", shared),
                                                                    ("reported", reported))
                                                     if v)),
                     "n_reported": len(reported),
                     "reported_speech": "; ".join(f"{x} = {y}: {sa} > {sb}"
                                                  for sa, sb, x, y in reported)})
    frame = pd.DataFrame(rows, columns=list(pairs.columns) + RELATION_COLUMNS)
    rank = {r: k for k, r in enumerate(RELATIONS)}
    frame = frame.assign(_r=frame["relation"].map(rank)).sort_values(
        ["_r", "n_aligned", "n_rewrite", "doc_a", "doc_b"],
        ascending=[True, False, False, True, True], kind="stable").drop(columns="_r")
    if len(frame):
        log.info("relations: %s", frame["relation"].value_counts().to_dict())
    return frame.reset_index(drop=True).astype({"n_rewrite": "int64", "n_verbatim_own": "int64",
                                                "n_shared_quotes": "int64",
                                                "n_reported": "int64"})


def _pair_links(by_pair: dict[tuple[str, str], list[dict]],
                chain_of: dict[tuple[str, str], dict]) -> dict[tuple[str, str], list]:
    """Each pair's links (sentence ids of a, of b): the chain table's ``links`` (every
    mutual best match, in or out of the chain), then the shingle layer's passages."""
    out: dict[tuple[str, str], list] = {}
    for key, row in chain_of.items():
        text = row.get("links", "")
        if isinstance(text, str) and text:
            out[key] = [tuple(link.split(">", 1)) for link in text.split(";")]
    for key, rows in by_pair.items():
        links = out.setdefault(key, [])
        seen = set(links)
        for r in rows:
            link = (str(r["sentence_a"]), str(r["sentence_b"]))
            if r["layer"] == "shingle" and link not in seen:
                links.append(link)
                seen.add(link)
    return out


def _hypothesis(relation: str, a: str, b: str, date_a: object, date_b: object,
                speakers: list[str], changes: list[dict], passages: list[dict],
                chain: list[dict], na: int, nb: int, *, min_coverage: float,
                min_ratio: float) -> tuple[str, str, str]:
    """(source, reason, text) of the direction hypothesis; rules in the module docstring."""

    if relation == "same_story":
        return "", "none", "none: same story, no reuse to give a direction to"
    if relation == "shared_source":
        return "", "common_source", (f"common source: both quote or report "
                                     f"{', '.join(speakers)}; "
                                     "neither need have seen the other")
    text = _direction(a, b, date_a, date_b, 0.0, 0.0, min_coverage=2.0, min_ratio=min_ratio)
    if text.startswith("hypothesis (dates)"):
        early = _parse_date(date_a) < _parse_date(date_b)  # type: ignore[operator]
        return (a if early else b), "dates", text
    source, text = _quote_direction(pd.DataFrame(changes, columns=["change", "before", "after",
                                                                   "detail"]), a, b)
    if source:
        return source, "quote_paraphrased", text
    used = [p for p in passages if p["kind"] == "verbatim"] if relation == "copy" else chain
    ca = len({p["sentence_a"] for p in used}) / na  # a merged rewrite link counts once
    cb = len({p["sentence_b"] for p in used}) / nb
    text = _direction(a, b, "", "", ca, cb, min_coverage=min_coverage, min_ratio=min_ratio)
    for x, y, cx, cy in ((a, b, ca, cb), (b, a, cb, ca)):
        if cx >= min_coverage and cx >= min_ratio * cy:
            return y, "coverage", text  # x is covered: x may have drawn on y
    return "", "none", text
