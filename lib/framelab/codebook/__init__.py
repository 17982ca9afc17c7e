"""The codebook: label families, actors, events and terms (YAML schema, parsing, matcher)."""

from ._codebook import (
    Actor,
    Attribution,
    Codebook,
    CodebookArg,
    Frame,
    Label,
    Side,
    VerbClass,
    codebook_from_text,
    default_codebook_path,
    load_codebook,
    resolve_codebook,
)
from ._matcher import Match, Matcher, Term, reference_matches, term_key

__all__ = [
    'Actor', 'Attribution', 'Codebook', 'CodebookArg', 'Frame', 'Label', 'Match', 'Matcher', 'Side',
    'Term', 'VerbClass', 'codebook_from_text', 'default_codebook_path', 'load_codebook',
    'reference_matches', 'resolve_codebook', 'term_key',
]
