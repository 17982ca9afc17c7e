"""KWIC concordances and collocations."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
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
    texts = sentences["text_norm"].tolist()
    columns = ["doc_id", "outlet", "sentence_id", "start", "end", "left", "match", "right"]
    if _JOINT in query or any(_JOINT in t for t in texts):
        found = [(i, m) for i, text in enumerate(texts) for m in pattern.finditer(text)]
        rows = [(i, m.start(), m.end(), m.group(), texts[i], 0) for i, m in found]
    else:
        rows = _joined_matches(pattern, texts)
    if not rows:
        return pd.DataFrame([], columns=columns)
    doc_ids, outlets, sids, offsets = (sentences[c].tolist()
                                       for c in ("doc_id", "outlet", "sentence_id", "start"))
    out = []
    for i, start, end, match, text, at in rows:
        # ``text`` holds the sentence from ``at`` on: the context is cut at its edges
        lo, hi = start - at, end - at
        out.append((doc_ids[i], outlets[i], sids[i], offsets[i] + lo, offsets[i] + hi,
                    text[max(at, start - window):start], match,
                    text[end:min(end + window, at + len(texts[i]))]))
    return pd.DataFrame(out, columns=columns)


#: Joins the sentences :func:`kwic` searches at once: no query pattern matches across it (it
#: is neither a word character nor a separator), and to either side it reads as the edge of
#: the text. Texts that hold it are searched one by one.
_JOINT = "\x00"


def _joined_matches(pattern: re.Pattern[str], texts: list[str]
                    ) -> list[tuple[int, int, int, str, str, int]]:
    """Matches of ``pattern`` in each of ``texts``, from one search over the texts joined by
    :data:`_JOINT`: (text, start, end, match, joined string, where the text begins in it),
    offsets into the joined string."""
    joined = _JOINT.join(texts)
    begins = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    found = list(pattern.finditer(joined))
    which = np.searchsorted(begins, [m.start() for m in found], side="right") - 1
    return [(int(i), m.start(), m.end(), m.group(), joined, int(begins[i]))
            for i, m in zip(which.tolist(), found)]


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
