"""Score framelab's voice tagger and quotation speakers on a PolNeAR split.

    .venv/bin/python scripts/eval_voice_polnear.py --polnear /work/data/polnear --split dev \
        [--json figures.json] [--tokens tokens.csv] [--limit N] [--no-speakers]

PolNeAR (Newell, Margolin & Ruths 2018) is not part of the project: pass the path of a
checkout (or of its ``data`` folder, or of a split folder with ``text/`` and
``attributions/``). Develop on ``train``, report ``dev``; ``test`` is reserved for one final
check. The metric is defined in docs/voice.md and :mod:`framelab.framing`.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from framelab.errors import FramelabError
from framelab.framing import evaluate_polnear


def _line(name: str, s: dict) -> str:
    return (f"  {name:<22} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}"
            f"   (gold {s['n_gold']}, predicted {s['n_predicted']})")


def report(figures: dict) -> str:
    """The figures as a short text table."""
    lines = [(f"PolNeAR {figures['split']}: {figures['n_articles']} articles, "
             f"{figures['n_tokens']} word tokens"),
             "non-narrator voice vs annotated content, per word token:",
             _line("framelab voice", figures["overall"]),
             _line("quotation marks only", figures["baseline"]),
             "recall by gold class (tagger / baseline):"]
    for k, v in figures["recall_by_class"].items():
        if v["tagger"] is not None:
            lines.append(f"  {k:<22} {v['tagger']:.3f} / {v['baseline']:.3f}   "
                         f"(gold {v['n_gold']})")
    lines.append("class-matched:")
    lines += [_line(k, v) for k, v in figures["by_class"].items()]
    lines.append("rules (tokens marked, precision):")
    lines += [f"  {k or '(none)':<22} {v['n_predicted']:>7}  {v['precision']:.3f}"
              for k, v in figures["cues"].items()]
    if "speakers" in figures:
        for k, v in figures["speakers"].items():
            if v["n_quotations"]:
                lines.append(f"speakers ({k}): {v['accuracy']:.3f} match (exact "
                             f"{v['exact']:.3f}), no speaker {v['no_speaker']:.3f}, "
                             f"of {v['n_quotations']} annotated quotations")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--polnear", type=Path, required=True,
                        help="PolNeAR checkout, its data folder, or a split folder")
    parser.add_argument("--split", choices=("train", "dev", "test"), default="dev",
                        help="develop on train, report dev; test is reserved")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--tokens", type=Path, help="also write the token table (CSV) here")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--no-speakers", action="store_true", help="skip the speaker check")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        figures, tokens = evaluate_polnear(args.polnear, args.split, limit=args.limit,
                                           speakers=not args.no_speakers)
    except FramelabError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if args.tokens:
        tokens.to_csv(args.tokens, index=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
