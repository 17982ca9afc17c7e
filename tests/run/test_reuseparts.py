"""The reuse notebook's sentences read part by part equal the whole table's body rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from framelab.corpus import body, sentence_texts, without_texts
from framelab.paths import SEEDS_DIR
from framelab.run import build_cache, open_run_corpus, reuse_sentences


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds cached in parts of 2 documents (5 documents: 3 parts)."""
    folder = tmp_path_factory.mktemp("reuseparts")
    build_cache(SEEDS_DIR, cache_dir=folder, chunk_size=2, progress=False)
    return folder


@pytest.mark.parametrize(("workers", "include_nonbody"), [(0, False), (2, False), (0, True)])
def test_reuse_sentences_are_the_body_rows_without_metadata(cache_dir: Path, workers: int,
                                                             include_nonbody: bool) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, workers=workers,
                         progress=False) as run:
        got = reuse_sentences(run, include_nonbody=include_nonbody)
        assert "sentences" not in run.loaded  # the whole table was never loaded
        whole = body(run.sentences, include_nonbody=include_nonbody).reset_index(drop=True)
    copied = [c for c in run.metadata.columns if c not in ("doc_id", "outlet")]
    assert not set(copied) & set(got.columns)
    assert {"text", "text_norm", "sentence_id", "start", "end"} <= set(got.columns)
    pd.testing.assert_frame_equal(got, whole[list(got.columns)])
    assert list(got.columns) == [c for c in whole.columns if c not in copied]


@pytest.mark.parametrize("include_nonbody", [False, True])
def test_reuse_sentences_without_texts_are_the_same_rows_and_read_back(
        cache_dir: Path, include_nonbody: bool) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, workers=0, progress=False) as run:
        full = reuse_sentences(run, include_nonbody=include_nonbody)
        slim = reuse_sentences(run, include_nonbody=include_nonbody, texts=False)
        documents = run.documents
    assert "text" not in slim.columns and "text_norm" not in slim.columns
    pd.testing.assert_frame_equal(slim, without_texts(full))
    for column in ("text", "text_norm"):
        assert list(sentence_texts(slim, documents, column)) == full[column].tolist()
