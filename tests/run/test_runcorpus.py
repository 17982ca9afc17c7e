"""Per-partition analyses give the whole-corpus tables, on every engine."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from framelab import framing, reuse, stance
from framelab.codebook import load_codebook
from framelab.corpus import body
from framelab.errors import ParameterError
from framelab.framing import _quotes as quotes
from framelab.paths import SEEDS_DIR
from framelab.run import (
    RunCorpus,
    build_cache,
    framing_tables,
    open_run_corpus,
    reuse_shingles,
    stance_tables,
)

CB = load_codebook()


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds cached in parts of 2 documents (5 documents: 3 parts)."""
    folder = tmp_path_factory.mktemp("runcorpus")
    cache = build_cache(SEEDS_DIR, cache_dir=folder, chunk_size=2, progress=False)
    assert len(cache.parts) == 3
    return folder


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None, silence_logs=40) as lc:
        yield lc.scheduler_address


def _whole(run: RunCorpus) -> dict[str, dict[str, pd.DataFrame]]:
    """What the notebooks computed before the analyses ran per partition."""
    docs, sents = run.documents, run.sentences
    matches = framing.match_sentences(sents, CB)
    analysed = body(sents)
    found = stance.find_mentions(analysed, CB, targets=stance.resolve_targets("", CB),
                                 documents=docs)
    return {
        "framing": {
            "matches": matches,
            "label_mentions": framing.label_mentions(sents, docs, CB, matches=matches),
            "actor_mentions": framing.actor_mentions(sents, docs, CB, matches=matches),
            "actor_documents": framing.actor_documents(
                framing.actor_mentions(sents, docs, CB, matches=matches)),
            "frames": framing.frames(sents, docs, CB, matches=matches),
            "frame_kwic": framing.frame_kwic(sents, docs, CB, matches=matches),
            "reporting_verbs": framing.reporting_verbs(sents, docs, CB, matches=matches)},
        "stance": {
            "mentions": stance.score_mentions(found, analysed, scorers=("default", "learned"),
                                              codebook=CB),
            "quotes": quotes.find_quotes(docs, CB, sentences=sents)},
        "reuse": {"candidates": reuse.candidate_pairs(docs, analysed)},
    }


WHOLE_FRAMING = ["matches", "label_mentions", "actor_mentions", "actor_documents", "frames",
                 "frame_kwic", "reporting_verbs"]


def _partitioned(run: RunCorpus) -> dict[str, dict[str, pd.DataFrame]]:
    shingles = reuse_shingles(run)
    return {
        "framing": framing_tables(run, CB, tables=WHOLE_FRAMING),  # match_counts: own test
        "stance": stance_tables(run, CB, targets=stance.resolve_targets("", CB),
                                scorers=("default", "learned")),
        "reuse": {"candidates": reuse.candidate_pairs(run.documents, body(run.sentences),
                                                      shingles=shingles)},
    }


def _assert_same(got: dict, want: dict) -> None:
    assert got.keys() == want.keys()
    for kind in want:
        assert got[kind].keys() == want[kind].keys(), kind
        for name, frame in want[kind].items():
            assert len(frame), f"{kind}/{name} is empty on the seeds: the check would be vacuous"
            pd.testing.assert_frame_equal(got[kind][name], frame, obj=f"{kind}/{name}")


def test_map_reads_parts_from_the_cache_without_loading_the_tables(cache_dir: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        got = framing_tables(run, CB, tables=WHOLE_FRAMING)
        assert run.loaded == []  # nothing loaded whole: parts were read one at a time
        _assert_same({"framing": got}, {"framing": _whole(run)["framing"]})


def test_partitions_cover_the_corpus_in_order(cache_dir: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        parts = list(run.partitions())
        assert [len(d) for d, _ in parts] == [2, 2, 1]
        assert pd.concat([d for d, _ in parts], ignore_index=True).equals(run.documents)
        assert pd.concat([s for _, s in parts], ignore_index=True).equals(run.sentences)
        for docs, sents in parts:
            assert set(sents["doc_id"]) == set(docs["doc_id"])


@pytest.mark.parametrize(("workers", "batch"), [(0, 0), (2, 0), (0, 1), (2, 1)])
def test_local_engine_partitions_give_the_whole_corpus_tables(cache_dir: Path, workers: int,
                                                              batch: int) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, workers=workers,
                         progress=False) as run:
        run.batch_documents = batch  # 1: every document on its own inside its part
        _assert_same(_partitioned(run), _whole(run))


def test_batches_split_a_part_by_documents_with_their_sentences(cache_dir: Path) -> None:
    from framelab.run import in_batches

    seen = []

    def record(docs: pd.DataFrame, sents: pd.DataFrame) -> pd.DataFrame:
        assert set(sents["doc_id"]) <= set(docs["doc_id"])
        seen.append(list(docs["doc_id"]))
        return sents[["doc_id", "sentence_id"]]

    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        docs, sents = run.documents, run.sentences
        got = in_batches(docs, sents, func=record, size=2)
        assert seen == [list(docs.doc_id[i:i + 2]) for i in (0, 2, 4)]
        pd.testing.assert_frame_equal(got, sents[["doc_id", "sentence_id"]])
        with pytest.raises(ParameterError, match="not in its partition"):
            in_batches(docs.iloc[1:], sents, func=record, size=2)


def test_dask_workers_reading_the_cache_give_the_whole_corpus_tables(cache_dir: Path,
                                                                    cluster: str) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, engine="dask", scheduler=cluster,
                         progress=False) as run:
        assert run.engine.shared_storage and not run.engine.in_process
        _assert_same(_partitioned(run), _whole(run))


def test_corpus_cache_parameter_opens_the_entry_without_rehashing(
        cache_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    entry = build_cache(SEEDS_DIR, cache_dir=cache_dir, progress=False).path
    import framelab.paths

    def no_hashing(*args: object, **kwargs: object) -> str:
        raise AssertionError("the corpus was hashed again")

    monkeypatch.setattr(framelab.paths, "sha256_of", no_hashing)
    with open_run_corpus(SEEDS_DIR, corpus_cache=entry, progress=False) as run:
        assert len(run.documents) == 5 and run.cache.path == entry
    other = tmp_path / "other.csv"
    other.write_text("text\nsomething\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="was built from .*seeds.*not from corpus"):
        open_run_corpus(other, corpus_cache=entry, progress=False)


def test_shingles_must_be_the_documents_in_order(cache_dir: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        shingles = reuse_shingles(run)
        with pytest.raises(ParameterError, match="not the 5 documents in their order"):
            reuse.candidate_pairs(run.documents, body(run.sentences),
                                  shingles=shingles.iloc[::-1])


@pytest.mark.parametrize("unit", ["paragraph", 2])
def test_topic_counts_and_proportions_by_partition_equal_the_whole(cache_dir: Path,
                                                                   unit: str | int) -> None:
    from framelab import topics
    from framelab.corpus import units as make_units
    from framelab.run import topic_dtm, topic_theta

    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, workers=2, progress=False) as run:
        run.batch_documents = 1
        want_units, want = topics.topic_dtm(make_units(body(run.sentences), unit))
        got_units, got = topic_dtm(run, unit)
        pd.testing.assert_frame_equal(got_units, want_units)
        assert (got.vocabulary == want.vocabulary).all() and len(want.vocabulary) > 20
        assert (got.X != want.X).nnz == 0 and got.X.shape == want.X.shape
        model = topics.TopicModel(n_topics=3, k_grid="3", seeds="0", random_state=0).fit(
            want.X, vocabulary=want.vocabulary)
        # on the pool, in blocks of 7 units: the same numbers as one transform in-process
        theta = topic_theta(run, model, got.X, block=7)
        assert got.X.shape[0] > 14 and np.array_equal(theta, model.transform(want.X))
        assert topic_theta(run, model, got.X[:0]).shape == (0, 3)


def test_metadata_is_the_documents_table_without_its_texts(cache_dir: Path) -> None:
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        meta = run.metadata
        assert run.loaded == ["metadata"]  # read from the cache alone
        assert "text" not in meta.columns and "text_norm" not in meta.columns
        whole = run.documents
        pd.testing.assert_frame_equal(meta, whole.drop(columns=["text", "text_norm"]))
        pd.testing.assert_frame_equal(run.metadata, meta)  # once loaded, sliced from it


def test_framing_tables_returns_the_tables_asked_for(cache_dir: Path) -> None:
    from framelab.run import LABEL_KWIC_COLUMNS

    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        run.batch_documents = 1
        got = framing_tables(run, CB, kwic_window=25,
                             tables=["match_counts", "label_kwic", "label_mentions",
                                     "layer_counts", "actor_counts"])
        assert list(got) == ["match_counts", "label_kwic", "label_mentions", "layer_counts",
                             "actor_counts"]
        assert run.loaded == []  # computed from the parts, nothing held whole
        docs, sents = run.documents, run.sentences
        matches = framing.match_sentences(sents, CB)
        by_layer = matches.groupby("layer").size().to_dict()
        for name in ("match_counts", "layer_counts"):
            counts = got[name]
            assert counts["matches"].sum() == len(matches)
            assert counts.groupby("layer")["matches"].sum().to_dict() == by_layer, name
        assert list(got["layer_counts"].columns) == ["layer", "matches"]  # per part and layer
        # each part's counts (one document per part here) add up to the whole corpus's
        mentions = framing.actor_mentions(sents, docs, CB, matches=matches)
        assert got["actor_counts"]["actor"].duplicated().any()
        pd.testing.assert_frame_equal(framing.actor_summary(got["actor_counts"], CB),
                                      framing.actor_summary(mentions, CB))
        assert framing.actor_summary(mentions, CB)["n_documents"].sum() > 0
        want = framing.add_kwic(framing.label_mentions(sents, docs, CB), docs,
                                window=25)[LABEL_KWIC_COLUMNS]
        pd.testing.assert_frame_equal(got["label_kwic"], want)
        with pytest.raises(ParameterError, match="unknown \\['kwic'\\]"):
            framing_tables(run, CB, tables=["kwic"])


def test_a_framing_part_runs_without_the_cyclic_collector(cache_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    real = framing.match_sentences

    def spy(*args: object, **kw: object) -> pd.DataFrame:
        seen.append(gc.isenabled())
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(framing, "match_sentences", spy)
    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        got = framing_tables(run, CB, tables=["match_counts"])
    assert seen and not any(seen)   # off inside every part ...
    assert gc.isenabled() and got["match_counts"]["matches"].sum() > 0   # ... on again after


def test_sentence_texts_reads_only_the_sentences_asked_for(cache_dir: Path) -> None:
    from framelab.run import sentence_texts

    with open_run_corpus(SEEDS_DIR, cache_dir=cache_dir, progress=False) as run:
        whole = run.cache.sentences()
        present = list(whole.sentence_id.iloc[[len(whole) - 2, 1]])  # two parts, out of order
        got = sentence_texts(run, [*present, "no_such_sentence"])
        assert run.loaded == []
        want = whole.loc[whole.sentence_id.isin(present), ["sentence_id", "text"]]
        pd.testing.assert_frame_equal(got, want.reset_index(drop=True))
        run.sentences  # loaded: filtered from the table in memory, same rows
        pd.testing.assert_frame_equal(sentence_texts(run, present), got)
