"""The order in which ``framelab report --jobs N`` starts the notebooks of a stage.

The report runs stage by stage: notebooks whose names start with the same digit (00-09,
10-19, ... 90-99) form a stage, may run side by side and must not read each other's outputs;
a stage starts when the one before it has finished, because its notebooks read the earlier
outputs (10_time reads the tables of 01_framing, 02_topics and 03_stance; 99_summary reads
every table). Within a stage a pool of ``--jobs`` workers takes the notebooks in the order
they are submitted, and that order decides when the stage ends: a long notebook started last
keeps one worker busy long after the others are idle.

A notebook that declares what it reads (:data:`READS`) need not wait for the whole stage
before it: 10_time starts as soon as 01_framing, 02_topics and 03_stance have finished, on a
worker that would otherwise sit idle while 00_corpus or 04_reuse end. It does so only when it
and every notebook of the stages before it log their outputs (an ``output_log`` parameter):
outputs no notebook logs are attributed by stage (``_manifest._attribute_unlogged``), which
needs those stages apart.

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

__all__ = ["ESTIMATED_SECONDS", "READS", "start_order", "waits_for"]

#: Estimated seconds of each shipped notebook on the 100,000 generated articles of
#: ``benchmarks/make_corpus.py`` (the varied corpus), from the manifest of run v8 (every
#: notebook, 2026-12-07) in ``benchmarks/results/report-scale-100000.md``, rounded. Only the
#: order matters; refresh it from a report's ``manifest.json`` (``seconds`` of each notebook)
#: when the ranking changes.
ESTIMATED_SECONDS: dict[str, float] = {
    "03_stance": 550,
    "04_reuse": 440,
    "01_framing": 280,
    "02_topics": 140,
    "00_corpus": 55,
    "10_time": 30,
    "99_summary": 8,
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


#: The notebooks whose outputs a shipped notebook reads, where these are fewer than every
#: notebook of the stages before it (the rule for every other notebook): 10_time reads the
#: mention, stance and topic tables of these three (its cells say which).
READS: dict[str, tuple[str, ...]] = {
    "10_time": ("01_framing", "02_topics", "03_stance"),
}


def stage_of(name: str) -> str:
    """Notebooks of one decade ("0x", "1x", ... "9x") are independent and may run together."""
    return name[0] if name[:1].isdigit() else name


def waits_for(names: Iterable[str], *, reads: Mapping[str, Iterable[str]] | None = None
              ) -> dict[str, set[str]]:
    """For each of ``names`` (a run's notebooks), the notebooks of the run it starts after.

    Every notebook of the stages before its own, unless ``reads`` (default :data:`READS`;
    pass ``{}`` for stages alone) names what it reads: then those of them that are in the
    run and in an earlier stage. A notebook in ``reads`` that is not in the run (``--only``
    reuses its outputs) is not waited for.
    """
    names = list(names)
    declared = READS if reads is None else reads
    waits = {}
    for name in names:
        earlier = {n for n in names if stage_of(n) < stage_of(name)}
        if name in declared:
            earlier &= set(declared[name])
        waits[name] = earlier
    return waits
