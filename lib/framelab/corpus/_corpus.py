"""Load a corpus into one documents table, and segment it into sentences.

A corpus is a folder of ``.txt`` files (the file stem is the doc id) or a CSV / JSONL / Parquet
table with a text column. Column names are mapped with :class:`ColumnMap`; an optional metadata
sidecar (CSV) is joined on ``doc_id``. See ``docs/contracts.md`` for the tables' columns.
"""

from __future__ import annotations

import io
import json
import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from ..errors import ColumnError, CorpusError, CorpusWarning, ParameterError
from ..paths import resolve
from ._segment import normalize_text, segment

__all__ = [
    "DOC_COLUMNS", "ColumnMap", "load_corpus", "load_metadata", "apply_metadata",
    "load_run_corpus", "group_key", "with_document_columns",
]

log = logging.getLogger(__name__)

DOC_COLUMNS = ["doc_id", "outlet", "date", "title", "url", "text", "text_norm", "origin"]
_ORIGIN = "__framelab_origin__"  # provenance while reading; never clashes with input columns
_META_FIELDS = ("outlet", "date", "title", "url")
_TABLE_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
                   ".json": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
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


def _warn(message: str) -> None:
    log.warning(message)
    warnings.warn(message, CorpusWarning, stacklevel=3)


# --- reading -----------------------------------------------------------------------------

def _decode(raw: bytes, where: str) -> str:
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
            _warn(f"{where}: not valid UTF-8 (byte {err.start}); decoded as {encoding}. "
                  "Re-save the file as UTF-8 to silence this warning")
            return text
    raise AssertionError("latin-1 decodes any byte string")  # pragma: no cover


def _read_folder(folder: Path) -> pd.DataFrame:
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    texts = [p for p in files if p.suffix.lower() == ".txt"]
    others = [p.name for p in files if p.suffix.lower() != ".txt" and p.name != "metadata.csv"]
    if others:
        _warn(f"{folder}: ignoring {len(others)} file(s) that are not .txt: "
              + ", ".join(others[:10]) + (" ..." if len(others) > 10 else ""))
    rows = [{"doc_id": p.stem, "text": _decode(p.read_bytes(), str(p)), "origin": str(p)}
            for p in texts]
    return pd.DataFrame(rows, columns=["doc_id", "text", "origin"])


def _read_jsonl(path: Path, on_bad_rows: str) -> pd.DataFrame:
    records = []
    lines = []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(_decode(raw, f"{path}:{number}"))
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
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


def _read_csv(path: Path, on_bad_rows: str) -> pd.DataFrame:
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    bad: list[str] = []

    def on_bad(line: list[str]) -> None:
        bad.append(sep.join(line)[:80])
        return None

    try:
        raw = path.read_bytes()
        text = _decode(raw, str(path))
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            index_col=False,
                            engine="python" if on_bad_rows == "skip" else "c",
                            on_bad_lines=on_bad if on_bad_rows == "skip" else "error")
    except pd.errors.ParserError as err:
        raise CorpusError(f"{path}: {err}; fix the row or pass on_bad_rows='skip' "
                          "(--on-bad-rows skip) to skip malformed rows") from None
    for line in bad:
        _warn(f"{path}: skipped a malformed row ({line!r}) because on_bad_rows='skip'")
    frame[_ORIGIN] = [f"{path}:row {i + 1}" for i in range(len(frame))]
    return frame


def _read_table(path: Path, kind: str, on_bad_rows: str) -> pd.DataFrame:
    if kind == "jsonl":
        return _read_jsonl(path, on_bad_rows)
    if kind == "csv":
        return _read_csv(path, on_bad_rows)
    frame = pd.read_parquet(path)
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
    text_col = _pick(frame, columns.text, _TEXT_GUESSES, "text", path, required=True)
    id_col = _pick(frame, columns.id, _ID_GUESSES, "id", path, required=False)
    out = pd.DataFrame(index=frame.index)
    if id_col is None:
        out["doc_id"] = [f"{path.stem}-{i + 1:06d}" for i in range(len(frame))]
    else:
        out["doc_id"] = frame[id_col].astype(str)
    out["text"] = frame[text_col]
    used = {text_col, id_col, _ORIGIN}
    for name in _META_FIELDS:
        col = _pick(frame, getattr(columns, name), _GUESSES[name], name, path, required=False)
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
        raise CorpusError(f"metadata file {path} does not exist")
    meta = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "doc_id" not in meta.columns:
        raise ColumnError(f"{path}: a metadata file needs a 'doc_id' column; columns found: "
                          + ", ".join(meta.columns))
    dupes = meta["doc_id"][meta["doc_id"].duplicated()].unique().tolist()
    if dupes:
        raise CorpusError(f"{path}: doc_id repeated in metadata: {', '.join(dupes[:10])}; "
                          "keep one row per document")
    return meta


def _join_metadata(docs: pd.DataFrame, meta: pd.DataFrame, path: Path) -> pd.DataFrame:
    known = set(docs["doc_id"])
    orphans = [d for d in meta["doc_id"] if d not in known]
    if orphans:
        _warn(f"{path}: {len(orphans)} metadata row(s) match no document: "
              + ", ".join(orphans[:10]) + "; check the doc_id spelling")
    missing = sorted(known - set(meta["doc_id"]))
    if missing:
        _warn(f"{path}: {len(missing)} document(s) have no metadata row: "
              + ", ".join(missing[:10]) + "; their outlet/date stay empty")
    return apply_metadata(docs, meta)


def apply_metadata(docs: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """Join metadata rows onto documents by ``doc_id`` (no warnings; callers report orphans).

    A non-empty metadata value replaces the document's; new columns are added, "" where a
    document has no metadata row.
    """
    indexed = meta.set_index("doc_id")
    docs = docs.set_index("doc_id")
    for col in indexed.columns:
        values = indexed[col].reindex(docs.index)
        if col in docs.columns:
            filled = values.notna() & (values != "")
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

    Returns
    -------
    DataFrame
        Columns :data:`DOC_COLUMNS` followed by any extra metadata columns. Documents are
        kept in input order. Empty documents are dropped with a warning naming them.
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
        kind = _TABLE_SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise CorpusError(f"{path}: unknown corpus format {path.suffix!r}; use a folder of "
                              ".txt files or a .csv, .tsv, .jsonl or .parquet file")
        docs = _standardise(_read_table(path, kind, on_bad_rows), columns, path)
    else:
        raise CorpusError(f"corpus path {path} does not exist")
    if docs.empty:
        raise CorpusError(f"{path}: the corpus is empty (no documents found); point --corpus "
                          "at a folder of .txt files or a table with one article per row")
    docs = _clean(docs, path)
    if metadata is not None:
        docs = _join_metadata(docs, load_metadata(metadata), Path(metadata))
    for name in _META_FIELDS:
        docs[name] = docs[name].fillna("").astype(str).str.strip()
    docs["text_norm"] = docs["text"].map(normalize_text)
    ordered = DOC_COLUMNS + [c for c in docs.columns if c not in DOC_COLUMNS]
    return docs[ordered].reset_index(drop=True)


def _clean(docs: pd.DataFrame, path: Path) -> pd.DataFrame:
    docs = docs.copy()
    docs["text"] = docs["text"].where(docs["text"].notna(), "").astype(str)
    ids = docs["doc_id"].astype(str).str.strip()
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
                          f"({where}); {dupes.nunique()} id(s) are repeated. Make ids unique or "
                          "choose another --id-column")
    docs["doc_id"] = ids
    empty = docs["text"].str.strip() == ""
    if empty.any():
        _warn(f"{path}: {int(empty.sum())} empty document(s) dropped: "
              + ", ".join(docs.loc[empty, "origin"].head(10)))
        docs = docs[~empty]
        if docs.empty:
            raise CorpusError(f"{path}: every document is empty; check the text column")
    key = docs["text"].str.strip()
    repeated = key.duplicated(keep=False)
    if repeated.any():
        groups = docs[repeated].groupby(key[repeated], sort=False)["doc_id"].apply(list)
        shown = "; ".join(" = ".join(g) for g in groups.head(5))
        _warn(f"{path}: {len(groups)} text(s) occur more than once ({shown}). They are kept; "
              "drop duplicates before loading if they are not separate publications")
    return docs


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

