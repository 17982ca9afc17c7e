"""The reach of a reporting verb in its sentence: which words it attributes to someone.

Used by :class:`framelab.voice.VoiceTagger` for words outside quotation marks. A sentence's
reporting verbs (the codebook's forms plus :data:`ATTRIBUTION_VERBS`, outside quotations,
not after a determiner) are read left to right; each one paints a stretch of the sentence
as ``attributed`` (the reported words) or ``narrator`` (its speaker and cue); a later verb
paints over an earlier one. Every rule, with its known limits:

1. **Pre-posed verb** ("Moscow claimed (that) the militants fled"): the words after the verb
   are attributed, up to the end of its scope (rule 3). When a ``that`` follows within six
   words and the words before it are an adverbial or an addressee ("said Sunday that",
   "said in a statement that", "told reporters that"), the reported clause starts at that
   ``that``. "According to X, Y" attributes Y (the words after the first comma). A verb of
   :data:`THAT_ONLY_VERBS` ("maintained", "recalled", "declared", "agreed") reports only
   when a ``that`` follows it so ("maintained that ...", not "maintained sanctions") or
   when it is post-posed (rule 2).
   *Limits*: a verb inside a relative clause ("Trump, who said X, won") reaches past the
   clause; a verb of perception, intention or evidence not listed ("polls show", "he
   wants") is no cue at all; "He said, however, that ..." attributes "however".
2. **Post-posed attribution** ("The talks failed, he said." / "..., said Howard Rubel, an
   analyst." / "..., according to officials."): the verb follows a comma or a closing
   quotation mark and either
   a. a *subject*: at most ``_SPEAKER_WORDS`` (8) words with a capitalised word among the first
      three or a first word from :data:`SPEAKER_STARTS` (pronoun, determiner, quantifier,
      "officials", ...), no finite auxiliary in it but those just before the verb ("a
      spokesman has said"); an apposition extends it ("Melanne Verveer, a State Department
      official, wrote"); and after the verb nothing that could be the reported clause: the
      sentence ends, or a comma, a preposition or time word follows ("he said on Monday"),
      or, after *told*, a named or listed addressee ("told The Huffington Post"); no
      ``that`` before the next comma; or
   b. *inversion*: a verb form that inverts (:data:`_INVERTING`: said, added, wrote,
      according, ...) right after the comma, then a speaker of at most eight words with no
      auxiliary and no lower-case ``-ed`` word, ending the clause ("said a longtime
      adviser to Trump, who ...").
   The sentence before the comma (or after an unclosed bracket) is attributed; before a
   closing quotation mark, the words before its opening mark ('Closing it would "send the
   wrong message," he added'). The speaker and the verb are narrator, and so is what
   follows the verb, unless a comma comes right after it (at most two words between)
   and the next word is neither a participle nor a preposition: "X, he said, Y"
   attributes Y as well. A participle (", adding that ...", ", saying ...") and a verb
   that introduces a quotation after a comma or colon ('Beck said, "..."') are pre-posed.
   *Limits*: the reported stretch runs from the sentence start, so a narrator clause
   before it is attributed too ("The market fell and prices, he said, will rise"); a
   paraphrase spanning several sentences before one post-posed cue only gets its last
   sentence; a lower-case subject of more than one word that is not listed ("party
   elders said") is not recognised.
3. **Scope ends at a coordinated clause** ("He said X, and the market fell"): a pre-posed
   verb's reach ends at ``;``, at a dash, at the end of the sentence, and at a comma
   followed by a coordinator or subordinator that opens a new clause (``and``, ``but``,
   ``yet``, ``while``, ``whereas``, ``although``, ``as``, ``because``, ``so``) unless a
   ``that`` follows it ("said X, and that Y" goes on reporting) or, after ``and``, a word in
   *-ing* (a serial list: "protecting civilians, and supporting the rebels").
   *Limits*: without a parser, a coordinated clause without a comma ("He said X and the
   market fell") stays attributed, and a reported sentence that itself contains ", and
   ..." is cut short (on PolNeAR train the rule is about neutral: it trades recall for
   precision).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ATTRIBUTION_VERBS",
    "ATTRIBUTION_VERB_PATTERN",
    "SPEAKER_STARTS",
    "THAT_ONLY_VERBS",
    "Stretch",
    "sentence_stretches",
]

#: Words a speaker phrase may start with besides a capitalised word ("he said", "officials
#: said", "some analysts say").
SPEAKER_STARTS = frozenset(
    ["he", "she", "they", "i", "we", "it", "you", "the", "a", "an", "his", "her", "their", "its", "our", "my", "this", "that", "these", "those", "some", "many", "several", "most", "other", "others", "both", "each", "few", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens", "officials", "aides", "analysts", "experts", "sources", "critics", "observers", "supporters", "advisers", "advisors", "voters", "people", "residents", "strategists", "economists", "lawyers", "democrats", "republicans"])
#: Verbs that report only with a "that" clause or when post-posed: "maintained that the
#: talks failed", "..., he recalled", but not "maintained sanctions", "recalled the envoy".
THAT_ONLY_VERBS = frozenset(
    ["maintain", "maintains", "maintained", "observe", "observes", "observed", "respond", "responds", "responded", "deny", "denies", "denied", "recall", "recalls", "recalled", "declare", "declares", "declared", "agree", "agrees", "agreed", "estimate", "estimates", "estimated", "pledge", "pledges", "pledged", "testify", "testifies", "testified", "complain", "complains", "complained", "conclude", "concludes", "concluded", "worry", "worries", "worried", "recount", "recounts", "recounted"])
#: Verbs of speech, writing and thought that attribute what follows them like the
#: codebook's reporting verbs, but are not reporting-verb classes of the codebook (framing's
#: verb tables do not count them): they only widen voice.
ATTRIBUTION_VERBS = tuple(
    ["ask", "asks", "asked", "suggest", "suggests", "suggested", "believe", "believes", "believed", "think", "thinks", "thought", "hope", "hopes", "hoped", "fear", "fears", "feared", "expect", "expects", "expected", "predict", "predicts", "predicted", "promise", "promises", "promised", "urge", "urges", "urged", "tweet", "tweets", "tweeted", "accuse", "accuses", "accused", "contend", "contends", "contended", "vow", "vows", "vowed", "reply", "replies", "replied"]
    + sorted(THAT_ONLY_VERBS))
#: :data:`ATTRIBUTION_VERBS` as one case-insensitive whole-word pattern.
ATTRIBUTION_VERB_PATTERN = re.compile(
    r"(?<!\w)(?:" + "|".join(ATTRIBUTION_VERBS) + r")(?!\w)", re.IGNORECASE)
_SPEAKER_WORDS = 8
_INVERTED_WORDS = 8
_PRONOUNS = frozenset(["he", "she", "they", "i", "we", "it", "you"])
_NOT_INVERTED = _PRONOUNS | {"this", "that", "these", "those", "there", "not", "so", "to"}
#: Words that end a reporting clause after its verb: prepositions and time adverbs.
_ADVERBIAL_STARTS = frozenset(
    ["on", "in", "at", "during", "after", "before", "while", "when", "last", "this", "earlier", "later", "recently", "yesterday", "today", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "via", "through", "afterward", "afterwards", "again", "also", "then", "previously"])
_PREPOSITIONS = frozenset(
    ["on", "in", "at", "during", "after", "before", "via", "through", "from", "with", "without", "as", "according"])
#: Who is told, in "X, he told reporters."
_ADDRESSEES = frozenset(
    ["reporters", "journalists", "audiences", "audience", "supporters", "voters", "donors", "him", "her", "them", "us", "me", "listeners", "viewers", "colleagues", "members", "crowd", "newspaper", "paper", "magazine", "network", "station", "website", "agency", "outlet", "committee", "panel"])
#: Verb forms that invert with their speaker ('..., said Sullivan'; "told X" never does).
_INVERTING = frozenset(
    ["said", "says", "added", "adds", "wrote", "writes", "asked", "asks", "explained", "explains", "noted", "notes", "recalled", "replied", "continued", "argued", "insisted", "declared", "warned", "stated", "claimed", "according"])
#: Words that show a clause, not a name, after an inverted verb.
_CLAUSE_WORDS = frozenset(
    ["is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "should", "could", "can", "may", "might", "must", "did", "does", "do", "not"])
_WORD = re.compile(r"\w+(?:['\-]\w+)*")
_BOUNDARY = re.compile(r",|\"|''|\s-\s|\s--\s")
_SCOPE_END = re.compile(
    r";|\s-\s|\s--\s|,\s+(?:and(?!\s+\w+ing\b)|but|yet|while|whereas|although|though|as|"
    r"because|so|even\s+as)\b(?!\s+that\b)", re.IGNORECASE)
_QUOTE_MARK = re.compile(r"\"|''")
_INTRODUCES_QUOTE = re.compile(r"[^.;!?\"]{0,60}?[,:]\s*(?:\"|'')")
_APPOSITIVE = re.compile(r"\s*(?:a|an|the|his|her|its|their)\s", re.IGNORECASE)
#: Words between a subject and its verb ("has said", "also told").
_BEFORE_VERB = frozenset(
    ["has", "have", "had", "was", "is", "will", "would", "also", "later", "then", "again", "previously", "publicly", "repeatedly", "reportedly", "once", "recently", "often", "never"])
_THAT = re.compile(r"\bthat\b", re.IGNORECASE)
_STOP = re.compile(r"[;:!?]")   # a period inside a sentence is an abbreviation's


@dataclass(frozen=True)
class Stretch:
    """A part of a sentence and the voice a reporting verb gives it.

    Attributes
    ----------
    start, end : int
        Offsets into the document text.
    voice : {"attributed", "narrator"}
    cue : str
        "reporting verb" (rule 1) or "post-posed verb" (rule 2).
    evidence : str
        The verb as written.
    """

    start: int
    end: int
    voice: str
    cue: str
    evidence: str


def _speaker_like(phrase: str) -> bool:
    words = _WORD.findall(phrase)
    if not words:
        return True  # inversion: the verb follows the comma directly
    if len(words) > _SPEAKER_WORDS or _STOP.search(phrase):
        return False
    return (words[0].lower() in SPEAKER_STARTS
            or any(w[0].isupper() for w in words[:3]))   # "spokesman Alex Conant said"


def _inverted_speaker(tail: str, *, any_start: bool = False) -> bool:
    """Whether the words after a verb are a speaker and no more ("said Sullivan.", "said
    the analyst, who ..."), not a reported clause ("said Mrs. Clinton had avoided ...")."""
    words = _WORD.findall(re.split(r"[,;:!?(]", tail, maxsplit=1)[0])
    return (0 < len(words) <= _INVERTED_WORDS and words[0].lower() not in _NOT_INVERTED
            and (any_start or words[0][0].isupper() or words[0].lower() in SPEAKER_STARTS)
            and not any(w.lower() in _CLAUSE_WORDS or (w.islower() and w.endswith("ed"))
                        for w in words))   # "said the Khan family deserved better" is not


def _adverbial_tail(verb: str, tail: str) -> bool:
    """Whether what follows a subject + verb ends the reporting clause: nothing, a comma, an
    adverbial ("he said Monday", "he said in an interview ..."), or the addressee of "told"
    ("Smith told The Huffington Post.")."""
    words = _WORD.findall(re.split(r"[,;:!?(]", tail, maxsplit=1)[0])
    if any(w.lower() == "that" for w in words):
        return False   # "Smith, an aide, said Tuesday that ..."
    if not words or words[0].lower() in _ADVERBIAL_STARTS:
        return True
    if words[0].lower() == "of" and verb.lower().startswith("sa"):
        return True    # '"...," he said of Mr. Clinton.'
    named = words[1] if words[0].lower() in ("the", "a", "an") and len(words) > 1 else words[0]
    return (verb.lower().startswith(("told", "tell")) and len(words) <= 5
            and (named[0].isupper() or named.lower() in _ADDRESSEES))


def sentence_stretches(text: str, sentence: tuple[int, int],
                       verbs: Sequence[tuple[int, int]]) -> list[Stretch]:
    """The stretches of ``sentence`` its reporting verbs attribute (rules in the module
    docstring), in painting order: where two overlap, the later one wins.

    Parameters
    ----------
    text : str
        The document's normalised text.
    sentence : (int, int)
        Offsets of the sentence.
    verbs : sequence of (int, int)
        Reporting-verb uses in the sentence (outside quotations), sorted by start.

    Returns
    -------
    list of Stretch
    """
    s_start, s_end = sentence
    out: list[Stretch] = []
    for v_start, v_end in verbs:
        form = text[v_start:v_end]
        post = _post_posed_boundary(text, s_start, v_start, v_end, s_end)
        if post is not None:
            lo = s_start   # ... or an unclosed bracket: '("I want my dues back," wrote X'
            bracket = text.rfind("(", s_start, post)
            if bracket != -1 and ")" not in text[bracket:post]:
                lo = bracket + 1
            hi = post
            if _QUOTE_MARK.match(text, post):   # 'Closing it would "send a message," he said'
                opening = [m.start() for m in _QUOTE_MARK.finditer(text, lo, post)]
                hi = opening[-1] if opening else lo
            if _WORD.search(text, lo, hi):
                out.append(Stretch(lo, hi, "attributed", "post-posed verb", form))
            out.append(Stretch(post, s_end, "narrator", "", ""))
            tail = re.match(r"\s*(?:\w+\s*){0,2}?,\s+(?=(\w+))", text[v_end:s_end])
            if tail and not _inverted_speaker(text[v_end:s_end]) \
                    and not tail.group(1).lower().endswith("ing") \
                    and tail.group(1).lower() not in _PREPOSITIONS:
                lo = v_end + tail.end()   # "X, he said, Y"
                out.append(Stretch(lo, _scope_end(text, lo, s_end), "attributed",
                                   "post-posed verb", form))
            continue
        lo = v_end
        that = _THAT.search(text, v_end, min(s_end, v_end + 60))
        if form.lower() in THAT_ONLY_VERBS and not (
                that and (not text[v_end:that.start()].strip()
                          or _before_that(form, text[v_end:that.start()]))):
            continue   # "maintained sanctions": not a report
        if form.lower().startswith("according"):   # "According to X, Y": Y is X's
            comma = text.find(",", v_end, s_end)
            if comma != -1 and len(_WORD.findall(text[v_end:comma])) <= _SPEAKER_WORDS:
                lo = comma + 1
        if that and _before_that(form, text[v_end:that.start()]):
            lo = that.start()   # the complementiser belongs to the reported clause
        out.append(Stretch(lo, _scope_end(text, lo, s_end), "attributed", "reporting verb",
                           form))
    return out


def _before_that(verb: str, gap: str) -> bool:
    """Whether the words between a verb and a "that" are its adverbials or addressee ("said
    Sunday that", "told reporters that"), not reported words ("said he has seen schools
    that")."""
    words = _WORD.findall(gap)
    if re.search(r"[,;:\"]", gap) or len(words) > 6:
        return False
    return (len(words) <= 1 or words[0].lower() in _ADVERBIAL_STARTS
            or verb.lower().startswith(("tell", "told", "remind", "assur", "warn", "inform")))


def _scope_end(text: str, lo: int, s_end: int) -> int:
    m = _SCOPE_END.search(text, lo, s_end)
    return m.start() if m else s_end


def _subject_phrase(phrase: str) -> bool:
    """A speaker as subject: speaker-like once auxiliaries and adverbs before the verb are
    dropped ("a spokesman has", "he also"), with no other finite verb in it."""
    words = _WORD.findall(phrase)
    while words and words[-1].lower() in _BEFORE_VERB:
        words.pop()
    return (bool(words) and _speaker_like(" ".join(words))
            and not any(w.lower() in _CLAUSE_WORDS for w in words))   # "donors said"


def _post_posed_boundary(text: str, s_start: int, v_start: int, v_end: int,
                         s_end: int) -> int | None:
    """Offset of the comma or closing mark that a post-posed reporting clause follows, or
    None when the verb is pre-posed."""
    tail = text[v_end:s_end]
    if text[v_start:v_end].lower().endswith("ing") or _INTRODUCES_QUOTE.match(tail):
        return None   # ", saying X" and 'Beck said, "..."' introduce what follows
    candidates = list(_BOUNDARY.finditer(text, s_start, v_start))
    for k in range(len(candidates) - 1, -1, -1):
        m = candidates[k]
        phrase = text[m.end():v_start]
        if not _WORD.search(phrase):   # ", said X": inverted only when a speaker follows
            verb = text[v_start:v_end].lower().split()[0]
            if text[m.start()] != "-" and verb in _INVERTING and _inverted_speaker(
                    tail, any_start=verb == "according"):   # ", according to local officials"
                return m.start()
            continue                    # "Josh Earnest, said": look one comma further back
        if (_STOP.search(phrase) or not _subject_phrase(phrase)
                or not _adverbial_tail(text[v_start:v_end], tail)):
            return None                 # "Smith, an aide, said the plan ...": pre-posed
        if k and text[m.start()] == ",":   # "Name, an aide, said", "his aide, Name, said"
            before = text[candidates[k - 1].end():m.start()]
            if 0 < len(_WORD.findall(before)) <= 5 and (
                    (_APPOSITIVE.match(phrase) and before.strip()[:1].isupper())
                    or (_APPOSITIVE.match(before) and phrase.strip()[:1].isupper())):
                return candidates[k - 1].start()
        return m.start()
    return None
