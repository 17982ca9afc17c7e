"""Text reuse: MinHash shingles, candidate pairs, sentence alignment, and the reuse views."""

from ._alignment import CHANGE_COLUMNS, CHANGES, PASSAGE_COLUMNS, align_passages, passage_changes
from ._candidates import (
    CANDIDATE_COLUMNS,
    KINDS,
    METHODS,
    PAIR_COLUMNS,
    ReuseResult,
    candidate_pairs,
    doc_texts,
    reuse_pairs,
    short_documents,
)
from ._chains import CHAIN_COLUMNS, align_rewrites, chain_links, local_alignment
from ._find import document_quotes, find_reuse, quoting_documents
from ._minhash import (
    EMPTY_SIGNATURE,
    candidates_from_buckets,
    choose_bands,
    estimate_jaccard,
    lsh_buckets,
    lsh_candidates,
    lsh_threshold,
    minhash_from_shingles,
    minhash_signatures,
    shingle_hashes,
    shingle_overlap,
    shingle_sets,
)
from ._network import (
    CIRCLE_EDGES_PER_NODE,
    CIRCLE_MAX_NODES,
    MATRIX_COLUMNS,
    MAX_NODES,
    network_caption,
    network_layout,
    plot_reuse_matrix,
    reuse_matrix,
    reuse_network_figure,
)
from ._order import chain_scores, fdr_qvalues, order_pvalue
from ._partners import (
    bound_candidates,
    bound_rewrite_candidates,
    bound_shingle_candidates,
    keep_strongest,
)
from ._relation import (
    RELATION_COLUMNS,
    RELATIONS,
    RESULT_PAIR_COLUMNS,
    classify_pairs,
    merge_candidates,
    needs_shingle_alignment,
    shared_quotes,
    stack_layers,
)
from ._reported import (
    SPEAKER_COLUMNS,
    reported_links,
    same_speaker,
    sentence_speakers,
    speaker_key,
    speakers_by_sentence,
)
from ._rewrite import (
    CONTENT_CANDIDATE_COLUMNS,
    ContentAnalyzer,
    RewriteLayer,
    actor_aliases,
    content_candidates,
    find_rewrite_candidates,
    fit_space,
    null_threshold,
    similar_sentences,
)
from ._view import (
    MEASURES,
    RELATION_STYLES,
    first_pair_html,
    network_edges,
    pair_html,
    pair_html_path,
    plot_reuse_network,
    plot_similarity_matrix,
    save_pair_html,
    save_pair_views,
    similarity_matrix,
)

__all__ = [
    'bound_candidates', 'bound_rewrite_candidates', 'bound_shingle_candidates', 'chain_scores', 'fdr_qvalues', 'keep_strongest', 'order_pvalue',
    'CANDIDATE_COLUMNS', 'CHAIN_COLUMNS', 'CHANGES', 'CHANGE_COLUMNS', 'CONTENT_CANDIDATE_COLUMNS',
    'ContentAnalyzer', 'EMPTY_SIGNATURE', 'actor_aliases', 'KINDS', 'MEASURES', 'METHODS', 'PAIR_COLUMNS',
    'PASSAGE_COLUMNS', 'RELATIONS', 'RELATION_COLUMNS', 'RELATION_STYLES', 'RESULT_PAIR_COLUMNS',
    'ReuseResult', 'RewriteLayer', 'align_passages', 'align_rewrites', 'candidate_pairs',
    'candidates_from_buckets', 'chain_links', 'choose_bands', 'classify_pairs', 'content_candidates', 'doc_texts', 'document_quotes',
    'estimate_jaccard', 'find_reuse', 'find_rewrite_candidates', 'first_pair_html', 'fit_space', 'local_alignment',
    'lsh_buckets', 'lsh_candidates', 'lsh_threshold', 'merge_candidates', 'minhash_from_shingles',
    'minhash_signatures', 'needs_shingle_alignment', 'network_edges', 'null_threshold', 'pair_html', 'pair_html_path', 'quoting_documents',
    'passage_changes', 'plot_reuse_network', 'plot_similarity_matrix', 'reuse_pairs',
    'save_pair_html', 'save_pair_views', 'shared_quotes', 'shingle_hashes', 'shingle_overlap',
    'shingle_sets', 'short_documents', 'similar_sentences', 'similarity_matrix', 'stack_layers',
    'SPEAKER_COLUMNS', 'reported_links', 'same_speaker', 'sentence_speakers', 'speaker_key',
    'speakers_by_sentence',
    'CIRCLE_EDGES_PER_NODE', 'CIRCLE_MAX_NODES', 'MATRIX_COLUMNS', 'MAX_NODES', 'network_caption',
    'network_layout', 'plot_reuse_matrix', 'reuse_matrix', 'reuse_network_figure',
]
