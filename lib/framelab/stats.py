"""The cluster bootstrap and the resampling-unit rule: one implementation for every interval.

Every interval framelab reports (label rates, keyness z, stance means, topic prevalence) is a
percentile interval from a bootstrap that draws *clusters* with replacement: the documents of a
group, each with all of its sentences, units or mentions. Sentences of one article share an
author, a story and a slant; resampling them as if independent gives intervals that are too
narrow. When a group has too few documents to resample, the rule in :func:`resolve_unit` falls
back to the smaller unit, and the tables' ``ci_unit`` column says which was drawn.

Vocabulary, the same in every analysis:

``seed``
    The seed of the bootstrap. Each cell (group, target, ...) gets its own generator from the
    seed and the cell's key (:func:`cell_rng`), so a cell's interval does not depend on which
    other cells a run has -- one outlet's interval is the same in a corpus of two outlets or
    of two hundred, and partition-wise results combine exactly.
``unit``
    What one draw takes: ``"documents"`` or the analysis' smaller unit; ``"auto"`` applies
    :func:`resolve_unit`.
``ci``
    The coverage of the interval (0.95: the 2.5 and 97.5 percentiles of the replicates).

How a replicate is drawn: ``n`` cluster indices uniformly with replacement
(``rng.integers(0, n, size=(replicates, n))``, :func:`resampled_indices`). Where only the column
sums of a few columns are needed, each replicate sums its drawn rows directly; otherwise the
indices are counted (how often each cluster is drawn, :func:`resampled_counts`: exactly
Multinomial(n, 1/n) counts) and the counts multiply the rows. Replicates are made in chunks that
keep memory bounded. Until December 2026 the counts came from ``rng.multinomial``, the same
distribution from a different random stream (and several times slower): every interval's
numbers changed then, and stay the same for the same inputs and seed since.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
from scipy import sparse

from .errors import ParameterError

__all__ = ["DEFAULT_MIN_DOCS", "VIEW_SAMPLE", "ViewSample", "cell_rng", "check_bootstrap",
           "counted_sums", "narrow_integers", "percentile_interval", "ratio_interval",
           "resampled_counts", "resampled_indices", "resampled_sums", "resolve_unit",
           "sample_view"]

#: Rows per group that :func:`sample_view` shows above the size switch.
VIEW_SAMPLE = 10
#: ``unit="auto"`` draws documents when every group has at least this many.
DEFAULT_MIN_DOCS = 5
#: Replicate values held at once: chunks of replicates stay near this many numbers.
_CHUNK_VALUES = 2_000_000
#: Dense values of at most this many columns are summed from the drawn rows themselves;
#: wider ones (and sparse ones) through the counts of the draws
#: (benchmarks/results/bootstrap-draws.md).
_GATHER_COLUMNS = 4
_INT32_MAX = 2**31 - 1


def check_bootstrap(n_boot: int, ci: float, *, allow_zero: bool = True) -> None:
    """Refuse a negative (or, unless ``allow_zero``, zero) ``n_boot`` or a ``ci`` outside (0, 1).

    Raises
    ------
    ParameterError
        Naming the bad value and what is allowed.
    """
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) \
            or n_boot < (0 if allow_zero else 1):
        raise ParameterError(f"n_boot={n_boot!r}: use " + ("0 (no interval) or " if allow_zero
                                                            else "") + "a positive number of "
                             "bootstrap replicates")
    if not 0.0 < ci < 1.0:
        raise ParameterError(f"ci={ci!r}: the interval's coverage must be between 0 and 1, "
                             "e.g. 0.95")


def resolve_unit(docs_per_group: Mapping[Any, int] | Any, unit: str, *, smaller: str,
                 min_docs: int = DEFAULT_MIN_DOCS) -> str:
    """The resampling unit: ``unit`` itself, or for ``"auto"`` the rule below.

    ``"auto"`` gives ``"documents"`` when every group has at least ``min_docs`` documents and
    ``smaller`` (the analysis' own unit: ``"sentences"``, ``"units"``, ``"mentions"``)
    otherwise -- including when there are no groups.

    Parameters
    ----------
    docs_per_group : mapping or Series of int
        Number of distinct documents in each group.
    unit : {"auto", "documents", smaller}
    smaller : str
        The name of the within-document unit.
    min_docs : int
        The fewest documents a group needs for documents to be drawn.

    Raises
    ------
    ParameterError
        ``unit`` is not one of the three.
    """
    if unit not in ("auto", "documents", smaller):
        raise ParameterError(f"unit={unit!r}; use 'auto', 'documents' or {smaller!r}")
    if unit != "auto":
        return unit
    counts = list(docs_per_group.values()) if isinstance(docs_per_group, Mapping) \
        else list(docs_per_group)
    return "documents" if counts and min(counts) >= min_docs else smaller


def cell_rng(seed: int, *key: object) -> np.random.Generator:
    """A generator for one cell of a table, from the run's ``seed`` and the cell's key."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ParameterError(f"seed={seed!r}: use a non-negative integer")
    text = "\x1f".join(map(str, key))
    return np.random.default_rng([int(seed), zlib.crc32(text.encode("utf-8"))])


def _step(n: int, width: int, chunk: int | None) -> int:
    if chunk is not None and (isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer))
                              or chunk < 0):
        raise ParameterError(f"chunk={chunk!r}: use a positive number of replicates per chunk "
                             "(or None for the default)")
    return int(chunk) if chunk else max(1, _CHUNK_VALUES // max(n, width, 1))


def resampled_indices(n: int, n_boot: int, rng: np.random.Generator, *,
                      chunk: int | None = None) -> Iterator[np.ndarray]:
    """Chunks of bootstrap draws: each row of a chunk is one replicate, ``n`` cluster indices
    drawn uniformly with replacement from ``range(n)``.

    Every resampling in framelab consumes ``rng`` through this function (one
    ``rng.integers(0, n, size=(rows, n))`` per chunk), so the same ``rng`` state and ``chunk``
    give the same replicates whether they are used as indices, as counts
    (:func:`resampled_counts`) or as sums (:func:`resampled_sums`).

    Parameters
    ----------
    n : int
        Clusters to draw from (at least one).
    n_boot : int
        Replicates in all, over the chunks.
    rng : Generator
        Usually :func:`cell_rng`.
    chunk : int, optional
        Replicates per chunk (default: as many as keep a chunk near two million numbers).

    Yields
    ------
    ndarray of shape (n_chunk, n), int64
    """
    if n < 1:
        raise ParameterError("the bootstrap needs at least one cluster to draw")
    step = _step(n, 1, chunk)
    for start in range(0, n_boot, step):
        yield rng.integers(0, n, size=(min(step, n_boot - start), n))


def _counted(indices: np.ndarray, n: int) -> np.ndarray:
    """How often each of ``n`` clusters occurs in each row of ``indices`` (one bincount of
    the rows' indices offset by ``row * n``); ``indices`` is overwritten."""
    rows = indices.shape[0]
    indices += (np.arange(rows, dtype=np.int64) * n)[:, None]
    return np.bincount(indices.ravel(), minlength=rows * n).reshape(rows, n)


def resampled_counts(n: int, n_boot: int, rng: np.random.Generator, *,
                     chunk: int | None = None) -> Iterator[np.ndarray]:
    """Chunks of bootstrap counts: row ``r`` of a chunk says how often each of ``n`` clusters
    is drawn in replicate ``r`` (each row sums to ``n``; its distribution is
    Multinomial(n, 1/n)). The draws of :func:`resampled_indices`, counted; parameters as
    there.

    Yields
    ------
    ndarray of shape (n_chunk, n), int64
    """
    for indices in resampled_indices(n, n_boot, rng, chunk=chunk):
        yield _counted(indices, n)


def _largest(values: Any) -> int:
    data = values.data if sparse.issparse(values) else np.asarray(values)
    return int(np.abs(data).max()) if data.size else 0


def narrow_integers(values: Any, n: int) -> Any:
    """Sparse integer ``values`` as int32 when a sum of ``n`` of their rows (any row any number
    of times) cannot leave int32, else ``values`` as they are: made once, before the chunks
    :func:`counted_sums` multiplies (which is several times faster in int32 than in int64, with
    the same integers)."""
    if not sparse.issparse(values) or values.dtype.kind not in "biu" \
            or values.dtype == np.int32 or n * _largest(values) > _INT32_MAX:
        return values
    return values.astype(np.int32)


def counted_sums(values: Any, counts: np.ndarray) -> np.ndarray:
    """``(values.T @ counts).T``: for each column of ``counts`` (shape (n_clusters, n_chunk),
    how often each cluster is drawn), the column sums of the drawn rows of ``values`` (sparse
    or dense, (n_clusters, n_columns)). Sparse int32 ``values`` (:func:`narrow_integers`) and
    integer counts are multiplied in int32 when no sum can leave it, and returned as int64.

    Returns
    -------
    ndarray of shape (n_chunk, n_columns), C-contiguous (a replicate's sums side by side)
    """
    if sparse.issparse(values) and values.dtype == np.int32 and counts.dtype.kind in "iu" \
            and len(counts) and int(counts.sum(axis=0).max(initial=0)) * _largest(values) \
            <= _INT32_MAX:
        return np.ascontiguousarray((values.T @ np.ascontiguousarray(counts, dtype=np.int32)).T,
                                    dtype=np.int64)
    return np.ascontiguousarray((values.T @ counts).T)


def resampled_sums(values: Any, n_boot: int, rng: np.random.Generator, *,
                   chunk: int | None = None) -> Iterator[np.ndarray]:
    """Chunks of bootstrap replicates of the column sums of ``values``' rows (clusters).

    Parameters
    ----------
    values : array or sparse matrix of shape (n_clusters, n_columns)
        One row per cluster (e.g. a document's summed counts).
    n_boot : int
        Replicates in all, over the chunks.
    rng : Generator
        Usually :func:`cell_rng`.
    chunk : int, optional
        Replicates per chunk (default: as many as keep a chunk near two million numbers).
        Two samples resampled side by side take the same ``chunk`` so their chunks pair up.

    Yields
    ------
    ndarray of shape (n_chunk, n_columns)
        Each row the column sums of one replicate: ``n_clusters`` rows drawn with replacement
        (:func:`resampled_indices`). A few dense columns are summed over the drawn rows; more
        columns, or sparse ``values``, as the counts of the draws times ``values``.
    """
    n = values.shape[0]
    if n == 0:
        raise ParameterError("the bootstrap needs at least one cluster to draw")
    width = values.shape[1] if values.ndim == 2 else 1
    step = _step(n, width, chunk)
    if sparse.issparse(values):
        values = narrow_integers(values, n)
        for counts in resampled_counts(n, n_boot, rng, chunk=step):
            yield counted_sums(values, counts.T)
        return
    values = np.asarray(values)
    if not 0 < width <= _GATHER_COLUMNS:
        for counts in resampled_counts(n, n_boot, rng, chunk=step):
            yield counts @ values
        return
    columns = [np.ascontiguousarray(values[:, j]) for j in range(width)] \
        if values.ndim == 2 else [values]
    kind = np.result_type(values.dtype, np.int64)
    for indices in resampled_indices(n, n_boot, rng, chunk=step):
        sums = [column.take(indices).sum(axis=1, dtype=kind) for column in columns]
        yield np.stack(sums, axis=1) if values.ndim == 2 else sums[0]


def percentile_interval(replicates: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """The percentile interval of each column of ``replicates`` (NaN replicates ignored)."""
    tail = (1.0 - ci) / 2.0
    replicates = np.asarray(replicates)
    if replicates.ndim == 2 and replicates.dtype.kind == "f" and len(replicates) \
            and not np.isnan(replicates).any():   # the common case, without the warnings filter
        with np.errstate(all="ignore"):
            low, high = np.quantile(replicates, [tail, 1.0 - tail], axis=0)
        return low, high
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN
        if replicates.ndim != 2 or replicates.dtype.kind != "f" or not len(replicates):
            low, high = np.nanquantile(replicates, [tail, 1.0 - tail], axis=0)
            return low, high
        # columns without NaN at once (np.nanquantile takes them one by one, to the
        # same values); the others as before
        nan = np.isnan(replicates).any(axis=0)
        low, high = np.quantile(replicates, [tail, 1.0 - tail], axis=0) \
            if not nan.all() else np.full((2, replicates.shape[1]), np.nan)
        if nan.any():
            low[nan], high[nan] = np.nanquantile(replicates[:, nan], [tail, 1.0 - tail],
                                                 axis=0)
    return low, high


def ratio_interval(numerator: np.ndarray, denominator: np.ndarray, *, n_boot: int,
                   ci: float, rng: np.random.Generator, scale: float = 1.0
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Interval of ``scale * sum(numerator) / sum(denominator)`` over clusters drawn with
    replacement: a rate (counts per tokens), a mean (values per mention), a prevalence
    (weights per unit).

    Parameters
    ----------
    numerator : array of shape (n_clusters, n_columns)
        Each cluster's summed numerator, one column per quantity.
    denominator : array of shape (n_clusters,) or (n_clusters, n_columns)
        Each cluster's summed denominator (shared by the columns, or one per column).
    n_boot, ci, rng :
        See the module docstring.
    scale : float
        Multiplies the ratio (1000 for a rate per 1,000 tokens).

    Returns
    -------
    low, high : arrays of shape (n_columns,)
        NaN where fewer than two clusters exist (nothing to resample) or every replicate's
        denominator is zero.
    """
    numerator = np.asarray(numerator, dtype=float)
    if numerator.ndim == 1:
        numerator = numerator[:, None]
    denominator = np.asarray(denominator, dtype=float)
    shared = denominator.ndim == 1
    k = numerator.shape[1]
    if numerator.shape[0] < 2 or n_boot == 0:
        return np.full(k, np.nan), np.full(k, np.nan)
    both = np.hstack([numerator, denominator[:, None] if shared else denominator])
    chunks = []
    for sums in resampled_sums(both, n_boot, rng):
        num, den = sums[:, :k], sums[:, k:]
        with np.errstate(divide="ignore", invalid="ignore"):
            chunks.append(scale * num / np.where(den > 0, den, np.nan))
    return percentile_interval(chunks[0] if len(chunks) == 1 else np.vstack(chunks), ci)


def _sample_keys(frame: Any, by: str, seed: int) -> np.ndarray:
    """A seeded pseudo-random key for each row that depends only on the row's group, its
    document and its place among that document's rows (or its place in ``frame`` if there
    is no ``doc_id`` column): the same row gets the same key in any partition of the table."""
    import pandas as pd

    if "doc_id" in frame.columns:
        ident = pd.DataFrame({"group": frame[by].astype(str).to_numpy(),
                              "doc": frame["doc_id"].astype(str).to_numpy(),
                              "row": frame.groupby("doc_id", sort=False).cumcount().to_numpy()})
    else:
        ident = pd.DataFrame({"group": frame[by].astype(str).to_numpy(),
                              "row": np.arange(len(frame))})
    key = f"{zlib.crc32(str(seed).encode()):08x}{int(seed) % 10**8:08d}"
    return pd.util.hash_pandas_object(ident, index=False, hash_key=key).to_numpy()


def _smallest(groups: np.ndarray, keys: np.ndarray, n: int) -> np.ndarray:
    """Positions of the ``n`` rows of smallest key within each group, in table order."""
    order = np.lexsort((keys, groups))
    g = groups[order]
    starts = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1] if len(g) else np.array([], int)
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    return np.sort(order[rank < n])


class ViewSample:
    """The rows a reader inspects by eye, drawn part by part: :func:`sample_view` of a table
    that is never held whole (the notebook writes the full table to disk as it is made).

    Feed the parts in table order with :meth:`add` (each returns the part's candidates,
    at most ``n`` rows per group), then :meth:`finish` the concatenated candidates. Each row
    has a seeded pseudo-random key from its group, document and place in the document; a
    group's sample is its ``n`` rows of smallest key, which is the same whether the table
    comes whole or in parts. Up to ``per_document_max`` documents every row is kept.
    """

    def __init__(self, *, by: str, n_documents: int, per_document_max: int,
                 n: int = VIEW_SAMPLE, seed: int = 0) -> None:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ParameterError(f"n={n!r}: use a positive number of rows per group")
        self.by, self.n, self.seed = by, int(n), seed
        self.per_document_max = per_document_max
        self.everything = n_documents <= per_document_max
        self.rows = 0
        self._keys: list[Any] = []  # keys of the candidates, by their place in the table

    def _check(self, frame: Any) -> None:
        if self.by not in frame.columns:
            raise ParameterError(f"by={self.by!r} is not a column of the table; its columns "
                                 f"are {list(frame.columns)}")

    def _keep(self, frame: Any, keys: np.ndarray) -> np.ndarray:
        return _smallest(frame[self.by].astype(str).to_numpy(), keys, self.n)

    def add(self, part: Any) -> Any:
        """The rows of ``part`` that may be in the sample, indexed by their place in the whole
        table (parts must come in table order)."""
        import pandas as pd

        start, self.rows = self.rows, self.rows + len(part)
        if self.everything or len(part) == 0:
            return part.set_axis(start + np.arange(len(part)))
        self._check(part)
        keys = _sample_keys(part, self.by, self.seed)
        rows = self._keep(part, keys)
        self._keys.append(pd.Series(keys[rows], index=start + rows))
        return part.iloc[rows].set_axis(start + rows)

    def finish(self, candidates: Any) -> Any:
        """The sample from the concatenated candidates of every part, in table order, with
        ``attrs["note"]`` saying how many rows of how many are shown (above the switch)."""
        import pandas as pd

        if self.everything or self.rows == 0:
            return candidates
        keys = pd.concat(self._keys).reindex(candidates.index).to_numpy()
        out = candidates.iloc[self._keep(candidates, keys)].sort_index()
        out.attrs = {**candidates.attrs, "note": (
            f"{len(out)} of {self.rows} rows: a random sample (seed {self.seed}) of at most "
            f"{self.n} per {self.by}, shown because the corpus has more than "
            f"per_document_max={self.per_document_max} documents; the saved table has every "
            "row")}
        return out


def sample_view(frame: Any, *, by: str, n_documents: int, per_document_max: int,
                n: int = VIEW_SAMPLE, seed: int = 0) -> Any:
    """What a reader inspects by eye (KWIC lines, evidence): all rows up to the size switch,
    above it a seeded random sample of at most ``n`` rows per value of ``by``.

    Up to ``per_document_max`` documents ``frame`` is returned as it is. Above, each group
    shows its ``n`` rows of smallest seeded pseudo-random key (:class:`ViewSample`: from the
    group, the ``doc_id`` and the row's place among its document's rows), so a group's sample
    does not depend on the other groups, and a table made part by part gives the same sample;
    rows keep their table order. The sample's ``attrs["note"]`` says how many rows of how
    many are shown (the notebook saves the full table beside it).
    """
    view = ViewSample(by=by, n_documents=n_documents, per_document_max=per_document_max,
                      n=n, seed=seed)
    if view.everything or len(frame) == 0:
        return frame
    shown = view.finish(view.add(frame))
    out = shown.set_axis(frame.index[shown.index.to_numpy()])
    out.attrs = shown.attrs
    return out
