"""framelab.stats: the one cluster bootstrap, checked for coverage on planted data."""

from __future__ import annotations

import numpy as np
import pytest
from framelab.errors import ParameterError
from framelab.stats import (
    cell_rng,
    check_bootstrap,
    counted_sums,
    narrow_integers,
    percentile_interval,
    ratio_interval,
    resampled_counts,
    resampled_indices,
    resampled_sums,
    resolve_unit,
)
from scipy import sparse
from scipy import stats as sps


def _clustered_sample(rng: np.random.Generator, n_docs: int, per_doc: int, truth: float):
    """Documents whose sentences share a document-level mean (strong within-document
    correlation): per-document sums of values and sentence counts."""
    doc_means = truth + rng.normal(0, 1.0, n_docs)
    values = doc_means[:, None] + rng.normal(0, 0.2, (n_docs, per_doc))
    return values


def test_cluster_bootstrap_covers_the_truth_about_95_percent() -> None:
    rng = np.random.default_rng(12345)
    truth, hits_docs, hits_units, reps = 0.3, 0, 0, 300
    for r in range(reps):
        values = _clustered_sample(rng, n_docs=30, per_doc=10, truth=truth)
        lo, hi = ratio_interval(values.sum(axis=1), np.full(30, 10.0), n_boot=400, ci=0.95,
                                rng=cell_rng(r, "docs"))
        hits_docs += lo[0] <= truth <= hi[0]
        flat = values.ravel()  # the same sentences, resampled as if independent
        lo_u, hi_u = ratio_interval(flat, np.ones(flat.size), n_boot=400, ci=0.95,
                                    rng=cell_rng(r, "units"))
        hits_units += lo_u[0] <= truth <= hi_u[0]
    # nominal 0.95; with 30 clusters the percentile bootstrap runs a little under nominal
    assert 0.88 <= hits_docs / reps <= 0.99
    # resampling correlated sentences is overconfident: far below nominal
    assert hits_units / reps < 0.6


def test_ratio_interval_handles_rates_shared_and_own_denominators_and_single_clusters() -> None:
    counts = np.array([[1, 0], [3, 1], [0, 2], [2, 2]], dtype=float)
    tokens = np.array([100, 300, 200, 100], dtype=float)
    rng = cell_rng(0, "a")
    lo, hi = ratio_interval(counts, tokens, n_boot=500, ci=0.9, rng=rng, scale=1000.0)
    point = 1000.0 * counts.sum(axis=0) / tokens.sum()
    assert lo.shape == (2,) and (lo <= point).all() and (point <= hi).all()
    own = np.column_stack([tokens, tokens])
    lo2, hi2 = ratio_interval(counts, own, n_boot=500, ci=0.9, rng=cell_rng(0, "a"),
                              scale=1000.0)
    np.testing.assert_allclose(lo, lo2)
    np.testing.assert_allclose(hi, hi2)
    one_lo, one_hi = ratio_interval(counts[:1], tokens[:1], n_boot=500, ci=0.9, rng=rng)
    assert np.isnan(one_lo).all() and np.isnan(one_hi).all()
    none_lo, _ = ratio_interval(counts, tokens, n_boot=0, ci=0.9, rng=rng)
    assert np.isnan(none_lo).all()


def test_resampled_sums_draw_whole_rows_and_sparse_equals_dense() -> None:
    values = np.array([[1, 0, 0], [0, 10, 0], [0, 0, 100]], dtype=float)
    chunks = list(resampled_sums(values, 50, cell_rng(1, "x"), chunk=16))
    assert [len(c) for c in chunks] == [16, 16, 16, 2]
    sums = np.vstack(chunks)
    # each replicate takes 3 rows: the digits of 1/10/100 count the draws of each row
    assert (sums @ np.ones(3) > 0).all()
    assert ((sums[:, 0] + sums[:, 1] / 10 + sums[:, 2] / 100) == 3).all()
    sparse_sums = np.vstack(list(resampled_sums(sparse.csr_matrix(values), 50,
                                                cell_rng(1, "x"), chunk=16)))
    np.testing.assert_array_equal(sums, sparse_sums)


@pytest.mark.parametrize("n", [1, 2, 7, 300])
def test_each_replicates_counts_sum_to_the_clusters_and_count_its_indices(n: int) -> None:
    indices = np.vstack(list(resampled_indices(n, 45, cell_rng(3, "c"), chunk=10)))
    chunks = list(resampled_counts(n, 45, cell_rng(3, "c"), chunk=10))
    assert [c.shape for c in chunks] == [(10, n)] * 4 + [(5, n)]
    counts = np.vstack(chunks)
    assert (counts.sum(axis=1) == n).all() and (counts >= 0).all()
    assert indices.min() >= 0 and indices.max() < n
    for row, drawn in zip(counts, indices):   # the counts are the indices, counted
        np.testing.assert_array_equal(row, np.bincount(drawn, minlength=n))


@pytest.mark.parametrize("n", [5, 50])
def test_counts_have_the_multinomial_mean_and_variance(n: int) -> None:
    """Each cluster's count is Binomial(n, 1/n): mean 1, variance 1 - 1/n (a Poisson(1) or
    a wrong offset would give 1, or row sums other than n). The tolerances are five standard
    errors of the estimates, from the binomial's moments; the seed is fixed."""
    boot, p = 20_000, 1.0 / n
    counts = np.vstack(list(resampled_counts(n, boot, cell_rng(11, "moments", n))))
    var = 1.0 - p
    mean_se = np.sqrt(var / boot)
    assert np.abs(counts.mean(axis=0) - 1.0).max() < 5 * mean_se   # every cluster
    # the fourth central moment of Binomial(n, p) gives the standard error of a variance
    mu4 = n * p * (1 - p) * (1 + 3 * (n - 2) * p * (1 - p))
    var_se = np.sqrt((mu4 - var**2) / boot)
    per_cluster = counts.var(axis=0, ddof=1)
    assert np.abs(per_cluster - var).max() < 5 * var_se
    assert abs(per_cluster.mean() - var) < 5 * var_se / np.sqrt(n) + 1e-12
    assert abs(per_cluster.mean() - 1.0) > 10 * var_se / np.sqrt(n)   # Poisson(1) fails


def test_one_clusters_counts_follow_the_binomial() -> None:
    n, boot = 6, 30_000
    first = np.vstack(list(resampled_counts(n, boot, cell_rng(5, "binomial"))))[:, 0]
    observed = np.bincount(np.minimum(first, 3), minlength=4)
    pmf = sps.binom.pmf(np.arange(3), n, 1 / n)
    expected = boot * np.r_[pmf, 1 - pmf.sum()]
    assert sps.chisquare(observed, expected).pvalue > 1e-4
    poisson = boot * np.r_[sps.poisson.pmf(np.arange(3), 1), sps.poisson.sf(2, 1)]
    assert sps.chisquare(observed, poisson).pvalue < 1e-6   # the test tells them apart


def test_the_same_seed_gives_the_same_replicates_in_any_chunks() -> None:
    values = np.random.default_rng(2).integers(0, 9, size=(40, 3)).astype(float)
    whole = np.vstack(list(resampled_sums(values, 100, cell_rng(4, "s"))))
    again = np.vstack(list(resampled_sums(values, 100, cell_rng(4, "s"))))
    np.testing.assert_array_equal(whole, again)
    for chunk in (1, 7, 64, 100):
        parts = np.vstack(list(resampled_sums(values, 100, cell_rng(4, "s"), chunk=chunk)))
        np.testing.assert_array_equal(parts, whole)
    other = np.vstack(list(resampled_sums(values, 100, cell_rng(5, "s"))))
    assert not np.array_equal(other, whole)


def test_two_samples_with_the_same_chunk_pair_up_chunk_by_chunk() -> None:
    """What keyness and event windows rely on: two samples of different sizes and widths
    drawn with the same ``chunk`` give chunks of the same lengths, replicate by replicate."""
    small = np.arange(6, dtype=float)[:, None]
    wide = sparse.random(900, 40, density=0.1, format="csr", random_state=1)
    a = list(resampled_sums(small, 150, cell_rng(0, "a"), chunk=64))
    b = list(resampled_sums(wide, 150, cell_rng(0, "b"), chunk=64))
    assert [len(x) for x in a] == [len(y) for y in b] == [64, 64, 22]


def test_few_and_many_columns_give_the_same_sums_of_the_same_draws() -> None:
    """Up to a few dense columns each replicate sums its drawn rows; more columns go through
    the counts. The same draws either way: the first columns of a wide table equal the sums
    of those columns alone (integers, so exactly)."""
    values = np.random.default_rng(8).integers(0, 50, size=(30, 9)).astype(float)
    for narrow in (1, 2, 4):
        wide = np.vstack(list(resampled_sums(values, 80, cell_rng(1, "w"))))
        few = np.vstack(list(resampled_sums(values[:, :narrow], 80, cell_rng(1, "w"))))
        np.testing.assert_array_equal(few, wide[:, :narrow])
    one = np.vstack([c[:, None] for c in resampled_sums(values[:, 0], 80, cell_rng(1, "w"))])
    np.testing.assert_array_equal(one[:, 0], wide[:, 0])


def test_sparse_integer_sums_are_the_same_integers_in_int32_and_never_overflow() -> None:
    rng = np.random.default_rng(6)
    small = sparse.random(200, 30, density=0.3, format="csr", random_state=rng,
                          data_rvs=lambda k: rng.integers(1, 500, k)).astype(np.uint16)
    narrow = narrow_integers(small, 200)
    assert narrow.dtype == np.int32
    counts = np.vstack(list(resampled_counts(200, 40, cell_rng(2, "n")))).T
    want = (small.astype(np.int64).T @ counts).T
    got = counted_sums(narrow, counts)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, want)
    # sums that could pass 2**31 stay in int64: 3,000 rows drawn, values up to 2**20
    big = sparse.csr_matrix(np.full((3000, 2), 2**20, dtype=np.int64))
    assert narrow_integers(big, 3000).dtype == np.int64
    tall = np.zeros((3000, 1), dtype=np.int64)
    tall[0] = 3000                                   # the first row drawn every time
    assert counted_sums(big.astype(np.int32), tall)[0, 0] == 3000 * 2**20
    floats = sparse.csr_matrix(np.ones((3, 2)))
    assert narrow_integers(floats, 3) is floats


def test_a_chunk_must_be_a_number_of_replicates() -> None:
    with pytest.raises(ParameterError, match="chunk"):
        next(resampled_sums(np.ones((3, 1)), 10, cell_rng(0, "x"), chunk=-1))
    with pytest.raises(ParameterError, match="at least one cluster"):
        next(resampled_counts(0, 10, cell_rng(0, "x")))


def test_a_cells_generator_depends_on_seed_and_key_only() -> None:
    a = cell_rng(7, "label_rates", "CNN").random(3)
    assert np.array_equal(a, cell_rng(7, "label_rates", "CNN").random(3))
    assert not np.array_equal(a, cell_rng(7, "label_rates", "BBC").random(3))
    assert not np.array_equal(a, cell_rng(8, "label_rates", "CNN").random(3))
    with pytest.raises(ParameterError, match=r"seed=-1: use a non-negative integer"):
        cell_rng(-1, "x")


def test_the_resampling_unit_rule() -> None:
    assert resolve_unit({"a": 5, "b": 9}, "auto", smaller="sentences") == "documents"
    assert resolve_unit({"a": 4, "b": 9}, "auto", smaller="sentences") == "sentences"
    assert resolve_unit({}, "auto", smaller="units") == "units"
    assert resolve_unit({"a": 1}, "documents", smaller="units") == "documents"
    assert resolve_unit([2, 2], "auto", smaller="mentions", min_docs=2) == "documents"
    with pytest.raises(ParameterError, match="unit='words'; use 'auto', 'documents' or 'units'"):
        resolve_unit({}, "words", smaller="units")


def test_bad_bootstrap_settings_are_named() -> None:
    check_bootstrap(0, 0.95)
    with pytest.raises(ParameterError, match=r"n_boot=-1: use 0 \(no interval\) or a positive"):
        check_bootstrap(-1, 0.95)
    with pytest.raises(ParameterError, match="n_boot=0: use a positive"):
        check_bootstrap(0, 0.95, allow_zero=False)
    with pytest.raises(ParameterError, match="ci=1.5: the interval's coverage"):
        check_bootstrap(10, 1.5)


def test_percentile_interval_ignores_undefined_replicates() -> None:
    reps = np.array([[1.0, np.nan], [2.0, np.nan], [3.0, np.nan]])
    lo, hi = percentile_interval(reps, 0.5)
    assert lo[0] == pytest.approx(1.5) and hi[0] == pytest.approx(2.5)
    assert np.isnan(lo[1]) and np.isnan(hi[1])


def test_sample_view_shows_every_row_up_to_the_switch_then_a_seeded_sample_per_group() -> None:
    import pandas as pd
    from framelab.stats import sample_view

    frame = pd.DataFrame({"outlet": ["A"] * 30 + ["B"] * 4, "line": range(34)})
    assert sample_view(frame, by="outlet", n_documents=50, per_document_max=50) is frame
    shown = sample_view(frame, by="outlet", n_documents=51, per_document_max=50, n=10, seed=3)
    assert shown.groupby("outlet").size().to_dict() == {"A": 10, "B": 4}
    assert shown["line"].is_monotonic_increasing  # table order kept
    assert "14 of 34 rows" in shown.attrs["note"] and "seed 3" in shown.attrs["note"]
    again = sample_view(frame, by="outlet", n_documents=51, per_document_max=50, n=10, seed=3)
    pd.testing.assert_frame_equal(shown, again)
    other = sample_view(frame, by="outlet", n_documents=51, per_document_max=50, n=10, seed=4)
    assert set(other["line"]) != set(shown["line"])
    # a group's sample does not depend on the other groups
    alone = sample_view(frame[frame.outlet == "A"], by="outlet", n_documents=51,
                        per_document_max=50, n=10, seed=3)
    assert list(alone["line"]) == list(shown.loc[shown.outlet == "A", "line"])
    with pytest.raises(ParameterError, match="by='source' is not a column"):
        sample_view(frame, by="source", n_documents=51, per_document_max=50)


@pytest.mark.parametrize("shape", [(200, 300), (7, 40), (1, 5), (50, 0)])
def test_percentile_interval_equals_nanquantile_column_by_column(shape) -> None:
    rng = np.random.default_rng(sum(shape))
    reps = rng.normal(size=shape) * rng.random(shape[1]) * 10
    reps[:, ::5] = np.round(reps[:, ::5])  # ties
    if shape[0] > 2 and shape[1] > 10:
        reps[rng.random(shape) < 0.02] = np.nan   # some columns with undefined replicates
        reps[:, 3] = np.nan                       # and one with none defined
        reps[0, 4] = np.inf
    for ci in (0.95, 0.5):
        lo, hi = percentile_interval(reps, ci)
        for j in range(shape[1]):
            column = reps[:, j]
            want = (np.nanquantile(column, [(1 - ci) / 2, (1 + ci) / 2])
                    if (~np.isnan(column)).any() else [np.nan, np.nan])
            np.testing.assert_array_equal([lo[j], hi[j]], want)
