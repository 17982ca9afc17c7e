"""The corpus overview's size switch: per-document views up to per_document_max, group
summaries above it (issue 14)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from framelab import corpus as fc
from framelab.errors import ParameterError


def _described(n_per_group: dict[str, int]) -> pd.DataFrame:
    rows = []
    for outlet, n in n_per_group.items():
        for i in range(n):
            rows.append({"doc_id": f"{outlet or 'x'}-{i}", "outlet": outlet, "date": "",
                         "n_chars": 100, "n_sentences": 3, "n_body_sentences": 2,
                         "n_tokens": 10 * (i + 1)})
    return pd.DataFrame(rows)


def test_per_document_threshold_is_inclusive():
    assert fc.per_document(50, 50)
    assert not fc.per_document(51, 50)


def test_view_groups_pools_documents_without_outlet():
    described = _described({"A": 2, "": 3})
    assert fc.view_groups(described).tolist() == ["A", "A"] + [fc.NO_GROUP] * 3
    # group_key would make each document without an outlet its own group
    assert fc.group_key(described).nunique() == 4


def test_describe_groups_quartiles_are_the_planted_ones():
    # outlet A: lengths 10, 20, ..., 50 -> median 30, q25 20, q75 40, max 50
    described = _described({"A": 5, "B": 1, "": 2})
    table = fc.describe_groups(described)
    assert table["group"].tolist() == sorted(["A", "B", fc.NO_GROUP])
    a = table.set_index("group").loc["A"]
    assert (a.n_documents, a.tokens_median, a.tokens_q25, a.tokens_q75, a.tokens_max) == \
        (5, 30, 20, 40, 50)
    assert table["n_documents"].sum() == len(described)


def test_documents_view_switches_above_the_threshold():
    described = _described({"A": 3, "B": 2})
    assert fc.documents_view(described, per_document_max=5) is described
    grouped = fc.documents_view(described, per_document_max=4)
    assert grouped["group"].tolist() == ["A", "B"]
    assert fc.view_rows(described, per_document_max=5) == 5
    assert fc.view_rows(described, per_document_max=4) == 2


def test_segments_view_means_per_outlet():
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "X", ""]})
    counts = pd.DataFrame({"doc_id": ["a", "b", "c"]})
    for kind in fc.SEGMENT_TYPES:
        counts[kind] = 0
    counts["body"] = [4, 8, 1]
    counts["byline"] = [1, 0, 0]
    counts["excluded"] = [1, 0, 0]
    assert fc.segments_view(counts, documents, per_document_max=3) is counts
    view = fc.segments_view(counts, documents, per_document_max=2).set_index("group")
    assert view.loc["X", "n_documents"] == 2
    assert view.loc["X", "body_mean"] == 6
    assert view.loc["X", "byline_mean"] == 0.5
    assert view.loc[fc.NO_GROUP, "body_mean"] == 1


def test_plots_draw_a_row_per_group_above_the_threshold():
    described = _described({"A": 30, "B": 40})
    groups = fc.group_key(described)
    colors = {"A": "#000000", "B": "#ffffff"}
    fig, ax = plt.subplots()
    fc.plot_lengths(described, ax, colors=colors, group=groups, per_document_max=50)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["B (n=40)", "A (n=30)"]
    plt.close(fig)
    fig, ax = plt.subplots()
    fc.plot_lengths(described, ax, colors=colors, group=groups, per_document_max=100)
    assert len(ax.patches) == len(described)  # a bar per document
    plt.close(fig)
    counts = pd.DataFrame({"doc_id": described["doc_id"]})
    for kind in fc.SEGMENT_TYPES:
        counts[kind] = 1
    fig, ax = plt.subplots()
    with pytest.raises(ParameterError, match="per_document_max=50 needs groups="):
        fc.plot_segments(counts, ax, per_document_max=50)
    fc.plot_segments(counts, ax, groups=described.set_index("doc_id").outlet,
                     per_document_max=50)
    assert len(ax.patches) == 2 * len(fc.SEGMENT_TYPES)  # a stacked bar per group
    assert np.isclose(ax.patches[0].get_width(), 1.0)
    plt.close(fig)


def test_describe_documents_takes_token_counts_counted_elsewhere():
    from framelab.tokens import Analyzer, TextTotals

    documents, sentences = fc.load_run_corpus("seeds")
    want = fc.describe_documents(documents, sentences)
    analyzer = Analyzer()
    # the tokens of every sentence: describe_documents must use the analysed ones only
    n_tokens = np.array([len(analyzer.words(t)) for t in sentences["text_norm"]])
    got = fc.describe_documents(documents, sentences, n_tokens=n_tokens)
    pd.testing.assert_frame_equal(got, want)
    assert (want["n_tokens"] > 0).all()
    _, lengths = TextTotals.counted(sentences["text_norm"].tolist())
    assert lengths.tolist() == n_tokens.tolist()
    with pytest.raises(ParameterError, match="n_tokens has 3 values"):
        fc.describe_documents(documents, sentences, n_tokens=n_tokens[:3])


def test_segment_counts_is_the_crosstab_of_documents_and_segments():
    from framelab.corpus import SEGMENT_TYPES

    _, sentences = fc.load_run_corpus("seeds")
    for rows in (sentences, sentences.iloc[:0], sentences[sentences["segment"] == "body"],
                 sentences.iloc[::7]):
        want = pd.crosstab(rows["doc_id"], rows["segment"]) \
            .reindex(columns=list(SEGMENT_TYPES), fill_value=0)
        want["excluded"] = want.drop(columns=["body", "headline"]).sum(axis=1)
        want = want.reset_index().rename_axis(columns=None)
        pd.testing.assert_frame_equal(fc.segment_counts(rows), want)
