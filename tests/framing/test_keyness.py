"""Keyness: planted distinctive words, the Monroe et al. formula, G², bad groupings."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from framelab.corpus import DOC_COLUMNS, normalize_text, segment
from framelab.errors import ColumnError, ParameterError
from framelab.framing import _keyness as keyness

COMMON = "Fighting continued near Aleppo and officials met in Geneva on Monday. "


def corpus(outlets: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = []
    for outlet, texts in outlets.items():
        for i, text in enumerate(texts):
            rows.append({**dict.fromkeys(DOC_COLUMNS, ""), "doc_id": f"{outlet}{i}",
                         "outlet": outlet, "text": text, "text_norm": normalize_text(text)})
    docs = pd.DataFrame(rows, columns=DOC_COLUMNS)
    return docs, segment(docs)


@pytest.fixture(scope="module")
def two_outlets() -> tuple[pd.DataFrame, pd.DataFrame]:
    return corpus({
        "A": [COMMON + f"Terrorist gangs attacked. The terrorist offensive was stopped ({i})."
              for i in range(4)],
        "B": [COMMON + f"Rebel fighters advanced. The rebels took the airport quickly ({i})."
              for i in range(4)],
    })


def monroe_reference(y_i: list[float], y_j: list[float], alpha: list[float]):
    """Monroe, Colaresi & Quinn (2008) eq. 16 and 18-19, written out term by term."""
    n_i, n_j, a0 = sum(y_i), sum(y_j), sum(alpha)
    deltas, zs = [], []
    for yi, yj, a in zip(y_i, y_j, alpha):
        omega_i = (yi + a) / (n_i + a0 - yi - a)
        omega_j = (yj + a) / (n_j + a0 - yj - a)
        delta = math.log(omega_i) - math.log(omega_j)
        deltas.append(delta)
        zs.append(delta / math.sqrt(1 / (yi + a) + 1 / (yj + a)))
    return deltas, zs


def g2_reference(a: float, b: float, c: float, d: float) -> float:
    """Rayson & Garside (2000): a of c tokens in the group, b of d in the reference."""
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    return 2 * ((a * math.log(a / e1) if a else 0) + (b * math.log(b / e2) if b else 0))


def test_planted_distinctive_words(two_outlets) -> None:
    docs, sents = two_outlets
    table = keyness.keyness(sents, docs)
    assert list(table.columns) == keyness.KEYNESS_COLUMNS
    top = table.groupby("group").head(2)
    assert set(top[top.group == "A"].term) <= {"terrorist", "gangs", "attacked", "offensive",
                                               "stopped"}
    assert table[table.group == "A"].iloc[0].term == "terrorist"
    assert table[table.group == "B"].iloc[0].term in {"rebel fighters", "rebels", "airport",
                                                      "advanced", "quickly", "took"}
    shared = table[(table.term == "aleppo") & (table.group == "A")].iloc[0]
    assert shared.z == pytest.approx(0.0, abs=1e-12) and shared.g2 == pytest.approx(0.0)
    assert set(zip(table.group, table.reference)) == {("A", "B"), ("B", "A")}
    docs3, sents3 = corpus({"A": ["Terrorists struck."], "B": ["Rebels struck."],
                            "C": ["Officials met."]})
    three = keyness.keyness(sents3, docs3)
    assert (three.reference == "rest").all()


def test_log_odds_and_z_match_an_independent_implementation(two_outlets) -> None:
    docs, sents = two_outlets
    counts = keyness.term_counts(sents, docs)
    table = keyness.keyness(sents, docs, counts=counts, prior_scale=0.5)
    alpha = 0.5 * counts.sum(axis=1)
    deltas, zs = monroe_reference(counts["A"].tolist(), counts["B"].tolist(), alpha.tolist())
    expected = pd.DataFrame({"term": counts.index, "ref_delta": deltas, "ref_z": zs})
    got = table[table.group == "A"].merge(expected, on="term")
    assert len(got) == len(counts)
    np.testing.assert_allclose(got.log_odds, got.ref_delta, rtol=0, atol=1e-9)
    np.testing.assert_allclose(got.z, got.ref_z, rtol=0, atol=1e-9)
    n_a, n_b = counts["A"].sum(), counts["B"].sum()
    for r in got.itertuples():
        assert r.g2 == pytest.approx(g2_reference(r.count_group, r.count_reference, n_a, n_b),
                                     abs=1e-9)


def test_formula_on_hand_numbers() -> None:
    delta, z = keyness.log_odds_dirichlet(np.array([10, 0, 5]), np.array([2, 8, 5]),
                                          np.array([1.0, 2.0, 0.5]))
    ref_d, ref_z = monroe_reference([10, 0, 5], [2, 8, 5], [1.0, 2.0, 0.5])
    np.testing.assert_allclose(delta, ref_d, atol=1e-12)
    np.testing.assert_allclose(z, ref_z, atol=1e-12)
    assert delta[0] > 0 > delta[1]
    with pytest.raises(ParameterError, match="pseudo-count"):
        keyness.log_odds_dirichlet(np.array([1]), np.array([1]), np.array([0.0]))


@pytest.mark.parametrize("terms", [40, 50_000])
def test_replicate_rows_give_the_formulas_numbers_exactly(terms: int) -> None:
    """The bootstrap's replicates x terms arrays (computed in place, a few rows at a time when
    they are wide) give bit for bit what the formula gives written out as numpy expressions,
    row by row against each row's totals."""
    rng = np.random.default_rng(4)
    y_i, y_j = rng.poisson(2, size=(7, terms)), rng.poisson(20, size=(7, terms))
    alpha = rng.random(terms) + 0.05
    delta, z = keyness.log_odds_dirichlet(y_i, y_j, alpha)
    assert delta.shape == z.shape == (7, terms)
    for row in range(7):
        a, b = y_i[row].astype(float), y_j[row].astype(float)
        want = (np.log(a + alpha) - np.log(a.sum() + alpha.sum() - a - alpha)
                - np.log(b + alpha) + np.log(b.sum() + alpha.sum() - b - alpha))
        np.testing.assert_array_equal(delta[row], want)
        np.testing.assert_array_equal(z[row], want / np.sqrt(1.0 / (a + alpha) + 1.0 / (b + alpha)))


def test_two_named_groups_are_symmetric() -> None:
    docs, sents = corpus({"A": ["Terrorists attacked the base."],
                          "B": ["Rebels attacked the base."],
                          "C": ["Officials met in Geneva."]})
    table = keyness.keyness(sents, docs, groups="A,B")
    assert set(zip(table.group, table.reference)) == {("A", "B"), ("B", "A")}
    a = table[table.group == "A"].set_index("term").z
    b = table[table.group == "B"].set_index("term").z
    pd.testing.assert_series_equal(a.sort_index(), -b.sort_index(), check_names=False)
    assert "geneva" not in set(table.term)  # only in C: not in either named group
    with pytest.raises(ParameterError, match=r"keyness groups \['Z'\] not found; groups in "
                       r"the data: A, B, C"):
        keyness.keyness(sents, docs, groups="A,Z")
    with pytest.raises(ParameterError, match="name exactly two groups"):
        keyness.keyness(sents, docs, groups="A")


def test_one_group_returns_an_empty_frame_with_a_note() -> None:
    docs, sents = corpus({"A": ["Terrorists attacked the base.", "Rebels took it back."]})
    table = keyness.keyness(sents, docs)
    assert table.empty and list(table.columns) == keyness.KEYNESS_COLUMNS
    assert "needs at least two groups" in table.attrs["note"]
    assert "group_by='outlet' gives 1 (A)" in table.attrs["note"]
    assert not keyness.keyness(sents, docs, group_by="doc_id").empty


def test_unknown_group_by_lists_columns(two_outlets) -> None:
    docs, sents = two_outlets
    with pytest.raises(ColumnError, match=r"group_by='medium' is not a column; available: "
                       r".*doc_id.*outlet"):
        keyness.keyness(sents, docs, group_by="medium")


def test_fightin_words_plot(two_outlets) -> None:
    docs, sents = two_outlets
    table = keyness.keyness(sents, docs)
    fig, ax = plt.subplots()
    assert keyness.plot_fightin_words(table, ax, group="A", top=3) is ax
    assert "terrorist" in {t.get_text() for t in ax.texts}
    plt.close(fig)


@pytest.mark.parametrize("batch", [2, 3, 100_000])
def test_term_and_document_counts_equal_a_per_sentence_reference(monkeypatch, batch) -> None:
    # counts come from count_terms in batches of whole documents; they must equal the
    # Analyzer run on each sentence, and a document counts once per group it reaches
    from collections import Counter

    from framelab.codebook import load_codebook
    from framelab.tokens import DEFAULT_MWES, STOP_WORDS, Analyzer

    monkeypatch.setattr(keyness, "BATCH_SENTENCES", batch)
    docs, sents = corpus({
        "A": ["Terrorists attacked. Terrorists attacked again. Terrorists fled.",
              "The Syrian government said terrorists attacked.", "Nothing here."],
        "B": ["Rebels advanced on Aleppo. Hayat Tahrir al-Sham rebels took the airport.",
              "Rebels and the Syrian government met."]})
    sents = sents.assign(half=np.where(sents.groupby("doc_id").cumcount() == 0, "x", "y"))
    analyzer = Analyzer(mwes=tuple(DEFAULT_MWES) + load_codebook(None).multiword_terms(
        ("actor",)), stop_words=STOP_WORDS)
    for group_by in ("outlet", "half"):
        counts, doc_counts = keyness.term_doc_counts(sents, docs, group_by=group_by)
        want: dict[str, Counter] = {}
        used: dict[str, Counter] = {}
        for group, doc_rows in sents.groupby(group_by):
            for _, doc in doc_rows.groupby("doc_id"):
                words = [w for t in doc.text_norm for w in analyzer(t)]
                want.setdefault(group, Counter()).update(words)
                used.setdefault(group, Counter()).update(set(words))
        assert list(counts.columns) == sorted(want) == list(doc_counts.columns)
        assert list(counts.index) == sorted(set().union(*want.values()))
        for group in want:
            assert counts[group][counts[group] > 0].to_dict() == dict(want[group])
            assert doc_counts[group][doc_counts[group] > 0].to_dict() == dict(used[group])


def test_document_counts_expose_one_article_repeating_a_term() -> None:
    docs, sents = corpus({
        "A": ["Gangs attacked. Gangs fled. Gangs returned. Gangs left. Gangs hid.",
              "Officials met in Geneva.", "Officials spoke."],
        "B": ["Officials met in Geneva.", "Rebels advanced.", "Rebels took the airport."]})
    table = keyness.keyness(sents, docs)
    gangs = table[(table.term == "gangs") & (table.group == "A")].iloc[0]
    assert (gangs.count_group, gangs.docs_group, gangs.docs_reference) == (5, 1, 0)
    rebels = table[(table.term == "rebels") & (table.group == "B")].iloc[0]
    assert (rebels.count_group, rebels.docs_group) == (2, 2)
    counts = keyness.term_counts(sents, docs)
    assert keyness.keyness(sents, docs, counts=counts)["docs_group"].isna().all()


def test_bootstrap_interval_exposes_a_term_one_article_repeats() -> None:
    # "terrorist" once in each of A's five articles, "gangs" six times in one of them: z
    # ranks "gangs" at least as high, but resampling articles often leaves that one out, so
    # its interval reaches below 0 while "terrorist"'s stays above
    # (every line differs between articles: lines repeated across articles are boilerplate)
    towns = ["Aleppo", "Hama", "Homs", "Idlib", "Daraa"]
    docs, sents = corpus({
        "A": [f"On day {i} officials met near {t}. The terrorist attack on {t} failed."
              for i, t in enumerate(towns[:4])]
        + ["On day 4 officials met near Daraa. The terrorist attack on Daraa failed. "
           + " ".join(f"Gangs attacked post {k}." for k in range(6))],
        "B": [f"On day {i} officials met near {t}. The rebels advanced on {t}."
              for i, t in enumerate(towns)]})
    table = keyness.keyness(sents, docs, n_boot=400, seed=1)
    a = table[table.group == "A"].set_index("term")
    assert a.loc["gangs", "z"] >= a.loc["terrorist", "z"] > 0
    assert a.loc["gangs", "z_ci_low"] < 0 < a.loc["terrorist", "z_ci_low"]
    assert (a.z_ci_low <= a.z_ci_high).all() and set(table.ci_unit) == {"documents"}
    assert list(table.columns) == keyness.KEYNESS_COLUMNS
    again = keyness.keyness(sents, docs, n_boot=400, seed=1)
    pd.testing.assert_frame_equal(table, again)
    plain = keyness.keyness(sents, docs)
    assert plain.z_ci_low.isna().all() and set(plain.ci_unit) == {""}
    pd.testing.assert_series_equal(plain.z, table.z)
    # one article per group: nothing to resample between articles, so "auto" draws sentences
    one_each = keyness.keyness(*corpus({"A": ["Gangs attacked. Gangs fled. Officials met."],
                                        "B": ["Rebels advanced. Officials met."]})[::-1],
                               n_boot=50)
    assert set(one_each.ci_unit) == {"sentences"}
    with pytest.raises(ParameterError, match="unit='paragraphs'"):
        keyness.keyness(sents, docs, n_boot=10, unit="paragraphs")
    with pytest.raises(ParameterError, match="n_boot=-1"):
        keyness.keyness(sents, docs, n_boot=-1)
