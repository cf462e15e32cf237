"""Extract: event mentions from a parsed, analysed document, typed with PLOVER.

Triggers come from the PLOVER lexicon (``data/plover.toml``: verbs, event nouns, phrases,
support verbs, modes, as data with their sources); arguments come from the dependency
parse and are resolved to the analysis layer's entities, places, times and counts:

- ``actors``: the subject of an active trigger, the ``by``-agent of a passive one, the
  possessor or demonym of an event noun ("Iran's strikes", "Pakistani airstrikes"), the
  subject of a support verb ("Iran launched strikes"); conjuncts are followed.
- ``targets``: the object of an active trigger, the subject of a passive one, the object
  of "on"/"against" after a noun or verb.
- ``location``: a place in the trigger's own phrase, else the sentence's place.
- ``date``: a time expression in the sentence, else the day the narrative last named,
  else the publication date (``date_source`` says which).
- ``fatalities``/``injuries``: counts of people with a killed/injured predicate in the
  sentence, or in the next one when that one reports no event of its own.
- ``claimed_by``: the speaker of a reporting verb governing the trigger ("Iran said
  ...", "Iranian media reported ...") or the object of "according to".
- modality: ``negated``, ``future``/``hypothetical``, ``background`` (a date more than a
  month before publication).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the analysis package imports this one: its types are only annotations here
    from ..analyze.counts import Count
    from ..analyze.entities import Entity
    from ..analyze.places import Place
    from ..analyze.times import TimeMention

__all__ = ["EXTRACT_VERSION", "EventMention", "extract_events"]

EXTRACT_VERSION = "1"
# Which type a lemma listed under several types takes when the parse gives no other clue: the
# material conflict types first, since that is what a conflict corpus reports most.
_TYPE_ORDER = (
    "ASSAULT",
    "COERCE",
    "SANCTION",
    "MOBILIZE",
    "THREATEN",
    "PROTEST",
    "ACCUSE",
    "REJECT",
    "REQUEST",
    "RETREAT",
    "AID",
    "COOPERATE",
    "CONCEDE",
    "SUPPORT",
    "CONSULT",
    "AGREE",
)
_FUTURE_AUX = {"will", "shall", "'ll"}
_HYPOTHETICAL_AUX = {"would", "could", "might", "may", "should"}
_FUTURE_GOVERNORS = {"threaten", "plan", "vow", "warn", "intend", "promise", "pledge", "prepare", "aim", "seek", "want", "risk"}
_OUTCOMES = {"kill", "wound", "injure"}
_NOT_ACTORS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}
_VAGUE = {"people", "person", "one", "some", "others", "who", "which", "that", "it", "they", "what"}
_KILLED = {"killed"}
_INJURED = {"injured"}
BACKGROUND_AFTER = timedelta(days=30)
_PRECISION = {"day": 0, "week": 1, "month": 2, "season": 3, "quarter": 3, "year": 4}
_PAIR_NOUNS = frozenset(("country", "nation", "side", "government", "state", "neighbour", "neighbor", "capital"))
_LOCATIVE = frozenset(
    (
        "in",
        "at",
        "near",
        "inside",
        "outside",
        "across",
        "into",
        "around",
        "within",
        "throughout",
        "along",
        "over",
        "on",
        "onto",
        "off",
        "from",
    )
)
_REFERENCE = re.compile(r"\b(?:after|before)$", re.I)  # a time expression dating the event it introduces
# A heading: a short paragraph of its own that does not end like a sentence.
# A heading: a short line without closing punctuation that starts a paragraph, and either is a paragraph
# of its own or, shorter still, sits on the line just above its section's text ("Analysis\nAccording to")
_HEADING = re.compile(
    r"(?:^|(?<=\n\n))(?:"
    r"(?=[^\n]{1,80}(?:\n\n|$))(?:\S+[ \t]+){0,8}\S*[^.!?:;,\"”’'\s](?=\n\n|$)"
    r"|(?=[^\n]{1,60}\n[^\n])(?:\S+[ \t]+){0,5}\S*[^.!?:;,\"”’'\s](?=\n[^\n])"
    r")"
)


@dataclass(frozen=True, slots=True)
class EventMention:
    """One reported happening in one document, with its arguments, figures, source and modality."""

    start: int  # the trigger's span
    end: int
    text: str
    sentence: tuple[int, int]
    type: str
    mode: str | None
    actors: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    location: dict[str, Any] | None = None
    date_start: str | None = None
    date_end: str | None = None
    date_precision: str | None = None
    date_source: str | None = None  # stated, narrative, publication
    fatalities: dict[str, Any] | None = None
    injuries: dict[str, Any] | None = None
    claimed_by: str | None = None
    negated: bool = False
    future: bool = False
    hypothetical: bool = False
    background: bool = False
    contexts: list[str] = field(default_factory=list)  # PLOVER general contexts its sentence cues

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        d = asdict(self)
        d["sentence"] = list(self.sentence)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EventMention:
        """Rebuild a mention from :meth:`to_dict` output."""
        d = dict(d)
        d["sentence"] = tuple(d["sentence"])
        return cls(**d)


@dataclass(frozen=True, slots=True)
class _Lexicon:
    verbs: dict[str, str]
    nouns: dict[str, str]
    support: frozenset[str]
    fixes: dict[str, str]
    modes: tuple[tuple[str, str, frozenset[str], bool], ...]  # type, mode, cue lemmas, weak
    negation: frozenset[str]
    governors: tuple[tuple[frozenset[str], frozenset[str], str, str | None], ...]  # verbs, object nouns, type, mode
    decide: dict[str, tuple[str, tuple[tuple[str, str, frozenset[str]], ...]]]  # lemma -> default, (type, where, cue words)
    contexts: tuple[tuple[str, re.Pattern[str]], ...]  # PLOVER context -> its cue words as one pattern


@lru_cache(maxsize=1)
def _attribution() -> tuple[frozenset[str], frozenset[str]]:
    """Reporting verbs and source nouns (``data/attribution.toml``)."""
    data = tomllib.loads(resources.files(__package__).joinpath("data", "attribution.toml").read_text(encoding="utf-8"))
    return frozenset(data["reporting_verbs"]), frozenset(data["source_nouns"])


def _source(c: Any, idx: _Index) -> str | None:
    """The source a subject names: a medium or office as written ("Iranian state media"), else its entity."""
    if c.pos_ == "PRON":
        names = _names([c], idx)
        return names[0] if names else None
    if c.lemma_.lower() in _attribution()[1] or c.lower_ in _attribution()[1]:
        first = next(t for t in c.subtree if t.dep_ not in ("det", "punct") or t.i == c.i)
        return str(c.doc.text[first.idx : c.idx + len(c.text)])  # as written, from its first word to its head
    names = _names(_with_conjuncts(c), idx)
    return names[0] if names else str(c.doc[c.left_edge.i : c.right_edge.i + 1].text)


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    """The PLOVER trigger lexicon, read once."""
    data = tomllib.loads(resources.files(__package__).joinpath("data", "plover.toml").read_text(encoding="utf-8"))
    verbs: dict[str, str] = {}
    nouns: dict[str, str] = {}
    for name in _TYPE_ORDER:  # the first type listed for a lemma wins
        t = data["types"][name]
        for lemma in t.get("verbs", []):
            verbs.setdefault(lemma, name)
        for lemma in t.get("nouns", []):
            if " " not in lemma:
                nouns.setdefault(lemma, name)
    modes = tuple(
        (m["type"], m["mode"], frozenset(c for c in m["cues"] if " " not in c), bool(m.get("weak"))) for m in data.get("modes", [])
    )
    return _Lexicon(
        verbs=verbs,
        nouns=nouns,
        support=frozenset(data["support_verbs"]["lemmas"]),
        fixes=dict(data["support_verbs"].get("lemma_fixes", {})),
        modes=modes,
        negation=frozenset({"not", "never", "n't", "no"}),
        governors=tuple((frozenset(g["lemmas"]), frozenset(g["objects"]), g["type"], g.get("mode")) for g in data.get("governors", [])),
        contexts=tuple(
            (name, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(cues, key=len, reverse=True)) + r")s?\b", re.I))
            for name, cues in data["contexts"].get("cues", {}).items()
        ),
        decide={
            lemma: (entry["default"], tuple((c["type"], w, frozenset(c[w])) for c in entry["decide"] for w in _CUES if w in c))
            for lemma, entry in data.get("ambiguous", {}).items()
            if "decide" in entry
        },
    )


_CUES = ("subject", "object", "modifier", "governor")


def _decided(tok: Any, type_: str, lex: _Lexicon) -> str:
    """The type of a trigger the lexicon lists under several: its ``decide`` cues read off the parse ("go on strike": PROTEST)."""
    rule = lex.decide.get(_lemma(tok, lex))
    if rule is None:
        return type_
    default, cues = rule

    def words(toks: Any) -> set[str]:
        return {w for t in toks for w in (t.lemma_.lower(), t.lower_)}

    carrier = tok.head if tok.dep_ == "pobj" else tok
    governor = carrier.head if carrier.dep_ in ("dobj", "obj", "pobj", "prep") or tok.dep_ == "pobj" else None
    subjects = [c for c in tok.children if c.dep_ == "nsubj"] or (_subjects(governor) if governor is not None else [])
    objects = [g for c in tok.children if c.dep_ in ("dobj", "obj") for g in _with_conjuncts(c)]
    of = [
        g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj" for g in _with_conjuncts(p)
    ]
    found = {
        "subject": words(subjects) | words(c for s in subjects for c in s.children if c.dep_ == "compound"),
        "object": words(objects) | words(of),
        "modifier": words(c for c in tok.children if c.dep_ in ("amod", "compound")) | words(of),
        "governor": words([governor]) if governor is not None and governor.pos_ in ("VERB", "AUX") else set(),
    }
    for decided, where, cue in cues:
        if found[where] & cue:
            return decided
    return default


def _lemma(tok: Any, lex: _Lexicon) -> str:
    lemma = str(tok.lemma_).lower()
    return lex.fixes.get(lemma, lemma)


def _trigger(tok: Any, lex: _Lexicon) -> str | None:
    lemma = _lemma(tok, lex)
    if tok.pos_ == "VERB" and lemma in lex.verbs and lemma not in lex.support:
        return lex.verbs[lemma]
    if tok.pos_ in ("NOUN", "PROPN") and lemma in lex.nouns:
        return lex.nouns[lemma]
    return None


class _Index:
    """The analysis items of one document, found by character offset."""

    def __init__(self, entities: Sequence[Entity], places: Sequence[Place]) -> None:
        self.entities = sorted(entities, key=lambda e: e.start)
        self.places = sorted(places, key=lambda p: p.start)

    def entity(self, tok: Any) -> Entity | None:
        """The entity covering a token, or one inside the token's noun phrase."""
        for e in self.entities:
            if e.start <= tok.idx < e.end:
                return e
        # else one among its modifiers ("Pakistani jets", "Pakistan's air force"), not in what follows it
        left, right = tok.left_edge.idx, tok.idx + len(tok.text)
        # a religion or an ethnicity before a noun says what kind, not who ("a Sunni militant group" is not "Sunni")
        inside = [e for e in self.entities if left <= e.start and e.end <= right and not (e.label == "NORP" and not e.country)]
        return inside[-1] if inside else None

    def antecedent(self, tok: Any) -> Entity | None:
        """What a pronoun most likely refers to: the nearest name before it of a fitting kind.

        A deliberately simple rule (no coreference model ships with spaCy's small pipeline):
        "he"/"she" take the last person, "it"/"they" the last organisation, group or state.
        """
        person, group = ("PERSON",), ("ORG", "GPE", "GROUP")
        labels = {
            **dict.fromkeys(("he", "his", "she", "her"), person),
            **dict.fromkeys(("it", "its"), group),
            **dict.fromkeys(("they", "their"), (*group, "NORP")),
        }
        want = labels.get(tok.lower_)
        if want is None:
            return None
        # a subject pronoun in a clause under another verb is that verb's subject first ("Iran struck X,
        # asserting that it had targeted militants"): the centering rule that subjects stay in focus
        for verb in tok.ancestors:
            for c in verb.children:
                if c.dep_ == "nsubj" and c.i != tok.i and c.pos_ != "PRON":
                    e = self.entity(c)
                    if e is not None and e.label in want:
                        return e
        before = [e for e in self.entities if e.end <= tok.idx and e.label in want]
        return before[-1] if before else None

    def pair(self, tok: Any) -> list[Entity]:
        """ "both countries", "the two sides": the two states the text is most about among those named before, or none.

        A plural anaphor with "both" or "two" refers to two parties the text has named; in
        conflict news these are states (or their capitals and demonyms standing for them), and
        the two it names most, not a third one named in passing just before.
        """
        if tok.lemma_.lower() not in _PAIR_NOUNS or not any(c.lower_ in ("both", "two") for c in tok.children):
            return []
        states = [e for e in self.entities if e.country and e.kind in ("country", "demonym", "capital", "government")]
        before = [e for e in states if e.end <= tok.idx]
        # the two states the text names most (a passing "Iran-Iraq war" does not make Iraq one of the two), latest first on a tie
        counts = Counter(e.country for e in states)
        last = {e.country: n for n, e in enumerate(before)}
        pair = sorted(last, key=lambda k: (-counts[k], -last[k]))[:2]
        if len(pair) < 2:
            return []
        return [before[last[k]] for k in sorted(pair, key=lambda k: last[k])]

    def places_in(self, start: int, end: int) -> list[Place]:
        return [p for p in self.places if start <= p.start and p.end <= end]


def _name(e: Entity) -> str:
    # a demonym or a capital stands for its state: "Iranian strikes", "Islamabad said"
    if e.kind in ("demonym", "capital") and e.country:
        from ..analyze.entities import country_name  # the lexicon's country names
        from ..analyze.lexicon import lexicon as names

        return country_name(e.country, names()) or e.canonical
    return e.canonical


def _with_conjuncts(tok: Any) -> list[Any]:
    out = [tok]
    for c in tok.conjuncts:
        out.append(c)
    return out


def _args(tok: Any, idx: _Index, type_: str) -> tuple[list[str], list[str]]:
    """Actors and targets of a trigger, from its dependents (and its support verb's)."""
    actors: list[Any] = []
    targets: list[Any] = []
    modifiers: list[Any] = []  # "Pakistani airstrikes": only a name there says who acted, not "retaliatory" or "air"
    nested: list[str] = []
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)
    for c in tok.children:
        if c.dep_ == "nsubj" and c.pos_ == "NOUN" and _trigger(c, lexicon()) is not None:
            nested = _args(c, idx, type_)[0]  # "Pakistani strikes hit ...": who the event noun says acted
        elif c.dep_ == "nsubj":
            actors.extend(_with_conjuncts(c))
        elif c.dep_ == "nsubjpass":
            targets.extend(_with_conjuncts(c))
        elif c.dep_ == "agent":
            actors.extend(g for p in c.children if p.dep_ == "pobj" for g in _with_conjuncts(p))
        elif c.dep_ in ("dobj", "obj") and not passive:
            targets.extend(_with_conjuncts(c))
        elif c.dep_ == "poss":
            actors.extend(_with_conjuncts(c))
        elif c.dep_ in ("amod", "compound") and tok.pos_ == "NOUN" and not _place_word(c, idx):
            modifiers.extend(_with_conjuncts(c))
        elif c.dep_ == "prep" and c.lower_ in ("on", "against", "at", "into"):
            targets.extend(g for p in c.children if p.dep_ == "pobj" for g in _with_conjuncts(p))
        elif c.dep_ == "prep" and c.lower_ == "from" and lexicon().verbs.get(_lemma(tok, lexicon())) == "SANCTION":
            targets.extend(g for p in c.children if p.dep_ == "pobj" for g in _with_conjuncts(p))  # "recalled its envoy from X"
        elif c.dep_ == "prep" and c.lower_ == "by" and tok.pos_ == "NOUN":
            actors.extend(g for p in c.children if p.dep_ == "pobj" for g in _with_conjuncts(p))
    if lexicon().verbs.get(_lemma(tok, lexicon())) == "SANCTION":  # "recalled its ambassador from X": X is the target
        for obj in (c for c in tok.children if c.dep_ in ("dobj", "obj")):
            targets.extend(
                g for p in obj.children if p.dep_ == "prep" and p.lower_ == "from" for q in p.children for g in _with_conjuncts(q)
            )
    carrier = tok
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.dep_ in ("dobj", "obj"):
        carrier = tok.head.head  # "launched a series of strikes": the phrase the support verb takes
    if not actors and carrier.dep_ in ("dobj", "obj") and (_supported(carrier.head) or _governor(tok, lexicon()) is not None):
        actors.extend(_subjects(carrier.head))  # "Iran launched strikes": the support verb's subject acts
    if not actors and tok.pos_ == "VERB":  # "Iran struck and killed": the first conjunct's subject
        actors.extend(_subjects(tok))
    named_only = type_ in _participants()[1]
    # a modifier acts only as a state or an organisation: "Darfur killings", "Sunni militants" name a kind, not who
    modifiers = [t for t in modifiers if (e := idx.entity(t)) is None or e.label != "NORP" or e.country]
    found = _names(actors, idx) or _names(modifiers, idx, generic=False) or nested
    return found, _names(targets, idx, people=True, generic=not named_only)


@lru_cache(maxsize=1)
def _participants() -> tuple[frozenset[str], frozenset[str]]:
    """Head nouns of unnamed participants, and the types whose targets must be named (``data/participants.toml``)."""
    data = tomllib.loads(resources.files(__package__).joinpath("data", "participants.toml").read_text(encoding="utf-8"))
    return frozenset(data["groups"]), frozenset(data["named_targets_only"])


def _participant(tok: Any) -> bool:
    """Can this unnamed noun take part in an event: a kind of people or of group ("gunmen", "security forces")?"""
    from ..analyze.counts import people_category  # here: the analysis package imports this one

    word = tok.lemma_.lower()
    return bool(people_category(tok.text) or people_category(word) or word in _participants()[0] or tok.lower_ in _participants()[0])


def _place_word(tok: Any, idx: _Index) -> bool:
    """A town or province before an event noun says where, not who ("the Kerman bombings"); a state says who."""
    e = idx.entity(tok)
    return e is not None and e.label in ("GPE", "LOC") and e.kind not in ("country", "demonym", "government", "capital", "alias")


def _supported(verb: Any) -> bool:
    """Is this verb, or one it is coordinated with, a support verb ("launched", "carried out")?"""
    lex = lexicon()
    for _ in range(4):
        particle = " ".join(c.lower_ for c in verb.children if c.dep_ == "prt")  # "carried out", "stepped up"
        if _lemma(verb, lex) in lex.support or (particle and f"{_lemma(verb, lex)} {particle}" in lex.support):
            return True
        if verb.dep_ != "conj":
            return False
        verb = verb.head
    return False


def _subjects(verb: Any) -> list[Any]:
    """The subjects of a verb, or of the verb it is coordinated with."""
    for _ in range(4):
        subjects = [g for c in verb.children if c.dep_ == "nsubj" for g in _with_conjuncts(c)]
        if subjects or verb.dep_ != "conj":
            return subjects
        verb = verb.head
    return []


def _names(tokens: list[Any], idx: _Index, *, generic: bool = True, people: bool = False) -> list[str]:
    """Canonical names of the entities these tokens stand for; a noun phrase with no entity ("government forces") as written.

    Weapons are not participants ("warplanes and drones struck"), and when a named entity
    takes part, unnamed phrases beside it ("its ambassador") are left out.
    """
    named = _named(tokens, idx, people=people)
    if named or not generic:
        return named
    weapons = _weapon_lemmas()
    out: list[str] = []
    for t in tokens:
        if t.pos_ not in ("NOUN", "PROPN") or t.lower_ in _VAGUE or t.ent_type_ in _NOT_ACTORS or t.lemma_.lower() in weapons:
            continue
        if t.lemma_.lower() in lexicon().nouns or t.lower_ in lexicon().nouns:
            continue  # an event is not a participant: "condemned the attack"
        if people or _participant(t):
            mods = [m.text for m in t.lefts if m.dep_ in ("compound", "amod")]
            name = " ".join([*mods, t.text])
            if name not in out:
                out.append(name)
    return out


@lru_cache(maxsize=1)
def _weapon_lemmas() -> frozenset[str]:
    from ..analyze.counts import people_category  # here: the analysis package imports this one

    # a mode's cues name weapons, and people who use them ("gunman"): only the weapons are not participants
    return frozenset(c for t, _m, cues, _w in lexicon().modes if t == "ASSAULT" for c in cues if not people_category(c))


def _named(tokens: list[Any], idx: _Index, *, people: bool = False) -> list[str]:
    from ..analyze.counts import people_category  # here: the analysis package imports this one

    out: list[str] = []
    for t in tokens:
        for state in idx.pair(t):  # "both countries agreed"
            if _name(state) not in out:
                out.append(_name(state))
        e = idx.antecedent(t) if t.pos_ == "PRON" else idx.entity(t)
        if e is not None and e.label in ("PERSON", "ORG", "GPE", "NORP", "GROUP", "LOC"):
            name = _name(e)
            if people and e.kind == "demonym" and e.end <= t.idx and people_category(t.text):
                name = f"{e.text} {t.text}"  # victims as the text names them: "Pakistani labourers", not Pakistan
            if name not in out:
                out.append(name)
    return out


def _governed(found: list[tuple[Any, str]], sent: Any, lex: _Lexicon) -> tuple[list[tuple[Any, str]], set[int]]:
    """Apply the lexicon's governor rules: a verb whose object changes what happened.

    An event noun takes the governor's type ("lifted the curfew": CONCEDE) and the verb is
    not an event of its own; a verb governing a non-event object the rule names ("closed
    its embassy": SANCTION) becomes the trigger itself.
    """
    out: list[tuple[Any, str]] = []
    governing: set[int] = set()
    triggers = {t.i for t, _ in found}
    for tok, type_ in found:
        rule = _governor(tok, lex)
        if rule is not None:
            type_ = rule[0]
            governing.add(rule[1].i)
        out.append((tok, type_))
    for tok in sent:
        if tok.i in triggers or tok.pos_ not in ("NOUN", "PROPN"):
            continue
        rule = _governor(tok, lex)
        if rule is not None and rule[1].i not in triggers and rule[1].i not in governing:
            out.append((rule[1], rule[0]))
    return out, governing


def _governor(tok: Any, lex: _Lexicon) -> tuple[str, Any] | None:
    """The type a governing verb gives this noun, with the verb, if a governor rule applies."""
    if tok.dep_ not in ("dobj", "obj", "nsubjpass"):
        return None
    verb = tok.head
    for verbs, objects, new_type, _mode_name in lex.governors:
        if _lemma(verb, lex) in verbs and _lemma(tok, lex) in objects:
            return new_type, verb
    return None


def _mode(tok: Any, sent: Any, type_: str, lex: _Lexicon) -> str | None:
    own = {_lemma(t, lex) for t in tok.subtree} | {_lemma(tok, lex)}
    around = {_lemma(t, lex) for t in sent}
    for t, mode, cues, _weak in lex.modes:
        if t == type_ and cues & own:
            return mode
    for t, mode, cues, weak in lex.modes:
        if t == type_ and not weak and cues & around:
            return mode
    return None


def _modality(tok: Any, lex: _Lexicon) -> tuple[bool, bool, bool]:
    """negated, future, hypothetical: from the trigger's own auxiliaries and the verbs above it."""
    negated = future = hypothetical = False
    node = tok
    for _ in range(4):
        for c in node.children:
            if c.dep_ == "neg" or (c.lower_ in lex.negation and c.dep_ in ("neg", "det")):
                negated = True
            if c.dep_ == "aux" and c.lower_ in _FUTURE_AUX:
                future = True
            if c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL_AUX:
                hypothetical = True
        if node.head.i == node.i:
            break
        node = node.head
        if node.lemma_.lower() in _FUTURE_GOVERNORS:
            future = True
        if node.lemma_.lower() == "deny":
            negated = True
        if node.lemma_.lower() in _attribution()[0]:
            break
    return negated, future, hypothetical


def _speaker(tok: Any, sent: Any, idx: _Index) -> str | None:
    """Who the document says this comes from: the subject of a reporting verb above the trigger, or "according to X"."""
    reporting = _attribution()[0]
    node = tok
    while node.head.i != node.i:
        node = node.head
        if node.pos_ == "VERB" and node.lemma_.lower() in reporting:
            # "X condemned the strikes and stated that ...": a coordinated verb shares its subject
            subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")] or _subjects(node)
            if subjects:
                return _source(subjects[0], idx)
    for t in sent:
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            for p in t.doc[t.i + 1].children:
                if p.dep_ == "pobj":
                    return _source(p, idx)
    # "..., X said": a reporting verb that is the sentence's root, with the trigger in its clause
    root = sent.root
    if root.lemma_.lower() in reporting and root.i != tok.i:
        for c in root.children:
            if c.dep_ == "nsubj":
                return _source(c, idx)
    return None


def _figure(counts: Sequence[Count], want: set[str]) -> dict[str, Any] | None:
    for c in counts:
        if c.predicate in want and c.is_people and c.value is not None and c.included_in is None:
            return {
                "value": c.value,
                "low": c.low,
                "high": c.high,
                "qualifier": c.qualifier,
                "start": c.start,
                "end": c.end,
                "quote": c.text,
            }
    return None


def _past_perfect(tok: Any, sentence: tuple[int, int]) -> bool:
    """Is the trigger (or the verb that carries an event noun) in the past perfect: "had struck", "had carried out attacks"?

    The past perfect puts an event before the time the narrative is at (Reichenbach's
    E < R), so it does not take the narrative's day; except in reported speech, where it is
    only the backshift of a simple past ("Iran said nine people had been killed").
    """
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head if tok.dep_ in ("dobj", "obj", "nsubjpass") else None
    if verb is None or verb.tag_ != "VBN" or not any(c.dep_ == "aux" and c.lower_ in ("had", "'d") for c in verb.children):
        return False
    # within the sentence: the parser may run on across a paragraph break the sentencizer kept
    return not any(a.lemma_.lower() in _attribution()[0] and sentence[0] <= a.idx < sentence[1] for a in verb.ancestors)


_RECORD = frozenset({"previously", "repeatedly", "frequently", "often", "regularly", "long", "before", "earlier"})


def _characterising(tok: Any) -> bool:
    """Is the trigger a present perfect that describes rather than reports: "a group that has conducted attacks",
    "has previously been involved in attacking", "groups have been carrying out attacks"?

    A present perfect in a relative clause or with "previously", "repeatedly"... characterises
    the one it is about (its record, not news), and a perfect progressive tells of a run of
    events, not one: none of them happened on the narrative's day. A present perfect in a main clause ("Iran has struck Pakistan") is
    news of the day and is not matched.
    """
    node = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    for _ in range(3):  # up through "involved in attacking", "carrying out attacks"
        if node.pos_ in ("VERB", "AUX"):
            aux = {c.lower_ for c in node.children if c.dep_ in ("aux", "auxpass")}
            perfect = bool(aux & {"has", "have", "'ve", "'s"})
            record = any(c.dep_ == "advmod" and c.lower_ in _RECORD for c in node.children)  # "has previously attacked"
            if perfect and (node.dep_ == "relcl" or record or (node.tag_ == "VBG" and "been" in aux)):
                return True
            if perfect or node.dep_ not in ("pcomp", "xcomp", "prep", "pobj"):
                return False
        if node.head.i == node.i:
            return False
        node = node.head
    return False


def _bound(parsed: Any, start: int) -> bool:
    """Is the time at ``start`` a bound ("since 1988", "until March"), not when something happened?"""
    span = parsed.char_span(start, start + 1, alignment_mode="expand")
    return span is not None and any(a.lower_ in ("since", "until", "till") for a in span.root.ancestors if a.dep_ == "prep")


def _locative(parsed: Any, start: int) -> bool:
    """Is the name at ``start`` where something happens: the object of "in", "near", "at"... (or a name inside one)?"""
    span = parsed.char_span(start, start + 1, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    for _ in range(4):  # up through the name's own words ("Sistan and Baluchestan province", "the city of Quetta")
        if tok.dep_ == "pobj":
            return tok.head.lower_ in _LOCATIVE or (tok.head.lower_ == "of" and tok.head.head.dep_ == "pobj")
        if tok.dep_ not in ("compound", "amod", "conj", "appos", "nmod", "poss", "cc") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _sourced(fig: dict[str, Any] | None, parsed: Any, idx: _Index, default: str | None) -> dict[str, Any] | None:
    """A figure with its own source: "condemned the strikes and stated that nine had been killed" cites the one who stated it."""
    if fig is None:
        return None
    span = parsed.char_span(fig["start"], fig["end"], alignment_mode="expand")
    if span is not None:
        own = _speaker(span.root, span.root.sent, idx)
        if own is not None:
            return fig | {"claimed_by": own}
    return fig | {"claimed_by": default}


def _continued(mention: EventMention, counts: Sequence[Count], speaker: str | None) -> EventMention:
    """The previous mention with the figures a following sentence gives it, each figure with its own source."""
    from dataclasses import replace

    fatalities = _figure(counts, _KILLED)
    injuries = _figure(counts, _INJURED)
    for fig in (fatalities, injuries):
        if fig is not None:
            fig["claimed_by"] = speaker
    return replace(mention, fatalities=fatalities or mention.fatalities, injuries=injuries or mention.injuries)


def extract_events(
    parsed: Any,
    *,
    entities: Sequence[Entity],
    places: Sequence[Place],
    times: Sequence[TimeMention],
    counts: Sequence[Count],
    published: date | None,
    sentences: Sequence[tuple[int, int]] = (),
) -> list[EventMention]:
    """Return the event mentions of one parsed document, resolved against its analysis."""
    lex = lexicon()
    idx = _Index(entities, places)
    days = sorted((t for t in times if t.date_start is not None), key=lambda t: t.start)
    out: list[EventMention] = []
    # the analysis's sentences (the parser's, split at line breaks), so that a heading is a sentence of its own
    sents = [parsed.char_span(a, b, alignment_mode="expand") for a, b in sentences] if sentences else list(parsed.sents)
    sents = [x for x in sents if x is not None]
    text = parsed.text  # spaCy builds Doc.text anew on every access: once here
    spans = [(m.start(), m.end()) for m in _HEADING.finditer(text)]
    headings = [a for a, _ in spans]
    for si, sent in enumerate(sents):
        s0, s1 = sent.start_char, sent.end_char
        if any(a <= s0 and s1 <= b for a, b in spans) and not any(t.pos_ in ("VERB", "AUX") for t in sent):
            continue  # a heading without a verb names a topic ("2024 border killings", "Past attacks"), it reports nothing
        found = []
        for tok in sent:
            type_ = _trigger(tok, lex)
            if type_ is None:
                continue
            type_ = _decided(tok, type_, lex)
            if tok.pos_ == "NOUN" and tok.head.pos_ == "NOUN" and tok.dep_ == "compound":
                continue  # "strike aircraft": the head noun is what the phrase is about
            if tok.ent_type_ in ("DATE", "TIME") or any(t.start <= tok.idx < t.end for t in times):
                continue  # "in March" is a month, not a march
            found.append((tok, type_))
        # "Retaliatory strikes hit the village": the event noun and the verb it is the subject of are one happening
        verbs = {t.i: y for t, y in found if t.pos_ in ("VERB", "AUX") and _lemma(t, lex) not in _OUTCOMES}  # "bombings killed": the noun
        found = [(t, y) for t, y in found if not (t.pos_ == "NOUN" and t.dep_ == "nsubj" and verbs.get(t.head.i) == y)]
        triggers = {t.i for t, _ in found}
        # places inside a subject describe who acts ("Hezbollah in Lebanon"), not where the event is
        subjects = [(t.left_edge.idx, t.right_edge.idx + len(t.right_edge)) for t in sent if t.dep_ == "nsubj"]
        found, governing = _governed(found, sent, lex)
        for tok, type_ in found:
            if tok.i in governing:
                continue  # "lifted": its object says what happened ("lifted the curfew")
            if _lemma(tok, lex) in _OUTCOMES and (
                any(a.i in triggers for a in tok.ancestors)
                or any(c.dep_ == "nsubj" and c.i in triggers for c in tok.children)
                or (tok.dep_ in ("advcl", "xcomp", "conj") and any(t.i < tok.i and y == "ASSAULT" for t, y in found))
            ):
                continue  # "strikes ..., killing two": the outcome of the attack, not another one
            actors, targets = _args(tok, idx, type_)
            if (
                _lemma(tok, lex) in _OUTCOMES
                and not actors
                and out
                and out[-1].type == "ASSAULT"
                and len(found) == 1
                and not any(out[-1].sentence[0] <= h < s0 for h in headings)  # a new section is a new story
                and not any(s0 <= t.start < s1 and str(t.date_start) != out[-1].date_start for t in days)  # nor another day
            ):
                # "... struck back. Iranian media reported that seven had been killed": the same attack's toll
                out[-1] = _continued(out[-1], [c for c in counts if s0 <= c.start < s1], _speaker(tok, sent, idx))
                continue
            negated, future, hypothetical = _modality(tok, lex)
            # a place in the trigger's own phrase, else one the sentence gives as where ("in X", "near Y"); never
            # one inside another event's phrase ("after airstrikes in Iraq, Iran targeted ...") and, for a statement,
            # never its addressee ("accused Israel" names no place)
            others = [
                (t.left_edge.idx, t.right_edge.idx + len(t.right_edge))
                for t, _ in found
                if t.i != tok.i and t.i not in governing and _lemma(t, lex) not in _OUTCOMES and t not in tok.conjuncts
            ]
            verbal = type_ in _participants()[1] and type_ != "CONSULT"  # a visit is where it is: "visited Pakistan"
            phrase = [
                p
                for p in idx.places_in(tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge))
                if not any(a <= p.start < b and not (a <= tok.idx < b) for a, b in others) and (not verbal or _locative(parsed, p.start))
            ]
            around = [
                p
                for p in idx.places_in(s0, s1)
                if _locative(parsed, p.start) and not any(a <= p.start < b and not (a <= tok.idx < b) for a, b in others)
            ]
            own = [p for p in (phrase or around) if not any(a <= p.start < b for a, b in subjects)]
            place = next((p for p in own if p.country and p.text not in actors), None)
            # "X, two days after Y": the offset dates Y, which comes after it, not X before it
            stated = [
                t
                for t in days
                if s0 <= t.start < s1
                and not (_REFERENCE.search(t.text) and tok.idx < t.start)
                and not _bound(parsed, t.start)
                and not any(a <= t.start < b and not (a <= tok.idx < b) for a, b in others)
            ]
            # the narrative's day carries over until a section heading starts another part of the story
            before = [
                t
                for t in days
                if t.start < s0
                and t.precision == "day"
                and not _REFERENCE.search(t.text)
                and not any(t.end <= h < tok.idx for h in headings)
            ]
            source: str | None
            anterior = _past_perfect(tok, (s0, s1)) or _characterising(tok)
            if stated:
                # the most precise, then the nearest: "two weeks ago ... on 3 January" is the 3rd
                when, source = min(stated, key=lambda t: (_PRECISION.get(t.precision or "", 9), abs(t.start - tok.idx))), "stated"
            elif before and not anterior:
                when, source = before[-1], "narrative"
            else:
                # "had carried out attacks": before the story's time, so neither its day nor the publication's
                when, source = None, "publication" if published and not anterior else None
            start_day = when.date_start if when else None if anterior else published
            end_day = when.date_end if when else None if anterior else published
            speaker = _speaker(tok, sent, idx)
            sent_counts = [c for c in counts if s0 <= c.start < s1]
            nxt = sents[si + 1] if si + 1 < len(sents) else None
            if type_ == "ASSAULT" and nxt is not None and not any(_trigger(t, lex) == "ASSAULT" for t in nxt):
                sent_counts += [c for c in counts if nxt.start_char <= c.start < nxt.end_char]
            out.append(
                EventMention(
                    start=tok.idx,
                    end=tok.idx + len(tok.text),
                    text=tok.text,
                    sentence=(s0, s1),
                    type=type_,
                    mode=_mode(tok, sent, type_, lex),
                    actors=actors,
                    targets=targets,
                    location=place.to_dict() if place else None,
                    date_start=start_day.isoformat() if start_day else None,
                    date_end=end_day.isoformat() if end_day else None,
                    date_precision=(when.precision if when else "day") if start_day else None,
                    date_source=source,
                    fatalities=_sourced(_figure(sent_counts, _KILLED), parsed, idx, speaker) if type_ == "ASSAULT" else None,
                    injuries=_sourced(_figure(sent_counts, _INJURED), parsed, idx, speaker) if type_ == "ASSAULT" else None,
                    claimed_by=speaker,
                    negated=negated,
                    future=future,
                    hypothetical=hypothetical,
                    background=bool(published and start_day and start_day < published - BACKGROUND_AFTER),
                    contexts=[name for name, cue in lex.contexts if cue.search(text, s0, s1)],
                )
            )
    return out
