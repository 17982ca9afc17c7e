"""One-pass phrase matching for the codebook: an Aho-Corasick automaton and its reference.

:class:`Matcher` compiles every phrase of every layer into **one** automaton, so counting is one
pass per text over the whole codebook, or one pass per batch of texts such as the sentences of
a document (:meth:`Matcher.find_many`, :meth:`Matcher.count_many`). :func:`reference_matches`
is the slow per-phrase regular-expression specification it is tested against. The matching
rules and the overlap policy are described in :mod:`framelab.codebook` and ``docs/codebook.md``.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import ahocorasick

__all__ = ["Match", "Matcher", "Term", "reference_matches", "term_key"]

_SEP_RUN = re.compile(r"[\s\-]+")
_SPACE_RUN = re.compile(r" {2,}")
#: What ``[\s\-]`` matches (``str.isspace`` is the definition of ``\s`` for str patterns).
_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + \
    "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_SEP_TABLE = str.maketrans(dict.fromkeys(_SPACES + "-", " "))
_SEP_CHARS = frozenset(map(chr, _SEP_TABLE))
_WORD_RUN = re.compile(r"\w*")


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


def _isword(char: str) -> bool:
    return char.isalnum() or char == "_"


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # a few characters ("İ") lowercase to two characters
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


def _collapse(key: str) -> tuple[str, list[int] | None, list[int]]:
    """``key`` with every run of spaces made one space, and the map back (None: unchanged).

    Position ``p`` of the result is ``p + shifts[bisect_right(cpos, p) - 1]`` in ``key``.
    """
    a = key.find("  ")
    if a < 0:
        return key, None, []
    cpos, shifts, pieces, last, removed = [0], [0], [], 0, 0
    while a >= 0:
        b = _SPACE_RUN.match(key, a).end()  # type: ignore[union-attr]
        pieces.append(key[last:a + 1])
        last = b
        cpos.append(a - removed + 1)
        removed += b - a - 1
        shifts.append(removed)
        a = key.find("  ", b)
    pieces.append(key[last:])
    return "".join(pieces), cpos, shifts


class _Table(dict[int, str]):
    """``str.translate`` table: separators to a space, word characters and ``keep`` unchanged,
    any other character to ``fill``; filled in on first sight of each character."""

    def __init__(self, keep: str, fill: str) -> None:
        super().__init__()
        self._keep, self._fill = frozenset(keep), fill
        #: The same for ASCII text as a ``bytes.translate`` table.
        self.ascii = bytes(ord(self[code]) for code in range(128)) + bytes(range(128, 256))

    def __missing__(self, code: int) -> str:
        char = chr(code)
        out = " " if char in _SEP_CHARS else char if _isword(char) or char in self._keep \
            else self._fill
        self[code] = out
        return out


#: An automaton value item ``(a, neg, rank, entry)``: a hit whose last character is ``last``
#: in the padded key puts the phrase at ``last - a`` in the text, ``-neg`` characters long.
#: ``neg == 0`` marks a phrase that needs a look (:meth:`Matcher._accept`, ``_neg``).
_Item = tuple[int, int, int, int]
#: A candidate ``(start, layer rank, -length, entry)``: sorting gives the resolution order.
_Cand = tuple[int, int, int, int]
_Tail = tuple[str, str, str] | None  # (layer, key, term) of an entry's matches
_Pair = tuple[str, str] | None  # (layer, key) of an entry's matches
_new_match: Any = tuple.__new__  # Match without its Python-level __new__


def _automaton(table: dict[str, list[_Item]]) -> Any:
    auto = ahocorasick.Automaton()
    for word, items in table.items():
        auto.add_word(word, tuple(items))
    auto.make_automaton()
    return auto


def _context_free(phrase: str) -> bool:
    """True when ``phrase`` lowercases the same in any text ("Σ" and "İ" may not)."""
    return all(len(c.lower()) == 1 and c != "\u03a3" for c in phrase)


class Matcher:
    """All phrases of a codebook in one Aho-Corasick automaton (see the module docstring).

    The automaton checks word boundaries itself: the text is padded with a filler character,
    every character that is neither a word character nor in some phrase becomes the filler,
    and a phrase is added once per boundary character it may have before (after) it, so only
    word-bounded occurrences hit. A case-sensitive phrase is added in lower case and each hit
    is compared with the text as written (a phrase whose lower case depends on its context,
    with "Σ" or "İ", goes to a second automaton run on the text as written instead).

    Parameters
    ----------
    entries : sequence of (layer, key, Term)
        Phrases in codebook order; ``key`` is what a match maps to (actor id, label name, ...;
        ``""`` for phrases that only block others, such as ``label_ignore``).
    """

    def __init__(self, entries: Sequence[tuple[str, str, Term]]) -> None:
        self._entries = [(layer, key, term) for layer, key, term in entries]
        self.layers = tuple(dict.fromkeys(layer for layer, _, _ in self._entries))
        ranked = sorted(self.layers)  # sorting by rank sorts by layer name
        rank = {layer: r for r, layer in enumerate(ranked)}
        self._nranks = len(ranked)
        self._outputs: dict[frozenset[str] | None, tuple[list[_Tail], list[_Pair]]] = {}
        keys = [term_key(t.text, case_sensitive=True) if t.case_sensitive else t.key
                for _, _, t in self._entries]
        keep = "".join(sorted({c for k in keys for c in k + k.lower()
                               if not _isword(c) and c != " "}))
        fill = next((c for c in map(chr, range(32)) if c not in keep and c not in _SEP_CHARS),
                    "")
        if not fill:
            raise ValueError(f"the phrases use every control character ({keep!r}); the "
                             "matcher needs one that is in no phrase")
        self._fill, self._table = fill, _Table(keep, fill)
        self._bounds = " " + fill + keep
        #: entry -> (phrase as written to compare with, or ""; length; prefix) for neg == 0
        self._special: dict[int, tuple[str, int, bool]] = {}
        main: dict[str, list[_Item]] = {}
        cased: dict[str, list[_Item]] = {}
        for i, ((layer, _, term), k) in enumerate(zip(self._entries, keys)):
            direct = term.case_sensitive and not _context_free(k)
            check = term.case_sensitive and not direct
            if term.prefix or check:
                self._special[i] = (k if check else "", len(k), term.prefix)
            self._add(cased if direct else main, k.lower() if check else k, term.prefix,
                      (len(k), 0 if i in self._special else -len(k), rank[layer], i))
        self._auto = _automaton(main) if main else None
        self._cased = _automaton(cased) if cased else None
        self._written = self._cased is not None or any(c for c, _, _ in self._special.values())

    def _add(self, table: dict[str, list[_Item]], k: str, prefix: bool, item: _Item) -> None:
        """Add phrase ``k`` with each boundary character it needs before and after it."""
        a, neg, rank, i = item
        for head in self._bounds if _isword(k[0]) else [""]:
            for tail in self._bounds if _isword(k[-1]) and not prefix else [""]:
                table.setdefault(head + k + tail, []).append((a + len(tail), neg, rank, i))

    def __len__(self) -> int:
        return len(self._entries)

    def _scan(self, texts: Sequence[str]) -> tuple[list[_Cand], list[int] | None, list[int]]:
        """Sorted candidates in the texts joined by the filler, offsets with separators
        collapsed, and the map back to offsets into the joined text (:func:`_collapse`)."""
        fill, written, text = self._fill, "", self._fill.join(texts)
        if text.isascii():  # lower() and the table commute on ASCII: one translation
            key, cpos, shifts = _collapse(
                text.encode("ascii").translate(self._table.ascii).decode("ascii"))
            if self._written:
                written = fill + key + fill
            key = fill + key.lower() + fill
        else:  # each text lowercased alone, as find() does
            key, cpos, shifts = _collapse(fill.join(map(_lower, texts)).translate(self._table))
            key = fill + key + fill
            if self._written:
                written = fill + _collapse(text.translate(self._table))[0] + fill
        out = self._hits(self._auto, key, written) if self._auto is not None else []
        if self._cased is not None:
            out += self._hits(self._cased, written, written)
        out.sort()
        return out, cpos, shifts

    def _hits(self, auto: Any, key: str, written: str) -> list[_Cand]:
        """The candidate of every hit of ``auto`` in ``key``."""
        accept, neg_of = self._accept, self._neg
        return [(last - a, rank, neg or neg_of(key, last, a, i), i)
                for last, items in auto.iter(key) for a, neg, rank, i in items
                if neg or accept(written, last, a, i)]

    def _accept(self, written: str, last: int, a: int, i: int) -> bool:
        """False for a hit of a case-sensitive phrase that is written otherwise in the text."""
        cased, size, _ = self._special[i]
        return not cased or written[last - a + 1:last - a + 1 + size] == cased

    def _neg(self, key: str, last: int, a: int, i: int) -> int:
        """``-length`` of a hit; a prefix phrase extends to the end of its word."""
        _, size, prefix = self._special[i]
        if not prefix:
            return -size
        return last - a + 1 - _WORD_RUN.match(key, last + 1).end()  # type: ignore[union-attr]

    def _per_entry(self, layers: Collection[str] | None) -> tuple[list[_Tail], list[_Pair]]:
        """Per entry, ``(layer, key, term)`` and ``(layer, key)`` of its matches, or None for
        ignore-only entries and entries outside ``layers`` (cached per set of layers)."""
        wanted = None if layers is None else frozenset(layers)
        if wanted not in self._outputs:
            tails = [(layer, key, term.text) if key and (wanted is None or layer in wanted)
                     else None for layer, key, term in self._entries]
            self._outputs[wanted] = tails, [t and t[:2] for t in tails]
        return self._outputs[wanted]

    def candidates(self, text: str) -> list[tuple[int, int, int]]:
        """Every occurrence of every phrase, overlaps included: ``(start, end, entry)``.

        Sorted by start, then layer, longest first, then entry (codebook order).
        """
        cands, cpos, shifts = self._scan((text,))
        if cpos is None:
            return [(start, start - neg, i) for start, _, neg, i in cands]
        at = bisect.bisect_right
        return [(start + shifts[at(cpos, start) - 1],
                 start - neg + shifts[at(cpos, start - neg - 1) - 1], i)
                for start, _, neg, i in cands]

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
        cands, cpos, shifts = self._scan((text,))
        tails, edge, out = self._per_entry(layers)[0], [-1] * self._nranks, []
        for start, rank, neg, i in cands:  # by start, layer, longest, codebook order
            if start >= edge[rank]:
                end = edge[rank] = start - neg
                tail = tails[i]
                if tail is not None:
                    out.append(_new_match(Match, (start, end) + tail))
        if cpos is None:
            return out
        at = bisect.bisect_right
        return [_new_match(Match, (m[0] + shifts[at(cpos, m[0]) - 1],
                                   m[1] + shifts[at(cpos, m[1] - 1) - 1]) + m[2:]) for m in out]

    def find_many(self, texts: Sequence[str], *, layers: Collection[str] | None = None
                  ) -> list[list[Match]]:
        """:meth:`find` on each text, in one automaton pass over them all.

        Equal to ``[self.find(t, layers=layers) for t in texts]``, but faster for short texts
        such as the sentences of a document: the texts are searched joined by the matcher's
        filler character, which is in no phrase and no word character, so no match runs from
        one text into the next. Offsets are into each text.

        Parameters
        ----------
        texts : sequence of str
            Normalised texts.
        layers : collection of str, optional
            Keep only these layers (all by default).

        Returns
        -------
        list of list of Match
            One list per text, as :meth:`find` returns it.
        """
        if not texts:
            return []
        cands, cpos, shifts = self._scan(texts)
        tails, edge = self._per_entry(layers)[0], [-1] * self._nranks
        out: list[list[Match]] = [[] for _ in texts]
        found, base, nxt, j = out[0], 0, len(texts[0]) + 1, 0
        at = bisect.bisect_right
        for start, rank, neg, i in cands:
            if start < edge[rank]:
                continue
            end = edge[rank] = start - neg
            tail = tails[i]
            if tail is None:
                continue
            if cpos is not None:
                start += shifts[at(cpos, start) - 1]
                end += shifts[at(cpos, end - 1) - 1]
            while start >= nxt:  # the match is in a later text
                j, base = j + 1, nxt
                nxt, found = nxt + len(texts[j]) + 1, out[j]
            found.append(_new_match(Match, (start - base, end - base) + tail))
        return out

    def count(self, text: str, *, layers: Collection[str] | None = None) -> Counter[tuple[str, str]]:
        """``Counter`` of ``(layer, key)`` over the resolved matches of ``text``."""
        return self.count_many([text], layers=layers)

    def count_many(self, texts: Sequence[str], *, layers: Collection[str] | None = None
                   ) -> Counter[tuple[str, str]]:
        """``Counter`` of ``(layer, key)`` over the resolved matches of all ``texts``.

        Equal to the sum of :meth:`count` over the texts, in one pass as :meth:`find_many`,
        without building :class:`Match` objects.
        """
        cands = self._scan(texts)[0]
        pairs, edge, won = self._per_entry(layers)[1], [-1] * self._nranks, []
        for start, rank, neg, i in cands:
            if start >= edge[rank]:
                edge[rank] = start - neg
                won.append(i)
        return Counter(filter(None, map(pairs.__getitem__, won)))

    @property
    def entries(self) -> list[tuple[str, str, Term]]:
        """The phrases as given: ``(layer, key, Term)`` in codebook order."""
        return list(self._entries)


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
