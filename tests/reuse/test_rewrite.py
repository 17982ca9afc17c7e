"""The rewrite layer and the relation rules: planted rewrites, shared quotes, copies, topics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from framelab import corpus, reuse
from framelab.errors import ParameterError
from framelab.reuse import _classify as classify
from framelab.reuse import _rewrite as rewrite
from scipy import sparse

# An invented report and a hand-written rewrite of it: the same facts in the same order,
# other words (no run of five identical words outside names).
SOURCE = [
    "Floodwater breached the river embankment near the town of Marlow late on Tuesday night.",
    ("About 400 households in the low-lying eastern quarter were evacuated by fire crews "
    "using boats."),
    "The regional water authority said its pumping station had failed after a power cut.",
    "Engineers expect the embankment to be repaired by the end of the week if the rain stops.",
    "Farmers upstream reported losing hundreds of sheep and most of the winter barley crop.",
    ("The mayor of Marlow asked the national government for emergency funds to rebuild "
    "the bridge."),
    "Schools across the district will remain closed until Monday as a precaution.",
    "Forecasters warned that another band of heavy rain could arrive on Saturday.",
]
REWRITE = [
    "Late on Tuesday, rising water broke through the riverbank close to Marlow.",
    "Fire brigades in boats moved roughly 400 families out of the flooded eastern district.",
    "According to the water agency of the region, a power outage knocked out its pumps.",
    ("Repairs to the bank should be finished within days, engineers think, provided the "
    "weather turns dry."),
    "Upriver, farms lost several hundred sheep and nearly all their barley planted for winter.",
    ("Marlow's mayor has requested emergency money from the national government to rebuild "
    "its bridge."),
    "As a precaution, district schools stay shut until Monday.",
    "More heavy rain may reach the area on Saturday, forecasters warned.",
]
# the same topic (a flood, the same town), other facts
SAME_TOPIC = [
    "Residents of Marlow have complained for years about the state of the river defences.",
    "A council report in 2019 found that the embankment needed urgent investment.",
    "Insurance companies say flood claims in the region have doubled in a decade.",
    "Volunteers set up a shelter in the sports hall and collected blankets and food.",
    "Local shops reopened on Thursday, although many cellars were still full of mud.",
    "Environmental groups blame the drainage of wetlands upstream for faster floods.",
]
# two unrelated reports that each quote the same sentence of the same speaker
QUOTE = ("\u201cWe will not allow anyone to profit from the suffering of families who lost "
         "everything,\u201d said Interior Minister Clara Voss.")
QUOTING_A = [
    "Police arrested three men accused of selling fake insurance policies in the port city.",
    QUOTE,
    "The suspects face fraud charges and will appear before a judge on Friday.",
]
QUOTING_B = [
    "Parliament approved a new fund for victims of the spring storms on Wednesday.",
    "Opposition members criticised the delay and the size of the payments.",
    QUOTE,
]
FILLER = [
    ["The orchestra opened its season with a programme of late romantic symphonies.",
     "Critics praised the conductor for the slow movement and the brass section.",
     "Tickets for the spring concerts go on sale next month at the box office."],
    ["A new cycling path links the university campus with the central railway station.",
     "The city council paid for most of the work from its transport budget.",
     "Commuters say the route has cut their journey time by a quarter."],
]


def _load(tmp_path: Path, texts: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for doc_id, sents in texts.items():
        (folder / f"{doc_id}.txt").write_text("\n".join(sents), encoding="utf-8")
    documents, sentences = corpus.load_run_corpus(folder)
    return documents, corpus.body(sentences)


def _pair(pairs: pd.DataFrame, a: str, b: str) -> pd.Series:
    row = pairs[((pairs["doc_a"] == a) & (pairs["doc_b"] == b))
                | ((pairs["doc_a"] == b) & (pairs["doc_b"] == a))]
    assert len(row) == 1, pairs[["doc_a", "doc_b", "relation"]]
    return row.iloc[0]


@pytest.fixture()
def flood(tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _load(tmp_path, {"source": SOURCE, "rewrite": REWRITE, "topic": SAME_TOPIC,
                            "f0": FILLER[0], "f1": FILLER[1]})


def test_hand_written_rewrite_is_a_rewrite(flood) -> None:
    documents, sentences = flood
    result = reuse.find_reuse(documents, sentences)
    pair = _pair(result.pairs, "source", "rewrite")
    assert pair["relation"] == "rewrite"
    assert pair["n_rewrite"] >= 6  # most of the eight sentences, in order
    assert pair["rewrite_coverage_a"] >= 0.75 and pair["rewrite_coverage_b"] >= 0.75
    chain = result.passages[(result.passages["layer"] == "rewrite")
                            & (result.passages["doc_a"] == pair["doc_a"])
                            & (result.passages["doc_b"] == pair["doc_b"])]
    # each aligned sentence is paired with the sentence it rewrites
    idx_a = [REWRITE.index(t) if t in REWRITE else SOURCE.index(t) for t in chain["text_a"]]
    idx_b = [REWRITE.index(t) if t in REWRITE else SOURCE.index(t) for t in chain["text_b"]]
    assert idx_a == idx_b and idx_a == sorted(idx_a)
    # the shingle layer alone does not see it: no five identical words in a row
    assert "content" in pair["channel"]


def test_same_topic_with_other_facts_is_not_a_rewrite(flood) -> None:
    documents, sentences = flood
    pairs = reuse.find_reuse(documents, sentences).pairs
    for other in ("source", "rewrite"):
        row = pairs[((pairs["doc_a"] == "topic") & (pairs["doc_b"] == other))
                    | ((pairs["doc_a"] == other) & (pairs["doc_b"] == "topic"))]
        assert row.empty or row["relation"].iloc[0] not in ("rewrite", "copy")


def test_shuffled_rewrite_loses_the_order(tmp_path: Path) -> None:
    order = [6, 7, 4, 5, 2, 3, 0, 1]  # pairs of sentences in reverse: no three in order
    documents, sentences = _load(tmp_path, {"source": SOURCE,
                                            "shuffled": [REWRITE[k] for k in order],
                                            "topic": SAME_TOPIC, "f0": FILLER[0],
                                            "f1": FILLER[1]})
    pairs = reuse.find_reuse(documents, sentences).pairs
    pair = _pair(pairs, "source", "shuffled")
    assert pair["relation"] == "same_story"
    assert pair["n_rewrite"] <= 3


def test_two_documents_quoting_one_speaker_are_shared_source(tmp_path: Path) -> None:
    documents, sentences = _load(tmp_path, {"police": QUOTING_A, "parliament": QUOTING_B,
                                            "f0": FILLER[0], "f1": FILLER[1]})
    result = reuse.find_reuse(documents, sentences)
    pair = _pair(result.pairs, "police", "parliament")
    assert pair["relation"] == "shared_source"
    assert pair["n_shared_quotes"] == 1
    assert "Clara Voss" in pair["shared_quotes"]
    assert pair["direction_reason"] == "common_source" and pair["source"] == ""


def test_copy_with_one_label_swapped_reports_the_swap(tmp_path: Path) -> None:
    from test_reuse import ORIGINAL

    copied = [s.replace("Rebel groups", "A terrorist group") for s in ORIGINAL]
    assert copied != ORIGINAL
    documents, sentences = _load(tmp_path, {"orig": ORIGINAL, "copy": copied,
                                            "f0": FILLER[0], "f1": FILLER[1]})
    result = reuse.find_reuse(documents, sentences)
    pair = _pair(result.pairs, "orig", "copy")
    assert pair["relation"] == "copy"
    swaps = result.changes[(result.changes["change"] == "label_swap")
                           & (result.changes["layer"] == "shingle")]
    assert sorted(swaps[["before", "after"]].values.tolist()[0]) == ["Rebel groups",
                                                                     "terrorist group"]
    assert "label_swap" in pair["rewrite_changes"]


def test_direction_from_dates_and_from_a_paraphrased_quote(flood) -> None:
    documents, sentences = flood
    dated = documents.assign(date=np.where(documents["doc_id"] == "rewrite", "2024-03-02",
                                           "2024-03-01"))
    pair = _pair(reuse.find_reuse(dated, sentences).pairs, "source", "rewrite")
    assert pair["direction_reason"] == "dates" and pair["source"] == "source"
    changes = pd.DataFrame({"change": ["quote_dropped"], "before": ["\u201cwe failed\u201d"],
                            "after": [""], "detail": [("80% of its words appear unquoted on "
                                                      "the other side")]})
    source, text = classify._quote_direction(changes, "x", "y")
    assert source == "x" and "quote paraphrased" in text


def test_prefix_filter_finds_every_pair_above_the_threshold() -> None:
    rng = np.random.default_rng(4)
    dense = rng.random((120, 60)) * (rng.random((120, 60)) < 0.12)
    X = sparse.csr_matrix(dense / np.maximum(np.linalg.norm(dense, axis=1), 1e-12)[:, None])
    doc_of = np.repeat(np.arange(30), 4)
    for threshold in (0.2, 0.4, 0.6):
        found = rewrite.similar_sentences(X, doc_of, threshold=threshold)
        sim = (X @ X.T).toarray()
        ii, jj = np.nonzero(np.triu(sim >= threshold, 1))
        cross = doc_of[ii] != doc_of[jj]
        assert set(zip(found["sa"], found["sb"])) == set(zip(ii[cross], jj[cross]))


def test_local_alignment_keeps_order_and_skips_gaps() -> None:
    sim = np.full((5, 6), 0.05)
    for i, j in ((0, 0), (1, 2), (2, 3), (4, 5)):
        sim[i, j] = 0.8
    sim[3, 0] = 0.9  # a strong match out of order
    chain = reuse.local_alignment(sim, threshold=0.3, gap=0.02)
    assert chain == [(0, 0), (1, 2), (2, 3), (4, 5)]
    assert reuse.local_alignment(np.zeros((3, 3)), threshold=0.3, gap=0.02) == []


def test_content_words_are_stems_with_names_whole() -> None:
    words = rewrite.ContentAnalyzer()("Hayat Tahrir al-Sham fighters were advancing on the "
                                      "cities")
    assert words == ["hayat tahrir al-sham", "fighter", "advanc", "citi"]


def test_bad_parameters_name_the_value(flood) -> None:
    documents, sentences = flood
    with pytest.raises(ParameterError, match="min_similar=0"):
        rewrite.find_rewrite_candidates(documents, sentences, min_similar=0)
    with pytest.raises(ParameterError, match="threshold=1.5"):
        rewrite.find_rewrite_candidates(documents, sentences, threshold=1.5)
    layer = rewrite.find_rewrite_candidates(documents, sentences)
    pair = pd.DataFrame({"doc_a": ["source"], "doc_b": ["rewrite"]})
    with pytest.raises(ParameterError, match="gap=-1"):
        reuse.align_rewrites(pair, sentences, layer, gap=-1)
    with pytest.raises(ParameterError, match="max_merge=0"):
        reuse.align_rewrites(pair, sentences, layer, max_merge=0)
    with pytest.raises(ParameterError, match="pass the sentence table given to"):
        reuse.align_rewrites(pair, sentences.iloc[1:], layer)


def test_network_edges_aggregate_outlets_and_keep_direction() -> None:
    from framelab.figures import new_figure
    from framelab.reuse import _view as reuse_view

    pairs = pd.DataFrame({
        "doc_a": ["a1", "a2", "a3", "b1"], "doc_b": ["b1", "b2", "a4", "c1"],
        "outlet_a": ["A", "A", "A", "B"], "outlet_b": ["B", "B", "A", ""],
        "relation": ["rewrite", "rewrite", "copy", "shared_source"],
        "source": ["b1", "", "a3", ""]})
    edges = reuse_view.network_edges(pairs)
    assert edges.values.tolist() == [["A", "B", "rewrite", 2, 0, 1],
                                     ["B", "c1", "shared_source", 1, 0, 0]]
    docs = reuse_view.network_edges(pairs, level="document")
    assert len(docs) == 4 and docs[docs["relation"] == "copy"]["n_from_a"].tolist() == [1]
    _fig, ax = new_figure()
    assert reuse_view.plot_reuse_network(pairs, ax) is ax
    with pytest.raises(ParameterError, match="level='site'"):
        reuse_view.network_edges(pairs, level="site")


def _mutual(sim: np.ndarray) -> np.ndarray:
    """Cells that are the best of their row and of their column (others 0)."""
    out = np.zeros_like(sim)
    rows = np.arange(sim.shape[0])
    best_j = sim.argmax(axis=1)
    mutual = sim.argmax(axis=0)[best_j] == rows
    out[rows[mutual], best_j[mutual]] = sim[rows[mutual], best_j[mutual]]
    return out


@pytest.mark.parametrize("seed", range(6))
def test_chains_read_off_the_sparse_table_equal_the_full_alignment(seed: int) -> None:
    """One-to-one links (max_merge=1): the chain of every pair, found from the similar
    sentences only, is the Smith-Waterman chain of the pair's full mutual-best matrix."""
    rng = np.random.default_rng(seed)
    n_docs, words = 6, 40
    sizes = rng.integers(3, 9, size=n_docs)
    doc_of = np.repeat(np.arange(n_docs), sizes)
    dense = rng.random((len(doc_of), words)) * (rng.random((len(doc_of), words)) < 0.25)
    dense[dense.sum(axis=1) == 0, 0] = 1.0
    X = sparse.csr_matrix(dense / np.linalg.norm(dense, axis=1)[:, None])
    threshold = 0.3
    ids = tuple(f"d{k}" for k in range(n_docs))
    sent = pd.DataFrame({
        "doc_id": [ids[d] for d in doc_of],
        "sentence_id": [f"{ids[d]}:{k}" for d, k in zip(doc_of, range(len(doc_of)))],
        "start": 0, "end": 1, "text": "x", "text_norm": "x"})
    similar = rewrite.similar_sentences(X, doc_of, threshold=threshold)
    layer = rewrite.RewriteLayer(pd.DataFrame(), similar, None, threshold, X, doc_of, ids)
    pairs = pd.DataFrame([(ids[a], ids[b]) for a in range(n_docs) for b in range(a + 1, n_docs)],
                         columns=["doc_a", "doc_b"])
    _, chains = reuse.align_rewrites(pairs, sent, layer, max_merge=1, gap=0.02)
    got = {(a, b): n for a, b, n in zip(chains["doc_a"], chains["doc_b"], chains["n_rewrite"])}
    compared = 0
    for a in range(n_docs):
        for b in range(a + 1, n_docs):
            sim = (X[doc_of == a] @ X[doc_of == b].T).toarray()
            want = reuse.local_alignment(_mutual(sim), threshold=threshold, gap=0.02)
            assert got.get((ids[a], ids[b]), 0) == len(want), (a, b)
            compared += bool(want)
    assert compared >= 3  # else the comparison says little


def test_a_sentence_split_in_two_is_one_merged_link(tmp_path: Path) -> None:
    """The rewrite splits the source's second sentence into two: one link joins them."""
    split = [REWRITE[0],
             "Fire brigades in boats went into the flooded eastern district.",
             "They moved roughly 400 families out of their homes.",
             *REWRITE[2:]]
    documents, sentences = _load(tmp_path, {"source": SOURCE, "split": split,
                                            "topic": SAME_TOPIC, "f0": FILLER[0],
                                            "f1": FILLER[1]})
    result = reuse.find_reuse(documents, sentences)
    pair = _pair(result.pairs, "source", "split")
    assert pair["relation"] == "rewrite"
    chain = result.passages[(result.passages["layer"] == "rewrite")
                            & (result.passages["doc_a"] == pair["doc_a"])]
    merged = chain[chain["sentence_b"].str.contains("+", regex=False)
                   | chain["sentence_a"].str.contains("+", regex=False)]
    assert len(merged) >= 1
    row = merged.iloc[0]
    source_side = row["text_a"] if row["doc_a"] == "source" else row["text_b"]
    split_side = row["text_b"] if row["doc_a"] == "source" else row["text_a"]
    assert source_side == SOURCE[1]
    assert split[1] in split_side and split[2] in split_side
    with_one_to_one = reuse.find_reuse(documents, sentences, max_merge=1)
    assert (with_one_to_one.chains["n_merged"] == 0).all()


# A second invented report, and a rewrite that keeps every fact and the order of the
# sentences but turns each sentence around (clauses swapped, attribution moved) and uses
# other words, with the numbers written differently ("1,200" / "1200", "two" / "2").
PORT = [
    "Dock workers at the port of Elsby walked out on Monday after talks on pay collapsed.",
    "The union said 1,200 members had joined the strike, which is planned to last two weeks.",
    "Container ships queued outside the harbour as cranes stood idle along the quays.",
    "The port authority warned that fuel deliveries to the region could run short by Friday.",
    "Talks are due to resume on Thursday under a mediator appointed by the labour ministry.",
    "Exporters of fruit said their losses already exceeded 3.5 million euros.",
]
PORT_REWRITE = [
    "After pay negotiations broke down, dockers in Elsby harbour stopped work on Monday.",
    "Some 1200 union members are on strike, according to the union, for a planned 2 weeks.",
    "With the cranes on the quays idle, a queue of container vessels formed off the port.",
    "By Friday the area may lack deliveries of fuel, the harbour authority cautioned.",
    "Under a mediator named by the labour ministry, negotiations should restart on Thursday.",
    "Losses of more than 3.5 million euros have already hit fruit exporters, they said.",
]
# the same port and strike, other facts
PORT_TOPIC = [
    "Elsby has been a port since the twelfth century and handles most of the region's trade.",
    "A strike in 1998 closed the harbour for a month and ended with a three-year pay deal.",
    "Automation of the container terminal has cut the number of dock jobs by a third.",
    "Local cafes near the quays say they depend on the shift workers for most of their trade.",
]


def test_rewrite_with_clauses_turned_around_and_numbers_rewritten(tmp_path: Path) -> None:
    documents, sentences = _load(tmp_path, {"port": PORT, "rewritten": PORT_REWRITE,
                                            "history": PORT_TOPIC, "f0": FILLER[0],
                                            "f1": FILLER[1]})
    result = reuse.find_reuse(documents, sentences)
    pair = _pair(result.pairs, "port", "rewritten")
    assert pair["relation"] == "rewrite"
    assert pair["n_rewrite"] >= 4
    pairs = result.pairs
    for other in ("port", "rewritten"):
        rows = pairs[((pairs["doc_a"] == other) & (pairs["doc_b"] == "history"))
                     | ((pairs["doc_a"] == "history") & (pairs["doc_b"] == other))]
        assert rows.empty or not rows["relation"].isin(["rewrite", "copy"]).any()


def test_numbers_are_one_token_however_written() -> None:
    words = rewrite.ContentAnalyzer()
    assert words("nearly 1,000 troops and 7 jets") == ["near", "n1000", "troop", "n7", "jet"]
    assert words("roughly 1000 troops") == ["rough", "n1000", "troop"]
    assert words("3.5 million in 2011.") == ["n3_5", "million", "n2011"]


def test_which_pairs_are_aligned_sentence_by_sentence_and_searched_for_quotes() -> None:
    candidates = pd.DataFrame({
        "doc_a": ["a", "a", "b", "c"], "doc_b": ["b", "c", "c", "d"],
        "channel": ["shingles", "content", "content", "shingles+content"],
        "shared_shingles": [7, 6, 5, 0]})
    # the shingle layer's pairs, and content pairs sharing enough shingles for a copied
    # run of verbatim_run=10 tokens (10 - 5 + 1 = 6 shingles)
    assert reuse.needs_shingle_alignment(candidates).tolist() == [True, True, False, True]
    assert reuse.needs_shingle_alignment(candidates, verbatim_run=12).tolist() == [
        True, False, False, True]
    # quotations: documents of pairs that share at least one shingle, in pair order
    assert reuse.quoting_documents(candidates) == ["a", "b", "c"]


def _knn_brute_force(X: sparse.csr_matrix, doc_of: np.ndarray, threshold: float,
                     k: int) -> set[tuple[int, int]]:
    """Each sentence's best match in each of its k closest other documents, from the full
    matrix (ties: the earlier sentence), as pairs (smaller row first)."""
    sim = (X @ X.T).toarray()
    kept = set()
    for i in range(len(doc_of)):
        best = []
        for d in np.unique(doc_of):
            if d == doc_of[i]:
                continue
            cols = np.flatnonzero(doc_of == d)
            j = cols[np.argmax(sim[i, cols])]  # argmax: the first of equal values
            if sim[i, j] >= threshold:
                best.append((-sim[i, j], j))
        for _, j in sorted(best)[:k]:
            kept.add((min(i, j), max(i, j)))
    return kept


@pytest.mark.parametrize("k", [1, 2, 3, 50])
def test_nearest_neighbour_search_equals_brute_force(k: int) -> None:
    rng = np.random.default_rng(11)
    dense = rng.random((150, 50)) * (rng.random((150, 50)) < 0.15)
    dense[dense.sum(axis=1) == 0, 0] = 1.0
    X = sparse.csr_matrix(dense / np.linalg.norm(dense, axis=1)[:, None])
    doc_of = np.repeat(np.arange(30), 5)
    for threshold in (0.2, 0.5):
        found = rewrite.similar_sentences(X, doc_of, threshold=threshold, neighbours=k,
                                          chunk_pairs=500)
        assert set(zip(found["sa"], found["sb"])) == _knn_brute_force(X, doc_of, threshold, k)
        assert (found["sa"] < found["sb"]).all()
        sim = (X @ X.T).toarray()
        assert np.allclose(found["cosine"], sim[found["sa"], found["sb"]])
    # a small k bounds the table: at most k kept matches per sentence
    if k < 5:
        assert len(found) <= k * len(doc_of)


def test_a_bounded_search_keeps_the_rewrite_and_drops_the_crowd() -> None:
    """One source sentence, its close rewrite, and 40 documents that each share a little of
    its wording: with neighbours=3, the rewrite is kept and the crowd cut to a few pairs."""
    rng = np.random.default_rng(2)
    words = 60
    source = np.zeros(words)
    source[:10] = 1.0
    rows, doc_of = [source, source + rng.random(words) * 0.3 * (np.arange(words) < 12)], [0, 1]
    for d in range(40):
        crowd = np.zeros(words)
        crowd[rng.choice(10, size=3, replace=False)] = 1.0
        crowd[10 + rng.choice(words - 10, size=6, replace=False)] = 1.0
        rows.append(crowd)
        doc_of.append(2 + d)
    dense = np.array(rows)
    X = sparse.csr_matrix(dense / np.linalg.norm(dense, axis=1)[:, None])
    doc_of = np.asarray(doc_of)
    every = rewrite.similar_sentences(X, doc_of, threshold=0.2)
    bounded = rewrite.similar_sentences(X, doc_of, threshold=0.2, neighbours=3)
    assert (0, 1) in set(zip(bounded["sa"], bounded["sb"]))
    assert len(every[every["sa"] == 0]) >= 30
    assert len(bounded[bounded["sa"] == 0]) < len(every[every["sa"] == 0])
    with pytest.raises(ParameterError, match="neighbours=-1"):
        rewrite.similar_sentences(X, doc_of, threshold=0.2, neighbours=-1)


def test_the_prefix_filter_counts_words_left_out_for_their_postings() -> None:
    """max_postings leaves common words out of the index; their weight still counts in the
    bounds, so no pair found through another word is dropped before its exact cosine."""
    rng = np.random.default_rng(5)
    dense = rng.random((100, 30)) * (rng.random((100, 30)) < 0.2)
    dense[:, 0] = rng.random(100) * 2 + 0.5  # a word in every sentence, heavy
    X = sparse.csr_matrix(dense / np.linalg.norm(dense, axis=1)[:, None])
    doc_of = np.repeat(np.arange(25), 4)
    found = rewrite.similar_sentences(X, doc_of, threshold=0.5, max_postings=50)
    sim = (X @ X.T).toarray()
    # every pair above the threshold that shares an indexed word besides the common one
    rare = (dense[:, 1:] > 0).astype(int)
    shares = (rare @ rare.T) > 0
    ii, jj = np.nonzero(np.triu((sim >= 0.5) & shares, 1))
    cross = doc_of[ii] != doc_of[jj]
    want = set(zip(ii[cross], jj[cross]))
    got = set(zip(found["sa"], found["sb"]))
    assert want <= got
    assert np.allclose(found["cosine"], sim[found["sa"], found["sb"]])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_content_candidates_equal_a_group_by_of_the_sentence_pairs(seed: int) -> None:
    # the sort-based counts against pandas' group-by, on pairs with repeated sentences,
    # both orientations of a document pair and ties of cosine
    rng = np.random.default_rng(seed)
    n_sent, n_docs = 60, 9
    doc_of = np.sort(rng.integers(0, n_docs, n_sent))
    sa, sb = rng.integers(0, n_sent, (2, 400))
    cross = doc_of[sa] != doc_of[sb]
    similar = pd.DataFrame({"sa": sa[cross], "sb": sb[cross],
                            "cosine": rng.choice([0.3, 0.5, 0.7, 0.9], cross.sum())})
    ids = [f"d{k}" for k in range(n_docs)]
    for min_similar in (1, 2, 4):
        got = rewrite.content_candidates(similar, doc_of, ids, min_similar=min_similar)
        da, db = doc_of[similar["sa"]], doc_of[similar["sb"]]
        swap = da > db
        frame = pd.DataFrame({"a": np.where(swap, db, da), "b": np.where(swap, da, db),
                              "sa": np.where(swap, similar["sb"], similar["sa"]),
                              "sb": np.where(swap, similar["sa"], similar["sb"]),
                              "cosine": similar["cosine"]})
        agg = frame.groupby(["a", "b"]).agg(na=("sa", "nunique"), nb=("sb", "nunique"),
                                            max_cosine=("cosine", "max")).reset_index()
        agg["n_similar"] = np.minimum(agg["na"], agg["nb"])
        agg = agg[agg["n_similar"] >= min_similar].sort_values(["a", "b"])
        want = pd.DataFrame({"doc_a": [ids[k] for k in agg["a"]],
                             "doc_b": [ids[k] for k in agg["b"]],
                             "n_similar": agg["n_similar"].to_numpy(np.int64),
                             "max_cosine": agg["max_cosine"].to_numpy(float)})
        assert len(want) > 0
        pd.testing.assert_frame_equal(got, want)
