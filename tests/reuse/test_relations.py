"""Relations on hand-written rewrites that are not the seeds, and the chain order test.

The texts are invented (a dock strike in a made-up port). Each planted variant is written by
hand: a rewrite that adds background of its own around the rewritten core, one that rewrites
only part of a longer article, one that splits sentences, an article naming the same people
and places with other facts, and two articles that share one quotation and nothing else.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _planted import FILLER, pair_of, planted_pairs
from framelab import corpus, reuse
from framelab.errors import ParameterError

SOURCE = [
    ("Dockworkers at the port of Velden walked off the job on Monday after talks with the "
     "shipping company Norrland Lines collapsed."),
    ("The union says about 2,300 members joined the strike, halting the loading of container "
     "ships at all four terminals."),
    ("Norrland Lines had offered a pay rise of 3 percent a year, well below the 8 percent the "
     "union demanded."),
    ("Union leader Petra Lindqvist told a rally outside the harbour gates that members would "
     "not return until the company improved its offer."),
    "The company said the stoppage was costing it around 4 million euros a day in delayed cargo.",
    "Supermarkets in the region warned that shelves of fresh fruit could be empty within a week.",
    ("Transport minister Anton Berg urged both sides to accept mediation by the national labour "
     "board."),
    "Three cargo ships were diverted overnight to the neighbouring port of Hallsund.",
    ("The last strike at Velden, in 2016, lasted eleven days and ended with a two-year wage "
     "deal."),
    "Police said the picket lines had been peaceful and no arrests were made.",
    "Talks are due to resume on Thursday at the offices of the labour board.",
]
# the same facts in the same order, reworded, one sentence each
CORE = [
    ("Talks between Norrland Lines and the dockers broke down, and on Monday the workers at "
     "Velden's port stopped work."),
    ("Some 2,300 union members are on strike according to the union, and no container ship is "
     "being loaded at any of the four terminals."),
    ("The union wanted 8 percent more pay each year; the shipping firm had put only 3 percent "
     "on the table."),
    ("Speaking to supporters at the harbour gates, Petra Lindqvist, who leads the union, said "
     "nobody would return without a better offer from the company."),
    "Delayed cargo is costing Norrland Lines roughly 4 million euros every day, the firm said.",
    "Within a week the region's supermarkets may run out of fresh fruit, retailers warned.",
    ("Anton Berg, the transport minister, called on the two sides to let the national labour "
     "board mediate."),
    ("Overnight, three cargo vessels were sent instead to Hallsund, the next port along the "
     "coast."),
    "A strike in 2016 shut Velden for eleven days before a two-year wage agreement ended it.",
    "The pickets have stayed peaceful and nobody has been arrested, police said.",
    "The labour board will host renewed talks on Thursday.",
]
BACKGROUND_BEFORE = [
    ("Velden is the country's second busiest harbour and handles most of the citrus imported "
     "from the south."),
    "Its quays were extended five years ago with money from a European infrastructure fund.",
    "Relations between management and staff have been tense since the cranes were automated.",
]
BACKGROUND_AFTER = [
    "Economists say a long stoppage could shave a fraction off the quarter's growth.",
    "Analysts expect rival carriers to follow the outcome closely.",
]
# sentences 1, 3, 6 and 8 of the core split in two
SPLIT = [
    CORE[0],
    "Some 2,300 union members are on strike, according to the union.",
    "No container ship is being loaded at any of the four terminals.",
    CORE[2],
    "Petra Lindqvist leads the union.",
    ("Speaking to supporters at the harbour gates, she said nobody would return without a "
     "better offer from the company."),
    CORE[4], CORE[5],
    "Anton Berg is the transport minister.",
    "He called on the two sides to let the national labour board mediate.",
    CORE[7],
    "A strike in 2016 shut Velden for eleven days.",
    "Only a two-year wage agreement ended it.",
    CORE[9], CORE[10],
]
# a longer article of its own that rewrites five of the source's eleven sentences, in order
PARTIAL = [
    "Exporters across the north have spent the year complaining about the cost of freight.",
    "Fuel prices rose again in the spring, and insurers raised premiums for coastal shipping.",
    "Many small firms say they now send goods by rail even when the journey takes longer.",
    CORE[0], CORE[2], CORE[3], CORE[6], CORE[10],
    "Farm cooperatives say they will ask the government for compensation if harvests rot.",
    "A parliamentary committee plans hearings on the state of the railways in the autumn.",
    "Economists say a long stoppage could shave a fraction off the quarter's growth.",
    "Some manufacturers have begun to keep larger stocks of parts in their own warehouses.",
]
# the same people, company and places, other facts
SAME_NAMES = [
    ("Norrland Lines reported record profits for the first half of the year, helped by higher "
     "freight rates."),
    "The company plans to order six new container ships from a yard in Korea.",
    ("Petra Lindqvist was re-elected as head of the dockers' union at its congress in Velden "
     "last spring."),
    "Anton Berg has proposed a law that would require ports to publish their safety records.",
    ("The labour board counted fewer workplace disputes this year than last in its annual "
     "report."),
    "A new rail link to the harbour at Velden is expected to open in two years.",
    "Environmental groups criticise the port's plan to deepen the channel to Hallsund.",
]
QUOTE = ("\u201cWe are ready to talk day and night, but we will not accept a pay cut dressed "
         "up as a rise,\u201d said Petra Lindqvist.")
QUOTING_A = [
    "The dockers' union held its annual congress in Velden over the weekend.",
    "Delegates voted to raise membership fees for the first time in a decade.",
    QUOTE,
    "The congress also elected a new treasurer and approved the accounts.",
]
QUOTING_B = [
    "Retailers in the region are stocking up on canned goods and frozen vegetables.",
    "Some chains have started importing fruit by lorry from the south instead.",
    "Prices of apples and oranges rose by a fifth in a week.",
    QUOTE,
]
def test_rewrite_with_background_of_its_own_is_a_rewrite(tmp_path: Path) -> None:
    pairs = planted_pairs(tmp_path, {"source": SOURCE,
                              "rewrite": BACKGROUND_BEFORE + CORE + BACKGROUND_AFTER})
    pair = pair_of(pairs, "source", "rewrite")
    assert pair is not None and pair["relation"] == "rewrite", pairs
    # the source is the side the chain covers most of; the additions do not hide it
    assert pair["rewrite_extent"] == "whole"
    assert pair["n_rewrite"] >= 8 and pair["rewrite_p"] < 0.01


def test_partial_rewrite_inside_an_article_of_its_own(tmp_path: Path) -> None:
    pairs = planted_pairs(tmp_path, {"source": SOURCE, "partial": PARTIAL})
    pair = pair_of(pairs, "source", "partial")
    assert pair is not None, pairs
    # five rewritten sentences: under half of either article, in order
    assert max(pair["rewrite_coverage_a"], pair["rewrite_coverage_b"]) < 0.5
    assert pair["relation"] == "rewrite" and pair["rewrite_extent"] == "partial", pair["evidence"]
    assert pair["rewrite_p"] <= 0.01


def test_rewrite_that_splits_sentences(tmp_path: Path) -> None:
    pairs = planted_pairs(tmp_path, {"source": SOURCE, "split": SPLIT})
    pair = pair_of(pairs, "source", "split")
    assert pair is not None and pair["relation"] == "rewrite", pairs
    assert pair["rewrite_coverage_a" if pair["doc_a"] == "source" else "rewrite_coverage_b"] \
        >= 0.5


def test_the_same_names_with_other_facts_is_not_a_rewrite(tmp_path: Path) -> None:
    pairs = planted_pairs(tmp_path, {"source": SOURCE, "names": SAME_NAMES})
    pair = pair_of(pairs, "source", "names")
    assert pair is None or pair["relation"] == "same_story", pair


def test_a_shared_quotation_alone_is_a_shared_source(tmp_path: Path) -> None:
    pairs = planted_pairs(tmp_path, {"quoting_a": QUOTING_A, "quoting_b": QUOTING_B,
                              "source": SOURCE})
    pair = pair_of(pairs, "quoting_a", "quoting_b")
    assert pair is not None and pair["relation"] == "shared_source", pairs
    assert "Lindqvist" in pair["shared_quotes"]
    assert pair["direction_reason"] == "common_source" and pair["source"] == ""


def _spans(m: int) -> tuple[np.ndarray, np.ndarray]:
    at = np.arange(m)
    return at, at.copy()


@pytest.mark.parametrize("m", [3, 4, 5, 6])
def test_order_test_of_links_all_in_order_is_one_in_m_factorial(m: int) -> None:
    i0, i1 = _spans(m)
    gain = np.full(m, 0.2)
    p = reuse.order_pvalue(i0, i1, i0, i1, gain, gap=0.02)
    # only the observed order links all m without a gap; every other order scores less
    assert p == pytest.approx(1 / math.factorial(m))


def test_order_test_of_reversed_links_is_one() -> None:
    i0, i1 = _spans(5)
    p = reuse.order_pvalue(i0, i1, i0[::-1].copy(), i1[::-1].copy(), np.full(5, 0.2), gap=0.02)
    assert p == 1.0


def test_order_test_above_the_exact_size_is_seeded_and_small_for_a_long_chain() -> None:
    i0, i1 = _spans(10)
    gain = np.full(10, 0.2)
    p1 = reuse.order_pvalue(i0, i1, i0, i1, gain, gap=0.02, key="a|b", seed=1, n_perm=199)
    p2 = reuse.order_pvalue(i0, i1, i0, i1, gain, gap=0.02, key="a|b", seed=1, n_perm=199)
    assert p1 == p2 == pytest.approx(1 / 200)  # no random order of 10 links does as well
    with pytest.raises(ParameterError, match="exact_max"):
        reuse.order_pvalue(i0, i1, i0, i1, gain, gap=0.02, exact_max=12)


def test_chain_scores_equal_the_best_ordered_subset_by_brute_force() -> None:
    rng = np.random.default_rng(3)
    for _ in range(30):
        m = int(rng.integers(2, 7))
        i0 = np.sort(rng.choice(15, size=m, replace=False))
        j0 = rng.choice(15, size=m, replace=False)
        gain = rng.uniform(0.01, 0.3, size=m)
        best = 0.0
        for size in range(1, m + 1):
            for subset in itertools.combinations(range(m), size):
                js = [j0[k] for k in subset]
                if any(x >= y for x, y in itertools.pairwise(js)):
                    continue
                skipped = sum((i0[y] - i0[x] - 1) + (j0[y] - j0[x] - 1)
                              for x, y in itertools.pairwise(subset))
                # a local alignment never carries a negative prefix
                score = sum(gain[k] for k in subset) - 0.02 * skipped
                best = max(best, score)
        got = reuse.chain_scores(i0, i0, j0[None, :], j0[None, :], gain, gap=0.02)[0]
        assert got == pytest.approx(best)


def test_bad_p_value_levels_are_refused(tmp_path: Path) -> None:
    empty = pd.DataFrame({c: [] for c in ("doc_a", "doc_b", "kind", "layer", "start_a",
                                          "end_a", "start_b", "end_b")})
    pairs = pd.DataFrame({"doc_a": ["x"], "doc_b": ["y"]})
    with pytest.raises(ParameterError, match="max_p_partial"):
        reuse.classify_pairs(pairs, empty, empty, empty, empty, empty, empty,
                             max_p_partial=1.5)


def test_fdr_qvalues_follow_benjamini_hochberg() -> None:
    q = reuse.fdr_qvalues(np.array([0.01, 0.04, 0.03, np.nan, 0.5]))
    # four tests: p * 4 / rank, then the running minimum from the largest p down
    assert q[0] == pytest.approx(0.04)
    assert q[1] == pytest.approx(0.04 * 4 / 3) and q[2] == pytest.approx(0.04 * 4 / 3)
    assert np.isnan(q[3]) and q[4] == pytest.approx(0.5)
    assert np.isnan(reuse.fdr_qvalues(np.array([np.nan]))).all()


def test_a_partial_rewrite_needs_more_when_many_chains_are_tested(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for doc_id, sents in {"source": SOURCE, "partial": PARTIAL, "f0": FILLER[0],
                          "f1": FILLER[1]}.items():
        (folder / f"{doc_id}.txt").write_text("\n".join(sents), encoding="utf-8")
    documents, sentences = corpus.load_run_corpus(folder)
    sentences = corpus.body(sentences)
    result = reuse.find_reuse(documents, sentences)
    pairs = result.pairs[reuse.PAIR_COLUMNS]

    def classify(chains: pd.DataFrame) -> pd.Series:
        out = reuse.classify_pairs(pairs, result.passages, chains, result.changes,
                                   result.quotes, documents, sentences)
        row = pair_of(out, "source", "partial")
        assert row is not None
        return row

    alone = classify(result.chains)
    assert alone["rewrite_extent"] == "partial"
    # the same chain among 400 other tested chains whose order is chance: its p is the
    # same, but the false discovery rate among the pairs as significant as it is not
    others = pd.DataFrame({"doc_a": [f"x{k}" for k in range(400)],
                           "doc_b": [f"y{k}" for k in range(400)], "n_rewrite": 3,
                           "rewrite_p": np.linspace(0.02, 1.0, 400)})
    crowded = classify(pd.concat([result.chains, others], ignore_index=True))
    assert crowded["rewrite_p"] == alone["rewrite_p"]
    assert crowded["rewrite_q"] > 0.05 and crowded["relation"] == "same_story"


def test_the_pair_page_names_a_partial_rewrite(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for doc_id, sents in {"source": SOURCE, "partial": PARTIAL, "f0": FILLER[0]}.items():
        (folder / f"{doc_id}.txt").write_text("\n".join(sents), encoding="utf-8")
    documents, sentences = corpus.load_run_corpus(folder)
    result = reuse.find_reuse(documents, corpus.body(sentences))
    row = pair_of(result.pairs, "source", "partial")
    assert row is not None and row["rewrite_extent"] == "partial"
    page = reuse.pair_html(result.passages, result.changes, row["doc_a"], row["doc_b"],
                           pairs=result.pairs)
    assert "<b>rewrite (partial)</b>" in page
