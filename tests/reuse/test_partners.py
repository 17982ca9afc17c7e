"""reuse.keep_strongest / bound_candidates: each document keeps its strongest partners."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from framelab import reuse
from framelab.errors import ParameterError, ReuseWarning


def _clique(n: int, seed: int = 0) -> pd.DataFrame:
    """Every pair of n documents, with a random strength."""
    rng = np.random.default_rng(seed)
    pairs = pd.DataFrame(list(itertools.combinations([f"d{i:03d}" for i in range(n)], 2)),
                         columns=["doc_a", "doc_b"])
    pairs["strength"] = rng.random(len(pairs))
    return pairs


def _brute_force(pairs: pd.DataFrame, k: int) -> set[tuple[str, str]]:
    """A pair is kept when it is among the k strongest of either document (planted rule)."""
    kept = set()
    for doc in set(pairs["doc_a"]) | set(pairs["doc_b"]):
        mine = pairs[(pairs["doc_a"] == doc) | (pairs["doc_b"] == doc)]
        top = mine.sort_values("strength", ascending=False, kind="stable").head(k)
        kept |= set(zip(top["doc_a"], top["doc_b"]))
    return kept


@pytest.mark.parametrize("k", [1, 3, 7])
def test_each_document_keeps_its_strongest_partners(k: int) -> None:
    pairs = _clique(30)
    with pytest.warns(ReuseWarning, match=r"left out.*max_partners"):
        kept = reuse.keep_strongest(pairs, [pairs["strength"]], k)
    assert set(zip(kept["doc_a"], kept["doc_b"])) == _brute_force(pairs, k)
    # bounded: at most k pairs per document, counted from each document's side
    assert len(kept) <= k * 30
    # rows keep their order and index
    assert kept.index.is_monotonic_increasing


def test_zero_keeps_everything_and_small_graphs_are_untouched() -> None:
    pairs = _clique(6)
    assert reuse.keep_strongest(pairs, [pairs["strength"]], 0).equals(pairs)
    # every document has 5 partners: a bound of 5 leaves out nothing and says nothing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(reuse.keep_strongest(pairs, [pairs["strength"]], 5)) == len(pairs)


def test_ties_are_broken_by_the_next_strength_then_row_order() -> None:
    # b, c and d each have a stronger private partner, so with a bound of 1 only the hub "a"
    # decides which of its three tied pairs stays
    pairs = pd.DataFrame({"doc_a": ["a", "a", "a", "b", "c", "d"],
                          "doc_b": ["b", "c", "d", "pb", "pc", "pd"],
                          "first": [1.0, 1.0, 1.0, 2.0, 2.0, 2.0],
                          "second": [0.1, 0.9, 0.5, 0.0, 0.0, 0.0]})
    with pytest.warns(ReuseWarning, match="2 of 6"):
        kept = reuse.keep_strongest(pairs, [pairs["first"], pairs["second"]], 1)
    assert list(zip(kept["doc_a"], kept["doc_b"]))[0] == ("a", "c")
    with pytest.warns(ReuseWarning, match="2 of 6"):
        by_order = reuse.keep_strongest(pairs, [pairs["first"]], 1)
    assert list(zip(by_order["doc_a"], by_order["doc_b"]))[0] == ("a", "b")


def test_bound_candidates_ranks_by_containment_and_similar_sentences() -> None:
    # a hub document paired with 5 others; the bound keeps the hub's 2 strongest, and each
    # other document keeps its only pair, so nothing is lost for them
    others = [f"o{i}" for i in range(5)]
    shingle = pd.DataFrame({"doc_a": "hub", "doc_b": others, "shared_shingles": 1,
                            "jaccard": [0.1, 0.2, 0.3, 0.4, 0.5],
                            "containment_a_in_b": [0.9, 0.1, 0.1, 0.1, 0.1],
                            "containment_b_in_a": [0.0, 0.0, 0.0, 0.0, 0.8],
                            "channel": "shingles"})
    content = pd.DataFrame({"doc_a": "hub", "doc_b": others, "n_similar": [2, 9, 2, 2, 2],
                            "max_cosine": [0.3, 0.3, 0.3, 0.9, 0.3]})
    s, c = reuse.bound_candidates(shingle, content, 5)
    assert len(s) == 5 and len(c) == 5
    # with a bound of 1, every "other" still keeps its only pair
    s, c = reuse.bound_candidates(shingle, content, 1)
    assert len(s) == 5 and len(c) == 5


def test_bound_in_a_chain_of_many_documents() -> None:
    # hubs: 3 hub documents each paired with 40 leaves, leaves also paired among themselves
    rows = []
    for h in range(3):
        leaves = [f"h{h}l{i:02d}" for i in range(40)]
        rows += [(f"h{h}", leaf, 0.5 + i / 100) for i, leaf in enumerate(leaves)]
        rows += [(a, b, 0.1) for a, b in itertools.combinations(leaves, 2)]
    pairs = pd.DataFrame(rows, columns=["doc_a", "doc_b", "strength"])
    with pytest.warns(ReuseWarning, match=f"of {len(pairs):,} candidate pairs"):
        kept = reuse.keep_strongest(pairs, [pairs["strength"]], 2)
    assert set(zip(kept["doc_a"], kept["doc_b"])) == _brute_force(pairs, 2)
    # every leaf keeps its hub pair, the strongest it has
    hub_pairs = kept[kept["doc_a"].str.fullmatch(r"h\d")]
    assert len(hub_pairs) == 3 * 40


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_bad_bound_is_refused(bad: object) -> None:
    pairs = _clique(4)
    with pytest.raises(ParameterError, match="max_partners"):
        reuse.keep_strongest(pairs, [pairs["strength"]], bad)  # type: ignore[arg-type]


def test_strength_of_the_wrong_length_is_refused() -> None:
    pairs = _clique(4)
    with pytest.raises(ParameterError, match="one value per row"):
        reuse.keep_strongest(pairs, [pairs["strength"][:2]], 1)
