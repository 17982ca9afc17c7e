"""Planted corpora of the reuse tests: filler articles on other subjects (they give the
corpus its vocabulary) and the pairs :func:`framelab.reuse.find_reuse` makes of a few texts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from framelab import corpus, reuse

FILLER = [
    ["The orchestra opened its season with a programme of late romantic symphonies.",
     "Critics praised the conductor for the slow movement and the brass section.",
     "Tickets for the spring concerts go on sale next month at the box office.",
     "The hall was renovated last year and its acoustics were much improved."],
    ["A new cycling path links the university campus with the central railway station.",
     "The city council paid for most of the work from its transport budget.",
     "Commuters say the route has cut their journey time by a quarter.",
     "Another path along the canal is planned for next year."],
    ["The museum has acquired a collection of medieval maps from a private owner.",
     "Curators plan an exhibition of the maps for the summer.",
     "Researchers hope the maps will show how the coastline changed over centuries.",
     "The museum's entrance fee will stay the same."],
]


def planted_pairs(tmp_path: Path, texts: dict[str, list[str]]) -> pd.DataFrame:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for k, sents in enumerate(FILLER):
        texts = {**texts, f"filler{k}": sents}
    for doc_id, sents in texts.items():
        (folder / f"{doc_id}.txt").write_text("\n".join(sents), encoding="utf-8")
    documents, sentences = corpus.load_run_corpus(folder)
    return reuse.find_reuse(documents, corpus.body(sentences)).pairs


def pair_of(pairs: pd.DataFrame, a: str, b: str) -> pd.Series | None:
    row = pairs[((pairs["doc_a"] == a) & (pairs["doc_b"] == b))
                | ((pairs["doc_a"] == b) & (pairs["doc_b"] == a))]
    return None if row.empty else row.iloc[0]
