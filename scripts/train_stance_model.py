"""Train the learned stance scorer on NewsMTSC and store it as reviewable JSON.

    .venv/bin/python scripts/train_stance_model.py   # -> lib/framelab/data/stance_model.json

Deterministic: the regularisation strength C is chosen by 5-fold cross-validation on the
training split only (folds grouped by sentence, so the targets of one sentence never sit on
both sides; fixed random_state), then the model is refitted on all of train. devtest_mt is
scored once, after the choice, and only reported (never used to choose anything).

Data: NewsMTSC (Hamborg & Donnay, EACL 2021; MIT licence), expected in ../shared/data/newsmtsc/
beside the project; the project itself never needs it at run time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from framelab.paths import DEFAULT_CODEBOOK, PROJECT_ROOT, sha256_of
from framelab.stance import DEFAULT_MODEL_PATH, LABELS, StanceClassifier, read_annotations
from sklearn.metrics import cohen_kappa_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold

log = logging.getLogger("train_stance_model")
DATA = PROJECT_ROOT.parent / "shared" / "data" / "newsmtsc"
GRID = (0.03, 0.05, 0.1, 0.2, 0.5)


def mentions(path: Path) -> pd.DataFrame:
    """NewsMTSC targets as scorer input: text, start, end, others (the sentence's other
    targets), label, group (the sentence)."""
    ann = read_annotations(path)
    spans: dict[int, list[tuple[int, int]]] = {}
    for row, start, end in zip(ann["row"], ann["start"], ann["end"]):
        spans.setdefault(int(row), []).append((int(start), int(end)))
    others = [[s for s in spans[r] if s != (a, b)]
              for r, a, b in zip(ann["row"], ann["start"], ann["end"])]
    return pd.DataFrame({"text": ann["sentence"], "start": ann["start"], "end": ann["end"],
                         "others": others, "label": ann["label"], "group": ann["row"]})


def metrics(gold: pd.Series, pred: np.ndarray) -> dict[str, float]:
    return {"macro_f1": round(float(f1_score(gold, pred, labels=list(LABELS), average="macro")), 4),
            "f_avg": round(float(f1_score(gold, pred, labels=["favor", "against"],
                                          average="macro")), 4),
            "kappa": round(float(cohen_kappa_score(gold, pred)), 4), "n": int(len(gold))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=Path, default=DATA / "train.jsonl")
    parser.add_argument("--devtest", type=Path, default=DATA / "devtest_mt.jsonl",
                        help="reported only, never used for choices; '' to skip")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--min-df", type=int, default=3)
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if not args.train.is_file():
        log.error("%s not found: NewsMTSC is expected in ../shared/data/newsmtsc", args.train)
        return 2

    train = mentions(args.train)
    log.info("train: %d mentions in %d sentences", len(train), train["group"].nunique())
    folds = StratifiedGroupKFold(n_splits=args.folds, shuffle=True,
                                 random_state=args.random_state)
    cv: dict[str, float] = {}
    for c in GRID:
        scores = []
        for fit_idx, test_idx in folds.split(train, train["label"], train["group"]):
            est = StanceClassifier(C=c, min_df=args.min_df, random_state=args.random_state)
            est.fit(train.iloc[fit_idx], train["label"].iloc[fit_idx])
            test = train.iloc[test_idx]
            scores.append(f1_score(test["label"], est.predict(test), average="macro"))
        cv[str(c)] = round(float(np.mean(scores)), 4)
        log.info("C=%s: cross-validated macro-F1 %.4f", c, cv[str(c)])
    best = max(GRID, key=lambda c: (cv[str(c)], -c))
    model = StanceClassifier(C=best, min_df=args.min_df, random_state=args.random_state)
    model.fit(train, train["label"])

    held_out = {}
    if str(args.devtest) and args.devtest.is_file():
        dev = mentions(args.devtest)
        held_out[args.devtest.stem] = {**metrics(dev["label"], model.predict(dev)),
                                       "sha256": file_sha256(args.devtest)}
        log.info("%s (reported only): %s", args.devtest.stem, held_out[args.devtest.stem])

    provenance = {
        "dataset": "NewsMTSC (train split), https://github.com/fhamborg/NewsMTSC",
        "licence": "MIT, Copyright 2020 Felix Hamborg",
        "citation": "Hamborg & Donnay, NewsMTSC: A Dataset for (Multi-)Target-dependent "
                    "Sentiment Classification in Political News Articles, EACL 2021",
        "train_file": _relative(args.train),
        "train_sha256": file_sha256(args.train),
        "train_sentences": int(train["group"].nunique()),
        "train_mentions": int(len(train)),
        "train_labels": {k: int(v) for k, v in train["label"].value_counts().sort_index().items()},
        "label_map": {"2.0": "against", "4.0": "neutral", "6.0": "favor"},
        "codebook_sha256": file_sha256(DEFAULT_CODEBOOK),
        "model_selection": f"C by {args.folds}-fold StratifiedGroupKFold on train "
                           f"(groups = sentences, random_state={args.random_state})",
        "cv_macro_f1_by_C": cv,
        "chosen_C": best,
        "held_out": held_out,
        "trained_on": dt.date.today().isoformat(),
        "script": "scripts/train_stance_model.py",
        "python": sys.version.split()[0],
    }
    path = model.to_json(args.out, provenance=provenance)
    check = StanceClassifier.from_json(path)
    sample = train.head(500)
    if not (check.predict(sample) == model.predict(sample)).all():
        log.error("the JSON copy does not predict as the fitted model")
        return 1
    log.info("wrote %s (%d features, %.0f kB)", path, len(model.vocabulary_),
             path.stat().st_size / 1024)
    return 0


def file_sha256(path: Path) -> str:
    """Hex sha256 of one file."""
    return next(iter(sha256_of(path).values()))


def _relative(path: Path) -> str:
    try:
        return "../" + str(path.resolve().relative_to(PROJECT_ROOT.parent))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
