"""Scoring stance mentions: the ``stance_mentions`` table of every scorer.

:func:`score_mentions` analyses each mention once (tokens, voice, labels and verbs around it,
:mod:`framelab.stance`'s cue analysis) and hands the analysis to the default scorer (cues
summed) and the learned one (features of the NewsMTSC model); both read the same analysis
when the run's codebook analyses as the shipped one does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..codebook import resolve_codebook
from ..errors import ParameterError, check_columns
from ..framing import same_voice_rules
from ._cues import (
    _LAYERS,
    _MATCH_BATCH,
    SpanScore,
    _analyse_in,
    _default_score,
    _Sentence,
    _Span,
    score_span,
)
from ._model import StanceClassifier, load_model
from ._stance import MENTION_COLUMNS, _find_mentions, resolve_scorers

if TYPE_CHECKING:
    from ..codebook import Codebook, CodebookArg

__all__ = ["find_and_score_mentions", "score_mentions"]

#: Per mention, what :func:`framelab.stance._stance._find_mentions` knows of its sentence:
#: the sentence's text, the mention's offsets in it, its quotations, and the mention's voice
#: there when the document's tagger gives it (else None).
_Alone = tuple[str, int, int, list[tuple[int, int]], "str | None"]


# --- scoring -----------------------------------------------------------------------------

def _same_analysis(a: Codebook, b: Codebook) -> bool:
    """Whether two codebooks analyse a mention alike (the same phrases, labels, verb classes
    and attribution cues), so the scorers can share one analysis."""
    return a is b or all(getattr(a, name) == getattr(b, name) for name in (
        "actors", "labels", "label_ignore", "events", "verb_classes", "frames", "attribution"))


def _check_offsets(texts: list[str], starts: list[int], ends: list[int]) -> None:
    """Raise as :func:`score_span` does for the first mention outside its sentence."""
    for text, start, end in zip(texts, starts, ends, strict=True):
        if not 0 <= start < end <= len(text):
            raise ParameterError(f"mention offsets start={start}, end={end} do not lie inside "
                                 f"a text of {len(text)} characters")


def _analysed_spans(scorers: Sequence[str], texts: list[str], starts: list[int],
                    ends: list[int], others: list[list[tuple[int, int]]],
                    codebook: Codebook, alone: list[_Alone] | None = None
                    ) -> dict[str, list[_Span | None]]:
    """Each mention analysed once per codebook as :func:`score_span` (default scorer, with
    ``codebook``) and :func:`span_features` (learned scorer, with the shipped codebook) do;
    one analysis serves both when the two codebooks analyse alike. ``alone``: what
    ``_find_mentions`` found of each mention's sentence with ``codebook``, used by the
    analyses whose codebook tags voice alike."""
    shipped = resolve_codebook(None)
    books = {name: codebook if name == "default" else shipped for name in scorers}
    if "default" in books:
        _check_offsets(texts, starts, ends)
    out: dict[str, list[_Span | None]] = {}
    for name, book in books.items():
        same = [out[done] for done in out if _same_analysis(books[done], book)]
        out[name] = same[0] if same else _analyse_all(
            texts, starts, ends, others, book,
            alone if alone is not None and same_voice_rules(book, codebook) else None)
    return out


def _analyse_all(texts: list[str], starts: list[int], ends: list[int],
                 others: list[list[tuple[int, int]]], codebook: Codebook,
                 alone: list[_Alone] | None = None) -> list[_Span | None]:
    """``_analyse(text, start, end, codebook, None, others)`` of every mention; each distinct
    sentence is analysed once, its codebook matches found in batches
    (:meth:`framelab.codebook.Matcher.find_many`, equal to ``find`` on each). With
    ``alone`` (per mention: its sentence's text, its offsets there, the sentence's
    quotations and its voice there or None), a mention whose entry is of its own text and
    offsets takes the quotations and the voice from it instead of finding them again."""
    distinct = list(dict.fromkeys(texts))
    matches = dict(zip(distinct, (
        f for lo in range(0, len(distinct), _MATCH_BATCH)
        for f in codebook.matcher.find_many(distinct[lo:lo + _MATCH_BATCH], layers=_LAYERS)),
        strict=True))
    made: dict[str, _Sentence] = {}
    spans = []
    for k, (text, start, end, other) in enumerate(zip(texts, starts, ends, others,
                                                       strict=True)):
        known = alone[k] if alone is not None else None
        if known is not None and not (known[0] == text and known[1] == start
                                      and known[2] == end):
            known = None
        sentence = made.get(text)
        if sentence is None:
            if len(made) > 64:   # mentions come sentence by sentence: keep memory flat
                made.clear()
            sentence = made[text] = _Sentence(text, codebook,
                                              known[3] if known is not None else None,
                                              matches[text])
        spans.append(_analyse_in(sentence, text, start, end, codebook, other,
                                 known[4] if known is not None else None))
    return spans


def _score_spans(items: pd.DataFrame, scorer: str, codebook: Codebook,
                 model: StanceClassifier | None) -> tuple[np.ndarray, list[str], list[str]]:
    """Score rows with ``text, start, end, others``: (scores, labels, cues)."""
    if items.empty:
        return np.zeros(0), [], []
    if scorer == "default":
        results = [score_span(t, int(s), int(e), codebook=codebook, others=o)
                   for t, s, e, o in zip(items["text"], items["start"], items["end"],
                                         items["others"])]
        return (np.array([r.score for r in results]), [r.label for r in results],
                [r.cues_text for r in results])
    model = model or load_model()
    features = model.transform(items)  # once, for scores, labels and explanations
    return (model.stance_scores(features), [str(p) for p in model.predict(features)],
            model.explain(features))


def _score_analysed(scorer: str, texts: list[str], spans: list[_Span | None],
                    model: StanceClassifier | None) -> tuple[np.ndarray, list[str], list[str]]:
    """:func:`_score_spans` of mentions analysed already (:func:`_analysed_spans`)."""
    if not spans:
        return np.zeros(0), [], []
    if scorer == "default":
        results = [_default_score(span) if span is not None else SpanScore(0.0, "neutral", ())
                   for span in spans]
        return (np.array([r.score for r in results]), [r.label for r in results],
                [r.cues_text for r in results])
    model = model or load_model()
    features = model._transform_spans(spans, texts)  # once, for scores, labels and explanations
    return (model.stance_scores(features), [str(p) for p in model.predict(features)],
            model.explain(features))


def find_and_score_mentions(sentences: pd.DataFrame, codebook: CodebookArg = None, *,
                            targets: str | Sequence[str] | None = None,
                            documents: pd.DataFrame | None = None,
                            scorers: str | Sequence[str] = "all",
                            model: StanceClassifier | None = None) -> pd.DataFrame:
    """``score_mentions(find_mentions(sentences, codebook, targets=targets,
    documents=documents), sentences, scorers=scorers, codebook=codebook, model=model)``:
    the same table, with less work.

    The learned scorer reads each mention's voice in its sentence alone;
    :func:`find_mentions` tags it in its document. Where the two cannot differ
    (:func:`framelab.framing.alone_agrees`, about nine sentences in ten of news text), the
    document's tag is taken, and each sentence's quotations are found once.
    """
    codebook = resolve_codebook(codebook)
    alone: list[_Alone] = []
    mentions = _find_mentions(sentences, codebook, targets, documents, alone)
    return _score_mentions(mentions, sentences, scorers, codebook, model, alone)


def score_mentions(mentions: pd.DataFrame, sentences: pd.DataFrame, *,
                   scorers: str | Sequence[str] = "all", codebook: CodebookArg = None,
                   model: StanceClassifier | None = None) -> pd.DataFrame:
    """Score every mention with each scorer: the ``stance_mentions`` table.

    Parameters
    ----------
    mentions : DataFrame
        From :func:`find_mentions`.
    sentences : DataFrame
        The sentence table the mentions were found in.
    scorers : {"all", "default", "learned"} or sequence
        Which scorers (:data:`SCORERS`); "all" = both.
    codebook : Codebook or path, optional
        Labels and reporting verbs for the default scorer (the learned one always uses the
        shipped codebook, as in training).
    model : StanceClassifier, optional
        The learned model; :func:`framelab.stance.load_model` when omitted.

    Returns
    -------
    DataFrame
        :data:`MENTION_COLUMNS` then ``mention``: one row per mention and scorer; ``score`` in
        [-1, 1] (learned: P(favor) - P(against)), ``label`` against/neutral/favor, ``cues``
        the contributions behind the score (``kind:text:value;...``).
    """
    return _score_mentions(mentions, sentences, scorers, codebook, model, None)


def _score_mentions(mentions: pd.DataFrame, sentences: pd.DataFrame,
                    scorers: str | Sequence[str], codebook: CodebookArg,
                    model: StanceClassifier | None, alone: list[_Alone] | None
                    ) -> pd.DataFrame:
    """:func:`score_mentions`; ``alone`` as :func:`_analyse_all` reads it, one per row."""
    check_columns(mentions, ("doc_id", "outlet", "sentence_id", "target", "start", "end", "voice",
                        "mention"), "mentions")
    check_columns(sentences, ("sentence_id", "start", "text_norm"), "sentences")
    codebook = resolve_codebook(codebook)
    sent = sentences.set_index("sentence_id")[["start", "text_norm"]]
    base = mentions.reset_index(drop=True)
    offset = sent.loc[base["sentence_id"], "start"].to_numpy()
    starts = (base["start"].to_numpy() - offset).tolist()
    ends = (base["end"].to_numpy() - offset).tolist()
    offsets = list(zip(starts, ends))
    by_sentence = base.groupby("sentence_id").indices
    others = [[offsets[j] for j in by_sentence[sid] if j != i]
              for i, sid in enumerate(base["sentence_id"])]
    texts = sent.loc[base["sentence_id"], "text_norm"].tolist()
    names = resolve_scorers(scorers)
    spans = _analysed_spans(names, texts, starts, ends, others, codebook,
                            alone if alone is not None and len(alone) == len(base) else None)
    frames = []
    for scorer in names:
        scores, labels, cues = _score_analysed(scorer, texts, spans[scorer], model)
        frame = base[["doc_id", "outlet", "sentence_id", "target", "start", "end", "voice",
                      "mention"]].copy()
        frame["scorer"], frame["score"], frame["label"], frame["cues"] = (
            scorer, scores.astype(float), labels, cues)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out.reindex(columns=[*MENTION_COLUMNS, "mention"])
