"""The order in which the report starts the notebooks of a stage (``--jobs``)."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import Any

from framelab import report
from framelab.report import _runner
from framelab.report._params import NotebookSpec


def test_longest_notebooks_start_first_ties_and_unknown_in_name_order() -> None:
    stage = ["00_corpus", "01_framing", "02_topics", "03_stance", "04_reuse",
             "06_validation"]
    order = report.start_order(stage)
    assert sorted(order) == sorted(stage)
    costs = [report.ESTIMATED_SECONDS[n] for n in order]
    assert costs == sorted(costs, reverse=True)
    assert order[:3] == ["03_stance", "04_reuse", "01_framing"]
    # notebooks of one's own have no estimate: after the known ones, in file-name order
    assert report.start_order(["05_mine", "00_corpus", "02_b", "02_a"]) == \
        ["00_corpus", "02_a", "02_b", "05_mine"]
    assert report.start_order(["b", "a", "c"], {"c": 1.0, "a": 1.0}) == ["a", "c", "b"]
    assert report.start_order([]) == []


def test_every_shipped_notebook_has_an_estimate() -> None:
    shipped = {spec.name for spec in report.discover_notebooks()}
    assert shipped <= set(report.ESTIMATED_SECONDS), \
        sorted(shipped - set(report.ESTIMATED_SECONDS))


class _RecordingPool:
    """Stands in for the notebook pool: records what is submitted, runs nothing."""

    def __init__(self) -> None:
        self.submitted: list[str] = []

    def submit(self, func: Any, path: str, *args: Any) -> Future[dict[str, Any]]:
        self.submitted.append(Path(path).stem)
        done: Future[dict[str, Any]] = Future()
        done.set_result({"status": "ok", "seconds": 0.0, "peak_rss_mb": 0})
        return done


def test_pool_gets_each_stage_longest_first_and_manifest_keeps_name_order(
        tmp_path: Path) -> None:
    names = ["00_corpus", "01_framing", "02_topics", "03_stance", "04_reuse", "10_time",
             "90_mine", "99_summary"]
    specs = [NotebookSpec(n, tmp_path / f"{n}.ipynb") for n in names]
    (tmp_path / "notebooks").mkdir()
    manifest: dict[str, Any] = {"notebooks": []}
    pool = _RecordingPool()
    _runner._execute(specs, {n: {} for n in names}, manifest, tmp_path, progress=False,
                     html=False, pool=pool)
    assert pool.submitted == ["03_stance", "04_reuse", "01_framing", "02_topics",
                              "00_corpus", "10_time", "99_summary", "90_mine"]
    assert [e["name"] for e in manifest["notebooks"]] == names
    assert all(e["status"] == "ok" for e in manifest["notebooks"])


def test_cache_is_built_by_the_jobs_workers_only_for_a_large_local_input(
        tmp_path: Path, monkeypatch: Any) -> None:
    table = tmp_path / "corpus.jsonl"
    table.write_text("x" * 100)
    folder = tmp_path / "texts"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text("y" * 30)
    local = {"engine": "local", "workers": 0, "corpus": str(table)}
    assert _runner._build_workers(local, 2) is None       # under BUILD_POOL_BYTES
    monkeypatch.setattr(_runner, "BUILD_POOL_BYTES", 50)
    assert _runner._build_workers(local, 2) == 2
    assert _runner._build_workers(local, 1) is None       # --jobs 1: one process
    assert _runner._build_workers({**local, "workers": 3}, 2) == 3   # the user's choice
    assert _runner._build_workers({**local, "engine": "dask"}, 2) is None
    assert _runner._build_workers({**local, "corpus": str(folder)}, 2) == 2   # 60 bytes
    monkeypatch.setattr(_runner, "BUILD_POOL_BYTES", 61)
    assert _runner._build_workers({**local, "corpus": str(folder)}, 2) is None
