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
from ._classify import classify_pairs
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
    merge_candidates,
    needs_shingle_alignment,
    shared_quotes,
    stack_layers,
)
from ._reported import (
    SPEAKER_COLUMNS,
    SpeakerMemo,
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
    'actor_aliases', 'align_passages', 'align_rewrites', 'bound_candidates',
    'bound_rewrite_candidates', 'bound_shingle_candidates', 'CANDIDATE_COLUMNS', 'candidate_pairs',
    'candidates_from_buckets', 'CHAIN_COLUMNS', 'chain_links', 'chain_scores', 'CHANGE_COLUMNS',
    'CHANGES', 'choose_bands', 'CIRCLE_EDGES_PER_NODE', 'CIRCLE_MAX_NODES', 'classify_pairs',
    'CONTENT_CANDIDATE_COLUMNS', 'content_candidates', 'ContentAnalyzer', 'doc_texts',
    'document_quotes', 'EMPTY_SIGNATURE', 'estimate_jaccard', 'fdr_qvalues', 'find_reuse',
    'find_rewrite_candidates', 'first_pair_html', 'fit_space', 'keep_strongest', 'KINDS',
    'local_alignment', 'lsh_buckets', 'lsh_candidates', 'lsh_threshold', 'MATRIX_COLUMNS',
    'MAX_NODES', 'MEASURES', 'merge_candidates', 'METHODS', 'minhash_from_shingles',
    'minhash_signatures', 'needs_shingle_alignment', 'network_caption', 'network_edges',
    'network_layout', 'null_threshold', 'order_pvalue', 'PAIR_COLUMNS', 'pair_html',
    'pair_html_path', 'passage_changes', 'PASSAGE_COLUMNS', 'plot_reuse_matrix',
    'plot_reuse_network', 'plot_similarity_matrix', 'quoting_documents', 'RELATION_COLUMNS',
    'RELATION_STYLES', 'RELATIONS', 'reported_links', 'RESULT_PAIR_COLUMNS', 'reuse_matrix',
    'reuse_network_figure', 'reuse_pairs', 'ReuseResult', 'RewriteLayer', 'same_speaker',
    'save_pair_html', 'save_pair_views', 'sentence_speakers', 'shared_quotes', 'shingle_hashes',
    'shingle_overlap', 'shingle_sets', 'short_documents', 'similar_sentences', 'similarity_matrix',
    'SPEAKER_COLUMNS', 'speaker_key', 'SpeakerMemo', 'speakers_by_sentence', 'stack_layers',
]
