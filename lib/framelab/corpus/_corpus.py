"""Load a corpus into one documents table, and segment it into sentences.

A corpus is a folder of ``.txt`` files (the file stem is the doc id) or a CSV / JSONL / Parquet
table with a text column. Column names are mapped with :class:`ColumnMap`; an optional metadata
sidecar (CSV) is joined on ``doc_id``. See ``docs/contracts.md`` for the tables' columns.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ColumnError, CorpusError, ParameterError
from ..paths import resolve
from ._inputs import (
    _dates_note,
    _decode,
    _json_text,
    bad_lines_text,
    check_scalar_values,
    check_text_types,
    check_unique_columns,
    csv_records,
    decompression_errors,
    jsonl_lines,
    list_folder,
    normalise_dates,
    normalise_doc_dates,
    open_input,
    parse_json_line,
    read_parquet_safely,
    strip_zero_width,
    table_kind,
)
from ._inputs import warn as _warn
from ._segment import normalize_text, segment

__all__ = [
    "DOC_COLUMNS", "ColumnMap", "load_corpus", "load_metadata", "apply_metadata",
    "load_run_corpus", "group_key", "with_document_columns",
]

log = logging.getLogger(__name__)

DOC_COLUMNS = ["doc_id", "outlet", "date", "title", "url", "text", "text_norm", "origin"]
_ORIGIN = "__framelab_origin__"  # provenance while reading; never clashes with input columns
_META_FIELDS = ("outlet", "date", "title", "url")
#: Columns a metadata sidecar may not bring: they are the corpus' own or framelab's.
_NOT_METADATA = ("text", "text_norm", "origin")
_TEXT_GUESSES = ("text", "body", "content", "article", "article_text", "article_content",
                 "full_text", "fulltext", "story", "maintext")
_ID_GUESSES = ("doc_id", "id", "article_id", "uid", "guid")
_GUESSES = {"outlet": ("outlet", "source", "publisher", "media", "site", "domain", "source_name"),
            "date": ("date", "published", "publish_date", "published_at", "pub_date",
                     "date_publish", "datetime", "timestamp"),
            "title": ("title", "headline"),
            "url": ("url", "link", "source_url")}



@dataclass(frozen=True)
class ColumnMap:
    """Which input columns hold the id, text and metadata; ``None`` means guess from the names.

    Examples
    --------
    >>> ColumnMap(text="article_content", outlet="source")  # doctest: +ELLIPSIS
    ColumnMap(id=None, text='article_content', outlet='source', ...)
    """

    id: str | None = None
    text: str | None = None
    outlet: str | None = None
    date: str | None = None
    title: str | None = None
    url: str | None = None

    @classmethod
    def from_options(cls, **options: str | None) -> ColumnMap:
        """Build from ``id_column=...``-style options, treating "" as not given."""
        names = {f.name for f in fields(cls)}
        values = {}
        for key, value in options.items():
            name = key.removesuffix("_column")
            if name not in names:
                raise ParameterError(f"unknown column option {key!r}; known: "
                                     + ", ".join(f"{n}_column" for n in sorted(names)))
            values[name] = value or None
        return cls(**values)

    @classmethod
    def coerce(cls, columns: ColumnMap | Mapping[str, str | None] | None) -> ColumnMap:
        """A :class:`ColumnMap` from one, from ``{role: column}`` (roles: id, text, outlet,
        date, title, url; ``"text_column"`` spellings too), or from None (guess every role)."""
        if columns is None:
            return cls()
        if isinstance(columns, cls):
            return columns
        if not isinstance(columns, Mapping):
            raise ParameterError(f"columns={columns!r}: give a mapping such as "
                                 "{'text': 'body', 'outlet': 'source'}")
        return cls.from_options(**{str(k): v for k, v in columns.items()})


# --- reading -----------------------------------------------------------------------------

def _read_folder(folder: Path) -> pd.DataFrame:
    texts, notes = list_folder(folder)
    for note in notes:
        _warn(note)
    rows = [{"doc_id": p.stem, "text": _decode(p.read_bytes(), str(p)), "origin": str(p)}
            for p in texts]
    return pd.DataFrame(rows, columns=["doc_id", "text", "origin"])


def _read_jsonl(path: Path, on_bad_rows: str, compression: str | None) -> pd.DataFrame:
    records = []
    lines = []
    with open_input(path, compression) as handle:
        for number, raw in jsonl_lines(handle, path):
            if not raw.strip():
                continue
            try:
                record = parse_json_line(_json_text(raw, f"{path}:{number}"))
            except ValueError as err:
                message = f"{path}: line {number} is not a JSON object ({err})"
                if on_bad_rows == "skip":
                    _warn(message + "; skipped because on_bad_rows='skip'")
                    continue
                raise CorpusError(message + "; fix the line or pass on_bad_rows='skip' "
                                  "(--on-bad-rows skip) to skip malformed rows") from None
            records.append(record)
            lines.append(number)
    frame = pd.DataFrame.from_records(records)
    frame[_ORIGIN] = [f"{path}:line {n}" for n in lines]
    return frame


def _read_csv(path: Path, on_bad_rows: str, compression: str | None) -> pd.DataFrame:
    """Read a CSV/TSV with the csv module: a record whose field count differs from the
    header's (longer, shorter, or several lines joined by a stray quote) is an error naming
    its lines, or skipped with a warning naming them; never cut, padded or dropped silently."""
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        with open_input(path, compression) as handle:
            raw = handle.read()
    except decompression_errors() as err:
        raise CorpusError(f"{path}: cannot decompress it ({type(err).__name__}: {err}); the "
                          "file is damaged or truncated") from None
    text = _decode(raw, str(path))
    try:
        records = csv_records(io.StringIO(text, newline=""), sep)
        first = next(records, None)
        if first is None:
            raise CorpusError(f"{path}: the file is empty (no header, no rows)")
        header = [name or f"Unnamed: {i}" for i, name in enumerate(first[2])]
        check_unique_columns(header, path)
        rows = []
        for start, end, record in records:
            if len(record) == len(header):
                rows.append(record)
                continue
            message = (f"{path}: {bad_lines_text(start, end)} has {len(record)} fields where "
                       f"the header has {len(header)}")
            if on_bad_rows != "skip":
                raise CorpusError(message + "; fix the row or pass on_bad_rows='skip' "
                                  "(--on-bad-rows skip) to skip malformed rows")
            _warn(message + "; skipped because on_bad_rows='skip'")
    except CorpusError as err:
        if str(err).startswith("line "):  # from csv_records: name the file
            raise CorpusError(f"{path}: {err}") from None
        raise
    frame = pd.DataFrame(rows, columns=header, dtype=str)
    frame[_ORIGIN] = [f"{path}:row {i + 1}" for i in range(len(frame))]
    return frame


def _read_table(path: Path, kind: str, on_bad_rows: str, compression: str | None
                ) -> pd.DataFrame:
    if kind == "jsonl":
        return _read_jsonl(path, on_bad_rows, compression)
    if kind == "csv":
        return _read_csv(path, on_bad_rows, compression)
    frame = read_parquet_safely(path)
    frame[_ORIGIN] = [f"{path}:row {i + 1}" for i in range(len(frame))]
    return frame


def _pick(frame: pd.DataFrame, given: str | None, guesses: tuple[str, ...], what: str,
          path: Path, *, required: bool) -> str | None:
    columns = [c for c in frame.columns if c != _ORIGIN]
    if given:
        if given not in frame.columns:
            raise ColumnError(f"{path}: no column {given!r} for the {what}; columns found: "
                              + ", ".join(map(str, columns)))
        return given
    lower = {str(c).lower(): c for c in columns}
    for guess in guesses:
        if guess in lower:
            return lower[guess]
    if required:
        flag = "--text-column" if what == "text" else f"--{what}-column"
        raise ColumnError(f"{path}: cannot tell which column holds the {what}; columns found: "
                          + ", ".join(map(str, columns)) + f". Name it with {flag} COLUMN")
    return None


def _standardise(frame: pd.DataFrame, columns: ColumnMap, path: Path) -> pd.DataFrame:
    check_unique_columns(frame.columns, path)
    text_col = _pick(frame, columns.text, _TEXT_GUESSES, "text", path, required=True)
    id_col = _pick(frame, columns.id, _ID_GUESSES, "id", path, required=False)
    out = pd.DataFrame(index=frame.index)
    if id_col is None:
        out["doc_id"] = [f"{path.stem}-{i + 1:06d}" for i in range(len(frame))]
    else:
        null = frame[id_col].isna()
        if null.any():
            raise CorpusError(f"{path}: {int(null.sum())} row(s) have a missing id in column "
                              f"{id_col!r} (" + ", ".join(frame.loc[null, _ORIGIN].head(5))
                              + "); fill them or drop --id-column to number rows automatically")
        check_scalar_values(frame[id_col], frame[_ORIGIN], id_col, "id", path)
        out["doc_id"] = frame[id_col].astype(str)
    out["text"] = frame[text_col]
    used = {text_col, id_col, _ORIGIN}
    for name in _META_FIELDS:
        col = _pick(frame, getattr(columns, name), _GUESSES[name], name, path, required=False)
        if col is not None:
            check_scalar_values(frame[col], frame[_ORIGIN], col, name, path)
        out[name] = frame[col] if col is not None else ""
        used.add(col)
    out["origin"] = frame[_ORIGIN]
    clash = [c for c in frame.columns if c not in used and c in out.columns]
    if clash:
        _warn(f"{path}: column(s) {', '.join(map(str, clash))} are not used for that field and "
              "would clash with framelab's own; they are left out. Map them with "
              "--<field>-column or rename them")
    extra = [c for c in frame.columns if c not in used and c not in out.columns]
    return pd.concat([out, frame[extra]], axis=1)


def load_metadata(path: str | Path) -> pd.DataFrame:
    """Read a metadata sidecar: a CSV with a ``doc_id`` column and any other columns."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"metadata file {path} "
                          + ("is a folder, not a CSV file" if path.is_dir() else "does not exist"))
    text = _decode(path.read_bytes(), str(path))
    try:
        meta = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise CorpusError(f"metadata file {path} is empty: give a CSV with a header row "
                          "starting with doc_id") from None
    except pd.errors.ParserError as err:
        raise CorpusError(f"metadata file {path}: {err}; every row needs as many fields as "
                          "the header") from None
    if "doc_id" not in meta.columns:
        raise ColumnError(f"{path}: a metadata file needs a 'doc_id' column; columns found: "
                          + ", ".join(meta.columns))
    dupes = meta["doc_id"][meta["doc_id"].duplicated()].unique().tolist()
    if dupes:
        raise CorpusError(f"{path}: doc_id repeated in metadata: {', '.join(dupes[:10])}; "
                          "keep one row per document")
    own = [c for c in meta.columns if c in _NOT_METADATA]
    if own:
        raise CorpusError(f"{path}: a metadata file may not have the column(s) {own}: the "
                          "text comes from the corpus itself; rename or drop them")
    if "date" in meta.columns:
        meta["date"], unparsed = normalise_dates(meta["date"])
        if unparsed:
            _warn(_dates_note(path, unparsed))
    return meta


def _join_metadata(docs: pd.DataFrame, meta: pd.DataFrame, path: Path, *,
                   metadata_wins: bool = False) -> pd.DataFrame:
    known = set(docs["doc_id"])
    orphans = [d for d in meta["doc_id"] if d not in known]
    if orphans:
        _warn(f"{path}: {len(orphans)} metadata row(s) match no document: "
              + ", ".join(orphans[:10]) + "; check the doc_id spelling")
    missing = sorted(known - set(meta["doc_id"]))
    if missing:
        _warn(f"{path}: {len(missing)} document(s) have no metadata row: "
              + ", ".join(missing[:10]) + "; their outlet/date stay empty")
    return apply_metadata(docs, meta, metadata_wins=metadata_wins, where=path)


def apply_metadata(docs: pd.DataFrame, meta: pd.DataFrame, *, metadata_wins: bool = False,
                   where: Any = "the metadata file") -> pd.DataFrame:
    """Join metadata rows onto documents by ``doc_id`` (no warnings; callers report orphans).

    A sidecar adds columns and fills the documents' empty values. A non-empty metadata value
    that differs from the document's own non-empty value is a conflict: an error, unless
    ``metadata_wins`` (``--metadata-wins``) says the sidecar's value replaces it. New columns
    are "" where a document has no metadata row.

    Raises
    ------
    CorpusError
        A conflicting value without ``metadata_wins``; the message names the column, how many
        documents and the first of them.
    """
    indexed = meta.set_index("doc_id")
    docs = docs.set_index("doc_id")
    for col in indexed.columns:
        values = indexed[col].reindex(docs.index)
        if col in docs.columns:
            filled = values.notna() & (values != "")
            own = docs[col].fillna("").astype(str).str.strip()
            clash = filled & (own != "") & (own != values.fillna("").astype(str).str.strip())
            if clash.any() and not metadata_wins:
                first = clash[clash].index[0]
                raise CorpusError(
                    f"{where}: column {col!r} conflicts with the corpus' own values for "
                    f"{int(clash.sum())} document(s) (first {first!r}: corpus "
                    f"{own[first]!r}, metadata {values[first]!r}); fix one of them, or pass "
                    "--metadata-wins (metadata_wins=True) to let the metadata replace them")
            docs[col] = docs[col].where(~filled, values)
        else:
            docs[col] = values.fillna("")
    return docs.reset_index()


def load_corpus(
    path: str | Path,
    *,
    metadata: str | Path | None = None,
    columns: ColumnMap | None = None,
    on_bad_rows: str = "error",
    metadata_wins: bool = False,
) -> pd.DataFrame:
    """Load a corpus into the documents table.

    Parameters
    ----------
    path : str or Path
        A folder of ``.txt`` files, or a ``.csv``/``.tsv``/``.jsonl``/``.parquet`` file.
    metadata : str or Path, optional
        A CSV sidecar with ``doc_id`` and metadata columns. For a folder, ``metadata.csv``
        inside it is used when no sidecar is given.
    columns : ColumnMap, optional
        Input column names for id, text, outlet, date, title, url (guessed when omitted).
    on_bad_rows : {"error", "skip"}
        What to do with a malformed CSV/JSONL row: stop naming the line, or warn and skip it.
    metadata_wins : bool
        A metadata value that differs from the corpus' own replaces it (otherwise an error).

    Returns
    -------
    DataFrame
        Columns :data:`DOC_COLUMNS` followed by any extra metadata columns. Documents are
        kept in input order. Empty documents are dropped with a warning naming them, rows
        repeating an earlier row exactly too; dates are normalised (README, "Bad input").
    """
    if on_bad_rows not in ("error", "skip"):
        raise ParameterError(f"on_bad_rows={on_bad_rows!r}; use 'error' or 'skip'")
    path = Path(path)
    columns = columns or ColumnMap()
    if path.is_dir():
        docs = _read_folder(path)
        for name in _META_FIELDS:
            docs[name] = ""
        if metadata is None and (path / "metadata.csv").is_file():
            metadata = path / "metadata.csv"
    elif path.is_file():
        kind, compression = table_kind(path)
        docs = _standardise(_read_table(path, kind, on_bad_rows, compression), columns, path)
    else:
        raise CorpusError(f"corpus path {path} does not exist")
    if docs.empty:
        raise CorpusError(f"{path}: the corpus is empty (no documents found); point --corpus "
                          "at a folder of .txt files or a table with one article per row")
    docs = _clean(docs, path)
    docs, unparsed = normalise_doc_dates(docs)
    if unparsed:
        _warn(_dates_note(path, unparsed))
    if metadata is not None:
        docs = _join_metadata(docs, load_metadata(metadata), Path(metadata),
                              metadata_wins=metadata_wins)
    for name in _META_FIELDS:
        docs[name] = docs[name].fillna("").astype(str).str.strip()
    docs["text_norm"] = docs["text"].map(normalize_text)
    ordered = DOC_COLUMNS + [c for c in docs.columns if c not in DOC_COLUMNS]
    return docs[ordered].reset_index(drop=True)


def _clean(docs: pd.DataFrame, path: Path, repeats: bool = True) -> pd.DataFrame:
    """The per-table checks of :func:`load_corpus`; ``repeats=False`` leaves repeated texts to
    the caller (a stream counts them over the whole corpus and warns once)."""
    check_text_types(docs, path)
    docs = docs.copy()
    docs["text"] = docs["text"].where(docs["text"].notna(), "").astype(str)
    docs["text"], n_chars, n_docs = strip_zero_width(docs["text"])
    if n_chars:
        _warn(f"{path}: removed {n_chars} zero-width character(s) (U+200B, U+2060, U+FEFF, "
              f"soft hyphen) from {n_docs} document(s); they hide words from matching")
    ids = docs["doc_id"].astype(str).str.strip()
    docs["doc_id"] = ids
    docs, ids = _collapse_exact_duplicates(docs, ids, path)
    blank_id = ids == ""
    if blank_id.any():
        where = ", ".join(docs.loc[blank_id, "origin"].head(5))
        raise CorpusError(f"{path}: {int(blank_id.sum())} row(s) have an empty id ({where}); "
                          "fill them or drop --id-column to number rows automatically")
    dupes = ids[ids.duplicated(keep=False)]
    if not dupes.empty:
        first = dupes.iloc[0]
        where = ", ".join(docs.loc[ids == first, "origin"].head(5))
        raise CorpusError(f"{path}: doc_id {first!r} occurs {int((ids == first).sum())} times "
                          f"with different content ({where}); {dupes.nunique()} id(s) are "
                          "repeated. Make ids unique or choose another --id-column")
    empty = docs["text"].str.strip() == ""
    if empty.any():
        _warn(f"{path}: {int(empty.sum())} empty document(s) dropped: "
              + ", ".join(docs.loc[empty, "origin"].head(10)))
        docs = docs[~empty]
        if docs.empty:
            raise CorpusError(f"{path}: every document is empty; check the text column")
    key = docs["text"].str.strip()
    repeated = key.duplicated(keep=False)
    if repeats and repeated.any():
        groups = docs[repeated].groupby(key[repeated], sort=False)["doc_id"].apply(list)
        shown = "; ".join(" = ".join(g) for g in groups.head(5))
        _warn(f"{path}: {len(groups)} text(s) occur more than once ({shown}). They are kept; "
              "drop duplicates before loading if they are not separate publications")
    return docs


def row_keys(docs: pd.DataFrame) -> pd.Series:
    """One string per row holding every column but ``origin``: equal rows, equal keys."""
    cols = [c for c in docs.columns if c != "origin"]
    if not cols:
        return docs["doc_id"]
    cells = docs[cols].astype(object)
    # a missing value gets its own mark, so it equals another missing value and never ""
    cells = cells.where(cells.notna(), "\x00").map(str)
    return cells.agg("\x1f".join, axis=1)


def _collapse_exact_duplicates(docs: pd.DataFrame, ids: pd.Series, path: Path
                               ) -> tuple[pd.DataFrame, pd.Series]:
    """Drop rows that repeat an earlier row exactly (same id, text and metadata), warning with
    their ids; rows that share an id but differ are left for the caller to refuse."""
    repeated = ids.duplicated(keep=False)
    if not repeated.any():
        return docs, ids
    keys = row_keys(docs[repeated])
    exact = keys.duplicated(keep="first")
    if not exact.any():
        return docs, ids
    drop = exact[exact].index
    names = list(dict.fromkeys(ids[drop]))
    _warn(f"{path}: {len(drop)} row(s) repeat an earlier row exactly (same id, text and "
          f"metadata) and were dropped: " + ", ".join(names[:10])
          + (" ..." if len(names) > 10 else "") + " (" + ", ".join(docs.loc[drop, "origin"]
                                                              .head(5)) + ")")
    return docs.drop(index=drop), ids.drop(index=drop)


def group_key(frame: pd.DataFrame, group_by: str = "outlet") -> pd.Series:
    """Return the grouping of each row: ``frame[group_by]``, or doc_id where that is empty.

    Raises
    ------
    ColumnError
        ``group_by`` is not a column of ``frame``; the message lists the columns.
    """
    if group_by not in frame.columns:
        raise ColumnError(f"group_by={group_by!r} is not a column; available: "
                          + ", ".join(map(str, frame.columns)))
    values = frame[group_by].fillna("").astype(str)
    if group_by == "doc_id":
        return values
    return values.where(values != "", frame["doc_id"].astype(str))


def load_run_corpus(
    corpus: str | Path,
    *,
    metadata: str | Path | None = "",
    columns: ColumnMap | Mapping[str, str | None] | None = None,
    on_bad_rows: str = "error",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load and segment a corpus from notebook parameters; returns ``(documents, sentences)``.

    Relative paths are taken from the project root, so notebooks work from any directory.
    Extra metadata columns of the documents are copied onto the sentences so that any of them
    can be a ``group_by``. ``columns`` maps roles to input columns (see :meth:`ColumnMap.coerce`).
    """
    docs = load_corpus(resolve(corpus), metadata=resolve(metadata) if metadata else None,
                       columns=ColumnMap.coerce(columns), on_bad_rows=on_bad_rows)
    return docs, with_document_columns(segment(docs), docs)


def with_document_columns(sentences: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Copy the documents' metadata columns (date, title, any sidecar column) onto sentences,
    so that any of them can be a ``group_by``."""
    extra = [c for c in documents.columns if c not in ("outlet", "text", "text_norm", "origin")
             and c not in sentences.columns]
    if not extra:
        return sentences
    return sentences.merge(documents[["doc_id", *extra]], on="doc_id", how="left")

