"""Sentence alignment inside a pair of documents, and what changed between the two sides.

Used by :mod:`framelab.reuse` (steps 2 and 3 of the reuse analysis; ``docs/reuse.md``).
:func:`align_passages` matches the sentences of two documents one to one, in any order, by
TF-IDF cosine of content words (paraphrase) and the longest run of identical tokens (verbatim
copy). :func:`passage_changes` lists the codebook labels, reporting verbs, actors and direct
quotations that differ between the two sides of each aligned passage, using
:mod:`framelab.codebook` and :func:`framelab.framing.quote_spans`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer

from ..codebook import resolve_codebook
from ..corpus import check_sentence_texts, release_memory, sentence_texts
from ..errors import ParameterError, check_columns
from ..framing import is_reporting_use, quote_spans
from ..tokens import Analyzer, Token
from ._sentence_pairs import QuoteTest, aligned_sentence_pairs

if TYPE_CHECKING:
    from ..codebook import Codebook

__all__ = ["CHANGES", "CHANGE_COLUMNS", "PASSAGE_COLUMNS", "align_passages", "passage_changes"]

log = logging.getLogger(__name__)

#: ``reuse_passages`` (the output contract), then extra columns.
PASSAGE_COLUMNS = ["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "similarity",
                   "kind", "text_a", "text_b",
                   "passage_index", "sentence_a", "sentence_b", "longest_run", "layer"]
#: ``reuse_changes`` (the output contract), then ``detail``.
CHANGE_COLUMNS = ["doc_a", "doc_b", "passage_index", "change", "before", "after", "detail",
                  "layer"]
#: Every value of ``reuse_changes.change``.
CHANGES = ("label_swap", "label_dropped", "label_added", "verb_changed", "verb_dropped",
           "verb_added", "actor_changed", "actor_dropped", "actor_added", "quote_dropped",
           "quote_trimmed", "quote_added")

T = TypeVar("T")

_SENT_REQUIRED = ("doc_id", "sentence_id", "start", "end")
_CONTENT = Analyzer()  # content words (stop words dropped) for TF-IDF




def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _rows_in(table: pd.DataFrame, column: str, values: Collection[object]) -> pd.DataFrame:
    """The rows of ``table`` whose ``column`` is in ``values``: ``table`` itself when that is
    every row (selecting rows copies the data of string columns: the whole sentence table's
    texts, when every document is asked for)."""
    mask = table[column].isin(values)
    return table if bool(mask.all()) else table[mask]


def _check_unit(name: str, value: float, low: float = 0.0, high: float = 1.0) -> None:
    if not low <= value <= high:
        raise ParameterError(f"{name}={value!r}: use a value between {low} and {high}")


class _Space:
    """TF-IDF vectors (content words) of sentences and their rows per document: ``doc_ids``
    and ``texts`` (``text_norm``) of each row. The texts are kept as one Arrow string array
    (a list of Python strings would be the sentences' texts a second time, and larger)."""

    def __init__(self, doc_ids: pd.Series, texts: list[str]) -> None:
        self.doc_ids = doc_ids.reset_index(drop=True)
        text_of, distinct = pd.factorize(np.array([*texts, ""], dtype=object)[:-1])
        if not any(_CONTENT(t) for t in distinct):
            self.X = sparse.csr_matrix((len(texts), 1))
        elif (text_of < 0).any():  # a missing text: the vectorizer says what is wrong
            vectorizer = TfidfVectorizer(analyzer=_CONTENT, sublinear_tf=True, dtype=np.float64)
            self.X = vectorizer.fit_transform(texts).tocsr()
        else:
            # TfidfVectorizer's counts of each distinct text (copied sentences recur), one row
            # per sentence, then its weights: the same matrix, entry for entry
            counts = CountVectorizer(analyzer=_CONTENT, dtype=np.float64).fit_transform(
                list(distinct)).tocsr()[text_of]
            self.X = TfidfTransformer(sublinear_tf=True).fit(counts).transform(
                counts, copy=False).tocsr()
        del text_of, distinct
        self.texts = pd.Series(texts, dtype="str")
        self.rows = self.doc_ids.groupby(self.doc_ids, sort=False).indices

    @classmethod
    def of(cls, sentences: pd.DataFrame, documents: pd.DataFrame | None,
           rows: np.ndarray | None = None) -> _Space:
        """The space of rows ``rows`` (positions; all if None) of ``sentences``, whose
        ``text_norm`` is read from ``documents`` when the table has none."""
        ids = sentences["doc_id"] if rows is None else sentences["doc_id"].iloc[rows]
        return cls(ids, list(sentence_texts(sentences, documents, "text_norm", rows)))


# --- 2. passage alignment ----------------------------------------------------------------

def _outermost(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans, key=lambda x: (x[0], -x[1])):
        if out and s < out[-1][1]:
            continue
        out.append((s, e))
    return out


def _document_quotes(documents: pd.DataFrame | None, wanted: Collection[str] | None = None
                     ) -> dict[str, list[tuple[int, int]]]:
    """Outermost direct quotations (offsets into text_norm) of the documents (``wanted``
    only, if given), each text read on its own (no copy of the wanted documents' texts)."""
    if documents is None:
        return {}
    return {d: _outermost(quote_spans(t))
            for d, t in zip(documents["doc_id"], documents["text_norm"])
            if wanted is None or d in wanted}


def _longest_run(ta: list[Token], tb: list[Token]) -> tuple[int, int, int]:
    """Longest run of identical tokens: (start in a, start in b, length)."""
    if not ta or not tb:
        return 0, 0, 0
    m = SequenceMatcher(None, [t.text for t in ta], [t.text for t in tb], autojunk=False)
    a, b, size = m.find_longest_match(0, len(ta), 0, len(tb))
    return a, b, size


def align_passages(
    candidates: pd.DataFrame,
    sentences: pd.DataFrame,
    *,
    documents: pd.DataFrame | None = None,
    threshold: float = 0.3,
    min_run: int = 8,
    verbatim_run: int = 10,
    quote_run: int = 4,
    min_cosine: float = 0.1,
) -> pd.DataFrame:
    """Align the sentences of each candidate pair one to one, in any order.

    Every sentence of ``doc_a`` is compared with every sentence of ``doc_b`` by TF-IDF cosine
    of content words (IDF from all of ``sentences``) and by the longest run of identical
    tokens (stop words kept). A sentence pair is *aligned* when its cosine is at least
    ``threshold``, or its longest run is at least ``min_run`` tokens (a copied phrase), or a
    run of at least ``quote_run`` tokens lies inside a direct quotation (a shared quote), and
    its cosine is at least ``min_cosine`` in every case. Aligned pairs are
    matched greedily, most similar first, each sentence used at most once.

    A passage is ``verbatim`` when it is aligned by a run (``verbatim_run`` tokens, or a shared
    quote of ``quote_run``), else ``paraphrase``.

    Parameters
    ----------
    candidates : DataFrame
        From :func:`candidate_pairs` (``doc_a``, ``doc_b``).
    sentences : DataFrame
        The sentence table (usually :func:`framelab.corpus.body` of it), with or without
        its ``text`` and ``text_norm`` (:func:`framelab.corpus.without_texts`: then they are
        read from ``documents``).
    documents : DataFrame, optional
        The documents table; needed for the shared-quote rule (quotation marks are found
        with :func:`framelab.framing.quote_spans` on the whole text), and for sentences
        without their texts.
    threshold : float
        TF-IDF cosine for a paraphrase alignment.
    min_run : int
        Identical consecutive tokens that align two sentences whatever their cosine.
    verbatim_run : int
        Identical consecutive tokens that make a passage verbatim.
    quote_run : int
        Identical consecutive tokens inside a quotation that make a passage verbatim.
    min_cosine : float
        Sentence pairs below this cosine are not searched for runs (speed).

    Returns
    -------
    DataFrame
        Columns :data:`PASSAGE_COLUMNS`: offsets into each document's text, similarity
        (cosine), kind, the sentences as written; ``passage_index`` numbers the passages
        of a pair by their position in ``doc_a``; ``longest_run`` is in tokens; ``layer``
        is ``shingle`` (this order-free alignment; :func:`framelab.rewrite.align_rewrites`
        gives ``rewrite`` passages in the same columns).
    """
    check_columns(candidates, ("doc_a", "doc_b"), "candidates")
    check_columns(sentences, _SENT_REQUIRED, "sentences")
    check_sentence_texts(sentences, documents)
    _check_unit("threshold", threshold)
    if min(min_run, verbatim_run, quote_run) < 1:
        raise ParameterError(f"min_run={min_run}, verbatim_run={verbatim_run}, quote_run="
                             f"{quote_run}: runs are counted in tokens and must be at least 1")
    if candidates.empty:
        return _empty(PASSAGE_COLUMNS)
    wanted = set(candidates["doc_a"]) | set(candidates["doc_b"])
    # the rows of the wanted documents by position: only the columns the vectors need are
    # copied (the texts as written are taken for the aligned rows alone)
    pos = np.flatnonzero(sentences["doc_id"].isin(wanted).to_numpy())
    space = _Space.of(sentences, documents, None if len(pos) == len(sentences) else pos)
    doc_a = np.array(candidates["doc_a"].tolist() + [None], dtype=object)[:-1]
    doc_b = np.array(candidates["doc_b"].tolist() + [None], dtype=object)[:-1]
    quoted = QuoteTest(sentences["start"].to_numpy(np.int64)[pos],
                       _document_quotes(documents, wanted), doc_a, doc_b)
    kept = aligned_sentence_pairs(space.X, space.rows, space.texts, doc_a,
                                  doc_b, threshold=threshold, min_run=min_run,
                                  verbatim_run=verbatim_run, quote_run=quote_run,
                                  min_cosine=min_cosine, quoted=quoted)
    del space
    if len(kept["pair"]) == 0:
        frame = pd.DataFrame([], columns=PASSAGE_COLUMNS)
    else:
        frame = _passage_frame(sentences, documents, pos, candidates.reset_index(drop=True),
                               kept)
    release_memory()  # the batches' tokens and products
    return frame.astype({c: "int64" for c in ("start_a", "end_a", "start_b", "end_b",
                                                "passage_index", "longest_run")})


def _passage_frame(sent: pd.DataFrame, documents: pd.DataFrame | None, pos: np.ndarray,
                   candidates: pd.DataFrame, kept: dict[str, np.ndarray]) -> pd.DataFrame:
    """``reuse_passages`` rows of the kept sentence pairs, numbered by position in ``doc_a``;
    ``kept``'s rows are rows ``pos`` of ``sent`` (texts read from ``documents`` if ``sent``
    has none)."""
    starts, ends = sent["start"].to_numpy(), sent["end"].to_numpy()
    pair = kept["pair"]
    order = np.lexsort((kept["i"], starts[pos[kept["row_a"]]], pair))
    pair, a, b = pair[order], pos[kept["row_a"][order]], pos[kept["row_b"][order]]
    first = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    index = np.arange(len(pair)) - np.repeat(first, np.diff(np.r_[first, len(pair)]))
    kinds = pd.Series(["paraphrase", "verbatim"])
    columns = {
        "doc_a": _take(candidates["doc_a"], pair), "doc_b": _take(candidates["doc_b"], pair),
        "start_a": starts[a], "end_a": ends[a], "start_b": starts[b], "end_b": ends[b],
        "similarity": np.array([round(c, 6) for c in kept["cosine"][order].tolist()],
                               dtype=np.float64),
        "kind": _take(kinds, kept["verbatim"][order].astype(np.int64)),
        "text_a": _texts_at(sent, documents, a), "text_b": _texts_at(sent, documents, b),
        "passage_index": index,
        "sentence_a": _take(sent["sentence_id"], a), "sentence_b": _take(sent["sentence_id"], b),
        "longest_run": kept["run"][order], "layer": _take(pd.Series(["shingle"]),
                                                          np.zeros(len(pair), dtype=np.int64))}
    return pd.DataFrame(columns, columns=PASSAGE_COLUMNS)


def _texts_at(sent: pd.DataFrame, documents: pd.DataFrame | None, at: np.ndarray) -> object:
    """The ``text`` of rows ``at`` of ``sent``, typed as ``_take`` types them."""
    if "text" in sent.columns:
        return _take(sent["text"], at)
    return pd.array(list(sentence_texts(sent, documents, "text", at)), dtype="str")


def _take(values: pd.Series, at: np.ndarray) -> object:
    """``values`` at positions ``at``, typed as a frame types a list of those elements: a
    column of pandas' default string type is taken as it is (fast), anything else as a list.
    """
    if values.dtype == pd.Series(["x"]).dtype and not values.isna().any():
        return values.array.take(at)
    return values.to_numpy(dtype=object)[at].tolist()


# --- 3. what changed ---------------------------------------------------------------------

_LAYER_CHANGES = {"label": ("label_swap", "label_dropped", "label_added"),
                  "verb": ("verb_changed", "verb_dropped", "verb_added")}


def _diff_layer(ma: list, mb: list) -> tuple[list, list]:
    """Matches of ``ma`` whose key is missing (as many times) from ``mb``, and vice versa.

    Within a key, matches worded alike on both sides cancel first, so what is left is the
    wording that differs.
    """
    def extra(x: list, y: list) -> list:
        keys: dict[str, int] = {}
        terms: dict[tuple[str, str], int] = {}
        for m in y:
            keys[m.key] = keys.get(m.key, 0) + 1
            terms[(m.key, m.term)] = terms.get((m.key, m.term), 0) + 1
        used = set()
        for n, m in enumerate(x):  # same key, same wording
            if terms.get((m.key, m.term), 0) > 0:
                terms[(m.key, m.term)] -= 1
                keys[m.key] -= 1
                used.add(n)
        out = []
        for n, m in enumerate(x):  # same key, other wording
            if n in used:
                continue
            if keys.get(m.key, 0) > 0:
                keys[m.key] -= 1
            else:
                out.append(m)
        return out
    return extra(ma, mb), extra(mb, ma)


def _matches(codebook: Codebook, text: str) -> dict[str, list]:
    found = codebook.matcher.find(text, layers=("label", "verb", "actor"))
    labels = [m for m in found if m.layer == "label"]
    verbs = [m for m in found if m.layer == "verb" and is_reporting_use(text, m.start)]
    actors = [m for m in found if m.layer == "actor"]
    # an actor named by a label ("rebel groups") is reported as a label, not as an actor
    named = [m for m in actors
             if not any(lab.start < m.end and m.start < lab.end for lab in labels)]
    return {"label": labels, "verb": verbs, "actor": actors, "named": named}


def _actor_changes(ma: dict[str, list], mb: dict[str, list]) -> tuple[list, list]:
    """First mention of each actor named on one side only (label-named actors excluded)."""
    def only(x: dict[str, list], y: dict[str, list]) -> list:
        present = {m.key for m in y["actor"]}
        first: dict[str, object] = {}
        for m in x["named"]:
            if m.key not in present:
                first.setdefault(m.key, m)
        return list(first.values())
    return only(ma, mb), only(mb, ma)


def _describe(codebook: Codebook, layer: str, key: str) -> str:
    if layer == "label":
        return codebook.labels[key].family if key in codebook.labels else ""
    if layer == "verb":
        return codebook.verb_class(key)
    return codebook.actors[key].name if key in codebook.actors else key


_ALL_WORDS = Analyzer(stop_words=None)  # the tokens of tokenize(text, stop_words=None)


def _quote_words(text: str) -> set[str]:
    return set(_ALL_WORDS.words(text))


class _Memo(Generic[T]):
    """A pure function of a string, computed once per distinct string (the same sentences
    and quotations come back in many passages); forgets everything past ``limit`` strings."""

    def __init__(self, fn: Callable[[str], T], limit: int = 200_000) -> None:
        self.fn, self.limit = fn, limit
        self.memo: dict[str, T] = {}

    def __call__(self, text: str) -> T:
        if text in self.memo:
            return self.memo[text]
        if len(self.memo) >= self.limit:
            self.memo.clear()
        out = self.memo[text] = self.fn(text)
        return out


def passage_changes(
    passages: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    codebook: Codebook | str | Path | None = None,
    min_quote_overlap: float = 0.5,
) -> pd.DataFrame:
    """What differs between the two sides of each aligned passage.

    Per layer of the codebook (labels, reporting verbs, actors), the matches of one side that
    the other side lacks are paired in reading order: a label of side a replaced by another
    label on side b is a ``label_swap`` ("rebel groups" -> "terrorist group"), a reporting verb
    replaced is ``verb_changed`` ("said" -> "claimed"); what is left unpaired is
    ``*_dropped`` (only on side a) or ``*_added`` (only on side b). Verb forms after a
    determiner ("the stated mission") are not reporting verbs
    (:func:`framelab.framing.is_reporting_use`). Actors compare as sets: an actor mentioned on
    one side only is ``actor_dropped`` / ``actor_added``, and when exactly one actor goes and
    one comes it is ``actor_changed``; an actor named only by a label ("rebel groups") is
    left to the label layer. A direct quotation (:func:`framelab.framing.quote_spans`) of side
    a is ``quote_dropped`` when no quotation of side b shares at least ``min_quote_overlap``
    of the words of the shorter of the two, ``quote_trimmed`` when one does but keeps less
    than ``min_quote_overlap`` of its words; the reverse of a drop is ``quote_added``.

    Parameters
    ----------
    passages : DataFrame
        From :func:`align_passages`.
    documents : DataFrame
        The documents table (``doc_id``, ``text``, ``text_norm``).
    codebook : Codebook, str or Path, optional
        A :class:`framelab.codebook.Codebook` or a YAML path; the shipped default when None
        or "".

    Returns
    -------
    DataFrame
        Columns :data:`CHANGE_COLUMNS` (``layer`` copied from the passage, else
        ``shingle``). ``before``/``after`` are the words as written (""
        on the side that lacks them); ``detail`` gives label families ("legitimising ->
        delegitimising"), verb classes, actor names, or for a dropped quote whether its
        words survive unquoted on the other side.
    """
    check_columns(passages, ("doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b",
                        "passage_index"), "passages")
    check_columns(documents, ("doc_id", "text", "text_norm"), "documents")
    _check_unit("min_quote_overlap", min_quote_overlap)
    if passages.empty:
        return _empty(CHANGE_COLUMNS)
    cb = resolve_codebook(codebook)
    # the texts of the passages' documents only, read one by one (not the whole corpus's)
    ids = set(passages["doc_a"].astype(str)) | set(passages["doc_b"].astype(str))
    norm, text = {}, {}
    for d, t, n in zip(documents["doc_id"], documents["text"], documents["text_norm"]):
        if d in ids:
            norm[d], text[d] = n, t
    quotes = _document_quotes(documents, ids)
    matches = _Memo(lambda seg: _matches(cb, seg))
    quote_words = _Memo(_quote_words)
    rows: list[tuple] = []
    layers: list[str] = []
    has_layer = "layer" in passages.columns
    diffs: dict[tuple[str, str], tuple[list, list, list]] = {}
    fields = ["doc_a", "doc_b", "start_a", "end_a", "start_b", "end_b", "passage_index"]
    columns = [passages[c].tolist() for c in fields]
    columns.append(passages["layer"].tolist() if has_layer else ["shingle"] * len(passages))
    for p in map(_Passage._make, zip(*columns)):
        n_before = len(rows)
        sides = []
        for doc, start, end in ((str(p.doc_a), int(str(p.start_a)), int(str(p.end_a))),
                                (str(p.doc_b), int(str(p.start_b)), int(str(p.end_b)))):
            seg = norm[doc][start:end]
            sides.append((doc, start, seg, _clip(quotes.get(doc, []), start, end)))
        (da, sa, seg_a, qa), (db, sb, seg_b, qb) = sides
        if (seg_a, seg_b) not in diffs:  # what differs depends only on the two texts
            if len(diffs) >= 200_000:
                diffs.clear()
            ma, mb = matches(seg_a), matches(seg_b)
            diffs[(seg_a, seg_b)] = ([_diff_layer(ma[layer], mb[layer])
                                      for layer in _LAYER_CHANGES], *_actor_changes(ma, mb))
        layer_diffs, gone, came = diffs[(seg_a, seg_b)]
        if not (qa or qb or gone or came or any(x or y for x, y in layer_diffs)):
            continue  # nothing differs
        for (layer, (swap, dropped, added)), (only_a, only_b) in zip(_LAYER_CHANGES.items(),
                                                                     layer_diffs):
            for x, y in zip(only_a, only_b):
                rows.append((p.doc_a, p.doc_b, p.passage_index, swap,
                             text[da][sa + x.start:sa + x.end], text[db][sb + y.start:sb + y.end],
                             f"{_describe(cb, layer, x.key)} -> {_describe(cb, layer, y.key)}"))
            n = min(len(only_a), len(only_b))
            for x in only_a[n:]:
                rows.append((p.doc_a, p.doc_b, p.passage_index, dropped,
                             text[da][sa + x.start:sa + x.end], "", _describe(cb, layer, x.key)))
            for y in only_b[n:]:
                rows.append((p.doc_a, p.doc_b, p.passage_index, added, "",
                             text[db][sb + y.start:sb + y.end], _describe(cb, layer, y.key)))
        if len(gone) == 1 and len(came) == 1:
            x, y = gone[0], came[0]
            rows.append((p.doc_a, p.doc_b, p.passage_index, "actor_changed",
                         text[da][sa + x.start:sa + x.end], text[db][sb + y.start:sb + y.end],
                         f"{_describe(cb, 'actor', x.key)} -> {_describe(cb, 'actor', y.key)}"))
        else:
            rows += [(p.doc_a, p.doc_b, p.passage_index, "actor_dropped",
                      text[da][sa + x.start:sa + x.end], "", _describe(cb, "actor", x.key))
                     for x in gone]
            rows += [(p.doc_a, p.doc_b, p.passage_index, "actor_added", "",
                      text[db][sb + y.start:sb + y.end], _describe(cb, "actor", y.key))
                     for y in came]
        for (src_doc, src_q, dst_doc, dst_q, change, dst_seg) in (
                (da, qa, db, qb, "quote_dropped", norm[db][p.start_b:p.end_b]),
                (db, qb, da, qa, "quote_added", norm[da][p.start_a:p.end_a])):
            dst_words = [(quote_words(norm[dst_doc][s:e]), (s, e)) for s, e in dst_q]
            for s, e in src_q:
                words = quote_words(norm[src_doc][s:e])
                if not words:
                    continue
                shared = [(len(words & w) / len(words), len(words & w) / max(1, min(len(w),
                           len(words))), span) for w, span in dst_words]
                if any(whole >= min_quote_overlap for whole, _, _ in shared):
                    continue
                quote = text[src_doc][s:e]
                part = [span for _, small, span in shared if small >= min_quote_overlap]
                if part and change == "quote_dropped":
                    kept = text[dst_doc][part[0][0]:part[0][1]]
                    rows.append((p.doc_a, p.doc_b, p.passage_index, "quote_trimmed", quote,
                                 kept, (f"the other side quotes {len(quote_words(kept))} "
                                        f"of {len(words)} words")))
                    continue
                if part:  # the reverse of a trimmed quotation, already reported
                    continue
                kept_share = len(words & quote_words(dst_seg)) / len(words)
                detail = (f"{kept_share:.0%} of its words appear unquoted on the other side"
                          if kept_share >= min_quote_overlap
                          else "its words are not on the other side")
                rows.append((p.doc_a, p.doc_b, p.passage_index, change,
                             quote if change == "quote_dropped" else "",
                             quote if change == "quote_added" else "", detail))
        layers += [str(p.layer)] * (len(rows) - n_before)
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS[:-1]).assign(layer=layers)
    del norm, text, quotes, matches, quote_words, diffs, rows, layers
    release_memory()  # the texts read and the memos of matches
    return frame.astype({"passage_index": "int64"})


class _Passage(NamedTuple):
    doc_a: str
    doc_b: str
    start_a: int
    end_a: int
    start_b: int
    end_b: int
    passage_index: int
    layer: str


def _clip(spans: Sequence[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """Quotations overlapping ``[start, end)``, cut to it."""
    return [(max(s, start), min(e, end)) for s, e in spans if s < end and start < e]
