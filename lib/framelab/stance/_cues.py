"""The transparent default stance scorer: cues around one target mention, all kept.

:func:`score_span` gives a score in [-1, 1] summed from cues, each kept so a reader sees why
(``"vader:brutal:-0.41;label:regime:-0.50;verb:claimed:-0.25"``): (a) distance-weighted VADER
valences of the words near the mention (not the whole sentence), with VADER's negation rule;
(b) labels from the codebook applied to the target (delegitimising / neutral / legitimising, as
the codebook's ``applies_to`` allows), reversed when scare-quoted; (c) how the outlet reports
the target as a speaker: a distancing verb ("Moscow claimed", "Damascus, however, insists")
withholds endorsement. The learned scorer (:mod:`framelab.stance`) reuses these cues as
features. Weights and their rationale are in ``docs/stance.md``.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..codebook import Codebook, CodebookArg, resolve_codebook
from ..errors import ParameterError
from ..framing import VoiceTagger, quote_spans

__all__ = ["LABELS", "CUE_WEIGHTS", "DEFAULT_THRESHOLD", "Cue", "SpanScore", "vader_lexicon",
           "score_span", "label_for"]

logger = logging.getLogger(__name__)

#: Stance labels, in the column order of every confusion matrix and of the model's classes.
LABELS = ("against", "neutral", "favor")
#: Cue weights of the default scorer (see docs/stance.md for the rationale).
CUE_WEIGHTS: dict[str, float] = {
    "vader": 0.8,                   # scale of the normalised window polarity
    "label:delegitimising": -0.5,   # "terrorist group HTS", "the Assad regime"
    "label:neutral": 0.0,           # recorded, contributes nothing
    "label:legitimising": 0.5,      # "rebels", "opposition forces"
    "scare": -0.6,                  # scare quotes reverse a label: -0.6 x its weight
    "verb:distancing": -0.25,       # the target is the speaker: "Moscow claimed"
    "verb:neutral": 0.0,            # "said", "told"
    "verb:affirming": 0.0,          # "confirmed", "admitted": endorse the words, not the speaker
}
#: |score| above this is favor/against, otherwise neutral (chosen on NewsMTSC train only).
DEFAULT_THRESHOLD = 0.05

# VADER-style tokens: words with inner apostrophes/hyphens, or one punctuation character.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
_CLAUSE_BREAKS = frozenset({";", ":"})
_VADER_WINDOW = 10       # tokens either side of the mention
_VADER_DECAY = 6.0       # weight exp(-(d - 1) / decay) at token distance d
_VADER_ALPHA = 0.5       # x / sqrt(x^2 + alpha), as VADER's normalize() with a small alpha
_LABEL_SCOPE = 8         # a label applies to a mention at most this many tokens away
_ROLE_WORDS = frozenset({"spokesman", "spokeswoman", "spokesperson", "secretary", "minister",
                         "adviser", "advisor", "official", "officials", "press", "deputy",
                         "foreign", "defense", "defence", "ministry", "national", "security",
                         "council", "gen", "general", "maj", "commander", "president"})
_SPEAKER_GAP = frozenset({",", "however", "also", "has", "have", "had", "later", "again",
                          "previously", "repeatedly", "then", "now", "still", "further",
                          "reportedly", "publicly", "officially", "on", "monday",
                          "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})


@dataclass(frozen=True)
class Cue:
    """One contribution to a default score: ``kind:text:value``."""

    kind: str
    text: str
    value: float

    def __str__(self) -> str:
        return f"{self.kind}:{self.text}:{self.value:+.2f}"


@dataclass(frozen=True)
class SpanScore:
    """A default score with every cue behind it."""

    score: float
    label: str
    cues: tuple[Cue, ...] = ()

    @property
    def cues_text(self) -> str:
        """The cues as ``"kind:text:value;..."`` (the ``cues`` column of stance_mentions)."""
        return ";".join(str(c) for c in self.cues)




@lru_cache(maxsize=1)
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_lexicon() -> dict[str, float]:
    """The VADER lexicon shipped in the ``vaderSentiment`` package (word -> valence in [-4, 4])."""
    return _analyzer().lexicon


@lru_cache(maxsize=1)
def _negations() -> tuple[frozenset[str], float]:
    """VADER's negation words and the factor a negated valence is multiplied by (-0.74)."""
    from vaderSentiment.vaderSentiment import N_SCALAR, NEGATE

    return frozenset(NEGATE), float(N_SCALAR)


@lru_cache(maxsize=4096)  # mentions of one sentence are scored one after the other
def _sentence_compound(text: str) -> float:
    return float(_analyzer().polarity_scores(text)["compound"])


def label_for(score: float, threshold: float = DEFAULT_THRESHOLD) -> str:
    """``favor`` above ``threshold``, ``against`` below ``-threshold``, else ``neutral``."""
    if score > threshold:
        return "favor"
    if score < -threshold:
        return "against"
    return "neutral"


# --- analysing one span ------------------------------------------------------------------

@dataclass
class _Span:
    tokens: list[tuple[str, int, int]]
    first: int                 # first token of the mention
    last: int                  # last token of the mention
    lo: int = -1               # tokens at or before lo are another speaker's words
    hi: int = 10**9            # tokens at or after hi are the target's own words
    speaker_verb: tuple[str, str] | None = None      # (form, class) the target speaks with
    claim_verb: tuple[str, str] | None = None        # distancing verb the target sits under
    labels: list[tuple[str, str, bool, set[int]]] = field(default_factory=list)
    skip: set[int] = field(default_factory=set)   # label and name tokens: not sentiment words
    names: set[int] = field(default_factory=set)  # tokens of other targets' names
    voice: str = "narrator"    # of the mention within its sentence (framelab.framing)
    hits: list[tuple[int, int, str, float]] | None = None   # _window, once
    sentence: _Sentence | None = None   # the analysed sentence (valences, clause breaks)
    default: SpanScore | None = None   # _default_score at the default threshold, once


def _tokenize(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _distance(first: int, last: int, i: int) -> int:
    return first - i if i < first else (i - last if i > last else 0)


def _token_ids(tokens: list[tuple[str, int, int]], start: int, end: int) -> list[int]:
    return [i for i, (_, s, e) in enumerate(tokens) if s < end and e > start]


class _Sentence:
    """One sentence analysed once for all its mentions and both scorers: tokens, voice
    tagger, codebook matches and what they make of the tokens (all read only)."""

    def __init__(self, text: str, codebook: Codebook,
                 quotes: Sequence[tuple[int, int]] | None,
                 matches: Sequence[Any] | None = None) -> None:
        """``matches``: ``codebook.matcher.find(text, layers=_LAYERS)``, if at hand."""
        self.tokens = _tokenize(text)
        # tokens do not overlap and are in order: both offsets increase strictly
        self._starts = [s for _, s, _ in self.tokens]
        self._ends = [e for _, _, e in self.tokens]
        self._ids: dict[tuple[int, int], list[int]] = {}
        self.text, self.codebook = text, codebook
        self.quotes = quote_spans(text) if quotes is None else list(quotes)
        self._tagger: VoiceTagger | None = None
        if matches is None:
            matches = codebook.matcher.find(text, layers=_LAYERS)
        self.verbs: dict[int, tuple[str, str]] = {}
        self.actors: list[tuple[int, int, str]] = []
        self.label_skip: set[int] = set()
        self.labels = [m for m in matches if m.layer == "label"]
        for m in matches:
            ids = self.ids(m.start, m.end)
            if m.layer == "verb" and ids:
                self.verbs[ids[0]] = (m.term.lower(), codebook.verb_class(m.key) or "neutral")
            elif m.layer == "actor":
                self.actors.append((m.start, m.end, m.key))
            elif m.layer == "label":
                self.label_skip.update(ids)
        self._scare: dict[tuple[int, int], bool] = {}
        self._valences: list[float] | None = None
        self._sentiment: list[int] = []
        #: clause-break tokens (``;`` ``:``) among the first k tokens, for k = 0 .. n
        self.breaks = [0, *itertools.accumulate(int(w in _CLAUSE_BREAKS)
                                                for w, _, _ in self.tokens)]

    @property
    def tagger(self) -> VoiceTagger:
        """The sentence's voice tagger (the sentence alone), made when first asked for."""
        if self._tagger is None:
            self._tagger = VoiceTagger(self.text, [(0, len(self.text))],
                                       codebook=self.codebook, quotes=self.quotes)
        return self._tagger

    @property
    def valences(self) -> list[float]:
        """VADER valence of each token ("'s" dropped when the word itself has none)."""
        if self._valences is None:
            lexicon = vader_lexicon()
            self._valences = [lexicon.get(w, lexicon.get(w.removesuffix("'s"), 0.0))
                              for w, _, _ in self.tokens]
            self._sentiment = [i for i, v in enumerate(self._valences) if v]
        return self._valences

    def sentiment(self, lo: int, hi: int) -> list[int]:
        """The tokens in ``range(lo, hi)`` with a valence, in order."""
        if self._valences is None:
            self.valences   # noqa: B018  (lists the tokens with a valence)
        ids = self._sentiment
        return ids[bisect.bisect_left(ids, lo):bisect.bisect_left(ids, hi)]

    def ids(self, start: int, end: int) -> list[int]:
        """``_token_ids(tokens, start, end)``: the tokens with ``s < end`` and ``e > start``
        are a run, found by bisection (the list is shared: do not change it)."""
        key = (start, end)
        found = self._ids.get(key)
        if found is None:
            lo = bisect.bisect_right(self._ends, start)
            hi = bisect.bisect_left(self._starts, end)
            found = self._ids[key] = list(range(lo, hi))
        return found

    def scare(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` is in scare quotes (voice tagger, once per span)."""
        key = (start, end)
        if key not in self._scare:   # scare quotes are quotations around the span
            self._scare[key] = any(qs <= start and end <= qe for qs, qe in self.quotes) \
                and self.tagger.tag(start, end).cue == "scare quotes"
        return self._scare[key]


#: The codebook layers a mention's analysis reads.
_LAYERS = ("actor", "label", "verb")
#: Sentences matched in one automaton pass (:meth:`framelab.codebook.Matcher.find_many`).
_MATCH_BATCH = 256
#: The last sentence analysed: (key, codebook, :class:`_Sentence`). Mentions of one sentence
#: are analysed one after the other, so one entry saves the tokenizing, quotation finding,
#: matching and voice tagging of all but the first.
_LAST: list[Any] = [None]


def _sentence_parts(text: str, codebook: Codebook, quotes: Sequence[tuple[int, int]] | None
                    ) -> _Sentence:
    key = (text, id(codebook), None if quotes is None else tuple(map(tuple, quotes)))
    last = _LAST[0]
    if last is not None and last[0] == key and last[1] is codebook:
        return last[2]
    sentence = _Sentence(text, codebook, quotes)
    _LAST[0] = (key, codebook, sentence)
    return sentence


def _analyse(text: str, start: int, end: int, codebook: Codebook,
             quotes: Sequence[tuple[int, int]] | None,
             others: Sequence[tuple[int, int]]) -> _Span | None:
    return _analyse_in(_sentence_parts(text, codebook, quotes), text, start, end, codebook,
                       others)


def _analyse_in(sentence: _Sentence, text: str, start: int, end: int, codebook: Codebook,
                others: Sequence[tuple[int, int]], voice: str | None = None) -> _Span | None:
    """:func:`_analyse` in a sentence analysed already (``_Sentence(text, codebook, ...)``);
    ``voice``: the span's voice in the sentence alone, if known already."""
    tokens = sentence.tokens
    inside = sentence.ids(start, end)
    if not inside:
        return None

    span = _Span(tokens, inside[0], inside[-1], sentence=sentence)
    span.voice = sentence.tagger.tag(start, end).voice if voice is None else voice
    names: list[tuple[int, int, str]] = [(s, e, "") for s, e in others] + sentence.actors
    span.skip.update(sentence.label_skip)
    own = [a for s, e, a in names if a and s < end and e > start]
    for s, e, _ in names:   # words of other names ("National Security Council") are no sentiment
        ids = [i for i in sentence.ids(s, e) if not inside[0] <= i <= inside[-1]]
        span.skip.update(ids)
        span.names.update(ids)
    _find_verbs(span, text, sentence.verbs)
    _find_labels(span, codebook, sentence,
                 [n for n in names if not (n[0] < end and n[1] > start)], own[0] if own else "")
    return span


def _gap_token(text: str, token: tuple[str, int, int]) -> bool:
    """May stand between a speaker and its verb: adverbs, titles, names, commas."""
    word, s, _ = token
    return word in _SPEAKER_GAP or word in _ROLE_WORDS or text[s].isupper()


def _find_verbs(span: _Span, text: str, verbs: dict[int, tuple[str, str]]) -> None:
    tokens, first, last = span.tokens, span.first, span.last
    # "Moscow claimed ...", "Pentagon Press Secretary Pat Ryder signaled ...": the target
    # (or its spokesperson) speaks to its right.
    for k in range(last + 1, min(len(tokens), last + 7)):
        if k in verbs:
            span.speaker_verb, span.hi = verbs[k], k
            break
        if not _gap_token(text, tokens[k]):
            break
    # '"...," said Sullivan', '... according to the State Department': it speaks to its left.
    if span.speaker_verb is None:
        for k in range(first - 1, max(-1, first - 6), -1):
            if k in verbs:
                form, _ = verbs[k]
                if form == "according to" or (k > 0 and tokens[k - 1][0] in {",", '"', "'"}):
                    span.speaker_verb, span.lo = verbs[k], k
                break
            if not (_gap_token(text, tokens[k]) or tokens[k][0] in ("the", "to")):
                break
    # "Damascus insists that the US ...": the target sits inside a claim someone makes.
    if span.speaker_verb is None:
        for k in range(first - 1, -1, -1):
            if tokens[k][0] in _CLAUSE_BREAKS:
                break
            if k in verbs and verbs[k][1] == "distancing":
                span.claim_verb = verbs[k]
                break


def _applies(codebook: Codebook, label: str, actor: str) -> bool:
    """A label names an actor unless the codebook's ``applies_to`` rules it out."""
    applies = codebook.labels[label].applies_to if label in codebook.labels else ()
    return not actor or not applies or actor in applies


def _find_labels(span: _Span, codebook: Codebook, sentence: _Sentence,
                 others: Sequence[tuple[int, int, str]], actor: str) -> None:
    """Labels naming the mention: near it, allowed by ``applies_to``, no nearer candidate."""
    tokens = span.tokens
    for m in sentence.labels:
        ids = set(sentence.ids(m.start, m.end))
        if not ids or not _applies(codebook, m.key, actor):
            continue
        other_ranges = []
        for os_, oe, other in others:
            oids = sentence.ids(os_, oe)
            if oids and _applies(codebook, m.key, other):
                other_ranges.append((oids[0], oids[-1]))
        d = min(_distance(span.first, span.last, i) for i in ids)
        if d > _LABEL_SCOPE or _breaks_between(tokens, span, min(ids), max(ids)):
            continue
        lo, hi = min(ids), max(ids)
        if any(min(_distance(a, b, i) for i in ids) < d or lo < a < span.first
               or span.last < b < hi for a, b in other_ranges):
            continue    # the label is nearer another target, or beyond it: not about this one
        family = codebook.labels[m.key].family if m.key in codebook.labels else "neutral"
        span.labels.append((m.key, family, sentence.scare(m.start, m.end), ids))


def _breaks_between(tokens: list[tuple[str, int, int]], span: _Span, lo: int, hi: int) -> bool:
    a, b = (hi, span.first) if hi < span.first else (span.last, lo)
    return _any_break(tokens, span, min(a, b), max(a, b))


def _any_break(tokens: list[tuple[str, int, int]], span: _Span, a: int, b: int) -> bool:
    """A clause break among ``tokens[a:b]`` (by the sentence's running count)."""
    if span.sentence is not None:
        return b > a and span.sentence.breaks[b] > span.sentence.breaks[a]
    return any(tokens[k][0] in _CLAUSE_BREAKS for k in range(a, b))


def _window(span: _Span) -> list[tuple[int, int, str, float]]:
    """Sentiment words near the mention: (index, distance, word, valence after negation);
    computed once per span (the list is shared: do not change it)."""
    if span.hits is None:
        span.hits = _window_hits(span)
    return span.hits


def _window_hits(span: _Span) -> list[tuple[int, int, str, float]]:
    lexicon, (negations, scalar) = vader_lexicon(), _negations()
    tokens, out = span.tokens, []
    lo = max(span.lo + 1, span.first - _VADER_WINDOW)
    hi = min(span.hi, span.last + _VADER_WINDOW + 1, len(tokens))
    sentence = span.sentence
    # only tokens with a valence can be hits: the sentence lists them once
    candidates = sentence.sentiment(lo, hi) if sentence is not None else range(lo, hi)
    for i in candidates:
        if span.first <= i <= span.last or i in span.skip:
            continue
        word = tokens[i][0]
        valence = (sentence.valences[i] if sentence is not None
                   else lexicon.get(word, lexicon.get(word.removesuffix("'s"), 0.0)))
        if not valence:
            continue
        a, b = (i, span.first) if i < span.first else (span.last, i)
        if _any_break(tokens, span, a, b):
            continue
        before = [tokens[k][0] for k in range(max(0, i - 3), i)]
        if any(w in negations or "n't" in w for w in before):
            valence *= scalar
        out.append((i, _distance(span.first, span.last, i), word, float(valence)))
    return out


def _window_polarity(hits: list[tuple[int, int, str, float]]) -> float:
    total = sum(v / 4.0 * math.exp(-(d - 1) / _VADER_DECAY) for _, d, _, v in hits)
    return total / math.sqrt(total * total + _VADER_ALPHA) if total else 0.0


def _clip(value: float) -> float:
    """``np.clip(value, -1.0, 1.0)`` of one number (NaN stays NaN), without numpy's call."""
    if value > 1.0:
        return 1.0
    if value < -1.0:
        return -1.0
    return value


def score_span(text: str, start: int, end: int, *, codebook: CodebookArg = None,
               quotes: Sequence[tuple[int, int]] | None = None,
               others: Sequence[tuple[int, int]] = (),
               threshold: float = DEFAULT_THRESHOLD) -> SpanScore:
    """Default (transparent) stance score of the target named by ``text[start:end]``.

    Parameters
    ----------
    text : str
        The sentence (normalised text, see docs/contracts.md) the mention is in.
    start, end : int
        Character offsets of the mention in ``text``.
    codebook : Codebook, optional
        Labels and reporting verbs (:class:`framelab.codebook.Codebook`); the shipped
        default when omitted.
    quotes : sequence of (int, int), optional
        Quotation spans in ``text`` (from :func:`framelab.framing.quote_spans` when omitted);
        a label inside scare quotes (:class:`framelab.framing.VoiceTagger`) is reversed.
    others : sequence of (int, int)
        Offsets of other targets in ``text``; a label nearer one of them is not applied here.
    threshold : float
        Passed to :func:`label_for`.

    Returns
    -------
    SpanScore
        ``score`` in [-1, 1], its ``label`` and the ``cues`` (each contribution, summed).
    """
    if not 0 <= start < end <= len(text):
        raise ParameterError(f"mention offsets start={start}, end={end} do not lie inside a "
                             f"text of {len(text)} characters")
    span = _analyse(text, start, end, resolve_codebook(codebook), quotes, others)
    if span is None:
        return SpanScore(0.0, "neutral", ())
    return _default_score(span, threshold)


def _default_score(span: _Span, threshold: float = DEFAULT_THRESHOLD) -> SpanScore:
    """The default score of an analysed span (once per span at the default threshold)."""
    if threshold != DEFAULT_THRESHOLD:
        return _cue_score(span, threshold)
    if span.default is None:
        span.default = _cue_score(span, threshold)
    return span.default


def _cue_score(span: _Span, threshold: float) -> SpanScore:
    cues: list[Cue] = []
    for phrase, family, scare, _ in span.labels:
        weight = CUE_WEIGHTS[f"label:{family}"]
        cues.append(Cue("scare", phrase, CUE_WEIGHTS["scare"] * weight) if scare
                    else Cue("label", phrase, weight))
    hits = _window(span)
    polarity = CUE_WEIGHTS["vader"] * _window_polarity(hits)
    if hits:
        words = "/".join(w for _, _, w, _ in sorted(hits, key=lambda h: -abs(h[3]))[:3])
        cues.insert(0, Cue("vader", words, polarity))
    if span.speaker_verb:
        word, family = span.speaker_verb
        cues.append(Cue("verb", word, CUE_WEIGHTS.get(f"verb:{family}", 0.0)))
    score = float(_clip(sum(c.value for c in cues)))
    return SpanScore(score, label_for(score, threshold), tuple(cues))
