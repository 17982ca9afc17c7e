"""Command line: ``framelab report`` runs the notebooks into a new run folder."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from . import report, validate
from .errors import FramelabError, NotebookError
from .paths import NOTEBOOKS_DIR, OUTPUTS_DIR, PROJECT_ROOT, SEEDS_DIR
from .run import RUN_PARAMETERS, describe_parameters
from .validate import WHATS

__all__ = ["main", "build_parser"]


class _ParamAction(argparse.Action):
    """``-p NAME=VALUE`` (framelab) or ``-p NAME VALUE`` (papermill), repeatable."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        if len(values) == 1 and "=" in values[0]:
            name, value = values[0].split("=", 1)
        elif len(values) == 2 and "=" not in values[0]:
            name, value = values
        else:
            parser.error(f"{option_string} expects NAME=VALUE or NAME VALUE, got "
                         f"{' '.join(values)!r}")
        getattr(namespace, self.dest).append((name.strip(), value))


def _yaml_mapping(text: str) -> dict[str, Any]:
    """``-y``: parameters as a YAML (or JSON) mapping, as papermill takes them."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise argparse.ArgumentTypeError(f"-y: not valid YAML ({err})") from None
    if not isinstance(data, dict):
        raise argparse.ArgumentTypeError(f"-y expects a mapping such as '{{n_topics: 6}}', "
                                         f"got {text!r}")
    return data


_RUN = {p.name: p for p in RUN_PARAMETERS}


def _run_option(parser: Any, name: str, **overrides: Any) -> None:
    """An option of ``framelab report`` for run parameter ``name``, from the run configuration."""
    param = _RUN[name]
    options: dict[str, Any] = {"default": param.default, "help": param.help}
    if param.choices:
        options["choices"] = param.choices
    if param.type in ("int", "float"):
        options["type"] = int if param.type == "int" else float
    options.update(overrides)
    parser.add_argument("--" + name.replace("_", "-"), **options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="framelab", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="run every notebook into outputs/<run-id>/",
                         description="Run the notebooks in order with papermill into a new "
                         "run directory; outputs/latest points at the last successful run.")
    _run_option(rep, "corpus", default=str(SEEDS_DIR), help=_RUN["corpus"].help
                + " (default: seeds/)")
    _run_option(rep, "metadata", default=None)
    _run_option(rep, "codebook", default=None)
    for role in ("text", "id", "outlet", "date", "title", "url"):
        rep.add_argument(f"--{role}-column", metavar="C",
                         help=f"input column holding the {role} (guessed if omitted); these "
                         "options fill the notebooks' columns parameter")
    _run_option(rep, "on_bad_rows")
    rep.add_argument("--metadata-wins", action="store_true",
                     help="a --metadata value that differs from the corpus' own replaces it "
                     "(default: such a conflict is an error)")
    rep.add_argument("--params", "-f", "--parameters_file", dest="params", metavar="FILE.yaml",
                     help="parameters: top-level names for every notebook declaring them, "
                     "sections named after a notebook for that notebook only")
    rep.add_argument("-y", "--parameters_yaml", dest="yaml", type=_yaml_mapping,
                     action="append", default=[], metavar="YAML",
                     help="parameters as a YAML mapping, e.g. -y '{n_topics: 6}' (repeatable; "
                     "overrides -f)")
    rep.add_argument("-p", "--parameters", dest="param", action=_ParamAction, nargs="+",
                     default=[], metavar="NAME[=]VALUE",
                     help="set a notebook parameter: -p NAME=VALUE or, as in papermill, "
                     "-p NAME VALUE (repeatable; overrides -f and -y)")
    rep.add_argument("--only", nargs="+", metavar="NOTEBOOK",
                     help="run only these notebooks (stem or number, e.g. 01_framing or 01)")
    rep.add_argument("--reuse", metavar="RUN_ID",
                     help="with --only: copy the other notebooks' outputs from this earlier "
                     "run (default: latest)")
    _run_option(rep, "figure_width")
    rep.add_argument("--notebooks", default=str(NOTEBOOKS_DIR), metavar="DIR",
                     help="folder of notebooks to run (default: the project's notebooks/)")
    rep.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), metavar="N",
                     help="notebooks of one stage (same first digit) run N at a time "
                     "(default: 2, or 1 on a single core)")
    _run_option(rep, "engine")
    where = rep.add_mutually_exclusive_group()
    _run_option(where, "workers", metavar="N")
    _run_option(where, "scheduler", metavar="tcp://HOST:PORT")
    _run_option(rep, "cache_dir", metavar="DIR")
    rep.add_argument("--out", default=str(OUTPUTS_DIR), help="parent folder of runs")
    rep.add_argument("--run-id", help="name of the run folder (default: a timestamp)")
    rep.add_argument("--no-progress", action="store_true", help="hide progress bars")
    rep.add_argument("--list-parameters", action="store_true",
                     help="print every notebook's parameters and exit")
    _validate_parser(sub)
    sub.add_parser("lab", help="open JupyterLab on notebooks/ at the scratch folder",
                   description="Set up the git filter that keeps outputs out of committed "
                   "notebooks, then start JupyterLab (as root too) in notebooks/, opening "
                   "notebooks/scratch/ where your own notebooks live.")
    sub.add_parser("strip-outputs", help="git filter: a notebook on stdin, without outputs, "
                   "on stdout")
    return parser


def _validate_parser(sub: argparse._SubParsersAction) -> None:
    val = sub.add_parser("validate", help="check a run's decisions against human coders",
                         description="Sample a run's decisions into a coding sheet, code it "
                         "(spreadsheet or offline HTML page), score the codes.")
    steps = val.add_subparsers(dest="step", required=True)
    smp = steps.add_parser("sample", help="write a stratified sample of decisions as a CSV")
    smp.add_argument("--run", required=True, help="run id under outputs/ or a run folder")
    smp.add_argument("--what", required=True, choices=WHATS, help="which decisions")
    smp.add_argument("--n", type=int, required=True, help="items to sample")
    smp.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    smp.add_argument("--allocation", choices=("equal", "proportional"), default="equal",
                     help="items per stratum (group x decision): equal (default) or "
                     "proportional to its size")
    smp.add_argument("--scorer", default="default", help="stance: the scorer sampled")
    smp.add_argument("--show-decision", action="store_true",
                     help="show the tool's decision to the coders (hidden by default)")
    smp.add_argument("--out", required=True, help="the sheet to write (.csv)")
    htm = steps.add_parser("html", help="write an offline page to code a sheet")
    htm.add_argument("--sheet", required=True, help="a sheet from 'validate sample'")
    htm.add_argument("--out", required=True, help="the page to write (.html)")
    sco = steps.add_parser("score", help="agreement of the tool and the coders")
    sco.add_argument("--sheet", action="append", required=True,
                     help="a coded sheet (repeat for each coder)")
    sco.add_argument("--run", help="score this run's decisions (default: the sheets' run)")
    sco.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates")
    sco.add_argument("--out", help="folder to write tables/validation_*.csv into")


def _validate(args: argparse.Namespace) -> int:
    if args.step == "sample":
        sheet = validate.sample_sheet(args.run, args.what, n=args.n, seed=args.seed,
                                      allocation=args.allocation, scorer=args.scorer,
                                      show_decision=args.show_decision)
        print(f"framelab: {len(sheet)} items written to {validate.write_sheet(sheet, args.out)}")
    elif args.step == "html":
        path = validate.write_coder_html(validate.read_sheet(args.sheet), args.out)
        print(f"framelab: coding page written to {path}; open it in a browser (offline)")
    else:
        result = validate.score_sheets(args.sheet, run=args.run, n_boot=args.n_boot)
        for name in ("validation_tool", "validation_coder_kappa", "validation_alpha"):
            print(f"== {name}\n{result.tables[name].to_string(index=False)}\n")
        print(result.design)
        if args.out:
            saved = result.save(Path(args.out).resolve())
            print(f"framelab: tables written to {saved[0].parent}")
    return 0


def _one_line(message: str) -> str:
    """The first line of an error message; a parameter listing after it is kept (it is the
    help the message points to)."""
    return message if message.startswith("unknown parameter") else " ".join(message.split())


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)

    try:
        if args.command == "validate":
            return _validate(args)
        if args.command == "strip-outputs":
            sys.stdout.write(report.strip_outputs(sys.stdin.read()))
            return 0
        if args.command == "lab":
            if report.protect_notebooks(PROJECT_ROOT, sys.executable):
                print("framelab: notebooks/*.ipynb are staged without outputs (git filter "
                      f"{report.NOTEBOOK_FILTER})")
            command = report.lab_command(NOTEBOOKS_DIR, sys.executable)
            print(f"framelab: your own notebooks go in notebooks/{report.SCRATCH_DIR}/ "
                  "(git ignores it; framelab report runs only notebooks/NN_name.ipynb)",
                  flush=True)
            os.execv(command[0], command)
        if args.list_parameters:
            specs = report.discover_notebooks(Path(args.notebooks), only=args.only)
            print(describe_parameters([s.name for s in specs],
                                      {s.name: s.parameters for s in specs}))
            return 0
        columns = {n: getattr(args, f"{n}_column") for n in
                   ("text", "id", "outlet", "date", "title", "url")
                   if getattr(args, f"{n}_column")}
        params = {k: v for mapping in args.yaml for k, v in mapping.items()}
        params.update({name: report.parse_cli_value(value) for name, value in args.param})
        result = report.run_report(
            corpus=args.corpus, metadata=args.metadata, codebook=args.codebook,
            columns=columns, params=params, params_file=args.params, only=args.only,
            out=args.out, run_id=args.run_id, on_bad_rows=args.on_bad_rows,
            progress=not args.no_progress, reuse_from=args.reuse,
            figure_width=args.figure_width, notebooks_dir=Path(args.notebooks),
            jobs=args.jobs, engine=args.engine, workers=args.workers,
            scheduler=args.scheduler, cache_dir=args.cache_dir,
            metadata_wins=args.metadata_wins)
    except NotebookError as err:
        print(f"framelab: {err}", file=sys.stderr)
        return 1
    except FramelabError as err:
        print(f"framelab: error: {_one_line(str(err))}", file=sys.stderr)
        return 2
    except OSError as err:  # a file system refusal: name the path, no traceback
        where = f" ({err.filename})" if err.filename else ""
        print(f"framelab: error: {err.strerror or err}{where}; check the paths and "
              "permissions given", file=sys.stderr)
        return 2
    for item in result.manifest.get("reused", {}).get("notebooks", []):
        print(f"framelab: reused {item['name']} ({len(item['files'])} files) from run "
              f"{result.manifest['reused']['run_id']}")
    print(f"framelab: run {result.manifest['run_id']} written to {result.run_dir}; "
          f"open {result.run_dir / 'index.html'}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
