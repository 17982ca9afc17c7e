from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from framelab.corpus import DOC_COLUMNS, ColumnMap, group_key, load_corpus, load_run_corpus
from framelab.errors import ColumnError, CorpusError, CorpusWarning, ParameterError
from framelab.paths import SEEDS_DIR


def test_folder_loads_with_stems_as_ids_and_normalised_text(txt_corpus: Path) -> None:
    docs = load_corpus(txt_corpus)
    assert list(docs.columns[:len(DOC_COLUMNS)]) == DOC_COLUMNS
    assert list(docs.doc_id) == ["a1", "a2", "b1"]
    a1 = docs.set_index("doc_id").loc["a1"]
    assert "\u201c" in a1.text and "\u201c" not in a1.text_norm
    assert len(a1.text) == len(a1.text_norm)
    assert (docs.outlet == "").all()


def test_seed_metadata_names_only_cnn() -> None:
    docs = load_corpus(SEEDS_DIR)
    assert len(docs) == 5
    outlets = docs.set_index("doc_id").outlet
    assert outlets["002_5d96f09cec2c05ce"] == "CNN"
    assert (outlets.drop("002_5d96f09cec2c05ce") == "").all()
    groups = group_key(docs)
    assert groups.iloc[0] == docs.doc_id.iloc[0]  # unknown outlet: grouped by document


def test_csv_with_other_column_names(tmp_path: Path) -> None:
    path = tmp_path / "my.csv"
    pd.DataFrame({"uid": ["x", "y"], "article_content": ["One text here.", "Another one."],
                  "source": ["RT", "CNN"], "published": ["2024-12-01", "2024-12-02"],
                  "section": ["world", "us"]}).to_csv(path, index=False)
    docs = load_corpus(path, columns=ColumnMap(id="uid", text="article_content",
                                               outlet="source"))
    assert list(docs.doc_id) == ["x", "y"]
    assert list(docs.outlet) == ["RT", "CNN"]
    assert list(docs.date) == ["2024-12-01", "2024-12-02"]  # guessed from "published"
    assert list(docs.section) == ["world", "us"]  # extra columns are kept


def test_missing_text_column_lists_columns(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    pd.DataFrame({"headline_x": ["a"], "words": ["b"]}).to_csv(path, index=False)
    with pytest.raises(ColumnError, match=r"bad.csv.*columns found: headline_x, words"):
        load_corpus(path)
    with pytest.raises(ColumnError, match=r"no column 'body_text'.*headline_x"):
        load_corpus(path, columns=ColumnMap(text="body_text"))


def test_jsonl_and_parquet(tmp_path: Path) -> None:
    rows = [{"id": "j1", "text": "First article.", "outlet": "A"},
            {"id": "j2", "text": "Second article.", "outlet": "B"}]
    jl = tmp_path / "c.jsonl"
    jl.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    pq = tmp_path / "c.parquet"
    pd.DataFrame(rows).to_parquet(pq)
    for path in (jl, pq):
        docs = load_corpus(path)
        assert list(docs.doc_id) == ["j1", "j2"] and list(docs.outlet) == ["A", "B"]


def test_malformed_jsonl_line_is_named_or_skipped_on_request(tmp_path: Path) -> None:
    jl = tmp_path / "c.jsonl"
    jl.write_text('{"id": "1", "text": "ok"}\n{"id": "2", "text": \n{"id": "3", "text": "ok"}\n')
    with pytest.raises(CorpusError, match=r"c.jsonl: line 2 .*on-bad-rows skip"):
        load_corpus(jl)
    with pytest.warns(CorpusWarning, match="line 2"):
        docs = load_corpus(jl, on_bad_rows="skip")
    assert list(docs.doc_id) == ["1", "3"]


def test_malformed_csv_row_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,text\n1,fine\n2,too,many,fields\n3,fine\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"c.csv.*line 3"):
        load_corpus(path)
    with pytest.warns(CorpusWarning, match=r"line 3 has 4 fields where the header has 2; skipped"):
        docs = load_corpus(path, on_bad_rows="skip")
    assert list(docs.doc_id) == ["1", "3"]


def test_non_utf8_file_is_decoded_with_a_warning(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "old.txt").write_bytes("The regime\x92s \x93forces\x94.".encode("latin-1"))
    with pytest.warns(CorpusWarning, match=r"old.txt: not valid UTF-8.*cp1252"):
        docs = load_corpus(folder)
    assert docs.text.iloc[0] == "The regime\u2019s \u201cforces\u201d."


def test_binary_file_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "ok.txt").write_text("Fine.")
    (folder / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(CorpusError, match=r"img.txt: looks like a binary file"):
        load_corpus(folder)


def test_empty_documents_are_dropped_loudly(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text("Text.")
    (folder / "b.txt").write_text("   \n")
    with pytest.warns(CorpusWarning, match=r"1 empty document\(s\) dropped: .*b.txt"):
        docs = load_corpus(folder)
    assert list(docs.doc_id) == ["a"]


def test_empty_corpus_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="the corpus is empty"):
        load_corpus(tmp_path / "empty")
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")


def test_duplicate_ids_are_an_error_and_duplicate_texts_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    pd.DataFrame({"id": ["1", "1"], "text": ["a", "b"]}).to_csv(path, index=False)
    with pytest.raises(CorpusError, match=r"doc_id '1' occurs 2 times"):
        load_corpus(path)
    pd.DataFrame({"id": ["1", "2"], "text": ["same", "same"]}).to_csv(path, index=False)
    with pytest.warns(CorpusWarning, match=r"occur more than once \(1 = 2\)"):
        docs = load_corpus(path)
    assert len(docs) == 2


def test_metadata_orphans_are_reported_both_ways(txt_corpus: Path, tmp_path: Path) -> None:
    meta = tmp_path / "meta.csv"
    pd.DataFrame({"doc_id": ["a1", "zz"], "outlet": ["Outlet A", "Ghost"],
                  "country": ["US", "RU"]}).to_csv(meta, index=False)
    with pytest.warns(CorpusWarning) as record:
        docs = load_corpus(txt_corpus, metadata=meta)
    messages = " ".join(str(w.message) for w in record)
    assert "1 metadata row(s) match no document: zz" in messages
    assert "2 document(s) have no metadata row: a2, b1" in messages
    assert docs.set_index("doc_id").loc["a1", "outlet"] == "Outlet A"
    assert docs.set_index("doc_id").loc["a2", "country"] == ""


def test_metadata_without_doc_id_column(txt_corpus: Path, tmp_path: Path) -> None:
    meta = tmp_path / "meta.csv"
    pd.DataFrame({"id": ["a1"], "outlet": ["A"]}).to_csv(meta, index=False)
    with pytest.raises(ColumnError, match=r"needs a 'doc_id' column; columns found: id, outlet"):
        load_corpus(txt_corpus, metadata=meta)


def test_group_key_errors_list_columns(txt_corpus: Path) -> None:
    docs = load_corpus(txt_corpus)
    with pytest.raises(ColumnError, match=r"group_by='country' is not a column; available: doc_id"):
        group_key(docs, "country")


def test_unknown_options_are_rejected() -> None:
    with pytest.raises(ParameterError, match="unknown column option 'txt_column'"):
        ColumnMap.from_options(txt_column="x")
    with pytest.raises(ParameterError, match="on_bad_rows='ignore'"):
        load_corpus(SEEDS_DIR, on_bad_rows="ignore")


def test_load_run_corpus_copies_metadata_to_sentences(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    pd.DataFrame({"id": ["1", "2"], "text": ["One. Two.", "Three."],
                  "country": ["US", "RU"]}).to_csv(path, index=False)
    docs, sentences = load_run_corpus(str(path))
    assert list(sentences.country) == ["US", "US", "RU"]
    assert group_key(sentences, "country").tolist() == ["US", "US", "RU"]


def test_a_column_named_like_a_field_but_mapped_elsewhere_is_left_out_loudly(
        tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    pd.DataFrame({"id": ["RT", "CNN"], "text": ["One.", "Two."],
                  "outlet": ["x", "y"]}).to_csv(path, index=False)
    with pytest.warns(CorpusWarning, match=r"column\(s\) outlet are not used"):
        docs = load_corpus(path, columns=ColumnMap(outlet="id", id="text"))
    assert list(docs.outlet) == ["RT", "CNN"] and list(docs.doc_id) == ["One.", "Two."]
