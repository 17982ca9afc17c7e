"""framelab.stats: the one cluster bootstrap, checked for coverage on planted data."""

from __future__ import annotations

import numpy as np
import pytest
from framelab.errors import ParameterError
from framelab.stats import (
    cell_rng,
    check_bootstrap,
    percentile_interval,
    ratio_interval,
    resampled_sums,
    resolve_unit,
)
from scipy import sparse


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
