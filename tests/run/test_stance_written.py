"""stance_tables with out_dir: the mention table on disk, and what the aggregates need."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from framelab import framing, outputs, stance
from framelab.codebook import load_codebook
from framelab.paths import SEEDS_DIR
from framelab.run import build_cache, combine, open_run_corpus, stance_tables
from framelab.stats import ViewSample

CB = load_codebook()
TARGETS = stance.resolve_targets("", CB)
SCORERS = ("default", "learned")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stance_written")
    build_cache(SEEDS_DIR, cache_dir=folder, chunk_size=2, progress=False)
    return folder


def test_written_mentions_scores_and_evidence_equal_the_whole_table(cache_dir: Path,
                                                                   tmp_path: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        whole = stance_tables(run, CB, targets=TARGETS, scorers=SCORERS)
        got = stance_tables(run, CB, targets=TARGETS, scorers=SCORERS, out_dir=tmp_path / "p",
                            group_by="outlet", evidence_top=2, quotes_view=ViewSample(
                                by="outlet", n_documents=5, per_document_max=10))
        assert run.loaded == []
        documents = run.metadata
        sentences = run.sentences
    scored = whole["mentions"]
    assert len(scored) and scored["scorer"].nunique() == 2
    saved = outputs.save_table(scored, "stance_mentions", tmp_path / "w", latex=False)
    assert Path(got["mentions"].attrs["path"]).read_bytes() == saved.read_bytes()
    assert got["mentions"].attrs["rows"] == len(scored) and len(got["mentions"]) == 0
    # the quotations: written in full, every row kept below the size switch, and counted
    saved = outputs.save_table(whole["quotes"], "quotes", tmp_path / "w", latex=False)
    assert Path(got["quotes"].attrs["path"]).read_bytes() == saved.read_bytes()
    pd.testing.assert_frame_equal(got["quotes"], whole["quotes"])
    sources = framing.quoted_sources(whole["quotes"], documents=documents)
    assert len(sources) > 3
    pd.testing.assert_frame_equal(framing.quoted_sources(got["quote_counts"]), sources)
    compact = got["scores"]
    assert all(isinstance(compact[c].dtype, pd.CategoricalDtype)
               for c in stance.SCORE_COLUMNS[:-1])
    pd.testing.assert_frame_equal(compact.astype(str), scored[stance.SCORE_COLUMNS].astype(str))
    pd.testing.assert_frame_equal(
        stance.stance_by_group(compact, targets=TARGETS, n_boot=50),
        stance.stance_by_group(scored, targets=TARGETS, n_boot=50))
    want = stance.evidence(scored, sentences, group_by="outlet", scorer="default", top=2)
    assert len(want)
    pd.testing.assert_frame_equal(
        stance.evidence(got["evidence"], sentences, group_by="outlet", scorer="default",
                        top=2), want)


def test_combine_keeps_categorical_columns_categorical() -> None:
    a = pd.DataFrame({"x": pd.Categorical(["b", "a"]), "n": [1, 2]})
    b = pd.DataFrame({"x": pd.Categorical(["c"]), "n": [3]})
    got = combine([a, b.iloc[:0], b])
    assert isinstance(got["x"].dtype, pd.CategoricalDtype)
    assert list(got["x"].cat.categories) == ["a", "b", "c"]
    assert list(got["x"].astype(str)) == ["b", "a", "c"] and list(got["n"]) == [1, 2, 3]
