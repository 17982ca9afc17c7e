"""Corpus-wide tables of notebooks 00_corpus and 01_framing, computed part by part on the
run's engine.

Everything the overview shows is either per document (lengths, segment counts, the
sentences set aside, KWIC lines) or a corpus total (term and bigram counts), so none of it
needs the whole corpus in one process: per-document rows are computed per part and put
together in corpus order, totals are added up (:class:`framelab.tokens.TextTotals`).
Each equals the whole-corpus function's result (``tests/run/test_notebook_tables.py``).

01_framing's rates and keyness need the sentences' words, not their texts:
:func:`sentences_without_text` is the sentence table with a word count instead, and
:func:`keyness_batches` the analysed sentences tokenized for
:func:`framelab.framing.keyness` (``batches=``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Self

import numpy as np
import pandas as pd

from .. import framing
from ..corpus import (
    ANALYSED_SEGMENTS,
    body,
    describe_documents,
    segment_counts,
)
from ..errors import CorpusError, ParameterError
from ..tokens import TextTotals, kwic
from ._engine import combine
from ._partitions import TEXT_COLUMNS
from ._written import WrittenTable

if TYPE_CHECKING:
    from ..codebook import Codebook
    from ..stats import ViewSample
    from ._partitions import RunCorpus

__all__ = ["NONBODY_COLUMNS", "OVERVIEW_TABLE_NAMES", "corpus_overview", "document_words",
           "keyness_batches", "overview_tables", "rate_units", "sentences_without_text",
           "text_totals"]

#: Columns of the ``nonbody`` table: the sentences that are not analysed by default.
NONBODY_COLUMNS = ["doc_id", "sentence_id", "segment", "text"]
#: The tables of :func:`overview_tables` and :func:`corpus_overview`.
OVERVIEW_TABLE_NAMES = ("documents", "segments", "nonbody", "kwic")


def _overview_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, keyword: str,
                   kwic_window: int, include_nonbody: bool) -> dict[str, pd.DataFrame]:
    analysed = body(sentences, include_nonbody=include_nonbody)
    return {
        "documents": describe_documents(documents, sentences),
        "segments": segment_counts(sentences),
        "nonbody": sentences.loc[~sentences["segment"].isin(ANALYSED_SEGMENTS),
                                 NONBODY_COLUMNS],
        "kwic": kwic(analysed, keyword, window=kwic_window),
    }


def overview_tables(run: RunCorpus, *, keyword: str, kwic_window: int = 60,
                    include_nonbody: bool = False) -> dict[str, pd.DataFrame]:
    """The per-document tables of the overview, part by part.

    Returns
    -------
    dict of DataFrame
        ``documents`` (:func:`framelab.corpus.describe_documents`), ``segments``
        (:func:`framelab.corpus.segment_counts`, sorted by doc_id as it sorts them),
        ``nonbody`` (the sentences outside the analysed segments, :data:`NONBODY_COLUMNS`)
        and ``kwic`` (:func:`framelab.tokens.kwic` of ``keyword`` in the analysed
        sentences): each equal to the function on the whole corpus.
    """
    tables = run.map(partial(_overview_part, keyword=keyword, kwic_window=kwic_window,
                             include_nonbody=include_nonbody), desc="overview")
    tables["segments"] = tables["segments"].sort_values("doc_id", kind="stable") \
        .reset_index(drop=True)
    return tables


@dataclass
class _Overview:
    """One part's overview tables and text totals; ``a += b`` appends ``b``'s tables (put
    together once, by :func:`corpus_overview`) and adds its totals. A table with a sink
    (:class:`WrittenTable`) goes to it instead, which keeps what it samples."""

    tables: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    totals: TextTotals = field(default_factory=TextTotals)
    sinks: dict[str, WrittenTable] = field(default_factory=dict)

    def __iadd__(self, other: _Overview) -> Self:
        for name, frames in other.tables.items():
            sink = self.sinks.get(name)
            self.tables.setdefault(name, []).extend(
                frames if sink is None else [sink.append(frame) for frame in frames])
        self.totals += other.totals
        return self

    def combined(self) -> dict[str, pd.DataFrame]:
        tables = {}
        for name, frames in self.tables.items():
            whole = combine(frames)
            tables[name] = self.sinks[name].finish(whole) if name in self.sinks else whole
        return tables


def _corpus_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, keyword: str,
                 kwic_window: int, include_nonbody: bool) -> _Overview:
    analysed = body(sentences, include_nonbody=include_nonbody)
    # one scan of the analysed texts gives the totals and each text's tokens
    totals, lengths = TextTotals.counted(analysed["text_norm"].tolist())
    if include_nonbody:  # body() is every sentence
        n_tokens = lengths
    else:  # body() is the sentences of the analysed segments, in order
        n_tokens = np.zeros(len(sentences), dtype=np.int64)
        n_tokens[sentences["segment"].isin(ANALYSED_SEGMENTS).to_numpy()] = lengths
    tables = {
        "documents": describe_documents(documents, sentences, n_tokens=n_tokens),
        "segments": segment_counts(sentences),
        "nonbody": sentences.loc[~sentences["segment"].isin(ANALYSED_SEGMENTS),
                                 NONBODY_COLUMNS],
        "kwic": kwic(analysed, keyword, window=kwic_window),
    }
    return _Overview({name: [table] for name, table in tables.items()}, totals)


def corpus_overview(run: RunCorpus, *, keyword: str, kwic_window: int = 60,
                    include_nonbody: bool = False,
                    written: Mapping[str, ViewSample | None] | None = None,
                    out_dir: str | Path = "",
                    ) -> tuple[dict[str, pd.DataFrame], TextTotals]:
    """:func:`overview_tables` and :func:`text_totals` in one pass over the corpus: each part
    is read once and each analysed sentence tokenized once for both (the documents' token
    counts and the word and bigram totals use the same tokens). Returns what the two
    functions return.

    ``written`` names tables that are not held whole (on a large corpus the KWIC lines and
    the sentences set aside grow with it): each part of table ``<name>`` goes to
    ``<out_dir>/tables/corpus_<name>.csv`` as it arrives (:class:`WrittenTable`), and the
    table returned is the sample of the :class:`framelab.stats.ViewSample` given for it, or
    its columns without rows for None (:func:`framelab.outputs.preview_written` shows its
    first rows); its ``attrs`` give ``path`` and ``rows``.
    """
    written = dict(written or {})
    unknown = sorted(set(written) - set(OVERVIEW_TABLE_NAMES))
    if unknown:
        raise ParameterError(f"corpus_overview(written=...): unknown {unknown}; use any of "
                             f"{', '.join(OVERVIEW_TABLE_NAMES)}")
    if written and not out_dir:
        raise ParameterError("corpus_overview(written=...): give out_dir, the run folder the "
                             "tables are written to")
    sinks = {name: WrittenTable(f"corpus_{name}", out_dir, view)
             for name, view in written.items()}
    with contextlib.ExitStack() as stack:
        for sink in sinks.values():
            stack.enter_context(sink)
        found = run.map(partial(_corpus_part, keyword=keyword, kwic_window=kwic_window,
                                include_nonbody=include_nonbody), desc="overview",
                        into=_Overview(sinks=sinks))
        if not found.tables:
            raise CorpusError(f"{run.cache.path}: the cache holds no documents; rebuild it "
                              "from a corpus with at least one document")
        # put together as run.map puts together the tables of overview_tables
        tables = found.combined()
    tables["segments"] = tables["segments"].sort_values("doc_id", kind="stable") \
        .reset_index(drop=True)
    return tables, found.totals


def _totals_part(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                 include_nonbody: bool) -> TextTotals:
    return TextTotals.of(body(sentences, include_nonbody=include_nonbody)["text_norm"])


def text_totals(run: RunCorpus, *, include_nonbody: bool = False) -> TextTotals:
    """Term, word and bigram totals of the analysed sentences (for the top terms and the
    collocations), added up part by part."""
    return run.map(partial(_totals_part, include_nonbody=include_nonbody), desc="totals",
                   empty=TextTotals())


def _without_text_part(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                       columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    kept = [c for c in sentences.columns if c not in TEXT_COLUMNS and
            (columns is None or c in columns)]
    return sentences[kept].assign(n_words=framing.word_counts(sentences))


def sentences_without_text(run: RunCorpus, *,
                           columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The sentence table without ``text`` and ``text_norm``, with ``n_words`` (word tokens,
    stop words included: :func:`framelab.framing.word_counts`) in their place, and the
    documents' metadata columns. :func:`framelab.framing.label_rates` takes it as its
    sentences; it is about a third of the whole table's size. ``columns`` keeps only those
    of them (those the table has) and ``n_words``: on a large corpus, what the notebook
    reads (``doc_id``, ``sentence_id``, ``segment`` and the ``group_by`` column for the
    rates) is a small part of the metadata repeated on every sentence."""
    return run.map(partial(_without_text_part,
                           columns=None if columns is None else tuple(columns)),
                   desc="sentence words")


def _document_words_part(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                         columns: tuple[str, ...], include_nonbody: bool) -> pd.DataFrame:
    analysed = body(sentences, include_nonbody=include_nonbody)
    words = pd.DataFrame({"doc_id": analysed["doc_id"].to_numpy(),
                          "n_words": framing.word_counts(analysed)})
    found = words.groupby("doc_id", sort=False)["n_words"].agg(["size", "sum"]) \
        .set_axis(["n_sentences", "n_words"], axis=1).reset_index()
    kept = [c for c in columns if c in documents.columns and c not in found.columns]
    return found.merge(documents[["doc_id", *kept]], on="doc_id", how="left",
                       validate="one_to_one") if kept else found


def document_words(run: RunCorpus, *, columns: Sequence[str] = (),
                   include_nonbody: bool = False) -> pd.DataFrame:
    """One row per document with at least one analysed sentence, in corpus order:
    ``doc_id``, ``n_sentences`` and ``n_words`` (word tokens of its analysed sentences, stop
    words included: :func:`framelab.framing.word_counts`), and the named document columns.
    What :func:`framelab.framing.label_rates` needs when its bootstrap draws documents, a
    row per document where :func:`sentences_without_text` has one per sentence."""
    return run.map(partial(_document_words_part, columns=tuple(columns),
                           include_nonbody=include_nonbody), desc="document words")


def rate_units(run: RunCorpus, *, group_by: str = "outlet", unit: str = "auto",
               include_nonbody: bool = False) -> tuple[pd.DataFrame, str]:
    """The word counts :func:`framelab.framing.label_rates` reads, and what its bootstrap
    (and keyness's) draws (:func:`framelab.framing.resampled_unit`): one row per document
    (:func:`document_words`) when the draws are of documents and ``group_by`` is a document
    column, else the sentence table without texts (:func:`sentences_without_text`)."""
    documents = run.metadata
    if group_by in documents.columns and unit != "sentences":
        words = document_words(run, columns=[group_by], include_nonbody=include_nonbody)
        drawn = framing.resampled_unit(words, documents, group_by=group_by, unit=unit,
                                       include_nonbody=include_nonbody)
        if drawn == "documents":
            return words, drawn
    sentences = sentences_without_text(run, columns=["doc_id", "sentence_id", "segment",
                                                     group_by])
    return sentences, framing.resampled_unit(sentences, documents, group_by=group_by,
                                             unit=unit, include_nonbody=include_nonbody)


def _keyness_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, group_by: str,
                  codebook: Codebook, include_nonbody: bool,
                  level: str) -> framing.TermBatches:
    return framing.term_batches(sentences, documents, group_by=group_by, codebook=codebook,
                                include_nonbody=include_nonbody, level=level)


def keyness_batches(run: RunCorpus, codebook: Codebook, *, group_by: str = "outlet",
                    include_nonbody: bool = False,
                    level: str = "sentences") -> framing.TermBatches:
    """The analysed sentences tokenized for :func:`framelab.framing.keyness` (its
    ``batches=``), part by part; ``group_by``, ``codebook`` and ``include_nonbody`` as the
    keyness call will have them. ``level="documents"`` sums each document's sentences in
    its part (:class:`framelab.framing.TermBatches`): enough for a bootstrap that draws
    documents (:func:`framelab.framing.resampled_unit`), and a few times smaller."""
    return run.map(partial(_keyness_part, group_by=group_by, codebook=codebook,
                           include_nonbody=include_nonbody, level=level),
                   desc="keyness terms", empty=framing.TermBatches(level))
