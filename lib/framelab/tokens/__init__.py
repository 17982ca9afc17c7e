"""Tokens with offsets, document-term matrices, KWIC concordances and collocations."""

from ._analyzer import DEFAULT_MWES, KEEP_WORDS, STOP_WORDS, Analyzer, Token, tokenize
from ._bigrams import BigramCounts
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
from ._memos import forget_memos, forgets, register_memo
from ._termparts import TermCountParts, stack_pruned
from ._totals import TextTotals

__all__ = [
    'align_columns', 'Analyzer', 'BigramCounts', 'collocations', 'count_terms', 'DEFAULT_MWES',
    'document_term_matrix', 'DTM', 'dtm_from_tokens', 'forget_memos', 'KEEP_WORDS', 'kwic',
    'forgets', 'prune_terms', 'register_memo',
    'sort_kwic', 'stack_dtms', 'stack_pruned', 'STOP_WORDS', 'TermCountParts', 'TextTotals', 'Token', 'TOKEN_COLUMNS', 'token_table',
    'tokenize',
]
