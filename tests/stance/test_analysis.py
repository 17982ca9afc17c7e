"""The shortcuts of stance scoring give what the plain computations give: token runs by
bisection, one analysis shared by both scorers, the clipped score, the feature matrix."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from framelab import stance
from framelab.codebook import codebook_from_text, load_codebook
from framelab.corpus import body, load_run_corpus
from framelab.errors import ParameterError
from framelab.paths import SEEDS_DIR
from framelab.stance._cues import (
    _analyse,
    _breaks_between,
    _clip,
    _Sentence,
    _token_ids,
    _window_hits,
)
from framelab.stance._model import _matrix
from framelab.stance._scoring import _same_analysis
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

CB = load_codebook()


@pytest.fixture(scope="module")
def seeds() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    documents, sentences = load_run_corpus(SEEDS_DIR)
    analysed = body(sentences)
    return documents, analysed, stance.find_mentions(analysed, CB, documents=documents)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab -'.,\"\n\u00e9", max_size=40), st.integers(-3, 45),
       st.integers(-3, 45))
def test_token_runs_by_bisection_equal_the_scan(text: str, start: int, end: int) -> None:
    sentence = _Sentence(text, CB, None)
    assert sentence.ids(start, end) == _token_ids(sentence.tokens, start, end)
    assert sentence.ids(start, end) == _token_ids(sentence.tokens, start, end)  # memoised


@pytest.mark.parametrize("value", [0, 0.5, -0.25, 1.0, -1.0, 1.0000001, -7, 3, -0.0,
                                   math.inf, -math.inf, math.nan])
def test_clip_is_numpys(value: float) -> None:
    expected = float(np.clip(value, -1.0, 1.0))
    got = float(_clip(value))
    assert (math.isnan(got) and math.isnan(expected)) or \
        (got == expected and math.copysign(1, got) == math.copysign(1, expected))


def test_feature_matrix_equals_one_entry_at_a_time() -> None:
    dicts = [{"a": 1.0, "zz": 2.0, "b": 0.0}, {}, {"c": -1.5, "a": 1.0, "nan": math.nan},
             {"b": 3.0, "c": 0.25}]
    index = {"c": 0, "a": 1, "b": 2, "nan": 3}
    rows, cols, vals = [], [], []
    for r, d in enumerate(dicts):
        for name, value in d.items():
            if name in index and value:
                rows.append(r)
                cols.append(index[name])
                vals.append(value)
    expected = sparse.csr_matrix((vals, (rows, cols)), shape=(4, 4), dtype=np.float64)
    got = _matrix(dicts, index)
    for attribute in ("indptr", "indices"):
        assert np.array_equal(getattr(got, attribute), getattr(expected, attribute))
    assert np.array_equal(got.data, expected.data, equal_nan=True)
    assert _matrix([], index).shape == (0, 4)


def _by_scorer(scored: pd.DataFrame, scorer: str) -> pd.DataFrame:
    return scored[scored["scorer"] == scorer].reset_index(drop=True)


def test_both_scorers_at_once_equal_each_alone(seeds: tuple) -> None:
    """Scoring with both scorers shares one analysis per mention; each scorer's rows are
    those it gives alone, in either order."""
    _, analysed, mentions = seeds
    assert len(mentions) > 50
    both = stance.score_mentions(mentions, analysed, scorers="all", codebook=CB)
    reverse = stance.score_mentions(mentions, analysed, scorers=("learned", "default"),
                                    codebook=CB)
    for scorer in stance.SCORERS:
        alone = stance.score_mentions(mentions, analysed, scorers=scorer, codebook=CB)
        pd.testing.assert_frame_equal(_by_scorer(both, scorer), alone)
        pd.testing.assert_frame_equal(_by_scorer(reverse, scorer), alone)


def test_a_different_codebook_is_not_shared(seeds: tuple) -> None:
    """A codebook that analyses differently (an extra label) gets its own analysis for the
    default scorer, while the learned scorer keeps the shipped one."""
    _, analysed, mentions = seeds
    text = CB.path.read_text(encoding="utf-8") if CB.path else ""
    same = codebook_from_text(text)
    assert same is not CB and _same_analysis(same, CB)
    changed = codebook_from_text(text.replace("regime", "regimes"))
    assert not _same_analysis(changed, CB)
    for book in (same, changed):
        both = stance.score_mentions(mentions, analysed, scorers="all", codebook=book)
        for scorer in stance.SCORERS:
            alone = stance.score_mentions(mentions, analysed, scorers=scorer, codebook=book)
            pd.testing.assert_frame_equal(_by_scorer(both, scorer), alone)
    plain = _by_scorer(stance.score_mentions(mentions, analysed, scorers="default",
                                             codebook=CB), "default")
    other = _by_scorer(stance.score_mentions(mentions, analysed, scorers="default",
                                             codebook=changed), "default")
    assert not plain["cues"].equals(other["cues"])   # the change is seen: not shared


def test_default_scores_equal_score_span(seeds: tuple) -> None:
    _, analysed, mentions = seeds
    scored = stance.score_mentions(mentions, analysed, scorers="default", codebook=CB)
    sent = analysed.set_index("sentence_id")
    spans = list(zip(mentions["sentence_id"], mentions["start"], mentions["end"]))
    for (sid, start, end), (_, row) in zip(spans, scored.iterrows(), strict=True):
        offset, text = int(sent.at[sid, "start"]), sent.at[sid, "text_norm"]
        others = [(int(s) - offset, int(e) - offset)
                  for s2, s, e in spans if s2 == sid and (s, e) != (start, end)]
        expected = stance.score_span(text, int(start) - offset, int(end) - offset,
                                     codebook=CB, others=others)
        assert (row["score"], row["label"], row["cues"]) == \
            (expected.score, expected.label, expected.cues_text)


def test_mention_outside_its_sentence_is_refused_before_scoring(seeds: tuple) -> None:
    _, analysed, mentions = seeds
    bad = mentions.copy()
    bad.loc[3, "end"] = bad.loc[3, "start"] + 10_000
    for scorers in ("default", "all", ("learned", "default")):
        with pytest.raises(ParameterError, match="mention offsets start=.* do not lie inside"):
            stance.score_mentions(bad, analysed, scorers=scorers, codebook=CB)
    # the learned scorer alone never checked offsets, and still does not
    assert len(stance.score_mentions(bad, analysed, scorers="learned", codebook=CB)) == \
        len(bad)


def test_window_and_breaks_by_sentence_equal_the_token_scan(seeds: tuple) -> None:
    """Sentiment words and clause breaks read from the sentence's lists equal the plain scan
    over the tokens (the same span without its sentence)."""
    _, analysed, mentions = seeds
    sent = analysed.set_index("sentence_id")
    n_hits = 0
    for sid, start, end in zip(mentions["sentence_id"], mentions["start"], mentions["end"]):
        offset, text = int(sent.at[sid, "start"]), sent.at[sid, "text_norm"]
        span = _analyse(text, int(start) - offset, int(end) - offset, CB, None, ())
        if span is None:
            continue
        plain = dataclasses.replace(span, sentence=None, hits=None, default=None)
        assert _window_hits(span) == _window_hits(plain)
        n_hits += len(_window_hits(span))
        for lo in range(len(span.tokens)):
            for hi in range(lo, len(span.tokens)):
                assert _breaks_between(span.tokens, span, lo, hi) == \
                    _breaks_between(plain.tokens, plain, lo, hi)
    assert n_hits > 20


def _planted_sentences() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents whose sentences meet quotations and verbs at their edges, so that some
    mentions' voice in the document is not their voice in the sentence alone."""
    texts = {
        "d1": 'Officials said "Assad will fall. The regime and Assad are finished" on Monday.',
        "d2": "They met the. Claimed Assad fought the rebels of Hezbollah.",
        "d3": 'It was termed "Hezbollah" there. Assad said nothing about Hezbollah.',
        "d4": "x-the said Assad fled. Hezbollah denied that Assad left.",
        "d5": "Assad fled. Hezbollah, so-called 'terrorists', said the Kremlin was wrong.",
    }
    cuts = {"d1": [32], "d2": [14], "d3": [14, 33], "d4": [2, 23], "d5": [12]}
    documents = pd.DataFrame({"doc_id": list(texts), "text_norm": list(texts.values())})
    rows = []
    for doc_id, text in texts.items():
        edges = [0, *cuts[doc_id], len(text)]
        for k, (lo, hi) in enumerate(zip(edges, edges[1:])):
            rows.append((doc_id, "outlet", f"{doc_id}-{k}", lo, hi, text[lo:hi]))
    sentences = pd.DataFrame(rows, columns=["doc_id", "outlet", "sentence_id", "start", "end",
                                            "text_norm"])
    return documents, sentences


@pytest.mark.parametrize("corpus", ["seeds", "planted"])
def test_finding_and_scoring_at_once_equals_the_two_steps(seeds: tuple, corpus: str) -> None:
    """find_and_score_mentions takes a mention's sentence-alone voice from its document's
    tagger where framing.alone_agrees says so; the tables are those of the two steps, also
    for a codebook whose voice rules differ from the learned scorer's (shipped) ones."""
    documents, analysed = (seeds[0], seeds[1]) if corpus == "seeds" else _planted_sentences()
    text = CB.path.read_text(encoding="utf-8") if CB.path else ""
    other = codebook_from_text(text.replace("dubbed", "nicknamed"))
    for book in (CB, other):
        mentions = stance.find_mentions(analysed, book, documents=documents)
        two = stance.score_mentions(mentions, analysed, scorers="all", codebook=book)
        one = stance.find_and_score_mentions(analysed, book, documents=documents,
                                             scorers="all")
        pd.testing.assert_frame_equal(one, two, check_exact=True)
        assert len(one) == 2 * len(mentions) > 0
    if corpus == "planted":   # the document's voice is not always the sentence's
        by_id = analysed.set_index("sentence_id")
        alone = [_analyse(by_id.at[sid, "text_norm"], s - by_id.at[sid, "start"],
                          e - by_id.at[sid, "start"], CB, None, ()).voice
                 for sid, s, e in zip(mentions["sentence_id"], mentions["start"],
                                      mentions["end"])]
        assert (mentions["voice"] != pd.Series(alone)).sum() >= 3


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["the", "'terrorists'", "rebels", '"', "'", "said", "HTS",
                                 "so-called", ",", ":", "regime", "'regime'", "x'"]),
                max_size=14), st.integers(0, 60), st.integers(1, 12))
def test_scare_is_the_taggers_scare_quotes(words: list[str], start: int, width: int) -> None:
    """_Sentence.scare asks the tagger only about spans inside a quotation: outside one the
    tagger never answers "scare quotes"."""
    text = " ".join(words)
    start = min(start, max(len(text) - 1, 0))
    end = min(start + width, len(text))
    if start >= end:
        return
    sentence = _Sentence(text, CB, None)
    assert sentence.scare(start, end) == (sentence.tagger.tag(start, end).cue == "scare quotes")
