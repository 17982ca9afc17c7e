"""When a document's voice tags are those of a sentence alone.

Stance analyses each mention twice: in its document (:func:`framelab.stance.find_mentions`,
the ``voice`` column) and in its sentence alone (the learned scorer's ``c:voice`` features
read ``VoiceTagger(sentence, [(0, len(sentence))])``). The two differ for a few mentions
(a quotation that opens in an earlier sentence, a determiner just before a verb that starts
the sentence, ...). :func:`alone_agrees` says, per sentence, when they cannot differ, so the
document's tag can stand for the sentence's; the reasons are in its docstring, and
``tests/framing/test_alone.py`` compares the two taggers on built documents.
"""

from __future__ import annotations

import bisect
import itertools
import re

from ..codebook import Codebook, resolve_codebook
from ._voice import _WORD, VoiceTagger, _quote_cue, _rules, is_reporting_use, quote_spans

__all__ = ["alone_agrees", "same_voice_rules"]

_WORD_CHAR = re.compile(r"\w")


def same_voice_rules(a: Codebook | None, b: Codebook | None) -> bool:
    """Whether two codebooks tag voice alike (the same reporting verbs, attribution cues and
    limits), so a :class:`VoiceTagger` of one gives every span the tag of the other's."""
    ra, rb = _rules(resolve_codebook(a)), _rules(resolve_codebook(b))
    return ra is rb or ra.key == rb.key


def alone_agrees(tagger: VoiceTagger, sentence: tuple[int, int], text: str
                 ) -> tuple[bool, list[tuple[int, int]]]:
    """Whether every span inside ``sentence`` gets from ``tagger.tag`` the tag it gets in
    the sentence alone, and the sentence's own quotations (``quote_spans(text)``).

    ``text`` is the sentence, ``tagger.text[a:b]`` for ``sentence = (a, b)``; "alone" is
    ``VoiceTagger(text, [(0, len(text))], codebook=..., quotes=quote_spans(text))`` with a
    codebook of the same rules (:func:`framelab.framing.same_voice_rules`), spans shifted by
    ``a``. True only when that is certain.

    ``tag`` reads: the span's sentence (``sentence_of``); the quotations that contain the
    span or a verb (each such reaches into the sentence); the sentence's text, searched from
    ``a`` (label and sentence cues, reporting verbs) or sliced; up to 20 characters before a
    verb (:func:`framelab.framing.is_reporting_use`); up to 80 before a quotation, back to
    its paragraph's start. Alone, each of these is the same when:

    1. ``sentence`` is a sentence of the tagger and ``sentence_of`` every offset in it (no
       other starts before ``b``), and ``text`` is its text;
    2. the document's quotations that reach into ``[a, b)`` lie inside it and are, shifted,
       the sentence's, in the same order (so the quotations around a span, those around a
       verb and the choice of the outermost one agree);
    3. ``a == 0``, or the document's character before the sentence is neither a word
       character nor ``'`` nor ``-``: the rules' patterns then find the same matches
       (:func:`framelab.framing._prefilter.looks_back_at_word`, checked once per codebook),
       and a word (``\\w+(?:['-]\\w+)*``) cannot run across ``a``, so the last word before a
       verb is the same whenever the sentence has one before it; it has none only before the
       sentence's first word (verbs start with a word character, also checked once per
       codebook), which must then pass ``is_reporting_use`` in the document as it does
       alone;
    4. the label cue found just before each quotation (in its 80 characters, back to its
       paragraph's start) is the same: those characters lie in the sentence, or stop at a
       paragraph start at or after ``a``, or else the search in both finds the same.

    The label and sentence cues that can match in the document and in the sentence differ
    only by cues that match in neither (so the document's serve in 4.) (the gates of framing._prefilter are exact), and the
    verbs' stretches (:func:`framelab.attribution.sentence_stretches`) read the sentence
    only.
    """
    quotes = quote_spans(text)
    return _agrees(tagger, sentence, text, quotes), quotes


def _agrees(tagger: VoiceTagger, sentence: tuple[int, int], text: str,
            quotes: list[tuple[int, int]]) -> bool:
    doc, a, b = tagger.text, *sentence
    if not tagger.rules.word_lookback or b - a != len(text) or not doc.startswith(text, a):
        return False
    starts, spans = tagger._starts, tagger.sentences
    i = bisect.bisect_right(starts, a) - 1
    if i < 0 or spans[i] != (a, b) or (i + 1 < len(spans) and starts[i + 1] < b):
        return False   # 1.
    if a > 0:   # 3.
        if doc[a - 1] in "'-" or _WORD_CHAR.match(doc, a - 1):
            return False
        first = _WORD.search(doc, a, b)
        if first and first.start() - a < 20 and not is_reporting_use(doc, first.start()):
            return False
    have = tagger.quotes   # 2.
    reach = tagger.reach
    if reach is None:   # the furthest end of the quotations up to each one
        ordered = all(type(q) is tuple and len(q) == 2 for q in have) and have == sorted(have)
        reach = tagger.reach = (list(itertools.accumulate((e for _, e in have), max))
                                if ordered else [])   # given out of order: no claim
    if len(reach) != len(have):
        return False
    k = bisect.bisect_left(have, (a, -1))
    if k and reach[k - 1] > a:
        return False   # a quotation opens before the sentence and runs into it
    inside = have[k:bisect.bisect_left(have, (b, -1))]
    if inside != [(s + a, e + a) for s, e in quotes]:
        return False
    return all(qs - 80 >= a or doc.rfind("\n", 0, qs) + 1 >= a   # 4.
               or _quote_cue(tagger.cues[0], doc, qs) == _quote_cue(tagger.cues[0], text, qs - a)
               for qs, _ in inside)
