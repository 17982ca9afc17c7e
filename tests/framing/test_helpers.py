"""The framing tables' shortcuts equal the plain pandas operations they replace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from framelab.framing._rows import _member, _records

_DTYPES = ["str", "object", pd.ArrowDtype(pa.large_string()),
           pd.StringDtype("python")]


@pytest.mark.parametrize("values_dtype", _DTYPES)
@pytest.mark.parametrize("allowed_dtype", _DTYPES)
@pytest.mark.parametrize(("values", "allowed"), [
    (["a:1", "b:2", "a:1", "c:3", ""], ["a:1", "c:3", "zz"]),
    (["x", "y"], []),
    ([], ["x"]),
    (["a", None, "b"], ["a", None]),
    (["a", "b", "\u00e9"], ["\u00e9", "b", "b"]),
])
def test_member_is_isin(values: list, allowed: list, values_dtype: object,
                        allowed_dtype: object) -> None:
    left = pd.Series(values, dtype=values_dtype)
    right = pd.Series(allowed, dtype=allowed_dtype)
    got = _member(left, right)
    assert isinstance(got, np.ndarray) and got.dtype == bool
    assert got.tolist() == left.isin(set(right)).tolist()


def test_records_are_named_rows_of_python_values() -> None:
    frame = pd.DataFrame({"doc_id": pd.Series(["d1", "d2"], dtype="str"), "start": [3, 7],
                          "class": ["x", "y"]})
    rows = _records(frame)
    assert [tuple(r) for r in rows] == [("d1", 3, "x"), ("d2", 7, "y")]
    assert rows[1].doc_id == "d2" and rows[1].start == 7 and rows[1]._2 == "y"
    assert type(rows[0].start) is int
    assert _records(frame.iloc[:0]) == []
