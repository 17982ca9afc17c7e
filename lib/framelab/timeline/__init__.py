"""Change over time: periods, attention, labels, stance and topics per period, change points and event windows."""

from ._changepoints import (
    CHANGEPOINT_COLUMNS,
    EVENT_COLUMNS,
    METHOD,
    SPANS,
    change_points,
    change_points_table,
    event_table,
    event_windows,
    parse_events,
)
from ._runtables import (
    FRAMING_COLUMNS,
    FRAMING_TABLES,
    STANCE_COLUMNS,
    framing_run_tables,
    missing_note,
    run_table,
)
from ._timeline import (
    PERIOD_RULE,
    PERIODS,
    TIME_COLUMNS,
    VALUE_COLUMNS,
    TimeFrame,
    attention_values,
    dated_values,
    label_values,
    plot_over_time,
    stance_values,
    time_figure,
    time_frame,
    time_table,
    top_subjects,
    topic_values,
)

__all__ = [
    'attention_values', 'change_points', 'change_points_table', 'CHANGEPOINT_COLUMNS',
    'dated_values', 'EVENT_COLUMNS', 'event_table', 'event_windows', 'framing_run_tables',
    'FRAMING_COLUMNS', 'FRAMING_TABLES', 'label_values', 'METHOD', 'missing_note', 'parse_events', 'PERIOD_RULE',
    'PERIODS', 'plot_over_time', 'run_table', 'SPANS', 'STANCE_COLUMNS', 'stance_values',
    'TIME_COLUMNS', 'time_figure', 'time_frame', 'time_table', 'TimeFrame', 'top_subjects',
    'topic_values', 'VALUE_COLUMNS',
]
