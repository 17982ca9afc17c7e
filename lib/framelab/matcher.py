"""One-pass phrase matching for the codebook: an Aho-Corasick automaton and its reference.

:class:`Matcher` compiles every phrase of every layer into **one** automaton, so counting is one
pass per text over the whole codebook. :func:`reference_matches` is the slow per-phrase
regular-expression specification it is tested against. The matching rules and the overlap
policy are described in :mod:`framelab.codebook` and ``docs/codebook.md``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import ahocorasick

__all__ = ["Match", "Matcher", "Term", "reference_matches", "term_key"]

_SEP_RUN = re.compile(r"[\s\-]+")
_SPACE_RUN = re.compile(r" {2,}")
#: What ``[\s\-]`` matches (``str.isspace`` is the definition of ``\s`` for str patterns).
_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + \
    "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_SEP_TABLE = str.maketrans(dict.fromkeys(_SPACES + "-", " "))
def term_key(text: str, *, case_sensitive: bool = False) -> str:
    """Matching key of a phrase: separators collapsed to one space, lowercased unless cased."""
    key = _SEP_RUN.sub(" ", text.strip().removesuffix("*")).strip()
    return key if case_sensitive else key.lower()


@dataclass(frozen=True)
class Term:
    """One phrase of the codebook, as written, with its YAML line."""

    text: str
    case_sensitive: bool = False
    line: int = 0

    @property
    def prefix(self) -> bool:
        """True when the phrase ends in ``*`` (matches any word starting with it)."""
        return self.text.endswith("*")

    @property
    def key(self) -> str:
        """Lower-case matching key (:func:`term_key`)."""
        return term_key(self.text)


class Match(NamedTuple):
    """One match: offsets into the searched text, the layer, the key it maps to, the term."""

    start: int
    end: int
    layer: str
    key: str
    term: str


class _Entry(NamedTuple):
    layer: str
    key: str
    term: Term
    order: int
    klen: int
    wb_start: bool
    wb_end: bool
    cased: str  # case-sensitive key ("" when case-insensitive)
    prefix: bool


def _isword(char: str) -> bool:
    return char.isalnum() or char == "_"


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # a few characters ("İ") lowercase to two characters
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


def _prepare(text: str) -> tuple[str, list[int], list[int]]:
    """Lowercased text with separators collapsed, and the breakpoints mapping back."""
    key = _lower(text).translate(_SEP_TABLE)
    cpos, shifts = [0], [0]
    if "  " not in key:
        return key, cpos, shifts
    pieces, last, removed = [], 0, 0
    for run in _SPACE_RUN.finditer(key):
        a, b = run.span()
        pieces.append(key[last:a + 1])
        last = b
        cpos.append(a - removed + 1)
        removed += b - a - 1
        shifts.append(removed)
    pieces.append(key[last:])
    return "".join(pieces), cpos, shifts


class Matcher:
    """All phrases of a codebook in one Aho-Corasick automaton (see the module docstring).

    Parameters
    ----------
    entries : sequence of (layer, key, Term)
        Phrases in codebook order; ``key`` is what a match maps to (actor id, label name, ...;
        ``""`` for phrases that only block others, such as ``label_ignore``).
    """

    def __init__(self, entries: Sequence[tuple[str, str, Term]]) -> None:
        self._entries: list[_Entry] = []
        auto = ahocorasick.Automaton()
        table: dict[str, list[int]] = {}
        for order, (layer, key, term) in enumerate(entries):
            k = term.key
            entry = _Entry(layer, key, term, order, len(k), _isword(k[0]),
                           _isword(k[-1]) and not term.prefix,
                           term_key(term.text, case_sensitive=True) if term.case_sensitive
                           else "", term.prefix)
            table.setdefault(k, []).append(order)
            self._entries.append(entry)
        for k, ids in table.items():
            auto.add_word(k, tuple(ids))
        if table:
            auto.make_automaton()
        self._auto = auto if table else None
        self.layers = tuple(dict.fromkeys(e.layer for e in self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def candidates(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence of every phrase, overlaps included: ``(start, end, entry)``."""
        if self._auto is None or not text:
            return []
        key, cpos, shifts = _prepare(text)
        n, entries, out = len(key), self._entries, []
        plain = len(cpos) == 1
        for last, ids in self._auto.iter(key):
            for i in ids:
                e = entries[i]
                s = last - e.klen + 1
                if e.wb_start and s > 0 and (key[s - 1].isalnum() or key[s - 1] == "_"):
                    continue
                end = last + 1
                if e.prefix:
                    while end < n and (key[end].isalnum() or key[end] == "_"):
                        end += 1
                elif e.wb_end and end < n and (key[end].isalnum() or key[end] == "_"):
                    continue
                if plain:
                    ostart, oend, olast = s, end, last + 1
                else:
                    ostart = s + shifts[bisect.bisect_right(cpos, s) - 1]
                    oend = end + shifts[bisect.bisect_right(cpos, end - 1) - 1]
                    olast = last + 1 + shifts[bisect.bisect_right(cpos, last) - 1]
                if e.cased:
                    written = text[ostart:olast]
                    if written != e.cased and (written.isalnum() or
                                               _SEP_RUN.sub(" ", written) != e.cased):
                        continue
                out.append((ostart, oend, i))
        return out

    def find(self, text: str, *, layers: Collection[str] | None = None) -> list[Match]:
        """Resolved matches in ``text`` (longest-leftmost, non-overlapping per layer).

        Parameters
        ----------
        text : str
            Normalised text (``text_norm``); offsets index it.
        layers : collection of str, optional
            Keep only these layers (all by default). Ignore-only phrases are never returned.

        Returns
        -------
        list of Match
            Sorted by start, then layer.
        """
        per_layer: dict[str, list[tuple[int, int, int]]] = {}
        for ostart, oend, i in self.candidates(text):
            layer = self._entries[i].layer
            if layers is None or layer in layers:
                per_layer.setdefault(layer, []).append((ostart, -(oend - ostart), i))
        out = []
        for layer, cands in per_layer.items():
            cands.sort()
            edge = -1
            for ostart, neg, i in cands:
                if ostart >= edge:
                    edge = ostart - neg
                    e = self._entries[i]
                    if e.key:
                        out.append(Match(ostart, edge, layer, e.key, e.term.text))
        out.sort(key=lambda m: (m.start, m.layer))
        return out

    def count(self, text: str, *, layers: Collection[str] | None = None) -> Counter[tuple[str, str]]:
        """``Counter`` of ``(layer, key)`` over the resolved matches of ``text``."""
        return Counter((m.layer, m.key) for m in self.find(text, layers=layers))

    @property
    def entries(self) -> list[tuple[str, str, Term]]:
        """The phrases as given: ``(layer, key, Term)`` in codebook order."""
        return [(e.layer, e.key, e.term) for e in self._entries]


@lru_cache(maxsize=4096)
def _phrase_regex(term: Term) -> re.Pattern[str]:
    words = _SEP_RUN.split(term.text.strip().removesuffix("*").strip())
    body = r"[\s\-]+".join(re.escape(w) for w in words if w)
    head = r"(?<!\w)" if _isword(words[0][0]) else ""
    tail = r"\w*" if term.prefix else (r"(?!\w)" if _isword(words[-1][-1]) else "")
    flags = 0 if term.case_sensitive else re.IGNORECASE
    return re.compile(f"(?=({head}{body}{tail}))", flags)


def reference_matches(text: str, matcher: Matcher, *,
                      layers: Collection[str] | None = None) -> list[Match]:
    """The per-phrase regular-expression reference for :meth:`Matcher.find`.

    One regular expression per phrase finds every start (overlaps included); then, per layer,
    a left-to-right scan takes at each position the longest phrase (first listed on ties) and
    jumps past it. Slow by design; it is the specification the automaton is tested against.
    """
    found: dict[str, dict[int, tuple[int, int, str, str]]] = {}
    for order, (layer, key, term) in enumerate(matcher.entries):
        if layers is not None and layer not in layers:
            continue
        best = found.setdefault(layer, {})
        for m in _phrase_regex(term).finditer(text):
            start, end = m.start(1), m.end(1)
            old = best.get(start)
            if old is None or end > old[0] or (end == old[0] and order < old[1]):
                best[start] = (end, order, key, term.text)
    out = []
    for layer, best in found.items():
        pos = -1
        for start in sorted(best):
            if start < pos:
                continue
            end, _, key, text_ = best[start]
            pos = end
            if key:
                out.append(Match(start, end, layer, key, text_))
    out.sort(key=lambda m: (m.start, m.layer))
    return out
