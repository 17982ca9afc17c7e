"""Counts of adjacent word pairs that add up across parts, exactly, in bounded memory.

The overview's collocations need the corpus total of every bigram seen at least
``min_count`` times, and a bigram seen once in each of two parts counts twice: no part can
drop a rare bigram. A corpus's distinct bigrams grow with the corpus (about 60 per article in
the generated benchmark corpus: 60 million at a million articles), and a Python Counter of
word tuples takes about 200 bytes for each, so the totals cannot live in a dict.

:class:`BigramCounts` gives every word an integer id and a bigram the 64-bit key
``first << 32 | second``. Parts' keys and counts wait in arrays; when more than
``spill_pairs`` are waiting they are summed, and if still many they go to disk, split into
:data:`BUCKETS` files by a hash of the key (a folder in the system's temporary folder, which
``TMPDIR`` sets; removed with the object; 16 bytes per row written).
A bigram's total is then the sum of its rows in one bucket, so :meth:`frequent` reads one
bucket at a time: memory follows ``spill_pairs`` and a bucket, not the corpus.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ParameterError

__all__ = ["BUCKETS", "SPILL_PAIRS", "BigramCounts"]

#: Waiting (key, count) rows that make :class:`BigramCounts` sum them and, if still this
#: many, move them to disk: 4 million rows are 64 MB.
SPILL_PAIRS = 4_000_000
#: Files the rows on disk are split into, by a hash of the bigram.
BUCKETS = 64
_LOW = np.int64(0xFFFFFFFF)
_MAX_WORDS = 2**31


def _bucket(keys: np.ndarray) -> np.ndarray:
    """Bucket of each key: the top bits of a multiplicative hash (ids are dense, so the key
    itself would put most rows in few buckets)."""
    mixed = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return (mixed >> np.uint64(64 - int(np.log2(BUCKETS)))).astype(np.int64)


def _rekeyed(ids: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``keys`` with both word ids replaced by ``ids[id]`` (from another object's ids)."""
    return ids[keys >> 32] << 32 | ids[keys & _LOW]


def _summed(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct key once (sorted) with the sum of its counts."""
    if len(keys) == 0:
        return keys.astype(np.int64), counts.astype(np.int64)
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=counts, minlength=len(unique)).astype(np.int64)


class BigramCounts:
    """Occurrences of each pair of adjacent words; ``a += b`` adds ``b``'s counts.

    Build one from a part with :meth:`from_codes` (word codes into a vocabulary, as a
    tokenizer's scan gives them) or :meth:`from_counter`; read the totals with
    :meth:`frequent` (those seen at least ``min_count`` times) or :meth:`to_counter`.
    """

    def __init__(self, *, spill_pairs: int = SPILL_PAIRS) -> None:
        if spill_pairs < 1:
            raise ParameterError(f"spill_pairs={spill_pairs}: use a positive number of rows")
        self.spill_pairs = spill_pairs
        self.words: list[str] = []
        self._ids: dict[str, int] = {}
        self._keys: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []
        self._waiting = 0
        self._folder: Path | None = None

    @classmethod
    def from_codes(cls, vocabulary: Sequence[str], first: np.ndarray, second: np.ndarray,
                   counts: np.ndarray) -> BigramCounts:
        """The bigrams ``(vocabulary[first[i]], vocabulary[second[i]])``, ``counts[i]``
        times each."""
        out = cls()
        ids = out._ids_of(list(vocabulary))
        first, second = np.asarray(first, np.int64), np.asarray(second, np.int64)
        out._add(ids[first] << 32 | ids[second], np.asarray(counts, np.int64))
        return out

    @classmethod
    def from_counter(cls, counter: Mapping[tuple[str, str], int]) -> BigramCounts:
        """The bigrams of a mapping from word pairs to counts."""
        out = cls()
        pairs = list(counter)
        first = out._ids_of([a for a, _ in pairs])
        second = out._ids_of([b for _, b in pairs])
        out._add(first << 32 | second, np.fromiter(counter.values(), np.int64, len(pairs)))
        return out

    def _ids_of(self, words: list[str]) -> np.ndarray:
        """The id of each word, new words getting the next ids."""
        ids, known = np.empty(len(words), dtype=np.int64), self._ids
        for i, word in enumerate(words):
            found = known.get(word)
            if found is None:
                found = known[word] = len(self.words)
                self.words.append(word)
            ids[i] = found
        if len(self.words) > _MAX_WORDS:
            raise ParameterError(f"{len(self.words)} distinct words: bigram keys hold at most "
                                 f"{_MAX_WORDS}")
        return ids

    def _add(self, keys: np.ndarray, counts: np.ndarray) -> None:
        if len(keys) == 0:
            return
        self._keys.append(keys)
        self._counts.append(counts)
        self._waiting += len(keys)
        if self._waiting > self.spill_pairs:
            keys, counts = self._take_waiting()
            if len(keys) > self.spill_pairs // 2:  # summing did not shrink them enough
                self._spill(keys, counts)
            else:
                self._keys, self._counts, self._waiting = [keys], [counts], len(keys)

    def _take_waiting(self) -> tuple[np.ndarray, np.ndarray]:
        """The waiting rows, summed by key; none wait after."""
        if not self._keys:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        keys, counts = np.concatenate(self._keys), np.concatenate(self._counts)
        self._keys, self._counts, self._waiting = [], [], 0
        return _summed(keys, counts)

    def _spill(self, keys: np.ndarray, counts: np.ndarray) -> None:
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="framelab-bigrams-"))
            weakref.finalize(self, shutil.rmtree, self._folder, True)
        bucket = _bucket(keys)
        order = np.argsort(bucket, kind="stable")
        rows = np.column_stack([keys, counts])[order]
        ends = np.cumsum(np.bincount(bucket, minlength=BUCKETS))
        for b, (start, end) in enumerate(zip(np.r_[0, ends[:-1]], ends)):
            if end > start:
                with open(self._folder / f"{b}.bin", "ab") as handle:
                    rows[start:end].tofile(handle)

    def _bucketed(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Distinct keys with their totals, one bucket at a time (everything at once when
        nothing went to disk). Waiting rows stay waiting."""
        keys = np.concatenate(self._keys) if self._keys else np.zeros(0, np.int64)
        counts = np.concatenate(self._counts) if self._counts else np.zeros(0, np.int64)
        if self._folder is None:
            yield _summed(keys, counts)
            return
        waiting = _bucket(keys)
        for b in range(BUCKETS):
            path = self._folder / f"{b}.bin"
            stored = np.fromfile(path, dtype=np.int64).reshape(-1, 2) if path.is_file() \
                else np.zeros((0, 2), np.int64)
            mine = waiting == b
            yield _summed(np.concatenate([stored[:, 0], keys[mine]]),
                          np.concatenate([stored[:, 1], counts[mine]]))

    def pairs_of(self, keys: np.ndarray) -> list[tuple[str, str]]:
        """The word pairs of bigram keys (as :meth:`frequent_keys` gives them)."""
        words = np.asarray(self.words, dtype=object)
        return list(zip(words[keys >> 32].tolist(), words[keys & _LOW].tolist()))

    def frequent_keys(self, min_count: int = 1) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The keys and totals of the bigrams seen at least ``min_count`` times, a bucket at a
        time; a key's words are ``words[key >> 32]`` and ``words[key & 0xFFFFFFFF]``."""
        for keys, counts in self._bucketed():
            kept = counts >= min_count
            yield keys[kept], counts[kept]

    def frequent(self, min_count: int = 1) -> dict[tuple[str, str], int]:
        """Every bigram seen at least ``min_count`` times, with its count (ordered by the
        bucket and the words' ids, not by count)."""
        out: dict[tuple[str, str], int] = {}
        for keys, counts in self.frequent_keys(min_count):
            out.update(zip(self.pairs_of(keys), counts.tolist()))
        return out

    def to_counter(self) -> Counter[tuple[str, str]]:
        """Every bigram and its count (for small corpora and tests: a dict of all of them)."""
        return Counter(self.frequent(1))

    def __len__(self) -> int:
        """Distinct bigrams."""
        return sum(len(keys) for keys, _ in self._bucketed())

    @property
    def spilled(self) -> bool:
        """Whether some counts are on disk."""
        return self._folder is not None

    def __iadd__(self, other: BigramCounts) -> BigramCounts:
        if not isinstance(other, BigramCounts):
            return NotImplemented
        ids = self._ids_of(other.words)
        for keys, counts in other._bucketed():
            self._add(_rekeyed(ids, keys), counts)
        return self

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BigramCounts):
            return NotImplemented
        return self.to_counter() == other.to_counter()

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> dict[str, Any]:
        # sent between processes whole: the rows on disk are read into the state
        # (_bucketed yields at least once, rows or not)
        keys, counts = (np.concatenate(column) for column in zip(*self._bucketed()))
        return {"spill_pairs": self.spill_pairs, "words": self.words, "keys": keys,
                "counts": counts}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(spill_pairs=state["spill_pairs"])  # type: ignore[misc]
        self._add(_rekeyed(self._ids_of(state["words"]), state["keys"]), state["counts"])

    def __repr__(self) -> str:
        where = f", on disk in {self._folder}" if self._folder else ""
        return f"BigramCounts({len(self.words)} words{where})"
