"""A run's corpus: configuration, the Parquet cache, engines (local / Dask), partition-wise analyses, counts."""

from ._cache import CACHE_FORMAT, CorpusCache, build_cache, cache_settings, default_cache_dir
from ._config import (
    NOTEBOOK_PARAMETERS,
    RUN_PARAMETERS,
    Parameter,
    check_value,
    describe_parameters,
    notebook_parameters_of,
    parameters_cell,
    run_parameter_names,
)
from ._counts import COUNT_BATCH, ChunkCounter, CorpusCounts, count_corpus
from ._engine import (
    ENGINES,
    Engine,
    combine,
    describe_chunk,
    local_cluster,
    map_documents,
    open_engine,
)
from ._overview import (
    NONBODY_COLUMNS,
    OVERVIEW_TABLE_NAMES,
    corpus_overview,
    document_words,
    keyness_batches,
    overview_tables,
    rate_units,
    sentences_without_text,
    text_totals,
)
from ._partitions import (
    BATCH_DOCUMENTS,
    FRAMING_TABLE_NAMES,
    LABEL_KWIC_COLUMNS,
    SHINGLE_COLUMNS,
    RunCorpus,
    framing_tables,
    in_batches,
    load_run_corpus_cached,
    open_run_corpus,
    reuse_quotes,
    reuse_shingles,
    sentence_texts,
)
from ._reuseparts import reuse_sentences
from ._stanceparts import annotated_documents, stance_tables
from ._topicparts import (
    THETA_BLOCK,
    UnitCounts,
    analysed_documents,
    topic_dtm,
    topic_passages,
    topic_theta,
)
from ._written import WrittenTable

__all__ = [
    'analysed_documents', 'annotated_documents', 'BATCH_DOCUMENTS', 'build_cache', 'CACHE_FORMAT',
    'cache_settings', 'check_value', 'ChunkCounter', 'combine', 'corpus_overview', 'CorpusCache',
    'CorpusCounts', 'COUNT_BATCH', 'count_corpus', 'default_cache_dir', 'describe_chunk',
    'describe_parameters', 'Engine', 'ENGINES', 'FRAMING_TABLE_NAMES', 'framing_tables',
    'in_batches', 'keyness_batches', 'LABEL_KWIC_COLUMNS', 'load_run_corpus_cached',
    'local_cluster', 'map_documents', 'NONBODY_COLUMNS', 'NOTEBOOK_PARAMETERS',
    'notebook_parameters_of', 'open_engine', 'open_run_corpus', 'OVERVIEW_TABLE_NAMES',
    'overview_tables', 'Parameter',
    'parameters_cell', 'reuse_quotes', 'reuse_sentences', 'reuse_shingles', 'run_parameter_names',
    'RUN_PARAMETERS', 'RunCorpus', 'sentence_texts', 'sentences_without_text', 'document_words', 'rate_units', 'SHINGLE_COLUMNS',
    'stance_tables', 'text_totals', 'THETA_BLOCK', 'topic_dtm', 'topic_passages', 'topic_theta',
    'UnitCounts', 'WrittenTable',
]
