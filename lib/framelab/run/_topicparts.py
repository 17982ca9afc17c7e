"""The topics notebook's view of the corpus, part by part: term counts and topic
proportions of every unit, and the little text it shows.

02_topics models every unit's term counts (:func:`topic_dtm`: counted per part, pruned once)
and transforms them in blocks of units on the run's engine (:func:`topic_theta`), but reads
texts only to show a few representative passages (:func:`topic_passages`: only the documents
of the passages are cut into units), and looks at two columns of the sentences only to choose
the unit of analysis (:func:`analysed_documents`). So the notebook holds no text, and the
corpus's texts are read and tokenized once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd
from scipy import sparse

from .. import topics
from ..corpus import body, member_of, release_memory
from ..corpus import units as make_units
from ..tokens import DTM, TermCountParts, count_terms

if TYPE_CHECKING:
    from ._partitions import RunCorpus

__all__ = ["THETA_BLOCK", "UnitCounts", "analysed_documents", "topic_dtm", "topic_passages",
           "topic_theta"]

#: Units per block that :func:`topic_theta` hands to the engine.
THETA_BLOCK = 10_000
_SEGMENT_COLUMNS = ["doc_id", "segment"]


def _analysed_part(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                   include_nonbody: bool) -> pd.DataFrame:
    analysed = body(sentences, include_nonbody=include_nonbody)
    return pd.DataFrame({"doc_id": analysed["doc_id"].unique()})


def analysed_documents(run: RunCorpus, *, include_nonbody: bool = False) -> pd.DataFrame:
    """The documents with at least one analysed sentence (column ``doc_id``, corpus order):
    what :func:`framelab.topics.resolve_unit` counts to choose the unit.

    Only the sentence table's ``doc_id`` and ``segment`` columns are read, part by part
    (from the whole table when this process holds it already), not the texts.
    """
    if "sentences" in run.loaded:
        return _analysed_part(pd.DataFrame(), run.sentences, include_nonbody=include_nonbody) \
            .reset_index(drop=True)
    found = [_analysed_part(pd.DataFrame(), pd.read_parquet(sentences, columns=_SEGMENT_COLUMNS),
                            include_nonbody=include_nonbody)
             for _, sentences in run._paths()]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame({"doc_id": []})


def _unit_text_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, unit: str | int,
                    include_nonbody: bool, wanted: frozenset[str],
                    wanted_docs: frozenset[str]) -> pd.DataFrame:
    # units never span documents: those of the wanted documents are cut from theirs alone
    analysed = body(sentences, include_nonbody=include_nonbody)
    analysed = analysed[member_of(analysed["doc_id"], wanted_docs)]
    if analysed.empty:  # the columns' types of the units, for the combined table
        return pd.DataFrame({"unit_id": analysed["doc_id"], "text_norm": analysed["text_norm"]})
    found = make_units(analysed, unit)
    return found.loc[member_of(found["unit_id"], wanted), ["unit_id", "text_norm"]]


def topic_passages(run: RunCorpus, units: pd.DataFrame, theta: np.ndarray, *,
                   unit: str | int, n_passages: int = 3, include_nonbody: bool = False,
                   max_chars: int = 300) -> pd.DataFrame:
    """:func:`framelab.topics.representative_passages` of ``units`` (from
    :func:`framelab.run.topic_dtm`, with or without their texts) and their topic
    proportions, reading from the corpus only the texts of the units it lists."""
    theta = np.asarray(theta)
    best = sorted({int(i) for t in range(theta.shape[1])
                   for i in np.argsort(-theta[:, t], kind="stable")[:n_passages]})
    chosen = units.iloc[best].reset_index(drop=True)
    if "text_norm" not in chosen.columns:
        texts = run.map(partial(_unit_text_part, unit=unit, include_nonbody=include_nonbody,
                                wanted=frozenset(chosen["unit_id"]),
                                wanted_docs=frozenset(chosen["doc_id"])), desc="passages")
        chosen = chosen.merge(texts, on="unit_id", how="left", validate="one_to_one")
    # every topic's best units are among ``best``, in their order: the same passages
    return topics.representative_passages(chosen, theta[best], n_passages=n_passages,
                                          max_chars=max_chars)


@dataclass
class UnitCounts:
    """Units of analysis and their unpruned term counts, partition by partition; ``a += b``
    appends ``b``'s (the counts over one vocabulary, :class:`framelab.tokens.TermCountParts`;
    pruned once, by :func:`framelab.topics.topic_dtm`)."""

    units: list[pd.DataFrame] = field(default_factory=list)
    counts: TermCountParts = field(default_factory=TermCountParts)

    def __iadd__(self, other: UnitCounts) -> Self:
        self.units += other.units
        self.counts += other.counts
        return self

    def stacked(self) -> tuple[pd.DataFrame, TermCountParts]:
        """All units (in corpus order) and their counts."""
        units = pd.concat([u for u in self.units if len(u)] or self.units[:1],
                          ignore_index=True)
        self.units = []
        return units, self.counts


def _unit_counts_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, unit: str | int,
                      include_nonbody: bool, keep_text: bool) -> UnitCounts:

    found = make_units(body(sentences, include_nonbody=include_nonbody), unit)
    counts = TermCountParts.of(count_terms(found["text_norm"].tolist()))
    return UnitCounts([found if keep_text else found.drop(columns="text_norm")], counts)


def topic_dtm(run: RunCorpus, unit: str | int, *, include_nonbody: bool = False,
              min_df: float = 2, max_df: float = 0.9, max_features: int | None = None,
              keep_text: bool = True) -> tuple[pd.DataFrame, DTM]:
    """:func:`framelab.topics.topic_dtm` of the corpus's units, the counting done part by part.

    ``unit`` is a resolved unit of analysis (:func:`framelab.topics.resolve_unit`). Terms are
    counted per partition; pruning by ``min_df``/``max_df`` needs the whole corpus and runs
    here, each part pruned into the result in turn (:class:`framelab.tokens.TermCountParts`:
    one vocabulary for all parts, counts as int32, no unpruned copy of the whole). Returns
    what ``topic_dtm(units(body(sentences), unit))`` returns; without ``text_norm`` when
    ``keep_text`` is False (the units' texts are the corpus's text: :func:`topic_passages`
    reads the few it shows).
    """
    units, counts = run.map(partial(_unit_counts_part, unit=unit, keep_text=keep_text,
                                    include_nonbody=include_nonbody),
                            desc="counting terms").stacked()
    found = topics.topic_dtm(units, min_df=min_df, max_df=max_df, max_features=max_features,
                             counts=counts)
    del units, counts
    # the parts' counts are freed, but the C heap may keep their pages: at 20,000 articles
    # 33 MB of matrix and units left the process 350 MB larger, 90 MB after this
    release_memory()
    return found


def _describe_block(X: sparse.csr_matrix) -> str:
    return f"a block of {X.shape[0]} units"


def _theta_block(X: sparse.csr_matrix, *, model: Any) -> np.ndarray:
    return model.transform(X) if X.shape[0] else np.zeros((0, model.n_topics_))


def topic_theta(run: RunCorpus, model: Any, X: sparse.spmatrix, *,
                block: int = THETA_BLOCK) -> np.ndarray:
    """Topic proportions of every unit of ``X`` (``dtm.X`` from :func:`topic_dtm`) under a
    fitted :class:`framelab.topics.TopicModel`, transformed ``block`` units at a time on the
    run's engine.

    The term counts are those the model was fitted on, so no text is read or tokenized
    again; each unit's proportions are inferred on their own, so blocks and engines give
    the same numbers.

    Returns
    -------
    ndarray of shape (n_units, n_topics)
        Equal to ``model.transform(X)``.
    """
    X = sparse.csr_matrix(X)
    if not X.has_sorted_indices:  # the order in which a unit's terms are summed
        X = X.sorted_indices()
    size = max(1, int(block))
    blocks = (X[i:i + size] for i in range(0, X.shape[0], size))
    found = list(run.engine.imap(partial(_theta_block, model=model), blocks,
                                 total=-(-X.shape[0] // size), desc="topics",
                                 describe=_describe_block))
    return np.vstack(found) if found else np.zeros((0, model.n_topics_))
