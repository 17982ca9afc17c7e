from __future__ import annotations

import pandas as pd
import pytest
from framelab.corpus import (
    SENTENCE_COLUMNS,
    body,
    load_corpus,
    load_run_corpus,
    normalize_text,
    paragraph_spans,
    segment,
    sentence_spans,
    units,
)
from framelab.errors import ParameterError
from hypothesis import given, settings
from hypothesis import strategies as st


def _docs(texts: dict[str, str], outlet: str = "") -> pd.DataFrame:
    frame = pd.DataFrame({"doc_id": list(texts), "outlet": outlet, "text": list(texts.values())})
    frame["text_norm"] = frame.text.map(normalize_text)
    return frame


def test_normalisation_folds_typography_and_keeps_length() -> None:
    raw = "\u201cRebels\u201d \u2014 the regime\u2019s\u00a0forces \u2013 \u2018so-called\u2019"
    norm = normalize_text(raw)
    assert norm == '"Rebels" - the regime\'s forces - \'so-called\''
    assert len(norm) == len(raw)


@pytest.mark.parametrize("text, expected", [
    ("U.S. officials met. They left.", ["U.S. officials met.", "They left."]),
    ("Maj. Gen. Pat Ryder spoke on Dec. 2 in Washington. He left.",
     ["Maj. Gen. Pat Ryder spoke on Dec. 2 in Washington.", "He left."]),
    ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
    ("Line one without stop\nLine two.", ["Line one without stop", "Line two."]),
])
def test_sentence_splitter_copes_with_abbreviations(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in sentence_spans(text)] == expected


def test_sentence_ids_are_stable_and_offsets_slice_the_original() -> None:
    docs = _docs({"d1": "First one.\n\nSecond \u201cquoted\u201d one. Third."})
    first, second = segment(docs), segment(docs)
    pd.testing.assert_frame_equal(first, second)
    assert list(first.columns) == SENTENCE_COLUMNS
    assert list(first.sentence_id) == ["d1:00000", "d1:00001", "d1:00002"]
    assert list(first.paragraph_index) == [0, 1, 1]
    for row in first.itertuples():
        assert docs.text[0][row.start:row.end] == row.text


def test_related_marker_headline_caption_and_byline_are_tagged() -> None:
    text = ("Rebels took the city on Monday, officials said.\n\n"
            "Smoke rises over the city on November 30, 2024.\n"
            "Related article\n"
            "Jets step up strikes on rebels\n\n"
            "The fighting continued.\n\n"
            "Jane Doe contributed to this report.")
    sentences = segment(_docs({"d": text}))
    kinds = dict(zip(sentences.text, sentences.segment))
    assert kinds["Rebels took the city on Monday, officials said."] == "body"
    assert kinds["Smoke rises over the city on November 30, 2024."] == "caption"
    assert kinds["Related article"] == "related"
    assert kinds["Jets step up strikes on rebels"] == "related"
    assert kinds["The fighting continued."] == "body"
    assert kinds["Jane Doe contributed to this report."] == "byline"
    assert list(body(sentences).text) == ["Rebels took the city on Monday, officials said.",
                                          "The fighting continued."]
    assert len(body(sentences, include_nonbody=True)) == len(sentences)


def test_lines_repeated_across_an_outlets_documents_are_boilerplate() -> None:
    footer = "Subscribe to our channel for daily news"
    texts = {f"d{i}": f"Story number {i} is here.\n{footer}" for i in range(4)}
    sentences = segment(_docs(texts, outlet="RT"))
    assert set(sentences.loc[sentences.text == footer, "segment"]) == {"boilerplate"}
    assert set(sentences.loc[sentences.text != footer, "segment"]) == {"body"}
    # the same line in a single document of another outlet is not boilerplate by repetition
    once = segment(_docs({"x": "A story.\nA line that is repeated elsewhere"}, outlet="X"))
    assert set(once.segment) == {"body"}


def test_seed_cnn_furniture_is_set_aside() -> None:
    _, sentences = load_run_corpus("seeds")
    cnn = sentences[sentences.doc_id.str.startswith("002")]
    nonbody = cnn[cnn.segment != "body"]
    assert set(nonbody.segment) == {"caption", "related", "byline"}
    assert nonbody.text.str.contains("Related article").sum() == 2
    assert nonbody.text.str.contains("contributed to this report").sum() == 1


def test_units_by_document_paragraph_and_window() -> None:
    sentences = segment(_docs({"d": "A one. A two.\nB one. B two. B three."}))
    assert list(units(sentences, "document").unit_id) == ["d"]
    paragraphs = units(sentences, "paragraph")
    assert list(paragraphs.n_sentences) == [2, 3]
    windows = units(sentences, 2)
    assert list(windows.n_sentences) == [2, 2, 1]
    assert windows.text_norm.iloc[0] == "A one. A two."
    with pytest.raises(ParameterError, match="unit='chapter'"):
        units(sentences, "chapter")
    with pytest.raises(ParameterError, match="at least 1 sentence"):
        units(sentences, 0)


def test_boilerplate_threshold_is_validated() -> None:
    with pytest.raises(ParameterError, match="boilerplate_min_docs=1"):
        segment(_docs({"d": "x"}), boilerplate_min_docs=1)


_TEXT = st.text(alphabet=st.sampled_from(list("ab .,!?\"'\n\u201c\u201d\u2019\u2014\u00a0U.S")),
                max_size=200)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_segmentation_never_crashes_and_offsets_slice_back(text: str) -> None:
    docs = _docs({"d": text})
    sentences = segment(docs)
    for row in sentences.itertuples():
        assert text[row.start:row.end] == row.text
        assert row.text.strip() == row.text and row.text
        assert "\n" not in row.text
    for start, end in paragraph_spans(text):
        assert text[start:end].strip() == text[start:end]


def test_seed_sentences_cover_every_word(txt_corpus) -> None:
    docs = load_corpus(txt_corpus)
    sentences = segment(docs)
    for doc in docs.itertuples():
        covered = "".join(sentences.loc[sentences.doc_id == doc.doc_id, "text"])
        assert covered.replace(" ", "") == doc.text.replace(" ", "").replace("\n", "")


_TRIGGERS = ["by ", "By Jane Doe", "reporting by", "Writing by", "contributed reporting to this "
             "report", "staff reporter", "wire reporter", "follow us on X", "Subscribe",
             "sign up", "Copyright", "(c)", "\u00a9", "share this", "Share on", "click here",
             "Advertisement", "you can share this story", "All Rights Reserved", "Getty Images",
             "AP Photo", "AFP", "Reuters", "EPA", "Anadolu", "Sputnik", "TASS", "Shutterstock",
             "Photo:", "image :", "File photo:", "Picture:", "Video:", "Credit:"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_TRIGGERS),
                          st.text(alphabet="aBiIİıKkſSs \t\n:.,()-\u212a", max_size=6)),
                max_size=6).map("".join))
def test_paragraph_prefilters_never_hide_a_match(text: str) -> None:
    # the cheap tests must pass whenever the pattern they guard matches (else a byline,
    # boilerplate line or caption would be analysed as body)
    from framelab.corpus import _segment as sg

    folded = sg._fold(text)
    for pattern, maybe in ((sg._BYLINE, sg._maybe_byline), (sg._BOILERPLATE,
                           sg._maybe_boilerplate), (sg._CAPTION, sg._maybe_caption)):
        if pattern.search(text):
            assert maybe(folded), (pattern.pattern[:40], text)


def test_prefilters_see_through_unicode_case_equivalents() -> None:
    from framelab.corpus import _segment as sg

    # "İ" and "ı" match "i" under re.IGNORECASE; casefold alone would hide them
    for text in ("Wrİting by Jane Doe", "Credıt: x", "Vıdeo: clip", "PİCTURE: a"):
        patterns = (sg._BYLINE, sg._BOILERPLATE, sg._CAPTION)
        assert any(p.search(text) for p in patterns), text
        folded = sg._fold(text)
        assert any(m(folded) for m in (sg._maybe_byline, sg._maybe_boilerplate,
                                       sg._maybe_caption)), text
