"""The corpus: readers per input format, ingestion, segmentation, boilerplate, overview, KWIC explorer."""

from ._boilerplate import LineStats, prepare_chunk, segment_chunk
from ._corpus import (
    DOC_COLUMNS,
    ColumnMap,
    apply_metadata,
    group_key,
    load_corpus,
    load_metadata,
    load_run_corpus,
    with_document_columns,
)
from ._explore import KwicExplorer, kwic_explorer
from ._ingest import (
    DEFAULT_CHUNK_SIZE,
    DocumentStream,
    hash_strings,
    iter_documents,
    normalise_chunk,
)
from ._overview import (
    NO_GROUP,
    describe_documents,
    describe_groups,
    documents_view,
    per_document,
    plot_lengths,
    plot_segments,
    segment_counts,
    segments_view,
    top_terms,
    view_groups,
    view_rows,
)
from ._readers import FormatReaders
from ._segment import (
    ABBREVIATIONS,
    ANALYSED_SEGMENTS,
    SEGMENT_TYPES,
    SENTENCE_COLUMNS,
    body,
    normalize_text,
    paragraph_spans,
    segment,
    sentence_spans,
    units,
)

__all__ = [
    'ABBREVIATIONS', 'ANALYSED_SEGMENTS', 'ColumnMap', 'NO_GROUP', 'DEFAULT_CHUNK_SIZE', 'DOC_COLUMNS',
    'DocumentStream', 'FormatReaders', 'KwicExplorer', 'LineStats', 'SEGMENT_TYPES',
    'SENTENCE_COLUMNS', 'apply_metadata', 'body', 'describe_documents', 'describe_groups', 'documents_view', 'group_key', 'hash_strings',
    'iter_documents', 'kwic_explorer', 'load_corpus', 'load_metadata', 'load_run_corpus',
    'normalise_chunk', 'normalize_text', 'paragraph_spans', 'per_document', 'plot_lengths', 'plot_segments',
    'prepare_chunk', 'segment', 'segment_chunk', 'segment_counts', 'segments_view', 'sentence_spans',
    'top_terms', 'units', 'view_groups', 'view_rows', 'with_document_columns',
]
