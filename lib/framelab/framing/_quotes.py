"""Direct quotations, who said them, and who each outlet quotes.

Quotations come from :func:`framelab.framing.quote_spans` (straight and curly quotes after
normalisation, quotations spanning sentences and paragraphs); scare quotes (a few words, no
speaker) and quotations nested in another are not direct quotations and are left out.

Speaker and cue, first rule that applies:

1. **after** the closing mark, within six words, a reporting verb of the codebook:
   ``"...," he said``, ``"...," said Sullivan``, ``"..." Ryder said Monday``,
   ``..., according to the State Department``;
2. **before** the opening mark, in the same sentence, the last reporting verb outside quotes:
   ``Ryder said there was a "rocket attack ..."``, ``Sullivan, who told CNN that HTS is "..."``;
   a participle (``adding that the US "..."``) takes the speaker of the verb before it;
3. **continuation**: a quotation with no cue right after a quotation of the previous or same
   paragraph inherits its speaker (``"...," Sullivan added. "So, it's a complicated ..."``).

The speaker is found by :func:`framelab.framing.find_speaker`. A pronoun or a bare role
("he", "she", "the spokesman") is resolved to the last *named* speaker of the document when
that is unambiguous: exactly one named speaker in the current and previous paragraph, or else
the last one before it. The speaker is mapped to a codebook target through any alias in the
name or title ("Pentagon Press Secretary Pat Ryder" -> US via "Pentagon").
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..codebook import resolve_codebook
from ..corpus import ABBREVIATIONS, group_key
from ..errors import ColumnError
from ._attribution import ATTRIBUTION_VERB_PATTERN
from ._voice import ATTRIBUTION_GATE, VoiceTagger, find_speaker, is_reporting_use, quote_spans

if TYPE_CHECKING:
    from ..codebook import Codebook, CodebookArg

__all__ = ["QUOTE_COLUMNS", "QUOTE_COUNT_COLUMNS", "SOURCE_COLUMNS", "find_quotes",
           "quote_counts", "quoted_sources"]

logger = logging.getLogger(__name__)

#: Columns of ``tables/quotes.csv``.
QUOTE_COLUMNS = ["doc_id", "outlet", "quote_id", "start", "end", "text", "speaker",
                 "speaker_actor", "cue", "targets"]
#: Columns of the who-is-quoted summary (:func:`quoted_sources`).
SOURCE_COLUMNS = ["group", "speaker", "speaker_actor", "n_quotes", "n_words", "variants",
                  "example"]
#: Columns of the quotations counted per group and speaker (:func:`quote_counts`).
QUOTE_COUNT_COLUMNS = ["group", "speaker", "speaker_actor", "n_quotes", "n_words", "example"]

_PRONOUNS = frozenset({"he", "she", "they", "we", "i"})
_ROLE = re.compile(r"^(?:the|a|an)\s+(?:\w+\s+){0,2}(?:spokes(?:man|woman|person)|official|"
                   r"minister|secretary|adviser|advisor|ministry|statement|spokespeople)$",
                   re.IGNORECASE)
_TITLES = frozenset(["spokesman", "spokeswoman", "spokesperson", "secretary", "adviser", "advisor", "minister", "president", "commander", "official", "press", "gen", "general", "maj", "deputy", "envoy", "ambassador"])
_INTRODUCED = re.compile(
    r"((?:[A-Z][\w.'\-]*[ \t]+){1,4}[A-Z][\w'\-]+),[ \t]+(?:the|a|an)[ \t]+[^,.\n]{0,40}?"
    r"\b(?:spokes\w+|secretary|minister|adviser|advisor|official|commander|ambassador|envoy|"
    r"president)\b")
_WORDS = re.compile(r"\w+(?:['\-]\w+)*")
_AFTER_WORDS = 6
_CLAUSE_STOP = re.compile(r"[.!?\n\"]|''")


def _clause_stop(text: str, lo: int, hi: int) -> int:
    """Where the clause after a quotation ends: ``! ?``, a newline, a quotation mark, or a
    period that is not an abbreviation's or an initial's ("Mr. Ryan said." runs on)."""
    for m in _CLAUSE_STOP.finditer(text, lo, hi):
        if m.group(0) == ".":
            word = re.search(r"([\w.]+)$", text[max(lo, m.start() - 12):m.start()])
            if word and (word.group(1).lower() in ABBREVIATIONS or len(word.group(1)) == 1):
                continue
        return m.start()
    return hi


def _is_anaphor(speaker: str) -> bool:
    return speaker.lower() in _PRONOUNS or bool(_ROLE.match(speaker.strip()))


def _is_named(speaker: str) -> bool:
    words = [w for w in _WORDS.findall(speaker) if w.lower() not in ("the", "a", "an")]
    return bool(words) and not _is_anaphor(speaker) and any(w[0].isupper() for w in words)


class _Doc:
    """One document: quotations, reporting verbs (with their speakers) and paragraphs."""

    def __init__(self, text: str, sentences: Any, codebook: Codebook,
                 quotes: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        self.tagger = VoiceTagger(text, sentences, codebook=codebook, quotes=quotes)
        self.codebook = codebook
        quotes = self.tagger.quotes
        self.quotes = [q for q in quotes if not any(o != q and o[0] <= q[0] and q[1] <= o[1]
                                                    for o in quotes)]
        self.verbs: list[tuple[int, int, str, str]] = []   # (start, end, form, speaker)
        found = {(m.start, m.end): m.term for m in codebook.matcher.find(text, layers=("verb",))}
        #: starts of verbs that are not the codebook's ("tweeted", "asked", "believes"): cues
        #: of last resort, never the named speakers pronouns are resolved to
        self.extra: set[int] = set()
        # the offsets inside a verb found so far (codebook's, then these): a set, not a
        # scan of every verb for each candidate
        covered = {pos for s, e in found for pos in range(s, e)}
        for m in (ATTRIBUTION_GATE.finditer(text, self.tagger.folded, 0, len(text))
                  if ATTRIBUTION_GATE else ATTRIBUTION_VERB_PATTERN.finditer(text)):
            if m.start() not in covered:
                found[(m.start(), m.end())] = m.group(0)
                self.extra.add(m.start())
                covered.update(range(m.start(), m.end()))
        for (start, end), term in sorted(found.items()):
            if not is_reporting_use(text, start) or self.in_quote(start):
                continue
            sentence = self.tagger.sentence_of(start)
            speaker = find_speaker(text, sentence, (start, end))
            if term.lower().endswith("ing"):   # "..., adding that": the previous verb's subject
                before = [v for v in self.verbs if sentence[0] <= v[0] < start]
                if before and before[-1][3]:
                    speaker = before[-1][3]
            if speaker.lower() == "who":
                speaker = ""
            if not speaker:
                comma = text.rfind(", who", sentence[0], start)
                if comma != -1:
                    speaker = find_speaker(text, sentence, (comma, comma + 1))
            self.verbs.append((start, end, term.lower(), speaker))


    @functools.cached_property
    def introduced(self) -> list[tuple[int, str]]:
        """People introduced by name and role ("Maj. Gen. Pat Ryder, the Pentagon press
        secretary, ..."), read when a pronoun or role is first resolved (most documents
        never ask)."""
        return [(m.start(1), m.group(1)) for m in _INTRODUCED.finditer(self.text)]

    def in_quote(self, pos: int) -> bool:
        return any(qs <= pos < qe for qs, qe in self.quotes)

    def paragraph(self, pos: int) -> int:
        return self.text.count("\n", 0, pos)

    def cue_after(self, q_end: int) -> tuple[str, str] | None:
        limit = _clause_stop(self.text, q_end, q_end + 200)
        for start, end, form, speaker in self.verbs:
            if not q_end <= start < limit or form.endswith("ing"):
                continue   # "..., noting that": a new clause, not the quotation's cue
            if len(_WORDS.findall(self.text[q_end:start])) <= _AFTER_WORDS:
                return speaker, self._cue(q_end, end, speaker)
            # "... 'miscalculations' amid ..., spokesman Pat Ryder has said."
            comma = self.text.rfind(",", q_end, start) + 1
            if (speaker and comma and len(_WORDS.findall(self.text[end:limit])) <= 2
                    and len(_WORDS.findall(self.text[comma:start])) <= _AFTER_WORDS):
                return speaker, self.text[comma:end].strip()
        return None

    def cue_before(self, q_start: int) -> tuple[str, str] | None:
        s_start, _ = self.tagger.sentence_of(q_start)
        before = [v for v in self.verbs if s_start <= v[0] < q_start]
        before = [v for v in before if v[0] not in self.extra] or before
        if not before:
            return None
        start, end, _form, speaker = before[-1]
        window = max(s_start, start - 60)
        hits = list(re.finditer(rf"(?<!\w){re.escape(speaker)}(?!\w)", self.text[window:start])) \
            if speaker else []
        cue_start = window + (hits[-1].start() if hits else self.text[window:end].rfind(",") + 1)
        return speaker, self._cue(cue_start, end, speaker)

    def _cue(self, start: int, end: int, speaker: str) -> str:
        """Cue text from ``start`` to the verb's ``end``, plus an inverted speaker after it
        ("said Sullivan", "according to the State Department")."""
        after = self.text[end:end + len(speaker) + 2]
        if speaker and after.lstrip().startswith(speaker):
            end += after.index(speaker) + len(speaker)
        return self.text[start:end].strip(" ,")


def _resolve(speaker: str, position: int, doc: _Doc) -> str:
    """A pronoun or role -> the last named speaker before ``position``, if unambiguous."""
    if not _is_anaphor(speaker):
        return speaker
    named = sorted([(s, v) for s, _, _, v in doc.verbs
                    if s < position and _is_named(v) and s not in doc.extra]
                   + [(s, v) for s, v in doc.introduced if s < position])
    if not named:
        return speaker
    para = doc.paragraph(position)
    recent = {v for s, v in named if doc.paragraph(s) >= para - 1}
    if len(recent) == 1:
        return recent.pop()
    if not recent:
        return named[-1][1]
    logger.info("quote at %d: %r left unresolved (%s)", position, speaker, sorted(recent))
    return speaker


_COORDINATED = re.compile(r"^(?:the\s+)?((?:[A-Z][\w'\-]*\s*,\s*)*[A-Z][\w'\-]*)\s+and\s+"
                          r"([A-Z][\w'\-]*)\s+(.+)$")


def _speaker_actor(speaker: str, codebook: Codebook) -> str:
    """The codebook targets a speaker names, ";"-separated in order ("" for none).

    A coordinated speaker counts for each conjunct, with the shared head noun restored:
    "Syrian and Russian officials" is "Syrian officials" and "Russian officials".
    """
    phrases = [speaker]
    coordinated = _COORDINATED.match(speaker)
    if coordinated:
        firsts, last, head = coordinated.groups()
        phrases = [f"{word.strip()} {head}" for word in firsts.split(",")] + [f"{last} {head}"]
    targets = [str(codebook.actors[m.key].target)
               for phrase in phrases for m in codebook.matcher.find(phrase, layers=("actor",))]
    return ";".join(dict.fromkeys(targets))


def find_quotes(documents: pd.DataFrame, codebook: CodebookArg = None, *,
                sentences: pd.DataFrame | None = None, targets: bool = True) -> pd.DataFrame:
    """Every direct quotation with its speaker, cue and the targets it mentions.

    Parameters
    ----------
    documents : DataFrame
        Documents table (``doc_id, outlet, text, text_norm``; docs/contracts.md).
    codebook : Codebook or path, optional
        Reporting verbs, attribution rules and actor aliases; the shipped default if omitted.
    sentences : DataFrame, optional
        Sentence table (offsets into the documents); documents are segmented if omitted.
    targets : bool
        False leaves ``speaker_actor`` and ``targets`` empty ("") without looking the
        codebook's actors up (for callers that read the quotations and speakers only); the
        other columns are the same.

    Returns
    -------
    DataFrame
        :data:`QUOTE_COLUMNS`: ``quote_id`` is ``"{doc_id}:q{index:03d}"``; ``start, end``
        offsets of the quotation including its marks; ``text`` as written; ``speaker`` as
        written (pronouns resolved, see the module docstring; "" when not found);
        ``speaker_actor`` the speaker's codebook targets, ";"-separated ("Syrian and
        Russian officials" names two), or ""; ``cue`` the words that
        attribute it ("he said", "according to the State Department", "(continues)");
        ``targets`` the codebook targets named inside the quotation, ";"-separated.
    """

    missing = [c for c in ("doc_id", "outlet", "text", "text_norm") if c not in documents]
    if missing:
        raise ColumnError(f"documents lack column(s) {missing}; have {list(documents.columns)}")
    codebook = resolve_codebook(codebook)
    spans: dict[str, list[tuple[int, int]]] = {}   # each document's sentences, read once
    if sentences is not None:
        for key, start, end in zip(sentences["doc_id"].astype(str).tolist(),
                                   sentences["start"].astype(int).tolist(),
                                   sentences["end"].astype(int).tolist()):
            spans.setdefault(key, []).append((start, end))
    rows = []
    for doc_id, outlet, text, norm in zip(*(documents[c].astype(str).tolist() for c in
                                            ("doc_id", "outlet", "text", "text_norm"))):
        doc_sents = spans.get(doc_id) if sentences is not None else None
        rows.extend(_document_quotes(doc_id, outlet, text, norm, doc_sents, codebook,
                                     targets=targets))
    frame = pd.DataFrame(rows, columns=QUOTE_COLUMNS)
    logger.info("quotes: %d quotations, %d with a speaker", len(frame),
                int((frame["speaker"] != "").sum()))
    return frame.astype({"start": "int64", "end": "int64"})


def _document_quotes(doc_id: str, outlet: str, text: str, norm: str,
                     sentences: list[tuple[int, int]] | None,
                     codebook: Codebook, *, targets: bool = True) -> list[tuple]:
    spans = quote_spans(norm)
    if not spans:   # no quotation: nothing to attribute (the verbs are read for quotations)
        return []
    doc = _Doc(norm, sentences or None, codebook, spans)
    rows: list[tuple] = []
    previous: tuple[int, str, str] | None = None   # (paragraph of end, speaker, actor)
    for qs, qe in doc.quotes:
        if doc.tagger.tag(qs + 1, max(qs + 2, qe - 1)).voice == "attributed":
            continue   # scare quotes or a quoted name ("what they call 'Battle to ...'")
        found = doc.cue_after(qe) or doc.cue_before(qs)
        if found:
            speaker, cue = found
            speaker = _resolve(speaker, qs, doc)
        elif previous and doc.paragraph(qs) - previous[0] <= 1:
            speaker, cue = previous[1], "(continues)"
        else:
            speaker, cue = "", ""
        actor = _speaker_actor(speaker, codebook) if speaker and targets else ""
        named = dict.fromkeys(str(codebook.actors[m.key].target)
                              for m in codebook.matcher.find(norm[qs:qe], layers=("actor",))
                              ) if targets else {}
        rows.append((doc_id, outlet, f"{doc_id}:q{len(rows):03d}", qs, qe, text[qs:qe], speaker,
                     actor, cue, ";".join(named)))
        previous = (doc.paragraph(qe), speaker, actor) if speaker else None
    return rows


def _display_name(name: str) -> tuple[str, ...]:
    """The words after the last title word: "Pentagon Press Secretary Pat Ryder" -> Pat Ryder."""
    words = tuple(_WORDS.findall(name))
    last = max((i for i, w in enumerate(words) if w.lower() in _TITLES), default=-1)
    return words[last + 1:] or words


def _canonical(names: Sequence[str]) -> dict[str, str]:
    """Merge name variants where one ends with the other ("Ryder" < "Pat Ryder")."""
    tokens = {n: _display_name(n) for n in names}
    # a name whose words end with another's shares its last word: only names with the same
    # last word are compared (every name with every other grew as the square of the names)
    by_last: dict[str, list[str]] = {}
    for m, t in tokens.items():
        if t:
            by_last.setdefault(t[-1], []).append(m)
    out = {}
    for name, toks in tokens.items():
        family = [m for m in (by_last.get(toks[-1], ()) if toks else ())
                  if (t := tokens[m])[-len(toks):] == toks or toks[-len(t):] == t]
        two = [m for m in family if len(tokens[m]) >= 2]
        out[name] = " ".join(tokens[min(two or family, key=lambda m: (len(tokens[m]), m))])
    return out


def _most_common(counts: Counter[str]) -> str:
    """The most frequent value; of several equally frequent, the first in sort order ("" for
    none). Not ``counts.most_common(1)``: that breaks ties by insertion order, which depends
    on how the quotations were split into parts."""
    return min(counts, key=lambda v: (-counts[v], v)) if counts else ""


def quote_counts(quotes: pd.DataFrame, *, documents: pd.DataFrame | None = None,
                 group_by: str = "outlet") -> pd.DataFrame:
    """The quotations counted per group, speaker (as written) and speaker actor: what
    :func:`quoted_sources` needs, in a table that grows with the speakers, not the quotes.

    Columns :data:`QUOTE_COUNT_COLUMNS`: ``n_quotes``, ``n_words`` (words inside the
    quotation marks) and ``example`` (the text of the first quotation, at most 120
    characters), one row per key in the order of its first quotation. Counted part by part
    over disjoint documents and concatenated in corpus order, they give the same
    :func:`quoted_sources` as the whole table of quotations. Quotations of a document
    missing from ``documents`` are left out, as :func:`quoted_sources` leaves them out.
    """
    missing = [c for c in QUOTE_COLUMNS if c not in quotes.columns]
    if missing:
        raise ColumnError(f"quotes lack column(s) {missing}; have {list(quotes.columns)}")
    docs = documents if documents is not None else quotes[["doc_id", "outlet"]]
    docs = docs.drop_duplicates("doc_id")
    groups = dict(zip(docs["doc_id"], group_key(docs, group_by)))
    frame = pd.DataFrame({"group": quotes["doc_id"].map(groups).to_numpy(),
                          "speaker": quotes["speaker"].to_numpy(),
                          "speaker_actor": quotes["speaker_actor"].to_numpy(),
                          "n_words": [len(_WORDS.findall(t)) for t in quotes["text"]],
                          "example": quotes["text"].str.slice(0, 120).to_numpy()})
    frame = frame[frame["group"].notna().to_numpy() & frame["speaker"].notna().to_numpy()]
    grouped = frame.groupby(["group", "speaker", "speaker_actor"], sort=False, dropna=False)
    out = grouped.agg(n_quotes=("n_words", "size"), n_words=("n_words", "sum"),
                      example=("example", "first")).reset_index()
    return out[QUOTE_COUNT_COLUMNS]


def quoted_sources(quotes: pd.DataFrame, *, documents: pd.DataFrame | None = None,
                   group_by: str = "outlet") -> pd.DataFrame:
    """Who each group (outlet by default) quotes, and how much.

    ``quotes`` is :func:`find_quotes`'s table, or its :func:`quote_counts` (made part by
    part and concatenated in corpus order; ``documents`` and ``group_by`` are then those the
    counts were made with).

    Returns
    -------
    DataFrame
        :data:`SOURCE_COLUMNS`, most quoted first within each group: ``speaker`` (name
        variants merged, e.g. "Ryder" and "Pentagon Press Secretary Pat Ryder" -> "Pat
        Ryder"; "(unattributed)" when no speaker was found), ``speaker_actor`` (the actor
        its quotations give most often; of equally frequent ones, the first in sort order),
        ``n_quotes``, ``n_words`` (words inside the quotation marks), ``variants`` (as
        written), ``example`` (a quotation).
    """
    counts = quotes if "n_quotes" in quotes.columns else \
        quote_counts(quotes, documents=documents, group_by=group_by)
    missing = [c for c in QUOTE_COUNT_COLUMNS if c not in counts.columns]
    if missing:
        raise ColumnError(f"quote counts lack column(s) {missing}; have {list(counts.columns)}")
    named = [s for s in counts["speaker"].unique() if s and _is_named(s)]
    canonical = _canonical(named)
    frame = counts.assign(who=[canonical.get(s, s) if s else "(unattributed)"
                               for s in counts["speaker"]])
    rows = []
    for (group, who), sub in frame.groupby(["group", "who"], sort=True):
        actors: Counter[str] = Counter()
        for actor, n in zip(sub["speaker_actor"], sub["n_quotes"], strict=True):
            if actor:
                actors[actor] += int(n)
        rows.append((group, who, _most_common(actors), int(sub["n_quotes"].sum()),
                     int(sub["n_words"].sum()), "; ".join(sorted(set(sub["speaker"]) - {""})),
                     sub["example"].iloc[0][:120]))
    out = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    return out.sort_values(["group", "n_quotes", "speaker"], ascending=[True, False, True],
                           kind="mergesort").reset_index(drop=True)
