"""Shared sources that are reported, not quoted; actor aliases; chains without order.

The texts are invented (a storm that closed a made-up port). Two articles relay one
statement of the harbour master in their own words, without quoting her; a third gives the
same content to another speaker. Filler articles on other subjects give the corpus its
vocabulary, as in ``test_relations.py``.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pytest
from _planted import pair_of, planted_pairs
from framelab import reuse
from framelab.codebook import load_codebook

# two articles reporting, unquoted, one statement of the harbour master Ingrid Dahl
REPORT_A = [
    "A winter storm tore through the coast on Sunday night, flooding roads near the harbour.",
    ("Harbour master Ingrid Dahl said the northern quay would stay closed until the cranes "
     "damaged by the storm were repaired."),
    ("She added that cargo ships bound for Velden would be diverted to Hallsund for at least "
     "a week."),
    "Volunteers spent Monday clearing fallen trees from the cycle path along the beach.",
    "The town's Christmas market will open as planned on Friday, its organisers said.",
]
REPORT_B = [
    "Fishermen counted the cost on Monday after waves smashed dozens of small boats.",
    "Insurers expect claims from the storm to run into the millions.",
    ("The northern quay will remain closed while the cranes the storm damaged are repaired, "
     "according to Ingrid Dahl, the harbour master."),
    ("Dahl said cargo ships heading for Velden would be diverted to Hallsund for a week or "
     "more."),
    "Schools in the district reopened after a day of closures.",
]
# the same content, given to a different speaker
OTHER_SPEAKER = [
    "Fishermen counted the cost on Monday after waves smashed dozens of small boats.",
    "Insurers expect claims from the storm to run into the millions.",
    ("The northern quay will remain closed while the cranes the storm damaged are repaired, "
     "according to Anton Berg, the transport minister."),
    ("Berg said cargo ships heading for Velden would be diverted to Hallsund for a week or "
     "more."),
    "Schools in the district reopened after a day of closures.",
]
# eight sentences of a storm report; the second article has four of them reworded, in the
# same order, and four of its own: half of it and a third of the report, in order
REPORT = [
    "The storm reached the coast late on Sunday with winds of up to 140 kilometres an hour.",
    "Power lines came down across the peninsula, leaving 12,000 homes without electricity.",
    "The coastguard rescued the crew of a trawler that lost its engine off the lighthouse.",
    "Rail services between Velden and the capital were suspended after trees fell on the line.",
    "The regional council opened two sports halls as shelters for families who left home.",
    "Farmers reported flooded fields and drowned livestock in the low-lying polders.",
    "The weather service expects calmer conditions from Wednesday.",
    "Repair crews from three neighbouring regions have been sent to restore power.",
    "Several roads along the dike remain closed to traffic.",
    "The museum postponed the opening of its maritime exhibition by a week.",
    "Officials will assess the damage to the harbour walls once the water has gone down.",
    "Residents were asked to avoid unnecessary journeys until Tuesday evening.",
]
FOUR_OF_IT = [
    "Wind speeds hit 140 kilometres an hour when the storm came ashore on Sunday night.",
    "A theatre group cancelled its touring performances for the rest of the month.",
    "About 12,000 households lost electricity as power lines fell across the peninsula.",
    "Shops in the old town sold out of candles and batteries by noon.",
    "Trees on the line forced the suspension of trains from Velden to the capital.",
    "A local brewery offered free soup to anyone who came by with a torch.",
    "Livestock drowned and fields flooded in the polders, farmers said.",
    "The football club's weekend match was moved to an indoor pitch.",
]
def test_one_speaker_reported_unquoted_by_both_is_a_shared_source(tmp_path: Path) -> None:
    pairs = planted_pairs(tmp_path, {"report_a": REPORT_A, "report_b": REPORT_B})
    pair = pair_of(pairs, "report_a", "report_b")
    assert pair is not None, pairs
    assert pair["relation"] == "shared_source", pair["evidence"]
    assert pair["shared_source_kind"] == "reported" and pair["n_shared_quotes"] == 0
    assert pair["n_reported"] >= 1 and "Dahl" in pair["reported_speech"]
    assert pair["direction_reason"] == "common_source" and pair["source"] == ""


def test_similar_content_given_to_different_speakers_is_not_a_shared_source(
        tmp_path: Path) -> None:
    pairs = planted_pairs(tmp_path, {"report_a": REPORT_A, "other": OTHER_SPEAKER})
    pair = pair_of(pairs, "report_a", "other")
    # the same sentences as report_b, so the pair is aligned; only the speaker differs
    assert pair is not None, pairs
    assert pair["relation"] == "same_story" and pair["n_reported"] == 0, pair["evidence"]


def test_speaker_keys_drop_roles_and_match_by_inclusion() -> None:
    speaker_key, same_speaker = reuse.speaker_key, reuse.same_speaker
    assert speaker_key("Pentagon Press Secretary Pat Ryder") == {"pentagon", "pat", "ryder"}
    assert speaker_key("the spokesman") == frozenset() == speaker_key("Officials")
    assert same_speaker(speaker_key("Ryder"), speaker_key("Maj. Gen. Pat Ryder"))
    assert not same_speaker(speaker_key("Jake Sullivan"), speaker_key("Pat Ryder"))
    assert not same_speaker(speaker_key("the statement"), speaker_key("the statement"))


def test_actor_aliases_give_one_token_per_actor() -> None:
    cb = load_codebook(None)
    with_aliases = reuse.ContentAnalyzer(mwes=cb.mwes, aliases=reuse.actor_aliases(cb))
    short, long = "HTS fighters entered the city", "Hayat Tahrir al-Sham fighters entered the city"
    assert "@hts" in with_aliases(short) and "@hts" in with_aliases(long)
    plain = reuse.ContentAnalyzer(mwes=cb.mwes)
    assert not set(plain(short)) & set(plain(long)) - set(plain("fighters entered the city"))
    sentences = pd.DataFrame({"text_norm": [short, long, "The orchestra opened its season"]})
    for aliases, expect_shared in ((reuse.actor_aliases(cb), True), ((), False)):
        space = reuse.fit_space(sentences, mwes=cb.mwes, aliases=aliases)
        X = space.transform(sentences["text_norm"])
        vocab = space.vocabulary_
        shared = "@hts" in vocab and X[0, vocab["@hts"]] > 0 and X[1, vocab["@hts"]] > 0
        assert shared == expect_shared
    # the analyzer pickles with its aliases (partitions on an engine)
    assert pickle.loads(pickle.dumps(with_aliases))(long) == with_aliases(long)


def test_a_short_ordered_chain_over_half_of_one_article_is_not_a_rewrite(
        tmp_path: Path) -> None:
    pairs = planted_pairs(tmp_path, {"report": REPORT, "four": FOUR_OF_IT})
    pair = pair_of(pairs, "report", "four")
    assert pair is not None, pairs
    assert pair["n_rewrite"] == 4, pair["evidence"]
    # half of the short article, a third of the long one: in order, but no more than a
    # topic match of this size gives by chance (four links all in order: p = 1/24)
    assert pair["rewrite_p"] == pytest.approx(1 / 24)
    assert pair["relation"] == "same_story", pair["evidence"]


# eight sentences of REPORT reworded (its sentences 0, 1, 3, 4, 5, 7, 8, 11, in that order)
REWORDED = [FOUR_OF_IT[0], FOUR_OF_IT[2], FOUR_OF_IT[4],
            "Two sports halls were opened by the regional council to shelter families who fled.",
            FOUR_OF_IT[6],
            "Crews from three neighbouring regions are on their way to restore the power supply.",
            "Traffic is still barred from several roads along the dike.",
            "Until Tuesday evening residents should avoid journeys that are not necessary."]


def test_the_same_sentences_out_of_order_are_a_topic_match_not_a_rewrite(
        tmp_path: Path) -> None:
    # the same eight reworded sentences: in REPORT's order a rewrite, scrambled not
    scrambled = [REWORDED[k] for k in (6, 2, 7, 0, 4, 1, 5, 3)]
    pairs = planted_pairs(tmp_path, {"report": REPORT, "ordered": REWORDED, "scrambled": scrambled})
    ordered = pair_of(pairs, "report", "ordered")
    assert ordered is not None and ordered["relation"] == "rewrite", pairs
    pair = pair_of(pairs, "report", "scrambled")
    assert pair is not None, pairs
    assert pair["n_rewrite"] < ordered["n_rewrite"] and pair["rewrite_p"] > 0.05
    assert pair["relation"] == "same_story", pair["evidence"]
