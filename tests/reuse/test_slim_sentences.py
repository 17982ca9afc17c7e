"""Every reuse step gives the same tables from a sentence table without its texts (read
from the documents, as the reuse notebook keeps it) as from the table with them."""

from __future__ import annotations

import pandas as pd
import pytest
from _planted import FILLER
from framelab import corpus, reuse
from framelab.codebook import load_codebook
from framelab.errors import ColumnError
from framelab.paths import SEEDS_DIR


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The seeds, a copy of one of them with its sentences in another order and
    filler articles: copies, rewrites, quotations and unrelated documents."""
    folder = tmp_path_factory.mktemp("slim")
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    first = sorted(SEEDS_DIR.glob("*.txt"))[2].read_text(encoding="utf-8").splitlines()
    (folder / "zz_copy.txt").write_text("\n".join(first[::-1]), encoding="utf-8")
    for k, sents in enumerate(FILLER):
        (folder / f"filler{k}.txt").write_text("\n".join(sents), encoding="utf-8")
    documents, sentences = corpus.load_run_corpus(folder)
    return documents, corpus.body(sentences).reset_index(drop=True)


def _equal(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


def test_find_reuse_is_the_same_without_sentence_texts(
        tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    documents, sentences = tables
    want = reuse.find_reuse(documents, sentences)
    got = reuse.find_reuse(documents, corpus.without_texts(sentences))
    assert len(want.pairs) and len(want.passages) and len(want.quotes)
    assert set(want.passages["layer"]) == {"shingle", "rewrite"}
    for name in want._fields:
        _equal(getattr(got, name), getattr(want, name))


def test_each_step_is_the_same_without_sentence_texts(
        tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    documents, sentences = tables
    slim = corpus.without_texts(sentences)
    for method in ("exact", "minhash"):  # exact: the paraphrase channel's sentence vectors
        _equal(reuse.candidate_pairs(documents, slim, method=method, threshold=0.2),
               reuse.candidate_pairs(documents, sentences, method=method, threshold=0.2))
    _equal(reuse.short_documents(documents, slim, shingle_size=12),
           reuse.short_documents(documents, sentences, shingle_size=12))
    assert reuse.doc_texts(documents, slim) == reuse.doc_texts(documents, sentences)
    some = documents.iloc[[4, 1]]
    assert reuse.doc_texts(some, slim) == reuse.doc_texts(some, sentences)
    cb = load_codebook(None)
    layers = [reuse.find_rewrite_candidates(documents, table, mwes=cb.mwes)
              for table in (sentences, slim)]
    for name in ("candidates", "similar"):
        _equal(getattr(layers[1], name), getattr(layers[0], name))
    assert layers[0].threshold == layers[1].threshold
    candidates = reuse.merge_candidates(
        reuse.candidate_pairs(documents, sentences, threshold=0.2), layers[0].candidates,
        documents, sentences)
    _equal(reuse.merge_candidates(reuse.candidate_pairs(documents, slim, threshold=0.2),
                                  layers[1].candidates, documents, slim), candidates)
    _equal(reuse.align_passages(candidates, slim, documents=documents),
           reuse.align_passages(candidates, sentences, documents=documents))
    for got, want in zip(reuse.align_rewrites(candidates, slim, layers[1], documents=documents),
                         reuse.align_rewrites(candidates, sentences, layers[0])):
        assert len(want)
        _equal(got, want)
    fit = [reuse.fit_space(sentences), reuse.fit_space(slim, documents=documents)]
    assert fit[0].vocabulary_ == fit[1].vocabulary_
    _equal(reuse.similarity_matrix(documents, slim), reuse.similarity_matrix(documents, sentences))


def test_without_documents_the_missing_texts_are_named(
        tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    documents, sentences = tables
    slim = corpus.without_texts(sentences)
    pairs = pd.DataFrame({"doc_a": [documents["doc_id"].iloc[0]],
                          "doc_b": [documents["doc_id"].iloc[1]]})
    with pytest.raises(ColumnError, match="Pass the documents table too"):
        reuse.align_passages(pairs, slim)
    layer = reuse.find_rewrite_candidates(documents, slim)
    with pytest.raises(ColumnError, match="Pass the documents table too"):
        reuse.align_rewrites(pairs, slim, layer)
    with pytest.raises(ColumnError, match="Pass the documents table too"):
        reuse.fit_space(slim)


def test_pairs_without_direction_classify_the_same(
        tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    documents, sentences = tables
    result = reuse.find_reuse(documents, sentences)
    with_direction = reuse.reuse_pairs(result.candidates, result.passages[
        result.passages["layer"] == "shingle"], documents, sentences, min_aligned=0)
    without = reuse.reuse_pairs(result.candidates, result.passages[
        result.passages["layer"] == "shingle"], documents, sentences, min_aligned=0,
        direction=False)
    assert (without["direction"] == "").all() and (with_direction["direction"] != "").all()
    pd.testing.assert_frame_equal(without.drop(columns="direction"),
                                  with_direction.drop(columns="direction"))
    args = (result.passages, result.chains, result.changes, result.quotes, documents,
            sentences)
    _equal(reuse.classify_pairs(without, *args), reuse.classify_pairs(with_direction, *args))


def test_a_missing_sentence_text_is_still_reported(
        tables: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    documents, sentences = tables
    broken = sentences.copy()
    broken.loc[3, "text_norm"] = None
    pairs = pd.DataFrame({"doc_a": [broken["doc_id"].iloc[3]],
                          "doc_b": [documents["doc_id"].iloc[-1]]})
    with pytest.raises(ValueError, match="nan|NaN|invalid"):
        reuse.align_passages(pairs, broken, documents=documents)
