"""The tokenizer: stop words, multiword expressions, dotted acronyms and hyphenated words.

One regular expression does the tokenizing: multiword expressions first (so "Hayat
Tahrir al-Sham" is one token whatever its spacing or hyphens), then dotted acronyms ("U.S."),
then words of two or more characters with inner hyphens ("de-escalation"). Text is lowercased
before matching; offsets always index the string that was passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ..errors import ParameterError
from ._memos import forgets

__all__ = ['KEEP_WORDS', 'STOP_WORDS', 'DEFAULT_MWES', 'Token', 'Analyzer', 'tokenize']

#: Words scikit-learn calls stop words that carry meaning in news about states and conflict:
#: "us" is also the country once lowercased; negations and "against" carry stance.
KEEP_WORDS = frozenset(
    "us not no nor never none nothing nobody neither without cannot against above below "
    "under over down up off back across behind beyond".split()
)


STOP_WORDS = frozenset(ENGLISH_STOP_WORDS - KEEP_WORDS)


#: Multiword expressions kept whole by default (canonical form, lowercase). The codebook adds
#: its own multiword aliases and labels to these (see ``Codebook`` in ``framelab.codebook``).
DEFAULT_MWES = (
    "hayat tahrir al-sham", "jabhat al-nusra", "nusra front", "al qaeda", "islamic state",
    "united states", "united nations", "white house", "state department", "security council",
    "national security council", "national security adviser", "syrian army",
    "bashar al-assad", "free syrian army", "syrian democratic forces", "armed opposition",
    "government forces", "middle east", "prime minister", "foreign minister",
    "defense ministry", "defence ministry", "foreign ministry", "human rights", "civil war",
    "de-escalation",
)


_WORD = r"\w\w+(?:-\w+)*|\w(?:-\w+)+"


_ACRONYM = r"(?:[^\W\d_]\.){2,}"


_SEP = r"[\s\-]+"


_WORD_CHAR = re.compile(r"\w")


_RUN = re.compile(r"\w+")


class Token(NamedTuple):
    """One token: its (lowercased, canonical) text and ``[start, end)`` offsets."""

    text: str
    start: int
    end: int


def _mwe_key(phrase: str) -> str:
    return re.sub(_SEP, " ", _lower(phrase.strip()))


_SEP_MARK = "\x00"  # stands for a separator run inside the MWE trie


#: Joins texts scanned at once. The pattern reads it as a word of its own (ASCII, so the
#: joined string stays compact, and caseless), which tells the text of every other token; no
#: phrase or token reaches across it. Texts that contain it are scanned one by one.
_JOINT = "_0_9_0_9_0_"


_TEXT_SEP = f" {_JOINT} "


def _trie_regex(node: dict) -> str:
    """Regex of a character trie: one first-character test per position, longest match first."""
    branches = []
    for char in sorted(k for k in node if k):
        head = _SEP if char == _SEP_MARK else re.escape(char)
        branches.append(head + _trie_regex(node[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _mwe_trie(mwes: tuple[str, ...]) -> tuple[dict, dict[str, str]]:
    """Character trie of the multiword expressions (separator runs as :data:`_SEP_MARK`, a
    leaf as key "") and MWE key -> canonical form."""
    canon: dict[str, str] = {}
    for phrase in mwes:
        key = _mwe_key(phrase)
        if key and " " in key:
            canon.setdefault(key, _lower(phrase.strip()))
    trie: dict = {}
    for key in canon:
        node = trie
        for char in key.replace(" ", _SEP_MARK):
            node = node.setdefault(char, {})
        node[""] = {}
    return trie, canon


def _plain_pattern(trie: dict) -> str:
    """The token pattern in its plain form: expressions, then words, then acronyms, tried at
    the first character of a word. :func:`_compile` compiles an equivalent, faster form."""
    mwe = rf"{_trie_regex(trie)}\b|" if trie else ""
    return rf"(?=\w)(?:{mwe}{_WORD}|{_ACRONYM})"


def _mwe_after_first(trie: dict) -> str:
    """The expression branch of the token pattern, entered after the first character of a
    word has been consumed.

    Its alternatives are keyed by the expressions' second character, as literals the engine
    rejects with one comparison each; a look-behind on the first two characters then picks
    the expressions that start with that pair. (A second character that is a separator is
    checked the other way round.) Most words are thus turned away after one comparison per
    distinct second character, with no look-around at all.
    """
    by_second: dict[str, list[str]] = {}
    for first in sorted(trie):
        if not _WORD_CHAR.match(first):  # the plain form's (?=\w) never lets it start
            continue
        for second in sorted(k for k in trie[first] if k):
            tail = _trie_regex(trie[first][second])
            if second == _SEP_MARK:
                by_second.setdefault(second, []).append(
                    f"(?<={re.escape(first)}){_SEP}{tail}")
            else:
                by_second.setdefault(second, []).append(
                    f"(?<={re.escape(first + second)}){tail}")
    branches = []
    for second, alternatives in sorted(by_second.items()):
        body = "|".join(alternatives)
        branches.append(body if second == _SEP_MARK else f"{re.escape(second)}(?:{body})")
    return rf"(?:{'|'.join(branches)})\b|" if branches else ""


@lru_cache(maxsize=32)
def _compile(mwes: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """The token pattern, the scanning pattern and MWE key -> canonical form.

    Both patterns are :func:`_plain_pattern` rewritten to begin with one ``\\w``: the regex
    engine then skips the characters between words in a tight loop instead of trying the
    whole pattern at each of them, and every branch goes on from the consumed character.
    Multiword expressions are a character trie rather than an alternation of phrases, with
    greedy optional tails for longest-match-first semantics.

    The scanning pattern also matches, as a last resort, the single word character where no
    token starts (a one-letter word such as "a"). Its matches therefore cover every run of
    word characters exactly once and in order, which is what lets :func:`token_table` place
    tokens by counting runs (see :func:`_run_starts`). Real tokens are at least two
    characters long, so the one-character matches are told apart by their length.
    """
    trie, canon = _mwe_trie(mwes)
    # possessive quantifiers: nothing follows a word or acronym in the pattern, so giving
    # characters back could never help a match, and the engine need not save its place
    body = (rf"{_mwe_after_first(trie)}\w++(?:-\w++)*+|(?:-\w++)++"
            rf"|(?<=[^\W\d_])\.(?:[^\W\d_]\.)++")
    return re.compile(rf"\w(?:{body})"), re.compile(rf"\w(?:{body}|)"), canon


_ALIASES = {"u.s.": "us", "u.s.a.": "us"}


def _lower(text: str) -> str:
    """``text`` lowercased, of the same length: "İ" (U+0130), the one character whose
    lowercase is two characters ("i" and a combining dot, which would split the word),
    becomes "i". Offsets into the lowercase are offsets into ``text``."""
    return text.replace("\u0130", "i").lower()


def _canonical(raw: str, canon: dict[str, str]) -> str:
    """Canonical token of a lowercased match: MWE spelling unified, "u.s." -> "us"."""
    alias = _ALIASES.get(raw)
    if alias is not None:
        return alias
    if " " in raw or "-" in raw or not raw.isprintable():
        return canon.get(_mwe_key(raw), raw)
    return raw


@dataclass(frozen=True)
class Analyzer:
    """Callable turning a text into a list of token strings; picklable for process pools.

    Parameters
    ----------
    mwes : tuple of str
        Multiword expressions kept as one token.
    stop_words : frozenset of str or None
        Tokens dropped after matching.
    ngram_range : (int, int)
        Word n-grams joined by a space, from ``min_n`` to ``max_n``.
    """

    mwes: tuple[str, ...] = DEFAULT_MWES
    stop_words: frozenset[str] | None = STOP_WORDS
    ngram_range: tuple[int, int] = (1, 1)

    def __post_init__(self) -> None:
        lo, hi = self.ngram_range
        if not 1 <= lo <= hi:
            raise ParameterError(f"ngram_range={self.ngram_range}: need 1 <= min_n <= max_n")
        pattern, scanner, canon = _compile(self.mwes)
        object.__setattr__(self, "_pattern", pattern)
        object.__setattr__(self, "_scanner", scanner)
        object.__setattr__(self, "_canon", canon)
        object.__setattr__(self, "_memo", {})
        forgets(self)  # release_memory empties the memo

    def __getstate__(self) -> dict:
        return {"mwes": self.mwes, "stop_words": self.stop_words,
                "ngram_range": self.ngram_range}

    def __setstate__(self, state: dict) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)
        self.__post_init__()

    def raw(self, text: str) -> list[str]:
        """Lowercased matches of ``text`` (see :func:`_lower`) before canonical forms and
        stop words."""
        return self._pattern.findall(_lower(text))  # type: ignore[attr-defined]

    def normal(self, raw: str) -> str:
        """The token a raw match stands for: its canonical form, or "" for a stop word."""
        token = _canonical(raw, self._canon)  # type: ignore[attr-defined]
        return "" if self.stop_words and token in self.stop_words else token

    def words(self, text: str) -> list[str]:
        """Unigram tokens of ``text`` (stop words removed)."""
        found = self.raw(text)
        memo: dict[str, str] = self._memo  # type: ignore[attr-defined]
        if len(memo) > 200_000:  # bound the memory of long streams
            memo.clear()
        for raw in set(found).difference(memo):
            memo[raw] = self.normal(raw)
        return [token for raw in found if (token := memo[raw])]

    def __call__(self, text: str) -> list[str]:
        words = self.words(text)
        lo, hi = self.ngram_range
        if hi == 1:
            return words
        grams = list(words) if lo == 1 else []
        for n in range(max(lo, 2), hi + 1):
            grams.extend(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
        return grams


def _resolve_raw(analyzer: Analyzer, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorise raw matches: the code of every match and the token each distinct match
    stands for ("" for a stop word), resolved once per distinct match, not per match."""
    codes, uniques = pd.factorize(flat)
    return codes, np.array([analyzer.normal(u) for u in uniques], dtype=object)


def _vocabulary_codes(normal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The column of each distinct match (-1 for "") and the sorted vocabulary."""
    kept = normal != ""
    term_codes, vocabulary = pd.factorize(normal[kept], sort=True)
    lookup = np.full(len(normal), -1, dtype=np.int64)
    lookup[kept] = term_codes
    return lookup, np.asarray(vocabulary, dtype=object)


@lru_cache(maxsize=1)
def _ascii_word_chars() -> np.ndarray:
    return np.array([_WORD_CHAR.match(chr(c)) is not None for c in range(128)])


def _run_starts(text: str) -> np.ndarray:
    """Offsets where a run of word characters (``re``'s ``\\w``) begins in ``text``,
    computed in numpy over the code points."""
    if text.isascii():
        word = _ascii_word_chars()[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    else:
        points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        high = points >= 128
        word = np.zeros(len(points), dtype=bool)
        word[~high] = _ascii_word_chars()[points[~high]]
        distinct = np.unique(points[high])
        is_word = np.fromiter((_WORD_CHAR.match(chr(c)) is not None for c in distinct),
                              dtype=bool, count=len(distinct))
        word[high] = np.isin(points[high], distinct[is_word])
    begins = word.copy()
    begins[1:] &= ~word[:-1]
    return np.flatnonzero(begins)


def tokenize(
    text: str,
    *,
    stop_words: frozenset[str] | None = STOP_WORDS,
    mwes: Iterable[str] = DEFAULT_MWES,
) -> list[Token]:
    """Tokenize ``text`` into lowercased tokens with offsets into ``text``.

    Parameters
    ----------
    text : str
        Usually a normalised text (``text_norm``); offsets index this string.
    stop_words : frozenset of str or None
        Tokens to drop (default :data:`STOP_WORDS`); ``None`` keeps every token.
    mwes : iterable of str
        Multiword expressions kept whole, matched across spaces and hyphens.

    Returns
    -------
    list of Token
        ``text[token.start:token.end]`` is the token as written.
    """
    pattern, _, canon = _compile(tuple(mwes))
    lowered = _lower(text)
    out = []
    for match in pattern.finditer(lowered):
        token = _canonical(match.group(), canon)
        if stop_words is None or token not in stop_words:
            out.append(Token(token, match.start(), match.end()))
    return out
