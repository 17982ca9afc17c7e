"""The report: the notebook runner and its manifest, publishing HTML pages, the summary page."""

from ._params import (
    RUN_PARAMETERS,
    NotebookSpec,
    discover_notebooks,
    load_params_file,
    notebook_parameters,
    parse_cli_value,
    resolve_parameters,
)
from ._publish import CHROMIUM_ARGS, chromium_path, export_html, screenshot_index, write_index
from ._runner import RunResult, run_report
from ._summary import (
    KEY_FIGURES,
    PREVIEW_WIDTH,
    actor_view,
    figure_paths,
    load_tables,
    missing_note,
    narrator_labels,
    preview_png,
    reuse_overview,
    run_facts,
    stance_overview,
    time_overview,
    topic_overview,
)

__all__ = [
    'CHROMIUM_ARGS', 'KEY_FIGURES', 'PREVIEW_WIDTH', 'NotebookSpec', 'RUN_PARAMETERS', 'RunResult', 'actor_view',
    'chromium_path', 'discover_notebooks', 'export_html', 'figure_paths', 'load_params_file',
    'load_tables', 'missing_note', 'narrator_labels', 'notebook_parameters', 'parse_cli_value',
    'preview_png',    'resolve_parameters', 'reuse_overview', 'run_facts', 'run_report', 'screenshot_index',
    'stance_overview', 'time_overview', 'topic_overview', 'write_index',
]
