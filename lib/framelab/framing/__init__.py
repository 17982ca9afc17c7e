"""Framing: voice (narrator / quoted / attributed), label mentions and rates, keyness, quotations."""

from ._actors import (
    ACTOR_COUNT_COLUMNS,
    ACTOR_LABEL_COLUMNS,
    OTHER,
    UNRESOLVED,
    actor_counts,
    actor_documents,
    actor_labels,
    actor_labels_figure,
    actor_summary,
    actor_voices,
    display_name,
    document_groups,
    group_order,
    label_targets,
    main_actors,
    plot_actor_labels,
    shown_groups,
)
from ._alone import alone_agrees, same_voice_rules
from ._attribution import (
    ATTRIBUTION_VERB_PATTERN,
    ATTRIBUTION_VERBS,
    SPEAKER_STARTS,
    THAT_ONLY_VERBS,
    Stretch,
    sentence_stretches,
)
from ._compact import FRAME_RATE_COLUMNS, LABEL_ROW_COLUMNS, frame_rates, label_rows
from ._framing import (
    ACTOR_MENTION_COLUMNS,
    FRAME_COLUMNS,
    LABEL_MENTION_COLUMNS,
    LABEL_RATE_COLUMNS,
    MATCH_COLUMNS,
    REPORTING_VERB_COLUMNS,
    actor_mentions,
    add_kwic,
    frame_kwic,
    frames,
    label_mentions,
    match_sentences,
    reporting_verbs,
    resampled_unit,
    voice_taggers,
    word_counts,
)
from ._keyness import (
    KEYNESS_COLUMNS,
    fightin_words_figure,
    g2,
    keyness,
    log_odds_dirichlet,
    plot_fightin_words,
    term_counts,
    term_doc_counts,
)
from ._plots import label_heatmap_figure, plot_frames, plot_label_events, plot_label_heatmap
from ._polnear import (
    TOKEN_COLUMNS,
    Attribution,
    PolnearArticle,
    content_tokens,
    evaluate_polnear,
    find_split,
    head_noun,
    read_ann,
    read_polnear,
    score_tokens,
    speaker_matches,
    voice_tokens,
)
from ._quotes import (
    QUOTE_COLUMNS,
    QUOTE_COUNT_COLUMNS,
    SOURCE_COLUMNS,
    find_quotes,
    quote_counts,
    quoted_sources,
)
from ._rates import label_rates
from ._summary import FRAME_SUMMARY_COLUMNS, frame_summary, frames_view, plot_frame_summary
from ._termbatches import TERM_LEVELS, TermBatches, term_batches
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
    'ACTOR_COUNT_COLUMNS', 'actor_counts', 'actor_documents', 'ACTOR_LABEL_COLUMNS', 'alone_agrees', 'actor_labels', 'actor_labels_figure',
    'ACTOR_MENTION_COLUMNS', 'actor_mentions', 'actor_summary', 'actor_voices', 'add_kwic',
    'Attribution', 'ATTRIBUTION_VERB_PATTERN', 'ATTRIBUTION_VERBS', 'content_tokens',
    'display_name', 'document_groups', 'evaluate_polnear', 'fightin_words_figure', 'find_quotes',
    'find_speaker', 'find_split', 'FRAME_COLUMNS', 'frame_kwic', 'FRAME_RATE_COLUMNS', 'frame_rates', 'frame_summary',
    'FRAME_SUMMARY_COLUMNS', 'frames', 'frames_view', 'g2', 'group_order', 'head_noun',
    'is_reporting_use', 'keyness', 'KEYNESS_COLUMNS', 'label_heatmap_figure',
    'LABEL_MENTION_COLUMNS', 'label_mentions', 'LABEL_ROW_COLUMNS', 'label_rows', 'LABEL_RATE_COLUMNS', 'label_rates', 'label_targets',
    'log_odds_dirichlet', 'main_actors', 'MATCH_COLUMNS', 'match_sentences', 'OTHER',
    'plot_actor_labels', 'plot_fightin_words', 'plot_frame_summary', 'plot_frames',
    'plot_label_events', 'plot_label_heatmap', 'PolnearArticle', 'QUOTE_COLUMNS', 'QUOTE_COUNT_COLUMNS', 'quote_counts', 'quote_spans',
    'quoted_sources', 'read_ann', 'read_polnear', 'REPORTING_VERB_COLUMNS', 'reporting_verbs',
    'resampled_unit', 'same_voice_rules',
    'score_tokens', 'sentence_stretches', 'shown_groups', 'SOURCE_COLUMNS', 'speaker_matches',
    'SPEAKER_STARTS', 'Stretch', 'tag_voice', 'TERM_LEVELS', 'term_batches', 'term_counts',
    'term_doc_counts',
    'TermBatches', 'THAT_ONLY_VERBS', 'TOKEN_COLUMNS', 'UNRESOLVED', 'voice_taggers',
    'voice_tokens', 'VOICES', 'VoiceTag', 'VoiceTagger', 'word_counts',
]
