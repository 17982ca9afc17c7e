"""A shared source that neither document quotes: the same speaker's words, reported.

Outlets relay a statement or a briefing in indirect speech as often as they quote it ("the
White House said the US was not involved", "according to the statement, ..."). Two such
reports of one statement are a common source, not copying, even when no word is in
quotation marks. ``classify_pairs`` calls a pair ``shared_source`` with
``shared_source_kind = "reported"`` when at least one of its links (a sentence pair that is
each other's best match above the rewrite layer's threshold, or an aligned passage of the
shingle layer) is reported speech **of the same speaker on both sides**:

* *reported speech*: at least ``min_attributed=0.5`` of the sentence's content words have
  the voice ``attributed`` (:class:`framelab.framing.VoiceTagger`: inside the reach of a
  reporting verb or of "according to"; words inside quotation marks are ``quoted``, so a
  shared quotation is never counted here), and the sentence has a reporting verb with a
  speaker (:func:`framelab.framing.reporting_verbs`, speakers by
  :func:`framelab.framing.find_speaker`);
* *the speaker*: a pronoun or a role with a determiner ("he", "the spokesperson", "the
  statement") stands for the last speaker named before it in the document; a bare common
  noun ("Officials", "Observers") names nobody and is left out;
* *name words*: the speaker's capitalised words without determiners, role nouns
  ("spokesman", "statement", "secretary", "minister") and nouns for people or channels in
  general ("officials", "analysts", "reports", "media");
* *the same speaker*: the speakers' name words are not empty and those of one are all
  among those of the other ("Ryder" and "Pentagon Press Secretary Pat Ryder"; "White
  House National Security Council spokesperson" and "White House National Security Council
  spokesman Sean Savitt"). Two different people of one government are two speakers.

A link that is similar by chance and happens to be attributed to the same speaker on both
sides is counted too: the rule says the similar content is that speaker's, not that the
speaker said it once. The link's cosine is above the null threshold of the rewrite layer,
so the content is more alike than nearly all unrelated sentence pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..corpus import with_texts
from ..errors import check_columns
from ..framing import VoiceTagger, match_sentences, reporting_verbs
from ..tokens import STOP_WORDS

if TYPE_CHECKING:
    from ..codebook import Codebook

__all__ = ["SPEAKER_COLUMNS", "SpeakerMemo", "reported_links", "same_speaker", "sentence_speakers",
           "speaker_key", "speakers_by_sentence"]

#: One row per sentence that reports a speaker's words (:func:`sentence_speakers`).
SPEAKER_COLUMNS = ["doc_id", "sentence_id", "speaker", "speaker_key", "attributed"]

#: Documents whose reporting verbs :class:`SpeakerMemo` reads in one call.
READ_DOCUMENTS = 500

_WORD = re.compile(r"[A-Za-z][\w'\-.]*[\w]|[A-Za-z]")
_DETERMINERS = frozenset(["the", "a", "an", "this", "that", "these", "those", "its", "his",
                          "her", "their", "our", "his", "another"])
_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i"])
#: Role nouns: they say what a speaker is, not who ("the spokesman", "the statement").
_ROLES = frozenset([
    "spokesperson", "spokesman", "spokeswoman", "spokespeople", "spokespersons", "official",
    "officials", "statement", "statements", "message", "release", "briefing", "secretary",
    "press", "adviser", "advisor", "minister", "ministry", "office", "officer", "senior",
    "deputy", "representative", "source", "sources", "mr", "mrs", "ms", "dr", "maj", "gen",
    "general", "lt", "col", "adm", "sen", "rep", "gov", "president", "prime", "also", "later", "earlier", "and", "of",
    "for", "in", "on", "at",
    # people and channels in general: "Observers note", "Reports from a broadcaster"
    "observers", "analysts", "experts", "residents", "witnesses", "diplomats", "activists",
    "critics", "people", "report", "reports", "media", "broadcaster", "outlet", "agency",
    "authorities", "leaders", "lawmakers", "officers", "troops", "forces", "monitor"])


def speaker_key(speaker: str) -> frozenset[str]:
    """The name words of a speaker as written: its capitalised words, lowercase, without
    determiners, pronouns, role nouns and nouns for people in general ("Pentagon Press
    Secretary Pat Ryder" -> {"pentagon", "pat", "ryder"}; "the spokesman", "Officials" ->
    empty: no name)."""
    words = [w.rstrip(".").removesuffix("'s") for w in _WORD.findall(speaker)]
    return frozenset(w.lower() for w in words
                     if w[:1].isupper() and w.lower() not in _DETERMINERS
                     and w.lower() not in _ROLES and w.lower() not in _PRONOUNS)


def same_speaker(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two speaker keys name one speaker: both non-empty, one within the other."""
    a, b = frozenset(a), frozenset(b)
    return bool(a) and bool(b) and (a <= b or b <= a)


def _anaphoric(speaker: str) -> bool:
    words = speaker.lower().split()
    return bool(words) and (words[0] in _PRONOUNS or words[0] in _DETERMINERS)


def _content_words(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _WORD.finditer(text, lo, hi)
            if len(m.group()) > 2 and m.group().lower() not in STOP_WORDS]


class SpeakerMemo:
    """Named speakers and attributed shares of sentences, each computed once.

    :func:`sentence_speakers` asked about many sentences in turns (``classify_pairs`` works
    through the pairs block by block) reads each document's reporting verbs once and tags
    each sentence's voice once, whatever the turns. A sentence's speakers depend on its own
    document only (a pronoun stands for the last speaker named before it), its share of
    attributed words on its own text, so the answers are those of one call on everything.
    """

    def __init__(self, documents: pd.DataFrame, sentences: pd.DataFrame,
                 codebook: Codebook, *, min_attributed: float = 0.5) -> None:
        check_columns(documents, ("doc_id", "text_norm"), "documents")
        check_columns(sentences, ("doc_id", "sentence_id", "start", "end"), "sentences")
        self.documents, self.sentences = documents, sentences
        self.codebook, self.min_attributed = codebook, min_attributed
        self._ids: dict[str, str] | None = None   # sentence -> document, when ids are not
        self._rows = sentences.groupby(sentences["doc_id"].astype(str), sort=False).indices
        self._start = sentences["start"].to_numpy(np.int64)
        self._end = sentences["end"].to_numpy(np.int64)
        self._doc_at = {d: i for i, d in enumerate(documents["doc_id"].astype(str).tolist())}
        #: document -> sentence -> speakers it names (resolved), in reading order
        self.named: dict[str, dict[str, list[str]]] = {}
        #: sentence -> share of its content words in attributed voice (None: no such word)
        self._share: dict[str, float | None] = {}
        #: sentence -> whether it reports speech (share >= min_attributed), when only that
        #: was asked (:meth:`reporting`): tagging stops once the answer is certain
        self._passes: dict[str, bool] = {}
        self._keys: dict[str, frozenset[str]] = {}   # speaker -> speaker_key, read once
        #: row in the sentence table of each sentence in ``named`` (read with its document)
        self._named_row: dict[str, int] = {}

    def _key(self, speaker: str) -> frozenset[str]:
        key = self._keys.get(speaker)
        if key is None:
            key = self._keys[speaker] = speaker_key(speaker)
        return key

    def _docs_of(self, sentence_ids: set[str]) -> dict[str, tuple[str, int]]:
        """The document and row of each of ``sentence_ids`` in the sentence table."""
        # segmentation names sentences "<doc_id>:<index>"; other names are looked up
        found = {s: s.rsplit(":", 1)[0] for s in sentence_ids}
        if self._ids is not None or not all(d in self._rows for d in found.values()):
            if self._ids is None:
                self._ids = dict(zip(self.sentences["sentence_id"].astype(str).tolist(),
                                     self.sentences["doc_id"].astype(str).tolist()))
            found = {s: self._ids[s] for s in sentence_ids if s in self._ids}
        at = (np.concatenate([self._rows[d] for d in set(found.values())]) if found
              else np.zeros(0, dtype=np.intp))
        names = self.sentences["sentence_id"].iloc[at].astype(str).tolist()
        return {s: (found[s], int(r)) for s, r in zip(names, at) if s in found}

    def _read(self, doc_ids: set[str]) -> None:
        new = sorted(d for d in doc_ids if d not in self.named)
        # a document's speakers depend on its own sentences only: READ_DOCUMENTS at a time
        # bound what reporting_verbs holds (its matches of every layer) by the chunk
        for lo in range(0, len(new), READ_DOCUMENTS):
            self._read_chunk(new[lo:lo + READ_DOCUMENTS])

    def _read_chunk(self, new: list[str]) -> None:
        docs = self.documents.iloc[[self._doc_at[d] for d in new if d in self._doc_at]]
        at = np.concatenate([self._rows[d] for d in new])
        sents = self.sentences.iloc[at]
        sents = with_texts(sents, self.documents, ("text_norm",))  # a table without texts
        row_of = dict(zip(sents["sentence_id"].astype(str).tolist(), at.tolist()))
        docs = docs.assign(outlet=docs.get("outlet", ""))
        verbs = reporting_verbs(sents, docs, self.codebook,
                                matches=match_sentences(sents, self.codebook,
                                                        include_nonbody=True,
                                                        layers=("verb",))
                                ).sort_values(["doc_id", "start"], kind="stable")
        self.named.update({d: {} for d in new})
        named = ("", "")    # (document, the last speaker named so far in it)
        for doc_id, sid, speaker in zip(verbs["doc_id"].astype(str).tolist(),
                                        verbs["sentence_id"].astype(str).tolist(),
                                        verbs["speaker"].astype(str).str.strip().tolist()):
            if self._key(speaker):
                named = (doc_id, speaker)
            elif _anaphoric(speaker) and named[0] == doc_id and named[1]:
                speaker = named[1]
            else:
                continue
            self.named[doc_id].setdefault(sid, []).append(speaker)
            self._named_row[sid] = row_of[sid]

    def _attributed(self, doc_id: str, rows: dict[str, int], *, exact: bool = True) -> None:
        """Tag the voice of sentences of one document (sentence id -> row) not tagged yet:
        their share of attributed words, or with ``exact=False`` only whether it reaches
        ``min_attributed`` (words are tagged until the rest cannot change that)."""
        todo = [sid for sid in rows if sid not in self._share
                and (exact or sid not in self._passes)]
        if not todo:
            return
        mine = self._rows[doc_id]
        text = str(self.documents["text_norm"].iat[self._doc_at[doc_id]])
        spans = list(zip(self._start[mine].tolist(), self._end[mine].tolist()))
        tagger = VoiceTagger(text, spans, codebook=self.codebook)
        for sid in todo:
            words = _content_words(text, int(self._start[rows[sid]]), int(self._end[rows[sid]]))
            if exact:
                self._share[sid] = (sum(tagger.tag(s, e).voice == "attributed" for s, e in words)
                                    / len(words) if words else None)
            else:
                self._passes[sid] = self._reaches(tagger, words)

    def _reaches(self, tagger: VoiceTagger, words: list[tuple[int, int]]) -> bool:
        """Whether ``k / n >= min_attributed`` for the ``k`` of the ``n`` words in attributed
        voice, as ``_passes`` holds it. ``k / n`` grows with ``k`` for a fixed ``n``, so
        the answer is certain as soon as the words tagged so far reach it, or the words left
        cannot; a NaN ``min_attributed`` is decided at the end, as by the share."""
        n, k, least = len(words), 0, self.min_attributed
        if not n:
            return False
        for i, (s, e) in enumerate(words, 1):
            k += tagger.tag(s, e).voice == "attributed"
            if k / n >= least:
                return True
            if (k + n - i) / n < least:
                return False
        return not k / n < least

    def _reports(self, sid: str) -> bool:
        if sid not in self._share:
            return self._passes[sid]
        share = self._share[sid]
        return share is not None and not share < self.min_attributed

    def _named_in(self, sentence_ids: Iterable[str], links: Iterable[tuple[str, str]] | None
                  ) -> tuple[dict[str, tuple[str, int]], dict[str, dict[str, list[str]]]]:
        """The document and row of each sentence asked about, and the speakers named in
        those of them that can report speech (of ``links`` whose two sides name one speaker,
        when given), by document."""
        where = self._docs_of({str(s) for s in sentence_ids})
        wanted = set(where)
        if not wanted:
            return where, {}
        asked = sorted({d for d, _ in where.values()})   # as reporting_verbs sorts them
        self._read(set(asked))
        named_in = {d: {sid: v for sid, v in self.named[d].items() if sid in wanted}
                    for d in asked}
        return where, self._same_speaker(named_in, links)

    def _named_rows(self, sentence_ids: Iterable[str], links: Iterable[tuple[str, str]] | None
                    ) -> tuple[dict[str, tuple[str, int]], dict[str, dict[str, list[str]]]]:
        """:meth:`_named_in`, with the document and row only of the sentences that name a
        speaker (all that :meth:`reporting` reads). Segmentation names sentences
        "<doc_id>:<index>": then a sentence's document is in its name, and a sentence that
        names a speaker is one of its document's rows (read with its speakers), so the
        sentence table is not read for the others; other names take :meth:`_named_in`."""
        wanted = {str(s) for s in sentence_ids}
        found = {s.rsplit(":", 1)[0] for s in wanted}
        if self._ids is not None or not all(d in self._rows for d in found):
            return self._named_in(wanted, links)
        # a document none of whose sentences is asked names none of them: reading it
        # changes nothing asked about
        asked = sorted(found)
        self._read(set(asked))
        named_in = {d: {sid: v for sid, v in self.named[d].items() if sid in wanted}
                    for d in asked}
        where = {sid: (d, self._named_row[sid]) for d, by_sid in named_in.items()
                 for sid in by_sid}
        return where, self._same_speaker(named_in, links)

    def _same_speaker(self, named_in: dict[str, dict[str, list[str]]],
                      links: Iterable[tuple[str, str]] | None
                      ) -> dict[str, dict[str, list[str]]]:
        """``named_in`` without the sentences of no link whose two sides name one speaker
        (all of it when ``links`` is None)."""
        if links is None:
            return named_in
        # voice only where the other side names the same speaker
        keys = {sid: [self._key(n) for n in names]
                for by_sid in named_in.values() for sid, names in by_sid.items()}
        needed: set[str] = set()
        for sa, sb in links:
            sa, sb = str(sa), str(sb)
            # most links have a side that names nobody: it is looked up once
            ka = keys.get(sa, []) if "+" not in sa else \
                [k for s in _split(sa) for k in keys.get(s, [])]
            if not ka:
                continue
            kb = keys.get(sb, []) if "+" not in sb else \
                [k for s in _split(sb) for k in keys.get(s, [])]
            if kb and any(same_speaker(x, y) for x in ka for y in kb):
                needed.update(_split(sa) + _split(sb))
        return {d: {sid: v for sid, v in by_sid.items() if sid in needed}
                for d, by_sid in named_in.items()}

    def speakers(self, sentence_ids: Iterable[str],
                 links: Iterable[tuple[str, str]] | None = None) -> pd.DataFrame:
        """:func:`sentence_speakers` of ``sentence_ids`` (and ``links``)."""
        where, named_in = self._named_in(sentence_ids, links)
        if not where:
            return pd.DataFrame({c: pd.Series(dtype=object if c != "attributed" else float)
                                 for c in SPEAKER_COLUMNS})
        rows = []
        for doc_id, speakers in named_in.items():
            if not speakers:
                continue
            self._attributed(doc_id, {sid: where[sid][1] for sid in speakers})
            for sid, names in speakers.items():
                share = self._share[sid]
                if share is None or share < self.min_attributed:
                    continue
                for name in dict.fromkeys(names):
                    rows.append((doc_id, sid, name, " ".join(sorted(speaker_key(name))),
                                 share))
        return pd.DataFrame(rows, columns=SPEAKER_COLUMNS)

    def reporting(self, sentence_ids: Iterable[str],
                  links: Iterable[tuple[str, str]] | None = None) -> _Speakers:
        """``speakers_by_sentence(self.speakers(sentence_ids, links))``, without the shares:
        a sentence's words are tagged only until it is certain whether their attributed
        share reaches ``min_attributed`` (what :func:`reported_links` needs)."""
        where, named_in = self._named_rows(sentence_ids, links)
        who: _Speakers = {}
        for doc_id, speakers in named_in.items():
            if not speakers:
                continue
            self._attributed(doc_id, {sid: where[sid][1] for sid in speakers}, exact=False)
            for sid, names in speakers.items():
                if self._reports(sid):
                    # the name words as speakers_by_sentence reads them from the table
                    who[sid] = [(name, frozenset(" ".join(sorted(self._key(name))).split()))
                                for name in dict.fromkeys(names)]
        return who


def sentence_speakers(documents: pd.DataFrame, sentences: pd.DataFrame,
                      codebook: Codebook, *, sentence_ids: Iterable[str],
                      min_attributed: float = 0.5,
                      links: Iterable[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Which of ``sentence_ids`` report a speaker's words, and whose (module docstring).

    Parameters
    ----------
    documents : DataFrame
        ``doc_id``, ``outlet``, ``text``, ``text_norm``.
    sentences : DataFrame
        The (body) sentence table: ``doc_id``, ``sentence_id``, ``start``, ``end``,
        ``text_norm``; every sentence of a document is read for the speakers named before.
    sentence_ids : iterable of str
        The sentences asked about.
    links : iterable of (str, str), optional
        Links (sentence ids of a, of b; "+" joins a merged run): when given, only the
        sentences of links whose two sides name the same speaker get their voice read
        (the slow part), and only they can be in the result.

    Returns
    -------
    DataFrame
        :data:`SPEAKER_COLUMNS`, one row per (sentence, speaker) of the sentences asked about
        that report speech: ``speaker`` as written (a pronoun or role resolved to the named
        speaker it stands for), ``speaker_key`` its name words joined by " ",
        ``attributed`` the share of the sentence's content words in attributed voice.
        :class:`SpeakerMemo` answers the same for many calls on one corpus.
    """
    memo = SpeakerMemo(documents, sentences, codebook, min_attributed=min_attributed)
    return memo.speakers(sentence_ids, links)


_Speakers = dict[str, list[tuple[str, frozenset[str]]]]


def _split(ids: str) -> list[str]:
    return str(ids).split("+")


def speakers_by_sentence(speakers: pd.DataFrame) -> _Speakers:
    """sentence_id -> [(speaker, name words)] of a :func:`sentence_speakers` table."""
    who: _Speakers = {}
    for sid, name, key in zip(speakers["sentence_id"], speakers["speaker"],
                              speakers["speaker_key"]):
        who.setdefault(str(sid), []).append((str(name), frozenset(str(key).split())))
    return who


def reported_links(links: Iterable[tuple[str, str]], speakers: pd.DataFrame | _Speakers
                   ) -> list[tuple[str, str, str, str]]:
    """The links whose two sides report the same speaker.

    ``links`` are (sentence ids of a, sentence ids of b), a merged run's ids joined by "+";
    ``speakers`` is :func:`sentence_speakers` (or :func:`speakers_by_sentence` of it, to
    look up many pairs). Returns (sentence_a, sentence_b, speaker of a, speaker of b) for
    each such link (first matching speakers), in the order given.
    """
    who = speakers_by_sentence(speakers) if isinstance(speakers, pd.DataFrame) else speakers
    out = []
    for sa, sb in links:
        sa, sb = str(sa), str(sb)
        # most links have a side that reports nobody: it is looked up once
        side_a = who.get(sa, []) if "+" not in sa else \
            [x for s in sa.split("+") for x in who.get(s, [])]
        if not side_a:
            continue
        side_b = who.get(sb, []) if "+" not in sb else \
            [y for s in sb.split("+") for y in who.get(s, [])]
        match = next(((x, y) for x in side_a for y in side_b if same_speaker(x[1], y[1])),
                     None)
        if match:
            out.append((str(sa), str(sb), match[0][0], match[1][0]))
    return out
