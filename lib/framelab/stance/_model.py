"""The learned stance scorer: a target-dependent linear classifier stored as reviewable JSON.

:class:`StanceClassifier` is a multinomial logistic regression over target-masked context
n-grams, windowed VADER features and the default scorer's cues (:mod:`framelab.stance`),
trained on NewsMTSC (``scripts/train_stance_model.py``) and stored as JSON
(``framelab/data/stance_model.json``), never pickle. The cue scorer's public names are
re-exported here for convenience.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from .. import __version__
from ..codebook import CodebookArg, resolve_codebook
from ..errors import ColumnError, ParameterError
from ..paths import DATA_DIR
from ._columns import explanations, feature_matrix
from ._cues import (
    _TOKEN,
    _VADER_DECAY,
    _VADER_WINDOW,
    LABELS,
    _analyse,
    _default_score,
    _sentence_compound,
    _Span,
    _window,
    _window_polarity,
)

if TYPE_CHECKING:
    from ..codebook import CodebookArg

__all__ = [
    "DEFAULT_MODEL_PATH", "MODEL_FORMAT", "FEATURE_CONFIG", "span_features", "StanceClassifier",
    "load_model",
]

logger = logging.getLogger(__name__)

DEFAULT_MODEL_PATH = DATA_DIR / "stance_model.json"
MODEL_FORMAT = "framelab.stance_model/1"

# --- learned scorer ----------------------------------------------------------------------

#: Feature settings stored with a trained model; :func:`span_features` reads them.
FEATURE_CONFIG: dict[str, Any] = {
    "token_pattern": _TOKEN.pattern,
    "context_window": 6,        # tokens either side kept as L:/R: bag-of-words
    "positional": 2,            # nearest tokens kept with their position (L1:, R2:, ...)
    "sentence_ngrams": [1, 2],  # target-masked sentence n-grams (S:, B:)
    "vader_window": _VADER_WINDOW,
    "vader_decay": _VADER_DECAY,
    "cues": True,               # the default scorer's score and cue families (d:, c:)
    "mask_other_names": True,   # other targets' names (codebook actors, given spans) -> "<o>"
}
_INPUT_COLUMNS = ("text", "start", "end")


def span_features(text: str, start: int, end: int, *, codebook: CodebookArg = None,
                  quotes: Sequence[tuple[int, int]] | None = None,
                  others: Sequence[tuple[int, int]] = (),
                  config: Mapping[str, Any] = FEATURE_CONFIG) -> dict[str, float]:
    """Features of one mention for :class:`StanceClassifier` (feature name -> value).

    The target's own words are masked (``<t>``), so the model learns how targets are talked
    about, not which targets a training set liked.
    """
    span = _analyse(text, start, end, resolve_codebook(codebook), quotes, others)
    return _span_features(span, text, config)


def _span_features(span: _Span | None, text: str,
                   config: Mapping[str, Any] = FEATURE_CONFIG) -> dict[str, float]:
    """:func:`span_features` of an analysed span (``_analyse``) of the sentence ``text``."""
    feats: dict[str, float] = {"bias:mention": 1.0}
    if span is None:
        return feats
    words = [t[0] for t in span.tokens]
    if config.get("mask_other_names"):   # "<o>" for other actors: no priors about who is named
        words = ["<o>" if i in span.names else w for i, w in enumerate(words)]
    left, right = words[:span.first][::-1], words[span.last + 1:]
    width = int(config["context_window"])
    for prefix, side in (("L", left), ("R", right)):
        for w in side[:width]:
            feats[f"{prefix}:{w}"] = 1.0
        for k, w in enumerate(side[:int(config["positional"])], start=1):
            feats[f"{prefix}{k}:{w}"] = 1.0
    masked = words[:span.first] + ["<t>"] + words[span.last + 1:]
    orders = set(config["sentence_ngrams"])
    if 1 in orders:   # (one update: the same keys, order and values as one by one)
        feats.update(dict.fromkeys(["S:" + w for w in masked], 1.0))
    if 2 in orders:
        feats.update(dict.fromkeys([f"B:{a}_{b}" for a, b in itertools.pairwise(masked)],
                                   1.0))
    hits = _window(span)
    for where, sel in (("left", lambda i: i < span.first), ("right", lambda i: i > span.last)):
        for sign, name in ((1, "pos"), (-1, "neg")):
            value = sum(abs(v) / 4.0 * math.exp(-(d - 1) / float(config["vader_decay"]))
                        for i, d, _, v in hits if sel(i) and v * sign > 0)
            if value:
                feats[f"v:{where}_{name}"] = value
    feats["v:window"] = _window_polarity(hits)
    feats["v:sentence"] = _sentence_compound(text)
    if config.get("cues"):
        feats["d:score"] = _default_score(span).score
        for _, family, scare, _ids in span.labels:
            feats["c:scare" if scare else f"c:label:{family}"] = 1.0
        if span.speaker_verb:
            feats[f"c:verb:{span.speaker_verb[1]}"] = 1.0
        if span.claim_verb:
            feats["c:claim"] = 1.0
        if span.voice != "narrator":
            feats[f"c:voice:{span.voice}"] = 1.0
    return feats


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Target-dependent stance classifier: logistic regression over :func:`span_features`.

    Parameters
    ----------
    C : float
        Inverse L2 regularisation strength.
    min_df : int
        A feature is kept when at least this many training mentions have it.
    class_weight : {"balanced"} or None
        Passed to :class:`~sklearn.linear_model.LogisticRegression`.
    max_iter : int
        Iterations of the lbfgs solver.
    random_state : int
        Seed (lbfgs is deterministic; kept for a uniform interface).
    decimals : int
        Coefficients are rounded to this many decimals after fitting, so the JSON copy
        predicts exactly as the fitted object does.

    Attributes
    ----------
    vocabulary_ : list of str
        Feature names, in column order.
    classes_ : ndarray of shape (3,)
        ``("against", "neutral", "favor")`` in the order the training labels sort.
    coef_ : ndarray of shape (n_classes, n_features)
    intercept_ : ndarray of shape (n_classes,)
    feature_config_ : dict
        The :data:`FEATURE_CONFIG` the model was trained with.

    Notes
    -----
    ``X`` is a DataFrame with columns ``text`` (the sentence), ``start`` and ``end`` (the
    mention's offsets in it) and optionally ``others`` (offsets of other targets) and
    ``quotes`` (quotation spans). Features always use the shipped codebook's labels and
    reporting verbs.
    """

    def __init__(self, *, C: float = 0.1, min_df: int = 3, class_weight: str | None = "balanced",
                 max_iter: int = 3000, random_state: int = 0, decimals: int = 5) -> None:
        self.C = C
        self.min_df = min_df
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state
        self.decimals = decimals

    def fit(self, X: pd.DataFrame, y: Sequence[str] | pd.Series) -> StanceClassifier:
        """Fit on mentions ``X`` with labels ``y`` (``against``/``neutral``/``favor``)."""
        if self.min_df < 1:
            raise ParameterError(f"min_df={self.min_df}: use 1 or more")
        labels = np.asarray(y, dtype=object)
        unknown = sorted(set(labels) - set(LABELS))
        if unknown or len(labels) != len(X):
            raise ParameterError(f"y has {len(labels)} labels for {len(X)} mentions; unknown "
                                 f"labels {unknown}; allowed: {', '.join(LABELS)}")
        self.feature_config_ = dict(FEATURE_CONFIG)
        dicts = _feature_dicts(X, self.feature_config_)
        counts = Counter(name for d in dicts for name in d)
        self.vocabulary_ = sorted(n for n, c in counts.items() if c >= self.min_df)
        if not self.vocabulary_:
            raise ParameterError(f"min_df={self.min_df} keeps 0 of {len(counts)} features of "
                                 f"{len(dicts)} mentions; lower min_df or add mentions")
        matrix = _matrix(dicts, {n: j for j, n in enumerate(self.vocabulary_)})
        model = LogisticRegression(C=self.C, class_weight=self.class_weight,
                                   max_iter=self.max_iter, random_state=self.random_state)
        model.fit(matrix, labels.astype(str))
        self._set_weights(model.classes_, np.round(model.coef_, self.decimals),
                          np.round(model.intercept_, self.decimals))
        logger.info("stance model: %d features from %d mentions", len(self.vocabulary_),
                    len(dicts))
        return self

    def _set_weights(self, classes: Sequence[str], coef: np.ndarray,
                     intercept: np.ndarray) -> None:
        model = LogisticRegression(C=self.C, class_weight=self.class_weight,
                                   max_iter=self.max_iter, random_state=self.random_state)
        model.classes_ = np.asarray(classes, dtype=object)
        model.coef_ = np.asarray(coef, dtype=float)
        model.intercept_ = np.asarray(intercept, dtype=float)
        model.n_features_in_ = model.coef_.shape[1]
        model.n_iter_ = np.zeros(1, dtype=np.int32)
        self.model_ = model
        self.classes_ = model.classes_
        self.coef_ = model.coef_
        self.intercept_ = model.intercept_
        self._index = {n: j for j, n in enumerate(self.vocabulary_)}

    def transform(self, X: pd.DataFrame) -> sparse.csr_matrix:
        """Feature matrix of shape (n_mentions, n_features) in :attr:`vocabulary_` order."""
        return _matrix(_feature_dicts(X, self.feature_config_), self._index)

    def _transform_spans(self, spans: Sequence[_Span | None],
                         texts: Sequence[str]) -> sparse.csr_matrix:
        """:meth:`transform` of mentions already analysed (``_analyse`` with the shipped
        codebook, no quotes), one span per sentence text."""
        return feature_matrix(spans, texts, self.feature_config_, self._index)

    def _features(self, X: pd.DataFrame | sparse.spmatrix) -> sparse.csr_matrix:
        """``X`` as features: mentions are transformed, a :meth:`transform` matrix is kept."""
        return sparse.csr_matrix(X) if sparse.issparse(X) else self.transform(X)

    def predict_proba(self, X: pd.DataFrame | sparse.spmatrix) -> np.ndarray:
        """Class probabilities of shape (n_mentions, 3), columns in :attr:`classes_` order.

        ``X`` is mentions or their :meth:`transform` matrix (the methods below take either,
        so features computed once serve scores, labels and explanations)."""
        return self.model_.predict_proba(self._features(X))

    def predict(self, X: pd.DataFrame | sparse.spmatrix) -> np.ndarray:
        """Predicted labels, shape (n_mentions,)."""
        return self.model_.predict(self._features(X))

    def stance_scores(self, X: pd.DataFrame | sparse.spmatrix) -> np.ndarray:
        """P(favor) - P(against) per mention, in [-1, 1]."""
        proba = self.predict_proba(X)
        cls = list(self.classes_)
        return proba[:, cls.index("favor")] - proba[:, cls.index("against")]

    def explain(self, X: pd.DataFrame | sparse.spmatrix, *, top: int = 3) -> list[str]:
        """Strongest features per mention as ``"feat:<name>:<favor - against weight>"``."""
        cls = list(self.classes_)
        delta = self.coef_[cls.index("favor")] - self.coef_[cls.index("against")]
        return explanations(self._features(X), delta, self.vocabulary_, top=top)

    def to_dict(self, *, provenance: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The fitted model as plain JSON-able data (see :meth:`to_json`)."""
        import sklearn


        return {
            "format": MODEL_FORMAT,
            "framelab_version": __version__,
            "sklearn_version": sklearn.__version__,
            "estimator": "sklearn.linear_model.LogisticRegression (multinomial, lbfgs, L2)",
            "params": self.get_params(),
            "feature_config": self.feature_config_,
            "provenance": dict(provenance or {}),
            "classes": [str(c) for c in self.classes_],
            "intercepts": [float(v) for v in self.intercept_],
            "n_features": len(self.vocabulary_),
            "coefficients": {n: [float(v) for v in self.coef_[:, j]]
                             for j, n in enumerate(self.vocabulary_)},
        }

    def to_json(self, path: str | Path, *,
                provenance: Mapping[str, Any] | None = None) -> Path:
        """Write the model as JSON, one feature per line (``feature: [w_class0, ...]``)."""
        data = self.to_dict(provenance=provenance)
        coefs = data.pop("coefficients")
        lines = ["{"] + [f" {json.dumps(k)}: {json.dumps(v, sort_keys=True)}," for k, v in
                         data.items()]
        lines.append(' "coefficients": {')
        rows = [f"  {json.dumps(n)}: {json.dumps(w)}" for n, w in coefs.items()]
        lines.append(",\n".join(rows))
        lines += [" }", "}", ""]
        path = Path(path)
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<dict>") -> StanceClassifier:
        """Rebuild a fitted classifier from :meth:`to_dict` data."""
        if data.get("format") != MODEL_FORMAT:
            raise ParameterError(f"{source}: format {data.get('format')!r} is not "
                                 f"{MODEL_FORMAT!r}; retrain with scripts/train_stance_model.py")
        est = cls(**data["params"])
        est.feature_config_ = dict(data["feature_config"])
        coefs = data["coefficients"]
        est.vocabulary_ = list(coefs)
        coef = np.array([coefs[n] for n in est.vocabulary_], dtype=float).T
        est._set_weights(data["classes"], coef, np.asarray(data["intercepts"], dtype=float))
        est.provenance_ = dict(data.get("provenance", {}))
        return est

    @classmethod
    def from_json(cls, path: str | Path) -> StanceClassifier:
        """Load a model written by :meth:`to_json`."""
        path = Path(path)
        with open(path, encoding="utf-8") as handle:
            return cls.from_dict(json.load(handle), source=str(path))


def _feature_dicts(X: pd.DataFrame, config: Mapping[str, Any]) -> list[dict[str, float]]:
    missing = [c for c in _INPUT_COLUMNS if c not in X.columns]
    if missing:
        raise ColumnError(f"mentions lack column(s) {missing}; have {list(X.columns)}")
    codebook = resolve_codebook(None)
    others = X["others"] if "others" in X.columns else [()] * len(X)
    quotes = X["quotes"] if "quotes" in X.columns else [None] * len(X)
    return [span_features(t, int(s), int(e), codebook=codebook, others=o, quotes=q, config=config)
            for t, s, e, o, q in zip(X["text"], X["start"], X["end"], others, quotes)]


def _matrix(dicts: list[dict[str, float]], index: Mapping[str, int]) -> sparse.csr_matrix:
    """Rows of feature dicts as a matrix of the features in ``index`` with a non-zero value;
    columns in order within each row (the lookups run in C, not per feature)."""
    n = sum(map(len, dicts))
    cols = np.fromiter(map(index.get, itertools.chain.from_iterable(dicts),
                           itertools.repeat(-1)), dtype=np.int64, count=n)
    vals = np.fromiter(itertools.chain.from_iterable(d.values() for d in dicts),
                       dtype=np.float64, count=n)
    rows = np.repeat(np.arange(len(dicts), dtype=np.int64),
                     np.fromiter(map(len, dicts), dtype=np.int64, count=len(dicts)))
    keep = (cols >= 0) & (vals != 0)
    return sparse.csr_matrix((vals[keep], (rows[keep], cols[keep])),
                             shape=(len(dicts), len(index)), dtype=np.float64)


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime: float) -> StanceClassifier:
    return StanceClassifier.from_json(path)


def load_model(path: str | Path | None = None) -> StanceClassifier:
    """The learned stance model (the shipped ``data/stance_model.json`` by default).

    Raises
    ------
    ParameterError
        The file does not exist; the message says how to build it.
    """
    path = Path(path) if path else DEFAULT_MODEL_PATH
    if not path.is_file():
        raise ParameterError(f"stance model {path} not found; build it with "
                             "`python scripts/train_stance_model.py` or use scorer='default'")
    return _load_cached(str(path), path.stat().st_mtime)
