"""A document's voice tags stand for those of a sentence alone only where the two agree
(framing.alone_agrees): compared span by span with a tagger of the sentence alone, on built
documents whose sentences meet quotations, verbs, cues and odd characters at their edges."""

from __future__ import annotations

import re

import pytest
from framelab.codebook import codebook_from_text, load_codebook
from framelab.corpus import load_run_corpus
from framelab.framing import VoiceTagger, alone_agrees, same_voice_rules
from framelab.framing._prefilter import looks_back_at_word
from framelab.framing._voice import _rules
from framelab.paths import SEEDS_DIR
from hypothesis import example, given, settings
from hypothesis import strategies as st

CB = load_codebook()
_SPAN = re.compile(r"\w+(?:[\s\-']+\w+)?")

#: Words and marks that the voice rules react to, and some that they do not.
_PIECES = ["said", "Said", "claimed", "told", "denied", "according to", "the", "a", "its",
           "rebels", "Assad", "militants", "so-called", "termed", "what it called",
           "described as", "calls", "as reported by", "that", "he", "officials", ",", ".",
           ":", ";", '"', "''", "'", "'rebels'", "-", "\n", "x", "(", ")", "and"]
_JOINS = [" ", " ", " ", "", "\n", "'", "-"]


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    """A text and its sentences: pieces joined by spaces or not, sentences cut anywhere
    (inside a word, at a quotation mark, with gaps or none between them)."""
    words = draw(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_JOINS)),
                          min_size=1, max_size=40))
    text = "".join(w + j for w, j in words)
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))) | {0, len(text)})
    sentences = []
    for lo, hi in zip(cuts, cuts[1:]):
        gap = draw(st.integers(0, 2))   # characters left out before the sentence
        if lo + gap < hi:
            sentences.append((lo + gap, hi))
    return text, sentences or [(0, len(text))]


def _differences(text: str, sentences: list[tuple[int, int]], codebook=CB
                 ) -> tuple[int, int]:
    """(sentences said to agree, spans of those that do not): every word and pair of words
    of every sentence, tagged in the document and in the sentence alone."""
    tagger = VoiceTagger(text, sentences, codebook=codebook)
    agreeing = wrong = 0
    for a, b in sentences:
        own = text[a:b]
        agrees, quotes = alone_agrees(tagger, (a, b), own)
        alone = VoiceTagger(own, [(0, len(own))], codebook=codebook)
        assert quotes == alone.quotes
        if not agrees:
            continue
        agreeing += 1
        for m in _SPAN.finditer(own):
            if tagger.sentence_of(a + m.start()) == (a, b):
                wrong += tagger.tag(a + m.start(), a + m.end()) != alone.tag(m.start(), m.end())
    return agreeing, wrong


@settings(max_examples=400, deadline=None)
@given(documents())
@example(('He said "Rebels attack. The rebels fled" today.', [(0, 23), (24, 47)]))
@example(("They met the. Claimed rebels fought.", [(0, 13), (14, 36)]))
@example(("xsaid rebels fought.", [(1, 20)]))
@example(("x-the said rebels fled.", [(2, 23)]))
@example(('It was termed "rebels" there.', [(0, 14), (14, 29)]))
def test_agreeing_sentences_tag_every_span_as_alone(doc: tuple[str, list[tuple[int, int]]]
                                                     ) -> None:
    text, sentences = doc
    _, wrong = _differences(text, sentences)
    assert wrong == 0


@pytest.mark.parametrize("text, sentence, span", [
    # a quotation opening in the sentence before: quoted in the document only
    ('He said "Rebels attack. The rebels fled" today.', (24, 47), "rebels"),
    # a determiner just before a verb that opens the sentence: no report in the document
    ("They met the. Claimed rebels fought.", (14, 36), "rebels"),
    # a word runs across the sentence's start: no verb in the document
    ("xsaid rebels fought.", (1, 20), "rebels"),
    # ... or through a hyphen or an apostrophe: "x-the" is no determiner, "the" is
    ("x-the said rebels fled.", (2, 23), "rebels"),
    ("x'the said rebels fled.", (2, 23), "rebels"),
    # a label cue in the 80 characters before a quotation that opens the sentence
    ('It was termed "rebels" there.', (14, 29), "rebels"),
    # a quotation of two sentences: the second alone has an unpaired mark
    ('"Rebels won. Militants fled," he said.', (13, 38), "Militants"),
])
def test_sentences_whose_tags_differ_alone_do_not_agree(text: str, sentence: tuple[int, int],
                                                        span: str) -> None:
    a, b = sentence
    own = text[a:b]
    start = own.index(span)
    tagger = VoiceTagger(text, [sentence], codebook=CB)
    alone = VoiceTagger(own, [(0, len(own))], codebook=CB)
    assert tagger.tag(a + start, a + start + len(span)) != alone.tag(start, start + len(span))
    assert alone_agrees(tagger, sentence, own)[0] is False


def test_most_sentences_of_the_seeds_agree_and_tag_alike() -> None:
    documents_, sentences = load_run_corpus(SEEDS_DIR)
    texts = dict(zip(documents_["doc_id"], documents_["text_norm"]))
    agreeing = total = 0
    for doc_id, rows in sentences.groupby("doc_id", sort=False):
        spans = list(zip(rows["start"].astype(int), rows["end"].astype(int)))
        n, wrong = _differences(texts[doc_id], spans)
        assert wrong == 0
        agreeing, total = agreeing + n, total + len(spans)
    assert total > 100 and agreeing > total / 2


def test_a_sentence_not_of_the_tagger_or_of_another_text_does_not_agree() -> None:
    text = "Officials said rebels fled. Assad said nothing."
    tagger = VoiceTagger(text, [(0, 27), (28, 47)], codebook=CB)
    assert alone_agrees(tagger, (28, 47), text[28:47])[0] is True
    assert alone_agrees(tagger, (28, 47), "Assad said nothing!")[0] is False
    assert alone_agrees(tagger, (28, 40), text[28:40])[0] is False   # not a sentence
    overlapping = VoiceTagger(text, [(0, 30), (28, 47)], codebook=CB)
    assert alone_agrees(overlapping, (0, 30), text[0:30])[0] is False


def test_codebooks_with_other_cues_or_lookbehinds() -> None:
    assert _rules(CB).word_lookback   # the shipped codebook's sentences can agree
    text = CB.path.read_text(encoding="utf-8") if CB.path else ""
    assert same_voice_rules(codebook_from_text(text), CB)
    assert same_voice_rules(None, CB)
    assert not same_voice_rules(codebook_from_text(text.replace("dubbed", "nicknamed")), CB)
    # a cue that reads more than a word character before it: no sentence agrees
    odd = codebook_from_text(text.replace(r"\bdesignat", r"(?<=[\s(])designat"))
    sentence = "The group designated rebels."
    tagger = VoiceTagger(" " + sentence, [(1, len(sentence) + 1)], codebook=odd)
    assert alone_agrees(tagger, (1, len(sentence) + 1), sentence)[0] is False
    assert alone_agrees(VoiceTagger(" " + sentence, [(1, len(sentence) + 1)], codebook=CB),
                        (1, len(sentence) + 1), sentence)[0] is True


@pytest.mark.parametrize("pattern, plain", [
    (r"(?<!\w)(?:said|told)(?!\w)", True), (r"\bso[\s-]+called\b", True), (r"\Bx\Z$", True),
    (r"a|(?:b\b)+", True), (r"(?<![\w])x", True),
    (r"^x", False), (r"\Ax", False), (r"(?m)^x", False), (r"(?<=a)b", False),
    (r"(?<!\W)x", False), (r"(?<![\w-])x", False), (r"(?=(?<!a))x", False),
    (r"(a)(?(1)b|^c)", False),
])
def test_looks_back_at_word(pattern: str, plain: bool) -> None:
    assert looks_back_at_word(re.compile(pattern, re.IGNORECASE)) is plain


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([r"(?<!\w)(?:ab|b)(?!\w)", r"\bb\b", r"\Bb", r"(?<!\w)a'?b|b\b"]),
       st.text(alphabet="ab -'", max_size=12), st.integers(0, 12))
def test_a_search_from_after_a_non_word_character_is_the_searched_tail(
        pattern: str, text: str, pos: int) -> None:
    compiled = re.compile(pattern)
    assert looks_back_at_word(compiled)
    pos = min(pos, len(text))
    if pos and re.match(r"\w", text[pos - 1]):
        return
    found = [(m.start(), m.end()) for m in compiled.finditer(text, pos)]
    assert found == [(s + pos, e + pos) for s, e in
                     ((m.start(), m.end()) for m in compiled.finditer(text[pos:]))]


def test_a_quotation_at_a_sentences_start_agrees_unless_a_cue_precedes_it() -> None:
    for before, agrees in (("Rebels fled.", True), ("The rebels were termed", False)):
        text = before + ' "Assad will fall," he said.'
        sentence = (len(before) + 1, len(text))
        tagger = VoiceTagger(text, [(0, len(before)), sentence], codebook=CB)
        assert alone_agrees(tagger, sentence, text[sentence[0]:])[0] is agrees
