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
from ._explore import LIVE_SEARCH_SENTENCES, KwicExplorer, kwic_explorer
from ._ingest import (
    DEFAULT_CHUNK_SIZE,
    DocumentStream,
    hash_strings,
    iter_documents,
    normalise_chunk,
)
from ._overview import describe_documents, plot_lengths, plot_segments, segment_counts, top_terms
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
    'ABBREVIATIONS', 'ANALYSED_SEGMENTS', 'ColumnMap', 'DEFAULT_CHUNK_SIZE', 'DOC_COLUMNS',
    'DocumentStream', 'FormatReaders', 'KwicExplorer', 'LIVE_SEARCH_SENTENCES', 'LineStats',
    'SEGMENT_TYPES',
    'SENTENCE_COLUMNS', 'apply_metadata', 'body', 'describe_documents', 'group_key', 'hash_strings',
    'iter_documents', 'kwic_explorer', 'load_corpus', 'load_metadata', 'load_run_corpus',
    'normalise_chunk', 'normalize_text', 'paragraph_spans', 'plot_lengths', 'plot_segments',
    'prepare_chunk', 'segment', 'segment_chunk', 'segment_counts', 'sentence_spans', 'top_terms',
    'units', 'with_document_columns',
]
