"""Word n-gram shingles, exact overlap, MinHash signatures and LSH banding.

Everything here is a pure function of its inputs and deterministic across processes and
machines: tokens are hashed with BLAKE2b (never Python's salted ``hash()``), n-gram hashes are
combined with fixed 64-bit constants, and the MinHash permutations come from
``numpy.random.default_rng(seed)``. So signatures computed per partition (a chunk of
documents, a Dask partition) and concatenated are identical to one pass over the corpus, and
LSH bucket tables of several partitions can be concatenated and combined exactly with
:func:`candidates_from_buckets`.

A shingle is ``size`` consecutive tokens of :func:`framelab.tokens.Analyzer` with stop words
kept (lowercased; multiword expressions such as "white house" count as one token).
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import MinHashWarning, ParameterError
from ..tokens import Analyzer

__all__ = [
    "EMPTY_SIGNATURE",
    "candidates_from_buckets",
    "choose_bands",
    "estimate_jaccard",
    "lsh_buckets",
    "lsh_candidates",
    "lsh_threshold",
    "minhash_from_shingles",
    "minhash_signatures",
    "shingle_hashes",
    "shingle_overlap",
    "shingle_sets",
]

log = logging.getLogger(__name__)

#: Signature value of a document without any shingle (shorter than the shingle size). Such
#: rows never enter an LSH bucket.
EMPTY_SIGNATURE = np.uint32(0xFFFFFFFF)

_ANALYZER = Analyzer(stop_words=None)
_U64 = np.uint64
_MASK64 = (1 << 64) - 1
# Odd 64-bit constants (from splitmix64 / xxhash) that weight token positions in an n-gram.
_POSITION_PRIMES = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                    0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5, 0xFF51AFD7ED558CCD,
                    0xC4CEB9FE1A85EC53, 0x94D049BB133111EB)
_CHUNK_DOCS = 2000            # documents tokenized and hashed together
_CHUNK_SHINGLES = 32_768      # shingles per (num_perm x chunk) block: 32 MB at 128 perms



def _position_constants(size: int) -> np.ndarray:
    consts = []
    for i in range(size):
        base = _POSITION_PRIMES[i % len(_POSITION_PRIMES)]
        consts.append((base * (2 * (i // len(_POSITION_PRIMES)) + 1)) & _MASK64 | 1)
    return np.array(consts, dtype=_U64)


def _mix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser, vectorised (wrapping uint64 arithmetic)."""
    x = x ^ (x >> _U64(30))
    x = x * _U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U64(27))
    x = x * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


def _token_hash(token: str) -> int:
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(),
                          "little")


def _check_size(size: int) -> None:
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ParameterError(f"shingle_size={size!r}: use a whole number of tokens >= 1 "
                             "(5 is usual for news text)")


def _chunk_shingles(texts: Sequence[str], size: int,
                    cache: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hashes of every shingle of a chunk of texts, the owning text of each, and token counts."""
    words = [_ANALYZER.words(t) for t in texts]
    n_tokens = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    flat = [tok for ws in words for tok in ws]
    for tok in set(flat).difference(cache):
        cache[tok] = _token_hash(tok)
    th = np.fromiter((cache[t] for t in flat), dtype=_U64, count=len(flat))
    owner = np.repeat(np.arange(len(texts)), n_tokens)
    n_windows = len(flat) - size + 1
    if n_windows <= 0:
        return np.empty(0, _U64), np.empty(0, np.int64), n_tokens
    consts = _position_constants(size)
    h = np.zeros(n_windows, dtype=_U64)
    for i in range(size):
        h += th[i:i + n_windows] * consts[i]
    # a window is a shingle when all its tokens belong to the same text
    valid = owner[:n_windows] == owner[size - 1:]
    return _mix64(h[valid]), owner[:n_windows][valid], n_tokens


def shingle_sets(texts: Iterable[str], *, size: int = 5) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct shingle hashes of each text.

    Parameters
    ----------
    texts : iterable of str
        Usually ``documents["text_norm"]``.
    size : int
        Tokens per shingle.

    Returns
    -------
    sets : list of ndarray of uint64
        Sorted distinct shingle hashes of each text; empty for a text with fewer than
        ``size`` tokens.
    n_tokens : ndarray of int64 of shape (n_texts,)
        Tokens of each text.
    """
    _check_size(size)
    texts = list(texts)
    cache: dict[str, int] = {}
    sets: list[np.ndarray] = []
    counts = []
    for lo in range(0, len(texts), _CHUNK_DOCS):
        chunk = texts[lo:lo + _CHUNK_DOCS]
        hashes, owner, n_tokens = _chunk_shingles(chunk, size, cache)
        bounds = np.searchsorted(owner, np.arange(len(chunk) + 1))
        sets.extend(np.unique(hashes[bounds[i]:bounds[i + 1]]) for i in range(len(chunk)))
        counts.append(n_tokens)
    n_tok = np.concatenate(counts) if counts else np.empty(0, np.int64)
    return sets, n_tok


def shingle_hashes(text: str, *, size: int = 5) -> np.ndarray:
    """Sorted distinct shingle hashes (uint64) of one text; empty if it has < ``size`` tokens."""
    return shingle_sets([text], size=size)[0][0]


def shingle_overlap(sets: Sequence[np.ndarray], *, min_shared: int = 1) -> pd.DataFrame:
    """Exact shingle overlap of every pair of texts that share at least ``min_shared`` shingles.

    Uses a sparse text x shingle incidence matrix (an inverted index), so pairs that share
    nothing cost nothing; meant for corpora of up to a few thousand documents.

    Returns
    -------
    DataFrame
        One row per pair ``i < j``: columns ``i``, ``j`` (positions in ``sets``), ``shared``,
        ``jaccard``, ``containment_i_in_j`` (shared / shingles of i), ``containment_j_in_i``.
    """
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    columns = ["i", "j", "shared", "jaccard", "containment_i_in_j", "containment_j_in_i"]
    if sizes.sum() == 0 or len(sets) < 2:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in "ijshared" else "float64")
                             for c in columns})
    flat = np.concatenate(sets)
    codes = np.unique(flat, return_inverse=True)[1].ravel()
    rows = np.repeat(np.arange(len(sets)), sizes)
    X = sparse.csr_matrix((np.ones(len(flat), dtype=np.int32), (rows, codes)),
                          shape=(len(sets), int(codes.max()) + 1))
    overlap = sparse.triu(X @ X.T, k=1).tocoo()
    keep = overlap.data >= min_shared
    i, j, shared = overlap.row[keep], overlap.col[keep], overlap.data[keep].astype(np.int64)
    order = np.lexsort((j, i))
    i, j, shared = i[order].astype(np.int64), j[order].astype(np.int64), shared[order]
    return pd.DataFrame({
        "i": i, "j": j, "shared": shared,
        "jaccard": shared / (sizes[i] + sizes[j] - shared),
        "containment_i_in_j": shared / sizes[i],
        "containment_j_in_i": shared / sizes[j],
    })


def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, np.iinfo(np.uint64).max, size=num_perm, dtype=_U64, endpoint=True)
    b = rng.integers(0, np.iinfo(np.uint64).max, size=num_perm, dtype=_U64, endpoint=True)
    return a | _U64(1), b


def _check_perm(num_perm: int) -> None:
    if isinstance(num_perm, bool) or not isinstance(num_perm, (int, np.integer)) \
            or num_perm < 1:
        raise ParameterError(f"num_perm={num_perm!r}: use a whole number of hash functions "
                             ">= 1 (128 is usual)")


def minhash_signatures(
    texts: Iterable[str],
    *,
    num_perm: int = 128,
    shingle_size: int = 5,
    seed: int = 0,
) -> np.ndarray:
    """MinHash signatures of texts, computed in bounded memory.

    Hash function ``k`` maps a shingle hash ``x`` to ``a_k * x + b_k`` (mod 2**64, ``a_k`` odd,
    ``a``, ``b`` drawn from ``default_rng(seed)``); the signature keeps the top 32 bits of the
    minimum over the text's shingles. The share of equal positions of two signatures
    estimates the Jaccard similarity of their shingle sets (standard error about
    ``sqrt(J (1 - J) / num_perm)``).

    Parameters
    ----------
    texts : iterable of str
        One partition (or all) of the documents' ``text_norm``.
    num_perm : int
        Hash functions (signature length).
    shingle_size : int
        Tokens per shingle.
    seed : int
        Seed of the hash functions; partitions must use the same seed to be combined.

    Returns
    -------
    ndarray of uint32 of shape (n_texts, num_perm)
        Rows of texts with fewer than ``shingle_size`` tokens are all
        :data:`EMPTY_SIGNATURE`. Signatures of partitions concatenate to the signatures of
        the whole corpus.
    """
    _check_size(shingle_size)
    _check_perm(num_perm)
    texts = list(texts)
    out = np.full((len(texts), num_perm), EMPTY_SIGNATURE, dtype=np.uint32)
    cache: dict[str, int] = {}
    perms = _permutations(num_perm, seed)
    for lo in range(0, len(texts), _CHUNK_DOCS):
        hashes, owner, _ = _chunk_shingles(texts[lo:lo + _CHUNK_DOCS], shingle_size, cache)
        _fill_signatures(out, lo, hashes, owner, perms)
    return out


def minhash_from_shingles(sets: Sequence[np.ndarray], *, num_perm: int = 128,
                          seed: int = 0) -> np.ndarray:
    """MinHash signatures of shingle sets from :func:`shingle_sets`.

    Gives exactly what :func:`minhash_signatures` gives for the texts the sets came from
    (duplicates in a set do not change a minimum); use it when the sets are needed anyway.

    Returns
    -------
    ndarray of uint32 of shape (n_sets, num_perm)
    """
    _check_perm(num_perm)
    out = np.full((len(sets), num_perm), EMPTY_SIGNATURE, dtype=np.uint32)
    perms = _permutations(num_perm, seed)
    for lo in range(0, len(sets), _CHUNK_DOCS):
        chunk = sets[lo:lo + _CHUNK_DOCS]
        sizes = np.array([len(x) for x in chunk], dtype=np.int64)
        if sizes.sum() == 0:
            continue
        hashes = np.concatenate(chunk).astype(_U64)
        owner = np.repeat(np.arange(len(chunk)), sizes)
        _fill_signatures(out, lo, hashes, owner, perms)
    return out


def _fill_signatures(out: np.ndarray, lo: int, hashes: np.ndarray, owner: np.ndarray,
                     perms: tuple[np.ndarray, np.ndarray]) -> None:
    """Fold the shingle hashes of texts ``lo + owner`` into their signature rows of ``out``."""
    num_perm = out.shape[1]
    a_col, b_col = perms[0][:, None], perms[1][:, None]
    block = max(1, _CHUNK_SHINGLES * 128 // num_perm)
    for s in range(0, len(hashes), block):
        x, own = hashes[s:s + block], owner[s:s + block]
        starts = np.flatnonzero(np.r_[True, own[1:] != own[:-1]])
        values = a_col * x[None, :]
        values += b_col
        mins = (np.minimum.reduceat(values, starts, axis=1) >> _U64(32)).astype(np.uint32)
        rows = lo + own[starts]
        out[rows] = np.minimum(out[rows], mins.T)


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Jaccard similarity estimated from two MinHash signatures (0.0 if either is empty)."""
    if (sig_a == EMPTY_SIGNATURE).all() or (sig_b == EMPTY_SIGNATURE).all():
        return 0.0
    return float(np.mean(sig_a == sig_b))


def lsh_threshold(bands: int, rows: int) -> float:
    """Jaccard similarity at which a pair becomes a candidate with probability about 1/2.

    A pair of Jaccard ``J`` shares at least one of ``bands`` buckets of ``rows`` hashes with
    probability ``1 - (1 - J**rows)**bands``; the S-curve is steepest near
    ``(1 / bands) ** (1 / rows)``.
    """
    return float((1.0 / bands) ** (1.0 / rows))


def choose_bands(num_perm: int, threshold: float) -> int:
    """The number of bands (a divisor of ``num_perm``) whose LSH threshold is closest to
    ``threshold`` from below (favouring recall)."""
    _check_perm(num_perm)
    if not 0.0 < threshold < 1.0:
        raise ParameterError(f"threshold={threshold!r}: a Jaccard similarity strictly between "
                             "0 and 1")
    divisors = [b for b in range(1, num_perm + 1) if num_perm % b == 0]
    below = [b for b in divisors if lsh_threshold(b, num_perm // b) <= threshold]
    pool = below or divisors
    return min(pool, key=lambda b: (abs(lsh_threshold(b, num_perm // b) - threshold), b))


def _check_bands(signatures: np.ndarray, bands: int) -> int:
    num_perm = signatures.shape[1]
    if isinstance(bands, bool) or not isinstance(bands, (int, np.integer)) or bands < 1 \
            or num_perm % bands:
        divisors = [b for b in range(1, num_perm + 1) if num_perm % b == 0]
        raise ParameterError(f"bands={bands!r} must divide num_perm={num_perm}; choose one of "
                             + ", ".join(map(str, divisors)))
    return num_perm // bands


def lsh_buckets(signatures: np.ndarray, doc_ids: Sequence | np.ndarray, *,
                bands: int) -> pd.DataFrame:
    """The LSH bucket of every (document, band): one partition's share of the LSH index.

    Parameters
    ----------
    signatures : ndarray of uint32 of shape (n_docs, num_perm)
        From :func:`minhash_signatures`.
    doc_ids : sequence of length n_docs
        Document ids (any hashable, sortable type).
    bands : int
        Bands of ``num_perm // bands`` rows; must divide ``num_perm``.

    Returns
    -------
    DataFrame
        Columns ``band`` (int), ``bucket`` (uint64, a hash of the band's rows) and
        ``doc_id``; documents without shingles are left out. Tables of several partitions
        concatenate into the table of the whole corpus.
    """
    signatures = np.asarray(signatures)
    if signatures.ndim != 2 or len(signatures) != len(doc_ids):
        raise ParameterError(f"signatures of shape {signatures.shape} do not match "
                             f"{len(doc_ids)} doc_ids; pass one signature row per document")
    rows = _check_bands(signatures, bands)
    ok = ~(signatures == EMPTY_SIGNATURE).all(axis=1)
    sig = signatures[ok].astype(_U64)
    ids = np.asarray(doc_ids, dtype=object)[ok]
    keys = np.empty((bands, len(sig)), dtype=_U64)
    for band in range(bands):
        key = np.full(len(sig), ((band + 1) * 0x9E3779B97F4A7C15) & _MASK64, dtype=_U64)
        for col in range(band * rows, (band + 1) * rows):
            key = _mix64(key ^ sig[:, col])
        keys[band] = key
    return pd.DataFrame({"band": np.repeat(np.arange(bands), len(sig)),
                         "bucket": keys.ravel(),
                         "doc_id": np.tile(ids, bands)})


def candidates_from_buckets(buckets: pd.DataFrame, *,
                            max_bucket_size: int = 1000) -> pd.DataFrame:
    """Candidate pairs: documents that share a bucket in at least one band.

    Parameters
    ----------
    buckets : DataFrame
        Columns ``band``, ``bucket``, ``doc_id``: the concatenated :func:`lsh_buckets` tables
        of every partition.
    max_bucket_size : int
        Buckets holding more documents than this (templates, boilerplate) are skipped with
        a warning: a bucket of m documents alone would add m (m - 1) / 2 pairs.

    Returns
    -------
    DataFrame
        Columns ``doc_a``, ``doc_b`` (``doc_a < doc_b``) and ``n_bands`` (bands in which the
        pair shares a bucket), sorted by ``doc_a``, ``doc_b``. Independent of how the
        corpus was partitioned.
    """
    columns = {"doc_a": pd.Series(dtype=object), "doc_b": pd.Series(dtype=object),
               "n_bands": pd.Series(dtype="int64")}
    if buckets.empty:
        return pd.DataFrame(columns)
    codes, uniques = pd.factorize(buckets["doc_id"], sort=True)
    band = buckets["band"].to_numpy(np.int64)
    key = buckets["bucket"].to_numpy(_U64)
    order = np.lexsort((codes, key, band))
    band, key, codes = band[order], key[order], codes[order]
    new = np.r_[True, (band[1:] != band[:-1]) | (key[1:] != key[:-1])]
    starts = np.flatnonzero(new)
    sizes = np.diff(np.r_[starts, len(key)])
    big = sizes > max_bucket_size
    if big.any():
        message = (f"LSH: {int(big.sum())} bucket(s) hold more than max_bucket_size="
                   f"{max_bucket_size} documents (largest {int(sizes.max())}) and were "
                   "skipped; these are usually templates or boilerplate. Raise "
                   "max_bucket_size to pair them anyway")
        log.warning(message)
        warnings.warn(message, MinHashWarning, stacklevel=2)
    # position k of a usable bucket pairs with k + d for every d below its distance to the
    # bucket's end; shrinking the position list as d grows keeps the work at O(pairs)
    end = np.repeat(starts + sizes, sizes)
    pos = np.flatnonzero(np.repeat(~big & (sizes > 1), sizes))
    pairs = []
    d = 1
    while len(pos):
        pos = pos[pos + d < end[pos]]
        if len(pos):
            pairs.append(codes[pos].astype(np.int64) * len(uniques) + codes[pos + d])
        d += 1
    if not pairs:
        return pd.DataFrame(columns)
    pair_codes, n_bands = np.unique(np.concatenate(pairs), return_counts=True)
    a, b = np.divmod(pair_codes, len(uniques))
    return pd.DataFrame({"doc_a": uniques[a], "doc_b": uniques[b],
                         "n_bands": n_bands.astype(np.int64)})


def lsh_candidates(
    signatures: np.ndarray,
    doc_ids: Sequence | np.ndarray,
    *,
    bands: int = 32,
    max_bucket_size: int = 1000,
) -> pd.DataFrame:
    """Candidate pairs from MinHash signatures by LSH banding, without comparing all pairs.

    Equivalent to ``candidates_from_buckets(lsh_buckets(signatures, doc_ids, bands=bands))``;
    see those functions. With ``r = num_perm // bands`` rows per band a pair of Jaccard ``J``
    is found with probability ``1 - (1 - J**r)**bands`` (see :func:`lsh_threshold`).

    Returns
    -------
    DataFrame
        Columns ``doc_a``, ``doc_b``, ``n_bands``.
    """
    return candidates_from_buckets(lsh_buckets(signatures, doc_ids, bands=bands),
                                   max_bucket_size=max_bucket_size)
