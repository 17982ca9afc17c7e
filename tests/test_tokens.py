from __future__ import annotations

import pickle
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from framelab.corpus import normalize_text, segment
from framelab.errors import ParameterError
from framelab.tokens import STOP_WORDS, Analyzer, collocations, document_term_matrix, kwic, tokenize
from hypothesis import example, given, settings
from hypothesis import strategies as st


def test_multiword_expressions_survive_spacing_and_hyphen_variants() -> None:
    for written in ("Hayat Tahrir al-Sham", "Hayat Tahrir-al-Sham", "hayat  tahrir al sham"):
        text = f"Fighters of {written} advanced."
        toks = tokenize(text)
        assert [t.text for t in toks] == ["fighters", "hayat tahrir al-sham", "advanced"]
        assert text[toks[1].start:toks[1].end] == written


def test_stop_words_keep_words_that_matter() -> None:
    assert {"us", "not", "no", "against"}.isdisjoint(STOP_WORDS)
    assert {"the", "of", "and"} <= STOP_WORDS
    words = [t.text for t in tokenize("The US is not against us.")]
    assert words == ["us", "not", "against", "us"]
    assert [t.text for t in tokenize("U.S. forces", stop_words=None)] == ["us", "forces"]


def test_ngrams_and_pickling() -> None:
    analyzer = Analyzer(ngram_range=(1, 2))
    assert analyzer("rebel groups advanced") == ["rebel", "groups", "advanced",
                                                 "rebel groups", "groups advanced"]
    clone = pickle.loads(pickle.dumps(analyzer))
    assert clone("rebel groups advanced") == analyzer("rebel groups advanced")
    with pytest.raises(ParameterError, match="ngram_range"):
        Analyzer(ngram_range=(2, 1))


def test_document_term_matrix_counts() -> None:
    dtm = document_term_matrix(["rebels rebels regime", "regime forces"])
    frame = dtm.frame(["a", "b"])
    assert frame.loc["a", "rebels"] == 2 and frame.loc["b", "rebels"] == 0
    assert frame.loc["b", "regime"] == 1 and list(dtm.vocabulary) == sorted(dtm.vocabulary)


@pytest.mark.parametrize("options", [
    {}, {"min_df": 2}, {"max_df": 0.5}, {"min_df": 0.2, "max_df": 3}, {"ngram_range": (1, 2)},
    {"stop_words": None}, {"max_features": 5},
])
def test_document_term_matrix_equals_countvectorizer_with_the_same_analyzer(options) -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    texts = ["The U.S. said Hayat Tahrir-al-Sham rebels took Aleppo.",
             "US officials: the  hayat tahrir al sham offensive; rebels, rebels, regime.",
             "Russia and the regime struck rebel-held Idlib.", "", "Not us; not against us.",
             "De-escalation in the Middle East, the White House said."]
    analyzer = Analyzer(stop_words=options.get("stop_words", STOP_WORDS),
                        ngram_range=options.get("ngram_range", (1, 1)))
    pruning = {k: v for k, v in options.items() if k in ("min_df", "max_df", "max_features")}
    expected = CountVectorizer(analyzer=analyzer, **pruning)
    X = expected.fit_transform(texts)
    dtm = document_term_matrix(texts, **options)
    if "max_features" in options:  # ties may be cut differently: compare the common terms
        assert len(dtm.vocabulary) == options["max_features"]
        assert {"rebels", "us"} <= set(dtm.vocabulary)
        return
    assert list(dtm.vocabulary) == list(expected.get_feature_names_out())
    assert (dtm.X != X).nnz == 0


def test_empty_vocabulary_after_pruning_explains_itself() -> None:
    with pytest.raises(ParameterError, match=r"min_df=5.*keep no term: 3 distinct terms in 2 texts"):
        document_term_matrix(["rebels regime", "forces"], min_df=5)


def test_kwic_finds_phrases_with_document_offsets() -> None:
    text = "The HTS terrorist group advanced. Officials called it a terrorist-group."
    docs = pd.DataFrame({"doc_id": ["d"], "outlet": ["X"], "text": [text],
                         "text_norm": [normalize_text(text)]})
    sentences = segment(docs)
    lines = kwic(sentences, "terrorist group", window=10)
    assert len(lines) == 2
    for row in lines.itertuples():
        assert text[row.start:row.end] == row.match
    assert lines.right.iloc[0] == " advanced."
    with pytest.raises(ParameterError, match="empty"):
        kwic(sentences, "  ")


def test_collocations_rank_a_planted_pair_first() -> None:
    texts = [f"rebel groups {verb} {place}" for verb, place in zip(
        ["took", "entered", "seized", "shelled", "left"],
        ["aleppo", "hama", "idlib", "homs", "daraa"])] + ["groups of people", "a rebel spoke"]
    table = collocations(texts, min_count=3)
    assert table.bigram.iloc[0] == "rebel groups"
    assert set(table.columns) == {"bigram", "count", "pmi", "likelihood_ratio"}
    with pytest.raises(ParameterError, match="measure"):
        collocations(texts, measure="dice")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ- .'\u0130\u00df1\n_")) | st.characters(),
               max_size=80))
@example("İdlib and ΑΣ.a İ")
def test_tokens_never_crash_and_offsets_slice_back(text: str) -> None:
    # the token is the text as written, lowercased in context (a final sigma depends on what
    # follows); "İ" lowercases to a plain "i" (str.lower would add a combining dot, a
    # non-word character that splits the word)
    lowered = text.replace("İ", "I").lower()
    for token in tokenize(text, stop_words=None):
        assert text[token.start:token.end]
        if " " not in token.text and token.text != "us":
            assert lowered[token.start:token.end] == token.text
    assert [t.text for t in tokenize("İdlib, Istanbul")] == ["idlib", "istanbul"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab cd-e'\n", max_size=25), max_size=8), st.integers(0, 8))
def test_counting_in_parts_then_pruning_equals_the_whole(texts: list[str], cut: int) -> None:
    from framelab.tokens import count_terms, document_term_matrix, prune_terms, stack_dtms

    whole = count_terms(texts, stop_words=None)
    parts = stack_dtms([count_terms(texts[:cut], stop_words=None),
                        count_terms(texts[cut:], stop_words=None)])
    assert parts.vocabulary.tolist() == whole.vocabulary.tolist()
    assert parts.X.shape == whole.X.shape and (parts.X != whole.X).nnz == 0
    if whole.X.nnz:
        pruned = prune_terms(parts, min_df=1, max_df=1.0)
        direct = document_term_matrix(texts, stop_words=None)
        assert pruned.vocabulary.tolist() == direct.vocabulary.tolist()
        assert (pruned.X != direct.X).nnz == 0


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="ab cd-e'\n", max_size=25), max_size=10),
       st.lists(st.integers(0, 10), max_size=3), st.sampled_from([1, 2, 3, 0.3]),
       st.sampled_from([1.0, 0.6, 2, 4]), st.sampled_from([None, 1, 3]))
def test_stack_pruned_equals_pruning_the_stack(texts: list[str], cuts: list[int],
                                                min_df: float, max_df: float,
                                                max_features: int | None) -> None:
    import numpy as np
    from framelab.errors import ParameterError
    from framelab.tokens import count_terms, prune_terms, stack_dtms, stack_pruned

    bounds = [0, *sorted(cuts), len(texts)]
    parts = [count_terms(texts[a:b], stop_words=None) for a, b in zip(bounds, bounds[1:])]
    try:
        want = prune_terms(stack_dtms(parts), min_df=min_df, max_df=max_df,
                           max_features=max_features)
    except ParameterError as error:
        with pytest.raises(ParameterError) as raised:
            stack_pruned(parts, min_df=min_df, max_df=max_df, max_features=max_features)
        assert str(raised.value) == str(error)
        return
    got = stack_pruned(parts, min_df=min_df, max_df=max_df, max_features=max_features)
    assert got.vocabulary.tolist() == want.vocabulary.tolist()
    assert got.X.dtype == np.int32 and got.X.has_sorted_indices
    assert got.X.shape == want.X.shape
    assert np.array_equal(got.X.indptr, want.X.indptr)
    assert np.array_equal(got.X.indices, want.X.indices)
    assert np.array_equal(got.X.data, want.X.data)


def test_stack_pruned_ranks_max_features_by_total_count_across_parts() -> None:
    from framelab.tokens import count_terms, stack_pruned

    # "alpha" is in one text but counted three times; "beta" and "gamma" in two texts each
    parts = [count_terms(["alpha alpha alpha beta", "beta gamma"], stop_words=None),
             count_terms(["gamma delta"], stop_words=None)]
    got = stack_pruned(parts, min_df=1, max_df=1.0, max_features=1)
    assert got.vocabulary.tolist() == ["alpha"]
    assert got.X.toarray().ravel().tolist() == [3, 0, 0]


def test_term_count_parts_pickle_and_empty_themselves_once_pruned() -> None:
    from framelab.tokens import TermCountParts, count_terms, prune_terms, stack_dtms

    texts = ["the cat sat", "a cat ran far far", "dogs ran", "the dogs sat sat", "cat"]
    parts = [count_terms(texts[:2], stop_words=None), count_terms(texts[2:], stop_words=None)]
    found = pickle.loads(pickle.dumps(TermCountParts.of(parts[0])))  # as a worker sends it
    found += pickle.loads(pickle.dumps(TermCountParts.of(parts[1])))
    assert found.n_rows == 5 and found.n_terms == len(stack_dtms(parts).vocabulary)
    with pytest.raises(ParameterError):
        found.pruned(min_df=6)
    assert found.n_rows == 5  # left as it was
    got = found.pruned(min_df=2)
    want = prune_terms(stack_dtms(parts), min_df=2)
    assert got.vocabulary.tolist() == want.vocabulary.tolist() == ["cat", "dogs", "ran", "sat",
                                                                   "the"]
    assert (got.X != want.X).nnz == 0
    assert found.n_rows == 0 and found.n_terms == 0


def test_align_columns_fills_missing_terms_and_drops_unknown_ones() -> None:
    import numpy as np
    from framelab.tokens import align_columns, count_terms

    counts = count_terms(["rebels rebels attack", "regime"], stop_words=None)
    X = align_columns(counts, np.array(["aleppo", "rebels", "regime"]))
    assert X.toarray().tolist() == [[0, 2, 0], [0, 0, 1]]
    assert align_columns(counts, np.array([], dtype=str)).shape == (2, 0)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(
    ["a", "b", "us", "U.S.", "united", "states", "al", "-", "qaeda", " ", "\n", ".", "'",
     "ΑΣ", "σ", "İ", "\x00", "x-", "-y", "_0_9_0_9_0_", "_0_9"]), max_size=12
    ).map("".join), max_size=6))
def test_one_scan_over_joined_texts_counts_what_per_text_scans_count(texts: list[str]) -> None:
    # count_terms scans all texts at once, joined by a word no text should hold (or text by
    # text if one holds it); either way the matrix must be the per-text reference
    from framelab.tokens import count_terms

    got = count_terms(texts, stop_words=None)
    analyzer = Analyzer(stop_words=None)
    want = [Counter(analyzer(t)) for t in texts]
    vocab = got.vocabulary.tolist()
    assert vocab == sorted(set().union(*want)) if want else vocab == []
    assert [dict(zip(vocab, row)) for row in got.X.toarray().tolist()] == \
        [{term: want_row.get(term, 0) for term in vocab} for want_row in want]


_FRAGMENTS = ["the", " ", "  ", "-", ".", "'", "u", "s", "a", "b", "x", "united", "states",
              "white", "house", "al", "qaeda", "free", "syrian", "army", "de", "escalation",
              "İ", "ß", "9", "_", "\n", "é", "people", "x-ray", "ab.", "ΑΣ"]
_EXTRA_MWES = ["a b", "-x y", "people's army", "u.s. military", "x-ray vision", "ab. cd",
               "9 11", "é x", "white house", "white house press"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=30).map("".join),
       st.lists(st.sampled_from(_EXTRA_MWES), max_size=4, unique=True), st.booleans())
@example("The U.S. and the United  States-backed al-Qaeda, a.b.c. x-ray de-escalation "
         "Hayat Tahrir al-Sham's US-led Islamic-State N.Y. i.e. 9/11 co-op white house-keeping "
         "a-b people's army", _EXTRA_MWES[:4], True)
def test_token_pattern_equals_its_plain_form(text: str, extra: list[str], lower: bool) -> None:
    # the compiled pattern is an optimised rewrite of the plain alternation (expressions,
    # then words, then acronyms, at the first character of a word): same matches; the
    # scanning pattern adds one-character matches that, with the tokens, cover every run of
    # word characters once, in order (what token_table's offsets rely on)
    import re as _re

    from framelab.tokens import _analyzer as tk

    mwes = tuple(tk.DEFAULT_MWES) + tuple(extra)
    text = text.lower() if lower else text
    pattern, scanner, _ = tk._compile(mwes)
    trie, _ = tk._mwe_trie(mwes)
    plain = _re.compile(tk._plain_pattern(trie))
    assert pattern.findall(text) == plain.findall(text)
    scanned = scanner.findall(text)
    assert [m for m in scanned if len(m) > 1] == plain.findall(text)
    assert sum(len(_re.findall(r"\w+", m)) for m in scanned) == len(_re.findall(r"\w+", text))
    assert "".join(scanned) == "".join(m.group() for m in scanner.finditer(text))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab _-.'9\n\u0130\u00df\u00e9\u03a3\ud800"))
               | st.characters(), max_size=40))
def test_run_starts_are_where_word_runs_begin(text: str) -> None:
    import re as _re

    from framelab.tokens._analyzer import _run_starts

    assert _run_starts(text).tolist() == [m.start() for m in _re.finditer(r"\w+", text)]


def test_dtm_from_tokens_is_count_terms() -> None:
    from framelab.tokens import count_terms, dtm_from_tokens, token_table

    texts = ["The White House denied it.", "", "Rebels (HTS) took Aleppo; the U.S. denied.",
             "white-house aides; a b c", "İstanbul talks"]
    for stop in (STOP_WORDS, None):
        got = dtm_from_tokens(token_table(texts, stop_words=stop), len(texts))
        want = count_terms(texts, stop_words=stop)
        assert got.vocabulary.tolist() == want.vocabulary.tolist()
        assert (got.X != want.X).nnz == 0 and got.X.shape == (5, len(want.vocabulary))
    with pytest.raises(ParameterError, match="categorical"):
        dtm_from_tokens(token_table(texts).astype({"token": str}), len(texts))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(
    ["a", "b", "us", "U.S.", "united", "states", "al", "-", "qaeda", " ", "\n", ".", "'",
     "ΑΣ", "σ", "İ", "x-", "-y", "_0_9_0_9_0_", "The", "rebels"]), max_size=12
    ).map("".join), max_size=6), st.booleans())
def test_token_table_is_tokenize_on_each_text(texts: list[str], keep_all: bool) -> None:
    from framelab.tokens import token_table, tokenize

    stop = None if keep_all else STOP_WORDS
    table = token_table(texts, stop_words=stop)
    want = [(i, t.text, t.start, t.end) for i, text in enumerate(texts)
            for t in tokenize(text, stop_words=stop)]
    assert list(table.itertuples(index=False, name=None)) == want
    assert list(table.columns) == ["text", "token", "start", "end"]
    assert list(table["token"].cat.categories) == sorted({row[1] for row in want})


def _reference_collocations(texts: list[str], min_count: int) -> pd.DataFrame:
    """NLTK's own finder over the texts, as collocations() worked before it added totals."""
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

    analyzer = Analyzer()
    finder = BigramCollocationFinder.from_documents(analyzer.words(t) for t in texts)
    finder.apply_freq_filter(min_count)
    pmi = dict(finder.score_ngrams(BigramAssocMeasures.pmi))
    llr = dict(finder.score_ngrams(BigramAssocMeasures.likelihood_ratio))
    rows = [(" ".join(bg), int(finder.ngram_fd[bg]), pmi[bg], llr[bg]) for bg in pmi]
    frame = pd.DataFrame(rows, columns=["bigram", "count", "pmi", "likelihood_ratio"])
    return frame.sort_values(["likelihood_ratio", "bigram"], ascending=[False, True])


def _seed_sentences() -> list[str]:
    from framelab.corpus import body, load_run_corpus

    _, sentences = load_run_corpus("seeds")
    return body(sentences).text_norm.tolist()


def test_totals_added_up_by_parts_equal_the_totals_of_all_texts() -> None:
    from framelab.tokens import TextTotals

    texts = _seed_sentences()
    whole = TextTotals.of(texts)
    parts = TextTotals.of(texts[:7])
    for lo in range(7, len(texts), 13):
        parts += TextTotals.of(texts[lo:lo + 13])
    assert parts == whole and whole.n_texts == len(texts)
    want = _reference_collocations(texts, 2).head(40).reset_index(drop=True)
    assert len(want) > 10
    pd.testing.assert_frame_equal(parts.collocations(min_count=2, top=40), want)
    dtm = document_term_matrix(texts)
    counts = np.asarray(dtm.X.sum(axis=0)).ravel()
    top = parts.top_terms(n=25)
    for term, count, df in top.itertuples(index=False):
        j = list(dtm.vocabulary).index(term)
        assert count == counts[j] and df == (dtm.X[:, j] > 0).sum()
    assert top["count"].is_monotonic_decreasing and top["count"].iloc[-1] >= \
        np.sort(counts)[-25]
    assert TextTotals.of([]).n_texts == 0
    with pytest.raises(ParameterError, match="keeps no term"):
        parts.top_terms(min_df=len(texts) + 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(
    ["a", "the", "us", "U.S.", "united", "states", "al", "-", "qaeda", " ", "\n", ".", "'",
     "ΑΣ", "σ", "İ", "\x00", "x-", "-y", "rebels", "regime", "_0_9_0_9_0_", "_0_9"]),
    max_size=14).map("".join), max_size=6))
def test_totals_from_one_scan_are_those_of_each_texts_words(texts: list[str]) -> None:
    # TextTotals.counted takes words, bigrams and lengths from the scan that counts the
    # terms; the reference tokenizes text by text with Analyzer.words
    from framelab.tokens import TextTotals, count_terms

    got, lengths = TextTotals.counted(texts)
    analyzer = Analyzer()
    words = [analyzer.words(t) for t in texts]
    assert lengths.tolist() == [len(w) for w in words]
    assert got.words == Counter(w for ws in words for w in ws)
    assert got.bigrams.to_counter() == Counter(p for ws in words for p in zip(ws, ws[1:]))
    assert got.terms == got.words
    assert got.term_texts == Counter(w for ws in words for w in set(ws))
    assert got.n_texts == len(texts)
    dtm = count_terms(texts)
    assert sorted(got.terms) == dtm.vocabulary.tolist()
    assert TextTotals.of(texts) == got
    # any other analyzer is applied text by text
    plain = Analyzer(stop_words=None)
    other = TextTotals.of(texts, analyzer=plain)
    assert other.words == Counter(w for t in texts for w in plain.words(t))
    assert other.terms == got.terms


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(
    ["a", "regime", "Regime", "change", "-", " ", "\n", ".", "x", "regimes", "\x00", "é"]),
    max_size=10).map("".join), max_size=6),
    st.sampled_from(["regime", "regime change", "regime*", "a a", "x"]), st.integers(0, 8))
def test_kwic_over_joined_sentences_is_kwic_of_each_sentence(texts, query, window) -> None:
    # kwic searches the sentences joined into one string; the reference searches each
    from framelab.tokens._concordance import _phrase_pattern

    sentences = pd.DataFrame({"doc_id": [f"d{i // 2}" for i in range(len(texts))],
                              "outlet": ["o"] * len(texts),
                              "sentence_id": [f"s{i}" for i in range(len(texts))],
                              "start": [10 * i for i in range(len(texts))],
                              "text_norm": texts})
    pattern = _phrase_pattern(query)
    want = [(f"d{i // 2}", "o", f"s{i}", 10 * i + m.start(), 10 * i + m.end(),
             t[max(0, m.start() - window):m.start()], m.group(), t[m.end():m.end() + window])
            for i, t in enumerate(texts) for m in pattern.finditer(t)]
    got = kwic(sentences, query, window=window)
    assert list(got.itertuples(index=False, name=None)) == want


def test_forgetting_memos_empties_them_and_changes_no_answer(monkeypatch) -> None:
    from framelab import tokens
    from framelab.corpus._inputs import normalise_date
    from framelab.tokens import _memos

    monkeypatch.setattr(_memos, "_CLEARERS", list(_memos._CLEARERS))  # registered below

    analyzer, twin = Analyzer(), Analyzer()   # equal tokenisers, each with its own memo
    text = "Rebel groups captured the northern city; the Pentagon said it was not involved."
    first = analyzer(text)
    twin(text)
    assert analyzer._memo and twin._memo  # type: ignore[attr-defined]
    normalise_date("11/18/16")
    assert normalise_date.cache_info().currsize
    cleared = []
    tokens.register_memo(lambda: cleared.append(1))
    tokens.forget_memos()
    assert not analyzer._memo and not twin._memo  # type: ignore[attr-defined]
    assert normalise_date.cache_info().currsize == 0 and cleared == [1]
    assert analyzer(text) == first and normalise_date("11/18/16") == "2016-11-18"
    # a pickled analyzer gets a memo of its own, emptied like any other
    again = pickle.loads(pickle.dumps(analyzer))
    again(text)
    tokens.forget_memos()
    assert not again._memo  # type: ignore[attr-defined]
