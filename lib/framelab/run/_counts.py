"""Corpus-wide counts in one streaming pass: tokens, codebook labels, stance-target mentions.

:func:`count_corpus` is the pipeline of the scale benchmark and of any analysis that only
needs counts: read the corpus in chunks (through the Parquet cache), segment each chunk with
the corpus-wide boilerplate lines, and count each chunk with a pure per-chunk function on any
:class:`framelab.run.Engine`. Per-chunk counts are summed in chunk order, so every engine
and number of workers gives identical tables.

The default per-chunk function, :class:`ChunkCounter`, tokenizes the analysed sentences with
:class:`framelab.tokens.Analyzer` (multiword expressions of the codebook kept whole) and runs
the codebook's one Aho-Corasick automaton (:attr:`framelab.codebook.Codebook.matcher`) once
per document over its sentences (no match crosses a sentence), counting label/event/verb/frame matches and actor mentions per stance target.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd

from ..codebook import load_codebook
from ..corpus import DEFAULT_CHUNK_SIZE, ColumnMap, body, group_key, segment_chunk
from ..errors import ColumnError
from ..stance import find_mentions
from ..tokens import DEFAULT_MWES, Analyzer
from ._cache import build_cache
from ._engine import Engine, combine, open_engine

__all__ = ["COUNT_BATCH", "CorpusCounts", "ChunkCounter", "count_corpus"]

log = logging.getLogger(__name__)


@dataclass
class CorpusCounts:
    """Counts that add up exactly across chunks (``a += b``).

    Attributes
    ----------
    n_documents, n_sentences, n_analysed, n_tokens : int
        Documents, sentences, analysed (body/headline) sentences and tokens counted.
    terms : dict of str to Counter
        Group -> term -> occurrences.
    doc_freq : Counter
        Term -> documents containing it.
    labels : Counter
        ``(group, layer, key)`` -> codebook matches (layers ``label``, ``event``, ``verb``,
        ``frame:<name>``, ``actor``).
    targets : Counter
        ``(group, target)`` -> mentions of the target's actors.
    stance_voices : Counter
        ``(group, target, voice)`` -> mentions found by :func:`framelab.stance.find_mentions`
        (narrator, quoted or attributed); empty unless ``ChunkCounter(stance_voice=True)``.
    """

    n_documents: int = 0
    n_sentences: int = 0
    n_analysed: int = 0
    n_tokens: int = 0
    terms: dict[str, Counter[str]] = field(default_factory=dict)
    doc_freq: Counter[str] = field(default_factory=Counter)
    labels: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    targets: Counter[tuple[str, str]] = field(default_factory=Counter)
    stance_voices: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def __iadd__(self, other: CorpusCounts) -> Self:
        self.n_documents += other.n_documents
        self.n_sentences += other.n_sentences
        self.n_analysed += other.n_analysed
        self.n_tokens += other.n_tokens
        for group, counts in other.terms.items():
            self.terms.setdefault(group, Counter()).update(counts)
        self.doc_freq.update(other.doc_freq)
        self.labels.update(other.labels)
        self.targets.update(other.targets)
        self.stance_voices.update(other.stance_voices)
        return self

    def summary(self) -> pd.DataFrame:
        """One row: ``n_documents``, ``n_sentences``, ``n_analysed``, ``n_tokens``."""
        return pd.DataFrame([{"n_documents": self.n_documents, "n_sentences": self.n_sentences,
                              "n_analysed": self.n_analysed, "n_tokens": self.n_tokens}])

    def term_table(self) -> pd.DataFrame:
        """Columns ``term``, ``count``, ``doc_freq``; most frequent first, ties by term."""
        total: Counter[str] = Counter()
        for counts in self.terms.values():
            total.update(counts)
        frame = pd.DataFrame({"term": list(total), "count": list(total.values())})
        frame["doc_freq"] = frame["term"].map(self.doc_freq).astype("int64")
        return _sorted(frame, ["count", "term"], [False, True])

    def group_term_table(self) -> pd.DataFrame:
        """Columns ``group``, ``term``, ``count`` (for keyness between groups)."""
        rows = [(g, t, n) for g, counts in self.terms.items() for t, n in counts.items()]
        frame = pd.DataFrame(rows, columns=["group", "term", "count"])
        return _sorted(frame, ["group", "count", "term"], [True, False, True])

    def label_table(self) -> pd.DataFrame:
        """Columns ``group``, ``layer``, ``key``, ``count``."""
        frame = pd.DataFrame([(*k, n) for k, n in self.labels.items()],
                             columns=["group", "layer", "key", "count"])
        return _sorted(frame, ["group", "layer", "key"], [True, True, True])

    def target_table(self) -> pd.DataFrame:
        """Columns ``group``, ``target``, ``mentions``."""
        frame = pd.DataFrame([(*k, n) for k, n in self.targets.items()],
                             columns=["group", "target", "mentions"])
        return _sorted(frame, ["group", "target"], [True, True])

    def stance_voice_table(self) -> pd.DataFrame:
        """Columns ``group``, ``target``, ``voice``, ``mentions``."""
        frame = pd.DataFrame([(*k, n) for k, n in self.stance_voices.items()],
                             columns=["group", "target", "voice", "mentions"])
        return _sorted(frame, ["group", "target", "voice"], [True, True, True])

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table above by name: summary, terms, group_terms, labels, targets,
        stance_voices."""
        return {"summary": self.summary(), "terms": self.term_table(),
                "group_terms": self.group_term_table(), "labels": self.label_table(),
                "targets": self.target_table(), "stance_voices": self.stance_voice_table()}


def _sorted(frame: pd.DataFrame, by: list[str], ascending: list[bool]) -> pd.DataFrame:
    for col in frame.columns:
        if col in ("count", "mentions", "doc_freq"):
            frame[col] = frame[col].astype("int64")
    return frame.sort_values(by, ascending=ascending, kind="mergesort").reset_index(drop=True)


_STATE: dict[Any, tuple[Any, Any, dict[str, str]]] = {}


@dataclass(frozen=True)
class ChunkCounter:
    """The default per-chunk counter of :func:`count_corpus` (picklable; state built lazily).

    Parameters
    ----------
    codebook : str or None
        Codebook YAML path ("" = the shipped default); ``None`` counts tokens only.
    include_nonbody : bool
        Count bylines, captions, related links and boilerplate too.
    group_by : str
        Documents column grouping the counts (unknown values group by doc_id, as
        :func:`framelab.corpus.group_key`).
    stance_voice : bool
        Also count stance-target mentions by voice with :func:`framelab.stance.find_mentions`
        (a quotation and attribution analysis per document: slower).
    """

    codebook: str | None = ""
    include_nonbody: bool = False
    group_by: str = "outlet"
    stance_voice: bool = False

    def _state(self) -> tuple[Any, Any, dict[str, str]]:
        if self not in _STATE:
            matcher, targets = None, {}
            mwes: tuple[str, ...] = DEFAULT_MWES
            if self.codebook is not None:
                cb = load_codebook(self.codebook or None)
                matcher = cb.matcher
                targets = {a.id: a.target for a in cb.actors.values()}
                mwes = tuple(dict.fromkeys(DEFAULT_MWES + cb.mwes))
            _STATE[self] = (Analyzer(mwes=mwes), matcher, targets)
        return _STATE[self]

    def __call__(self, documents: pd.DataFrame, sentences: pd.DataFrame) -> CorpusCounts:
        analyzer, matcher, actor_target = self._state()
        out = CorpusCounts(n_documents=len(documents), n_sentences=len(sentences))
        groups = dict(zip(documents["doc_id"], group_key(documents, self.group_by)))
        sents = body(sentences, include_nonbody=self.include_nonbody)
        out.n_analysed = len(sents)
        words_of = analyzer.words
        doc_words: list[str] = []
        doc_texts: list[str] = []
        current = None
        for doc_id, text in zip(sents["doc_id"], sents["text_norm"]):
            if doc_id != current:
                self._flush(out, groups.get(current), doc_words, doc_texts, matcher,
                            actor_target)
                current, doc_words, doc_texts = doc_id, [], []
            doc_words.extend(words_of(text))
            doc_texts.append(text)
        self._flush(out, groups.get(current), doc_words, doc_texts, matcher, actor_target)
        if self.stance_voice and matcher is not None and len(sents):

            found = find_mentions(sents, load_codebook(self.codebook or None),
                                  documents=documents)
            for doc_id, target, voice in zip(found["doc_id"], found["target"], found["voice"]):
                out.stance_voices[(groups[doc_id], target, voice)] += 1
        return out

    @staticmethod
    def _flush(out: CorpusCounts, group: str | None, words: list[str], texts: list[str],
               matcher: Any, actor_target: dict[str, str]) -> None:
        """Add one document: its tokens, and its sentences' codebook matches (one pass)."""
        if group is None:
            return
        if words:
            out.n_tokens += len(words)
            out.terms.setdefault(group, Counter()).update(words)
            out.doc_freq.update(set(words))
        if matcher is not None and texts:
            for (layer, key), n in matcher.count_many(texts).items():
                out.labels[(group, layer, key)] += n
                if layer == "actor" and key in actor_target:
                    out.targets[(group, actor_target[key])] += n


#: Documents segmented and counted at a time inside a chunk: the sentence table of a whole
#: chunk is never built, so a worker's memory is the chunk plus this many documents' sentences.
COUNT_BATCH = 1000


def _count_part(documents: pd.DataFrame, *, repeated: np.ndarray,
                counter: Callable[[pd.DataFrame, pd.DataFrame], Any]) -> Any:

    def batches() -> Any:
        for start in range(0, max(len(documents), 1), COUNT_BATCH):
            docs = documents.iloc[start:start + COUNT_BATCH]
            yield counter(docs, segment_chunk(docs, repeated))

    return combine(batches())


def count_corpus(
    path: str | Path,
    *,
    metadata: str | Path | None = None,
    columns: ColumnMap | None = None,
    on_bad_rows: str = "error",
    codebook: str | None = "",
    include_nonbody: bool = False,
    group_by: str = "outlet",
    stance_voice: bool = False,
    per_chunk: Callable[[pd.DataFrame, pd.DataFrame], Any] | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    cache_dir: str | Path | None = None,
    boilerplate_min_docs: int = 3,
    boilerplate_min_share: float = 0.2,
    engine: str | Engine = "local",
    workers: int | None = None,
    scheduler: Any = None,
    progress: bool = True,
) -> Any:
    """Stream a corpus through normalisation, segmentation and per-chunk counting.

    Parameters
    ----------
    path, metadata, columns, on_bad_rows
        As for :func:`framelab.corpus.load_corpus`.
    codebook, include_nonbody, group_by, stance_voice
        Options of the default :class:`ChunkCounter`.
    per_chunk : callable, optional
        ``(documents, sentences) -> counts`` replacing :class:`ChunkCounter`, called on
        batches of at most :data:`COUNT_BATCH` documents of a chunk with their sentences; it
        must be picklable and its results must support ``+=``.
    chunk_size, cache_dir, boilerplate_min_docs, boilerplate_min_share
        As for :func:`framelab.run.build_cache` (the documents are cached; sentences are
        made per chunk and not stored).
    engine, workers, scheduler
        Where the per-chunk work runs (:class:`framelab.run.Engine`).
    progress : bool
        Progress bars for reading and counting.

    Returns
    -------
    CorpusCounts or object
        The sum of the per-chunk results in chunk order.
    """

    counter = per_chunk or ChunkCounter(codebook=codebook, include_nonbody=include_nonbody,
                                        group_by=group_by, stance_voice=stance_voice)
    with open_engine(engine, workers=workers, scheduler=scheduler, progress=progress) as eng:
        cache = build_cache(path, metadata=metadata, columns=columns, on_bad_rows=on_bad_rows,
                            cache_dir=cache_dir, chunk_size=chunk_size, sentences=False,
                            engine=eng, progress=progress)
        if group_by not in cache.columns:
            raise ColumnError(f"group_by={group_by!r} is not a column of the documents; "
                              "available: " + ", ".join(cache.columns))
        func = partial(_count_part, counter=counter, repeated=cache.repeated_lines(
            boilerplate_min_docs=boilerplate_min_docs,
            boilerplate_min_share=boilerplate_min_share))
        keep = list(dict.fromkeys(["doc_id", "outlet", "text", "text_norm", "origin",
                                   group_by]))
        return combine(cache.imap(eng, func, columns=keep, desc="counting"))
