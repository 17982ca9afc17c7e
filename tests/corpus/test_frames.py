"""corpus.member_of and corpus.contiguous: the same values as pandas' own, by another road."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from framelab.corpus import contiguous, member_of


def _chunks(series: pd.Series) -> int:
    values = series.array
    if not hasattr(values, "__arrow_array__"):
        return 0
    return values.__arrow_array__().num_chunks


def _parts() -> pd.DataFrame:
    parts = [pd.DataFrame({"doc_id": pd.Series([f"d{i}", f"d{i + 1}", None], dtype="string[pyarrow]"),
                           "n": [i, i + 1, i + 2],
                           "label": pd.Series(["a", "b", "c"], dtype=pd.ArrowDtype(pa.string()))})
             for i in range(0, 12, 3)]
    return pd.concat(parts, ignore_index=True)


def test_member_of_equals_isin_on_strings_missing_values_and_numbers():
    frame = _parts()
    for ids in ({"d1", "d7", "zzz"}, frozenset({"d4"}), ["d0", "d10"], set()):
        expected = frame["doc_id"].astype(str).isin(list(ids)).to_numpy()
        got = member_of(frame["doc_id"], ids)
        assert got.dtype == bool and got.tolist() == expected.tolist()
    # a missing value is "nan" as str, as astype(str).isin gives; numbers compare as text
    assert member_of(pd.Series([1, 2, 3]), {"2"}).tolist() == [False, True, False]


def test_contiguous_joins_chunks_and_keeps_values_dtypes_and_index():
    frame = _parts()
    frame.index = frame.index + 100
    assert _chunks(frame["doc_id"]) == 4 and _chunks(frame["label"]) == 4
    joined = contiguous(frame)
    pd.testing.assert_frame_equal(joined, frame)
    assert list(joined.dtypes) == list(frame.dtypes)
    assert _chunks(joined["doc_id"]) == 1 and _chunks(joined["label"]) == 1
    assert _chunks(frame["doc_id"]) == 4      # the input is not changed
    rows = np.array([1, 5, 10])
    pd.testing.assert_frame_equal(joined.iloc[rows], frame.iloc[rows])


def test_contiguous_keeps_each_chunk_within_the_limit():
    frame = _parts()
    sizes = [c.nbytes for c in frame["label"].array.__arrow_array__().chunks]
    # room for two parts' chunks at a time: four chunks become two
    joined = contiguous(frame, limit=2 * max(sizes))
    assert _chunks(joined["label"]) == 2
    pd.testing.assert_frame_equal(joined, frame)


def test_contiguous_returns_the_frame_when_nothing_is_chunked():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert contiguous(frame) is frame
    assert contiguous(frame.iloc[:0]) is not None


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "str"])
def test_contiguous_on_the_default_string_dtype(dtype):
    parts = [pd.DataFrame({"t": pd.Series(["x" * k, "y"], dtype=dtype)}) for k in range(1, 4)]
    frame = pd.concat(parts, ignore_index=True)
    joined = contiguous(frame)
    pd.testing.assert_frame_equal(joined, frame)
    if _chunks(frame["t"]) > 1:
        assert _chunks(joined["t"]) == 1


def test_contiguous_in_place_replaces_the_columns_of_the_frame_itself():
    frame = _parts()
    expected = frame.copy()
    joined = contiguous(frame, inplace=True)
    assert joined is frame
    assert _chunks(frame["doc_id"]) == 1 and _chunks(frame["label"]) == 1
    pd.testing.assert_frame_equal(frame, expected)


def test_release_memory_hands_back_arrow_pages_and_trims_the_c_heap(monkeypatch):
    from framelab.corpus import _frames

    calls = []
    monkeypatch.setattr(_frames, "_malloc_trim", lambda: calls.append)
    released = []
    pool = pa.default_memory_pool()
    monkeypatch.setattr(_frames.pa, "default_memory_pool",
                        lambda: type("Pool", (), {"release_unused": lambda self: released.append(pool)})())
    _frames.release_memory()
    assert calls == [0] and released == [pool]


def test_release_memory_forgets_the_memos_of_tokenisers(monkeypatch):
    from framelab.corpus import _frames
    from framelab.tokens import Analyzer

    monkeypatch.setattr(_frames, "_malloc_trim", lambda: None)
    analyzer = Analyzer()
    analyzer("Officials said the offensive began on Wednesday.")
    assert analyzer._memo
    _frames.release_memory()
    assert not analyzer._memo


def test_release_memory_without_a_c_library_trim(monkeypatch):
    from framelab.corpus import _frames

    monkeypatch.setattr(_frames, "_malloc_trim", lambda: None)
    _frames.release_memory()  # Arrow's pages only; no error


def test_contiguous_in_place_releases_memory_only_when_it_joined(monkeypatch):
    from framelab.corpus import _frames

    calls = []
    monkeypatch.setattr(_frames, "release_memory", lambda: calls.append(1))
    frame = _parts()
    contiguous(frame, inplace=True)
    assert calls == [1]
    contiguous(frame, inplace=True)  # nothing left to join
    contiguous(_parts())  # a copy: the caller may still hold the chunks
    assert calls == [1]
