from __future__ import annotations

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
