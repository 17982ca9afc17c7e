"""Streaming ingestion: read a corpus in chunks of documents, with every check of load_corpus.

:func:`iter_documents` yields the documents table of ``docs/contracts.md`` a chunk at a time
(CSV/TSV through ``pyarrow.csv.open_csv``, JSONL line by line, Parquet by record batches, a
folder of ``.txt`` files in batches of files), so memory is bounded by the chunk size. The
checks of :func:`framelab.corpus.load_corpus` hold across chunks: a malformed CSV/JSONL row is
named by its line (``on_bad_rows="skip"`` warns and skips it), a doc_id repeated anywhere in
the corpus is an error naming both places, empty documents are dropped with a warning, and
texts repeated anywhere (in one chunk or across chunks) are reported once at the end.

The readers, column guessing and checks are :mod:`framelab.corpus`'s own helpers, applied per
chunk; concatenating the chunks gives the table ``load_corpus`` returns on the same input.
The Parquet cache built on this stream lives in :mod:`framelab.run`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CorpusError, ParameterError
from ._corpus import (
    _ID_GUESSES,
    _META_FIELDS,
    DOC_COLUMNS,
    ColumnMap,
    _clean,
    _pick,
    _standardise,
    apply_metadata,
    load_metadata,
    normalize_text,
)
from ._inputs import _dates_note, normalise_doc_dates, table_kind
from ._readers import FormatReaders, _record_warnings

__all__ = ["DEFAULT_CHUNK_SIZE", "DocumentStream", "iter_documents", "normalise_chunk",
           "hash_strings"]

log = logging.getLogger(__name__)

#: Documents per chunk: about 20-40 MB of news text, far below any machine's memory.
DEFAULT_CHUNK_SIZE = 10_000


def hash_strings(values: Any) -> np.ndarray:
    """64-bit hashes of strings (pandas' SipHash with its fixed key: stable across processes).

    Parameters
    ----------
    values : sequence of str of shape (n,)

    Returns
    -------
    ndarray of uint64 of shape (n,)
    """
    array = np.asarray(values, dtype=object)
    if array.size == 0:
        return np.empty(0, dtype=np.uint64)
    return pd.util.hash_array(array, categorize=False)


class _SeenHashes:
    """A set of 64-bit hashes with the origin number of each, in sorted levels (bounded RAM).

    16 bytes per member; membership of a chunk costs one ``searchsorted`` per level and levels
    are merged like a binary counter, so inserting n hashes costs O(n log n) overall.
    """

    def __init__(self) -> None:
        self._levels: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        return sum(len(h) for h, _ in self._levels)

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """Origin number of each hash seen before, -1 where unseen."""
        found = np.full(len(hashes), -1, dtype=np.int64)
        for keys, origins in self._levels:
            if not len(keys):
                continue
            pos = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
            hit = keys[pos] == hashes
            found[hit] = origins[pos[hit]]
        return found

    def add(self, hashes: np.ndarray, origins: np.ndarray) -> None:
        order = np.argsort(hashes, kind="stable")
        level = (hashes[order], origins.astype(np.int64)[order])
        while self._levels and len(self._levels[-1][0]) <= len(level[0]):
            keys, orig = self._levels.pop()
            merged_keys = np.concatenate([keys, level[0]])
            merged_orig = np.concatenate([orig, level[1]])
            order = np.argsort(merged_keys, kind="stable")
            level = (merged_keys[order], merged_orig[order])
        self._levels.append(level)


class DocumentStream(FormatReaders):
    """A corpus read in chunks of documents; iterate it for documents-table chunks.

    Parameters
    ----------
    path : str or Path
        A folder of ``.txt`` files or a ``.csv``/``.tsv``/``.jsonl``/``.parquet`` file.
    metadata : str or Path, optional
        CSV sidecar joined on ``doc_id`` (a folder's own ``metadata.csv`` when omitted).
    columns : ColumnMap, optional
        Input column names (guessed when omitted), as in :func:`framelab.corpus.load_corpus`.
    on_bad_rows : {"error", "skip"}
        A malformed CSV/JSONL row stops the stream naming its line, or is skipped with a
        warning naming it.
    chunk_size : int
        Documents per chunk (before empty documents are dropped).
    progress : bool
        Show a tqdm progress bar (bytes, rows or files read).
    normalise : bool
        Add ``text_norm``. With False the chunks lack it, so that the caller can compute it
        in parallel with :func:`normalise_chunk` (as the cache does).
    metadata_wins : bool
        As for :func:`framelab.corpus.load_corpus`.

    Attributes
    ----------
    n_documents : int
        Documents yielded so far.
    outlet_counts : Counter
        Documents per outlet (after the metadata join).
    notes : list of str
        Every warning issued so far (the cache stores them to repeat them on a hit).
    """

    def __init__(self, path: str | Path, *, metadata: str | Path | None = None,
                 columns: ColumnMap | None = None, on_bad_rows: str = "error",
                 chunk_size: int = DEFAULT_CHUNK_SIZE, progress: bool = False,
                 normalise: bool = True, metadata_wins: bool = False) -> None:
        if on_bad_rows not in ("error", "skip"):
            raise ParameterError(f"on_bad_rows={on_bad_rows!r}; use 'error' or 'skip'")
        if not isinstance(chunk_size, int) or chunk_size < 1:
            raise ParameterError(f"chunk_size={chunk_size!r}: give a whole number of documents "
                                 "per chunk, at least 1 (default 10000)")
        self.path = Path(path)
        self.columns = columns or ColumnMap()
        self.on_bad_rows = on_bad_rows
        self.chunk_size = chunk_size
        self.progress = progress
        self.normalise = normalise
        self.metadata_wins = metadata_wins
        self.compression: str | None = None
        if self.path.is_dir():
            self.kind = "folder"
            if metadata is None and (self.path / "metadata.csv").is_file():
                metadata = self.path / "metadata.csv"
        elif self.path.is_file():
            self.kind, self.compression = table_kind(self.path)
        else:
            raise CorpusError(f"corpus path {self.path} does not exist")
        self.metadata = Path(metadata) if metadata is not None else None
        self.n_documents = 0
        self.outlet_counts: Counter[str] = Counter()
        self.notes: list[str] = []

    # --- public ---------------------------------------------------------------------------
    def __iter__(self) -> Iterator[pd.DataFrame]:
        from tqdm.std import tqdm  # a text bar: saved notebooks show it when reopened

        self.n_documents, self.outlet_counts, self.notes = 0, Counter(), []
        meta = _record_warnings(load_metadata, self.metadata, notes=self.notes) \
            if self.metadata is not None else None
        meta_seen = np.zeros(len(meta) if meta is not None else 0, dtype=bool)
        no_meta: list[str] = []
        n_no_meta = 0
        ids, rows, texts = _SeenHashes(), _SeenHashes(), _SeenHashes()
        repeats: list[tuple[str, str, str]] = []
        n_repeats = 0
        exact: list[str] = []
        unparsed: list[str] = []
        n_unparsed = 0
        total, unit = self._extent()
        # progress=False hides the bar; otherwise tqdm's defaults (and TQDM_DISABLE) apply
        with tqdm(total=total, unit=unit, unit_scale=unit == "B", desc="reading corpus",
                  **({} if self.progress else {"disable": True})) as bar:
            for raw, done in self._raw_chunks():
                bar.update(done)
                docs = self._prepare(raw)
                if docs is None:
                    continue
                docs, dups = self._check_across(docs, ids, rows, texts, exact)
                n_repeats += len(dups)
                repeats.extend(dups[: max(0, 5 - len(repeats))])
                docs, bad_dates = normalise_doc_dates(docs)
                n_unparsed += len(bad_dates)
                unparsed.extend(bad_dates[: max(0, 5 - len(unparsed))])
                if meta is not None:
                    docs, missing = _apply_metadata(docs, meta, meta_seen, self.metadata_wins,
                                                    self.metadata)
                    n_no_meta += len(missing)
                    no_meta.extend(missing[: max(0, 10 - len(no_meta))])
                for name in _META_FIELDS:
                    docs[name] = docs[name].fillna("").astype(str).str.strip()
                ordered = [c for c in DOC_COLUMNS if c != "text_norm"]
                docs = docs[ordered + [c for c in docs.columns if c not in DOC_COLUMNS]]
                docs = docs.reset_index(drop=True)
                self.n_documents += len(docs)
                self.outlet_counts.update(docs["outlet"].tolist())
                yield normalise_chunk(docs) if self.normalise else docs
        if self.n_documents == 0:
            raise CorpusError(f"{self.path}: the corpus is empty (no documents found); point "
                              "--corpus at a folder of .txt files or a table with one article "
                              "per row")
        if exact:
            names = list(dict.fromkeys(exact))  # an id repeated many times is named once
            self._note(f"{self.path}: {len(exact)} row(s) repeat an earlier row exactly (same "
                       "id, text and metadata) and were dropped: " + ", ".join(names[:10])
                       + (" ..." if len(names) > 10 else ""))
        if n_unparsed:
            self._note(_dates_note(self.path, unparsed, n_unparsed))
        if n_repeats:
            shown = "; ".join(f"{a} ({oa}) = {ob}" for a, oa, ob in repeats)
            self._note(f"{self.path}: {n_repeats} document(s) repeat the text of an earlier "
                       f"document ({shown}). They are kept; drop duplicates before loading if "
                       "they are not separate publications")
        if meta is not None:
            orphans = meta["doc_id"][~meta_seen].tolist()
            if orphans:
                self._note(f"{self.metadata}: {len(orphans)} metadata row(s) match no "
                           "document: " + ", ".join(orphans[:10]) + "; check the doc_id "
                           "spelling")
            if n_no_meta:
                self._note(f"{self.metadata}: {n_no_meta} document(s) have no metadata row: "
                           + ", ".join(no_meta) + "; their outlet/date stay empty")

    # --- steps ----------------------------------------------------------------------------
    def _extent(self) -> tuple[int | None, str]:
        if self.kind == "folder":
            return None, "files"
        if self.kind == "parquet":
            return self._parquet_file().metadata.num_rows, "rows"
        return (None if self.compression else self.path.stat().st_size), "B"

    def _raw_chunks(self) -> Iterator[tuple[pd.DataFrame, int]]:
        """Chunks of standardised input rows (columns of ``_standardise``) and progress made."""
        readers = {"folder": self._folder, "jsonl": self._jsonl, "csv": self._csv,
                   "parquet": self._parquet}
        first = 0
        for frame, done in readers[self.kind]():
            if self.kind != "folder":
                frame = self._standardise(frame, first)
            first += len(frame)
            yield frame, done

    def _standardise(self, frame: pd.DataFrame, first: int) -> pd.DataFrame:
        out = _standardise(frame, self.columns, self.path)
        # _standardise numbers id-less rows from 1 in every call; continue the numbering
        if _pick(frame, self.columns.id, _ID_GUESSES, "id", self.path,
                 required=False) is None:
            out["doc_id"] = [f"{self.path.stem}-{first + i + 1:06d}" for i in range(len(out))]
        return out

    def _prepare(self, docs: pd.DataFrame) -> pd.DataFrame | None:
        """load_corpus's per-table checks on one chunk; ``None`` when nothing is left."""
        text = docs["text"].where(docs["text"].notna(), "").astype(str)
        if (text.str.strip() == "").all():
            # _clean refuses a table of only empty documents: let it check (and word) the ids,
            # then drop the whole chunk with its warning
            _record_warnings(_clean, docs.assign(text=docs["origin"]), self.path,
                             notes=self.notes)
            self._note(f"{self.path}: {len(docs)} empty document(s) dropped: "
                       + ", ".join(docs["origin"].head(10)))
            return None
        return _record_warnings(_clean, docs, self.path, False, notes=self.notes)

    def _origin_numbers(self, docs: pd.DataFrame) -> np.ndarray:
        """The line, row or file number inside each origin (for naming earlier rows)."""
        if self.kind == "folder":
            return np.array([self._file_index[o] for o in docs["origin"]], dtype=np.int64)
        return docs["origin"].str.rsplit(" ", n=1).str[-1].astype("int64").to_numpy()

    def _origin_name(self, number: int) -> str:
        if self.kind == "folder":
            return str(self._files[number])
        return f"{self.path}:{'line' if self.kind == 'jsonl' else 'row'} {number}"

    def _check_across(self, docs: pd.DataFrame, ids: _SeenHashes, rows: _SeenHashes,
                      texts: _SeenHashes, exact: list[str]
                      ) -> tuple[pd.DataFrame, list[tuple[str, str, str]]]:
        """Raise on a doc_id of an earlier chunk with other content, drop rows repeating an
        earlier chunk's row exactly (their ids go to ``exact``); return the chunk and its
        documents whose text repeats an earlier document's (of this chunk or an earlier one):
        (doc_id, origin, origin of the first document with that text)."""
        numbers = self._origin_numbers(docs)
        id_hash = hash_strings(docs["doc_id"].to_numpy(dtype=object))
        cols = [c for c in docs.columns if c != "origin"]
        row_hash = pd.util.hash_pandas_object(docs[cols].astype(str), index=False).to_numpy()
        earlier = ids.lookup(id_hash)
        if (earlier >= 0).any():
            same = rows.lookup(row_hash) >= 0
            conflict = (earlier >= 0) & ~same
            if conflict.any():
                i = int(np.flatnonzero(conflict)[0])
                raise CorpusError(
                    f"{self.path}: doc_id {docs['doc_id'].iloc[i]!r} occurs more than once "
                    f"with different content ({self._origin_name(int(earlier[i]))}, "
                    f"{docs['origin'].iloc[i]}); make ids unique or choose another --id-column")
            keep = ~((earlier >= 0) & same)
            exact.extend(docs["doc_id"][~keep].tolist())
            docs = docs[keep].reset_index(drop=True)
            numbers, id_hash, row_hash = numbers[keep], id_hash[keep], row_hash[keep]
        ids.add(id_hash, numbers)
        rows.add(row_hash, numbers)
        text_hash = hash_strings(docs["text"].str.strip().to_numpy(dtype=object))
        before = texts.lookup(text_hash)
        # a text repeated inside the chunk points at its first document in the chunk
        first = pd.Series(numbers).groupby(text_hash, sort=False).transform("first").to_numpy()
        inside = (before < 0) & pd.Series(text_hash).duplicated().to_numpy()
        before[inside] = first[inside]
        dups = [(str(docs["doc_id"].iloc[i]), str(docs["origin"].iloc[i]),
                 self._origin_name(int(before[i]))) for i in np.flatnonzero(before >= 0)]
        texts.add(text_hash, numbers)
        return docs, dups


def normalise_chunk(documents: pd.DataFrame) -> pd.DataFrame:
    """Insert ``text_norm`` (:func:`framelab.corpus.normalize_text` of ``text``) in its place.

    Returns a new frame with the columns of ``docs/contracts.md``.
    """
    out = documents.copy()
    out.insert(DOC_COLUMNS.index("text_norm"), "text_norm", out["text"].map(normalize_text))
    return out


def _apply_metadata(docs: pd.DataFrame, meta: pd.DataFrame, seen: np.ndarray,
                    metadata_wins: bool, where: Any) -> tuple[pd.DataFrame, list[str]]:
    """Join the sidecar onto one chunk as ``corpus._join_metadata`` does, without its warnings.

    Returns the joined chunk and the ids of its documents without a metadata row; ``seen``
    (one flag per metadata row) is updated in place.
    """
    index = pd.Index(meta["doc_id"])
    pos = index.get_indexer(docs["doc_id"])
    seen[pos[pos >= 0]] = True
    missing = docs["doc_id"][pos < 0].tolist()
    return apply_metadata(docs, meta, metadata_wins=metadata_wins, where=where), sorted(missing)


def iter_documents(
    path: str | Path,
    *,
    metadata: str | Path | None = None,
    columns: ColumnMap | None = None,
    on_bad_rows: str = "error",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool = False,
    metadata_wins: bool = False,
) -> Iterator[pd.DataFrame]:
    """Yield the documents table of a corpus in chunks of at most ``chunk_size`` documents.

    Parameters
    ----------
    path, metadata, columns, on_bad_rows, metadata_wins
        As for :func:`framelab.corpus.load_corpus`.
    chunk_size : int
        Input rows (files for a folder) per chunk; memory is bounded by it.
    progress : bool
        Show a tqdm progress bar.

    Yields
    ------
    DataFrame
        Columns ``DOC_COLUMNS`` and any extra columns, in input order; the concatenation of
        all chunks equals ``load_corpus(path, ...)``.

    Raises
    ------
    CorpusError
        As ``load_corpus``; a repeated doc_id is found across chunks too.
    """
    yield from DocumentStream(path, metadata=metadata, columns=columns, on_bad_rows=on_bad_rows,
                              chunk_size=chunk_size, progress=progress,
                              metadata_wins=metadata_wins)
