from __future__ import annotations

from framelab.corpus import body, kwic_explorer, load_run_corpus


def test_typing_a_phrase_updates_lines_and_status() -> None:
    _, sentences = load_run_corpus("seeds")
    explorer = kwic_explorer(body(sentences), max_rows=2)
    explorer.query.value = "terrorist offensive"  # what a reader types
    lines = explorer.lines
    assert len(lines) >= 2 and set(lines.doc_id) == {"004_1df3b752b83d812c"}
    assert lines.match.str.lower().eq("terrorist offensive").all()
    assert f"<b>{len(lines)}</b> occurrence(s)" in explorer.status.value
    assert "showing 2" in explorer.status.value
    explorer.query.value = ""
    assert explorer.lines.empty and explorer.status.value == ""
