"""The report: the notebook runner and its manifest, publishing HTML pages, the summary page."""

from ._lab import NOTEBOOK_FILTER, SCRATCH_DIR, lab_command, protect_notebooks, strip_outputs
from ._params import (
    NUMBERED_NOTEBOOK,
    RUN_PARAMETERS,
    SUMMARY_NUMBER,
    NotebookSpec,
    discover_notebooks,
    load_params_file,
    notebook_parameters,
    parse_cli_value,
    resolve_parameters,
)
from ._publish import CHROMIUM_ARGS, chromium_path, export_html, screenshot_index, write_index
from ._runner import RunResult, run_report
from ._schedule import ESTIMATED_SECONDS, READS, start_order, waits_for
from ._summary import (
    KEY_FIGURES,
    PREVIEW_WIDTH,
    RunTables,
    actor_view,
    figure_paths,
    load_tables,
    missing_note,
    narrator_labels,
    preview_png,
    reuse_overview,
    run_facts,
    stance_overview,
    summary_source,
    time_overview,
    topic_overview,
)

__all__ = [
    'actor_view', 'CHROMIUM_ARGS', 'chromium_path', 'discover_notebooks', 'ESTIMATED_SECONDS',
    'export_html',
    'figure_paths', 'KEY_FIGURES', 'READS', 'lab_command', 'load_params_file', 'load_tables', 'missing_note',
    'narrator_labels', 'NOTEBOOK_FILTER', 'notebook_parameters', 'NotebookSpec',
    'NUMBERED_NOTEBOOK', 'parse_cli_value', 'preview_png', 'PREVIEW_WIDTH', 'protect_notebooks',
    'resolve_parameters', 'reuse_overview', 'run_facts', 'RUN_PARAMETERS', 'run_report',
    'RunResult', 'RunTables', 'SCRATCH_DIR', 'screenshot_index', 'stance_overview', 'start_order',
    'strip_outputs', 'waits_for',
    'SUMMARY_NUMBER', 'summary_source', 'time_overview', 'topic_overview', 'write_index',
]
