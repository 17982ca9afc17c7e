"""Codebook loading, validation messages, and the one-pass matcher against its reference."""

from __future__ import annotations

import textwrap
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
from framelab.errors import CodebookError
from framelab.paths import SEEDS_DIR
from framelab.segment import normalize_text, sentence_spans
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
    from framelab.matcher import _SEP_TABLE

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
