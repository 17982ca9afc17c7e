"""Text reuse: MinHash shingles, candidate pairs, sentence alignment, and the reuse views."""

from ._minhash import (
    EMPTY_SIGNATURE, candidates_from_buckets, choose_bands, estimate_jaccard, lsh_buckets,
    lsh_candidates, lsh_threshold, minhash_from_shingles, minhash_signatures,
    shingle_hashes, shingle_overlap, shingle_sets,
)
from ._candidates import (
    CANDIDATE_COLUMNS, KINDS, METHODS, PAIR_COLUMNS, ReuseResult, candidate_pairs,
    doc_texts, find_reuse, reuse_pairs, short_documents,
)
from ._alignment import CHANGES, CHANGE_COLUMNS, PASSAGE_COLUMNS, align_passages, passage_changes
from ._view import (
    MEASURES, pair_html, pair_html_path, plot_similarity_matrix, save_pair_html,
    save_pair_views, similarity_matrix,
)

__all__ = [
    'CANDIDATE_COLUMNS', 'CHANGES', 'CHANGE_COLUMNS', 'EMPTY_SIGNATURE', 'KINDS', 'MEASURES',
    'METHODS', 'PAIR_COLUMNS', 'PASSAGE_COLUMNS', 'ReuseResult', 'align_passages',
    'candidate_pairs', 'candidates_from_buckets', 'choose_bands', 'doc_texts', 'estimate_jaccard',
    'find_reuse', 'lsh_buckets', 'lsh_candidates', 'lsh_threshold', 'minhash_from_shingles',
    'minhash_signatures', 'pair_html', 'pair_html_path', 'passage_changes',
    'plot_similarity_matrix', 'reuse_pairs', 'save_pair_html', 'save_pair_views', 'shingle_hashes',
    'shingle_overlap', 'shingle_sets', 'short_documents', 'similarity_matrix',
]
