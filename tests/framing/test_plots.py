"""Every corpus and framing figure of the seeds report, legible at both journal widths.

The figures are built from the seeds' tables as the notebooks build them, at single (3.5 in)
and double (7 in) width; each must have no two texts overlapping (matplotlib's text extents,
rotated labels compared as drawn) and must name every group it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from framelab import codebook as fcb
from framelab import corpus as fc
from framelab import figures, framing
from framelab import run as fr
from framelab.paths import SEEDS_DIR

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    run = fr.open_run_corpus(str(SEEDS_DIR), cache_dir=tmp_path_factory.mktemp("cache"))
    documents, sentences = run.documents, run.sentences
    cb = fcb.load_codebook(None)
    tables = fr.framing_tables(run, cb)
    mentions = tables["label_mentions"]
    shown = framing.shown_groups(documents, group_by="outlet", groups="", max_groups=10)
    by_side = framing.actor_labels(mentions, documents, cb, group_by="outlet", shown=shown,
                                   level="side", n_boot=0)
    return {
        "cb": cb, "documents": documents, "sentences": sentences, "mentions": mentions,
        "frames": tables["frames"], "shown": shown, "by_side": by_side,
        "groups": fc.group_key(documents),
        "rates": framing.label_rates(mentions, sentences, documents, cb, group_by="outlet",
                                     n_boot=0),
        "key": framing.keyness(sentences, documents, group_by="outlet", min_count=2,
                               codebook=cb, n_boot=0),
        "described": fc.describe_documents(documents, sentences),
        "segments": fc.segment_counts(sentences),
    }


def _heatmap(s: dict, width: str) -> Any:
    return framing.label_heatmap_figure(s["rates"], width=width)


def _fightin(s: dict, width: str) -> Any:
    return framing.fightin_words_figure(s["key"], width=width, top=15,
                                        colors=figures.group_colors(s["groups"]))


def _actors(s: dict, width: str) -> Any:
    return framing.actor_labels_figure(s["by_side"], framing.main_actors(s["by_side"], n=3),
                                       s["cb"], groups=framing.group_order(s["shown"]),
                                       width=width)


def _events(s: dict, width: str) -> Any:
    fig, ax = figures.new_figure(width, 0.25 * 15 + 1.2)
    framing.plot_label_events(s["mentions"], ax, top=15,
                              colors=figures.group_colors(s["groups"]))
    return fig


def _frames(s: dict, width: str) -> Any:
    fig, ax = figures.new_figure(width, 2.6)
    framing.plot_frames(s["frames"], ax, colors=figures.group_colors(s["groups"]))
    return fig


def _lengths(s: dict, width: str) -> Any:
    fig, ax = figures.new_figure(width, 0.35 * len(s["described"]) + 1)
    fc.plot_lengths(s["described"], ax, colors=figures.group_colors(s["groups"]),
                    group=s["groups"])
    return fig


def _segments(s: dict, width: str) -> Any:
    fig, ax = figures.new_figure(width, 0.35 * len(s["segments"]) + 1)
    fc.plot_segments(s["segments"], ax)
    return fig


def _event_groups(mentions: pd.DataFrame) -> set[str]:
    """Groups (outlet, else document id) with a label+event phrase: the legend's entries."""
    part = mentions[mentions["event"] != ""]
    return set(part["outlet"].where(part["outlet"] != "", part["doc_id"]))


#: figure -> (how the notebook builds it, the groups it must name, given the seeds' tables)
FIGURES: dict[str, tuple[Callable[[dict, str], Any], Callable[[dict], set[str]]]] = {
    "framing_label_heatmap": (_heatmap, lambda s: set(s["rates"]["group"])),
    "framing_fightin_words": (_fightin, lambda s: set(list(dict.fromkeys(s["key"]["group"]))[:8])),
    "framing_actor_labels": (_actors, lambda s: set(framing.group_order(s["shown"]))),
    "framing_label_events": (_events, lambda s: _event_groups(s["mentions"])),
    "framing_frames": (_frames, lambda s: set(s["groups"])),
    "corpus_lengths": (_lengths, lambda s: set(s["documents"]["doc_id"])),
    "corpus_segments": (_segments, lambda s: set(s["documents"]["doc_id"])),
}


def _named(texts: list[str], group: str) -> bool:
    """A group is named by a text equal to it, or by a short name spelled out in a key."""
    if group in texts or any(t.startswith(f"{group} (up)") for t in texts):
        return True
    keys = " ".join(t.replace("\n", " ") for t in texts if " = " in t)
    return any(f"{t} = {group}" in keys for t in texts)


@pytest.mark.parametrize("width", ["single", "double"])
@pytest.mark.parametrize("name", list(FIGURES))
def test_figure_is_legible_at_width_and_names_every_group(seeds: dict, name: str,
                                                          width: str, tmp_path: Path) -> None:
    build, expected = FIGURES[name]
    fig = build(seeds, width)
    assert fig is not None
    assert fig.get_size_inches()[0] == figures.WIDTHS[width]  # drawn at width, not shrunk
    assert figures.text_overlaps(fig) == []
    texts = figures.visible_texts(fig)
    missing = sorted(g for g in expected(seeds) if not _named(texts, g))
    assert not missing, f"{name} at {width} width does not name {missing}"
    figures.save_figure(fig, name, tmp_path, formats=("pdf",), width=width)
    assert (tmp_path / "figures" / f"{name}.pdf").stat().st_size > 0
    plt.close(fig)


def test_overlap_check_finds_colliding_labels_and_a_blanked_group() -> None:
    fig, ax = figures.new_figure("single")
    ax.set_xticks(range(10), [f"a long label {i}" for i in range(10)])  # run together
    assert len(figures.text_overlaps(fig)) >= 5
    ax.set_xticks(range(10), [f"a long label {i}" for i in range(10)], rotation=90)
    assert figures.text_overlaps(fig) == []  # turned labels compared as drawn, not boxed
    rates = pd.DataFrame({"group": ["Outlet A", "Outlet B"] * 3, "family": ["f"] * 6,
                          "voice": ["narrator"] * 2 + ["quoted"] * 2 + ["attributed"] * 2,
                          "rate_per_1000": [1.0, 2.0, 0.0, 0.5, 0.1, 0.2]})
    fig, axes = figures.new_figure("double", 2, ncols=3, sharey=True)
    for i, (ax, voice) in enumerate(zip(axes, framing.VOICES)):
        framing.plot_label_heatmap(rates, ax, voice=voice, group_labels=i == 0)
    texts = figures.visible_texts(fig)
    assert {"Outlet A", "Outlet B"} <= set(texts)  # later panels no longer blank the first
    assert texts.count("Outlet A") == 1  # ... and do not repeat it


def test_short_names_are_unique_and_spelled_out_in_the_key() -> None:
    names = figures.short_names(["Al Jazeera English", "Al Jazeera Egypt", "RT",
                                 "000_e72d09fb4242ab40"], max_chars=8)
    assert names["RT"] == "RT" and names["000_e72d09fb4242ab40"] == "000"
    assert names["Al Jazeera English"] != names["Al Jazeera Egypt"]
    fig, _ = figures.new_figure("single")
    key = figures.add_key(fig, names)
    assert key is not None and "000 = 000_e72d09fb4242ab40" in key.get_text().replace("\n", " ")
