"""Which words set a group apart: log-odds with an informative Dirichlet prior, and G².

Monroe, Colaresi & Quinn (2008), "Fightin' words", *Political Analysis* 16(4), section 3.5:
for term ``w``, group counts ``y_i`` (total ``n_i``), reference counts ``y_j`` (``n_j``) and
prior pseudo-counts ``alpha_w`` (total ``alpha_0``)::

    delta_w = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w))
            - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w))
    var(delta_w) ~= 1 / (y_iw + a_w) + 1 / (y_jw + a_w)
    z_w = delta_w / sqrt(var(delta_w))

The informative prior is the pooled corpus (all groups): ``a_w = prior_scale * y_w`` with
``y_w`` the term's pooled count, so ``a_0 = prior_scale * N``: the prior is worth a fixed
share of the data whatever the corpus size (default 10%). ``g2`` is the log-likelihood keyness of Rayson & Garside (2000):
``2 * (a ln(a / E1) + b ln(b / E2))`` with expectations from the pooled rate (unsigned;
the sign of ``z`` gives the direction).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from .errors import ParameterError
from .tokens import DEFAULT_MWES, STOP_WORDS, count_terms

__all__ = [
    "KEYNESS_COLUMNS",
    "g2",
    "keyness",
    "log_odds_dirichlet",
    "plot_fightin_words",
    "term_counts",
    "term_doc_counts",
]

log = logging.getLogger(__name__)

KEYNESS_COLUMNS = ["term", "group", "reference", "count_group", "count_reference",
                   "docs_group", "docs_reference", "log_odds", "z", "g2"]

#: Sentences tokenized at a time by :func:`term_doc_counts` (cut at document boundaries).
BATCH_SENTENCES = 100_000


def term_counts(sentences: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                group_by: str = "outlet", codebook: Any = None,
                include_nonbody: bool = False) -> pd.DataFrame:
    """Token counts per group: a DataFrame of shape (n_terms, n_groups), int64 (the first
    table of :func:`term_doc_counts`)."""
    return term_doc_counts(sentences, documents, group_by=group_by, codebook=codebook,
                           include_nonbody=include_nonbody)[0]


def _document_batches(doc_codes: np.ndarray, size: int) -> Iterator[tuple[int, int]]:
    """``[lo, hi)`` ranges of about ``size`` rows that never split a run of equal codes."""
    lo, n = 0, len(doc_codes)
    while lo < n:
        hi = min(lo + size, n)
        while hi < n and doc_codes[hi] == doc_codes[hi - 1]:
            hi += 1
        yield lo, hi
        lo = hi


def term_doc_counts(sentences: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                    group_by: str = "outlet", codebook: Any = None,
                    include_nonbody: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Token counts per group, and per group the number of documents that use each term.

    Tokens come from :func:`framelab.tokens.count_terms` (stop words removed, the codebook's
    multiword actor names kept whole; multiword labels are not, so "terrorist" counts every
    "terrorist group" too). ``group_by`` may name a sentence or a document column; an empty
    value falls back to the doc_id. A document counts once per group its sentences fall in.

    Sentences are counted in batches of :data:`BATCH_SENTENCES` (whole documents), so memory
    follows the batch and the vocabulary, not the corpus.

    Returns
    -------
    (DataFrame, DataFrame)
        Term counts and document counts, each of shape (n_terms, n_groups), int64, terms
        sorted, groups sorted.
    """
    from .framing import _body, _codebook, _unit_groups

    cb = _codebook(codebook)
    sents = _body(sentences, include_nonbody)
    group_of = np.asarray(_unit_groups(sents, documents, group_by).astype(str), dtype=object)
    names = sorted(set(group_of))
    group_codes = np.searchsorted(np.array(names, dtype=object), group_of)
    doc_codes = pd.factorize(sents["doc_id"])[0]
    texts = sents["text_norm"].tolist()
    mwes = tuple(DEFAULT_MWES) + cb.multiword_terms(("actor",))
    vocab_parts, count_parts, doc_parts = [], [], []
    for lo, hi in _document_batches(doc_codes, BATCH_SENTENCES):
        dtm = count_terms(texts[lo:hi], stop_words=STOP_WORDS, mwes=mwes)
        rows = np.arange(hi - lo)
        by_group = sparse.csr_matrix((np.ones(hi - lo), (group_codes[lo:hi], rows)),
                                     shape=(len(names), hi - lo))
        # (document, group) pairs: a document is counted once in each group it reaches
        pair_codes, pairs = pd.factorize(doc_codes[lo:hi] * len(names) + group_codes[lo:hi])
        by_pair = sparse.csr_matrix((np.ones(hi - lo), (pair_codes, rows)),
                                    shape=(len(pairs), hi - lo))
        used = (by_pair @ dtm.X).astype(bool).astype(np.int64)
        pair_group = sparse.csr_matrix(
            (np.ones(len(pairs)), (np.asarray(pairs) % len(names), np.arange(len(pairs)))),
            shape=(len(names), len(pairs)))
        vocab_parts.append(dtm.vocabulary)
        count_parts.append(sparse.csr_matrix(by_group @ dtm.X))
        doc_parts.append(sparse.csr_matrix(pair_group @ used))
    vocabulary = (np.unique(np.concatenate([v.astype(object) for v in vocab_parts]))
                  if vocab_parts else np.array([], dtype=object))

    def total(parts: list[sparse.csr_matrix]) -> pd.DataFrame:
        out = np.zeros((len(vocabulary), len(names)), dtype=np.int64)
        for vocab, part in zip(vocab_parts, parts):
            coo = part.tocoo()
            np.add.at(out, (np.searchsorted(vocabulary, vocab.astype(object))[coo.col],
                            coo.row), np.rint(coo.data).astype(np.int64))
        return pd.DataFrame(out, index=pd.Index(vocabulary.astype(str)), columns=names)

    return total(count_parts), total(doc_parts)


def log_odds_dirichlet(y_i: np.ndarray, y_j: np.ndarray,
                       alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds ratio ``delta`` and its z-score (Monroe et al. 2008, eq. 16, 18-19).

    Parameters
    ----------
    y_i, y_j : array of shape (n_terms,)
        Counts in the group and in the reference.
    alpha : array of shape (n_terms,)
        Dirichlet prior pseudo-counts (all > 0).

    Returns
    -------
    (ndarray, ndarray)
        ``delta`` and ``z``, each of shape (n_terms,).
    """
    y_i, y_j, alpha = (np.asarray(a, dtype=float) for a in (y_i, y_j, alpha))
    if np.any(alpha <= 0):
        raise ParameterError("every prior pseudo-count must be > 0; raise prior_scale")
    n_i, n_j, a0 = y_i.sum(), y_j.sum(), alpha.sum()
    delta = (np.log(y_i + alpha) - np.log(n_i + a0 - y_i - alpha)
             - np.log(y_j + alpha) + np.log(n_j + a0 - y_j - alpha))
    return delta, delta / np.sqrt(1.0 / (y_i + alpha) + 1.0 / (y_j + alpha))


def g2(a: np.ndarray, b: np.ndarray, n_i: float, n_j: float) -> np.ndarray:
    """Log-likelihood G² (Rayson & Garside 2000) of counts ``a`` of ``n_i`` vs ``b`` of ``n_j``."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    e1 = n_i * (a + b) / (n_i + n_j)
    e2 = n_j * (a + b) / (n_i + n_j)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2.0 * (t1 + t2)


def _parse_groups(groups: str | Sequence[str] | None, known: list[str]) -> list[str]:
    if groups is None or (isinstance(groups, str) and not groups.strip()):
        return []
    names = [g.strip() for g in groups.split(",")] if isinstance(groups, str) else list(groups)
    if len(names) != 2:
        raise ParameterError(f"keyness groups={groups!r}: name exactly two groups "
                             "(comma-separated) or none for each group against the rest")
    unknown = [g for g in names if g not in known]
    if unknown:
        raise ParameterError(f"keyness groups {unknown} not found; groups in the data: "
                             + ", ".join(known))
    return names


def keyness(sentences: pd.DataFrame, documents: pd.DataFrame | None = None, *,
            group_by: str = "outlet", groups: str | Sequence[str] | None = None,
            prior_scale: float = 0.1, min_count: int = 1, codebook: Any = None,
            counts: pd.DataFrame | None = None, doc_counts: pd.DataFrame | None = None,
            include_nonbody: bool = False) -> pd.DataFrame:
    """Distinctive terms of each group against the rest, or of two named groups.

    Parameters
    ----------
    sentences, documents : DataFrame
        The canonical tables; see :func:`term_counts`.
    group_by : str
        Grouping column.
    groups : str or pair of str, optional
        Two group names ("RT,CNN"): each against the other. Default: each group against
        all the others pooled.
    prior_scale : float
        Prior pseudo-counts as a share of the pooled counts (``a_w = prior_scale * y_w``);
        larger shrinks the log-odds of rare terms more.
    min_count : int
        Keep terms with at least this many occurrences in group + reference.
    counts, doc_counts : DataFrame, optional
        Precomputed :func:`term_doc_counts` (term counts, and documents using each term).
        With ``counts`` alone the document columns are missing values.

    Returns
    -------
    DataFrame
        Columns :data:`KEYNESS_COLUMNS`, sorted by group then ``z`` descending.
        ``docs_group`` and ``docs_reference`` count the documents that use the term: a high
        ``z`` carried by one article's repetitions shows as ``docs_group`` = 1. With fewer
        than two groups the frame is empty and ``frame.attrs["note"]`` says why.
    """
    if prior_scale <= 0:
        raise ParameterError(f"prior_scale={prior_scale}; use a positive share such as 0.1")
    if counts is None:
        counts, doc_counts = term_doc_counts(sentences, documents, group_by=group_by,
                                             codebook=codebook, include_nonbody=include_nonbody)
    known = [str(c) for c in counts.columns]
    if len(known) < 2:
        note = (f"keyness needs at least two groups; group_by={group_by!r} gives "
                f"{len(known)} ({', '.join(known) or 'none'}). Choose a column with two or "
                "more values (e.g. group_by='doc_id') or add documents from other groups")
        log.warning(note)
        empty = pd.DataFrame(columns=KEYNESS_COLUMNS)
        empty.attrs["note"] = note
        return empty
    pairs = _parse_groups(groups, known)
    total = counts.sum(axis=1).to_numpy(dtype=float)
    alpha = prior_scale * total
    plan = [(pairs[0], [pairs[1]]), (pairs[1], [pairs[0]])] if pairs else \
        [(g, [o for o in known if o != g]) for g in known]
    frames = []
    for group, others in plan:
        y_i = counts[group].to_numpy(dtype=float)
        y_j = counts[others].sum(axis=1).to_numpy(dtype=float)
        keep = (y_i + y_j) >= min_count
        delta, z = log_odds_dirichlet(y_i[keep], y_j[keep], alpha[keep])
        if doc_counts is not None:
            d = doc_counts.reindex(index=counts.index, columns=counts.columns, fill_value=0)
            d_i = d[group].to_numpy()[keep].astype("int64")
            d_j = d[others].sum(axis=1).to_numpy()[keep].astype("int64")
        else:  # counts given without document counts
            d_i = d_j = pd.array([pd.NA] * int(keep.sum()), dtype="Int64")
        frames.append(pd.DataFrame({
            "term": counts.index[keep], "group": group,
            "reference": others[0] if len(others) == 1 else "rest",
            "count_group": y_i[keep].astype("int64"), "count_reference": y_j[keep].astype("int64"),
            "docs_group": d_i, "docs_reference": d_j,
            "log_odds": delta, "z": z, "g2": g2(y_i[keep], y_j[keep], y_i.sum(), y_j.sum())}))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["group", "z", "term"], ascending=[True, False, True],
                           kind="stable").reset_index(drop=True)


def plot_fightin_words(table: pd.DataFrame, ax: Any, *, group: str, top: int = 10,
                       color: str = "#0072B2", threshold: float = 1.96) -> Any:
    """Monroe et al.'s plot: z against total frequency, the ``top`` terms each way labelled."""
    part = table[table["group"] == group]
    if part.empty:
        ax.text(0.5, 0.5, f"no keyness rows for {group!r}", ha="center", va="center",
                transform=ax.transAxes)
        return ax
    freq = np.log10(part["count_group"] + part["count_reference"])
    strong = part["z"].abs() >= threshold
    ax.scatter(freq[~strong], part["z"][~strong], s=4, color="#BBBBBB", linewidths=0)
    ax.scatter(freq[strong], part["z"][strong], s=6, color=color, linewidths=0)
    ranked = part.sort_values("z")
    picked = pd.concat([ranked.head(top), ranked.tail(top)]).drop_duplicates()
    picked = picked[picked["z"].abs() >= threshold].assign(
        x=lambda f: np.log10(f["count_group"] + f["count_reference"]).round(2),
        y=lambda f: f["z"].round(1))
    for (x, y), terms in picked.groupby(["x", "y"])["term"]:  # one label per point
        ax.annotate(", ".join(terms), (x, y), fontsize=6, xytext=(2, 0),
                    textcoords="offset points", va="center")
    ax.axhline(threshold, color="#888888", lw=0.5, ls=":")
    ax.axhline(-threshold, color="#888888", lw=0.5, ls=":")
    ax.set_xlabel("log10 frequency (group + reference)")
    ax.set_ylabel("z (log-odds ratio)")
    ax.set_title(f"{group} (up) vs {part['reference'].iat[0]} (down)")
    return ax
