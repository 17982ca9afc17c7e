"""Tables: CSVs in full precision, LaTeX a paper can paste, Parquet beside large tables."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from framelab import outputs


def _rates(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame({"group": [f"outlet_{i} & co" for i in range(n)],
                         "rate_per_1000": [11.15241636 + i for i in range(n)],
                         "count": list(range(n)), "ci_low": [float("nan")] + [0.5] * (n - 1)})


def test_csv_keeps_full_precision_and_latex_is_rounded_right_aligned(tmp_path: Path) -> None:
    path = outputs.save_table(_rates(), "label_rates", tmp_path, caption="Labels per 1,000 tokens")
    assert "11.15241636" in path.read_text()  # the CSV is not rounded
    tex = path.with_suffix(".tex").read_text()
    assert r"\begin{tabular}{lrrr}" in tex  # text left, numbers right
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    assert "11.152 &" in tex and "11.15241636" not in tex  # LATEX_PRECISION decimals
    assert "rate per 1000" in tex and "CI low" in tex  # readable headers
    assert r"outlet\_0 \& co" in tex  # cells escaped
    assert r"\caption{Labels per 1,000 tokens}" in tex and r"\label{tab:label_rates}" in tex
    assert "longtable" not in tex


def test_long_tables_break_across_pages_and_row_tables_get_no_latex(tmp_path: Path,
                                                                     monkeypatch) -> None:
    long = _rates(outputs.LONGTABLE_ROWS + 1)
    tex = outputs.save_table(long, "long", tmp_path).with_suffix(".tex").read_text()
    assert r"\begin{longtable}{lrrr}" in tex and r"\endhead" in tex
    assert tex.count(r"\\") >= len(long)  # every row, none cut
    outputs.save_table(long, "mentions", tmp_path, latex=False)
    assert not (tmp_path / "tables" / "mentions.tex").exists()
    monkeypatch.setattr(outputs, "LATEX_MAX_ROWS", 10)
    outputs.save_table(long, "too_long", tmp_path)
    assert not (tmp_path / "tables" / "too_long.tex").exists()
    assert len(pd.read_csv(tmp_path / "tables" / "too_long.csv")) == len(long)


def test_large_tables_get_a_parquet_copy(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(outputs, "PARQUET_ROWS", 5)
    small = outputs.save_table(_rates(4), "small", tmp_path, latex=False)
    big = outputs.save_table(_rates(5), "big", tmp_path, latex=False)
    assert not small.with_suffix(".parquet").exists()
    back = pd.read_parquet(big.with_suffix(".parquet"))
    pd.testing.assert_frame_equal(back, _rates(5))


ENGINE = shutil.which("pdflatex") or shutil.which("lualatex")


@pytest.mark.skipif(ENGINE is None, reason="no pdflatex or lualatex on this machine")
def test_latex_tables_compile_in_a_minimal_article(tmp_path: Path) -> None:
    short = outputs.save_table(_rates(), "short", tmp_path, caption="Rates_by group (%)")
    long = outputs.save_table(_rates(outputs.LONGTABLE_ROWS * 3), "long", tmp_path)
    doc = tmp_path / "paper.tex"
    doc.write_text("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n"
                   "\\usepackage{booktabs}\n\\usepackage{longtable}\n\\begin{document}\n"
                   f"\\input{{{short.with_suffix('.tex')}}}\n"
                   f"\\input{{{long.with_suffix('.tex')}}}\n\\end{{document}}\n")
    for _ in range(2):  # longtable settles its column widths on the second pass
        done = subprocess.run([ENGINE, "-interaction=nonstopmode", "-halt-on-error", doc.name],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "paper.pdf").stat().st_size > 0
