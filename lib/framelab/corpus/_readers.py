"""Reading each input format in chunks, with line numbers: the readers behind
:class:`framelab.corpus.DocumentStream`.

A folder of ``.txt`` files is read in batches of files, JSONL line by line, CSV/TSV through
``pyarrow.csv.open_csv`` (with a scan for the encoding first, and the physical line of every
malformed row), Parquet by record batches. Each reader yields ``(frame, progress)``: the raw
rows with an ``origin`` column naming file and line, row or file, and how much was read.
"""

from __future__ import annotations

import codecs
import io
import itertools
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from ..errors import CorpusError, CorpusWarning
from ._corpus import _META_FIELDS, _ORIGIN
from ._inputs import (
    _decode,
    _json_text,
    bad_csv_records,
    bad_lines_text,
    bom_encoding,
    decompression_errors,
    jsonl_lines,
    list_folder,
    open_input,
    parse_json_line,
)
from ._inputs import warn as _warn

__all__ = ["FormatReaders"]

#: pyarrow reads CSV in blocks of this many bytes; one row (article) must fit in a block.
_BLOCK_SIZE = 1 << 25
_SCAN_BLOCK = 1 << 22
_R = TypeVar("_R")


def _record_warnings(fn: Callable[..., _R], *args: Any, notes: list[str]) -> _R:
    """Call ``fn``; note the text of each CorpusWarning it raises and re-raise the warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn(*args)
    for w in caught:
        if issubclass(w.category, CorpusWarning):
            notes.append(str(w.message))
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result


def _scan_encoding(path: Path, compression: str | None = None) -> str:
    """The encoding load_corpus's ``_decode`` would choose for the whole file, read in blocks."""
    try:
        return _scan_encoding_of(path, compression)
    except decompression_errors() as err:
        raise CorpusError(f"{path}: cannot decompress it ({type(err).__name__}: {err}); the "
                          "file is damaged or truncated") from None


def _scan_encoding_of(path: Path, compression: str | None) -> str:
    decoders = {name: codecs.getincrementaldecoder(name)() for name in ("utf-8", "cp1252")}
    failed: dict[str, int] = {}
    offset = 0
    with open_input(path, compression) as handle:
        head = handle.read(8192)
        bom = bom_encoding(head[:4])
        if bom is not None:
            return bom
        if b"\x00" in head:
            _decode(head, str(path))  # raises the "binary file" CorpusError
        for block in itertools.chain([head], iter(lambda: handle.read(_SCAN_BLOCK), b"")):
            for name, dec in decoders.items():
                if name in failed:
                    continue
                try:
                    dec.decode(block)
                except UnicodeDecodeError as err:
                    failed[name] = offset + err.start
            if "utf-8" in failed and "cp1252" in failed:
                break
            offset += len(block)
    for name, dec in decoders.items():
        if name not in failed:
            try:
                dec.decode(b"", final=True)
            except UnicodeDecodeError:
                failed[name] = offset
    if "utf-8" not in failed:
        return "utf-8-sig"
    encoding = "cp1252" if "cp1252" not in failed else "latin-1"
    _warn(f"{path}: not valid UTF-8 (byte {failed['utf-8']}); decoded as {encoding}. "
          "Re-save the file as UTF-8 to silence this warning")
    return encoding


def _bad_csv_rows(path: Path, sep: str, encoding: str, n_columns: int,
                  compression: str | None = None) -> list[tuple[int, int]]:
    """First and last physical line of each record whose field count differs from the
    header's (a quote left open makes one record of several lines)."""
    with io.TextIOWrapper(open_input(path, compression), encoding=encoding,
                          newline="") as handle:
        return bad_csv_records(handle, sep, n_columns)


def _rechunk(batches: Iterator[Any], size: int) -> Iterator[Any]:
    """Regroup pyarrow record batches into tables of ``size`` rows (the last may be shorter)."""
    import pyarrow as pa

    pending: list[Any] = []
    n = 0
    for batch in batches:
        pending.append(pa.Table.from_batches([batch]))
        n += batch.num_rows
        while n >= size:
            table = pa.concat_tables(pending)
            rest = table.slice(size)
            yield table.slice(0, size)
            pending, n = [rest], rest.num_rows
    if n:
        yield pa.concat_tables(pending)


class FormatReaders:
    """The per-format chunk readers of :class:`framelab.corpus.DocumentStream` (a mixin: the
    stream supplies the attributes below)."""

    path: Path
    chunk_size: int
    on_bad_rows: str
    notes: list[str]
    compression: str | None
    _files: list[Path]
    _file_index: dict[str, int]

    def _note(self, message: str) -> None:
        self.notes.append(message)
        _warn(message)

    def _folder(self) -> Iterator[tuple[pd.DataFrame, int]]:
        texts, notes = list_folder(self.path)
        self._files = texts
        self._file_index = {str(p): i for i, p in enumerate(texts)}
        for note in notes:
            self._note(note)
        for i in range(0, len(texts), self.chunk_size):
            batch = texts[i:i + self.chunk_size]
            rows = [{"doc_id": p.stem,
                     "text": _record_warnings(_decode, p.read_bytes(), str(p), notes=self.notes),
                     "origin": str(p)} for p in batch]
            frame = pd.DataFrame(rows, columns=["doc_id", "text", "origin"])
            for name in _META_FIELDS:
                frame[name] = ""
            yield frame, len(batch)

    def _skip_or_stop(self, message: str) -> None:
        if self.on_bad_rows == "skip":
            self._note(message + "; skipped because on_bad_rows='skip'")
            return
        raise CorpusError(message + "; fix the line or pass on_bad_rows='skip' "
                          "(--on-bad-rows skip) to skip malformed rows")

    def _jsonl(self) -> Iterator[tuple[pd.DataFrame, int]]:
        records: list[dict[str, Any]] = []
        lines: list[int] = []
        keys: list[str] | None = None
        dropped: dict[str, int] = {}
        done = 0
        with open_input(self.path, self.compression) as handle:
            for number, raw in jsonl_lines(handle, self.path):
                done += len(raw)
                if not raw.strip():
                    continue
                try:
                    record = parse_json_line(_record_warnings(
                        _json_text, raw, f"{self.path}:{number}", notes=self.notes))
                except ValueError as err:
                    self._skip_or_stop(f"{self.path}: line {number} is not a JSON object ({err})")
                    continue
                records.append(record)
                lines.append(number)
                if len(records) == self.chunk_size:
                    keys = self._fix_keys(records, keys, lines, dropped)
                    yield self._jsonl_frame(records, lines, keys), done
                    records, lines, done = [], [], 0
        if records:
            keys = self._fix_keys(records, keys, lines, dropped)
            yield self._jsonl_frame(records, lines, keys), done
        if dropped:
            self._note(f"{self.path}: field(s) absent from the first {self.chunk_size} records "
                       "were dropped: " + ", ".join(f"{k} (first at line {n})"
                                                   for k, n in list(dropped.items())[:10])
                       + "; give every record these fields or convert the corpus to Parquet")

    @staticmethod
    def _fix_keys(records: list[dict[str, Any]], keys: list[str] | None, lines: list[int],
                  dropped: dict[str, int]) -> list[str]:
        """Columns are the keys of the first chunk; later new keys are noted and dropped."""
        if keys is None:
            return list(dict.fromkeys(k for r in records for k in r))
        known = set(keys)
        for record, line in zip(records, lines):
            for k in record:
                if k not in known and k not in dropped:
                    dropped[k] = line
        return keys

    def _jsonl_frame(self, records: list[dict[str, Any]], lines: list[int],
                     keys: list[str]) -> pd.DataFrame:
        frame = pd.DataFrame.from_records(records, columns=keys)
        frame[_ORIGIN] = [f"{self.path}:line {n}" for n in lines]
        return frame

    def _csv(self) -> Iterator[tuple[pd.DataFrame, int]]:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        sep = "\t" if self.path.suffix.lower() == ".tsv" else ","
        encoding = _record_warnings(_scan_encoding, self.path, self.compression,
                                    notes=self.notes)
        arrow_encoding = "utf8" if encoding == "utf-8-sig" else encoding
        read = pacsv.ReadOptions(block_size=_BLOCK_SIZE, encoding=arrow_encoding)
        probe = pacsv.ParseOptions(delimiter=sep, newlines_in_values=True,
                                   invalid_row_handler=lambda row: "skip")
        try:
            with open_input(self.path, self.compression) as handle:
                names = pacsv.open_csv(handle, read_options=read, parse_options=probe
                                       ).schema.names
        except decompression_errors() as err:
            if isinstance(err, pa.ArrowInvalid) and "Empty CSV" in str(err):
                raise CorpusError(f"{self.path}: the file is empty (no header, no rows)"
                                  ) from None
            if isinstance(err, pa.ArrowInvalid):
                raise CorpusError(f"{self.path}: cannot read the CSV header ({err}); check "
                                  "the quoting of the first rows") from None
            raise CorpusError(f"{self.path}: cannot read it ({type(err).__name__}: {err}); "
                              "the file is damaged or truncated") from None
        bad: list[tuple[str, int]] = []

        def invalid(row: Any) -> str:
            bad.append((row.text, row.actual_columns))
            return "skip" if self.on_bad_rows == "skip" else "error"

        parse = pacsv.ParseOptions(delimiter=sep, newlines_in_values=True,
                                   invalid_row_handler=invalid)
        convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                       strings_can_be_null=False,
                                       quoted_strings_can_be_null=False)
        row = 0
        with open_input(self.path, self.compression) as handle:
            position = 0
            try:
                reader = pacsv.open_csv(handle, read_options=read, parse_options=parse,
                                        convert_options=convert)
                for table in _rechunk(iter(reader), self.chunk_size):
                    frame = table.to_pandas()
                    frame[_ORIGIN] = [f"{self.path}:row {row + i + 1}" for i in range(len(frame))]
                    row += len(frame)
                    now = handle.tell()
                    yield frame, now - position
                    position = now
            except pa.ArrowInvalid as err:
                if "straddling" in str(err) or "straddles" in str(err):
                    raise CorpusError(f"{self.path}: a row is longer than {_BLOCK_SIZE} bytes "
                                      "or a quote is never closed; check the quoting") from None
                if not bad:
                    raise CorpusError(f"{self.path}: cannot parse the CSV ({err})") from None
                self._skip_or_stop(self._bad_row_message(bad[:1], sep, encoding, names)[0])
            except decompression_errors() as err:
                raise CorpusError(f"{self.path}: cannot read it ({type(err).__name__}: {err});"
                                  " the file is damaged or truncated") from None
        if bad:
            for message in self._bad_row_message(bad, sep, encoding, names):
                self._skip_or_stop(message)

    def _bad_row_message(self, bad: list[tuple[str, int]], sep: str, encoding: str,
                         names: list[str]) -> list[str]:
        lines = _bad_csv_rows(self.path, sep, encoding, len(names), self.compression)
        out = []
        for i, (text, n_fields) in enumerate(bad):
            where = "a row"
            if i < len(lines):
                where = bad_lines_text(*lines[i])
            out.append(f"{self.path}: {where} has {n_fields} fields where the header has "
                       f"{len(names)} ({text[:80]!r})")
        return out

    def _parquet_file(self) -> Any:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(self.path)
        except (OSError, pa.ArrowException) as err:
            raise CorpusError(f"{self.path}: not a readable Parquet file ({type(err).__name__}: "
                              f"{err}); it may be truncated: write it again") from None

    def _parquet(self) -> Iterator[tuple[pd.DataFrame, int]]:
        import pyarrow as pa

        row = 0
        batches = self._parquet_file().iter_batches(batch_size=self.chunk_size)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                break
            except (OSError, pa.ArrowException) as err:
                raise CorpusError(f"{self.path}: a damaged Parquet row group after row {row} "
                                  f"({type(err).__name__}: {err}); write the file again"
                                  ) from None
            frame = batch.to_pandas()
            frame[_ORIGIN] = [f"{self.path}:row {row + i + 1}" for i in range(len(frame))]
            row += len(frame)
            yield frame, len(frame)
