"""Two table operations that pandas' Arrow-backed strings make slow, done at their own cost.

Since pandas 3 every string column is an Arrow array. Two of its costs grow with the whole
corpus where they need not:

- ``Series.isin(values)`` turns every one of ``values`` into an Arrow scalar on each call,
  so filtering a partition by the 100,000 document ids of a corpus cost about a second a
  call. :func:`member_of` costs one set lookup per row instead.
- ``pd.concat`` keeps each part's Arrow chunk, and pyarrow takes rows from a chunked array
  by concatenating its chunks first, so every ``iloc`` of a few rows of a combined table
  copied each whole string column (about 3 ms a column at 240,000 sentences).
  :func:`contiguous` joins the chunks once.

And memory freed by pandas, Arrow and numpy is not always handed back to the system: Arrow's
allocator keeps freed pages for reuse, and the C allocator keeps what lies below its top, so
a kernel that built and dropped a large intermediate holds that much more from then on, and
the next step's peak starts higher. :func:`release_memory` hands it back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable, Collection
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ..tokens import forget_memos

__all__ = ["contiguous", "member_of", "release_memory"]

#: Most bytes joined into one Arrow chunk: a string array's offsets are 32-bit, so a
#: column larger than this (texts of a million documents) keeps a few large chunks.
MAX_CHUNK_BYTES = 2**30


def member_of(column: pd.Series, ids: Collection[str]) -> np.ndarray:
    """Which values of ``column`` (as ``str``) are in ``ids``, as a boolean array.

    The same as ``column.astype(str).isin(ids).to_numpy()``, at the cost of one set lookup
    per row: a set or frozenset is used as given, so a caller filtering many parts by one
    large set of ids builds it once.
    """
    wanted = ids if isinstance(ids, (set, frozenset)) else set(ids)
    return np.fromiter((value in wanted for value in column.astype(str).tolist()),
                       dtype=bool, count=len(column))


def _joined(chunks: list[pa.Array], limit: int) -> list[pa.Array]:
    """``chunks`` concatenated into as few arrays as keep each within ``limit`` bytes."""
    groups: list[list[pa.Array]] = [[]]
    size = 0
    for chunk in chunks:
        if groups[-1] and size + chunk.nbytes > limit:
            groups.append([])
            size = 0
        groups[-1].append(chunk)
        size += chunk.nbytes
    return [g[0] if len(g) == 1 else pa.concat_arrays(g) for g in groups]


def contiguous(frame: pd.DataFrame, *, limit: int = MAX_CHUNK_BYTES,
               inplace: bool = False) -> pd.DataFrame:
    """``frame`` with each Arrow-backed column in as few chunks as fit ``limit`` bytes each.

    Values, dtypes and index are unchanged; columns already in one chunk (and NumPy
    columns) are not copied. Returns ``frame`` itself when nothing needed joining, or with
    ``inplace=True``, which replaces the columns of ``frame`` one at a time: a column's old
    chunks are freed (when nothing else holds them) before the next is joined, so a table
    no one else holds never exists twice; the freed chunks are then handed back to the
    system (:func:`release_memory`).
    """
    out = frame
    joined_any = False
    for position in range(frame.shape[1]):
        values = out.iloc[:, position].array
        if not isinstance(values, pd.arrays.ArrowExtensionArray | pd.arrays.ArrowStringArray):
            continue
        chunked = values.__arrow_array__()
        if not isinstance(chunked, pa.ChunkedArray) or chunked.num_chunks < 2:
            continue
        chunks = _joined(chunked.chunks, limit)
        if len(chunks) == chunked.num_chunks:
            continue
        # the column's dtype rebuilds it from Arrow (pandas' __from_arrow__ protocol)
        rebuild = values.dtype.__from_arrow__  # type: ignore[attr-defined]
        joined = rebuild(pa.chunked_array(chunks, type=chunked.type))
        del values, chunked, chunks
        if out is frame and not inplace:
            out = frame.copy(deep=False)
        out.isetitem(position, joined)
        joined_any = True
    if joined_any and inplace:
        release_memory()
    return out


def positions(values: pd.Series, among: Any) -> np.ndarray:
    """Each row's place in ``among`` (-1: missing, or not there), looked up once per distinct
    value of ``values`` (codes of a categorical or Arrow column, never an array of Python
    strings: a million articles' mentions are tens of millions of rows)."""
    codes, uniques = pd.factorize(values)
    places = pd.Index(among).get_indexer(pd.Index(uniques))
    return np.where(codes >= 0, places[codes] if len(places) else -1, -1)


def concat_parts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Tables made part by part, concatenated (new index) as if made whole; empties ``parts``.

    Categorical columns stay categorical (``pd.concat`` makes parts with different
    categories object columns, many times the memory): every part gets the union of the
    parts' categories, sorted. An empty part's columns carry no dtype and are left out, so
    the result's dtypes are those of the rows. Arrow columns come out in one chunk
    (:func:`contiguous`), each part's chunks freed as its column is joined.
    """
    from pandas.api.types import union_categoricals

    frames = [f for f in parts if len(f)] or parts[:1]
    for column in frames[0].columns:
        if len(frames) > 1 and all(isinstance(f[column].dtype, pd.CategoricalDtype)
                                   for f in frames if column in f.columns):
            union = union_categoricals([f[column] for f in frames if column in f.columns],
                                       sort_categories=True).categories
            frames = [f.assign(**{column: f[column].cat.set_categories(union)})
                      if column in f.columns else f for f in frames]
    combined = pd.concat(frames, ignore_index=True)
    # the parts are dropped first (the caller's list is emptied): their chunks then belong
    # to the combined table alone, and each is freed as soon as its column is joined
    frames.clear()
    parts.clear()
    return contiguous(combined, inplace=True)


def release_memory(*, memos: bool = True) -> None:
    """Hand memory the process has freed back to the system: Arrow's unused pages and, with
    the GNU C library, the free memory of the C heap (``malloc_trim``). First the memos of
    tokenisers and parsers are emptied (:func:`framelab.tokens.forget_memos`): their few
    live entries would keep most of a large step's freed pages from being handed back.

    Changes no value and no setting; called after steps that build and drop large
    intermediates, so that the resident size reflects what is still held. ``memos=False``
    keeps the memos (between the blocks of one step that still reads them).
    """
    if memos:
        forget_memos()
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's ``malloc_trim``, or None where there is none (not glibc)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
