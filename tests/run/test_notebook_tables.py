"""The corpus overview computed part by part equals the whole-corpus functions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from framelab import corpus as fc
from framelab import tokens
from framelab.errors import ParameterError
from framelab.paths import SEEDS_DIR
from framelab.run import (
    NONBODY_COLUMNS,
    build_cache,
    corpus_overview,
    open_run_corpus,
    overview_tables,
    text_totals,
)


@pytest.fixture(scope="module")
def shuffled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed articles under ids out of alphabetical order, cached in parts of 2."""
    docs, _ = fc.load_run_corpus(SEEDS_DIR)
    folder = tmp_path_factory.mktemp("overview")
    path = folder / "articles.csv"
    pd.DataFrame({"id": ["z9", "a1", "m5", "b2", "k3"], "outlet": docs.outlet,
                  "text": docs.text}).to_csv(path, index=False)
    cache = build_cache(path, cache_dir=folder / "cache", chunk_size=2, progress=False)
    assert len(cache.parts) == 3
    return path, folder / "cache"


@pytest.mark.parametrize("batch", [0, 1])
def test_overview_tables_equal_the_whole_corpus_functions(shuffled, batch: int) -> None:
    path, cache_dir = shuffled
    with open_run_corpus(path, cache_dir=cache_dir, progress=False) as run:
        run.batch_documents = batch
        got = overview_tables(run, keyword="rebel*", kwic_window=30)
        totals = text_totals(run)
        # the notebook's one pass gives both
        at_once, at_once_totals = corpus_overview(run, keyword="rebel*", kwic_window=30)
        assert run.loaded == []  # computed from the parts
        docs, sents = run.documents, run.sentences
    analysed = fc.body(sents)
    want = {"documents": fc.describe_documents(docs, sents),
            "segments": fc.segment_counts(sents),
            "nonbody": sents.loc[~sents.segment.isin(fc.ANALYSED_SEGMENTS), NONBODY_COLUMNS],
            "kwic": tokens.kwic(analysed, "rebel*", window=30)}
    assert list(got) == list(want)
    for name, frame in want.items():
        assert len(frame), f"{name} is empty: the comparison would be vacuous"
        pd.testing.assert_frame_equal(got[name], frame.reset_index(drop=True), obj=name)
    assert list(got["segments"].doc_id) == sorted(docs.doc_id)  # as crosstab sorts
    assert totals == tokens.TextTotals.of(analysed.text_norm) == at_once_totals
    assert list(at_once) == list(want)
    for name, frame in got.items():
        pd.testing.assert_frame_equal(at_once[name], frame, obj=name)
    pd.testing.assert_frame_equal(totals.top_terms(n=20), fc.top_terms(analysed.text_norm, n=20))
    pd.testing.assert_frame_equal(totals.collocations(min_count=2),
                                  tokens.collocations(analysed.text_norm, min_count=2))


@pytest.mark.parametrize(("per_document_max", "batch"), [(50, 0), (2, 1)])
def test_written_overview_tables_are_the_whole_tables_on_disk(shuffled, tmp_path: Path,
                                                              per_document_max: int,
                                                              batch: int) -> None:
    from framelab import outputs, stats

    path, cache_dir = shuffled
    view = stats.ViewSample(by="outlet", n_documents=5, per_document_max=per_document_max, n=1)
    with open_run_corpus(path, cache_dir=cache_dir, progress=False) as run:
        run.batch_documents = batch
        whole, _ = corpus_overview(run, keyword="the", kwic_window=30)
        got, totals = corpus_overview(run, keyword="the", kwic_window=30,
                                      written={"kwic": view, "nonbody": None},
                                      out_dir=tmp_path / "run")
        with pytest.raises(ParameterError, match="unknown \\['words'\\]"):
            corpus_overview(run, keyword="the", written={"words": None}, out_dir=tmp_path)
        with pytest.raises(ParameterError, match="give out_dir"):
            corpus_overview(run, keyword="the", written={"kwic": None})
    assert totals == text_totals(run)
    for name in ("documents", "segments"):
        pd.testing.assert_frame_equal(got[name], whole[name], obj=name)
    for name in ("kwic", "nonbody"):
        assert len(whole[name]) > 2, f"{name}: too few rows for the comparison to tell"
        assert got[name].attrs["rows"] == len(whole[name])
        expected = outputs.save_table(whole[name], f"corpus_{name}", tmp_path / "whole",
                                      latex=False)
        assert (tmp_path / "run" / "tables" / f"corpus_{name}.csv").read_bytes() == \
            expected.read_bytes()
    assert got["nonbody"].empty and list(got["nonbody"].columns) == NONBODY_COLUMNS
    sample = stats.sample_view(whole["kwic"], by="outlet", n_documents=5,
                               per_document_max=per_document_max, n=1)
    assert len(sample) == (len(whole["kwic"]) if per_document_max == 50
                           else whole["kwic"].outlet.nunique())
    pd.testing.assert_frame_equal(got["kwic"].reset_index(drop=True),
                                  sample.reset_index(drop=True))


@pytest.mark.parametrize(("group_by", "unit"), [("outlet", "documents"),
                                                ("outlet", "sentences"),
                                                ("doc_id", "auto")])
def test_keyness_and_rates_without_the_texts_equal_the_whole_corpus(shuffled, group_by: str,
                                                                    unit: str) -> None:
    from framelab import framing
    from framelab.codebook import load_codebook
    from framelab.run import document_words, keyness_batches, rate_units, sentences_without_text

    cb = load_codebook()
    path, cache_dir = shuffled
    with open_run_corpus(path, cache_dir=cache_dir, progress=False) as run:
        run.batch_documents = 1
        batches = keyness_batches(run, cb, group_by=group_by)
        by_document = keyness_batches(run, cb, group_by=group_by, level="documents")
        slim = sentences_without_text(run)
        slimmer = sentences_without_text(run, columns=["doc_id", "sentence_id", "segment",
                                                       group_by, "no such column"])
        per_doc = document_words(run, columns=["outlet"])
        assert run.loaded == []
        units, drawn = rate_units(run, group_by=group_by, unit=unit)
        assert "sentences" not in run.loaded
        docs, sents = run.documents, run.sentences
    assert "text_norm" not in slim.columns and "text" not in slim.columns
    assert len(batches) == len(fc.body(sents))
    opts = {"group_by": group_by, "codebook": cb, "n_boot": 40, "unit": unit, "seed": 3,
            "min_docs_per_group": 1}
    want = framing.keyness(sents, docs, **opts)
    got = framing.keyness(None, docs, batches=batches, **opts)
    assert len(want) > 50 and want.z_ci_low.notna().any()
    pd.testing.assert_frame_equal(got, want)
    if framing.resampled_unit(slimmer, docs, group_by=group_by, unit=unit,
                              min_docs_per_group=1) == "documents":
        pd.testing.assert_frame_equal(framing.keyness(None, docs, batches=by_document, **opts),
                                      want)
    assert sorted(slimmer.columns) == sorted({"doc_id", "sentence_id", "segment", group_by,
                                              "n_words"})
    pd.testing.assert_frame_equal(slimmer, slim[slimmer.columns])
    mentions = framing.label_mentions(sents, docs, cb)
    rate_opts = {"group_by": group_by, "unit": unit, "n_boot": 40, "seed": 3}
    want = framing.label_rates(mentions, sents, docs, cb, **rate_opts)
    pd.testing.assert_frame_equal(framing.label_rates(mentions, slim, docs, cb, **rate_opts),
                                  want)
    pd.testing.assert_frame_equal(framing.label_rates(mentions, slimmer, docs, cb, **rate_opts),
                                  want)
    # one row per document when documents are drawn; the same rates either way
    assert drawn == framing.resampled_unit(slimmer, docs, group_by=group_by, unit=unit)
    assert ("sentence_id" in units.columns) == (drawn == "sentences")
    pd.testing.assert_frame_equal(framing.label_rates(mentions, units, docs, cb, **rate_opts),
                                  want)
    analysed = fc.body(sents).assign(n_words=lambda f: framing.word_counts(f))
    by_hand = analysed.groupby("doc_id", sort=False)["n_words"].agg(["size", "sum"])
    assert per_doc["doc_id"].tolist() == by_hand.index.tolist()  # corpus order
    assert per_doc["n_sentences"].tolist() == by_hand["size"].tolist()
    assert per_doc["n_words"].tolist() == by_hand["sum"].tolist()
    assert per_doc["outlet"].tolist() == \
        docs.set_index("doc_id").loc[per_doc["doc_id"], "outlet"].tolist()


@pytest.mark.parametrize("unit", ["paragraph", 2])
def test_topics_without_the_texts_give_the_same_units_and_passages(shuffled, unit) -> None:
    import numpy as np
    from framelab import topics
    from framelab.run import analysed_documents, topic_dtm, topic_passages, topic_theta

    path, cache_dir = shuffled
    with open_run_corpus(path, cache_dir=cache_dir, progress=False) as run:
        run.batch_documents = 1
        found = analysed_documents(run)
        units, dtm = topic_dtm(run, unit, keep_text=False)
        assert run.loaded == []
        with_text, want_dtm = topic_dtm(run, unit)
        model = topics.TopicModel(n_topics=3, k_grid="3", seeds="0", random_state=0).fit(
            dtm.X, vocabulary=dtm.vocabulary)
        theta = topic_theta(run, model, dtm.X)
        got = topic_passages(run, units, theta, unit=unit, n_passages=4)
        sents = run.sentences
    assert list(found.doc_id) == list(dict.fromkeys(fc.body(sents).doc_id))
    pd.testing.assert_frame_equal(units, with_text.drop(columns="text_norm"))
    assert (dtm.X != want_dtm.X).nnz == 0
    want = topics.representative_passages(with_text, theta, n_passages=4)
    assert len(want) == 12 and want.text.str.len().gt(0).all()
    pd.testing.assert_frame_equal(got, want)
    # the same with the texts at hand (nothing read)
    pd.testing.assert_frame_equal(topic_passages(run, with_text, theta, unit=unit,
                                                 n_passages=4), want)
    assert np.isfinite(theta).all()
