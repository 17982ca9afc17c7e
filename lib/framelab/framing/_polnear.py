"""Check voice and speakers against PolNeAR, a corpus of human attribution annotation.

PolNeAR (Newell, Margolin & Ruths 2018, LREC; ``github.com/networkdynamics/PolNeAR``) marks
every attribution in 1,008 US political news articles as brat standoff spans: the *source*
(who), the *cue* ("said", "according to") and the *content* (what is attributed). This module
reads a split of it (a folder with ``text/`` and ``attributions/``), lays the annotation over
word tokens and scores framelab's voice tagger and quotation speakers against it. The data is
never shipped nor needed at run time: ``scripts/eval_voice_polnear.py`` takes its path.

Metric (docs/voice.md): every word token of an article is *gold positive* when it lies in an
annotated content span; the tagger *predicts positive* when the token's voice is not
``narrator``. Precision, recall and F1 are pooled over the tokens of the split. Gold content
tokens are split into ``direct`` (between quotation marks inside the content span) and
``indirect`` (the rest), which gives per-class recall and class-matched scores (``quoted``
against direct, ``attributed`` against indirect). The baseline marks the tokens inside
quotation marks (:func:`framelab.voice.quote_spans`) and nothing else.

Several annotators' files for one article: the file whose content tokens agree best with the
other annotators' (the medoid: highest mean token F1 against the others; ties to the smaller
annotator id) is used, so the choice depends on the annotators only, never on the tagger.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..codebook import resolve_codebook
from ..corpus import normalize_text, sentence_spans
from ..errors import CorpusError
from ._quotes import find_quotes
from ._voice import VoiceTagger

if TYPE_CHECKING:
    from ..codebook import Codebook

__all__ = [
    "TOKEN_COLUMNS",
    "Attribution",
    "PolnearArticle",
    "content_tokens",
    "evaluate_polnear",
    "find_split",
    "head_noun",
    "read_ann",
    "read_polnear",
    "score_tokens",
    "speaker_matches",
    "voice_tokens",
]

log = logging.getLogger(__name__)

#: Columns of the token table (:func:`voice_tokens`).
TOKEN_COLUMNS = ["doc_id", "start", "end", "token", "gold", "gold_class", "voice", "cue",
                 "in_quotes"]

_ANN_NAME = re.compile(r"^(?P<doc>.+)_(?P<annotator>[0-9a-f]{4})\.ann$")
_TEXT_BOUND = re.compile(r"^T\d+\t")
_EVENT = re.compile(r"^E\d+\t")
_WORD = re.compile(r"\w+(?:['\-]\w+)*")
_DOUBLE = re.compile(r"\"|''")   # as framelab.voice.quote_spans reads a double mark
Span = tuple[int, int]


@dataclass(frozen=True)
class Attribution:
    """One annotated attribution: spans (character offsets into the article text).

    Attributes
    ----------
    source, cue, content : tuple of (int, int)
        The fragments of each role (brat allows discontinuous spans); ``source`` is empty for
        an attribution without a source.
    """

    source: tuple[Span, ...]
    cue: tuple[Span, ...]
    content: tuple[Span, ...]


@dataclass(frozen=True)
class PolnearArticle:
    """One article with the annotation of one annotator.

    Attributes
    ----------
    doc_id : str
        The file name without extension (``publisher_date_slug``).
    annotator : str
        The annotator id of the attribution file used (``4b22``, ...).
    text : str
        The article text as stored (offsets index it).
    attributions : tuple of Attribution
    discard : tuple of (int, int)
        Spans the annotators marked ``Discard`` (not article text); left out of scoring.
    """

    doc_id: str
    annotator: str
    text: str
    attributions: tuple[Attribution, ...]
    discard: tuple[Span, ...] = ()


def read_ann(path: str | Path, text: str) -> tuple[tuple[Attribution, ...], tuple[Span, ...]]:
    """Read one brat ``.ann`` file of PolNeAR and check its spans against ``text``.

    Returns
    -------
    attributions : tuple of Attribution
        One per event line (``E``): its Source, Cue and Content (and Content2) spans.
    discard : tuple of (int, int)
        The ``Discard`` spans.

    Raises
    ------
    CorpusError
        A line is malformed, a span lies outside the text, or its text differs from the
        article's: the message names the file and line.
    """
    path = Path(path)
    spans: dict[str, tuple[str, tuple[Span, ...]]] = {}
    events: list[list[str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("\t")
        if _TEXT_BOUND.match(line):
            try:
                kind, offsets = parts[1].split(" ", 1)
                frags = tuple((int(a), int(b)) for a, b in
                              (f.split() for f in offsets.split(";")))
            except (IndexError, ValueError) as err:
                raise CorpusError(f"{path}:{number}: not a brat text-bound line "
                                  f"('T<n>\\tType start end\\ttext'): {line[:80]!r}") from err
            if any(not 0 <= a <= b <= len(text) for a, b in frags):
                raise CorpusError(f"{path}:{number}: span {offsets} lies outside the article "
                                  f"text ({len(text)} characters); is this the text file of "
                                  "the same article?")
            written = " ".join(text[a:b] for a, b in frags).split()
            noted = parts[2].split() if len(parts) > 2 else []   # cut at a newline in a span
            if written[:len(noted)] != noted:
                raise CorpusError(f"{path}:{number}: span {offsets} reads "
                                  f"{' '.join(text[a:b] for a, b in frags)[:40]!r} in the text "
                                  f"but {parts[2][:40]!r} in the annotation; the text file "
                                  "does not match the annotation")
            spans[parts[0]] = (kind, frags)
        elif _EVENT.match(line):
            events.append(parts[1].split())
    attributions = []
    for roles in events:
        got: dict[str, list[Span]] = defaultdict(list)
        for role in roles:
            name, _, ref = role.partition(":")
            if ref in spans:
                got[name.rstrip("0123456789")].extend(spans[ref][1])
        attributions.append(Attribution(tuple(got["Source"]), tuple(got["Cue"]),
                                        tuple(got["Content"])))
    discard = tuple(f for kind, frags in spans.values() if kind == "Discard" for f in frags)
    return tuple(attributions), discard


def find_split(path: str | Path, split: str | None = None) -> Path:
    """The folder holding ``text/`` and ``attributions/`` of ``split``.

    ``path`` may be the PolNeAR checkout, its ``data`` folder, or the split folder itself.

    Raises
    ------
    CorpusError
        No such folder: the message lists where it looked.
    """
    root = Path(path)
    if not root.is_dir():
        raise CorpusError(f"PolNeAR folder {root} does not exist; pass the PolNeAR checkout "
                          "(with data/train, data/dev) or a split folder with text/ and "
                          "attributions/")
    tried = [root] if split is None else [root / "data" / split, root / split, root]
    for folder in tried:
        if (folder / "text").is_dir() and (folder / "attributions").is_dir():
            return folder
    raise CorpusError(f"no PolNeAR split {split or ''} under {root}: looked for text/ and "
                      f"attributions/ in {', '.join(str(t) for t in tried)}")


def read_polnear(path: str | Path, split: str | None = None, *,
                 limit: int | None = None) -> list[PolnearArticle]:
    """Read a PolNeAR split, one annotation per article (the medoid annotator's).

    Parameters
    ----------
    path : str or Path
        The PolNeAR checkout, its ``data`` folder, or a split folder (see :func:`find_split`).
    split : str, optional
        ``train`` or ``dev`` (``test`` is reserved for a final check).
    limit : int, optional
        Read only the first ``limit`` articles in name order (for quick development runs).

    Returns
    -------
    list of PolnearArticle
        In article name order.
    """
    folder = find_split(path, split)
    files: dict[str, list[Path]] = defaultdict(list)
    for ann in sorted((folder / "attributions").glob("*.ann")):
        m = _ANN_NAME.match(ann.name)
        if m:
            files[m.group("doc")].append(ann)
    if not files:
        raise CorpusError(f"{folder / 'attributions'} holds no '<article>_<annotator>.ann' "
                          "files; is this a PolNeAR split?")
    articles = []
    for doc_id in sorted(files)[:limit]:
        text_path = folder / "text" / f"{doc_id}.txt"
        if not text_path.is_file():
            raise CorpusError(f"{text_path} is missing for the annotation "
                              f"{files[doc_id][0].name}")
        text = text_path.read_text(encoding="utf-8")
        versions = {_ANN_NAME.match(f.name).group("annotator"): read_ann(f, text)  # type: ignore[union-attr]
                    for f in files[doc_id]}
        annotator = _medoid(text, versions)
        attributions, discard = versions[annotator]
        articles.append(PolnearArticle(doc_id, annotator, text, attributions, discard))
    log.info("PolNeAR %s: %d articles from %s", split or folder.name, len(articles), folder)
    return articles


def _content_mask(text: str, attributions: Sequence[Attribution]) -> np.ndarray:
    mask = np.zeros(len(text) + 1, dtype=bool)
    for att in attributions:
        for a, b in att.content:
            mask[a:b] = True
    return mask


def _medoid(text: str, versions: dict[str, Any]) -> str:
    """The annotator whose content tokens agree best (mean F1) with the others'."""
    names = sorted(versions)
    if len(names) == 1:
        return names[0]
    starts = [m.start() for m in _WORD.finditer(text)]
    sets = {n: _content_mask(text, versions[n][0])[starts] for n in names}

    def f1(a: np.ndarray, b: np.ndarray) -> float:
        total = a.sum() + b.sum()
        return 2 * (a & b).sum() / total if total else 1.0

    scores = {n: np.mean([f1(sets[n], sets[o]) for o in names if o != n]) for n in names}
    return max(names, key=lambda n: (scores[n], [-ord(c) for c in n]))


def content_tokens(article: PolnearArticle) -> pd.DataFrame:
    """Word tokens of an article with their gold label.

    A token is gold positive when its first character lies in a content span; it is
    ``direct`` when that character also lies between a pair of double quotation marks of the
    same content (an opening mark left unpaired runs to the end of the content), otherwise
    ``indirect``. Tokens in ``Discard`` spans are dropped.

    Returns
    -------
    DataFrame
        Columns ``doc_id, start, end, token, gold, gold_class`` (``gold_class`` is ""
        for tokens outside content).
    """
    text = article.text
    norm = normalize_text(text)
    klass = np.zeros(len(text) + 1, dtype=np.int8)   # 0 none, 1 indirect, 2 direct
    marks = {m.start(): m.end() for m in _DOUBLE.finditer(norm)}
    in_mark = {i for a, b in marks.items() for i in range(a, b)}
    for att in article.attributions:
        frags = sorted(att.content)
        scan = sorted({i for a, b in frags for i in range(max(0, a - 1), min(len(text), b + 1))})
        inside = False
        for i in scan:   # the marks may lie just outside the annotated span
            if i in marks:
                inside = not inside
            elif i in in_mark:
                continue
            elif any(a <= i < b for a, b in frags):
                klass[i] = max(klass[i], 2 if inside else 1)
    drop = np.zeros(len(text) + 1, dtype=bool)
    for a, b in article.discard:
        drop[a:b] = True
    rows = [(article.doc_id, m.start(), m.end(), m.group(0), bool(klass[m.start()]),
             ("", "indirect", "direct")[klass[m.start()]])
            for m in _WORD.finditer(text) if not drop[m.start()]]
    return pd.DataFrame(rows, columns=TOKEN_COLUMNS[:6])


def voice_tokens(article: PolnearArticle, *, codebook: Codebook | None = None) -> pd.DataFrame:
    """:func:`content_tokens` plus the voice framelab gives each token.

    The article is normalised and segmented as framelab does for any document
    (:func:`framelab.segment.normalize_text`, :func:`framelab.segment.sentence_spans`), and
    each word token is tagged on its own by :class:`framelab.voice.VoiceTagger`.

    Returns
    -------
    DataFrame
        :data:`TOKEN_COLUMNS`: ``voice`` narrator/quoted/attributed, ``cue`` the deciding rule,
        ``in_quotes`` whether the token lies inside a quotation (the baseline's prediction).
    """

    tokens = content_tokens(article)
    norm = normalize_text(article.text)
    tagger = VoiceTagger(norm, sentence_spans(norm), codebook=codebook)
    tags = [tagger.tag(s, e) for s, e in zip(tokens["start"], tokens["end"])]
    quoted = np.zeros(len(norm) + 1, dtype=bool)
    for a, b in tagger.quotes:
        quoted[a:b] = True
    return tokens.assign(voice=[t.voice for t in tags], cue=[t.cue for t in tags],
                         in_quotes=quoted[tokens["start"].to_numpy()])


def _prf(gold: np.ndarray, pred: np.ndarray) -> dict[str, float | int]:
    tp = int((gold & pred).sum())
    n_pred, n_gold = int(pred.sum()), int(gold.sum())
    p = tp / n_pred if n_pred else float("nan")
    r = tp / n_gold if n_gold else float("nan")
    f = 2 * p * r / (p + r) if n_pred and n_gold and p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "n_gold": n_gold, "n_predicted": n_pred, "n_true_positive": tp}


def score_tokens(tokens: pd.DataFrame) -> dict[str, Any]:
    """Token scores of the tagger and of the quotation-marks-only baseline.

    Parameters
    ----------
    tokens : DataFrame
        :data:`TOKEN_COLUMNS` (from :func:`voice_tokens`), one or many articles.

    Returns
    -------
    dict
        ``overall`` (non-narrator vs content), ``baseline`` (inside quotation marks vs
        content), ``recall_by_class`` (share of ``direct`` / ``indirect`` content tokens
        the tagger marks non-narrator, and the baseline's), ``by_class`` (``quoted`` vs
        direct content, ``attributed`` vs indirect content), ``cues`` (tokens predicted
        positive by each rule and the precision of each), ``n_tokens``, ``n_articles``.
        Each score is a dict of precision, recall, f1 and the counts behind them.
    """
    missing = [c for c in TOKEN_COLUMNS if c not in tokens.columns]
    if missing:
        raise CorpusError(f"token table lacks column(s) {missing}; make it with voice_tokens")
    gold = tokens["gold"].to_numpy(bool)
    pred = (tokens["voice"] != "narrator").to_numpy()
    base = tokens["in_quotes"].to_numpy(bool)
    klass = tokens["gold_class"].to_numpy()
    out: dict[str, Any] = {"n_articles": int(tokens["doc_id"].nunique()),
                           "n_tokens": len(tokens),
                           "overall": _prf(gold, pred), "baseline": _prf(gold, base)}
    out["recall_by_class"] = {
        k: {"n_gold": int((klass == k).sum()),
            "tagger": round(float(pred[klass == k].mean()), 4) if (klass == k).any() else None,
            "baseline": round(float(base[klass == k].mean()), 4) if (klass == k).any() else None}
        for k in ("direct", "indirect")}
    out["by_class"] = {
        "quoted~direct": _prf(klass == "direct", (tokens["voice"] == "quoted").to_numpy()),
        "attributed~indirect": _prf(klass == "indirect",
                                    (tokens["voice"] == "attributed").to_numpy())}
    cues = tokens["cue"].to_numpy()
    out["cues"] = {c: {"n_predicted": int((cues == c).sum()),
                       "precision": round(float(gold[cues == c].mean()), 4)}
                   for c in sorted(set(cues[pred]))}
    return out


_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POST_MODIFIER = re.compile(r"\s*(?:,|\(|\bwho\b|\bwhich\b|\bthat\b|\bof\b|\bwith\b|\bfrom\b|"
                            r"\bat\b|\bin\b|\bfor\b|\bon\b|\bto\b|\bbehind\b|\babout\b)",
                            re.IGNORECASE)
_PRONOUN_SOURCES = frozenset({"he", "she", "they", "i", "we", "it", "you", "him", "her",
                              "them", "his", "their"})


def head_noun(phrase: str) -> str:
    """The head word of a noun phrase, lower case: the last word before any post-modifier.

    "the Clinton campaign's spokesman, Brian Fallon" -> "spokesman"; "officials with the
    campaign" -> "officials"; "Donald Trump" -> "trump".
    """
    phrase = _DETERMINER.sub("", phrase.strip())
    cut = _POST_MODIFIER.search(phrase, 1)
    words = _WORD.findall(phrase[:cut.start()] if cut else phrase)
    return words[-1].lower().removesuffix("'s") if words else ""


def speaker_matches(found: str, gold: str) -> str:
    """How a found speaker matches the annotated source: "exact", "head" or "" (no match).

    Exact ignores case, a leading article and surrounding punctuation; a head match compares
    :func:`head_noun` of both, and also the found head against the gold phrase's last name
    ("Trump" for "Republican nominee Donald Trump").
    """
    def clean(s: str) -> str:
        return " ".join(_WORD.findall(_DETERMINER.sub("", s.strip()).lower()))

    if not found or not gold:
        return ""
    if clean(found) == clean(gold):
        return "exact"
    head, gold_head = head_noun(found), head_noun(gold)
    if head and (head == gold_head or head in clean(gold).split()
                 or gold_head in clean(found).split()):
        return "head"
    return ""


def _speaker_rows(article: PolnearArticle, codebook: Any) -> list[dict[str, Any]]:

    docs = pd.DataFrame({"doc_id": [article.doc_id], "outlet": [article.doc_id.split("_")[0]],
                         "text": [article.text], "text_norm": [normalize_text(article.text)]})
    quotes = find_quotes(docs, codebook)
    named = _last_named_sources(article)
    rows = []
    for qs, qe, speaker in zip(quotes["start"], quotes["end"], quotes["speaker"]):
        overlap = [(sum(max(0, min(qe, b) - max(qs, a)) for a, b in att.content), i)
                   for i, att in enumerate(article.attributions)]
        best, i = max(overlap, default=(0, -1))
        if best < 0.5 * (qe - qs) or not article.attributions[i].source:
            continue   # not an annotated attribution, or one without a source
        gold = _source_text(article, article.attributions[i])
        pronoun = gold.strip().lower() in _PRONOUN_SOURCES
        match = speaker_matches(speaker, gold)
        if pronoun and not match:   # "he": the annotator's last named source before it
            at = min(a for a, _ in article.attributions[i].source)
            match = speaker_matches(speaker, named.get(at, ""))
        rows.append({"doc_id": article.doc_id, "start": int(qs), "end": int(qe),
                     "speaker": speaker, "gold_source": gold, "gold_pronoun": pronoun,
                     "match": match})
    return rows


def _source_text(article: PolnearArticle, att: Attribution) -> str:
    return " ".join(article.text[a:b] for a, b in sorted(att.source))


def _last_named_sources(article: PolnearArticle) -> dict[int, str]:
    """For each source start, the last source before it that is not a pronoun."""
    out, last = {}, ""
    for att in sorted((a for a in article.attributions if a.source),
                      key=lambda a: min(s for s, _ in a.source)):
        out[min(s for s, _ in att.source)] = last
        text = _source_text(article, att)
        if text.strip().lower() not in _PRONOUN_SOURCES:
            last = text
    return out


def _speaker_scores(rows: pd.DataFrame) -> dict[str, Any]:
    def share(part: pd.DataFrame) -> dict[str, Any]:
        n = len(part)
        return {"n_quotations": n,
                "accuracy": round(float((part["match"] != "").mean()), 4) if n else None,
                "exact": round(float((part["match"] == "exact").mean()), 4) if n else None,
                "no_speaker": round(float((part["speaker"] == "").mean()), 4) if n else None}

    if rows.empty:
        return {"all": share(rows), "named_source": share(rows)}
    return {"all": share(rows), "named_source": share(rows[~rows["gold_pronoun"]])}


def evaluate_polnear(path: str | Path, split: str | None = None, *,
                     codebook: Codebook | None = None, limit: int | None = None,
                     speakers: bool = True) -> tuple[dict[str, Any], pd.DataFrame]:
    """Score voice (and quotation speakers) on a PolNeAR split.

    Parameters
    ----------
    path, split, limit
        Passed to :func:`read_polnear`.
    codebook : Codebook, optional
        Reporting verbs and cues; the shipped default when omitted.
    speakers : bool
        Also score :func:`framelab.quotes.find_quotes` speakers against annotated sources.

    Returns
    -------
    figures : dict
        :func:`score_tokens` plus ``split``, ``annotators`` (articles per annotator) and,
        with ``speakers``, ``speakers``: among quotations found by framelab whose text is
        mostly inside an annotated content with a source, the share whose speaker matches
        the source exactly or by head noun (``all``; ``named_source`` leaves out sources
        annotated as a pronoun), and the share with no speaker found.
    tokens : DataFrame
        :data:`TOKEN_COLUMNS` of every article.
    """
    codebook = codebook if codebook is not None else resolve_codebook()
    articles = read_polnear(path, split, limit=limit)
    tokens = pd.concat([voice_tokens(a, codebook=codebook) for a in articles],
                       ignore_index=True)
    figures = {"split": split or "", **score_tokens(tokens)}
    figures["annotators"] = dict(sorted(pd.Series([a.annotator for a in articles])
                                        .value_counts().items()))
    if speakers:
        rows = pd.DataFrame([r for a in articles for r in _speaker_rows(a, codebook)],
                            columns=["doc_id", "start", "end", "speaker", "gold_source",
                                     "gold_pronoun", "match"])
        figures["speakers"] = _speaker_scores(rows)
    return figures, tokens
