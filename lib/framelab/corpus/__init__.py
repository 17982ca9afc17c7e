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
from ._frames import concat_parts, contiguous, member_of, positions, release_memory
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
from ._slices import (
    SENTENCE_TEXTS,
    check_sentence_texts,
    has_texts,
    sentence_texts,
    with_texts,
    without_texts,
)

__all__ = [
    'ABBREVIATIONS', 'ANALYSED_SEGMENTS', 'apply_metadata', 'body', 'ColumnMap', 'concat_parts', 'contiguous',
    'DEFAULT_CHUNK_SIZE', 'describe_documents', 'describe_groups', 'DOC_COLUMNS', 'documents_view',
    'DocumentStream', 'FormatReaders', 'group_key', 'hash_strings', 'iter_documents',
    'kwic_explorer', 'KwicExplorer', 'LineStats', 'LIVE_SEARCH_SENTENCES', 'load_corpus', 'member_of', 'positions',
    'load_metadata', 'load_run_corpus', 'NO_GROUP', 'normalise_chunk', 'normalize_text',
    'paragraph_spans', 'per_document', 'plot_lengths', 'plot_segments', 'prepare_chunk', 'release_memory', 'segment',
    'segment_chunk', 'segment_counts', 'SEGMENT_TYPES', 'segments_view', 'SENTENCE_COLUMNS',
    'SENTENCE_TEXTS', 'check_sentence_texts', 'has_texts', 'sentence_spans', 'sentence_texts', 'with_texts',
    'without_texts',
    'top_terms', 'units', 'view_groups', 'view_rows', 'with_document_columns',
]
