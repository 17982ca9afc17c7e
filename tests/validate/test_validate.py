"""The validation kit: sampling, sheets, the coder's page and agreement scores.

Agreement figures are checked against formulas written out here (Cohen 1960; Krippendorff's
coincidence-matrix form of alpha for nominal data), not against the library path they test.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from framelab import cli, report, validate
from framelab import validate as agreement
from framelab.errors import AnnotationError, ColumnError, ParameterError, ValidationWarning

# Planted run: (group/outlet, voice) -> number of label mentions.
STRATA = {("A", "narrator"): 30, ("A", "quoted"): 3, ("B", "narrator"): 10,
          ("B", "attributed"): 10, ("c1", "narrator"): 4}
DOCS = {"a1": "A", "a2": "A", "b1": "B", "c1": ""}
LABEL_COLUMNS = ["doc_id", "outlet", "sentence_id", "start", "end", "term", "label", "family",
                 "actor", "event", "voice", "voice_cue", "voice_evidence"]


@pytest.fixture()
def planted_run(tmp_path: Path) -> Path:
    """A finished run folder with a planted label_mentions table and its corpus."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for doc_id in DOCS:
        (corpus / f"{doc_id}.txt").write_text(
            " ".join(f"w{doc_id}{i:03d}" for i in range(400)) + ".\n", encoding="utf-8")
    pd.DataFrame({"doc_id": list(DOCS), "outlet": list(DOCS.values())}).to_csv(
        corpus / "metadata.csv", index=False)
    rows, used = [], Counter()
    for (group, voice), count in STRATA.items():
        docs = [d for d, o in DOCS.items() if (o or d) == group]
        for i in range(count):
            doc = docs[i % len(docs)]
            start = 7 * used[doc]  # every "w<doc><nnn> " token is 7 characters
            used[doc] += 1
            rows.append([doc, DOCS[doc], f"{doc}:00000", start, start + 6, "regime",
                         "regime", "delegitimising", "syrian_government", "", voice, "", ""])
    run = tmp_path / "outputs" / "planted"
    (run / "tables").mkdir(parents=True)
    pd.DataFrame(rows, columns=LABEL_COLUMNS).to_csv(run / "tables" / "label_mentions.csv",
                                                     index=False)
    manifest = {"run_id": "planted", "parameters": {"01_framing": {
        "corpus": str(corpus), "cache_dir": str(tmp_path / "cache")}}}
    (run / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return run


def _voices(run: Path) -> dict[tuple[str, int, int], tuple[str, str]]:
    """(doc_id, start, end) -> (group, voice), read from the planted table directly."""
    table = pd.read_csv(run / "tables" / "label_mentions.csv", keep_default_na=False)
    return {(r.doc_id, r.start, r.end): (r.outlet or r.doc_id, r.voice)
            for r in table.itertuples()}


def _truth(sheet: pd.DataFrame, run: Path) -> list[str]:
    voices = _voices(run)
    return [voices[(d, int(s), int(e))][1]
            for d, s, e in sheet[["doc_id", "start", "end"]].itertuples(index=False)]


# --- sampling ------------------------------------------------------------------------------

def test_allocation_equal_caps_small_strata_and_proportional_uses_largest_remainders() -> None:
    sizes = pd.Series({"a": 30, "b": 3, "c": 10, "d": 10})
    equal = validate.allocate(sizes, 20)
    # 5 each; b has only 3, its 2 spare go to the largest strata (a, then c before d)
    assert equal.to_dict() == {"a": 6, "b": 3, "c": 6, "d": 5}
    # 20 * (30, 3, 10, 10) / 53 = 11.32, 1.13, 3.77, 3.77 -> floors 11, 1, 3, 3 + two remainders
    assert validate.allocate(sizes, 20, allocation="proportional").to_dict() == \
        {"a": 11, "b": 1, "c": 4, "d": 4}
    assert validate.allocate(sizes, 100).to_dict() == sizes.to_dict()
    with pytest.raises(ParameterError, match="allocation='random'"):
        validate.allocate(sizes, 5, allocation="random")


def test_sample_is_stratified_seeded_and_hides_the_decision(planted_run: Path) -> None:
    sheet = validate.sample_sheet(planted_run, "label_voice", n=20, seed=7)
    voices = _voices(planted_run)
    drawn = Counter(voices[(d, int(s), int(e))] for d, s, e in
                    sheet[["doc_id", "start", "end"]].itertuples(index=False))
    # 5 strata, 4 each; (A, quoted) has 3, its spare item goes to the largest, (A, narrator)
    assert drawn == {("A", "narrator"): 5, ("A", "quoted"): 3, ("B", "narrator"): 4,
                     ("B", "attributed"): 4, ("c1", "narrator"): 4}
    assert sheet["id"].is_unique and list(sheet["item"]) == list(range(1, 21))
    assert "decision" not in sheet.columns
    assert not sheet[["question", "left", "match", "right"]].isin(
        ["narrator", "quoted", "attributed"]).any().any()
    assert (sheet["code"] == "").all() and set(sheet["run"]) == {str(planted_run)}
    pd.testing.assert_frame_equal(sheet, validate.sample_sheet(planted_run, "label_voice",
                                                               n=20, seed=7))
    other = validate.sample_sheet(planted_run, "label_voice", n=20, seed=8)
    assert set(other["id"]) != set(sheet["id"])
    shown = validate.sample_sheet(planted_run, "label_voice", n=20, seed=7, show_decision=True)
    assert list(shown["decision"]) == _truth(sheet, planted_run)
    assert list(shown["id"]) == list(sheet["id"])


def test_item_ids_depend_on_the_item_not_on_the_run(planted_run: Path, tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere"
    shutil.copytree(planted_run, copy)
    table = pd.read_csv(copy / "tables" / "label_mentions.csv", keep_default_na=False)
    table["voice"] = "narrator"  # a later run deciding differently keeps the same items
    table.iloc[::-1].to_csv(copy / "tables" / "label_mentions.csv", index=False)
    first, second = validate.decisions(planted_run, "label_voice"), \
        validate.decisions(copy, "label_voice")
    assert list(first["id"]) == list(second["id"])
    assert validate.item_id("label_voice", "a1", 0, 8) != validate.item_id("label_voice",
                                                                             "a1", 0, 9)
    assert validate.item_id("label_voice", "a1", 0, 8) != validate.item_id("actor", "a1", 0, 8)


def test_sheet_context_is_the_documents_text(planted_run: Path) -> None:
    sheet = validate.sample_sheet(planted_run, "label_voice", n=5, seed=0, window=30)
    for row in sheet.itertuples():
        assert row.match == f"w{row.doc_id}{int(row.start) // 7:03d}"
        assert 0 < len(row.left.lstrip("\u2026")) <= 30 or int(row.start) < 30


# --- agreement, planted ----------------------------------------------------------------------

def _cohen(a: list[str], b: list[str]) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[c] * cb[c] for c in set(a) | set(b)) / n ** 2
    return (observed - expected) / (1 - expected)


def _alpha_nominal(units: list[list[str]]) -> float:
    """Krippendorff's alpha from the coincidence matrix; units with < 2 values are dropped."""
    coincidence: Counter[tuple[str, str]] = Counter()
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for i, j in itertools.permutations(range(m), 2):
            coincidence[(values[i], values[j])] += 1 / (m - 1)
    totals: Counter[str] = Counter()
    for (c, _), count in coincidence.items():
        totals[c] += count
    n = sum(totals.values())
    observed = sum(v for (c, k), v in coincidence.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n - 1)
    return 1 - observed / expected


def _coded(planted_run: Path, tmp_path: Path) -> tuple[pd.DataFrame, list[Path]]:
    """Every planted item coded by three coders with planted disagreements."""
    sheet = validate.sample_sheet(planted_run, "label_voice", n=1000, seed=0)
    truth = _truth(sheet, planted_run)
    ann = list(truth)
    bob = ["attributed" if i % 5 == 0 and t == "narrator" else t for i, t in enumerate(truth)]
    bob = ["narrator" if t == "quoted" else b for t, b in zip(truth, bob)]
    cy = ["quoted" if i % 7 == 3 else t for i, t in enumerate(truth)]
    cy = ["" if i % 11 == 0 else c for i, c in enumerate(cy)]
    paths = []
    for name, codes in (("ann", ann), ("bob", bob), ("cy", cy)):
        coded = sheet.assign(code=codes)
        paths.append(validate.write_sheet(coded, tmp_path / f"{name}.csv"))
    return sheet.assign(truth=truth, ann=ann, bob=bob, cy=cy), paths


def test_planted_disagreements_give_the_hand_computed_kappa_and_alpha(
        planted_run: Path, tmp_path: Path) -> None:
    coded, paths = _coded(planted_run, tmp_path)
    with pytest.warns(ValidationWarning, match=r"'code' is blank in 6 of 57 rows"):
        result = agreement.score_sheets(paths, n_boot=50)
    assert result.coders == ["ann", "bob", "cy"]
    kappa = result.tables["validation_coder_kappa"].set_index(["coder_a", "coder_b"])
    assert kappa.loc[("ann", "bob"), "kappa"] == pytest.approx(_cohen(coded.ann.tolist(),
                                                                        coded.bob.tolist()))
    both = coded[coded.cy != ""]
    assert kappa.loc[("bob", "cy"), "n_items"] == len(both) == 51
    assert kappa.loc[("bob", "cy"), "kappa"] == pytest.approx(_cohen(both.bob.tolist(),
                                                                        both.cy.tolist()))
    assert kappa["kappa_low"].le(kappa["kappa"]).all() and kappa["kappa"].le(
        kappa["kappa_high"]).all()
    units = [[v for v in row if v] for row in coded[["ann", "bob", "cy"]].itertuples(index=False)]
    alpha = result.tables["validation_alpha"].iloc[0]
    assert alpha["alpha"] == pytest.approx(_alpha_nominal(units))
    assert alpha["n_pairable"] == 57 and 0 < alpha["alpha"] < 1
    # everything sampled: every weight is 1, so the tool's scores are plain counts
    tool = result.tables["validation_tool"].set_index("coder")
    assert tool.loc["ann", "accuracy"] == 1 and tool.loc["ann", "kappa"] == pytest.approx(1)
    agree = sum(t == b for t, b in zip(coded.truth, coded.bob))
    assert tool.loc["bob", "accuracy"] == pytest.approx(agree / 57)
    by_class = result.tables["validation_tool_by_class"].set_index(["coder", "class"])
    tool_narr = [b for t, b in zip(coded.truth, coded.bob) if t == "narrator"]
    bob_narr = [t for t, b in zip(coded.truth, coded.bob) if b == "narrator"]
    assert by_class.loc[("bob", "narrator"), "precision"] == pytest.approx(
        tool_narr.count("narrator") / len(tool_narr))
    assert by_class.loc[("bob", "narrator"), "recall"] == pytest.approx(
        bob_narr.count("narrator") / len(bob_narr))
    assert np.isnan(by_class.loc[("bob", "quoted"), "recall"])  # bob never says quoted
    disagree = result.tables["validation_disagreements"]
    expected = {i for i, row in coded.iterrows()
                if len({v for v in (row.ann, row.bob, row.cy) if v}) > 1}
    assert set(disagree.loc[disagree.between == "coders", "id"]) == set(coded.loc[list(expected),
                                                                                  "id"])
    assert "stratified random sample of 57 items" in result.design
    strata = result.tables["validation_strata"].set_index(["group", "decision"])
    assert strata["population"].to_dict() == STRATA == strata["sampled"].to_dict()
    saved = result.save(tmp_path / "out")
    assert {p.name for p in saved} >= {"validation_tool.csv", "validation_design.txt"}


def test_tool_scores_are_weighted_by_the_design(planted_run: Path) -> None:
    """An equal-allocation sample: each item counts N_h / n_h."""
    sheet = validate.sample_sheet(planted_run, "label_voice", n=10, seed=3)
    truth = _truth(sheet, planted_run)
    voices = _voices(planted_run)
    groups = [voices[(d, int(s), int(e))][0] for d, s, e in
              sheet[["doc_id", "start", "end"]].itertuples(index=False)]
    drawn = Counter(zip(groups, truth))
    assert sum(drawn.values()) == 10 and drawn[("A", "quoted")] == 2  # 2 per stratum
    weights = [STRATA[(g, t)] / drawn[(g, t)] for g, t in zip(groups, truth)]
    codes = ["narrator"] * len(truth)  # a coder who hears only the narrator
    result = agreement.score_sheets([sheet.assign(code=codes)], n_boot=0)
    tool = result.tables["validation_tool"].iloc[0]
    right = sum(w for w, t in zip(weights, truth) if t == "narrator")
    assert tool["accuracy"] == pytest.approx(right / sum(weights))
    assert np.isnan(tool["accuracy_low"])
    by_class = result.tables["validation_tool_by_class"].set_index("class")
    assert by_class.loc["narrator", "precision"] == 1
    assert by_class.loc["narrator", "recall"] == pytest.approx(right / sum(weights))


def test_kappa_of_coders_who_agree_by_chance_only_is_zero() -> None:
    items = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["x", "y", "x", "y"]})
    table = agreement.coder_kappa(items, ["a", "b"], ["x", "y"], n_boot=0)
    assert table.loc[0, "kappa"] == pytest.approx(0) and table.loc[0, "agreement"] == 0.5
    one = agreement.krippendorff_alpha(items[["a"]], ["a"], ["x", "y"])
    assert np.isnan(one.loc[0, "alpha"]) and "two coders" in one.loc[0, "note"]


# --- bad input -----------------------------------------------------------------------------

def _sheet(planted_run: Path) -> pd.DataFrame:
    sheet = validate.sample_sheet(planted_run, "label_voice", n=8, seed=1)
    return sheet.assign(code=_truth(sheet, planted_run))


def test_ids_not_in_the_run_are_named_by_row(planted_run: Path) -> None:
    sheet = _sheet(planted_run)
    sheet.loc[2, "id"] = "voice-000000000000"
    with pytest.raises(AnnotationError, match=r"1 id\(s\) are not label_voice decisions of run "
                       r"\S*/planted: row 4 'voice-000000000000'"):
        agreement.score_sheets([sheet], n_boot=0)


def test_codes_outside_the_classes_are_named_by_row(planted_run: Path) -> None:
    sheet = _sheet(planted_run)
    sheet.loc[[1, 5], "code"] = ["narator", "Hezbollah"]
    with pytest.raises(AnnotationError, match=r"outside the classes of label_voice \(narrator, "
                       r"quoted, attributed\): row 3 'narator', row 7 'Hezbollah'"):
        agreement.score_sheets([sheet], n_boot=0)
    sheet.loc[[1, 5], "code"] = [" narrator ", "quoted"]  # stray spaces are forgiven
    agreement.score_sheets([sheet], n_boot=0)


def test_a_partly_blank_coder_column_warns_with_its_rows(planted_run: Path) -> None:
    sheet = _sheet(planted_run).rename(columns={"code": "code_dana"})
    sheet.loc[[0, 6], "code_dana"] = ""
    with pytest.warns(ValidationWarning, match=r"'code_dana' is blank in 2 of 8 rows "
                      r"\(row 2 'voice-[0-9a-f]{12}', row 8 'voice-[0-9a-f]{12}'\)"):
        result = agreement.score_sheets([sheet], n_boot=0)
    assert result.tables["validation_tool"].loc[0, "n_items"] == 6
    sheet["code_dana"] = ""
    with pytest.raises(AnnotationError, match="'code_dana' is blank in every row"):
        agreement.score_sheets([sheet], n_boot=0)


def test_other_bad_sheets(planted_run: Path, tmp_path: Path) -> None:
    sheet = _sheet(planted_run)
    with pytest.raises(AnnotationError, match="same id on several rows: row 2"):
        agreement.score_sheets([pd.concat([sheet, sheet.iloc[:1]], ignore_index=True)],
                              n_boot=0)
    with pytest.raises(AnnotationError, match="different samples"):
        agreement.score_sheets([sheet, sheet.assign(what="actor")], n_boot=0)
    sheet.drop(columns=["run"]).to_csv(tmp_path / "x.csv", index=False)
    with pytest.raises(ColumnError, match=r"x.csv: not a coding sheet: missing column\(s\) run"):
        validate.read_sheet(tmp_path / "x.csv")
    with pytest.raises(ParameterError, match="what='frames'"):
        validate.decisions(planted_run, "frames")
    with pytest.raises(ParameterError, match="no run folder with tables/"):
        validate.open_run(tmp_path / "nowhere")
    with pytest.raises(AnnotationError, match="quotes.csv is missing"):
        validate.decisions(planted_run, "quotes")


# --- the coder's page ------------------------------------------------------------------------

def test_coder_page_is_offline_and_carries_the_items(planted_run: Path, tmp_path: Path) -> None:
    sheet = validate.sample_sheet(planted_run, "label_voice", n=6, seed=0)
    sheet.loc[0, "left"] = "</script><script>alert(1)</script>"
    page = validate.write_coder_html(sheet, tmp_path / "coder.html").read_text("utf-8")
    assert not re.search(r"https?://|<link|\bsrc=", page), "the page must not need a network"
    payload = re.search(r'<script id="data" type="application/json">(.*?)</script>', page,
                        re.DOTALL)
    assert payload is not None
    data = json.loads(payload.group(1))
    assert data["classes"] == ["narrator", "quoted", "attributed"]
    assert [r[data["columns"].index("id")] for r in data["rows"]] == list(sheet["id"])
    assert data["rows"][0][data["columns"].index("left")] == sheet.loc[0, "left"]
    assert page.count("</script>") == 2


# --- the whole loop on the seeds run --------------------------------------------------------

@pytest.mark.slow
def test_sample_code_score_on_the_seeds_run(seed_run: report.RunResult, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    run = str(seed_run.run_dir)
    sheet_path = tmp_path / "voice.csv"
    assert cli.main(["validate", "sample", "--run", run, "--what", "label_voice", "--n", "24",
                     "--seed", "5", "--out", str(sheet_path)]) == 0
    assert cli.main(["validate", "html", "--sheet", str(sheet_path), "--out",
                     str(tmp_path / "coder.html")]) == 0
    sheet = validate.read_sheet(sheet_path)
    mentions = pd.read_csv(seed_run.run_dir / "tables" / "label_mentions.csv",
                           keep_default_na=False)
    voice = {(r.doc_id, r.start, r.end): r.voice for r in mentions.itertuples()}
    truth = [voice[(d, int(s), int(e))] for d, s, e in
             sheet[["doc_id", "start", "end"]].itertuples(index=False)]
    flipped = ["narrator" if i < 4 and t != "narrator" else t for i, t in enumerate(truth)]
    sheet.assign(code=truth).to_csv(tmp_path / "voice.eve.csv", index=False)
    sheet.assign(code=flipped).to_csv(tmp_path / "voice.fay.csv", index=False)
    capsys.readouterr()
    assert cli.main(["validate", "score", "--sheet", str(tmp_path / "voice.eve.csv"),
                     "--sheet", str(tmp_path / "voice.fay.csv"), "--n-boot", "100",
                     "--out", str(tmp_path / "scores")]) == 0
    printed = capsys.readouterr().out
    assert "validation_coder_kappa" in printed and "stratified random sample" in printed
    tool = pd.read_csv(tmp_path / "scores" / "tables" / "validation_tool.csv")
    assert tool.set_index("coder").loc["voice.eve", "accuracy"] == 1
    n_flipped = sum(a != b for a, b in zip(truth, flipped))
    pairs = pd.read_csv(tmp_path / "scores" / "tables" / "validation_coder_kappa.csv")
    assert pairs.loc[0, "agreement"] == pytest.approx(1 - n_flipped / len(truth))
    assert pairs.loc[0, "kappa"] == pytest.approx(_cohen(truth, flipped))
    # the notebook scores the same sheets
    import papermill
    from framelab.paths import NOTEBOOKS_DIR

    out = tmp_path / "nb-run"
    papermill.execute_notebook(
        str(NOTEBOOKS_DIR / "06_validation.ipynb"), str(tmp_path / "06.ipynb"),
        parameters={"out_dir": str(out), "n_boot": 50,
                    "sheets": f"{tmp_path / 'voice.eve.csv'},{tmp_path / 'voice.fay.csv'}"},
        progress_bar=False, kernel_name="python3", cwd=str(NOTEBOOKS_DIR))
    assert (out / "tables" / "validation_alpha.csv").is_file()
    assert (out / "figures" / "validation_confusion.pdf").is_file()


# A stand-in for the browser: just enough DOM for the page's script, run by Node.
_FAKE_BROWSER = r"""
const fs = require("fs");
const html = fs.readFileSync(process.argv[2], "utf8");
const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
const els = {}, listeners = {}, out = {};
function el(id) {
  return {id, textContent: "", value: "", className: "", children: [], onclick: null,
          append(...xs) { this.children.push(...xs); }};
}
globalThis.document = {
  getElementById: id => id === "data" ? {textContent: scripts[0][2]} : (els[id] ||= el(id)),
  createElement: tag => {
    const e = el(tag); e.click = () => { out.name = e.download; }; return e;
  },
  addEventListener: (type, fn) => { listeners[type] = fn; },
};
globalThis.localStorage = {store: {}, getItem(k) { return this.store[k] ?? null; },
                           setItem(k, v) { this.store[k] = v; }};
globalThis.Blob = class { constructor(parts) { out.csv = parts.join(""); } };
globalThis.URL = {createObjectURL: () => "blob:"};
eval(scripts[1][2]);
const keys = process.argv[3].split(",");  // one key press per item
for (const k of keys) listeners.keydown({key: k, target: {tagName: "BODY"}});
document.getElementById("coder").value = "zoe";
els.save.onclick();
fs.writeFileSync(process.argv[4], out.csv);
console.log(out.name);
"""


def test_coder_page_collects_codes_into_a_csv_that_scores(planted_run: Path,
                                                          tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js not found; it runs the coder page's script without a browser")
    import subprocess

    sheet = validate.sample_sheet(planted_run, "label_voice", n=6, seed=2)
    page = validate.write_coder_html(sheet, tmp_path / "voice.html")
    (tmp_path / "browser.js").write_text(_FAKE_BROWSER, encoding="utf-8")
    classes = ["narrator", "quoted", "attributed"]
    truth = _truth(sheet, planted_run)
    keys = [str(classes.index(t) + 1) for t in truth]
    keys[0] = str(classes.index("quoted" if truth[0] != "quoted" else "narrator") + 1)
    done = subprocess.run([node, str(tmp_path / "browser.js"), str(page), ",".join(keys),
                           str(tmp_path / "downloaded.csv")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "voice.zoe.csv"
    coded = validate.read_sheet(tmp_path / "downloaded.csv")
    assert "code_zoe" in coded.columns and list(coded["id"]) == list(sheet["id"])
    assert [classes[int(k) - 1] for k in keys] == list(coded["code_zoe"])
    result = agreement.score_sheets([coded], n_boot=0)
    assert result.coders == ["zoe"]
    assert result.tables["validation_tool"].loc[0, "n_items"] == 6
    assert len(result.tables["validation_disagreements"]) == 1


def test_quote_speakers_are_sets_of_codebook_targets(planted_run: Path) -> None:
    quotes = pd.DataFrame({
        "doc_id": ["a1", "a2", "b1", "c1"], "outlet": ["A", "A", "B", ""],
        "quote_id": ["a1:q0", "a2:q0", "b1:q0", "c1:q0"], "start": [7, 14, 21, 28],
        "end": [13, 20, 27, 34], "text": ["x"] * 4, "speaker": ["s"] * 4,
        "speaker_actor": ["US", "Russia;Syrian government", "", "Iran"], "cue": ["said"] * 4,
        "targets": [""] * 4})
    quotes.to_csv(planted_run / "tables" / "quotes.csv", index=False)
    sheet = validate.sample_sheet(planted_run, "quotes", n=4, seed=0, show_decision=True)
    decided = dict(zip(sheet["doc_id"], sheet["decision"]))
    assert decided == {"a1": "US", "a2": "Russia;Syrian government", "b1": "none", "c1": "Iran"}
    codes = {"a1": "US", "a2": " Syrian government ; Russia", "b1": "none", "c1": "Turkey"}
    result = agreement.score_sheets([sheet.assign(code=sheet["doc_id"].map(codes))], n_boot=0)
    by_class = result.tables["validation_tool_by_class"].set_index("class")
    assert by_class.loc["Russia;Syrian government", "precision"] == 1
    assert set(by_class.index) == {"US", "Russia;Syrian government", "none", "Iran", "Turkey"}
    assert by_class.loc["Turkey", "n_tool"] == 0 and by_class.loc["Iran", "n_coder"] == 0
    bad = sheet.assign(code=["US;Narnia", "US", "US", "US"])
    with pytest.raises(AnnotationError, match="row 2 'US;Narnia'"):
        agreement.score_sheets([bad], n_boot=0)
