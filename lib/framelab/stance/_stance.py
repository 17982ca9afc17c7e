"""Stance toward actors: mentions, scores with their cues, aggregation, evidence and evaluation.

Pipeline (each step a pure function on documented tables)::

    mentions = find_mentions(sentences, codebook)            # every target mention + voice
    scored = score_mentions(mentions, sentences)              # stance_mentions table
    by_doc = stance_by_doc(scored, documents=documents)       # document x target x voice
    by_group = stance_by_group(scored, documents=documents)   # group x target x voice
    evaluate("docs/stance_seed_annotations.csv", codebook=codebook)

The scorers themselves live in :mod:`framelab.stance` (``score_mentions`` in its scoring
module). Method: ``docs/stance.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..codebook import resolve_codebook
from ..corpus import group_key
from ..errors import ColumnError, ParameterError, check_columns
from ..figures import styled
from ..framing import VoiceTagger, alone_agrees
from ..stats import cell_rng, check_bootstrap, ratio_interval, resolve_unit
from ._cues import _MATCH_BATCH

if TYPE_CHECKING:
    from ..codebook import Codebook, CodebookArg

__all__ = [
    "MENTION_COLUMNS",
    "SCORE_COLUMNS",
    "BY_DOC_COLUMNS",
    "BY_GROUP_COLUMNS",
    "SCORERS",
    "BASELINE",
    "VOICE_GROUPS",
    "resolve_targets",
    "score_columns",
    "evidence_candidates",
    "resolve_scorers",
    "find_mentions",
    "stance_by_doc",
    "stance_by_group",
    "evidence",
    "plot_stance_heatmap",
]

logger = logging.getLogger(__name__)

#: Columns of ``tables/stance_mentions.csv`` (one row per mention and scorer).
MENTION_COLUMNS = ["doc_id", "outlet", "sentence_id", "target", "start", "end", "voice",
                   "scorer", "score", "label", "cues"]
#: The columns of the mention table that :func:`stance_by_doc` and :func:`stance_by_group`
#: read (a corpus-sized notebook holds only these: :func:`score_columns`).
SCORE_COLUMNS = ["doc_id", "outlet", "target", "voice", "scorer", "score"]
#: Columns of ``tables/stance_by_doc.csv``; ``note`` explains empty cells.
BY_DOC_COLUMNS = ["doc_id", "outlet", "target", "voice", "scorer", "score", "ci_low",
                  "ci_high", "n_mentions", "note"]
#: Columns of ``tables/stance_by_group.csv``; ``note`` explains empty cells.
BY_GROUP_COLUMNS = ["group", "target", "voice", "scorer", "score", "ci_low", "ci_high",
                    "n_mentions", "note"]
#: Columns of ``tables/stance_eval.csv``; ``confusion`` is JSON, rows gold, columns predicted,
#: both in :data:`LABELS` order.
SCORERS = ("default", "learned")
#: The whole-sentence VADER compound baseline (>= 0.05 favor, <= -0.05 against).
BASELINE = "vader_sentence"
#: Aggregated voices: the outlet's own ("narrator"), its sources' ("source": quoted or
#: attributed) and both ("all").
VOICE_GROUPS = {"narrator": ("narrator",), "source": ("quoted", "attributed"),
                "all": ("narrator", "quoted", "attributed")}
_SENTENCE_NEEDS = ("doc_id", "outlet", "sentence_id", "start", "end", "text_norm")






def _known_targets(codebook: Codebook) -> list[str]:
    return list(codebook.targets())


def resolve_targets(targets: str | Sequence[str] | None, codebook: CodebookArg = None) -> list[str]:
    """Check target names against the codebook; ``None`` or ``""`` means all targets.

    ``targets`` may be a comma-separated string. Raises :class:`ParameterError` naming the
    unknown targets and listing the known ones.
    """
    known = _known_targets(resolve_codebook(codebook))
    if targets is None or (isinstance(targets, str) and not targets.strip()):
        return known
    wanted = [t.strip() for t in targets.split(",")] if isinstance(targets, str) else list(targets)
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise ParameterError(f"unknown target(s) {unknown}; the codebook knows: "
                             + ", ".join(known))
    return wanted


def resolve_scorers(scorer: str | Sequence[str]) -> tuple[str, ...]:
    """``"all"`` -> both scorers; a name or comma-separated names are checked."""
    names = (list(SCORERS) if scorer == "all" else
             [s.strip() for s in scorer.split(",")] if isinstance(scorer, str) else list(scorer))
    unknown = [s for s in names if s not in SCORERS]
    if unknown or not names:
        raise ParameterError(f"scorer={scorer!r}: unknown {unknown}; use one of "
                             f"{', '.join(SCORERS)} or 'all'")
    return tuple(names)


# --- mentions ----------------------------------------------------------------------------

def _document_texts(sentences: pd.DataFrame,
                    documents: pd.DataFrame | None) -> dict[str, str]:
    """doc_id -> text_norm; rebuilt from the sentences (paragraphs as newlines) if needed."""
    if documents is not None:
        check_columns(documents, ("doc_id", "text_norm"), "documents")
        return dict(zip(documents["doc_id"].astype(str), documents["text_norm"]))
    texts = {}
    for doc_id, rows in sentences.groupby("doc_id", sort=False):
        chars = [" "] * int(rows["end"].max())
        rows = rows.sort_values("start")
        paras = (rows["paragraph_index"].tolist() if "paragraph_index" in rows.columns
                 else [0] * len(rows))
        last_para: object = None
        last_end = 0
        for start, end, norm, para in zip(rows["start"].astype(int).tolist(),
                                          rows["end"].astype(int).tolist(),
                                          rows["text_norm"].astype(str).tolist(), paras):
            if last_para is not None and para != last_para and start > last_end:
                chars[last_end] = "\n"
            chars[start:end] = list(norm)
            last_para, last_end = para, end
        texts[str(doc_id)] = "".join(chars)
    return texts


def find_mentions(sentences: pd.DataFrame, codebook: CodebookArg = None, *,
                  targets: str | Sequence[str] | None = None,
                  documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every mention of a stance target, found through the codebook's actor aliases.

    Parameters
    ----------
    sentences : DataFrame
        Sentence table (docs/contracts.md), usually ``framelab.corpus.body(sentences)``.
    codebook : Codebook or path, optional
        The shipped default when omitted.
    targets : str or sequence of str, optional
        Targets to keep (comma-separated or a list); all codebook targets when omitted.
    documents : DataFrame, optional
        Documents table; gives quotations that span sentences their full extent for voice.

    Returns
    -------
    DataFrame
        One row per mention: ``doc_id, outlet, sentence_id, target, actor, start, end`` (offsets
        into the document's ``text``/``text_norm``), ``mention`` (as written), ``voice``
        (narrator / quoted / attributed, :class:`framelab.framing.VoiceTagger`) and
        ``voice_cue`` (why).
    """
    return _find_mentions(sentences, codebook, targets, documents, None)


def _find_mentions(sentences: pd.DataFrame, codebook: CodebookArg,
                   targets: str | Sequence[str] | None, documents: pd.DataFrame | None,
                   alone: list[tuple[str, int, int, list[tuple[int, int]], str | None]] | None
                   ) -> pd.DataFrame:
    """:func:`find_mentions`; with ``alone`` a list, also appends for each row its sentence's
    text, the row's offsets in it, the sentence's quotations and the row's voice on the
    sentence alone when the document's tagger gives it (:func:`framelab.framing.alone_agrees`),
    else None."""
    check_columns(sentences, _SENTENCE_NEEDS, "sentences")
    codebook = resolve_codebook(codebook)
    keep = set(resolve_targets(targets, codebook))
    texts = _document_texts(sentences, documents)
    # the columns read once as lists, the documents' rows grouped in order of appearance
    # (as groupby(sort=False)), the sentences matched in batches (Matcher.find_many)
    outlets = sentences["outlet"].astype(str).tolist()
    sentence_ids = sentences["sentence_id"].astype(str).tolist()
    starts = sentences["start"].astype(int).tolist()
    ends = sentences["end"].astype(int).tolist()
    norms = sentences["text_norm"].astype(str).tolist()
    found = [f for lo in range(0, len(norms), _MATCH_BATCH)
             for f in codebook.matcher.find_many(norms[lo:lo + _MATCH_BATCH],
                                                 layers=("actor",))]
    by_doc: dict[Any, list[int]] = {}
    for i, key in enumerate(sentences["doc_id"].tolist()):
        by_doc.setdefault(key, []).append(i)
    rows = []
    for key, members in by_doc.items():
        if pd.isna(key):   # groupby leaves out a missing doc_id: so do we
            continue
        doc_id = str(key)
        tagger = VoiceTagger(texts[doc_id], [(starts[i], ends[i]) for i in members],
                             codebook=codebook)
        for i in members:
            offset, norm = starts[i], norms[i]
            agrees: tuple[bool, list[tuple[int, int]]] | None = None
            for m in found[i]:
                target = codebook.actors[m.key].target
                if target not in keep:
                    continue
                start, end = offset + m.start, offset + m.end
                tag = tagger.tag(start, end)
                if alone is not None:
                    if agrees is None:
                        agrees = alone_agrees(tagger, (offset, ends[i]), norm)
                    alone.append((norm, m.start, m.end, agrees[1],
                                  tag.voice if agrees[0] else None))
                rows.append((doc_id, outlets[i], sentence_ids[i], target, m.key, start, end,
                             norm[m.start:m.end], tag.voice, tag.cue))
    columns = ["doc_id", "outlet", "sentence_id", "target", "actor", "start", "end", "mention",
               "voice", "voice_cue"]
    frame = pd.DataFrame(rows, columns=columns)
    logger.info("stance: %d mentions of %d targets in %d sentences", len(frame),
                frame["target"].nunique(), len(sentences))
    return frame.astype({"start": "int64", "end": "int64"})


# --- aggregation -------------------------------------------------------------------------

def _doc_codes(scored: pd.DataFrame) -> np.ndarray | None:
    """Each row's document as a number that sorts as its ``doc_id`` does (so ``np.unique`` of
    a cell's numbers lists its documents in the order ``np.unique`` of their ids would), or
    None when the ids are not all strings (then each cell sorts its own ids). A categorical
    ``doc_id`` is ranked by its categories, without an object array of every row."""
    doc_id = scored["doc_id"]
    if isinstance(doc_id.dtype, pd.CategoricalDtype) and (doc_id.cat.codes >= 0).all():
        names = doc_id.cat.categories.to_numpy(dtype=object)
        if not all(isinstance(d, str) for d in names):
            return None
        rank = np.empty(len(names), dtype=np.int64)
        rank[np.argsort(names, kind="stable")] = np.arange(len(names))
        return rank[doc_id.cat.codes.to_numpy()]
    ids = doc_id.to_numpy(dtype=object)
    if not all(isinstance(d, str) for d in (doc_id.unique())):
        return None
    return np.unique(ids, return_inverse=True)[1].reshape(-1)


def _cells(scored: pd.DataFrame, keys: list[tuple[Any, ...]], key_columns: list[str],
           targets: Sequence[str], *, n_boot: int, ci: float, seed: int,
           unit: str) -> list[tuple]:
    """One row per key x target x voice x scorer: the mean score and its interval, drawing
    ``unit`` ("documents" or "mentions") within the cell (:mod:`framelab.stats`).

    The table's columns are read once as arrays and each cell takes its rows by position
    (the rows, and their order, that selecting the cell's rows from the frame gives)."""
    check_bootstrap(n_boot, ci, allow_zero=False)
    grouped = scored.groupby([*key_columns, "target", "scorer"], sort=False).indices
    in_voice = {voice: scored["voice"].isin(list(voices)).to_numpy(dtype=bool)
                for voice, voices in VOICE_GROUPS.items()}
    scores = scored["score"].to_numpy(dtype=float)
    doc_keys = np.array([], dtype=np.int64)   # what a cell's documents are told apart by
    if unit == "documents":
        ranks = _doc_codes(scored)
        doc_keys = scored["doc_id"].to_numpy(dtype=object) if ranks is None else ranks
    empty = np.array([], dtype=np.intp)
    scorers = sorted(scored["scorer"].unique()) or list(SCORERS)
    rows = []
    for key in keys:
        for target in targets:
            for scorer in scorers:
                idx = grouped.get((*key, target, scorer), empty)
                for voice in VOICE_GROUPS:
                    taken = idx[in_voice[voice][idx]]
                    values = scores[taken]
                    n = len(values)
                    if n == 0:
                        which = "" if voice == "all" else f"{voice} "
                        rows.append((*key, target, voice, scorer, np.nan, np.nan, np.nan, 0,
                                     f"no {which}mentions of {target}"))
                        continue
                    if n == 1:
                        rows.append((*key, target, voice, scorer, values[0], np.nan, np.nan, 1,
                                     "one mention: no interval"))
                        continue
                    if unit == "documents":
                        codes, inverse = np.unique(doc_keys[taken], return_inverse=True)
                        numerator = np.bincount(inverse, weights=values, minlength=len(codes))
                        denominator = np.bincount(inverse, minlength=len(codes)).astype(float)
                        note = (f"{len(codes)} documents resampled" if len(codes) > 1
                                else "one document: no interval over documents")
                    else:
                        numerator, denominator = values, np.ones(n)
                        note = "mentions resampled" if key_columns != ["doc_id"] else ""
                    rng = cell_rng(seed, "stance", *key, target, voice, scorer)
                    low, high = ratio_interval(numerator, denominator, n_boot=n_boot, ci=ci,
                                               rng=rng)
                    rows.append((*key, target, voice, scorer, float(values.mean()),
                                 float(low[0]), float(high[0]), n, note))
    return rows


def score_columns(scored: pd.DataFrame) -> pd.DataFrame:
    """The :data:`SCORE_COLUMNS` of a mention table, the repeated strings as categories: what
    the aggregates read, in a tenth of the memory (a notebook on a large corpus keeps this and
    writes the full table to disk)."""
    check_columns(scored, SCORE_COLUMNS, "stance_mentions")
    return scored[SCORE_COLUMNS].astype({c: "category" for c in SCORE_COLUMNS[:-1]})


def _targets_of(scored: pd.DataFrame, targets: str | Sequence[str] | None,
                codebook: CodebookArg) -> list[str]:
    if targets is None and codebook is None:
        return sorted(scored["target"].unique())
    return resolve_targets(targets, codebook)


def stance_by_doc(scored: pd.DataFrame, *, documents: pd.DataFrame | None = None,
                  targets: str | Sequence[str] | None = None, codebook: CodebookArg = None,
                  n_boot: int = 1000, ci: float = 0.95,
                  seed: int = 0) -> pd.DataFrame:
    """Mean stance per document x target x voice x scorer, with a bootstrap interval.

    Parameters
    ----------
    scored : DataFrame
        ``stance_mentions`` (:func:`score_mentions`).
    documents : DataFrame, optional
        Lists documents without any mention too (as empty cells).
    targets : str or sequence of str, optional
        Targets to report (validated against ``codebook`` when one is given); those without
        mentions get empty cells. Default: the codebook's targets, or those in ``scored``.
    codebook : Codebook or path, optional
    n_boot, ci, seed : int, float, int
        Percentile bootstrap over the document's mentions; each cell draws from its own
        generator, derived from ``seed`` and the cell's key (:mod:`framelab.stats`).

    Returns
    -------
    DataFrame
        :data:`BY_DOC_COLUMNS`. ``voice`` is narrator, source (quoted or attributed) or all.
        A cell with no mentions has ``score`` NaN, ``n_mentions`` 0 and a ``note`` -- never 0.
    """
    check_columns(scored, SCORE_COLUMNS, "stance_mentions")
    names = _targets_of(scored, targets, codebook)
    docs = scored[["doc_id", "outlet"]].drop_duplicates("doc_id")
    if documents is not None:
        check_columns(documents, ("doc_id", "outlet"), "documents")
        docs = documents[["doc_id", "outlet"]].drop_duplicates("doc_id")
    outlet = dict(zip(docs["doc_id"], docs["outlet"]))
    keys = [(d,) for d in docs["doc_id"]]
    rows = _cells(scored, keys, ["doc_id"], names, n_boot=n_boot, ci=ci, seed=seed,
                  unit="mentions")
    frame = pd.DataFrame(rows, columns=[c for c in BY_DOC_COLUMNS if c != "outlet"])
    frame.insert(1, "outlet", frame["doc_id"].map(outlet).fillna(""))
    return frame.astype({"n_mentions": "int64"})


def _group_of_rows(doc_id: pd.Series, docs: pd.DataFrame) -> pd.Categorical:
    """Each mention's group: its document's ``group`` in ``docs`` (one row per document),
    or its ``doc_id`` where ``docs`` does not list the document. Looked up once per
    document, and returned as codes into the groups (a left merge would copy every column,
    an array of every mention's group name would hold a reference per mention: at a million
    articles, tens of millions of rows)."""
    group_of = pd.Series(docs["group"].to_numpy(dtype=object),
                         index=docs["doc_id"].to_numpy(dtype=object))
    codes, ids = pd.factorize(doc_id)
    names = pd.Index(ids).to_numpy(dtype=object)
    per_doc = np.array(group_of.reindex(names), dtype=object)
    unknown = pd.isna(per_doc)
    per_doc[unknown] = names[unknown]
    group_codes, groups = pd.factorize(per_doc)
    return pd.Categorical.from_codes(
        np.where(codes >= 0, group_codes[codes] if len(group_codes) else -1, -1),
        categories=pd.Index(groups))


def stance_by_group(scored: pd.DataFrame, *, documents: pd.DataFrame | None = None,
                    group_by: str = "outlet", targets: str | Sequence[str] | None = None,
                    codebook: CodebookArg = None, n_boot: int = 1000, ci: float = 0.95,
                    seed: int = 0, unit: str = "auto",
                    min_docs_per_group: int = 5) -> pd.DataFrame:
    """Mean stance per group (outlet by default) x target x voice x scorer.

    The interval draws whole documents (a cluster bootstrap: mentions in one article are not
    independent) when every group has ``min_docs_per_group`` documents, and mentions otherwise
    (``unit="auto"``, the rule of :func:`framelab.stats.resolve_unit`, as for label rates and
    topic prevalence); ``note`` says what was drawn. ``group_by`` may be any column of
    ``documents`` (:func:`framelab.corpus.group_key`: an empty value groups by document).
    Other parameters as in :func:`stance_by_doc`.

    Returns
    -------
    DataFrame
        :data:`BY_GROUP_COLUMNS`.
    """
    check_columns(scored, SCORE_COLUMNS, "stance_mentions")
    names = _targets_of(scored, targets, codebook)
    docs = scored[["doc_id", "outlet"]].drop_duplicates("doc_id")
    if documents is not None:
        docs = documents.drop_duplicates("doc_id")
    elif group_by not in docs.columns:
        raise ColumnError(f"group_by={group_by!r} is not a column of stance_mentions; pass "
                          "documents= to group by a document column")
    docs = docs.assign(group=group_key(docs, group_by).to_numpy())
    frame = scored.assign(group=_group_of_rows(scored["doc_id"], docs))
    keys = [(g,) for g in sorted(docs["group"].unique())]
    unit = resolve_unit(docs.groupby("group")["doc_id"].nunique(), unit, smaller="mentions",
                        min_docs=min_docs_per_group)
    rows = _cells(frame, keys, ["group"], names, n_boot=n_boot, ci=ci, seed=seed, unit=unit)
    return pd.DataFrame(rows, columns=BY_GROUP_COLUMNS).astype({"n_mentions": "int64"})


# --- evidence and figure -----------------------------------------------------------------

def evidence_candidates(scored: pd.DataFrame, *, documents: pd.DataFrame | None = None,
                        group_by: str = "outlet", scorer: str = "default", voice: str = "all",
                        target: str | None = None, top: int = 5) -> pd.DataFrame:
    """The mentions :func:`evidence` shows, without their sentences: per group x target the
    ``top`` strongest (largest ``|score|``; ties by document, then offset) of ``scorer`` in
    ``voice``, with columns ``group``, ``strength`` and ``mention_voice`` added.

    Made part by part and concatenated in corpus order, the candidates give the same
    :func:`evidence` as the whole table (a group x target's strongest mentions are among its
    parts' strongest), so the full mention table need not be held.
    """
    check_columns(scored, MENTION_COLUMNS, "stance_mentions")
    if voice not in VOICE_GROUPS:
        raise ParameterError(f"voice={voice!r}; use one of {', '.join(VOICE_GROUPS)}")
    rows = scored[(scored["scorer"] == scorer) & scored["voice"].isin(VOICE_GROUPS[voice])]
    if target is not None:
        rows = rows[rows["target"] == target]
    docs = documents if documents is not None else scored[["doc_id", "outlet"]]
    docs = docs.drop_duplicates("doc_id")
    groups = dict(zip(docs["doc_id"], group_key(docs, group_by)))
    out = rows.assign(group=rows["doc_id"].map(groups), strength=rows["score"].abs(),
                      mention_voice=rows["voice"])
    out = out.sort_values(["group", "target", "strength", "doc_id", "start"],
                          ascending=[True, True, False, True, True], kind="mergesort")
    return out.groupby(["group", "target"], sort=False).head(top)


def evidence(scored: pd.DataFrame, sentences: pd.DataFrame, *,
             documents: pd.DataFrame | None = None, group_by: str = "outlet",
             scorer: str = "default", voice: str = "all", target: str | None = None,
             top: int = 5) -> pd.DataFrame:
    """The sentences behind each group x target cell, strongest (largest |score|) first.

    ``scored`` is the mention table, or the :func:`evidence_candidates` of its parts.

    Returns
    -------
    DataFrame
        ``group, target, voice, scorer, score, label, doc_id, sentence_id, mention,
        mention_voice, cues, sentence`` with at most ``top`` rows per group x target.
    """
    out = evidence_candidates(scored, documents=documents, group_by=group_by, scorer=scorer,
                              voice=voice, target=target, top=top)
    text = dict(zip(sentences["sentence_id"], sentences["text"]))
    out = out.assign(sentence=out["sentence_id"].map(text), voice=voice)
    return out[["group", "target", "voice", "scorer", "score", "label", "doc_id", "sentence_id",
                "mention", "mention_voice", "cues", "sentence"]].reset_index(drop=True)


@styled
def plot_stance_heatmap(by_group: pd.DataFrame, ax: Axes, *, scorer: str = "default",
                        voice: str = "all", targets: Sequence[str] | None = None,
                        colorbar: bool = True, group_labels: bool = True,
                        group_names: dict[str, str] | None = None,
                        fontsize: float = 6) -> Axes:
    """Group x target heatmap of mean stance (blue favourable, red hostile) on ``ax``.

    Each cell shows the mean score and, below it, the number of mentions; cells without
    mentions are grey and marked "n/a" (not zero). Colour scale fixed at [-1, 1]. Turn off
    ``colorbar`` and ``group_labels`` for all but one panel of a multi-panel figure;
    ``group_names`` maps groups to the (short) names shown, ``fontsize`` is the cells' text size.
    """
    check_columns(by_group, BY_GROUP_COLUMNS[:-1], "stance_by_group")
    cells = by_group[(by_group["scorer"] == scorer) & (by_group["voice"] == voice)]
    if cells.empty:
        raise ParameterError(f"no rows for scorer={scorer!r}, voice={voice!r}; have scorers "
                             f"{sorted(by_group['scorer'].unique())}, voices "
                             f"{sorted(by_group['voice'].unique())}")
    names = list(targets) if targets is not None else list(dict.fromkeys(cells["target"]))
    groups = sorted(cells["group"].unique())
    score = cells.pivot_table(index="group", columns="target", values="score",
                              aggfunc="first", dropna=False).reindex(index=groups,
                                                                     columns=names)
    count = cells.pivot_table(index="group", columns="target", values="n_mentions",
                              aggfunc="first", fill_value=0).reindex(index=groups, columns=names,
                                                                     fill_value=0)
    values = np.ma.masked_invalid(score.to_numpy(dtype=float))
    cmap = _diverging_cmap()
    image = ax.imshow(values, cmap=cmap, vmin=-1, vmax=1, aspect="auto")
    numbers, counts = score.to_numpy(dtype=float), count.to_numpy(dtype=float)
    for i in range(len(groups)):
        for j in range(len(names)):
            v, n = float(numbers[i, j]), int(counts[i, j])
            text = "n/a" if np.isnan(v) else f"{v:+.2f}\nn={n}"
            ax.text(j, i, text, ha="center", va="center", fontsize=fontsize,
                    color="black" if np.isnan(v) or abs(v) < 0.6 else "white")
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    shown = [(group_names or {}).get(g, g) for g in groups]
    ax.set_yticks(range(len(groups)), shown if group_labels else [])
    ax.set_title(f"{voice} voice ({scorer} scorer)")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="mean stance (-1 hostile, +1 favourable)",
                           shrink=0.8)
    return ax


def _diverging_cmap() -> Any:
    import matplotlib

    return matplotlib.colormaps["RdBu"].with_extremes(bad="#DDDDDD")
