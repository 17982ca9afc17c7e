"""Time tables, the period rule, change points and event windows on planted corpora."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from framelab import framing, timeline
from framelab import timeline as changepoints
from framelab.codebook import load_codebook
from framelab.corpus import DOC_COLUMNS, normalize_text, segment
from framelab.errors import ColumnError, ParameterError

SWITCH = pd.Timestamp("2024-11-27")
START = pd.Timestamp("2024-09-02")  # a Monday: 24 weeks to 2025-02-16


def corpus(seed: int = 0, *, switch: bool = True, per_week: int = 8) -> pd.DataFrame:
    """Outlets A and B, ``per_week`` articles a week each for 24 weeks. From SWITCH on, A
    calls the opposition "HTS terrorists" instead of "rebels" (with ``switch``); B never
    changes. Every line differs (repeated lines would be set aside as boilerplate)."""
    rng = np.random.default_rng(seed)
    rows = []
    for outlet in ("A", "B"):
        for i in range(24 * per_week):
            date = START + pd.Timedelta(days=int(rng.integers(0, 24 * 7)))
            after = switch and outlet == "A" and date >= SWITCH
            words = ["rebels" if rng.random() < 0.9 else "HTS terrorists",
                     "HTS terrorists" if rng.random() < 0.9 else "rebels"][int(after)]
            text = (f"In sector {outlet}{i} the {words} advanced on Hama. Government troops "
                    f"held position {i}.")
            if rng.random() < 0.3:
                text += f" Russian aircraft struck target {i}."
            rows.append({**dict.fromkeys(DOC_COLUMNS, ""), "doc_id": f"{outlet}{i:04d}",
                         "outlet": outlet, "date": date.strftime("%Y-%m-%d"), "text": text,
                         "text_norm": normalize_text(text)})
    return pd.DataFrame(rows, columns=DOC_COLUMNS)


def mentions(documents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    sentences = segment(documents)
    matches = framing.match_sentences(sentences)
    return (framing.label_mentions(sentences, documents, matches=matches),
            framing.actor_mentions(sentences, documents, matches=matches))


@pytest.fixture(scope="module")
def switched() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    documents = corpus()
    return (documents, *mentions(documents))


def test_auto_period_follows_the_stated_rule() -> None:
    documents = corpus(per_week=8)
    # 8 articles per outlet and week: a day holds ~1, a week ~8, a month ~35
    assert timeline.time_frame(documents, min_docs=5).period == "week"
    assert timeline.time_frame(documents, min_docs=20).period == "month"
    assert timeline.time_frame(documents, min_docs=1, max_periods=200).period == "day"
    assert timeline.time_frame(documents, min_docs=10_000).period == "year"
    frame = timeline.time_frame(documents, period="week")
    assert frame.periods[0] == "2024-09-02" and len(frame.periods) == 24
    assert "set by the period parameter" in frame.rule
    with pytest.raises(ParameterError, match="period='fortnight'; use auto, day, week"):
        timeline.time_frame(documents, period="fortnight")


def test_planted_switch_gives_a_change_point_and_an_event_difference(switched) -> None:
    documents, labels, _ = switched
    cb = load_codebook()
    frame = timeline.time_frame(documents, period="week", min_docs=5)
    values = timeline.label_values(labels, cb, level="side")
    found = changepoints.change_points(values, frame, "labels")
    assert list(found.columns) == changepoints.CHANGEPOINT_COLUMNS
    hit = found[(found.group == "A") & (found.subject == "armed_opposition")
                & (found.family == "delegitimising")]
    assert len(hit) == 1
    weeks = (pd.Timestamp(hit.period.iat[0]) - SWITCH.to_period("W-SUN").start_time).days / 7
    assert abs(weeks) <= 1
    assert hit.level_before.iat[0] < 0.25 and hit.level_after.iat[0] > 0.75
    assert not len(found[found.group == "B"])  # B never changed
    events = changepoints.event_windows(values, frame, "labels", [("switch", SWITCH)],
                                        window=28)
    row = events[(events.group == "A") & (events.subject == "armed_opposition")
                 & (events.family == "delegitimising")].iloc[0]
    assert row.difference > 0.5 and row.ci_low > 0 and row.window == 28
    calm = events[(events.group == "B") & (events.subject == "armed_opposition")
                  & (events.family == "delegitimising")].iloc[0]
    assert calm.ci_low <= 0 <= calm.ci_high  # B did not change: its interval keeps 0


def test_no_change_gives_no_change_point_on_the_text_pipeline() -> None:
    documents = corpus(seed=3, switch=False)
    labels, _ = mentions(documents)
    frame = timeline.time_frame(documents, period="week", min_docs=5)
    values = timeline.label_values(labels, load_codebook(), level="side")
    assert changepoints.change_points(values, frame, "labels").empty


def null_values(rng: np.random.Generator, n_docs: int = 400, n_weeks: int = 20
                ) -> tuple[pd.DataFrame, timeline.TimeFrame]:
    """Documents with clustered labels (each document has its own share, Beta(2, 3)), no
    change over time, three groups and two subjects."""
    dates = START + pd.to_timedelta(rng.integers(0, n_weeks * 7, n_docs), unit="D")
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(n_docs)],
                         "outlet": rng.choice(["A", "B", "C"], n_docs),
                         "date": dates.strftime("%Y-%m-%d")})
    rows = []
    for doc in docs["doc_id"]:
        for subject in ("s1", "s2"):
            n = int(rng.poisson(3))
            if n:
                k = int(rng.binomial(n, rng.beta(2, 3)))
                rows.append((doc, subject, "delegitimising", "narrator", float(k), float(n)))
    values = pd.DataFrame(rows, columns=timeline.VALUE_COLUMNS)
    return values, timeline.time_frame(docs, period="week", min_docs=5)


def test_false_positive_rate_is_within_alpha_over_seeds() -> None:
    seeds = 40
    fired = sum(not changepoints.change_points(*null_values(np.random.default_rng(s)),
                                               "labels", alpha=0.05).empty
                for s in range(seeds))
    # at most alpha = 0.05: 2 of 40 expected; P(Binomial(40, 0.05) > 6) < 0.001
    # (measured: 4 of 200 seeds, 2%)
    assert fired <= 6


def test_the_test_has_power_on_clustered_data() -> None:
    values, frame = null_values(np.random.default_rng(7))
    late = values["doc_id"].map(frame.docs.set_index("doc_id")["date"]) >= pd.Timestamp(
        "2024-11-04")
    shifted = values.assign(y=np.where(late & (values.subject == "s1"), values.x, values.y))
    found = changepoints.change_points(shifted, frame, "labels")
    assert set(found.subject) == {"s1"} and "2024-11-04" in set(found.period)


def test_time_tables_have_the_contract_columns_and_mark_sparse_periods(switched) -> None:
    documents, labels, actor_mentions = switched
    cb = load_codebook()
    frame = timeline.time_frame(documents, period="week", min_docs=5)
    att = timeline.time_table(timeline.attention_values(actor_mentions, documents,
                                                        actors=["russia", "hts"]),
                              frame, "attention", n_boot=50)
    assert list(att.columns) == timeline.TIME_COLUMNS["attention"]
    russia = att[att.actor == "russia"]
    assert 0.15 < (russia.docs_mentioning.sum() / russia.n_docs.sum()) < 0.45
    assert (att[att.actor == "hts"].groupby("group").docs_mentioning.sum() > 0).all()
    lab = timeline.time_table(timeline.label_values(labels, cb), frame, "labels", n_boot=50)
    assert list(lab.columns) == timeline.TIME_COLUMNS["labels"]
    # n_docs of labels counts the documents with labels for the subject, not the group's
    gov = lab[(lab.actor == "government") & (lab.family == "neutral") & (lab.voice == "narrator")]
    assert (gov.n_docs == gov["count"]).all()  # one "Government troops" label per document
    russia_lab = lab[lab.actor == "russia"]
    assert russia_lab.empty or (russia_lab.n_docs == 0).all()  # never labelled
    sparse = timeline.time_frame(documents, period="day", min_docs=5)
    day = timeline.time_table(timeline.label_values(labels, cb), sparse, "labels", n_boot=0)
    assert (day["few_docs"] == (day.n_docs < 5)).all() and day["few_docs"].mean() > 0.95
    assert len(day.period.unique()) == len(sparse.periods)  # empty days kept, marked


def test_top_subjects_rank_by_total_and_leave_out_what_is_excluded() -> None:
    values = pd.DataFrame({"doc_id": ["a", "a", "b", "c", "c"],
                           "subject": ["(unresolved)", "gov", "gov", "(unresolved)", "opp"],
                           "family": [""] * 5, "voice": ["narrator"] * 4 + ["quoted"],
                           "y": [0.0] * 5, "x": [9.0, 1.0, 2.0, 9.0, 50.0]})
    assert timeline.top_subjects(values, n=3) == ["(unresolved)", "gov"]  # narrator only
    assert timeline.top_subjects(values, n=3, exclude=["(unresolved)"]) == ["gov"]


def test_stance_and_topic_values_are_ratios_per_document() -> None:
    stance = pd.DataFrame({"doc_id": ["a", "a", "b", "a"], "target": ["US"] * 4,
                           "voice": ["narrator"] * 4, "scorer": ["default"] * 3 + ["learned"],
                           "score": [0.5, -0.1, 1.0, 9.0]})
    v = timeline.stance_values(stance)
    assert v.set_index("doc_id").loc["a", ["y", "x"]].tolist() == pytest.approx([0.4, 2])
    with pytest.raises(ParameterError, match="scorer='nope' is not in stance_mentions"):
        timeline.stance_values(stance, scorer="nope")
    topics = pd.DataFrame({"unit_id": ["a:0", "a:0", "a:1", "a:1"], "doc_id": ["a"] * 4,
                           "topic": [0, 1, 0, 1], "weight": [0.2, 0.8, 0.6, 0.4]})
    t = timeline.topic_values(topics).set_index("subject")
    assert t.loc[0, "y"] / t.loc[0, "x"] == pytest.approx(0.4)
    with pytest.raises(ColumnError, match=r"doc_topics lacks column\(s\) \['weight'\]"):
        timeline.topic_values(topics.drop(columns="weight"))


def test_undated_corpus_explains_itself() -> None:
    documents = corpus().assign(date="")
    frame = timeline.time_frame(documents)
    assert not frame.dated and frame.n_undated == len(documents)
    assert "No document has a date" in frame.note()
    values = pd.DataFrame(columns=timeline.VALUE_COLUMNS)
    assert timeline.time_table(values, frame, "topics").empty
    assert changepoints.change_points(values, frame, "topics").empty
    assert timeline.time_figure(timeline.time_table(values, frame, "topics"),
                                value="prevalence", subject_col="topic", subjects=[0]) is None


def test_events_parse_and_errors() -> None:
    events = changepoints.parse_events("2024-12-08=fall of Damascus; 2024-11-27=offensive")
    assert events == [("offensive", pd.Timestamp("2024-11-27")),
                      ("fall of Damascus", pd.Timestamp("2024-12-08"))]
    assert changepoints.parse_events("") == []
    with pytest.raises(ParameterError, match="'27/11=offensive' is not DATE=NAME"):
        changepoints.parse_events("27/11=offensive")


def test_figure_marks_events_and_change_points(switched) -> None:
    documents, labels, _ = switched
    frame = timeline.time_frame(documents, period="week", min_docs=5)
    values = timeline.label_values(labels, load_codebook())
    table = timeline.time_table(values, frame, "labels", n_boot=20)
    narr = table[(table.voice == "narrator") & (table.family == "delegitimising")]
    found = changepoints.change_points(values, frame, "labels")
    fig = timeline.time_figure(narr, value="share", subject_col="actor",
                               subjects=["armed_opposition"], events=[("switch", SWITCH)],
                               changes=found[found.family == "delegitimising"])
    ax = fig.axes[0]
    assert any(t.get_text().strip() == "switch" for t in ax.texts)
    assert any(line.get_marker() == "^" and len(line.get_xdata()) for line in ax.lines)
    plt.close("all")


def test_auto_period_never_gives_more_than_max_periods() -> None:
    documents = corpus(per_week=40)  # ~6 articles a day per outlet over 24 weeks
    assert timeline.time_frame(documents, min_docs=5, max_periods=200).period == "day"
    assert timeline.time_frame(documents, min_docs=5).period == "week"  # 168 days > 60


def _saved_run(tmp_path, documents, labels, actors, **recorded):
    """A run folder as 01_framing leaves it: the two tables as CSV and the manifest."""
    import json

    from framelab import outputs

    run = tmp_path / "run"
    (run / "tables").mkdir(parents=True)
    outputs.save_table(labels, "label_mentions", run, latex=False)
    outputs.save_table(framing.actor_documents(actors), "actor_documents", run, latex=False)
    (run / "manifest.json").write_text(json.dumps({"parameters": {"01_framing": recorded}}))
    return run


def test_framing_run_tables_give_the_values_of_the_tables_in_memory(switched, tmp_path) -> None:
    documents, labels, actors = switched
    run = _saved_run(tmp_path, documents, labels, actors, include_nonbody=False)
    read = timeline.framing_run_tables(run, include_nonbody=False)
    assert read is not None and set(read) == set(timeline.FRAMING_TABLES)
    assert {n: set(t.columns) for n, t in read.items()} == \
        {n: set(c) for n, c in timeline.FRAMING_COLUMNS.items()}
    assert isinstance(read["label_mentions"]["family"].dtype, pd.CategoricalDtype)
    cb = load_codebook()
    pd.testing.assert_frame_equal(timeline.label_values(read["label_mentions"], cb),
                                  timeline.label_values(labels, cb))
    every = list(cb.actors)
    pd.testing.assert_frame_equal(
        timeline.attention_values(read["actor_documents"], documents, actors=every),
        timeline.attention_values(actors, documents, actors=every))


def test_framing_run_tables_are_not_used_when_absent_or_made_otherwise(switched,
                                                                      tmp_path) -> None:
    documents, labels, actors = switched
    assert timeline.framing_run_tables(tmp_path / "empty", include_nonbody=False) is None
    run = _saved_run(tmp_path, documents, labels, actors, include_nonbody=True)
    assert timeline.framing_run_tables(run, include_nonbody=False) is None
    assert timeline.framing_run_tables(run, include_nonbody=True) is not None


def test_framing_run_tables_check_the_earlier_run_an_only_run_copied_them_from(
        switched, tmp_path) -> None:
    import json

    documents, labels, actors = switched
    run = _saved_run(tmp_path, documents, labels, actors, include_nonbody=True)
    # `framelab report --only 10_time`: 01_framing did not run here; its tables were copied
    (run / "manifest.json").write_text(json.dumps({
        "parameters": {"10_time": {"include_nonbody": False}},
        "reused": {"parameters": {"01_framing": {"include_nonbody": True}}}}))
    assert timeline.framing_run_tables(run, include_nonbody=False) is None
    assert timeline.framing_run_tables(run, include_nonbody=True) is not None


def test_actor_documents_count_each_documents_mentions_of_each_actor(switched) -> None:
    _, _, actors = switched
    table = framing.actor_documents(actors)
    assert list(table.columns) == ["doc_id", "actor", "mentions"]
    assert table["mentions"].sum() == len(actors)
    assert not table.duplicated(["doc_id", "actor"]).any()
    some = table.iloc[len(table) // 2]
    assert some.mentions == ((actors.doc_id == some.doc_id) & (actors.actor == some.actor)).sum()
    # first-occurrence order: documents in the order the mentions come
    assert list(dict.fromkeys(table.doc_id)) == list(dict.fromkeys(actors.doc_id))


def test_stance_values_read_back_as_categories_equal_the_full_table(tmp_path) -> None:
    from framelab import outputs

    rng = np.random.default_rng(0)
    n = 300
    stance = pd.DataFrame({"doc_id": [f"d{i:02d}" for i in rng.integers(0, 40, n)],
                           "outlet": "o", "sentence_id": "s",
                           "target": rng.choice(["US", "Russia", "Iran"], n),
                           "voice": rng.choice(["narrator", "quoted", "attributed"], n),
                           "scorer": rng.choice(["default", "learned"], n),
                           "score": rng.normal(size=n).round(3), "cues": "x, y"})
    outputs.save_table(stance, "stance_mentions", tmp_path, latex=False)
    full = timeline.run_table(tmp_path, "stance_mentions")
    small = timeline.run_table(tmp_path, "stance_mentions", columns=timeline.STANCE_COLUMNS,
                               categories=["doc_id", "target", "voice", "scorer"])
    assert list(small.columns) == list(timeline.STANCE_COLUMNS)
    assert isinstance(small["doc_id"].dtype, pd.CategoricalDtype)
    for scorer in ("", "learned"):
        pd.testing.assert_frame_equal(timeline.stance_values(small, scorer=scorer),
                                      timeline.stance_values(full, scorer=scorer))
