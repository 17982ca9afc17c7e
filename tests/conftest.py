"""Shared fixtures: a small inline corpus and the project's paths."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from framelab import report
from framelab.paths import PROJECT_ROOT, SEEDS_DIR

try:
    import fcntl
except ImportError:  # not POSIX: each pytest-xdist worker makes its own seeds runs
    fcntl = None  # type: ignore[assignment]

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
    return _shared_run(tmp_path_factory, "report", corpus=SEEDS_DIR, run_id="seeds",
                       progress=False)


@pytest.fixture(scope="session")
def seed_rerun(tmp_path_factory: pytest.TempPathFactory) -> report.RunResult:
    """A second report run on the seeds, with every figure at single-column width and no HTML.

    Shared by the two tests that need a second run: the determinism test (neither the figure
    width nor running two notebooks of a stage at once changes a table, so its tables must be
    byte-identical to :func:`seed_run`'s) and the legibility test (every figure checked at
    both widths)."""
    return _shared_run(tmp_path_factory, "rerun", corpus=SEEDS_DIR, run_id="single",
                       figure_width="single", progress=False, html=False, screenshot=False,
                       jobs=2)


def _shared_run(tmp_path_factory: pytest.TempPathFactory, name: str,
                **kwargs: Any) -> report.RunResult:
    """``report.run_report(out=..., **kwargs)`` made once per test session.

    ``make test`` runs two pytest-xdist workers, each with its own session fixtures, and the
    seeds runs are read by tests in several modules (so on both workers). The first worker to
    need a run makes it under the whole session's temporary folder, holding a lock; the other
    waits for the lock and then reads that run (its manifest from ``manifest.json``). A run
    that failed is not shared: the next worker to ask makes its own, in its own folder."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None or fcntl is None:  # one process (or no flock): an ordinary fixture
        out = tmp_path_factory.mktemp(name)
        return report.run_report(out=out, **kwargs)
    shared = tmp_path_factory.getbasetemp().parent / "shared-runs"  # the session's, not gw0's
    shared.mkdir(exist_ok=True)
    done = shared / f"{name}.done"
    with (shared / f"{name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if done.is_file():
            run_dir = Path(done.read_text(encoding="utf-8"))
            manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
            return report.RunResult(run_dir, manifest)
        result = report.run_report(out=shared / f"{name}-{worker}", **kwargs)
        done.write_text(str(result.run_dir), encoding="utf-8")
        return result


#: Test modules that make report runs or run a long subprocess (mypy), started first so the
#: two workers do not end on them; the rest follows in collection order. The first makes the
#: seeds run while the second worker type-checks, so neither waits for the other's run.
FIRST = (
    "tests/test_notebooks.py",
    "tests/test_static.py",
    "tests/report/test_scale.py",
    "tests/report/test_publish.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order of work for ``make test``'s pytest-xdist workers (``--dist loadfile
    --no-loadscope-reorder``: each module runs whole on one worker, its module fixtures made
    once, modules handed out in this order). The slowest modules start first; the others keep
    pytest's order. A plain run keeps pytest's order.

    Not ``--dist loadgroup``: with pytest 9.2 and pytest-xdist 3.8 its groups do not take
    effect (xdist tags a test's group by rewriting ``item._nodeid``, which pytest 9.2 no
    longer reads; pytest-dev/pytest-xdist#1386), and the seeds runs no longer need one worker
    (:func:`_shared_run`)."""
    if not hasattr(config, "workerinput"):
        return
    rank = {module: i for i, module in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(FIRST)))
