from __future__ import annotations

import struct
from pathlib import Path

import pytest
from framelab import figures
from framelab.errors import ParameterError


def _png_width(path: Path) -> int:
    return struct.unpack(">I", path.read_bytes()[16:20])[0]


@pytest.mark.parametrize("width, low, high", [("single", 800, 1100), ("double", 1600, 2200)])
def test_report_width_setting_resizes_every_saved_figure(width: str, low: int, high: int,
                                                         tmp_path: Path) -> None:
    fig, ax = figures.new_figure("double")  # a notebook asks for double; the run decides
    ax.bar(["a", "b"], [1, 2])
    paths = figures.save_figure(fig, "bars", tmp_path, caption="Two bars.", run_id="run-42",
                                width=width)  # the notebooks' figure_width parameter
    assert [p.name for p in paths] == ["bars.pdf", "bars.svg", "bars.png", "bars.txt"]
    assert low <= _png_width(tmp_path / "figures" / "bars.png") <= high  # 300 dpi
    assert b"framelab run run-42" in (tmp_path / "figures" / "bars.pdf").read_bytes()
    assert (tmp_path / "figures" / "bars.txt").read_text() == "Two bars.\n"


@pytest.mark.parametrize("width", ["single", "double"])
def test_labels_and_a_legend_beside_the_axes_are_saved_within_the_width(
        width: str, tmp_path: Path) -> None:
    fig, ax = figures.new_figure(width, 2.5)
    ax.barh([f"group name {i}" for i in range(4)], [1, 2, 3, 4], label="count")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="legend beside")
    figures.save_figure(fig, "long", tmp_path, formats=("png",), width=width)
    inches = _png_width(tmp_path / "figures" / "long.png") / 300
    target = figures.WIDTHS[width]
    # matplotlib's own tight box would be far wider: labels left of 0 and the legend past
    # the right edge; the subplots move in until both fit, the text keeps its size
    assert target - 0.5 <= inches <= target + 0.01


def test_colours_are_fixed_per_group_and_formats_checked(tmp_path: Path) -> None:
    first = figures.group_colors(["RT", "CNN", "doc-1"])
    again = figures.group_colors(["doc-1", "CNN", "RT", "CNN"])
    assert first == again and len(set(first.values())) == 3
    fig, _ = figures.new_figure("single")
    with pytest.raises(ParameterError, match="formats"):
        figures.save_figure(fig, "x", tmp_path, formats=("jpg",))
    with pytest.raises(ParameterError, match="width='a4'"):
        figures.new_figure("a4")


def test_figures_leave_matplotlib_global_style_alone(tmp_path: Path) -> None:
    import matplotlib

    before = dict(matplotlib.rcParams)
    fig, ax = figures.new_figure("single")
    ax.plot([0, 1], [0, 1])
    figures.save_figure(fig, "line", tmp_path, formats=("png",), width="single")
    assert fig.get_size_inches()[0] == 3.5
    assert dict(matplotlib.rcParams) == before
    with pytest.raises(Exception, match="figure width 'wide'"):
        figures.save_figure(fig, "line", tmp_path, width="wide")


def test_saving_a_figure_with_overlapping_text_warns_naming_it(tmp_path: Path) -> None:
    from framelab.errors import FigureWarning

    fig, ax = figures.new_figure("single")
    ax.set_xticks(range(10), [f"a long label {i}" for i in range(10)])
    with pytest.warns(FigureWarning, match=r"figure crowded at 3.5 in: \d+ pair\(s\) of texts"):
        figures.save_figure(fig, "crowded", tmp_path, formats=("png",))
    ax.set_xticks(range(10), [f"a long label {i}" for i in range(10)], rotation=90)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", FigureWarning)
        figures.save_figure(fig, "turned", tmp_path, formats=("png",))


@pytest.mark.slow
def test_every_figure_of_the_seeds_report_is_legible_at_both_widths(seed_run,
                                                                     seed_rerun) -> None:
    """Every saved figure is checked for overlapping text (a FigureWarning in the notebook);
    ``seed_rerun`` (tests/conftest.py) saved its figures at single-column width."""
    assert seed_run.manifest["figure_width"] == "double"
    assert seed_rerun.manifest["figure_width"] == "single"
    for run in (seed_run.run_dir, seed_rerun.run_dir):
        assert len(list((run / "figures").glob("*.pdf"))) >= 10
        crowded = [p.name for p in (run / "notebooks").glob("*.ipynb")
                   if "FigureWarning" in p.read_text(encoding="utf-8")]
        assert not crowded, f"{run.name}: overlapping text in figures of {crowded}"


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB hex colour."""
    rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def test_the_colours_of_ten_groups_and_other_are_far_apart() -> None:
    """The views show the ten largest outlets and "other": their 11 colours must not be two
    shades of one hue (CIE76 distance 25 or more; two light blues were 14 apart)."""
    shown = sorted(f"Outlet {i:02d}" for i in range(10)) + ["other"]
    colours = list(figures.group_colors(shown).values())
    assert len(set(colours)) == 11
    labs = [_lab(c) for c in colours]
    closest = min(sum((p - q) ** 2 for p, q in zip(a, b)) ** 0.5
                  for i, a in enumerate(labs) for b in labs[i + 1:])
    assert closest >= 25
