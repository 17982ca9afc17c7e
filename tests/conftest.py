"""Shared fixtures: a small inline corpus and the project's paths."""

from __future__ import annotations

from pathlib import Path

import pytest
from framelab import report
from framelab.paths import PROJECT_ROOT, SEEDS_DIR

SHARED = PROJECT_ROOT.parent / "shared"

INLINE_DOCS = {
    "a1": "The rebels advanced on Aleppo on Monday. U.S. officials said the regime's forces "
          "retreated.\n\nMaj. Gen. Pat Ryder said: \u201cWe are not involved.\u201d",
    "a2": "Militants attacked the city. The government in Damascus condemned the "
          "\u2018terrorist\u2019 assault.\nFollow us on YouTube for more news.",
    "b1": "Hayat Tahrir al-Sham fighters took the airport, the Syrian army said.\n"
          "Follow us on YouTube for more news.",
}


@pytest.fixture()
def txt_corpus(tmp_path: Path) -> Path:
    """A folder of three .txt articles."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for doc_id, text in INLINE_DOCS.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the project; tests needing it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (it holds data used only for training/evaluation)")
    return SHARED


@pytest.fixture(scope="session")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> report.RunResult:
    """One full report run on the seeds, shared by every test that inspects a run."""
    out = tmp_path_factory.mktemp("report")
    return report.run_report(corpus=SEEDS_DIR, out=out, run_id="seeds", progress=False)


@pytest.fixture(scope="session")
def seed_rerun(tmp_path_factory: pytest.TempPathFactory) -> report.RunResult:
    """A second report run on the seeds, with every figure at single-column width and no HTML.

    Shared by the two tests that need a second run: the determinism test (neither the figure
    width nor running two notebooks of a stage at once changes a table, so its tables must be
    byte-identical to :func:`seed_run`'s) and the legibility test (every figure checked at
    both widths)."""
    out = tmp_path_factory.mktemp("rerun")
    return report.run_report(corpus=SEEDS_DIR, out=out, run_id="single", figure_width="single",
                             progress=False, html=False, screenshot=False, jobs=2)


@pytest.hookimpl(tryfirst=True)  # before xdist's worker reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Groups for pytest-xdist's ``--dist loadgroup`` (``make test`` runs two workers): every
    test that reads the session's seeds runs goes to one worker, so each run is made once,
    and each other module stays on one worker, so its module fixtures are built once.

    Not yet effective: in a ``-n 2`` run (2026-12-07) both workers still made the seeds
    runs and the scale test's runs (each worker's basetemp held report0/, rerun0/, scale0/);
    the suite passes either way, the duplicated runs only cost time. With pytest 9.2 and
    pytest-xdist 3.8 even a module-level ``pytestmark = pytest.mark.xdist_group("g")`` in two
    files splits their tests between two workers (checked on a two-file toy suite), so the
    cause is not this hook."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            seeds = {"seed_run", "seed_rerun"} & set(getattr(item, "fixturenames", ()))
            item.add_marker(pytest.mark.xdist_group("seeds" if seeds
                                                    else item.nodeid.split("::")[0]))
