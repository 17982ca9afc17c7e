"""Where the topics notebook (02_topics) spends its time, step by step, on a generated corpus.

One command per size, e.g.::

    .venv/bin/python benchmarks/make_corpus.py --docs 20000
    .venv/bin/python benchmarks/bench_topics_scale.py --docs 1500,20000

Runs the notebook's library calls in order with its default parameters (the ones declared for
``02_topics`` in ``framelab.run``), timing each: opening the run corpus (the Parquet cache is
built first, untimed, as ``framelab report`` does before the notebooks), the units and their
term counts (``run.topic_dtm``), ``TopicModel.fit`` split into the k grid, the extra seed runs
at the chosen k and the rest (NPMI, consensus, stability; read from the estimator's log
records), the topic proportions of every unit (``run.topic_theta``), and the tables. Beside it,
``count_corpus`` on the same file (the yardstick of issue 14). ``--set name=value`` overrides a
notebook parameter (e.g. ``--set n_seed_runs=0``), so settings can be compared.
Results are appended to ``benchmarks/results/topics-scale.md`` (``--out`` for another name)
with the machine and its load.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DATA_DIR, RESULTS_DIR, PeakRSS, Timer, cpu_seconds, machine, table
from framelab import corpus as fc
from framelab import run as fr
from framelab import topics


class _Stamps(logging.Handler):
    """Times of the log records of ``framelab.topics`` (the phases of ``fit``)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((time.perf_counter(), record.getMessage()))


def _defaults() -> dict[str, object]:
    return {p.name: p.default for p in fr.NOTEBOOK_PARAMETERS["02_topics"]}


def _convert(value: str, like: object) -> object:
    if isinstance(like, bool):
        return value.lower() in ("1", "true", "yes")
    if isinstance(like, int):
        return int(value)
    if isinstance(like, float):
        return float(value)
    return value


def run_once(path: Path, params: dict[str, object], cache: str) -> dict[str, object]:
    p = params
    steps: list[tuple[str, float]] = []
    stamps = _Stamps()
    logger = logging.getLogger("framelab.topics")
    logger.addHandler(stamps)
    logger.setLevel(logging.INFO)

    def timed(name: str, func, *args, **kwargs):  # type: ignore[no-untyped-def]
        cpu = cpu_seconds()
        with Timer() as t:
            out = func(*args, **kwargs)
        steps.append((name, t.seconds, cpu_seconds() - cpu))
        return out

    with Timer() as c:
        fr.count_corpus(path, cache_dir=tempfile.mkdtemp(prefix="bench-topics-cc-"),
                        progress=False)
    fr.open_run_corpus(str(path), cache_dir=cache)  # build the cache, untimed
    with PeakRSS() as mem, Timer() as total:
        run = timed("open_run_corpus", fr.open_run_corpus, str(path), cache_dir=cache)
        analysed = timed("body (run.sentences)", lambda: fc.body(run.sentences))
        unit_used = timed("resolve_unit", topics.resolve_unit, analysed, p["unit"])
        units, dtm = timed("run.topic_dtm", fr.topic_dtm, run, unit_used,
                           min_df=p["min_df"], max_df=p["max_df"])
        model = topics.TopicModel(
            n_topics=p["n_topics"], k_grid=p["k_grid"], seeds=p["seeds"], top_n=p["top_n"],
            test_size=p["test_size"], stability_metric=p["stability_metric"],
            stability_threshold=p["stability_threshold"], reported=p["reported"],
            n_seed_runs=p["n_seed_runs"] or None, consensus_threshold=p["consensus_threshold"],
            learning_method=p["learning_method"], fit_sample=p["fit_sample"] or None,
            select_sample=p["select_sample"] or None, n_jobs=p["n_jobs"],
            random_state=p["random_state"], progress=False,
            **{k: p[k] for k in ("max_iter",) if k in p},
            **({"grid_passes": p["grid_passes"] or None} if "grid_passes" in p else {}))
        start = time.perf_counter()
        timed("TopicModel.fit", model.fit, dtm.X, vocabulary=dtm.vocabulary)
        marks = [(t, m) for t, m in stamps.records if t >= start]
        grid_end = next((t for t, m in marks if "more seed runs at" in m), None)
        theta = timed("run.topic_theta", fr.topic_theta, run, model, dtm.X)
        timed("topic_terms", topics.topic_terms, model, relevance_lambda=p["relevance_lambda"],
              n_terms=p["n_terms"])
        passages = timed("representative_passages", topics.representative_passages, units,
                         theta, n_passages=p["n_passages"])
        weights = timed("doc_topics", topics.doc_topics, units, theta)
        timed("topic_prevalence", topics.topic_prevalence, weights, group_by=p["group_by"],
              documents=run.documents, n_boot=p["n_boot"], seed=p["random_state"],
              unit=p["prevalence_unit"])
    logger.removeHandler(stamps)
    fit_s = {name: wall for name, wall, _ in steps}["TopicModel.fit"]
    first = marks[0][0] if marks else start
    phases = {"fit: before the grid (split, checks)": first - start}
    if grid_end is not None:
        phases["fit: k grid"] = grid_end - first
        phases["fit: extra seed runs, NPMI, consensus, stability"] = start + fit_s - grid_end
    else:
        phases["fit: k grid, NPMI, consensus, stability"] = start + fit_s - first
    del passages
    return {"steps": steps, "phases": phases, "total": total.seconds,
            "count_corpus": c.seconds, "peak_rss": mem.peak,
            "n_units": len(units), "n_terms": dtm.X.shape[1], "nnz": dtm.X.nnz,
            "k": model.n_topics_, "fit_info": model.fit_info_,
            "load": os.getloadavg()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", default="1500,20000",
                    help="comma-separated sizes; benchmarks/data/corpus-N.jsonl must exist")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="override a 02_topics parameter (repeatable)")
    ap.add_argument("--label", default="", help="label of this configuration in the results")
    ap.add_argument("--out", default="topics-scale", help="results file name (without .md)")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    params = _defaults()
    for item in args.set:
        name, _, value = item.partition("=")
        if name not in params and name not in ("max_iter", "grid_passes"):
            raise SystemExit(f"--set {item}: no 02_topics parameter {name!r}")
        params[name] = _convert(value, params.get(name, 0))
    label = args.label or (", ".join(args.set) or "defaults")
    lines: list[str] = []
    info = machine()
    for n in [int(v) for v in args.docs.split(",")]:
        path = DATA_DIR / f"corpus-{n}.jsonl"
        if not path.exists():
            raise SystemExit(f"{path} is missing: .venv/bin/python benchmarks/make_corpus.py "
                             f"--docs {n}")
        load0 = os.getloadavg()[0]
        with tempfile.TemporaryDirectory(prefix="bench-topics-") as cache:
            res = run_once(path, params, cache)
        rows = [[name, f"{s:.1f}", f"{c:.1f}"]
                for name, s, c in res["steps"]]  # type: ignore[union-attr]
        rows += [[f"&nbsp;&nbsp;{name}", f"{s:.1f}", ""]
                 for name, s in res["phases"].items()]  # type: ignore[union-attr]
        rows.append(["**all steps**", f"**{res['total']:.1f}**",
                     f"{sum(c for _, _, c in res['steps']):.1f}"])  # type: ignore[union-attr]
        rows.append(["count_corpus (same file, empty cache)", f"{res['count_corpus']:.1f}", ""])
        lines += [f"### {n:,} articles: {label}", "",
                  f"- `python benchmarks/bench_topics_scale.py --docs {n}"
                  + "".join(f" --set {s}" for s in args.set) + "`",
                  (f"- {res['n_units']:,} units, {res['n_terms']:,} terms, {res['nnz']:,} "
                   f"non-zero counts; k = {res['k']}; fit_info_ {res['fit_info']}"),
                  (f"- peak RSS {res['peak_rss'] / 2**30:.2f} GiB; load average (1 min) "
                   f"{load0:.2f} at start, {res['load'][0]:.2f} at end; "
                   f"{info['date']}, git {info['git']}"), "",
                  table(["step", "wall s", "CPU s"], rows), ""]
        print("\n".join(lines[-len(rows) - 6:]), flush=True)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"{args.out}.md"
    head = "" if out.exists() else (
        "# Topics notebook (02_topics) at scale: time per step\n\n"
        f"Machine: {info['cpu']}, {info['cores']}, {info['ram']}, Python {info['python']}, "
        f"scikit-learn {info['scikit-learn']}, numpy {info['numpy']}. Shared with other jobs; "
        "the load average is given per run.\n\n")
    with out.open("a", encoding="utf-8") as fh:
        fh.write(head + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
