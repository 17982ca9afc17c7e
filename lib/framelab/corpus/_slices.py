"""Sentence texts read from their documents, for sentence tables kept without them.

Segmentation gives each sentence its ``start`` and ``end`` offsets into its document, and
normalisation keeps every character in place, so a sentence's ``text`` and ``text_norm`` are
its document's ``text[start:end]`` and ``text_norm[start:end]``. A sentence table with its
texts holds the corpus a second time: about 400 MB for 100,000 news articles, in a kernel
that also holds the documents. :func:`without_texts` drops them, and
:func:`sentence_texts` reads a sentence's text from its document when a step needs it: the
same strings, and only one chunk of documents as Python strings at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

from ..errors import ColumnError, ParameterError, check_columns

__all__ = ["SENTENCE_TEXTS", "check_sentence_texts", "has_texts", "sentence_texts",
           "with_texts", "without_texts"]

#: The sentence table's text columns, each a slice of the same column of ``documents``.
SENTENCE_TEXTS = ("text", "text_norm")

#: Sentences read per chunk: the documents of one chunk are Python strings at a time.
CHUNK_SENTENCES = 65_536


def without_texts(sentences: pd.DataFrame) -> pd.DataFrame:
    """``sentences`` without :data:`SENTENCE_TEXTS` (read back with :func:`sentence_texts`)."""
    return sentences.drop(columns=[c for c in SENTENCE_TEXTS if c in sentences.columns])


def with_texts(sentences: pd.DataFrame, documents: pd.DataFrame | None,
               columns: Sequence[str] = SENTENCE_TEXTS) -> pd.DataFrame:
    """``sentences`` with each of ``columns`` it lacks read from ``documents`` (for a step
    that reads the texts as columns; best on a few rows: they become one more copy)."""
    missing = [c for c in columns if c not in sentences.columns]
    if not missing:
        return sentences
    return sentences.assign(**{c: pd.array(list(sentence_texts(sentences, documents, c)),
                                           dtype="str") for c in missing})


def has_texts(sentences: pd.DataFrame, columns: Sequence[str] = SENTENCE_TEXTS) -> bool:
    """Whether ``sentences`` holds each of ``columns`` itself."""
    return all(c in sentences.columns for c in columns)


def check_sentence_texts(sentences: pd.DataFrame, documents: pd.DataFrame | None,
                         columns: Sequence[str] = SENTENCE_TEXTS) -> None:
    """Raise :class:`ColumnError` unless each of ``columns`` can be read for ``sentences``:
    the table has it, or ``documents`` has it and the sentences have their offsets."""
    missing = [c for c in columns if c not in sentences.columns]
    if not missing:
        return
    if documents is None:
        raise ColumnError(f"sentences lacks column(s) {missing}; columns found: "
                          + ", ".join(map(str, sentences.columns)) + ". Pass the documents "
                          "table too (the sentences' start and end offsets point into its "
                          "texts), or a sentence table with its texts")
    check_columns(sentences, ("doc_id", "start", "end"), "sentences")
    check_columns(documents, ("doc_id", *missing), "documents")


def sentence_texts(sentences: pd.DataFrame, documents: pd.DataFrame | None,
                   column: str = "text_norm", rows: Sequence[int] | np.ndarray | None = None,
                   *, chunk: int = CHUNK_SENTENCES) -> Iterator[str]:
    """The ``column`` text (``text`` or ``text_norm``) of rows ``rows`` (positions) of
    ``sentences``, or of every row, in that order.

    Read from ``sentences[column]`` when the table has it; otherwise each sentence is its
    document's ``documents[column][start:end]`` (``documents`` is then required), ``chunk``
    sentences at a time.
    """
    if column not in SENTENCE_TEXTS:
        raise ParameterError(f"column={column!r}: a sentence text is one of {SENTENCE_TEXTS}")
    at = (np.arange(len(sentences)) if rows is None
          else np.asarray(rows, dtype=np.int64).reshape(-1))
    if column in sentences.columns:
        # the table's values as they are (a missing text stays missing, for the step that
        # reads it to report)
        values = sentences[column]
        for lo in range(0, len(at), chunk):
            yield from values.take(at[lo:lo + chunk]).tolist()
        return
    if documents is None:
        raise ParameterError(f"sentences has no {column!r} column: pass the documents table, "
                             "whose texts the sentences' start and end offsets point into")
    check_columns(sentences, ("doc_id", "start", "end"), "sentences")
    check_columns(documents, ("doc_id", column), "documents")
    doc_ids = sentences["doc_id"]
    starts = sentences["start"].to_numpy(np.int64)
    ends = sentences["end"].to_numpy(np.int64)
    index = pd.Index(documents["doc_id"].astype(str))
    texts = documents[column]
    for lo in range(0, len(at), chunk):
        part = at[lo:lo + chunk]
        ids = doc_ids.take(part).astype(str)
        doc_at = index.get_indexer(pd.Index(ids))
        if (doc_at < 0).any():
            missing = ids.iloc[int(np.flatnonzero(doc_at < 0)[0])]
            raise ParameterError(f"sentences of document {missing!r} have no {column!r} column "
                                 "and the document is not in documents: pass the documents "
                                 "table the sentences were segmented from")
        wanted = np.unique(doc_at)
        text_of = dict(zip(wanted.tolist(), (str(t) for t in texts.take(wanted).tolist())))
        yield from (text_of[d][s:e] for d, s, e in
                    zip(doc_at.tolist(), starts[part].tolist(), ends[part].tolist()))
