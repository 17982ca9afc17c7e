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


def _nltk_top(totals: TextTotals, min_count: int, top: int, measure: str) -> list[tuple]:
    """Every bigram seen min_count times scored by NLTK (as collocations did before it
    chose candidates with numpy), ranked by score, then bigram."""
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder
    from nltk.probability import FreqDist

    finder = BigramCollocationFinder(FreqDist(totals.words),
                                     FreqDist(totals.bigrams.frequent(min_count)))
    fn = getattr(BigramAssocMeasures, measure)
    scored = [(" ".join(bg), finder.score_ngram(fn, *bg), int(finder.ngram_fd[bg]))
              for bg in finder.ngram_fd]
    return sorted(scored, key=lambda r: (-r[1], r[0]))[:top]


@pytest.mark.parametrize("measure", ["likelihood_ratio", "pmi"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_collocations_are_the_top_of_every_frequent_bigram_scored_by_nltk(
        measure: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    # a Zipf-like vocabulary with many bigrams of equal counts, so scores tie at the cut
    vocab = np.array([f"w{i}" for i in range(120)])
    weights = 1 / np.arange(1, 121)
    texts = [" ".join(rng.choice(vocab, size=int(rng.integers(2, 9)), p=weights / weights.sum()))
             for _ in range(600)]
    texts += ["alpha beta", "gamma delta"] * 3  # equal marginals: equal scores
    totals = TextTotals.of(texts)
    for min_count, top in ((2, 10), (2, 30), (3, 1), (1, 50)):
        got = totals.collocations(min_count=min_count, top=top, measure=measure)
        want = _nltk_top(totals, min_count, top, measure)
        assert list(got["bigram"]) == [b for b, _, _ in want]
        assert list(got["count"]) == [k for _, _, k in want]
        assert list(got[measure]) == [s for _, s, _ in want]  # NLTK's own scores, exactly


def test_vectorised_scores_agree_with_nltk_to_the_last_bits() -> None:
    from framelab.tokens._totals import _scores
    from nltk.collocations import BigramAssocMeasures

    rng = np.random.default_rng(3)
    n_ii = rng.integers(1, 50, 500).astype(float)
    n_ix = n_ii + rng.integers(0, 5000, 500)
    n_xi = n_ii + rng.integers(0, 5000, 500)
    for measure in ("pmi", "likelihood_ratio"):
        fn = getattr(BigramAssocMeasures, measure)
        want = np.array([fn(a, (b, c), 1e6) for a, b, c in zip(n_ii, n_ix, n_xi)])
        np.testing.assert_allclose(_scores(measure, n_ii, n_ix, n_xi, 1e6), want, rtol=1e-12)
