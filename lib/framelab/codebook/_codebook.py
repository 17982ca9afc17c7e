"""The codebook: actors, labels, events, reporting verbs and frames, and one matcher for all.

A codebook is a YAML file (the shipped default is ``framelab/data/codebook.yaml``, documented
in ``docs/codebook.md``). :func:`load_codebook` validates it: every error names the file, the
line, the key and what was expected. :attr:`Codebook.matcher` compiles every phrase of every
kind into **one** Aho-Corasick automaton, so counting is one pass per sentence over the whole
codebook.

Matching rules (identical in :class:`Matcher` and the per-phrase :func:`reference_matches`):

* on the normalised text, case-insensitively unless a term is ``case_sensitive``;
* any run of whitespace and hyphens in the text matches any separator of the phrase
  ("Hayat Tahrir-al-Sham" = "Hayat Tahrir al-Sham");
* a phrase that starts (ends) with a word character needs a non-word character or the text
  edge before (after) it; a phrase ending in ``*`` extends over the rest of the word;
* **overlap policy**: phrases of one *layer* (``actor``, ``label``, ``event``, ``verb``,
  ``frame:<name>``) do not overlap: scanning left to right, the match starting first wins, at
  one start the longest wins, and at equal length the phrase listed first in the codebook.
  Layers are independent: "Assad regime" is the actor "Assad" *and* the label "regime".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Union

import yaml

from ..errors import CodebookError
from ..paths import DEFAULT_CODEBOOK
from ._matcher import Matcher, Term, _isword

__all__ = [
    "Actor", "Attribution", "Codebook", "Frame", "Label", "Side", "VerbClass", "codebook_from_text",
    "default_codebook_path", "load_codebook", "resolve_codebook", "CodebookArg",
]

log = logging.getLogger(__name__)

_ID = re.compile(r"^[A-Za-z0-9_\-]+$")
_TOP_KEYS = {"version": True, "name": False, "description": False, "sides": False,
             "actors": True,
             "families": True, "labels": True, "label_ignore": False, "events": False,
             "reporting_verbs": False, "attribution": False, "frames": False}


def default_codebook_path() -> Path:
    """Path of the codebook shipped with framelab."""
    return DEFAULT_CODEBOOK


@dataclass(frozen=True)
class Side:
    """A side of the conflict (``id``, display ``name``, ``description``) grouping actors."""

    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Actor:
    """An actor: ``id`` (codebook key), display ``name``, stance ``target``, aliases and
    ``side`` (a :class:`Side` id, "" when the actor belongs to none)."""

    id: str
    name: str
    target: str
    aliases: tuple[Term, ...]
    side: str = ""


@dataclass(frozen=True)
class Label:
    """A canonical label with its family, terms, default actors and reasoning."""

    name: str
    family: str
    terms: tuple[Term, ...]
    applies_to: tuple[str, ...] = ()
    reasoning: str = ""


@dataclass(frozen=True)
class VerbClass:
    """A class of reporting verbs (``neutral``, ``distancing``, ``affirming``)."""

    name: str
    attributes: bool
    reasoning: str
    verbs: dict[str, tuple[Term, ...]]


@dataclass(frozen=True)
class Frame:
    """A generic news frame (Semetko & Valkenburg 2000) and its dictionary."""

    name: str
    description: str
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Attribution:
    """Compiled attribution cues used by :mod:`framelab.framing`."""

    label_cues: tuple[re.Pattern[str], ...] = ()
    sentence_cues: tuple[re.Pattern[str], ...] = ()
    max_gap_words: int = 6
    scare_quote_max_words: int = 4


# --- the codebook ------------------------------------------------------------------------

@dataclass(eq=False)
class Codebook:
    """A validated codebook. Build with :func:`load_codebook`.

    Attributes
    ----------
    version, name, description : str
    path : Path or None
        The YAML file it was read from.
    actors : dict of str to Actor
    sides : dict of str to Side
        Side id -> side; actors name theirs in ``Actor.side``.
    families : dict of str to str
        Family name -> reasoning.
    labels : dict of str to Label
    label_ignore : tuple of Term
    events : dict of str to tuple of Term
    verb_classes : dict of str to VerbClass
    frames : dict of str to Frame
    attribution : Attribution
    """

    version: str
    actors: dict[str, Actor]
    families: dict[str, str]
    labels: dict[str, Label]
    events: dict[str, tuple[Term, ...]]
    verb_classes: dict[str, VerbClass]
    frames: dict[str, Frame]
    attribution: Attribution
    label_ignore: tuple[Term, ...] = ()
    name: str = ""
    description: str = ""
    path: Path | None = None
    sides: dict[str, Side] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"Codebook(version={self.version!r}, actors={len(self.actors)}, "
                f"labels={len(self.labels)}, phrases={len(self.matcher)}, path={self.path})")

    def entries(self) -> list[tuple[str, str, Term]]:
        """Every phrase as ``(layer, key, Term)``, in codebook order."""
        out: list[tuple[str, str, Term]] = []
        for actor in self.actors.values():
            out += [("actor", actor.id, t) for t in actor.aliases]
        for label in self.labels.values():
            out += [("label", label.name, t) for t in label.terms]
        out += [("label", "", t) for t in self.label_ignore]
        for lemma, terms in self.events.items():
            out += [("event", lemma, t) for t in terms]
        for vc in self.verb_classes.values():
            for lemma, terms in vc.verbs.items():
                out += [("verb", lemma, t) for t in terms]
        for frame in self.frames.values():
            out += [(f"frame:{frame.name}", frame.name, t) for t in frame.terms]
        return out

    @cached_property
    def matcher(self) -> Matcher:
        """The one automaton of every phrase (built on first use)."""
        return Matcher(self.entries())

    def default_actor(self, label: str) -> str:
        """The actor a label applies to when nothing else says: its only default, else ""."""
        applies = self.labels[label].applies_to if label in self.labels else ()
        return applies[0] if len(applies) == 1 else ""

    def verb_class(self, lemma: str) -> str:
        """Class (``neutral``, ``distancing``, ...) of a reporting-verb lemma, "" if unknown."""
        for vc in self.verb_classes.values():
            if lemma in vc.verbs:
                return vc.name
        return ""

    def label_families(self) -> dict[str, str]:
        """Lower-case label term (spaces between words) -> family."""
        return {" ".join(t.text.lower().split()): lab.family
                for lab in self.labels.values() for t in lab.terms}

    def verb_families(self) -> dict[str, str]:
        """Lower-case reporting-verb form -> verb class."""
        return {" ".join(t.text.lower().split()): vc.name for vc in self.verb_classes.values()
                for terms in vc.verbs.values() for t in terms}

    def side_of(self, actor: str) -> str:
        """Side id of an actor id, "" for an actor without a side or an unknown id."""
        return self.actors[actor].side if actor in self.actors else ""

    def side_members(self) -> dict[str, list[str]]:
        """Side id -> ids of its actors, in codebook order (sides without actors included)."""
        out: dict[str, list[str]] = {side: [] for side in self.sides}
        for actor in self.actors.values():
            if actor.side:
                out[actor.side].append(actor.id)
        return out

    def targets(self) -> dict[str, list[str]]:
        """Stance target -> ids of the actors it groups, in codebook order."""
        out: dict[str, list[str]] = {}
        for actor in self.actors.values():
            out.setdefault(actor.target, []).append(actor.id)
        return out

    @property
    def mwes(self) -> tuple[str, ...]:
        """Multiword aliases and label terms, for :func:`framelab.tokens.tokenize`."""
        return self.multiword_terms(("actor", "label"))

    def multiword_terms(self, layers: Sequence[str] = ("actor",)) -> tuple[str, ...]:
        """Lower-case multiword phrases of the given layers (actor names by default)."""
        terms = [t for layer, _, t in self.entries() if layer in layers]
        return tuple(dict.fromkeys(t.text.lower() for t in terms
                                   if not t.prefix and " " in t.key))


# --- loading and validation --------------------------------------------------------------

def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


class _Doc:
    """Parsed YAML with the line of every key, and typed getters that fail with the line."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lines: dict[tuple, int] = {}
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            self.data = None if node is None else self._convert(loader, node, ())
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            raise CodebookError(f"{source}, line {mark.line + 1 if mark else 0}: not valid "
                                f"YAML: {err.problem or err.context}") from None
        finally:
            loader.dispose()

    def _convert(self, loader: yaml.SafeLoader, node: yaml.Node, path: tuple) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = loader.construct_object(key_node)
                if key in out:
                    self.fail(path + (key,), f"the key {key!r} is repeated (first on line "
                              f"{self.lines[path + (key,)]}); keep one",
                              line=key_node.start_mark.line + 1)
                out[key] = self._convert(loader, value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._convert(loader, n, path + (i,)) for i, n in enumerate(node.value)]
        return loader.construct_object(node)

    def line(self, path: tuple) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def fail(self, path: tuple, message: str, *, line: int | None = None) -> None:
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
        raise CodebookError(f"{self.source}, line {line or self.line(path)}: "
                            f"{where.lstrip('.') or '<top level>'}: {message}")

    def section(self, value: Any, path: tuple, fields: dict[str, bool], what: str) -> dict:
        """A non-empty mapping; with ``fields``, only those keys (True = required)."""
        if not isinstance(value, dict) or not value:
            self.fail(path, f"expected a non-empty mapping of {what}, got {_kind(value)}")
        for key in value if fields else ():
            if key not in fields:
                self.fail(path + (key,), f"unknown key {key!r}; allowed here: "
                          + ", ".join(sorted(fields)))
        for key in [k for k, required in fields.items() if required and k not in value]:
            self.fail(path, f"missing required key {key!r}")
        return value

    def string(self, value: Any, path: tuple, *, empty: bool = False) -> str:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (not empty and not value.strip()):
            self.fail(path, f"expected a {'' if empty else 'non-empty '}string, got "
                      f"{value!r} ({_kind(value)})")
        return value.strip()

    def flag(self, value: Any, path: tuple) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, got {value!r}")
        return value

    def terms(self, value: Any, path: tuple, *, allow_empty: bool = False) -> tuple[Term, ...]:
        if not isinstance(value, list) or (not value and not allow_empty):
            self.fail(path, f"expected a {'' if allow_empty else 'non-empty '}list of phrases, "
                      f"got {_kind(value)}")
        out = []
        for i, item in enumerate(value):
            p, cased = path + (i,), False
            if isinstance(item, dict):
                self.section(item, p, {"term": True, "case_sensitive": False}, "term")
                cased = self.flag(item.get("case_sensitive", False), p + ("case_sensitive",))
                item, p = item["term"], p + ("term",)
            text = self.string(item, p)
            core = text.removesuffix("*")
            if "*" in core or (text.endswith("*") and not _isword(core[-1:] or " ")):
                self.fail(p, f"{text!r}: '*' is allowed only once, at the end, after a letter")
            if not any(_isword(c) for c in core) or "-" in (core[0], core[-1]):
                self.fail(p, f"{text!r}: a phrase needs a letter or digit and may not start "
                          "or end with a hyphen")
            out.append(Term(text, cased, self.line(p)))
        return tuple(out)

    def grouped(self, value: Any, path: tuple, what: str) -> dict[str, tuple[Term, ...]]:
        """A mapping key -> list of phrases (events, a verb class's verbs)."""
        return {str(k): self.terms(v, path + (k,))
                for k, v in self.section(value, path, {}, what).items()}


def _parse(doc: _Doc, path: Path | None) -> Codebook:
    data = doc.section(doc.data, (), _TOP_KEYS, "codebook sections")
    actors, families, labels, verb_classes, frames = {}, {}, {}, {}, {}
    sides: dict[str, Side] = {}
    for sid, spec in (doc.section(data["sides"], ("sides",), {}, "side id -> side")
                      if "sides" in data else {}).items():
        p = ("sides", sid)
        if not isinstance(sid, str) or not _ID.match(sid):
            doc.fail(p, f"side id {sid!r}: use letters, digits, '_' or '-'")
        spec = doc.section(spec, p, {"name": False, "description": False}, "name, description")
        sides[sid] = Side(sid, doc.string(spec.get("name", sid), p + ("name",)),
                          doc.string(spec.get("description", ""), p + ("description",),
                                     empty=True))
    for aid, spec in doc.section(data["actors"], ("actors",), {}, "actor id -> actor").items():
        p = ("actors", aid)
        if not isinstance(aid, str) or not _ID.match(aid):
            doc.fail(p, f"actor id {aid!r}: use letters, digits, '_' or '-'")
        spec = doc.section(spec, p, {"name": False, "target": False, "aliases": True,
                                     "side": False, "description": False},
                           "name, target, side, aliases")
        name = doc.string(spec.get("name", aid), p + ("name",))
        side = doc.string(spec.get("side", ""), p + ("side",), empty=True)
        if side and side not in sides:
            doc.fail(p + ("side",), f"side {side!r} is not defined under 'sides' (defined: "
                     f"{', '.join(sides) or 'none; add a sides section'})")
        actors[aid] = Actor(aid, name, doc.string(spec.get("target", name), p + ("target",)),
                            doc.terms(spec["aliases"], p + ("aliases",)), side)
    for fam, spec in doc.section(data["families"], ("families",), {}, "families").items():
        spec = doc.section(spec, ("families", fam), {"reasoning": True}, "reasoning")
        families[str(fam)] = doc.string(spec["reasoning"], ("families", fam, "reasoning"))
    for lab, spec in doc.section(data["labels"], ("labels",), {}, "label -> definition").items():
        p = ("labels", lab)
        spec = doc.section(spec, p, {"family": True, "terms": True, "applies_to": False,
                                     "reasoning": False}, "family, terms, applies_to")
        family = doc.string(spec["family"], p + ("family",))
        if family not in families:
            doc.fail(p + ("family",), f"family {family!r} is not defined under 'families' "
                     f"(defined: {', '.join(families)})")
        applies = spec.get("applies_to", [])
        if not isinstance(applies, list):
            doc.fail(p + ("applies_to",), f"expected a list of actor ids, got {_kind(applies)}")
        for i, aid in enumerate(applies):
            if aid not in actors:
                doc.fail(p + ("applies_to", i), f"unknown actor {aid!r}; actors: "
                         + ", ".join(actors))
        labels[str(lab)] = Label(str(lab), family, doc.terms(spec["terms"], p + ("terms",)),
                                 tuple(applies), doc.string(spec.get("reasoning", ""),
                                                            p + ("reasoning",), empty=True))
    events = doc.grouped(data["events"], ("events",), "event -> phrases") \
        if "events" in data else {}
    for cls, spec in (data.get("reporting_verbs") or {}).items():
        p = ("reporting_verbs", cls)
        spec = doc.section(spec, p, {"attributes": False, "reasoning": False, "verbs": True},
                           "attributes, reasoning, verbs")
        verb_classes[str(cls)] = VerbClass(
            str(cls), doc.flag(spec.get("attributes", True), p + ("attributes",)),
            doc.string(spec.get("reasoning", ""), p + ("reasoning",), empty=True),
            doc.grouped(spec["verbs"], p + ("verbs",), "lemma -> forms"))
    for name, spec in (data.get("frames") or {}).items():
        p = ("frames", name)
        spec = doc.section(spec, p, {"description": False, "terms": True}, "description, terms")
        frames[str(name)] = Frame(str(name), doc.string(spec.get("description", ""),
                                                        p + ("description",), empty=True),
                                  doc.terms(spec["terms"], p + ("terms",)))
    codebook = Codebook(
        version=doc.string(data["version"], ("version",)), path=path,
        name=doc.string(data.get("name", ""), ("name",), empty=True),
        description=doc.string(data.get("description", ""), ("description",), empty=True),
        actors=actors, sides=sides, families=families, labels=labels,
        label_ignore=doc.terms(data.get("label_ignore", []), ("label_ignore",),
                               allow_empty=True),
        events=events, verb_classes=verb_classes, frames=frames,
        attribution=_attribution(doc, data.get("attribution") or {}))
    _check_unique(doc, codebook)
    return codebook


def _check_unique(doc: _Doc, codebook: Codebook) -> None:
    """A phrase may appear once per layer (an alias names one actor, a term one label)."""
    seen: dict[tuple[str, str], tuple[str, Term]] = {}
    for layer, owner, term in codebook.entries():
        owner = owner or "label_ignore"
        if (layer, term.key) in seen:
            first_owner, first = seen[(layer, term.key)]
            where = "the same key" if first_owner == owner else repr(first_owner)
            raise CodebookError(f"{doc.source}, line {term.line}: {layer} phrase {term.text!r} "
                                f"under {owner!r} is already listed under {where} (line "
                                f"{first.line}); each {layer} phrase may belong to one "
                                f"{layer} only")
        seen[(layer, term.key)] = (owner, term)


def _attribution(doc: _Doc, spec: Any) -> Attribution:
    p: tuple = ("attribution",)
    fields = {"label_cues": False, "sentence_cues": False, "max_gap_words": False,
              "scare_quote_max_words": False}
    spec = doc.section(spec, p, fields, "attribution rules") if spec else {}
    numbers = {}
    for key, default, low in (("max_gap_words", 6, 0), ("scare_quote_max_words", 4, 1)):
        value = spec.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            doc.fail(p + (key,), f"expected a whole number >= {low}, got {value!r}")
        numbers[key] = value
    cues: dict[str, tuple[re.Pattern[str], ...]] = {}
    for key in ("label_cues", "sentence_cues"):
        items = spec.get(key, [])
        if not isinstance(items, list):
            doc.fail(p + (key,), f"expected a list of regular expressions, got {_kind(items)}")
        compiled = []
        for i, item in enumerate(items):
            text = doc.string(item, p + (key, i))
            try:
                compiled.append(re.compile(text, re.IGNORECASE))
            except re.error as err:
                doc.fail(p + (key, i), f"{text!r} is not a valid regular expression ({err})")
        cues[key] = tuple(compiled)
    return Attribution(cues["label_cues"], cues["sentence_cues"], numbers["max_gap_words"],
                       numbers["scare_quote_max_words"])


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook (the shipped default when ``path`` is None or "").

    Raises
    ------
    CodebookError
        The file is missing, not YAML, or not shaped as documented in ``docs/codebook.md``;
        the message names the file, line, key and what is expected.
    """
    resolved = Path(path).expanduser() if path else default_codebook_path()
    return _load_cached(resolved.resolve())


@lru_cache(maxsize=8)
def _load_cached(path: Path) -> Codebook:
    if path.is_dir():
        raise CodebookError(f"codebook {path} is a folder; give a YAML file or leave "
                            "codebook empty for the shipped default")
    if not path.is_file():
        raise CodebookError(f"codebook {path} does not exist; give a YAML file or leave "
                            "codebook empty for the shipped default")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise CodebookError(f"codebook {path}: not UTF-8 text (byte {err.start} is "
                            f"{raw[err.start:err.start + 1]!r}); save the YAML file as UTF-8"
                            ) from None
    codebook = _parse(_Doc(text, str(path)), path)
    log.info("codebook %s version %s: %d actors, %d labels, %d phrases", path,
             codebook.version, len(codebook.actors), len(codebook.labels),
             len(codebook.entries()))
    return codebook


def codebook_from_text(text: str, *, source: str = "<codebook>") -> Codebook:
    """Validate a codebook given as YAML text (for tests and generated codebooks)."""
    return _parse(_Doc(text, source), None)


#: What an analysis accepts as its ``codebook`` argument: a codebook, a YAML path, or None
#: (or "") for the shipped default; :func:`resolve_codebook` turns it into a :class:`Codebook`.
CodebookArg = Union["Codebook", str, Path, None]


def resolve_codebook(codebook: CodebookArg = None) -> Codebook:
    """``codebook`` itself, or the codebook at a path, or the shipped default for None or "".

    What every analysis that takes a ``codebook`` argument calls first.
    """
    if codebook is None or isinstance(codebook, (str, Path)):
        return load_codebook(codebook or None)
    if not isinstance(codebook, Codebook):
        raise CodebookError(f"codebook={codebook!r}: give a Codebook, a YAML path or None "
                            "for the shipped default")
    return codebook
