"""Quotation spans and narrator / quoted / attributed voice, on planted sentences."""

from __future__ import annotations

import pytest
from framelab.segment import normalize_text, sentence_spans
from framelab.voice import VoiceTagger, find_speaker, quote_spans, tag_voice
from hypothesis import given, settings
from hypothesis import strategies as st


def quoted_texts(text: str) -> list[str]:
    norm = normalize_text(text)
    return [norm[s:e] for s, e in quote_spans(norm)]


# --- quotation spans ---------------------------------------------------------------------

def test_straight_and_curly_double_quotes() -> None:
    text = 'Ryder said: \u201cWe are not involved.\u201d Later he said "no change" again.'
    assert quoted_texts(text) == ['"We are not involved."', '"no change"']


def test_apostrophes_are_not_quotes() -> None:
    text = "Syria's army and the regime's forces don't hold the rebels' gains in the '90s."
    assert quote_spans(normalize_text(text)) == []


def test_inner_single_quotes_and_scare_quotes() -> None:
    text = ("\u201cThey are formerly known as \u2018Nusrah Front,\u2019 an al Qaeda affiliate,\u201d"
            " he said. Iran condemned what it termed 'terrorist elements' attacking it.")
    assert quoted_texts(text) == [
        '"They are formerly known as \'Nusrah Front,\' an al Qaeda affiliate,"',
        "'Nusrah Front,'", "'terrorist elements'"]


def test_quote_spanning_sentences_and_paragraphs() -> None:
    text = ('Sullivan said "HTS is a terrorist group. We have concerns.\n'
            '"We are monitoring it closely," he added.\n'
            'Ryder said "unclosed quote here.\nNext paragraph is narration.')
    spans = quoted_texts(text)
    assert spans[0].startswith('"HTS is a terrorist group. We have concerns.\n"We are')
    assert spans[0].endswith('closely,"')
    assert spans[1] == '"unclosed quote here.'  # closed at the end of its paragraph


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab '\"\n.,")), max_size=60))
def test_quote_spans_are_well_formed(text: str) -> None:
    for start, end in quote_spans(text):
        assert 0 <= start < end <= len(text) and text[start] in "\"'"


# --- voice -------------------------------------------------------------------------------

def voice_of(text: str, label: str, nth: int = 0) -> tuple[str, str, str]:
    norm = normalize_text(text)
    start = -1
    for _ in range(nth + 1):
        start = norm.index(label, start + 1)
    tag = tag_voice(norm, sentence_spans(norm), start, start + len(label))
    return tag.voice, tag.cue, tag.evidence


@pytest.mark.parametrize("text, label, voice, cue, evidence", [
    ("The HTS terrorist group launched a surprise offensive.", "terrorist", "narrator", "", ""),
    ("Regarding the terrorist offensive, the spokesman stressed that America is not involved.",
     "terrorist", "narrator", "", ""),
    (("Ryder said the operations are \u201cled by Hayat Tahrir al-Sham, a designated terrorist "
     "organization,\u201d adding the US is not involved."), "terrorist", "quoted", "quotation",
     None),
    ("The US designated the group a terror organization in 2018.", "terror organization",
     "attributed", "label cue", "designated"),
    (("Sullivan is wary of Hayat Tahrir al-Sham, which is designated as a terrorist "
     "organization by the US."), "terrorist", "attributed", "label cue", "designated"),
    ("Russian airstrikes that Moscow claimed killed hundreds of militants.", "militants",
     "attributed", "reporting verb", "claimed"),
    ("The so-called rebels entered the city.", "rebels", "attributed", "label cue", "so-called"),
    ("The ministry condemned what it termed \u2018terrorist elements\u2019 attacking it.",
     "terrorist", "attributed", "label cue", "what it termed"),
    ("Government troops shelled the 'rebels' overnight.", "rebels", "attributed",
     "scare quotes", "'rebels'"),
    ("According to the statement, the Assad regime refused to take part.", "regime",
     "attributed", "sentence cue", "According to"),
    ("The US has around 900 troops with the stated mission of fighting the militants.",
     "militants", "narrator", "", ""),
    # post-posed attribution (issue 16): the clause before ", a spokesman has said" is his
    ("The ceasefire held amid the terrorist offensive, a Pentagon spokesman has said.",
     "terrorist", "attributed", "post-posed verb", "said"),
])
def test_planted_voices(text: str, label: str, voice: str, cue: str,
                        evidence: str | None) -> None:
    got = voice_of(text, label)
    assert got[:2] == (voice, cue)
    if evidence is not None:
        assert got[2] == evidence


def test_quoted_vs_narrator_in_one_document() -> None:
    text = ('Rebel groups took Aleppo. Ryder said HTS is "a terrorist organization."\n'
            '"The rebels will not stop," he said. The rebels advanced.')
    norm = normalize_text(text)
    tagger = VoiceTagger(norm, sentence_spans(norm))
    voices = []
    for label in ("Rebel", "terrorist", "rebels", "rebels"):
        start = norm.index(label, voices[-1][1] if voices else 0)
        voices.append((tagger.tag(start, start + len(label)).voice, start + 1))
    assert [v for v, _ in voices] == ["narrator", "quoted", "quoted", "narrator"]


def test_default_sentences_and_codebook() -> None:
    text = "Moscow insists the militants fled."
    start = text.index("militants")
    assert tag_voice(text, None, start, start + 9).voice == "attributed"


# --- speakers ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, verb, speaker", [
    ("Russian airstrikes that Moscow claimed killed hundreds.", "claimed", "Moscow"),
    ('"We are monitoring," said Sullivan on Sunday.', "said", "Sullivan"),
    ("Damascus, however, insists that the troops are illegal.", "insists", "Damascus"),
    ("The sanctions stay, according to the State Department.", "according to",
     "the State Department"),
    ("The dilemma was put by adviser Jake Sullivan, who told CNN on Sunday.", "told",
     "adviser Jake Sullivan"),
    ("Pentagon Press Secretary Pat Ryder said Monday that talks went on.", "said",
     "Pentagon Press Secretary Pat Ryder"),
    ("Syrian and Russian officials claimed that the oil was stolen.", "claimed",
     "Syrian and Russian officials"),
    ("He added that Washington urges de-escalation.", "added", "He"),
    ("It was clear as reported.", "reported", ""),
])
def test_find_speaker(text: str, verb: str, speaker: str) -> None:
    start = text.index(verb)
    assert find_speaker(text, (0, len(text)), (start, start + len(verb))) == speaker
