"""Generate a corpus with planted copies, rewrites and shared quotations (for bench_reuse).

The documents are invented text over a vocabulary of pseudo-words: ``n_topics`` topics, each
with its own 300 words, drawn together with general words (Zipf-distributed, so some words
are everywhere and most are rare), stop words and a few names per document. Documents of
one topic share vocabulary but not facts, like same-topic news.

Planted pairs (the right answer of the benchmark):

- ``copy``: the source's sentences with one dropped, 3% of the words replaced and a new
  opening sentence;
- ``rewrite``: the source's sentences in order, each reworded (half its content words
  replaced by fixed synonyms, stop words redrawn, the clause order rotated at a random cut,
  so few five-word runs survive), one sentence in six dropped and one or two new sentences
  inserted;
- ``shared_source``: two unrelated documents of the same topic that each get the same
  quotation of the same named speaker (``"...," said Name Surname.``) and nothing else in
  common.

``python benchmarks/make_reuse_corpus.py --docs 1000 --out corpus.csv`` writes a CSV
(doc_id, outlet, text) and ``corpus.planted.csv`` (doc_a, doc_b, relation).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

STOP: np.ndarray = np.array("the of and to in a on for that with was by at from as is it its has "
                "have were be this an but after".split())
_CONS = list("bdfgklmnprstvz")
_VOWELS = list("aeiou")


def vocabulary(n: int, seed: int) -> np.ndarray:
    """``n`` distinct pseudo-words of three or four syllables (letters only)."""
    rng = np.random.default_rng(seed)
    words: dict[str, None] = {}
    while len(words) < n:
        k = int(rng.integers(3, 5))
        word = "".join(rng.choice(_CONS) + rng.choice(_VOWELS) for _ in range(k))
        words.setdefault(word + str(rng.choice(_CONS)), None)
    return np.array(list(words))


class Generator:
    """Draws sentences, documents and planted variants from one seeded random state."""

    def __init__(self, *, n_topics: int, n_vocab: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.vocab = vocabulary(n_vocab + 4000, seed)
        self.names = np.char.capitalize(self.vocab[n_vocab:])
        self.vocab = self.vocab[:n_vocab]
        ranks = np.arange(1, n_vocab + 1)
        self.general_p = (1 / ranks) / (1 / ranks).sum()
        self.topics = [self.rng.choice(n_vocab, size=300, replace=False)
                       for _ in range(n_topics)]
        topic_ranks = np.arange(1, 301) ** -0.8
        self.topic_p = topic_ranks / topic_ranks.sum()
        self.synonym = self.rng.permutation(n_vocab)  # a fixed "synonym" for every word
        self.general_cdf = np.cumsum(self.general_p)
        self.topic_cdf = np.minimum(np.cumsum(self.topic_p), 1.0 - 1e-12)
        self._index = {w: i for i, w in enumerate(self.vocab)}

    def sentence(self, topic: int, names: list[str]) -> list[str]:
        n = int(self.rng.integers(12, 23))
        u = self.rng.random(n)
        stop = STOP[self.rng.integers(len(STOP), size=n)]
        local = self.vocab[self.topics[topic][np.searchsorted(self.topic_cdf,
                                                              self.rng.random(n))]]
        general = self.vocab[np.minimum(np.searchsorted(self.general_cdf, self.rng.random(n)),
                                        len(self.vocab) - 1)]
        words = np.where(u < 0.4, stop, np.where(u < 0.76, local, general)).tolist()
        if names and self.rng.random() < 0.4:
            words.insert(int(self.rng.integers(len(words))), str(self.rng.choice(names)))
        return words

    def document(self, topic: int) -> tuple[list[list[str]], list[str]]:
        names = [f"{self.rng.choice(self.names)} {self.rng.choice(self.names)}"
                 for _ in range(3)]
        return [self.sentence(topic, names) for _ in range(int(self.rng.integers(8, 16)))], \
            names

    def copy(self, sents: list[list[str]], topic: int) -> list[list[str]]:
        out = [list(s) for s in sents]
        del out[int(self.rng.integers(len(out)))]
        for s in out:
            for k in np.flatnonzero(self.rng.random(len(s)) < 0.03):
                s[k] = str(self.vocab[min(len(self.vocab) - 1, int(np.searchsorted(
                    self.general_cdf, self.rng.random())))])
        return [self.sentence(topic, [])] + out

    def reword(self, words: list[str]) -> list[str]:
        index = self._index
        out = []
        for w in words:
            if w in STOP:
                out.append(str(self.rng.choice(STOP)))
            elif w in index and self.rng.random() < 0.5:
                out.append(str(self.vocab[self.synonym[index[w]]]))
            else:
                out.append(w)
        cut = int(self.rng.integers(1, max(2, len(out) - 1)))
        return out[cut:] + out[:cut]

    def rewrite(self, sents: list[list[str]], topic: int) -> list[list[str]]:
        out = [self.reword(s) for s in sents if self.rng.random() >= 1 / 6]
        for _ in range(int(self.rng.integers(1, 3))):
            out.insert(int(self.rng.integers(len(out) + 1)), self.sentence(topic, []))
        return out


def _line(words: list[str]) -> str:
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]]) + "."


def _text(sents: list[list[str]]) -> str:
    return "\n".join(_line(s) for s in sents)


def generate(n_docs: int, *, n_copies: int, n_rewrites: int, n_quotes: int,
             n_topics: int = 50, n_vocab: int = 20000,
             seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Documents (``doc_id, outlet, text``) and the planted pairs (``doc_a, doc_b, relation``).

    The last ``n_copies + n_rewrites`` documents are planted variants of earlier ones;
    ``n_quotes`` pairs of earlier same-topic documents share one quotation.
    """
    gen = Generator(n_topics=n_topics, n_vocab=n_vocab, seed=seed)
    n_base = n_docs - n_copies - n_rewrites
    if n_base < 2 * n_quotes + 2:
        raise ValueError(f"--docs {n_docs} leaves {n_base} base documents, too few for "
                         f"{n_quotes} quote pairs")
    topics = gen.rng.integers(n_topics, size=n_base)
    docs = [gen.document(int(t)) for t in topics]
    sents = [d[0] for d in docs]
    planted = []
    by_topic: dict[int, list[int]] = {}
    for i, t in enumerate(topics):
        by_topic.setdefault(int(t), []).append(i)
    used: set[int] = set()
    for _ in range(n_quotes):
        t = int(gen.rng.choice([k for k, v in by_topic.items() if len(v) >= 2]))
        free = [i for i in by_topic[t] if i not in used]
        if len(free) < 2:
            continue
        a, b = (int(x) for x in gen.rng.choice(free, size=2, replace=False))
        used |= {a, b}
        speaker = f"{gen.rng.choice(gen.names)} {gen.rng.choice(gen.names)}"
        quote = gen.sentence(t, [])
        line = [f"\u201c{quote[0].capitalize()}", *quote[1:-1], f"{quote[-1]},\u201d", "said",
                speaker]
        for d in (a, b):
            sents[d].insert(int(gen.rng.integers(len(sents[d]) + 1)), line)
        planted.append((min(a, b), max(a, b), "shared_source"))
    texts = [_text(s) for s in sents]
    for k in range(n_copies + n_rewrites):
        src = int(gen.rng.integers(n_base))
        kind = "copy" if k < n_copies else "rewrite"
        variant = (gen.copy if kind == "copy" else gen.rewrite)(docs[src][0], int(topics[src]))
        texts.append(_text(variant))
        planted.append((src, n_base + k, kind))
    ids = [f"d{i:06d}" for i in range(len(texts))]
    documents = pd.DataFrame({"doc_id": ids, "outlet": [f"outlet{i % 40:02d}" for i in
                                                         range(len(texts))], "text": texts})
    pairs = pd.DataFrame([(ids[a], ids[b], r) for a, b, r in planted],
                         columns=["doc_a", "doc_b", "relation"])
    return documents, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--rewrites", type=int, default=20)
    parser.add_argument("--quotes", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    documents, planted = generate(args.docs, n_copies=args.copies, n_rewrites=args.rewrites,
                                  n_quotes=args.quotes, seed=args.seed)
    documents.to_csv(args.out, index=False)
    planted.to_csv(args.out.with_suffix(".planted.csv"), index=False)


if __name__ == "__main__":
    main()
