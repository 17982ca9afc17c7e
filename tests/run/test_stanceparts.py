"""annotated_documents: only the documents that annotations label as a whole, read from the
cache, and the evaluation they give equals the one with the whole documents table."""

from __future__ import annotations

import gc
from pathlib import Path

import pandas as pd
import pytest
from framelab import stance
from framelab.codebook import load_codebook
from framelab.paths import SEEDS_DIR
from framelab.run import annotated_documents, build_cache, open_run_corpus, stance_tables
from framelab.run._partitions import _paused_gc

CB = load_codebook()


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("stanceparts")
    build_cache(SEEDS_DIR, cache_dir=folder, chunk_size=2, progress=False)
    return folder


def _annotations(folder: Path, doc_ids: list[str]) -> Path:
    rows = [{"doc_id": d, "sentence": "", "target": t, "label": label}
            for d, t, label in zip(doc_ids, ["US", "Russia", "HTS"], ["against", "favor",
                                                                        "neutral"])]
    rows.append({"doc_id": "", "sentence": "Russia welcomed the talks.", "target": "Russia",
                 "label": "favor"})
    path = folder / "doc_level.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_only_the_documents_labelled_as_a_whole_are_read(cache_dir: Path,
                                                        tmp_path: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        ids = run.metadata["doc_id"].astype(str).tolist()
        assert len(ids) == 5 and len(run.cache.parts) == 3
        wanted = [ids[4], ids[1]]   # in two parts, not in corpus order
        path = _annotations(tmp_path, wanted)
        got = annotated_documents(run, f"{path}, docs/stance_seed_annotations.csv")
        assert "documents" not in run.loaded
        assert got["doc_id"].tolist() == [ids[1], ids[4]]   # corpus order
        whole = run.documents
        assert got.equals(whole.loc[whole["doc_id"].isin(wanted), ["doc_id", "text_norm"]]
                          .reset_index(drop=True))
        assert annotated_documents(run, [path])["doc_id"].tolist() == [ids[1], ids[4]]
        # with the whole table loaded the answer is the same
        assert annotated_documents(run, path).equals(got)
    pd.testing.assert_frame_equal(
        stance.evaluate(str(path), codebook=CB, documents=got),
        stance.evaluate(str(path), codebook=CB, documents=whole))


def test_sentence_annotations_need_no_document(cache_dir: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        got = annotated_documents(run, "docs/stance_seed_annotations.csv")
        assert run.loaded == []
    assert list(got.columns) == ["doc_id", "text_norm"] and got.empty


def test_paused_gc_turns_the_collector_off_inside_and_back_on_after() -> None:
    assert gc.isenabled()
    with _paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(KeyError), _paused_gc():   # an error inside still restores it
        raise KeyError("x")
    assert gc.isenabled()
    gc.disable()   # a caller who turned it off keeps it off
    try:
        with _paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_part_leaves_the_collector_as_it_found_it(cache_dir: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        tables = stance_tables(run, CB, targets=stance.resolve_targets(None, CB),
                               scorers=("default",))
    assert gc.isenabled() and len(tables["mentions"]) > 0
