"""Stance per document at scale: same means as stance_by_doc, no per-document bootstrap,
quartiles per outlet in the view (issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from framelab import stance
from framelab.corpus import NO_GROUP


def _scored() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(5)
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(12)],
                         "outlet": ["A"] * 5 + ["B"] * 5 + ["", ""]})
    rows = []
    for i, doc in enumerate(docs.doc_id):
        for k in range(i % 4):  # 0..3 mentions per document
            for scorer in ("default", "learned"):
                rows.append({"doc_id": doc, "outlet": docs.outlet[i], "sentence_id": f"{doc}-{k}",
                             "target": "Russia" if k % 2 == 0 else "Turkey", "start": k,
                             "end": k + 3, "voice": ("narrator", "quoted", "attributed")[k % 3],
                             "scorer": scorer, "score": float(rng.uniform(-1, 1)),
                             "label": "neutral", "cues": ""})
    return pd.DataFrame(rows, columns=stance.MENTION_COLUMNS), docs


def test_sized_table_has_the_means_of_stance_by_doc_without_intervals():
    scored, docs = _scored()
    targets = ["Russia", "Turkey"]
    full = stance.stance_by_doc(scored, documents=docs, targets=targets, n_boot=50)
    same = stance.stance_by_doc_sized(scored, documents=docs, targets=targets, n_boot=50,
                                      per_document_max=12)
    pd.testing.assert_frame_equal(full, same)
    sized = stance.stance_by_doc_sized(scored, documents=docs, targets=targets, n_boot=50,
                                       per_document_max=11)
    keep = ["doc_id", "outlet", "target", "voice", "scorer", "score", "n_mentions"]
    pd.testing.assert_frame_equal(full[keep], sized[keep])
    assert sized["ci_low"].isna().all() and sized["ci_high"].isna().all()
    several = sized[sized.n_mentions > 1]
    assert len(several) and several.note.str.contains("per_document_max=11").all()
    assert (sized.note[sized.n_mentions == 0] == full.note[full.n_mentions == 0]).all()


def test_doc_summary_quartiles_per_outlet():
    scored, docs = _scored()
    by_doc = stance.stance_by_doc_sized(scored, documents=docs, targets=["Russia", "Turkey"],
                                        per_document_max=1)
    shown = stance.doc_stance_summary(by_doc, per_document_max=1)
    assert list(shown.columns) == stance.DOC_SUMMARY_COLUMNS
    assert set(shown.group) <= {"A", "B", NO_GROUP}
    cell = by_doc[(by_doc.outlet == "A") & (by_doc.target == "Russia") & (by_doc.voice == "all")
                  & (by_doc.scorer == "default") & (by_doc.n_mentions > 0)]
    row = shown[(shown.group == "A") & (shown.target == "Russia") & (shown.voice == "all")
                & (shown.scorer == "default")].iloc[0]
    assert row.n_documents == len(cell)
    assert np.isclose(row.score_median, cell.score.median())
    assert row.n_mentions == cell.n_mentions.sum()
    small = stance.doc_stance_summary(by_doc, per_document_max=12)
    assert (small.n_mentions > 0).all() and list(small.columns) == stance.BY_DOC_COLUMNS
