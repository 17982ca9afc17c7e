"""Label mentions, actor resolution, rates with CIs, frames, reporting verbs and plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from framelab import framing
from framelab.corpus import DOC_COLUMNS, normalize_text, segment
from framelab.errors import ColumnError, ParameterError

DOCS = {
    # outlet R: the outlet's own delegitimising labels
    "r1": ("R", "ru", ("Last week, the HTS terrorist group launched a terrorist offensive in "
           "Aleppo.\nThe Syrian Army halted the jihadist advances, and Moscow claimed its "
           "strikes killed hundreds of militants.")),
    "r2": ("R", "ru", ("Terrorists shelled the city again.\nThe government in Damascus "
           "asked for help.")),
    # outlet C: legitimising narrator labels, delegitimising only in quotes or attributed
    "c1": ("C", "us", ("The rebel offensive reached Aleppo.\nRyder said it is led by Hayat "
           "Tahrir\u2011al\u2011Sham, \u201ca designated terrorist organization.\u201d\nThe US "
           "designated the group a terror organization in 2018.")),
    "c2": ("C", "us", ("Rebels seized the airport from the Syrian regime.\nOfficials said "
           "that the regime lines collapsed.\nRebel fighters fire near Aleppo. Getty Images")),
}


def make_docs(docs: dict = DOCS) -> pd.DataFrame:
    rows = [{**dict.fromkeys(DOC_COLUMNS, ""), "doc_id": d, "outlet": o, "text": t,
             "text_norm": normalize_text(t), "country": c}
            for d, (o, c, t) in docs.items()]
    return pd.DataFrame(rows, columns=DOC_COLUMNS + ["country"])


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    documents = make_docs()
    sentences = segment(documents)
    matches = framing.match_sentences(sentences)
    mentions = framing.label_mentions(sentences, documents, matches=matches)
    return documents, sentences, matches, mentions


def row(mentions: pd.DataFrame, doc_id: str, term: str, nth: int = 0) -> pd.Series:
    return mentions[(mentions.doc_id == doc_id) & (mentions.term == term)].iloc[nth]


def test_label_mentions_columns_and_planted_rows(tables) -> None:
    _, _, _, m = tables
    assert list(m.columns[:11]) == ["doc_id", "outlet", "sentence_id", "start", "end", "term",
                                    "label", "family", "actor", "event", "voice"]
    r = row(m, "r1", "terrorist group")
    assert (r.label, r.family, r.actor, r.voice) == ("terrorist", "delegitimising", "hts",
                                                      "narrator")
    r = row(m, "r1", "terrorist")
    assert (r.event, r.actor, r.voice) == ("offensive", "", "narrator")
    assert row(m, "r1", "jihadist")[["event", "voice"]].tolist() == ["advance", "narrator"]
    assert row(m, "r1", "militants")[["voice", "voice_cue", "voice_evidence"]].tolist() == \
        ["attributed", "reporting verb", "claimed"]
    assert row(m, "c1", "rebel")[["family", "event", "voice"]].tolist() == \
        ["legitimising", "offensive", "narrator"]
    quoted = row(m, "c1", "terrorist organization")
    assert (quoted.actor, quoted.voice) == ("hts", "quoted")
    assert row(m, "c1", "terror organization")[["voice", "voice_cue"]].tolist() == \
        ["attributed", "label cue"]
    assert row(m, "c2", "regime")[["actor", "voice"]].tolist() == \
        ["syrian_government", "narrator"]
    # a label with one default actor resolves to it; a label with several stays unresolved
    assert row(m, "c2", "regime", 1)[["actor", "voice"]].tolist() == \
        ["syrian_government", "attributed"]
    assert row(m, "r2", "Terrorists").actor == ""
    assert row(m, "r2", "government").actor == "syrian_government"


def test_shared_voice_taggers_give_the_same_mentions(tables) -> None:
    documents, sentences, matches, mentions = tables
    taggers = framing.voice_taggers(sentences, documents)
    shared = framing.label_mentions(sentences, documents, matches=matches, taggers=taggers)
    pd.testing.assert_frame_equal(shared, mentions)
    actors = framing.actor_mentions(sentences, documents, matches=matches, taggers=taggers)
    pd.testing.assert_frame_equal(actors, framing.actor_mentions(sentences, documents,
                                                                 matches=matches))
    assert len(mentions) and len(actors)


def test_term_is_the_original_text_and_offsets_index_it(tables) -> None:
    documents, _, _, m = tables
    texts = dict(zip(documents.doc_id, documents.text))
    assert all(texts[d][s:e] == t for d, s, e, t in zip(m.doc_id, m.start, m.end, m.term))
    am = framing.actor_mentions(*tables[1::-1], matches=tables[2])
    hts = am[(am.doc_id == "c1") & (am.actor == "hts")]
    assert hts.term.tolist() == ["Hayat Tahrir\u2011al\u2011Sham"]


def test_captions_are_excluded_unless_asked(tables) -> None:
    documents, sentences, _, m = tables
    assert "Rebel fighters" not in set(m.term)
    everything = framing.label_mentions(sentences, documents, include_nonbody=True)
    assert set(everything.term) - set(m.term) == {"Rebel fighters"}


@pytest.mark.parametrize("text, actor", [
    ("the jihadist group Hayat Tahrir al-Sham advanced", "hts"),
    ("Hayat Tahrir al-Sham, a designated terrorist organization, advanced", "hts"),
    ("the US designated HTS as a terrorist organization", "hts"),
    ("the Syrian regime fell", "syrian_government"),
    ("the regime of Bashar al-Assad fell", "syrian_government"),
    ("the Iranian regime protested", "iran"),
    ("Assad's regime fell", "syrian_government"),
    ("the Syrian Army halted jihadist advances", ""),
    ("rebels in Damascus celebrated", "armed_opposition"),
])
def test_actor_resolution(text: str, actor: str) -> None:
    docs = make_docs({"x": ("X", "", text + ".")})
    m = framing.label_mentions(segment(docs), docs)
    assert m.actor.tolist() == [actor]


def test_actor_summary_is_the_same_from_mentions_voices_and_summed_counts(tables) -> None:
    documents, sentences, matches, _ = tables
    mentions = framing.actor_mentions(sentences, documents, matches=matches)
    want = framing.actor_summary(mentions)
    assert want["n_mentions"].sum() == len(mentions) > 0
    # by hand: one actor's documents and voices
    first = mentions["actor"].iloc[0]
    row = want.set_index("actor").loc[first]
    mine = mentions[mentions["actor"] == first]
    assert row.n_documents == mine["doc_id"].nunique()
    assert [row[v] for v in framing.VOICES] == [(mine["voice"] == v).sum()
                                                for v in framing.VOICES]
    pd.testing.assert_frame_equal(framing.actor_summary(framing.actor_voices(mentions)), want)
    docs = sorted(mentions["doc_id"].unique())
    halves = [mentions[mentions["doc_id"].isin(docs[:1])],
              mentions[~mentions["doc_id"].isin(docs[:1])]]
    parts = pd.concat([framing.actor_counts(h) for h in halves], ignore_index=True)
    assert list(parts.columns) == framing.ACTOR_COUNT_COLUMNS
    pd.testing.assert_frame_equal(framing.actor_summary(parts), want)


def test_label_rates_counts_rates_and_bootstrap(tables) -> None:
    documents, sentences, _, m = tables
    rates = framing.label_rates(m, sentences, documents, unit="documents", n_boot=200, seed=1)
    assert list(rates.columns) == framing.LABEL_RATE_COLUMNS
    assert len(rates) == 2 * 3 * 3 and rates["count"].sum() == len(m)
    r_nar = rates[(rates.group == "R") & (rates.family == "delegitimising") &
                  (rates.voice == "narrator")].iloc[0]
    assert r_nar["count"] == 4  # terrorist group, terrorist, jihadist, Terrorists
    assert r_nar.rate_per_1000 == pytest.approx(1000 * 4 / r_nar.n_tokens)
    assert rates.groupby("group")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert r_nar.ci_low <= r_nar.rate_per_1000 <= r_nar.ci_high and r_nar.n_units == 2
    again = framing.label_rates(m, sentences, documents, unit="documents", n_boot=200, seed=1)
    pd.testing.assert_frame_equal(rates, again)


def _label_rates_by_hand(mentions, sentences, documents, cb, unit, n_boot, seed):
    """Each group's units (sorted ids), their words and their mentions per family x voice
    summed with pandas, then the same bootstrap call: what label_rates must give."""
    from framelab.stats import cell_rng, ratio_interval

    cells = [(f, v) for f in cb.families for v in framing.VOICES]
    group_of = dict(zip(documents.doc_id, documents.outlet))
    unit_col = "doc_id" if unit == "documents" else "sentence_id"
    sents = sentences.assign(group=sentences.doc_id.map(group_of))
    located = mentions.merge(sents[["sentence_id", "group", unit_col]].rename(
        columns={unit_col: "unit"}) if unit_col != "sentence_id" else
        sents[["sentence_id", "group"]].assign(unit=sents.sentence_id), on="sentence_id")
    rows = []
    for group in sorted(set(sents.group)):
        mine = sents[sents.group == group]
        words = mine.groupby(unit_col)["n_words"].sum().sort_index()
        counts = np.zeros((len(words), len(cells)))
        for (u, fam, voice), n in located[located.group == group] \
                .groupby(["unit", "family", "voice"]).size().items():
            if (fam, voice) in cells:
                counts[words.index.get_loc(u), cells.index((fam, voice))] = n
        lo, hi = ratio_interval(counts, words.to_numpy(dtype=float), n_boot=n_boot, ci=0.95,
                                scale=1000.0, rng=cell_rng(seed, "label_rates", group))
        for j, (fam, voice) in enumerate(cells):
            rows.append((group, fam, voice, int(counts[:, j].sum()), lo[j], hi[j], len(words)))
    return pd.DataFrame(rows, columns=["group", "family", "voice", "count", "ci_low",
                                       "ci_high", "n_units"])


@pytest.mark.parametrize("unit", ["documents", "sentences"])
def test_label_rates_equal_sums_by_hand_over_shuffled_rows(unit: str) -> None:
    from framelab.codebook import load_codebook

    cb = load_codebook()
    rng = np.random.default_rng(3)
    n_docs, n_sents = 40, 400
    doc_ids = [f"d{i:03d}" for i in rng.permutation(n_docs)]
    documents = pd.DataFrame({"doc_id": doc_ids, "outlet": rng.choice(["A", "B", "C"], n_docs)})
    doc_of = rng.choice(doc_ids, n_sents)
    sentences = pd.DataFrame({"doc_id": doc_of,
                              "sentence_id": [f"{d}:{i:04d}" for i, d in enumerate(doc_of)],
                              "segment": "body", "n_words": rng.integers(1, 40, n_sents)}) \
        .sample(frac=1.0, random_state=1)  # rows in no particular order
    chosen = rng.integers(0, n_sents, 300)
    mentions = pd.DataFrame({
        "sentence_id": sentences.sentence_id.to_numpy()[chosen],
        "family": rng.choice([*cb.families, "not_a_family"], 300),
        "voice": rng.choice(list(framing.VOICES), 300)})
    got = framing.label_rates(mentions, sentences, documents, cb, unit=unit, n_boot=50, seed=4)
    want = _label_rates_by_hand(mentions, sentences, documents, cb, unit, 50, 4)
    assert (got.ci_unit == unit).all()
    pd.testing.assert_frame_equal(got[want.columns].reset_index(drop=True), want,
                                  check_dtype=False)


def test_label_rates_from_one_row_per_document_equal_those_from_sentences(tables) -> None:
    documents, sentences, _, m = tables
    from framelab.corpus import body

    analysed = body(sentences)
    per_doc = analysed.assign(n_words=framing.word_counts(analysed)) \
        .groupby("doc_id", as_index=False)["n_words"].sum().sample(frac=1.0, random_state=2)
    want = framing.label_rates(m, sentences, documents, unit="documents", n_boot=100, seed=3)
    got = framing.label_rates(m, per_doc, documents, unit="documents", n_boot=100, seed=3)
    pd.testing.assert_frame_equal(got, want)
    assert want["count"].sum() > 0
    with pytest.raises(ParameterError, match="one row per document"):
        framing.label_rates(m, per_doc, documents, unit="sentences", n_boot=10)


def test_label_rates_group_by_metadata_unit_and_errors(tables) -> None:
    documents, sentences, _, m = tables
    by_doc = framing.label_rates(m, sentences, documents, group_by="doc_id", unit="documents",
                                 n_boot=50)
    assert by_doc.ci_low.isna().all()  # one document per group: no document bootstrap
    auto = framing.label_rates(m, sentences, documents, group_by="doc_id", n_boot=50)
    assert set(auto.ci_unit) == {"sentences"} and auto.ci_low.notna().any()
    auto_docs = framing.label_rates(m, sentences, documents, n_boot=50, min_docs_per_group=2)
    assert set(auto_docs.ci_unit) == {"documents"}  # every outlet has two documents
    per_sentence = framing.label_rates(m, sentences, documents, group_by="doc_id",
                                       unit="sentences", n_boot=50)
    assert per_sentence.ci_low.notna().any()
    by_country = framing.label_rates(m, sentences.drop(columns=[]), documents,
                                     group_by="country", n_boot=0)
    assert sorted(by_country.group.unique()) == ["ru", "us"]
    with pytest.raises(ColumnError, match=r"group_by='medium' is not a column; available: "
                       r".*country.*outlet"):
        framing.label_rates(m, sentences, documents, group_by="medium")
    with pytest.raises(ParameterError, match="unit='words'; use 'auto'"):
        framing.label_rates(m, sentences, documents, unit="words")


def test_actor_never_mentioned_is_reported(tables) -> None:
    documents, sentences, matches, _ = tables
    summary = framing.actor_summary(framing.actor_mentions(sentences, documents,
                                                           matches=matches))
    turkey = summary.set_index("actor").loc["turkey"]
    assert turkey.n_mentions == 0 and turkey.n_documents == 0
    assert summary.set_index("actor").loc["hts"].n_mentions == 2


def test_frames_and_kwic(tables) -> None:
    documents, sentences, matches, _ = tables
    fr = framing.frames(sentences, documents, matches=matches)
    assert list(fr.columns) == framing.FRAME_COLUMNS
    assert len(fr) == 4 * 5 and fr.groupby("doc_id").size().eq(5).all()
    r2 = fr[(fr.doc_id == "r2")].set_index("frame")
    assert r2.loc["human_interest", "count"] == 0
    kw = framing.frame_kwic(sentences, documents, matches=matches)
    assert ((kw.match.str.len() > 0) & (kw.frame.isin(fr.frame))).all()


def test_reporting_verbs(tables) -> None:
    documents, sentences, matches, _ = tables
    rv = framing.reporting_verbs(sentences, documents, matches=matches)
    assert list(rv.columns[:6]) == ["doc_id", "outlet", "sentence_id", "speaker", "verb",
                                    "verb_class"]
    got = set(zip(rv.doc_id, rv.speaker, rv.verb, rv.verb_class))
    assert {("r1", "Moscow", "claimed", "distancing"), ("c1", "Ryder", "said", "neutral"),
            ("c2", "Officials", "said", "neutral")} <= got


def test_plots_return_their_axes(tables) -> None:
    documents, sentences, matches, m = tables
    rates = framing.label_rates(m, sentences, documents, n_boot=0)
    fig, axes = plt.subplots(1, 3)
    assert framing.plot_label_heatmap(rates, axes[0], voice="quoted") is axes[0]
    assert framing.plot_label_events(m, axes[1]) is axes[1]
    assert framing.plot_frames(framing.frames(sentences, documents, matches=matches),
                               axes[2]) is axes[2]
    assert {t.get_text() for t in axes[1].get_yticklabels()} == \
        {"rebel offensive", "jihadist advance", "terrorist offensive"}
    with pytest.raises(ParameterError, match="voice='own'"):
        framing.plot_label_heatmap(rates, axes[0], voice="own")
    plt.close(fig)


def test_compact_label_rows_give_the_same_rates_and_event_bars(tables) -> None:
    documents, sentences, _, m = tables
    rows = framing.label_rows(m)
    for unit in ("documents", "sentences"):
        pd.testing.assert_frame_equal(
            framing.label_rates(rows, sentences, documents, unit=unit, n_boot=30, seed=1),
            framing.label_rates(m, sentences, documents, unit=unit, n_boot=30, seed=1))
    fig, axes = plt.subplots(1, 2)
    framing.plot_label_events(m, axes[0])
    framing.plot_label_events(rows, axes[1])
    bars = [[(p.get_y(), p.get_width()) for p in ax.patches] for ax in axes]
    assert bars[0] == bars[1] and len(bars[0]) > 3
    assert [t.get_text() for t in axes[0].get_yticklabels()] == \
        [t.get_text() for t in axes[1].get_yticklabels()]
    plt.close(fig)


def test_kwic_and_missing_columns(tables) -> None:
    documents, sentences, _, m = tables
    kw = framing.add_kwic(m, documents, window=10)
    assert (kw.match == m.term).all()
    with pytest.raises(ColumnError, match=r"sentences lacks column\(s\) \['text_norm'\]"):
        framing.match_sentences(sentences.drop(columns=["text_norm"]))
    assert np.isfinite(framing.label_rates(m, sentences, documents, n_boot=0)
                       .rate_per_1000).all()


def test_reporting_verb_speaker_is_as_written() -> None:
    docs = make_docs({"x": ("X", "", ("Russia\u2019s Defense Ministry claimed that militants "
                                      "fled, the stated aim."))})
    rv = framing.reporting_verbs(segment(docs), docs)
    assert rv[["speaker", "verb", "verb_class", "lemma"]].values.tolist() == \
        [["Russia\u2019s Defense Ministry", "claimed", "distancing", "claim"]]
