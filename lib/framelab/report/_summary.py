"""Gather a run's key tables and figures into one readable summary (notebook 99_summary).

Every function works from the files of a run directory, so the summary can be rebuilt for
any finished run, and says plainly when an analysis did not run rather than failing.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..outputs import interactive_dir, resolve_out_dir
from ..paths import OUTPUTS_DIR

__all__ = ["KEY_FIGURES", "PREVIEW_WIDTH", "preview_png", "summary_source", "load_tables", "RunTables",
           "run_facts", "actor_view", "narrator_labels",
           "stance_overview", "topic_overview", "reuse_overview", "time_overview",
           "figure_paths", "missing_note"]

#: Figures shown in the summary, in order, when the run made them.
KEY_FIGURES = ("corpus_lengths", "framing_actor_labels", "framing_label_heatmap",
               "framing_label_events", "framing_fightin_words", "framing_frames",
               "stance_heatmap", "topic_k_selection", "topic_prevalence_heatmap",
               "topic_prevalence_intervals", "reuse_similarity", "time_attention",
               "time_labels", "time_stance", "time_topics")


def summary_source(out_dir: str | Path = "", *, outputs: str | Path = OUTPUTS_DIR
                   ) -> tuple[Path, str]:
    """The run folder to summarise and a sentence saying which it is.

    ``out_dir`` given (a report run): that folder. Empty (run in JupyterLab): this session's
    folder (:func:`framelab.outputs.interactive_dir`) if its notebooks wrote tables, else the
    last report run, ``<outputs>/latest``.
    """
    if str(out_dir):
        folder = resolve_out_dir(out_dir)
        return folder, f"Summary of run **{folder.name}**."
    session = interactive_dir()
    if any((session / "tables").glob("*.csv")):
        return session, (f"Summary of this JupyterLab session's folder `{session}`: the "
                         "notebooks you ran in this session.")
    latest = Path(outputs) / "latest"
    if (latest / "manifest.json").is_file():
        return latest.resolve(), (
            f"No tables in this session's folder `{session}` yet, so this is the last report "
            f"run, `{latest}` (run **{latest.resolve().name}**). Run the numbered notebooks "
            "in this session to summarise your own results.")
    return session, (f"Nothing to summarise yet: no tables in this session's folder "
                     f"`{session}` and no report run in `{outputs}`. Run `make report`, or "
                     "the numbered notebooks in this session, first.")


class RunTables(Mapping[str, pd.DataFrame]):
    """The ``tables/*.csv`` of a run, keyed by name, each read when first looked up.

    The summary needs a handful of small tables; the mention tables of a large corpus run to
    millions of rows, and reading every table up front would make the summary's memory grow
    with the corpus. Empty cells are read as missing values.
    """

    def __init__(self, out_dir: str | Path) -> None:
        folder = resolve_out_dir(out_dir) / "tables"
        self._paths = {p.stem: p for p in sorted(folder.glob("*.csv"))}
        self._read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._read:
            self._read[name] = pd.read_csv(self._paths[name], keep_default_na=False,
                                           na_values=[""])
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __contains__(self, name: object) -> bool:
        return name in self._paths

    @property
    def loaded(self) -> list[str]:
        """Names of the tables read so far."""
        return list(self._read)


def load_tables(out_dir: str | Path) -> RunTables:
    """Every ``tables/*.csv`` of the run, keyed by name, read on first use (:class:`RunTables`)."""
    return RunTables(out_dir)


def run_facts(out_dir: str | Path, tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Facts a reader needs first: corpus, documents, outlets, notebooks, code version."""
    run = resolve_out_dir(out_dir)
    manifest: dict[str, Any] = {}
    if (run / "manifest.json").is_file():
        manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    docs = tables.get("corpus_documents")
    rows = [("run id", manifest.get("run_id", run.name)),
            ("corpus", manifest.get("inputs", {}).get("corpus", {}).get("path", "")),
            ("git commit", (manifest.get("git") or {}).get("commit") or "unknown")]
    if docs is not None:
        outlets = docs["outlet"].dropna()
        rows += [("documents", len(docs)),
                 ("documents with a known outlet", int((outlets != "").sum())),
                 ("outlets", ", ".join(sorted(set(outlets) - {""})) or "none recorded"),
                 ("analysed sentences", int(docs["n_body_sentences"].sum())),
                 ("analysed tokens", int(docs["n_tokens"].sum()))]
    ran = [n["name"] for n in manifest.get("notebooks", [])]
    if ran:
        rows.append(("notebooks run", ", ".join(ran)))
    return pd.DataFrame(rows, columns=["fact", "value"]).astype({"value": str})


def missing_note(tables: Mapping[str, pd.DataFrame], *names: str) -> str | None:
    """A sentence naming the tables this section needs that the run does not have."""
    absent = [n for n in names if n not in tables]
    if not absent:
        return None
    return ("Not available in this run (" + ", ".join(absent) + "): the notebook that "
            "writes it did not run or found nothing to report.")


def _interval(share: Any, low: Any, high: Any) -> str:
    if pd.isna(share):
        return ""
    if pd.isna(low) or pd.isna(high):
        return f"{share:.2f}"
    return f"{share:.2f} [{low:.2f}, {high:.2f}]"


def actor_view(tables: Mapping[str, pd.DataFrame], *, n_sides: int = 2) -> pd.DataFrame | None:
    """How each group names the main sides (or actors) in its own voice.

    From ``side_labels`` (``actor_labels`` when the run has no side table): for the
    ``n_sides`` sides with the most narrator-voice labels, one row per group and side with
    the share of each label family as "share [ci_low, ci_high]" and the documents behind it.
    """
    table = tables.get("side_labels")
    if table is None or table.empty:
        table = tables.get("actor_labels")
    if table is None or table.empty:
        return None
    own = table[(table["voice"] == "narrator") & (table["actor"] != "(unresolved)")]
    totals = own.groupby("actor")["count"].sum()
    main = [a for a in totals.sort_values(ascending=False, kind="stable").index
            if totals[a] > 0][:n_sides]
    if not main:
        return None
    own = own[own["actor"].isin(main)]
    own = own.assign(cell=[_interval(s, lo, hi) for s, lo, hi in
                           zip(own["share"], own["ci_low"], own["ci_high"])])
    wide = own.pivot_table(index=["actor", "group"], columns="family", values="cell",
                           aggfunc="first", sort=False)
    docs = own.groupby(["actor", "group"], sort=False)["n_docs"].max().rename("n_docs")
    out = wide.join(docs).reset_index().rename(columns={"actor": "side"})
    out["side"] = pd.Categorical(out["side"], categories=main, ordered=True)
    families = [f for f in dict.fromkeys(table["family"]) if f in out.columns]
    return out.sort_values(["side", "group"])[["side", "group", *families, "n_docs"]] \
        .astype({"side": str}).reset_index(drop=True)


def time_overview(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
    """Change points of the time notebook, strongest first (None when it found none)."""
    changes = tables.get("time_changepoints")
    if changes is None or changes.empty:
        return None
    cols = [c for c in ("measure", "group", "subject", "family", "period", "level_before",
                        "level_after", "p_adjusted") if c in changes.columns]
    return changes[cols].sort_values("p_adjusted", kind="stable").reset_index(drop=True)


def narrator_labels(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
    """Label rates per 1,000 tokens in each group's own (narrator) voice, with 95% CIs."""
    rates = tables.get("label_rates")
    if rates is None or rates.empty:
        return None
    own = rates[rates["voice"] == "narrator"]
    cols = [c for c in ("group", "family", "count", "rate_per_1000", "ci_low", "ci_high",
                        "ci_unit")
            if c in own.columns]
    return own[cols].sort_values(cols[:2]).reset_index(drop=True)


def stance_overview(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
    """Group × target stance in the narrator's voice and in quoted sources, with CIs."""
    by_group = tables.get("stance_by_group")
    if by_group is None or by_group.empty:
        return None
    cols = [c for c in ("group", "target", "voice", "scorer", "score", "ci_low", "ci_high",
                        "n_mentions") if c in by_group.columns]
    return by_group[cols].sort_values(cols[:4]).reset_index(drop=True)


def topic_overview(tables: Mapping[str, pd.DataFrame], *, n_terms: int = 8) -> pd.DataFrame | None:
    """Each topic's top terms (by relevance rank) and its stability across seeds."""
    terms = tables.get("topic_terms")
    if terms is None or terms.empty:
        return None
    top = (terms.sort_values(["topic", "rank"]).groupby("topic")["term"]
           .apply(lambda t: ", ".join(map(str, t.head(n_terms)))).rename("top_terms"))
    out = top.reset_index()
    stability = tables.get("topic_stability")
    if stability is not None and not stability.empty:
        out = out.merge(stability[["topic", "stability"]], on="topic", how="left")
    return out


def reuse_overview(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame | None:
    """Document pairs that share text, strongest first."""
    pairs = tables.get("reuse_pairs")
    if pairs is None or pairs.empty:
        return None
    cols = [c for c in ("doc_a", "doc_b", "outlet_a", "outlet_b", "similarity", "n_aligned",
                        "kind", "direction") if c in pairs.columns]
    return pairs[cols].sort_values("similarity", ascending=False).reset_index(drop=True)


def figure_paths(out_dir: str | Path, names: tuple[str, ...] = KEY_FIGURES
                 ) -> list[tuple[str, Path, str]]:
    """``(name, png path, caption)`` of each key figure the run made, in order."""
    folder = resolve_out_dir(out_dir) / "figures"
    found = []
    for name in names:
        png = folder / f"{name}.png"
        if png.is_file():
            caption = png.with_suffix(".txt")
            found.append((name, png, caption.read_text(encoding="utf-8").strip()
                          if caption.is_file() else ""))
    return found


#: Width in pixels of the figures the summary embeds (1.5x the 700 px they are shown at).
PREVIEW_WIDTH = 1050


def preview_png(path: str | Path, *, width: int = PREVIEW_WIDTH, colors: int = 128) -> bytes:
    """The PNG at ``path`` scaled down to ``width`` pixels (never up) and to a palette of
    ``colors`` colours, as PNG bytes: what the summary embeds, about a sixth of the saved
    figure's bytes (the figures themselves keep their print resolution)."""
    from PIL import Image

    with Image.open(path) as opened:
        image = opened.convert("RGB")
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))),
                             Image.Resampling.LANCZOS)
    image = image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT,
                           dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
