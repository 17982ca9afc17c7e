"""The rules for unusual input, shared by the eager loader and the streaming reader.

Compressed files (``.gz``, ``.bz2``, ``.xz``, ``.zst``) are opened as streams, text with a
UTF-16/32 byte-order mark is decoded, a folder is listed naming everything that is not read,
dates are normalised by one documented rule, zero-width characters are removed from texts and
non-string texts are refused. Each function reports what it changed so that the callers can
warn with counts.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import datetime as _dt
import email.utils
import gzip
import io
import json
import logging
import lzma
import os
import re
import stat
import warnings
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, cast

import numpy as np
import pandas as pd

from ..errors import CorpusError, CorpusWarning
from ..tokens import register_memo

__all__ = ["COMPRESSIONS", "table_kind", "open_input", "list_folder", "bom_encoding",
           "normalise_date", "normalise_dates", "strip_zero_width", "check_text_types",
           "check_scalar_values", "parse_json_line", "check_unique_columns", "csv_records"]

log = logging.getLogger(__name__)

#: File name endings read as compressed streams, and the codec of each.
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".xz": "xz", ".zst": "zstd", ".zstd": "zstd"}
_TABLE_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
                   ".json": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
#: Characters that are invisible inside a word and hide it from matching: removed from texts.
ZERO_WIDTH = "\u200b\u2060\ufeff\u00ad"
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def warn(message: str) -> None:
    """Log ``message`` and issue it as a :class:`CorpusWarning`."""
    log.warning(message)
    warnings.warn(message, CorpusWarning, stacklevel=3)


def table_kind(path: Path) -> tuple[str, str | None]:
    """The format (``csv``, ``jsonl``, ``parquet``) and compression of a corpus file.

    Raises
    ------
    CorpusError
        The name ends in no known format (a compressed Parquet file included).
    """
    suffixes = [s.lower() for s in path.suffixes]
    compression = COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    base = suffixes[-2] if compression and len(suffixes) > 1 else (
        suffixes[-1] if suffixes and not compression else "")
    kind = _TABLE_SUFFIXES.get(base)
    if kind is None or (kind == "parquet" and compression):
        raise CorpusError(f"{path}: unknown corpus format {''.join(path.suffixes) or '(none)'!r};"
                          " use a folder of .txt files or a .csv, .tsv, .jsonl or .parquet "
                          "file (CSV/TSV/JSONL may be compressed: .gz, .bz2, .xz, .zst)")
    return kind, compression


class _ArrowRaw(io.RawIOBase):
    """A pyarrow input stream as a raw Python file (for ``readline`` and iteration)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


def open_input(path: Path, compression: str | None) -> IO[bytes]:
    """Open ``path`` for reading bytes, decompressing on the fly."""
    if compression is None:
        return open(path, "rb")
    if compression == "gzip":
        return cast(IO[bytes], gzip.open(path, "rb"))
    if compression == "bz2":
        return bz2.open(path, "rb")
    if compression == "xz":
        return lzma.open(path, "rb")
    import pyarrow as pa

    return io.BufferedReader(_ArrowRaw(pa.input_stream(str(path), compression="zstd")))


#: Errors a damaged compressed stream raises while it is read.
def decompression_errors() -> tuple[type[BaseException], ...]:
    import pyarrow as pa

    return (EOFError, OSError, lzma.LZMAError, pa.ArrowException)


def bom_encoding(head: bytes) -> str | None:
    """``utf-16``/``utf-32`` when ``head`` starts with that byte-order mark, else None."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def list_folder(folder: Path) -> tuple[list[Path], list[str]]:
    """The ``.txt`` files of a folder (symlinks followed), and a note for each kind of entry
    that is not read: other files, hidden files, subfolders, broken or looping symlinks and
    special files (FIFOs, sockets, devices, which are never opened)."""
    texts: list[Path] = []
    skipped: dict[str, list[str]] = {}
    for entry in sorted(folder.iterdir()):
        name = entry.name
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            raise CorpusError(f"{folder}: the file name {os.fsencode(name)!r} is not valid "
                              "UTF-8 (it cannot become a document id); rename the file"
                              ) from None
        try:
            mode = entry.stat().st_mode
        except OSError:  # dangling symlink, symlink loop, no permission
            skipped.setdefault("broken or looping symlink(s)", []).append(name)
            continue
        if stat.S_ISDIR(mode):
            if any(p.suffix.lower() == ".txt" for p in _walk_some(entry)):
                skipped.setdefault("subfolder(s) with .txt files (only the top level is "
                                   "read)", []).append(name)
            continue
        if not stat.S_ISREG(mode):
            skipped.setdefault("special file(s) (FIFO, socket or device)", []).append(name)
        elif name.startswith("."):
            if name.lower().endswith(".txt"):
                skipped.setdefault("hidden .txt file(s)", []).append(name)
        elif entry.suffix.lower() == ".txt":
            texts.append(entry)
        elif name != "metadata.csv":
            skipped.setdefault("file(s) that are not .txt", []).append(name)
    notes = [f"{folder}: ignoring {len(names)} {what}: " + ", ".join(names[:10])
             + (" ..." if len(names) > 10 else "") for what, names in skipped.items()]
    return texts, notes


def _walk_some(folder: Path, limit: int = 10_000) -> list[Path]:
    found: list[Path] = []
    for root, _dirs, files in os.walk(folder):
        found.extend(Path(root) / f for f in files)
        if len(found) >= limit:
            break
    return found


def csv_records(handle: Any, sep: str) -> Iterator[tuple[int, int, list[str]]]:
    """Each non-blank record of a CSV text stream with its first and last physical line (a
    quoted field may span lines). Fields of any length are read."""
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # an article may be longer than the 128 KiB default
    try:
        reader = csv.reader(handle, delimiter=sep)
        last = 0
        for record in reader:
            if record:
                yield last + 1, reader.line_num, record
            last = reader.line_num
    except csv.Error as err:
        raise CorpusError(f"line {last + 1}: not readable as CSV ({err})") from None
    finally:
        csv.field_size_limit(limit)


def bad_csv_records(handle: Any, sep: str, n_columns: int) -> list[tuple[int, int]]:
    """First and last physical line of each record of a CSV text stream whose field count
    differs from the header's (a quote left open makes one record of several lines)."""
    records = csv_records(handle, sep)
    next(records, None)  # the header
    return [(first, last) for first, last, record in records if len(record) != n_columns]


def bad_lines_text(first: int, last: int) -> str:
    """``line 3``, or ``lines 3-5 (...)`` for a record a quote spread over several lines."""
    if first == last:
        return f"line {first}"
    return (f"lines {first}-{last} ({last - first + 1} lines joined by a quote that is not "
            "closed where it should be)")


# --- dates -------------------------------------------------------------------------------

_MONTHS = {m.lower(): i for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})([T ].*)?$")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_FIRST = re.compile(r"^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$")
_DAY_FIRST = re.compile(r"^(\d{1,2}) ([A-Za-z]{3,9})\.?,? (\d{4})$")


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _month(name: str) -> int:
    return _MONTHS.get(name[:3].lower(), 0)


@lru_cache(maxsize=65536)
def normalise_date(value: str) -> str | None:
    """One date as ISO ``YYYY-MM-DD`` by the rule in the README ("Bad input"); None when it
    cannot be parsed.

    ISO dates (a time after them is kept: ``2016-11-18T09:30``) stay as given; ``M/D/YY`` and
    ``M/D/YYYY`` are US order (two-digit years 00-68 are 20xx, 69-99 are 19xx, as POSIX
    ``%y``); ``YYYY/MM/DD``, ``D.M.YYYY``, ``YYYYMMDD``, ``Nov 18, 2016``, ``18 November
    2016`` and RFC 2822 (``Fri, 18 Nov 2016 09:30:00 +0000``) become ``YYYY-MM-DD``.
    """
    text = value.strip()
    if m := _ISO.match(text):
        day = _iso(int(m[1]), int(m[2]), int(m[3]))
        return None if day is None else (text if m[4] else day)
    if m := _US.match(text):
        year = int(m[3])
        if len(m[3]) == 2:
            year += 2000 if year < 69 else 1900
        return _iso(year, int(m[1]), int(m[2]))
    for pattern, order in ((_YMD_SLASH, (1, 2, 3)), (_DOTTED, (3, 2, 1)), (_COMPACT, (1, 2, 3))):
        if m := pattern.match(text):
            return _iso(int(m[order[0]]), int(m[order[1]]), int(m[order[2]]))
    if m := _MONTH_FIRST.match(text):
        return _iso(int(m[3]), _month(m[1]), int(m[2]))
    if m := _DAY_FIRST.match(text):
        return _iso(int(m[3]), _month(m[2]), int(m[1]))
    parsed = email.utils.parsedate(text)
    if parsed is not None and parsed[0] > 0:
        return _iso(parsed[0], parsed[1], parsed[2])
    return None


register_memo(normalise_date.cache_clear)


def normalise_dates(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """Normalise a date column (:func:`normalise_date`); values that cannot be parsed are kept
    as given and returned (empty values are neither)."""
    text = values.fillna("").astype(str).str.strip()
    unique = {v: normalise_date(v) for v in text.unique() if v}
    bad = [v for v, d in unique.items() if d is None]
    mapping = {v: (d if d is not None else v) for v, d in unique.items()}
    mapping[""] = ""
    unparsed = text[text.isin(bad)].tolist() if bad else []
    return text.map(mapping), unparsed


# --- texts -------------------------------------------------------------------------------

def strip_zero_width(texts: pd.Series) -> tuple[pd.Series, int, int]:
    """Remove zero-width characters (:data:`ZERO_WIDTH`) from texts; returns the texts, the
    number of characters removed and the number of texts that had any."""
    counts = texts.str.count(_ZERO_WIDTH_RE.pattern)
    if not counts.any():
        return texts, 0, 0
    return (texts.str.replace(_ZERO_WIDTH_RE.pattern, "", regex=True), int(counts.sum()),
            int((counts > 0).sum()))


def check_text_types(docs: pd.DataFrame, path: Path) -> None:
    """Refuse texts that are not strings (numbers, lists, dicts, booleans, bytes); missing
    values are allowed (they are empty documents)."""
    values = docs["text"]
    if values.dtype == object:
        bad = ~values.map(lambda v: isinstance(v, str) or v is None
                          or (isinstance(v, float) and v != v))
    elif pd.api.types.is_string_dtype(values):
        return
    else:
        bad = values.notna()
    if bad.any():
        kinds = sorted({type(v).__name__ for v in values[bad]})
        raise CorpusError(f"{path}: {int(bad.sum())} text value(s) are not strings "
                          f"({', '.join(kinds)}): " + ", ".join(docs.loc[bad, "origin"].head(5))
                          + "; framelab analyses text only: fix those rows or choose another "
                          "--text-column")


def check_scalar_values(values: pd.Series, origins: pd.Series, column: object, field: str,
                        path: Path) -> None:
    """Refuse lists, dicts and arrays in an id or metadata column: their text form
    (``"['A', 'B']"``) would silently become an id or an outlet."""
    if values.dtype != object:
        return
    bad = values.map(lambda v: isinstance(v, (list, tuple, dict, set, np.ndarray)))
    if bad.any():
        kinds = sorted({type(v).__name__ for v in values[bad]})
        raise CorpusError(f"{path}: {int(bad.sum())} value(s) of column {column!r} (the "
                          f"{field}) are {', '.join(kinds)}, not single values: "
                          + ", ".join(origins[bad].head(5)) + "; give one value per row or "
                          f"choose another --{field.replace('doc_id', 'id')}-column")


def check_unique_columns(names: Any, path: Path) -> None:
    """Refuse a table whose header repeats a column name (which of the two holds the text?)."""
    counts = Counter(str(n) for n in names)
    repeated = [n for n, k in counts.items() if k > 1]
    if repeated:
        raise CorpusError(f"{path}: the header repeats the column name(s) "
                          + ", ".join(map(repr, repeated))
                          + "; rename them so that each column has its own name")


def _keys_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (json keeps the last silently)."""
    record = dict(pairs)
    if len(record) < len(pairs):
        repeated = sorted(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
        raise ValueError("it gives the key(s) " + ", ".join(map(repr, repeated))
                         + " twice; which value is meant?")
    return record


def parse_json_line(text: str) -> dict[str, Any]:
    """One JSONL record; ``ValueError`` (with the reason) when it is not a usable object:
    not JSON, not an object, nested too deeply, giving a key twice, or holding a lone
    surrogate escape (``\\ud800``), which is no character and cannot be written out again."""
    try:
        record = json.loads(text, object_pairs_hook=_keys_once)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    if "\\u" in text and re.search(r"\\u[dD][89a-fA-F]", text):
        try:
            json.dumps(record, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a \\u escape is a lone surrogate, not a character") from None
    return record


# --- reading helpers ---------------------------------------------------------------------

def _decode(raw: bytes, where: str) -> str:
    bom = bom_encoding(raw[:4])
    if bom is not None:
        try:
            return raw.decode(bom)
        except UnicodeDecodeError as err:
            raise CorpusError(f"{where}: starts with a {bom} byte-order mark but is not valid "
                              f"{bom} (byte {err.start}); re-save it as UTF-8") from None
    if b"\x00" in raw[:8192]:
        raise CorpusError(f"{where}: looks like a binary file (it contains NUL bytes), not "
                          "text; remove it from the corpus folder or convert it to UTF-8 text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        for encoding in ("cp1252", "latin-1"):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                continue
            warn(f"{where}: not valid UTF-8 (byte {err.start}); decoded as {encoding}. "
                  "Re-save the file as UTF-8 to silence this warning")
            return text
    raise AssertionError("latin-1 decodes any byte string")  # pragma: no cover


def jsonl_lines(handle: Any, path: Path) -> Iterator[tuple[int, bytes | str]]:
    """Numbered lines of a JSONL stream: bytes, or text when a UTF-16/32 mark starts it."""
    encoding = None
    try:
        head = handle.peek(4)[:4] if hasattr(handle, "peek") else b""
        encoding = bom_encoding(head)
        lines: Any = io.TextIOWrapper(handle, encoding=encoding) if encoding else handle
        yield from enumerate(lines, start=1)
    except UnicodeDecodeError as err:
        raise CorpusError(f"{path}: not valid {encoding} ({err.reason}); re-save it as "
                          "UTF-8") from None
    except decompression_errors() as err:
        raise CorpusError(f"{path}: cannot decompress it ({type(err).__name__}: {err}); "
                          "the file is damaged or truncated") from None


def _json_text(raw: bytes | str, where: str) -> str:
    return raw if isinstance(raw, str) else _decode(raw, where)


def read_parquet_safely(path: Path) -> pd.DataFrame:
    """``pd.read_parquet`` with a damaged file reported as a :class:`CorpusError`."""
    import pyarrow as pa

    try:
        return pd.read_parquet(path)
    except (OSError, pa.ArrowException) as err:
        raise CorpusError(f"{path}: not a readable Parquet file ({type(err).__name__}: {err}); "
                          "it may be truncated: write it again") from None


def _dates_note(where: Any, unparsed: list[str], total: int | None = None) -> str:
    """The warning for dates that could not be parsed."""
    count = len(unparsed) if total is None else total
    return (f"{where}: {count} date(s) could not be parsed and are kept as given: "
            + ", ".join(repr(v) for v in list(dict.fromkeys(unparsed))[:5])
            + "; write them as YYYY-MM-DD (the README's 'Bad input' lists the formats read)")


def normalise_doc_dates(docs: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The documents with their ``date`` normalised; also the values that could not be."""
    dates, unparsed = normalise_dates(docs["date"])
    return docs.assign(date=dates), unparsed
