"""The reuse network at any size: the source x reuser matrix, its cap, the layout rule, drawing."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from framelab import figures, reuse
from framelab.errors import ColumnError, FigureWarning, ParameterError
from hypothesis import given, settings
from hypothesis import strategies as st

COLUMNS = ["doc_a", "doc_b", "outlet_a", "outlet_b", "relation", "source"]


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _pairs(rows: list[tuple[str, str, str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def _cell(matrix: pd.DataFrame, relation: str, source: str, reuser: str) -> list[object]:
    row = matrix[(matrix["relation"] == relation) & (matrix["source"] == source)
                 & (matrix["reuser"] == reuser)]
    assert len(row) == 1, (relation, source, reuser)
    return row[["n_directed", "n_undirected", "pairs", "n_pooled"]].iloc[0].tolist()


def test_matrix_counts_each_direction_and_splits_pairs_without_one() -> None:
    pairs = _pairs([
        ("a1", "b1", "A", "B", "copy", "a1"),      # A -> B
        ("a2", "b2", "A", "B", "copy", "a2"),      # A -> B
        ("b3", "a3", "B", "A", "copy", "b3"),      # B -> A, written with B first
        ("a4", "b4", "A", "B", "copy", ""),        # no direction: half to each cell
        ("a5", "a6", "A", "A", "copy", "a5"),      # within A: left out
        ("b5", "x1", "B", "", "rewrite", ""),      # unknown outlet: the document is a node
        ("b6", "a7", "B", "A", "same_story", ""),
    ])
    matrix = reuse.reuse_matrix(pairs)
    assert list(matrix.columns) == reuse.MATRIX_COLUMNS
    # B takes part in 6 pairs, A in 5 (its pair within A is not counted), x1 in 1
    assert list(matrix["source"].cat.categories) == ["B", "A", "x1"]
    assert _cell(matrix, "copy", "A", "B") == [2, 1, 2.5, 1]
    assert _cell(matrix, "copy", "B", "A") == [1, 1, 1.5, 1]
    assert _cell(matrix, "rewrite", "B", "x1") == [0, 1, 0.5, 1]
    assert _cell(matrix, "rewrite", "x1", "B") == [0, 1, 0.5, 1]
    assert _cell(matrix, "same_story", "A", "B") == [0, 1, 0.5, 1]
    assert len(matrix) == 6
    assert matrix.groupby("relation")["pairs"].sum().to_dict() == {
        "copy": 4.0, "rewrite": 1.0, "same_story": 1.0}
    assert matrix["relation"].tolist()[:2] == ["copy", "copy"]  # the order of RELATIONS
    only = reuse.reuse_matrix(pairs, relations=("rewrite",))
    assert set(only["relation"]) == {"rewrite"}
    assert list(only["source"].cat.categories) == ["B", "x1"]  # nodes of the relations drawn
    docs = reuse.reuse_matrix(pairs, level="document")
    assert _cell(docs, "copy", "a5", "a6") == [1, 0, 1.0, 1]  # two documents of one outlet


def test_nodes_beyond_the_cap_are_pooled_as_other() -> None:
    # A-B 3 pairs, A-C 2, B-D 1, C-D 1 (C -> D), D-E 1, E-F 1 (F -> E)
    pairs = _pairs([
        ("a1", "b1", "A", "B", "copy", "a1"), ("a2", "b2", "A", "B", "copy", ""),
        ("a3", "b3", "A", "B", "same_story", ""), ("a4", "c1", "A", "C", "copy", "c1"),
        ("a5", "c2", "A", "C", "copy", ""), ("b4", "d1", "B", "D", "copy", ""),
        ("c3", "d2", "C", "D", "copy", "c3"), ("d3", "e1", "D", "E", "copy", ""),
        ("e2", "f1", "E", "F", "copy", "f1"),
    ])
    # totals: A 5, B 4, C 3, D 3, E 2, F 1 -> A, B, then "other" pools C, D, E, F (k = 4)
    matrix = reuse.reuse_matrix(pairs, max_nodes=3)
    assert list(matrix["source"].cat.categories) == ["A", "B", "other"]
    assert _cell(matrix, "copy", "A", "other") == [0, 1, 0.5, 4]
    assert _cell(matrix, "copy", "other", "A") == [1, 1, 1.5, 4]
    assert _cell(matrix, "copy", "B", "other") == [0, 1, 0.5, 4]
    # C -> D, D - E and F -> E are all between pooled outlets: the diagonal, counted whole
    assert _cell(matrix, "copy", "other", "other") == [2, 1, 3.0, 12]
    assert matrix[matrix["relation"] == "copy"]["pairs"].sum() == 8.0  # every copy pair
    assert len(reuse.reuse_matrix(pairs, max_nodes=6)["source"].cat.categories) == 6
    with pytest.raises(ParameterError, match="max_nodes=1"):
        reuse.reuse_matrix(pairs, max_nodes=1)


def test_bad_arguments_name_the_value() -> None:
    pairs = _pairs([("a1", "b1", "A", "B", "copy", "a1")])
    with pytest.raises(ParameterError, match=r"relations=\['copying'\]"):
        reuse.reuse_matrix(pairs, relations=["copying"])
    with pytest.raises(ParameterError, match="relations='copy'; use a list"):
        reuse.reuse_matrix(pairs, relations="copy")
    with pytest.raises(ParameterError, match="level='site'"):
        reuse.reuse_matrix(pairs, level="site")
    with pytest.raises(ColumnError, match="source"):
        reuse.reuse_matrix(pairs.drop(columns="source"))
    with pytest.raises(ParameterError, match="relation='copying'"):
        reuse.plot_reuse_matrix(reuse.reuse_matrix(pairs), figures.new_figure()[1],
                                relation="copying")


def test_an_empty_corpus_gives_an_empty_matrix_and_the_circle() -> None:
    empty = _pairs([])
    assert reuse.reuse_matrix(empty).empty
    assert reuse.network_layout(empty) == "circle"


pair_rows = st.lists(st.tuples(
    st.integers(0, 5), st.integers(0, 5), st.sampled_from(["A", "B", "C", "D", ""]),
    st.sampled_from(["A", "B", "C", "D", ""]), st.sampled_from(list(reuse.RELATIONS)),
    st.sampled_from(["a", "b", ""])), max_size=30)


@settings(max_examples=60, deadline=None)
@given(rows=pair_rows, cap=st.integers(2, 5))
def test_every_pair_between_two_nodes_is_counted_once(rows: list, cap: int) -> None:
    table = []
    for i, (da, db, oa, ob, rel, src) in enumerate(rows):
        a, b = f"d{i}a{da}", f"d{i}b{db}"  # distinct documents
        table.append((a, b, oa, ob, rel, {"a": a, "b": b, "": ""}[src]))
    pairs = _pairs(table)
    matrix = reuse.reuse_matrix(pairs, max_nodes=cap)
    node = np.where(pairs["outlet_a"] != "", pairs["outlet_a"], pairs["doc_a"]), np.where(
        pairs["outlet_b"] != "", pairs["outlet_b"], pairs["doc_b"])
    between = pairs[node[0] != node[1]]
    assert matrix["pairs"].sum() == pytest.approx(len(between))
    assert matrix["n_directed"].sum() == (between["source"] != "").sum()
    assert len(matrix["source"].cat.categories) <= cap


def _many(n_outlets: int, *, names: list[str] | None = None) -> pd.DataFrame:
    """Pairs among ``n_outlets`` outlets: every outlet pair has some relations, seeded."""
    names = names or [f"Outlet {i:02d}" for i in range(n_outlets)]
    rng = np.random.default_rng(7)
    rows = []
    for i, j in itertools.combinations(range(n_outlets), 2):
        for rel in reuse.RELATIONS:
            for k in range(int(rng.integers(0, 3))):
                a, b = f"{i}-{j}-{rel}-{k}-a", f"{i}-{j}-{rel}-{k}-b"
                src = rng.choice([a, b, ""]) if rel in ("copy", "rewrite") else ""
                rows.append((a, b, names[i], names[j], rel, str(src)))
    return _pairs(rows)


def test_the_layout_rule_keeps_the_circle_for_a_few_nodes_and_edges() -> None:
    # five outlets, one relation between each two: 10 edges, at most 3 per node
    five = _pairs([(f"{a}1", f"{b}1", a, b, "same_story", "")
                   for a, b in itertools.combinations("ABCDE", 2)])
    assert reuse.network_layout(five) == "circle"
    # the same five with a second relation on every edge: 20 edges, past 3 per node
    denser = pd.concat([five, five.assign(relation="shared_source")], ignore_index=True)
    assert 20 > reuse.CIRCLE_EDGES_PER_NODE * 5
    assert reuse.network_layout(denser) == "matrix"
    assert reuse.network_layout(denser, relations=("copy", "shared_source")) == "circle"
    # a sparse ring of more nodes than the circle takes
    n = reuse.CIRCLE_MAX_NODES + 1
    ring = _pairs([(f"d{i}", f"d{(i + 1) % n}x", f"O{i}", f"O{(i + 1) % n}", "copy", "")
                   for i in range(n)])
    assert reuse.network_layout(ring) == "matrix"
    assert reuse.network_layout(ring.iloc[:-1]) == "matrix"  # a chain: still n nodes
    assert reuse.network_layout(ring.iloc[:n - 2]) == "circle"  # n - 1 nodes


@pytest.mark.parametrize("width", ["single", "double"])
@pytest.mark.parametrize("n_outlets", [5, 40])
def test_the_figure_reads_at_either_width_without_overlaps(width: str, n_outlets: int,
                                                           tmp_path: Path) -> None:
    pairs = _many(n_outlets) if n_outlets > 5 else _pairs([
        ("a1", "b1", "A", "B", "copy", "a1"), ("b2", "c1", "B", "C", "rewrite", ""),
        ("c2", "d1", "C", "D", "shared_source", ""), ("d2", "e1", "D", "E", "same_story", ""),
        ("a2", "e2", "A", "E", "copy", "e2")])
    fig = reuse.reuse_network_figure(pairs, width=width)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FigureWarning)
        figures.save_figure(fig, "network", tmp_path, formats=("png",), width=width)
    texts = figures.visible_texts(fig)
    if n_outlets == 5:  # the circle, as before
        assert reuse.network_layout(pairs) == "circle" and len(fig.axes) == 1
        assert any("hypothesised source" in t for t in texts)
        assert {"A", "B", "C", "D", "E"} <= set(texts)
        return
    cap = reuse.MAX_NODES[width]
    assert len(fig.axes) == 4 + 4  # four panels and their colour bars
    assert texts.count("hypothesised source") == 2 and texts.count("reuser") == 2
    assert f"other ({n_outlets - cap + 1})" in texts
    panel = fig.axes[0]
    assert len(panel.get_yticklabels()) == cap
    assert panel.get_yticklabels()[0].get_color() != panel.get_yticklabels()[-1].get_color()
    assert "(a hypothesis, not a finding)" in " ".join(texts).replace("\n", " ")


def test_the_panel_draws_its_relation_and_returns_its_axes() -> None:
    pairs = _many(40)
    matrix = reuse.reuse_matrix(pairs, max_nodes=24)
    _fig, ax = figures.new_figure()
    assert reuse.plot_reuse_matrix(matrix, ax, relation="copy") is ax
    grid = ax.images[0].get_array()
    assert grid.shape == (24, 24)
    assert grid.mask[0, 0] and not grid.mask[23, 23]  # a named outlet's diagonal; other's
    shown = matrix[(matrix["relation"] == "copy") & (matrix["source"] == matrix["source"]
                                                      .cat.categories[0])]
    first = shown[shown["reuser"] == shown["reuser"].cat.categories[1]]["pairs"].sum()
    assert grid[0, 1] == pytest.approx(first)
    pooled = shown[shown["reuser"] == "other"]
    assert grid[0, 23] == pytest.approx(float((pooled["pairs"] / pooled["n_pooled"]).sum()))
    assert "copy" in ax.get_title(loc="left")


def test_long_outlet_names_are_shortened_and_spelled_out(tmp_path: Path) -> None:
    names = [f"The {a} {b}" for a, b in itertools.product(
        ("Morning", "Evening", "Weekly", "Northern"), ("Chronicle", "Ledger", "Herald"))]
    fig = reuse.reuse_network_figure(_many(len(names), names=names), width="single")
    with warnings.catch_warnings():
        warnings.simplefilter("error", FigureWarning)
        figures.save_figure(fig, "network", tmp_path, formats=("png",), width="single")
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(ticks) == len(names) and "TMC" in ticks and all(len(t) <= 10 for t in ticks)
    key = " ".join(figures.visible_texts(fig)).replace("\n", " ")
    assert "TMC = The Morning Chronicle; " in key or key.endswith("TMC = The Morning Chronicle")


def test_the_caption_says_what_rows_and_arrows_mean() -> None:
    many, few = _many(30), _pairs([("a1", "b1", "A", "B", "copy", "a1")])
    caption = reuse.network_caption(many, width="single")
    assert "hypothesised" not in caption or "hypothesis, not a finding" in caption
    assert "names as the source (a hypothesis, not a finding)" in caption
    assert f"pools the {30 - reuse.MAX_NODES['single'] + 1} outlets" in caption
    assert "pools" not in reuse.network_caption(many.head(3))
    assert "arrow points from the hypothesised source" in reuse.network_caption(few)
    within = pd.concat([few, _pairs([("a2", "a3", "A", "A", "copy", "")])])
    assert "1 pair(s) within one outlet are not shown" in reuse.network_caption(within)
