"""The stance analysis of a run, partition by partition: mentions found and scored by every
scorer, quotations, and the documents that annotations are scored against.

:func:`stance_tables` maps :func:`framelab.stance.find_and_score_mentions` (mentions found
and scored) and :func:`framelab.framing.find_quotes` over the
cache parts on the run's engine (:meth:`framelab.run.RunCorpus.map`); tables do not depend
on the engine or the partitioning. :func:`annotated_documents` reads from the cache only the
documents that document-level annotations name, so scoring the annotations
(:func:`framelab.stance.evaluate`) does not load every text of the corpus.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import framing, stance
from ..corpus import body, member_of
from ..paths import resolve
from ._partitions import _paused_gc
from ._written import WrittenTable

if TYPE_CHECKING:
    from ..codebook import Codebook
    from ..stats import ViewSample
    from ._partitions import RunCorpus

__all__ = ["annotated_documents", "stance_tables"]


def _stance_part(documents: pd.DataFrame, sentences: pd.DataFrame, *, codebook: Codebook,
                 targets: Sequence[str], scorers: Sequence[str], include_nonbody: bool,
                 evidence: tuple[str, int] | None = None) -> dict[str, pd.DataFrame]:
    with _paused_gc():
        return _stance_tables_of(documents, sentences, codebook=codebook, targets=targets,
                                 scorers=scorers, include_nonbody=include_nonbody,
                                 evidence=evidence)


def _stance_tables_of(documents: pd.DataFrame, sentences: pd.DataFrame, *,
                      codebook: Codebook, targets: Sequence[str], scorers: Sequence[str],
                      include_nonbody: bool, evidence: tuple[str, int] | None
                      ) -> dict[str, pd.DataFrame]:
    analysed = body(sentences, include_nonbody=include_nonbody)
    scored = stance.find_and_score_mentions(analysed, codebook, targets=targets,
                                            documents=documents, scorers=scorers)
    tables = {"mentions": scored,
              "quotes": framing.find_quotes(documents, codebook, sentences=sentences)}
    if evidence is not None:
        group_by, top = evidence
        tables["scores"] = stance.score_columns(scored)
        tables["evidence"] = stance.evidence_candidates(
            scored, documents=documents, group_by=group_by, scorer=scorers[0], top=top)
        tables["quote_counts"] = framing.quote_counts(tables["quotes"], documents=documents,
                                                      group_by=group_by)
    return tables


def stance_tables(run: RunCorpus, codebook: Codebook, *, targets: Sequence[str],
                  scorers: Sequence[str], include_nonbody: bool = False,
                  out_dir: str | Path = "", group_by: str = "outlet", evidence_top: int = 3,
                  quotes_view: ViewSample | None = None) -> dict[str, pd.DataFrame]:
    """Stance mentions scored by every scorer, and quotations, computed part by part.

    With ``out_dir`` the mention table is not held: each part's mentions go to
    ``<out_dir>/tables/stance_mentions.csv`` as they arrive (:class:`WrittenTable`, rows of
    the first scorer first, as on the whole corpus), and what the aggregates and the evidence
    need is returned instead. The quotations go to ``<out_dir>/tables/quotes.csv`` the same
    way, ``quotes_view``'s sample of them kept (:class:`framelab.stats.ViewSample`; none
    without one), with their counts per group and speaker.

    Returns
    -------
    dict of DataFrame
        ``mentions``: :func:`framelab.stance.score_mentions` of
        :func:`framelab.stance.find_mentions` on the analysed sentences (rows of the first
        scorer, then of the next, as on the whole corpus); with ``out_dir`` its columns
        without rows, ``attrs`` ``path`` and ``rows``. ``quotes``:
        :func:`framelab.framing.find_quotes`. With ``out_dir`` also ``scores``
        (:func:`framelab.stance.score_columns` of the mentions, in the same order: what
        :func:`framelab.stance.stance_by_group` and ``stance_by_doc_sized`` read) and
        ``evidence`` (:func:`framelab.stance.evidence_candidates` per ``group_by`` of the
        first scorer, ``evidence_top`` per group and target: what
        :func:`framelab.stance.evidence` needs). With ``out_dir`` ``quotes`` is the sample
        of the quotations written (``attrs`` ``path``, ``rows`` and, above the size switch,
        ``note``), and ``quote_counts`` their :func:`framelab.framing.quote_counts` per part
        (what :func:`framelab.framing.quoted_sources` takes).
    """
    func = partial(_stance_part, codebook=codebook, targets=tuple(targets),
                   scorers=tuple(scorers), include_nonbody=include_nonbody,
                   evidence=(group_by, evidence_top) if out_dir else None)
    order = {name: i for i, name in enumerate(scorers)}
    if not out_dir:
        tables = run.map(func, desc="stance")
        scored = tables["mentions"]
        tables["mentions"] = scored.iloc[scored["scorer"].map(order).argsort(kind="stable")] \
            .reset_index(drop=True)
        return tables
    with WrittenTable("stance_mentions", out_dir, sections=("scorer", scorers)) as sink, \
            WrittenTable("quotes", out_dir, quotes_view) as quotes:
        tables = run.map(func, desc="stance", sinks={"mentions": sink, "quotes": quotes})
    scores = tables["scores"]
    tables["scores"] = scores.iloc[scores["scorer"].map(order).astype("int64")
                                   .argsort(kind="stable")].reset_index(drop=True)
    return tables


def annotated_documents(run: RunCorpus, annotations: str | Path | Iterable[str | Path]
                        ) -> pd.DataFrame:
    """``doc_id`` and ``text_norm`` of the documents that annotations label as a whole (rows
    without a sentence), in corpus order: what :func:`framelab.stance.evaluate` reads from
    ``documents=``, so it scores them as it would with the whole documents table.

    ``annotations`` is what :func:`framelab.stance.evaluate` takes (a path, comma-separated
    paths or a sequence of them). The documents are read part by part from the cache, texts
    only where a part holds one of them, unless :attr:`RunCorpus.documents` is loaded.
    """
    if isinstance(annotations, (str, Path)):
        paths = [p.strip() for p in str(annotations).split(",") if p.strip()]
    else:
        paths = [str(p) for p in annotations]
    wanted: set[str] = set()
    for path in paths:
        table = stance.read_annotations(resolve(path))
        whole = table["sentence"].astype(str).str.strip() == ""
        wanted.update(table.loc[whole, "doc_id"].astype(str))
    columns = ["doc_id", "text_norm"]
    if "documents" in run.loaded:
        docs = run.documents
        return docs.loc[member_of(docs["doc_id"], wanted), columns].reset_index(drop=True)
    found = []
    for part in run.cache.parts if wanted else []:
        mine = member_of(pd.read_parquet(part, columns=["doc_id"])["doc_id"], wanted)
        if mine.any():
            docs = pd.read_parquet(part, columns=columns)
            found.append(docs[mine])
    if not found:
        return pd.DataFrame({"doc_id": pd.Series(dtype=object),
                             "text_norm": pd.Series(dtype=object)})
    return pd.concat(found, ignore_index=True)
