"""Agreement of the tool with human coders, and of coders with each other.

:func:`score_sheets` checks coded sheets (:mod:`framelab.validate`) against their run and
computes every table with a plain-language statement of the sample design. The metric
functions take an *item table*: one row per item with the tool's ``decision``, its sampling
``stratum`` and design ``weight`` (N_h / n_h), and one column of codes per coder (``""``:
blank). Tool-vs-coder figures are weighted (population estimates), coder-vs-coder ones are
not. Method, references and limits: ``docs/validation.md``. Bootstrap intervals are computed
by :func:`_boot_indices` (items within strata) and :func:`_interval`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import check_columns
from ..figures import styled
from ..stats import cell_rng, percentile_interval

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "ALPHA_COLUMNS",
    "CONFUSION_COLUMNS",
    "KAPPA_COLUMNS",
    "NO_SHEETS_NOTE",
    "TOOL_CLASS_COLUMNS",
    "TOOL_COLUMNS",
    "coder_kappa",
    "confusion_table",
    "disagreements",
    "krippendorff_alpha",
    "plot_confusion",
    "tool_agreement",
]

#: Columns of the per-class table of :func:`tool_agreement`.
TOOL_CLASS_COLUMNS = ["coder", "class", "n_coder", "n_tool", "precision", "precision_low",
                      "precision_high", "recall", "recall_low", "recall_high", "f1", "f1_low",
                      "f1_high"]
#: Columns of the per-coder table of :func:`tool_agreement`.
TOOL_COLUMNS = ["coder", "n_items", "accuracy", "accuracy_low", "accuracy_high", "kappa",
                "kappa_low", "kappa_high", "macro_f1", "macro_f1_low", "macro_f1_high"]
CONFUSION_COLUMNS = ["coder", "decision", "code", "n_items"]
KAPPA_COLUMNS = ["coder_a", "coder_b", "n_items", "agreement", "kappa", "kappa_low",
                 "kappa_high"]
#: What the validation notebook shows when it is given no coded sheet.
NO_SHEETS_NOTE = (
    "*No coded sheets given (parameter `sheets`), so nothing is scored.* To validate a run: "
    "`framelab validate sample --run RUN --what label_voice --n 100 --out sheet.csv`, code the "
    "sheet in a spreadsheet or in the page of `framelab validate html --sheet sheet.csv --out "
    "coder.html`, then rerun this notebook with `sheets` set to the coded files.")
ALPHA_COLUMNS = ["n_coders", "n_items", "n_pairable", "alpha", "alpha_low", "alpha_high",
                 "note"]




def _index(values: pd.Series, classes: Sequence[str]) -> np.ndarray:
    """Class positions of ``values`` (-1 for blank)."""
    lookup = {c: i for i, c in enumerate(classes)}
    return np.array([lookup.get(v, -1) for v in values.astype(str)], dtype=np.int64)


def _boot_indices(strata: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """``(n_boot, n_items)`` item indices: each replicate redraws every stratum's items with
    replacement, keeping its size."""
    rng = cell_rng(seed, "validation")
    columns = []
    for stratum in sorted(set(strata.tolist())):
        members = np.flatnonzero(strata == stratum)
        columns.append(members[rng.integers(0, len(members), size=(n_boot, len(members)))])
    return np.hstack(columns) if columns else np.zeros((n_boot, 0), dtype=np.int64)


def _confusions(truth: np.ndarray, pred: np.ndarray, weight: np.ndarray, k: int,
                rows: np.ndarray) -> np.ndarray:
    """Weighted confusion matrices (truth x prediction), one per row of item indices."""
    t, p, w = truth[rows], pred[rows], weight[rows]
    keep = (t >= 0) & (p >= 0)
    offset = np.arange(rows.shape[0])[:, None] * k * k
    flat = np.where(keep, offset + t * k + p, 0)
    counts = np.bincount(flat[keep], weights=w[keep], minlength=rows.shape[0] * k * k)
    return counts.reshape(rows.shape[0], k, k)


def _scores(cm: np.ndarray) -> dict[str, np.ndarray]:
    """Precision, recall, F1 per class, accuracy, kappa and macro-F1 from confusion matrices
    of shape (..., k, k), rows the reference; undefined values are NaN."""
    with np.errstate(invalid="ignore", divide="ignore"):
        tp = np.diagonal(cm, axis1=-2, axis2=-1)
        predicted, actual = cm.sum(axis=-2), cm.sum(axis=-1)
        total = cm.sum(axis=(-2, -1))
        precision = np.where(predicted > 0, tp / predicted, np.nan)
        recall = np.where(actual > 0, tp / actual, np.nan)
        f1 = np.where(predicted + actual > 0, 2 * tp / (predicted + actual), np.nan)
        accuracy = np.where(total > 0, tp.sum(axis=-1) / total, np.nan)
        expected = (predicted * actual).sum(axis=-1) / np.where(total > 0, total, 1) ** 2
        kappa = np.where(expected < 1, (accuracy - expected) / (1 - expected), np.nan)
        present = (predicted + actual) > 0
        macro = np.where(present.any(axis=-1), np.nansum(np.where(present, f1, 0), axis=-1)
                         / np.maximum(present.sum(axis=-1), 1), np.nan)
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": accuracy,
            "kappa": kappa, "macro_f1": macro}




def _bounds(point: dict[str, np.ndarray], reps: dict[str, np.ndarray] | None, name: str,
            level: float) -> tuple[np.ndarray, np.ndarray]:
    if reps is None:
        return np.full_like(point[name], np.nan), np.full_like(point[name], np.nan)
    return percentile_interval(reps[name], level)


def tool_agreement(items: pd.DataFrame, coders: Sequence[str], classes: Sequence[str], *,
                   n_boot: int = 1000, seed: int = 0, level: float = 0.95
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tool's decisions scored against each coder's codes.

    Parameters
    ----------
    items : DataFrame
        ``decision``, ``stratum``, ``weight`` and one column per coder (blank: not coded).
    coders : sequence of str
        The coder columns.
    classes : sequence of str
        Every code a decision or a coder may take.
    n_boot : int
        Bootstrap replicates (0: no intervals).
    seed : int
        Seed of the bootstrap.
    level : float
        Coverage of the intervals.

    Returns
    -------
    by_class : DataFrame
        :data:`TOOL_CLASS_COLUMNS`, one row per coder and class that either used: ``n_coder``
        items the coder put in the class, ``n_tool`` items the tool put there (of those the
        coder coded).
    overall : DataFrame
        :data:`TOOL_COLUMNS`, one row per coder.
    """
    check_columns(items, ["decision", "stratum", "weight", *coders], "item table")
    k, pred = len(classes), _index(items["decision"], classes)
    weight = items["weight"].to_numpy(dtype=float)
    everything = np.arange(len(items))[None, :]
    boot = _boot_indices(items["stratum"].astype(str).to_numpy(), n_boot, seed) \
        if n_boot > 0 else None
    by_class, overall = [], []
    for coder in coders:
        truth = _index(items[coder], classes)
        point = _scores(_confusions(truth, pred, weight, k, everything)[0])
        reps = _scores(_confusions(truth, pred, weight, k, boot)) if boot is not None else None
        coded = truth >= 0
        per = {name: (point[name], *_bounds(point, reps, name, level))
               for name in ("precision", "recall", "f1")}
        for i, cls in enumerate(classes):
            if not ((truth == i).any() or (pred[coded] == i).any()):
                continue  # neither the coder nor the tool used this class
            by_class.append([coder, cls, int((truth == i).sum()), int((pred[coded] == i).sum()),
                             *(float(per[m][j][i]) for m in ("precision", "recall", "f1")
                               for j in range(3))])
        row: list[object] = [coder, int(coded.sum())]
        for name in ("accuracy", "kappa", "macro_f1"):
            low, high = _bounds(point, reps, name, level)
            row += [float(point[name]), float(low), float(high)]
        overall.append(row)
    return (pd.DataFrame(by_class, columns=TOOL_CLASS_COLUMNS),
            pd.DataFrame(overall, columns=TOOL_COLUMNS))


def confusion_table(items: pd.DataFrame, coders: Sequence[str]) -> pd.DataFrame:
    """Items per tool decision and coder's code (long format, :data:`CONFUSION_COLUMNS`)."""
    check_columns(items, ["decision", *coders], "item table")
    parts = []
    for coder in coders:
        coded = items[items[coder] != ""]
        counts = coded.groupby(["decision", coder]).size().reset_index(name="n_items")
        parts.append(counts.rename(columns={coder: "code"}).assign(coder=coder))
    if not parts:
        return pd.DataFrame(columns=CONFUSION_COLUMNS)
    return pd.concat(parts, ignore_index=True)[CONFUSION_COLUMNS]


def coder_kappa(items: pd.DataFrame, coders: Sequence[str], classes: Sequence[str], *,
                n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Cohen's kappa of every pair of coders on the items both coded (unweighted).

    The point estimate is scikit-learn's ``cohen_kappa_score``; the interval resamples the
    pair's items (percentile bootstrap). Returns :data:`KAPPA_COLUMNS`; ``kappa`` is NaN when
    both coders gave one and the same code throughout.
    """
    from sklearn.metrics import cohen_kappa_score

    check_columns(items, list(coders), "item table")
    rows = []
    for a, b in itertools.combinations(coders, 2):
        both = items[(items[a] != "") & (items[b] != "")]
        n = len(both)
        kappa = low = high = float("nan")
        agree = float((both[a] == both[b]).mean()) if n else float("nan")
        if n and len(set(both[a]) | set(both[b])) > 1:
            kappa = float(cohen_kappa_score(both[a], both[b], labels=list(classes)))
            if n_boot > 0:
                idx = _boot_indices(np.zeros(n, dtype=np.int64), n_boot, seed)
                cm = _confusions(_index(both[a], classes), _index(both[b], classes),
                                 np.ones(n), len(classes), idx)
                lo, hi = percentile_interval(_scores(cm)["kappa"], level)
                low, high = float(lo), float(hi)
        rows.append([a, b, n, agree, kappa, low, high])
    return pd.DataFrame(rows, columns=KAPPA_COLUMNS)


def krippendorff_alpha(items: pd.DataFrame, coders: Sequence[str], classes: Sequence[str], *,
                       n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> pd.DataFrame:
    """Nominal Krippendorff's alpha across every coder (one row, :data:`ALPHA_COLUMNS`).

    Blank codes are missing values; only items coded by at least two coders count
    (``n_pairable``). The interval resamples those items (percentile bootstrap). ``alpha`` is
    NaN, with a ``note``, for fewer than two coders, no pairable item, or a single code.
    """
    import krippendorff

    check_columns(items, list(coders), "item table")
    data = np.vstack([_index(items[c], classes) for c in coders]).astype(float) \
        if coders else np.zeros((0, len(items)))
    data[data < 0] = np.nan
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    data = data[:, pairable]
    row = {"n_coders": len(coders), "n_items": len(items), "n_pairable": int(pairable.sum()),
           "alpha": float("nan"), "alpha_low": float("nan"), "alpha_high": float("nan"),
           "note": ""}

    def alpha(matrix: np.ndarray) -> float:
        if len(set(matrix[~np.isnan(matrix)].tolist())) < 2:
            return float("nan")
        return float(krippendorff.alpha(reliability_data=matrix,
                                        level_of_measurement="nominal",
                                        value_domain=list(range(len(classes)))))
    if len(coders) < 2:
        row["note"] = "needs at least two coders"
    elif not pairable.any():
        row["note"] = "no item was coded by two coders"
    elif np.isnan(alpha(data)):
        row["note"] = "every coder gave the same code to every item: alpha is undefined"
    else:
        row["alpha"] = alpha(data)
        if n_boot > 0:
            idx = _boot_indices(np.zeros(data.shape[1], dtype=np.int64), n_boot, seed)
            low, high = percentile_interval(np.array([alpha(data[:, r]) for r in idx]), level)
            row["alpha_low"], row["alpha_high"] = float(low), float(high)
    return pd.DataFrame([row], columns=ALPHA_COLUMNS)


def disagreements(items: pd.DataFrame, coders: Sequence[str], *,
                  context: Sequence[str] = ()) -> pd.DataFrame:
    """Items to adjudicate: coders disagree (``between="coders"``), or the coders who coded
    the item agree and the tool does not (``between="tool"``).

    Returns the ``context`` columns, ``decision``, the coder columns and ``between``.
    """
    check_columns(items, ["decision", *coders, *context], "item table")
    codes = items[list(coders)]
    distinct = codes.apply(lambda row: len({v for v in row if v != ""}), axis=1) \
        if len(items) else pd.Series(dtype=int)
    first = codes.apply(lambda row: next((v for v in row if v != ""), ""), axis=1) \
        if len(items) else pd.Series(dtype=str)
    between = np.where(distinct > 1, "coders",
                       np.where((distinct == 1) & (first != items["decision"]), "tool", ""))
    out = items[[*context, "decision", *coders]].assign(between=between)
    return out[out["between"] != ""].sort_values("between", kind="stable").reset_index(drop=True)


@styled
def plot_confusion(confusion: pd.DataFrame, ax: Axes, *, coder: str,
                   classes: Sequence[str]) -> Axes:
    """Heatmap of one coder's confusion table: tool decisions (rows) x codes (columns).

    ``confusion`` is :func:`confusion_table`'s output; each cell shows its count of items.
    """
    check_columns(confusion, CONFUSION_COLUMNS, "confusion table")
    mine = confusion[confusion["coder"] == coder]
    seen = set(mine["decision"]) | set(mine["code"])
    labels = [c for c in classes if c in seen] + sorted(seen - set(classes))
    grid = mine.pivot_table(index="decision", columns="code", values="n_items",
                            aggfunc="sum", fill_value=0).reindex(index=labels, columns=labels,
                                                                 fill_value=0)
    values = grid.to_numpy()
    ax.imshow(values, cmap="Greys", vmin=0, vmax=max(1, int(values.max())))
    for (i, j), count in np.ndenumerate(values):
        ax.text(j, i, str(count), ha="center", va="center",
                color="white" if count > values.max() / 2 else "black", fontsize=8)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel(f"code ({coder})")
    ax.set_ylabel("tool decision")
    return ax


# --- scoring -------------------------------------------------------------------------------
