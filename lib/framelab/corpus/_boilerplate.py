"""Boilerplate across chunks: per-outlet line statistics and chunk-wise segmentation.

:func:`framelab.corpus.segment` tags a line as outlet boilerplate when it recurs in at least
``boilerplate_min_docs`` documents and ``boilerplate_min_share`` of an outlet's documents: a
property of the whole corpus. For a corpus read in chunks, :func:`prepare_chunk` hashes each
document's distinct lines (``"{outlet}\x1f{line}"``, 64 bits), :class:`LineStats` counts them
in 64 hash buckets on disk (one bucket in memory at a time), and :func:`segment_chunk`
segments a chunk with the corpus-wide result, giving exactly ``segment``'s rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ._ingest import hash_strings, normalise_chunk
from ._segment import SENTENCE_COLUMNS, _document_rows, _line_key, normalize_text, paragraph_spans

__all__ = ["LineStats", "prepare_chunk", "segment_chunk"]

_BUCKETS = 64
_LINE_RECORD = np.dtype([("hash", "<u8"), ("outlet", "<i4")])


def _doc_line_keys(norm: str) -> list[str]:
    return [_line_key(norm[s:e]) for s, e in paragraph_spans(norm)]


def segment_chunk(documents: pd.DataFrame, repeated: np.ndarray) -> pd.DataFrame:
    """Segment a chunk of documents given the corpus-wide boilerplate lines.

    Parameters
    ----------
    documents : DataFrame
        Columns ``doc_id``, ``outlet``, ``text`` and ``text_norm`` (recomputed if absent).
    repeated : ndarray of uint64
        Sorted hashes of ``"{outlet}\\x1f{line}"`` for the lines that are boilerplate in the
        whole corpus (:meth:`framelab.run.CorpusCache.repeated_lines`).

    Returns
    -------
    DataFrame
        The rows :func:`framelab.corpus.segment` gives these documents when it is run on the
        whole corpus (columns :data:`SENTENCE_COLUMNS`).
    """
    norms = (documents["text_norm"] if "text_norm" in documents.columns
             else documents["text"].map(normalize_text)).tolist()
    outlets = documents["outlet"].tolist()
    keys = [_doc_line_keys(n) for n in norms]
    flat = [f"{o}\x1f{k}" for o, ks in zip(outlets, keys) for k in ks]
    hashes = hash_strings(flat)
    if len(repeated) and len(hashes):
        pos = np.minimum(np.searchsorted(repeated, hashes), len(repeated) - 1)
        hit = (repeated[pos] == hashes).tolist()
    else:
        hit = [False] * len(hashes)
    rows: list[tuple] = []
    at = 0
    for doc_id, outlet, text, norm, ks in zip(documents["doc_id"], outlets, documents["text"],
                                              norms, keys):
        mine = {k for k, h in zip(ks, hit[at:at + len(ks)]) if h}
        at += len(ks)
        rows.extend(_document_rows(doc_id, outlet, text, norm, mine))
    frame = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    return frame.astype({"paragraph_index": "int64", "sentence_index": "int64",
                         "start": "int64", "end": "int64"})


def prepare_chunk(documents: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Per chunk, in parallel: add ``text_norm``; hash each document's distinct lines.

    Returns the chunk, the hashes of ``"{outlet}\x1f{line}"`` and the row of each hash.
    """
    docs = normalise_chunk(documents)
    flat, rows = [], []
    for row, (outlet, norm) in enumerate(zip(docs["outlet"], docs["text_norm"])):
        for key in set(_doc_line_keys(norm)):
            flat.append(f"{outlet}\x1f{key}")
            rows.append(row)
    return docs, hash_strings(flat), np.asarray(rows, dtype=np.int64)


class LineStats:
    """Per outlet, in how many documents each line occurs; spilled to hash buckets on disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True)
        self.codes: dict[str, int] = {}

    def add(self, outlets: list[str], hashes: np.ndarray, rows: np.ndarray) -> None:
        """Record line ``hashes`` of the documents at ``rows`` of a chunk with ``outlets``."""
        codes = np.array([self.codes.setdefault(o, len(self.codes)) for o in outlets],
                         dtype=np.int32)
        records = np.empty(len(hashes), dtype=_LINE_RECORD)
        records["hash"] = hashes
        records["outlet"] = codes[rows] if len(rows) else 0
        bucket = (records["hash"] >> np.uint64(58)).astype(np.int64)
        order = np.argsort(bucket, kind="stable")
        bounds = np.searchsorted(bucket[order], np.arange(_BUCKETS + 1))
        for b in range(_BUCKETS):
            if bounds[b] < bounds[b + 1]:
                with open(self.folder / f"{b:02d}.bin", "ab") as handle:
                    records[order[bounds[b]:bounds[b + 1]]].tofile(handle)

    def table(self) -> pd.DataFrame:
        """Lines in at least 2 documents of an outlet: ``hash``, ``outlet``, ``n_docs``."""
        names = {code: name for name, code in self.codes.items()}
        parts = []
        for file in sorted(self.folder.glob("*.bin")):
            records = np.fromfile(file, dtype=_LINE_RECORD)
            keys, first, counts = np.unique(records["hash"], return_index=True,
                                            return_counts=True)
            keep = counts >= 2
            parts.append(pd.DataFrame({"hash": keys[keep],
                                       "outlet": [names[c] for c in records["outlet"][first[keep]]],
                                       "n_docs": counts[keep].astype("int64")}))
        if not parts:
            return pd.DataFrame({"hash": np.empty(0, np.uint64), "outlet": pd.Series([], dtype=str),
                                 "n_docs": np.empty(0, np.int64)})
        return pd.concat(parts, ignore_index=True)
