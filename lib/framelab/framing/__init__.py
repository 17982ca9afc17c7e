"""Framing: voice (narrator / quoted / attributed), label mentions and rates, keyness, quotations."""

from ._framing import (
    ACTOR_MENTION_COLUMNS,
    FRAME_COLUMNS,
    LABEL_MENTION_COLUMNS,
    LABEL_RATE_COLUMNS,
    MATCH_COLUMNS,
    REPORTING_VERB_COLUMNS,
    actor_mentions,
    actor_summary,
    add_kwic,
    frame_kwic,
    frames,
    label_mentions,
    label_rates,
    match_sentences,
    reporting_verbs,
)
from ._keyness import (
    KEYNESS_COLUMNS,
    g2,
    keyness,
    log_odds_dirichlet,
    plot_fightin_words,
    term_counts,
    term_doc_counts,
)
from ._plots import plot_frames, plot_label_events, plot_label_heatmap
from ._quotes import QUOTE_COLUMNS, SOURCE_COLUMNS, find_quotes, quoted_sources
from ._voice import (
    VOICES,
    VoiceTag,
    VoiceTagger,
    find_speaker,
    is_reporting_use,
    quote_spans,
    tag_voice,
)

__all__ = [
    'ACTOR_MENTION_COLUMNS', 'FRAME_COLUMNS', 'KEYNESS_COLUMNS', 'LABEL_MENTION_COLUMNS',
    'LABEL_RATE_COLUMNS', 'MATCH_COLUMNS', 'QUOTE_COLUMNS', 'REPORTING_VERB_COLUMNS',
    'SOURCE_COLUMNS', 'VOICES', 'VoiceTag', 'VoiceTagger', 'actor_mentions', 'actor_summary',
    'add_kwic', 'find_quotes', 'find_speaker', 'frame_kwic', 'frames', 'g2', 'is_reporting_use',
    'keyness', 'label_mentions', 'label_rates', 'log_odds_dirichlet', 'match_sentences',
    'plot_fightin_words', 'plot_frames', 'plot_label_events', 'plot_label_heatmap', 'quote_spans',
    'quoted_sources', 'reporting_verbs', 'tag_voice', 'term_counts', 'term_doc_counts',
]
