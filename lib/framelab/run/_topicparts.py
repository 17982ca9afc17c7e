"""The topics notebook's view of the corpus, part by part: term counts and topic
proportions of every unit, and the little text it shows.

02_topics models every unit's term counts (:func:`topic_dtm`: counted per part, pruned once)
and transforms every unit per part (:func:`topic_theta`), but reads texts only to show a few
representative passages (:func:`topic_passages`), and looks at the sentences only to choose
the unit of analysis (:func:`analysed_documents`). So the notebook holds no text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd

from .. import topics
from ..corpus import body
from ..corpus import units as make_units
from ..errors import ParameterError
from ..tokens import DTM, align_columns, count_terms, stack_dtms

if TYPE_CHECKING:
    from ._partitions import RunCorpus

__all__ = ["UnitCounts", "analysed_documents", "topic_dtm", "topic_passages", "topic_theta"]


def _analysed_part(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                   include_nonbody: bool) -> pd.DataFrame:
    analysed = body(sentences, include_nonbody=include_nonbody)
    return pd.DataFrame({"doc_id": analysed["doc_id"].unique()})


def analysed_documents(run: RunCorpus, *, include_nonbody: bool = False) -> pd.DataFrame:
    """The documents with at least one analysed sentence (column ``doc_id``, corpus order):
    what :func:`framelab.topics.resolve_unit` counts to choose the unit."""
    return run.map(partial(_analysed_part, include_nonbody=include_nonbody),
                   desc="analysed documents", empty=pd.DataFrame({"doc_id": []}))


def _unit_text_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, unit: str | int,
                    include_nonbody: bool, wanted: frozenset[str]) -> pd.DataFrame:
    found = make_units(body(sentences, include_nonbody=include_nonbody), unit)
    return found.loc[found["unit_id"].isin(wanted), ["unit_id", "text_norm"]]


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
                                wanted=frozenset(chosen["unit_id"])), desc="passages")
        chosen = chosen.merge(texts, on="unit_id", how="left", validate="one_to_one")
    # every topic's best units are among ``best``, in their order: the same passages
    return topics.representative_passages(chosen, theta[best], n_passages=n_passages,
                                          max_chars=max_chars)


@dataclass
class UnitCounts:
    """Units of analysis and their unpruned term counts, partition by partition; ``a += b``
    appends ``b``'s (the matrices are stacked once, by :meth:`stacked`)."""

    units: list[pd.DataFrame] = field(default_factory=list)
    counts: list[DTM] = field(default_factory=list)

    def __iadd__(self, other: UnitCounts) -> Self:
        self.units += other.units
        self.counts += other.counts
        return self

    def stacked(self) -> tuple[pd.DataFrame, DTM]:
        """All units (in corpus order) and their counts over the united vocabulary."""
        units = pd.concat([u for u in self.units if len(u)] or self.units[:1],
                          ignore_index=True)
        return units, stack_dtms(self.counts)


def _unit_counts_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, unit: str | int,
                      include_nonbody: bool, keep_text: bool) -> UnitCounts:

    found = make_units(body(sentences, include_nonbody=include_nonbody), unit)
    counts = count_terms(found["text_norm"].tolist())
    return UnitCounts([found if keep_text else found.drop(columns="text_norm")], [counts])


def topic_dtm(run: RunCorpus, unit: str | int, *, include_nonbody: bool = False,
              min_df: float = 2, max_df: float = 0.9, max_features: int | None = None,
              keep_text: bool = True) -> tuple[pd.DataFrame, DTM]:
    """:func:`framelab.topics.topic_dtm` of the corpus's units, the counting done part by part.

    ``unit`` is a resolved unit of analysis (:func:`framelab.topics.resolve_unit`). Terms are
    counted per partition; pruning by ``min_df``/``max_df`` needs the whole corpus and runs
    here on the stacked counts. Returns what ``topic_dtm(units(body(sentences), unit))``
    returns; without ``text_norm`` when ``keep_text`` is False (the units' texts are the
    corpus's text: :func:`topic_passages` reads the few it shows).
    """
    units, counts = run.map(partial(_unit_counts_part, unit=unit, keep_text=keep_text,
                                    include_nonbody=include_nonbody),
                            desc="counting terms").stacked()
    return topics.topic_dtm(units, min_df=min_df, max_df=max_df, max_features=max_features,
                            counts=counts)


def _theta_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, model: Any,
                vocabulary: np.ndarray, unit: str | int, include_nonbody: bool
                ) -> pd.DataFrame:

    found = make_units(body(sentences, include_nonbody=include_nonbody), unit)
    X = align_columns(count_terms(found["text_norm"].tolist()), vocabulary)
    keep = np.asarray(X.sum(axis=1)).ravel() > 0  # the units topic_dtm keeps
    theta = model.transform(X[keep]) if keep.any() else np.zeros((0, model.n_topics_))
    out = pd.DataFrame(theta, columns=[f"topic_{t + 1}" for t in range(theta.shape[1])])
    out.insert(0, "unit_id", found["unit_id"].to_numpy()[keep])
    return out


def topic_theta(run: RunCorpus, model: Any, units: pd.DataFrame, vocabulary: np.ndarray, *,
                unit: str | int, include_nonbody: bool = False) -> np.ndarray:
    """Topic proportions of ``units`` (from :func:`topic_dtm`) under a fitted
    :class:`framelab.topics.TopicModel`, transformed part by part on the run's engine.

    Returns
    -------
    ndarray of shape (n_units, n_topics)
        Equal to ``model.transform(dtm.X)`` on the whole corpus's matrix.
    """
    frame = run.map(partial(_theta_part, model=model, vocabulary=np.asarray(vocabulary),
                            unit=unit, include_nonbody=include_nonbody), desc="topics")
    if frame["unit_id"].tolist() != units["unit_id"].tolist():
        raise ParameterError(
            f"the {len(frame)} transformed units are not the {len(units)} units given; pass "
            "the units and vocabulary topic_dtm returned for this corpus and unit")
    return frame.drop(columns="unit_id").to_numpy()
