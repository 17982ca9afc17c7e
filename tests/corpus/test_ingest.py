"""Streaming ingestion (framelab.corpus) and the Parquet corpus cache (framelab.run)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from framelab.corpus import (
    ColumnMap,
    DocumentStream,
    iter_documents,
    load_corpus,
    load_run_corpus,
    segment,
)
from framelab.errors import CorpusError, CorpusWarning, ParameterError
from framelab.run import CorpusCache, build_cache, load_run_corpus_cached
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROWS = [
    {"id": "r1", "text": "The rebels advanced on Aleppo.\nU.S. officials said so.", "outlet": "A"},
    {"id": "r2", "text": "Militants attacked the city. The \u2018regime\u2019 answered.",
     "outlet": "B"},
    {"id": "r3", "text": "Hayat Tahrir al-Sham took the airport.", "outlet": "A"},
    {"id": "r4", "text": "   ", "outlet": "B"},
    {"id": "r5", "text": "A long day\u2014and a longer night.", "outlet": ""},
    {"id": "r6", "text": "Damascus condemned the assault.", "outlet": "A"},
    {"id": "r7", "text": "The army retreated. \u201cWe are not involved,\u201d he said.",
     "outlet": "B"},
]


def _write(path: Path, rows: list[dict]) -> Path:
    frame = pd.DataFrame(rows)
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    elif path.suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_csv(path, index=False, sep="\t" if path.suffix == ".tsv" else ",")
    return path


def _stream(path: Path, **options) -> pd.DataFrame:
    return pd.concat(list(iter_documents(path, **options)), ignore_index=True)


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        return fn(*args, **kwargs)


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
def test_chunks_concatenate_to_load_corpus(tmp_path: Path, suffix: str) -> None:
    path = _write(tmp_path / f"c{suffix}", ROWS)
    expected = _quiet(load_corpus, path)
    chunks = _quiet(list, iter_documents(path, chunk_size=2))
    assert [len(c) for c in chunks] == [2, 1, 2, 1]  # r4 (empty) dropped from the 2nd chunk
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), expected)
    assert expected.doc_id.tolist() == ["r1", "r2", "r3", "r5", "r6", "r7"]


def test_folder_and_rows_without_ids_are_numbered_across_chunks(txt_corpus: Path,
                                                                 tmp_path: Path) -> None:
    pd.testing.assert_frame_equal(_stream(txt_corpus, chunk_size=2), load_corpus(txt_corpus))
    path = _write(tmp_path / "noid.csv", [{"body": r["text"]} for r in ROWS if r["text"].strip()])
    streamed = _stream(path, chunk_size=4)
    assert streamed.doc_id.tolist() == [f"noid-{i:06d}" for i in range(1, 7)]
    pd.testing.assert_frame_equal(streamed, load_corpus(path))


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk_size=st.integers(1, 9), texts=st.lists(
    st.text(alphabet=st.sampled_from('ab ,."\n\u2019\u00e9'), max_size=30), min_size=1,
    max_size=8))
def test_any_chunk_size_gives_load_corpus(tmp_path: Path, chunk_size: int,
                                          texts: list[str]) -> None:
    rows = [{"id": f"d{i}", "text": t + " x"} for i, t in enumerate(texts)]
    path = _write(tmp_path / "h.csv", rows)
    pd.testing.assert_frame_equal(_quiet(_stream, path, chunk_size=chunk_size),
                                  _quiet(load_corpus, path))


def test_malformed_csv_row_in_the_middle_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text('id,text\n1,"first\nspans two lines"\n2,fine\n3,too,many\n4,"also\nfine"\n',
                    encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.csv: line 5 has 3 fields where the header has "
                       r"2.*on-bad-rows skip"):
        _stream(path, chunk_size=1)
    with pytest.warns(CorpusWarning, match=r"line 5 has 3 fields.*skipped because"):
        docs = _stream(path, chunk_size=1, on_bad_rows="skip")
    assert docs.doc_id.tolist() == ["1", "2", "4"]
    assert docs.text.iloc[2] == "also\nfine"


def test_malformed_jsonl_line_in_the_middle(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "1", "text": "ok"}\n\n{"id": "2", "text": "ok too"}\n'
                    '{"id": "3", "text": \n{"id": "4", "text": "fine"}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.jsonl: line 4 is not a JSON object"):
        _stream(path, chunk_size=1)
    with pytest.warns(CorpusWarning, match=r"line 4 .*skipped because on_bad_rows='skip'"):
        docs = _stream(path, chunk_size=1, on_bad_rows="skip")
    assert docs.doc_id.tolist() == ["1", "2", "4"]
    assert docs.origin.tolist()[-1].endswith("bad.jsonl:line 5")


def test_duplicate_id_across_chunks_is_an_error_naming_both_rows(tmp_path: Path) -> None:
    rows = [{"id": f"d{i}", "text": f"Text number {i}."} for i in range(7)]
    rows[5]["id"] = "d1"
    path = _write(tmp_path / "dup.jsonl", rows)
    with pytest.raises(CorpusError, match=r"doc_id 'd1' occurs more than once with different content "
                       r"\(.*dup.jsonl:line 2, .*dup.jsonl:line 6\)"):
        _stream(path, chunk_size=2)


def test_repeated_text_across_chunks_is_a_warning(tmp_path: Path) -> None:
    rows = [{"id": f"d{i}", "text": f"Text number {i}."} for i in range(5)]
    rows[4]["text"] = rows[0]["text"]
    path = _write(tmp_path / "rep.csv", rows)
    with pytest.warns(CorpusWarning, match=r"1 document\(s\) repeat the text of an earlier "
                      r"document \(d4 \(.*row 5\) = .*row 1\)"):
        docs = _stream(path, chunk_size=2)
    assert len(docs) == 5


def test_repeated_texts_inside_chunks_are_counted_once_for_the_corpus(tmp_path: Path) -> None:
    # each chunk of 3 holds one repeat: one warning for the corpus, not one per chunk
    rows = [{"id": f"d{i}", "text": f"Text number {i}."} for i in range(6)]
    rows[1]["text"], rows[5]["text"] = rows[0]["text"], rows[3]["text"]
    path = _write(tmp_path / "rep.jsonl", rows)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        docs = _stream(path, chunk_size=3)
    said = [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]
    assert len(said) == 1, said
    assert re.search(r"2 document\(s\) repeat the text of an earlier document \(d1 \(.*line 2\)"
                     r" = .*line 1; d5 \(.*line 6\) = .*line 4\)", said[0]), said[0]
    assert len(docs) == 6


def test_a_chunk_of_only_empty_documents_is_dropped_not_fatal(tmp_path: Path) -> None:
    rows = [{"id": "a", "text": "Fine."}, {"id": "b", "text": " "}, {"id": "c", "text": ""},
            {"id": "d", "text": "Also fine."}]
    path = _write(tmp_path / "e.jsonl", rows)
    stream = DocumentStream(path, chunk_size=1)
    with pytest.warns(CorpusWarning) as record:
        docs = pd.concat(list(stream), ignore_index=True)
    assert [str(w.message).split(": ", 1)[1] for w in record] == [
        f"1 empty document(s) dropped: {path}:line {n}" for n in (2, 3)]
    assert docs.doc_id.tolist() == ["a", "d"] and stream.n_documents == 2
    only_empty = _write(tmp_path / "none.jsonl", rows[1:3])
    with pytest.raises(CorpusError, match="the corpus is empty"):
        _quiet(_stream, only_empty)


def test_non_utf8_csv_and_metadata_sidecar_match_load_corpus(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_bytes("id,text\n1,The regime\x92s forces.\n2,\x93Rebels\x94 advanced.\n3,Calm.\n"
                     .encode("latin-1"))
    meta = _write(tmp_path / "meta.csv", [{"doc_id": "1", "outlet": "RT", "country": "RU"},
                                           {"doc_id": "9", "outlet": "X", "country": "??"}])
    with pytest.warns(CorpusWarning) as record:
        streamed = _stream(path, metadata=meta, chunk_size=2)
    messages = " ".join(str(w.message) for w in record)
    assert "not valid UTF-8 (byte 20); decoded as cp1252" in messages
    assert "1 metadata row(s) match no document: 9" in messages
    assert "2 document(s) have no metadata row: 2, 3" in messages
    expected = _quiet(load_corpus, path, metadata=meta)
    pd.testing.assert_frame_equal(streamed, expected)
    assert streamed.text.iloc[0] == "The regime\u2019s forces."


def test_options_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="on_bad_rows='ignore'"):
        DocumentStream(tmp_path, on_bad_rows="ignore")
    with pytest.raises(ParameterError, match="chunk_size=0"):
        DocumentStream(tmp_path, chunk_size=0)
    with pytest.raises(CorpusError, match="does not exist"):
        DocumentStream(tmp_path / "nope.csv")


# --- the cache ---------------------------------------------------------------------------

def _boilerplate_corpus(tmp_path: Path) -> Path:
    """Outlet A repeats a sign-off line in 3 of its 6 articles, 2 chunks apart."""
    rows = []
    for i in range(8):
        outlet = "A" if i < 6 else "B"
        text = f"Story {i} begins here. It goes on.\nA second paragraph {i}."
        if i in (0, 3, 5):
            text += "\nA is proudly independent since 1990"
        rows.append({"id": f"s{i}", "text": text, "outlet": outlet})
    return _write(tmp_path / "b.jsonl", rows)


def test_cache_equals_load_corpus_and_segment_with_boilerplate_found_across_chunks(
        tmp_path: Path) -> None:
    path = _boilerplate_corpus(tmp_path)
    docs = load_corpus(path)
    sentences = segment(docs)
    cache = build_cache(path, cache_dir=tmp_path / "cache", chunk_size=2, progress=False)
    pd.testing.assert_frame_equal(cache.documents(), docs)
    pd.testing.assert_frame_equal(cache.sentences(), sentences)
    signoff = sentences[sentences.text.str.contains("proudly")]
    assert (signoff.segment == "boilerplate").all() and len(signoff) == 3
    assert len(cache.parts) == 4
    files = {p.suffix for p in cache.path.rglob("*") if p.is_file()}
    assert files == {".json", ".parquet"}  # nothing pickled


def test_cache_hit_is_identical_and_settings_or_content_changes_miss(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.csv", ROWS)
    root = tmp_path / "cache"
    with pytest.warns(CorpusWarning, match="empty document"):
        first = load_run_corpus_cached(path, cache_dir=root, progress=False)
    with pytest.warns(CorpusWarning, match=r"empty document.*recorded when the corpus cache"):
        again = load_run_corpus_cached(path, cache_dir=root, progress=False)
    expected = _quiet(load_run_corpus, path)
    for got, hit, want in zip(first, again, expected):
        pd.testing.assert_frame_equal(got, want)
        pd.testing.assert_frame_equal(hit, want)
    keys = {p.name for p in root.iterdir()}
    assert len(keys) == 1
    _quiet(build_cache, path, cache_dir=root, on_bad_rows="skip", progress=False)
    _quiet(build_cache, path, cache_dir=root, columns=ColumnMap(id="id", text="text"),
           progress=False)
    assert len({p.name for p in root.iterdir()}) == 3
    cache = _quiet(build_cache, path, cache_dir=root, boilerplate_min_docs=4, progress=False)
    assert len(list(cache.path.glob("sentences-*"))) == 2  # one per segmentation setting
    _write(path, ROWS[:3])
    changed = _quiet(build_cache, path, cache_dir=root, progress=False)
    assert len({p.name for p in root.iterdir()}) == 4 and changed.n_documents == 3


def test_a_failed_build_leaves_no_half_cache(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{"id": f"d{i}", "text": f"Text {i}."} for i in range(6)]
    path = tmp_path / "late.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{broken\n", encoding="utf-8")
    root = tmp_path / "cache"
    with pytest.raises(CorpusError, match="line 7"):
        build_cache(path, cache_dir=root, chunk_size=2, progress=False)
    assert list(root.iterdir()) == []
    _write(path, rows)
    import framelab.run._cache as fcache

    def boom(documents: pd.DataFrame, repeated: object) -> pd.DataFrame:
        raise RuntimeError("segmentation failed")

    monkeypatch.setattr(fcache, "segment_chunk", boom)
    with pytest.raises(RuntimeError, match="segmentation failed"):
        build_cache(path, cache_dir=root, chunk_size=2, progress=False)
    (entry,) = [p for p in root.iterdir()]
    assert not entry.name.startswith(".tmp")  # the documents were finished and kept ...
    assert not list(entry.glob("sentences-*")) and not list(entry.glob(".tmp*"))  # ... no half
    monkeypatch.undo()
    cache = CorpusCache(entry)
    pd.testing.assert_frame_equal(cache.documents(), load_corpus(path))


def test_segmentation_parameters_are_checked(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.jsonl", ROWS[:2])
    with pytest.raises(ParameterError, match="boilerplate_min_docs=1"):
        build_cache(path, cache_dir=tmp_path, boilerplate_min_docs=1, progress=False)
    docs = load_corpus(path)
    cache = build_cache(path, cache_dir=tmp_path / "c", boilerplate_min_docs=2,
                        boilerplate_min_share=0.5, progress=False)
    pd.testing.assert_frame_equal(
        cache.sentences(boilerplate_min_docs=2, boilerplate_min_share=0.5),
        segment(docs, boilerplate_min_docs=2, boilerplate_min_share=0.5))
