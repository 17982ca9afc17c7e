"""Tokens with offsets, document-term matrices, KWIC concordances and collocations.

One regular expression does the tokenizing: multiword expressions first (so "Hayat
Tahrir al-Sham" is one token whatever its spacing or hyphens), then dotted acronyms ("U.S."),
then words of two or more characters with inner hyphens ("de-escalation"). Text is lowercased
before matching; offsets always index the string that was passed in.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .errors import ParameterError

__all__ = [
    "Token",
    "DTM",
    "STOP_WORDS",
    "KEEP_WORDS",
    "DEFAULT_MWES",
    "Analyzer",
    "tokenize",
    "token_table",
    "TOKEN_COLUMNS",
    "dtm_from_tokens",
    "document_term_matrix",
    "count_terms",
    "stack_dtms",
    "prune_terms",
    "align_columns",
    "kwic",
    "collocations",
]

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


#: Columns of :func:`token_table`: the position of the text in the input, the token (lowercased,
#: canonical form) and its ``[start, end)`` offsets into that text.
TOKEN_COLUMNS = ["text", "token", "start", "end"]


def _token_frame(text: np.ndarray, codes: np.ndarray, vocabulary: np.ndarray,
                 start: np.ndarray, end: np.ndarray) -> pd.DataFrame:
    token = pd.Categorical.from_codes(codes, categories=pd.Index(vocabulary, dtype=object))
    return pd.DataFrame({"text": text.astype(np.int64), "token": token,
                         "start": start.astype(np.int64), "end": end.astype(np.int64)},
                        copy=False)


def token_table(
    texts: Iterable[str],
    *,
    stop_words: frozenset[str] | None = STOP_WORDS,
    mwes: Iterable[str] = DEFAULT_MWES,
) -> pd.DataFrame:
    """Every token of every text with its offsets, as one table (columns
    :data:`TOKEN_COLUMNS`); the rows are those of :func:`tokenize` on each text in turn.

    The ``token`` column is categorical and its categories are the sorted vocabulary, so
    :func:`dtm_from_tokens` turns the table into the texts' document-term matrix (equal to
    :func:`count_terms`) without a second pass over the text.

    The texts are scanned as :func:`count_terms` scans them, many at once (see :func:`_scan`),
    and offsets come from numpy rather than from a match object per token. Texts that
    contain the joint are tokenized one by one with :func:`tokenize`.
    """
    texts = list(texts)
    mwes = tuple(mwes)
    analyzer = Analyzer(mwes=mwes, stop_words=stop_words)
    scan = _scan(analyzer, texts, offsets=True)
    if scan is not None:
        assert scan.starts is not None and scan.ends is not None
        return _token_frame(scan.rows, scan.codes, scan.vocabulary, scan.starts, scan.ends)
    rows = [(i, tok.text, tok.start, tok.end) for i, t in enumerate(texts)
            for tok in tokenize(t, stop_words=stop_words, mwes=mwes)]
    found = np.array([r[1] for r in rows], dtype=object)
    codes, vocabulary = pd.factorize(found, sort=True)
    return _token_frame(np.array([r[0] for r in rows], dtype=np.int64), codes,
                        np.asarray(vocabulary, dtype=object),
                        np.array([r[2] for r in rows], dtype=np.int64),
                        np.array([r[3] for r in rows], dtype=np.int64))


#: Characters of text scanned at once: large enough that the per-scan overhead vanishes,
#: small enough that the match strings of one scan stay in the CPU caches and are freed
#: before the next.
_SCAN_CHARS = 1 << 20


def _batches(texts: list[str]) -> Iterable[tuple[int, list[str]]]:
    """Consecutive runs of ``texts`` of about :data:`_SCAN_CHARS` characters, with the
    position of their first text."""
    first, size = 0, 0
    for i, text in enumerate(texts):
        size += len(text) + len(_TEXT_SEP)
        if size >= _SCAN_CHARS:
            yield first, texts[first:i + 1]
            first, size = i + 1, 0
    if first < len(texts):
        yield first, texts[first:]


@dataclass(frozen=True)
class _Scan:
    """The kept tokens of a batch of texts: the text and vocabulary column of each (in text
    order), the sorted vocabulary, and the ``[start, end)`` offsets when asked for."""

    rows: np.ndarray
    codes: np.ndarray
    vocabulary: np.ndarray
    starts: np.ndarray | None = None
    ends: np.ndarray | None = None


def _scan(analyzer: Analyzer, texts: list[str], *, offsets: bool) -> _Scan | None:
    """Tokens of ``texts`` from scans over the texts joined by :data:`_TEXT_SEP`, about a
    megabyte at a time (see :data:`_SCAN_CHARS`); None when a text contains the joint.

    Each scan's matches are factorised and their distinct strings given global numbers, so a
    match string is resolved (canonical form, stop word) once per call. With ``offsets``
    the scanning pattern is used (see :func:`_compile`): its matches cover every run of word
    characters once and in order, so a match begins where the run after those of the
    matches before it begins (:func:`_run_starts`) and ends its length later. No match
    object is made per token.
    """
    if not texts or any(_JOINT in t for t in texts):
        return None
    pattern: re.Pattern[str] = analyzer._scanner if offsets else analyzer._pattern  # type: ignore[attr-defined]
    number: dict[str, int] = {}  # distinct match -> global number
    codes, rows, starts, ends = [], [], [], []
    for first, batch in _batches(texts):
        low = _lower(_TEXT_SEP.join(batch))
        found = pattern.findall(low)
        local, uniques = pd.factorize(np.fromiter(found, dtype=object, count=len(found)))
        del found
        ids = np.fromiter((number.setdefault(u, len(number)) for u in uniques),
                          dtype=np.int64, count=len(uniques))
        joint = (uniques == _JOINT)[local]
        which = np.cumsum(joint)  # the text of each match, within the batch
        codes.append(ids[local])
        rows.append(which + first)
        if offsets:
            n_runs = np.fromiter((1 if u.isalnum() else len(_RUN.findall(u)) for u in uniques),
                                 dtype=np.int64, count=len(uniques))[local]
            run_starts = _run_starts(low)
            if len(run_starts) != n_runs.sum():
                raise RuntimeError("framelab bug: the token scan lost its place among the "
                                   "word runs; please report it with the text")
            began = run_starts[np.cumsum(n_runs) - n_runs]
            lengths = np.fromiter(map(len, uniques), dtype=np.int64, count=len(uniques))
            text_at = np.cumsum([0] + [len(t) + len(_TEXT_SEP) for t in batch[:-1]])[which]
            starts.append(began - text_at)
            ends.append(began + lengths[local] - text_at)
    normal = np.array([analyzer.normal(u) if len(u) > 1 and u != _JOINT else ""
                       for u in number], dtype=object)
    lookup, vocabulary = _vocabulary_codes(normal)
    all_codes = lookup[np.concatenate(codes)]
    keep = all_codes >= 0
    return _Scan(np.concatenate(rows)[keep], all_codes[keep], vocabulary,
                 np.concatenate(starts)[keep] if offsets else None,
                 np.concatenate(ends)[keep] if offsets else None)


def dtm_from_tokens(table: pd.DataFrame, n_texts: int) -> DTM:
    """The document-term matrix of a :func:`token_table` of ``n_texts`` texts: equal to
    :func:`count_terms` on the same texts and settings (unigrams)."""
    token = table["token"]
    if not isinstance(token.dtype, pd.CategoricalDtype):
        raise ParameterError("dtm_from_tokens needs the table token_table returns (its "
                             "'token' column is categorical); pass that table unchanged")
    vocabulary = np.asarray(token.cat.categories, dtype=object)
    X = sparse.csr_matrix((np.ones(len(table), dtype=np.int64),
                           (table["text"].to_numpy(), token.cat.codes.to_numpy())),
                          shape=(n_texts, len(vocabulary)))
    X.sum_duplicates()
    return DTM(X, vocabulary.astype(str))


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


@dataclass(frozen=True)
class DTM:
    """A document-term matrix.

    Attributes
    ----------
    X : sparse matrix of shape (n_texts, n_terms)
        Term counts (int64, CSR).
    vocabulary : ndarray of str of shape (n_terms,)
        The term of each column, sorted.
    """

    X: sparse.csr_matrix
    vocabulary: np.ndarray

    def frame(self, index: Sequence[str] | None = None) -> pd.DataFrame:
        """Return the matrix as a (dense) DataFrame; for small corpora and inspection."""
        return pd.DataFrame(self.X.toarray(), index=None if index is None else list(index),
                            columns=self.vocabulary)


def document_term_matrix(
    texts: Iterable[str],
    *,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    ngram_range: tuple[int, int] = (1, 1),
    stop_words: frozenset[str] | None = STOP_WORDS,
    mwes: Iterable[str] = DEFAULT_MWES,
    max_features: int | None = None,
) -> DTM:
    """Count tokens of each text into a sparse document-term matrix.

    The result equals scikit-learn's ``CountVectorizer(analyzer=Analyzer(...))`` (sorted
    vocabulary, same pruning), but counting runs in C (``pandas.factorize`` and a sparse
    constructor) instead of a Python loop per token. ``min_df``/``max_df`` prune rare and
    common terms (ints are document counts, floats are shares of the texts); ``max_features``
    keeps the most frequent terms (ties broken alphabetically). When pruning leaves no term
    the error says how many terms and texts there were and what to change.
    """
    counts = count_terms(texts, ngram_range=ngram_range, stop_words=stop_words, mwes=mwes)
    return prune_terms(counts, min_df=min_df, max_df=max_df, max_features=max_features)


def count_terms(
    texts: Iterable[str],
    *,
    ngram_range: tuple[int, int] = (1, 1),
    stop_words: frozenset[str] | None = STOP_WORDS,
    mwes: Iterable[str] = DEFAULT_MWES,
) -> DTM:
    """Term counts of each text before any pruning (sorted vocabulary).

    The per-partition half of :func:`document_term_matrix`: count partitions separately,
    :func:`stack_dtms` them, then :func:`prune_terms` the whole, and the result equals
    :func:`document_term_matrix` on all texts at once.
    """
    analyzer = Analyzer(mwes=tuple(mwes), stop_words=stop_words, ngram_range=ngram_range)
    texts = list(texts)
    n_texts = len(texts)
    scan = _scan(analyzer, texts, offsets=False) if ngram_range[1] == 1 else None
    if scan is not None:
        rows, codes, uniques = scan.rows, scan.codes, scan.vocabulary
    else:
        token_lists = [analyzer.raw(t) if ngram_range[1] == 1 else analyzer(t) for t in texts]
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=n_texts)
        flat = np.fromiter(itertools.chain.from_iterable(token_lists), dtype=object,
                           count=int(lengths.sum()))
        rows = np.repeat(np.arange(n_texts, dtype=np.int64), lengths)
        if ngram_range[1] == 1:
            raw_codes, normal = _resolve_raw(analyzer, flat)
            # vocabulary: the distinct canonical forms, sorted; stop words ("") left out
            lookup, uniques = _vocabulary_codes(normal)
            kept = (lookup >= 0)[raw_codes]
            codes, rows = lookup[raw_codes[kept]], rows[kept]
        else:
            codes, uniques = pd.factorize(flat, sort=True)
    uniques = np.asarray(uniques, dtype=object)
    X = sparse.csr_matrix((np.ones(len(codes), dtype=np.int64), (rows, codes)),
                          shape=(n_texts, len(uniques)))
    X.sum_duplicates()
    return DTM(X, uniques.astype(str))


def stack_dtms(parts: Sequence[DTM]) -> DTM:
    """The rows of several matrices one after the other, over the union of their (sorted)
    vocabularies."""
    if not parts:
        return DTM(sparse.csr_matrix((0, 0), dtype=np.int64), np.array([], dtype=str))
    vocabulary = np.unique(np.concatenate([p.vocabulary.astype(object) for p in parts])) \
        .astype(str)
    blocks = []
    for part in parts:
        cols = np.searchsorted(vocabulary, part.vocabulary)
        coo = part.X.tocoo()
        blocks.append(sparse.csr_matrix((coo.data, (coo.row, cols[coo.col])),
                                        shape=(part.X.shape[0], len(vocabulary))))
    X = sparse.vstack(blocks, format="csr", dtype=np.int64)
    X.sort_indices()
    return DTM(X, vocabulary)


def align_columns(dtm: DTM, vocabulary: np.ndarray) -> sparse.csr_matrix:
    """``dtm``'s counts in the columns of ``vocabulary`` (sorted): terms it lacks count 0,
    terms not in ``vocabulary`` are dropped. For transforming new texts with a fitted model."""
    vocabulary = np.asarray(vocabulary).astype(str)
    pos = np.searchsorted(vocabulary, dtm.vocabulary)
    pos_in = np.minimum(pos, max(len(vocabulary) - 1, 0))
    found = (pos < len(vocabulary)) & (vocabulary[pos_in] == dtm.vocabulary) \
        if len(vocabulary) else np.zeros(len(dtm.vocabulary), dtype=bool)
    coo = dtm.X.tocoo()
    keep = found[coo.col]
    X = sparse.csr_matrix((coo.data[keep], (coo.row[keep], pos[coo.col[keep]])),
                          shape=(dtm.X.shape[0], len(vocabulary)), dtype=np.int64)
    X.sort_indices()
    return X


def prune_terms(dtm: DTM, *, min_df: int | float = 1, max_df: int | float = 1.0,
                max_features: int | None = None) -> DTM:
    """Drop rare and common terms (see :func:`document_term_matrix`)."""
    X, uniques = dtm.X, dtm.vocabulary
    n_texts = X.shape[0]
    doc_freq = np.bincount(X.indices, minlength=X.shape[1])
    low = min_df if isinstance(min_df, (int, np.integer)) else min_df * n_texts
    high = max_df if isinstance(max_df, (int, np.integer)) else max_df * n_texts
    keep = (doc_freq >= low) & (doc_freq <= high)
    if max_features is not None and keep.sum() > max_features:
        totals = np.asarray(X.sum(axis=0)).ravel()
        ranked = np.flatnonzero(keep)[np.argsort(-totals[keep], kind="stable")]
        keep = np.zeros_like(keep)
        keep[ranked[:max_features]] = True
    if not keep.any():
        raise ParameterError(
            f"min_df={min_df}, max_df={max_df} keep no term: {len(uniques)} distinct terms in "
            f"{n_texts} texts before pruning. Lower min_df, raise max_df, use smaller units "
            "or add documents")
    columns = np.flatnonzero(keep)
    vocabulary = uniques[columns].astype(str)
    return DTM(X[:, columns].tocsr(), vocabulary)


def _phrase_pattern(query: str) -> re.Pattern[str]:
    words = [w for w in re.split(_SEP, query.strip()) if w]
    if not words:
        raise ParameterError("kwic query is empty; give a word or phrase")
    body = _SEP.join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def kwic(sentences: pd.DataFrame, query: str, *, window: int = 60) -> pd.DataFrame:
    """Keyword-in-context lines for a word or phrase (case-insensitive, any spacing/hyphen).

    Parameters
    ----------
    sentences : DataFrame
        A sentence table (``doc_id``, ``outlet``, ``sentence_id``, ``start``, ``text_norm``).
    query : str
        A word or phrase.
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
    ranked by ``measure`` ("likelihood_ratio" or "pmi").

    Returns
    -------
    DataFrame
        Columns ``bigram``, ``count``, ``pmi``, ``likelihood_ratio``.
    """
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

    if measure not in ("likelihood_ratio", "pmi"):
        raise ParameterError(f"measure={measure!r}; use 'likelihood_ratio' or 'pmi'")
    analyzer = analyzer or Analyzer()
    finder = BigramCollocationFinder.from_documents(analyzer.words(t) for t in texts)
    finder.apply_freq_filter(min_count)
    pmi = dict(finder.score_ngrams(BigramAssocMeasures.pmi))
    llr = dict(finder.score_ngrams(BigramAssocMeasures.likelihood_ratio))
    rows = [(" ".join(bg), int(finder.ngram_fd[bg]), pmi[bg], llr[bg]) for bg in pmi]
    frame = pd.DataFrame(rows, columns=["bigram", "count", "pmi", "likelihood_ratio"])
    return (frame.sort_values([measure, "bigram"], ascending=[False, True])
            .head(top).reset_index(drop=True))
