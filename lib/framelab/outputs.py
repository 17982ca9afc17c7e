"""Writing tables and other run outputs: atomically, deterministically, never over an old run.

Every file is written to a temporary name in the same folder and renamed into place, so a run
killed half-way leaves no half-written file. Numbers are written with a fixed format so that
the same inputs give byte-identical tables.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

import pandas as pd
import psutil

from .errors import ParameterError
from .paths import OUTPUTS_DIR, resolve

__all__ = ["FLOAT_FORMAT", "LATEX_PRECISION", "LONGTABLE_ROWS", "LATEX_MAX_ROWS", "PARQUET_ROWS",
           "PREVIEW_ROWS", "CONTEXT_COLUMNS", "Preview", "TableSink", "atomic_path", "save_table",
           "latex_table", "preview_written",
           "interactive_dir", "preview", "resolve_out_dir", "safe_file_stem", "table_path"]

logger = logging.getLogger(__name__)

#: Ten significant digits: stable across platforms, far beyond what the analyses resolve.
FLOAT_FORMAT = "%.10g"
#: Decimal places of the numbers in a LaTeX table (the CSV keeps :data:`FLOAT_FORMAT`).
LATEX_PRECISION = 3
#: A LaTeX table longer than this many rows is a ``longtable`` (it breaks across pages).
LONGTABLE_ROWS = 40
#: No LaTeX is written for a table longer than this: no paper prints it; the CSV has every row.
LATEX_MAX_ROWS = 2000
#: A table with at least this many rows also gets a Parquet copy beside its CSV (typed,
#: compressed, fast to read back with ``pandas.read_parquet``).
PARQUET_ROWS = 100_000
#: Rows a notebook shows of a table (:func:`preview`); the file on disk has every row.
PREVIEW_ROWS = 20
#: Columns of context shown whole, never cut: the left context is right-aligned so that the
#: keyword (``match``) lines up.
CONTEXT_COLUMNS = ("left", "match", "right", "text", "evidence", "voice_evidence", "context")
_INTERACTIVE: dict[str, Path] = {}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: Longest stem :func:`safe_file_stem` returns (file systems allow 255 bytes per name).
MAX_STEM = 120
#: Output logs by run directory (:func:`resolve_out_dir` with ``log``): a report run learns from
#: them which notebook wrote which file.
_LOGS: dict[Path, Path] = {}


def _file_mode() -> int:
    """0o666 less the process umask, read without changing it (``/proc``; 0o644 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    return 0o644


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it to ``path``.

    On an exception the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # keep the real suffix last: some writers (Chromium, matplotlib) go by it
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}",
                               dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _file_mode())  # mkstemp makes 0600 files; outputs are for sharing
        os.replace(tmp, path)
        log = _log_for(path)
        if log is not None:  # a report run attributes every output to the notebook that wrote it
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"{path.resolve()}\n")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write(path: Path, writer: Callable[[IO[str]], object]) -> Path:
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer(handle)
    return path


def _log_for(path: Path) -> Path | None:
    resolved = path.resolve()
    for folder, log in _LOGS.items():
        if folder in resolved.parents:
            return log
    return None


def resolve_out_dir(out_dir: str | Path = "", *, log: str | Path = "") -> Path:
    """Return the run directory a notebook writes into.

    An empty ``out_dir`` (interactive use in JupyterLab) gives the session's own folder,
    :func:`interactive_dir`, so exploring never overwrites a report run.
    ``log`` (the notebooks' ``output_log`` parameter, set by the report) names a file to
    which every output later written under this directory is appended.
    """
    if str(out_dir):
        folder = resolve(out_dir)
        if str(log):
            _LOGS[folder.resolve()] = resolve(log)
        return folder
    return interactive_dir()


def interactive_dir() -> Path:
    """The folder interactive use writes into: one per JupyterLab session.

    Every kernel a Jupyter server starts carries the server's process id
    (``JPY_PARENT_PID``), so all notebooks run in one JupyterLab session write into one
    ``outputs/interactive-<server start>-lab<pid>`` and ``99_summary`` finds their tables
    together. Outside Jupyter it is one folder per Python process. The parent is
    ``$FRAMELAB_INTERACTIVE_DIR`` if set, else ``outputs/``. Nothing is created here.
    """
    if "path" not in _INTERACTIVE:
        parent = Path(os.environ.get("FRAMELAB_INTERACTIVE_DIR") or OUTPUTS_DIR)
        _INTERACTIVE["path"] = parent / f"interactive-{_session_key()}"
    return _INTERACTIVE["path"]


def _session_key() -> str:
    """``<start>-lab<pid>`` of the Jupyter server that started this kernel, else
    ``<now>-<pid>`` of this process."""
    server = os.environ.get("JPY_PARENT_PID", "")
    if server.isdigit() and int(server) != os.getpid():
        try:
            started = psutil.Process(int(server)).create_time()
        except psutil.Error:  # the server is gone: fall back to this process
            pass
        else:
            return f"{time.strftime('%Y%m%d-%H%M%S', time.localtime(started))}-lab{server}"
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"


def safe_file_stem(*parts: object, max_length: int = MAX_STEM) -> str:
    """A file name stem for ``parts`` (e.g. document ids) that is safe and unique.

    Each part keeps its letters, digits, ``.``, ``_`` and ``-``; other runs of characters
    become ``_``. When that changed anything, or the stem would be longer than
    ``max_length``, a hash of the original parts is appended (after shortening the readable
    part), so that ids which differ only in unsafe characters (``a/b``, ``a b``, ``a_b``) or
    beyond the length limit never share a file name.

    Examples
    --------
    >>> safe_file_stem("doc1", "doc2")
    'doc1_doc2'
    >>> safe_file_stem("a/b") != safe_file_stem("a_b")
    True
    """
    raw = [str(p) for p in parts]
    clean = [_UNSAFE.sub("_", p).strip(".") or "_" for p in raw]
    stem = "_".join(clean)
    if clean == raw and len(stem) <= max_length and not stem.startswith("."):
        return stem
    digest = hashlib.sha1("\x00".join(raw).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{stem[:max_length - 11]}-{digest}"


def table_path(name: str, out_dir: str | Path) -> Path:
    """Path of table ``name`` in a run directory: ``<out_dir>/tables/<name>.csv``."""
    if not name or "/" in name or name.startswith("."):
        raise ParameterError(f"table name {name!r}: use a plain file name like 'label_rates'")
    return resolve_out_dir(out_dir) / "tables" / f"{name}.csv"


def save_table(frame: pd.DataFrame, name: str, out_dir: str | Path, *,
               latex: bool = True, caption: str = "",
               precision: int = LATEX_PRECISION) -> Path:
    """Write ``frame`` to ``<out_dir>/tables/<name>.csv``, atomically, in full.

    Floats in the CSV use :data:`FLOAT_FORMAT`; the index is not written. A table of
    :data:`PARQUET_ROWS` rows or more also gets ``<name>.parquet`` beside the CSV.

    ``latex`` is for tables meant for a paper (aggregates such as rates per group): it also
    writes ``<name>.tex`` with :func:`latex_table` (``caption``, ``precision``). Pass
    ``latex=False`` for row-level tables (mentions, KWIC lines); a table longer than
    :data:`LATEX_MAX_ROWS` gets no LaTeX, with a log message.

    Returns
    -------
    Path
        The CSV's path.
    """
    path = table_path(name, out_dir)
    _write(path, lambda h: frame.to_csv(h, index=False, float_format=FLOAT_FORMAT,
                                         lineterminator="\n"))
    if len(frame) >= PARQUET_ROWS:
        with atomic_path(path.with_suffix(".parquet")) as tmp:
            frame.to_parquet(tmp, index=False)
    if latex and len(frame) > LATEX_MAX_ROWS:
        logger.info("table %s: %d rows is more than a paper prints (LATEX_MAX_ROWS=%d); "
                    "no LaTeX written, the CSV has every row", name, len(frame), LATEX_MAX_ROWS)
    elif latex:
        text = latex_table(frame, caption=caption or name.replace("_", " "),
                           label=f"tab:{name}", precision=precision)
        _write(path.with_suffix(".tex"), lambda h: h.write(text))
    return path


class TableSink:
    """:func:`save_table` of a row-level table that is made part by part and never held whole.

    Use it as a context manager and :meth:`append` the parts in table order: they go
    to ``<out_dir>/tables/<name>.csv`` (written as :func:`save_table` writes the concatenated
    parts: the same bytes when the parts share their columns' types) and to a Parquet copy,
    kept beside the CSV when the table reaches :data:`PARQUET_ROWS` rows. ``section``
    orders rows that arrive interleaved: the file holds every row of section 0 (in the order
    appended), then of section 1, and so on. Files are renamed into place when the block ends
    without an error; on an error nothing is left. No LaTeX: a table made part by part is a
    row-level table.
    """

    def __init__(self, name: str, out_dir: str | Path) -> None:
        self.name = name
        self.path = table_path(name, out_dir)
        self.rows = 0
        self._stack = ExitStack()
        self._header: str | None = None
        self._sections: dict[int, _Section] = {}
        self._schema: Any = None
        self._parquet = True  # False once a part's types break the first part's schema

    def __enter__(self) -> TableSink:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self

    def append(self, frame: pd.DataFrame, section: int = 0) -> None:
        """Write ``frame``'s rows after those appended before to ``section``."""
        import pyarrow as pa

        if self._header is None:
            self._header = frame.iloc[:0].to_csv(index=False, lineterminator="\n")
        if section not in self._sections:
            self._sections[section] = self._stack.enter_context(_Section(self.path))
        part = self._sections[section]
        frame.to_csv(part.csv, index=False, header=False, float_format=FLOAT_FORMAT,
                     lineterminator="\n")
        self.rows += len(frame)
        if not len(frame) or not self._parquet:
            return
        try:
            table = pa.Table.from_pandas(frame, schema=self._schema, preserve_index=False)
            self._schema = table.schema
            part.write(table)
        except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as err:
            logger.warning("table %s: no Parquet copy (a part's column types differ from the "
                           "first part's: %s); the CSV has every row", self.name, err)
            self._parquet = False

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        import pyarrow.parquet as pq

        with self._stack:
            if kind is not None:
                return
            order = [self._sections[k] for k in sorted(self._sections)]
            for part in order:
                part.close()
            with atomic_path(self.path) as tmp, open(tmp, "w", encoding="utf-8",
                                                     newline="") as out:
                out.write(self._header or "\n")
                for part in order:
                    with open(part.csv_path, encoding="utf-8", newline="") as handle:
                        shutil.copyfileobj(handle, out, 1 << 20)
            if self._parquet and self._schema is not None and self.rows >= PARQUET_ROWS:
                with atomic_path(self.path.with_suffix(".parquet")) as tmp, \
                        pq.ParquetWriter(tmp, self._schema) as writer:
                    for part in order:
                        if part.writer is not None:
                            for batch in pq.ParquetFile(part.parquet).iter_batches():
                                writer.write_batch(batch)


class _Section:
    """Scratch CSV and Parquet files of one section of a :class:`TableSink`."""

    def __init__(self, path: Path) -> None:
        self._stack = ExitStack()
        self.csv_path = self._stack.enter_context(_scratch(path))
        self.parquet = self._stack.enter_context(_scratch(path.with_suffix(".parquet")))
        self.csv: IO[str] = self._stack.enter_context(open(self.csv_path, "w",
                                                           encoding="utf-8", newline=""))
        self.writer: Any = None

    def write(self, table: Any) -> None:
        import pyarrow.parquet as pq

        if self.writer is None:
            self.writer = pq.ParquetWriter(self.parquet, table.schema)
        self.writer.write_table(table)

    def close(self) -> None:
        self.csv.close()
        if self.writer is not None:
            self.writer.close()

    def __enter__(self) -> _Section:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
        self._stack.close()


@contextmanager
def _scratch(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path``, removed when the block ends (renamed or not)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}",
                               dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


_LATEX_SPECIAL = (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"),
                  ("#", r"\#"), ("_", r"\_"), ("{", r"\{"), ("}", r"\}"),
                  ("~", r"\textasciitilde{}"), ("^", r"\textasciicircum{}"))


def _escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (backslash first)."""
    out = []
    for char in text:
        out.append(next((esc for raw, esc in _LATEX_SPECIAL if char == raw), char))
    return "".join(out)


def _header(column: object) -> str:
    """A readable column header: ``rate_per_1000`` -> ``rate per 1000``, ``ci_low`` -> ``CI low``."""
    words = str(column).replace("_", " ").split()
    return " ".join(w.upper() if w in ("ci", "id", "kwic", "npmi") else w for w in words)


def latex_table(frame: pd.DataFrame, *, caption: str, label: str,
                precision: int = LATEX_PRECISION) -> str:
    """``frame`` as a LaTeX table for a paper, written by pandas' ``Styler.to_latex``.

    booktabs rules; numbers rounded to ``precision`` decimals and right-aligned, text
    left-aligned; headers with spaces for underscores; caption and label; a ``longtable``
    when the table has more than :data:`LONGTABLE_ROWS` rows. The document needs
    ``\\usepackage{booktabs}`` (and ``longtable`` for long tables).
    """
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns]
    shown = frame.rename(columns={c: _header(c) for c in frame.columns})
    shown.columns = [str(c) for c in shown.columns]
    styler = (shown.style.hide(axis="index")
              .format(precision=precision, na_rep="", escape="latex", thousands=None)
              .format_index(escape="latex", axis="columns"))
    long = len(frame) > LONGTABLE_ROWS
    return styler.to_latex(
        column_format="".join("r" if n else "l" for n in numeric),
        hrules=True, caption=_escape(caption), label=label,
        environment="longtable" if long else None,
        position_float=None if long else "centering",
        position=None if long else "htbp")


def preview(frame: pd.DataFrame, path: str | Path | None = None, *,
            n: int = PREVIEW_ROWS, total: int | None = None) -> Any:
    """The first ``n`` rows of ``frame`` for display, with the row count and the file's path.

    What a notebook shows (and its HTML page holds) stays the same size however large the
    table. Context columns (:data:`CONTEXT_COLUMNS`) are shown whole, not cut at pandas'
    50 characters, with ``left`` right-aligned against the keyword.

    ``total`` is the table's row count when ``frame`` holds only its first rows (a table
    written part by part: :func:`preview_written`).

    Returns
    -------
    Preview
        Display it (the last expression of a cell): HTML in JupyterLab and the report's
        pages, plain text elsewhere; ``.frame`` is the shown rows, ``.caption`` the counts.
    """
    if n < 1:
        raise ParameterError(f"n={n}: a preview shows at least one row")
    shown = frame.head(n)
    rows = len(frame) if total is None else total
    where = f" · full table: {path}" if path is not None else ""
    caption = (f"{rows:,} rows{f', the first {len(shown)} shown' if rows > len(shown) else ''}"
               f"{where}")
    digest = hashlib.sha1(f"{path}|{caption}|{list(shown.columns)}".encode()).hexdigest()[:10]
    styler = shown.style.set_uuid(digest)  # not random: the same run gives the same pages
    styler = styler.hide(axis="index").set_caption(caption).set_table_styles(
        [{"selector": "caption", "props": "caption-side: top; text-align: left;"}])
    text_props = "white-space: pre-wrap; text-align: left; vertical-align: top;"
    for column in shown.columns:
        if column not in CONTEXT_COLUMNS:
            continue
        if column == "left":
            props = "white-space: pre; text-align: right;"
        elif column == "match":
            props = "white-space: pre; text-align: center; font-weight: bold;"
        elif column == "right":
            props = "white-space: pre; text-align: left;"
        else:
            props = text_props
        styler = styler.set_properties(subset=[column], **_css(props))
    return Preview(shown, caption, styler)


def preview_written(table: pd.DataFrame, *, n: int = PREVIEW_ROWS) -> Any:
    """:func:`preview` of a table written part by part (``attrs`` ``path`` and ``rows``, as
    :class:`framelab.run.WrittenTable` gives): its first ``n`` rows read back from the CSV."""
    path, rows = table.attrs.get("path"), table.attrs.get("rows")
    if path is None or rows is None:
        raise ParameterError("preview_written: the table has no attrs 'path' and 'rows'; "
                             "use preview() for a table held in memory")
    numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
    head = pd.read_csv(path, nrows=n, keep_default_na=False,  # "" stays "" in text columns
                       dtype={c: str for c in table.columns if c not in numeric},
                       na_values={c: [""] for c in numeric})
    return preview(head, path, n=n, total=rows)


class Preview:
    """A bounded view of a table (:func:`preview`): HTML with aligned context, or text."""

    def __init__(self, frame: pd.DataFrame, caption: str, styler: Any) -> None:
        self.frame = frame
        self.caption = caption
        self.styler = styler

    def _repr_html_(self) -> str:
        return str(self.styler.to_html())

    def __repr__(self) -> str:
        with pd.option_context("display.max_colwidth", None, "display.width", 200):
            return f"{self.caption}\n{self.frame.to_string(index=False)}"


def _css(props: str) -> dict[str, str]:
    """``"a: b; c: d;"`` as keyword arguments of ``Styler.set_properties``."""
    pairs = (item.split(":", 1) for item in props.split(";") if item.strip())
    return {key.strip(): value.strip() for key, value in pairs}
