"""classify_pairs block by block: the same relations as all pairs at once (issue 14).

At 100,000 articles the pairs' passages, changes, chains and quotations as Python objects
took several GB; ``classify_pairs`` now works through ``BLOCK_PAIRS`` pairs (and at most
``BLOCK_ROWS`` rows of their tables, unless one pair has more) at a time and
reads each document's reporting verbs once (``SpeakerMemo``), ``READ_DOCUMENTS`` documents
at a time and the verb layer of the codebook only. These tests run the seeds and the planted
texts with blocks of one and two pairs (every document then falls in several blocks) against
one block, and the memo's chunks and verb matches against the framing functions' answers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _planted import FILLER
from framelab import corpus, framing, reuse
from framelab.codebook import load_codebook
from framelab.paths import SEEDS_DIR
from framelab.reuse import _blocks, _classify, _relation, _reported
from test_relations import PARTIAL, SOURCE


def _inputs(documents: pd.DataFrame, sentences: pd.DataFrame) -> tuple:
    result = reuse.find_reuse(documents, sentences)
    pairs = result.pairs[reuse.PAIR_COLUMNS]
    assert len(pairs) >= 3  # several blocks below
    return (pairs, result.passages, result.chains, result.changes, result.quotes, documents,
            sentences)


@pytest.fixture(scope="module")
def seeds() -> tuple:
    documents, sentences = corpus.load_run_corpus(SEEDS_DIR)
    return _inputs(documents, corpus.body(sentences))


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple:
    folder = tmp_path_factory.mktemp("planted")
    texts = {"source": SOURCE, "partial": PARTIAL, "copy": SOURCE[:6] + FILLER[2][:3],
             "f0": FILLER[0], "f1": FILLER[1]}
    for doc_id, sents in texts.items():
        (folder / f"{doc_id}.txt").write_text("\n".join(sents), encoding="utf-8")
    documents, sentences = corpus.load_run_corpus(folder)
    return _inputs(documents, corpus.body(sentences))


def _blocked(args: tuple, monkeypatch: pytest.MonkeyPatch, limit: str,
             value: int) -> list[int]:
    """Classify ``args`` with ``_classify.<limit> = value``; check the relations equal one
    block's, and return the size of each block classified."""
    whole = reuse.classify_pairs(*args)
    monkeypatch.setattr(_classify, limit, value)
    calls: list[int] = []
    real = _classify._classify_block
    monkeypatch.setattr(_classify, "_classify_block",
                        lambda pairs, *a, **k: calls.append(len(pairs)) or real(pairs, *a, **k))
    pd.testing.assert_frame_equal(reuse.classify_pairs(*args), whole)
    return calls


@pytest.mark.parametrize("case", ["seeds", "planted"])
@pytest.mark.parametrize("block", [1, 2])
def test_blocks_give_the_relations_of_one_block(case: str, block: int,
                                                request: pytest.FixtureRequest,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    args = request.getfixturevalue(case)
    calls = _blocked(args, monkeypatch, "BLOCK_PAIRS", block)
    assert len(calls) == -(-len(args[0]) // block)   # it did work in blocks


@pytest.mark.parametrize("case", ["seeds", "planted"])
@pytest.mark.parametrize("rows", [1, 5])
def test_blocks_bounded_by_rows_give_the_relations_of_one_block(
        case: str, rows: int, request: pytest.FixtureRequest,
        monkeypatch: pytest.MonkeyPatch) -> None:
    args = request.getfixturevalue(case)
    calls = _blocked(args, monkeypatch, "BLOCK_ROWS", rows)
    assert len(calls) > 1 and sum(calls) == len(args[0])


def test_block_bounds_keep_pairs_and_rows_within_their_limits() -> None:
    rng = np.random.default_rng(0)
    for n, max_pairs, max_rows in [(1, 1, 1), (10, 3, 4), (200, 20, 15), (50, 100, 1000)]:
        counts = rng.integers(0, 12, size=n)
        counts[0] = 40  # a first pair with more rows than a block takes
        table = np.repeat(np.arange(n), counts)
        positions = [table[::2], table[1::2]]   # two tables sharing the rows
        bounds = _blocks.block_bounds(positions, n, max_pairs, max_rows)
        assert bounds[0] == 0 and bounds[-1] == n and bounds == sorted(set(bounds))
        for lo, hi in zip(bounds, bounds[1:]):
            assert hi - lo <= max_pairs
            assert hi - lo == 1 or counts[lo:hi].sum() <= max_rows
            if hi < n:  # a block stops only where the next pair would pass a limit
                assert hi - lo == max_pairs or counts[lo:hi + 1].sum() > max_rows


def test_a_pair_listed_twice_is_classified_twice(seeds: tuple,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pairs, *rest = seeds
    once = reuse.classify_pairs(pairs, *rest)
    monkeypatch.setattr(_classify, "BLOCK_PAIRS", 1)
    twice = reuse.classify_pairs(pd.concat([pairs, pairs.iloc[:2]], ignore_index=True), *rest)
    assert len(twice) == len(once) + 2
    key = ["doc_a", "doc_b"]
    again = twice[twice.duplicated(key, keep=False)].drop_duplicates()
    assert len(again) == 2 and again.merge(once, how="left", indicator=True)[
        "_merge"].eq("both").all()


def test_speaker_memo_answers_as_one_call(seeds: tuple,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    *_, documents, sentences = seeds
    ids = sentences["sentence_id"].astype(str).tolist()
    cb = load_codebook()
    whole = reuse.sentence_speakers(documents, sentences, cb, sentence_ids=ids)
    memo = reuse.SpeakerMemo(documents, sentences, cb)
    read: list[int] = []
    real = _reported.reporting_verbs
    monkeypatch.setattr(_reported, "reporting_verbs",
                        lambda s, d, c, **k: read.append(len(d)) or real(s, d, c, **k))
    parts = [memo.speakers(ids[k::3]) for k in range(3)]
    got = pd.concat(parts, ignore_index=True)
    assert len(whole) > 0
    order = ["doc_id", "sentence_id", "speaker"]
    pd.testing.assert_frame_equal(got.sort_values(order, kind="stable").reset_index(drop=True),
                                  whole.sort_values(order, kind="stable").reset_index(drop=True))
    # each document's verbs were read once, in the first turn that asked about it
    assert sum(read) == documents["doc_id"].nunique()
    assert memo.speakers(ids[::3]).equals(parts[0]) and sum(read) == len(documents)


def test_speaker_memo_takes_sentence_ids_it_cannot_split(tmp_path: Path) -> None:
    documents, sentences = corpus.load_run_corpus(SEEDS_DIR)
    sentences = corpus.body(sentences)
    renamed = sentences.assign(sentence_id=[f"s{k}" for k in range(len(sentences))])
    cb = load_codebook()
    whole = reuse.sentence_speakers(documents, sentences, cb,
                                    sentence_ids=sentences["sentence_id"])
    other = reuse.SpeakerMemo(documents, renamed, cb).speakers(renamed["sentence_id"])
    assert len(other) == len(whole) > 0
    assert other["speaker"].tolist() == whole["speaker"].tolist()


@pytest.mark.parametrize("chunk", [1, 2])
def test_speaker_memo_reads_in_chunks_as_in_one(seeds: tuple, chunk: int,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    *_, documents, sentences = seeds
    ids = sentences["sentence_id"].astype(str).tolist()
    cb = load_codebook()
    whole = reuse.SpeakerMemo(documents, sentences, cb)
    expected = whole.speakers(ids)
    monkeypatch.setattr(_reported, "READ_DOCUMENTS", chunk)
    read: list[int] = []
    real = _reported.reporting_verbs
    monkeypatch.setattr(_reported, "reporting_verbs",
                        lambda s, d, c, **k: read.append(len(d)) or real(s, d, c, **k))
    memo = reuse.SpeakerMemo(documents, sentences, cb)
    got = memo.speakers(ids)
    n_docs = sentences["doc_id"].nunique()
    assert len(read) == -(-n_docs // chunk) and max(read) <= chunk   # it read in chunks
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got, expected)
    assert memo.named == whole.named


def test_verb_matches_are_the_verb_rows_of_match_sentences(seeds: tuple) -> None:
    sentences = seeds[-1]
    cb = load_codebook()
    every = framing.match_sentences(sentences, cb, include_nonbody=True)
    verbs = every[every["layer"] == "verb"].reset_index(drop=True)
    got = framing.match_sentences(sentences, cb, include_nonbody=True, layers=("verb",))
    assert len(verbs) > 0 and (every["layer"] != "verb").any()   # other layers were left out
    pd.testing.assert_frame_equal(got, verbs)


def test_records_are_to_dict_records() -> None:
    frame = pd.DataFrame({"text": ["x", None, "z"], "n": [1, 2, 3], "p": [0.5, float("nan"), 1.0],
                          "o": pd.Series([np.int64(3), "s", None], dtype=object),
                          "b": [True, False, True]})
    got, expected = _relation._records(frame), frame.to_dict("records")
    assert len(got) == 3 and str(got) == str(expected)
    assert [[type(v) for v in r.values()] for r in got] == \
        [[type(v) for v in r.values()] for r in expected]
    assert _relation._records(frame.iloc[:0]) == []


@pytest.mark.parametrize("least", [0.0, 0.3, 0.5, 0.75, 1.0, float("nan")])
def test_reporting_is_speakers_by_sentence_of_speakers(seeds: tuple, least: float,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    *_, documents, sentences = seeds
    ids = sentences["sentence_id"].astype(str).tolist()
    cb = load_codebook()
    tagged: list[int] = []

    class Counting(framing.VoiceTagger):
        def tag(self, start: int, end: int) -> framing.VoiceTag:
            tagged.append(start)
            return super().tag(start, end)

    monkeypatch.setattr(_reported, "VoiceTagger", Counting)
    # every sentence with each of the next three: links between speakers of one document
    links = [(a, b) for k, a in enumerate(ids) for b in ids[k + 1:k + 4]]
    for asked in (None, links):
        full = reuse.SpeakerMemo(documents, sentences, cb, min_attributed=least)
        expected = reuse.speakers_by_sentence(full.speakers(ids, asked))
        n_full = len(tagged)
        memo = reuse.SpeakerMemo(documents, sentences, cb, min_attributed=least)
        assert memo.reporting(ids, asked) == expected
        if least == least:   # not NaN: the answer is certain before the last word
            assert 0 < len(tagged) - n_full < n_full
        # the exact shares asked afterwards are those of a memo that only computed shares
        pd.testing.assert_frame_equal(memo.speakers(ids, asked), full.speakers(ids, asked))
        assert memo.reporting(ids[::2], asked) == reuse.speakers_by_sentence(
            full.speakers(ids[::2], asked))
        tagged.clear()
    assert least != 0.5 or len(expected) > 0
