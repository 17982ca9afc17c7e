"""Interactive exploration in JupyterLab: a KWIC explorer for any word or phrase.

Not used by the report notebooks (their HTML must open offline without widget scripts); call it
in your own notebook (in ``notebooks/scratch/``, see the README)::

    from framelab import corpus as fc
    fc.kwic_explorer(sentences)
"""

from __future__ import annotations

import pandas as pd

from ..errors import ParameterError
from ..outputs import Preview, preview
from ..tokens import kwic, sort_kwic

__all__ = ["LIVE_SEARCH_SENTENCES", "KwicExplorer", "kwic_explorer"]

#: Up to this many sentences the explorer searches as you type; above it, on Enter.
LIVE_SEARCH_SENTENCES = 50_000
_SORTS = {"document order": "document", "left context": "left", "right context": "right"}


class KwicExplorer:
    """A text box, a sort menu and a table: type a word or phrase, see every occurrence.

    The query takes the codebook's wildcard (``terror*`` finds terrorist and terrorism).
    Lines show their whole context, the left context right-aligned against the keyword, and
    sort by document, left context (nearest word first) or right context.

    Parameters
    ----------
    sentences : DataFrame
        A sentence table (see ``docs/contracts.md``), usually the analysed sentences.
    window : int
        Characters of context on each side.
    max_rows : int
        At most this many lines are shown (all are counted).
    live : bool or None
        Search at each keystroke (True) or when Enter is pressed (False); None: live up to
        :data:`LIVE_SEARCH_SENTENCES` sentences. The status line says which.
    """

    def __init__(self, sentences: pd.DataFrame, *, window: int = 60, max_rows: int = 200,
                 query: str = "", sort: str = "document order",
                 live: bool | None = None) -> None:
        import ipywidgets as widgets

        if sort not in _SORTS:
            raise ParameterError(f"sort={sort!r}; use one of {', '.join(map(repr, _SORTS))}")
        self.sentences = sentences
        self.window = window
        self.max_rows = max_rows
        self.live = len(sentences) <= LIVE_SEARCH_SENTENCES if live is None else live
        self.hint = ("searches as you type" if self.live else "press Enter to search")
        self.query = widgets.Text(
            value=query, placeholder=f"word or phrase, e.g. terror* ({self.hint})",
            description="KWIC:", continuous_update=self.live)
        self.sort = widgets.Dropdown(options=list(_SORTS), value=sort, description="sort by:")
        self.status = widgets.HTML(value=self._idle())
        self.output = widgets.Output()
        self.query.observe(lambda change: self.show(change["new"]), names="value")
        self.sort.observe(lambda change: self.show(self.query.value), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.query, self.sort]), self.status,
                                    self.output])
        self.lines = pd.DataFrame()
        self.shown: Preview | None = None
        if query:
            self.show(query)

    def _idle(self) -> str:
        return f"<i>Type a word or phrase ({self.hint}); a trailing * matches any ending.</i>"

    def show(self, query: str) -> pd.DataFrame:
        """Search ``query`` and display the lines; returns them (all of them), sorted."""
        from IPython.display import display

        self.output.clear_output()
        if not query.strip().rstrip("*").strip():
            self.status.value = self._idle()
            self.lines, self.shown = pd.DataFrame(), None
            return self.lines
        found = kwic(self.sentences, query, window=self.window)
        self.lines = sort_kwic(found, by=_SORTS[self.sort.value])
        n_docs = self.lines["doc_id"].nunique() if len(self.lines) else 0
        shown = min(len(self.lines), self.max_rows)
        self.status.value = (f"<b>{len(self.lines)}</b> occurrence(s) of <i>{query}</i> in "
                             f"{n_docs} document(s); showing {shown}, sorted by "
                             f"{self.sort.value}")
        self.shown = preview(self.lines.drop(columns=["start", "end"]), n=self.max_rows)
        with self.output:
            display(self.shown)
        return self.lines

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def kwic_explorer(sentences: pd.DataFrame, *, window: int = 60, max_rows: int = 200,
                  query: str = "", sort: str = "document order",
                  live: bool | None = None) -> KwicExplorer:
    """Create a :class:`KwicExplorer` (display it as the last expression of a cell)."""
    return KwicExplorer(sentences, window=window, max_rows=max_rows, query=query, sort=sort,
                        live=live)
