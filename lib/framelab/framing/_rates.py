"""Label rates per group, family and voice, with bootstrap intervals over documents or
sentences."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ..codebook import Codebook, resolve_codebook
from ..corpus import positions
from ..errors import ParameterError, check_columns
from ..stats import cell_rng, check_bootstrap, ratio_interval, resolve_unit
from ._framing import LABEL_RATE_COLUMNS, _body, _resolved_unit, _unit_groups, word_counts
from ._voice import VOICES

__all__ = ["label_rates"]

log = logging.getLogger(__name__)


def label_rates(mentions: pd.DataFrame, sentences: pd.DataFrame,
                documents: pd.DataFrame | None = None, codebook: Codebook | None = None, *,
                group_by: str = "outlet", unit: str = "auto", n_boot: int = 1000,
                seed: int = 0, include_nonbody: bool = False,
                min_docs_per_group: int = 5) -> pd.DataFrame:
    """Label counts and rates per group x family x voice, with bootstrap 95% CIs.

    Parameters
    ----------
    mentions : DataFrame
        :func:`label_mentions` output.
    sentences, documents : DataFrame
        Token counts come from the (body) sentences, or their ``n_words`` column when they
        come without texts (:func:`framelab.run.sentences_without_text`); ``group_by`` may
        name a sentence or a document column. An empty group value falls back to the doc_id.
        ``sentences`` may also be one row per document (no ``sentence_id`` column: the
        ``n_words`` of its analysed sentences, :func:`framelab.run.document_words`), enough
        when the bootstrap draws documents; every mention of a listed document then counts,
        so the mentions must be those of the same analysed sentences (same
        ``include_nonbody``).
    unit : {"auto", "documents", "sentences"}
        What the bootstrap resamples, with replacement, within each group. Documents are
        the honest unit (sentences of one article are not independent); a group of one
        document then has no CI (NaN) -- use "sentences" to get a within-article CI.
        "auto" takes documents when every group has at least ``min_docs_per_group``
        documents and sentences otherwise; the ``ci_unit`` column says which was used.
    n_boot, seed : int
        Bootstrap replicates and the seed (:mod:`framelab.stats`: each group draws from its
        own generator, so its interval does not depend on the other groups).

    Returns
    -------
    DataFrame
        Columns :data:`LABEL_RATE_COLUMNS`, every group x family x voice (zeros included).
        ``rate_per_1000`` = count / n_tokens x 1000 (all word tokens, stop words included),
        ``share`` = count / all labels of the group, ``ci_low``/``ci_high`` the 2.5 and 97.5
        percentiles of the bootstrapped rate.
    """
    resolve_unit({}, unit, smaller="sentences")  # checks the value before any work
    check_bootstrap(n_boot, 0.95)
    cb = resolve_codebook(codebook)
    # one row per sentence, or per document (rows and mentions then meet by doc_id)
    key = "sentence_id" if "sentence_id" in sentences.columns else "doc_id"
    check_columns(mentions, (key, "family", "voice"), "mentions")
    words = "n_words" if "n_words" in sentences.columns else "text_norm"
    sents = _body(sentences, include_nonbody, needs=tuple(dict.fromkeys(("doc_id", key, words))))
    # codes, not arrays of Python strings: at a million articles the sentences are 12 million
    group_codes, group_names = pd.factorize(_unit_groups(sents, documents, group_by), sort=True)
    unit = _resolved_unit(sents, pd.Categorical.from_codes(group_codes, group_names), unit,
                          min_docs_per_group)
    if key == "doc_id" and unit != "documents":
        raise ParameterError(f"label_rates: unit={unit!r} draws sentences, and the table given "
                             "has one row per document; pass the sentence table "
                             "(framelab.run.sentences_without_text)")
    # units numbered in sorted order, so each group's units are drawn in the order of their ids
    unit_codes = pd.factorize(sents["doc_id"] if unit == "documents" else sents["sentence_id"],
                              sort=True)[0]
    tokens = word_counts(sents)
    cells = [(f, v) for f in cb.families for v in VOICES]
    # each mention's sentence or document (a row of sents) and cell (family x voice, the
    # order of cells); mentions of other sentences or families do not count
    row = pd.Index(sents[key]).get_indexer(mentions[key])
    fam_at, voice_at = positions(mentions["family"], cb.families), \
        positions(mentions["voice"], VOICES)
    counted = (row >= 0) & (fam_at >= 0) & (voice_at >= 0)
    row, cell = row[counted], (fam_at * len(VOICES) + voice_at)[counted].astype(np.int64)
    rows = []
    for code, group in enumerate(group_names):
        sel = group_codes == code
        codes, inverse = np.unique(unit_codes[sel], return_inverse=True)
        u_tok = np.bincount(inverse, weights=tokens[sel], minlength=len(codes))
        # the group's mentions: their unit's position among the group's units, and their cell
        of_group = group_codes[row] == code
        position = np.searchsorted(codes, unit_codes[row[of_group]])
        u_cnt = np.bincount(position * len(cells) + cell[of_group],
                            minlength=len(codes) * len(cells)) \
            .reshape(len(codes), len(cells)).astype(np.float64)
        lo, hi = ratio_interval(u_cnt, u_tok, n_boot=n_boot, ci=0.95, scale=1000.0,
                                rng=cell_rng(seed, "label_rates", group))
        n_tok, total = int(u_tok.sum()), u_cnt.sum()
        for j, (fam, voice) in enumerate(cells):
            c = int(u_cnt[:, j].sum())
            rows.append((group, fam, voice, c, n_tok, 1000.0 * c / n_tok if n_tok else np.nan,
                         c / total if total else np.nan, lo[j], hi[j], len(codes), unit))
    out = pd.DataFrame(rows, columns=LABEL_RATE_COLUMNS)
    single = out.loc[out["n_units"] < 2, "group"].unique().tolist()
    if single and n_boot > 0:
        log.warning("label_rates: group(s) %s have fewer than 2 %s, so no bootstrap CI; "
                    "use unit='sentences' for a within-document interval", single, unit)
    return out
