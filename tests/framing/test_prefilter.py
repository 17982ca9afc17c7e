"""The word gate finds exactly what the reporting-verb patterns' own scan finds."""

from __future__ import annotations

import dataclasses
import re
import sys

import pytest
from framelab.codebook import codebook_from_text, load_codebook
from framelab.corpus import load_run_corpus
from framelab.framing import ATTRIBUTION_VERB_PATTERN, ATTRIBUTION_VERBS, VoiceTagger
from framelab.framing._prefilter import _is_word, fold, literal_gate, word_gate
from framelab.framing._voice import _rules
from framelab.paths import SEEDS_DIR
from hypothesis import given, settings
from hypothesis import strategies as st

CB = load_codebook()
VERBS = _rules(CB).verbs
FORMS = sorted({t.key for vc in CB.verb_classes.values() if vc.attributes
                for terms in vc.verbs.values() for t in terms})
GATES = {"codebook verbs": (VERBS, word_gate(VERBS, FORMS)),
         "attribution verbs": (ATTRIBUTION_VERB_PATTERN,
                               word_gate(ATTRIBUTION_VERB_PATTERN, ATTRIBUTION_VERBS))}


def _spans(matches: object) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in matches]  # type: ignore[attr-defined]


def _same(text: str, lo: int, hi: int) -> None:
    folded = fold(text)
    for name, (pattern, gate) in GATES.items():
        assert gate is not None, name
        assert _spans(gate.finditer(text, folded, lo, hi)) == \
            _spans(pattern.finditer(text, lo, hi)), (name, text, lo, hi)


def test_fold_covers_every_character_an_ascii_letter_matches() -> None:
    """Under ignore-case, a character matches an ASCII word character only if ``fold`` maps
    it to that character, and the gate's word test is ``\\w`` (checked over all of
    Unicode)."""
    ascii_word, word = re.compile(r"[a-z0-9_]", re.IGNORECASE), re.compile(r"\w")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert _is_word(char) == bool(word.match(char)), hex(code)
        folded = fold(char)
        assert len(folded) == 1
        if ascii_word.fullmatch(char):
            assert folded.isascii() and re.fullmatch(re.escape(folded), char, re.IGNORECASE)
        else:
            assert folded == char


def test_gate_on_every_seed_sentence_and_whole_document() -> None:
    documents, sentences = load_run_corpus(SEEDS_DIR)
    texts = dict(zip(documents["doc_id"], documents["text_norm"]))
    n_found = 0
    for doc_id, start, end in zip(sentences["doc_id"], sentences["start"], sentences["end"]):
        _same(texts[doc_id], int(start), int(end))
        n_found += len(list(VERBS.finditer(texts[doc_id], int(start), int(end))))
    for text in texts.values():
        _same(text, 0, len(text))
    assert n_found > 20   # the seeds have reporting verbs: the comparison is not empty


@pytest.mark.parametrize("text", [
    "Moscow SAID it. ſaid, İnsisted, ınsisted, \u212aeeps. Officials, he said-so, said",
    "according to   the army, according-to him; accordingto; saidsaid said_ said2 said",
    "unsaid resaid said's 'said' \"claimed\" claimed\u00e9 \u00e9claimed claimedly",
    "he pointed out; points  out, pointed\nout and Pointed-Out; point out",
])
def test_gate_on_planted_edges(text: str) -> None:
    """Case variants (with the four non-ASCII letters), words inside words, hyphens,
    apostrophes, multi-word forms across spaces and newlines, every cut of the text."""
    for lo in range(len(text) + 1):
        for hi in range(lo, len(text) + 1, 3):
            _same(text, lo, hi)


_PIECES = ["said", "Said", "SAID", "claimed", "according", "to", "pointed", "out", "asked",
           "ſaid", "K", "ı", "İ", " ", "  ", "-", ",", "'", '"', "\n", "x", "é", "_", "1"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.integers(0, 200),
       st.integers(0, 200))
def test_gate_equals_scan(pieces: list[str], a: int, b: int) -> None:
    text = "".join(pieces)
    lo, hi = sorted((min(a, len(text)), min(b, len(text))))
    _same(text, lo, hi)


def test_gate_refuses_phrases_it_cannot_prefilter() -> None:
    pattern = re.compile(r"(?<!\w)(?:caf\u00e9|said)(?!\w)", re.IGNORECASE)
    assert word_gate(pattern, ["caf\u00e9", "said"]) is None
    assert word_gate(pattern, [" said"]) is None
    assert word_gate(pattern, ["said", "claimed that"]) is not None


def test_codebook_with_a_non_ascii_verb_scans_instead() -> None:
    """A codebook verb the gate cannot prefilter leaves the plain scan in place, and voice
    still finds that verb."""
    text = CB.path.read_text(encoding="utf-8") if CB.path else ""
    assert "say: [say, says, said, saying]" in text
    book = codebook_from_text(text.replace("say: [say, says, said, saying]",
                                           "say: [say, says, said, saying, d\u00e9clar\u00e9]"))
    assert _rules(book).verb_gates[0] is None
    tagger = VoiceTagger('The talks failed, the minister d\u00e9clar\u00e9.', codebook=book)
    assert tagger.tag(4, 9).voice == "attributed"


# --- literal gates of the attribution cues ---------------------------------------------

_PLANTED = [r"\bso[\s-]+called\b", r"(?:termed|dubbed|labell?ed)\b", r"\bwhat\s+(?:\S+\s+){1,3}?calls?",
            r"(?i:CALLED)\s+by", r"(?x) de  sig nat (?:e|ed)", r"(?:called){2,}", r"x?yz|ab(?=c)",
            r"(?<=so )called", r"(called|named)\1", r"(?>according)\s+to", r"caf\u00e9|what",
            r"ab(?:cdefgh)?", r"(?=designat)\w+"]
CUES = {p.pattern: p for p in (*CB.attribution.label_cues, *CB.attribution.sentence_cues)}
CUES.update({p: re.compile(p, re.IGNORECASE) for p in _PLANTED})
CUES["case-sensitive"] = re.compile(r"Called\s+(?:Upon|BY)")
_CUE_PIECES = ["so", "So-called", "called", "CALLED", "ca\u017f", "lled", "designated",
               "designate", "termed", "labelled", "labeled", "what", "WHAT", "it", "calls", "by",
               "according", "to", "as", "reported", "calledcalled", "xyz", "abc", "named",
               "caf\u00e9", "upon", " ", "  ", "-", ",", ".", "\n", "'"]


def _never_drops(text: str, lo: int, hi: int) -> int:
    folded, skipped = fold(text), 0
    for name, pattern in CUES.items():
        gate = literal_gate(pattern)
        if gate is not None and not gate.possible(folded, lo, hi):
            assert pattern.search(text, lo, hi) is None, (name, text, lo, hi)
            skipped += 1
        if gate is not None and not gate.anywhere(folded):
            assert pattern.search(text) is None, (name, text)
    return skipped


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PIECES), max_size=25), st.integers(0, 200),
       st.integers(0, 200))
def test_literal_gate_never_skips_a_match(pieces: list[str], a: int, b: int) -> None:
    text = "".join(pieces)
    lo, hi = sorted((min(a, len(text)), min(b, len(text))))
    _never_drops(text, lo, hi)


def test_literal_gates_of_the_codebook_cues_skip_sentences_without_their_words() -> None:
    """Every shipped cue has a gate, and on the seeds most sentences skip most cues (so the
    test above is about gates that act); none of them hides a match."""
    assert all(literal_gate(p) is not None for p in CUES.values() if p.pattern in
               {c.pattern for c in (*CB.attribution.label_cues, *CB.attribution.sentence_cues)})
    assert literal_gate(re.compile(r"\w+\s+\w+")) is None
    assert literal_gate(re.compile(r"a*|b")) is None
    assert literal_gate(re.compile(r"(called|said)|\w")) is None
    assert sorted(literal_gate(re.compile(r"\b(?:calls?|called)\b", re.IGNORECASE)).words) == ["call"]
    documents, sentences = load_run_corpus(SEEDS_DIR)
    texts = dict(zip(documents["doc_id"], documents["text_norm"]))
    skipped = sum(_never_drops(texts[d], int(s), int(e))
                  for d, s, e in zip(sentences["doc_id"], sentences["start"], sentences["end"]))
    assert skipped > len(sentences) * len(CUES) // 2


def test_voice_is_the_same_with_and_without_the_gates() -> None:
    """Every actor, label and verb match of the seeds gets the same voice tag from a tagger
    with the gates as from one that runs every pattern."""
    documents, sentences = load_run_corpus(SEEDS_DIR)
    rules = _rules(CB)
    plain = dataclasses.replace(rules, verb_gates=(None, None),
                                label_gates=(None,) * len(rules.label_gates),
                                sentence_gates=(None,) * len(rules.sentence_gates))
    n_tags = 0
    for doc_id, text in zip(documents["doc_id"], documents["text_norm"]):
        doc_sents = sentences[sentences["doc_id"] == doc_id]
        gated, slow = VoiceTagger(text, doc_sents, codebook=CB), VoiceTagger(text, doc_sents,
                                                                             codebook=CB)
        slow.rules = plain
        for m in CB.matcher.find(text):
            assert gated.tag(m.start, m.end) == slow.tag(m.start, m.end), (doc_id, m)
            n_tags += 1
    assert n_tags > 100
