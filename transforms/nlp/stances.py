"""Stance triples (holder FOR/AGAINST target) from a parsed story, by rules over spaCy's dependency parse.

Precision first: a cue yields a triple only when its holder maps to a story entity and its target is a
concrete noun phrase or entity. Policy for negation and modality (see `_Scope`):
- negated cue ("did not oppose", "did not back") -> no triple, because not opposing is not favouring;
  two exceptions, where rejection is what the negation says, give the opposite label at reduced confidence:
  the small `negation_flips` lexicon class ("would not accept X", "cannot sign X"), and support refused
  ("will not back X", "refused to support X": a modal or refuse/decline governing a negated FAVOR cue);
- epistemic hedge ("may reject", "could back") and hypothetical clauses ("if", "whether") -> no triple;
- would/will -> triple at slightly reduced confidence (a stated intention is a stance);
- must/should/ought/need to/have to -> triple only with a first-person holder ("we must reject X"):
  "Germany should back X" or "X must be approved by parliament" is a demand on the holder, not its stance;
- "did not take a position on X", "remained neutral on X", "abstained on X" -> NEUTRAL.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy
from spacy.attrs import IS_ALPHA, IS_UPPER, LEMMA, LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc, Token

from wirestream.transforms.nlp.entities import Referent
from wirestream.transforms.wire.data import NLP_DATA, json_data
from wirestream.transforms.wire.record import Entity, Stance

FAVOR, AGAINST, NEUTRAL = "FAVOR", "AGAINST", "NEUTRAL"
HOLDER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
WH_WORDS = frozenset({"that", "which", "who", "whom", "what"})
FIRST_PERSON = frozenset({"we", "i", "us", "me", "our", "my"})
PRONOUN_CLASSES = {
    "he": frozenset({"PERSON"}), "she": frozenset({"PERSON"}), "his": frozenset({"PERSON"}),
    "her": frozenset({"PERSON"}), "it": frozenset({"ORG", "GPE", "NORP"}), "its": frozenset({"ORG", "GPE", "NORP"}),
}
PLURAL_PRONOUNS = frozenset({"they", "their"})  # resolved only syntactically: too often non-entity groups
SUBJECT_DEPS = ("nsubj", "nsubjpass")
TARGET_PREPS = frozenset({"of", "on", "for", "against", "over"})
NP_LEFT_DEPS = frozenset({"compound", "amod", "nmod", "nummod", "npadvmod"})
NP_DROP_DEPS = frozenset({"det", "poss", "case", "predet", "cc", "conj", "prep", "relcl", "acl", "appos"})
SENTENCE_END = frozenset({".", "!", "?"})
QUOTE_MARKS = re.compile("[\"“”'‘’]")
MAX_TARGET_TOKENS = 9
STOPWORDS = frozenset("a an the of to in on for and or by with from at as its their his her this that these those "
                      "any all some new".split())


@dataclass(frozen=True)
class StanceLexicon:
    """The stance lexicon (transforms/nlp/data/stance_lexicon.json), so wording changes need no code change."""

    verbs: dict[str, str]
    verb_weights: dict[str, float]
    no_place_target: frozenset[str]
    verb_preps: dict[str, dict[str, str]]  # preposition -> governing verb lemma -> label
    nouns: dict[str, tuple[str, frozenset[str]]]
    in_phrases: dict[str, str]
    light_verbs: frozenset[str]
    adjectives: dict[str, tuple[str, frozenset[str]]]
    neutral_adjectives: dict[str, frozenset[str]]
    neutral_verbs: dict[str, frozenset[str]]
    position_nouns: frozenset[str]
    position_verbs: frozenset[str]
    negation_flips: dict[str, str]
    negating_governors: frozenset[str]
    refusal_governors: frozenset[str]
    refusal_modals: frozenset[str]
    hedges: frozenset[str]
    intensifiers: frozenset[str]
    weak_modals: frozenset[str]
    deontic_modals: frozenset[str]
    deontic_governors: frozenset[str]
    hypothetical_marks: frozenset[str]
    request_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    report_verbs: frozenset[str]
    holder_roles: frozenset[str]
    adjudicators: frozenset[str]
    legal_filings: frozenset[str]
    violence_context: frozenset[str]
    group_nouns: frozenset[str]
    description_nouns: frozenset[str]
    acquiring_verbs: frozenset[str]
    cue_lemmas: frozenset[int] = field(init=False, repr=False)  # hashes of every lemma that can start a cue
    cue_lowers: frozenset[int] = field(init=False, repr=False)  # ... and of every lower-cased form
    speech_lemmas: frozenset[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Hash sets, so that a story's cue candidates are found in the Doc's attribute arrays, without a
        Token object per token: only tokens these match can yield a cue in `_cues`."""
        lemmas = (self.verbs.keys() | self.negation_flips.keys() | self.nouns.keys() | self.in_phrases.keys()
                  | self.neutral_verbs.keys() | self.position_nouns)
        lowers = self.adjectives.keys() | self.verb_preps.keys() | self.neutral_adjectives.keys()
        object.__setattr__(self, "cue_lemmas", _hashes(lemmas))
        object.__setattr__(self, "cue_lowers", _hashes(lowers))
        object.__setattr__(self, "speech_lemmas", _hashes(self.speech_verbs))


def _hashes(words) -> frozenset[int]:
    return frozenset(hash_string(w) for w in words)


@lru_cache(maxsize=1)
def load_lexicon() -> StanceLexicon:
    """Reads the lexicon once per process (workers call this for every story)."""
    raw = json_data(NLP_DATA, "stance_lexicon.json")

    def cues(table: dict) -> dict[str, tuple[str, frozenset[str]]]:
        return {k: (v["label"], frozenset(v["preps"])) for k, v in table.items()}

    def labels_by_head(entries: dict | list) -> dict[str, str]:
        return {head: e["label"] for e in (entries if isinstance(entries, list) else [entries]) for head in e["heads"]}

    neutral = raw["neutral"]
    return StanceLexicon(
        verbs={lemma: label for label, lemmas in raw["verbs"].items() for lemma in lemmas},
        verb_weights=dict(raw["verb_weights"]),
        no_place_target=frozenset(raw["no_place_target"]),
        verb_preps={p: labels_by_head(v) for p, v in raw["verb_preps"].items()},
        nouns=cues(raw["nouns"]),
        in_phrases=dict(raw["in_phrases"]),
        light_verbs=frozenset(raw["light_verbs"]),
        adjectives=cues(raw["adjectives"]),
        neutral_adjectives={k: frozenset(v) for k, v in neutral["adjectives"].items()},
        neutral_verbs={k: frozenset(v) for k, v in neutral["verbs"].items()},
        position_nouns=frozenset(neutral["position_nouns"]),
        position_verbs=frozenset(neutral["position_verbs"]),
        negation_flips=dict(raw["negation_flips"]),
        negating_governors=frozenset(raw["negating_governors"]),
        refusal_governors=frozenset(raw["refusal_governors"]),
        refusal_modals=frozenset(raw["refusal_modals"]),
        hedges=frozenset(raw["hedges"]),
        intensifiers=frozenset(raw["intensifiers"]),
        weak_modals=frozenset(raw["weak_modals"]),
        deontic_modals=frozenset(raw["deontic_modals"]),
        deontic_governors=frozenset(raw["deontic_governors"]),
        hypothetical_marks=frozenset(raw["hypothetical_marks"]),
        request_verbs=frozenset(raw["request_verbs"]),
        speech_verbs=frozenset(raw["speech_verbs"]),
        report_verbs=frozenset(raw["report_verbs"]),
        holder_roles=frozenset(raw["holder_roles"]),
        adjudicators=frozenset(raw["adjudicators"]),
        legal_filings=frozenset(raw["legal_filings"]),
        violence_context=frozenset(raw["violence_context"]),
        group_nouns=frozenset(raw["group_nouns"]),
        description_nouns=frozenset(raw["description_nouns"]),
        acquiring_verbs=frozenset(raw["acquiring_verbs"]),
    )


@dataclass
class _Cue:
    """A stance predicate found in the parse: `scope` carries the clause (subject, negation, modality)."""

    label: str
    weight: float
    scope: Token
    targets: list[Token]
    holders: list[Token] | None = None  # explicit holders (agent, possessor); None: the scope's subject
    lemma: str = ""
    neutral_if_negated: bool = False
    evidence_tok: Token | None = None


@dataclass
class _Scope:
    """Negation and modality of a cue's clause, gathered up its chain of governing clauses."""

    negated: bool = False
    refusal: bool = False  # the negation refuses: "will not", "refused to"
    blocked: bool = False  # hedge, hypothesis, or a negated reporting clause: no triple
    deontic: bool = False  # must/should/ought/need to/have to: an obligation, a stance only in the first person
    factor: float = 1.0


@dataclass
class _Quote:
    start: int
    end: int
    para: int
    speaker: Entity | None = None
    resolved: bool = False


@dataclass
class _Story:
    """Per-Doc indexes (entities by token, quotes, paragraphs) so each rule is a lookup, not a scan."""

    doc: Doc
    lex: StanceLexicon
    text: str = ""
    ent_of: dict[int, Entity] = field(default_factory=dict)
    quotes: list[_Quote] = field(default_factory=list)
    quote_starts: list[int] = field(default_factory=list)
    para_starts: list[int] = field(default_factory=list)
    subject_mentions: list[tuple[int, Entity]] = field(default_factory=list)
    speech_by_para: dict[int, list[Token]] = field(default_factory=dict)
    dateline: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, doc: Doc, referents: list[Referent], lex: StanceLexicon) -> _Story:
        story = cls(doc, lex)
        for ent, spans in referents:
            for span in spans:
                if span.doc is doc:
                    for i in range(span.start, span.end):
                        story.ent_of.setdefault(i, ent)
        text = story.text = doc.text
        story.para_starts = [0] + [m.end() for m in re.finditer(r"\n\s*\n", text)]
        story.quotes = _find_quotes(text, story.para_starts)
        story.quote_starts = [q.start for q in story.quotes]
        story.dateline = _dateline_tokens(doc)
        for i in sorted(story.ent_of):
            tok, ent = doc[i], story.ent_of[i]
            if ent.label in HOLDER_LABELS and story.quote_of(tok) is None and _is_subject_mention(tok):
                story.subject_mentions.append((i, ent))
        lemmas = doc.to_array(LEMMA).tolist() if len(doc) else []
        for i in [i for i, lemma in enumerate(lemmas) if lemma in lex.speech_lemmas]:
            tok = doc[i]
            if tok.pos_ == "VERB" and story.quote_of(tok) is None:
                story.speech_by_para.setdefault(story.para_of(tok.idx), []).append(tok)
        return story

    def same_para(self, a: Token, b: Token) -> bool:
        return self.para_of(a.idx) == self.para_of(b.idx)

    def para_of(self, char: int) -> int:
        return bisect.bisect_right(self.para_starts, char) - 1

    def quote_of(self, tok: Token) -> _Quote | None:
        i = bisect.bisect_right(self.quote_starts, tok.idx) - 1
        if i >= 0 and self.quotes[i].start <= tok.idx < self.quotes[i].end:
            return self.quotes[i]
        return None


def _find_quotes(text: str, para_starts: list[int]) -> list[_Quote]:
    """Quoted stretches per paragraph: straight or curly double quotes, and single quotes used as quotes.

    An unclosed quote ends with its paragraph (wire style reopens quotes in each paragraph)."""
    quotes: list[_Quote] = []
    bounds = para_starts + [len(text)]
    for para, (lo, hi) in enumerate(zip(bounds, bounds[1:])):
        open_at: int | None = None
        single = False
        for mark in QUOTE_MARKS.finditer(text, lo, hi):
            i, c = mark.start(), mark.group()
            prev = text[i - 1] if i > lo else " "
            nxt = text[i + 1] if i + 1 < hi else " "
            if open_at is None:
                if c in "\"“":
                    open_at, single = i, False
                elif c in "'‘" and (prev.isspace() or prev in "(—-") and nxt.isalnum():
                    open_at, single = i, True
            elif not single and c in "\"”":
                quotes.append(_Quote(open_at, i + 1, para))
                open_at = None
            elif single and c in "'’" and prev in ",.!?…" and (nxt.isspace() or nxt in ",.;:)"):
                quotes.append(_Quote(open_at, i + 1, para))
                open_at = None
        if open_at is not None:
            quotes.append(_Quote(open_at, hi, para))
    return quotes


def _dateline_tokens(doc: Doc) -> set[int]:
    """Tokens of a paragraph-initial dateline ("NAIROBI, Kenya (AFP) -"): the parser often makes the
    city the subject of the first sentence, and a dateline never holds a stance."""
    found: set[int] = set()
    if not len(doc):
        return found
    for i in numpy.flatnonzero(doc.to_array(IS_UPPER) & doc.to_array(IS_ALPHA)):
        tok = doc[int(i)]
        before = doc[tok.i - 1] if tok.i else None
        if len(tok) < 2 or (before is not None and "\n" not in before.text and "\n" not in before.whitespace_):
            continue
        window = doc[tok.i:tok.i + 14]
        end = next((t.i for t in window if t.text in ("-", "--", "–", "—") or t.text.endswith("/.")), None)
        head = [t for t in window if t.i < end] if end is not None else []
        if end is not None and (any(t.text == "," for t in head) or (  # "PARIS (AFP) -": no comma, but only
                any(t.text == "(" for t in head)                       # names before the agency's bracket
                and not any(t.is_space or "\n" in t.whitespace_ or (t.is_alpha and t.is_lower) for t in head))):
            found.update(range(tok.i, end + 1))
    return found


def _is_subject_mention(tok: Token) -> bool:
    """A mention in subject position (directly, or as the name in apposition/compound to the subject)."""
    node = tok
    while node.dep_ in ("compound", "flat") and node.head is not node:
        node = node.head
    if node.dep_ == "appos":
        node = node.head
    return node.dep_ in SUBJECT_DEPS


def extract_stances(doc: Doc, referents: list[Referent]) -> list[Stance]:
    """All stance triples of the story, each (holder, label, target) once with its strongest evidence."""
    lex = load_lexicon()
    story = _Story.build(doc, referents, lex)
    found: list[Stance] = []
    for i in _cue_candidates(doc, lex):
        for cue in _cues(doc[i], story):
            found.extend(_realise(cue, story))
    return _dedupe(found)


def _cue_candidates(doc: Doc, lex: StanceLexicon) -> list[int]:
    """Indexes of the tokens whose lemma or lower-cased form is in the lexicon, in document order."""
    if not len(doc):
        return []
    forms = doc.to_array([LEMMA, LOWER]).tolist()
    return [i for i, (lemma, lower) in enumerate(forms) if lemma in lex.cue_lemmas or lower in lex.cue_lowers]


# --- cues: where the parse states a stance -------------------------------------------------------------


def _conjoined(tok: Token) -> list[Token]:
    return [tok, *tok.conjuncts] if tok.dep_ != "conj" else [tok]


def _pobjs(prep: Token) -> list[Token]:
    """Objects of a preposition with their conjuncts, or its clausal complement."""
    for c in prep.children:
        if c.dep_ == "pobj":
            return _conjoined(c)
    return [c for c in prep.children if c.dep_ == "pcomp"][:1]


def _prep_children(tok: Token, preps: frozenset[str]) -> list[Token]:
    return [c for c in tok.children if c.dep_ == "prep" and c.lower_ in preps]


def _is_passive(tok: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in tok.children)


def _agents(tok: Token) -> list[Token]:
    return [o for c in tok.children if c.dep_ == "agent" for o in _pobjs(c)]


def _cues(tok: Token, story: _Story) -> list[_Cue]:
    lex = story.lex
    cues: list[_Cue] = []
    lemma, lower = tok.lemma_, tok.lower_
    if lower in lex.adjectives and tok.dep_ in ("acomp", "oprd") or (
            lower in lex.adjectives and tok.pos_ == "VERB" and _is_passive(tok) and not _agents(tok)):
        label, preps = lex.adjectives[lower]
        scope = tok.head if tok.dep_ in ("acomp", "oprd") else tok
        for prep in _prep_children(tok, preps):
            cues.append(_Cue(label, 0.85, scope, _pobjs(prep), lemma=lower, evidence_tok=tok))
        return cues
    if tok.pos_ == "VERB" and (lemma in lex.verbs or lemma in lex.negation_flips):
        cues.extend(_verb_cues(tok, story))
    if tok.dep_ == "prep" and (label := lex.verb_preps.get(lower, {}).get(tok.head.lemma_)):
        cues.append(_Cue(label, 0.85, tok.head, _pobjs(tok), lemma=tok.head.lemma_, evidence_tok=tok))
    if tok.pos_ in ("NOUN", "PROPN") and lemma in lex.nouns:
        cues.extend(_noun_cues(tok, story))
    if tok.dep_ == "pobj" and lemma in lex.in_phrases and tok.head.lower_ == "in" and tok.head.head.pos_ in ("VERB", "AUX"):
        for prep in _prep_children(tok, frozenset({"of"})):
            cues.append(_Cue(lex.in_phrases[lemma], 0.85, tok.head.head, _pobjs(prep), evidence_tok=tok))
    cues.extend(_neutral_cues(tok, lex))
    return cues


def _verb_cues(tok: Token, story: _Story) -> list[_Cue]:
    lex = story.lex
    # flip-only verbs ("sign") carry no label of their own: they count only when negated
    label, weight = lex.verbs.get(tok.lemma_, ""), lex.verb_weights.get(tok.lemma_, 0.9)
    if _misparsed_verb(tok):
        return [_Cue(label, weight, tok.head.head, [tok.head], lemma=tok.lemma_)] if label else []
    antecedent = tok.head if tok.dep_ in ("relcl", "acl") and tok.head.pos_ in ("NOUN", "PROPN") else None
    if _is_passive(tok) or (tok.dep_ == "acl" and tok.tag_ == "VBN"):
        agents = _agents(tok)
        if not agents:
            return []  # "the motion was rejected 52-48": nobody holds the stance
        subjects = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if subjects and subjects[0].lower_ not in WH_WORDS:
            targets = _conjoined(subjects[0])
        elif antecedent is not None:
            targets = [antecedent]
        else:
            return []
        return [_Cue(label, weight, tok, targets, holders=agents, lemma=tok.lemma_)]
    objects = [c for c in tok.children if c.dep_ == "dobj" and story.same_para(c, tok)]
    if objects and objects[0].lower_ not in WH_WORDS:
        targets = _conjoined(objects[0])
    elif (orphan := _orphan_object(tok, story)) is not None:
        targets = [orphan]
    elif antecedent is not None and not any(c.dep_ == "nsubj" and c.lower_ in WH_WORDS for c in tok.children):
        targets = [antecedent]  # "a move that Germany backed"
    else:
        return []
    return [_Cue(label, weight, tok, targets, lemma=tok.lemma_)]


def _misparsed_verb(tok: Token) -> bool:
    """ "supported X but opposed Y" is often parsed with "opposed" as an adjective of Y and Y as a conjunct
    of "supported": a verb-tagged modifier right after the conjunction is the second verb."""
    return (tok.dep_ == "amod" and tok.pos_ == "VERB" and tok.i > 0 and tok.doc[tok.i - 1].dep_ == "cc"
            and tok.head.dep_ == "conj" and tok.head.head.pos_ in ("VERB", "AUX"))


def _orphan_object(verb: Token, story: _Story) -> Token | None:
    """The object the parser attached across a paragraph break: without preset paragraph boundaries a
    headline's last noun phrase ("... in rejecting [EU budget cuts]") hangs off the body's first sentence.
    Taken only if the rest of the verb's paragraph is a short run ending in a noun that attaches nowhere
    before the verb, and part of it attaches across the break."""
    run = []
    for tok in verb.doc[verb.i + 1:verb.i + MAX_TARGET_TOKENS + 2]:
        if not story.same_para(tok, verb) or tok.is_space:
            break
        run.append(tok)
    if not run or len(run) > MAX_TARGET_TOKENS or run[-1].pos_ not in ("NOUN", "PROPN"):
        return None
    inside = {t.i for t in run}
    crossing = False
    for tok in run:
        if tok.head.i in inside:
            continue
        if story.same_para(tok.head, verb):
            return None
        crossing = True
    return run[-1] if crossing else None


def _noun_cues(tok: Token, story: _Story) -> list[_Cue]:
    """ "X's support for Y", "X voiced objections to Y": the holder is the possessor or the light verb's subject;
    "Y has the backing of X": the holder is the object of "of", the target the subject."""
    lex = story.lex
    label, preps = lex.nouns[tok.lemma_]
    if label == FAVOR and tok.dep_ == "dobj" and tok.head.lemma_ in lex.acquiring_verbs:
        holders = [o for prep in _prep_children(tok, frozenset({"of", "from"})) for o in _pobjs(prep)]
        targets = [_named_appositive(story, s) for s in _subjects(tok.head, story)]
        return [_Cue(label, 0.8, tok.head, targets, holders=holders, evidence_tok=tok)] if holders and targets else []
    targets = [o for prep in _prep_children(tok, preps) for o in _pobjs(prep)]
    if not targets:
        return []
    possessors = [c for c in tok.children if c.dep_ == "poss"]
    if possessors:
        return [_Cue(label, 0.8, tok.head if tok.dep_ in SUBJECT_DEPS else tok, targets,
                     holders=_conjoined(possessors[0]), evidence_tok=tok)]
    if tok.dep_ == "dobj" and tok.head.lemma_ in lex.light_verbs:
        return [_Cue(label, 0.85, tok.head, targets, evidence_tok=tok)]
    return []


def _named_appositive(story: _Story, tok: Token) -> Token:
    """ "Bell's main rival, Renee Fowler, ...": the name in apposition stands for the description."""
    if story.ent_of.get(tok.i) is None:
        for c in tok.children:
            if c.dep_ == "appos" and story.ent_of.get(c.i) is not None:
                return c
    return tok


def _neutral_cues(tok: Token, lex: StanceLexicon) -> list[_Cue]:
    """Only explicit statements of neutrality: "neutral on", "abstained on", "took no position on"."""
    if tok.lower_ in lex.neutral_adjectives and tok.dep_ == "acomp":
        preps = lex.neutral_adjectives[tok.lower_]
        return [_Cue(NEUTRAL, 0.8, tok.head, _pobjs(p), evidence_tok=tok) for p in _prep_children(tok, preps)]
    if tok.pos_ == "VERB" and tok.lemma_ in lex.neutral_verbs:
        preps = lex.neutral_verbs[tok.lemma_]
        return [_Cue(NEUTRAL, 0.8, tok, _pobjs(p)) for p in _prep_children(tok, preps)]
    if tok.lemma_ in lex.position_nouns and tok.dep_ == "dobj" and tok.head.lemma_ in lex.position_verbs:
        verb = tok.head
        targets = [o for p in _prep_children(tok, frozenset({"on"})) + _prep_children(verb, frozenset({"on"}))
                   for o in _pobjs(p)]
        if any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
            return [_Cue(NEUTRAL, 0.8, verb, targets, evidence_tok=tok)]
        return [_Cue(NEUTRAL, 0.8, verb, targets, neutral_if_negated=True, evidence_tok=tok)]
    return []


# --- clause analysis: subject inheritance, negation, modality -----------------------------------------


def _climb(tok: Token) -> Token | None:
    """The governing clause whose subject a subjectless clause inherits (xcomp, conj, advcl, "in V-ing")."""
    if tok.dep_ in ("xcomp", "conj", "advcl"):
        return tok.head
    if tok.dep_ == "pcomp" and tok.head.dep_ == "prep":
        return tok.head.head
    return None


def _subjects(scope: Token, story: _Story) -> list[Token]:
    """The clause's subject, inherited from governing clauses; arcs across a paragraph break are untrusted."""
    lex = story.lex
    node = scope
    for _ in range(6):
        subj = [c for c in node.children if c.dep_ in SUBJECT_DEPS and story.same_para(c, node)]
        if subj and all(c.i in story.dateline for c in subj[:1]):
            # the parser makes the dateline a subject: "BERLIN, Dec 7 (dpa) - Bitkom warned" has two nsubj
            # arcs, "LAUSANNE, ... (UPI) -- A and B backed" makes A and B the dateline's conjuncts
            rest = [c for c in subj if c.i not in story.dateline]
            if rest:
                subj = rest
            else:
                named = [k for k in subj[0].conjuncts if k.i not in story.dateline]
                return named
        if subj:
            if subj[0].lower_ in WH_WORDS and node.dep_ == "relcl":
                return _conjoined(node.head)  # "Germany, which backed the plan"
            return _conjoined(subj[0])
        if node.dep_ == "relcl" and node.head.pos_ in ("NOUN", "PROPN") and node.tag_ == "VBG":
            return []
        parent = _climb(node)
        if parent is None or not story.same_para(parent, node):
            return []
        if node.dep_ == "xcomp" and (parent.lemma_ in lex.request_verbs
                                     or any(c.dep_ == "dobj" for c in parent.children)):
            return []  # "urged Germany to back X" is not Germany's stance
        node = parent
    return []


def _clause_flags(node: Token, lex: StanceLexicon, scope: _Scope) -> None:
    negated = False
    for c in node.children:
        if c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ in ("never", "no longer")):
            scope.negated = negated = True
        elif c.dep_ in ("aux", "advmod") and c.lower_ in lex.hedges:
            scope.blocked = True
        elif c.dep_ == "aux" and c.lower_ in lex.weak_modals | {"'ll", "wo", "ca"}:
            scope.factor = min(scope.factor, 0.85)
            if c.lower_ in lex.deontic_modals:
                scope.deontic = True
        elif c.dep_ == "mark" and c.lower_ in lex.hypothetical_marks:
            scope.blocked = True
        elif c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in lex.hypothetical_marks for m in c.children):
            scope.blocked = True  # "would back X if ...": a condition, not a stance
    if negated and any(c.dep_ == "aux" and c.lower_ in lex.refusal_modals for c in node.children):
        scope.refusal = True  # "will not back X", "cannot support X"


def _scope_of(cue_scope: Token, story: _Story) -> _Scope:
    """Negation/modality of the cue's clause and of the clauses it depends on ("refused to back",
    "did not say it opposed", "may want to back"); a conjunct shares its head's auxiliaries only if it has none."""
    lex = story.lex
    scope = _Scope()
    node = cue_scope
    _clause_flags(node, lex, scope)
    for _ in range(6):
        dep, parent = node.dep_, node.head
        if not story.same_para(parent, node):
            break
        if dep == "conj":
            if not any(c.dep_ in ("aux", "neg") for c in node.children):
                _clause_flags(parent, lex, scope)
            node = parent
            continue
        if dep == "pcomp" and parent.dep_ == "prep":
            node = parent.head
            continue
        if dep not in ("xcomp", "ccomp"):
            break
        if dep == "xcomp" and parent.lemma_ in lex.negating_governors:
            scope.negated = True
            scope.refusal |= parent.lemma_ in lex.refusal_governors
        if dep == "xcomp" and node is cue_scope and parent.lemma_ in lex.deontic_governors:
            scope.deontic = True  # "needs to approve X", "has to back X"
        outer = _Scope()
        _clause_flags(parent, lex, outer)
        if dep == "ccomp" and parent.lemma_ in lex.negating_governors:
            scope.blocked = True  # "denied that it opposed X"
        if outer.negated:
            if dep == "xcomp":
                scope.negated = True  # "did not agree to back X"
                scope.refusal |= outer.refusal  # "will not agree to back X"
            else:
                scope.blocked = True  # "did not say it opposed X"
        scope.blocked |= outer.blocked
        node = parent
    return scope


# --- holders ------------------------------------------------------------------------------------------


def _entity(story: _Story, tok: Token) -> Entity | None:
    ent = story.ent_of.get(tok.i)
    return ent if ent is not None and ent.label in HOLDER_LABELS else None


def _resolve_holder(story: _Story, tok: Token, depth: int = 0) -> list[tuple[Entity, float]]:
    """Maps a holder token to story entities: the entity covering it, the speaker of a quote for we/I,
    a pronoun's antecedent, a coordinated group for "both", or the entity behind a role noun."""
    if tok.i in story.dateline:
        return []
    ent = _entity(story, tok)
    if ent is not None:
        return [(ent, 1.0)]
    lower = tok.lower_
    if lower in FIRST_PERSON:
        quote = story.quote_of(tok)
        speaker = _speaker(story, quote) if quote is not None else None
        return [(speaker, 0.9)] if speaker is not None else []
    if lower in PRONOUN_CLASSES or lower in PLURAL_PRONOUNS:
        if story.quote_of(tok) is not None:
            return []
        found = _resolve_pronoun(story, tok)
        return [(found, 0.8)] if found is not None else []
    if lower == "both" or (tok.lemma_ in story.lex.group_nouns and tok.tag_ in ("NNS", "NNPS") and any(
            c.lower_ in ("both", "two") for c in tok.children)):
        return [(e, 0.8) for e in _group(story, tok)]
    if tok.pos_ not in ("NOUN", "PROPN") or depth > 1:
        return []
    for c in tok.children:
        if c.dep_ == "appos" and (ent := _entity(story, c)) is not None:
            return [(ent, 0.95)]
    members = [e for c in _prep_children(tok, frozenset({"including"})) for o in _pobjs(c)
               if (e := _entity(story, o)) is not None]
    if members:
        return [(e, 0.85) for e in members]  # "several member states, including Hungary, opposed X"
    if tok.lemma_ not in story.lex.holder_roles and tok.lower_ not in story.lex.holder_roles:
        return _reporter(story, tok)
    for c in tok.children:
        if c.dep_ in ("poss", "compound"):
            found = _resolve_holder(story, c, depth + 1)
            if found:
                return [(e, f * 0.9) for e, f in found]
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("in", "of", "from", "at"):
            ents = [e for o in _pobjs(c) if (e := _entity(story, o)) is not None]
            if ents:
                return [(e, 0.85) for e in ents]
    return _reporter(story, tok)


def _reporter(story: _Story, tok: Token) -> list[tuple[Entity, float]]:
    """ "Mayor Carla Jennings said the city backed the event": a bare description ("the city", "the
    government") as subject of a reported clause speaks for the named entity that reports it."""
    if tok.lemma_ not in story.lex.description_nouns or not any(
            c.dep_ == "det" and c.lower_ == "the" for c in tok.children) or tok.dep_ not in SUBJECT_DEPS:
        return []
    node = tok.head
    for _ in range(3):
        if node.dep_ == "ccomp" and node.head.lemma_ in story.lex.report_verbs:
            ents = [e for subj in _subjects(node.head, story) if (e := _entity(story, subj)) is not None]
            return [(ents[0], 0.8)] if ents else []
        if node.dep_ not in ("conj", "xcomp") or not story.same_para(node.head, node):
            return []
        node = node.head
    return []


def _resolve_pronoun(story: _Story, tok: Token) -> Entity | None:
    """he/she/it (and possessives): the subject of the reporting verb this clause depends on
    ("Van Wyk said his government opposed ..."), else the nearest preceding compatible subject mention."""
    allowed = PRONOUN_CLASSES.get(tok.lower_, frozenset({"ORG", "GPE", "NORP"}))
    node = tok.head if tok.dep_ != "poss" else tok.head.head
    for _ in range(6):
        if node.dep_ == "ccomp" and node.head.lemma_ in story.lex.report_verbs:
            named, subj_ents = False, []
            for subj in _subjects(node.head, story):
                if subj.lower_ in PRONOUN_CLASSES or subj.lower_ in PLURAL_PRONOUNS:
                    continue
                named = True
                for ent, _f in _resolve_holder(story, subj, depth=1):
                    if ent.label in allowed:
                        return ent
                # "The Greens party said it ...": a name modifying a generic head noun
                subj_ents += [e for c in subj.children if c.dep_ in ("compound", "appos", "flat")
                              and (e := _entity(story, c)) is not None and e.label in allowed]
            if named and subj_ents:
                return subj_ents[0]
            if named:
                # "Civil society group X said it opposed ...": the antecedent is the reporting subject even
                # when it is no (compatible) entity; an earlier subject elsewhere would be a guess
                return None
            break
        if node.head is node:
            break
        node = node.head
    if tok.lower_ in PLURAL_PRONOUNS:
        return None
    sent_start = tok.sent.start
    i = bisect.bisect_left(story.subject_mentions, tok.i, key=lambda m: m[0]) - 1
    while i >= 0:
        idx, ent = story.subject_mentions[i]
        if tok.doc[idx].sent.start < sent_start - 80:
            break  # too far back to be a safe antecedent
        if ent.label in allowed:
            return ent
        i -= 1
    return None


def _group(story: _Story, tok: Token) -> list[Entity]:
    """ "both"/"the two countries": the nearest preceding coordination of entities ("Russia and China")."""
    lo = max(0, tok.sent.start - 60)
    for j in range(tok.i - 1, lo - 1, -1):
        cand = tok.doc[j]
        ent = _entity(story, cand)
        if ent is None or cand.dep_ == "conj":
            continue
        members = [e for c in _conjoined(cand) if (e := _entity(story, c)) is not None]
        if len(members) >= 2 and len({e.text for e in members}) == len(members):
            return members
    return []


def _speaker(story: _Story, quote: _Quote) -> Entity | None:
    """The quoted speaker: a reporting verb right after the quote ("..., Putin said") or introducing it
    ("Putin said: ..."), in the same paragraph and sentence stretch; else the previous quote's speaker."""
    if quote.resolved:
        return quote.speaker
    quote.resolved = True
    best: tuple[int, Entity] | None = None
    for verb in story.speech_by_para.get(quote.para, []):
        if verb.idx >= quote.end:
            gap = story.doc.char_span(quote.end, verb.idx, alignment_mode="expand")
            dist = verb.idx - quote.end
        elif verb.idx < quote.start:
            gap = story.doc.char_span(verb.idx + len(verb), quote.start, alignment_mode="expand")
            dist = quote.start - verb.idx
        else:
            continue
        if gap is not None and any(t.text in SENTENCE_END and story.quote_of(t) is None for t in gap):
            continue
        for subj in _subjects(verb, story):
            found = _resolve_holder(story, subj)
            if found and (best is None or dist < best[0]):
                best = (dist, found[0][0])
                break
    if best is not None:
        quote.speaker = best[1]
    else:
        earlier = [q for q in story.quotes if q.para == quote.para and q.end <= quote.start]
        quote.speaker = _speaker(story, earlier[-1]) if earlier else None
    return quote.speaker


# --- targets ------------------------------------------------------------------------------------------


def _np_text(tok: Token, with_pp: bool = True) -> str:
    """A compact noun phrase: head with its compounds/adjectives and one short of/on/for-PP, no determiners."""
    keep: list[Token] = [tok]
    for c in tok.lefts:
        if c.dep_ in NP_LEFT_DEPS and not _misparsed_verb(c):
            keep.extend(t for t in c.subtree if t.dep_ not in NP_DROP_DEPS or t is c)
    if with_pp:
        for prep in _prep_children(tok, TARGET_PREPS):
            objs = [c for c in prep.children if c.dep_ == "pobj"]
            if objs and objs[0].pos_ != "PRON":
                inner = _np_text(_split_misparsed_coordination(objs[0]), with_pp=False)
                if len(keep) + 1 + len(inner.split()) <= MAX_TARGET_TOKENS:
                    return _join(keep) + f" {prep.text} {inner}"
            break
    return _join(keep)


def _split_misparsed_coordination(tok: Token) -> Token:
    """ "of sport and demonstrative boycotts" is often parsed as one noun phrase headed by "boycotts" with
    "sport" as a modifier coordinated with the adjective; the object of "of" is then the first conjunct."""
    for c in tok.lefts:
        if c.dep_ in ("nmod", "compound") and c.pos_ == "NOUN" and any(
                k.dep_ == "conj" and k.pos_ == "ADJ" for k in c.children) and any(k.dep_ == "cc" for k in c.children):
            return c
    return tok


def _join(tokens: list[Token]) -> str:
    toks = sorted(set(tokens), key=lambda t: t.i)
    return "".join(t.text_with_ws if k + 1 < len(toks) and toks[k + 1].i == t.i + 1 else t.text + " "
                   for k, t in enumerate(toks)).strip()


def _target(story: _Story, tok: Token) -> tuple[str, str | None] | None:
    if tok.pos_ == "PRON" or tok.lower_ in WH_WORDS or tok.like_num:
        return None
    ent = story.ent_of.get(tok.i)
    if ent is not None:
        return ent.text, ent.label
    if tok.pos_ in ("VERB", "AUX"):
        span = list(tok.subtree)
        if len(span) > MAX_TARGET_TOKENS + 1:
            objects = [c for c in tok.children if c.dep_ == "dobj"]
            return (f"{tok.text} {_np_text(objects[0])}", None) if objects else None
        return _join([t for t in span if t.dep_ not in ("det", "punct")]), None
    if tok.pos_ not in ("NOUN", "PROPN", "ADJ"):
        return None
    return _np_text(tok), None


# --- assembly -----------------------------------------------------------------------------------------


def _realise(cue: _Cue, story: _Story) -> list[Stance]:
    lex = story.lex
    scope = _scope_of(cue.scope, story)
    label, factor = cue.label, scope.factor
    if scope.blocked:
        return []
    if scope.negated:
        if cue.neutral_if_negated:
            label = NEUTRAL
        elif cue.lemma in lex.negation_flips:
            label, factor = lex.negation_flips[cue.lemma], factor * 0.7
        elif scope.refusal and label == FAVOR:
            label, factor = AGAINST, factor * 0.7
        else:
            return []
    elif cue.neutral_if_negated or not label:
        return []  # "took a position on X" says nothing about which; "signed X" is not lexicon-polar
    if any(c.dep_ == "advmod" and c.lower_ in lex.intensifiers for c in cue.scope.children):
        factor *= 1.1  # "strongly backs": the stronger statement of a repeated stance wins the dedupe
    sentence = (cue.evidence_tok or cue.scope).sent
    if cue.lemma in lex.no_place_target and any(
            t.lower_ in lex.violence_context or t.lemma_.casefold() in lex.violence_context for t in sentence):
        return []  # "Russia attacked energy infrastructure", "troops fought rebels": force, not a position
    holder_toks = cue.holders if cue.holders is not None else _subjects(cue.scope, story)
    if scope.deontic and not any(t.lower_ in FIRST_PERSON for t in holder_toks):
        return []  # "Germany should back the plan", "must be approved by parliament": a demand on, not of, X
    holders = [h for t in holder_toks for h in _resolve_holder(story, t)]
    if not holders:
        return []
    adjudicating = any(_is_adjudicator(t, lex) for t in holder_toks) or any(
        e.text.split()[-1].casefold() in lex.adjudicators for e, _f in holders)
    evidence = story.text[sentence.start_char:sentence.end_char].strip()
    out: list[Stance] = []
    for t in cue.targets:
        target = _target(story, t)
        if target is None:
            continue
        if target[1] in PLACE_LABELS and cue.lemma in lex.no_place_target:
            continue
        if adjudicating and t.lemma_.casefold() in lex.legal_filings:
            continue  # "the court rejected the appeal" is a ruling on a filing, not a position on it
        for ent, hf in holders:
            if ent.text == target[0]:
                continue
            out.append(Stance(ent.text, ent.label, target[0], target[1], label, evidence,
                              round(min(1.0, cue.weight * hf * factor), 3)))
    return out


def _is_adjudicator(tok: Token, lex: StanceLexicon) -> bool:
    """A court, tribunal or judge as the holder phrase ("the appeals court", "Judge Ana Ruiz")."""
    words = {t.lower_ for t in tok.subtree if t.dep_ in ("compound", "amod", "nmod") or t is tok}
    return bool(words & lex.adjudicators)


def _content(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.casefold()) if w not in STOPWORDS}


def _same_target(a: str, b: str) -> bool:
    """Targets sharing at least half the content words of the shorter one are one target stated twice."""
    wa, wb = _content(a), _content(b)
    return bool(wa and wb) and len(wa & wb) * 2 >= min(len(wa), len(wb))


def _dedupe(stances: list[Stance]) -> list[Stance]:
    kept: list[Stance] = []
    for s in stances:
        for k, other in enumerate(kept):
            if (other.holder, other.label) == (s.holder, s.label) and _same_target(other.target, s.target):
                if s.confidence > other.confidence:
                    kept[k] = s
                break
        else:
            kept.append(s)
    return kept
