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
from ._timeline import (
    PERIOD_RULE,
    PERIODS,
    TIME_COLUMNS,
    VALUE_COLUMNS,
    TimeFrame,
    attention_values,
    dated_values,
    label_values,
    missing_note,
    plot_over_time,
    run_table,
    stance_values,
    time_figure,
    time_frame,
    time_table,
    top_subjects,
    topic_values,
)

__all__ = [
    'CHANGEPOINT_COLUMNS', 'EVENT_COLUMNS', 'METHOD', 'PERIODS', 'PERIOD_RULE', 'SPANS',
    'TIME_COLUMNS', 'TimeFrame', 'VALUE_COLUMNS', 'attention_values', 'change_points',
    'change_points_table', 'dated_values', 'event_table', 'event_windows', 'label_values',
    'missing_note', 'parse_events', 'plot_over_time', 'run_table', 'stance_values', 'time_figure',
    'time_frame', 'time_table', 'top_subjects', 'topic_values',
]
