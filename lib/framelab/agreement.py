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
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import validate
from .errors import AnnotationError, ColumnError, ParameterError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "ALPHA_COLUMNS",
    "CONFUSION_COLUMNS",
    "KAPPA_COLUMNS",
    "NO_SHEETS_NOTE",
    "TOOL_CLASS_COLUMNS",
    "TOOL_COLUMNS",
    "ValidationResult",
    "coder_kappa",
    "confusion_table",
    "disagreements",
    "krippendorff_alpha",
    "plot_confusion",
    "score_sheets",
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


def _require(items: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in items.columns]
    if missing:
        raise ColumnError(f"item table lacks column(s) {', '.join(missing)}; it has "
                          + ", ".join(map(str, items.columns)))


def _index(values: pd.Series, classes: Sequence[str]) -> np.ndarray:
    """Class positions of ``values`` (-1 for blank)."""
    lookup = {c: i for i, c in enumerate(classes)}
    return np.array([lookup.get(v, -1) for v in values.astype(str)], dtype=np.int64)


def _boot_indices(strata: np.ndarray, n_boot: int, seed: int) -> np.ndarray:
    """``(n_boot, n_items)`` item indices: each replicate redraws every stratum's items with
    replacement, keeping its size."""
    rng = np.random.default_rng(seed)
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


def _interval(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over the first axis (replicates), NaN where none is defined."""
    tail = (1 - level) / 2 * 100
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices
        return (np.nanpercentile(values, tail, axis=0),
                np.nanpercentile(values, 100 - tail, axis=0))


def _bounds(point: dict[str, np.ndarray], reps: dict[str, np.ndarray] | None, name: str,
            level: float) -> tuple[np.ndarray, np.ndarray]:
    if reps is None:
        return np.full_like(point[name], np.nan), np.full_like(point[name], np.nan)
    return _interval(reps[name], level)


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
    _require(items, ["decision", "stratum", "weight", *coders])
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
    _require(items, ["decision", *coders])
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

    _require(items, list(coders))
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
                lo, hi = _interval(_scores(cm)["kappa"], level)
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

    _require(items, list(coders))
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
            low, high = _interval(np.array([alpha(data[:, r]) for r in idx]), level)
            row["alpha_low"], row["alpha_high"] = float(low), float(high)
    return pd.DataFrame([row], columns=ALPHA_COLUMNS)


def disagreements(items: pd.DataFrame, coders: Sequence[str], *,
                  context: Sequence[str] = ()) -> pd.DataFrame:
    """Items to adjudicate: coders disagree (``between="coders"``), or the coders who coded
    the item agree and the tool does not (``between="tool"``).

    Returns the ``context`` columns, ``decision``, the coder columns and ``between``.
    """
    _require(items, ["decision", *coders, *context])
    codes = items[list(coders)]
    distinct = codes.apply(lambda row: len({v for v in row if v != ""}), axis=1) \
        if len(items) else pd.Series(dtype=int)
    first = codes.apply(lambda row: next((v for v in row if v != ""), ""), axis=1) \
        if len(items) else pd.Series(dtype=str)
    between = np.where(distinct > 1, "coders",
                       np.where((distinct == 1) & (first != items["decision"]), "tool", ""))
    out = items[[*context, "decision", *coders]].assign(between=between)
    return out[out["between"] != ""].sort_values("between", kind="stable").reset_index(drop=True)


def plot_confusion(confusion: pd.DataFrame, ax: Axes, *, coder: str,
                   classes: Sequence[str]) -> Axes:
    """Heatmap of one coder's confusion table: tool decisions (rows) x codes (columns).

    ``confusion`` is :func:`confusion_table`'s output; each cell shows its count of items.
    """
    _require(confusion, CONFUSION_COLUMNS)
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

def _rows(frame: pd.DataFrame, mask: pd.Series | np.ndarray, column: str = "id") -> str:
    """Spreadsheet rows (header is row 1) and their values, at most 10."""
    hit = frame[np.asarray(mask)]
    listed = [f"row {i + 2} {v!r}" for i, v in zip(hit.index, hit[column])]
    return ", ".join(listed[:10]) + (f" and {len(listed) - 10} more" if len(listed) > 10 else "")


@dataclass
class ValidationResult:
    """What :func:`score_sheets` found.

    Attributes
    ----------
    tables : dict of str to DataFrame
        ``validation_items`` (the merged sheets), ``validation_strata`` (group, decision,
        population and sampled items of each stratum), ``validation_tool_by_class``,
        ``validation_tool`` (see :func:`framelab.agreement.tool_agreement`),
        ``validation_confusion``, ``validation_coder_kappa``, ``validation_alpha`` and
        ``validation_disagreements``.
    design : str
        The sample design and methods in plain language, for a methods section.
    coders : list of str
    classes : tuple of str
    """

    tables: dict[str, pd.DataFrame]
    design: str
    coders: list[str]
    classes: tuple[str, ...]

    def save(self, out_dir: str | Path) -> list[Path]:
        """Write every table (``tables/<name>.csv`` + ``.tex``) and ``validation_design.txt``."""
        from .outputs import atomic_path, save_table, table_path

        paths = [save_table(frame, name, out_dir) for name, frame in self.tables.items()]
        text = table_path("validation_design", out_dir).with_suffix(".txt")
        with atomic_path(text) as tmp:
            tmp.write_text(self.design + "\n", encoding="utf-8")
        return [*paths, text]


def score_sheets(sheets: Sequence[str | Path | pd.DataFrame], *,
                 run: str | Path | validate.Run | None = None, n_boot: int = 1000,
                 seed: int = 0, level: float = 0.95) -> ValidationResult:
    """Score coded sheets: the tool against each coder, and the coders against each other.

    Parameters
    ----------
    sheets : sequence of path or DataFrame
        Coded sheets of one sample (``code`` or ``code_<coder>`` columns; a ``code`` column is
        named after its file). Items are matched by id across sheets.
    run : str, Path or Run, optional
        Run whose decisions are scored; default the run named in the sheets. A later run of the
        same corpus (e.g. after changing the codebook) scores the new decisions on the same
        human codes.
    n_boot, seed, level
        Bootstrap replicates, seed and interval coverage.

    Raises
    ------
    AnnotationError
        The sheets mix samples, name ids that are not decisions of the run, or hold codes
        outside the classes (the message lists the rows). Rows a coder left blank only warn.
    """
    if not sheets:
        raise ParameterError("score needs at least one coded sheet")
    frames = [validate.read_sheet(s) if not isinstance(s, pd.DataFrame) else s for s in sheets]
    names = [str(f.attrs.get("source", f"sheet {i + 1}")) for i, f in enumerate(frames)]
    meta = {c: {validate.constant_column(f, c, n) for f, n in zip(frames, names)}
            for c in ("what", "run")}
    for column, values in meta.items():
        if len(values) > 1:
            raise AnnotationError(f"the sheets come from different samples ({column}: "
                                  f"{', '.join(sorted(values))}); score each sample alone")
    what, sampled = meta["what"].pop(), meta["run"].pop()
    scorer = next((v for f in frames for v in f.get("scorer", []) if v), "default")
    the_run = validate.open_run(run if run is not None else sampled)
    population = validate.decisions(the_run, what, scorer=scorer).set_index("id")
    classes = validate.classes_for(what, the_run.codebook())
    problems: list[str] = []
    merged: dict[str, dict[str, Any]] = {}
    coders: list[str] = []
    for frame, name in zip(frames, names):
        dup = frame["id"].duplicated(keep=False)
        if dup.any():
            problems.append(f"{name}: the same id on several rows: {_rows(frame, dup)}")
        unknown = ~frame["id"].isin(population.index)
        if unknown.any():
            problems.append(f"{name}: {int(unknown.sum())} id(s) are not {what} decisions of "
                            f"run {the_run.name}: {_rows(frame, unknown)} (a sheet of another "
                            "run or corpus? score against its run with --run)")
        for coder, column in validate.coder_columns(frame, Path(name).stem).items():
            if coder in coders:
                problems.append(f"{name}: coder {coder!r} appears in two sheets or columns; "
                                "rename one column to code_<name>")
                continue
            codes = frame[column].map(lambda v: validate.normalize_code(v, what))
            bad = codes.map(lambda v: v != "" and not _allowed(v, what, classes))
            if bad.any():
                problems.append(f"{name}: column {column!r} has codes outside the classes of "
                                f"{what} ({', '.join(classes)}): {_rows(frame, bad, column)}")
            blank = codes == ""
            if blank.all():
                problems.append(f"{name}: column {column!r} is blank in every row; code the "
                                "sheet or drop the column")
            elif blank.any():
                validate.warn(f"{name}: column {column!r} is blank in {int(blank.sum())} "
                              f"of {len(frame)} rows ({_rows(frame, blank)}); those items are "
                              f"left out of {coder}'s scores")
            coders.append(coder)
            for item, code in zip(frame["id"], codes):
                merged.setdefault(item, {})[coder] = code
        for row in frame.to_dict("records"):
            merged.setdefault(row["id"], {}).setdefault("_row", row)
    if problems:
        raise AnnotationError("coded sheets cannot be scored:\n  " + "\n  ".join(problems))
    items = _item_table(merged, coders, population)
    seen = set(items["decision"]).union(*(set(items[c]) for c in coders)) - {""}
    codebook_classes, classes = classes, (*classes, *sorted(seen - set(classes)))  # quotes
    context = [c for c in ("id", "doc_id", "group", "question", "left", "match", "right")
               if c in items.columns]
    by_class, overall = tool_agreement(items, coders, classes, n_boot=n_boot, seed=seed,
                                       level=level)
    strata = pd.DataFrame({
        "population": population.groupby(["group", "decision"]).size(),
        "sampled": items.groupby(["group", "decision"]).size()}).fillna(0).astype(int)
    tables = {
        "validation_items": items.drop(columns=["stratum"]),
        "validation_strata": strata.reset_index(),
        "validation_tool_by_class": by_class, "validation_tool": overall,
        "validation_confusion": confusion_table(items, coders),
        "validation_coder_kappa": coder_kappa(items, coders, classes, n_boot=n_boot,
                                              seed=seed, level=level),
        "validation_alpha": krippendorff_alpha(items, coders, classes, n_boot=n_boot,
                                               seed=seed, level=level),
        "validation_disagreements": disagreements(items, coders, context=context)}
    design = _design(the_run, sampled, what, scorer, frames, items, population, coders,
                     codebook_classes, n_boot=n_boot, level=level)
    return ValidationResult(tables, design, coders, classes)


def _allowed(code: str, what: str, classes: Sequence[str]) -> bool:
    """Whether ``code`` is a class of ``what`` (for quotes: ``none`` or a set of targets)."""
    if what != "quotes" or code == validate.NONE:
        return code in classes
    return set(code.split(";")) <= set(classes) - {validate.NONE}


def _item_table(merged: dict[str, dict[str, Any]], coders: list[str],
                population: pd.DataFrame) -> pd.DataFrame:
    """One row per coded item: sheet context, decision, stratum, design weight, codes."""
    rows = []
    for item, found in sorted(merged.items()):
        sheet_row = found["_row"]
        rows.append({**{c: sheet_row.get(c, "") for c in ("id", "doc_id", "question", "left",
                                                          "match", "right")},
                     "group": population.at[item, "group"],
                     "decision": population.at[item, "decision"],
                     **{c: found.get(c, "") for c in coders}})
    items = pd.DataFrame(rows)
    items["stratum"] = items["group"] + "\x1f" + items["decision"]
    sizes = population.groupby(["group", "decision"]).size()
    drawn = items.groupby(["group", "decision"]).size()
    items["weight"] = [sizes[(g, d)] / drawn[(g, d)] for g, d in
                       items[["group", "decision"]].itertuples(index=False)]
    order = ["id", "doc_id", "group", "question", "left", "match", "right", "decision",
             "stratum", "weight", *coders]
    return items[order]


def _design(run: validate.Run, sampled: str, what: str, scorer: str, frames: list[pd.DataFrame],
            items: pd.DataFrame, population: pd.DataFrame, coders: list[str],
            classes: Sequence[str], *, n_boot: int, level: float) -> str:
    """The sample design and the measures, in sentences a methods section can cite."""
    from importlib.metadata import version

    seeds = sorted({str(v) for f in frames for v in f.get("seed", [])} - {""})
    allocations = sorted({str(v) for f in frames for v in f.get("allocation", [])} - {""})
    shown = any("decision" in f.columns for f in frames)
    kind = {"label_voice": "voice decisions on label mentions (narrator, quoted, attributed)",
            "actor": "actor resolutions of label mentions",
            "stance": f"stance labels of target mentions ({scorer} scorer)",
            "quotes": "speakers of direct quotations"}[what]
    n_groups = population["group"].nunique()
    n_strata = population.groupby(["group", "decision"]).ngroups
    codebook = run.codebook()
    coded = {c: int((items[c] != "").sum()) for c in coders}
    lines = [
        (f"Sample. From framelab run {sampled}, which holds {len(population)} {kind}, we drew a "
        f"stratified random sample of {len(items)} items: strata are the {n_groups} groups "
        f"(outlet, or document where the outlet is unknown) crossed with the tool's decision "
        f"({n_strata} non-empty strata), with "
        f"{' / '.join(allocations) or 'equal'} allocation across strata (a stratum smaller than "
        f"its share contributed all its items), drawn with numpy's PCG64 generator, seed "
        f"{', '.join(seeds) or 'unknown'} (framelab {version('framelab')}, codebook "
        f"{codebook.name} {codebook.version})."),
        ("Each item was shown in its surrounding text (a few sentences either side) with its "
        "document id; the tool's decision was " + ("shown to" if shown else "hidden from")
        + " the coders."),
        (f"Coding. {len(coders)} coder(s) ("
         + ", ".join(f"{c}: {n} items" for c, n in coded.items())
         + f") assigned each item {'one or more' if what == 'quotes' else 'one'} of: "
         + f"{', '.join(classes)}."),
        (f"Measures. The tool's precision, recall and F1 per class, accuracy, Cohen's kappa and "
        f"macro-F1 against each coder weight every item by the inverse of its inclusion "
        f"probability (stratum size over items drawn from it), so they estimate agreement over "
        f"all {len(population)} decisions of the run; "
        + (f"{level:.0%} intervals are percentile bootstrap intervals from {n_boot} resamples "
           "of items within strata. " if n_boot > 0 else "no intervals were computed. ")
        + f"Agreement "
        f"between coders is unweighted: Cohen's kappa for each pair (scikit-learn) and "
        f"Krippendorff's alpha for nominal data across all coders (krippendorff package "
        f"{version('krippendorff')}), with item bootstrap intervals."),
    ]
    if run.name != sampled:
        lines.append(f"The decisions scored are those of run {run.name}, on the items sampled "
                     f"from run {sampled}.")
    return "\n\n".join(lines)
