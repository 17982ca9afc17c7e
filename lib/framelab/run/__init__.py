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
from ._partitions import (
    SHINGLE_COLUMNS,
    RunCorpus,
    UnitCounts,
    framing_tables,
    load_run_corpus_cached,
    open_run_corpus,
    reuse_quotes,
    reuse_shingles,
    stance_tables,
    topic_dtm,
    topic_theta,
)

__all__ = [
    'CACHE_FORMAT', 'COUNT_BATCH', 'ChunkCounter', 'CorpusCache', 'CorpusCounts', 'ENGINES',
    'Engine', 'NOTEBOOK_PARAMETERS', 'Parameter', 'RUN_PARAMETERS', 'RunCorpus', 'SHINGLE_COLUMNS',
    'UnitCounts', 'build_cache', 'cache_settings', 'check_value', 'combine', 'count_corpus',
    'default_cache_dir', 'describe_chunk', 'describe_parameters', 'framing_tables',
    'load_run_corpus_cached', 'local_cluster', 'map_documents', 'notebook_parameters_of',
    'open_engine', 'open_run_corpus', 'parameters_cell', 'reuse_quotes', 'reuse_shingles', 'run_parameter_names',
    'stance_tables', 'topic_dtm', 'topic_theta',
]
