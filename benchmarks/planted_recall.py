"""How a report run's reuse notebook classified the pairs planted by make_corpus.py.

    .venv/bin/python benchmarks/planted_recall.py RUN_DIR benchmarks/data/corpus-<N>.planted.csv

Prints, per planted relation (copy, rewrite), how many planted pairs ``reuse_pairs`` has and
under which ``relation`` ("-" when the pair is not in the table), then the relations of every
pair in the table. A planted copy can also be reported as ``shared_source`` when its overlap
is the source's quotations; a pair the generator did not plant can be real reuse (two
documents that drew the same seed sentences keep its codebook phrases), so the counts of
unplanted pairs are not false positives by definition.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import table


def recall_table(pairs: pd.DataFrame, planted: pd.DataFrame) -> pd.DataFrame:
    """Planted relation x reported relation (counts; "-" for pairs not reported)."""
    found = {tuple(sorted(k)): r for *k, r in zip(pairs["doc_a"], pairs["doc_b"],
                                                  pairs["relation"])}
    reported = [found.get(tuple(sorted((a, b))), "-")
                for a, b in zip(planted["doc_a"], planted["doc_b"])]
    return pd.crosstab(planted["relation"].rename("planted"),
                       pd.Series(reported, name="reported", index=planted.index))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    run_dir, planted_csv = Path(argv[0]), Path(argv[1])
    pairs = pd.read_csv(run_dir / "tables" / "reuse_pairs.csv", dtype=str)
    planted = pd.read_csv(planted_csv, dtype=str)
    got = recall_table(pairs, planted)
    print(table(["planted", *got.columns, "planted pairs"],
                [[k, *row, sum(row)] for k, row in zip(got.index, got.values.tolist())]))
    print()
    counts = pairs["relation"].value_counts()
    print(table(["relation", "pairs in reuse_pairs"], [[k, v] for k, v in counts.items()]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
