"""Exact shortcuts for the word-list patterns of voice tagging: ask the regex only where a
match can start.

The reporting-verb patterns (:func:`framelab.framing.VoiceTagger`'s codebook verbs and
:data:`framelab.attribution.ATTRIBUTION_VERB_PATTERN`) are one case-insensitive
alternation of phrases between ``(?<!\\w)`` and ``(?!\\w)``. Scanning a sentence with such a
pattern tries every phrase at every character, which made it the largest cost of voice
tagging. A match can only start where a word starts whose letters are the first word of one
of the phrases, so :class:`WordGate` lists the words of the text (one ``\\w+`` scan), keeps
those and calls ``pattern.match`` there only. The matches are the same objects ``finditer``
gives, in the same order (see :meth:`WordGate.finditer`); ``tests/framing/test_prefilter.py``
checks this against the plain scan.

Case: the pattern ignores case with Unicode rules, under which four non-ASCII letters match
ASCII ones (``İ ı`` match ``i``, ``ſ`` matches ``s``, the Kelvin sign ``K`` matches ``k``).
:func:`fold` maps those and ``A-Z`` to the ASCII lower-case letter, one character for one,
so offsets do not move; a test checks the list against every Unicode character.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

__all__ = ["WordGate", "fold", "word_gate"]

#: Characters an ignore-case pattern's ASCII letter matches, mapped to that letter.
_FOLD = str.maketrans({**{c: c.lower() for c in string.ascii_uppercase},
                       "\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_RUN = re.compile(r"\w+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]+")


def fold(text: str) -> str:
    """``text`` with every character that an ignore-case ASCII letter matches lower-cased to
    that letter (same length, same offsets)."""
    return text.translate(_FOLD)


class WordGate:
    """A ``(?<!\\w)(?:phrase|...)(?!\\w)`` pattern, searched only at candidate words.

    Parameters
    ----------
    pattern : re.Pattern
        The compiled pattern (ignore-case).
    first_words : iterable of str
        The lower-case first word (leading ``\\w`` run) of every phrase of the pattern.
    """

    def __init__(self, pattern: re.Pattern[str], first_words: Iterable[str]) -> None:
        self.pattern = pattern
        self.first_words = frozenset(first_words)

    def finditer(self, text: str, folded: str, lo: int, hi: int) -> list[re.Match[str]]:
        """``list(pattern.finditer(text, lo, hi))``, with ``folded = fold(text)``.

        Every match starts at a word whose folded letters are a phrase's first word (the
        phrase's first word is followed by a non-word character in the pattern, and
        ``(?<!\\w)`` puts the start at a word boundary), so trying ``pattern.match`` at those
        words, left to right and from the end of the previous match on, finds what
        ``finditer`` finds.
        """
        out: list[re.Match[str]] = []
        pos, match, first = lo, self.pattern.match, self.first_words
        for run in _RUN.finditer(folded, lo, hi):
            start = run.start()
            if start >= pos and run.group() in first:
                found = match(text, start, hi)
                if found:
                    out.append(found)
                    pos = found.end()
        return out


def word_gate(pattern: re.Pattern[str], phrases: Iterable[str]) -> WordGate | None:
    """The :class:`WordGate` of a pattern made of ``phrases``, or None when one phrase does not
    start with an ASCII word (then the gate could miss a match, and callers scan instead)."""
    firsts = set()
    for phrase in phrases:
        head = _RUN.match(phrase)
        if head is None or not _ASCII_WORD.fullmatch(head.group()):
            return None
        firsts.add(head.group().lower())
    return WordGate(pattern, firsts)
