"""stance_by_doc written block by block: the file of the whole table, the rows with mentions kept."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from framelab import outputs, stance
from framelab.codebook import load_codebook
from framelab.paths import SEEDS_DIR
from framelab.run import open_run_corpus, stance_tables
from framelab.stance import _views

CB = load_codebook()
TARGETS = stance.resolve_targets("", CB)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The seeds' scored mentions copied 12 times as documents of three outlets (60 docs)."""
    with open_run_corpus(SEEDS_DIR, cache_dir=tmp_path_factory.mktemp("c"),
                         progress=False) as run:
        scored = stance_tables(run, CB, targets=TARGETS, scorers=("default", "learned"))
        docs = run.metadata
    scored = scored["mentions"]
    copies = range(12)
    big = pd.concat([scored.assign(doc_id=scored.doc_id + f"_{k}", outlet=f"o{k % 3}")
                     for k in copies], ignore_index=True)
    documents = pd.concat([docs.assign(doc_id=docs.doc_id + f"_{k}", outlet=f"o{k % 3}")
                           for k in copies], ignore_index=True)
    return big, documents


@pytest.mark.parametrize("per_document_max", [50, 100])  # above and below the size switch
def test_written_by_doc_is_the_whole_table(corpus, tmp_path: Path, monkeypatch,
                                           per_document_max: int) -> None:
    big, documents = corpus
    monkeypatch.setattr(_views, "DOC_BLOCK", 7)  # blocks that do not divide the 60 documents
    kwargs = dict(documents=documents, targets=TARGETS, codebook=CB,
                  per_document_max=per_document_max, n_boot=20, seed=3)
    whole = stance.stance_by_doc_sized(big, **kwargs)
    saved = outputs.save_table(whole, "stance_by_doc", tmp_path / "whole", latex=False)
    got = stance.write_stance_by_doc(stance.score_columns(big), tmp_path / "blocks", **kwargs)
    assert Path(got.attrs["path"]).read_bytes() == saved.read_bytes()
    assert got.attrs["rows"] == len(whole) and got.attrs["n_documents"] == 60
    mentioned = whole[whole["n_mentions"] > 0].reset_index(drop=True)
    assert 0 < len(got) < len(whole)
    # above the switch the repeated strings are held as categories; the values are the same
    categorical = [c for c in got.columns if isinstance(got[c].dtype, pd.CategoricalDtype)]
    assert (len(categorical) == 6) == (per_document_max < 60)
    pd.testing.assert_frame_equal(got.astype({c: mentioned[c].dtype for c in categorical}),
                                  mentioned)
    pd.testing.assert_frame_equal(
        stance.doc_stance_summary(got, per_document_max=per_document_max),
        stance.doc_stance_summary(whole, per_document_max=per_document_max).reset_index(
            drop=True), check_categorical=False)
