"""The reader's sample of a table drawn part by part equals the sample of the whole table."""

import numpy as np
import pandas as pd
import pytest
from framelab.errors import ParameterError
from framelab.stats import ViewSample, sample_view


def _table(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    docs = np.repeat([f"d{i:03d}" for i in range(60)], rng.integers(0, 9, 60))
    return pd.DataFrame({"doc_id": docs,
                         "outlet": [f"o{int(d[1:]) % 4}" for d in docs],
                         "line": np.arange(len(docs))})


def _parts(frame: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    """Split at document boundaries (a document never spans two parts)."""
    docs = frame["doc_id"].unique()
    bounds = [0, *cuts, len(docs)]
    return [frame[frame["doc_id"].isin(docs[a:b])] for a, b in zip(bounds, bounds[1:])]


@pytest.mark.parametrize("cuts", [[], [1], [7, 8, 30], list(range(1, 60, 3))])
def test_parts_give_the_sample_of_the_whole_table(cuts) -> None:
    frame = _table()
    whole = sample_view(frame, by="outlet", n_documents=60, per_document_max=50, n=4, seed=2)
    view = ViewSample(by="outlet", n_documents=60, per_document_max=50, n=4, seed=2)
    kept = [view.add(part) for part in _parts(frame, cuts)]
    streamed = view.finish(pd.concat(kept))
    assert list(streamed["line"]) == list(whole["line"])
    assert streamed.groupby("outlet").size().max() == 4
    assert streamed.attrs["note"] == whole.attrs["note"]
    assert f"of {len(frame)} rows" in streamed.attrs["note"]


def test_up_to_the_switch_every_row_is_kept_part_by_part() -> None:
    frame = _table(1)
    view = ViewSample(by="outlet", n_documents=50, per_document_max=50, n=1)
    kept = pd.concat([view.add(part) for part in _parts(frame, [5, 20])])
    assert list(view.finish(kept)["line"]) == list(frame["line"])


def test_the_sample_changes_with_the_seed_and_a_bad_n_is_refused() -> None:
    frame = _table(2)
    a = sample_view(frame, by="outlet", n_documents=60, per_document_max=50, n=3, seed=0)
    b = sample_view(frame, by="outlet", n_documents=60, per_document_max=50, n=3, seed=1)
    assert set(a["line"]) != set(b["line"])
    with pytest.raises(ParameterError, match="n=0"):
        ViewSample(by="outlet", n_documents=60, per_document_max=50, n=0)
