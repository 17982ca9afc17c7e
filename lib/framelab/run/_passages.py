"""What the topics notebook reads of the corpus beyond its term counts, part by part.

02_topics models every unit's term counts, but reads texts only to show a few
representative passages, and looks at the sentences only to choose the unit of analysis
(how many documents have analysed sentences). Both are asked of the parts here, so the
notebook holds no text.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import topics
from ..corpus import body
from ..corpus import units as make_units

if TYPE_CHECKING:
    from ._partitions import RunCorpus

__all__ = ["analysed_documents", "topic_passages"]


def _analysed_part(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                   include_nonbody: bool) -> pd.DataFrame:
    analysed = body(sentences, include_nonbody=include_nonbody)
    return pd.DataFrame({"doc_id": analysed["doc_id"].unique()})


def analysed_documents(run: RunCorpus, *, include_nonbody: bool = False) -> pd.DataFrame:
    """The documents with at least one analysed sentence (column ``doc_id``, corpus order):
    what :func:`framelab.topics.resolve_unit` counts to choose the unit."""
    found = run.map(partial(_analysed_part, include_nonbody=include_nonbody),
                    desc="analysed documents")
    return found if found is not None else pd.DataFrame({"doc_id": []})


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
