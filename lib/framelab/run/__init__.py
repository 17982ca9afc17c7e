"""A run's corpus: configuration, the Parquet cache, engines (local / Dask), partition-wise analyses, counts."""

from ._cache import (
    CACHE_FORMAT, CorpusCache, build_cache, cache_settings, default_cache_dir,
    load_run_corpus_cached,
)
from ._engine import (
    ENGINES, Engine, combine, describe_chunk, local_cluster, map_documents, open_engine,
)
from ._partitions import (
    RunCorpus, SHINGLE_COLUMNS, UnitCounts, framing_tables, open_run_corpus, reuse_shingles,
    stance_tables, topic_dtm, topic_theta,
)
from ._counts import COUNT_BATCH, ChunkCounter, CorpusCounts, count_corpus

__all__ = [
    'CACHE_FORMAT', 'COUNT_BATCH', 'ChunkCounter', 'CorpusCache', 'CorpusCounts', 'ENGINES',
    'Engine', 'RunCorpus', 'SHINGLE_COLUMNS', 'UnitCounts', 'build_cache', 'cache_settings',
    'combine', 'count_corpus', 'default_cache_dir', 'describe_chunk', 'framing_tables',
    'load_run_corpus_cached', 'local_cluster', 'map_documents', 'open_engine', 'open_run_corpus',
    'reuse_shingles', 'stance_tables', 'topic_dtm', 'topic_theta',
]
