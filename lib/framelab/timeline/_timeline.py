"""How attention, naming, stance and topics move over time, per group.

The pieces, in the order notebook ``10_time`` uses them:

* :func:`time_frame` dates every document, picks the period (``auto``: the finest of day,
  week, month, quarter, year whose typical group x period cell holds enough documents; the
  rule is :data:`PERIOD_RULE`) and the groups shown (the largest, the rest pooled as
  ``other``);
* :func:`attention_values`, :func:`label_values`, :func:`stance_values` and
  :func:`topic_values` turn the run's mention tables into per-document values: every measure
  is a ratio ``sum(y) / sum(x)`` over the documents of a cell (a share of documents, a share
  of labels, a mean stance score, a mean topic weight), so one interval method and one
  change-point test serve them all;
* :func:`time_table` aggregates them per group x period with a percentile bootstrap over
  documents (:func:`framelab.actors.bootstrap_ratio`), marking periods with fewer than
  ``min_docs`` documents behind their value as ``few_docs``;
* :mod:`framelab.changepoints` finds change points and compares event windows;
* :func:`plot_over_time` / :func:`time_figure` draw the series with events and change points.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..corpus import positions
from ..errors import ColumnError, ParameterError
from ..figures import group_colors, new_figure, styled
from ..framing import OTHER, document_groups, label_targets, shown_groups
from ..stats import cell_rng, ratio_interval

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..codebook import Codebook

__all__ = ["PERIODS", "PERIOD_RULE", "TIME_COLUMNS", "TimeFrame", "VALUE_COLUMNS",
           "attention_values", "dated_values", "label_values",
           "plot_over_time", "stance_values", "time_figure", "time_frame",
           "time_table", "top_subjects", "topic_values"]

log = logging.getLogger(__name__)

#: Period name -> pandas period frequency (weeks run Monday to Sunday).
PERIODS = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
#: Approximate length of each period in days (event windows are counted in periods).
PERIOD_DAYS = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}
PERIOD_RULE = ("the finest of day, week, month, quarter and year that spans at most "
               "max_periods periods and for which the median number of documents per shown "
               "group and period, over every period from the first to the last dated document "
               "(empty ones included), is at least min_docs; year when none is")
#: Per-document values of a measure: the cell ratio is sum(y) / sum(x).
VALUE_COLUMNS = ["doc_id", "subject", "family", "voice", "y", "x"]
#: Columns of each time table (extras after the contract columns: n_docs, few_docs).
TIME_COLUMNS = {
    "attention": ["group", "period", "actor", "n_docs", "docs_mentioning", "share", "ci_low",
                  "ci_high", "few_docs"],
    "labels": ["group", "period", "actor", "family", "voice", "count", "share", "ci_low",
               "ci_high", "n_docs", "few_docs"],
    "stance": ["group", "period", "target", "voice", "score", "ci_low", "ci_high",
               "n_mentions", "n_docs", "few_docs"],
    "topics": ["group", "period", "topic", "prevalence", "ci_low", "ci_high", "n_docs",
               "few_docs"],
}


def _check(frame: pd.DataFrame, needed: Sequence[str], what: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ColumnError(f"{what} lacks column(s) {missing}; columns found: "
                          + ", ".join(map(str, frame.columns)))


@dataclass
class TimeFrame:
    """Dated documents with their shown group and period.

    Attributes
    ----------
    period : str
        The period used (a key of :data:`PERIODS`), "" when no document is dated.
    rule : str
        How the period was chosen, in words.
    docs : DataFrame
        Columns doc_id, group, date (Timestamp), period (start date, ISO): dated documents.
    periods : list of str
        Every period from the first to the last dated document, in order.
    counts : DataFrame
        Columns group, period, n_docs: every shown group x period (zeros included).
    min_docs : int
        Periods of a group with fewer documents are ``few_docs``.
    n_undated : int
        Documents without a usable date (left out of every time table).
    """

    period: str
    rule: str
    docs: pd.DataFrame
    periods: list[str]
    counts: pd.DataFrame
    min_docs: int
    n_undated: int

    @property
    def dated(self) -> bool:
        """True when at least two periods hold dated documents."""
        return self.docs["period"].nunique() >= 2 if len(self.docs) else False

    @property
    def groups(self) -> list[str]:
        """Shown groups, largest first, :data:`~framelab.actors.OTHER` last."""
        sizes = self.docs["group"].value_counts()
        return sorted(sizes.index, key=lambda g: (g == OTHER, -int(sizes[g]), g))

    def note(self) -> str:
        """What the time notebook can show, in one or two sentences."""
        if not len(self.docs):
            return ("No document has a date, so nothing can be shown over time. Give the "
                    "corpus a date column (`--date-column`) or a metadata sidecar with "
                    "`date` to see attention, naming, stance and topics by period.")
        span = f"{self.periods[0]} to {self.periods[-1]}"
        if not self.dated:
            return (f"All {len(self.docs)} dated documents fall in one {self.period} "
                    f"({span}): there is no change over time to show.")
        return (f"{len(self.docs)} dated documents ({self.n_undated} undated left out), "
                f"{len(self.periods)} {self.period}s from {span}; {self.rule}.")


def _period_labels(dates: pd.Series, period: str) -> pd.Series:
    starts = dates.dt.to_period(PERIODS[period]).dt.start_time
    return starts.dt.strftime("%Y-%m-%d")


def _all_periods(dates: pd.Series, period: str) -> list[str]:
    span = pd.period_range(dates.min(), dates.max(), freq=PERIODS[period])
    return [p.start_time.strftime("%Y-%m-%d") for p in span]


def _median_cell(docs: pd.DataFrame, period: str) -> float:
    periods = _all_periods(docs["date"], period)
    labels = _period_labels(docs["date"], period)
    table = pd.crosstab(docs["group"], labels).reindex(columns=periods, fill_value=0)
    return float(np.median(table.to_numpy()))


def time_frame(documents: pd.DataFrame, *, group_by: str = "outlet", groups: str = "",
               max_groups: int = 10, period: str = "auto", min_docs: int = 10,
               max_periods: int = 60) -> TimeFrame:
    """Date the documents and choose the period and the groups shown.

    Parameters
    ----------
    documents : DataFrame
        The documents table (``date`` as ISO text; "" or unparseable dates are left out).
    group_by, groups, max_groups
        As :func:`framelab.actors.shown_groups`: ``groups`` names the groups shown
        (comma-separated), else the ``max_groups`` largest; the rest are pooled as ``other``.
    period : {"auto", "day", "week", "month", "quarter", "year"}
        ``auto`` applies :data:`PERIOD_RULE`.
    min_docs : int
        Documents a group needs in a period for the period to count as solid.
    max_periods : int
        ``auto`` never picks a period giving more periods than this (a line of hundreds of
        daily points is not readable, and every period costs bootstrap time).

    Returns
    -------
    TimeFrame
    """
    if period != "auto" and period not in PERIODS:
        raise ParameterError(f"period={period!r}; use auto, " + ", ".join(PERIODS))
    if min_docs < 1:
        raise ParameterError(f"min_docs={min_docs}; a period needs at least 1 document")
    _check(documents, ("doc_id", "date"), "documents")
    shown = shown_groups(documents, group_by=group_by, groups=groups, max_groups=max_groups)
    group = document_groups(documents, group_by=group_by, shown=shown)
    text = documents["date"].fillna("").astype(str).str.strip()
    dates = pd.to_datetime(text.where(text != ""), errors="coerce", utc=True)
    dates = dates.dt.tz_convert(None).dt.normalize()
    bad = int((text != "").sum() - dates.notna().sum())
    if bad:
        examples = text[(text != "") & dates.isna()].head(3).tolist()
        log.warning("%d document date(s) could not be read (e.g. %s); they are left out of "
                    "the time tables", bad, examples)
    ok = dates.notna().to_numpy()
    docs = pd.DataFrame({"doc_id": documents["doc_id"].astype(str).to_numpy()[ok],
                         "group": group.to_numpy()[ok], "date": dates[ok].to_numpy()})
    n_undated = int((~ok).sum())
    if docs.empty:
        empty = pd.DataFrame(columns=["group", "period", "n_docs"])
        return TimeFrame("", "no dated documents", docs.assign(period=pd.Series(dtype=str)),
                         [], empty, min_docs, n_undated)
    if period == "auto":
        chosen = next((p for p in PERIODS
                       if len(_all_periods(docs["date"], p)) <= max_periods
                       and _median_cell(docs, p) >= min_docs), "year")
        rule = (f"period auto = {chosen}: {PERIOD_RULE} (min_docs = {min_docs}, "
                f"max_periods = {max_periods})")
    else:
        chosen, rule = period, f"period = {period} (set by the period parameter)"
    docs["period"] = _period_labels(docs["date"], chosen).to_numpy()
    periods = _all_periods(docs["date"], chosen)
    wide = pd.crosstab(docs["group"], docs["period"]).reindex(columns=periods, fill_value=0)
    counts = pd.DataFrame({"group": np.repeat(wide.index.to_numpy(dtype=str), len(periods)),
                           "period": np.tile(np.asarray(periods, dtype=str), len(wide)),
                           "n_docs": wide.to_numpy().ravel()})
    log.info("time: %s", rule)
    return TimeFrame(chosen, rule, docs, periods, counts, min_docs, n_undated)


# --- per-document values of each measure -------------------------------------------------

def _values(frame: pd.DataFrame) -> pd.DataFrame:
    """The :data:`VALUE_COLUMNS` of ``frame``, the keys as categories (those used, sorted): a
    value table has a row per document and subject, at a million articles tens of millions
    of rows."""
    out = frame[VALUE_COLUMNS].reset_index(drop=True)
    keys = {}
    for column in ("doc_id", "subject", "family", "voice"):
        values = out[column]
        values = values.astype("category") if not isinstance(values.dtype, pd.CategoricalDtype) \
            else values.cat.remove_unused_categories()
        categories = values.cat.categories
        if not categories.is_monotonic_increasing:
            values = values.cat.reorder_categories(categories.sort_values())
        keys[column] = values
    return out.assign(**keys)


def attention_values(actor_mentions: pd.DataFrame, documents: pd.DataFrame, *,
                     actors: Sequence[str]) -> pd.DataFrame:
    """Per document and actor: y = 1 if the document mentions the actor (any voice), x = 1.

    Returns
    -------
    DataFrame
        Columns :data:`VALUE_COLUMNS`; every document x actor (family and voice "").
    """
    _check(actor_mentions, ("doc_id", "actor"), "actor mentions")
    doc_codes, doc_ids = pd.factorize(documents["doc_id"].astype(str))
    # which (document, actor) pairs are said, as a documents x actors grid of codes
    doc_at = positions(actor_mentions["doc_id"].astype(str), doc_ids)
    actor_at = positions(actor_mentions["actor"].astype(str), [str(a) for a in actors])
    said = np.zeros((len(doc_ids), len(actors)), dtype=bool)
    found = (doc_at >= 0) & (actor_at >= 0)
    said[doc_at[found], actor_at[found]] = True
    n = len(actors)
    rows = pd.DataFrame({
        "doc_id": pd.Categorical.from_codes(np.repeat(doc_codes, n), categories=doc_ids),
        "subject": pd.Categorical.from_codes(
            np.tile(np.arange(n), len(doc_codes)),
            categories=pd.Index(np.asarray(actors, dtype=object))),
        "y": said[doc_codes].ravel().astype(float)})
    return _values(rows.assign(family="", voice="", x=1.0))


def label_values(label_mentions: pd.DataFrame, codebook: Codebook, *, level: str = "side",
                 subjects: Sequence[str] | None = None) -> pd.DataFrame:
    """Per document, actor or side, voice and family: y = labels of the family, x = all
    labels the document applies to that actor or side in that voice.

    ``level`` is as :func:`framelab.actors.label_targets`; ``subjects`` keeps only those.
    """
    _check(label_mentions, ("doc_id", "family", "voice", "actor"), "label mentions")
    frame = pd.DataFrame({"doc_id": label_mentions["doc_id"].astype(str).to_numpy(),
                          "subject": label_targets(label_mentions, codebook,
                                                   level=level).to_numpy(),
                          "voice": label_mentions["voice"].to_numpy(),
                          "family": label_mentions["family"].to_numpy()})
    if subjects is not None:
        frame = frame[frame["subject"].isin(list(subjects))]
    keys = ["doc_id", "subject", "voice"]
    counts = frame.groupby(keys + ["family"]).size().unstack("family", fill_value=0)
    counts = counts.reindex(columns=list(codebook.families), fill_value=0)
    total = counts.sum(axis=1)
    out = counts.reset_index().melt(id_vars=keys, var_name="family", value_name="y")
    out["x"] = total.reindex(pd.MultiIndex.from_frame(out[keys])).to_numpy()
    return _values(out.astype({"y": float, "x": float}))


def stance_values(stance_mentions: pd.DataFrame, *, scorer: str = "",
                  targets: Sequence[str] | None = None) -> pd.DataFrame:
    """Per document, target and voice: y = sum of the mention scores, x = mentions.

    ``scorer`` picks one scorer's rows ("" takes ``default`` when present, else the first).
    """
    _check(stance_mentions, ("doc_id", "target", "voice", "score"), "stance mentions")
    frame = stance_mentions
    if "scorer" in frame.columns and len(frame):
        found = list(pd.unique(frame["scorer"]))
        pick = scorer or ("default" if "default" in found else found[0])
        if pick not in found:
            raise ParameterError(f"stance scorer={pick!r} is not in stance_mentions "
                                 f"(found: {', '.join(map(str, found))})")
        frame = frame[frame["scorer"] == pick]
    frame = frame[frame["score"].notna()]
    if targets is not None:
        frame = frame[frame["target"].isin(list(targets))]
    # categories (as run_table reads them) group as their values sort; only pairs that occur
    out = (frame.groupby(["doc_id", "target", "voice"], observed=True)["score"]
           .agg(["sum", "size"])
           .reset_index().rename(columns={"target": "subject", "sum": "y", "size": "x"}))
    return _values(out.assign(family="").astype({"y": float, "x": float}))


def topic_values(doc_topics: pd.DataFrame) -> pd.DataFrame:
    """Per document and topic: y = summed topic weight of its units, x = its units."""
    _check(doc_topics, ("unit_id", "doc_id", "topic", "weight"), "doc_topics")
    frame = doc_topics.assign(doc_id=doc_topics["doc_id"].astype(str))
    units = frame.groupby("doc_id")["unit_id"].nunique()
    out = frame.groupby(["doc_id", "topic"])["weight"].sum().rename("y").reset_index()
    out["x"] = out["doc_id"].map(units).astype(float)
    out = out.rename(columns={"topic": "subject"}).assign(family="", voice="")
    return _values(out.astype({"y": float}))


def top_subjects(values: pd.DataFrame, *, n: int, by: str = "x",
                 voice: str | None = "narrator", exclude: Sequence[Any] = ()) -> list[Any]:
    """The ``n`` subjects with the largest total ``by`` (``x``: labels or mentions; ``y``:
    documents mentioning, for attention), in ``voice`` when the values have voices, leaving
    out ``exclude``."""
    _check(values, VALUE_COLUMNS, "values")
    part = values[~values["subject"].isin(list(exclude))]
    if voice is not None and (part["voice"] == voice).any():
        part = part[part["voice"] == voice]
    if by == "x":  # labels have one row per family: count each document once
        part = part.drop_duplicates(["doc_id", "subject", "voice"])
    totals = part.groupby("subject")[by].sum()
    totals = totals[totals > 0]
    return sorted(totals.index, key=lambda s: (-float(totals[s]), str(s)))[:n]


# --- tables ------------------------------------------------------------------------------

def dated_values(values: pd.DataFrame, frame: TimeFrame) -> pd.DataFrame:
    """``values`` of dated documents with their group, period and date."""
    _check(values, VALUE_COLUMNS, "values")
    # each row's document in frame.docs (one row per dated document), looked up once per
    # document: a merge would turn the categorical ids of every row into strings
    row = positions(values["doc_id"], frame.docs["doc_id"])
    kept = row >= 0
    docs = frame.docs.drop(columns="doc_id").iloc[row[kept]].reset_index(drop=True)
    return pd.concat([values[kept].reset_index(drop=True), docs], axis=1)


def time_table(values: pd.DataFrame, frame: TimeFrame, measure: str, *, n_boot: int = 200,
               seed: int = 0) -> pd.DataFrame:
    """One time table (:data:`TIME_COLUMNS` of ``measure``) per group x period x subject.

    Parameters
    ----------
    values : DataFrame
        Output of the ``<measure>_values`` function.
    frame : TimeFrame
    measure : {"attention", "labels", "stance", "topics"}
    n_boot, seed : int
        Percentile bootstrap over the documents of each cell.

    Returns
    -------
    DataFrame
        Every shown group x period x subject with data somewhere; ``n_docs`` is the number of
        documents behind the value (for attention every document of the group in the period;
        for labels, stance and topics those with labels for the subject, mentions of the
        target, topic weights), ``few_docs`` is True when that is below ``frame.min_docs``
        (plotted hollow, never joined to the series). Cells without data have NaN levels.
    """
    if measure not in TIME_COLUMNS:
        raise ParameterError(f"measure={measure!r}; use one of {', '.join(TIME_COLUMNS)}")
    columns = TIME_COLUMNS[measure]
    data = dated_values(values, frame)
    if data.empty:
        return pd.DataFrame(columns=columns)
    keys = ["subject", "family", "voice"]
    combos = list(data[keys].drop_duplicates().sort_values(keys).itertuples(index=False))
    cells = {k: part for k, part in data[data["x"] > 0].groupby(["group", "period"] + keys)}
    counts = frame.counts.set_index(["group", "period"])["n_docs"]
    rows = []
    for group in frame.groups:
        for period in frame.periods:
            n_docs = int(counts.get((group, period), 0))
            for subject, family, voice in combos:
                part = cells.get((group, period, subject, family, voice))
                y = part["y"].to_numpy() if part is not None else np.zeros(0)
                x = part["x"].to_numpy() if part is not None else np.zeros(0)
                level = y.sum() / x.sum() if x.sum() > 0 else np.nan
                low, high = ratio_interval(y[:, None], x, n_boot=n_boot, ci=0.95,
                                           rng=cell_rng(seed, "time", group, period, subject,
                                                        family, voice))
                rows.append((group, period, subject, family, voice, y.sum(), x.sum(), level,
                             low[0], high[0], n_docs, len(y)))
    out = pd.DataFrame(rows, columns=["group", "period", "subject", "family", "voice", "y",
                                      "x", "level", "ci_low", "ci_high", "n_docs", "n_units"])
    if measure != "attention":  # the documents behind the value: those with labels, ...
        out["n_docs"] = out["n_units"]
    out["few_docs"] = out["n_docs"] < frame.min_docs
    if measure == "attention":
        out = out.assign(actor=out["subject"], docs_mentioning=out["y"].astype(int),
                         share=out["level"])
    elif measure == "labels":
        out = out.assign(actor=out["subject"], count=out["y"].astype(int), share=out["level"])
    elif measure == "stance":
        out = out.assign(target=out["subject"], score=out["level"],
                         n_mentions=out["x"].astype(int))
    else:
        out = out.assign(topic=out["subject"], prevalence=out["level"])
    return out[columns]


# --- figures -----------------------------------------------------------------------------

#: y range of bounded measures, so panels compare at a glance.
_LIMITS = {"share": (-0.03, 1.03), "prevalence": (-0.03, 1.03), "score": (-1.05, 1.05)}


@styled
def plot_over_time(table: pd.DataFrame, ax: Any, *, value: str, subject_col: str,
                   subject: Any, colors: dict[str, str] | None = None,
                   events: Sequence[tuple[str, pd.Timestamp]] = (),
                   changes: pd.DataFrame | None = None, title: str | None = None) -> Any:
    """One panel: ``value`` of one subject per period, a line per group with its interval.

    Solid periods are filled markers joined by lines with a shaded 95% interval; sparse
    periods (too few documents) are hollow markers, not joined. ``events`` are dashed
    vertical lines with their names; ``changes`` (rows of ``time_changepoints`` for this
    subject) are marked with a triangle where the new level starts.
    """
    _check(table, ("group", "period", value, "ci_low", "ci_high", "few_docs", subject_col),
           "time table")
    part = table[table[subject_col] == subject]
    colors = colors or group_colors(part["group"])
    for group, rows in part.groupby("group", sort=False):
        rows = rows.sort_values("period")
        x = pd.to_datetime(rows["period"])
        y = rows[value].to_numpy(dtype=float)
        solid = ~rows["few_docs"].to_numpy(dtype=bool)
        color = colors.get(str(group), "#999999")
        ys = np.where(solid, y, np.nan)
        ax.plot(x, ys, "-o", color=color, ms=3, lw=1, label=str(group))
        ax.fill_between(x, np.where(solid, rows["ci_low"], np.nan),
                        np.where(solid, rows["ci_high"], np.nan), color=color, alpha=0.15,
                        lw=0)
        ax.plot(x[~solid], y[~solid], "o", mfc="none", color=color, ms=3, lw=0)
        if changes is not None and len(changes):
            mine = changes[changes["group"] == group]
            ax.plot(pd.to_datetime(mine["period"]), mine["level_after"], "^", color=color,
                    ms=6, mec="black", mew=0.5)
    for name, date in events:
        ax.axvline(date, color="#555555", lw=0.7, ls="--")
        ax.text(date, 1.0, f" {name}", transform=ax.get_xaxis_transform(), fontsize=6,
                rotation=90, va="top", ha="left", color="#555555")
    ax.set_title(title if title is not None else str(subject))
    ax.tick_params(axis="x", labelrotation=30)
    return ax


@styled
def time_figure(table: pd.DataFrame, *, value: str, subject_col: str,
                subjects: Sequence[Any], colors: dict[str, str] | None = None,
                events: Sequence[tuple[str, pd.Timestamp]] = (),
                changes: pd.DataFrame | None = None, ylabel: str = "",
                titles: dict[Any, str] | None = None, ncols: int = 2,
                families: Sequence[str] | None = None) -> Figure | None:
    """A grid of :func:`plot_over_time` panels, one per subject (with ``families``: one row
    per subject and one column per label family); None when there is nothing to show."""
    if table.empty or not len(subjects) or table[value].notna().sum() == 0:
        return None
    columns: list[str | None] = list(families) if families else [None]
    panels = [(s, f) for s in subjects for f in columns]
    ncols = len(families) if families else min(ncols, len(panels))
    nrows = -(-len(panels) // ncols)
    fig, axes = new_figure("double", 1.9 * nrows + 0.7, nrows=nrows, ncols=ncols,
                           squeeze=False, sharex=True, layout="constrained")
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax, (subject, family) in zip(axes.flat, panels):
        part, mine = table, changes
        if family is not None:
            part = table[table["family"] == family]
            mine = None if changes is None else changes[changes["family"] == family]
        if mine is not None and len(mine):
            mine = mine[mine["subject"].astype(str) == str(subject)]
        title = (titles or {}).get(subject, str(subject))
        plot_over_time(part, ax, value=value, subject_col=subject_col, subject=subject,
                       colors=colors, events=events, changes=mine,
                       title=title if family is None else f"{title}: {family}")
        ax.set_ylabel(ylabel)
        if value in _LIMITS:
            ax.set_ylim(*_LIMITS[value])
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(6, len(labels)),
               frameon=False)
    return fig
