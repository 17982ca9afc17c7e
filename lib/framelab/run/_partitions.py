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
* :func:`framelab.run.stance_tables` (in the run stage's stance module): stance-target
  mentions scored by every scorer, and quotations;
* :func:`reuse_shingles`: each document's shingle set for text-reuse candidates
  (:func:`framelab.reuse.candidate_pairs` takes it as ``shingles=``), and
  :func:`reuse_quotes`, the quotations of the paired documents;
* :func:`topic_dtm` and :func:`topic_theta`: the units' term counts for the topic model
  (counted per partition, pruned once over the whole corpus), and the fitted model's topic
  proportions of every unit, transformed per partition.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import pandas as pd

from .. import framing, reuse
from ..corpus import ColumnMap, body, member_of, with_document_columns
from ..errors import ParameterError
from ..paths import resolve
from ._cache import CorpusCache, build_cache
from ._engine import Engine, combine
from ._written import WrittenTable

if TYPE_CHECKING:
    from ..codebook import Codebook
    from ..stats import ViewSample

__all__ = ["BATCH_DOCUMENTS", "FRAMING_TABLE_NAMES", "LABEL_KWIC_COLUMNS", "RunCorpus",
           "SHINGLE_COLUMNS", "TEXT_COLUMNS", "framing_tables", "in_batches",
           "load_run_corpus_cached", "open_run_corpus", "reuse_quotes", "reuse_shingles",
           "sentence_texts"]

log = logging.getLogger(__name__)

#: Columns of :func:`reuse_shingles`: ``shingles`` holds a sorted uint64 array per document.
SHINGLE_COLUMNS = ["doc_id", "n_tokens", "shingles"]

Partition = tuple[pd.DataFrame, pd.DataFrame]
#: Documents a per-partition function sees at once (:func:`in_batches`): bounds the memory of
#: its intermediate structures whatever the cache's chunk size.
BATCH_DOCUMENTS = 1000
#: Columns of the documents table that hold the text (left out of :attr:`RunCorpus.metadata`).
TEXT_COLUMNS = ("text", "text_norm")


def _read_part(paths: tuple[str, str], *, func: Callable[[pd.DataFrame, pd.DataFrame], Any]
               ) -> Any:
    """On a worker: read one documents part and its sentences, then apply ``func``."""
    docs = pd.read_parquet(paths[0])
    return func(docs, with_document_columns(pd.read_parquet(paths[1]), docs))


def _apply(part: Partition, *, func: Callable[[pd.DataFrame, pd.DataFrame], Any]) -> Any:
    return func(*part)


def in_batches(documents: pd.DataFrame, sentences: pd.DataFrame, *,
               func: Callable[[pd.DataFrame, pd.DataFrame], Any], size: int) -> Any:
    """``func`` over batches of at most ``size`` consecutive documents (with their sentences),
    results combined in order by :func:`framelab.run.combine`.

    A per-partition function gives the same result on any split of the corpus, so this
    equals ``func(documents, sentences)``; what changes is memory. Intermediate structures
    (feature dictionaries of every mention, sentence analyses) grow with what one call sees,
    and an ingestion chunk is 10,000 documents: batches keep them to ``size`` documents.
    """
    if size <= 0 or len(documents) <= size:
        return func(documents, sentences)
    known = sentences["doc_id"].isin(documents["doc_id"]).to_numpy()
    if not known.all():
        stray = sentences["doc_id"].to_numpy()[~known][0]
        raise ParameterError(f"sentence of document {stray!r} is not in its partition's "
                             "documents table")
    codes = pd.Categorical(sentences["doc_id"], categories=documents["doc_id"]).codes
    batch_of = codes // size
    results = []
    for b, start in enumerate(range(0, len(documents), size)):
        docs = documents.iloc[start:start + size].reset_index(drop=True)
        results.append(func(docs, sentences[batch_of == b].reset_index(drop=True)))
    return combine(results)


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
        self._documents: pd.DataFrame | None = None
        self._sentences: pd.DataFrame | None = None
        self._metadata: pd.DataFrame | None = None
        #: Documents per call of a mapped function (0: a whole part at once); see :meth:`map`.
        self.batch_documents = BATCH_DOCUMENTS

    def __repr__(self) -> str:
        return (f"RunCorpus({self.cache.path}, {self.cache.n_documents} documents in "
                f"{len(self.cache.parts)} parts, {self._engine!r})")

    @property
    def documents(self) -> pd.DataFrame:
        """The whole documents table, texts included (read from the cache on first use)."""
        if self._documents is None:
            self._documents = self.cache.documents()
        return self._documents

    @property
    def sentences(self) -> pd.DataFrame:
        """The whole sentence table with the documents' metadata columns (read on first use;
        this does not load the documents' texts)."""
        if self._sentences is None:
            self._sentences = with_document_columns(
                self.cache.sentences(**self._segmentation), self.metadata)
        return self._sentences

    @property
    def metadata(self) -> pd.DataFrame:
        """The documents table without the texts (``text``, ``text_norm``): ids, outlets,
        dates and metadata, for notebooks that group and date documents but do not read
        them. Read from the cache alone unless :attr:`documents` is loaded already."""
        if self._metadata is None:
            if self._documents is not None:
                self._metadata = self._documents.drop(columns=list(TEXT_COLUMNS),
                                                      errors="ignore")
            else:
                keep = [c for c in self.cache.columns if c not in TEXT_COLUMNS]
                self._metadata = self.cache.documents(columns=keep)
        return self._metadata

    @property
    def loaded(self) -> list[str]:
        """Which whole tables this process holds: ``documents``, ``sentences``, ``metadata``."""
        return [name for name, table in (("documents", self._documents),
                                         ("sentences", self._sentences),
                                         ("metadata", self._metadata)) if table is not None]

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
            desc: str = "partitions", empty: Any = None,
            sinks: Mapping[str, Any] | None = None, into: Any = None) -> Any:
        """Apply ``func(documents, sentences)`` to every part on the engine; combine in order.

        ``func`` must be picklable for a pool or Dask (a module-level function or a
        ``functools.partial`` of one). Workers that can read this machine's files read the
        parts from the cache, and so does this process unless the whole tables are loaded
        already (then parts are sliced from them); a cluster without shared storage gets the
        parts sent from here. Within a part, ``func`` sees at most :attr:`batch_documents`
        documents at a time (:func:`in_batches`). Results are combined by
        :func:`framelab.run.combine` (with its ``sinks``, tables that go to disk part by
        part; with ``into``, summed results are added to it); ``empty`` is returned when there
        is nothing to combine (a cache without parts).
        """
        eng = self.engine
        if self.batch_documents:
            func = partial(in_batches, func=func, size=self.batch_documents)
        whole = self._documents is not None and self._sentences is not None
        if (eng.in_process and whole) or not eng.shared_storage:
            parts: Any = self.partitions()
            call: Callable[[Any], Any] = partial(_apply, func=func)
        else:
            parts, call = self._paths(), partial(_read_part, func=func)
        found = combine(eng.imap(call, parts, total=len(self.cache.parts), desc=desc,
                                 describe=_describe), sinks=sinks, into=into)
        return empty if found is None else found


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

@contextlib.contextmanager
def _paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off inside the block, on again after it if it was on.

    A part's analysis makes millions of small objects (tokens, spans, feature rows) that
    stay alive until its table is made, and are freed by their reference counts, not by
    the collector: each collection in between walks them all and finds nothing (on the
    realistic benchmark corpus a third of a stance part's time and a fifth of a framing
    part's). Results do not change; the collector runs again after the block. Used around
    one part (at most ``RunCorpus.batch_documents`` documents), so garbage with cycles, if
    any, is bounded.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


#: Columns of the ``label_kwic`` table of :func:`framing_tables` (a label mention in context).
LABEL_KWIC_COLUMNS = ["doc_id", "outlet", "voice", "voice_cue", "left", "match", "right",
                      "label", "family", "actor", "event"]
#: Tables :func:`framing_tables` can return.
FRAMING_TABLE_NAMES = ("matches", "match_counts", "layer_counts", "label_mentions",
                       "label_rows", "label_kwic", "actor_mentions", "actor_documents",
                       "actor_voices", "actor_counts", "frames", "frame_rates", "frame_kwic",
                       "reporting_verbs", "verb_counts")


def _framing_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, codebook: Codebook,
                  include_nonbody: bool, max_evidence: int, window: int, kwic_window: int,
                  keep: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    with _paused_gc():
        return _framing_tables_of(documents, sentences, codebook=codebook,
                                  include_nonbody=include_nonbody, max_evidence=max_evidence,
                                  window=window, kwic_window=kwic_window, keep=keep)


def _framing_tables_of(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                       codebook: Codebook, include_nonbody: bool, max_evidence: int,
                       window: int, kwic_window: int, keep: tuple[str, ...]
                       ) -> dict[str, pd.DataFrame]:
    sents, docs, cb, nonbody = sentences, documents, codebook, include_nonbody
    made: dict[str, Any] = {}

    def get(name: str) -> Any:  # each table (and the shared voice taggers) made once, if asked
        if name not in made:
            made[name] = build[name]()
        return made[name]

    build: dict[str, Callable[[], Any]] = {
        "matches": lambda: framing.match_sentences(sents, cb, include_nonbody=nonbody),
        "taggers": lambda: framing.voice_taggers(sents, docs, cb, include_nonbody=nonbody),
        "match_counts": lambda: (get("matches").groupby(["doc_id", "layer"], sort=False)
                                 .size().rename("matches").reset_index()),
        "layer_counts": lambda: (get("matches").groupby("layer", sort=False).size()
                                 .rename("matches").reset_index()),
        "label_mentions": lambda: framing.label_mentions(
            sents, docs, cb, matches=get("matches"), taggers=get("taggers"),
            include_nonbody=nonbody),
        "label_rows": lambda: framing.label_rows(get("label_mentions")),
        "label_kwic": lambda: framing.add_kwic(get("label_mentions"), docs,
                                               window=kwic_window)[LABEL_KWIC_COLUMNS],
        "actor_mentions": lambda: framing.actor_mentions(
            sents, docs, cb, matches=get("matches"), taggers=get("taggers"),
            include_nonbody=nonbody),
        "actor_documents": lambda: framing.actor_documents(get("actor_mentions")),
        "actor_voices": lambda: framing.actor_voices(get("actor_mentions")),
        "actor_counts": lambda: framing.actor_counts(get("actor_mentions")),
        "frame_kwic": lambda: framing.frame_kwic(sents, docs, cb, matches=get("matches"),
                                                 window=window, include_nonbody=nonbody),
        "frames": lambda: framing.frames(sents, docs, cb, matches=get("matches"),
                                         max_evidence=max_evidence, window=window,
                                         kwic=get("frame_kwic"), include_nonbody=nonbody),
        "frame_rates": lambda: framing.frame_rates(get("frames")),
        "reporting_verbs": lambda: framing.reporting_verbs(
            sents, docs, cb, matches=get("matches"), include_nonbody=nonbody),
        "verb_counts": lambda: (get("reporting_verbs").groupby(["outlet", "verb_class"])
                                .size().rename("verbs").reset_index()),
    }
    return {name: get(name) for name in keep}


def framing_tables(run: RunCorpus, codebook: Codebook, *, include_nonbody: bool = False,
                   max_evidence: int = 3, window: int = 40, kwic_window: int = 40,
                   tables: Sequence[str] | None = None,
                   written: Sequence[str] | Mapping[str, ViewSample | None] = (),
                   out_dir: str | Path = "", view: ViewSample | None = None
                   ) -> dict[str, pd.DataFrame]:
    """The per-document framing tables of the whole corpus, computed part by part.

    ``tables`` names the ones returned (default: all but ``label_kwic`` and the compact
    forms ``label_rows`` and ``frame_rates``); on a large corpus
    ask only for what you use, since each is held whole in this process (``matches`` has
    about one row per sentence). Tables also named in ``written`` are not held whole: each
    part goes to ``<out_dir>/tables/<name>.csv`` as it arrives (:class:`WrittenTable`), and
    the table returned is ``view``'s sample of it (:class:`framelab.stats.ViewSample`), or
    its columns without rows if ``view`` is None; its ``attrs`` give ``path`` and ``rows``.
    ``written`` may also map each such table to its own view (None: no rows kept), e.g. for
    a table without ``view``'s column.

    Returns
    -------
    dict of DataFrame
        ``matches`` (:func:`framelab.framing.match_sentences`), ``label_mentions``,
        ``actor_mentions``, ``actor_documents``, ``frames``, ``frame_kwic`` and
        ``reporting_verbs``: each equal to the function of the same name in
        :mod:`framelab.framing` called on the whole corpus. ``match_counts``: doc_id, layer,
        matches (codebook matches per document and layer); ``layer_counts``: layer, matches
        (one row per part and layer: sum them). ``actor_voices``:
        :func:`framelab.framing.actor_voices` (mentions per document, actor and voice);
        ``actor_counts``: :func:`framelab.framing.actor_counts` of each part, one after
        another (what :func:`framelab.framing.actor_summary` takes; a few rows per part).
        ``verb_counts``: outlet, verb_class, verbs (reporting verbs per outlet and class,
        one row per part and pair: sum them). ``label_kwic``: the label mentions with
        ``kwic_window`` characters of context (:func:`framelab.framing.add_kwic`), columns
        :data:`LABEL_KWIC_COLUMNS`. ``label_rows`` and ``frame_rates``: the label mentions
        and the frames without their text columns, repeated values as categories
        (:func:`framelab.framing.label_rows`, :func:`framelab.framing.frame_rates`): what
        the rates and summaries need, held when the full tables are ``written``.
    """
    keep = tuple(tables) if tables is not None else \
        tuple(name for name in FRAMING_TABLE_NAMES
              if name not in ("label_kwic", "label_rows", "frame_rates"))
    unknown = [name for name in keep if name not in FRAMING_TABLE_NAMES]
    if unknown:
        raise ParameterError(f"framing_tables(tables=...): unknown {unknown}; use any of "
                             f"{', '.join(FRAMING_TABLE_NAMES)}")
    views = dict(written) if isinstance(written, Mapping) else {name: view for name in written}
    if set(views) - set(keep):
        raise ParameterError(f"framing_tables(written=...): {sorted(set(views) - set(keep))} "
                             "are not among the tables asked for; name them in tables= too")
    if views and not out_dir:
        raise ParameterError("framing_tables(written=...): give out_dir, the run folder the "
                             "tables are written to")
    sinks = {name: WrittenTable(name, out_dir, shown) for name, shown in views.items()}
    with contextlib.ExitStack() as stack:
        for sink in sinks.values():
            stack.enter_context(sink)
        return run.map(partial(_framing_part, codebook=codebook,
                               include_nonbody=include_nonbody, max_evidence=max_evidence,
                               window=window, kwic_window=kwic_window, keep=keep),
                       desc="framing", sinks=sinks)


def _sentence_part(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                   wanted: frozenset[str]) -> pd.DataFrame:
    return sentences.loc[member_of(sentences["sentence_id"], wanted), ["sentence_id", "text"]]


def sentence_texts(run: RunCorpus, sentence_ids: Iterable[str]) -> pd.DataFrame:
    """``sentence_id`` and ``text`` of the given sentences, in corpus order.

    Read part by part on the run's engine unless the whole sentence table is loaded: a
    notebook that shows a few hundred sentences as evidence does not need every sentence's
    text in memory.
    """
    wanted = frozenset(map(str, sentence_ids))
    if run.loaded and "sentences" in run.loaded:
        return _sentence_part(run.metadata, run.sentences, wanted=wanted).reset_index(drop=True)
    return run.map(partial(_sentence_part, wanted=wanted), desc="sentences",
                   empty=pd.DataFrame(columns=["sentence_id", "text"]))


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
                 include_nonbody: bool, doc_ids: frozenset[str] | None,
                 targets: bool = True) -> pd.DataFrame:
    return reuse.document_quotes(documents, body(sentences, include_nonbody=include_nonbody),
                                 codebook, doc_ids=doc_ids, targets=targets)


def reuse_quotes(run: RunCorpus, codebook: Codebook, *, include_nonbody: bool = False,
                 doc_ids: Iterable[str] | None = None, targets: bool = False) -> pd.DataFrame:
    """Direct quotations of the documents (of ``doc_ids`` only, if given), part by part:
    :func:`framelab.framing.find_quotes` on the analysed sentences, as on the whole corpus.

    What :func:`framelab.reuse.classify_pairs` reads: ``speaker_actor`` and ``targets``
    are left empty unless ``targets`` is True (then the rows are ``find_quotes``'s)."""
    only = None if doc_ids is None else frozenset(str(d) for d in doc_ids)
    return run.map(partial(_quotes_part, codebook=codebook, include_nonbody=include_nonbody,
                           doc_ids=only, targets=targets), desc="quotations")


def load_run_corpus_cached(corpus: str | Path, **options: Any
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`framelab.corpus.load_run_corpus` through the Parquet cache and an engine.

    Takes the options of :func:`framelab.run.open_run_corpus` (the notebook
    parameters; an unknown one is a TypeError). Returns ``(documents, sentences)`` equal to
    ``load_run_corpus``'s.
    """
    run = open_run_corpus(corpus, **options)
    return run.documents, run.sentences
