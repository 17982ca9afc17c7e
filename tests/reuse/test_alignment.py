"""``align_passages`` (batched sentence pairs) gives exactly the frame of the per-pair loop it
replaced, kept here as the reference: SequenceMatcher on every sentence pair above
``min_cosine``, greedy matching, rows built one by one."""

from __future__ import annotations

import itertools
import random
from difflib import SequenceMatcher

import numpy as np
import pandas as pd
import pytest
from framelab import corpus, reuse
from framelab.codebook import resolve_codebook
from framelab.paths import SEEDS_DIR
from framelab.reuse import _alignment as alignment
from framelab.reuse import _sentence_pairs as sentence_pairs
from framelab.tokens import Token, tokenize

PASSAGE_INT = ("start_a", "end_a", "start_b", "end_b", "passage_index", "longest_run")


# --- the reference: align_passages as it was, one pair and one sentence pair at a time -----

def _ref_longest_run(ta: list[Token], tb: list[Token]) -> tuple[int, int, int]:
    if not ta or not tb:
        return 0, 0, 0
    m = SequenceMatcher(None, [t.text for t in ta], [t.text for t in tb], autojunk=False)
    a, b, size = m.find_longest_match(0, len(ta), 0, len(tb))
    return a, b, size


def _ref_inside(span: tuple[int, int], quotes: list[tuple[int, int]]) -> bool:
    return any(qs <= span[0] and span[1] <= qe for qs, qe in quotes)


def _ref_align_pair(space, sent, quotes, tokens, doc_a, doc_b, *, threshold, min_run,
                    verbatim_run, quote_run, min_cosine) -> list[tuple]:
    ra, rb = space.rows.get(doc_a), space.rows.get(doc_b)
    if ra is None or rb is None:
        return []
    cos = (space.X[ra] @ space.X[rb].T).toarray()
    starts, ends = sent["start"].to_numpy(), sent["end"].to_numpy()
    qa, qb = quotes.get(doc_a, []), quotes.get(doc_b, [])
    found = []
    for i, j in zip(*np.nonzero(cos >= min_cosine)):
        ta, tb = tokens(ra[i]), tokens(rb[j])
        pa, pb, run = _ref_longest_run(ta, tb)
        quoted = False
        if run >= quote_run and (qa or qb):
            span_a = (starts[ra[i]] + ta[pa].start, starts[ra[i]] + ta[pa + run - 1].end)
            span_b = (starts[rb[j]] + tb[pb].start, starts[rb[j]] + tb[pb + run - 1].end)
            quoted = _ref_inside(span_a, qa) or _ref_inside(span_b, qb)
        verbatim = run >= verbatim_run or quoted
        if verbatim or run >= min_run or cos[i, j] >= threshold:
            found.append((-float(cos[i, j]), -run, i, j, verbatim, run))
    found.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen = []
    for neg_cos, _, i, j, verbatim, run in found:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        chosen.append((starts[ra[i]], i, j, -neg_cos, verbatim, run))
    chosen.sort()
    out = []
    for index, (_, i, j, cosine, verbatim, run) in enumerate(chosen):
        a, b = ra[i], rb[j]
        out.append((doc_a, doc_b, int(starts[a]), int(ends[a]), int(starts[b]), int(ends[b]),
                    round(cosine, 6), "verbatim" if verbatim else "paraphrase",
                    sent.at[a, "text"], sent.at[b, "text"], index, sent.at[a, "sentence_id"],
                    sent.at[b, "sentence_id"], int(run), "shingle"))
    return out


def _reference(candidates: pd.DataFrame, sentences: pd.DataFrame, *,
               documents: pd.DataFrame | None = None, threshold: float = 0.3,
               min_run: int = 8, verbatim_run: int = 10, quote_run: int = 4,
               min_cosine: float = 0.1) -> pd.DataFrame:
    if candidates.empty:
        return alignment._empty(alignment.PASSAGE_COLUMNS)
    wanted = set(candidates["doc_a"]) | set(candidates["doc_b"])
    sent = sentences[sentences["doc_id"].isin(wanted)].reset_index(drop=True)
    space = alignment._Space(sent["doc_id"], sent["text_norm"].tolist())
    quotes = alignment._document_quotes(documents)
    memo: dict[int, list[Token]] = {}

    def tokens(row: int) -> list[Token]:
        if row not in memo:
            memo[row] = tokenize(str(sent.at[row, "text_norm"]), stop_words=None)
        return memo[row]

    rows: list[tuple] = []
    for doc_a, doc_b in zip(candidates["doc_a"], candidates["doc_b"]):
        rows.extend(_ref_align_pair(space, sent, quotes, tokens, doc_a, doc_b,
                                    threshold=threshold,
                                    min_run=min_run, verbatim_run=verbatim_run,
                                    quote_run=quote_run, min_cosine=min_cosine))
    frame = pd.DataFrame(rows, columns=alignment.PASSAGE_COLUMNS)
    return frame.astype({c: "int64" for c in PASSAGE_INT})


def _same(candidates: pd.DataFrame, sentences: pd.DataFrame, **options: object) -> pd.DataFrame:
    got = reuse.align_passages(candidates, sentences, **options)  # type: ignore[arg-type]
    want = _reference(candidates, sentences, **options)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(got, want)
    return got


# --- small hand-made corpora ----------------------------------------------------------------

def _tables(docs: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents and sentences tables of sentence lists (one paragraph per sentence)."""
    doc_rows, sent_rows = [], []
    for doc_id, sents in docs.items():
        text, pos = "", 0
        for n, s in enumerate(sents):
            if n:
                text += "\n"
                pos += 1
            sent_rows.append({"doc_id": doc_id, "sentence_id": f"{doc_id}:{n}", "start": pos,
                              "end": pos + len(s), "text": s, "text_norm": s})
            text += s
            pos += len(s)
        doc_rows.append({"doc_id": doc_id, "text": text, "text_norm": text})
    sentences = pd.DataFrame(sent_rows, columns=["doc_id", "sentence_id", "start", "end",
                                                 "text", "text_norm"])
    return pd.DataFrame(doc_rows), sentences.astype({"start": "int64", "end": "int64"})


def _pairs(pairs: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["doc_a", "doc_b"])


def _all_pairs(ids: list[str]) -> pd.DataFrame:
    return _pairs([(a, b) for a, b in itertools.permutations(ids, 2)])


def test_same_frame_on_every_pair_of_the_seeds() -> None:
    documents, sentences = corpus.load_run_corpus(SEEDS_DIR)
    ids = documents["doc_id"].tolist()
    for table in (corpus.body(sentences), sentences):
        got = _same(_all_pairs(ids), table, documents=documents)
        assert len(got) > 0 and set(got["kind"]) == {"verbatim", "paraphrase"}
    candidates = reuse.find_reuse(documents, corpus.body(sentences)).candidates
    _same(candidates[["doc_a", "doc_b"]], corpus.body(sentences), documents=documents,
          threshold=0.2, min_cosine=0.05)


WIRE = [
    ('The minister said on Monday that "the talks will resume next week in Geneva with all '
     'parties" and called for calm.'),
    "Troops withdrew from the northern town after three days of heavy fighting near the river.",
    'A spokesman told reporters "we have no plans to expand the mission" at the briefing.',
    "Aid groups warned that food and fuel supplies were running low across the province.",
]


def test_quotes_copies_and_one_word_changes() -> None:
    copy = [WIRE[0], WIRE[1].replace("three", "four"), WIRE[3]]
    quoting = ['Officials repeated that "we have no plans to expand" anything soon.',
               'The minister, speaking later, said "the talks will resume next week".']
    unquoted = ["We have no plans to expand the mission, one diplomat said on Sunday.",
                "Heavy fighting continued near the river for three days, witnesses said."]
    documents, sentences = _tables({"wire": WIRE, "copy": copy, "quoting": quoting,
                                    "unquoted": unquoted})
    candidates = _all_pairs(["wire", "copy", "quoting", "unquoted"])
    got = _same(candidates, sentences, documents=documents)
    assert (got["kind"] == "verbatim").any()
    without = _same(candidates, sentences)  # no documents: no shared-quote rule
    assert len(without) <= len(got) + len(candidates) * 4
    for quote_run in (1, 3, 4, 5, 6, 7, 12):
        _same(candidates, sentences, documents=documents, quote_run=quote_run)


def _run_of(n: int) -> list[str]:
    """Two sentences sharing exactly ``n`` consecutive tokens and otherwise different."""
    shared = " ".join(f"word{k}" for k in range(n))
    return [f"alpha beta gamma {shared} delta epsilon", f"zeta eta theta {shared} iota kappa"]


@pytest.mark.parametrize(("quote_run", "min_run", "verbatim_run"),
                         [(4, 8, 10), (1, 1, 1), (3, 3, 3), (10, 8, 4), (5, 9, 7)])
def test_runs_at_the_rule_boundaries(quote_run: int, min_run: int, verbatim_run: int) -> None:
    lengths = sorted({max(0, x + d) for x in (quote_run, min_run, verbatim_run)
                      for d in (-1, 0, 1)})
    docs: dict[str, list[str]] = {}
    for n in lengths:
        a, b = _run_of(n)
        docs[f"a{n}"] = [a]
        docs[f"b{n}"] = [b.replace("zeta", '"zeta').replace("kappa", 'kappa"')]
    documents, sentences = _tables(docs)
    candidates = _pairs([(f"a{n}", f"b{n}") for n in lengths]
                        + [(f"b{n}", f"a{n}") for n in lengths])
    for threshold in (0.0, 0.3, 1.0):
        got = _same(candidates, sentences, documents=documents, threshold=threshold,
                    quote_run=quote_run, min_run=min_run, verbatim_run=verbatim_run,
                    min_cosine=0.01)
        if threshold == 1.0:
            assert sorted(set(got["longest_run"])) == [
                n for n in lengths if n >= min(min_run, verbatim_run, quote_run)]


def test_empty_and_one_sentence_documents() -> None:
    documents, sentences = _tables({"one": [WIRE[1]], "two": [WIRE[1], WIRE[2]],
                                    "stop": ["It is what it was, and so on."]})
    documents = pd.concat([documents, pd.DataFrame(
        [{"doc_id": "empty", "text": "", "text_norm": ""}])], ignore_index=True)
    candidates = _pairs([("one", "two"), ("two", "one"), ("one", "empty"), ("empty", "two"),
                         ("stop", "one"), ("missing", "one"), ("one", "one")])
    _same(candidates, sentences, documents=documents)
    _same(candidates, sentences, documents=documents, min_cosine=0.0, threshold=0.0)
    _same(candidates.iloc[:0], sentences, documents=documents)
    _same(_pairs([("one", "empty")]), sentences, documents=documents)
    only_stop = sentences[sentences["doc_id"] == "stop"]  # no content word at all
    _same(_pairs([("stop", "stop")]), only_stop, min_cosine=0.0)


def test_repeated_tokens_within_a_sentence() -> None:
    docs = {"a": ["alpha alpha alpha alpha beta alpha alpha alpha alpha alpha",
                  "gamma delta gamma delta gamma delta gamma",
                  "the the the the of of the the the"],
            "b": ["alpha alpha alpha beta alpha alpha alpha alpha alpha alpha alpha",
                  "delta gamma delta gamma delta gamma delta gamma delta",
                  "of the the the the of the the"],
            "c": ["beta alpha alpha alpha alpha alpha alpha beta",
                  "gamma delta gamma gamma delta gamma delta gamma delta"]}
    documents, sentences = _tables(docs)
    for min_run, min_cosine in ((2, 0.1), (3, 0.0), (8, 0.1)):
        got = _same(_all_pairs(list(docs)), sentences, documents=documents, min_run=min_run,
                    verbatim_run=min_run + 1, quote_run=min_run, min_cosine=min_cosine)
        assert len(got) > 0


WORDS = ["alpha", "beta", "gamma", "delta", "the", "of", "said"]


def _random_corpus(rng: random.Random, n_docs: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    docs: dict[str, list[str]] = {}
    for d in range(n_docs):
        sents = []
        for _ in range(rng.randint(0 if d % 7 == 3 else 1, 5)):
            words = [rng.choice(WORDS[:rng.randint(2, len(WORDS))])
                     for _ in range(rng.randint(1, 14))]
            if rng.random() < 0.3:  # a quotation around part of the sentence
                lo = rng.randrange(len(words))
                hi = rng.randint(lo, len(words) - 1)
                words[lo], words[hi] = '"' + words[lo], words[hi] + '"'
            sents.append(" ".join(words) + ".")
        if sents:
            docs[f"d{d:02d}"] = sents
        else:
            docs[f"d{d:02d}"] = []
    documents, sentences = _tables(docs)
    empty = [d for d, s in docs.items() if not s]
    if empty:
        documents = pd.concat([documents, pd.DataFrame(
            [{"doc_id": d, "text": "", "text_norm": ""} for d in empty])], ignore_index=True)
    return documents, sentences


@pytest.mark.parametrize("seed", range(6))
def test_same_frame_on_random_documents_over_a_tiny_vocabulary(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    documents, sentences = _random_corpus(rng, 14)
    ids = documents["doc_id"].tolist()
    pairs = [(a, b) for a, b in itertools.product(ids, ids) if rng.random() < 0.6]
    pairs += rng.sample(pairs, min(3, len(pairs)))  # repeated pairs
    candidates = _pairs(pairs)
    candidates.index = rng.sample(range(10 * len(pairs) + 1), len(pairs))  # as after a filter
    sentences = sentences.iloc[::-1]  # any row order and index
    # small batches, so pairs are split across several of them
    monkeypatch.setattr(sentence_pairs, "_BATCH_CELLS", rng.choice([1, 7, 50, 10**6]))
    monkeypatch.setattr(sentence_pairs, "_JOIN_ENTRIES", rng.choice([1, 30, 10**6]))
    monkeypatch.setattr(sentence_pairs, "_TOKENIZE_TEXTS", rng.choice([1, 5, 10**5]))
    monkeypatch.setattr(sentence_pairs, "_OFFSET_WIDTH", [0, 1 << 24][seed % 2])
    for options in ({}, {"min_cosine": 0.0, "threshold": 0.0},
                    {"threshold": 0.9, "min_run": 2, "verbatim_run": 3, "quote_run": 2},
                    {"threshold": 1.0, "min_run": 4, "verbatim_run": 5, "quote_run": 1,
                     "min_cosine": 0.3},
                    {"threshold": 0.5, "min_run": 6, "verbatim_run": 6, "quote_run": 3,
                     "min_cosine": 0.0}):
        _same(candidates, sentences, documents=documents, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("join_entries", [1, 100, 10**6])
def test_longest_runs_match_sequence_matcher_on_random_token_lists(
        join_entries: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sentence_pairs, "_JOIN_ENTRIES", join_entries)
    monkeypatch.setattr(sentence_pairs, "_TOKENIZE_TEXTS", 7)  # a vocabulary over chunks
    rng = random.Random(7)
    texts = [" ".join(rng.choice(["aa", "bb", "cc"]) for _ in range(rng.randint(0, 12)))
             for _ in range(40)]
    tokens = sentence_pairs.SentenceTokens(texts)
    rows = np.array([(a, b) for a in range(40) for b in range(40)])
    for g in (1, 2, 3, 5):
        run, pa, pb = sentence_pairs.longest_runs(tokens, rows[:, 0], rows[:, 1], g)
        for n, (a, b) in enumerate(rows.tolist()):
            want = _ref_longest_run(tokenize(texts[a], stop_words=None),
                                    tokenize(texts[b], stop_words=None))
            if want[2] >= g:
                assert (pa[n], pb[n], run[n]) == want
            else:
                assert run[n] == 0


def test_errors_are_unchanged() -> None:
    _, sentences = _tables({"a": WIRE, "b": WIRE[:2]})
    with pytest.raises(ValueError, match="threshold=1.5"):
        reuse.align_passages(_pairs([("a", "b")]), sentences, threshold=1.5)
    with pytest.raises(ValueError, match="runs are counted in tokens"):
        reuse.align_passages(_pairs([("a", "b")]), sentences, quote_run=0)
    with pytest.raises(KeyError, match="text_norm"):
        reuse.align_passages(_pairs([("a", "b")]), sentences.drop(columns="text_norm"))


# --- passage_changes: the per-passage loop it was, as the reference ---------------------------

def _ref_quote_words(text: str) -> set[str]:
    return {t.text for t in tokenize(text, stop_words=None)}


def _ref_passage_changes(passages: pd.DataFrame, documents: pd.DataFrame, *, codebook=None,
                         min_quote_overlap: float = 0.5) -> pd.DataFrame:
    if passages.empty:
        return alignment._empty(alignment.CHANGE_COLUMNS)
    cb = resolve_codebook(codebook)
    describe, clip = alignment._describe, alignment._clip
    docs = documents.set_index("doc_id")
    norm, text = docs["text_norm"].to_dict(), docs["text"].to_dict()
    quotes = alignment._document_quotes(documents)
    rows: list[tuple] = []
    layers: list[str] = []
    has_layer = "layer" in passages.columns
    for p in passages.itertuples(index=False):
        n_before = len(rows)
        sides = []
        for doc, start, end in ((str(p.doc_a), int(str(p.start_a)), int(str(p.end_a))),
                                (str(p.doc_b), int(str(p.start_b)), int(str(p.end_b)))):
            seg = norm[doc][start:end]
            sides.append((doc, start, seg, alignment._matches(cb, seg),
                          clip(quotes.get(doc, []), start, end)))
        (da, sa, _, ma, qa), (db, sb, _, mb, qb) = sides
        for layer, (swap, dropped, added) in alignment._LAYER_CHANGES.items():
            only_a, only_b = alignment._diff_layer(ma[layer], mb[layer])
            for x, y in zip(only_a, only_b):
                rows.append((p.doc_a, p.doc_b, p.passage_index, swap,
                             text[da][sa + x.start:sa + x.end], text[db][sb + y.start:sb + y.end],
                             f"{describe(cb, layer, x.key)} -> {describe(cb, layer, y.key)}"))
            n = min(len(only_a), len(only_b))
            for x in only_a[n:]:
                rows.append((p.doc_a, p.doc_b, p.passage_index, dropped,
                             text[da][sa + x.start:sa + x.end], "", describe(cb, layer, x.key)))
            for y in only_b[n:]:
                rows.append((p.doc_a, p.doc_b, p.passage_index, added, "",
                             text[db][sb + y.start:sb + y.end], describe(cb, layer, y.key)))
        gone, came = alignment._actor_changes(ma, mb)
        if len(gone) == 1 and len(came) == 1:
            x, y = gone[0], came[0]
            rows.append((p.doc_a, p.doc_b, p.passage_index, "actor_changed",
                         text[da][sa + x.start:sa + x.end], text[db][sb + y.start:sb + y.end],
                         f"{describe(cb, 'actor', x.key)} -> {describe(cb, 'actor', y.key)}"))
        else:
            rows += [(p.doc_a, p.doc_b, p.passage_index, "actor_dropped",
                      text[da][sa + x.start:sa + x.end], "", describe(cb, "actor", x.key))
                     for x in gone]
            rows += [(p.doc_a, p.doc_b, p.passage_index, "actor_added", "",
                      text[db][sb + y.start:sb + y.end], describe(cb, "actor", y.key))
                     for y in came]
        for (src_doc, src_q, dst_doc, dst_q, change, dst_seg) in (
                (da, qa, db, qb, "quote_dropped", norm[db][p.start_b:p.end_b]),
                (db, qb, da, qa, "quote_added", norm[da][p.start_a:p.end_a])):
            dst_words = [(_ref_quote_words(norm[dst_doc][s:e]), (s, e)) for s, e in dst_q]
            for s, e in src_q:
                words = _ref_quote_words(norm[src_doc][s:e])
                if not words:
                    continue
                shared = [(len(words & w) / len(words), len(words & w) / max(1, min(len(w),
                           len(words))), span) for w, span in dst_words]
                if any(whole >= min_quote_overlap for whole, _, _ in shared):
                    continue
                quote = text[src_doc][s:e]
                part = [span for _, small, span in shared if small >= min_quote_overlap]
                if part and change == "quote_dropped":
                    kept = text[dst_doc][part[0][0]:part[0][1]]
                    rows.append((p.doc_a, p.doc_b, p.passage_index, "quote_trimmed", quote,
                                 kept, (f"the other side quotes {len(_ref_quote_words(kept))} "
                                        f"of {len(words)} words")))
                    continue
                if part:
                    continue
                kept_share = len(words & _ref_quote_words(dst_seg)) / len(words)
                detail = (f"{kept_share:.0%} of its words appear unquoted on the other side"
                          if kept_share >= min_quote_overlap
                          else "its words are not on the other side")
                rows.append((p.doc_a, p.doc_b, p.passage_index, change,
                             quote if change == "quote_dropped" else "",
                             quote if change == "quote_added" else "", detail))
        layers += [str(p.layer) if has_layer else "shingle"] * (len(rows) - n_before)
    frame = pd.DataFrame(rows, columns=alignment.CHANGE_COLUMNS[:-1]).assign(layer=layers)
    return frame.astype({"passage_index": "int64"})


def _same_changes(passages: pd.DataFrame, documents: pd.DataFrame,
                  **options: object) -> pd.DataFrame:
    got = reuse.passage_changes(passages, documents, **options)  # type: ignore[arg-type]
    want = _ref_passage_changes(passages, documents, **options)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(got, want)
    return got


def test_passage_changes_same_frame_on_the_seeds_and_planted_edits() -> None:
    documents, sentences = corpus.load_run_corpus(SEEDS_DIR)
    passages = reuse.align_passages(_all_pairs(documents["doc_id"].tolist()),
                                    corpus.body(sentences), documents=documents,
                                    threshold=0.2, min_cosine=0.05)
    got = _same_changes(passages, documents)
    assert len(got) > 0
    for overlap in (0.0, 0.3, 1.0):
        _same_changes(passages.drop(columns="layer"), documents, min_quote_overlap=overlap)
    edited = [WIRE[0].replace("said", "claimed").replace('"the talks', 'the talks')
              .replace('parties"', "parties"),
              "Rebel groups withdrew from the northern town after three days of heavy fighting.",
              'A spokesman told reporters "we have no" plans to expand at the briefing, Russia said.',
              WIRE[3].replace("Aid groups", "Terrorist groups")]
    docs, sents = _tables({"wire": WIRE + ["Rebel groups and Russia said the same."],
                           "edited": edited, "again": edited,
                           "plain": [WIRE[0].replace('"', "")]})  # only the quote differs
    passages = reuse.align_passages(_all_pairs(["wire", "edited", "again", "plain"]), sents,
                                    documents=docs, threshold=0.2)
    got = _same_changes(passages, docs)
    assert {"verb_changed", "quote_dropped", "quote_trimmed"} <= set(got["change"])
    plain = got[(got["doc_a"] == "wire") & (got["doc_b"] == "plain")]
    assert plain["change"].tolist() == ["quote_dropped"]
    _same_changes(passages.iloc[:0], docs)


@pytest.mark.parametrize("seed", range(3))
def test_passage_changes_same_frame_on_random_documents(seed: int) -> None:
    rng = random.Random(seed)
    words = ["rebels", "said", "claimed", "terrorists", "the", "army", "Russia", "militants",
             "alpha", '"we', 'will"', "U.S.", "Hayat Tahrir al-Sham", "regime", "government"]
    docs = {f"d{d}": [" ".join(rng.choice(words) for _ in range(rng.randint(2, 12))) + "."
                      for _ in range(rng.randint(1, 4))] for d in range(8)}
    documents, sentences = _tables(docs)
    passages = reuse.align_passages(_all_pairs(list(docs)), sentences, documents=documents,
                                    threshold=0.1, min_cosine=0.05)
    _same_changes(passages, documents)
    _same_changes(pd.concat([passages, passages], ignore_index=True), documents,
                  min_quote_overlap=0.2)


def test_quote_words_are_the_tokens_of_tokenize() -> None:
    for text in ["", "The U.S. and the United  States said",
                 "de-escalation of Hayat Tahrir al-Sham's rebels",
                 "\u0130stanbul, a b c d-e, x.y.z. 42 forty-two", 'He said "we will"']:
        assert alignment._quote_words(text) == _ref_quote_words(text)


def test_same_frame_with_object_columns_and_integer_ids() -> None:
    documents, sentences = _tables({"wire": WIRE, "copy": [WIRE[2], WIRE[0]], "x": [WIRE[1]]})
    candidates = _all_pairs(["wire", "copy", "x"])
    loose = sentences.astype({"text": object, "sentence_id": object, "doc_id": object})
    _same(candidates.astype(object), loose, documents=documents)
    numbers = {"wire": 10, "copy": 11, "x": 12}
    _same(candidates.replace(numbers), sentences.replace({"doc_id": numbers}),
          documents=documents.replace({"doc_id": numbers}))


def _vectorizer_matrix(texts: list[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    return TfidfVectorizer(analyzer=alignment._CONTENT, sublinear_tf=True,
                           dtype=np.float64).fit_transform(texts).tocsr()


def test_space_is_the_tfidf_vectorizer_matrix_entry_for_entry() -> None:
    """The TF-IDF matrix from the distinct texts equals TfidfVectorizer on every sentence:
    same stored values in the same order (sums over them are then the same to the bit)."""
    _, seeds = corpus.load_run_corpus(SEEDS_DIR)
    rng = random.Random(3)
    tables = [seeds, pd.concat([seeds, seeds.iloc[::3], seeds.iloc[::-2]], ignore_index=True)]
    for seed in range(4):
        tables.append(_random_corpus(random.Random(seed), 20)[1])
    for table in tables:
        table = table.iloc[rng.sample(range(len(table)), len(table))]  # any row order
        space = alignment._Space.of(table, None)
        want = _vectorizer_matrix(table["text_norm"].tolist())
        assert space.X.shape == want.shape
        for name in ("data", "indices", "indptr"):
            assert np.array_equal(getattr(space.X, name), getattr(want, name)), name


def test_rows_in_keeps_the_table_when_every_row_is_asked_for() -> None:
    # selecting rows copies string columns' data: the whole sentence table is not copied
    table = pd.DataFrame({"doc_id": ["a", "b", "a", "c"], "text": ["w", "x", "y", "z"]})
    assert alignment._rows_in(table, "doc_id", {"a", "b", "c", "d"}) is table
    some = alignment._rows_in(table, "doc_id", {"a", "c"})
    assert some["text"].tolist() == ["w", "y", "z"] and some.index.tolist() == [0, 2, 3]
    assert alignment._rows_in(table, "doc_id", set()).empty
