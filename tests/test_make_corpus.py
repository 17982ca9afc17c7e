"""The benchmark corpus generator (benchmarks/make_corpus.py): varied sentences, planted reuse."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from framelab.codebook import load_codebook
from framelab.paths import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
import make_corpus  # noqa: E402


@pytest.fixture(scope="module")
def corpus() -> pd.DataFrame:
    return pd.concat(list(make_corpus.documents(250, seed=3)), ignore_index=True)


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if "independent news service" not in p]


def test_same_seed_same_corpus(corpus: pd.DataFrame) -> None:
    again = pd.concat(list(make_corpus.documents(250, seed=3)), ignore_index=True)
    pd.testing.assert_frame_equal(corpus, again)
    other = pd.concat(list(make_corpus.documents(250, seed=4)), ignore_index=True)
    assert not corpus["text"].equals(other["text"])


def test_sentences_rarely_repeat_but_codebook_phrases_stay(corpus: pd.DataFrame) -> None:
    own = corpus[corpus["planted"] == ""]
    paragraphs = [p for t in own["text"] for p in _paragraphs(t)]
    assert len(set(paragraphs)) / len(paragraphs) > 0.95
    resampled = pd.concat(list(make_corpus.documents(250, seed=3, resample=True)))
    plain = [p for t in resampled["text"] for p in _paragraphs(t)]
    assert len(set(plain)) / len(plain) < 0.9  # what the variation is for
    matcher = load_codebook().matcher
    varied = sum(len(matcher.find(p)) for p in paragraphs)
    assert varied > 0.5 * sum(len(matcher.find(p)) for p in plain) * len(paragraphs) / len(plain)


def test_planted_copies_and_rewrites_point_at_earlier_documents(corpus: pd.DataFrame) -> None:
    planted = corpus[corpus["planted"] != ""]
    assert {p.split(" of ")[0] for p in planted["planted"]} == {"copy", "rewrite"}
    by_id = corpus.set_index("doc_id")
    for doc_id, how in zip(planted["doc_id"], planted["planted"]):
        kind, source = how.split(" of ")
        assert source < doc_id
        assert by_id.at[source, "outlet"] != by_id.at[doc_id, "outlet"]
        mine, theirs = _paragraphs(by_id.at[doc_id, "text"]), _paragraphs(by_id.at[source, "text"])
        shared = set(mine) & set(theirs)
        if kind == "copy":  # the source's paragraphs (one may be left out; the switch aside)
            assert len(shared) >= len(mine) - sum("errorist" in p for p in mine + theirs)
        else:  # reworded: no paragraph kept as it was
            assert len(shared) <= sum(len(p) < 40 for p in mine)


def test_write_puts_the_planted_pairs_beside_the_corpus(tmp_path: Path) -> None:
    path = make_corpus.write(300, "jsonl", seed=1, out_dir=tmp_path)
    written = pd.read_json(path, lines=True)
    assert "planted" not in written.columns
    pairs = pd.read_csv(tmp_path / "corpus-300.planted.csv")
    assert list(pairs.columns) == ["doc_a", "doc_b", "relation"]
    assert len(pairs) > 0 and set(pairs["doc_b"]) <= set(written["doc_id"])
    assert set(pairs["doc_a"]) <= set(written["doc_id"])
