"""Quotation spans and narrator / quoted / attributed voice, on planted sentences."""

from __future__ import annotations

import re

import pytest
from framelab.corpus import normalize_text, sentence_spans
from framelab.framing import VOICES, VoiceTagger, find_speaker, quote_spans, tag_voice
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


# --- issue 16: attribution rules checked on PolNeAR (framelab.framing._attribution) ---------------

def voices(text: str) -> dict[str, str]:
    """Voice of every word of ``text`` (first occurrence of each word)."""
    norm = normalize_text(text)
    tagger = VoiceTagger(norm, sentence_spans(norm))
    out: dict[str, str] = {}
    for m in re.finditer(r"\w+(?:['\-]\w+)*", norm):
        out.setdefault(m.group(0), tagger.tag(m.start(), m.end()).voice)
    return out


@pytest.mark.parametrize("text, attributed, narrator", [
    # subject + verb after the reported clause
    ("The rebels withdrew from the town, he said.", ["rebels", "withdrew", "town"],
     ["he", "said"]),
    ("Prices will rise next year, a Pentagon spokesman has said on Monday.",
     ["Prices", "rise", "year"], ["Pentagon", "spokesman", "Monday"]),
    # inversion: verb, then the speaker and an apposition
    ("The economy is weak, said Howard Rubel, an analyst at Jefferies.",
     ["economy", "weak"], ["Howard", "Rubel", "analyst", "Jefferies"]),
    # according to, after the clause
    ("The militants fled north, according to local officials.", ["militants", "fled"],
     ["local", "officials"]),
    # a parenthetical reporting clause: both sides are reported
    ("The ceasefire, the minister said, will hold until May.", ["ceasefire", "hold", "May"],
     ["minister"]),
    # a speaker with an abbreviation: "Mr." does not end the speaker phrase
    ("Like his comments about the judge, Mr. Graham said, the jabs were unacceptable.",
     ["comments", "judge", "jabs", "unacceptable"], ["Graham"]),
])
def test_post_posed_attribution(text: str, attributed: list[str], narrator: list[str]) -> None:
    got = voices(text)
    assert [w for w in attributed if got[w] != "attributed"] == []
    assert [w for w in narrator if got[w] != "narrator"] == []


@pytest.mark.parametrize("text, attributed, narrator", [
    ("The US has maintained sanctions against the regime.", [], ["sanctions", "regime"]),
    ("The US maintained that the regime had fallen.", ["regime", "fallen"], ["US"]),
    ("Britain recalled its ambassador from Damascus.", [], ["ambassador", "Damascus"]),
    ("The rebels had left the town, she recalled.", ["rebels", "town"], ["she"]),
])
def test_verbs_that_report_only_with_that(text: str, attributed: list[str],
                                          narrator: list[str]) -> None:
    got = voices(text)
    assert [w for w in attributed if got[w] != "attributed"] == []
    assert [w for w in narrator if got[w] != "narrator"] == []


@pytest.mark.parametrize("text, attributed, narrator", [
    # a long subject with an apposition is still a subject, not a post-posed speaker
    ("Matt Bennett, a founder of the think tank, said the rebels had avoided the town.",
     ["rebels", "avoided", "town"], ["Matt", "Bennett", "founder", "tank"]),
    # a participle after a comma introduces what follows it
    ("The group met on Friday, saying the militants were defeated.",
     ["militants", "defeated"], ["group", "met", "Friday"]),
    # the verb introduces a quotation after a comma: not post-posed
    ("At a rally in Reno, Beck said, \u201cThe troops will stay.\u201d", [], ["rally", "Reno"]),
    # "said X that": the time and the addressee are not reported, the clause is
    ("Trump said Sunday that the judges were biased.", ["that", "judges", "biased"],
     ["Sunday"]),
    ("McConnell told reporters that he had a conversation.", ["conversation"], ["reporters"]),
    # a relative "that" inside the reported clause does not move the scope
    ("He says he wants an economy that works for everyone.", ["wants", "economy", "works"],
     []),
])
def test_pre_posed_verbs_stay_pre_posed(text: str, attributed: list[str],
                                       narrator: list[str]) -> None:
    got = voices(text)
    assert [w for w in attributed if got[w] != "attributed"] == []
    assert [w for w in narrator if got[w] != "narrator"] == []


@pytest.mark.parametrize("text, attributed, narrator", [
    ("He said the rebels fled the city, and the market fell sharply.",
     ["rebels", "fled", "city"], ["market", "fell", "sharply"]),
    ("She argued the plan would fail, but the council approved it anyway.",
     ["plan", "fail"], ["council", "approved", "anyway"]),
    ("He said the rebels fled, while the army stayed in the north.", ["rebels", "fled"],
     ["army", "stayed", "north"]),
    # "and that" goes on reporting
    ("He said the rebels fled, and that the army stayed in the north.",
     ["rebels", "army", "stayed", "north"], []),
    ("Moscow claimed the convoy was hit; the road stayed closed.", ["convoy", "hit"],
     ["road", "stayed", "closed"]),
    # a list of gerunds after a serial comma is not a new clause
    ("He said the policy means protecting civilians, and supporting the rebels.",
     ["civilians", "supporting", "rebels"], []),
])
def test_reporting_scope_ends_at_a_coordinated_clause(text: str, attributed: list[str],
                                                      narrator: list[str]) -> None:
    got = voices(text)
    assert [w for w in attributed if got[w] != "attributed"] == []
    assert [w for w in narrator if got[w] != "narrator"] == []


@pytest.mark.parametrize("open_mark, close_mark", [('"', '"'), ("\u201c", "\u201d"),
                                                   ("''", "''")])
def test_multi_paragraph_quotation(open_mark: str, close_mark: str) -> None:
    # newspaper convention: an unclosed paragraph, the next one reopens the quotation
    text = (f"The mayor said: {open_mark}The bridge is safe for everyone.\n"
            f"{open_mark}The rebels never reached the river.\n"
            f"{open_mark}Traffic resumes on Monday,{close_mark} she added.\n"
            "Engineers inspected the pillars.")
    got = voices(text)
    assert {w: got[w] for w in ("bridge", "rebels", "river", "Traffic", "Monday")} == \
        dict.fromkeys(("bridge", "rebels", "river", "Traffic", "Monday"), "quoted")
    assert got["Engineers"] == got["pillars"] == got["she"] == "narrator"
    spans = quote_spans(normalize_text(text))
    assert len([s for s in spans if text[s[0]] != "'" or text[s[0]:s[0] + 2] == "''"]) == 1


def test_doubled_apostrophes_are_one_double_mark() -> None:
    text = "''We lost,'' he said of the rebels' defeat. ''It's over.''"
    assert quoted_texts(text) == ["''We lost,''", "''It's over.''"]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab Xs said, .\"'")), max_size=50))
def test_stretches_stay_inside_their_sentence(text: str) -> None:
    norm = normalize_text(text)
    tagger = VoiceTagger(norm, [(0, len(norm))])
    for m in re.finditer(r"\w+", norm):
        tagger.tag(m.start(), m.end())
    for (s, e), stretches in tagger._stretches.items():
        assert all(s <= x.start <= x.end <= e and x.voice in VOICES for x in stretches)


@pytest.mark.parametrize("text, verb, speaker", [
    ('"We lost," said a longtime adviser to Trump, who declined to be named.', "said",
     "a longtime adviser to Trump"),
    ("Jeff Weaver, Sanders' campaign manager, said in a statement that it ended.", "said",
     "Jeff Weaver"),
    ("''It is over,'' said Mr. Burr, adding that he agreed.", "said", "Mr. Burr"),
])
def test_find_speaker_issue_16(text: str, verb: str, speaker: str) -> None:
    start = text.index(verb)
    assert find_speaker(normalize_text(text), (0, len(text)),
                        (start, start + len(verb))) == speaker


# --- the label cues searched per sentence ------------------------------------------------

class _EveryCueTagger(VoiceTagger):
    """The tagger as it was: every label cue live in the document searched for each span."""

    def _label_cues_in(self, sentence: tuple[int, int]) -> tuple[re.Pattern[str], ...]:
        return self.cues[0]


_CUE_SENTENCES = [
    "Moscow called the fighters terrorists.", "The so-called rebels took the town.",
    "Officials designated HTS a terrorist group; rebels disagreed.",
    "What Damascus describes as terrorists fled.", "The army, dubbed the regime, moved.",
    'He said "the militants" were near.', "Rebels, according to officials, held out.",
    "Residents fled the town.", "The government considers them insurgents.",
    "Calls for calm went unheard.", "Iran condemned what it termed 'terrorist elements'.",
]


def _word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\w+(?:\s+\w+)?", text)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_CUE_SENTENCES), min_size=1, max_size=6),
       st.lists(st.sampled_from([" ", "\n", "  "]), min_size=6, max_size=6))
def test_searching_a_sentences_own_cues_tags_as_every_cue_does(
        sentences: list[str], gaps: list[str]) -> None:
    text = "".join(s + g for s, g in zip(sentences, gaps, strict=False)).strip()
    norm = normalize_text(text)
    fast, every = VoiceTagger(norm), _EveryCueTagger(norm)
    for start, end in _word_spans(norm):
        assert fast.tag(start, end) == every.tag(start, end), norm[start:end]


def test_a_sentence_searches_only_the_cues_its_words_allow() -> None:
    norm = normalize_text("Moscow called the fighters terrorists. Residents fled the town.")
    tagger = VoiceTagger(norm)
    first, second = sentence_spans(norm)
    assert tagger.cues[0]                        # "called" is in the document ...
    assert tagger._label_cues_in(second) == ()   # ... not in the second sentence
    assert set(tagger._label_cues_in(first)) <= set(tagger.cues[0])
    assert any(cue.search(norm, *first) for cue in tagger._label_cues_in(first))
    assert tagger.tag(norm.index("terrorists"), norm.index("terrorists") + 10).voice == \
        "attributed"
