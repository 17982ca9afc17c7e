"""The order in which the report starts the notebooks of a stage (``--jobs``)."""

from __future__ import annotations

import threading
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


class _HeldPool:
    """A pool whose notebooks in ``slow`` finish 0.3 s after they are submitted (on a timer
    thread), the others at once; ``fail`` ones fail."""

    def __init__(self, slow: tuple[str, ...] = (), fail: tuple[str, ...] = ()) -> None:
        self.slow, self.fail = slow, fail
        self.submitted: list[str] = []
        self.running_at: dict[str, list[str]] = {}   # notebook -> slow ones still running
        self._slow: dict[str, Future[dict[str, Any]]] = {}

    def submit(self, func: Any, path: str, *args: Any) -> Future[dict[str, Any]]:
        name = Path(path).stem
        self.submitted.append(name)
        self.running_at[name] = sorted(n for n, f in self._slow.items() if not f.done())
        future: Future[dict[str, Any]] = Future()
        if name in self.slow:
            self._slow[name] = future
            threading.Timer(0.3, future.set_result, [_ok(name, self.fail)]).start()
        else:
            future.set_result(_ok(name, self.fail))
        return future


def _ok(name: str, fail: tuple[str, ...]) -> dict[str, Any]:
    if name in fail:
        return {"status": "failed", "error": "boom", "cell_index": 3, "exec_count": 2}
    return {"status": "ok", "seconds": 0.0, "peak_rss_mb": 0}


def _specs(tmp_path: Path, names: list[str]) -> list[NotebookSpec]:
    (tmp_path / "notebooks").mkdir(exist_ok=True)
    return [NotebookSpec(n, tmp_path / f"{n}.ipynb") for n in names]


SHIPPED = ["00_corpus", "01_framing", "02_topics", "03_stance", "04_reuse", "10_time",
           "99_summary"]


def test_waits_for_reads_declared_reads_within_the_run_and_stages_otherwise() -> None:
    waits = report.waits_for(SHIPPED)
    assert waits["10_time"] == {"01_framing", "02_topics", "03_stance"}
    assert waits["99_summary"] == set(SHIPPED) - {"99_summary"}
    assert waits["00_corpus"] == set() and waits["04_reuse"] == set()
    # stages alone: 10_time waits for all of stage 0
    assert report.waits_for(SHIPPED, reads={})["10_time"] == set(SHIPPED[:5])
    # --only: what is not in the run is reused, not waited for
    assert report.waits_for(["03_stance", "10_time"])["10_time"] == {"03_stance"}


def test_a_notebook_starts_when_what_it_reads_is_done_not_the_whole_stage(
        tmp_path: Path) -> None:
    specs = _specs(tmp_path, SHIPPED)
    logged = {n: {"output_log": ""} for n in SHIPPED}
    pool = _HeldPool(slow=("00_corpus",))
    manifest: dict[str, Any] = {"notebooks": []}
    _runner._execute(specs, logged, manifest, tmp_path, progress=False, html=False,
                     pool=pool, jobs=2)
    assert pool.running_at["10_time"] == ["00_corpus"]   # started beside 00_corpus
    assert pool.submitted.index("99_summary") > pool.submitted.index("10_time")
    assert "00_corpus" not in pool.running_at["99_summary"]
    assert [e["name"] for e in manifest["notebooks"]] == SHIPPED
    assert all(e["status"] == "ok" for e in manifest["notebooks"])


def test_without_logged_outputs_a_stage_waits_for_the_whole_stage_before(
        tmp_path: Path) -> None:
    specs = _specs(tmp_path, SHIPPED)
    pool = _HeldPool(slow=("00_corpus",))
    manifest: dict[str, Any] = {"notebooks": []}
    # no output_log: unlogged outputs are attributed by stage, so stage 1 waits for stage 0
    _runner._execute(specs, {n: {} for n in SHIPPED}, manifest, tmp_path, progress=False,
                     html=False, pool=pool, jobs=2)
    assert pool.running_at["10_time"] == []
    assert pool.submitted[-2:] == ["10_time", "99_summary"]


def test_after_a_failure_nothing_new_starts_and_the_running_ones_finish(
        tmp_path: Path) -> None:
    specs = _specs(tmp_path, SHIPPED)
    logged = {n: {"output_log": ""} for n in SHIPPED}
    pool = _HeldPool(fail=("03_stance",))
    manifest: dict[str, Any] = {"notebooks": [], "status": "running"}
    try:
        _runner._execute(specs, logged, manifest, tmp_path, progress=False, html=False,
                         pool=pool, jobs=2)
    except Exception as err:   # NotebookError names the notebook
        assert "03_stance" in str(err)
    else:
        raise AssertionError("a failed notebook must stop the run")
    # 03 and 04 started together; nothing was submitted after 03 failed
    assert pool.submitted == ["03_stance", "04_reuse"]
    assert manifest["failed_notebook"] == "03_stance"
    assert [e["name"] for e in manifest["notebooks"]] == ["03_stance", "04_reuse"]


def test_early_start_needs_the_notebook_and_the_stages_before_it_to_log(
        tmp_path: Path) -> None:
    # 99_summary logs nothing (as shipped): 10_time may still start early
    params = {n: ({} if n == "99_summary" else {"output_log": ""}) for n in SHIPPED}
    pool = _HeldPool(slow=("00_corpus",))
    _runner._execute(_specs(tmp_path, SHIPPED), params, {"notebooks": []}, tmp_path,
                     progress=False, html=False, pool=pool, jobs=2)
    assert pool.running_at["10_time"] == ["00_corpus"]
    # a notebook of stage 0 that logs nothing: its outputs are found by stage, so 10_time waits
    params["04_reuse"] = {}
    pool = _HeldPool(slow=("00_corpus",))
    _runner._execute(_specs(tmp_path, SHIPPED), params, {"notebooks": []}, tmp_path,
                     progress=False, html=False, pool=pool, jobs=2)
    assert pool.running_at["10_time"] == []
