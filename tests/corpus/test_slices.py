"""Sentence texts read back from their documents equal the sentence table's own texts."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from framelab import corpus
from framelab.errors import ColumnError, ParameterError
from framelab.paths import SEEDS_DIR

# quotation marks, dashes, accents, a character outside the BMP, odd spacing, short texts
ODD = ["\u201cWe will not leave,\u201d the mayor said \u2014 twice.  Caf\u00e9 owners agreed.\n"
       "\n  A second paragraph!  It has\u00a0a no-break space. \U0001F600 Done.\n"
       "Dr. Smith arrived at 5 p.m. on Friday. He left.",
       "One line only", "x"]


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """The seeds (every segment), and documents of odd characters and layout."""
    folder = tmp_path_factory.mktemp("odd")
    for k, text in enumerate(ODD):
        (folder / f"odd{k}.txt").write_text(text, encoding="utf-8")
    return [corpus.load_run_corpus(SEEDS_DIR), corpus.load_run_corpus(folder)]


@pytest.mark.parametrize("column", ["text", "text_norm"])
def test_texts_from_the_documents_are_the_tables_texts(
        tables: list[tuple[pd.DataFrame, pd.DataFrame]], column: str) -> None:
    for documents, sentences in tables:
        slim = corpus.without_texts(sentences)
        assert list(corpus.sentence_texts(slim, documents, column)) == sentences[column].tolist()
        # rows in any order and repeated, in chunks smaller than the table
        rows = np.array(random.Random(0).choices(range(len(sentences)), k=2 * len(sentences)))
        got = list(corpus.sentence_texts(slim, documents, column, rows, chunk=7))
        assert got == sentences[column].take(rows).tolist()
        # a table with its texts is read as it is, documents or not
        assert list(corpus.sentence_texts(sentences, None, column, rows)) == got


def test_with_texts_restores_the_table(
        tables: list[tuple[pd.DataFrame, pd.DataFrame]]) -> None:
    for documents, sentences in tables:
        slim = corpus.without_texts(sentences)
        assert corpus.has_texts(sentences) and not corpus.has_texts(slim)
        back = corpus.with_texts(slim, documents)
        pd.testing.assert_frame_equal(back[list(sentences.columns)], sentences)
        assert corpus.with_texts(sentences, None) is sentences


def test_missing_documents_or_texts_are_named(
        tables: list[tuple[pd.DataFrame, pd.DataFrame]]) -> None:
    documents, sentences = tables[0]
    slim = corpus.without_texts(sentences)
    with pytest.raises(ParameterError, match="pass the documents"):
        list(corpus.sentence_texts(slim, None))
    with pytest.raises(ColumnError, match="Pass the documents table too"):
        corpus.check_sentence_texts(slim, None)
    corpus.check_sentence_texts(slim, documents)
    corpus.check_sentence_texts(sentences, None)
    with pytest.raises(ColumnError, match="documents lacks"):
        corpus.check_sentence_texts(slim, documents.drop(columns="text"))
    first = str(sentences["doc_id"].iloc[0])
    with pytest.raises(ParameterError, match=f"document '{first}'"):
        list(corpus.sentence_texts(slim, documents[documents["doc_id"] != first]))
    with pytest.raises(ParameterError, match="column='title'"):
        list(corpus.sentence_texts(slim, documents, "title"))
