"""The reuse notebook's sentences, part by part (:func:`reuse_sentences`).

``RunCorpus.sentences`` carries every document's metadata columns (date, title, url, sidecar
columns) on every sentence, and ``corpus.body`` of it is a second copy: at 100,000 articles
the two were most of the reuse kernel's memory. The reuse stage needs only the sentences'
own columns, of the analysed segments: each part is filtered and trimmed on the engine and
only that is combined, so the whole sentence table is never held. With ``texts=False`` the
sentences' ``text`` and ``text_norm`` are left out too (the documents hold the same
characters: ``corpus.sentence_texts`` reads them back), and the reuse steps read each
sentence's text from its document when they need it.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from ..corpus import body, without_texts
from ._partitions import RunCorpus

__all__ = ["reuse_sentences"]

#: Columns a sentence table has of its own (never copied from the documents' metadata).
_OWN = ("doc_id", "outlet", "text", "text_norm", "origin")


def _reuse_sentence_part(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                         include_nonbody: bool, texts: bool = True) -> pd.DataFrame:
    analysed = body(sentences, include_nonbody=include_nonbody)
    # the columns corpus.with_document_columns copied from the documents
    copied = [c for c in documents.columns if c not in _OWN and c in analysed.columns]
    analysed = analysed.drop(columns=copied)
    return analysed if texts else without_texts(analysed)


def reuse_sentences(run: RunCorpus, *, include_nonbody: bool = False,
                    texts: bool = True) -> pd.DataFrame:
    """The analysed sentences (``corpus.body``) without the documents' metadata columns,
    filtered part by part on the run's engine: the rows of
    ``corpus.body(run.sentences, include_nonbody=...)`` in the same order, with a new index
    and the sentence table's own columns only (``doc_id``, ``outlet``, ``sentence_id``,
    positions, offsets, ``text``, ``text_norm``, ``segment``); ``texts=False`` leaves out
    ``text`` and ``text_norm`` (each the document's text at ``start:end``)."""
    found = run.map(partial(_reuse_sentence_part, include_nonbody=include_nonbody,
                            texts=texts), desc="reuse sentences")
    if found is None:  # a cache without parts
        return _reuse_sentence_part(run.metadata, run.sentences, include_nonbody=include_nonbody,
                                    texts=texts).reset_index(drop=True)
    return found.reset_index(drop=True)
