"""Write each notebook's ``parameters`` cell from the run configuration (framelab.run).

    python scripts/sync_parameters.py          # rewrite the cells that differ
    python scripts/sync_parameters.py --check  # list them and exit 1 if any differ

The run configuration (lib/framelab/run/_config.py) is the one place a parameter is declared;
this script keeps the notebooks' cells equal to it (tests/run/test_config.py checks).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from framelab.paths import NOTEBOOKS_DIR
from framelab.run import NOTEBOOK_PARAMETERS, parameters_cell


def _cell_lines(text: str) -> list[str]:
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report differences")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR)
    args = parser.parse_args(argv)
    differ = []
    for stem in NOTEBOOK_PARAMETERS:
        path = args.notebooks / f"{stem}.ipynb"
        if not path.is_file():
            print(f"{path}: missing", file=sys.stderr)
            differ.append(stem)
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
        if len(cells) != 1:
            print(f"{path}: needs exactly one cell tagged 'parameters'", file=sys.stderr)
            differ.append(stem)
            continue
        want = parameters_cell(stem)
        if "".join(cells[0]["source"]) == want:
            continue
        differ.append(stem)
        if not args.check:
            cells[0]["source"] = _cell_lines(want)
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
            print(f"{path}: parameters cell rewritten")
    if args.check and differ:
        print("parameters cells differ from the run configuration: " + ", ".join(differ))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
