"""TermBatches: compact storage (codes, small integer counts, per-document rows) that gives
keyness the same tables as the sentences held one by one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from framelab.codebook import load_codebook
from framelab.corpus import DOC_COLUMNS, body, normalize_text, segment
from framelab.errors import ParameterError
from framelab.framing import TermBatches, resampled_unit, term_batches
from framelab.framing import _keyness as keyness
from framelab.framing import _keynessboot as boot
from framelab.stats import cell_rng, resampled_sums
from framelab.tokens import DEFAULT_MWES, STOP_WORDS, count_terms
from scipy import sparse

WORDS = ["rebels", "terrorists", "regime", "government", "airstrike", "offensive", "Aleppo",
         "Idlib", "talks", "ceasefire", "militants", "army", "convoy", "hospital", "shelling",
         "refugees", "border", "envoy", "Geneva", "Moscow"]


class ReferenceBatches:
    """The batches as they were held before: every batch's own vocabulary, counts, and a
    group and document id (strings) per sentence; codes made over the concatenation."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, sparse.csr_matrix, np.ndarray, np.ndarray]] = []

    def add(self, vocabulary, X, groups, doc_ids) -> None:
        self.parts.append((vocabulary, X, groups, doc_ids))

    @property
    def names(self) -> list[str]:
        return sorted(set(np.concatenate([p[2] for p in self.parts])))

    @property
    def group_codes(self) -> np.ndarray:
        groups = np.concatenate([p[2] for p in self.parts])
        return np.searchsorted(np.array(self.names, dtype=object), groups)

    @property
    def doc_codes(self) -> np.ndarray:
        return pd.factorize(np.concatenate([p[3] for p in self.parts]))[0]

    def __iter__(self):
        groups, docs, at = self.group_codes, self.doc_codes, 0
        for vocabulary, X, _, _ in self.parts:
            n = X.shape[0]
            yield vocabulary, X, groups[at:at + n], docs[at:at + n]
            at += n


def generated(seed: int, n_docs: int = 40) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_docs):
        sentences = []
        for _ in range(rng.integers(1, 6)):
            words = rng.choice(WORDS, size=rng.integers(2, 9), p=np.linspace(2, 1, len(WORDS))
                               / np.linspace(2, 1, len(WORDS)).sum())
            sentences.append(" ".join(words).capitalize() + f" on day {rng.integers(400)}.")
        text = " ".join(sentences)
        rows.append({**dict.fromkeys(DOC_COLUMNS, ""), "doc_id": f"d{(i * 7919) % 1000:03d}",
                     "outlet": "ABCD"[rng.integers(4)], "text": text,
                     "text_norm": normalize_text(text)})
    docs = pd.DataFrame(rows, columns=DOC_COLUMNS)
    sents = segment(docs)
    # a sentence column whose groups split documents: a document is then two clusters
    half = np.where(sents.groupby("doc_id").cumcount() % 2 == 0, "even", "odd")
    return docs, sents.assign(half=half)


def in_parts(docs, sents, size, group_by, level="sentences", reference=False):
    """The batches of ``size`` documents each, added up as run.map adds them; with
    ``reference`` tokenized here as term_batches did and held as before."""
    out = ReferenceBatches() if reference else TermBatches(level)
    for start in range(0, len(docs), size):
        part_docs = docs.iloc[start:start + size]
        part_sents = sents[sents.doc_id.isin(part_docs.doc_id)]
        if reference:
            analysed = body(part_sents)
            groups = analysed[group_by] if group_by in analysed else \
                analysed.doc_id.map(dict(zip(docs.doc_id, docs[group_by])))
            dtm = count_terms(analysed.text_norm.tolist(), stop_words=STOP_WORDS,
                              mwes=tuple(DEFAULT_MWES) + load_codebook(None).multiword_terms(
                                  ("actor",)))
            out.add(dtm.vocabulary, dtm.X, groups.to_numpy(dtype=object),
                    analysed.doc_id.to_numpy(dtype=object))
        else:
            out += term_batches(part_sents, part_docs, group_by=group_by, level=level)
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("group_by", ["outlet", "half"])
def test_codes_round_trip_to_the_same_groups_and_documents(seed, group_by) -> None:
    docs, sents = generated(seed)
    batches = in_parts(docs, sents, 3, group_by)
    assert len(batches) == len(sents) == batches.n_rows
    assert batches.names == sorted(set(sents[group_by]))
    assert [batches.names[c] for c in batches.group_codes] == sents[group_by].tolist()
    assert (batches.doc_codes == pd.factorize(sents.doc_id)[0]).all()
    ((vocabulary, X, _, _),) = list(batches)
    assert list(vocabulary) == sorted(vocabulary) == list(batches.vocabulary)
    assert X.indices.dtype == np.int32 and X.data.dtype == np.uint16 and X.has_sorted_indices
    # every sentence's counts, term by term, as the tokenizer gives them on its own
    whole = term_batches(sents, docs, group_by=group_by)
    ((vocab1, X1, _, _),) = list(whole)
    assert list(vocab1) == list(vocabulary) and (X1 != X).nnz == 0
    documents = in_parts(docs, sents, 3, group_by, level="documents")
    assert len(documents) == len(sents)
    pairs = pd.unique(pd.Series(list(zip(sents.doc_id, sents[group_by]))))
    assert documents.n_rows == len(pairs) < len(sents)
    ids = pd.unique(sents.doc_id)
    assert [(ids[d], documents.names[g]) for d, g in
            zip(documents.doc_codes, documents.group_codes)] == list(pairs)
    ((_, D, _, _),) = list(documents)
    keys = [f"{d}|{g}" for d, g in zip(sents.doc_id, sents[group_by])]
    summed = pd.DataFrame(X.toarray()).groupby(keys, sort=False).sum()
    assert (summed.to_numpy() == D.toarray()).all()
    assert documents.nbytes < batches.nbytes


@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize(("group_by", "groups", "unit"), [
    ("outlet", None, "documents"), ("outlet", "A,C", "documents"), ("half", None, "documents"),
    ("outlet", None, "sentences"), ("half", "even,odd", "sentences")])
def test_keyness_of_compact_batches_equals_the_batches_held_as_before(
        monkeypatch, seed, group_by, groups, unit) -> None:
    docs, sents = generated(seed, n_docs=60)
    opts = {"group_by": group_by, "groups": groups, "n_boot": 70, "unit": unit, "seed": seed,
            "min_docs_per_group": 2, "min_count": 1}
    want = keyness.keyness(None, docs, batches=in_parts(docs, sents, 4, group_by,
                                                        reference=True), **opts)
    assert want.z_ci_low.notna().all() and len(want) > 30
    pd.testing.assert_frame_equal(keyness.keyness(sents, docs, **opts), want, check_exact=True)
    got = keyness.keyness(None, docs, batches=in_parts(docs, sents, 4, group_by), **opts)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    # percentiles taken a few terms at a time, and the rest drawn in place or copied
    monkeypatch.setattr(keyness._Bootstrap, "COLUMNS", 7)
    got = keyness.keyness(None, docs, batches=in_parts(docs, sents, 5, group_by), **opts)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    if unit == "documents":
        level = resampled_unit(sents, docs, group_by=group_by, unit="auto",
                               min_docs_per_group=2)
        assert level == "documents"
        compact = in_parts(docs, sents, 4, group_by, level=level)
        pd.testing.assert_frame_equal(keyness.keyness(None, docs, batches=compact, **opts),
                                      want, check_exact=True)
    else:
        compact = in_parts(docs, sents, 4, group_by, level="documents")
        with pytest.raises(ParameterError, match="level='documents'"):
            keyness.keyness(None, docs, batches=compact, **opts)


def test_the_rest_drawn_in_place_gives_the_sums_of_its_rows() -> None:
    rng = np.random.default_rng(5)
    C = sparse.random(50, 30, density=0.2, format="csr", random_state=rng,
                      data_rvs=lambda n: rng.integers(1, 40, n)).astype(np.uint16)
    for rows in (np.arange(3, 7), np.flatnonzero(rng.random(50) < 0.8), np.arange(50)):
        want = list(resampled_sums(C[rows].astype(float), 150, cell_rng(1, "x"), chunk=64))
        got = list(boot._resampled(C, rows, 150, cell_rng(1, "x"), 64))
        assert [g.shape for g in got] == [w.shape for w in want]
        for g, w in zip(got, want):
            assert (np.asarray(g, dtype=float) == w).all()
    with pytest.raises(ParameterError, match="at least one cluster"):
        next(boot._resampled(C, np.array([], dtype=np.int64), 10, cell_rng(1, "x"), 64))


def test_large_counts_and_levels_are_checked() -> None:
    tb = TermBatches("documents")
    X = sparse.csr_matrix(np.array([[70_000, 1], [3, 0]]))
    tb.add(np.array(["b", "a"], dtype=object), X, np.array(["g", "g"], dtype=object),
           np.array(["d1", "d1"], dtype=object))
    ((vocab, D, _, docs),) = list(tb)
    assert list(vocab) == ["a", "b"] and D.toarray().tolist() == [[1, 70_003]]
    assert D.data.dtype == np.int32 and len(tb) == 2 and list(docs) == [0]
    with pytest.raises(ParameterError, match="level 'sentences' to 'documents'"):
        tb += term_batches(*generated(0, 3)[::-1], level="sentences")
    with pytest.raises(ParameterError, match="level='paragraphs'"):
        TermBatches("paragraphs")
    with pytest.raises(ParameterError, match="one group and document per row"):
        tb.add(np.array(["a"], dtype=object), X, np.array(["g"]), np.array(["d"]))
    empty = TermBatches()
    assert empty.names == [] and list(empty) == [] and len(empty.doc_codes) == 0
