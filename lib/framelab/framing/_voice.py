"""Whose words are these? Quotation spans and narrator / quoted / attributed voice.

Shared by framing (``label_mentions``) and stance (``stance_mentions``). All offsets index the
document's normalised text (``documents.text_norm``), where every quotation mark is ``"`` or
``'`` (see docs/contracts.md). The rules are deliberately few; docs/codebook.md and
docs/voice.md list them with their known limits.

Voice of a span (a label, a target mention), first rule that applies:

1. **inside a quotation** (the outermost one containing the span):
   a. the quotation directly follows an attribution cue ("what it termed 'terrorist
      elements'", "so-called 'rebels'") -> ``attributed``;
   b. it is a *scare quote*: at most ``scare_quote_max_words`` words, not introduced by
      ``:`` or ``,``, in a sentence without a reporting verb or sentence cue -> ``attributed``;
   c. otherwise -> ``quoted``.
2. **outside quotations**, in the span's sentence:
   a. a label cue ("designated", "so-called", "described as", "termed", "calls") at most
      ``max_gap_words`` words before the span, no ``. ; : ! ?`` between -> ``attributed``;
   b. the reach of the sentence's reporting verbs (codebook verbs of a class with
      ``attributes: true``, plus :data:`framelab.attribution.ATTRIBUTION_VERBS`; outside
      quotations, not after a determiner) decides, when the span lies in it
      (:func:`framelab.attribution.sentence_stretches`): the words after a pre-posed verb up
      to the end of its scope ("Moscow claimed (that) ... militants"; the scope ends at
      ``;``, a dash, or a comma + coordinator opening a new clause: "He said X, and the
      market fell"), and the clause before a post-posed one ("..., a spokesman has said";
      "..., said Sullivan"; "..., according to officials") are ``attributed`` (cue
      "reporting verb" or "post-posed verb"; "sentence cue" for *according to*); the speaker
      and verb of a post-posed clause are ``narrator``;
   c. otherwise a sentence cue anywhere in the sentence ("according to", "as reported by")
      -> ``attributed``;
   d. otherwise -> ``narrator``.

Each rule of 2b, with its known limits, is documented in :mod:`framelab.attribution`;
docs/voice.md gives the rules' scores on PolNeAR, a corpus of human attribution annotation.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..codebook import Codebook, resolve_codebook
from ..corpus import sentence_spans
from ._attribution import ATTRIBUTION_VERB_PATTERN, ATTRIBUTION_VERBS, Stretch, sentence_stretches
from ._prefilter import (
    LiteralGate,
    WordGate,
    fold,
    literal_gate,
    looks_back_at_word,
    word_gate,
    words_of,
)

__all__ = [
    "VOICES",
    "VoiceTag",
    "VoiceTagger",
    "find_speaker",
    "is_reporting_use",
    "quote_spans",
    "tag_voice",
]

log = logging.getLogger(__name__)

#: The three voices, in the order tables list them.
VOICES = ("narrator", "quoted", "attributed")

_OPEN_BEFORE = set(" \t\n([{\"-/")
_CLOSE_AFTER = set(" \t\n.,;:!?)]}\"-/")
_WORD = re.compile(r"\w+(?:['\-]\w+)*")
_CLAUSE_END = re.compile(r"[.;:!?]")
_DETERMINERS = frozenset(["the", "a", "an", "its", "his", "her", "their", "our", "this", "that", "these", "those"])
#: A double quotation mark: ``"``, or two apostrophes (``''``, the typewriter convention of
#: news archives such as LexisNexis copies of the New York Times).
_DOUBLE = re.compile(r"\"|''")
_INTRO = re.compile(r"[:,]\s*$")
_SNIPPET = 80
_BEFORE_QUOTE = re.compile(r"\s*(?:(?:a|an|the|as|of)\s+)*")


def quote_spans(text_norm: str) -> list[tuple[int, int]]:
    """Direct quotations in normalised text, as ``(start, end)`` including the marks.

    Double quotes pair left to right within a paragraph; a quotation left open at the end of a
    paragraph continues when the next paragraph opens with ``"`` (the newspaper convention for
    multi-paragraph quotes) and otherwise ends with its paragraph. Two apostrophes ``''``
    count as one double mark (the typewriter convention of news archives). A single quote opens after
    a space, bracket, dash or ``"`` and before a non-space, and closes after a non-space and
    before a space or punctuation, so apostrophes ("don't", "Syria's") are never quotes; an
    opener without a closer in its paragraph is dropped ("'90s"). Single-quoted spans (inner
    quotes, scare quotes) may lie inside double-quoted ones.

    Parameters
    ----------
    text_norm : str
        A document's (or sentence's) normalised text.

    Returns
    -------
    list of (int, int)
        Sorted by start; ``text_norm[start] in "\\"'"``.
    """
    spans: list[tuple[int, int]] = []
    paragraphs = []
    pos = 0
    for line in text_norm.split("\n"):
        if line.strip():
            lead = len(line) - len(line.lstrip())
            paragraphs.append((pos + lead, pos + len(line.rstrip())))
        pos += len(line) + 1
    open_at: int | None = None
    prev_end = 0
    for p_start, p_end in paragraphs:
        first = p_start
        if open_at is not None:
            mark = _DOUBLE.match(text_norm, p_start, p_end)
            if mark:
                first = mark.end()  # continuation mark of a multi-paragraph quotation
            else:
                spans.append((open_at, prev_end))
                open_at = None
        for m in _DOUBLE.finditer(text_norm, first, p_end):
            if open_at is None:
                open_at = m.start()
            else:
                spans.append((open_at, m.end()))
                open_at = None
        spans.extend(_single_quotes(text_norm, p_start, p_end))
        prev_end = p_end
    if open_at is not None:
        spans.append((open_at, prev_end))
    return sorted(spans)


def _single_quotes(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, pending = [], None
    i = text.find("'", start, end)
    while i != -1:
        before = text[i - 1] if i > start else " "
        after = text[i + 1] if i + 1 < end else " "
        if "'" in (before, after):
            pass   # half of a doubled mark ('' for ")
        elif before in _OPEN_BEFORE and not after.isspace() and after != "'":
            pending = i
        elif pending is not None and not before.isspace() and after in _CLOSE_AFTER:
            spans.append((pending, i + 1))
            pending = None
        i = text.find("'", i + 1, end)
    return spans


@dataclass(frozen=True)
class VoiceTag:
    """The voice of a span and why.

    Attributes
    ----------
    voice : {"narrator", "quoted", "attributed"}
    cue : str
        The rule that decided: "quotation", "scare quotes", "label cue", "sentence cue",
        "reporting verb", or "" for narrator.
    evidence : str
        The text behind the cue (the quotation, "designated", "claimed", ...).
    """

    voice: str
    cue: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class _Rules:
    verbs: re.Pattern[str] | None
    label_cues: tuple[re.Pattern[str], ...]
    sentence_cues: tuple[re.Pattern[str], ...]
    max_gap: int
    scare_max: int
    #: The verb patterns (codebook, then ATTRIBUTION_VERBS) as gates; None: scan instead.
    verb_gates: tuple[WordGate | None, WordGate | None] = (None, None)
    #: The words each label / sentence cue needs (framing._prefilter); None: always run it.
    label_gates: tuple[LiteralGate | None, ...] = ()
    sentence_gates: tuple[LiteralGate | None, ...] = ()
    #: Every pattern searched at offsets (verbs, cues) reads the text before the offset only
    #: as a word character or not (framing._prefilter.looks_back_at_word); verbs start with
    #: a word character.
    word_lookback: bool = False

    @property
    def key(self) -> tuple[Any, ...]:
        """What decides the tags (the gates are exact shortcuts of these patterns)."""
        return (self.verbs, self.label_cues, self.sentence_cues, self.max_gap, self.scare_max)

    def live_cues(self, folded: str) -> tuple[tuple[re.Pattern[str], ...],
                                              tuple[re.Pattern[str], ...]]:
        """The label and sentence cues that can match somewhere in a text (``folded`` is
        ``fold(text)``), in codebook order: a cue none of whose required words is in the
        text cannot match in any stretch of it."""
        def live(cues: tuple[re.Pattern[str], ...], gates: tuple[LiteralGate | None, ...]
                 ) -> tuple[re.Pattern[str], ...]:
            return tuple(cue for cue, gate in zip(cues, gates, strict=True)
                         if gate is None or gate.anywhere(folded))

        return live(self.label_cues, self.label_gates), live(self.sentence_cues,
                                                             self.sentence_gates)


#: :data:`ATTRIBUTION_VERB_PATTERN` searched at candidate words only (framing._prefilter).
ATTRIBUTION_GATE = word_gate(ATTRIBUTION_VERB_PATTERN, ATTRIBUTION_VERBS)


@lru_cache(maxsize=16)
def _rules(codebook: Codebook) -> _Rules:
    forms = sorted({t.key for vc in codebook.verb_classes.values() if vc.attributes
                    for terms in vc.verbs.values() for t in terms}, key=len, reverse=True)
    verbs = None
    if forms:
        alternation = "|".join(r"[\s\-]+".join(map(re.escape, f.split(" "))) for f in forms)
        verbs = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)
    att = codebook.attribution
    searched = [p for p in (verbs, ATTRIBUTION_VERB_PATTERN, *att.label_cues,
                            *att.sentence_cues) if p is not None]
    return _Rules(verbs, att.label_cues, att.sentence_cues, att.max_gap_words,
                  att.scare_quote_max_words,
                  (word_gate(verbs, forms) if verbs else None, ATTRIBUTION_GATE),
                  tuple(map(literal_gate, att.label_cues)),
                  tuple(map(literal_gate, att.sentence_cues)),
                  all(map(looks_back_at_word, searched))   # and verbs start with a word
                  and all(_WORD.match(f) for f in (*forms, *ATTRIBUTION_VERBS)))


def is_reporting_use(text: str, start: int) -> bool:
    """False when the verb form at ``start`` follows a determiner ("the stated mission")."""
    words = _WORD.findall(text[max(0, start - 20):start])
    return not (words and words[-1].lower() in _DETERMINERS)


def _spans(sentences: Any, text: str) -> list[tuple[int, int]]:
    if sentences is None:
        return sentence_spans(text)
    if hasattr(sentences, "columns"):
        return sorted(zip(sentences["start"].astype(int), sentences["end"].astype(int)))
    return sorted((int(s), int(e)) for s, e in sentences)


class VoiceTagger:
    """Tag the voice of spans of one document (quotations and sentences computed once).

    Parameters
    ----------
    text_norm : str
        The document's normalised text.
    sentences : DataFrame with ``start``/``end`` columns, or sequence of (start, end), optional
        The document's sentences (offsets into ``text_norm``); segmented when omitted.
    codebook : Codebook, optional
        Supplies reporting verbs and attribution cues; the shipped default when omitted.
    quotes : sequence of (int, int), optional
        Quotation spans, from :func:`quote_spans` when omitted.
    """

    def __init__(self, text_norm: str, sentences: Any = None, *,
                 codebook: Codebook | None = None,
                 quotes: Sequence[tuple[int, int]] | None = None) -> None:
        self.text = text_norm
        self.sentences = _spans(sentences, text_norm) or [(0, len(text_norm))]
        self._starts = [s for s, _ in self.sentences]
        self.quotes = list(quote_spans(text_norm) if quotes is None else quotes)
        self.rules = _rules(resolve_codebook(codebook))
        self._stretches: dict[tuple[int, int], list[Stretch]] = {}
        self._label_cues: dict[tuple[int, int], tuple[re.Pattern[str], ...]] = {}
        self._live_gates: tuple[tuple[re.Pattern[str], LiteralGate | None], ...] | None = None
        self._folded: str | None = None
        self._live: tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]] | None = None
        #: the furthest end of the quotations up to each one (framing._alone)
        self.reach: list[int] | None = None

    @property
    def folded(self) -> str:
        """The text case-folded for the verb gates (:func:`framelab.framing._prefilter.fold`)."""
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    @property
    def cues(self) -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]]:
        """The label and sentence cues that can match in this text (``_Rules.live_cues``)."""
        if self._live is None:
            self._live = self.rules.live_cues(self.folded)
        return self._live

    def _label_cues_in(self, sentence: tuple[int, int]) -> tuple[re.Pattern[str], ...]:
        """The label cues that can match inside ``sentence`` (its words pass their gates),
        in codebook order: of :attr:`cues`, those a search within the sentence can find."""
        found = self._label_cues.get(sentence)
        if found is None:
            if self._live_gates is None:   # the live cues with their gates, in order
                live = set(self.cues[0])
                self._live_gates = tuple(
                    (cue, gate) for cue, gate in zip(self.rules.label_cues,
                                                     self.rules.label_gates, strict=True)
                    if cue in live)
            lo, hi = sentence
            folded = self.folded
            found = self._label_cues[sentence] = tuple(
                cue for cue, gate in self._live_gates
                if gate is None or gate.possible(folded, lo, hi))
        return found

    def _sentence_cue(self, lo: int, hi: int) -> re.Match[str] | None:
        """The first sentence cue's first match in ``text[lo:hi]``."""
        for cue in self.cues[1]:
            m = cue.search(self.text, lo, hi)
            if m:
                return m
        return None

    def sentence_of(self, start: int) -> tuple[int, int]:
        """The sentence containing offset ``start`` (the nearest one before it)."""
        i = max(0, bisect.bisect_right(self._starts, start) - 1)
        return self.sentences[i]

    def _in_quote(self, pos: int) -> bool:
        return any(qs <= pos < qe for qs, qe in self.quotes)

    def _verb_uses(self, lo: int, hi: int, *, extra: bool = False) -> list[re.Match[str]]:
        """Reporting-verb uses in ``text[lo:hi]`` outside quotations; with ``extra`` also
        :data:`framelab.attribution.ATTRIBUTION_VERBS`."""
        patterns = [(p, g) for p, g in zip((self.rules.verbs,
                                            ATTRIBUTION_VERB_PATTERN if extra else None),
                                           self.rules.verb_gates, strict=True) if p]
        words = words_of(self.folded, lo, hi) if any(g for _, g in patterns) else None
        found = sorted((m for p, gate in patterns
                        for m in (gate.finditer(self.text, self.folded, lo, hi, words) if gate
                                  else p.finditer(self.text, lo, hi))),
                       key=lambda m: (m.start(), -m.end()))
        return [m for m in found
                if is_reporting_use(self.text, m.start()) and not self._in_quote(m.start())]

    def tag(self, start: int, end: int) -> VoiceTag:
        """Voice of ``text_norm[start:end]`` (rules in the module docstring)."""
        text, rules = self.text, self.rules
        sentence = self.sentence_of(start)
        s_start, s_end = sentence
        s_end = max(s_end, end)
        around = [q for q in self.quotes if q[0] <= start and end <= q[1]]
        if around:
            qs, qe = max(around, key=lambda q: q[1] - q[0])
            found = _quote_cue(self.cues[0], text, qs)
            if found:
                return VoiceTag("attributed", "label cue", found)
            n_words = len(_WORD.findall(text[qs:qe]))
            q_sent = self.sentence_of(qs)
            if (n_words <= rules.scare_max and not _INTRO.search(text[q_sent[0]:qs])
                    and not self._verb_uses(q_sent[0], max(q_sent[1], qe))
                    and not self._sentence_cue(*q_sent)):
                return VoiceTag("attributed", "scare quotes", text[qs:qe])
            snippet = text[qs:qe]
            if len(snippet) > _SNIPPET:
                snippet = snippet[:_SNIPPET - 3] + "..."
            return VoiceTag("quoted", "quotation", snippet)
        # a match within text[s_start:start] lies in the sentence when start does
        cues = self._label_cues_in(sentence) if start <= sentence[1] else self.cues[0]
        found = _nearest_cue(cues, text, s_start, start,
                             lambda gap: not _CLAUSE_END.search(gap)
                             and len(_WORD.findall(gap)) <= rules.max_gap) if cues else ""
        if found:
            return VoiceTag("attributed", "label cue", found)
        stretch = self._stretch_in(sentence, start)
        if stretch is not None:
            if stretch.voice == "attributed":   # "according to" keeps its name
                named = ("sentence cue" if any(c.fullmatch(stretch.evidence)
                                               for c in rules.sentence_cues) else stretch.cue)
                return VoiceTag("attributed", named, stretch.evidence)
            return VoiceTag("narrator")
        m = self._sentence_cue(s_start, s_end)
        if m:
            return VoiceTag("attributed", "sentence cue", m.group(0))
        return VoiceTag("narrator")

    def _stretch_at(self, pos: int) -> Stretch | None:
        """The last stretch painted over ``pos`` by its sentence's reporting verbs."""
        return self._stretch_in(self.sentence_of(pos), pos)

    def _stretch_in(self, sentence: tuple[int, int], pos: int) -> Stretch | None:
        """:meth:`_stretch_at` of ``pos`` in ``sentence``, its :meth:`sentence_of`."""
        stretches = self._stretches.get(sentence)
        if stretches is None:
            verbs = sorted({(m.start(), m.end()) for m in
                            self._verb_uses(*sentence, extra=True)})
            stretches = self._stretches[sentence] = sentence_stretches(self.text, sentence,
                                                                       verbs)
        found = None
        for stretch in stretches:
            if stretch.start <= pos < stretch.end:
                found = stretch
        return found


def _nearest_cue(cues: Sequence[re.Pattern[str]], text: str, lo: int, hi: int,
                 gap_ok: Any) -> str:
    """The cue match in ``text[lo:hi]`` nearest to ``hi`` (longest on ties) whose gap to
    ``hi`` passes ``gap_ok``; "" if none."""
    best: tuple[int, int, str] | None = None
    for cue in cues:
        for m in cue.finditer(text, lo, hi):
            if gap_ok(text[m.end():hi]) and (best is None or (-m.end(), m.start()) <
                                              (-best[0], best[1])):
                best = (m.end(), m.start(), m.group(0))
    return best[2] if best else ""


def _quote_cue(cues: Sequence[re.Pattern[str]], text: str, qs: int) -> str:
    """The label cue just before the quotation at ``qs`` (rule 1a; at most 80 characters
    back, in its paragraph), or ""."""
    before = text[max(text.rfind("\n", 0, qs) + 1, qs - 80):qs]
    return _nearest_cue(cues, before, 0, len(before),
                        lambda gap: _BEFORE_QUOTE.fullmatch(gap) is not None)


def tag_voice(text_norm: str, sentences: Any, start: int, end: int, *,
              codebook: Codebook | None = None,
              quotes: Sequence[tuple[int, int]] | None = None) -> VoiceTag:
    """Voice of one span; see :class:`VoiceTagger` (build one per document for many spans)."""
    return VoiceTagger(text_norm, sentences, codebook=codebook, quotes=quotes).tag(start, end)


_TITLE_WORDS = frozenset(
    ["spokesman", "spokeswoman", "spokesperson", "spokespeople", "official", "officials", "minister", "ministry", "secretary", "adviser", "advisor", "advisers", "president", "premier", "ambassador", "envoy", "commander", "general", "statement", "statements", "report", "reports", "source", "sources", "analyst", "analysts", "observer", "observers", "expert", "experts", "agency", "office", "department", "army", "military", "government", "council", "committee", "authorities", "leader", "leaders", "chief", "head", "press", "media", "outlet", "channel", "broadcaster", "newspaper", "monitor", "group", "diplomat", "diplomats", "representative", "lawmaker", "lawmakers", "residents", "witnesses", "activists",
     # modifiers inside such titles, kept so that the whole phrase names the speaker:
     # "Syrian state media", "the state news agency", "the foreign ministry"
     "state", "news", "television", "foreign", "defense", "defence", "presidential",
     "security", "national"])
_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "who", "which"])
_CONNECT = frozenset({"of", "the", "for", "and", "'s"})
_SKIP = frozenset(["also", "later", "earlier", "further", "then", "again", "previously", "reportedly", "publicly", "repeatedly", "has", "have", "had", "was", "were", "is", "are", "would", "will", "had", "been", "now", "still", "however", "on", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday"])
_AFTER_QUOTE_OR_COMMA = re.compile(r"(?:[,\"]|'')\s*$")
_INVERTED_ROLE = re.compile(r"\s+((?:a|an|the)\s+[^,.;:!?\"]{1,60}?)\s*(?:[,.;:!?\"]|$)")
_APPOSED_SUBJECT = re.compile(r"(?:^|[,;:\"]\s*|'')\s*((?:[A-Z][\w.'\-]*\s+){0,4}[A-Z][\w'\-]*),"
                              r"\s+[^,\"]{1,80},\s*$")
_AFTER_QUOTATION = re.compile(r"[,?!](?:\"|'')\s*([^\"]{1,80}?)\s*$")
_TOKEN = re.compile(r"[A-Za-z][\w.'\-]*|[,\"]")


def find_speaker(text_norm: str, sentence: tuple[int, int], verb: tuple[int, int]) -> str:
    """Who speaks with the reporting verb at ``verb``, as written, or "" if not found.

    Looks right of the verb for an inverted speaker after a quotation or comma ('..." said
    Sullivan', "according to the State Department"), otherwise left of it for the subject:
    a pronoun, or a run of capitalised words and title nouns ("Pentagon Press Secretary Pat
    Ryder", "the spokesman", "Syrian and Russian officials"), skipping adverbs and days
    ("Damascus, however, insists"; "Ryder said Monday").
    """
    s_start, s_end = sentence
    v_start, v_end = verb
    verb_text = text_norm[v_start:v_end].lower()
    left = text_norm[s_start:v_start]
    if verb_text.startswith("according") or _AFTER_QUOTE_OR_COMMA.search(left):
        m = re.match(r"\s+((?:the\s+)?(?:[A-Z][\w.'\-]*\s*){1,6})", text_norm[v_end:s_end])
        if m:
            return m.group(1).strip().rstrip(".,;:")
        m = _INVERTED_ROLE.match(text_norm, v_end, s_end)   # '"...," said a longtime adviser'
        if m:
            return m.group(1).strip()
        if verb_text.startswith("according"):
            m = re.match(r"\s+((?:\w[\w.'\-]*\s*){1,4})", text_norm[v_end:s_end])
            return m.group(1).strip() if m else ""
    m = _APPOSED_SUBJECT.search(left)   # "Jeff Weaver, Sanders' campaign manager, said"
    if m:
        return m.group(1)
    m = _AFTER_QUOTATION.search(left)   # '"It is safe," the mayor said'
    if m:
        words = m.group(1).split()
        while words and words[-1].lower().strip(",") in _SKIP:
            words.pop()
        if 0 < len(words) <= 8 and not _CLAUSE_END.search(" ".join(words)):
            return " ".join(words).rstrip(",")
    tokens = [(m.group(0), m.start()) for m in _TOKEN.finditer(left)]
    while tokens and (tokens[-1][0].lower() in _SKIP or tokens[-1][0] == ","):
        tokens.pop()
    if not tokens:
        return ""
    if tokens[-1][0].lower() in _PRONOUNS:
        word, pos = tokens[-1]
        if word.lower() not in ("who", "which"):
            return left[pos:pos + len(word)]
        comma = left.rfind(",", 0, pos)  # "Jake Sullivan, who told CNN": the relative's head
        if comma == -1 or left[comma + 1:pos].strip():
            return ""
        return find_speaker(text_norm, (s_start, s_start + comma), (s_start + comma,
                                                                    s_start + comma))
    keep = None
    for k in range(len(tokens) - 1, max(-1, len(tokens) - 10), -1):
        word = tokens[k][0]
        low = word.lower().removesuffix("'s")
        if word[0].isupper() or low in _TITLE_WORDS:
            keep = k
        elif low in _CONNECT and k > 0 and keep is not None:
            continue
        else:
            break
    if keep is None:
        return ""
    if keep > 0 and tokens[keep - 1][0].lower() == "the":
        keep -= 1
    while keep < len(tokens) and tokens[keep][0].lower() in ("a", "an", "and", "of", "for"):
        keep += 1
    if keep >= len(tokens):
        return ""
    last_word, last_pos = tokens[-1]
    return left[tokens[keep][1]:last_pos + len(last_word)].strip()
