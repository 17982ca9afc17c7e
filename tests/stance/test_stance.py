"""Stance: planted answers for the default scorer, mentions and voice, the JSON model,
evaluation metrics, aggregation, and rejection of bad input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from framelab import stance
from framelab.corpus import normalize_text, segment
from framelab.errors import AnnotationError, ParameterError
from framelab.paths import PROJECT_ROOT
from framelab.stance import (
    CUE_WEIGHTS,
    DEFAULT_MODEL_PATH,
    StanceClassifier,
    load_model,
    score_span,
)
from sklearn.metrics import cohen_kappa_score, f1_score

matplotlib.use("Agg")

PLANTED = {
    # hostile to the Syrian government, favourable to the armed opposition
    "p1": "Brave rebels liberated the city from the brutal Assad regime on Monday.",
    # a hostile word inside a quotation
    "p2": 'Ryder spoke to reporters. He said: "The regime is brutal and corrupt."',
    # the outlet's way of reporting
    "p3": "Moscow claimed that its strikes hit a hospital. Tehran said that it sent aid.",
}


def _documents(texts: dict[str, str], outlet: str = "Planted") -> pd.DataFrame:
    return pd.DataFrame({"doc_id": list(texts), "outlet": outlet, "date": "", "title": "",
                         "url": "", "text": list(texts.values()),
                         "text_norm": [normalize_text(t) for t in texts.values()],
                         "source": "inline"})


@pytest.fixture(scope="module")
def planted() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    documents = _documents(PLANTED)
    sentences = segment(documents)
    mentions = stance.find_mentions(sentences, documents=documents)
    scored = stance.score_mentions(mentions, sentences, scorers="default")
    return documents, sentences, scored


def _row(scored: pd.DataFrame, doc_id: str, mention: str) -> pd.Series:
    rows = scored[(scored.doc_id == doc_id) & (scored.mention == mention)]
    assert len(rows) == 1, f"expected one mention {mention!r} in {doc_id}: {rows}"
    return rows.iloc[0]


def _score(text: str, mention: str) -> tuple[float, str]:
    start = text.index(mention)
    result = score_span(text, start, start + len(mention))
    return result.score, result.cues_text


# --- the default scorer ------------------------------------------------------------------

def test_one_sentence_hostile_to_one_target_and_favourable_to_another(planted):
    _, _, scored = planted
    regime = _row(scored, "p1", "Assad")
    rebels = _row(scored, "p1", "rebels")
    assert regime.target == "Syrian government" and regime.label == "against"
    assert rebels.target == "HTS/armed opposition" and rebels.label == "favor"
    assert "label:regime:-0.50" in regime.cues and "label:rebel:+0.50" in rebels.cues
    assert "brutal" in regime.cues and "brave" in rebels.cues


def test_a_hostile_word_inside_a_quotation_is_tagged_quoted(planted):
    _, _, scored = planted
    regime = _row(scored, "p2", "The regime")
    assert regime.voice == "quoted"
    assert regime.label == "against" and "brutal" in regime.cues
    assert _row(scored, "p2", "Ryder").voice == "narrator"


def test_a_distancing_verb_lowers_the_outlets_endorsement_of_the_speaker(planted):
    _, _, scored = planted
    moscow, tehran = _row(scored, "p3", "Moscow"), _row(scored, "p3", "Tehran")
    assert moscow.cues == f"verb:claimed:{CUE_WEIGHTS['verb:distancing']:+.2f}"
    assert moscow.score < tehran.score == 0.0 and moscow.label == "against"
    said, _ = _score("Moscow said the strikes hit militants.", "Moscow")
    claimed, cues = _score("Moscow claimed the strikes hit militants.", "Moscow")
    assert claimed < said and "verb:claimed" in cues


def test_scare_quotes_reverse_a_label():
    plain, plain_cues = _score("The terrorists of HTS held the town.", "HTS")
    scare, scare_cues = _score("The 'terrorists' of HTS held the town.", "HTS")
    assert "label:terrorist:-0.50" in plain_cues and plain < 0
    assert "scare:terrorist:+0.30" in scare_cues and scare > 0


def test_a_label_names_only_the_actors_the_codebook_allows():
    text = "HTS, which is designated as a terrorist organization by the US, took Aleppo."
    hts, hts_cues = _score(text, "HTS")
    us, us_cues = _score(text, "US")
    assert "label:terrorist" in hts_cues and hts < 0
    assert "label:" not in us_cues


def test_negation_flips_the_window_polarity():
    good, _ = _score("Iran is a good partner.", "Iran")
    not_good, _ = _score("Iran is not a good partner.", "Iran")
    assert good > 0 > not_good


def test_sentiment_far_from_the_mention_is_ignored():
    text = "Russia sent " + "some ordinary trucks and " * 5 + "then awful horrible things happened."
    score, cues = _score(text, "Russia")
    assert score == 0.0 and cues == ""


def test_score_span_rejects_offsets_outside_the_text():
    with pytest.raises(ParameterError, match="do not lie inside a text of 5 characters"):
        score_span("Iran.", 3, 9)


# --- mentions, targets, aggregation ------------------------------------------------------

def test_unknown_target_lists_the_known_ones():
    with pytest.raises(ParameterError, match=r"unknown target\(s\) \['Mars'\].*US.*Russia"):
        stance.resolve_targets("US, Mars")
    assert stance.resolve_targets("US,Iran") == ["US", "Iran"]


def test_unknown_scorer_is_rejected():
    with pytest.raises(ParameterError, match="scorer='best'"):
        stance.resolve_scorers("best")


def test_a_target_without_mentions_is_an_empty_cell_with_a_note(planted):
    documents, _, scored = planted
    by_doc = stance.stance_by_doc(scored, documents=documents, targets=["Iran", "Turkey"],
                                  codebook=None, n_boot=50)
    turkey = by_doc[(by_doc.target == "Turkey") & (by_doc.voice == "all")]
    assert len(turkey) == 3 and turkey.score.isna().all() and (turkey.n_mentions == 0).all()
    assert (turkey.note == "no mentions of Turkey").all()
    narrator = by_doc[(by_doc.target == "Turkey") & (by_doc.voice == "narrator")]
    assert (narrator.note == "no narrator mentions of Turkey").all()
    with pytest.raises(ParameterError, match="unknown target"):
        stance.stance_by_doc(scored, targets=["Turkye"], codebook="")


def test_aggregates_are_means_with_deterministic_intervals(planted):
    documents, _, scored = planted
    by_group = stance.stance_by_group(scored, documents=documents, n_boot=200, seed=3)
    assert list(by_group.columns) == stance.BY_GROUP_COLUMNS
    cell = by_group[(by_group.group == "Planted") & (by_group.target == "Syrian government")
                    & (by_group.voice == "all")].iloc[0]
    values = scored[scored.target == "Syrian government"].score
    assert cell.n_mentions == len(values) and math.isclose(cell.score, values.mean())
    assert cell.ci_low <= cell.score <= cell.ci_high
    again = stance.stance_by_group(scored, documents=documents, n_boot=200, seed=3)
    pd.testing.assert_frame_equal(by_group, again)
    narrator = by_group[(by_group.voice == "narrator") & (by_group.target == "Syrian government")]
    assert narrator.n_mentions.iloc[0] == 1   # the quoted "regime" of p2 is a source's


def test_evidence_lists_the_strongest_sentences_first(planted):
    documents, sentences, scored = planted
    ev = stance.evidence(scored, sentences, documents=documents, top=2)
    for _, cell in ev.groupby(["group", "target"]):
        assert list(cell.score.abs()) == sorted(cell.score.abs(), reverse=True)
        assert len(cell) <= 2
    assert ev.sentence.str.len().gt(0).all()


def test_heatmap_returns_the_axes_and_marks_empty_cells(planted):
    import matplotlib.pyplot as plt

    documents, _, scored = planted
    by_group = stance.stance_by_group(scored, documents=documents, targets="US,Iran,Turkey",
                                      codebook="", n_boot=20)
    fig, ax = plt.subplots()
    assert stance.plot_stance_heatmap(by_group, ax) is ax
    texts = [t.get_text() for t in ax.texts]
    assert "n/a" in texts and any(t.startswith("-") or t.startswith("+") for t in texts)
    plt.close(fig)


# --- evaluation --------------------------------------------------------------------------

def test_metrics_match_a_hand_computed_confusion():
    gold = ["against"] * 3 + ["neutral"] * 2 + ["favor"] * 3
    pred = ["against", "against", "neutral", "neutral", "favor", "favor", "favor", "against"]
    m = stance.stance_metrics(gold, pred)
    # F1: against 2/3, neutral 1/2, favor 2/3; kappa (5/8 - 22/64) / (1 - 22/64) = 3/7
    assert math.isclose(m["macro_f1"], 11 / 18)
    assert math.isclose(m["f_avg"], 2 / 3)
    assert math.isclose(m["kappa"], 3 / 7)
    assert math.isclose(m["macro_f1"], f1_score(gold, pred, average="macro"))
    assert math.isclose(m["kappa"], cohen_kappa_score(gold, pred))
    assert json.loads(m["confusion"]) == [[2, 1, 0], [0, 1, 1], [1, 0, 2]]


def test_evaluate_scores_an_annotation_csv_side_by_side_with_the_baseline(tmp_path):
    path = tmp_path / "mini.csv"
    pd.DataFrame({"sentence": ["The brutal Assad regime bombed a hospital.",
                               "Brave rebels freed the prisoners.",
                               "Iran sent a delegation to Moscow."],
                  "target": ["Syrian government", "HTS/armed opposition", "Iran"],
                  "label": ["against", "favor", "neutral"]}).to_csv(path, index=False)
    table = stance.evaluate(str(path), scorers="default")
    assert list(table.columns) == stance.EVAL_COLUMNS
    assert list(table.scorer) == ["default", stance.BASELINE]
    assert (table.dataset == "mini").all() and (table.n == 3).all()
    assert table.set_index("scorer").loc["default", "macro_f1"] == 1.0


def test_annotation_file_with_unknown_labels_is_rejected_with_its_rows(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("sentence,target,label\nIran is here.,Iran,neutral\n"
                    "Iran is bad.,Iran,positive\nUS.,US,Against\nUS!,US,hostile\n")
    with pytest.raises(AnnotationError, match=r"2 row\(s\) with unknown label: line 3 "
                                              r"\('positive'\), line 5 \('hostile'\)"):
        stance.read_annotations(path)


def test_annotation_file_with_missing_columns_is_rejected(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("text,actor,label\nIran is here.,Iran,neutral\n")
    with pytest.raises(AnnotationError, match=r"missing column\(s\) \['target', 'doc_id or "
                                              r"sentence'\]; the file has \['text', 'actor'"):
        stance.read_annotations(path)


def test_newsmtsc_with_an_unknown_polarity_is_rejected(tmp_path):
    path = tmp_path / "bad.jsonl"
    good = {"sentence_normalized": "Iran is here.", "targets": [
        {"from": 0, "to": 4, "mention": "Iran", "polarity": 4.0}]}
    bad = {"sentence_normalized": "Iran is bad.", "targets": [
        {"from": 0, "to": 4, "mention": "Iran", "polarity": 5.0}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(AnnotationError, match=r"line 2 \(polarity 5.0\)"):
        stance.read_annotations(path)


def test_shipped_seed_annotations_follow_the_format():
    ann = stance.read_annotations(PROJECT_ROOT / "docs" / "stance_seed_annotations.csv")
    assert 40 <= len(ann) <= 70 and ann.doc_id.nunique() == 5
    assert set(ann.target) >= {"US", "HTS/armed opposition", "Syrian government", "Russia",
                               "Iran"}
    assert set(ann.label) == {"against", "neutral", "favor"}


# --- the learned model -------------------------------------------------------------------

def _tiny_training_set() -> tuple[pd.DataFrame, list[str]]:
    rows = []
    for good, bad, word in [("praised", "condemned", "X"), ("helped", "attacked", "Y"),
                            ("welcomed", "blamed", "Z")]:
        for subject in ("Iran", "Russia", "The mayor", "Turkey"):
            rows += [(f"{subject} {good} {word} warmly.", subject, "favor"),
                     (f"{subject} {bad} {word} harshly.", subject, "against"),
                     (f"{subject} visited {word} today.", subject, "neutral")]
    frame = pd.DataFrame(rows, columns=["text", "mention", "label"])
    frame["start"] = [t.index(m) for t, m in zip(frame.text, frame.mention)]
    frame["end"] = frame.start + frame.mention.str.len()
    return frame, list(frame.label)


def test_json_model_round_trip_predicts_identically(tmp_path):
    X, y = _tiny_training_set()
    model = StanceClassifier(C=1.0, min_df=1).fit(X, y)
    path = model.to_json(tmp_path / "m.json", provenance={"train": "planted"})
    text = path.read_text()
    assert "pickle" not in text and json.loads(text)["provenance"] == {"train": "planted"}
    loaded = StanceClassifier.from_json(path)
    assert loaded.vocabulary_ == model.vocabulary_
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert (model.predict(X) == np.array(y)).mean() > 0.9


def test_model_rejects_a_min_df_that_keeps_nothing():
    X, y = _tiny_training_set()
    with pytest.raises(ParameterError, match="min_df=1000 keeps 0 of"):
        StanceClassifier(min_df=1000).fit(X, y)


@pytest.mark.skipif(not DEFAULT_MODEL_PATH.is_file(), reason="stance_model.json not built")
def test_shipped_model_is_reviewable_small_and_reloads_exactly():
    data = json.loads(DEFAULT_MODEL_PATH.read_text())
    assert DEFAULT_MODEL_PATH.stat().st_size < 2_500_000
    assert data["classes"] == ["against", "favor", "neutral"]
    prov = data["provenance"]
    assert len(prov["train_sha256"]) == 64 and "devtest" not in prov["train_file"]
    model = load_model()
    copy = StanceClassifier.from_dict(model.to_dict(provenance=prov))
    X, _ = _tiny_training_set()
    np.testing.assert_array_equal(copy.predict_proba(X), model.predict_proba(X))


# --- the shared NewsMTSC data (skipped without ../shared) ----------------------------------

def test_training_file_matches_the_shipped_models_provenance(shared_dir: Path):
    from framelab.paths import sha256_of

    if not DEFAULT_MODEL_PATH.is_file():
        pytest.skip("stance_model.json not built")
    prov = json.loads(DEFAULT_MODEL_PATH.read_text())["provenance"]
    train = shared_dir / "data" / "newsmtsc" / "train.jsonl"
    assert sha256_of(train)["train.jsonl"] == prov["train_sha256"]


def test_learned_scorer_beats_whole_sentence_vader_on_newsmtsc_devtest(shared_dir: Path):
    devtest = shared_dir / "data" / "newsmtsc" / "devtest_mt.jsonl"
    ann = stance.read_annotations(devtest)
    sample = ann[ann.row.isin(sorted(ann.row.unique())[:250])]   # a fast, fixed subset
    pred = stance.predict_annotations(sample, scorers="learned")
    learned = stance.stance_metrics(pred.label, pred.pred_learned)["macro_f1"]
    vader = stance.stance_metrics(pred.label, pred[f"pred_{stance.BASELINE}"])["macro_f1"]
    assert learned > vader + 0.05


# --- the notebook ------------------------------------------------------------------------

@pytest.mark.slow
def test_stance_notebook_runs_on_the_seeds_and_writes_the_contract_tables(seed_run):
    """What 03_stance wrote in the session's seeds run (tests/conftest.py)."""
    from framelab.framing import QUOTE_COLUMNS

    out = seed_run.run_dir
    assert (out / "notebooks" / "03_stance.ipynb").is_file()
    tables = out / "tables"
    expected = {"stance_mentions": stance.MENTION_COLUMNS, "stance_by_doc": stance.BY_DOC_COLUMNS,
                "stance_by_group": stance.BY_GROUP_COLUMNS, "quotes": QUOTE_COLUMNS,
                "stance_eval": stance.EVAL_COLUMNS}
    for name, columns in expected.items():
        frame = pd.read_csv(tables / f"{name}.csv", keep_default_na=False)
        assert list(frame.columns[:len(columns)]) == columns, name
        assert len(frame) > 0, name
    evaluation = pd.read_csv(tables / "stance_eval.csv")
    assert set(evaluation.scorer) == {"default", "learned", stance.BASELINE}
    assert (out / "figures" / "stance_heatmap.pdf").stat().st_size > 1000


@pytest.mark.parametrize("width", ["single", "double"])
def test_stance_heatmap_figure_is_legible_at_width_and_names_every_group(width: str) -> None:
    import matplotlib.pyplot as plt
    import numpy as np
    from framelab import figures

    groups = ["Al Jazeera English", "The Washington Post", "CNN", "000_e72d09fb4242ab40",
              "RT"]
    targets = ["HTS/armed opposition", "Syrian government", "US", "Russia", "Iran", "Turkey",
               "Islamic State", "al-Qaeda", "Kurdish forces", "Hezbollah", "Israel"]
    rng = np.random.default_rng(0)
    rows = [{"group": g, "target": t, "voice": v, "scorer": "default",
             "score": -0.55 if (i + j) % 7 == 0 else float(rng.uniform(-1, 1)),
             "ci_low": -1.0, "ci_high": 1.0, "n_mentions": 10 + i + j, "note": ""}
            for i, g in enumerate(groups) for j, t in enumerate(targets)
            for v in ("narrator", "source")]
    fig = stance.stance_heatmap_figure(pd.DataFrame(rows), targets=targets, width=width)
    assert fig.get_size_inches()[0] == figures.WIDTHS[width]
    assert figures.text_overlaps(fig) == []
    texts = figures.visible_texts(fig)
    key = " ".join(t.replace("\n", " ") for t in texts if " = " in t)
    unnamed = [g for g in groups if g not in texts and not any(f"{t} = {g}" in key
                                                             for t in texts)]
    assert not unnamed, unnamed
    assert sum(t.startswith(("+", "-")) for t in texts) == 2 * len(groups) * len(targets)
    plt.close(fig)
