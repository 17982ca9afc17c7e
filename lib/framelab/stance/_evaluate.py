"""Evaluating stance scorers against annotations: CSV or NewsMTSC JSONL.

Reports macro-F1, F_avg (mean F1 of favor and against, SemEval-2016 Task 6), Cohen's kappa and
a confusion matrix for each scorer, side by side with a whole-sentence VADER baseline.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, confusion_matrix, f1_score

from ..codebook import resolve_codebook
from ..corpus import normalize_text, sentence_spans
from ..errors import AnnotationError, check_columns
from ..paths import resolve
from ._cues import LABELS, _sentence_compound, label_for
from ._model import StanceClassifier, load_model
from ._scoring import _score_spans
from ._stance import BASELINE, _known_targets, resolve_scorers

if TYPE_CHECKING:
    from ..codebook import Codebook, CodebookArg

__all__ = ["EVAL_COLUMNS", "read_annotations", "predict_annotations", "evaluate",
           "stance_metrics", "confusion_table", "confusion_matrices"]

logger = logging.getLogger(__name__)

EVAL_COLUMNS = ["dataset", "scorer", "macro_f1", "f_avg", "kappa", "n", "confusion"]
_POLARITY = {2.0: "against", 4.0: "neutral", 6.0: "favor"}


# --- evaluation --------------------------------------------------------------------------

def read_annotations(path: str | Path) -> pd.DataFrame:
    """Read an annotation file: CSV (``doc_id`` and/or ``sentence``, ``target``, ``label``) or
    NewsMTSC JSONL (``sentence_normalized``, ``targets[].from/to/polarity``).

    Returns
    -------
    DataFrame
        ``dataset`` (file stem), ``row`` (CSV line or JSONL line number), ``doc_id``,
        ``sentence``, ``target``, ``start``, ``end`` (-1 when the target is named, not
        located), ``label``.

    Raises
    ------
    AnnotationError
        Missing columns (listing those present), unknown labels or polarities, or empty
        cells, naming the offending rows.
    """
    path = Path(path)
    if not path.is_file():
        raise AnnotationError(f"annotation file {path} does not exist")
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return _read_newsmtsc(path)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("target", "label") if c not in table.columns]
    if "doc_id" not in table.columns and "sentence" not in table.columns:
        missing.append("doc_id or sentence")
    if missing:
        raise AnnotationError(f"{path}: missing column(s) {missing}; the file has "
                              f"{list(table.columns)}; need target, label and doc_id and/or "
                              "sentence")
    table = table.assign(row=np.arange(len(table)) + 2)  # line numbers (header is line 1)
    labels = table["label"].str.strip().str.lower()
    bad = table[~labels.isin(LABELS)]
    if len(bad):
        shown = ", ".join(f"line {r} ({v!r})" for r, v in zip(bad["row"], bad["label"]))
        raise AnnotationError(f"{path}: {len(bad)} row(s) with unknown label: {shown}; "
                              f"allowed: {', '.join(LABELS)}")
    sentence = table.get("sentence", pd.Series("", index=table.index))
    doc = table.get("doc_id", pd.Series("", index=table.index))
    empty = table[(table["target"].str.strip() == "")
                  | ((sentence.str.strip() == "") & (doc.str.strip() == ""))]
    if len(empty):
        raise AnnotationError(f"{path}: line(s) {list(empty['row'])} lack a target or both "
                              "doc_id and sentence")
    return pd.DataFrame({"dataset": path.stem, "row": table["row"], "doc_id": doc.str.strip(),
                         "sentence": sentence, "target": table["target"].str.strip(),
                         "start": -1, "end": -1, "label": labels})


def _read_newsmtsc(path: Path) -> pd.DataFrame:
    rows, bad = [], []
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text = item["sentence_normalized"]
                for t in item["targets"]:
                    label = _POLARITY.get(float(t["polarity"]))
                    if label is None:
                        bad.append(f"line {line_no} (polarity {t['polarity']!r})")
                        continue
                    rows.append((path.stem, line_no, item.get("primary_gid", ""), text,
                                 t.get("mention", ""), int(t["from"]), int(t["to"]), label))
            except (ValueError, KeyError, TypeError) as err:
                bad.append(f"line {line_no} ({type(err).__name__}: {err})")
    if bad:
        raise AnnotationError(f"{path}: {len(bad)} bad row(s): {', '.join(bad[:20])}; "
                              "NewsMTSC polarity must be 2.0, 4.0 or 6.0")
    return pd.DataFrame(rows, columns=["dataset", "row", "doc_id", "sentence", "target",
                                       "start", "end", "label"])


def _annotation_items(ann: pd.DataFrame, codebook: Codebook,
                      documents: pd.DataFrame | None) -> pd.DataFrame:
    """One row per span to score: item (annotation index), text, start, end, others."""
    rows: list[tuple[int, str, int, int, list[tuple[int, int]]]] = []
    texts: dict[str, str] = {} if documents is None else dict(
        zip(documents["doc_id"].astype(str), documents["text_norm"].astype(str)))
    known = _known_targets(codebook)
    located: dict[int, list[tuple[int, int]]] = {}   # JSONL line -> its targets' offsets
    columns = [ann[c].tolist() for c in ("row", "doc_id", "sentence", "target", "start", "end")]
    for line, start, end in zip(columns[0], columns[4], columns[5]):
        located.setdefault(int(line), []).append((int(start), int(end)))
    for i, (line, doc_id, sentence, target, start, end) in enumerate(zip(*columns)):
        line, start, end, sentence = int(line), int(start), int(end), str(sentence)
        if start >= 0:
            others = [s for s in located[line] if s != (start, end)]
            rows.append((i, sentence, start, end, others))
            continue
        if target not in known:
            raise AnnotationError(f"line {line}: unknown target {target!r}; the codebook "
                                  f"knows: {', '.join(known)}")
        if sentence.strip():
            units = [_normalize(sentence)]
        elif str(doc_id) in texts:   # a document-level label: every sentence of the document

            doc = texts[str(doc_id)]
            units = [doc[a:b] for a, b in sentence_spans(doc)]
        else:
            raise AnnotationError(f"line {line}: no sentence, and doc_id {doc_id!r} is not "
                                  "in the documents given (pass documents= to score documents)")
        for text in units:
            actors = codebook.matcher.find(text, layers=("actor",))
            spans = [(m.start, m.end) for m in actors]
            for m in actors:
                if codebook.actors[m.key].target == target:
                    rows.append((i, text, m.start, m.end,
                                 [s for s in spans if s != (m.start, m.end)]))
    return pd.DataFrame(rows, columns=["item", "text", "start", "end", "others"])


def _normalize(text: str) -> str:
    return normalize_text(text)


def predict_annotations(annotations: pd.DataFrame, *, scorers: str | Sequence[str] = "all",
                        codebook: CodebookArg = None, documents: pd.DataFrame | None = None,
                        model: StanceClassifier | None = None) -> pd.DataFrame:
    """Predictions of each scorer and of the whole-sentence VADER baseline per annotation.

    A named target is located through the codebook aliases; several mentions of it in the
    sentence (or document) are averaged. A target not found in its sentence is predicted
    neutral and logged.

    Returns
    -------
    DataFrame
        ``annotations`` plus ``pred_<scorer>`` for each scorer and ``pred_vader_sentence``.
    """
    codebook = resolve_codebook(codebook)
    out = annotations.reset_index(drop=True).copy()
    items = _annotation_items(out, codebook, documents)
    unmatched = len(out) - items["item"].nunique() if len(items) else len(out)
    if unmatched:
        logger.warning("%d of %d annotations name a target not found in their sentence; "
                       "predicted neutral", unmatched, len(out))
    for scorer in resolve_scorers(scorers):
        out[f"pred_{scorer}"] = _item_labels(items, len(out), scorer, codebook, model)
    compound = [_sentence_compound(s) if s else 0.0 for s in _baseline_texts(out, documents)]
    out[f"pred_{BASELINE}"] = [label_for(c) for c in compound]
    return out


def _item_labels(items: pd.DataFrame, n_items: int, scorer: str, codebook: Codebook,
                 model: StanceClassifier | None) -> list[str]:
    """One label per annotation: mean default score, or mean learned class probabilities."""
    labels = ["neutral"] * n_items
    if items.empty:
        return labels
    keys = items["item"].to_numpy()
    if scorer == "default":
        scores, _, _ = _score_spans(items, scorer, codebook, model)
        means = pd.Series(scores).groupby(keys).mean()
        for k, v in zip(means.index.to_numpy(), means.to_numpy()):
            labels[int(k)] = label_for(float(v))
        return labels
    model = model or load_model()
    proba = pd.DataFrame(model.predict_proba(items), columns=model.classes_).groupby(keys).mean()
    best = np.asarray(model.classes_)[proba.to_numpy().argmax(axis=1)]
    for k, label in zip(proba.index.to_numpy(), best):
        labels[int(k)] = str(label)
    return labels


def _baseline_texts(ann: pd.DataFrame, documents: pd.DataFrame | None) -> list[str]:
    texts = {} if documents is None else dict(zip(documents["doc_id"].astype(str),
                                                  documents["text_norm"]))
    return [s if str(s).strip() else texts.get(d, "") for s, d in
            zip(ann["sentence"], ann["doc_id"])]


def stance_metrics(gold: Sequence[str] | pd.Series, pred: Sequence[str] | pd.Series
                   ) -> dict[str, Any]:
    """macro-F1, F_avg (mean F1 of favor and against), Cohen's kappa, n and the confusion
    matrix (JSON; rows gold, columns predicted, :data:`LABELS` order) of two label lists."""
    gold, pred = list(gold), list(pred)
    return {
        "macro_f1": float(f1_score(gold, pred, labels=list(LABELS), average="macro",
                                   zero_division=0)),
        "f_avg": float(f1_score(gold, pred, labels=["favor", "against"], average="macro",
                                zero_division=0)),
        "kappa": float(cohen_kappa_score(gold, pred, labels=list(LABELS))),
        "n": len(gold),
        "confusion": json.dumps(confusion_matrix(gold, pred, labels=list(LABELS)).tolist()),
    }


def confusion_table(predictions: pd.DataFrame, scorer: str) -> pd.DataFrame:
    """3 x 3 confusion matrix of one scorer: rows gold, columns predicted (:data:`LABELS`)."""
    column = f"pred_{scorer}"
    check_columns(predictions, ("label", column), "predictions")
    matrix = confusion_matrix(predictions["label"], predictions[column], labels=list(LABELS))
    return pd.DataFrame(matrix, index=pd.Index(LABELS, name="gold"),
                        columns=pd.Index(LABELS, name="predicted"))


def evaluate(annotations: str | Path | Sequence[str | Path], *,
             scorers: str | Sequence[str] = "all", codebook: CodebookArg = None,
             documents: pd.DataFrame | None = None,
             model: StanceClassifier | None = None) -> pd.DataFrame:
    """Score annotation files with each scorer and the whole-sentence VADER baseline.

    Parameters
    ----------
    annotations : path, comma-separated paths, or sequence of paths
        CSV or NewsMTSC JSONL files (:func:`read_annotations`); relative paths are taken from
        the project root. Each file is one ``dataset``, named by its stem.
    scorers, codebook, documents, model
        As in :func:`predict_annotations`.

    Returns
    -------
    DataFrame
        :data:`EVAL_COLUMNS`: ``macro_f1`` (mean F1 of the three classes), ``f_avg`` (mean F1
        of favor and against, SemEval-2016 Task 6), Cohen's ``kappa``, ``n`` and the
        ``confusion`` matrix (JSON, rows gold, columns predicted, in :data:`LABELS` order).
    """
    if isinstance(annotations, (str, Path)):
        paths = [p.strip() for p in str(annotations).split(",") if p.strip()]
    else:
        paths = [str(p) for p in annotations]
    rows = []
    for path in paths:
        ann = read_annotations(resolve(path))
        pred = predict_annotations(ann, scorers=scorers, codebook=codebook,
                                   documents=documents, model=model)
        for scorer in [*resolve_scorers(scorers), BASELINE]:
            rows.append({"dataset": Path(path).stem, "scorer": scorer,
                         **stance_metrics(pred["label"], pred[f"pred_{scorer}"])})
    return pd.DataFrame(rows, columns=EVAL_COLUMNS)


def confusion_matrices(eval_table: pd.DataFrame) -> pd.DataFrame:
    """The ``confusion`` column of :func:`evaluate` as readable 3 x 3 blocks.

    Returns
    -------
    DataFrame
        Index (dataset, scorer, gold), columns the predicted labels (:data:`LABELS`).
    """
    check_columns(eval_table, ("dataset", "scorer", "confusion"), "stance_eval")
    blocks = []
    for dataset, scorer, confusion in zip(eval_table["dataset"].astype(str).tolist(),
                                          eval_table["scorer"].astype(str).tolist(),
                                          eval_table["confusion"].astype(str).tolist()):
        block = pd.DataFrame(json.loads(confusion), columns=list(LABELS))
        block.insert(0, "gold", list(LABELS))
        blocks.append(block.assign(dataset=dataset, scorer=scorer))
    frame = pd.concat(blocks, ignore_index=True)
    return frame.set_index(["dataset", "scorer", "gold"])[list(LABELS)]
