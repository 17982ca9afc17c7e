"""Topics: the LDA topic model, coherence and stability, prevalence views."""

from ._coherence import (
    EPSILON,
    K_SELECTION_COLUMNS,
    choose_k,
    match_topics,
    npmi,
    npmi_from_dtm,
    relevance,
    summarize_k_selection,
    top_term_ids,
    topic_similarity,
)
from ._consensus import (
    REPORTED,
    STABILITY_COLUMNS,
    Consensus,
    consensus_topics,
    describe_recurrence,
    extra_seeds,
    js_similarity,
    replace_topics,
    reported_model,
    stability_table,
)
from ._model import AUTO_ONLINE_MIN_UNITS, TopicModel
from ._units import AUTO_MIN_DOCUMENTS, resolve_unit, topic_dtm, unit_tokens
from ._views import (
    DOC_TOPIC_COLUMNS,
    PASSAGE_COLUMNS,
    PREVALENCE_COLUMNS,
    TERM_COLUMNS,
    doc_topics,
    plot_k_selection,
    plot_prevalence_heatmap,
    plot_prevalence_intervals,
    plot_top_terms,
    representative_passages,
    topic_prevalence,
    topic_terms,
)

__all__ = [
    'Consensus', 'REPORTED', 'consensus_topics', 'describe_recurrence', 'extra_seeds',
    'js_similarity', 'replace_topics', 'reported_model', 'stability_table',
    'AUTO_MIN_DOCUMENTS', 'AUTO_ONLINE_MIN_UNITS', 'DOC_TOPIC_COLUMNS', 'EPSILON',
    'K_SELECTION_COLUMNS', 'PASSAGE_COLUMNS', 'PREVALENCE_COLUMNS', 'STABILITY_COLUMNS',
    'TERM_COLUMNS', 'TopicModel', 'choose_k', 'doc_topics', 'match_topics', 'npmi', 'npmi_from_dtm',
    'plot_k_selection', 'plot_prevalence_heatmap', 'plot_prevalence_intervals', 'plot_top_terms',
    'relevance', 'representative_passages', 'resolve_unit', 'summarize_k_selection', 'top_term_ids',
    'topic_dtm', 'topic_prevalence', 'topic_similarity', 'topic_terms', 'unit_tokens',
]
