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

import itertools
import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..codebook import Codebook, load_codebook
from ..corpus import release_memory
from ..errors import ParameterError, check_columns
from ._alignment import _empty
from ._blocks import (
    BLOCK_PAIRS,
    BLOCK_ROWS,
    Quotations,
    block_bounds,
    block_records,
    rows_by_pair,
    sorted_pairs,
)
from ._candidates import _direction, _parse_date
from ._order import fdr_qvalues
from ._relation import (
    RELATION_COLUMNS,
    _columns,
    _ids,
    _shared,
)
from ._reported import SpeakerMemo, reported_links

__all__ = ["classify_pairs"]

log = logging.getLogger(__name__)



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


#: Passage texts whose labels :func:`_labels_kept` keeps at most (then it starts afresh).
LABEL_MEMO = 100_000


def _labels_kept(codebook: Codebook, passages: list[dict],
                 memo: dict[str, frozenset[str]] | None = None) -> str:
    """The codebook labels worded alike on both sides of ``passages``; ``memo`` keeps each
    text's labels (a sentence is a passage side in many of its document's pairs)."""
    memo = {} if memo is None else memo
    kept: dict[str, None] = {}
    for p in passages:
        la, lb = (_labels_in(codebook, str(p[side]), memo) for side in ("text_a", "text_b"))
        kept.update(dict.fromkeys(sorted(la & lb)))
    return "; ".join(kept)


def _labels_in(codebook: Codebook, text: str, memo: dict[str, frozenset[str]]
               ) -> frozenset[str]:
    found = memo.get(text)
    if found is None:
        if len(memo) >= LABEL_MEMO:
            memo.clear()
        found = memo[text] = frozenset(m.term.lower() for m in
                                       codebook.matcher.find(text, layers=("label",)))
    return found


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
    p_tested = chains["rewrite_p"] if "rewrite_p" in chains else pd.Series(np.nan, chains.index)
    chain_rows = chains.assign(rewrite_q=fdr_qvalues(p_tested.to_numpy(float)))
    memo = SpeakerMemo(documents, sentences, cb, min_attributed=min_attributed)
    keys = pd.MultiIndex.from_arrays([pairs["doc_a"].astype(str), pairs["doc_b"].astype(str)])
    unique = keys if keys.is_unique else keys.unique()
    tables = {"passages": passages, "changes": changes, "chains": chain_rows}
    at = {name: rows_by_pair(unique, table) for name, table in tables.items()}
    # a pair listed twice gets its rows twice: then everything is one block
    bounds = (block_bounds([pos for _, pos in at.values()], len(pairs), BLOCK_PAIRS,
                           BLOCK_ROWS) if keys.is_unique
              else [0, len(pairs)])
    del keys, unique
    quoted = Quotations(quotes)
    frames = []
    for lo, hi in itertools.pairwise(bounds):
        block = {name: block_records(table, *at[name], lo, hi) for name, table in tables.items()}
        frames.append(_classify_block(
            pairs.iloc[lo:hi], block["passages"], block["changes"], block["chains"],
            quoted, memo, cb, n_sent, dates,
            min_passages=min_passages, min_chain=min_chain, min_coverage=min_coverage,
            min_ratio=min_ratio, min_quote_overlap=min_quote_overlap, max_p=max_p,
            max_p_partial=max_p_partial, max_q=max_q))
        del block
        release_memory(memos=False)  # the block's dicts, Arrow and C buffers
    # what the blocks read (speakers and voice of every linked document, each quotation's
    # words, the rows of each pair) is not held through the concatenation and sort below
    del memo, quoted, at
    frame = sorted_pairs(frames)
    if len(frame):
        log.info("relations: %s", frame["relation"].value_counts().to_dict())
    release_memory()  # the blocks' speakers, quotations and rows
    return frame.reset_index(drop=True).astype({"n_rewrite": "int64", "n_verbatim_own": "int64",
                                                "n_shared_quotes": "int64",
                                                "n_reported": "int64"})


def _classify_block(pairs: pd.DataFrame, passages: list[dict], changes: list[dict],
                    chains: list[dict], quoted: Quotations, memo: SpeakerMemo,
                    cb: Codebook, n_sent: dict, dates: dict, *, min_passages: int,
                    min_chain: int, min_coverage: float, min_ratio: float,
                    min_quote_overlap: float, max_p: float, max_p_partial: float,
                    max_q: float) -> pd.DataFrame:
    by_pair: dict[tuple[str, str], list[dict]] = {}
    for row in passages:
        by_pair.setdefault((str(row["doc_a"]), str(row["doc_b"])), []).append(row)
    ch_pair: dict[tuple[str, str], list[dict]] = {}
    for row in changes:
        ch_pair.setdefault((str(row["doc_a"]), str(row["doc_b"])), []).append(row)
    chain_of = {(str(r["doc_a"]), str(r["doc_b"])): r for r in chains}
    links_of = _pair_links(by_pair, chain_of)
    all_links = [link for links in links_of.values() for link in links]
    reporting = memo.reporting({x for link in all_links for side in link for x in _ids(side)},
                               all_links)
    names = list(pairs.columns)
    values = _columns(pairs)   # each column's values, as pairs.to_dict("records") has them
    doc_a = [str(x) for x in values[names.index("doc_a")]]
    doc_b = [str(x) for x in values[names.index("doc_b")]]
    # pairs without an aligned passage in either layer are left out
    kept = [k for k, key in enumerate(zip(doc_a, doc_b)) if key in by_pair or key in chain_of]
    # a shared quotation is the same words: pairs without a shared shingle have none
    shingles = (values[names.index("shared_shingles")] if "shared_shingles" in names
                else [1] * len(doc_a))
    compare = [k for k in kept if int(shingles[k]) > 0]
    quoted.read({d for k in compare for d in (doc_a[k], doc_b[k])})
    shared_at = {k: _shared(quoted.of(doc_a[k]), quoted.of(doc_b[k]), min_quote_overlap)
                 for k in compare}
    quote_row = quoted.records({i for found in shared_at.values() for ij in found for i in ij})
    out: dict[str, list] = {name: [] for name in ["direction", *RELATION_COLUMNS]}
    labels: dict[str, frozenset[str]] = {}   # passage text -> its labels
    for k in kept:
        a, b = doc_a[k], doc_b[k]
        mine, ch = by_pair.get((a, b), []), ch_pair.get((a, b), [])
        found = chain_of.get((a, b), {})
        na, nb = max(1, int(n_sent.get(a, 1))), max(1, int(n_sent.get(b, 1)))
        shared = [(quote_row[i], quote_row[j]) for i, j in shared_at.get(k, ())]
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
        for name, value in (
                ("direction", text), ("relation", relation), ("evidence", evidence),
                ("n_rewrite", n_rewrite), ("rewrite_coverage_a", cov_a),
                ("rewrite_coverage_b", cov_b), ("rewrite_density", density),
                ("rewrite_p", p_order), ("rewrite_q", q_order),
                ("rewrite_extent", extent if relation == "rewrite" else ""),
                ("n_verbatim_own", int(n_verbatim)), ("n_shared_quotes", n_shared),
                ("shared_quotes", quote_text), ("source", source),
                ("direction_reason", reason),
                ("labels_kept", _labels_kept(cb, chain, labels) if detailed else ""),
                ("rewrite_changes", _summarise_changes(rewrite_changes)),
                ("shared_source_kind", "" if relation != "shared_source" else
                 "+".join(kind for kind, v in (("quoted", shared), ("reported", reported))
                          if v)),
                ("n_reported", len(reported)),
                ("reported_speech", "; ".join(f"{x} = {y}: {sa} > {sb}"
                                              for sa, sb, x, y in reported))):
            out[name].append(value)
    # the pair's own columns, then what was found (a computed column replaces a pair's)
    data = {name: [column[k] for k in kept] for name, column in zip(names, values)}
    data.update(out)
    return pd.DataFrame(data, columns=names + RELATION_COLUMNS)


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
