from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
from framelab.report import _summary as summary


def _run(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    (run / "tables").mkdir(parents=True)
    (run / "figures").mkdir()
    (run / "manifest.json").write_text(json.dumps(
        {"run_id": "r9", "inputs": {"corpus": {"path": "/c"}}, "git": {"commit": "abc"},
         "notebooks": [{"name": "00_corpus"}, {"name": "01_framing"}]}))
    pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", ""], "date": ["", ""],
                  "n_chars": [10, 20], "n_sentences": [2, 3], "n_body_sentences": [2, 2],
                  "n_tokens": [7, 9]}).to_csv(run / "tables" / "corpus_documents.csv", index=False)
    pd.DataFrame({"group": ["X", "X", "b"], "family": ["neutral", "delegitimising", "neutral"],
                  "voice": ["narrator", "quoted", "narrator"], "count": [3, 1, 2],
                  "rate_per_1000": [1.5, 0.5, 1.0], "ci_low": [0.5, 0.0, 0.2],
                  "ci_high": [2.5, 1.0, 2.0]}).to_csv(run / "tables" / "label_rates.csv",
                                                      index=False)
    return run


def test_facts_count_documents_and_known_outlets(tmp_path: Path) -> None:
    run = _run(tmp_path)
    tables = summary.load_tables(run)
    facts = dict(summary.run_facts(run, tables).itertuples(index=False))
    assert facts["run id"] == "r9" and facts["documents"] == "2"
    assert facts["documents with a known outlet"] == "1" and facts["outlets"] == "X"
    assert facts["analysed tokens"] == "16"
    assert facts["notebooks run"] == "00_corpus, 01_framing"


def test_sections_report_missing_analyses_instead_of_failing(tmp_path: Path) -> None:
    tables = summary.load_tables(_run(tmp_path))
    labels = summary.narrator_labels(tables)
    assert set(labels.family) == {"neutral"}  # quoted labels are not the outlet's own
    assert summary.stance_overview(tables) is None
    note = summary.missing_note(tables, "stance_by_group", "label_rates")
    assert note is not None and "stance_by_group" in note and "label_rates" not in note
    assert summary.missing_note(tables, "label_rates") is None


def test_figures_come_with_their_captions_in_order(tmp_path: Path) -> None:
    run = _run(tmp_path)
    for name in ("stance_heatmap", "corpus_lengths"):
        (run / "figures" / f"{name}.png").write_bytes(b"png")
    (run / "figures" / "corpus_lengths.txt").write_text("Tokens per document.\n")
    found = summary.figure_paths(run)
    assert [n for n, _, _ in found] == ["corpus_lengths", "stance_heatmap"]
    assert found[0][2] == "Tokens per document." and found[1][2] == ""


def _side_labels(run: Path) -> None:
    rows = []
    for group, gov, opp in (("G", (1.0, 0.0), (0.0, 1.0)), ("T", (0.0, 1.0), (1.0, 0.0))):
        for side, (deleg, legit) in (("government", gov), ("armed_opposition", opp)):
            for family, share in (("delegitimising", deleg), ("legitimising", legit)):
                rows.append((group, side, side, family, "narrator", int(4 * share), share,
                             share, share, 4, "documents"))
                rows.append((group, side, side, family, "quoted", 9, 0.5, 0.1, 0.9, 2,
                             "documents"))
    rows.append(("G", "(unresolved)", "", "delegitimising", "narrator", 50, 1.0, 1.0, 1.0, 4,
                 "documents"))
    pd.DataFrame(rows, columns=["group", "actor", "side", "family", "voice", "count", "share",
                                "ci_low", "ci_high", "n_docs", "ci_unit"]).to_csv(
        run / "tables" / "side_labels.csv", index=False)


def test_summary_leads_with_each_outlets_naming_of_each_side(tmp_path: Path) -> None:
    run = _run(tmp_path)
    assert summary.actor_view(summary.load_tables(run)) is None
    _side_labels(run)
    view = summary.actor_view(summary.load_tables(run))
    assert list(view.columns) == ["side", "group", "delegitimising", "legitimising", "n_docs"]
    assert "(unresolved)" not in set(view.side)  # never a side, however many labels
    g_gov = view[(view.side == "government") & (view.group == "G")].iloc[0]
    assert g_gov.delegitimising == "1.00 [1.00, 1.00]" and g_gov.legitimising.startswith("0.00")
    t_opp = view[(view.side == "armed_opposition") & (view.group == "T")].iloc[0]
    assert t_opp.delegitimising.startswith("1.00")  # quoted rows (0.50) are not used
    assert summary.KEY_FIGURES.index("framing_actor_labels") < summary.KEY_FIGURES.index(
        "framing_label_heatmap")


def test_time_overview_sorts_change_points_by_evidence(tmp_path: Path) -> None:
    run = _run(tmp_path)
    assert summary.time_overview(summary.load_tables(run)) is None
    pd.DataFrame({"measure": ["labels", "attention"], "group": ["A", "B"],
                  "subject": ["armed_opposition", "hts"], "family": ["delegitimising", ""],
                  "period": ["2024-12-01", "2024-11-01"], "level_before": [0.1, 0.2],
                  "level_after": [0.9, 0.5], "method": ["m", "m"], "z": [9.0, 4.0],
                  "df": [50.0, 40.0], "p_adjusted": [1e-9, 0.01]}).to_csv(
        run / "tables" / "time_changepoints.csv", index=False)
    overview = summary.time_overview(summary.load_tables(run))
    assert overview.measure.tolist() == ["labels", "attention"]


def _folder_of_a_kernel(env: dict[str, str]) -> str:
    import subprocess
    import sys

    code = "from framelab import outputs; print(outputs.resolve_out_dir(''))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout.strip()


def test_kernels_of_one_jupyterlab_session_share_one_interactive_folder(tmp_path) -> None:
    import os

    env = {**os.environ, "FRAMELAB_INTERACTIVE_DIR": str(tmp_path)}
    env.pop("JPY_PARENT_PID", None)
    lab = {**env, "JPY_PARENT_PID": str(os.getpid())}  # this process stands for the server
    first, second = _folder_of_a_kernel(lab), _folder_of_a_kernel(lab)
    assert first == second and first.endswith(f"-lab{os.getpid()}")
    assert first.startswith(str(tmp_path / "interactive-"))
    alone = {_folder_of_a_kernel(env), _folder_of_a_kernel(env)}
    assert len(alone) == 2 and first not in alone  # outside Jupyter: one per process


def test_summary_says_which_folder_it_summarises(tmp_path, monkeypatch) -> None:
    from framelab import outputs

    session = tmp_path / "outputs" / "interactive-now-lab1"
    monkeypatch.setattr(outputs, "_INTERACTIVE", {"path": session})
    folder, note = summary.summary_source("", outputs=tmp_path / "outputs")
    assert folder == session and "Nothing to summarise yet" in note
    run = tmp_path / "outputs" / "run-7"
    (run / "tables").mkdir(parents=True)
    (run / "manifest.json").write_text("{}")
    (tmp_path / "outputs" / "latest").symlink_to("run-7")
    folder, note = summary.summary_source("", outputs=tmp_path / "outputs")
    assert folder == run.resolve() and "last report run" in note and "run-7" in note
    (session / "tables").mkdir(parents=True)
    (session / "tables" / "corpus_documents.csv").write_text("doc_id\na\n")
    folder, note = summary.summary_source("", outputs=tmp_path / "outputs")
    assert folder == session and "this JupyterLab session" in note
    folder, note = summary.summary_source(run)
    assert folder == run and "run-7" in note


def test_preview_png_is_smaller_never_wider_and_deterministic(tmp_path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from framelab import report
    from PIL import Image

    fig, ax = plt.subplots(figsize=(7, 4), dpi=300)
    rng = np.random.default_rng(0)
    for i in range(8):
        ax.plot(rng.normal(size=200).cumsum(), label=f"line {i}")
    ax.legend()
    big = tmp_path / "big.png"
    fig.savefig(big)
    plt.close(fig)
    data = report.preview_png(big)
    assert data == report.preview_png(big)
    assert len(data) < big.stat().st_size / 2
    with Image.open(io.BytesIO(data)) as image:
        assert image.width == report.PREVIEW_WIDTH
    small = tmp_path / "small.png"
    Image.new("RGB", (300, 100), "white").save(small)
    with Image.open(io.BytesIO(report.preview_png(small))) as image:
        assert image.size == (300, 100)  # never scaled up


def test_tables_are_read_only_when_looked_up(tmp_path: Path) -> None:
    run = _run(tmp_path)
    (run / "tables" / "huge_mentions.csv").write_text("not,a,table\n\"unclosed\n")
    tables = summary.load_tables(run)
    assert "huge_mentions" in tables and tables.loaded == []
    summary.run_facts(run, tables)
    summary.narrator_labels(tables)
    assert "huge_mentions" not in tables.loaded  # never read, so its damage never shows
    assert set(tables.loaded) <= set(tables) - {"huge_mentions"}
