"""Change points and event windows of the time series of :mod:`framelab.timeline`.

**Change points: binary segmentation with a cluster-robust Wald test.** Every measure is a
ratio of per-document sums (``sum(y) / sum(x)`` over the documents of a segment). For a
series (one measure, group and subject) and a split between two periods, the levels before
and after are compared by

    z = (R_after - R_before) / sqrt(V_before + V_after),

where ``V`` is the linearised variance of a ratio estimator with documents as independent
clusters (``n / (n - 1) * sum((y_i - R x_i)^2) / (sum x_i)^2``), floored at
``(span / 2)^2 / (n + 1)^2`` so that a segment without variation (a share of exactly 0 or 1
in a few documents) is not taken as infinitely precise (``span`` is the range of the
measure: 1 for shares and topic weights, 2 for stance scores). ``z`` is referred to a Student
t distribution with ``min(n_before, n_after) - 1`` degrees of freedom (documents, not
mentions, are the sample size; this is the conservative lower bound of the Welch degrees of
freedom, Hsu's choice), so short segments need a larger difference. With Welch-Satterthwaite
degrees of freedom the rate of false change points on clustered null data was 8% at
alpha = 0.05 (200 seeds), driven by splits two to four periods from an edge; with the lower
bound it was 2%. Only splits leaving at least
``min_docs`` documents on each side are candidates. The split with the smallest p-value of a
series is a change point when ``p <= alpha / K``, ``K`` being the number of candidate splits
summed over every series of the measure (Bonferroni); the two segments are then searched
again at the same level. The rule is fixed in advance, not tuned per corpus: with no change
anywhere, the chance of reporting any change point for a measure is at most about ``alpha``
(union bound over the first-level tests; ``tests/test_timeline.py`` measures it over 40
seeds of clustered null data). ``p_adjusted`` is ``min(1, K p)``.

**Event windows.** For an event on date ``d`` and a window of ``w`` days, the documents dated
in ``[d - w, d)`` are compared with those in ``[d, d + w)``: ``difference = after - before``
with a percentile bootstrap interval resampling documents on each side independently.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from ..errors import ParameterError
from ..stats import cell_rng, percentile_interval, resampled_sums
from ._timeline import PERIOD_DAYS, dated_values

if TYPE_CHECKING:
    from ._timeline import TimeFrame

__all__ = ["CHANGEPOINT_COLUMNS", "EVENT_COLUMNS", "METHOD", "SPANS", "change_points",
           "change_points_table", "event_table", "event_windows", "parse_events"]

log = logging.getLogger(__name__)

CHANGEPOINT_COLUMNS = ["measure", "group", "subject", "family", "period", "level_before",
                       "level_after", "method", "z", "df", "p_adjusted"]
EVENT_COLUMNS = ["event", "date", "window", "group", "measure", "subject", "family", "before",
                 "after", "difference", "ci_low", "ci_high", "n_before", "n_after"]
#: Range of each measure (the variance floor scales with it).
SPANS = {"attention": 1.0, "labels": 1.0, "stance": 2.0, "topics": 1.0}
METHOD = "binary segmentation, cluster-robust t test (df = min n - 1), Bonferroni"


def parse_events(text: str) -> list[tuple[str, pd.Timestamp]]:
    """``"2024-11-27=offensive;2024-12-08=fall of Damascus"`` -> ``[(name, date), ...]``."""
    events = []
    for item in (part.strip() for part in text.split(";")):
        if not item:
            continue
        date, sep, name = item.partition("=")
        stamp = pd.to_datetime(date.strip(), errors="coerce", format="ISO8601")
        if not sep or not name.strip() or pd.isna(stamp):
            raise ParameterError(f"events: {item!r} is not DATE=NAME with an ISO date; write "
                                 "e.g. '2024-11-27=offensive;2024-12-08=fall of Damascus'")
        events.append((name.strip(), pd.Timestamp(stamp).normalize()))
    return sorted(events, key=lambda e: e[1])


# --- change points -----------------------------------------------------------------------

class _Series:
    """Per-period sums of one series, for segment statistics in O(1) by cumulative sums."""

    def __init__(self, period_index: np.ndarray, y: np.ndarray, x: np.ndarray, n_periods: int,
                 span: float) -> None:
        def cum(values: np.ndarray) -> np.ndarray:
            return np.concatenate([[0.0], np.cumsum(np.bincount(
                period_index, weights=values, minlength=n_periods))])

        self.n = cum(np.ones_like(y))
        self.y, self.x = cum(y), cum(x)
        self.yy, self.xy, self.xx = cum(y * y), cum(x * y), cum(x * x)
        self.span = span

    def stats(self, a: int | np.ndarray, b: int | np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Level, variance and documents of periods [a, b)."""
        n = self.n[b] - self.n[a]
        x = self.x[b] - self.x[a]
        y = self.y[b] - self.y[a]
        with np.errstate(invalid="ignore", divide="ignore"):
            r = y / x
            resid = (self.yy[b] - self.yy[a]) - 2 * r * (self.xy[b] - self.xy[a]) \
                + r * r * (self.xx[b] - self.xx[a])
            var = np.maximum(resid, 0) / (x * x) * n / np.maximum(n - 1, 1)
        floor = (self.span / 2) ** 2 / (n + 1) ** 2
        return r, np.maximum(var, floor), n

    def scan(self, a: int, b: int, min_docs: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Candidate splits t in (a, b): their z, degrees of freedom and p-value."""
        cand = np.arange(a + 1, b)
        if not len(cand):
            return cand, np.zeros(0), np.zeros(0), np.zeros(0)
        r0, v0, n0 = self.stats(a, cand)
        r1, v1, n1 = self.stats(cand, b)
        ok = (n0 >= min_docs) & (n1 >= min_docs) & np.isfinite(r0) & np.isfinite(r1)
        cand, r0, v0, n0, r1, v1, n1 = (v[ok] for v in (cand, r0, v0, n0, r1, v1, n1))
        z = (r1 - r0) / np.sqrt(v0 + v1)
        df = np.maximum(np.minimum(n0, n1) - 1, 1)
        return cand, z, df, 2 * student_t.sf(np.abs(z), df)


def _segment(series: _Series, a: int, b: int, level: float, min_docs: int,
             found: list[tuple[int, float, float, float]]) -> None:
    cand, z, df, p = series.scan(a, b, min_docs)
    if not len(cand) or p.min() > level:
        return
    best = int(np.argmin(p))
    t = int(cand[best])
    found.append((t, float(z[best]), float(df[best]), float(p[best])))
    _segment(series, a, t, level, min_docs, found)
    _segment(series, t, b, level, min_docs, found)


def change_points(values: pd.DataFrame, frame: TimeFrame, measure: str, *,
                  voice: str | None = "narrator", alpha: float = 0.05,
                  span: float = 1.0) -> pd.DataFrame:
    """Change points of every group x subject (x family) series of one measure.

    Parameters
    ----------
    values : DataFrame
        Per-document values (:data:`framelab.timeline.VALUE_COLUMNS`).
    frame : TimeFrame
    measure : str
        Name written in the ``measure`` column.
    voice : str or None
        Keep only this voice (labels and stance; ignored when values have no voice).
    alpha : float
        Family-wise false-positive rate of the measure (Bonferroni over every candidate split
        of every series).
    span : float
        Range of the measure (1 for shares, 2 for stance scores in [-1, 1]).

    Returns
    -------
    DataFrame
        Columns :data:`CHANGEPOINT_COLUMNS`: ``period`` is where the new level starts,
        ``level_before``/``level_after`` the levels of the segments on either side (up to
        the neighbouring change points), ``z`` the test statistic, ``df`` its degrees of
        freedom and ``p_adjusted`` its Bonferroni-adjusted p-value (at most ``alpha``).
    """
    if not 0 < alpha < 1:
        raise ParameterError(f"changepoint alpha={alpha}; use a false-positive rate in (0, 1)")
    data = dated_values(values, frame)
    if voice is not None and (data["voice"] != "").any():
        data = data[data["voice"] == voice]
    data = data[data["x"] > 0]
    if data.empty or len(frame.periods) < 2:
        return pd.DataFrame(columns=CHANGEPOINT_COLUMNS)
    position = {p: i for i, p in enumerate(frame.periods)}
    series = {}
    for key, part in data.groupby(["group", "subject", "family"], sort=True):
        series[key] = _Series(part["period"].map(position).to_numpy(),
                              part["y"].to_numpy(float), part["x"].to_numpy(float),
                              len(frame.periods), span)
    n_periods = len(frame.periods)
    k = sum(len(s.scan(0, n_periods, frame.min_docs)[0]) for s in series.values())
    if k == 0:
        return pd.DataFrame(columns=CHANGEPOINT_COLUMNS)
    rows = []
    for (group, subject, family), s in series.items():
        found: list[tuple[int, float, float, float]] = []
        _segment(s, 0, n_periods, alpha / k, frame.min_docs, found)
        edges = [0, *sorted(f[0] for f in found), n_periods]
        for t, z, df, p in sorted(found):
            i = edges.index(t)
            before = s.stats(edges[i - 1], t)[0]
            after = s.stats(t, edges[i + 1])[0]
            rows.append((measure, group, subject, family, frame.periods[t], float(before),
                         float(after), METHOD, z, df, min(1.0, k * p)))
    log.info("%s: %d change point(s) over %d series (alpha %.3g, K = %d candidate splits)",
             measure, len(rows), len(series), alpha, k)
    return pd.DataFrame(rows, columns=CHANGEPOINT_COLUMNS)


# --- event windows -----------------------------------------------------------------------

def _boot_difference(before: pd.DataFrame, after: pd.DataFrame, n_boot: int,
                     rng: np.random.Generator) -> tuple[float, float]:
    """95% interval of level(after) - level(before), each side's documents redrawn."""
    if len(before) < 2 or len(after) < 2 or n_boot <= 0:
        return math.nan, math.nan
    sides = [np.vstack(list(resampled_sums(side[["y", "x"]].to_numpy(float), n_boot, rng,
                                           chunk=n_boot))) for side in (before, after)]
    with np.errstate(invalid="ignore", divide="ignore"):
        level_b, level_a = (s[:, 0] / np.where(s[:, 1] > 0, s[:, 1], np.nan) for s in sides)
    low, high = percentile_interval((level_a - level_b)[:, None], 0.95)
    return float(low[0]), float(high[0])


def event_windows(values: pd.DataFrame, frame: TimeFrame, measure: str,
                  events: Sequence[tuple[str, pd.Timestamp]], *, window: int = 0,
                  voice: str | None = "narrator", n_boot: int = 200,
                  seed: int = 0) -> pd.DataFrame:
    """Level after minus level before each event, per group x subject (x family).

    Parameters
    ----------
    window : int
        Days on each side; 0 means three periods of ``frame``.
    voice : str or None
        As :func:`change_points`.

    Returns
    -------
    DataFrame
        Columns :data:`EVENT_COLUMNS`; ``date`` ISO, ``window`` in days, ``n_before`` and
        ``n_after`` the documents with data on each side; levels are NaN when a side has
        none.
    """
    if window < 0:
        raise ParameterError(f"event window={window}; use a number of days, or 0 for three "
                             "periods")
    days = window or 3 * PERIOD_DAYS.get(frame.period, 30)
    data = dated_values(values, frame)
    if voice is not None and (data["voice"] != "").any():
        data = data[data["voice"] == voice]
    data = data[data["x"] > 0]
    if data.empty or not events:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    first, last = data["date"].min(), data["date"].max()
    rows = []
    for name, date in events:
        if not first <= date <= last:
            log.warning("event %r on %s is outside the dated documents (%s to %s): one side "
                        "of its window is empty", name, date.date(), first.date(), last.date())
        start, stop = date - pd.Timedelta(days=days), date + pd.Timedelta(days=days)
        for (group, subject, family), part in data.groupby(["group", "subject", "family"],
                                                           sort=True):
            before = part[(part["date"] >= start) & (part["date"] < date)]
            after = part[(part["date"] >= date) & (part["date"] < stop)]
            lb = before["y"].sum() / before["x"].sum() if len(before) else math.nan
            la = after["y"].sum() / after["x"].sum() if len(after) else math.nan
            low, high = _boot_difference(before, after, n_boot,
                                         cell_rng(seed, "event", name, group, subject, family))
            rows.append((name, date.strftime("%Y-%m-%d"), days, group, measure, subject,
                         family, lb, la, la - lb, low, high, before["doc_id"].nunique(),
                         after["doc_id"].nunique()))
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def change_points_table(measures: dict[str, pd.DataFrame], frame: TimeFrame, *,
                        alpha: float = 0.05) -> pd.DataFrame:
    """:func:`change_points` of every measure (name -> per-document values), stacked; each
    measure keeps its own family-wise ``alpha``."""
    parts = [change_points(values, frame, name, alpha=alpha, span=SPANS.get(name, 1.0))
             for name, values in measures.items()]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else \
        pd.DataFrame(columns=CHANGEPOINT_COLUMNS)


def event_table(measures: dict[str, pd.DataFrame], frame: TimeFrame,
                events: Sequence[tuple[str, pd.Timestamp]], *, window: int = 0,
                n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
    """:func:`event_windows` of every measure, stacked (narrator voice where there are
    voices)."""
    parts = [event_windows(values, frame, name, events, window=window, n_boot=n_boot,
                           seed=seed) for name, values in measures.items()]
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else \
        pd.DataFrame(columns=EVENT_COLUMNS)
