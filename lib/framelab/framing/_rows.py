"""Table rows for the framing functions: named rows of a frame's columns, and membership
of one string column in another (both without per-cell pandas calls)."""

from __future__ import annotations

import itertools
from collections import namedtuple
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__: list[str] = []


def _records(frame: pd.DataFrame) -> list[Any]:
    """Rows as named tuples (typed ``Any``: pandas-stubs cannot type column values).

    Columns are converted to Python lists once and zipped: ``itertuples`` indexes every
    cell of Arrow-backed columns one by one, which dominated label mentions on large corpora.
    """
    row = namedtuple("Row", [str(c) for c in frame.columns], rename=True)  # type: ignore[misc]
    # tuple.__new__(row, values) is what row._make(values) does, mapped in C
    return list(map(tuple.__new__, itertools.repeat(row),
                    zip(*(frame.iloc[:, i].tolist() for i in range(frame.shape[1])),
                        strict=True)))


def _arrow_strings(values: pd.Series) -> pa.Array | None:
    """The column as an Arrow string array without nulls (zero copy), or None."""
    if getattr(values.dtype, "storage", None) != "pyarrow":
        return None
    array = pa.array(values)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)) \
            or array.null_count:
        return None
    return array


def _member(values: pd.Series, allowed: pd.Series) -> np.ndarray:
    """``values.isin(set(allowed))`` as a boolean array; through Arrow's ``is_in`` when both
    are Arrow string columns without nulls (pandas converts each allowed value in Python)."""
    array, value_set = _arrow_strings(values), _arrow_strings(allowed)
    if array is not None and value_set is not None:
        return pc.is_in(array, value_set=value_set.cast(array.type)).to_numpy(
            zero_copy_only=False)
    return values.isin(set(allowed)).to_numpy()


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its categorical columns as strings, for the per-document views (a
    compact table such as :func:`label_rows` keeps its repeated values as categories)."""
    cats = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype({c: "str" for c in cats}) if cats else frame
