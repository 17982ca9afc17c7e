"""Interactive exploration in JupyterLab: a KWIC explorer for any word or phrase.

Not used by the report notebooks (their HTML must open offline without widget scripts); call it
in your own notebook::

    from ._explore import kwic_explorer
    kwic_explorer(sentences)
"""

from __future__ import annotations

import pandas as pd

from ..tokens import kwic

__all__ = ["KwicExplorer", "kwic_explorer"]


class KwicExplorer:
    """A text box and a table: type a word or phrase, see every occurrence in context.

    Parameters
    ----------
    sentences : DataFrame
        A sentence table (see ``docs/contracts.md``), usually the analysed sentences.
    window : int
        Characters of context on each side.
    max_rows : int
        At most this many lines are shown (all are counted).
    """

    def __init__(self, sentences: pd.DataFrame, *, window: int = 60, max_rows: int = 200,
                 query: str = "") -> None:
        import ipywidgets as widgets

        self.sentences = sentences
        self.window = window
        self.max_rows = max_rows
        self.query = widgets.Text(value=query, placeholder="word or phrase, e.g. terrorist",
                                  description="KWIC:", continuous_update=False)
        self.status = widgets.HTML()
        self.output = widgets.Output()
        self.query.observe(lambda change: self.show(change["new"]), names="value")
        self.widget = widgets.VBox([self.query, self.status, self.output])
        self.lines = pd.DataFrame()
        if query:
            self.show(query)

    def show(self, query: str) -> pd.DataFrame:
        """Search ``query`` and display the lines; returns them (all of them)."""
        from IPython.display import display

        self.output.clear_output()
        if not query.strip():
            self.status.value = ""
            self.lines = pd.DataFrame()
            return self.lines
        self.lines = kwic(self.sentences, query, window=self.window)
        n_docs = self.lines["doc_id"].nunique() if len(self.lines) else 0
        shown = min(len(self.lines), self.max_rows)
        self.status.value = (f"<b>{len(self.lines)}</b> occurrence(s) of <i>{query}</i> in "
                             f"{n_docs} document(s); showing {shown}")
        with self.output:
            display(self.lines.head(self.max_rows))
        return self.lines

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def kwic_explorer(sentences: pd.DataFrame, *, window: int = 60, max_rows: int = 200,
                  query: str = "") -> KwicExplorer:
    """Create a :class:`KwicExplorer` (display it as the last expression of a cell)."""
    return KwicExplorer(sentences, window=window, max_rows=max_rows, query=query)
