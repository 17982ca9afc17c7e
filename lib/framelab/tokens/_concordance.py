"""KWIC concordances and collocations."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from ..errors import ParameterError
from ._analyzer import _SEP, Analyzer
from ._totals import MEASURES, TextTotals

__all__ = ['kwic', 'sort_kwic', 'collocations']

def _phrase_pattern(query: str) -> re.Pattern[str]:
    """The query as a pattern; a trailing ``*`` (the codebook's wildcard: ``terror*``) lets
    the last word go on (terrorist, terrorism)."""
    text = query.strip()
    prefix = text.endswith("*")
    if "*" in text.removesuffix("*"):
        raise ParameterError(f"kwic query {query!r}: '*' is allowed only once, at the end "
                             "(terror* finds terrorist and terrorism), as in the codebook")
    words = [w for w in re.split(_SEP, text.rstrip("*").strip()) if w]
    if not words:
        raise ParameterError(f"kwic query {query!r} is empty; give a word or phrase "
                             "(a trailing * matches any ending: terror*)")
    body = _SEP.join(re.escape(w) for w in words)
    tail = r"\w*" if prefix else r"(?!\w)"
    return re.compile(rf"(?<!\w){body}{tail}", re.IGNORECASE)


def kwic(sentences: pd.DataFrame, query: str, *, window: int = 60) -> pd.DataFrame:
    """Keyword-in-context lines for a word or phrase (case-insensitive, any spacing/hyphen).

    Parameters
    ----------
    sentences : DataFrame
        A sentence table (``doc_id``, ``outlet``, ``sentence_id``, ``start``, ``text_norm``).
    query : str
        A word or phrase; a trailing ``*`` matches any ending of its last word, as in the
        codebook (``terror*`` finds terrorist and terrorism).
    window : int
        Characters of context on each side, cut at the sentence edges.

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``outlet``, ``sentence_id``, ``start``, ``end`` (document
        offsets of the match), ``left``, ``match``, ``right``.
    """
    pattern = _phrase_pattern(query)
    rows = []
    for doc_id, outlet, sid, offset, text in zip(
            sentences["doc_id"], sentences["outlet"], sentences["sentence_id"],
            sentences["start"], sentences["text_norm"]):
        for m in pattern.finditer(text):
            rows.append((doc_id, outlet, sid, offset + m.start(), offset + m.end(),
                         text[max(0, m.start() - window):m.start()], m.group(),
                         text[m.end():m.end() + window]))
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "sentence_id", "start", "end",
                                       "left", "match", "right"])


def sort_kwic(lines: pd.DataFrame, *, by: str = "left") -> pd.DataFrame:
    """KWIC lines sorted by the words next to the keyword, as concordancers do.

    ``by="left"`` sorts by the left context read from the keyword outwards (the word just
    before the keyword first), ``"right"`` by the right context, ``"document"`` restores
    document order.
    """
    if by not in ("left", "right", "document"):
        raise ParameterError(f"by={by!r}; sort KWIC lines by 'left', 'right' or 'document'")
    if by == "document" or lines.empty:
        return lines.sort_values(["doc_id", "start"], kind="stable")
    if by == "left":
        key = lines["left"].map(lambda t: " ".join(reversed(t.lower().split())))
    else:
        key = lines["right"].str.lower().str.strip()
    return lines.assign(_key=key).sort_values(["_key", "doc_id", "start"],
                                              kind="stable").drop(columns="_key")


def collocations(
    texts: Iterable[str],
    *,
    min_count: int = 3,
    top: int = 30,
    measure: str = "likelihood_ratio",
    analyzer: Analyzer | None = None,
) -> pd.DataFrame:
    """Bigram collocations scored with NLTK's association measures.

    Bigrams never span two texts. Both PMI and the likelihood ratio are reported; rows are
    ranked by ``measure`` ("likelihood_ratio" or "pmi"). This is
    :meth:`framelab.tokens.TextTotals.collocations` of the texts' totals, which a large corpus
    adds up partition by partition.

    Returns
    -------
    DataFrame
        Columns ``bigram``, ``count``, ``pmi``, ``likelihood_ratio``.
    """
    if measure not in MEASURES:
        raise ParameterError(f"measure={measure!r}; use 'likelihood_ratio' or 'pmi'")
    return TextTotals.of(texts, analyzer=analyzer).collocations(min_count=min_count, top=top,
                                                                measure=measure)
