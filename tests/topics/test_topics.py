"""framelab.topics: planted topics, consensus, NPMI against gensim, bad input."""

from __future__ import annotations

import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from framelab import corpus as fc
from framelab import topics
from framelab.errors import ColumnError, ParameterError
from framelab.paths import SEEDS_DIR
from framelab.topics import choose_k, match_topics, npmi, npmi_from_dtm

BLOCKS = {
    "war": ["tank", "artillery", "brigade", "missile", "soldier", "trench", "convoy", "sniper"],
    "farm": ["wheat", "harvest", "farmer", "tractor", "irrigation", "barley", "orchard", "cattle"],
    "health": ["vaccine", "clinic", "nurse", "hospital", "surgeon", "patient", "ward", "pharmacy"],
}
SEEDS = (0, 1, 2)
#: NPMI agreement with gensim's CoherenceModel(coherence="c_npmi"): same formula and epsilon,
#: so only floating-point rounding may differ.
GENSIM_TOLERANCE = 1e-9


def planted_units(n_units: int = 90, length: int = 20, seed: int = 0) -> pd.DataFrame:
    """Units each drawn from one block of 8 words; "war" and "farm" units from outlet North,
    "health" units from outlet South."""
    rng = np.random.default_rng(seed)
    names = list(BLOCKS)
    rows = []
    for i in range(n_units):
        block = names[i % 3]
        text = " ".join(rng.choice(BLOCKS[block], size=length))
        rows.append((f"u{i:03d}", f"d{i:03d}", "South" if block == "health" else "North", text))
    return pd.DataFrame(rows, columns=["unit_id", "doc_id", "outlet", "text_norm"])


@pytest.fixture(scope="module")
def planted():
    units, dtm = topics.topic_dtm(planted_units(), min_df=1, max_df=1.0)
    model = topics.TopicModel(k_grid=(2, 3, 4, 5), seeds=SEEDS, top_n=8, progress=False)
    model.fit(dtm.X, vocabulary=dtm.vocabulary)
    theta = model.transform(dtm.X)
    return units, dtm, model, theta


@pytest.fixture(scope="module")
def seed_units():
    _, sentences = fc.load_run_corpus(SEEDS_DIR)
    body = fc.body(sentences)
    return topics.topic_dtm(fc.units(body, topics.resolve_unit(body, "auto")))


# --- planted answer ------------------------------------------------------------------------

def test_planted_topics_are_recovered_with_their_words_and_are_stable(planted) -> None:
    _, _, model, _ = planted
    assert model.n_topics_ == 3
    terms = topics.topic_terms(model, relevance_lambda=1.0, n_terms=8)
    found = {frozenset(g["term"]) for _, g in terms.groupby("topic")}
    assert found == {frozenset(words) for words in BLOCKS.values()}
    assert (model.stability_["stability"] > 0.9).all()
    assert (model.stability_["n_runs"] == 10).all()  # the grid's 3 seeds, 7 more at k = 3
    assert (model.stability_["matched_runs"] == 10).all()
    assert model.unstable_topics_ == []
    assert list(model.stability_.columns) == topics.STABILITY_COLUMNS
    assert not model.stability_["unstable"].any()


def test_planted_prevalence_by_outlet_and_passages(planted) -> None:
    units, _, model, theta = planted
    weights = topics.doc_topics(units, theta)
    assert list(weights.columns) == topics.DOC_TOPIC_COLUMNS
    assert len(weights) == len(units) * model.n_topics_
    np.testing.assert_allclose(weights.groupby("unit_id")["weight"].sum(), 1.0)
    terms = topics.topic_terms(model, relevance_lambda=1.0, n_terms=1)
    health = int(terms.loc[terms["term"].isin(BLOCKS["health"]), "topic"].iloc[0])
    prev = topics.topic_prevalence(weights, n_boot=200, seed=0)
    assert list(prev.columns) == topics.PREVALENCE_COLUMNS
    south = prev[(prev.group == "South") & (prev.topic == health)].iloc[0]
    north = prev[(prev.group == "North") & (prev.topic == health)].iloc[0]
    assert south["mean"] > 0.9 and north["ci_high"] < 0.1 < south["ci_low"]
    assert south["n_units"] == 30 and north["n_units"] == 60
    assert (prev["ci_low"] <= prev["mean"]).all() and (prev["mean"] <= prev["ci_high"]).all()
    passages = topics.representative_passages(units, theta, n_passages=3)
    assert set(passages.loc[passages.topic == health, "outlet"]) == {"South"}


def test_relevance_ranks_by_weight_at_lambda_one_and_by_lift_below(planted) -> None:
    _, _, model, _ = planted
    at_one = topics.topic_terms(model, relevance_lambda=1.0, n_terms=5)
    for _, group in at_one.groupby("topic"):
        assert group["weight"].is_monotonic_decreasing
        assert group["relevance"].is_monotonic_decreasing
    at_six = topics.topic_terms(model, relevance_lambda=0.6, n_terms=5)
    assert list(at_six.columns) == topics.TERM_COLUMNS
    assert (at_six["lambda"] == 0.6).all()
    assert at_six.groupby("topic")["relevance"].apply(lambda r: r.is_monotonic_decreasing).all()


def test_npmi_of_a_planted_topic_beats_random_words(planted) -> None:
    units, _, _, _ = planted
    texts = topics.unit_tokens(units)
    rng = np.random.default_rng(1)
    pool = sorted(w for words in BLOCKS.values() for w in words)
    random_topic = [str(w) for w in rng.choice(pool, size=8, replace=False)]
    for window in (None, 5):
        good, mixed = npmi([BLOCKS["war"], random_topic], texts, window=window)
        assert good > 0.3 and mixed < 0 < good


def test_npmi_from_dtm_equals_npmi_on_tokens(seed_units) -> None:
    units, dtm = seed_units
    ids = np.arange(40).reshape(4, 10) * 5 % dtm.X.shape[1]
    expected = npmi([list(dtm.vocabulary[row]) for row in ids],
                    [[w for w in toks if w in set(dtm.vocabulary)]
                     for toks in topics.unit_tokens(units)])
    np.testing.assert_allclose(npmi_from_dtm(ids, dtm.X), expected, atol=1e-12)


def test_sliding_window_counts_a_word_in_every_window_that_contains_it() -> None:
    # windows of 3 over "a a b c": [a a b] and [a b c]; "a" is in both, so it always
    # co-occurs with "b" and NPMI(a, b) = log(1/(1*1)) / -log(1) -> defined by epsilon = -1...
    # use a pair that is informative instead: a occurs in 2/2 windows, c in 1/2, together 1/2.
    value = npmi([["a", "c"]], [["a", "a", "b", "c"]], window=3)[0]
    p_ac, p_a, p_c = 0.5, 1.0, 0.5
    expected = np.log((p_ac + 1e-12) / (p_a * p_c)) / -np.log(p_ac + 1e-12)
    assert value == pytest.approx(expected, abs=1e-12)


# --- agreement with gensim -----------------------------------------------------------------

def _gensim_npmi(topic_words, texts, window_size):
    pytest.importorskip("gensim")
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    model = CoherenceModel(topics=topic_words, texts=texts, dictionary=Dictionary(texts),
                           coherence="c_npmi", window_size=window_size, processes=1,
                           topn=max(len(t) for t in topic_words))
    return np.array(model.get_coherence_per_topic())


def test_npmi_agrees_with_gensim_c_npmi(seed_units) -> None:
    pytest.importorskip("gensim")
    units, dtm = seed_units
    model = topics.TopicModel(n_topics=4, k_grid="4", seeds="0", progress=False)
    model.fit(dtm.X, vocabulary=dtm.vocabulary)
    top = topics.topic_terms(model, relevance_lambda=1.0, n_terms=10)
    topic_words = [list(g["term"]) for _, g in top.groupby("topic")]
    rng = np.random.default_rng(0)
    topic_words += [list(rng.choice(dtm.vocabulary, size=10, replace=False)) for _ in range(3)]
    texts = topics.unit_tokens(units)
    longest = max(len(t) for t in texts)
    # whole unit as window (framelab's default) = gensim with a window longer than any unit
    np.testing.assert_allclose(npmi(topic_words, texts), _gensim_npmi(topic_words, texts, longest),
                               atol=GENSIM_TOLERANCE)
    np.testing.assert_allclose(model.npmi_, _gensim_npmi(topic_words[:4], texts, longest),
                               atol=GENSIM_TOLERANCE)
    # sliding windows of 10 tokens (gensim's c_npmi default). gensim drops a word from its
    # window when an earlier occurrence slides out even if the word recurs inside the window,
    # so the counts agree exactly on texts in which no word repeats (see docs/topics.md).
    distinct = [list(dict.fromkeys(t)) for t in texts]
    np.testing.assert_allclose(npmi(topic_words, distinct, window=10),
                               _gensim_npmi(topic_words, distinct, 10), atol=GENSIM_TOLERANCE)


# --- k selection, reproducibility, scale options --------------------------------------------

def test_choose_k_prefers_lower_perplexity_among_equally_coherent_k() -> None:
    table = pd.DataFrame({"k": [3, 3, 4, 4, 5, 5], "seed": [0, 1] * 3,
                          "perplexity": [90, 92, 80, 82, 70, 72],
                          "npmi": [0.20, 0.22, 0.205, 0.215, 0.05, 0.06]})
    assert choose_k(table) == 4
    assert choose_k(table.assign(npmi=[0.30, 0.30, 0.1, 0.1, 0.1, 0.1])) == 3


def test_same_parameters_give_the_same_numbers(seed_units) -> None:
    units, dtm = seed_units
    runs = []
    for _ in range(2):
        model = topics.TopicModel(k_grid="3,4", seeds="0,1", progress=False)
        model.fit(dtm.X, vocabulary=dtm.vocabulary)
        weights = topics.doc_topics(units, model.transform(dtm.X))
        runs.append((model.k_selection_, model.stability_, weights,
                     topics.topic_prevalence(weights, n_boot=100, seed=3)))
    for first, second in zip(*runs):
        pd.testing.assert_frame_equal(first, second)
    assert list(runs[0][0].columns) == topics.K_SELECTION_COLUMNS


def test_online_minibatches_on_a_sample_still_transform_every_unit(planted) -> None:
    _, dtm, _, _ = planted
    model = topics.TopicModel(n_topics=3, k_grid="3", seeds="0", top_n=8, fit_sample=0.5,
                              learning_method="online", batch_size=16, chunk_size=7,
                              progress=False).fit(dtm.X, vocabulary=dtm.vocabulary)
    info = model.fit_info_
    assert info["learning_method"] == "online" and info["sampled"]
    assert info["n_fit_units"] == 45 and info["n_units"] == 90
    theta = model.transform(dtm.X)
    assert theta.shape == (90, 3)
    np.testing.assert_allclose(theta.sum(axis=1), 1.0)


def test_grid_passes_score_the_grid_early_and_finish_the_runs_at_k_exactly(planted) -> None:
    # the runs at the chosen k are continued with partial_fit: they must be the very runs
    # fitted with all their passes at once, so the reported topics do not change
    _, dtm, _, _ = planted
    common = {"n_topics": 3, "k_grid": "2,3", "seeds": "0,1", "n_seed_runs": 3, "top_n": 8,
              "learning_method": "online", "batch_size": 16, "max_iter": 3, "progress": False}
    whole = topics.TopicModel(**common).fit(dtm.X, vocabulary=dtm.vocabulary)
    early = topics.TopicModel(**common, grid_passes=1).fit(dtm.X, vocabulary=dtm.vocabulary)
    assert whole.fit_info_["grid_passes"] == 3 and early.fit_info_["grid_passes"] == 1
    np.testing.assert_array_equal(early.components_, whole.components_)
    pd.testing.assert_frame_equal(early.stability_, whole.stability_)
    np.testing.assert_array_equal(early.transform(dtm.X), whole.transform(dtm.X))
    # the grid itself was scored after one pass, so its perplexities are not the 3-pass ones
    assert not np.allclose(early.k_selection_["perplexity"], whole.k_selection_["perplexity"])


def test_grid_passes_leave_batch_fits_whole_and_fit_doc_iter_spares_transform(planted) -> None:
    _, dtm, _, _ = planted
    model = topics.TopicModel(n_topics=3, k_grid="3", seeds="0", top_n=8, grid_passes=1,
                              fit_doc_iter=5, learning_method="batch", max_iter=4,
                              progress=False).fit(dtm.X, vocabulary=dtm.vocabulary)
    assert model.fit_info_["grid_passes"] == 4  # batch fits cannot be continued
    # the E-step cap is for fitting only: every unit's proportions are inferred in full
    assert model.model_.max_doc_update_iter == 100


def test_k_grid_on_a_seeded_sample_then_the_final_model_on_every_unit(planted) -> None:
    _, dtm, full, _ = planted
    runs = [topics.TopicModel(k_grid=(2, 3, 4), seeds="0,1", top_n=8, select_sample=45,
                              progress=False).fit(dtm.X, vocabulary=dtm.vocabulary)
            for _ in range(2)]
    info = runs[0].fit_info_
    assert info["n_select_units"] == 45 and info["n_fit_units"] == 90
    assert info["n_train_units"] + info["n_test_units"] == 45
    assert set(runs[0].k_selection_["k"]) == {2, 3, 4}
    pd.testing.assert_frame_equal(runs[0].k_selection_, runs[1].k_selection_)
    assert runs[0].transform(dtm.X).shape == (90, runs[0].n_topics_)
    # a sample at least as large as the corpus is the whole corpus: the grid is unchanged
    assert full.fit_info_["n_select_units"] == 90
    with pytest.raises(ParameterError, match=r"select_sample=0"):
        topics.TopicModel(select_sample=0, progress=False).fit(dtm.X)


def test_resolve_unit_auto_rule() -> None:
    few = pd.DataFrame({"doc_id": [f"d{i}" for i in range(5)]})
    many = pd.DataFrame({"doc_id": [f"d{i}" for i in range(topics.AUTO_MIN_DOCUMENTS)]})
    assert topics.resolve_unit(few, "auto") == "paragraph"
    assert topics.resolve_unit(many, "auto") == "document"
    assert topics.resolve_unit(few, "3") == 3 and topics.resolve_unit(few, "document") == "document"


def test_matching_pairs_permuted_topics() -> None:
    rng = np.random.default_rng(0)
    a = rng.dirichlet(np.full(30, 0.1), size=4)
    match, sim = match_topics(a, a[[2, 0, 3, 1]], metric="cosine")
    assert list(match) == [1, 3, 0, 2]
    np.testing.assert_allclose(sim, 1.0)


# --- bad input -----------------------------------------------------------------------------

def test_more_topics_than_units_is_refused() -> None:
    _, dtm = topics.topic_dtm(planted_units(n_units=8), min_df=1, max_df=1.0)
    with pytest.raises(ParameterError, match=r"k=10 topics is more than the 8 units available"):
        topics.TopicModel(n_topics=10, k_grid="2", progress=False).fit(dtm.X)


def test_grid_too_large_for_the_corpus_is_refused() -> None:
    _, dtm = topics.topic_dtm(planted_units(n_units=30), min_df=1, max_df=1.0)
    with pytest.raises(ParameterError, match=r"grid is too large for the corpus: k=8 needs 40 "
                                             r"training units .* 24 of 30 units .*k <= 4"):
        topics.TopicModel(k_grid="2,3,8", progress=False).fit(dtm.X)


def test_empty_vocabulary_says_how_many_terms_and_units_survive() -> None:
    units = planted_units(n_units=12)
    with pytest.raises(ParameterError, match=r"leave 0 of 24 terms, so 0 of 12 units \(from 12 "
                                             r"documents\) keep a term. Lower min_df"):
        topics.topic_dtm(units, min_df=20)
    # the same message when the counts come in parts (framelab.run.topic_dtm)
    from framelab.tokens import TermCountParts, count_terms

    texts = units["text_norm"].tolist()
    counts = TermCountParts.of(count_terms(texts[:5]))
    counts += TermCountParts.of(count_terms(texts[5:]))
    with pytest.raises(ParameterError, match=r"leave 0 of 24 terms, so 0 of 12 units"):
        topics.topic_dtm(units.drop(columns="text_norm"), counts=counts, min_df=20)
    assert counts.n_rows == 12  # left as it was
    got_units, got = topics.topic_dtm(units.drop(columns="text_norm"), counts=counts)
    want_units, want = topics.topic_dtm(units)
    assert got.vocabulary.tolist() == want.vocabulary.tolist() and (got.X != want.X).nnz == 0
    assert got_units["unit_id"].tolist() == want_units["unit_id"].tolist()


@pytest.mark.parametrize(("params", "message"), [
    ({"n_topics": "many"}, r"n_topics='many': use a whole number"),
    ({"k_grid": "1,3"}, r"LDA needs k >= 2"),
    ({"k_grid": "three"}, r"k_grid=.*give whole numbers"),
    ({"learning_method": "gibbs"}, r"learning_method='gibbs'"),
    ({"coherence_window": 10}, r"coherence_window=10 needs fit\(..., texts="),
    ({"coherence_window": 1}, r"coherence_window=1: use None"),
    ({"fit_sample": 1.5}, r"fit_sample=1.5"),
    ({"learning_method": "online", "grid_passes": 0}, r"grid_passes=0: use a number of online"),
    ({"fit_doc_iter": 0}, r"fit_doc_iter=0: use a whole number of E-step iterations"),
    ({"top_n": 50}, r"only 24 terms survive pruning .* top_n=50"),
])
def test_bad_parameters_name_what_to_change(params, message) -> None:
    _, dtm = topics.topic_dtm(planted_units(n_units=30), min_df=1, max_df=1.0)
    with pytest.raises(ParameterError, match=message):
        topics.TopicModel(**{"k_grid": "2,3", "progress": False, **params}).fit(dtm.X)


def test_prevalence_intervals_resample_documents_not_their_units() -> None:
    # 6 documents of 40 sentences; a document's sentences share its topic mix. Resampling
    # sentences as if independent would give an interval about sqrt(40) times too narrow;
    # resampling documents must give the same interval as one unit per document.
    share = np.array([0.1, 0.3, 0.4, 0.5, 0.7, 0.9])
    doc = np.repeat([f"d{i}" for i in range(6)], 40)
    theta = np.column_stack([np.repeat(share, 40), 1 - np.repeat(share, 40)])
    units = pd.DataFrame({"unit_id": [f"{d}:{i}" for i, d in enumerate(doc)], "doc_id": doc,
                          "outlet": "A"})
    clustered = topics.topic_prevalence(topics.doc_topics(units, theta), n_boot=2000)
    one_per_doc = topics.topic_prevalence(
        topics.doc_topics(units.assign(unit_id=units.doc_id).drop_duplicates("doc_id"),
                          np.column_stack([share, 1 - share])), n_boot=2000)
    as_if_independent = topics.topic_prevalence(
        topics.doc_topics(units.assign(doc_id=units.unit_id), theta), n_boot=2000)
    width = {name: float((t.ci_high - t.ci_low).iloc[0]) for name, t in
             [("clustered", clustered), ("one", one_per_doc), ("units", as_if_independent)]}
    np.testing.assert_allclose(clustered["mean"], one_per_doc["mean"])
    assert abs(width["clustered"] - width["one"]) < 0.15 * width["one"]
    assert width["clustered"] > 3 * width["units"]
    assert clustered[["n_units", "n_docs", "ci_unit"]].iloc[0].tolist() == [240, 6, "documents"]
    # a group of one document has nothing to resample: "auto" then draws units (as
    # label_rates does) and says so; forcing documents gives no interval (NaN), as label_rates
    # and stance do for a single cluster (framelab.stats.ratio_interval)
    one_doc = units[units.doc_id == "d0"].assign(doc_id="d0")
    mixed = np.column_stack([np.linspace(0.1, 0.9, 40), 1 - np.linspace(0.1, 0.9, 40)])
    weights = topics.doc_topics(one_doc, mixed)
    auto = topics.topic_prevalence(weights, n_boot=500)
    assert set(auto.ci_unit) == {"units"} and (auto.ci_high > auto.ci_low).all()
    forced = topics.topic_prevalence(weights, n_boot=500, unit="documents")
    assert forced.ci_low.isna().all() and forced.ci_high.isna().all()
    with pytest.raises(ParameterError, match="unit='sentences'; use 'auto', 'documents'"):
        topics.topic_prevalence(weights, unit="sentences")


def test_prevalence_by_a_document_column_and_unknown_group_by(planted) -> None:
    units, _, _, theta = planted
    weights = topics.doc_topics(units, theta)
    documents = pd.DataFrame({"doc_id": units["doc_id"],
                              "region": np.where(units["outlet"] == "South", "S", "N")})
    by_region = topics.topic_prevalence(weights, group_by="region", documents=documents,
                                        n_boot=50)
    by_outlet = topics.topic_prevalence(weights, n_boot=50)
    np.testing.assert_allclose(by_region["mean"], by_outlet["mean"])
    assert set(by_region["group"]) == {"N", "S"}
    with pytest.raises(ColumnError, match=r"group_by='region' is not a column of doc_topics "
                                          r"\(pass documents=..."):
        topics.topic_prevalence(weights, group_by="region")
    with pytest.raises(ColumnError, match=r"group_by='date' .* nor of documents; available: "
                                          r"doc_id, outlet, region"):
        topics.topic_prevalence(weights, group_by="date", documents=documents)


def test_npmi_refuses_terms_absent_from_the_texts() -> None:
    with pytest.raises(ParameterError, match=r"1 topic term\(s\) never occur in texts \('zebra'\)"):
        npmi([["tank", "zebra"]], [["tank", "convoy"]])


def test_bad_relevance_lambda(planted) -> None:
    with pytest.raises(ParameterError, match=r"relevance_lambda=1.5: use a value in \[0, 1\]"):
        topics.topic_terms(planted[2], relevance_lambda=1.5)


# --- plots ---------------------------------------------------------------------------------

def test_plots_draw_on_the_given_axes(planted) -> None:
    units, _, model, theta = planted
    prev = topics.topic_prevalence(topics.doc_topics(units, theta), n_boot=50)
    terms = topics.topic_terms(model)
    fig, axes = plt.subplots(2, 3)
    calls = [
        topics.plot_k_selection(model.k_selection_, axes[0, 0], chosen_k=model.n_topics_),
        topics.plot_k_selection(model.k_selection_, axes[0, 1], metric="perplexity"),
        topics.plot_top_terms(terms, axes[0, 2], unstable=[2]),
        topics.plot_prevalence_heatmap(prev, axes[1, 0], unstable=[2]),
        topics.plot_prevalence_intervals(prev, axes[1, 1], unstable=[2]),
    ]
    assert calls == [axes[0, 0], axes[0, 1], axes[0, 2], axes[1, 0], axes[1, 1]]
    assert "T2 (unstable)" in [t.get_text() for t in axes[0, 2].get_yticklabels()]
    shown = len(axes[0, 2].texts)  # a sixth of a figure: only the ranks whose terms fit
    assert shown % model.n_topics_ == 0 and model.n_topics_ <= shown < model.n_topics_ * 8
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(30, 3))  # room for every rank
    topics.plot_top_terms(terms, ax, n_terms=8)
    assert len(ax.texts) == model.n_topics_ * 8
    plt.close(fig)


# --- the notebook --------------------------------------------------------------------------

@pytest.mark.slow
def test_topics_notebook_runs_on_the_seeds(seed_run) -> None:
    """What 02_topics wrote in the session's seeds run (tests/conftest.py)."""
    out = seed_run.run_dir
    assert (out / "notebooks" / "02_topics.ipynb").is_file()
    expected = {"topic_k_selection": ["k", "seed", "perplexity", "npmi"],
                "topic_terms": topics.TERM_COLUMNS, "topic_stability": topics.STABILITY_COLUMNS,
                "doc_topics": topics.DOC_TOPIC_COLUMNS,
                "topic_prevalence": topics.PREVALENCE_COLUMNS}
    for name, columns in expected.items():
        table = pd.read_csv(out / "tables" / f"{name}.csv")
        assert list(table.columns) == columns and len(table) > 0
    for name in ("topic_k_selection", "topic_terms", "topic_prevalence_heatmap",
                 "topic_prevalence_intervals"):
        for ext in ("pdf", "svg", "png", "txt"):
            assert (out / "figures" / f"{name}.{ext}").is_file()


# --- consensus and stability across seeds ----------------------------------------------------

def planted_runs(n_runs: int = 5, n_shared: int = 4, n_terms: int = 200, seed: int = 0):
    """Seed runs that share ``n_shared`` topics (each run a noisy copy) and each add one
    topic of their own, drawn independently: the spurious, seed-dependent topic."""
    rng = np.random.default_rng(seed)
    shared = rng.dirichlet(np.full(n_terms, 0.05), size=n_shared)
    runs = []
    for _ in range(n_runs):
        own = rng.dirichlet(np.full(n_terms, 0.05), size=1)
        topics_ = np.vstack([shared * rng.gamma(50.0, 1 / 50.0, size=shared.shape), own])
        runs.append(500.0 * topics_[rng.permutation(n_shared + 1)])  # λ: pseudo-counts
    return shared, runs


def test_consensus_keeps_the_shared_topics_and_marks_the_seed_dependent_one() -> None:
    shared, runs = planted_runs()
    agreed = topics.consensus_topics(runs, threshold=0.5)
    phi = agreed.components / agreed.components.sum(axis=1, keepdims=True)
    recurring = agreed.seed_runs >= len(runs) / 2
    assert recurring.sum() == len(shared)
    # each planted topic is one recurring consensus topic, found in every run
    cos = match_topics(shared, phi[recurring], metric="cosine")[1]
    assert (cos > 0.99).all()
    assert (agreed.seed_runs[recurring] == len(runs)).all()
    assert agreed.seed_runs[~recurring].tolist() == [1]
    table = topics.stability_table(phi, runs, seed_runs=agreed.seed_runs)
    assert list(table.columns) == topics.STABILITY_COLUMNS
    assert table.loc[~recurring, "unstable"].all() and not table.loc[~recurring, "recurs"].any()
    assert not table.loc[recurring, "unstable"].any()
    assert (table.loc[recurring, "cosine"] > 0.95).all()
    spurious_js = table.loc[~recurring, "js_similarity"].max()
    assert (table.loc[recurring, "js_similarity"] > spurious_js).all()


def planted_units_with_filler(n_units: int = 90, length: int = 20, n_filler: int = 6,
                              seed: int = 0) -> pd.DataFrame:
    """As :func:`planted_units`, but 6 of each unit's 20 tokens are drawn from 60 filler words
    shared by all units: a k above 3 can only fit a topic of noise, which seeds make differently."""
    rng = np.random.default_rng(seed)
    filler = [f"filler{i:02d}" for i in range(60)]
    names = list(BLOCKS)
    rows = []
    for i in range(n_units):
        words = [*rng.choice(BLOCKS[names[i % 3]], size=length - n_filler),
                 *rng.choice(filler, size=n_filler)]
        rows.append((f"u{i:03d}", f"d{i:03d}", "North", " ".join(words)))
    return pd.DataFrame(rows, columns=["unit_id", "doc_id", "outlet", "text_norm"])


def test_a_seed_dependent_topic_of_noise_is_marked_and_the_planted_ones_are_not() -> None:
    _, dtm = topics.topic_dtm(planted_units_with_filler(), min_df=1, max_df=1.0)
    model = topics.TopicModel(n_topics=4, k_grid="4", seeds="0,1,2,3,4", n_seed_runs=None,
                              top_n=8, progress=False).fit(dtm.X, vocabulary=dtm.vocabulary)
    table = model.stability_.set_index("topic")
    assert len(model.unstable_topics_) == 1
    spurious = model.unstable_topics_[0]
    assert not table.loc[spurious, "recurs"] and table.loc[spurious, "seed_runs"] < 5 / 2
    planted = table.drop(index=spurious)
    assert (planted["stability"] > 0.9).all() and (planted["seed_runs"] == 5).all()
    terms = topics.topic_terms(model, relevance_lambda=1.0, n_terms=8)
    found = {frozenset(g["term"]) for t, g in terms.groupby("topic") if t != spurious}
    assert found == {frozenset(words) for words in BLOCKS.values()}


def test_consensus_of_one_topic_set_is_that_set_and_the_model_transforms_with_it(planted) -> None:
    _, dtm, model, _ = planted
    runs = [model.model_.components_] * 3
    agreed = topics.consensus_topics(runs)
    np.testing.assert_allclose(agreed.components, model.model_.components_)
    assert agreed.reference == 0 and (agreed.seed_runs == 3).all()
    swapped = topics.replace_topics(model.model_, model.model_.components_[::-1])
    theta = swapped.transform(dtm.X[:10])
    np.testing.assert_allclose(theta, model.model_.transform(dtm.X[:10])[:, ::-1], atol=1e-6)


def test_js_similarity_is_one_for_equal_and_zero_for_disjoint_distributions() -> None:
    a = np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]])
    np.testing.assert_allclose(topics.js_similarity(a, a), np.eye(2), atol=1e-12)


def test_planted_block_topics_recur_in_every_seed_run(planted) -> None:
    _, _, model, _ = planted
    table = model.stability_
    assert model.fit_info_["reported"].startswith("consensus of 10 seed runs")
    assert (table["seed_runs"] == 10).all() and table["recurs"].all()
    assert (table["cosine"] > 0.95).all() and (table["js_similarity"] > 0.8).all()


def test_more_seed_runs_at_the_chosen_k_only(planted) -> None:
    _, dtm, _, _ = planted
    model = topics.TopicModel(n_topics=3, k_grid="2,3", seeds="0,1", n_seed_runs=5, top_n=8,
                              progress=False).fit(dtm.X, vocabulary=dtm.vocabulary)
    assert sorted(model.k_selection_["seed"].unique()) == [0, 1]  # the grid is not refitted
    assert (model.stability_["n_runs"] == 5).all() and (model.stability_["seed_runs"] == 5).all()


def test_refit_instead_of_consensus_still_measures_the_runs(planted) -> None:
    _, dtm, _, _ = planted
    model = topics.TopicModel(n_topics=3, k_grid="3", seeds=SEEDS, top_n=8, reported="refit",
                              n_seed_runs=None,
                              progress=False).fit(dtm.X, vocabulary=dtm.vocabulary)
    assert model.fit_info_["reported"] == "refit"
    assert (model.stability_["seed_runs"] == len(SEEDS)).all()
    assert (model.stability_["stability"] > 0.9).all()
    best = topics.TopicModel(n_topics=3, k_grid="3", seeds=SEEDS, top_n=8, reported="best",
                             n_seed_runs=None, progress=False).fit(dtm.X, vocabulary=dtm.vocabulary)
    lowest = best.k_selection_.sort_values(["perplexity", "seed"]).iloc[0]
    assert best.fit_info_["reported"].endswith(f"(seed {int(lowest['seed'])})")


@pytest.mark.parametrize(("params", "message"), [
    ({"n_seed_runs": 0}, r"n_seed_runs=0: use a number of seed runs"),
    ({"consensus_threshold": 0.0}, r"consensus_threshold=0.0: use a cosine in \(0, 1\]"),
    ({"reported": "median"}, r"reported='median'; use 'consensus'"),
])
def test_bad_consensus_parameters(params, message) -> None:
    _, dtm = topics.topic_dtm(planted_units(n_units=30), min_df=1, max_df=1.0)
    with pytest.raises(ParameterError, match=message):
        topics.TopicModel(**{"k_grid": "2,3", "progress": False, **params}).fit(dtm.X)


def test_the_recurrence_sentence_names_recurring_shifting_and_lost_topics() -> None:
    table = pd.DataFrame({"topic": [1, 2, 3, 4], "stability": [0.9, 0.4, 0.8, 0.2],
                          "seed_runs": [5, 5, 4, 1], "n_runs": 5,
                          "recurs": [True, True, True, False]})
    sentence = topics.describe_recurrence(table)
    assert sentence.startswith("3 of 4 topics recur in at least half of the 5 seed runs "
                               "(topics 1, 2 and 3)")
    assert "topic 2 recurs but with top terms that shift" in sentence
    assert "topic 4 is found in fewer runs" in sentence
    with pytest.raises(ParameterError, match=r"lacks column\(s\) seed_runs, n_runs, recurs"):
        topics.describe_recurrence(table[["topic", "stability"]])


def test_runs_of_different_shapes_are_refused() -> None:
    with pytest.raises(ParameterError, match=r"seed runs differ in shape"):
        topics.consensus_topics([np.ones((3, 5)), np.ones((4, 5))])


@pytest.mark.skipif(not os.environ.get("FRAMELAB_TOPIC_CORPUS"),
                    reason="set FRAMELAB_TOPIC_CORPUS to a labelled JSONL (scripts/eval_topics.py)")
def test_real_corpus_sections_come_back_as_recurring_topics() -> None:
    # planted answer: the corpus's sections (5 in the BBC News dataset) are its main topics
    from sklearn.metrics import normalized_mutual_info_score

    docs = fc.load_corpus(os.environ["FRAMELAB_TOPIC_CORPUS"])
    docs = docs.iloc[:300]
    n_sections = docs["section"].nunique()
    units, dtm = topics.topic_dtm(fc.units(fc.body(fc.segment(docs)), "document"), min_df=2,
                                  max_df=0.5)
    model = topics.TopicModel(n_topics=n_sections, k_grid=str(n_sections), seeds="0,1,2",
                              n_seed_runs=None, progress=False)
    model.fit(dtm.X, vocabulary=dtm.vocabulary)
    labels = docs.set_index("doc_id").loc[units["doc_id"], "section"]
    nmi = normalized_mutual_info_score(labels, model.transform(dtm.X).argmax(axis=1))
    assert nmi > 0.5
    assert model.stability_["recurs"].all()
