"""Stance toward actors: mentions, lexical cues, the trained model and its evaluation."""

from ._cues import (
    CUE_WEIGHTS,
    DEFAULT_THRESHOLD,
    LABELS,
    Cue,
    SpanScore,
    label_for,
    score_span,
    vader_lexicon,
)
from ._evaluate import (
    EVAL_COLUMNS,
    confusion_matrices,
    confusion_table,
    evaluate,
    predict_annotations,
    read_annotations,
    stance_metrics,
)
from ._figure import stance_heatmap_figure
from ._model import (
    DEFAULT_MODEL_PATH,
    FEATURE_CONFIG,
    MODEL_FORMAT,
    StanceClassifier,
    load_model,
    span_features,
)
from ._scoring import find_and_score_mentions, score_mentions
from ._stance import (
    BASELINE,
    BY_DOC_COLUMNS,
    BY_GROUP_COLUMNS,
    MENTION_COLUMNS,
    SCORE_COLUMNS,
    SCORERS,
    VOICE_GROUPS,
    evidence,
    evidence_candidates,
    find_mentions,
    plot_stance_heatmap,
    resolve_scorers,
    resolve_targets,
    score_columns,
    stance_by_doc,
    stance_by_group,
)
from ._views import (
    DOC_BLOCK,
    DOC_SUMMARY_COLUMNS,
    doc_stance_summary,
    stance_by_doc_sized,
    write_stance_by_doc,
)

__all__ = [
    'BASELINE', 'BY_DOC_COLUMNS', 'BY_GROUP_COLUMNS', 'confusion_matrices', 'confusion_table',
    'Cue', 'CUE_WEIGHTS', 'DEFAULT_MODEL_PATH', 'DEFAULT_THRESHOLD', 'DOC_BLOCK',
    'doc_stance_summary', 'DOC_SUMMARY_COLUMNS', 'EVAL_COLUMNS', 'evaluate', 'evidence',
    'evidence_candidates', 'FEATURE_CONFIG', 'find_and_score_mentions', 'find_mentions', 'label_for', 'LABELS', 'load_model',
    'MENTION_COLUMNS', 'MODEL_FORMAT', 'plot_stance_heatmap', 'predict_annotations',
    'read_annotations', 'resolve_scorers', 'resolve_targets', 'SCORE_COLUMNS', 'score_columns',
    'score_mentions', 'score_span', 'SCORERS', 'span_features', 'SpanScore', 'stance_by_doc',
    'stance_by_doc_sized', 'stance_by_group', 'stance_heatmap_figure', 'stance_metrics',
    'StanceClassifier', 'vader_lexicon', 'VOICE_GROUPS', 'write_stance_by_doc',
]
