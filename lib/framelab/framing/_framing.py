"""Who is called what, in whose voice: label mentions, rates, frames and reporting verbs.

Every function takes the canonical tables (docs/contracts.md) and a
:class:`~framelab.codebook.Codebook` (the shipped default when omitted). The codebook is
matched **once** per sentence by :func:`match_sentences`; pass its result as ``matches=`` to
the other functions to reuse it. Voice comes from :mod:`framelab.framing`, shared with stance.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..codebook import Codebook, CodebookArg, resolve_codebook
from ..corpus import body, group_key
from ..errors import ColumnError, check_columns
from ..stats import resolve_unit
from ..tokens import Analyzer
from ._rows import _member, _records
from ._voice import VoiceTagger, find_speaker, is_reporting_use

if TYPE_CHECKING:
    from ..codebook import Codebook

__all__ = [
    "ACTOR_MENTION_COLUMNS",
    "FRAME_COLUMNS",
    "LABEL_MENTION_COLUMNS",
    "LABEL_RATE_COLUMNS",
    "MATCH_COLUMNS",
    "REPORTING_VERB_COLUMNS",
    "actor_mentions",
    "add_kwic",
    "frame_kwic",
    "frames",
    "label_mentions",
    "match_sentences",
    "reporting_verbs",
    "resampled_unit",
    "voice_taggers",
    "word_counts",
]

log = logging.getLogger(__name__)

MATCH_COLUMNS = ["doc_id", "sentence_id", "layer", "key", "term", "start", "end"]
LABEL_MENTION_COLUMNS = ["doc_id", "outlet", "sentence_id", "start", "end", "term", "label",
                         "family", "actor", "event", "voice", "voice_cue", "voice_evidence"]
ACTOR_MENTION_COLUMNS = ["doc_id", "outlet", "sentence_id", "start", "end", "term", "actor",
                         "target", "voice", "voice_cue", "voice_evidence"]
LABEL_RATE_COLUMNS = ["group", "family", "voice", "count", "n_tokens", "rate_per_1000",
                      "share", "ci_low", "ci_high", "n_units", "ci_unit"]
FRAME_COLUMNS = ["doc_id", "outlet", "frame", "count", "n_tokens", "rate_per_1000", "share",
                 "evidence"]
REPORTING_VERB_COLUMNS = ["doc_id", "outlet", "sentence_id", "speaker", "verb", "verb_class",
                          "lemma", "start", "end"]
_SENT_NEEDS = ("doc_id", "sentence_id", "start", "end", "text_norm")
_ALL_TOKENS = Analyzer(mwes=(), stop_words=None)

# alias ... label ("HTS terrorist group", "Assad's regime", "HTS, a designated terrorist
# organization", "HTS is a terrorist organization", "designated HTS as a terrorist group")
_LEFT = re.compile(r"""^(?:(?:'s?)?[\s)\]"']*
  | [\s)"']*,\s*["']?(?:(?:which|who)\s+(?:is|are|was|were|has\s+been|have\s+been)\s+)?
    (?:(?:designated|described|considered|labell?ed|branded|listed|regarded|seen)\s+)?
    (?:as\s+)?(?:a|an|the)\s+(?:[\w"'\-]+\s+){0,2}
  | \s+(?:is|are|was|were)\s+(?:(?:designated|described|considered|labell?ed|branded)\s+)?
    (?:as\s+)?(?:a|an|the)\s+(?:[\w"'\-]+\s+){0,2}
  | \s+as\s+(?:a|an|the)\s+(?:[\w"'\-]+\s+){0,2})$""", re.VERBOSE | re.IGNORECASE)
# label ... alias ("the jihadist group Hayat Tahrir al-Sham", "terrorist group (HTS)")
_RIGHT_ADJ = re.compile(r"""^[\s"']*\(?\s*$""")
# label of/in/from alias ("the regime of Bashar al-Assad", "the government in Damascus")
_RIGHT_PREP = re.compile(r"^\s+(?:of|in|from)\s+(?:the\s+)?$", re.IGNORECASE)
_EVENT_AFTER = re.compile(r"^(?:'s)?[\s\-]+$")
_EVENT_BEFORE = re.compile(r"^\s+(?:by|of|from)\s+(?:[\w\-]+\s+){0,2}$", re.IGNORECASE)


def _body(sentences: pd.DataFrame, include_nonbody: bool, *,
          needs: tuple[str, ...] = _SENT_NEEDS) -> pd.DataFrame:
    check_columns(sentences, needs, "sentences")
    return body(sentences, include_nonbody=include_nonbody) if "segment" in sentences else \
        sentences


#: Sentences searched in one automaton pass (:meth:`framelab.codebook.Matcher.find_many`).
_MATCH_BATCH = 256


def match_sentences(sentences: pd.DataFrame, codebook: Codebook | None = None, *,
                    include_nonbody: bool = False,
                    layers: Collection[str] | None = None) -> pd.DataFrame:
    """Match the whole codebook (or only ``layers``, e.g. ``("verb",)``) on every sentence:
    one automaton pass per batch of sentences. The matcher resolves overlaps within each
    layer, so a layer's rows are the same whether other layers are matched or not.

    Returns
    -------
    DataFrame
        Columns :data:`MATCH_COLUMNS`; ``start``/``end`` are document offsets, ``layer`` is
        ``actor``, ``label``, ``event``, ``verb`` or ``frame:<name>``.
    """
    cb = resolve_codebook(codebook)
    sents = _body(sentences, include_nonbody)
    texts = sents["text_norm"].tolist()
    found = [f for lo in range(0, len(texts), _MATCH_BATCH)
             for f in cb.matcher.find_many(texts[lo:lo + _MATCH_BATCH], layers=layers)]
    rows = [(d, sid, m.layer, m.key, m.term, off + m.start, off + m.end)
            for d, sid, off, matches in zip(sents["doc_id"].tolist(),
                                            sents["sentence_id"].tolist(),
                                            sents["start"].tolist(), found)
            for m in matches]
    return pd.DataFrame(rows, columns=MATCH_COLUMNS).astype({"start": "int64", "end": "int64"})



def _prepare(sentences: pd.DataFrame, documents: pd.DataFrame, codebook: CodebookArg,
             matches: pd.DataFrame | None, include_nonbody: bool
             ) -> tuple[Codebook, pd.DataFrame, pd.DataFrame, dict[str, str], dict[str, str]]:
    cb = resolve_codebook(codebook)
    check_columns(documents, ("doc_id", "text_norm"), "documents")
    sents = _body(sentences, include_nonbody)
    if matches is None:
        matches = match_sentences(sents, cb, include_nonbody=True)
    check_columns(matches, tuple(MATCH_COLUMNS), "matches")
    matches = matches[_member(matches["sentence_id"], sents["sentence_id"])]
    texts = dict(zip(documents["doc_id"].tolist(), documents["text_norm"].tolist()))
    outlets = dict(zip(documents["doc_id"].tolist(), documents["outlet"].tolist())) \
        if "outlet" in documents else {}
    return cb, sents, matches, texts, outlets


def _originals(documents: pd.DataFrame, texts: dict[str, str]) -> dict[str, str]:
    """doc_id -> the text as written (terms are quoted from it), else the normalised text."""
    return dict(zip(documents["doc_id"].tolist(), documents["text"].tolist())) \
        if "text" in documents else texts


def _taggers(sents: pd.DataFrame, texts: dict[str, str], cb: Codebook) -> dict[str, VoiceTagger]:
    spans: dict[Any, list[tuple[int, int]]] = {}   # per document, in order of appearance
    for key, start, end in zip(sents["doc_id"].tolist(), sents["start"].astype(int).tolist(),
                               sents["end"].astype(int).tolist(), strict=True):
        spans.setdefault(key, []).append((start, end))
    out: dict[str, VoiceTagger] = {}
    for key, doc_spans in spans.items():
        if pd.isna(key):   # groupby leaves out a missing doc_id: so do we
            continue
        doc_id = str(key)
        if doc_id not in texts:
            raise ColumnError(f"sentence doc_id {doc_id!r} is not in documents; pass the "
                              "documents table the sentences were segmented from")
        out[doc_id] = VoiceTagger(texts[doc_id], doc_spans, codebook=cb)
    return out


def voice_taggers(sentences: pd.DataFrame, documents: pd.DataFrame,
                  codebook: Codebook | None = None, *, include_nonbody: bool = False
                  ) -> dict[str, VoiceTagger]:
    """doc_id -> :class:`VoiceTagger` over the analysed sentences: the voice state that
    :func:`label_mentions` and :func:`actor_mentions` can share (``taggers=``)."""
    cb = resolve_codebook(codebook)
    check_columns(documents, ("doc_id", "text_norm"), "documents")
    return _taggers(_body(sentences, include_nonbody),
                    dict(zip(documents["doc_id"].tolist(), documents["text_norm"].tolist())),
                    cb)


def _resolve_actor(text: str, label: Any, actors: list[Any], cb: Codebook) -> str:
    """Nearest actor alias in the label's noun phrase or apposition, else its default."""
    best: tuple[int, str] | None = None
    applies = cb.labels[label.key].applies_to
    for a in actors:
        if a.end <= label.start and _LEFT.match(text[a.end:label.start]):
            dist = label.start - a.end
        elif a.start >= label.end and _RIGHT_ADJ.match(text[label.end:a.start]) or a.start >= label.end and _RIGHT_PREP.match(text[label.end:a.start]) and \
                (not applies or a.key in applies):
            dist = a.start - label.end
        else:
            continue
        if best is None or dist < best[0]:
            best = (dist, a.key)
    if best is not None:
        return best[1]
    inside = [a.key for a in actors if a.start <= label.start and label.end <= a.end]
    return inside[0] if inside else cb.default_actor(label.key)


def _event(text: str, label: Any, events: list[Any]) -> str:
    for e in events:
        if e.start >= label.end and _EVENT_AFTER.match(text[label.end:e.start]):
            return e.key
        if e.end <= label.start and _EVENT_BEFORE.match(text[e.end:label.start]):
            return e.key
    return ""


def label_mentions(sentences: pd.DataFrame, documents: pd.DataFrame,
                   codebook: Codebook | None = None, *, matches: pd.DataFrame | None = None,
                   include_nonbody: bool = False,
                   taggers: Mapping[str, VoiceTagger] | None = None) -> pd.DataFrame:
    """Every label occurrence with its family, resolved actor, event noun and voice.

    Parameters
    ----------
    sentences, documents : DataFrame
        The canonical tables (docs/contracts.md).
    codebook : Codebook, optional
        The shipped default when omitted.
    matches : DataFrame, optional
        :func:`match_sentences` output, computed when omitted.
    include_nonbody : bool
        Also analyse captions, bylines, related-article links and boilerplate.
    taggers : mapping of doc_id to VoiceTagger, optional
        :func:`voice_taggers` of the same tables, to share between this function and
        :func:`actor_mentions` (built when omitted).

    Returns
    -------
    DataFrame
        Columns :data:`LABEL_MENTION_COLUMNS`: ``term`` is the text as written (original
        ``text[start:end]``), ``label``/``family`` the canonical label and its family,
        ``actor`` the codebook actor id it is applied to ("" if unresolved), ``event`` the
        event noun of a label+event phrase ("" if none), ``voice`` narrator/quoted/attributed
        and ``voice_cue``/``voice_evidence`` the rule and the words that decided it.
    """
    cb, sents, matches, texts, outlets = _prepare(sentences, documents, codebook, matches,
                                                  include_nonbody)
    originals = _originals(documents, texts)
    taggers = _taggers(sents, texts, cb) if taggers is None else taggers
    rows = []
    by_sentence: dict[Any, list[Any]] = {}  # groups in order of first appearance, as groupby
    for m in _records(matches[matches["layer"].isin(["label", "actor", "event"])]):
        by_sentence.setdefault(m.sentence_id, []).append(m)
    for sid, items in by_sentence.items():
        doc_id = str(items[0].doc_id)
        text = texts[doc_id]
        actors = [m for m in items if m.layer == "actor"]
        events = [m for m in items if m.layer == "event"]
        for m in items:
            if m.layer != "label":
                continue
            tag = taggers[doc_id].tag(m.start, m.end)
            rows.append((doc_id, outlets.get(doc_id, ""), sid, m.start, m.end,
                         originals[doc_id][m.start:m.end], m.key, cb.labels[m.key].family,
                         _resolve_actor(text, m, actors, cb), _event(text, m, events),
                         tag.voice, tag.cue, tag.evidence))
    # rows are in corpus order (documents as in ``sentences``, then by offset), so the
    # mentions of a corpus are those of its partitions one after the other
    return pd.DataFrame(rows, columns=LABEL_MENTION_COLUMNS)


def actor_mentions(sentences: pd.DataFrame, documents: pd.DataFrame,
                   codebook: Codebook | None = None, *, matches: pd.DataFrame | None = None,
                   include_nonbody: bool = False,
                   taggers: Mapping[str, VoiceTagger] | None = None) -> pd.DataFrame:
    """Every actor alias occurrence with its actor, stance target and voice.

    Returns
    -------
    DataFrame
        Columns :data:`ACTOR_MENTION_COLUMNS` (``term`` as written).
    """
    cb, sents, matches, texts, outlets = _prepare(sentences, documents, codebook, matches,
                                                  include_nonbody)
    originals = _originals(documents, texts)
    taggers = _taggers(sents, texts, cb) if taggers is None else taggers
    rows = []
    for m in _records(matches[matches["layer"] == "actor"]):
        tag = taggers[m.doc_id].tag(m.start, m.end)
        rows.append((m.doc_id, outlets.get(m.doc_id, ""), m.sentence_id, m.start, m.end,
                     originals[m.doc_id][m.start:m.end], m.key, cb.actors[m.key].target,
                     tag.voice, tag.cue, tag.evidence))
    return pd.DataFrame(rows, columns=ACTOR_MENTION_COLUMNS)


def _unit_groups(sents: pd.DataFrame, documents: pd.DataFrame | None,
                 group_by: str) -> pd.Series:
    """Group of each sentence, from a sentence column or else a documents column."""
    if group_by in sents.columns:
        return group_key(sents, group_by)
    if documents is not None and group_by in documents.columns:
        groups = dict(zip(documents["doc_id"], group_key(documents, group_by)))
        return sents["doc_id"].map(groups).fillna(sents["doc_id"])
    available = sorted(set(sents.columns) | set(documents.columns if documents is not None
                                                 else []))
    raise ColumnError(f"group_by={group_by!r} is not a column; available: "
                      + ", ".join(map(str, available)))


def _resolved_unit(sents: pd.DataFrame, groups: Any, unit: str, min_docs: int) -> str:
    docs_per_group = sents["doc_id"].groupby(pd.Series(groups, index=sents.index),
                                             observed=True).nunique()
    return resolve_unit(docs_per_group, unit, smaller="sentences", min_docs=min_docs)


def resampled_unit(sentences: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                   group_by: str = "outlet", unit: str = "auto", include_nonbody: bool = False,
                   min_docs_per_group: int = 5) -> str:
    """What the bootstraps of :func:`label_rates` and :func:`framelab.framing.keyness` draw
    from these sentences: ``unit`` itself, or for "auto" "documents" when every group (of
    ``group_by``, a sentence or document column) has at least ``min_docs_per_group``
    documents with analysed sentences, else "sentences". The sentences may come without
    their texts (:func:`framelab.run.sentences_without_text`)."""
    resolve_unit({}, unit, smaller="sentences")
    sents = _body(sentences, include_nonbody, needs=("doc_id",))
    return _resolved_unit(sents, _unit_groups(sents, documents, group_by).astype(str)
                          .to_numpy(), unit, min_docs_per_group)


def word_counts(sentences: pd.DataFrame) -> np.ndarray:
    """Word tokens of each sentence, stop words included (what rates are per 1,000 of);
    a precomputed ``n_words`` column (a sentence table without its texts) is used as is."""
    if "n_words" in sentences.columns:
        return sentences["n_words"].to_numpy(dtype=np.int64)
    return np.array([len(_ALL_TOKENS.words(t)) for t in sentences["text_norm"]],
                    dtype=np.int64)


def frame_kwic(sentences: pd.DataFrame, documents: pd.DataFrame,
               codebook: Codebook | None = None, *, matches: pd.DataFrame | None = None,
               window: int = 40, include_nonbody: bool = False) -> pd.DataFrame:
    """One row per frame-dictionary match: doc_id, outlet, sentence_id, frame, term, start,
    end, left, match, right (KWIC with ``window`` characters of context in the sentence)."""
    _, sents, matches, texts, outlets = _prepare(sentences, documents, codebook, matches,
                                                 include_nonbody)
    bounds = dict(zip(sents["sentence_id"].tolist(),
                      zip(sents["start"].tolist(), sents["end"].tolist())))
    rows = []
    for m in _records(matches[matches["layer"].str.startswith("frame:")]):
        text, (s0, s1) = texts[m.doc_id], bounds[m.sentence_id]
        rows.append((m.doc_id, outlets.get(m.doc_id, ""), m.sentence_id, m.key, m.term,
                     m.start, m.end, text[max(s0, m.start - window):m.start],
                     text[m.start:m.end], text[m.end:min(s1, m.end + window)]))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "sentence_id", "frame", "term",
                                       "start", "end", "left", "match", "right"])


def _trim_left(text: str) -> str:
    """Drop a word cut by the KWIC window at the left edge."""
    cut = text.find(" ")
    return text[cut + 1:] if cut > 0 and text[:1].isalnum() else text.lstrip()


def _trim_right(text: str) -> str:
    cut = text.rfind(" ")
    return text[:cut] if cut > 0 and text[-1:].isalnum() else text.rstrip()


def frames(sentences: pd.DataFrame, documents: pd.DataFrame,
           codebook: Codebook | None = None, *, matches: pd.DataFrame | None = None,
           max_evidence: int = 3, window: int = 40, include_nonbody: bool = False,
           kwic: pd.DataFrame | None = None) -> pd.DataFrame:
    """The five generic news frames (Semetko & Valkenburg 2000) per document.

    ``kwic`` is :func:`frame_kwic` of the same input with the same ``window``, if already
    computed.

    Returns
    -------
    DataFrame
        Columns :data:`FRAME_COLUMNS`, one row per document x frame of the codebook (zeros
        included): ``count`` dictionary matches, ``rate_per_1000`` per 1,000 tokens,
        ``share`` of the document's frame matches, ``evidence`` the first ``max_evidence``
        KWIC lines ("left [match] right", joined by " | "; all are in :func:`frame_kwic`).
    """
    cb = resolve_codebook(codebook)
    kw = frame_kwic(sentences, documents, cb, matches=matches, window=window,
                    include_nonbody=include_nonbody) if kwic is None else kwic
    sents = _body(sentences, include_nonbody)
    n_tok = pd.Series(word_counts(sents), index=sents.index).groupby(sents["doc_id"]).sum()
    outlets = dict(zip(documents["doc_id"].tolist(),
                       documents.get("outlet", pd.Series(dtype=str)).tolist()))
    found: dict[tuple[str, str], list[Any]] = {}
    for r in _records(kw):
        found.setdefault((r.doc_id, r.frame), []).append(r)
    per_doc = kw.groupby("doc_id", sort=False).size().to_dict()
    tokens = n_tok.to_dict()
    rows = []
    for doc_id in dict.fromkeys(sents["doc_id"].tolist()):
        total = int(per_doc.get(doc_id, 0))
        tok = int(tokens.get(doc_id, 0))
        for frame in cb.frames:
            hits = found.get((doc_id, frame), [])
            lines = [f"{_trim_left(r.left)}[{r.match}]{_trim_right(r.right)}"
                     for r in hits[:max_evidence]]
            rows.append((doc_id, outlets.get(doc_id, ""), frame, len(hits), tok,
                         1000.0 * len(hits) / tok if tok else np.nan,
                         len(hits) / total if total else np.nan, " | ".join(lines)))
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def reporting_verbs(sentences: pd.DataFrame, documents: pd.DataFrame,
                    codebook: Codebook | None = None, *, matches: pd.DataFrame | None = None,
                    include_nonbody: bool = False) -> pd.DataFrame:
    """Reporting verbs per document with their speaker (as written) and class.

    Verb forms after a determiner ("the stated mission") are not reporting uses and are
    skipped. The speaker heuristic is :func:`framelab.framing.find_speaker`.

    Returns
    -------
    DataFrame
        Columns :data:`REPORTING_VERB_COLUMNS`; ``verb`` is the form as written, ``lemma``
        its codebook lemma, ``verb_class`` neutral/distancing/affirming.
    """
    cb, sents, matches, texts, outlets = _prepare(sentences, documents, codebook, matches,
                                                  include_nonbody)
    originals = _originals(documents, texts)
    bounds = dict(zip(sents["sentence_id"].tolist(),
                      zip(sents["start"].tolist(), sents["end"].tolist())))
    rows: list[tuple] = []
    last_speaker: dict[Any, str] = {}   # sentence_id -> speaker of its last row so far
    for m in _records(matches[matches["layer"] == "verb"]):
        text = texts[m.doc_id]
        if not is_reporting_use(text, m.start):
            continue
        if m.term.endswith("ing") and text[:m.start].rstrip().rstrip("\"'").endswith(","):
            # ", adding that ...": the subject of the sentence's previous reporting verb
            speaker = last_speaker.get(m.sentence_id, "")
        else:
            s0, s1 = bounds[m.sentence_id]
            speaker = find_speaker(text, (s0, s1), (m.start, m.end))
            pos = text.rfind(speaker, s0, m.start) if speaker else -1
            pos = text.find(speaker, m.end, s1) if speaker and pos == -1 else pos
            speaker = originals[m.doc_id][pos:pos + len(speaker)] if pos >= 0 else speaker
        rows.append((m.doc_id, outlets.get(m.doc_id, ""), m.sentence_id, speaker,
                     originals[m.doc_id][m.start:m.end], cb.verb_class(m.key), m.key,
                     m.start, m.end))
        last_speaker[m.sentence_id] = speaker
    return pd.DataFrame(rows, columns=REPORTING_VERB_COLUMNS)


def add_kwic(mentions: pd.DataFrame, documents: pd.DataFrame, *,
             window: int = 60) -> pd.DataFrame:
    """Return ``mentions`` with ``left``, ``match``, ``right`` context from the documents."""
    check_columns(mentions, ("doc_id", "start", "end"), "mentions")
    texts = dict(zip(documents["doc_id"], documents["text"]))
    ctx = [(t[max(0, s - window):s].replace("\n", " "), t[s:e],
            t[e:e + window].replace("\n", " "))
           for t, s, e in zip(mentions["doc_id"].map(texts), mentions["start"], mentions["end"])]
    return mentions.assign(left=[c[0] for c in ctx], match=[c[1] for c in ctx],
                           right=[c[2] for c in ctx])
