"""Tables a mapped analysis writes to disk part by part, keeping only a reader's sample."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pandas as pd

from ..outputs import TableSink
from ..stats import ViewSample

__all__ = ["WrittenTable"]


class WrittenTable:
    """One table of :meth:`RunCorpus.map` written in full as its parts arrive
    (:class:`framelab.outputs.TableSink`) and held only as ``view``'s sample
    (:class:`framelab.stats.ViewSample`, a fresh copy per table), or not at all.

    The combined table it gives has ``attrs``: ``path`` (the CSV), ``rows`` (rows written)
    and, for a sample above the size switch, ``note``.
    """

    def __init__(self, name: str, out_dir: str | Path, view: ViewSample | None = None) -> None:
        self.sink = TableSink(name, out_dir)
        self.view = copy.deepcopy(view)
        self._kept: list[pd.DataFrame] = []  # indexed by place in the whole table

    def __enter__(self) -> WrittenTable:
        self.sink.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.sink.__exit__(*exc)

    def append(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Write the part; keep its sample here (:func:`framelab.run.combine` gets no rows)."""
        self.sink.append(frame)
        self._kept.append(self.view.add(frame) if self.view is not None else frame.iloc[:0])
        return frame.iloc[:0]

    def finish(self, _: pd.DataFrame) -> pd.DataFrame:
        """The sample of the whole table (the rows kept, with their places in it)."""
        rows = [f for f in self._kept if len(f)] or self._kept[:1]
        kept = pd.concat(rows) if rows else pd.DataFrame()
        shown = self.view.finish(kept) if self.view is not None else kept
        attrs = dict(shown.attrs)
        shown = shown.reset_index(drop=True)
        shown.attrs = {**attrs, "path": str(self.sink.path), "rows": self.sink.rows}
        return shown
