"""Scoring coded sheets against a run: the whole validation in one call (:func:`score_sheets`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import AnnotationError, ParameterError
from ..outputs import atomic_path, save_table, table_path
from . import _sample as validate

if TYPE_CHECKING:
    pass

from ._agreement import (
    coder_kappa,
    confusion_table,
    disagreements,
    krippendorff_alpha,
    tool_agreement,
)

__all__ = ['ValidationResult', 'score_sheets']


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
