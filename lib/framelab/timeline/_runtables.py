"""Tables an earlier notebook of the same run wrote, read by the time notebook (10_time)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..outputs import resolve_out_dir

__all__ = ["FRAMING_COLUMNS", "FRAMING_TABLES", "STANCE_COLUMNS", "framing_run_tables",
           "missing_note", "run_table"]

#: The columns of ``stance_mentions`` that :func:`framelab.timeline.stance_values` reads.
STANCE_COLUMNS = ("doc_id", "target", "voice", "scorer", "score")

log = logging.getLogger(__name__)


def run_table(out_dir: str | Path, name: str, *, columns: Sequence[str] | None = None,
              categories: Sequence[str] = ()) -> pd.DataFrame | None:
    """``tables/<name>.csv`` of a run written by an earlier notebook, or None if absent.

    ``columns`` reads only those (a corpus-sized table such as ``stance_mentions`` has
    columns of text a notebook does not need), ``categories`` reads those as categories (the
    same values in a fraction of the memory).
    """
    path = resolve_out_dir(out_dir) / "tables" / f"{name}.csv"
    if not path.is_file():
        log.info("%s is absent: the notebook that writes it did not run", path)
        return None
    return pd.read_csv(path, keep_default_na=False, na_values=[""],
                       usecols=list(columns) if columns is not None else None,
                       dtype={c: "category" for c in categories} or None)


#: Tables of 01_framing the time notebook reads instead of computing the framing tables again.
FRAMING_TABLES = ("label_mentions", "actor_documents")
#: The columns of each that :func:`framelab.timeline.label_values` and
#: :func:`framelab.timeline.attention_values` read (at a million articles the label mentions
#: are millions of rows with terms, cues and evidence), and those read as categories.
FRAMING_COLUMNS = {"label_mentions": ("doc_id", "actor", "family", "voice"),
                   "actor_documents": ("doc_id", "actor", "mentions")}
_CATEGORIES = ("actor", "family", "voice")


def framing_run_tables(out_dir: str | Path, *, include_nonbody: bool,
                       writer: str = "01_framing") -> dict[str, pd.DataFrame] | None:
    """``label_mentions`` and ``actor_documents`` as ``writer`` saved them in this run.

    None when either table is absent, or when the run's manifest records ``writer`` with
    another ``include_nonbody`` (in a partial ``--only`` run: the earlier run's parameters of
    the notebook whose tables were copied) (its tables then count other sentences); the caller then
    computes them itself (:func:`framelab.run.framing_tables`). Only the columns of
    :data:`FRAMING_COLUMNS` are read, ``actor``, ``family`` and ``voice`` as categories; text
    columns keep "" as "".
    """
    folder = resolve_out_dir(out_dir)
    paths = {name: folder / "tables" / f"{name}.csv" for name in FRAMING_TABLES}
    if not all(p.is_file() for p in paths.values()):
        return None
    manifest = folder / "manifest.json"
    if manifest.is_file():
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        # this run's notebook, or (in an --only run) the earlier run's it copied tables from
        made = {**recorded.get("reused", {}).get("parameters", {}),
                **recorded.get("parameters", {})}.get(writer, {}).get("include_nonbody",
                                                                       include_nonbody)
        if bool(made) != bool(include_nonbody):
            log.info("%s ran with include_nonbody=%s, this notebook with %s: computing the "
                     "framing tables here", writer, made, include_nonbody)
            return None
    return {name: pd.read_csv(path, keep_default_na=False, usecols=list(FRAMING_COLUMNS[name]),
                              dtype={"doc_id": str} | {c: "category" for c in _CATEGORIES
                                                        if c in FRAMING_COLUMNS[name]})
            for name, path in paths.items()}


def missing_note(found: dict[str, pd.DataFrame | None]) -> str:
    """Which of the tables read from earlier notebooks are present, in one sentence each."""
    writers = {"stance_mentions": "03_stance", "doc_topics": "02_topics"}
    lines = []
    for name, table in found.items():
        if table is None:
            lines.append(f"- `{name}` is missing: {writers.get(name, 'its notebook')} did not "
                         "run in this run (or ran after this notebook), so its section is "
                         "left out.")
        else:
            lines.append(f"- `{name}`: {len(table)} rows, read from this run's tables.")
    return "\n".join(lines)
