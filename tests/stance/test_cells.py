"""The cells of stance_by_doc / stance_by_group, read from arrays, equal the cells the
frame-slicing implementation gave (kept here as the reference), on random tables."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from framelab import stance
from framelab.stance._stance import SCORERS, VOICE_GROUPS, _cells, _group_of_rows
from framelab.stats import cell_rng, check_bootstrap, ratio_interval
from hypothesis import given, settings
from hypothesis import strategies as st


def _reference_cells(scored: pd.DataFrame, keys: list[tuple[Any, ...]], key_columns: list[str],
                     targets: list[str], *, n_boot: int, ci: float, seed: int,
                     unit: str) -> list[tuple]:
    check_bootstrap(n_boot, ci, allow_zero=False)
    grouped = scored.groupby([*key_columns, "target", "scorer"], sort=False).indices
    rows = []
    for key in keys:
        for target in targets:
            for scorer in (sorted(scored["scorer"].unique()) or list(SCORERS)):
                idx = grouped.get((*key, target, scorer), np.array([], dtype=int))
                sub = scored.iloc[idx]
                for voice, voices in VOICE_GROUPS.items():
                    cell = sub[sub["voice"].isin(voices)]
                    values = cell["score"].to_numpy(dtype=float)
                    n = len(values)
                    if n == 0:
                        which = "" if voice == "all" else f"{voice} "
                        rows.append((*key, target, voice, scorer, np.nan, np.nan, np.nan, 0,
                                     f"no {which}mentions of {target}"))
                        continue
                    if n == 1:
                        rows.append((*key, target, voice, scorer, values[0], np.nan, np.nan, 1,
                                     "one mention: no interval"))
                        continue
                    if unit == "documents":
                        codes, inverse = np.unique(cell["doc_id"].to_numpy(), return_inverse=True)
                        numerator = np.bincount(inverse, weights=values, minlength=len(codes))
                        denominator = np.bincount(inverse, minlength=len(codes)).astype(float)
                        note = (f"{len(codes)} documents resampled" if len(codes) > 1
                                else "one document: no interval over documents")
                    else:
                        numerator, denominator = values, np.ones(n)
                        note = "mentions resampled" if key_columns != ["doc_id"] else ""
                    rng = cell_rng(seed, "stance", *key, target, voice, scorer)
                    low, high = ratio_interval(numerator, denominator, n_boot=n_boot, ci=ci,
                                               rng=rng)
                    rows.append((*key, target, voice, scorer, float(values.mean()),
                                 float(low[0]), float(high[0]), n, note))
    return rows


def _table(seed: int, n: int, n_docs: int, categorical: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    docs = [f"d{rng.integers(0, 10**6)}-{k}" for k in range(n_docs)]   # ids that sort apart
    outlet_of = dict(zip(docs, rng.choice(["A", "B", "C"], size=n_docs)))
    doc_id = rng.choice(docs, size=n)
    frame = pd.DataFrame({
        "doc_id": doc_id,
        "outlet": [outlet_of[d] for d in doc_id],
        "target": rng.choice(["US", "Russia", "Iran"], size=n),
        "voice": rng.choice(["narrator", "quoted", "attributed"], size=n, p=[0.6, 0.3, 0.1]),
        "scorer": rng.choice(["default", "learned"], size=n),
        "score": np.round(rng.uniform(-1, 1, size=n), rng.integers(1, 4)),
    })
    frame["group"] = frame["outlet"]
    if categorical:
        frame = frame.astype({c: "category" for c in ("doc_id", "outlet", "target", "voice",
                                                       "scorer", "group")})
    return frame


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 120), st.integers(1, 30), st.booleans(),
       st.sampled_from(["documents", "mentions"]), st.sampled_from(["group", "doc_id"]))
def test_cells_equal_the_frame_slicing_cells(seed: int, n: int, n_docs: int,
                                             categorical: bool, unit: str,
                                             key_column: str) -> None:
    scored = _table(seed, n, n_docs, categorical)
    keys = [(k,) for k in sorted(set(scored[key_column].astype(str)))] or [("A",)]
    targets = ["US", "Russia", "Iran", "Israel"]
    got = _cells(scored, keys, [key_column], targets, n_boot=30, ci=0.9, seed=seed % 7,
                 unit=unit)
    want = _reference_cells(scored, keys, [key_column], targets, n_boot=30, ci=0.9,
                            seed=seed % 7, unit=unit)
    pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(want), check_exact=True)


@pytest.mark.parametrize("categorical", [False, True])
def test_stance_by_group_with_documents_resampled_equals_the_reference(categorical: bool
                                                                       ) -> None:
    scored = _table(11, 600, 40, categorical)
    got = stance.stance_by_group(scored[stance.SCORE_COLUMNS], targets=["US", "Russia", "Iran"],
                                 n_boot=50, seed=2)
    assert (got["note"].str.endswith("documents resampled")).sum() > 20
    frame = scored.assign(group=scored["outlet"].astype(str))
    keys = [(g,) for g in sorted(frame["group"].unique())]
    want = pd.DataFrame(_reference_cells(frame, keys, ["group"], ["US", "Russia", "Iran"],
                                         n_boot=50, ci=0.95, seed=2, unit="documents"),
                        columns=stance.BY_GROUP_COLUMNS).astype({"n_mentions": "int64"})
    pd.testing.assert_frame_equal(got, want, check_exact=True)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 80), st.integers(1, 20), st.booleans(),
       st.floats(0.0, 1.0))
def test_mentions_take_their_documents_group_or_their_own_id(
        seed: int, n: int, n_docs: int, categorical: bool, listed: float) -> None:
    """stance_by_group's group of each mention equals a left merge with the documents, the
    documents it does not list grouped by their own id (what it did before the lookup)."""
    scored = _table(seed, n, n_docs, categorical)
    rng = np.random.default_rng(seed)
    ids = sorted(set(scored["doc_id"].astype(str)))
    docs = pd.DataFrame({"doc_id": pd.Series([d for d in ids if rng.random() < listed],
                                           dtype=scored["doc_id"].dtype if not categorical
                                           else "str")})
    docs["group"] = rng.choice(["A", "B", "C"], size=len(docs)).astype(object)
    want = scored.merge(docs, on="doc_id", how="left", suffixes=("_x", ""))
    want = want["group"].fillna(want["doc_id"].astype(object))
    got = _group_of_rows(scored["doc_id"], docs)
    assert list(got) == list(want.astype(object))
