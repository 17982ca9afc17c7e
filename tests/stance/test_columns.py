"""The learned scorer's matrix built as column numbers equals the matrix of the feature
dictionaries, and the vectorised explanations equal the per-row sort, ties included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from framelab import stance
from framelab.codebook import load_codebook
from framelab.corpus import body, load_run_corpus
from framelab.paths import SEEDS_DIR
from framelab.stance._columns import explanations, feature_matrix
from framelab.stance._cues import _analyse
from framelab.stance._model import _matrix, _span_features
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

CB = load_codebook()
MODEL = stance.load_model()

#: Words of the seeds' vocabulary with names, labels, verbs, negations and clause breaks.
WORDS = ["Russia", "Moscow", "the", "Assad", "regime", "rebels", "HTS", "terrorist", "group",
         "claimed", "said", "not", "n't", "brutal", "killed", "peace", "support", ";", ",",
         "\"", "'", "US", "Washington", "opposition", "forces", "according", "to", "Iran",
         "insists", "that", "good", "attacked", "welcomed", "Damascus", ":", "."]


def _reference(spans: list, texts: list[str], config: dict | None = None) -> sparse.csr_matrix:
    config = MODEL.feature_config_ if config is None else config
    return _matrix([_span_features(span, text, config) for span, text in zip(spans, texts)],
                   MODEL._index)


def _assert_same(got: sparse.csr_matrix, want: sparse.csr_matrix) -> None:
    assert got.shape == want.shape
    assert np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.data, want.data)   # the same floats, not close ones


def _spans_of(text: str) -> tuple[list, list[str]]:
    """Every actor match of the text as a mention, the others as its ``others``."""
    found = [(m.start, m.end) for m in CB.matcher.find(text, layers=("actor",))]
    spans = [_analyse(text, s, e, CB, None, [o for o in found if o != (s, e)])
             for s, e in found]
    return spans, [text] * len(spans)


@pytest.fixture(scope="module")
def seed_spans() -> tuple[list, list[str]]:
    _, sentences = load_run_corpus(SEEDS_DIR)
    analysed = body(sentences)
    spans, texts = [], []
    for text in analysed["text_norm"]:
        s, t = _spans_of(text)
        spans += s
        texts += t
    return spans, texts


def test_matrix_of_seed_mentions_equals_the_dictionaries(seed_spans: tuple) -> None:
    spans, texts = seed_spans
    assert len(spans) > 150 and sum(s is None for s in spans) == 0
    _assert_same(feature_matrix(spans, texts, MODEL.feature_config_, MODEL._index),
                 _reference(spans, texts))
    # with a span that has no token (scored as the bias alone) and nothing at all
    spans2, texts2 = [None, *spans[:5]], ["x", *texts[:5]]
    _assert_same(feature_matrix(spans2, texts2, MODEL.feature_config_, MODEL._index),
                 _reference(spans2, texts2))
    _assert_same(feature_matrix([], [], MODEL.feature_config_, MODEL._index),
                 _reference([], []))


@pytest.mark.parametrize("change", [{"mask_other_names": False}, {"cues": False},
                                    {"sentence_ngrams": [1]}, {"sentence_ngrams": [2]},
                                    {"context_window": 2, "positional": 3}])
def test_matrix_follows_the_feature_settings(seed_spans: tuple, change: dict) -> None:
    spans, texts = seed_spans
    config = {**MODEL.feature_config_, **change}
    _assert_same(feature_matrix(spans[:120], texts[:120], config, MODEL._index),
                 _reference(spans[:120], texts[:120], config))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
def test_matrix_of_planted_sentences_equals_the_dictionaries(words: list[str]) -> None:
    text = " ".join(words)
    spans, texts = _spans_of(text)
    _assert_same(feature_matrix(spans, texts, MODEL.feature_config_, MODEL._index),
                 _reference(spans, texts))


def _explain_per_row(matrix: sparse.csr_matrix, delta: np.ndarray, names: list[str],
                     top: int) -> list[str]:
    """The per-row loop explanations were made with before they were vectorised."""
    out = []
    for row in range(matrix.shape[0]):
        lo, hi = matrix.indptr[row], matrix.indptr[row + 1]
        cols, vals = matrix.indices[lo:hi], matrix.data[lo:hi]
        contrib = vals * delta[cols]
        order = np.argsort(-np.abs(contrib))[:top]
        out.append(";".join(f"feat:{names[cols[k]]}:{contrib[k]:+.2f}"
                            for k in order if contrib[k]))
    return out


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 12), st.integers(1, 40),
       st.integers(1, 5), st.booleans())
def test_explanations_equal_the_per_row_sort(seed: int, n_rows: int, n_cols: int, top: int,
                                             ties: bool) -> None:
    """Random rows with many equal strengths (coarse coefficients), zeros and empty rows."""
    rng = np.random.default_rng(seed)
    density = rng.uniform(0, 1)
    dense = np.where(rng.uniform(size=(n_rows, n_cols)) < density,
                     rng.choice([1.0, 1.0, 0.5, 2.0, -1.0], size=(n_rows, n_cols)), 0.0)
    matrix = sparse.csr_matrix(dense)
    delta = (rng.integers(-3, 4, size=n_cols) / 2.0 if ties
             else rng.normal(size=n_cols))
    names = [f"f{j}" for j in range(n_cols)]
    assert explanations(matrix, delta, names, top=top) == \
        _explain_per_row(matrix, delta, names, top)


def test_explanations_of_the_model_equal_the_per_row_sort(seed_spans: tuple) -> None:
    spans, texts = seed_spans
    matrix = feature_matrix(spans, texts, MODEL.feature_config_, MODEL._index)
    cls = list(MODEL.classes_)
    delta = MODEL.coef_[cls.index("favor")] - MODEL.coef_[cls.index("against")]
    want = _explain_per_row(matrix, delta, MODEL.vocabulary_, 3)
    assert MODEL.explain(matrix) == want
    assert sum(bool(w) for w in want) > 100
    nan = matrix.copy()
    nan.data[5] = np.nan   # a NaN feature value: that row is sorted alone
    assert explanations(nan, delta, MODEL.vocabulary_, top=3) == \
        _explain_per_row(nan, delta, MODEL.vocabulary_, 3)


def test_scores_of_seed_mentions_are_unchanged_by_the_column_matrix(seed_spans: tuple) -> None:
    """Probabilities from the column matrix are those of the dictionaries' matrix."""
    spans, texts = seed_spans
    got = MODEL.predict_proba(feature_matrix(spans, texts, MODEL.feature_config_,
                                             MODEL._index))
    want = MODEL.predict_proba(_reference(spans, texts))
    assert np.array_equal(got, want)
    assert pd.Series(MODEL.predict(_reference(spans, texts))).nunique() == 3
