"""Tokens with offsets, document-term matrices, KWIC concordances and collocations."""

from ._analyzer import DEFAULT_MWES, KEEP_WORDS, STOP_WORDS, Analyzer, Token, tokenize
from ._concordance import collocations, kwic, sort_kwic
from ._matrix import (
    DTM,
    TOKEN_COLUMNS,
    align_columns,
    count_terms,
    document_term_matrix,
    dtm_from_tokens,
    prune_terms,
    stack_dtms,
    token_table,
)

__all__ = [
    'Analyzer', 'DEFAULT_MWES', 'DTM', 'KEEP_WORDS', 'STOP_WORDS', 'TOKEN_COLUMNS', 'Token',
    'align_columns', 'collocations', 'count_terms', 'document_term_matrix', 'dtm_from_tokens',
    'kwic', 'prune_terms', 'sort_kwic', 'stack_dtms', 'token_table', 'tokenize',
]
