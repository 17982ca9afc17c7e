"""Text reuse: planted copies are paired, aligned and their edits reported; MinHash/LSH scales."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from framelab import corpus, reuse
from framelab import reuse as relation
from framelab.errors import ColumnError, ParameterError, ReuseWarning
from framelab.figures import new_figure
from framelab.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from framelab.reuse import _minhash as minhash
from framelab.reuse import _view as reuse_view

ORIGINAL = [
    ("Rebel groups captured the northern city of Aleppo on Friday after a rapid advance "
    "through the western countryside."),
    ("The offensive began on Wednesday from the villages west of the city and met little "
    "resistance from the army."),
    "Residents described long queues at bakeries and petrol stations as prices rose sharply.",
    ("The defence ministry said its troops had withdrawn from the city to protect civilian "
    "lives."),
    ("\u201cWe will return to every district of the city,\u201d a ministry spokesman told "
    "state television on Saturday."),
    "Aid agencies warned that hospitals were running out of fuel, medicine and clean water.",
    ("Russian aircraft struck convoys on the main highway south of the city overnight, "
    "witnesses reported."),
    ("Diplomats in Geneva called for an immediate ceasefire and for humanitarian corridors "
    "into the besieged districts."),
]
# the edited copy: sentences reordered, one label swapped, one verb changed, one quote removed
EDITED = [
    ORIGINAL[5],
    ("A ministry spokesman told state television on Saturday that the army would return to "
    "every district of the city."),
    ORIGINAL[2],
    ("A terrorist group captured the northern city of Aleppo on Friday after a rapid advance "
    "through the western countryside."),
    ORIGINAL[7],
    ("The defence ministry claimed its troops had withdrawn from the city to protect civilian "
    "lives."),
    ORIGINAL[1],
    ORIGINAL[6],
]
UNRELATED = (
    "The home side won the cup final 3-1 after extra time in front of a sold-out stadium. "
    "Their captain scored twice from free kicks and was named player of the match. The coach "
    "praised the fans, who had travelled overnight by train and bus to support the team. "
    "Ticket prices for next season will rise by five percent, the club announced on Monday."
)


def _load(tmp_path: Path, texts: dict[str, str],
          meta: dict[str, dict[str, str]] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for doc_id, text in texts.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    if meta:
        rows = [{"doc_id": d, **m} for d, m in meta.items()]
        pd.DataFrame(rows).to_csv(folder / "metadata.csv", index=False)
    documents, sentences = corpus.load_run_corpus(folder)
    return documents, corpus.body(sentences)


@pytest.fixture()
def planted(tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return _load(tmp_path, {"orig": "\n".join(ORIGINAL), "copy": "\n".join(EDITED),
                            "other": UNRELATED},
                 meta={"orig": {"outlet": "Wire", "date": ""},
                       "copy": {"outlet": "Aggregator", "date": ""},
                       "other": {"outlet": "Sport", "date": ""}})


def test_output_contract_columns() -> None:
    assert reuse.PAIR_COLUMNS[:9] == ["doc_a", "doc_b", "outlet_a", "outlet_b", "similarity",
                                      "containment_a_in_b", "containment_b_in_a",
                                      "n_aligned", "kind"]
    assert reuse.PASSAGE_COLUMNS[:10] == ["doc_a", "doc_b", "start_a", "end_a", "start_b",
                                          "end_b", "similarity", "kind", "text_a", "text_b"]
    assert reuse.CHANGE_COLUMNS[:6] == ["doc_a", "doc_b", "passage_index", "change",
                                        "before", "after"]


def test_edited_copy_is_paired_aligned_and_its_edits_reported(planted) -> None:
    documents, sentences = planted
    result = reuse.find_reuse(documents, sentences)
    pairs = result.pairs
    assert list(zip(pairs["doc_a"], pairs["doc_b"])) == [("copy", "orig")]
    pair = pairs.iloc[0]
    assert (pair["outlet_a"], pair["outlet_b"]) == ("Aggregator", "Wire")
    assert pair["n_aligned"] == len(ORIGINAL)  # every sentence found despite the reordering
    assert pair["kind"] == "mixed"
    # no dates, both fully contained; the copy turned orig's quote into indirect speech
    assert pair["direction"].startswith("hypothesis (quote paraphrased): copy has unquoted")
    assert (pair["direction_reason"], pair["source"]) == ("quote_paraphrased", "orig")
    assert pair["relation"] == "copy"

    passages = result.passages[result.passages["layer"] == "shingle"]
    # each aligned sentence of the copy is paired with the sentence it came from
    for p in passages.itertuples():
        assert documents.set_index("doc_id").at["copy", "text"][p.start_a:p.end_a] == p.text_a
        assert documents.set_index("doc_id").at["orig", "text"][p.start_b:p.end_b] == p.text_b
        if p.text_a in ORIGINAL:
            assert p.text_a == p.text_b and p.kind == "verbatim"
    swapped = passages[passages["text_a"].str.startswith("A terrorist group")]
    assert swapped["text_b"].tolist() == [ORIGINAL[0]]
    unquoted = passages[passages["text_a"].str.startswith("A ministry spokesman")]
    assert unquoted["text_b"].tolist() == [ORIGINAL[4]]

    changes = result.changes[result.changes["layer"] == "shingle"]
    swap = changes[changes["change"] == "label_swap"]
    assert swap[["before", "after"]].values.tolist() == [["terrorist group", "Rebel groups"]]
    verb = changes[changes["change"] == "verb_changed"]
    assert verb[["before", "after"]].values.tolist() == [["claimed", "said"]]
    assert verb["detail"].tolist() == ["distancing -> neutral"]
    added = changes[changes["change"] == "quote_added"]  # the copy (a) lacks the quote of b
    assert len(added) == 1 and "We will return" in added["after"].iloc[0]
    assert added["passage_index"].iloc[0] == int(unquoted["passage_index"].iloc[0])
    assert "unquoted" in added["detail"].iloc[0]
    assert not (changes["change"] == "quote_dropped").any()


def test_dropped_quote_seen_from_the_quoting_side(planted) -> None:
    documents, sentences = planted
    candidates = pd.DataFrame({"doc_a": ["orig"], "doc_b": ["copy"]})
    passages = reuse.align_passages(candidates, sentences, documents=documents)
    changes = reuse.passage_changes(passages, documents)
    dropped = changes[changes["change"] == "quote_dropped"]
    assert len(dropped) == 1 and dropped["before"].iloc[0].startswith("\u201cWe will return")
    assert changes[changes["change"] == "label_swap"][["before", "after"]].values.tolist() \
        == [["Rebel groups", "terrorist group"]]


def test_unrelated_documents_are_not_paired(planted) -> None:
    documents, sentences = planted
    candidates = reuse.candidate_pairs(documents, sentences)
    assert "other" not in set(candidates["doc_a"]) | set(candidates["doc_b"])
    exact = reuse.candidate_pairs(documents, sentences, method="minhash")
    assert list(zip(exact["doc_a"], exact["doc_b"])) == [("copy", "orig")]


def test_direction_hypothesis_from_dates_and_containment(tmp_path: Path) -> None:
    long_text = "\n".join(ORIGINAL)
    short_text = "\n".join(ORIGINAL[:4]) + "\nThe weather was cold and wet all week long."
    documents, sentences = _load(tmp_path, {"long": long_text, "short": short_text})
    pairs = reuse.find_reuse(documents, sentences).pairs
    direction = pairs["direction"].iloc[0]
    assert direction.startswith("hypothesis (containment)")
    assert "80% of short's sentences" in direction
    dated = documents.assign(date=["2024-12-02", "2024-12-01"])  # long, short
    pairs = reuse.find_reuse(dated, sentences).pairs
    assert pairs["direction"].iloc[0].startswith(
        "hypothesis (dates): long (2024-12-02) appeared after short (2024-12-01)")


def test_single_document_has_nothing_to_pair(tmp_path: Path) -> None:
    documents, sentences = _load(tmp_path, {"only": "\n".join(ORIGINAL)})
    with pytest.warns(ReuseWarning, match="1 document.*nothing to pair"):
        result = reuse.find_reuse(documents, sentences)
    for frame, columns in ((result.pairs, reuse.RESULT_PAIR_COLUMNS),
                           (result.passages, reuse.PASSAGE_COLUMNS),
                           (result.changes, reuse.CHANGE_COLUMNS)):
        assert frame.empty and list(frame.columns) == columns


def test_documents_shorter_than_the_shingle_are_reported(tmp_path: Path) -> None:
    documents, sentences = _load(tmp_path, {"a": "\n".join(ORIGINAL), "b": "\n".join(EDITED),
                                            "tiny": "Aleppo fell."})
    with pytest.warns(ReuseWarning, match=r"1 of 3 document\(s\) have fewer than "
                                                r"shingle_size=5 tokens.*tiny \(2 tokens\)"):
        candidates = reuse.candidate_pairs(documents, sentences)
    assert len(candidates) == 1
    short = reuse.short_documents(documents, sentences)
    assert short[["doc_id", "n_tokens"]].values.tolist() == [["tiny", 2]]


def test_bad_parameters_name_the_value(planted) -> None:
    documents, _sentences = planted
    with pytest.raises(ParameterError, match="method='fast'; use one of auto, exact, minhash"):
        reuse.candidate_pairs(documents, method="fast")
    with pytest.raises(ParameterError, match="shingle_size=0"):
        reuse.candidate_pairs(documents, shingle_size=0)
    with pytest.raises(ParameterError, match="bands=5 must divide num_perm=128"):
        reuse.candidate_pairs(documents, method="minhash", bands=5)
    with pytest.raises(ColumnError, match="documents lacks column"):
        reuse.candidate_pairs(documents.drop(columns="text_norm"))


# --- MinHash / LSH ------------------------------------------------------------------------

def _random_docs(n: int, seed: int = 1, length: int = 120) -> list[str]:
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}x" for i in range(3000)])
    return [" ".join(rng.choice(vocab, size=length)) for _ in range(n)]


def _near_duplicate(text: str, rate: float = 0.03, seed: int = 2) -> str:
    rng = np.random.default_rng(seed)
    words = text.split()
    for k in np.flatnonzero(rng.random(len(words)) < rate):
        words[k] = "edited"
    return " ".join(words)


def test_lsh_finds_a_planted_near_duplicate_and_estimates_jaccard() -> None:
    texts = _random_docs(400)
    texts.append(_near_duplicate(texts[17]))
    ids = [f"d{i:03d}" for i in range(len(texts))]
    sigs = minhash.minhash_signatures(texts, num_perm=128, seed=0)
    found = minhash.lsh_candidates(sigs, ids, bands=minhash.choose_bands(128, 0.5))
    assert list(zip(found["doc_a"], found["doc_b"])) == [("d017", "d400")]
    sets, _ = minhash.shingle_sets([texts[17], texts[400]])
    exact = len(np.intersect1d(*sets)) / len(np.union1d(*sets))
    assert 0.4 < exact < 0.95
    assert abs(minhash.estimate_jaccard(sigs[17], sigs[400]) - exact) < 0.1


def test_signatures_and_buckets_per_partition_combine_exactly() -> None:
    texts = _random_docs(150, seed=5)
    texts += [_near_duplicate(texts[3], seed=6), _near_duplicate(texts[120], seed=7)]
    ids = [f"doc{i}" for i in range(len(texts))]
    whole = minhash.minhash_signatures(texts, num_perm=64, seed=3)
    cuts = [0, 40, 41, 100, len(texts)]
    parts = [minhash.minhash_signatures(texts[a:b], num_perm=64, seed=3)
             for a, b in itertools.pairwise(cuts)]
    assert np.array_equal(np.concatenate(parts), whole)
    sets, _ = minhash.shingle_sets(texts)
    assert np.array_equal(minhash.minhash_from_shingles(sets, num_perm=64, seed=3), whole)
    buckets = pd.concat([minhash.lsh_buckets(p, ids[a:b], bands=16)
                         for p, a, b in zip(parts, cuts[:-1], cuts[1:])])
    combined = minhash.candidates_from_buckets(buckets.sample(frac=1.0, random_state=0))
    one_pass = minhash.lsh_candidates(whole, ids, bands=16)
    pd.testing.assert_frame_equal(combined, one_pass)
    assert {("doc120", "doc151"), ("doc150", "doc3")} <= set(zip(one_pass["doc_a"],
                                                                 one_pass["doc_b"]))


def test_signatures_do_not_depend_on_the_python_hash_seed() -> None:
    code = ("from framelab.reuse import minhash_signatures as m;"
            "print(m(['the rebels took the airport on monday night'], num_perm=8)[0].tolist())")
    other_seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": other_seed}, check=True).stdout
    local = minhash.minhash_signatures(["the rebels took the airport on monday night"],
                                       num_perm=8)[0].tolist()
    assert out == f"{local}\n"


def test_empty_signatures_never_share_a_bucket() -> None:
    sigs = minhash.minhash_signatures(["too short", "also short", "a b"], num_perm=16)
    assert (sigs == minhash.EMPTY_SIGNATURE).all()
    assert minhash.lsh_candidates(sigs, ["a", "b", "c"], bands=4).empty


def test_lsh_threshold_and_band_choice() -> None:
    assert minhash.lsh_threshold(32, 4) == pytest.approx((1 / 32) ** 0.25)
    assert minhash.choose_bands(128, 0.5) == 32
    with pytest.raises(ParameterError, match="threshold=1.5"):
        minhash.choose_bands(128, 1.5)


# --- figures ------------------------------------------------------------------------------

def test_pair_html_escapes_text_and_is_saved_atomically(tmp_path: Path) -> None:
    passages = pd.DataFrame([{
        "doc_a": "x/1", "doc_b": "y", "start_a": 0, "end_a": 30, "start_b": 0, "end_b": 30,
        "similarity": 0.9, "kind": "verbatim", "text_a": "Rebels <script>alert(1)</script> & co",
        "text_b": "Terrorists <b>bold</b> & co", "passage_index": 0, "sentence_a": "x:0",
        "sentence_b": "y:0", "longest_run": 3}])
    changes = pd.DataFrame([{"doc_a": "x/1", "doc_b": "y", "passage_index": 0,
                             "change": "label_swap", "before": "Rebels",
                             "after": "Terrorists", "detail": "legitimising -> delegitimising"}])
    page = reuse_view.pair_html(passages, changes, "x/1", "y")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;" in page
    assert 'change">Rebels</span>' in page and 'change">Terrorists</span>' in page
    path = reuse_view.save_pair_html(page, "x/1", "y", tmp_path)
    # "x/1" is not file-name safe: sanitised, with a hash so that "x_1" cannot collide
    assert path.parent == tmp_path / "figures"
    assert re.fullmatch(r"reuse_pair_x_1_y-[0-9a-f]{10}\.html", path.name), path.name
    assert path.read_text(encoding="utf-8") == page
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left
    with pytest.raises(ParameterError, match="no aligned passages for the pair"):
        reuse_view.pair_html(passages, changes, "y", "x/1")


def test_similarity_matrix_and_plot(planted) -> None:
    documents, sentences = planted
    matrix = reuse_view.similarity_matrix(documents, sentences)
    assert matrix.shape == (3, 3) and np.isnan(np.diag(matrix.to_numpy())).all()
    assert matrix.at["orig", "copy"] == matrix.at["copy", "orig"] > 0.3
    assert matrix.at["orig", "other"] == 0.0
    _fig, ax = new_figure()
    assert reuse_view.plot_similarity_matrix(matrix, ax, outlets={"orig": "Wire"}) is ax


@pytest.mark.parametrize("width", ["single", "double"])
def test_similarity_matrix_fits_the_column_width(width: str, tmp_path: Path) -> None:
    """Ids as long as the seeds', values in the cells and the colour bar stay within the width
    (the seeds' matrix was 4.1 in wide at single width with a vertical colour bar)."""
    import struct

    from framelab import figures
    from framelab.paths import SEEDS_DIR

    documents, sentences = corpus.load_run_corpus(SEEDS_DIR)
    matrix = reuse_view.similarity_matrix(documents, corpus.body(sentences))
    fig, ax = figures.new_figure(width, 5.5)
    reuse_view.plot_similarity_matrix(matrix, ax, outlets=dict(zip(documents["doc_id"],
                                                                  documents["outlet"])))
    figures.save_figure(fig, "matrix", tmp_path, formats=("png",), width=width)
    png = (tmp_path / "figures" / "matrix.png").read_bytes()
    inches = struct.unpack(">I", png[16:20])[0] / 300
    assert inches <= figures.WIDTHS[width] + 0.01


@pytest.mark.slow
def test_reuse_notebook_runs_on_the_seeds(tmp_path: Path) -> None:
    import papermill

    out = tmp_path / "run"
    papermill.execute_notebook(str(NOTEBOOKS_DIR / "04_reuse.ipynb"), str(tmp_path / "r.ipynb"),
                               parameters={"out_dir": str(out)}, cwd=str(NOTEBOOKS_DIR),
                               progress_bar=False)
    pairs = pd.read_csv(out / "tables" / "reuse_pairs.csv", keep_default_na=False)
    assert list(pairs.columns) == reuse.RESULT_PAIR_COLUMNS and len(pairs) >= 1
    assert set(pairs["kind"]) <= {"verbatim", "paraphrase", "mixed", ""}
    assert set(pairs["relation"]) <= set(relation.RELATIONS)
    assert (out / "figures" / "reuse_network.png").stat().st_size > 1000
    for name, columns in (("reuse_passages", reuse.PASSAGE_COLUMNS),
                          ("reuse_changes", reuse.CHANGE_COLUMNS)):
        assert list(pd.read_csv(out / "tables" / f"{name}.csv").columns) == columns
    assert (out / "figures" / "reuse_similarity.png").stat().st_size > 1000
    first = pairs.iloc[0]
    assert (out / "figures" / f"reuse_pair_{first['doc_a']}_{first['doc_b']}.html").is_file()


@pytest.mark.slow
def test_reuse_notebook_runs_on_a_single_document(tmp_path: Path) -> None:
    import papermill

    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "only.txt").write_text("\n".join(ORIGINAL), encoding="utf-8")
    out = tmp_path / "run"
    papermill.execute_notebook(str(NOTEBOOKS_DIR / "04_reuse.ipynb"), str(tmp_path / "r.ipynb"),
                               parameters={"out_dir": str(out), "corpus": str(folder)},
                               cwd=str(PROJECT_ROOT), progress_bar=False)
    assert pd.read_csv(out / "tables" / "reuse_pairs.csv").empty


@pytest.mark.parametrize("workers", [0, 2])
def test_quotations_of_paired_documents_by_partition_equal_the_whole(tmp_path: Path,
                                                                     workers: int) -> None:
    """The notebook finds quotations part by part on the run's engine (of the paired
    documents only); the rows are those of find_quotes on the whole corpus."""
    from framelab import framing
    from framelab.codebook import load_codebook
    from framelab.paths import SEEDS_DIR
    from framelab.run import build_cache, open_run_corpus, reuse_quotes

    cb = load_codebook()
    build_cache(SEEDS_DIR, cache_dir=tmp_path, chunk_size=2, progress=False)
    with open_run_corpus(SEEDS_DIR, cache_dir=tmp_path, workers=workers,
                         progress=False) as run:
        docs, sents = run.documents, corpus.body(run.sentences)
        want = framing.find_quotes(docs, cb, sentences=sents)
        assert want["doc_id"].nunique() == 2  # 002 and 004, in different parts
        pd.testing.assert_frame_equal(reuse_quotes(run, cb, targets=True), want)
        # by default what classify_pairs reads: no codebook targets of speakers and quotes
        assert (want["speaker_actor"] != "").any() and (want["targets"] != "").any()
        bare = want.assign(speaker_actor="", targets="")
        pd.testing.assert_frame_equal(reuse_quotes(run, cb), bare)
        some = [sorted(want["doc_id"].unique())[-1], docs["doc_id"].iloc[0]]
        kept = want[want["doc_id"].isin(some)].reset_index(drop=True)
        pd.testing.assert_frame_equal(reuse_quotes(run, cb, doc_ids=some, targets=True), kept)
        pd.testing.assert_frame_equal(reuse.document_quotes(docs, sents, cb, chunk=2), want)
        pd.testing.assert_frame_equal(
            reuse.document_quotes(docs, sents, cb, chunk=2, targets=False), bare)


def test_the_similarity_matrix_of_a_large_corpus_keeps_the_strongest_pairs_documents() -> None:
    n = 500
    documents = pd.DataFrame({"doc_id": [f"d{i:03d}" for i in range(n)], "outlet": "o",
                              "text_norm": [f"w{i} x y z v u t" for i in range(n)]})
    order = np.random.default_rng(3).permutation(n)
    pairs = pd.DataFrame({"doc_a": [f"d{i:03d}" for i in order[0::2]],
                          "doc_b": [f"d{i:03d}" for i in order[1::2]]})
    matrix = reuse.similarity_matrix(documents, pairs=pairs, max_docs=10)
    assert sorted(matrix.index) == sorted(f"d{i:03d}" for i in order[:10])
