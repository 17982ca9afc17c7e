"""Validating a run against human coders: stratified samples of its decisions, coding sheets, agreement."""

from ._agreement import (
    ALPHA_COLUMNS,
    CONFUSION_COLUMNS,
    KAPPA_COLUMNS,
    NO_SHEETS_NOTE,
    TOOL_CLASS_COLUMNS,
    TOOL_COLUMNS,
    coder_kappa,
    confusion_table,
    disagreements,
    krippendorff_alpha,
    plot_confusion,
    tool_agreement,
)
from ._sample import (
    ITEM_COLUMNS,
    META_COLUMNS,
    NONE,
    WHATS,
    Run,
    allocate,
    classes_for,
    coder_columns,
    constant_column,
    decisions,
    item_id,
    normalize_code,
    open_run,
    read_sheet,
    sample_sheet,
    sheet_paths,
    warn,
    write_coder_html,
    write_sheet,
)
from ._score import ValidationResult, score_sheets

__all__ = [
    'ALPHA_COLUMNS', 'CONFUSION_COLUMNS', 'ITEM_COLUMNS', 'KAPPA_COLUMNS', 'META_COLUMNS', 'NONE',
    'NO_SHEETS_NOTE', 'Run', 'TOOL_CLASS_COLUMNS', 'TOOL_COLUMNS', 'ValidationResult', 'WHATS',
    'allocate', 'classes_for', 'coder_columns', 'coder_kappa', 'confusion_table', 'constant_column',
    'decisions', 'disagreements', 'item_id', 'krippendorff_alpha', 'normalize_code', 'open_run',
    'plot_confusion', 'read_sheet', 'sample_sheet', 'score_sheets', 'sheet_paths', 'tool_agreement',
    'warn', 'write_coder_html', 'write_sheet',
]
