"""A table written part by part is the table save_table writes whole."""

import numpy as np
import pandas as pd
import pytest
from framelab import outputs


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"doc_id": [f"d{i // 3:05d}" for i in range(n)],
                         "score": rng.normal(size=n) / 3,
                         "count": rng.integers(0, 9, n),
                         "text": rng.choice(["a, b", 'say "x"', "", "plain\nline"], n)})


@pytest.mark.parametrize("parts", [1, 3, 7])
def test_parts_give_the_bytes_of_the_whole_table(tmp_path, parts) -> None:
    frame = _frame(100)
    whole = outputs.save_table(frame, "whole", tmp_path / "a", latex=False)
    with outputs.TableSink("whole", tmp_path / "b") as sink:
        for part in np.array_split(np.arange(len(frame)), parts):
            sink.append(frame.iloc[part])
    assert sink.rows == len(frame)
    assert sink.path.read_bytes() == whole.read_bytes()
    assert not sink.path.with_suffix(".parquet").exists()  # below PARQUET_ROWS, as save_table
    assert sorted(p.name for p in sink.path.parent.iterdir()) == ["whole.csv"]


def test_a_large_table_gets_its_parquet_copy(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(outputs, "PARQUET_ROWS", 50)
    frame = _frame(120)
    with outputs.TableSink("big", tmp_path) as sink:
        sink.append(frame.iloc[:0])  # an empty part first
        for part in np.array_split(np.arange(len(frame)), 4):
            sink.append(frame.iloc[part])
    back = pd.read_parquet(sink.path.with_suffix(".parquet"))
    pd.testing.assert_frame_equal(back, frame.reset_index(drop=True), check_dtype=False)


def test_an_error_inside_the_block_leaves_no_file(tmp_path) -> None:
    with pytest.raises(RuntimeError):
        with outputs.TableSink("broken", tmp_path) as sink:
            sink.append(_frame(10))
            raise RuntimeError("a part failed")
    assert list((tmp_path / "tables").iterdir()) == []


def test_an_empty_table_has_its_header(tmp_path) -> None:
    frame = _frame(5).iloc[:0]
    whole = outputs.save_table(frame, "none", tmp_path / "a", latex=False)
    with outputs.TableSink("none", tmp_path / "b") as sink:
        sink.append(frame)
    assert sink.path.read_bytes() == whole.read_bytes()


def test_sections_put_rows_that_arrive_interleaved_in_their_order(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(outputs, "PARQUET_ROWS", 10)
    frame = _frame(60).assign(scorer=np.tile(["b", "a", "b"], 20))
    order = {"b": 0, "a": 1}  # section of each scorer: all "b" rows first
    want = frame.iloc[frame["scorer"].map(order).argsort(kind="stable")]
    whole = outputs.save_table(want, "s", tmp_path / "a", latex=False)
    with outputs.TableSink("s", tmp_path / "b") as sink:
        for part in np.array_split(np.arange(len(frame)), 5):
            rows = frame.iloc[part]
            for scorer, section in order.items():
                sink.append(rows[rows["scorer"] == scorer], section=section)
    assert sink.path.read_bytes() == whole.read_bytes()
    back = pd.read_parquet(sink.path.with_suffix(".parquet"))
    pd.testing.assert_frame_equal(back, want.reset_index(drop=True), check_dtype=False)


def test_preview_written_shows_the_first_rows_and_counts_them_all(tmp_path) -> None:
    frame = _frame(40)
    with outputs.TableSink("t", tmp_path) as sink:
        for part in np.array_split(np.arange(len(frame)), 3):
            sink.append(frame.iloc[part])
    table = frame.iloc[:0].copy()
    table.attrs = {"path": str(sink.path), "rows": sink.rows}
    shown = outputs.preview_written(table, n=5)
    assert shown.caption.startswith("40 rows, the first 5 shown")
    pd.testing.assert_frame_equal(shown.frame, frame.head(5), check_dtype=False)
    with pytest.raises(outputs.ParameterError, match="no attrs"):
        outputs.preview_written(frame)
