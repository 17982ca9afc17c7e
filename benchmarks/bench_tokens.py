"""Tokenize + document-term matrix: framelab vs scikit-learn's CountVectorizer vs NLTK.

    .venv/bin/python benchmarks/bench_tokens.py [--docs 8000] [--repeat 3]

Same normalised texts (resampled seed articles, benchmarks/make_corpus.py) for every method;
median of --repeat runs; throughput in MB of text per second. Goals (issue 7): framelab's
tokenize + DTM with multiword expressions >= 1.0x CountVectorizer, >= 8x the NLTK path.
Writes benchmarks/results/tokens.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import table, write_result


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=8000, help="documents of text")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method (median)")
    args = parser.parse_args(argv)

    import pandas as pd
    from framelab.corpus import normalize_text
    from framelab.tokens import (
        Analyzer,
        document_term_matrix,
        dtm_from_tokens,
        token_table,
        tokenize,
    )
    from make_corpus import documents
    from nltk.tokenize import NLTKWordTokenizer
    from sklearn.feature_extraction.text import CountVectorizer

    texts = [normalize_text(t) for t in pd.concat(list(documents(args.docs, seed=1))).text]
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    nltk_tok = NLTKWordTokenizer()
    analyzer = Analyzer()

    def framelab_dtm() -> object:
        return document_term_matrix(texts)

    def framelab_offsets_dtm() -> object:
        table = token_table(texts)  # text, token, start, end for every token
        return dtm_from_tokens(table, len(texts))

    def framelab_tokenize_each() -> object:
        tokens = [tokenize(t) for t in texts]  # Token(text, start, end) for every token
        return CountVectorizer(analyzer=_identity).fit_transform(
            [[tok.text for tok in doc] for doc in tokens])

    def framelab_analyzer_only() -> object:
        return [analyzer(t) for t in texts]

    def sklearn_default() -> object:
        return CountVectorizer().fit_transform(texts)

    def nltk_path() -> object:
        return CountVectorizer(analyzer=_identity).fit_transform(
            [nltk_tok.tokenize(t.lower()) for t in texts])

    methods = [
        ("framelab document_term_matrix (MWEs, stop words)", framelab_dtm),
        ("framelab token_table with offsets + DTM", framelab_offsets_dtm),
        ("framelab tokenize() per text with offsets + DTM", framelab_tokenize_each),
        ("framelab Analyzer alone (no DTM)", framelab_analyzer_only),
        ("scikit-learn CountVectorizer() default", sklearn_default),
        ("NLTKWordTokenizer + CountVectorizer", nltk_path),
    ]
    seconds: dict[str, float] = {}
    for name, fn in methods:
        runs = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - began)
        seconds[name] = statistics.median(runs)
        print(f"{name}: {seconds[name]:.2f} s, {mb / seconds[name]:.1f} MB/s", flush=True)

    cv = seconds["scikit-learn CountVectorizer() default"]
    nl = seconds["NLTKWordTokenizer + CountVectorizer"]
    rows = [[name, f"{s:.2f}", f"{mb / s:.1f}", f"{cv / s:.2f}x", f"{nl / s:.1f}x"]
            for name, s in seconds.items()]
    fl = seconds["framelab document_term_matrix (MWEs, stop words)"]
    off = seconds["framelab token_table with offsets + DTM"]
    verdict = [
        f"- DTM with MWEs vs CountVectorizer: {cv / fl:.2f}x (goal >= 1.0x: "
        f"{'met' if cv / fl >= 1.0 else 'NOT met'}); vs NLTK: {nl / fl:.1f}x (goal >= 8x: "
        f"{'met' if nl / fl >= 8 else 'NOT met'})",
        f"- with offsets (token_table + DTM) vs CountVectorizer: {cv / off:.2f}x (goal >= "
        f"1.0x: {'met' if cv / off >= 1.0 else 'NOT met'}); vs NLTK: {nl / off:.1f}x",
    ]
    body = "\n".join([
        f"{len(texts)} documents, {mb:.1f} MB of normalised text; median of {args.repeat} "
        "runs. Command: `.venv/bin/python benchmarks/bench_tokens.py "
        f"--docs {args.docs} --repeat {args.repeat}`.", "",
        table(["method", "seconds", "MB/s", "vs CountVectorizer", "vs NLTK"], rows), "",
        *verdict, "",
        "The machine is shared: see the load average below; ratios measured in one run are "
        "more telling than absolute MB/s.",
    ])
    print(write_result("tokens", "Benchmark: tokenize + document-term matrix", body))
    return 0


if __name__ == "__main__":
    sys.exit(main())
