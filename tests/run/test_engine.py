"""One code path, two engines (framelab.run) and the streaming counts (framelab.run)."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from framelab.corpus import load_corpus, segment
from framelab.errors import ColumnError, ParameterError, PartitionError
from framelab.run import (
    ChunkCounter,
    CorpusCounts,
    Engine,
    build_cache,
    combine,
    count_corpus,
    map_documents,
)

# Spawned Dask workers cannot import this test module by name: ship its functions by value.
cloudpickle = pytest.importorskip("cloudpickle")
cloudpickle.register_pickle_by_value(sys.modules[__name__])

SENTENCES = [
    "The regime's forces retreated from Aleppo.", "Rebels advanced on the city on Monday.",
    "Hayat Tahrir al-Sham fighters took the airport.", "U.S. officials denied any role.",
    "Terrorists attacked the army, the ministry said.", "Russia and Iran back the government.",
    "\u201cRussia is bombing the city,\u201d a rebel commander said.",
    "The opposition offensive continued.",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """40 articles from 3 outlets; outlet A signs off with the same line in most of them."""
    rows = []
    for i in range(40):
        outlet = "ABC"[i % 3]
        paras = [f"Report number {i}."]
        paras += [" ".join(SENTENCES[(i + k) % 8] for k in range(j % 3 + 1))
                  for j in range(i % 4 + 2)]
        if outlet == "A" and i % 2:
            paras.append("A News is independent journalism")
        rows.append({"id": f"d{i:03d}", "text": "\n".join(paras), "outlet": outlet})
    path = tmp_path_factory.mktemp("engine") / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A 2-worker LocalCluster of processes; a task may kill its worker only once."""
    dask = pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                     dashboard_address=None, silence_logs=40) as lc:
        yield lc.scheduler_address


def _n_rows(chunk: pd.DataFrame) -> Counter:
    return Counter(outlet=len(chunk))


def _upper(chunk: pd.DataFrame) -> pd.DataFrame:
    return chunk[["doc_id"]].assign(pid=os.getpid())


def _die_on_second(chunk: pd.DataFrame) -> pd.DataFrame:
    if chunk["doc_id"].iloc[0] == "d010":
        os._exit(3)  # the worker process dies without a word
    return chunk[["doc_id"]]


def test_combine_keeps_partition_order_and_sums_counts() -> None:
    frames = [pd.DataFrame({"x": [2, 1]}), pd.DataFrame({"x": [0]})]
    assert combine(iter(frames)).x.tolist() == [2, 1, 0]
    assert combine([Counter(a=1), Counter(a=2, b=1)]) == Counter(a=3, b=1)
    assert combine([]) is None
    tables = combine([{"a": frames[0], "b": frames[1]}, {"a": frames[1], "b": frames[0]}])
    assert tables["a"].x.tolist() == [2, 1, 0] and tables["b"].x.tolist() == [0, 2, 1]
    with pytest.raises(ParameterError, match="one set of table names"):
        combine([{"a": frames[0]}, {"b": frames[1]}])
    with pytest.raises(ParameterError, match="returned DataFrame after dicts"):
        combine([{"a": frames[0]}, frames[1]])
    with pytest.raises(ParameterError, match="returned tables .'a'. after counts"):
        combine([Counter(a=1), {"a": frames[1]}])
    with pytest.raises(ParameterError, match="holds DataFrames"):
        combine([{"a": 1}])
    with pytest.raises(ParameterError, match="partition 1 returned int after DataFrames"):
        combine([frames[0], 3])


def test_engine_options_are_checked() -> None:
    with pytest.raises(ParameterError, match="engine='spark'; use one of local, dask"):
        Engine("spark")
    with pytest.raises(ParameterError, match="needs engine='dask'"):
        Engine("local", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ParameterError, match="not both"):
        Engine("dask", workers=2, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ParameterError, match="workers=-1"):
        Engine("dask", workers=-1)
    assert Engine("dask", scheduler="tcp://127.0.0.1:8786").shared_storage
    assert not Engine("dask", scheduler="tcp://10.9.8.7:8786").shared_storage


def test_local_process_pool_equals_in_process(corpus: Path) -> None:
    chunks = list(pd.read_json(corpus, lines=True, dtype=False).assign(
        doc_id=lambda f: f["id"]).groupby(lambda i: i // 7))
    parts = [c for _, c in chunks]
    serial = map_documents(_n_rows, parts, progress=False)
    pooled = map_documents(_n_rows, parts, workers=2, progress=False)
    assert serial == pooled == Counter(outlet=40)


def test_count_corpus_matches_a_whole_corpus_count(corpus: Path, tmp_path: Path) -> None:
    counts = count_corpus(corpus, cache_dir=tmp_path, chunk_size=7, progress=False)
    docs = load_corpus(corpus)
    whole = ChunkCounter()(docs, segment(docs))  # one chunk: the whole corpus at once
    for name, table in whole.tables().items():
        pd.testing.assert_frame_equal(counts.tables()[name], table, obj=name)
    labels = counts.label_table()
    assert {"regime", "terrorist", "rebel"} <= set(labels[labels.layer == "label"].key)
    # the per-document counting pass finds what per-sentence matching finds
    from framelab.framing import match_sentences

    matched = match_sentences(segment(docs)).groupby(["layer", "key"]).size()
    assert labels.groupby(["layer", "key"])["count"].sum().to_dict() == matched.to_dict()
    assert counts.n_documents == 40 and counts.n_tokens > 0
    voiced = count_corpus(corpus, cache_dir=tmp_path, chunk_size=7, stance_voice=True,
                          progress=False).stance_voice_table()
    assert set(voiced.voice) >= {"narrator", "quoted"}  # "Russia is bombing ...," ... said
    summed = voiced.groupby(["group", "target"], as_index=False)["mentions"].sum()
    pd.testing.assert_frame_equal(summed, counts.target_table())  # same mentions, by voice
    with pytest.raises(ColumnError, match="group_by='country'.*available: doc_id"):
        count_corpus(corpus, cache_dir=tmp_path, chunk_size=7, group_by="country",
                     progress=False)


@pytest.mark.slow
def test_dask_and_local_engines_give_identical_tables(corpus: Path, tmp_path: Path,
                                                      cluster: str) -> None:
    local = build_cache(corpus, cache_dir=tmp_path / "l", chunk_size=6, progress=False)
    with Engine("dask", scheduler=cluster, shared_storage=False, progress=False) as eng:
        on_dask = build_cache(corpus, cache_dir=tmp_path / "d", chunk_size=6, engine=eng,
                              progress=False)  # chunks are sent to the workers
    pd.testing.assert_frame_equal(on_dask.sentences(), local.sentences())
    pd.testing.assert_frame_equal(local.sentences(), segment(load_corpus(corpus)))
    a = count_corpus(corpus, cache_dir=tmp_path / "l", chunk_size=6, progress=False)
    b = count_corpus(corpus, cache_dir=tmp_path / "c", chunk_size=6, engine="dask",
                     scheduler=cluster, progress=False)  # workers write and read the parts
    assert isinstance(b, CorpusCounts)
    for name, table in a.tables().items():
        pd.testing.assert_frame_equal(b.tables()[name], table, obj=name)
    built_on_dask = build_cache(corpus, cache_dir=tmp_path / "c", chunk_size=6, progress=False)
    pd.testing.assert_frame_equal(built_on_dask.documents(), local.documents())
    with Engine("dask", scheduler=cluster, progress=False) as eng:
        assert eng.n_workers == 2
        ran = map_documents(_upper, local.iter_documents(), engine=eng, progress=False)
    assert ran.doc_id.tolist() == local.documents().doc_id.tolist()  # partition order kept
    assert ran.pid.nunique() == 2 and os.getpid() not in set(ran.pid)  # two worker processes


@pytest.mark.slow
def test_a_dying_worker_is_a_clear_error_naming_the_partition(corpus: Path, tmp_path: Path,
                                                              cluster: str) -> None:
    cache = build_cache(corpus, cache_dir=tmp_path, chunk_size=10, sentences=False,
                        progress=False)
    with pytest.raises(PartitionError, match=r"partition 1 \(10 documents d010 \.\. d019, "
                       r"from .*corpus.jsonl:line 11\): the Dask worker running it died") as err:
        map_documents(_die_on_second, cache.iter_documents(), engine="dask", scheduler=cluster,
                      progress=False)
    assert err.value.partition == 1
