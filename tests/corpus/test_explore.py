from __future__ import annotations

import pandas as pd
import pytest
from framelab.corpus import body, kwic_explorer, load_run_corpus, normalize_text, segment
from framelab.errors import ParameterError
from framelab.tokens import kwic, sort_kwic


def test_typing_a_phrase_updates_lines_and_status() -> None:
    _, sentences = load_run_corpus("seeds")
    explorer = kwic_explorer(body(sentences), max_rows=2)
    assert explorer.query.continuous_update  # a small corpus is searched as you type
    assert "as you type" in explorer.status.value
    explorer.query.value = "terrorist offensive"  # what a reader types
    lines = explorer.lines
    assert len(lines) >= 2 and set(lines.doc_id) == {"004_1df3b752b83d812c"}
    assert lines.match.str.lower().eq("terrorist offensive").all()
    assert f"<b>{len(lines)}</b> occurrence(s)" in explorer.status.value
    assert "showing 2" in explorer.status.value
    explorer.query.value = ""
    assert explorer.lines.empty and "Type a word" in explorer.status.value
    big = kwic_explorer(body(sentences), live=False)
    assert not big.query.continuous_update and "press Enter" in big.status.value


def _sentences(*texts: str) -> pd.DataFrame:
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))],
                         "outlet": ["X"] * len(texts), "text": list(texts),
                         "text_norm": [normalize_text(t) for t in texts]})
    return segment(docs)


def test_wildcard_query_and_sorting_by_context() -> None:
    sentences = _sentences("Zeta said terrorists struck.", "Alpha saw terrorism grow.",
                           "Beta met a terror cell.", "The terrain was rough.")
    lines = kwic(sentences, "terror*")
    assert sorted(lines.match) == ["terror", "terrorism", "terrorists"]  # not "terrain"
    assert kwic(sentences, "terror").match.tolist() == ["terror"]
    by_left = sort_kwic(lines, by="left")  # nearest left word: a < said < saw
    assert by_left.match.tolist() == ["terror", "terrorists", "terrorism"]
    by_right = sort_kwic(lines, by="right")  # cell < grow < struck
    assert by_right.match.tolist() == ["terror", "terrorism", "terrorists"]
    with pytest.raises(ParameterError, match="by='middle'"):
        sort_kwic(lines, by="middle")
    with pytest.raises(ParameterError, match="only once, at the end"):
        kwic(sentences, "ter*or")


def test_explorer_shows_whole_context_with_the_keyword_aligned() -> None:
    long_left = "word " * 30
    sentences = _sentences(f"{long_left}regime forces advanced today.")
    explorer = kwic_explorer(sentences, window=120, query="regime", sort="left context")
    lines = explorer.lines
    assert len(lines.left.iloc[0]) > 100  # not cut at pandas' 50 characters
    assert explorer.shown is not None
    html = explorer.shown._repr_html_()  # what the widget's output area displays
    assert lines.left.iloc[0].strip() in html and "text-align: right" in html
    assert "..." not in html and "…" not in html
