"""Frames per group with bootstrap intervals (issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from framelab import framing
from framelab.corpus import NO_GROUP


def _frames() -> pd.DataFrame:
    rows = []
    rng = np.random.default_rng(3)
    for outlet, level in (("A", 2.0), ("B", 8.0), ("", 5.0)):
        for d in range(60):
            for frame, factor in (("conflict", 1.0), ("economic", 0.25)):
                rows.append((f"{outlet or 'n'}{d}", outlet, frame,
                             level * factor + rng.normal(0, 0.5)))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "frame", "rate_per_1000"])


def test_frame_summary_means_and_intervals_hold_the_planted_levels():
    table = _frames()
    summary = framing.frame_summary(table, n_boot=300, seed=0)
    assert list(summary.columns) == framing.FRAME_SUMMARY_COLUMNS
    assert summary["group"].unique().tolist() == [NO_GROUP, "A", "B"]
    got = summary.set_index(["group", "frame"])
    for group, level in (("A", 2.0), ("B", 8.0), (NO_GROUP, 5.0)):
        row = got.loc[(group, "conflict")]
        assert row.n_documents == 60
        expected = table[(table.outlet == ("" if group == NO_GROUP else group))
                         & (table.frame == "conflict")].rate_per_1000.mean()
        assert np.isclose(row.mean_rate_per_1000, expected)
        assert row.ci_low < level < row.ci_high
        assert row.ci_high - row.ci_low < 0.6  # 60 documents with sd 0.5
    # seeded: the same call gives the same intervals
    pd.testing.assert_frame_equal(summary, framing.frame_summary(table, n_boot=300, seed=0))


def test_frames_view_switches_at_per_document_max():
    table = _frames()
    summary = framing.frame_summary(table, n_boot=0)
    assert summary["ci_low"].isna().all()
    assert framing.frames_view(table, summary, per_document_max=180) is table
    assert framing.frames_view(table, summary, per_document_max=179) is summary


def test_frame_summary_is_the_same_from_the_compact_rates_in_any_row_order():
    table = _frames()
    table.loc[3, "rate_per_1000"] = np.nan  # a document without tokens counts as 0
    want = framing.frame_summary(table, n_boot=200, seed=4)
    # the pivot the summary stands for: a row per group and document, a column per frame
    wide = table.assign(group=table["outlet"].replace("", NO_GROUP)).pivot_table(
        index=["group", "doc_id"], columns="frame", values="rate_per_1000", aggfunc="sum",
        fill_value=0.0)
    means = wide.groupby(level="group").mean().stack().rename("mean").reset_index()
    pd.testing.assert_series_equal(
        want.set_index(["group", "frame"])["mean_rate_per_1000"],
        means.set_index(["group", "frame"])["mean"], check_names=False)
    compact = framing.frame_rates(table.assign(count=1, n_tokens=10, share=0.5, evidence="x"))
    assert list(compact.columns) == framing.FRAME_RATE_COLUMNS
    assert isinstance(compact["outlet"].dtype, pd.CategoricalDtype)
    shuffled = compact.iloc[np.random.default_rng(0).permutation(len(compact))]
    got = framing.frame_summary(shuffled, n_boot=200, seed=4)
    key = ["group", "frame"]
    pd.testing.assert_frame_equal(got.sort_values(key, ignore_index=True),
                                  want.sort_values(key, ignore_index=True))


def test_frames_view_counts_the_documents_a_sample_stands_for():
    table = _frames()
    summary = framing.frame_summary(table, n_boot=0)
    sample = table.head(10)  # five documents of a table of 180
    assert framing.frames_view(sample, summary, per_document_max=179) is sample
    assert framing.frames_view(sample, summary, per_document_max=179, n_documents=180) \
        is summary
