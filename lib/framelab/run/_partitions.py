"""The corpus of a run, and per-document analyses run partition by partition on an engine.

A notebook opens its corpus once with :func:`open_run_corpus`: the Parquet cache entry
(:mod:`framelab.run`) is found, or built, and its documents and sentences are loaded for
the cells that need whole tables (rates, keyness, topic models, figures). The per-document
analyses, which are most of the work, run through :meth:`RunCorpus.map` instead: one call per
cache part on the run's engine (:class:`framelab.run.Engine`), in this process, a process
pool or a Dask cluster whose workers read the parts from the cache themselves.

Per-document functions give the same rows whichever partition a document is in, and results
are combined in corpus order, so the tables do not depend on the engine, the number of
workers or the chunk size. The analyses mapped this way:

* :func:`framing_tables`: codebook matches, label and actor mentions with their voice,
  frames per document, frame KWIC and reporting verbs (:mod:`framelab.framing`);
* :func:`stance_tables`: stance-target mentions scored by every scorer, and quotations
  (:mod:`framelab.stance`, :mod:`framelab.framing`);
* :func:`reuse_shingles`: each document's shingle set for text-reuse candidates
  (:func:`framelab.reuse.candidate_pairs` takes it as ``shingles=``), and
  :func:`reuse_quotes`, the quotations of the paired documents;
* :func:`topic_dtm` and :func:`topic_theta`: the units' term counts for the topic model
  (counted per partition, pruned once over the whole corpus), and the fitted model's topic
  proportions of every unit, transformed per partition.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd

from .. import framing, reuse, stance, topics
from ..corpus import ColumnMap, body, with_document_columns
from ..corpus import units as make_units
from ..errors import ParameterError
from ..paths import resolve
from ..tokens import DTM, align_columns, count_terms, stack_dtms
from ._cache import CorpusCache, build_cache
from ._engine import Engine, combine

if TYPE_CHECKING:
    from ..codebook import Codebook

__all__ = ["RunCorpus", "open_run_corpus", "framing_tables", "stance_tables",
           "reuse_quotes", "reuse_shingles", "SHINGLE_COLUMNS", "UnitCounts", "topic_dtm", "topic_theta", 'load_run_corpus_cached']

log = logging.getLogger(__name__)

#: Columns of :func:`reuse_shingles`: ``shingles`` holds a sorted uint64 array per document.
SHINGLE_COLUMNS = ["doc_id", "n_tokens", "shingles"]

Partition = tuple[pd.DataFrame, pd.DataFrame]


def _read_part(paths: tuple[str, str], *, func: Callable[[pd.DataFrame, pd.DataFrame], Any]
               ) -> Any:
    """On a worker: read one documents part and its sentences, then apply ``func``."""
    docs = pd.read_parquet(paths[0])
    return func(docs, with_document_columns(pd.read_parquet(paths[1]), docs))


def _apply(part: Partition, *, func: Callable[[pd.DataFrame, pd.DataFrame], Any]) -> Any:
    return func(*part)


def _describe(part: Any) -> str:
    if isinstance(part, tuple) and part and isinstance(part[0], str):
        return Path(part[0]).name
    docs = part[0]
    return f"{len(docs)} documents {docs['doc_id'].iloc[0]} .. {docs['doc_id'].iloc[-1]}" \
        if len(docs) else "0 documents"


class RunCorpus:
    """A cached corpus, its whole tables (read on demand) and an engine for per-partition work.

    Parameters
    ----------
    cache : CorpusCache
        An entry with its sentence table built (:func:`framelab.run.build_cache`).
    engine, workers, scheduler
        Where :meth:`map` runs (:class:`framelab.run.Engine`); the engine starts at the
        first :meth:`map` and stays up until :meth:`close` (or the end of a ``with`` block).
    boilerplate_min_docs, boilerplate_min_share
        The segmentation whose sentence table is used.
    progress : bool
        Progress bars over partitions.

    Attributes
    ----------
    documents, sentences : DataFrame
        The whole tables, equal to :func:`framelab.corpus.load_run_corpus`'s, read from the
        cache when first used (:meth:`map` does not need them, so it works on corpora whose
        tables do not fit in memory).
    """

    def __init__(self, cache: CorpusCache, *, engine: str | Engine = "local",
                 workers: int = 0, scheduler: str = "", boilerplate_min_docs: int = 3,
                 boilerplate_min_share: float = 0.2, progress: bool = True) -> None:
        self.cache = cache
        self._segmentation: dict[str, Any] = {
            "boilerplate_min_docs": boilerplate_min_docs,
            "boilerplate_min_share": boilerplate_min_share}
        self._engine = engine if isinstance(engine, Engine) else \
            Engine(engine, workers=workers or None, scheduler=scheduler or None,
                   progress=progress)
        self._tables: tuple[pd.DataFrame, pd.DataFrame] | None = None

    def __repr__(self) -> str:
        return (f"RunCorpus({self.cache.path}, {self.cache.n_documents} documents in "
                f"{len(self.cache.parts)} parts, {self._engine!r})")

    def _load(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        if self._tables is None:
            docs = self.cache.documents()
            sents = with_document_columns(self.cache.sentences(**self._segmentation), docs)
            self._tables = docs, sents
        return self._tables

    @property
    def documents(self) -> pd.DataFrame:
        """The whole documents table (read from the cache on first use)."""
        return self._load()[0]

    @property
    def sentences(self) -> pd.DataFrame:
        """The whole sentence table with the documents' metadata columns (read on first use)."""
        return self._load()[1]

    @property
    def engine(self) -> Engine:
        """The engine of :meth:`map` (started on first use)."""
        return self._engine.start()

    def close(self) -> None:
        """Stop the engine's pool or cluster connection (a later :meth:`map` restarts it)."""
        self._engine.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _paths(self) -> list[tuple[str, str]]:
        folder = self.cache.build_sentences(**self._segmentation, progress=False)
        return [(str(p), str(folder / p.name)) for p in self.cache.parts]

    def partitions(self) -> Iterator[Partition]:
        """``(documents, sentences)`` of each cache part, sliced from the loaded tables."""
        import pyarrow.parquet as pq

        doc_at = sent_at = 0
        for doc_path, sent_path in self._paths():
            n_docs = pq.read_metadata(doc_path).num_rows
            n_sents = pq.read_metadata(sent_path).num_rows
            docs = self.documents.iloc[doc_at:doc_at + n_docs].reset_index(drop=True)
            sents = self.sentences.iloc[sent_at:sent_at + n_sents].reset_index(drop=True)
            doc_at, sent_at = doc_at + n_docs, sent_at + n_sents
            yield docs, sents

    def map(self, func: Callable[[pd.DataFrame, pd.DataFrame], Any], *,
            desc: str = "partitions") -> Any:
        """Apply ``func(documents, sentences)`` to every part on the engine; combine in order.

        ``func`` must be picklable for a pool or Dask (a module-level function or a
        ``functools.partial`` of one). Workers that can read this machine's files read the
        parts from the cache, and so does this process unless the whole tables are loaded
        already (then parts are sliced from them); a cluster without shared storage gets the
        parts sent from here. Results are combined by :func:`framelab.run.combine`.
        """
        eng = self.engine
        if (eng.in_process and self._tables is not None) or not eng.shared_storage:
            parts: Any = self.partitions()
            call: Callable[[Any], Any] = partial(_apply, func=func)
        else:
            parts, call = self._paths(), partial(_read_part, func=func)
        return combine(eng.imap(call, parts, total=len(self.cache.parts), desc=desc,
                                describe=_describe))


def open_run_corpus(
    corpus: str | Path,
    *,
    metadata: str | Path | None = "",
    columns: ColumnMap | Mapping[str, str | None] | None = None,
    on_bad_rows: str = "error",
    cache_dir: str | Path = "",
    corpus_cache: str | Path = "",
    engine: str = "local",
    workers: int = 0,
    scheduler: str = "",
    progress: bool = True,
) -> RunCorpus:
    """Open a run's corpus from the notebook parameters (see the notebooks' first cell).

    ``corpus_cache`` is the cache entry the report built for this run: it is opened directly,
    without reading and hashing the corpus again; it must be an entry of ``corpus``.
    Otherwise the entry is looked up (or built) from the corpus and the reading options.
    """
    if corpus_cache:
        cache = CorpusCache(resolve(corpus_cache))
        made_from = cache.manifest["settings"]["input"]["path"]
        if made_from != str(resolve(corpus)):
            raise ParameterError(
                f"corpus_cache={str(corpus_cache)!r} was built from {made_from}, not from "
                f"corpus={str(corpus)!r}; leave corpus_cache empty to look the corpus up")
    else:
        cache = build_cache(resolve(corpus), metadata=resolve(metadata) if metadata else None,
                            columns=ColumnMap.coerce(columns), on_bad_rows=on_bad_rows,
                            cache_dir=resolve(cache_dir) if cache_dir else None,
                            engine=engine, workers=workers or None,
                            scheduler=scheduler or None, progress=progress)
    return RunCorpus(cache, engine=engine, workers=workers, scheduler=scheduler,
                     progress=progress)


# --- the per-partition analyses ----------------------------------------------------------

def _framing_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, codebook: Codebook,
                  include_nonbody: bool, max_evidence: int, window: int
                  ) -> dict[str, pd.DataFrame]:
    opts = {"include_nonbody": include_nonbody}
    matches = framing.match_sentences(sentences, codebook, **opts)
    kw = framing.frame_kwic(sentences, documents, codebook, matches=matches, window=window,
                            **opts)
    taggers = framing.voice_taggers(sentences, documents, codebook, **opts)  # shared
    return {
        "matches": matches,
        "label_mentions": framing.label_mentions(sentences, documents, codebook,
                                                 matches=matches, taggers=taggers, **opts),
        "actor_mentions": framing.actor_mentions(sentences, documents, codebook,
                                                 matches=matches, taggers=taggers, **opts),
        "frames": framing.frames(sentences, documents, codebook, matches=matches,
                                 max_evidence=max_evidence, window=window, kwic=kw, **opts),
        "frame_kwic": kw,
        "reporting_verbs": framing.reporting_verbs(sentences, documents, codebook,
                                                   matches=matches, **opts),
    }


def framing_tables(run: RunCorpus, codebook: Codebook, *, include_nonbody: bool = False,
                   max_evidence: int = 3, window: int = 40) -> dict[str, pd.DataFrame]:
    """The per-document framing tables of the whole corpus, computed part by part.

    Returns
    -------
    dict of DataFrame
        ``matches`` (:func:`framelab.framing.match_sentences`), ``label_mentions``,
        ``actor_mentions``, ``frames``, ``frame_kwic`` and ``reporting_verbs``: each equal to
        the function of the same name in :mod:`framelab.framing` called on the whole corpus.
    """
    return run.map(partial(_framing_part, codebook=codebook, include_nonbody=include_nonbody,
                           max_evidence=max_evidence, window=window), desc="framing")


def _stance_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, codebook: Codebook,
                 targets: Sequence[str], scorers: Sequence[str], include_nonbody: bool
                 ) -> dict[str, pd.DataFrame]:

    analysed = body(sentences, include_nonbody=include_nonbody)
    found = stance.find_mentions(analysed, codebook, targets=targets, documents=documents)
    return {"mentions": stance.score_mentions(found, analysed, scorers=scorers,
                                              codebook=codebook),
            "quotes": framing.find_quotes(documents, codebook, sentences=sentences)}


def stance_tables(run: RunCorpus, codebook: Codebook, *, targets: Sequence[str],
                  scorers: Sequence[str], include_nonbody: bool = False
                  ) -> dict[str, pd.DataFrame]:
    """Stance mentions scored by every scorer, and quotations, computed part by part.

    Returns
    -------
    dict of DataFrame
        ``mentions``: :func:`framelab.stance.score_mentions` of
        :func:`framelab.stance.find_mentions` on the analysed sentences (rows of the first
        scorer, then of the next, as on the whole corpus); ``quotes``:
        :func:`framelab.framing.find_quotes`.
    """
    tables = run.map(partial(_stance_part, codebook=codebook, targets=tuple(targets),
                             scorers=tuple(scorers), include_nonbody=include_nonbody),
                     desc="stance")
    order = {name: i for i, name in enumerate(scorers)}
    scored = tables["mentions"]
    tables["mentions"] = scored.iloc[scored["scorer"].map(order).argsort(kind="stable")] \
        .reset_index(drop=True)
    return tables


def _shingle_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, shingle_size: int,
                  include_nonbody: bool) -> pd.DataFrame:

    analysed = body(sentences, include_nonbody=include_nonbody)
    sets, n_tokens = reuse.shingle_sets(reuse.doc_texts(documents, analysed),
                                          size=shingle_size)
    return pd.DataFrame({"doc_id": documents["doc_id"].to_numpy(), "n_tokens": n_tokens,
                         "shingles": pd.Series(sets, dtype=object)})


def reuse_shingles(run: RunCorpus, *, shingle_size: int = 5,
                   include_nonbody: bool = False) -> pd.DataFrame:
    """Each document's distinct shingle hashes (columns :data:`SHINGLE_COLUMNS`), part by
    part: the per-document half of :func:`framelab.reuse.candidate_pairs`."""
    return run.map(partial(_shingle_part, shingle_size=shingle_size,
                           include_nonbody=include_nonbody), desc="shingling")


def _quotes_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, codebook: Codebook,
                 include_nonbody: bool, doc_ids: frozenset[str] | None) -> pd.DataFrame:
    return reuse.document_quotes(documents, body(sentences, include_nonbody=include_nonbody),
                                 codebook, doc_ids=doc_ids)


def reuse_quotes(run: RunCorpus, codebook: Codebook, *, include_nonbody: bool = False,
                 doc_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Direct quotations of the documents (of ``doc_ids`` only, if given), part by part:
    :func:`framelab.framing.find_quotes` on the analysed sentences, as on the whole corpus."""
    only = None if doc_ids is None else frozenset(str(d) for d in doc_ids)
    return run.map(partial(_quotes_part, codebook=codebook, include_nonbody=include_nonbody,
                           doc_ids=only), desc="quotations")


@dataclass
class UnitCounts:
    """Units of analysis and their unpruned term counts, partition by partition; ``a += b``
    appends ``b``'s (the matrices are stacked once, by :meth:`stacked`)."""

    units: list[pd.DataFrame] = field(default_factory=list)
    counts: list[DTM] = field(default_factory=list)

    def __iadd__(self, other: UnitCounts) -> Self:
        self.units += other.units
        self.counts += other.counts
        return self

    def stacked(self) -> tuple[pd.DataFrame, DTM]:
        """All units (in corpus order) and their counts over the united vocabulary."""
        units = pd.concat([u for u in self.units if len(u)] or self.units[:1],
                          ignore_index=True)
        return units, stack_dtms(self.counts)


def _unit_counts_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, unit: str | int,
                      include_nonbody: bool) -> UnitCounts:

    found = make_units(body(sentences, include_nonbody=include_nonbody), unit)
    return UnitCounts([found], [count_terms(found["text_norm"].tolist())])


def topic_dtm(run: RunCorpus, unit: str | int, *, include_nonbody: bool = False,
              min_df: float = 2, max_df: float = 0.9, max_features: int | None = None
              ) -> tuple[pd.DataFrame, DTM]:
    """:func:`framelab.topics.topic_dtm` of the corpus's units, the counting done part by part.

    ``unit`` is a resolved unit of analysis (:func:`framelab.topics.resolve_unit`). Terms are
    counted per partition; pruning by ``min_df``/``max_df`` needs the whole corpus and runs
    here on the stacked counts. Returns what ``topic_dtm(units(body(sentences), unit))``
    returns.
    """
    units, counts = run.map(partial(_unit_counts_part, unit=unit,
                                    include_nonbody=include_nonbody),
                            desc="counting terms").stacked()
    return topics.topic_dtm(units, min_df=min_df, max_df=max_df, max_features=max_features,
                            counts=counts)


def _theta_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, model: Any,
                vocabulary: np.ndarray, unit: str | int, include_nonbody: bool
                ) -> pd.DataFrame:

    found = make_units(body(sentences, include_nonbody=include_nonbody), unit)
    X = align_columns(count_terms(found["text_norm"].tolist()), vocabulary)
    keep = np.asarray(X.sum(axis=1)).ravel() > 0  # the units topic_dtm keeps
    theta = model.transform(X[keep]) if keep.any() else np.zeros((0, model.n_topics_))
    out = pd.DataFrame(theta, columns=[f"topic_{t + 1}" for t in range(theta.shape[1])])
    out.insert(0, "unit_id", found["unit_id"].to_numpy()[keep])
    return out


def topic_theta(run: RunCorpus, model: Any, units: pd.DataFrame, vocabulary: np.ndarray, *,
                unit: str | int, include_nonbody: bool = False) -> np.ndarray:
    """Topic proportions of ``units`` (from :func:`topic_dtm`) under a fitted
    :class:`framelab.topics.TopicModel`, transformed part by part on the run's engine.

    Returns
    -------
    ndarray of shape (n_units, n_topics)
        Equal to ``model.transform(dtm.X)`` on the whole corpus's matrix.
    """
    frame = run.map(partial(_theta_part, model=model, vocabulary=np.asarray(vocabulary),
                            unit=unit, include_nonbody=include_nonbody), desc="topics")
    if frame["unit_id"].tolist() != units["unit_id"].tolist():
        raise ParameterError(
            f"the {len(frame)} transformed units are not the {len(units)} units given; pass "
            "the units and vocabulary topic_dtm returned for this corpus and unit")
    return frame.drop(columns="unit_id").to_numpy()


def load_run_corpus_cached(corpus: str | Path, **options: Any
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`framelab.corpus.load_run_corpus` through the Parquet cache and an engine.

    Takes the options of :func:`framelab.run.open_run_corpus` (the notebook
    parameters; an unknown one is a TypeError). Returns ``(documents, sentences)`` equal to
    ``load_run_corpus``'s.
    """
    run = open_run_corpus(corpus, **options)
    return run.documents, run.sentences
