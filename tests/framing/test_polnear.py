"""PolNeAR reader and scores on a tiny invented brat fixture; the real dev split only when
``FRAMELAB_POLNEAR`` points to a PolNeAR checkout."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from framelab.errors import CorpusError
from framelab.framing import _polnear as polnear
from framelab.paths import PROJECT_ROOT

TEXT = ('Officials said the bridge will reopen in May.\n'
        '"It is safe," the mayor said.\n'
        'The council wants a second bridge.\n'
        'The river rose overnight.\n'
        'Read more here.\n')


def _span(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def _ann(text: str, attributions: list[dict[str, str]], discard: str = "") -> str:
    """brat lines for ``attributions`` ({"Source": phrase, "Cue": ..., "Content": ...})."""
    lines, events, n = [], [], 0
    for att in attributions:
        roles = []
        for role, phrase in att.items():
            n += 1
            a, b = _span(text, phrase)
            lines.append(f"T{n}\t{role} {a} {b}\t{phrase}")
            roles.append(f"{role}:T{n}")
        events.append(roles)
    if discard:
        a, b = _span(text, discard)
        lines.append(f"T{n + 1}\tDiscard {a} {b}\t{discard}")
    lines += [f"E{i}\t" + " ".join(r) for i, r in enumerate(events, start=1)]
    return "\n".join(lines) + "\n"


GOLD = [{"Source": "Officials", "Cue": "said", "Content": "the bridge will reopen in May"},
        {"Content": '"It is safe,"', "Source": "the mayor", "Cue": "said"},
        {"Source": "The council", "Cue": "wants", "Content": "a second bridge"}]


@pytest.fixture
def split(tmp_path: Path) -> Path:
    """data/dev with one article; three annotators, one of them (cccc) the odd one out."""
    folder = tmp_path / "data" / "dev"
    (folder / "text").mkdir(parents=True)
    (folder / "attributions").mkdir()
    (folder / "text" / "planted_2016-01-01_bridge.txt").write_text(TEXT, encoding="utf-8")
    odd = [{"Source": "The council", "Cue": "wants", "Content": "a second bridge"}]
    for annotator, atts in (("aaaa", GOLD), ("bbbb", GOLD[:2]), ("cccc", odd)):
        (folder / "attributions" / f"planted_2016-01-01_bridge_{annotator}.ann").write_text(
            _ann(TEXT, atts, discard="Read more here."), encoding="utf-8")
    return tmp_path


def test_read_picks_the_medoid_annotator(split: Path) -> None:
    # aaaa agrees with bbbb on two attributions and with cccc on one; bbbb and cccc share
    # nothing, so aaaa has the highest mean agreement
    (article,) = polnear.read_polnear(split, "dev")
    assert article.annotator == "aaaa"
    assert len(article.attributions) == 3
    assert [TEXT[a:b] for a, b in article.attributions[0].source] == ["Officials"]
    assert [TEXT[a:b] for a, b in article.discard] == ["Read more here."]


def test_spans_become_word_tokens_with_their_class(split: Path) -> None:
    (article,) = polnear.read_polnear(split, "dev")
    tokens = polnear.content_tokens(article)
    gold = dict(zip(tokens["token"] + "@" + tokens["start"].astype(str), tokens["gold_class"]))
    by_word = {k.split("@")[0]: v for k, v in gold.items()}
    assert [w for w, c in by_word.items() if c == "direct"] == ["It", "is", "safe"]
    assert sorted(w for w, c in gold.items() if c == "indirect") == sorted(
        f"{w}@{TEXT.index(w, TEXT.index(ctx))}" for w, ctx in
        [("the", "the bridge"), ("bridge", "the bridge"), ("will", "will"), ("reopen", "reopen"),
         ("in", "in May"), ("May", "May"), ("a", "a second"), ("second", "second"),
         ("bridge", "second bridge")])
    assert "Read" not in set(tokens["token"])  # Discard spans are not scored
    assert by_word["Officials"] == by_word["river"] == ""


def test_voice_tokens_and_scores(split: Path) -> None:
    figures, tokens = polnear.evaluate_polnear(split, "dev")
    voice = dict(zip(tokens["token"], tokens["voice"]))
    assert voice["reopen"] == "attributed" and voice["safe"] == "quoted"
    assert voice["river"] == voice["Officials"] == "narrator"
    # counts recomputed here from the token table, independently of score_tokens
    gold, pred = tokens["gold"].to_numpy(bool), (tokens["voice"] != "narrator").to_numpy()
    tp = int((gold & pred).sum())
    assert figures["overall"]["n_gold"] == 12 == gold.sum()
    assert figures["overall"]["precision"] == round(tp / pred.sum(), 4)
    assert figures["overall"]["recall"] == round(tp / 12, 4)
    # the baseline marks only "It is safe"
    assert figures["baseline"]["n_predicted"] == 3 and figures["baseline"]["precision"] == 1.0
    assert figures["recall_by_class"]["direct"]["baseline"] == 1.0
    assert figures["recall_by_class"]["indirect"]["baseline"] == 0.0
    assert figures["annotators"] == {"aaaa": 1}
    # the one quotation is the mayor's
    assert figures["speakers"]["all"]["n_quotations"] == 1
    assert figures["speakers"]["all"]["accuracy"] == 1.0


def test_score_tokens_arithmetic() -> None:
    # 4 gold tokens (2 direct, 2 indirect); the tagger marks 3, of which 2 are gold
    tokens = pd.DataFrame({
        "doc_id": "d", "start": range(6), "end": range(1, 7), "token": list("abcdef"),
        "gold": [True, True, True, True, False, False],
        "gold_class": ["direct", "direct", "indirect", "indirect", "", ""],
        "voice": ["quoted", "narrator", "attributed", "narrator", "attributed", "narrator"],
        "cue": ["quotation", "", "reporting verb", "", "reporting verb", ""],
        "in_quotes": [True, True, False, False, False, False]})
    got = polnear.score_tokens(tokens)
    p, r = 2 / 3, 2 / 4
    assert got["overall"]["precision"] == round(p, 4)
    assert got["overall"]["recall"] == round(r, 4)
    assert got["overall"]["f1"] == round(2 * p * r / (p + r), 4)
    assert got["baseline"]["precision"] == 1.0 and got["baseline"]["recall"] == 0.5
    assert got["recall_by_class"]["direct"]["tagger"] == 0.5
    assert got["by_class"]["attributed~indirect"]["precision"] == 0.5
    assert got["cues"]["reporting verb"] == {"n_predicted": 2, "precision": 0.5}
    with pytest.raises(CorpusError, match="lacks column"):
        polnear.score_tokens(tokens.drop(columns="in_quotes"))


@pytest.mark.parametrize("found, gold, match", [
    ("Mr. Ryan", "mr. ryan", "exact"),
    ("the spokesman", "The spokesman", "exact"),
    ("Trump", "Republican nominee Donald Trump", "head"),
    ("Brian Fallon", "the Clinton campaign's spokesman, Brian Fallon", "head"),
    ("officials", "officials with the campaign", "head"),
    ("Mr. Obama", "Mr. Ross", ""),
    ("", "he", ""),
])
def test_speaker_matches(found: str, gold: str, match: str) -> None:
    assert polnear.speaker_matches(found, gold) == match


def test_head_noun() -> None:
    assert polnear.head_noun("the Clinton campaign's spokesman, Brian Fallon") == "spokesman"
    assert polnear.head_noun("officials with the campaign") == "officials"


def test_wrong_folders_are_named(tmp_path: Path, split: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        polnear.read_polnear(tmp_path / "nowhere", "dev")
    with pytest.raises(CorpusError, match="no PolNeAR split train"):
        polnear.read_polnear(split, "train")
    empty = tmp_path / "empty"
    (empty / "text").mkdir(parents=True)
    (empty / "attributions").mkdir()
    with pytest.raises(CorpusError, match="no '<article>_<annotator>.ann' files"):
        polnear.read_polnear(empty)


def test_annotation_that_does_not_fit_its_text(split: Path) -> None:
    folder = split / "data" / "dev"
    ann = folder / "attributions" / "planted_2016-01-01_bridge_aaaa.ann"
    ann.write_text("T1\tSource 0 9\tOfficers\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bridge_aaaa.ann:1: .*does not match"):
        polnear.read_polnear(split, "dev")
    ann.write_text("T1\tSource 0 9999\tOfficials\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="outside the article text"):
        polnear.read_polnear(split, "dev")
    (folder / "text" / "planted_2016-01-01_bridge.txt").unlink()
    with pytest.raises(CorpusError, match="is missing"):
        polnear.read_polnear(split, "dev")


def test_script_writes_json(split: Path, tmp_path: Path, capsys) -> None:
    scripts = PROJECT_ROOT / "scripts"
    sys.path.insert(0, str(scripts))
    try:
        import eval_voice_polnear
    finally:
        sys.path.remove(str(scripts))
    out = tmp_path / "figures.json"
    assert eval_voice_polnear.main(["--polnear", str(split), "--split", "dev",
                                    "--json", str(out)]) == 0
    assert json.loads(out.read_text())["overall"]["n_gold"] == 12
    assert "quotation marks only" in capsys.readouterr().out
    assert eval_voice_polnear.main(["--polnear", str(tmp_path / "nowhere")]) == 2


@pytest.mark.skipif(not os.environ.get("FRAMELAB_POLNEAR"),
                    reason="set FRAMELAB_POLNEAR to a PolNeAR checkout to run")
def test_dev_split_meets_the_goal() -> None:
    """Issue 16's goal on PolNeAR dev: F1 >= 0.75 with precision >= 0.70, above the
    quotation-marks-only baseline."""
    figures, tokens = polnear.evaluate_polnear(os.environ["FRAMELAB_POLNEAR"], "dev",
                                               speakers=False)
    overall = figures["overall"]
    assert figures["n_articles"] == tokens["doc_id"].nunique() > 50
    assert overall["precision"] >= 0.70 and overall["f1"] >= 0.75
    assert overall["f1"] > figures["baseline"]["f1"]
    assert np.isclose(overall["n_gold"], tokens["gold"].sum())
