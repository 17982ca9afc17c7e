"""Labels per actor and side: planted outlets, unresolved actors, pooled groups, the figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from framelab import framing
from framelab import framing as actors
from framelab.codebook import load_codebook
from framelab.corpus import DOC_COLUMNS, normalize_text, segment
from framelab.errors import ColumnError, ParameterError

# Outlet G says "regime" for the government and "rebels" for the opposition; outlet T says
# "government" and "terrorists" (bare: unresolved); five documents each. Every line differs
# (a line repeated across documents would be set aside as boilerplate).
G_TEXT = ("On day {i} the Assad regime shelled the town. The rebels advanced on Hama, and the "
          "regime lost the airport.")
T_TEXT = ("On day {i} the government in Damascus sent troops. The terrorists shelled the town. "
          "HTS terrorists took the airport.")


def docs_table(texts: dict[str, tuple[str, str]]) -> pd.DataFrame:
    rows = [{**dict.fromkeys(DOC_COLUMNS, ""), "doc_id": d, "outlet": o, "text": t,
             "text_norm": normalize_text(t)} for d, (o, t) in texts.items()]
    return pd.DataFrame(rows, columns=DOC_COLUMNS)


@pytest.fixture(scope="module")
def planted() -> tuple[pd.DataFrame, pd.DataFrame]:
    texts = {f"g{i}": ("G", G_TEXT.format(i=i)) for i in range(5)}
    texts |= {f"t{i}": ("T", T_TEXT.format(i=i)) for i in range(5)}
    documents = docs_table(texts)
    mentions = framing.label_mentions(segment(documents), documents)
    return documents, mentions


def cell(table: pd.DataFrame, group: str, actor: str, family: str,
         voice: str = "narrator") -> pd.Series:
    sel = table[(table.group == group) & (table.actor == actor) & (table.family == family)
                & (table.voice == voice)]
    assert len(sel) == 1, (group, actor, family, voice)
    return sel.iloc[0]


def test_regime_and_rebels_delegitimise_the_government_only(planted) -> None:
    documents, mentions = planted
    table = actors.actor_labels(mentions, documents, n_boot=200)
    assert list(table.columns) == actors.ACTOR_LABEL_COLUMNS
    gov = cell(table, "G", "syrian_government", "delegitimising")
    opp = cell(table, "G", "armed_opposition", "delegitimising")
    assert gov["share"] == 1.0 and gov["count"] == 10 and gov["n_docs"] == 5
    assert opp["count"] == 0 and opp["share"] == 0.0
    assert cell(table, "G", "armed_opposition", "legitimising")["share"] == 1.0
    assert gov["side"] == "government" and opp["side"] == "armed_opposition"
    assert set(table.ci_unit) == {"documents"}
    # the pooled family count cannot tell the two outlets apart; per actor it can
    t_gov = cell(table, "T", "syrian_government", "delegitimising")
    assert t_gov["share"] == 0.0 and cell(table, "T", "syrian_government", "neutral")["share"] == 1
    assert cell(table, "T", "hts", "delegitimising")["share"] == 1.0


def test_unresolved_labels_are_kept_under_an_explicit_actor(planted) -> None:
    documents, mentions = planted
    table = actors.actor_labels(mentions, documents, n_boot=0)
    bare = cell(table, "T", actors.UNRESOLVED, "delegitimising")
    assert bare["count"] == 5 and bare["side"] == "" and np.isnan(bare["ci_low"])
    # every mention is counted exactly once
    assert table["count"].sum() == len(mentions)


def test_side_level_pools_the_actors_of_a_side(planted) -> None:
    documents, mentions = planted
    table = actors.actor_labels(mentions, documents, level="side", n_boot=0)
    assert "hts" not in set(table.actor)
    t_opp = cell(table, "T", "armed_opposition", "delegitimising")
    assert t_opp["count"] == 5 and t_opp["side"] == "armed_opposition"
    # 15 labels name the government (10 "regime", 5 "government"), 10 the opposition
    assert actors.main_actors(table, n=2) == ["government", "armed_opposition"]


def test_interval_reflects_documents_that_disagree() -> None:
    texts = {f"a{i}": ("A", f"On day {i} the {'regime' if i % 2 else 'government'} fell.")
             for i in range(10)}
    documents = docs_table(texts)
    mentions = framing.label_mentions(segment(documents), documents)
    row = cell(actors.actor_labels(mentions, documents, n_boot=500), "A",
               "syrian_government", "delegitimising")
    assert row["share"] == 0.5 and 0.1 < row["ci_low"] < 0.5 < row["ci_high"] < 0.9


def test_few_documents_fall_back_to_sentences_and_errors(planted) -> None:
    documents, mentions = planted
    few = actors.actor_labels(mentions, documents, n_boot=10, min_docs_per_group=6)
    assert set(few.ci_unit) == {"sentences"}
    with pytest.raises(ParameterError, match="unit='pages'"):
        actors.actor_labels(mentions, documents, unit="pages")
    with pytest.raises(ColumnError, match=r"lack.*\['actor'\]"):
        actors.actor_labels(mentions.drop(columns="actor"), documents)
    with pytest.raises(ParameterError, match="level='camp'"):
        actors.label_targets(mentions, load_codebook(), level="camp")


def test_many_groups_show_the_largest_and_pool_the_rest() -> None:
    outlets = [f"O{i:03d}" for i in range(300) for _ in range(1 + (i < 3) * 5)]
    documents = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(outlets))],
                              "outlet": outlets})
    shown = actors.shown_groups(documents, max_groups=3)
    assert {g for g, s in shown.items() if s == g} == {"O000", "O001", "O002"}
    assert shown["O299"] == actors.OTHER
    picked = actors.shown_groups(documents, groups="O010, O200")
    assert picked["O010"] == "O010" and picked["O000"] == actors.OTHER
    with pytest.raises(ParameterError, match=r"groups='Nope': Nope not found by 'outlet'"):
        actors.shown_groups(documents, groups="Nope")
    groups = actors.document_groups(documents, shown=shown)
    assert groups["d0"] == "O000" and groups.iloc[-1] == actors.OTHER


def test_pooled_other_group_is_computed_over_its_documents(planted) -> None:
    documents, mentions = planted
    shown = actors.shown_groups(documents, groups="G")
    table = actors.actor_labels(mentions, documents, shown=shown, n_boot=0)
    assert set(table.group) == {"G", actors.OTHER}
    assert cell(table, actors.OTHER, "hts", "delegitimising")["count"] == 5


def test_share_intervals_skip_empty_denominators_and_are_seeded() -> None:
    # actor_labels' intervals come from the shared stats.ratio_interval
    from framelab.stats import ratio_interval

    y = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    x = y.sum(axis=1)
    a = ratio_interval(y, x, n_boot=100, ci=0.95, rng=np.random.default_rng(1))
    b = ratio_interval(y, x, n_boot=100, ci=0.95, rng=np.random.default_rng(1))
    assert np.array_equal(a[0], b[0]) and (a[0] >= 0).all() and (a[1] <= 1).all()
    low, high = ratio_interval(y[:1], x[:1], n_boot=100, ci=0.95, rng=np.random.default_rng(1))
    assert np.isnan(low).all() and np.isnan(high).all()


def test_plot_marks_groups_without_labels(planted) -> None:
    documents, mentions = planted
    table = actors.actor_labels(mentions, documents, level="side", n_boot=50)
    fig, ax = plt.subplots()
    assert actors.plot_actor_labels(table, ax, actor="government") is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["G", "T"]
    fig2, ax2 = plt.subplots()
    actors.plot_actor_labels(table, ax2, actor="government", voice="quoted")
    assert sum(t.get_text() == "none" for t in ax2.texts) == 2
    plt.close("all")


def test_figure_has_a_panel_per_actor_and_voice(planted) -> None:
    documents, mentions = planted
    cb = load_codebook()
    table = actors.actor_labels(mentions, documents, level="side", n_boot=20)
    shown = actors.shown_groups(documents, max_groups=1)
    assert actors.group_order(shown) == ["G", actors.OTHER]
    fig = actors.actor_labels_figure(table, ["government", "armed_opposition"], cb)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[:2] == ["the government: narrator", "the armed opposition: narrator"]
    assert len(titles) == 6
    assert actors.actor_labels_figure(table, [], cb) is None
    plt.close("all")


def crosstab_cells(frame: pd.DataFrame, families: list[str]) -> dict:
    """The cells as actor_labels made them with pandas: groupby, then a crosstab per cell."""
    out = {}
    for key, part in frame.groupby(["group", "who", "voice"], sort=True):
        table = pd.crosstab(part["unit"], part["family"]).reindex(columns=families,
                                                                  fill_value=0)
        out[key] = (table.to_numpy(dtype=float), part["doc_id"].nunique())
    return out


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_label_cells_equal_a_crosstab_per_cell(seed) -> None:
    from framelab.framing._actors import _cell_tables

    rng = np.random.default_rng(seed)
    n = 400
    families = ["delegitimising", "neutral", "legitimising"]
    docs = rng.choice([f"d{i:02d}" for i in range(30)], n)
    frame = pd.DataFrame({
        "group": rng.choice(["Outlet B", "Outlet A", "z", "A"], n),
        "who": rng.choice(["government", "hts", framing.UNRESOLVED], n),
        "voice": rng.choice(list(framing.VOICES), n),
        # an unknown family still makes its unit a row (of zeros) in its cell
        "family": rng.choice(families + ["unknown"], n, p=[0.3, 0.3, 0.3, 0.1]),
        "doc_id": docs,
        "unit": [f"{d}-s{k}" for d, k in zip(docs, rng.integers(0, 12, n))]})
    if seed == 3:  # one cell with few mentions, units in reverse order of appearance
        frame = pd.concat([frame, pd.DataFrame({
            "group": ["q", "q"], "who": ["hts", "hts"], "voice": ["quoted", "quoted"],
            "family": ["neutral", "unknown"], "doc_id": ["d9", "d1"],
            "unit": ["d9-s1", "d1-s5"]})], ignore_index=True)
    want = crosstab_cells(frame, families)
    got = _cell_tables(frame, families)
    assert sorted(got) == list(want) and len(want) > 20
    for key, (y, n_docs) in want.items():
        assert n_docs == got[key][1], key
        np.testing.assert_array_equal(got[key][0], y, err_msg=str(key))
    assert any((y == 0).all(axis=1).any() for y, _ in want.values())  # zero rows tested


@pytest.mark.parametrize("level", ["actor", "side"])
@pytest.mark.parametrize("unit", ["documents", "sentences"])
def test_compact_label_rows_give_the_same_shares(planted, level: str, unit: str) -> None:
    documents, mentions = planted
    rows = framing.label_rows(mentions)
    assert list(rows.columns) == framing.LABEL_ROW_COLUMNS
    assert isinstance(rows["family"].dtype, pd.CategoricalDtype)
    assert rows.memory_usage(deep=True).sum() < mentions.memory_usage(deep=True).sum() / 2
    shown = framing.shown_groups(documents, max_groups=1)  # one outlet pooled as other
    want = actors.actor_labels(mentions, documents, level=level, unit=unit, shown=shown,
                               n_boot=50, seed=2)
    shuffled = rows.iloc[np.random.default_rng(1).permutation(len(rows))]
    got = actors.actor_labels(shuffled, documents, level=level, unit=unit, shown=shown,
                              n_boot=50, seed=2)
    pd.testing.assert_frame_equal(got, want)
    assert want["count"].sum() > 10
