"""Tables a mapped analysis writes to disk part by part, keeping only a reader's sample."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..outputs import TableSink
from ..stats import ViewSample

__all__ = ["WrittenTable"]


def no_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame``'s columns without rows, holding none of its memory.

    ``frame.iloc[:0]`` would be a view: an empty slice of an Arrow column keeps the whole
    column's buffers alive, so a list of such slices, one per part, holds every part's
    texts (at a million articles, gigabytes). Taking no rows makes new, empty columns.
    """
    return frame.take(np.empty(0, dtype=np.intp))


class WrittenTable:
    """One table of :meth:`RunCorpus.map` written in full as its parts arrive
    (:class:`framelab.outputs.TableSink`) and held only as ``view``'s sample
    (:class:`framelab.stats.ViewSample`, a fresh copy per table), or not at all.

    ``sections`` (a column and its values in order) writes all rows of the first value, then
    of the next, and so on, as rows that arrive interleaved part by part would be ordered in
    the whole table. The combined table it gives has ``attrs``: ``path`` (the CSV), ``rows``
    (rows written) and, for a sample above the size switch, ``note``.
    """

    def __init__(self, name: str, out_dir: str | Path, view: ViewSample | None = None, *,
                 sections: tuple[str, Sequence[str]] | None = None) -> None:
        self.sink = TableSink(name, out_dir)
        self.sections = sections
        self.view = copy.deepcopy(view)
        self._kept: list[pd.DataFrame] = []  # indexed by place in the whole table

    def __enter__(self) -> WrittenTable:
        self.sink.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.sink.__exit__(*exc)

    def append(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Write the part; keep its sample here (:func:`framelab.run.combine` gets no rows)."""
        if self.sections is None:
            self.sink.append(frame)
        else:
            column, values = self.sections
            order = {value: i for i, value in enumerate(values)}
            section = frame[column].map(order)
            if section.isna().any():
                raise ParameterError(f"table {self.sink.name}: {column} "
                                     f"{frame[column][section.isna()].iloc[0]!r} is none of "
                                     f"its sections {list(values)}")
            for i in range(len(values)):
                self.sink.append(frame[(section == i).to_numpy()], section=i)
        self._kept.append(self.view.add(frame) if self.view is not None else no_rows(frame))
        return no_rows(frame)

    def finish(self, _: pd.DataFrame) -> pd.DataFrame:
        """The sample of the whole table (the rows kept, with their places in it)."""
        rows = [f for f in self._kept if len(f)] or self._kept[:1]
        kept = pd.concat(rows) if rows else pd.DataFrame()
        shown = self.view.finish(kept) if self.view is not None else kept
        attrs = dict(shown.attrs)
        shown = shown.reset_index(drop=True)
        shown.attrs = {**attrs, "path": str(self.sink.path), "rows": self.sink.rows}
        return shown
