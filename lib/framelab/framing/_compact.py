"""Compact forms of the per-mention and per-document framing tables: what the rates,
shares and summaries need, without the text columns, repeated values as categories.

On a million articles the label mentions are some seven million rows; kept whole with their
terms, voice cues and evidence they take more memory than the rest of the framing notebook.
The full tables are written to disk part by part (:func:`framelab.run.framing_tables`); these
forms are what is held to compute from.
"""

from __future__ import annotations

import pandas as pd

from ..errors import check_columns

__all__ = ["LABEL_ROW_COLUMNS", "FRAME_RATE_COLUMNS", "label_rows", "frame_rates"]

#: Columns of :func:`label_rows`.
LABEL_ROW_COLUMNS = ["doc_id", "outlet", "sentence_id", "label", "family", "actor", "event",
                     "voice"]
#: Columns of :func:`frame_rates`.
FRAME_RATE_COLUMNS = ["doc_id", "outlet", "frame", "rate_per_1000"]

# few distinct values, repeated on every row: stored once each as categories
_LABEL_CATEGORIES = ("outlet", "label", "family", "actor", "event", "voice")


def label_rows(mentions: pd.DataFrame) -> pd.DataFrame:
    """The label mentions (:func:`framelab.framing.label_mentions`) without their text
    columns (term, offsets, voice cue and evidence): columns :data:`LABEL_ROW_COLUMNS`, the
    repeated ones (outlet, label, family, actor, event, voice) as categories. What
    :func:`actor_labels`, :func:`label_rates` and :func:`plot_label_events` need, in about a
    fifth of the memory."""
    check_columns(mentions, LABEL_ROW_COLUMNS, "label mentions")
    return mentions[LABEL_ROW_COLUMNS].astype({c: "category" for c in _LABEL_CATEGORIES})


def frame_rates(frames: pd.DataFrame) -> pd.DataFrame:
    """The frames table (:func:`framelab.framing.frames`) without its counts and evidence:
    columns :data:`FRAME_RATE_COLUMNS`, outlet and frame as categories. What
    :func:`frame_summary` and :func:`plot_frames` need."""
    check_columns(frames, FRAME_RATE_COLUMNS, "frames")
    return frames[FRAME_RATE_COLUMNS].astype({"outlet": "category", "frame": "category"})
