"""BigramCounts: exact bigram totals across parts, some of them kept on disk."""

from __future__ import annotations

import gc
import pickle
from collections import Counter

import numpy as np
import pytest
from framelab.errors import ParameterError
from framelab.tokens import BigramCounts, TextTotals
from hypothesis import given, settings
from hypothesis import strategies as st

WORDS = ["a", "b", "c", "the", "rebels", "regime", "ΑΣ", "x-y", ""]
pairs = st.tuples(st.sampled_from(WORDS), st.sampled_from(WORDS))
parts = st.lists(st.lists(pairs, max_size=30), max_size=8)


def _added(chunks: list[list[tuple[str, str]]], spill_pairs: int) -> BigramCounts:
    total = BigramCounts(spill_pairs=spill_pairs)
    for chunk in chunks:
        total += BigramCounts.from_counter(Counter(chunk))
    return total


@settings(max_examples=150, deadline=None)
@given(parts, st.sampled_from([1, 2, 5, 1000]), st.integers(1, 4))
def test_parts_added_up_equal_counting_everything_at_once(
        chunks: list[list[tuple[str, str]]], spill_pairs: int, min_count: int) -> None:
    expected = Counter(p for chunk in chunks for p in chunk)
    total = _added(chunks, spill_pairs)
    assert total.to_counter() == expected
    assert total.frequent(min_count) == {p: k for p, k in expected.items() if k >= min_count}
    assert len(total) == len(expected)
    assert total == BigramCounts.from_counter(expected)
    # the waiting rows and the rows on disk are both read: once more after reading
    assert total.to_counter() == expected


def test_many_parts_go_to_disk_and_the_folder_goes_with_the_object() -> None:
    rng = np.random.default_rng(0)
    chunks = [[(WORDS[i], WORDS[j]) for i, j in rng.integers(0, len(WORDS), (40, 2))]
              for _ in range(30)]
    # distinct pairs of many words, so that summing the waiting rows does not shrink them
    chunks += [[(f"w{k}", f"v{k}") for k in range(n, n + 50)] for n in range(0, 500, 50)]
    total = _added(chunks, spill_pairs=20)
    assert total.spilled
    folder = total._folder
    assert folder is not None and any(folder.iterdir())
    expected = Counter(p for chunk in chunks for p in chunk)
    assert total.to_counter() == expected
    copy = pickle.loads(pickle.dumps(total))  # sent between processes: the disk rows too
    assert copy.to_counter() == expected and copy._folder != folder
    again = BigramCounts()
    again += total
    assert again.to_counter() == expected
    del total
    gc.collect()
    assert not folder.exists()


def test_from_codes_reads_codes_into_the_vocabulary() -> None:
    got = BigramCounts.from_codes(["x", "y", "x"], np.array([0, 2, 1]), np.array([1, 1, 2]),
                                  np.array([3, 4, 5]))
    assert got.to_counter() == Counter({("x", "y"): 7, ("y", "x"): 5})
    with pytest.raises(ParameterError, match="spill_pairs"):
        BigramCounts(spill_pairs=0)


def test_collocations_of_spilled_totals_equal_those_kept_in_memory() -> None:
    rng = np.random.default_rng(1)
    vocab = [f"word{i}" for i in range(60)] + ["rebels", "regime", "offensive"]
    texts = [" ".join(rng.choice(vocab, size=int(rng.integers(3, 12)))) for _ in range(400)]
    whole = TextTotals.of(texts)
    parts = TextTotals()
    parts.bigrams = BigramCounts(spill_pairs=8)
    for start in range(0, len(texts), 25):
        parts += TextTotals.of(texts[start:start + 25])
    assert parts.bigrams.spilled and not whole.bigrams.spilled
    assert parts == whole
    for measure in ("likelihood_ratio", "pmi"):
        expected = whole.collocations(min_count=2, top=20, measure=measure)
        assert parts.collocations(min_count=2, top=20, measure=measure).equals(expected)
    assert len(expected) == 20
