"""Exact shortcuts for the patterns of voice tagging: ask a regex only where it can match.

The reporting-verb patterns (:func:`framelab.framing.VoiceTagger`'s codebook verbs and
:data:`framelab.attribution.ATTRIBUTION_VERB_PATTERN`) are one case-insensitive
alternation of phrases between ``(?<!\\w)`` and ``(?!\\w)``. Scanning a sentence with such a
pattern tries every phrase at every character, which made it the largest cost of voice
tagging. A match can only start where a word starts whose letters are the first word of one
of the phrases, so :class:`WordGate` lists the words of the text (one ``\\w+`` scan), keeps
those and calls ``pattern.match`` there only. The matches are the same objects ``finditer``
gives, in the same order (see :meth:`WordGate.finditer`); ``tests/framing/test_prefilter.py``
checks this against the plain scan.

The codebook's attribution cues (``label_cues``, ``sentence_cues``) are any regular
expression. :func:`literal_gate` reads a pattern's parse tree for words that every match
must contain ("called" in ``\\bso[\\s-]+called\\b``; one of "termed", "dubbed", ... for an
alternation); when none of them is in the searched stretch, the pattern is not run. A
pattern with no such words (or one the reader does not know) is always run.

Case: the patterns ignore case with Unicode rules, under which four non-ASCII letters match
ASCII ones (``İ ı`` match ``i``, ``ſ`` matches ``s``, the Kelvin sign ``K`` matches ``k``).
:func:`fold` maps those and ``A-Z`` to the ASCII lower-case letter, one character for one,
so offsets do not move; a test checks the list against every Unicode character.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

try:  # the regular-expression parser (Python 3.11+); without it patterns are simply run
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _sre = _sre_parse = None  # type: ignore[assignment]

__all__ = ["LiteralGate", "WordGate", "fold", "literal_gate", "looks_back_at_word", "word_gate",
           "words_of"]

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

    def finditer(self, text: str, folded: str, lo: int, hi: int,
                 words: Iterable[str] | None = None) -> list[re.Match[str]]:
        """``list(pattern.finditer(text, lo, hi))``, with ``folded = fold(text)`` (``words``:
        :func:`words_of` the same stretch, if at hand).

        Every match starts at a word whose folded letters are a phrase's first word (the
        phrase's first word is followed by a non-word character in the pattern, and
        ``(?<!\\w)`` puts the start at a word boundary). Those words are found with
        ``str.find`` (each occurrence that is a whole word of the stretch), and trying
        ``pattern.match`` there, left to right and from the end of the previous match on,
        finds what ``finditer`` finds.
        """
        out: list[re.Match[str]] = []
        words = words_of(folded, lo, hi) if words is None else words
        if self.first_words.isdisjoint(words):   # most stretches: no allocation
            return out
        present = self.first_words.intersection(words)
        starts = set()
        for word in present:
            at = folded.find(word, lo, hi)
            while at != -1:
                after = at + len(word)
                if ((at == lo or not _is_word(folded[at - 1]))
                        and (after == hi or not _is_word(folded[after]))):
                    starts.add(at)
                at = folded.find(word, at + 1, hi)
        pos, match = lo, self.pattern.match
        for start in sorted(starts):
            if start >= pos:
                found = match(text, start, hi)
                if found:
                    out.append(found)
                    pos = found.end()
        return out


def _is_word(char: str) -> bool:
    """``\\w`` of a ``str`` pattern (CPython's ``_sre``: alphanumeric or underscore)."""
    return char.isalnum() or char == "_"


def words_of(folded: str, lo: int, hi: int) -> list[str]:
    """The words (``\\w+`` runs) of ``folded[lo:hi]``."""
    return _RUN.findall(folded, lo, hi)


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


class LiteralGate:
    """Words of which every match of a pattern contains one (folded, see :func:`fold`)."""

    def __init__(self, pattern: re.Pattern[str], words: Iterable[str]) -> None:
        self.pattern = pattern
        self.words = tuple(sorted(set(words)))

    def anywhere(self, folded: str) -> bool:
        """False when no match can lie anywhere in the text (``folded = fold(text)``)."""
        return any(map(folded.__contains__, self.words))

    def possible(self, folded: str, lo: int, hi: int) -> bool:
        """False when no match can lie in ``text[lo:hi]`` (``folded = fold(text)``)."""
        return any(folded.find(word, lo, hi) != -1 for word in self.words)


def _required(items: Any) -> set[str] | None:
    """Strings one of which every match of the parsed sequence ``items`` contains, or None.

    Each run of literal characters is such a set of one; an alternation gives the union of
    its branches' sets (None if a branch has none); a group or a repetition of at least one
    gives its body's. Of the candidates the most selective is kept (the longest shortest
    string, then the fewest strings).
    """
    candidates: list[set[str]] = []
    run: list[str] = []

    def close() -> None:
        if run:
            candidates.append({"".join(run)})
            run.clear()

    for op, av in items:
        if op is _sre.LITERAL:
            run.append(chr(av))
            continue
        close()
        found: set[str] | None = None
        if op is _sre.BRANCH:
            branches = [_required(branch) for branch in av[1]]
            if all(b is not None for b in branches):
                found = set().union(*branches)  # type: ignore[arg-type]
        elif op is _sre.SUBPATTERN:
            found = _required(av[-1])
        elif op is _sre.ATOMIC_GROUP:
            found = _required(av)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            found = _required(av[2])
        if found:
            candidates.append(found)
    close()
    usable = [c for c in candidates if all(w and _ASCII_TEXT.fullmatch(w) for w in c)]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(map(len, c)), -len(c)))


_ASCII_TEXT = re.compile(r"[\x00-\x7f]+")


def literal_gate(pattern: re.Pattern[str]) -> LiteralGate | None:
    """The :class:`LiteralGate` of ``pattern``, or None when no word is required of its
    matches (or its parse tree cannot be read)."""
    if _sre_parse is None:
        return None
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
        words = _required(list(parsed))
    except Exception:  # noqa: BLE001  (an unreadable tree: run the pattern, never skip it)
        return None
    if not words:
        return None
    return LiteralGate(pattern, (fold(w) for w in words))


#: Zero-width assertions that read no character before the position they are tried at.
_FORWARD_AT = ("AT_END", "AT_END_LINE", "AT_END_STRING")
#: ... and the word boundaries, which read one: whether it is a word character.
_BOUNDARY_AT = ("AT_BOUNDARY", "AT_NON_BOUNDARY")
_LEAVES = ("LITERAL", "NOT_LITERAL", "ANY", "IN", "GROUPREF")


def _reads_only_word_before(items: Any) -> bool:
    """Whether a parsed sequence reads text before a position only as ``\\b``, ``\\B`` and
    ``(?<!\\w)`` do (one character: a word character or not); False for anything unknown."""
    for op, av in items:
        name = str(op)
        if name in _LEAVES:
            continue
        if name == "AT":
            if str(av) not in _FORWARD_AT + _BOUNDARY_AT:
                return False   # ^, \\A: the start of the string, not of the search
        elif name in ("ASSERT", "ASSERT_NOT"):
            direction, body = av
            if direction == -1:   # a look-behind: only (?<!\\w)
                if not (name == "ASSERT_NOT" and len(body) == 1 and str(body[0][0]) == "IN"
                        and [(str(o), str(a)) for o, a in body[0][1]]
                        == [("CATEGORY", "CATEGORY_WORD")]):
                    return False
            elif not _reads_only_word_before(body):
                return False
        elif name == "SUBPATTERN":
            if not _reads_only_word_before(av[-1]):
                return False
        elif name == "ATOMIC_GROUP":
            if not _reads_only_word_before(av):
                return False
        elif name == "BRANCH":
            if not all(_reads_only_word_before(branch) for branch in av[1]):
                return False
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            if not _reads_only_word_before(av[2]):
                return False
        elif name == "GROUPREF_EXISTS":
            if not all(_reads_only_word_before(part) for part in av[1:] if part is not None):
                return False
        else:
            return False
    return True


def looks_back_at_word(pattern: re.Pattern[str]) -> bool:
    """Whether a search of ``pattern`` from position ``p`` reads the text before ``p`` only
    to ask whether ``text[p - 1]`` is a word character (``\\b``, ``\\B``, ``(?<!\\w)``).

    Python's ``pattern.search(text, p)`` lets look-behinds and ``\\b`` see ``text[:p]``
    (``^`` and ``\\A`` match at the string's start only). For a pattern of which this returns
    True, the matches of a search of ``text`` from ``p`` (to any ``endpos``) are those of the
    same search of ``text[p:]`` from 0, shifted by ``p``, when ``p == 0`` or ``text[p - 1]``
    is not a word character: at position ``p`` a string's start reads as a non-word
    character, and every other position reads only characters from ``p`` on. False for a
    pattern with other look-behinds, ``^`` or ``\\A``, or one the parser cannot read.
    """
    if _sre_parse is None:
        return False
    try:
        return _reads_only_word_before(list(_sre_parse.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001  (an unreadable tree: no claim)
        return False
