"""Tables written part by part by framing_tables: the files of the whole tables, a sample kept."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from framelab import framing, outputs
from framelab.codebook import load_codebook
from framelab.errors import ParameterError
from framelab.paths import SEEDS_DIR
from framelab.run import build_cache, framing_tables, open_run_corpus
from framelab.run._written import WrittenTable
from framelab.stats import ViewSample, sample_view

CB = load_codebook()
WRITTEN = ["label_kwic", "frame_kwic", "reporting_verbs"]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds cached in parts of 2 documents (5 documents: 3 parts)."""
    folder = tmp_path_factory.mktemp("written")
    build_cache(SEEDS_DIR, cache_dir=folder, chunk_size=2, progress=False)
    return folder


@pytest.mark.parametrize("n_documents", [5, 500])  # below and above the size switch
def test_written_tables_are_the_whole_tables_on_disk_and_a_sample_in_memory(
        cache_dir: Path, tmp_path: Path, n_documents: int) -> None:
    view = ViewSample(by="outlet", n_documents=n_documents, per_document_max=50, n=2, seed=1)
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        run.batch_documents = 1
        whole = framing_tables(run, CB, kwic_window=30, tables=WRITTEN)
        got = framing_tables(run, CB, kwic_window=30, tables=[*WRITTEN, "label_mentions"],
                             written=WRITTEN, out_dir=tmp_path / "parts", view=view)
        assert run.loaded == []
    pd.testing.assert_frame_equal(got["label_mentions"],
                                  framing_tables(run, CB, tables=["label_mentions"])
                                  ["label_mentions"])
    for name in WRITTEN:
        assert len(whole[name]), f"{name} is empty on the seeds: the check would be vacuous"
        saved = outputs.save_table(whole[name], name, tmp_path / "whole", latex=False)
        path = Path(got[name].attrs["path"])
        assert path == tmp_path / "parts" / "tables" / f"{name}.csv"
        assert path.read_bytes() == saved.read_bytes(), name
        assert got[name].attrs["rows"] == len(whole[name])
        want = sample_view(whole[name], by="outlet", n_documents=n_documents,
                           per_document_max=50, n=2, seed=1)
        pd.testing.assert_frame_equal(got[name], want.reset_index(drop=True), obj=name)
        if n_documents > 50:
            assert len(got[name]) < len(whole[name])
            assert got[name].attrs["note"] == want.attrs["note"]


def test_without_a_view_a_written_table_keeps_no_rows(cache_dir: Path, tmp_path: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        got = framing_tables(run, CB, tables=["frame_kwic"], written=["frame_kwic"],
                             out_dir=tmp_path)
    assert len(got["frame_kwic"]) == 0 and got["frame_kwic"].attrs["rows"] > 0
    assert list(got["frame_kwic"].columns) == list(pd.read_csv(got["frame_kwic"].attrs["path"],
                                                               nrows=0).columns)


def test_written_tables_must_be_asked_for_and_need_a_folder(cache_dir: Path,
                                                            tmp_path: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        with pytest.raises(ParameterError, match="not among the tables asked for"):
            framing_tables(run, CB, tables=["frames"], written=["frame_kwic"], out_dir=tmp_path)
        with pytest.raises(ParameterError, match="give out_dir"):
            framing_tables(run, CB, tables=["frame_kwic"], written=["frame_kwic"])


def test_actor_voices_and_verb_counts_add_up_to_the_whole_tables(cache_dir: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        got = framing_tables(run, CB, tables=["actor_voices", "verb_counts"])
        docs, sents = run.documents, run.sentences
    mentions = framing.actor_mentions(sents, docs, CB)
    pd.testing.assert_frame_equal(framing.actor_summary(got["actor_voices"], CB),
                                  framing.actor_summary(mentions, CB))
    verbs = framing.reporting_verbs(sents, docs, CB)
    counted = got["verb_counts"].groupby(["outlet", "verb_class"])["verbs"].sum()
    assert counted.to_dict() == verbs.groupby(["outlet", "verb_class"]).size().to_dict()
    assert got["actor_voices"]["mentions"].sum() == len(mentions) > 0


def test_written_may_give_each_table_its_own_view(cache_dir: Path, tmp_path: Path) -> None:
    # actor_documents has no outlet column: it is written whole and kept without rows
    view = ViewSample(by="outlet", n_documents=5, per_document_max=50, n=2, seed=1)
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        whole = framing_tables(run, CB, tables=["actor_documents", "frame_kwic"])
        got = framing_tables(run, CB, tables=["actor_documents", "frame_kwic"],
                             written={"actor_documents": None, "frame_kwic": view},
                             out_dir=tmp_path)
    assert len(got["actor_documents"]) == 0
    saved = outputs.save_table(whole["actor_documents"], "actor_documents", tmp_path / "whole",
                               latex=False)
    assert Path(got["actor_documents"].attrs["path"]).read_bytes() == saved.read_bytes()
    assert len(got["frame_kwic"]) == len(sample_view(whole["frame_kwic"], by="outlet",
                                                     n_documents=5, per_document_max=50,
                                                     n=2, seed=1)) > 0


def test_what_a_written_table_keeps_of_a_part_holds_none_of_its_texts(tmp_path: Path) -> None:
    # an empty slice of an Arrow column keeps the whole column alive: a million articles'
    # parts kept that way held gigabytes the tables did not show
    text = pd.Series([f"sentence {i} " * 20 for i in range(2000)], dtype="str")
    part = pd.DataFrame({"doc_id": [f"d{i}" for i in range(2000)], "outlet": "a",
                         "text": text, "n": range(2000)})

    def held(frame: pd.DataFrame) -> int:
        return sum(frame[c].array._pa_array.get_total_buffer_size()  # noqa: SLF001
                   if isinstance(frame[c].array, pd.arrays.ArrowStringArray)
                   else frame[c].to_numpy().nbytes for c in frame.columns)

    assert held(part.iloc[:0]) > 100_000  # what the test guards against
    for view in (None, ViewSample(by="outlet", n_documents=5000, per_document_max=50, n=3)):
        table = WrittenTable("t", tmp_path / str(view is None), view)
        with table:
            returned = table.append(part)
        kept = table.finish(returned)
        assert list(returned.columns) == list(part.columns) and len(returned) == 0
        assert held(returned) < 1000
        assert len(kept) == (0 if view is None else 3) and held(kept) < 10_000


def test_compact_tables_made_part_by_part_equal_those_of_the_whole_tables(
        cache_dir: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        run.batch_documents = 1  # five parts, each with its own categories
        got = framing_tables(run, CB, tables=["label_mentions", "label_rows", "frames",
                                              "frame_rates"])
    pd.testing.assert_frame_equal(got["label_rows"], framing.label_rows(got["label_mentions"]))
    pd.testing.assert_frame_equal(got["frame_rates"], framing.frame_rates(got["frames"]))
    assert got["label_rows"]["doc_id"].nunique() >= 3 and len(got["frame_rates"]) > 5
