"""Exceptions raised by framelab.

Every error a researcher can see derives from :class:`FramelabError` and, where it fits, from a
built-in type too, so ``except ValueError`` keeps working. Messages name the file, row, column or
parameter at fault and say what to do about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "FigureWarning",
    "FramelabError",
    "CorpusError",
    "ColumnError",
    "ParameterError",
    "CodebookError",
    "AnnotationError",
    "NotebookError",
    "PartitionError",
    "FramelabWarning",
    "CorpusWarning",
    "MinHashWarning",
    "ReuseWarning",
    "ValidationWarning",
    "check_columns",
]


class FramelabError(Exception):
    """Base class of every framelab error."""


class CorpusError(FramelabError, ValueError):
    """The corpus cannot be read or is unusable (empty, binary, duplicate ids, ...)."""


class ColumnError(FramelabError, KeyError):
    """A required column is missing; the message lists the columns that exist."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


class ParameterError(FramelabError, ValueError):
    """A parameter has an unknown name, a wrong type or an impossible value."""


class CodebookError(FramelabError, ValueError):
    """The codebook YAML does not have the expected shape."""


class AnnotationError(FramelabError, ValueError):
    """An annotation file has missing columns or unknown labels."""


class NotebookError(FramelabError, RuntimeError):
    """A notebook failed during a report run.

    Attributes
    ----------
    notebook : str
        Name of the notebook that failed.
    cell_index : int or None
        Index of the failing cell, when papermill reports it.
    """

    def __init__(self, message: str, *, notebook: str, cell_index: int | None = None) -> None:
        super().__init__(message)
        self.notebook = notebook
        self.cell_index = cell_index


class PartitionError(FramelabError, RuntimeError):
    """A partition could not be computed because its worker died or the cluster went away
    (raised by :class:`framelab.run.Engine`).

    Attributes
    ----------
    partition : int
        0-based index of the partition.
    description : str
        What the partition holds (e.g. its first and last doc_id).
    """

    def __init__(self, message: str, *, partition: int, description: str = "") -> None:
        super().__init__(message)
        self.partition = partition
        self.description = description


class FramelabWarning(UserWarning):
    """Base class of every framelab warning: something was repaired, skipped or looks wrong,
    and the message says what, where and how many."""


class CorpusWarning(FramelabWarning):
    """Something in the corpus was repaired or looks wrong; the message says what and where."""


class MinHashWarning(FramelabWarning):
    """LSH skipped something (an oversized bucket); the message says what and how to change it."""


class ReuseWarning(FramelabWarning):
    """Something about the corpus limits the reuse analysis; the message says what."""


class FigureWarning(FramelabWarning):
    """A saved figure has text running into other text; the message names the figure and the
    texts, so the layout (or the figure width) can be changed."""


class ValidationWarning(FramelabWarning):
    """A coding sheet is usable but incomplete (rows left blank, ...); the message names them."""


def check_columns(frame: Any, columns: Iterable[str], what: str) -> None:
    """Raise :class:`ColumnError` naming ``what`` and the missing columns unless ``frame``
    (a DataFrame) has every one of ``columns``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ColumnError(f"{what} lacks column(s) {missing}; columns found: "
                          + ", ".join(map(str, frame.columns)))
