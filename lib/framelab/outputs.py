"""Writing tables and other run outputs: atomically, deterministically, never over an old run.

Every file is written to a temporary name in the same folder and renamed into place, so a run
killed half-way leaves no half-written file. Numbers are written with a fixed format so that
the same inputs give byte-identical tables.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

import pandas as pd

from .errors import ParameterError
from .paths import OUTPUTS_DIR, resolve

__all__ = ["FLOAT_FORMAT", "atomic_path", "save_table", "resolve_out_dir", "table_path",
           "safe_file_stem"]

#: Ten significant digits: stable across platforms, far beyond what the analyses resolve.
FLOAT_FORMAT = "%.10g"
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

    An empty ``out_dir`` (interactive use in JupyterLab) gives one new folder
    ``outputs/interactive-<timestamp>-<pid>`` per Python process (under
    ``$FRAMELAB_INTERACTIVE_DIR`` if set), so exploring never overwrites a report run.
    ``log`` (the notebooks' ``output_log`` parameter, set by the report) names a file to
    which every output later written under this directory is appended.
    """
    if str(out_dir):
        folder = resolve(out_dir)
        if str(log):
            _LOGS[folder.resolve()] = resolve(log)
        return folder
    if "path" not in _INTERACTIVE:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        parent = Path(os.environ.get("FRAMELAB_INTERACTIVE_DIR") or OUTPUTS_DIR)
        _INTERACTIVE["path"] = parent / f"interactive-{stamp}-{os.getpid()}"
    return _INTERACTIVE["path"]


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
               latex: bool = True) -> Path:
    """Write ``frame`` to ``<out_dir>/tables/<name>.csv`` (and ``.tex``, booktabs) atomically.

    Returns the CSV path. Floats use :data:`FLOAT_FORMAT`; the index is not written.
    """
    path = table_path(name, out_dir)
    _write(path, lambda h: frame.to_csv(h, index=False, float_format=FLOAT_FORMAT,
                                         lineterminator="\n"))
    if latex:
        _write(path.with_suffix(".tex"), lambda h: h.write(_latex(frame)))
    return path


def _latex(frame: pd.DataFrame, max_rows: int = 200) -> str:
    """A booktabs table of (at most ``max_rows`` rows of) ``frame``, no jinja2 needed."""
    def cell(value: object) -> str:
        if isinstance(value, float):
            text = FLOAT_FORMAT % value if value == value else ""
        else:
            text = "" if value is None else str(value)
        for char, escaped in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"),
                              ("$", r"\$"), ("#", r"\#"), ("_", r"\_"), ("{", r"\{"),
                              ("}", r"\}"), ("~", r"\textasciitilde{}"),
                              ("^", r"\textasciicircum{}")):
            text = text.replace(char, escaped)
        return text

    shown = frame.head(max_rows)
    lines = [r"\begin{tabular}{" + "l" * len(frame.columns) + "}", r"\toprule",
             " & ".join(cell(c) for c in frame.columns) + r" \\", r"\midrule"]
    lines += [" & ".join(cell(v) for v in row) + r" \\"
              for row in shown.itertuples(index=False)]
    lines += [r"\bottomrule", r"\end{tabular}"]
    if len(frame) > max_rows:
        lines.append(f"% {len(frame) - max_rows} more rows in the CSV")
    return "\n".join(lines) + "\n"
