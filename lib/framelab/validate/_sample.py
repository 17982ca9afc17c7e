"""Validate a run against human judgement: sample its decisions into sheets, collect codes.

Three steps, one command each (``framelab validate sample|html|score``)::

    sheet = sample_sheet("latest", "label_voice", n=40, seed=1)   # stratified, decisions hidden
    write_sheet(sheet, "voice.csv")                               # code it in a spreadsheet ...
    write_coder_html(sheet, "voice.html")                         # ... or in this offline page
    agreement.score_sheets(["voice.alice.csv", "voice.bob.csv"])  # agreement with the tool

What is validated (``what``), read from the run's ``tables/``:

``label_voice``
    Each row of ``label_mentions``: whose words is the label (``narrator``, ``quoted``,
    ``attributed``)?
``actor``
    Each row of ``label_mentions``: which codebook actor does the label name (``none``: none)?
``stance``
    Each target mention of ``stance_mentions`` (one scorer, ``default`` unless asked):
    ``against``, ``neutral`` or ``favor``.
``quotes``
    Each row of ``quotes``: which codebook target is the speaker (``none``: none of them;
    several joined by ``;``)?

An item's id hashes what is validated, the doc id and the character offsets (and the stance
target), never anything a run computes, so a sheet can be scored again against a later run of
the same corpus (:func:`framelab.agreement.score_sheets` with ``run=...``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..codebook import load_codebook
from ..corpus import group_key
from ..errors import AnnotationError, ColumnError, ParameterError, ValidationWarning
from ..framing import VOICES
from ..outputs import atomic_path
from ..paths import OUTPUTS_DIR, resolve, sha256_of
from ..run import CorpusCache, open_run_corpus
from ..stance import LABELS

if TYPE_CHECKING:
    from ..codebook import Codebook

__all__ = [
    "ITEM_COLUMNS",
    "META_COLUMNS",
    "NONE",
    "WHATS",
    "Run",
    "allocate",
    "classes_for",
    "coder_columns",
    "constant_column",
    "decisions",
    "item_id",
    "normalize_code",
    "open_run",
    "read_sheet",
    "sample_sheet",
    "sheet_paths",
    "warn",
    "write_coder_html",
    "write_sheet",
]

log = logging.getLogger(__name__)

WHATS = ("label_voice", "stance", "quotes", "actor")
#: Columns of :func:`decisions` (one row per decision of the tool).
ITEM_COLUMNS = ["id", "doc_id", "group", "start", "end", "target", "decision"]
#: Columns that say where a sheet comes from (constant down the sheet, last in it).
META_COLUMNS = ["what", "run", "seed", "allocation", "scorer"]
NONE = "none"
_TABLE = {"label_voice": "label_mentions", "actor": "label_mentions",
          "stance": "stance_mentions", "quotes": "quotes"}
_PREFIX = {"label_voice": "voice", "actor": "actor", "stance": "stance", "quotes": "quote"}
_QUESTION = {
    "label_voice": "Whose words is the highlighted label? narrator: the outlet's own; quoted: "
                   "inside a direct quotation; attributed: reported from a source without "
                   "quotation marks.",
    "actor": "Which actor does the highlighted label name? none: no actor of the codebook.",
    "stance": "What is the stance of this passage toward {target} (highlighted)?",
    "quotes": "Who speaks the highlighted quotation? none: nobody of the codebook, or unknown; "
              "several speakers joined by ;",
}
_NEWLINE = " \u00b6 "  # paragraph breaks stay visible in one spreadsheet cell
_CODE = "code"


def warn(message: str) -> None:
    """Log ``message`` and issue it as a :class:`ValidationWarning`."""
    log.warning(message)
    warnings.warn(message, ValidationWarning, stacklevel=3)


# --- a finished run ----------------------------------------------------------------------

@dataclass
class Run:
    """A finished report run: its folder, manifest and tables.

    Attributes
    ----------
    path : Path
        The run folder (holding ``tables/`` and ``manifest.json``).
    name : str
        How the run is named in sheets: its id when it lies under ``outputs/``, else its path.
    manifest : dict
        ``manifest.json`` (empty when the folder has none).
    """

    path: Path
    name: str
    manifest: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame:
        """``tables/<name>.csv`` with empty cells as ``""``."""
        path = self.path / "tables" / f"{name}.csv"
        if not path.is_file():
            raise AnnotationError(f"run {self.name}: {path} is missing; the notebook writing "
                                  f"{name} did not run (rerun the report with it)")
        return pd.read_csv(path, keep_default_na=False, dtype={"doc_id": str, "outlet": str})

    def codebook(self) -> Codebook:
        """The codebook the run used (the shipped default if the manifest names none)."""
        entry = (self.manifest.get("inputs") or {}).get("codebook") or {}
        path = entry.get("path")
        if path and not Path(path).is_file():
            warn(f"run {self.name}: its codebook {path} is gone; using the shipped codebook's "
                 "classes")
        return load_codebook(path if path and Path(path).is_file() else None)

    def documents(self) -> pd.DataFrame:
        """The run's documents (with ``text``), from its corpus cache or else its corpus."""
        cache = Path(str((self.manifest.get("cache") or {}).get("path", "")))
        if str(cache) not in ("", ".") and (cache / "manifest.json").is_file():
            return CorpusCache(cache).documents()
        params: dict[str, Any] = next(iter((self.manifest.get("parameters") or {}).values()),
                                      {})
        if not params.get("corpus"):
            raise AnnotationError(f"run {self.name}: its manifest names no corpus and no cache; "
                                  "cannot show the documents")

        recorded = ((self.manifest.get("inputs") or {}).get("corpus") or {}).get("sha256")
        if recorded and sha256_of(Path(params["corpus"])) != recorded:
            warn(f"run {self.name}: its corpus {params['corpus']} changed since the run; the "
                 "offsets of its decisions may not match the text shown")
        keys = ("metadata", "text_column", "id_column", "outlet_column", "date_column",
                "title_column", "url_column", "on_bad_rows", "cache_dir")
        return open_run_corpus(params["corpus"], progress=False,
                               **{k: params[k] for k in keys if k in params}).documents


def open_run(run: str | Path | Run) -> Run:
    """Open a finished run: a run id under ``outputs/`` or the path of a run folder.

    Raises
    ------
    ParameterError
        Neither is a folder with ``tables/``.
    """
    if isinstance(run, Run):
        return run

    candidates = [Path(run).expanduser(), OUTPUTS_DIR / str(run)]
    for path in candidates:
        if (path / "tables").is_dir():
            path = path.resolve()
            try:
                name = str(path.relative_to(OUTPUTS_DIR.resolve()))
            except ValueError:
                name = str(path)
            manifest_path = path / "manifest.json"
            manifest = json.loads(manifest_path.read_text("utf-8")) \
                if manifest_path.is_file() else {}
            return Run(path, name, manifest)
    raise ParameterError(f"run {str(run)!r}: no run folder with tables/ at "
                         + " or ".join(str(p) for p in candidates)
                         + "; pass a run id under outputs/ or the path of a finished run")


# --- the tool's decisions ----------------------------------------------------------------

def _check_what(what: str) -> str:
    if what not in WHATS:
        raise ParameterError(f"what={what!r}: choose one of {', '.join(WHATS)}")
    return what


def classes_for(what: str, codebook: Codebook) -> tuple[str, ...]:
    """The codes a coder may give for ``what`` (see the module docstring)."""

    _check_what(what)
    if what == "label_voice":
        return tuple(VOICES)
    if what == "stance":
        return tuple(LABELS)
    if what == "actor":
        return (*codebook.actors, NONE)
    return (*dict.fromkeys(a.target for a in codebook.actors.values()), NONE)


def item_id(what: str, doc_id: str, start: int, end: int, target: str = "") -> str:
    """The stable id of an item: a hash of what is validated, the doc id and the offsets."""
    key = "\x1f".join([what, str(doc_id), str(int(start)), str(int(end)), target])
    return f"{_PREFIX[what]}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:12]}"


def normalize_code(value: str, what: str) -> str:
    """A code or decision as compared: stripped; for quotes a sorted ``;``-joined set."""
    text = str(value).strip()
    if what == "quotes":  # a set of speakers: order and spacing do not matter
        parts = sorted({p.strip() for p in text.split(";") if p.strip()})
        return ";".join(parts) if parts else ""
    return text


def decisions(run: str | Path | Run, what: str, *, scorer: str = "default") -> pd.DataFrame:
    """Every decision of kind ``what`` in a run, one row per item.

    Parameters
    ----------
    run : str, Path or Run
        Run id under ``outputs/`` or a run folder.
    what : {"label_voice", "stance", "quotes", "actor"}
    scorer : str
        For ``stance``: whose labels are the tool's decisions (a ``scorer`` of the run).

    Returns
    -------
    DataFrame
        :data:`ITEM_COLUMNS`: ``id``, ``doc_id``, ``group`` (outlet, or doc_id when unknown),
        ``start``, ``end``, ``target`` (stance only, else ""), ``decision``; sorted by id.
    """
    run = open_run(run)
    table = run.table(_TABLE[_check_what(what)])
    if what == "stance":
        scorers = sorted(set(table["scorer"]))
        if scorer not in scorers:
            raise ParameterError(f"scorer={scorer!r} is not in run {run.name}'s "
                                 f"stance_mentions; available: {', '.join(scorers)}")
        table = table[table["scorer"] == scorer]
    column = {"label_voice": "voice", "actor": "actor", "stance": "label",
              "quotes": "speaker_actor"}[what]
    out = pd.DataFrame({
        "doc_id": table["doc_id"].astype(str),
        "group": group_key(table) if len(table) else pd.Series(dtype=str),
        "start": table["start"].astype(int), "end": table["end"].astype(int),
        "target": table["target"].astype(str) if what == "stance" else "",
        "decision": [normalize_code(v, what) or NONE for v in table[column].astype(str)]})
    out.insert(0, "id", [item_id(what, *row) for row in
                         out[["doc_id", "start", "end", "target"]].itertuples(index=False)])
    out = out.drop_duplicates("id").sort_values("id", kind="stable")
    return out[ITEM_COLUMNS].reset_index(drop=True)


# --- sampling ------------------------------------------------------------------------------

def allocate(sizes: pd.Series, n: int, *, allocation: str = "equal") -> pd.Series:
    """How many items to draw from each stratum.

    ``equal`` gives every stratum the same share (rare decisions get as many items as common
    ones), a stratum smaller than its share gives all it has and the rest goes to the others;
    ``proportional`` follows the strata's sizes (largest remainders). Never more than a
    stratum holds; all of it when ``n`` is at least the population.
    """
    sizes = sizes.astype(int)
    if n < 1:
        raise ParameterError(f"n={n}: sample at least one item")
    if allocation not in ("equal", "proportional"):
        raise ParameterError(f"allocation={allocation!r}: choose 'equal' or 'proportional'")
    total = int(sizes.sum())
    if n >= total:
        return sizes.copy()
    take = pd.Series(0, index=sizes.index)
    if allocation == "proportional":
        exact = sizes * n / total
        take = pd.Series(np.floor(exact).astype(int), index=sizes.index)
        remainder = (exact - take).sort_values(ascending=False, kind="stable")
        for key in remainder.index[:n - int(take.sum())]:
            take[key] += 1
        return take.clip(upper=sizes)
    left = n
    by_size = sizes.sort_values(ascending=False, kind="stable").index
    while left > 0:
        open_ = [k for k in by_size if take[k] < sizes[k]]
        share, extra = divmod(left, len(open_))
        for i, key in enumerate(open_):  # the largest strata get the remainder
            give = min(share + (i < extra), sizes[key] - take[key])
            take[key] += give
            left -= give
    return take


def _context(text: str, start: int, end: int, window: int) -> tuple[str, str, str]:
    """Left context, match and right context, cut at word boundaries, paragraphs marked."""
    lo, hi = max(0, start - window), min(len(text), end + window)
    left, right = text[lo:start], text[end:hi]
    if lo > 0 and " " in left:
        left = "\u2026" + left[left.index(" ") + 1:]
    if hi < len(text) and " " in right:
        right = right[:right.rindex(" ")] + "\u2026"

    def flat(part: str) -> str:
        return _NEWLINE.join(line.strip() for line in part.splitlines() if line.strip()) \
            if "\n" in part else part
    return flat(left), flat(text[start:end]), flat(right)


def sample_sheet(run: str | Path | Run, what: str, *, n: int, seed: int = 0,
                 allocation: str = "equal", window: int = 300, show_decision: bool = False,
                 scorer: str = "default") -> pd.DataFrame:
    """A coding sheet: a stratified random sample of a run's decisions, in random order.

    Strata are group (outlet, or document where the outlet is unknown) x the tool's decision;
    :func:`allocate` says how many items each gives. The same run, ``what``, ``n``, ``seed``
    and ``allocation`` give the same sheet.

    Parameters
    ----------
    run : str, Path or Run
        Run id under ``outputs/`` or a run folder.
    what : {"label_voice", "stance", "quotes", "actor"}
    n : int
        Items to draw (all of them if the run has fewer).
    seed : int
        Seed of numpy's default generator (PCG64).
    allocation : {"equal", "proportional"}
    window : int
        Characters of context each side of the item.
    show_decision : bool
        Add the tool's decision as a ``decision`` column (hidden by default, so that coders
        judge independently).
    scorer : str
        For ``stance``: the scorer whose labels are sampled.

    Returns
    -------
    DataFrame
        One row per item: ``item`` (1..n), ``id``, ``doc_id``, ``start``, ``end`` (character
        offsets of the item in the document), ``group``, ``question``,
        ``left``, ``match``, ``right``, [``decision``], ``code`` and ``note`` (blank, for the
        coder), then :data:`META_COLUMNS`.
    """
    run = open_run(run)
    items = decisions(run, what, scorer=scorer)
    if items.empty:
        raise AnnotationError(f"run {run.name} has no {what} decisions to sample "
                              f"(table {_TABLE[what]} is empty)")
    sizes = items.groupby(["group", "decision"]).size()
    take = allocate(sizes, n, allocation=allocation)
    rng = np.random.default_rng(seed)
    chosen, counts = [], take.to_dict()
    for key, rows in items.groupby(["group", "decision"], sort=True):
        k = int(counts[key])
        chosen.append(rows.iloc[np.sort(rng.choice(len(rows), size=k, replace=False))])
    picked = pd.concat(chosen).iloc[rng.permutation(int(take.sum()))].reset_index(drop=True)
    texts = run.documents().set_index("doc_id")["text"]
    missing = sorted(set(picked.doc_id) - set(texts.index))
    if missing:
        raise AnnotationError(f"run {run.name}: documents {', '.join(missing[:5])} are not in "
                              "its corpus any more; sample from a run of the current corpus")
    context = [_context(str(texts[d]), s, e, window)
               for d, s, e in picked[["doc_id", "start", "end"]].itertuples(index=False)]
    sheet = pd.DataFrame({
        "item": np.arange(1, len(picked) + 1), "id": picked["id"],
        "doc_id": picked["doc_id"], "start": picked["start"], "end": picked["end"],
        "group": picked["group"],
        "question": [_QUESTION[what].format(target=t) for t in picked["target"]],
        "left": [c[0] for c in context], "match": [c[1] for c in context],
        "right": [c[2] for c in context]})
    if show_decision:
        sheet["decision"] = picked["decision"]
    sheet[_CODE] = ""
    sheet["note"] = ""
    meta: dict[str, Any] = {"what": what, "run": run.name, "seed": seed,
                            "allocation": allocation,
                            "scorer": scorer if what == "stance" else ""}
    for name in META_COLUMNS:
        sheet[name] = meta[name]
    return sheet


def write_sheet(sheet: pd.DataFrame, path: str | Path) -> Path:
    """Write a sheet as CSV for spreadsheets (UTF-8 with a byte-order mark), atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        sheet.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def read_sheet(path: str | Path) -> pd.DataFrame:
    """Read a (coded) sheet; every cell as text, blanks as ``""``.

    Raises
    ------
    ColumnError
        ``id``, ``what``, ``run`` or every code column (``code``, ``code_<coder>``) is missing.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:  # saved by a spreadsheet in the legacy Windows encoding
        warn(f"{path}: not UTF-8; read as cp1252 (save as 'CSV UTF-8' next time)")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="cp1252")
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in ("id", "what", "run") if c not in frame.columns]
    if not coder_columns(frame, path.stem):
        missing.append(_CODE)
    if missing:
        raise ColumnError(f"{path}: not a coding sheet: missing column(s) "
                          f"{', '.join(missing)}; found {', '.join(frame.columns)}. Sample one "
                          "with 'framelab validate sample'")
    frame.attrs["source"] = str(path)
    return frame


def sheet_paths(sheets: str | Sequence[str | Path]) -> list[Path]:
    """Sheet paths from a notebook parameter: comma-separated, relative to the project root."""
    parts = sheets.split(",") if isinstance(sheets, str) else [str(s) for s in sheets]
    return [resolve(p.strip()) for p in parts if p.strip()]


def coder_columns(frame: pd.DataFrame, stem: str) -> dict[str, str]:
    """Coder name -> column: ``code_<name>`` columns, and ``code`` named after the file."""
    out = {c[len(_CODE) + 1:]: c for c in frame.columns if c.startswith(f"{_CODE}_")}
    if _CODE in frame.columns:
        out.setdefault(stem, _CODE)
    return out


# --- coder's page ------------------------------------------------------------------------

def write_coder_html(sheet: pd.DataFrame, path: str | Path, *,
                     classes: Sequence[str] | None = None) -> Path:
    """Write an offline, single-file HTML page to code ``sheet`` one item at a time.

    The page needs no network: the items, the classes and a small script are inline. The
    coder types their name, picks a class per item (buttons or keys 1-9; notes optional) and
    downloads the coded CSV (``code_<name>`` column), ready for
    :func:`framelab.agreement.score_sheets`. Codes are kept in the browser's local storage
    between sessions.

    ``classes`` defaults to the codebook classes of the sheet's ``what`` (from its run's
    codebook, or the shipped one if the run is not found).
    """
    from importlib.resources import files


    what = constant_column(sheet, "what", "sheet")
    if classes is None:
        try:
            codebook = open_run(constant_column(sheet, "run", "sheet")).codebook()
        except ParameterError:
            codebook = load_codebook()
        classes = classes_for(_check_what(what), codebook)
    path = Path(path)
    sheet = sheet.assign(**{c: sheet[c] if c in sheet else "" for c in (_CODE, "note")})
    data = {"columns": list(sheet.columns), "rows": sheet.astype(str).to_numpy().tolist(),
            "classes": list(classes), "what": what, "name": path.stem}
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    template = files("framelab").joinpath("data/templates/validate_coder.html").read_text(
        encoding="utf-8")
    page = template.replace("__TITLE__", f"framelab coding: {what} ({len(sheet)} items)") \
        .replace("/*__DATA__*/null", payload)
    with atomic_path(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


def constant_column(frame: pd.DataFrame, column: str, source: str) -> str:
    """The one value of a sheet's metadata column (``what``, ``run``); ``source`` names the
    sheet in the error raised when the column is missing, empty or mixed."""
    values = sorted({str(v).strip() for v in frame.get(column, pd.Series(dtype=str))} - {""})
    if len(values) != 1:
        raise AnnotationError(f"{source}: column {column!r} should hold one value down the "
                              f"sheet, found {values or 'none'}; use the sheet as sampled")
    return values[0]
