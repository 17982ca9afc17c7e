"""Codebook loading, validation messages, and the one-pass matcher against its reference."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path

import pytest
from framelab.codebook import (
    Codebook,
    Matcher,
    Term,
    codebook_from_text,
    load_codebook,
    reference_matches,
    term_key,
)
from framelab.corpus import normalize_text, sentence_spans
from framelab.errors import CodebookError
from framelab.paths import SEEDS_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MINIMAL = """\
version: "0.1"
actors:
  hts:
    aliases: [HTS, Hayat Tahrir al-Sham]
families:
  delegitimising:
    reasoning: names by violence
labels:
  terrorist:
    family: delegitimising
    terms: [terrorist, terrorist group]
"""


@pytest.fixture(scope="module")
def cb() -> Codebook:
    return load_codebook()


def keys(cb: Codebook, text: str, layer: str) -> list[str]:
    return [m.key for m in cb.matcher.find(text) if m.layer == layer]


# --- the shipped codebook ----------------------------------------------------------------

def test_default_codebook_is_versioned_and_complete(cb: Codebook) -> None:
    assert cb.version and cb.path is not None and cb.path.name == "codebook.yaml"
    assert set(cb.families) == {"delegitimising", "neutral", "legitimising"}
    assert all(reason for reason in cb.families.values())
    for actor in ("hts", "armed_opposition", "syrian_government", "us", "russia", "iran",
                  "turkey", "islamic_state", "kurdish_forces", "hezbollah"):
        assert actor in cb.actors
    assert cb.actors["hts"].target == cb.actors["armed_opposition"].target
    assert set(cb.verb_classes) == {"neutral", "distancing", "affirming"}
    assert len(cb.frames) == 5
    assert cb.default_actor("regime") == "syrian_government"
    assert cb.default_actor("terrorist") == ""  # several possible actors: no default


@pytest.mark.parametrize("text", [
    "Hayat Tahrir al-Sham", "Hayat Tahrir-al-Sham", "HAYAT TAHRIR AL SHAM",
    "Hayat  Tahrir -\nal-Sham", "Tahrir al-Sham", "Jabhat al-Nusra", "the Nusra Front",
    "al-Jolani", "HTS"])
def test_hts_variants_match(cb: Codebook, text: str) -> None:
    assert keys(cb, f"Fighters of {text} advanced.", "actor") == ["hts"]


@pytest.mark.parametrize("text", ["al Qaeda", "al-Qaeda", "Al-Qaida", "al Qa'ida"])
def test_qaeda_variants_match(cb: Codebook, text: str) -> None:
    assert keys(cb, f"an {text} affiliate", "actor") == ["al_qaeda"]


def test_word_boundaries_and_case_sensitive_aliases(cb: Codebook) -> None:
    assert keys(cb, "This is what thesis writers discuss with us.", "actor") == []
    assert keys(cb, "IS and the US fought; ISIS too.", "actor") == \
        ["islamic_state", "us", "islamic_state"]
    assert keys(cb, "terroristic rhetoric", "label") == []
    assert keys(cb, "Syria's regime's forces", "label") == ["regime"]


def test_office_holders_and_syrian_state_phrases_name_their_state(cb: Codebook) -> None:
    # spokespeople and ministers are aliases of their state, so their quotations are the
    # state's; "Syrian" alone ("Syrian civilians") and common surnames stay unmatched
    text = ("Kremlin spokesman Dmitry Peskov, Lavrov, Araghchi, Blinken, Syrian officials, "
            "Syrian state media and SANA spoke; Syrian civilians, Sana'a, Miller and Austin did not.")
    assert keys(cb, text, "actor") == ["russia", "russia", "russia", "iran", "us",
                                       "syrian_government", "syrian_government",
                                       "syrian_government"]
    from framelab.framing import find_quotes

    norm = normalize_text('"We are watching closely," said Esmaeil Baghaei, the spokesman. '
                          '"Damascus stands firm," Syrian officials said. '
                          '"The army holds Hama," Syrian state media reported. '
                          '"Nothing was agreed," the Russian state news agency said.')
    docs = __import__("pandas").DataFrame({"doc_id": ["d"], "outlet": ["o"], "text": [norm],
                                           "text_norm": [norm]})
    found = find_quotes(docs, cb)
    assert found["speaker"].tolist()[2:] == ["Syrian state media",
                                             "the Russian state news agency"]
    assert found["speaker_actor"].tolist() == ["Iran", "Syrian government",
                                               "Syrian government", "Russia"]


def test_overlap_longest_wins_within_a_layer_layers_independent(cb: Codebook) -> None:
    found = cb.matcher.find("the Assad regime and a terrorist organization")
    assert [(m.layer, m.key, m.term) for m in found] == [
        ("actor", "syrian_government", "Assad"), ("label", "regime", "regime"),
        ("label", "terrorist", "terrorist organization")]


def test_label_ignore_hides_labels_inside_longer_phrases(cb: Codebook) -> None:
    assert keys(cb, "Iran's Revolutionary Guards and anti-terrorist units", "label") == []
    assert keys(cb, "revolutionary forces", "label") == ["revolutionary"]


def test_prefix_terms_extend_to_the_end_of_the_word(cb: Codebook) -> None:
    found = [m for m in cb.matcher.find("economic economies econ") if m.layer.startswith("frame")]
    assert [(m.start, m.end) for m in found] == [(0, 8), (9, 18)]


def test_codebook_lexicons_for_stance(cb: Codebook) -> None:
    assert cb.label_families()["terrorist organization"] == "delegitimising"
    assert cb.verb_families()["claimed"] == "distancing"
    assert "HTS/armed opposition" in cb.targets()
    assert "hayat tahrir al-sham" in cb.mwes


# --- matcher vs the per-phrase reference -------------------------------------------------

def test_matcher_agrees_with_reference_on_the_seeds(cb: Codebook) -> None:
    n = 0
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        text = normalize_text(path.read_text(encoding="utf-8"))
        for s, e in sentence_spans(text):
            found = cb.matcher.find(text[s:e])
            assert found == reference_matches(text[s:e], cb.matcher)
            n += len(found)
    assert n > 100


OVERLAP = Matcher([("x", "ab", Term("a b")), ("x", "bc", Term("b c")),
                   ("x", "abcd", Term("a b c d")), ("x", "cd", Term("c-d")),
                   ("x", "a", Term("a")), ("y", "bc", Term("b c"))])


def test_overlap_policy_planted() -> None:
    text = "a b c d b c a-b c"
    found = [(m.layer, m.key, text[m.start:m.end]) for m in OVERLAP.find(text)]
    assert found == [("x", "abcd", "a b c d"), ("y", "bc", "b c"), ("x", "bc", "b c"),
                     ("y", "bc", "b c"), ("x", "ab", "a-b"), ("y", "bc", "b c")]
    assert OVERLAP.find(text) == reference_matches(text, OVERLAP)


WORDS = ["a", "b", "c", "d", "A", "B", "terrorist", "regime", "Assad", "IS", "US", "us",
         "Tahrir", "al", "Sham", "HTS", "econom", "economy"]
SEPS = [" ", "  ", "-", " - ", "\n", ", ", ".", "'s ", "_", "", "\t"]


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPS)),
                          max_size=25))
    return "".join(w + s for w, s in parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_matcher_equals_reference_on_generated_text(text: str) -> None:
    cb = load_codebook()
    assert cb.matcher.find(text) == reference_matches(text, cb.matcher)
    assert OVERLAP.find(text) == reference_matches(text, OVERLAP)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80).filter(lambda t: all(len(c.lower()) == 1 for c in t)) | texts())
def test_matcher_spans_slice_back_to_the_phrase(text: str) -> None:
    cb = load_codebook()
    by_text = {t.text: t for _, _, t in cb.matcher.entries}
    for m in cb.matcher.find(text):
        assert 0 <= m.start < m.end <= len(text)
        term, written = by_text[m.term], text[m.start:m.end]
        if term.prefix:
            assert term_key(written).startswith(term.key)
        else:
            assert term_key(written) == term.key


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_matcher_never_crashes(text: str) -> None:
    for m in load_codebook().matcher.find(text):
        assert 0 <= m.start < m.end <= len(text)


def test_separator_table_is_what_regex_whitespace_means() -> None:
    from framelab.codebook._matcher import _SEP_TABLE

    every = {c for c in range(0x110000) if chr(c).isspace()} | {ord("-")}
    assert set(_SEP_TABLE) == every


# --- validation --------------------------------------------------------------------------

def broken(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new)


def test_minimal_codebook_loads() -> None:
    cb = codebook_from_text(MINIMAL)
    assert cb.version == "0.1" and cb.actors["hts"].name == "hts"
    assert [m.key for m in cb.matcher.find("the HTS terrorist group")] == ["hts", "terrorist"]


@pytest.mark.parametrize("text, pattern", [
    (broken('version: "0.1"\n', ""), r"line 1: <top level>: missing required key 'version'"),
    (MINIMAL + "labelz: {}\n", r"line 12: labelz: unknown key 'labelz'; allowed here: actors"),
    (broken("family: delegitimising", "family: hostile"),
     r"line 10: labels.terrorist.family: family 'hostile' is not defined under 'families'"),
    (broken("terms: [terrorist, terrorist group]", "terms: [terrorist, [x]]"),
     r"line 11: labels.terrorist.terms\[1\]: expected a non-empty string, got \['x'\] \(list\)"),
    (broken("aliases: [HTS, Hayat Tahrir al-Sham]", "aliases: []"),
     r"line 4: actors.hts.aliases: expected a non-empty list of phrases, got list"),
    (broken("terms: [terrorist, terrorist group]", "terms: [terrorist, terrorist group, "
            "Terrorist-Group]"),
     (r"line 11: label phrase 'Terrorist-Group' under 'terrorist' is already listed under "
     r"the same key \(line 11\)")),
    (broken("terms: [terrorist, terrorist group]", "terms: [terror*ist]"),
     r"line 11: labels.terrorist.terms\[0\]: 'terror\*ist': '\*' is allowed only once"),
    (broken("    reasoning: names by violence\n", "    reasoning: names by violence\n"
            "    reasoning: again\n"), (r"line 8: families.delegitimising.reasoning: the key "
            r"'reasoning' is repeated \(first on line 7\)")),
    (MINIMAL + "attribution:\n  label_cues: ['(unclosed']\n",
     r"line 13: attribution.label_cues\[0\]: '\(unclosed' is not a valid regular expression"),
    (broken("aliases: [HTS, Hayat Tahrir al-Sham]", "aliases: [HTS, Hayat Tahrir al-Sham\n"),
     r"line \d+: not valid YAML"),
    ("- just\n- a list\n", r"<top level>: expected a non-empty mapping of codebook sections"),
])
def test_validation_errors_name_line_key_and_expectation(text: str, pattern: str) -> None:
    with pytest.raises(CodebookError, match=pattern):
        codebook_from_text(text, source="cb.yaml")


def test_alias_in_two_actors_and_unknown_applies_to() -> None:
    twice = MINIMAL.replace("actors:\n", "actors:\n  isis:\n    aliases: [hts]\n")
    with pytest.raises(CodebookError, match=r"line 6: actor phrase 'HTS' under 'hts' is already "
                       r"listed under 'isis' \(line 4\); each actor phrase may belong to one "
                       r"actor only"):
        codebook_from_text(twice)
    with pytest.raises(CodebookError, match=r"labels.terrorist.applies_to\[0\]: unknown actor "
                       r"'isis'; actors: hts"):
        codebook_from_text(MINIMAL + "    applies_to: [isis]\n")


def test_missing_file_is_a_codebook_error(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="does not exist"):
        load_codebook(tmp_path / "nope.yaml")
    path = tmp_path / "cb.yaml"
    path.write_text(textwrap.dedent(MINIMAL), encoding="utf-8")
    assert load_codebook(path).path == path.resolve()


# --- case-sensitive phrases and batches ---------------------------------------------------

CASED = Matcher([("a", "fsa", Term("Free Syrian Army", case_sensitive=True)),
                 ("a", "army", Term("army")),
                 ("a", "kurd", Term("Kurd*", case_sensitive=True)),
                 ("a", "is", Term("IS", case_sensitive=True)),
                 ("b", "us", Term("U.S.", case_sensitive=True)),
                 ("b", "sigma", Term("ΑΣ", case_sensitive=True)),
                 ("b", "idot", Term("İS", case_sensitive=True))])
#: "ας" lowercases by context ("ΑΣ" -> "ας", but "ασ" where "İ" makes lowercasing go one
#: character at a time): a batch must lowercase each text as find() does.
GREEK = Matcher([("g", "sigma", Term("ας")), ("g", "is", Term("is")), ("g", "us", Term("US"))])
CASED_WORDS = ["Free", "free", "FREE", "Syrian", "syrian", "Army", "army", "ARMY", "Kurd",
               "Kurdish", "kurdish", "KURDS", "IS", "Is", "is", "iS", "ISIS", "U.S.", "u.s.",
               "U.S", "US", "ΑΣ", "ας", "ασ", "ΑΣΑ", "İS", "is", "i̇s"]
CASED_SEPS = [" ", "  ", "-", " - ", "\n", ", ", "'", ".", "_", "", "\x00"]


@st.composite
def cased_texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.tuples(st.sampled_from(CASED_WORDS),
                                    st.sampled_from(CASED_SEPS)), max_size=20))
    return "".join(w + s for w, s in parts)


def test_case_sensitive_phrases_match_only_as_written(cb: Codebook) -> None:
    text = "This is IS, Is and iS; us, US, Us and U.S. with ISIS-US."
    found = [(text[m.start:m.end], m.key) for m in cb.matcher.find(text, layers=("actor",))]
    assert found == [("IS", "islamic_state"), ("US", "us"), ("U.S.", "us"),
                     ("ISIS", "islamic_state"), ("US", "us")]
    only = Matcher([("actor", "x", Term("IS", case_sensitive=True))])
    assert only.candidates("is Is IS iS") == [(6, 8, 0)]  # no candidate in another case


def test_case_sensitive_multiword_prefix_and_context_dependent_phrases() -> None:
    text = "free syrian army, Free  Syrian-Army; Free Syrian ARMY. kurdish Kurdish"
    found = [(m.key, text[m.start:m.end]) for m in CASED.find(text)]
    assert found == [("army", "army"), ("fsa", "Free  Syrian-Army"), ("army", "ARMY"),
                     ("kurd", "Kurdish")]
    # "Σ" lowercases to "ς" or "σ" by context and "İ" to two characters: as written only
    text = "ΑΣ'Α ας ΑΣ İS is"
    found = [(m.key, text[m.start:m.end]) for m in CASED.find(text)]
    assert found == [("sigma", "ΑΣ"), ("sigma", "ΑΣ"), ("idot", "İS")]
    assert CASED.find(text) == reference_matches(text, CASED)


@settings(max_examples=150, deadline=None)
@given(cased_texts())
def test_case_sensitive_matcher_equals_reference(text: str) -> None:
    assert CASED.find(text) == reference_matches(text, CASED)


@st.composite
def batches(draw: st.DrawFn) -> list[str]:
    """Texts cut at random points (phrases split across texts), with empty texts and the
    matcher's filler character "\\x00" mixed in."""
    text = draw(texts() | cased_texts())
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    extra = draw(st.lists(st.sampled_from(["", "\x00", "IS\x00is", "a\x00b c", "US-\x00 "]),
                          max_size=3))
    return pieces + extra if draw(st.booleans()) else extra + pieces


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches(), st.sampled_from([None, ("actor",), ("label", "verb"), ("b",)]))
def test_find_many_equals_find_per_text(texts_: list[str], layers: tuple[str, ...] | None
                                        ) -> None:
    for matcher in (load_codebook().matcher, OVERLAP, CASED, GREEK):
        each = [matcher.find(t, layers=layers) for t in texts_]
        assert matcher.find_many(texts_, layers=layers) == each
        assert matcher.count_many(texts_, layers=layers) == \
            Counter((m.layer, m.key) for found in each for m in found)
        for t, found in zip(texts_, each):
            assert {(m.start, m.end) for m in found} <= \
                {(s, e) for s, e, _ in matcher.candidates(t)}


def test_find_many_planted(cb: Codebook) -> None:
    texts_ = ["Assad", "", "regime\x00Assad", "Hayat Tahrir", "al-Sham IS", "\x00"]
    found = cb.matcher.find_many(texts_)
    assert [[(m.start, m.end, m.key) for m in f] for f in found] == [
        [(0, 5, "syrian_government")], [], [(0, 6, "regime"), (7, 12, "syrian_government")],
        [], [(8, 10, "islamic_state")], []]
    assert found == [cb.matcher.find(t) for t in texts_]
    assert cb.matcher.find_many([]) == [] and cb.matcher.count_many([]) == Counter()
    assert cb.matcher.count("IS and is, IS") == Counter({("actor", "islamic_state"): 2})
    assert GREEK.find_many(["ΑΣ", "İS"]) == [GREEK.find("ΑΣ"), GREEK.find("İS")] != [[], []]


# --- sides -------------------------------------------------------------------------------

def test_default_codebook_puts_the_parties_of_the_war_on_sides(cb: Codebook) -> None:
    assert set(cb.sides) == {"armed_opposition", "government"}
    members = cb.side_members()
    assert members["armed_opposition"] == ["hts", "armed_opposition"]
    assert members["government"] == ["syrian_government"]
    assert cb.side_of("russia") == "" and cb.side_of("no_such_actor") == ""
    assert all(side.description for side in cb.sides.values())


def test_custom_codebook_defines_its_own_sides() -> None:
    text = MINIMAL.replace("actors:\n", "sides:\n  jihadis:\n    name: jihadi camp\nactors:\n")
    text = text.replace("    aliases: [HTS", "    side: jihadis\n    aliases: [HTS")
    cb = codebook_from_text(text)
    assert cb.sides["jihadis"].name == "jihadi camp" and cb.side_of("hts") == "jihadis"
    assert codebook_from_text(MINIMAL).sides == {} and codebook_from_text(MINIMAL).side_of(
        "hts") == ""


@pytest.mark.parametrize("text, pattern", [
    (MINIMAL.replace("    aliases: [HTS", "    side: rebels\n    aliases: [HTS"),
     r"line 4: actors.hts.side: side 'rebels' is not defined under 'sides' \(defined: none; "
     r"add a sides section\)"),
    (MINIMAL.replace("actors:\n", "sides:\n  a b:\n    name: x\nactors:\n"),
     r"line 4: sides.a b: side id 'a b': use letters, digits"),
    (MINIMAL.replace("actors:\n", "sides:\n  rebels:\n    colour: red\nactors:\n"),
     r"line 4: sides.rebels.colour: unknown key 'colour'; allowed here: description, name"),
])
def test_side_errors_name_line_key_and_expectation(text: str, pattern: str) -> None:
    with pytest.raises(CodebookError, match=pattern):
        codebook_from_text(text, source="cb.yaml")
