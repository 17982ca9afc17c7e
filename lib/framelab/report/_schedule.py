"""The order in which ``framelab report --jobs N`` starts the notebooks of a stage.

The report runs stage by stage: notebooks whose names start with the same digit (00-09,
10-19, ... 90-99) form a stage, may run side by side and must not read each other's outputs;
a stage starts when the one before it has finished, because its notebooks read the earlier
outputs (10_time reads the tables of 01_framing, 02_topics and 03_stance; 99_summary reads
every table). Within a stage a pool of ``--jobs`` workers takes the notebooks in the order
they are submitted, and that order decides when the stage ends: a long notebook started last
keeps one worker busy long after the others are idle.

The rule (longest processing time first): the notebooks of a stage are submitted in
decreasing order of :data:`ESTIMATED_SECONDS`, their measured or expected time on a large
corpus, ties (and notebooks without an estimate, which count as 0 s, such as a folder of
one's own ``--notebooks``) in file-name order. Run one at a time (``--jobs 1``), a stage keeps
file-name order: the total is the same whatever the order. The order changes when a notebook
starts, never what it computes, and the manifest lists notebooks in file-name order either
way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["ESTIMATED_SECONDS", "start_order"]

#: Estimated seconds of each shipped notebook on the 100,000 generated articles of
#: ``benchmarks/make_corpus.py`` (the varied corpus), from the manifest of run v6 (every
#: notebook, 2026-12-07) in ``benchmarks/results/report-scale-100000.md``, rounded. Only the
#: order matters; refresh it from a report's ``manifest.json`` (``seconds`` of each notebook)
#: when the ranking changes.
ESTIMATED_SECONDS: dict[str, float] = {
    "03_stance": 600,
    "04_reuse": 580,
    "01_framing": 300,
    "02_topics": 150,
    "00_corpus": 90,
    "10_time": 30,
    "99_summary": 7,
    "06_validation": 3,
}


def start_order(names: Iterable[str],
                estimates: Mapping[str, float] | None = None) -> list[str]:
    """``names`` (notebook stems of one stage) in the order a pool should start them.

    Parameters
    ----------
    names : iterable of str
        Notebook stems such as ``"01_framing"``.
    estimates : mapping of str to float, optional
        Estimated seconds per notebook; default :data:`ESTIMATED_SECONDS`. A notebook not
        in it counts as 0 s.

    Returns
    -------
    list of str
        Largest estimate first; equal estimates in file-name (sorted) order.
    """
    cost = ESTIMATED_SECONDS if estimates is None else estimates
    return sorted(names, key=lambda name: (-float(cost.get(name, 0.0)), name))
