"""The run configuration: every parameter of the report and its notebooks, declared once.

Each :class:`Parameter` carries its name, type, default, help and constraints. The CLI builds
its options from it, the report validates ``-p``/``--params`` values with it, ``framelab report
--list-parameters`` prints it, and every notebook's ``parameters`` cell is rendered from it
(:func:`parameters_cell`; a test checks each notebook against it). Adding a parameter is one
entry here plus its use in the notebook.

*Run parameters* (:data:`RUN_PARAMETERS`) are set by the report for every notebook that
declares them (the corpus, its columns, where the run writes...). *Notebook parameters*
(:data:`NOTEBOOK_PARAMETERS`) belong to one notebook and are set with ``-p NAME=VALUE`` or a
``--params`` YAML. A name means one thing everywhere: ``bootstrap_seed`` seeds the bootstrap
intervals of 01 and 03, ``minhash_seed`` the hash functions of 04.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..errors import ParameterError

__all__ = ["Parameter", "RUN_PARAMETERS", "NOTEBOOK_PARAMETERS", "run_parameter_names",
           "notebook_parameters_of", "parameters_cell", "check_value", "describe_parameters"]

_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (float, int),
                                      "bool": (bool,), "dict": (dict,)}


@dataclass(frozen=True)
class Parameter:
    """One parameter: ``name: type = default  # help``, with optional constraints.

    ``choices`` lists the allowed values of a ``str``; ``minimum``/``maximum`` bound a number
    (inclusive).
    """

    name: str
    type: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def __post_init__(self) -> None:
        if self.type not in _TYPES:
            raise ValueError(f"parameter {self.name}: unknown type {self.type!r}")
        check_value(self, self.default, "the run configuration")

    def line(self) -> str:
        """The parameters-cell line that declares this parameter."""
        return f"{self.name}: {self.type} = {_literal(self.default)}  # {self.help}"


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def check_value(param: Parameter, value: Any, where: str) -> Any:
    """``value`` checked against ``param`` (type, choices, bounds); ints widen to floats.

    Raises
    ------
    ParameterError
        Naming the parameter, the value, what is allowed and ``where`` it was given.
    """
    name = param.name
    kind = param.type
    if kind == "bool":
        ok = isinstance(value, bool)
    elif kind in ("int", "float"):
        ok = isinstance(value, _TYPES[kind]) and not isinstance(value, bool)
    else:
        ok = isinstance(value, _TYPES[kind])
    if not ok:
        raise ParameterError(f"{where}: parameter {name}={value!r} must be {kind}")
    if kind == "float":
        value = float(value)
    if param.choices and value not in param.choices:
        raise ParameterError(f"{where}: parameter {name}={value!r}; use one of "
                             + ", ".join(repr(c) for c in param.choices))
    if param.minimum is not None and value < param.minimum:
        raise ParameterError(f"{where}: parameter {name}={value!r} is below its minimum "
                             f"{param.minimum:g}")
    if param.maximum is not None and value > param.maximum:
        raise ParameterError(f"{where}: parameter {name}={value!r} is above its maximum "
                             f"{param.maximum:g}")
    return value


def _p(name: str, type_: str, default: Any, help_: str, **kw: Any) -> Parameter:
    return Parameter(name, type_, default, help_, **kw)


#: Set by the report for every notebook that declares them; defaults run on the seed corpus.
RUN_PARAMETERS: tuple[Parameter, ...] = (
    _p("corpus", "str", "seeds", "folder of .txt files or a .csv/.tsv/.jsonl/.parquet table"),
    _p("metadata", "str", "", "CSV sidecar with doc_id + metadata; empty: none (a folder's "
       "metadata.csv is used)"),
    _p("codebook", "str", "", "YAML codebook; empty: the shipped default "
       "(lib/framelab/data/codebook.yaml)"),
    _p("columns", "dict", {}, "input column of each role, e.g. {'text': 'body', 'outlet': "
       "'source'} (roles: text, id, outlet, date, title, url); roles left out are guessed"),
    _p("on_bad_rows", "str", "error", "malformed CSV/JSONL rows: error stops, skip warns and "
       "skips", choices=("error", "skip")),
    _p("engine", "str", "local", "where loading, segmentation and the per-document analyses "
       "run: local (this process or a pool) or dask", choices=("local", "dask")),
    _p("workers", "int", 0, "local: worker processes (0: this process); dask: size of a new "
       "local cluster", minimum=0),
    _p("scheduler", "str", "", "dask: address of a running scheduler such as "
       "tcp://127.0.0.1:8786; empty starts one"),
    _p("cache_dir", "str", "", "Parquet cache of the normalised corpus; empty: .cache in the folder of "
       "runs (outputs/.cache)"),
    _p("corpus_cache", "str", "", "cache entry the report built for this run (opened without "
       "rereading the corpus); empty: look it up"),
    _p("out_dir", "str", "", "run directory for tables/ and figures/; empty: a new "
       "outputs/interactive-* folder"),
    _p("run_id", "str", "", "id of the report run (recorded in figure metadata)"),
    _p("figure_width", "str", "double", "width every figure is saved at: single (3.5 in) or "
       "double (7 in) column", choices=("single", "double")),
    _p("output_log", "str", "", "file the report reads to learn which outputs this notebook "
       "wrote; empty: none"),
)

def _replace(param: Parameter, **changes: Any) -> Parameter:
    return replace(param, **changes)


# Notebook parameters shared by several notebooks, each with one meaning.
_INCLUDE_NONBODY = _p("include_nonbody", "bool", False, "analyse bylines, captions, related "
                      "links and boilerplate too")
_GROUP_BY = _p("group_by", "str", "outlet", "column to compare groups by (any document "
               "column); empty values fall back to the document id")
_N_BOOT = _p("n_boot", "int", 1000, "bootstrap replicates of each 95% interval (0: none)",
             minimum=0)
_BOOTSTRAP_SEED = _p("bootstrap_seed", "int", 0, "seed of the bootstrap intervals", minimum=0)
_KWIC_WINDOW = _p("kwic_window", "int", 60, "characters of context each side of a KWIC "
                  "match", minimum=1)

_PER_DOCUMENT_MAX = _p("per_document_max", "int", 50, "above this many documents, per-document "
                       "figures and tables become distributions and summaries per outlet "
                       "(full tables are still saved)", minimum=1)

_MAX_GROUPS = _p("max_groups", "int", 10, "groups shown before the rest are pooled as other",
                 minimum=1)

#: Each notebook's own parameters, in the order of its parameters cell.
NOTEBOOK_PARAMETERS: dict[str, tuple[Parameter, ...]] = {
    "00_corpus": (
        _INCLUDE_NONBODY,
        _PER_DOCUMENT_MAX,
        _p("keyword", "str", "regime", "word or phrase for the KWIC concordance"),
        _KWIC_WINDOW,
        _p("top_n", "int", 30, "how many top terms and collocations to list", minimum=1),
        _p("collocation_min_count", "int", 2, "a bigram must occur this often to be scored",
           minimum=1),
    ),
    "01_framing": (
        _INCLUDE_NONBODY,
        _GROUP_BY,
        _PER_DOCUMENT_MAX,
        _p("keyness_groups", "str", "", 'two groups "A,B" compared with each other; empty: '
           "each group against the rest"),
        _p("keyness_prior", "float", 0.1, "Dirichlet prior pseudo-counts as a share of pooled "
           "counts (Monroe et al. 2008)", minimum=0),
        _p("keyness_min_count", "int", 2, "a term needs this many occurrences in the compared "
           "groups", minimum=1),
        _p("keyness_n_boot", "int", 200, "bootstrap replicates for the interval of each "
           "keyness z (0: none); resamples bootstrap_unit", minimum=0),
        _N_BOOT,
        _BOOTSTRAP_SEED,
        _p("bootstrap_unit", "str", "auto", "what the bootstrap resamples within a group: "
           "documents, sentences, or auto (documents when every group has 5 or more)",
           choices=("auto", "documents", "sentences")),
        _p("top_n", "int", 15, "phrases in the label+event chart and terms labelled per side "
           "in fightin' words plots", minimum=1),
        _KWIC_WINDOW,
        _p("max_evidence", "int", 3, "KWIC lines per document and frame in the frames table",
           minimum=0),
        _p("groups", "str", "", "groups shown in the actor figure, comma-separated; empty: the "
           "max_groups largest by documents, the rest pooled as other"),
        _MAX_GROUPS,
        _p("actor_panels", "int", 3, "actors or sides in the actor figure: the most labelled in "
           "the narrator voice", minimum=1),
    ),
    "02_topics": (
        _INCLUDE_NONBODY,
        _p("unit", "str", "auto", 'unit of analysis: "auto" (documents if at least 200, else '
           'paragraphs), "document", "paragraph", "sentence" or sentences per window, e.g. '
           '"3"'),
        _p("n_topics", "str", "auto", 'number of topics, or "auto" to choose from k_grid (best '
           "NPMI; perplexity breaks ties)"),
        _p("k_grid", "str", "3,4,5,6,8", "values of k compared, comma-separated; the largest "
           "needs 5 training units per topic"),
        _p("seeds", "str", "0,1,2", "random seeds of the grid runs; the runs at the chosen k "
           "measure stability"),
        _p("top_n", "int", 10, "top terms per topic scored by NPMI and compared for stability",
           minimum=1),
        _p("coherence_window", "int", 0, "NPMI window: 0 means the whole unit, n means sliding "
           "windows of n tokens (gensim c_npmi uses 10)", minimum=0),
        _p("test_size", "float", 0.2, "share of units held out (one fixed split) for "
           "perplexity", minimum=0, maximum=0.9),
        _p("stability_metric", "str", "jaccard", 'topic matching across seeds: "jaccard" '
           '(top-term overlap) or "cosine" (topic-word vectors)',
           choices=("jaccard", "cosine")),
        _p("stability_threshold", "float", 0.5, "topics whose mean matched similarity is below "
           "this are flagged unstable", minimum=0, maximum=1),
        _p("reported", "str", "consensus", 'topics reported: "consensus" (what the seed runs at '
           'the chosen k agree on), "best" (the seed run with the lowest held-out perplexity) or '
           '"refit" (one more fit with random_state)', choices=("consensus", "best", "refit")),
        _p("n_seed_runs", "int", 10, "seed runs at the chosen k for the consensus and stability: "
           "the seeds of the grid, then more fitted at that k only; 0 means the seeds of the grid "
           "only", minimum=0),
        _p("consensus_threshold", "float", 0.5, "cosine of topic-word distributions from which a "
           "seed run counts as containing a topic", minimum=0, maximum=1),
        _p("relevance_lambda", "float", 0.6, "lambda of term relevance: 1 ranks by p(term | "
           "topic), 0 by lift (Sievert & Shirley 2014)", minimum=0, maximum=1),
        _p("n_terms", "int", 10, "terms per topic listed in topic_terms", minimum=1),
        _p("min_df", "int", 2, "a term must occur in at least this many units", minimum=1),
        _p("max_df", "float", 0.9, "a term in more than this share of units is dropped",
           minimum=0, maximum=1),
        _replace(_GROUP_BY, help="column to compare prevalence by (any document column); empty "
                 "values group by document"),
        _N_BOOT,
        _p("prevalence_unit", "str", "auto", "what the prevalence bootstrap draws within a "
           "group: documents, units, or auto (documents when every group has 5 or more)",
           choices=("auto", "documents", "units")),
        _p("n_passages", "int", 3, "most representative passages shown per topic", minimum=0),
        _p("learning_method", "str", "auto", '"batch", "online" (minibatches, for large '
           'corpora) or "auto" (online from 5,000 units)',
           choices=("auto", "batch", "online")),
        _p("fit_sample", "float", 0.0, "fit on a random sample of units: 0 means all, else a "
           "share up to 1 or a number of units; every unit is transformed", minimum=0),
        _p("select_sample", "int", 5000, "the k grid and the seed runs at the chosen k run on "
           "a seeded random sample of this many units (all units when fewer; 0: all)",
           minimum=0),
        _p("grid_passes", "int", 0, "online fits: passes of each grid run before k is "
           "chosen, the runs at the chosen k then finishing theirs (faster, but one-pass "
           "scores favour a smaller k); 0: every pass before k is chosen", minimum=0),
        _p("n_jobs", "int", 1, "parallel grid runs; 1 is safe on a shared 2-core machine, -1 "
           "uses every core", minimum=-1),
        _p("random_state", "int", 0, "seed of the held-out split, the fit sample, the reported "
           "model and the bootstrap", minimum=0),
    ),
    "03_stance": (
        _INCLUDE_NONBODY,
        _GROUP_BY,
        _PER_DOCUMENT_MAX,
        _p("targets", "str", "", "comma-separated stance targets of the codebook; empty means "
           "all of them"),
        _p("scorer", "str", "all", '"default" (transparent cues), "learned" (NewsMTSC model) '
           'or "all" (both)', choices=("all", "default", "learned")),
        _N_BOOT,
        _BOOTSTRAP_SEED,
        _p("stance_annotations", "str", "docs/stance_seed_annotations.csv", "annotation CSV or "
           "NewsMTSC JSONL files, comma-separated, relative to the project root; empty means "
           "no evaluation"),
        _p("evidence_top", "int", 3, "sentences listed per group and target in the evidence "
           "table", minimum=0),
    ),
    "04_reuse": (
        _INCLUDE_NONBODY,
        _p("shingle_size", "int", 5, "tokens per shingle (word n-gram, stop words kept)",
           minimum=1),
        _p("method", "str", "auto", 'candidate pairs: "exact", "minhash" (MinHash + LSH) or '
           '"auto" (exact up to exact_max_docs)', choices=("auto", "exact", "minhash")),
        _p("exact_max_docs", "int", 2000, 'largest corpus for which "auto" uses the exact '
           "method", minimum=0),
        _p("threshold", "float", 0.5, "shingle Jaccard that makes a pair a candidate (and the "
           "LSH target)", minimum=0, maximum=1),
        _p("min_containment", "float", 0.05, "share of one document's shingles found in the "
           "other that makes a candidate", minimum=0, maximum=1),
        _p("min_shared", "int", 5, "shared shingles that make a candidate whatever the "
           "documents' length", minimum=1),
        _p("num_perm", "int", 128, "MinHash signature length (hash functions)", minimum=1),
        _p("bands", "int", 0, "LSH bands, a divisor of num_perm; 0 picks them from threshold",
           minimum=0),
        _p("minhash_seed", "int", 0, "seed of the MinHash hash functions", minimum=0),
        _p("paraphrase_threshold", "float", 0.5, "sentence TF-IDF cosine for paraphrase "
           "candidates (exact method only)", minimum=0, maximum=1),
        _p("align_threshold", "float", 0.3, "sentence TF-IDF cosine that aligns two sentences "
           "of a candidate pair", minimum=0, maximum=1),
        _p("min_run", "int", 8, "identical consecutive tokens that align two sentences "
           "whatever their cosine", minimum=1),
        _p("verbatim_run", "int", 10, "identical consecutive tokens that make an aligned "
           "passage verbatim", minimum=1),
        _p("max_views", "int", 10, "side-by-side HTML pages written (strongest pairs first)",
           minimum=0),
        _p("rewrite_threshold", "float", 0.0, "content-word sentence cosine of the rewrite "
           "layer, or 0 for the 99th percentile of non-reused cross-document pairs (at least "
           "0.2)", minimum=0, maximum=1),
        _p("min_similar", "int", 2, "similar sentences (on the side with fewer) that make a "
           "rewrite-layer candidate pair", minimum=1),
        _p("neighbours", "int", 10, "rewrite layer: sentences are compared only inside "
           "each document's neighbours nearest documents by content-word cosine (words of "
           "very many documents left out of that search; docs/reuse.md) and inside the "
           "shingle candidates, so the work grows linearly with the corpus; 0 compares every "
           "sentence with every other (quadratic on one-topic corpora)", minimum=0),
        _p("max_partners", "int", 20, "candidate pairs aligned per document and layer: its "
           "strongest partners (a pair is kept when either document ranks it this high); 0 "
           "aligns every candidate pair", minimum=0),
        _p("rewrite_gap", "float", 0.02, "cost of a sentence skipped inside an ordered rewrite "
           "chain", minimum=0),
        _p("max_merge", "int", 3, "longest run of adjacent sentences of one side joined into "
           "one rewrite link (a sentence split or merged by the rewrite); 1 links sentences "
           "one to one", minimum=1),
    ),
    "10_time": (
        _INCLUDE_NONBODY,
        _replace(_GROUP_BY, help="document column whose values are compared over time; empty "
                 "values fall back to the document id"),
        _p("time_groups", "str", "", "groups followed over time, comma-separated; empty: the "
           "max_groups largest by documents, the rest pooled as other"),
        _MAX_GROUPS,
        _p("period", "str", "auto", "day, week, month, quarter or year; auto picks the finest "
           "whose median group x period cell holds min_period_docs documents",
           choices=("auto", "day", "week", "month", "quarter", "year")),
        _p("min_period_docs", "int", 10, "documents a group needs in a period for it to be "
           "solid; thinner periods are marked and drawn hollow", minimum=1),
        _p("events", "str", "", "dated events marked on every figure and compared before and "
           "after, each written DATE and NAME joined by an equals sign, separated by "
           "semicolons (see the markdown below)"),
        _p("event_window", "int", 0, "days compared before and after each event; 0 means three "
           "periods", minimum=0),
        _p("time_actors", "int", 4, "actors, sides and stance targets followed: the most "
           "mentioned", minimum=1),
        _p("stance_scorer", "str", "", "scorer whose stance scores are followed; empty takes "
           "default when present"),
        _p("changepoint_alpha", "float", 0.05, "family-wise false-positive rate of the change "
           "points of each measure", minimum=0, maximum=1),
        _p("time_n_boot", "int", 200, "bootstrap replicates for the interval of each period and "
           "event difference (0: none)", minimum=0),
        _BOOTSTRAP_SEED,
    ),
    "06_validation": (
        _p("sheets", "str", "", "coded sheets from framelab validate sample, comma-separated, "
           "one per coder; empty: nothing to score (the notebook says so)"),
        _p("validation_run", "str", "", "run whose decisions are scored (id under outputs/ or a "
           "folder); empty: the run named in the sheets"),
        _N_BOOT,
        _BOOTSTRAP_SEED,
    ),
    "99_summary": (
        _p("n_topic_terms", "int", 8, "top terms shown per topic", minimum=1),
    ),
}

#: Run parameters a notebook does not declare (it reads no corpus, or draws no figures).
_RUN_SUBSETS: dict[str, tuple[str, ...]] = {
    "06_validation": ("out_dir", "run_id", "figure_width", "output_log"),
    "99_summary": ("out_dir", "run_id"),
}


def run_parameter_names() -> tuple[str, ...]:
    """Names of the run parameters, which only the report's own options set."""
    return tuple(p.name for p in RUN_PARAMETERS)


def notebook_parameters_of(notebook: str) -> tuple[Parameter, ...]:
    """Every parameter ``notebook`` (a stem such as ``"01_framing"``) declares, in cell order.

    Raises
    ------
    ParameterError
        ``notebook`` is not in the run configuration.
    """
    if notebook not in NOTEBOOK_PARAMETERS:
        raise ParameterError(f"notebook {notebook!r} is not in the run configuration "
                             "(lib/framelab/run/_config.py); known: "
                             + ", ".join(NOTEBOOK_PARAMETERS))
    subset = _RUN_SUBSETS.get(notebook)
    run = tuple(p for p in RUN_PARAMETERS if subset is None or p.name in subset)
    return run + NOTEBOOK_PARAMETERS[notebook]


def parameters_cell(notebook: str) -> str:
    """The source of ``notebook``'s ``parameters`` cell, as the configuration declares it."""
    run_names = set(run_parameter_names())
    params = notebook_parameters_of(notebook)
    lines = ["# Run parameters (the report sets these; defaults run on the seed corpus)"]
    lines += [p.line() for p in params if p.name in run_names]
    lines.append("# Notebook parameters")
    lines += [p.line() for p in params if p.name not in run_names]
    return "\n".join(lines)


def describe_parameters(notebooks: Sequence[str] | None = None,
                        declared: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """A plain-text listing of the parameters of ``notebooks`` (all by default).

    ``declared`` maps a notebook outside the configuration (a user's own ``--notebooks``
    folder) to the parameters its cell declares, which are listed as they are.
    """
    out = ["Run parameters (set by the report's own options):"]
    out += [f"  {p.line()}" for p in RUN_PARAMETERS]
    names = list(notebooks) if notebooks is not None else list(NOTEBOOK_PARAMETERS)
    for name in names:
        out.append(f"{name} (set with -p NAME=VALUE or --params):")
        if name in NOTEBOOK_PARAMETERS:
            out += [f"  {p.line()}" for p in NOTEBOOK_PARAMETERS[name]]
        else:
            run_names = set(run_parameter_names())
            for pname, spec in (declared or {}).get(name, {}).items():
                if pname not in run_names:
                    out.append(f"  {pname}: {spec['type']} = {spec['default']!r}  "
                               f"# {spec['help']}")
    return "\n".join(out)
