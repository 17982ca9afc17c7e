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

The z-score treats every occurrence as an independent draw, which news text is not: one
article repeating a word can make it "key" for its outlet. The table therefore counts the
documents that use each term, and :func:`keyness` can add a percentile bootstrap interval of
``z`` that redraws whole documents (or sentences, for groups of fewer documents).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import sparse

from ..codebook import resolve_codebook
from ..errors import ParameterError
from ..figures import is_single, new_figure, styled, thin_labels
from ..stats import check_bootstrap, resolve_unit
from ..tokens import STOP_WORDS, count_terms
from ._framing import _body, _unit_groups
from ._keynessboot import (
    _Bootstrap,
    _in_vocabulary,
    _rows_summed,
    _union,
    log_odds_dirichlet,
)
from ._termbatches import TermBatches, keyness_mwes

if TYPE_CHECKING:
    from ..codebook import CodebookArg

__all__ = [
    "KEYNESS_COLUMNS",
    "g2",
    "keyness",
    "log_odds_dirichlet",
    "fightin_words_figure",
    "plot_fightin_words",
    "term_counts",
    "term_doc_counts",
]

log = logging.getLogger(__name__)

KEYNESS_COLUMNS = ["term", "group", "reference", "count_group", "count_reference",
                   "docs_group", "docs_reference", "log_odds", "z", "z_ci_low", "z_ci_high",
                   "ci_unit", "g2"]

#: Sentences tokenized at a time by :func:`term_doc_counts` (cut at document boundaries).
BATCH_SENTENCES = 100_000


def term_counts(sentences: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                group_by: str = "outlet", codebook: CodebookArg = None,
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


class _Batches:
    """The analysed sentences of a corpus, tokenized :data:`BATCH_SENTENCES` at a time (whole
    documents): the group names (sorted), and per batch its vocabulary, its sentence x term
    counts and each sentence's group and document codes.

    With ``keep`` the batches are tokenized once and kept for a second iteration (the
    bootstrap reads them after the totals), at the memory cost of the whole corpus's counts.
    """

    def __init__(self, sentences: pd.DataFrame, documents: pd.DataFrame | None,
                 group_by: str, codebook: CodebookArg, include_nonbody: bool, *,
                 keep: bool = False) -> None:
        cb = resolve_codebook(codebook)
        sents = _body(sentences, include_nonbody)
        group_of = np.asarray(_unit_groups(sents, documents, group_by).astype(str),
                              dtype=object)
        self.names = sorted(set(group_of))
        self.group_codes = np.searchsorted(np.array(self.names, dtype=object), group_of)
        self.doc_codes = pd.factorize(sents["doc_id"])[0]
        self._texts = sents["text_norm"].tolist()
        self._mwes = keyness_mwes(cb)
        self._kept: list[tuple[np.ndarray, sparse.csr_matrix, np.ndarray, np.ndarray]] | None \
            = [] if keep else None
        self._complete = False

    def __iter__(self) -> Iterator[tuple[np.ndarray, sparse.csr_matrix, np.ndarray, np.ndarray]]:
        if self._kept is not None and self._complete:
            yield from self._kept
            return
        for lo, hi in _document_batches(self.doc_codes, BATCH_SENTENCES):
            dtm = count_terms(self._texts[lo:hi], stop_words=STOP_WORDS, mwes=self._mwes)
            batch = (dtm.vocabulary, dtm.X, self.group_codes[lo:hi], self.doc_codes[lo:hi])
            if self._kept is not None:
                self._kept.append(batch)
            yield batch
        self._complete = True


def term_doc_counts(sentences: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                    group_by: str = "outlet", codebook: CodebookArg = None,
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
    return _term_doc_counts(_Batches(sentences, documents, group_by, codebook, include_nonbody))


def _term_doc_counts(batches: _Batches | TermBatches) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`term_doc_counts` of tokenized batches."""
    n_groups = len(batches.names)
    count_parts, doc_parts = [], []
    for vocab, X, groups, docs in batches:
        present, per_group = _rows_summed(groups, X)
        count_parts.append((vocab, per_group, present))
        # (document, group) pairs: a document is counted once in each group it reaches
        pairs, per_pair = _rows_summed(docs.astype(np.int64) * n_groups + groups, X)
        present, used = _rows_summed(pairs % n_groups, per_pair.astype(bool).astype(np.int64))
        doc_parts.append((vocab, used, present))
    vocabulary = _union([v for v, _, _ in count_parts])

    def total(parts: list[tuple[np.ndarray, sparse.csr_matrix, np.ndarray]]) -> pd.DataFrame:
        # a part has one row per group present in its batch: move them to the group's row
        placed = [(vocab, sparse.csr_matrix(
            (np.ones(len(present)), (present, np.arange(len(present)))),
            shape=(n_groups, len(present))) @ m) for vocab, m, present in parts]
        summed = _in_vocabulary(vocabulary, placed, n_rows=n_groups)
        return pd.DataFrame(np.rint(summed.toarray().T).astype(np.int64),
                            index=pd.Index(vocabulary.astype(str)), columns=batches.names)

    return total(count_parts), total(doc_parts)


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


def keyness(sentences: pd.DataFrame | None, documents: pd.DataFrame | None = None, *,
            group_by: str = "outlet", groups: str | Sequence[str] | None = None,
            prior_scale: float = 0.1, min_count: int = 1, codebook: CodebookArg = None,
            counts: pd.DataFrame | None = None, doc_counts: pd.DataFrame | None = None,
            include_nonbody: bool = False, n_boot: int = 0, unit: str = "auto",
            seed: int = 0, ci: float = 0.95, min_docs_per_group: int = 5,
            batches: TermBatches | None = None) -> pd.DataFrame:
    """Distinctive terms of each group against the rest, or of two named groups.

    Parameters
    ----------
    sentences, documents : DataFrame
        The canonical tables; see :func:`term_counts`. ``sentences`` is not read when
        ``batches`` is given.
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
    n_boot : int
        Bootstrap replicates for a percentile interval of each ``z`` (0: none, the interval
        columns are missing values). Each replicate redraws the group's and the reference's
        units with replacement, recounts the terms and recomputes ``z`` (the prior stays
        the pooled corpus). A term whose interval spans 0 is not reliably distinctive,
        whatever its ``z``. The bootstrap holds the sentence x term counts of the whole
        corpus (sparse): on corpora of millions of articles, run it on a sample or keep
        ``n_boot=0``.
    unit : {"auto", "documents", "sentences"}
        What the bootstrap draws, as in :func:`framelab.framing.label_rates`: documents (with
        all their analysed sentences) are the honest unit; "auto" takes them when every group
        has at least ``min_docs_per_group`` documents and sentences otherwise (then the
        interval says how stable ``z`` is within those articles). Column ``ci_unit``.
    seed, ci : int, float
        Seed of the bootstrap (comparisons in the table's order) and the interval's coverage.
    batches : TermBatches, optional
        The sentences already tokenized (:func:`framelab.framing.term_batches`, added up
        part by part, with the same ``group_by``, ``codebook`` and ``include_nonbody``): the
        result is the same table. Batches of ``level="documents"`` (a few times smaller)
        serve every bootstrap that draws documents; one that draws sentences needs
        ``level="sentences"`` (:func:`framelab.framing.resampled_unit` says which, before
        the batches are made).

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
    check_bootstrap(n_boot, ci)
    resolve_unit({}, unit, smaller="sentences")  # checks the value before any work
    # with a bootstrap, the sentences are tokenized once for the totals and the replicates
    if batches is None and sentences is None and (counts is None or n_boot):
        raise ParameterError("keyness needs the sentences, or batches= (term_batches), or "
                             "counts= with n_boot=0")
    tokenized: _Batches | TermBatches | None = batches if batches is not None else \
        (_Batches(sentences, documents, group_by, codebook, include_nonbody,
                  keep=bool(n_boot) and counts is None)
         if sentences is not None and (counts is None or n_boot) else None)
    if counts is None:
        assert tokenized is not None
        counts, doc_counts = _term_doc_counts(tokenized)
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
    boot = (_Bootstrap(tokenized, unit, min_docs_per_group, counts.index, alpha, n_boot, ci, seed)
            if tokenized is not None and n_boot else None)
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
        low, high = (boot.interval(group, others, keep) if boot is not None else
                     (np.full(int(keep.sum()), np.nan),) * 2)
        frames.append(pd.DataFrame({
            "term": counts.index[keep], "group": group,
            "reference": others[0] if len(others) == 1 else "rest",
            "count_group": y_i[keep].astype("int64"), "count_reference": y_j[keep].astype("int64"),
            "docs_group": d_i, "docs_reference": d_j,
            "log_odds": delta, "z": z, "z_ci_low": low, "z_ci_high": high,
            "ci_unit": boot.unit if boot is not None else "",
            "g2": g2(y_i[keep], y_j[keep], y_i.sum(), y_j.sum())}))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["group", "z", "term"], ascending=[True, False, True],
                           kind="stable").reset_index(drop=True)


@styled
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
    points = sorted(picked.groupby(["x", "y"])["term"],
                    key=lambda p: (-abs(p[0][1]), p[0]))  # type: ignore[arg-type]
    for (x, y), terms in points:  # one label per point, strongest first
        names = list(terms)
        label = ", ".join(names[:3]) + (f" +{len(names) - 3}" if len(names) > 3 else "")
        note = ax.annotate(label, (x, y), fontsize=6, xytext=(2, 0), clip_on=True,
                           textcoords="offset points", va="center", gid="framelab-term")
        note.set_in_layout(False)  # a long label must not squeeze the axes in the layout
    ax.axhline(threshold, color="#888888", lw=0.5, ls=":")
    ax.axhline(-threshold, color="#888888", lw=0.5, ls=":")
    ax.set_xlabel("log10 frequency (group + reference)")
    ax.set_ylabel("z (log-odds ratio)")
    ax.set_title(f"{group} (up) vs {part['reference'].iat[0]} (down)")
    return ax


@styled
def fightin_words_figure(table: pd.DataFrame, *, width: str | float = "double",
                         groups: Sequence[str] | None = None, top: int = 10,
                         colors: dict[str, str] | None = None, max_panels: int = 8) -> Any:
    """Panels of :func:`plot_fightin_words` for (at most ``max_panels``) groups at ``width``.

    Two columns at double width, one at single; term labels that would run into each other
    are left out, the strongest kept (the full list is the keyness table). None when the
    table has no group.
    """
    shown = list(groups) if groups is not None else list(dict.fromkeys(table["group"]))
    shown = shown[:max_panels]
    if not shown:
        return None
    ncols = 1 if is_single(width) else 2
    nrows = (len(shown) + ncols - 1) // ncols
    fig, axes = new_figure(width, 2.4 * nrows, nrows=nrows, ncols=ncols, squeeze=False,
                           layout="constrained")
    for ax in axes.flat[len(shown):]:
        ax.set_visible(False)
    for ax, group in zip(axes.flat, shown):
        plot_fightin_words(table, ax, group=group, top=top,
                           color=(colors or {}).get(str(group), "#0072B2"))
    fig.draw_without_rendering()  # lay out at the final size, then drop colliding labels
    thin_labels(fig, [t for ax in axes.flat for t in ax.texts if t.get_gid() == "framelab-term"])
    return fig
