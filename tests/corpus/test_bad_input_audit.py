"""The bad-input audit (issue 20): every kind of bad or unusual input has a written-down
outcome — an error naming what is wrong, or a warning saying what was changed and the data kept.

Each corpus case runs through both readers (the eager :func:`load_corpus` and the chunked
:func:`iter_documents`, with chunks of two documents), so that both follow the same rules. No
notebook runs here: report and CLI cases fail in the checks made before anything runs.
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from framelab import cli
from framelab.corpus import iter_documents, load_corpus
from framelab.errors import CorpusWarning, FramelabError, ParameterError
from framelab.outputs import safe_file_stem

Make = Callable[[Path], dict[str, Any]]
Check = Callable[[pd.DataFrame], Any]


@dataclass(frozen=True)
class Case:
    """One bad input: how to make it, and its outcome (an error or a warning plus a check
    of what was kept)."""

    name: str
    make: Make
    error: str | None = None
    warn: str | None = None
    check: Check | None = None
    eager_error: str | None = None  # where the eager reader words the error differently


def _csv(text: str, name: str = "c.csv", encoding: str = "utf-8") -> Make:
    def make(tmp: Path) -> dict[str, Any]:
        (tmp / name).write_bytes(text.encode(encoding))
        return {"path": tmp / name}
    return make


def _raw(data: bytes, name: str) -> Make:
    def make(tmp: Path) -> dict[str, Any]:
        (tmp / name).write_bytes(data)
        return {"path": tmp / name}
    return make


def _jsonl(rows: list[Any], name: str = "c.jsonl", opener: Callable[..., Any] = open) -> Make:
    def make(tmp: Path) -> dict[str, Any]:
        with opener(tmp / name, "wt", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
        return {"path": tmp / name}
    return make


def _zst_jsonl(rows: list[Any]) -> Make:
    def make(tmp: Path) -> dict[str, Any]:
        import pyarrow as pa

        with pa.output_stream(str(tmp / "c.jsonl.zst"), compression="zstd") as out:
            out.write("".join(json.dumps(r) + "\n" for r in rows).encode())
        return {"path": tmp / "c.jsonl.zst"}
    return make


def _parquet(frame: pd.DataFrame, truncate: bool = False) -> Make:
    def make(tmp: Path) -> dict[str, Any]:
        path = tmp / "c.parquet"
        frame.to_parquet(path)
        if truncate:
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        return {"path": path}
    return make


def _folder(files: dict[str, bytes], extra: Callable[[Path], None] | None = None) -> Make:
    def make(tmp: Path) -> dict[str, Any]:
        folder = tmp / "corpus"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        if extra is not None:
            extra(folder)
        return {"path": folder}
    return make


def _with_meta(base: Make, meta: bytes, **options: Any) -> Make:
    def make(tmp: Path) -> dict[str, Any]:
        kw = base(tmp)
        (tmp / "meta.csv").write_bytes(meta)
        return {**kw, "metadata": tmp / "meta.csv", **options}
    return make


GOOD = [{"id": "a", "text": "First story.", "outlet": "X", "date": "2016-11-18"},
        {"id": "b", "text": "Second story.", "outlet": "Y", "date": "2016-11-19"},
        {"id": "c", "text": "Third story.", "outlet": "X", "date": "2016-11-20"}]
GOOD_CSV = "id,text,outlet,date\na,First story.,X,2016-11-18\nb,Second story.,Y,2016-11-19\n" \
           "c,Third story.,X,2016-11-20\n"


def _dates(*values: str) -> Make:
    return _jsonl([{"id": f"d{i}", "text": f"Story {i}.", "date": v}
                   for i, v in enumerate(values)])


def _ids(docs: pd.DataFrame) -> list[str]:
    return docs["doc_id"].tolist()


def _symlink(target: str, name: str) -> Callable[[Path], None]:
    return lambda folder: os.symlink(target, folder / name)


CORPUS_CASES = [
    # --- paths and formats
    Case("missing path", lambda t: {"path": t / "nope.csv"}, error=r"nope.csv does not exist"),
    Case("unknown format", _raw(b"text", "c.docx"), error=r"unknown corpus format '.docx'"),
    Case("compressed parquet", _raw(b"x", "c.parquet.gz"), error=r"unknown corpus format"),
    Case("no suffix", _raw(b"x", "corpusfile"), error=r"unknown corpus format"),
    Case("zero-byte CSV", _raw(b"", "c.csv"), error=r"empty"),
    Case("CSV header only", _csv("id,text\n"), error=r"the corpus is empty"),
    Case("CSV without a text column", _csv("id,words\na,hello\n"),
         error=r"cannot tell which column holds the text; columns found: id, words"),
    Case("text column named but absent", lambda t: {**_csv(GOOD_CSV)(t),
                                                    "columns": _colmap(text="body")},
         error=r"no column 'body' for the text"),
    Case("ragged CSV row", _csv("id,text\na,one\nb,two,extra\nc,three\n"),
         error=r"c.csv: line 3 has 3 fields where the header has 2"),
    Case("long first CSV row", _csv("id,text\na,one,two,three\nb,two\n"),
         error=r"line 2 has 4 fields where the header has 2"),
    Case("short CSV row", _csv("id,text,outlet\na,one,X\nb,two\n"),
         error=r"line 3 has 2 fields where the header has 3"),
    Case("long first CSV row skipped", lambda t: {**_csv("id,text\na,one,two\nb,two\n")(t),
                                                  "on_bad_rows": "skip"},
         warn=r"line 2 has 3 fields where the header has 2.*; skipped",
         check=lambda d: _ids(d) == ["b"]),
    Case("repeated CSV column", _csv("id,text,text\na,one,two\n"),
         error=r"the header repeats the column name\(s\) 'text'"),
    Case("ragged CSV row skipped", lambda t: {**_csv("id,text\na,one\nb,two,extra\nc,three\n")(t),
                                              "on_bad_rows": "skip"},
         warn=r"skipped", check=lambda d: _ids(d) == ["a", "c"]),
    Case("stray quote swallows rows", lambda t: {**_csv('id,text\na,one\nb,"two\nc,three\n'
                                                       'd,four"x,y\ne,five\n')(t),
                                                 "on_bad_rows": "skip"},
         warn=r"lines 3-5 \(3 lines joined by a quote that is not closed where it should be\)",
         check=lambda d: _ids(d) == ["a", "e"]),
    Case("stray quote is an error", _csv('id,text\na,one\nb,"two\nc,three\nd,four"x,y\n'),
         error=r"(lines 3-5|line 3)"),
    Case("binary file as CSV", _raw(b"\x00\x01\x02PK\x03\x04" * 50, "c.csv"),
         error=r"looks like a binary file"),
    Case("truncated Parquet", _parquet(pd.DataFrame({"id": ["a"] * 50, "text": ["t"] * 50}),
                                       truncate=True), error=r"not a readable Parquet file"),
    # --- JSONL
    Case("JSONL bad line", _raw(b'{"id": "a", "text": "ok"}\n{"id": "b", "text": \n', "c.jsonl"),
         error=r"line 2 is not a JSON object"),
    Case("JSONL array line", _raw(b'{"id": "a", "text": "ok"}\n[1, 2]\n', "c.jsonl"),
         error=r"line 2 is not a JSON object"),
    Case("JSONL bad line skipped",
         lambda t: {**_raw(b'{"id": "a", "text": "ok"}\nnot json\n{"id": "c", "text": "yes"}\n',
                           "c.jsonl")(t), "on_bad_rows": "skip"},
         warn=r"line 2 .*skipped", check=lambda d: _ids(d) == ["a", "c"]),
    # --- types of text and ids
    Case("number as text", _jsonl([{"id": "a", "text": "ok"}, {"id": "b", "text": 42}]),
         error=r"1 text value\(s\) are not strings \(int\): .*c.jsonl:line 2"),
    Case("list as text", _jsonl([{"id": "a", "text": ["a list", "x"]}, {"id": "b", "text": "ok"}]),
         error=r"not strings \(list\)"),
    Case("dict as text", _jsonl([{"id": "a", "text": {"k": "v"}}]), error=r"not strings \(dict\)"),
    Case("boolean as text", _jsonl([{"id": "a", "text": True}, {"id": "b", "text": "ok"}]),
         error=r"not strings \(bool\)"),
    Case("float as text", _jsonl([{"id": "a", "text": 1.5}, {"id": "b", "text": "ok"}]),
         error=r"not strings \(float\)"),
    Case("Parquet int text", _parquet(pd.DataFrame({"id": ["a", "b"], "text": [1, 2]})),
         error=r"2 text value\(s\) are not strings"),
    Case("Parquet list text", _parquet(pd.DataFrame({"id": ["a"], "text": [["x", "y"]]})),
         error=r"not strings \(ndarray\)"),
    Case("list as id", _jsonl([{"id": ["a"], "text": "x"}]),
         error=r"1 value\(s\) of column 'id' \(the id\) are list, not single values: "
               r".*c.jsonl:line 1"),
    Case("dict as outlet", _jsonl([{"id": "a", "text": "x", "outlet": {"name": "X"}}]),
         error=r"column 'outlet' \(the outlet\) are dict, not single values"),
    Case("Parquet list outlet", _parquet(pd.DataFrame({"id": ["a"], "text": ["x"],
                                                       "outlet": [["X", "Y"]]})),
         error=r"column 'outlet' \(the outlet\) are ndarray"),
    Case("JSON nested too deeply", _raw(b'{"id": "a", "text": ' + b"[" * 100_000
                                        + b"]" * 100_000 + b"}\n", "c.jsonl"),
         error=r"line 1 is not a JSON object \(nested too deeply\)"),
    Case("JSON key given twice", _raw(b'{"id": "a", "text": "x", "text": "y"}\n', "c.jsonl"),
         error=r"line 1 is not a JSON object \(it gives the key\(s\) 'text' twice"),
    Case("JSON lone surrogate", _raw(b'{"id": "a", "text": "x\\ud800y"}\n', "c.jsonl"),
         error=r"line 1 is not a JSON object \(a \\u escape is a lone surrogate"),
    Case("Parquet null id", _parquet(pd.DataFrame({"id": ["a", None], "text": ["x", "y"]})),
         error=r"1 row\(s\) have a missing id in column 'id' \(.*c.parquet:row 2\)"),
    Case("Parquet NaN id", _parquet(pd.DataFrame({"id": [1.0, float("nan")], "text": ["x", "y"]})),
         error=r"missing id"),
    Case("JSON null id", _jsonl([{"id": None, "text": "x"}, {"id": "b", "text": "y"}]),
         error=r"missing id"),
    Case("blank id", _csv("id,text\n ,hello\nb,world\n"), error=r"1 row\(s\) have an empty id"),
    Case("numeric ids", _jsonl([{"id": 1, "text": "x"}, {"id": 2, "text": "y"}]),
         check=lambda d: _ids(d) == ["1", "2"]),
    Case("300-character id", _jsonl([{"id": "x" * 300, "text": "long id"}, {"id": "b", "text": "y"}]),
         check=lambda d: len(d["doc_id"].iloc[0]) == 300),
    # --- encodings
    Case("UTF-16 text file", _folder({"a.txt": "Héllo wörld.".encode("utf-16")}),
         check=lambda d: d["text"].iloc[0] == "Héllo wörld."),
    Case("UTF-32 text file", _folder({"a.txt": "Grüße.".encode("utf-32")}),
         check=lambda d: d["text"].iloc[0] == "Grüße."),
    Case("UTF-16 CSV", _csv("id,text\na,Ça va.\nb,Très bien.\n", encoding="utf-16"),
         check=lambda d: d["text"].tolist() == ["Ça va.", "Très bien."]),
    Case("UTF-16 JSONL", _raw(('{"id": "a", "text": "Ça va."}\n'
                               '{"id": "b", "text": "Oui."}\n').encode("utf-16"), "c.jsonl"),
         check=lambda d: d["text"].tolist() == ["Ça va.", "Oui."]),
    Case("UTF-8 BOM CSV", _csv("\ufeffid,text\na,Fine.\n"), check=lambda d: _ids(d) == ["a"]),
    Case("cp1252 text file", _folder({"a.txt": "caf\xe9 \x93quoted\x94".encode("latin-1")}),
         warn=r"not valid UTF-8 .*decoded as cp1252",
         check=lambda d: d["text"].iloc[0] == "café \u201cquoted\u201d"),
    Case("cp1252 CSV", _csv("id,text\na,caf\xe9\n", encoding="cp1252"),
         warn=r"decoded as cp1252", check=lambda d: d["text"].iloc[0] == "café"),
    Case("NUL bytes in a .txt", _folder({"a.txt": b"\x00\x01binary"}), error=r"binary file"),
    # --- folders
    Case("non-txt files", _folder({"a.txt": b"Story.", "b.pdf": b"%PDF"}),
         warn=r"ignoring 1 file\(s\) that are not .txt: b.pdf", check=lambda d: _ids(d) == ["a"]),
    Case("hidden txt", _folder({"a.txt": b"Story.", ".b.txt": b"Hidden."}),
         warn=r"ignoring 1 hidden .txt file\(s\): .b.txt", check=lambda d: _ids(d) == ["a"]),
    Case("txt in a subfolder", _folder({"a.txt": b"Story.", "sub/b.txt": b"Nested."}),
         warn=r"subfolder\(s\) with .txt files .*: sub", check=lambda d: _ids(d) == ["a"]),
    Case("dangling symlink", _folder({"a.txt": b"Story."}, _symlink("gone.txt", "b.txt")),
         warn=r"ignoring 1 broken or looping symlink\(s\): b.txt"),
    Case("looping symlink", _folder({"a.txt": b"Story."}, _symlink("b.txt", "b.txt")),
         warn=r"broken or looping symlink"),
    Case("symlink to a file is followed", _folder({"a.txt": b"Story."},
                                                  _symlink("a.txt", "b.txt")),
         warn=r"1 text\(s\) occur more than once|repeat the text",
         check=lambda d: _ids(d) == ["a", "b"]),
    Case("FIFO is never opened", _folder({"a.txt": b"Story."},
                                         lambda f: os.mkfifo(f / "pipe.txt")),
         warn=r"special file\(s\) \(FIFO, socket or device\): pipe.txt",
         check=lambda d: _ids(d) == ["a"]),
    Case("empty folder", _folder({}), error=r"the corpus is empty"),
    Case("file name not UTF-8", _folder({"a.txt": b"Story."},
                                        lambda f: (f / os.fsdecode(b"b\xff.txt")).write_text("x")),
         error=r"the file name b'b\\xff.txt' is not valid UTF-8"),
    Case("only empty documents", _csv("id,text\na,\nb,   \n"), error=r"empty"),
    Case("some empty documents", _csv("id,text\na,\nb,Story.\n"),
         warn=r"1 empty document\(s\) dropped", check=lambda d: _ids(d) == ["b"]),
    # --- duplicates
    Case("exact duplicate rows", _jsonl([GOOD[0], GOOD[1], GOOD[0]]),
         warn=r"1 row\(s\) repeat an earlier row exactly .* dropped: a",
         check=lambda d: _ids(d) == ["a", "b"]),
    Case("exact duplicate across chunks", _jsonl([GOOD[0], GOOD[1], GOOD[2], GOOD[0]]),
         warn=r"repeat an earlier row exactly", check=lambda d: _ids(d) == ["a", "b", "c"]),
    Case("conflicting duplicate ids", _jsonl([GOOD[0], {**GOOD[0], "text": "Other."}]),
         error=r"doc_id 'a' occurs (2 times|more than once) with different content"),
    Case("same id and text, other outlet", _jsonl([GOOD[0], GOOD[1], GOOD[2],
                                                   {**GOOD[0], "outlet": "Z"}]),
         error=r"doc_id 'a' occurs .*with different content"),
    Case("zero-width characters", _jsonl([{"id": "a", "text": "A ter\u200brorist and a "
                                           "soft\u00adhyphen."}]),
         warn=r"removed 2 zero-width character\(s\) .* from 1 document",
         check=lambda d: d["text"].iloc[0] == "A terrorist and a softhyphen."),
    # --- compression
    Case("gzip CSV", lambda t: _gz(t, "c.csv.gz", GOOD_CSV),
         check=lambda d: _ids(d) == ["a", "b", "c"]),
    Case("gzip JSONL", _jsonl(GOOD, "c.jsonl.gz", gzip.open),
         check=lambda d: _ids(d) == ["a", "b", "c"]),
    Case("bz2 JSONL", _jsonl(GOOD, "c.jsonl.bz2", bz2.open),
         check=lambda d: d["outlet"].tolist() == ["X", "Y", "X"]),
    Case("xz JSONL", _jsonl(GOOD, "c.jsonl.xz", lzma.open), check=lambda d: len(d) == 3),
    Case("zstd JSONL", _zst_jsonl(GOOD), check=lambda d: _ids(d) == ["a", "b", "c"]),
    Case("truncated gzip", lambda t: _gz(t, "c.jsonl.gz", "".join(json.dumps(r) + "\n"
                                                                    for r in GOOD * 50), cut=True),
         error=r"(cannot decompress|damaged or truncated)"),
    # --- dates
    Case("US dates", _dates("11/18/16", "9/6/17", "12/31/1999"),
         check=lambda d: d["date"].tolist() == ["2016-11-18", "2017-09-06", "1999-12-31"]),
    Case("ISO dates kept", _dates("2016-11-18", "2016-11-18T09:30:00Z"),
         check=lambda d: d["date"].tolist() == ["2016-11-18", "2016-11-18T09:30:00Z"]),
    Case("written-out dates", _dates("Nov 18, 2016", "18 November 2016",
                                     "Fri, 18 Nov 2016 09:30:00 +0000"),
         check=lambda d: set(d["date"]) == {"2016-11-18"}),
    Case("dotted and compact dates", _dates("18.11.2016", "20161118", "2016/11/18"),
         check=lambda d: set(d["date"]) == {"2016-11-18"}),
    Case("unparseable dates", _dates("last Tuesday", "13/45/2016", "2016-11-18"),
         warn=r"2 date\(s\) could not be parsed and are kept as given: 'last Tuesday', "
              r"'13/45/2016'",
         check=lambda d: d["date"].tolist() == ["last Tuesday", "13/45/2016", "2016-11-18"]),
    # --- metadata sidecars
    Case("sidecar is a folder", lambda t: {**_jsonl(GOOD)(t), "metadata": t},
         error=r"metadata file .* is a folder, not a CSV file"),
    Case("sidecar missing", lambda t: {**_jsonl(GOOD)(t), "metadata": t / "none.csv"},
         error=r"metadata file .*none.csv does not exist"),
    Case("sidecar without doc_id", _with_meta(_jsonl(GOOD), b"id,outlet\na,Z\n"),
         error=r"needs a 'doc_id' column; columns found: id, outlet"),
    Case("empty sidecar", _with_meta(_jsonl(GOOD), b""), error=r"meta.csv is empty"),
    Case("ragged sidecar", _with_meta(_jsonl(GOOD), b"doc_id,topic\na,x\nb,y,z\n"),
         error=r"meta.csv: .*Expected 2 fields in line 3"),
    Case("cp1252 sidecar", _with_meta(_jsonl(GOOD), "doc_id,section\na,caf\xe9\n".encode("cp1252")),
         warn=r"decoded as cp1252", check=lambda d: d["section"].tolist() == ["café", "", ""]),
    Case("sidecar with a text column", _with_meta(_jsonl(GOOD), b"doc_id,text\na,Replaced.\n"),
         error=r"may not have the column\(s\) \['text'\]"),
    Case("sidecar conflicting outlet", _with_meta(_jsonl(GOOD), b"doc_id,outlet\na,Z\nb,Y\n"),
         error=r"column 'outlet' conflicts with the corpus' own values for 1 document\(s\) "
               r"\(first 'a': corpus 'X', metadata 'Z'\).*--metadata-wins"),
    Case("sidecar wins when asked", _with_meta(_jsonl(GOOD), b"doc_id,outlet\na,Z\n",
                                               metadata_wins=True),
         warn=r"have no metadata row", check=lambda d: d["outlet"].tolist() == ["Z", "Y", "X"]),
    Case("sidecar conflicting date", _with_meta(_jsonl(GOOD), b"doc_id,date\na,2020-01-01\n"),
         error=r"column 'date' conflicts"),
    Case("sidecar same date, other format", _with_meta(_jsonl(GOOD),
                                                       b"doc_id,date\na,11/18/16\nb,\nc,\n"),
         check=lambda d: d["date"].tolist() == ["2016-11-18", "2016-11-19", "2016-11-20"]),
    Case("sidecar adds a column", _with_meta(_jsonl(GOOD), b"doc_id,section\na,A\nb,B\nc,C\n"),
         check=lambda d: d["section"].tolist() == ["A", "B", "C"]),
    Case("sidecar fills empty values", _with_meta(_jsonl([{"id": "a", "text": "x"},
                                                          {"id": "b", "text": "y"}]),
                                                  b"doc_id,outlet\na,P\nb,Q\n"),
         check=lambda d: d["outlet"].tolist() == ["P", "Q"]),
    Case("sidecar repeated doc_id", _with_meta(_jsonl(GOOD), b"doc_id,outlet\na,X\na,X\n"),
         error=r"doc_id repeated in metadata: a"),
    Case("sidecar orphan rows", _with_meta(_jsonl(GOOD), b"doc_id,section\na,A\nb,B\nc,C\nz,Z\n"),
         warn=r"1 metadata row\(s\) match no document: z"),
    Case("sidecar unparseable date", _with_meta(_jsonl([{"id": "a", "text": "x"},
                                                        {"id": "b", "text": "y"}]),
                                                b"doc_id,date\na,someday\nb,9/6/17\n"),
         warn=r"1 date\(s\) could not be parsed .*'someday'",
         check=lambda d: d["date"].tolist() == ["someday", "2017-09-06"]),
]


def _colmap(**kw: str) -> Any:
    from framelab.corpus import ColumnMap

    return ColumnMap(**kw)


def _gz(tmp: Path, name: str, text: str, cut: bool = False) -> dict[str, Any]:
    data = gzip.compress(text.encode())
    (tmp / name).write_bytes(data[: len(data) // 2] if cut else data)
    return {"path": tmp / name}


def _load(kind: str, kw: dict[str, Any]) -> pd.DataFrame:
    if kind == "eager":
        return load_corpus(**kw)
    return pd.concat(list(iter_documents(**kw, chunk_size=2)), ignore_index=True)


@pytest.mark.parametrize("kind", ["eager", "stream"])
@pytest.mark.parametrize("case", CORPUS_CASES, ids=[c.name for c in CORPUS_CASES])
def test_corpus_case(case: Case, kind: str, tmp_path: Path) -> None:
    kw = case.make(tmp_path)
    if case.error is not None:
        pattern = case.eager_error if kind == "eager" and case.eager_error else case.error
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CorpusWarning)
            with pytest.raises(FramelabError, match=pattern):
                _load(kind, kw)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        docs = _load(kind, kw)
    messages = [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]
    if case.warn is not None:
        assert any(pd.Series(messages).str.contains(case.warn)), messages
    assert case.check is not None or case.warn is not None
    if case.check is not None:
        assert case.check(docs), docs.to_dict("records")


def test_the_audit_covers_at_least_sixty_kinds() -> None:
    assert len(CORPUS_CASES) + len(CLI_CASES) + len(PARAM_CASES) + len(RUN_CASES) >= 60


# --- file names -----------------------------------------------------------------------------

def test_ids_colliding_after_sanitising_get_distinct_file_names() -> None:
    ids = ["a/b", "a b", "a_b", "a:b", "a\\b", "a\u00e9b", ".hidden", "x" * 250, "x" * 251]
    stems = [safe_file_stem(i, "other") for i in ids]
    assert len(set(stems)) == len(ids)
    assert all(len(s) <= 120 and "/" not in s and not s.startswith(".") for s in stems)
    assert safe_file_stem("plain-id_1", "b.2") == "plain-id_1_b.2"


# --- parameters -----------------------------------------------------------------------------

PARAM_CASES = [
    ("list for a str parameter", ["-p", "keyword=[a, b]"],
     r"parameter keyword=\['a', 'b'\] is a list, but .* declares one str"),
    ("negative bootstrap seed", ["-p", "bootstrap_seed=-1"],
     r"bootstrap_seed=-1 is below its minimum 0"),
    ("negative KWIC window", ["-p", "kwic_window=-5"], r"kwic_window=-5 is below its minimum 1"),
    ("unknown parameter", ["-p", "no_such_thing=1"], r"unknown parameter\(s\) no_such_thing"),
    ("word for an int", ["-p", "n_boot=many"], r"n_boot='many' \(str\) does not fit the type int"),
    ("run parameter given with -p", ["-p", "corpus=x"], r"set corpus with the report's own options"),
]

# --- report options (the CLI's main; all fail before a run folder is made) ---------------------


def _prep_out_file(tmp: Path) -> list[str]:
    (tmp / "afile").write_text("x")
    return ["--out", str(tmp / "afile")]


def _prep_out_under_file(tmp: Path) -> list[str]:
    (tmp / "afile").write_text("x")
    return ["--out", str(tmp / "afile" / "runs")]


def _prep_cache_file(tmp: Path) -> list[str]:
    (tmp / "cachefile").write_text("x")
    return ["--out", str(tmp / "out"), "--cache-dir", str(tmp / "cachefile")]


def _prep_latest_folder(tmp: Path) -> list[str]:
    (tmp / "out" / "latest").mkdir(parents=True)
    return ["--out", str(tmp / "out")]


def _prep_other_corpus(tmp: Path) -> list[str]:
    run = tmp / "out" / "old"
    run.mkdir(parents=True)
    (run / "manifest.json").write_text(json.dumps({
        "run_id": "old", "status": "ok", "notebooks": [],
        "inputs": {"corpus": {"path": "/elsewhere/other.csv", "sha256": "0" * 64},
                   "metadata": None}}))
    os.symlink("old", tmp / "out" / "latest")
    return ["--out", str(tmp / "out"), "--only", "00"]


def _prep_existing_run(tmp: Path) -> list[str]:
    (tmp / "out" / "taken").mkdir(parents=True)
    return ["--out", str(tmp / "out"), "--run-id", "taken"]


def _prep_params_list(tmp: Path) -> list[str]:
    (tmp / "p.yaml").write_text("- a\n- b\n")
    return ["--out", str(tmp / "out"), "--params", str(tmp / "p.yaml")]


def _out(tmp: Path, *more: str) -> list[str]:
    return ["--out", str(tmp / "out"), *more]


CLI_CASES: list[tuple[str, Callable[[Path], list[str]], str]] = [
    ("--out is a file", _prep_out_file, r"--out .*afile is a file, not a folder"),
    ("--out under a file", _prep_out_under_file, r"--out .*runs: cannot create it"),
    ("300-character run id", lambda t: _out(t, "--run-id", "r" * 300),
     r"--run-id 'r{60}'\.\.\. \(300 characters\): use letters"),
    ("run id with a slash", lambda t: _out(t, "--run-id", "a/b"), r"--run-id 'a/b'"),
    ("run id latest", lambda t: _out(t, "--run-id", "latest"), r"not 'latest'"),
    ("existing run id", _prep_existing_run, r"taken already exists; runs are never overwritten"),
    ("--cache-dir is a file", _prep_cache_file, r"--cache-dir .*cachefile is a file"),
    ("--reuse .cache", lambda t: _out(t, "--only", "00", "--reuse", ".cache"),
     r"--reuse '.cache'"),
    ("--reuse unknown run", lambda t: _out(t, "--only", "00", "--reuse", "nosuchrun"),
     r"--reuse 'nosuchrun': no run"),
    ("outputs/latest a real folder", _prep_latest_folder,
     r"latest is a real folder, not the link"),
    ("--only with another corpus", _prep_other_corpus,
     r"--only reuses run old, which read corpus /elsewhere/other.csv.*different content"),
    ("--workers -1", lambda t: _out(t, "--workers", "-1"), r"--workers -1: use 0"),
    ("scheduler not a URL", lambda t: _out(t, "--engine", "dask", "--scheduler", "localhost"),
     r"--scheduler 'localhost': give the address .* tcp://HOST:PORT"),
    ("scheduler unreachable", lambda t: _out(t, "--engine", "dask", "--scheduler",
                                             "tcp://127.0.0.1:9"), r"nothing answers there"),
    ("scheduler without dask", lambda t: _out(t, "--scheduler", "tcp://127.0.0.1:9"),
     r"--scheduler needs --engine dask"),
    ("--jobs 0", lambda t: _out(t, "--jobs", "0"), r"--jobs 0: use 1 or more"),
    ("corpus missing", lambda t: _out(t, "--corpus", str(t / "nothing")),
     r"--corpus .*nothing: no such file or folder"),
    ("metadata missing", lambda t: _out(t, "--metadata", str(t / "m.csv")),
     r"--metadata .*m.csv: no such file"),
    ("codebook missing", lambda t: _out(t, "--codebook", str(t / "cb.yaml")),
     r"--codebook .*cb.yaml: no such file"),
    ("--params not a mapping", _prep_params_list, r"expected a mapping of name: value"),
    ("--only unknown notebook", lambda t: _out(t, "--only", "77"), r"--only '77' matches no"),
    ("--out in a read-only place", lambda t: ["--out", "/proc/framelab-runs"],
     r"--out /proc/framelab-runs: (cannot create it|not writable)"),
    ("--params list for a str", lambda t: _params_file(t, "keyword: [a, b]\n"),
     r"keyword=\['a', 'b'\] is a list"),
    ("negative minhash seed", lambda t: _out(t, "-p", "minhash_seed=-1"),
     r"minhash_seed=-1 is below its minimum 0"),
    # --- codebooks: checked before a run folder is made, naming file, line and key
    ("codebook not UTF-8", lambda t: _codebook(t, "version: '1'\nname: caf\xe9\n"
                                                  .encode("cp1252")),
     r"codebook .*cb.yaml: not UTF-8 text \(byte 22 is b'\\xe9'\); save the YAML file as UTF-8"),
    ("codebook UTF-16", lambda t: _codebook(t, "version: '1'\n".encode("utf-16")),
     r"codebook .*cb.yaml: not UTF-8 text \(byte 0"),
    ("codebook is a folder", lambda t: _out(t, "--codebook", str(t)),
     r"--codebook .*: a folder, not a YAML file"),
    ("codebook empty", lambda t: _codebook(t, b""),
     r"cb.yaml, line 1: <top level>: expected a non-empty mapping of codebook sections, got "
     r"nothing"),
    ("codebook not YAML", lambda t: _codebook(t, b"version:\t'1'\n\tactors: {}\n"),
     r"cb.yaml, line 1: not valid YAML"),
    ("codebook python tag", lambda t: _codebook(t, b"!!python/object/apply:os.system "
                                                   b"['touch pwned']\n"),
     r"cb.yaml, line 1: <top level>: expected a non-empty mapping"),
    ("codebook unknown section", lambda t: _codebook(t, b"version: '1'\nlabelz: {}\n"),
     r"cb.yaml, line 2: labelz: unknown key 'labelz'; allowed here: actors"),
    ("codebook YAML bomb", lambda t: _codebook(t, b"a: &a [x, x, x, x, x, x, x, x, x]\n"
                                                  b"b: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                                                  b"c: [*b, *b, *b, *b, *b, *b, *b, *b]\n"),
     r"cb.yaml, line 1: a: unknown key 'a'"),
]


def _params_file(tmp: Path, text: str) -> list[str]:
    (tmp / "p.yaml").write_text(text)
    return ["--out", str(tmp / "out"), "--params", str(tmp / "p.yaml")]


def _codebook(tmp: Path, data: bytes) -> list[str]:
    (tmp / "cb.yaml").write_bytes(data)
    return ["--out", str(tmp / "out"), "--codebook", str(tmp / "cb.yaml")]


@pytest.mark.parametrize(("name", "prep", "pattern"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_case(name: str, prep: Callable[[Path], list[str]], pattern: str, tmp_path: Path,
                  capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["report", "--no-progress", *prep(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("framelab: error: ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    import re

    assert re.search(pattern, err), err
    runs = [p for p in (tmp_path / "out").glob("*") if p.name not in ("latest", "old", "taken")] \
        if (tmp_path / "out").is_dir() else []
    assert runs == [], f"a run folder was made: {runs}"


@pytest.mark.parametrize(("name", "argv", "pattern"), PARAM_CASES, ids=[c[0] for c in PARAM_CASES])
def test_param_case(name: str, argv: list[str], pattern: str, tmp_path: Path,
                    capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["report", "--no-progress", "--out", str(tmp_path / "out"), *argv])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    import re

    assert re.search(pattern, err), err
    assert not [p for p in (tmp_path / "out").glob("*")] if (tmp_path / "out").is_dir() else True


_SIGN_OFF = ["Subscribe to our newsletter for more news.", "All rights reserved by the publisher.",
             "Follow us on social media today."]

RUN_CASES: list[tuple[str, Make, str]] = [
    ("conflicting duplicate ids", _jsonl([GOOD[0], {**GOOD[0], "text": "Other."}]),
     r"doc_id 'a' occurs .*with different content"),
    ("list as text", _jsonl([GOOD[0], {"id": "b", "text": ["a list"]}]),
     r"1 text value\(s\) are not strings \(list\)"),
    ("Parquet null id", _parquet(pd.DataFrame({"id": ["a", None], "text": ["x", "y"]})),
     r"missing id in column 'id'"),
    ("sidecar conflict", _with_meta(_jsonl(GOOD), b"doc_id,outlet\na,Z\n"),
     r"column 'outlet' conflicts .*--metadata-wins"),
    ("all boilerplate", _jsonl([{"id": f"d{i}", "outlet": "X", "text": " ".join(
        _SIGN_OFF[j] for j in order)} for i, order in enumerate(
            [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)])]),
     r"none of the 18 sentence\(s\) of the 6 document\(s\) is body text or a headline"),
]


@pytest.mark.parametrize(("name", "make", "pattern"), RUN_CASES, ids=[c[0] for c in RUN_CASES])
def test_bad_corpus_stops_the_run_before_any_notebook(
        name: str, make: Make, pattern: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Bad rows are found while the corpus is read once, before the first notebook: one line
    naming the row, the run folder's manifest says ``failed``, and ``latest`` does not move."""
    import re

    kw = make(tmp_path)
    argv = ["report", "--no-progress", "--out", str(tmp_path / "out"), "--corpus",
            str(kw["path"])]
    if "metadata" in kw:
        argv += ["--metadata", str(kw["metadata"])]
    code = cli.main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err and "Traceback" not in "\n".join(err), err
    assert re.search(pattern, err[-1]) and err[-1].startswith("framelab: error: "), err
    runs = [p for p in (tmp_path / "out").iterdir() if p.name != ".cache"]
    assert len(runs) == 1 and not (tmp_path / "out" / "latest").exists(), runs
    manifest = json.loads((runs[0] / "manifest.json").read_text())
    assert manifest["status"] == "failed" and re.search(pattern, manifest["error"])
    assert not list((runs[0] / "notebooks").glob("*.ipynb")) \
        if (runs[0] / "notebooks").is_dir() else True


def test_param_coerce_refuses_a_list_for_a_str() -> None:
    from framelab.report import resolve_parameters
    from framelab.report._params import NotebookSpec

    spec = NotebookSpec("x", Path("x.ipynb"), {"keyword": {"type": "str", "default": ""}})
    with pytest.raises(ParameterError, match=r"keyword=\['a', 'b'\] is a list"):
        resolve_parameters([spec], {}, {"keyword": ["a", "b"]})


# --- runs: concurrency and death -------------------------------------------------------------

def test_two_runs_in_the_same_second_get_distinct_folders(tmp_path: Path) -> None:
    from framelab.report._manifest import _new_run_dir

    ids = [_new_run_dir(tmp_path, None)[0] for _ in range(3)]
    assert len(set(ids)) == 3 and all((tmp_path / i / "tables").is_dir() for i in ids)


def test_a_run_whose_process_died_is_marked_failed_by_the_next(tmp_path: Path) -> None:
    import subprocess
    import sys

    from framelab.report._checks import mark_stale_runs

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    for name, pid in (("dead", int(gone)), ("alive", os.getpid())):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text(json.dumps(
            {"run_id": name, "status": "running", "pid": pid}))
    assert mark_stale_runs(tmp_path) == ["dead"]
    dead = json.loads((tmp_path / "dead" / "manifest.json").read_text())
    assert dead["status"] == "failed" and f"pid {gone}" in dead["error"]
    assert json.loads((tmp_path / "alive" / "manifest.json").read_text())["status"] == "running"


def test_an_interrupted_block_reports_its_death() -> None:
    from framelab.report._checks import failure_guard

    reasons: list[str] = []
    with pytest.raises(KeyboardInterrupt), failure_guard(reasons.append):
        raise KeyboardInterrupt
    assert reasons and reasons[0].startswith("interrupted (KeyboardInterrupt")
    reasons.clear()
    with pytest.raises(ValueError), failure_guard(reasons.append):
        raise ValueError("an ordinary error is the caller's to record")
    assert reasons == []


def test_a_terminated_run_marks_its_manifest_failed(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    script = (
        "import json, sys, time\n"
        "from pathlib import Path\n"
        "from framelab.report._checks import failure_guard\n"
        f"path = Path({str(tmp_path / 'manifest.json')!r})\n"
        "def died(reason):\n"
        "    path.write_text(json.dumps({'status': 'failed', 'error': reason}))\n"
        "with failure_guard(died):\n"
        "    path.write_text(json.dumps({'status': 'running'}))\n"
        "    time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(1200):  # importing framelab can take seconds on a loaded machine
            if (tmp_path / "manifest.json").exists():
                break
            time.sleep(0.05)
        proc.terminate()
        proc.wait(timeout=20)
    finally:
        proc.kill()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["status"] == "failed" and "SIGTERM" in manifest["error"]


def test_the_notebook_pool_workers_die_with_the_run() -> None:
    import inspect

    from framelab.report._checks import die_with_parent
    from framelab.report._runner import _notebook_pool

    assert "initializer=die_with_parent" in inspect.getsource(_notebook_pool)
    assert callable(die_with_parent)


@pytest.mark.parametrize("guard", ["guarded"])  # "unguarded" fails: the check can fail
def test_no_worker_of_a_killed_run_outlives_it(guard: str) -> None:
    """``kill -9`` of a ``--jobs`` run: its notebook workers die with it (their kernels follow
    their worker: ipykernel ends when its parent process changes)."""
    import signal
    import subprocess
    import sys
    import time

    script = (  # the pool of _notebook_pool, without its warm-up imports
        "import sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from multiprocessing import get_context\n"
        "from framelab.report._checks import die_with_parent\n"
        "init = die_with_parent if sys.argv[1] == 'guarded' else None\n"
        "with ProcessPoolExecutor(2, mp_context=get_context('spawn'), initializer=init) as pool:\n"
        "    list(pool.map(time.sleep, [0.5, 0.5]))\n"
        "    print(' '.join(map(str, pool._processes)), flush=True)\n"
        "    time.sleep(120)\n")
    proc = subprocess.Popen([sys.executable, "-c", script, guard], stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        workers = [int(p) for p in proc.stdout.readline().split()]
        assert len(workers) == 2
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=20)
        alive = workers
        for _ in range(200):
            alive = [p for p in workers if _running(p)]
            if not alive:
                break
            time.sleep(0.1)
        assert alive == [], f"workers {alive} outlived the killed run"
    finally:
        proc.kill()
        for pid in workers if "workers" in locals() else []:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as handle:  # a zombie has ended
        return handle.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_damaged_cache_entry_is_explained_and_rebuilt(tmp_path: Path) -> None:
    from framelab.run import build_cache

    corpus = _jsonl(GOOD)(tmp_path)["path"]
    cache = build_cache(corpus, cache_dir=tmp_path / "cache", progress=False)
    part = cache.parts[0]
    part.write_bytes(part.read_bytes()[:20])  # truncated
    with pytest.warns(CorpusWarning, match=r"is damaged: .*part-00000.parquet.* built again"):
        again = build_cache(corpus, cache_dir=tmp_path / "cache", progress=False)
    assert again.documents()["doc_id"].tolist() == ["a", "b", "c"]


# --- random input never gives a traceback ---------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SUFFIXES = ["c.csv", "c.tsv", "c.jsonl", "c.parquet", "c.csv.gz", "c.jsonl.bz2", "d/a.txt"]


def _load_quietly(path: Path, **kw: Any) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kind in ("eager", "stream"):
            try:
                _load(kind, {"path": path, **kw})
            except FramelabError:
                pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), name=st.sampled_from(_SUFFIXES),
       skip=st.booleans())
def test_random_bytes_never_give_a_traceback(tmp_path: Path, data: bytes, name: str,
                                             skip: bool) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if name.endswith(".gz"):
        data = gzip.compress(data) if data[:1] != b"x" else data
    path.write_bytes(data)
    _load_quietly(path.parent if name.startswith("d/") else path,
                  on_bad_rows="skip" if skip else "error")


_VALUES = st.one_of(st.text(max_size=30), st.none(), st.integers(), st.floats(),
                    st.booleans(), st.lists(st.text(max_size=5), max_size=3),
                    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
_KEYS = st.sampled_from(["id", "text", "outlet", "date", "title", "extra", "doc_id", "body"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.dictionaries(_KEYS, _VALUES, max_size=6), max_size=8),
       meta=st.one_of(st.none(), st.binary(max_size=120), st.text(max_size=120)),
       wins=st.booleans())
def test_random_tables_never_give_a_traceback(tmp_path: Path, rows: list[dict[str, Any]],
                                              meta: bytes | str | None, wins: bool) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    kw: dict[str, Any] = {"metadata_wins": wins}
    if meta is not None:
        (tmp_path / "m.csv").write_bytes(meta if isinstance(meta, bytes) else
                                         ("doc_id,outlet,date\n" + meta).encode())
        kw["metadata"] = tmp_path / "m.csv"
    _load_quietly(path, **kw)
    try:
        frame = pd.DataFrame(rows)
        frame.to_parquet(tmp_path / "t.parquet")
    except Exception:  # pyarrow cannot store every mixture of types: nothing to load then
        return
    _load_quietly(tmp_path / "t.parquet", **kw)
