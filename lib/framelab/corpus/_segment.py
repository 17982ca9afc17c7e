"""Normalisation, paragraph and sentence segmentation, and tagging of non-body text.

Everything here works on character offsets into the original document text. Normalisation is
length-preserving (one character for one character), so an offset into the normalised text is
the same offset into the original.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import ParameterError

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

__all__ = [
    "SENTENCE_COLUMNS",
    "SEGMENT_TYPES",
    "ANALYSED_SEGMENTS",
    "ABBREVIATIONS",
    "normalize_text",
    "paragraph_spans",
    "sentence_spans",
    "segment",
    "body",
    "units",
]

log = logging.getLogger(__name__)

SENTENCE_COLUMNS = [
    "doc_id", "outlet", "sentence_id", "paragraph_index", "sentence_index",
    "start", "end", "text", "text_norm", "segment",
]
#: Segment types of the sentence table. ``body`` and ``headline`` are the outlet's own article
#: text and are analysed; the others are furniture and are excluded unless asked for.
SEGMENT_TYPES = ("body", "headline", "byline", "boilerplate", "related", "caption")
ANALYSED_SEGMENTS = ("body", "headline")

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u0060\u00b4"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
          "\u202f\u205f\u3000"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_FOLD = {**{c: "'" for c in _SINGLE_QUOTES}, **{c: '"' for c in _DOUBLE_QUOTES},
         **{c: "-" for c in _DASHES}, **{c: " " for c in _SPACES + _ZERO_WIDTH},
         "\r": "\n", "\u2028": "\n", "\u2029": "\n"}
#: One character class of everything folded: a regex substitution touches only those
#: characters (several times faster than str.translate on mostly-ASCII news text).
_FOLDED = re.compile("[" + re.escape("".join(_FOLD)) + "]")


def normalize_text(text: str) -> str:
    """Return ``text`` with typographic variants folded, keeping its length.

    Curly quotes and primes become ``'`` or ``"``, dashes and the minus sign become ``-``,
    non-breaking and other unicode spaces and zero-width characters become a space, and
    ``\\r``/line separators become ``\\n``. Each replacement is one character for one
    character, so offsets into the result are offsets into ``text``.
    """
    return _FOLDED.sub(lambda m: _FOLD[m.group()], text)


#: Abbreviations whose period does not end a sentence (lower case, without the final period,
#: inner periods kept as Punkt expects: "u.s" for "U.S.").
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt ft rev hon gen maj col lt sgt cpl pvt capt cmdr adm cdr
    brig gov sen rep pres amb atty supt insp det gens cols
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
    u.s u.k u.n u.s.a e.u u.a.e d.c n.y l.a e.g i.e etc vs v cf al approx dept est fig inc ltd
    co corp bros vol pp ca a.m p.m""".split()
)


@cache
def _punkt() -> PunktSentenceTokenizer:
    """The sentence splitter, made on first use: importing nltk takes about a second, which
    a notebook reading an already segmented corpus from the cache need not pay."""
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


_NON_SPACE = re.compile(r"\S")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each paragraph: each non-blank line, trimmed of spaces."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            spans.append((pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return spans


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each sentence of ``text``; sentences never cross a line.

    Uses NLTK's Punkt algorithm with an explicit abbreviation list (no trained model, no data
    download), so "U.S. officials", "Maj. Gen. Pat Ryder" and "Dec. 5" stay whole.
    """
    norm = normalize_text(text)
    spans = []
    for p_start, p_end in paragraph_spans(norm):
        for s, e in _punkt().span_tokenize(norm[p_start:p_end]):
            if _NON_SPACE.search(norm, p_start + s, p_start + e):
                spans.append((p_start + s, p_start + e))
    return spans


# --- non-body text ------------------------------------------------------------------------

_RELATED = re.compile(
    r"^(related|recommended|read more|more on this|see also|also read|read also|watch)"
    r"( (article|articles|stories|story|content|coverage|video|link))?\s*:?$", re.I)
_BYLINE = re.compile(
    r"(contributed (reporting )?to this (report|story|article)|^(by|reporting by|writing by|"
    r"editing by|additional reporting by)\s+[A-Z][\w.'-]*(\s+[A-Z][\w.'-]*)*\s*(,|and|$)"
    r"|^(staff|wire) reporter$)", re.I)
_BOILERPLATE = re.compile(
    r"(^follow\b.{0,60}\bon (youtube|twitter|x|facebook|telegram|instagram|tiktok|rumble)\b"
    r"|^(subscribe|sign up)\b|all rights reserved|^copyright\b|^\(c\)|^©|^share (this|on)\b"
    r"|^click here\b|^advertisement$|^you can share this story)", re.I)
_CAPTION = re.compile(
    r"(\b(getty images|ap photo|afp|reuters|epa|anadolu|sputnik|tass|shutterstock)\s*$"
    r"|^(photo|image|file photo|picture|video|credit)\s*:)", re.I)
#: Necessary conditions of the patterns above, tested on the case-folded paragraph first:
#: substring tests are C-fast, and most paragraphs fail all of them, so the unanchored
#: searches (which try every position) run on few paragraphs. A pattern can only match a
#: paragraph whose folded text passes its condition (tests/test_segment.py checks this).
_BYLINE_HINTS = ("by", "reporting by", "writing by", "editing by", "additional reporting by",
                 "staff", "wire")
_BOILERPLATE_STARTS = ("follow", "subscribe", "sign up", "copyright", "(c)", "\u00a9",
                       "share ", "click here", "advertisement", "you can share this story")
_CAPTION_NAMES = ("getty images", "ap photo", "afp", "reuters", "epa", "anadolu", "sputnik",
                  "tass", "shutterstock")
_CAPTION_STARTS = ("photo", "image", "file photo", "picture", "video", "credit")


def _fold(text: str) -> str:
    """Case-folded ``text`` where everything ``re.IGNORECASE`` equates with an ASCII letter
    is that letter (casefold alone turns the dotted and dotless I into other characters)."""
    folded = text.casefold()
    if not folded.isascii():
        folded = folded.replace("i\u0307", "i").replace("\u0131", "i")
    return folded


def _maybe_byline(folded: str) -> bool:
    return "contributed" in folded or folded.startswith(_BYLINE_HINTS)


def _maybe_boilerplate(folded: str) -> bool:
    return folded.startswith(_BOILERPLATE_STARTS) or "all rights reserved" in folded


def _maybe_caption(folded: str) -> bool:
    return folded.startswith(_CAPTION_STARTS) or any(n in folded for n in _CAPTION_NAMES)


_SMALL_WORDS = frozenset("a an and as at but by for from in into of on or the to with vs".split())


def _is_title_case(line: str) -> bool:
    """A short line without final punctuation whose content words are capitalised."""
    if not line or line[-1] in ".!?:;,\"'" or len(line) > 150:
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w'.-]*", line) if w.lower() not in _SMALL_WORDS]
    if len(words) < 2:
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.8


def _line_key(line: str) -> str:
    return " ".join(line.lower().split())


def _repeated_lines(
    docs: pd.DataFrame, *, min_docs: int, min_share: float
) -> dict[str, set[str]]:
    """Map outlet -> normalised lines that recur across that outlet's documents."""
    per_outlet: dict[str, Counter[str]] = defaultdict(Counter)
    n_docs: Counter[str] = Counter()
    for outlet, text in zip(docs["outlet"], docs["text_norm"]):
        n_docs[outlet] += 1
        per_outlet[outlet].update({_line_key(text[s:e]) for s, e in paragraph_spans(text)})
    repeated = {}
    for outlet, counts in per_outlet.items():
        need = max(min_docs, min_share * n_docs[outlet])
        repeated[outlet] = {k for k, c in counts.items() if c >= need}
    return repeated


def _paragraph_segments(paragraphs: list[str], repeated: set[str]) -> list[str]:
    """Segment type of each paragraph of one document."""
    kinds = []
    for text in paragraphs:
        folded = _fold(text)
        if _RELATED.match(text):
            kinds.append("related")
        elif _maybe_byline(folded) and _BYLINE.search(text):
            kinds.append("byline")
        elif (_maybe_boilerplate(folded) and _BOILERPLATE.search(text)) or \
                (repeated and _line_key(text) in repeated):
            kinds.append("boilerplate")
        elif _maybe_caption(folded) and _CAPTION.search(text):
            kinds.append("caption")
        elif _is_title_case(text):
            kinds.append("headline")
        else:
            kinds.append("body")
    for i, kind in enumerate(list(kinds)):
        if kind != "related" or not _RELATED.match(paragraphs[i]):
            continue
        # the headline linked after a "Related article" marker is furniture too ...
        if i + 1 < len(kinds) and kinds[i + 1] in ("body", "headline"):
            kinds[i + 1] = "related"
        # ... and so is a one-line photo caption right before the marker.
        if i > 0 and kinds[i - 1] == "body" and len(_punkt().tokenize(paragraphs[i - 1])) == 1:
            kinds[i - 1] = "caption"
    return kinds


def segment(
    documents: pd.DataFrame,
    *,
    boilerplate_min_docs: int = 3,
    boilerplate_min_share: float = 0.2,
) -> pd.DataFrame:
    """Split documents into a sentence table with offsets and segment types.

    Parameters
    ----------
    documents : DataFrame
        The documents table (columns ``doc_id``, ``outlet``, ``text``, ``text_norm``).
    boilerplate_min_docs, boilerplate_min_share : int, float
        A line counts as outlet boilerplate when it occurs in at least this many documents and
        this share of the documents of the same outlet (documents of unknown outlet are pooled).

    Returns
    -------
    DataFrame
        One row per sentence with the columns of :data:`SENTENCE_COLUMNS`; ``sentence_id`` is
        ``"{doc_id}:{sentence_index:05d}"`` and stable across runs.
    """
    if boilerplate_min_docs < 2:
        raise ParameterError(
            f"boilerplate_min_docs={boilerplate_min_docs}: a line must recur in at least 2 "
            "documents to be boilerplate; use 2 or more")
    repeated = _repeated_lines(documents, min_docs=boilerplate_min_docs,
                               min_share=boilerplate_min_share)
    rows: list[tuple] = []
    for doc_id, outlet, text, norm in zip(documents["doc_id"], documents["outlet"],
                                          documents["text"], documents["text_norm"]):
        rows.extend(_document_rows(doc_id, outlet, text, norm, repeated.get(outlet, set())))
    frame = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    return frame.astype({"paragraph_index": "int64", "sentence_index": "int64",
                         "start": "int64", "end": "int64"})


def _document_rows(doc_id: str, outlet: str, text: str, norm: str,
                   repeated: set[str]) -> Iterator[tuple]:
    paragraphs = paragraph_spans(norm)
    kinds = _paragraph_segments([norm[s:e] for s, e in paragraphs], repeated)
    index = 0
    for p_index, ((p_start, p_end), kind) in enumerate(zip(paragraphs, kinds)):
        for s, e in _punkt().span_tokenize(norm[p_start:p_end]):
            start, end = p_start + s, p_start + e
            yield (doc_id, outlet, f"{doc_id}:{index:05d}", p_index, index, start, end,
                   text[start:end], norm[start:end], kind)
            index += 1


def body(sentences: pd.DataFrame, *, include_nonbody: bool = False) -> pd.DataFrame:
    """Return the sentences analyses use: the article text, or everything if asked."""
    if include_nonbody:
        return sentences
    return sentences[sentences["segment"].isin(ANALYSED_SEGMENTS)]


def units(sentences: pd.DataFrame, unit: str | int = "document") -> pd.DataFrame:
    """Group sentences into units of analysis.

    Parameters
    ----------
    sentences : DataFrame
        A sentence table (already filtered with :func:`body` if wanted).
    unit : {"document", "paragraph", "sentence"} or int
        An int ``n`` makes non-overlapping windows of ``n`` consecutive sentences per document.

    Returns
    -------
    DataFrame
        Columns ``unit_id``, ``doc_id``, ``outlet``, ``start``, ``end``, ``n_sentences``,
        ``text_norm`` (the unit's sentences joined by a space).
    """
    if isinstance(unit, str) and unit.isdigit():
        unit = int(unit)
    if isinstance(unit, int) and not isinstance(unit, bool):
        if unit < 1:
            raise ParameterError(f"unit={unit}: a sentence window needs at least 1 sentence")
        order = sentences.groupby("doc_id", sort=False).cumcount() // unit
        suffix = order.map(lambda i: f"w{i:05d}")
    elif unit == "document":
        suffix = pd.Series("", index=sentences.index)
    elif unit == "paragraph":
        suffix = sentences["paragraph_index"].map(lambda i: f"p{i:05d}")
    elif unit == "sentence":
        suffix = sentences["sentence_index"].map(lambda i: f"s{i:05d}")
    else:
        raise ParameterError(
            f"unit={unit!r} is not a unit of analysis; use 'document', 'paragraph', "
            "'sentence' or a whole number of sentences per window")
    unit_id = sentences["doc_id"] + (":" + suffix).where(suffix != "", "")
    frame = sentences.assign(unit_id=unit_id)
    grouped = frame.groupby("unit_id", sort=False)
    out = grouped.agg(doc_id=("doc_id", "first"), outlet=("outlet", "first"),
                      start=("start", "min"), end=("end", "max"),
                      n_sentences=("sentence_id", "size"),
                      text_norm=("text_norm", " ".join)).reset_index()
    return out[["unit_id", "doc_id", "outlet", "start", "end", "n_sentences", "text_norm"]]
