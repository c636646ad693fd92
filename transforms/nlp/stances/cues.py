"""Cues: where the parse states a stance (verbs, nouns, adjectives, prepositions, neutrality)."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc, Token

from wirestream.transforms.nlp.stances.index import (
    MAX_TARGET_TOKENS,
    SUBJECT_DEPS,
    WH_WORDS,
    Story,
    agents_of,
    conjoined,
    is_passive,
    misparsed_verb,
    pobjs,
    prep_children,
)
from wirestream.transforms.nlp.stances.lexicon import AGAINST, FAVOR, NEUTRAL, StanceLexicon
from wirestream.transforms.nlp.stances.scope import clause_subjects


@dataclass
class Cue:
    """A stance predicate found in the parse: `scope` carries the clause (subject, negation, modality)."""

    label: str
    weight: float
    scope: Token
    targets: list[Token]
    holders: list[Token] | None = None  # explicit holders (agent, possessor); None: the scope's subject
    lemma: str = ""
    neutral_if_negated: bool = False
    evidence_tok: Token | None = None
    inferred: bool = False  # the stance is inferred (from a request or an obligation), not stated
    clause: str = ""  # targets are clauses: "verb" (verb and complements) or "subject" (with their own subject)


def cue_candidates(doc: Doc, lex: StanceLexicon) -> list[int]:
    """Indexes of the tokens whose lemma or lower-cased form is in the lexicon, in document order."""
    if not len(doc):
        return []
    forms = doc.to_array([LEMMA, LOWER]).tolist()
    return [i for i, (lemma, lower) in enumerate(forms) if lemma in lex.cue_lemmas or lower in lex.cue_lowers]


def find_cues(tok: Token, story: Story) -> list[Cue]:
    lex = story.lex
    cues: list[Cue] = []
    lemma, lower = tok.lemma_, tok.lower_
    if lower in lex.adjectives and tok.dep_ in ("acomp", "oprd") or (
            lower in lex.adjectives and tok.pos_ == "VERB" and is_passive(tok) and not agents_of(tok)):
        label, preps = lex.adjectives[lower]
        scope = tok.head if tok.dep_ in ("acomp", "oprd") else tok
        for prep in prep_children(tok, preps):
            cues.append(Cue(label, 0.85, scope, pobjs(prep), lemma=lower, evidence_tok=tok))
        return cues
    if tok.pos_ == "VERB" and (lemma in lex.verbs or lemma in lex.negation_flips):
        cues.extend(_verb_cues(tok, story))
    if tok.pos_ == "VERB":
        cues.extend(_request_cues(tok, story))
        cues.extend(_phrasal_cues(tok, story))
        cues.extend(_reported_obligation_cues(tok, story))
    if lemma in lex.gratitude_nouns and tok.dep_ == "dobj" and tok.head.lemma_ in lex.light_verbs:
        thanked = _thanked(tok)
        if thanked:
            cues.append(Cue(FAVOR, 0.85, tok.head, thanked, evidence_tok=tok))
    if tok.dep_ == "prep" and (label := lex.verb_preps.get(lower, {}).get(tok.head.lemma_)):
        cues.append(Cue(label, 0.85, tok.head, pobjs(tok), lemma=tok.head.lemma_, evidence_tok=tok))
    if tok.pos_ in ("NOUN", "PROPN") and lemma in lex.nouns:
        cues.extend(_noun_cues(tok, story))
    if tok.dep_ == "pobj" and lemma in lex.in_phrases and tok.head.lower_ == "in" and tok.head.head.pos_ in ("VERB", "AUX"):
        for prep in prep_children(tok, frozenset({"of"})):
            cues.append(Cue(lex.in_phrases[lemma], 0.85, tok.head.head, pobjs(prep), evidence_tok=tok))
    cues.extend(_neutral_cues(tok, lex))
    return cues


def _verb_cues(tok: Token, story: Story) -> list[Cue]:
    lex = story.lex
    # flip-only verbs ("sign") carry no label of their own: they count only when negated
    label, weight = lex.verbs.get(tok.lemma_, ""), lex.verb_weights.get(tok.lemma_, 0.9)
    if misparsed_verb(tok):
        return [Cue(label, weight, tok.head.head, [tok.head], lemma=tok.lemma_)] if label else []
    antecedent = tok.head if tok.dep_ in ("relcl", "acl") and tok.head.pos_ in ("NOUN", "PROPN") else None
    holders = _thanked_for(tok, story)  # "thanked X for backing Y": X backs Y, not the thanker
    if holders is None and tok.dep_ == "acl" and tok.tag_ == "VBG" and story.ent_of.get(tok.head.i) is not None:
        holders, antecedent = [tok.head], None  # "Ruiz, attacking the plan, said ...": the participle's noun
    if is_passive(tok) or (tok.dep_ == "acl" and tok.tag_ == "VBN"):
        agents = agents_of(tok)
        if not agents:
            return []  # "the motion was rejected 52-48": nobody holds the stance
        subjects = [c for c in tok.children if c.dep_ == "nsubjpass"]
        if subjects and subjects[0].lower_ not in WH_WORDS:
            targets = conjoined(subjects[0])
        elif antecedent is not None:
            targets = [antecedent]
        else:
            return []
        return [Cue(label, weight, tok, targets, holders=agents, lemma=tok.lemma_)]
    objects = [c for c in tok.children if c.dep_ == "dobj" and story.same_para(c, tok)]
    if objects and objects[0].lower_ not in WH_WORDS:
        targets = conjoined(objects[0])
    elif (orphan := _orphan_object(tok, story)) is not None:
        targets = [orphan]
    elif antecedent is not None and not any(c.dep_ == "nsubj" and c.lower_ in WH_WORDS for c in tok.children):
        targets = [antecedent]  # "a move that Germany backed"
    else:
        return []
    if tok.lemma_ in lex.person_object_excluded and any(
            (e := story.ent_of.get(k.i)) is not None and e.label == "PERSON"
            for t in targets for k in (t, *(c for c in t.children if c.dep_ == "appos"))):
        return []  # "the club dismissed its coach": a dismissal, not a rejection
    weight *= 0.9 if holders is not None else 1.0
    return [Cue(label, weight, tok, targets, holders=holders, lemma=tok.lemma_)]


def _orphan_object(verb: Token, story: Story) -> Token | None:
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


def _noun_cues(tok: Token, story: Story) -> list[Cue]:
    """ "X's support for Y", "X voiced objections to Y": the holder is the possessor or the light verb's subject;
    "Y has the backing of X": the holder is the object of "of", the target the subject."""
    lex = story.lex
    label, preps = lex.nouns[tok.lemma_]
    if label == FAVOR and tok.dep_ == "dobj" and tok.head.lemma_ in lex.acquiring_verbs:
        holders = [o for prep in prep_children(tok, frozenset({"of", "from"})) for o in pobjs(prep)]
        targets = [_named_appositive(story, s) for s in clause_subjects(tok.head, story)]
        return [Cue(label, 0.8, tok.head, targets, holders=holders, evidence_tok=tok)] if holders and targets else []
    targets = [o for prep in prep_children(tok, preps) for o in pobjs(prep)]
    if not targets:
        return []
    possessors = [c for c in tok.children if c.dep_ == "poss"]
    if possessors and _in_modifier(tok):
        return []  # "groups scared by Russia's backing for X": background to another clause, not a stance
    if possessors:
        return [Cue(label, 0.8, tok.head if tok.dep_ in SUBJECT_DEPS else tok, targets,
                     holders=conjoined(possessors[0]), evidence_tok=tok)]
    if tok.dep_ == "dobj" and tok.head.lemma_ in lex.light_verbs:
        return [Cue(label, 0.85, tok.head, targets, evidence_tok=tok)]
    return []


def _in_modifier(noun: Token) -> bool:
    """Whether a noun phrase sits inside a participial or relative modifier of another noun."""
    node = noun
    for _ in range(8):
        if node.dep_ in ("acl", "relcl", "amod"):
            return True
        if node.dep_ not in ("pobj", "conj", "prep", "agent", "appos") or node.head is node:
            return False
        node = node.head
    return False


def _named_appositive(story: Story, tok: Token) -> Token:
    """ "Bell's main rival, Renee Fowler, ...": the name in apposition stands for the description."""
    if story.ent_of.get(tok.i) is None:
        for c in tok.children:
            if c.dep_ == "appos" and story.ent_of.get(c.i) is not None:
                return c
    return tok


def _neutral_cues(tok: Token, lex: StanceLexicon) -> list[Cue]:
    """Only explicit statements of neutrality: "neutral on", "abstained on", "took no position on"."""
    if tok.lower_ in lex.neutral_adjectives and tok.dep_ == "acomp":
        preps = lex.neutral_adjectives[tok.lower_]
        return [Cue(NEUTRAL, 0.8, tok.head, pobjs(p), evidence_tok=tok) for p in prep_children(tok, preps)]
    if tok.pos_ == "VERB" and tok.lemma_ in lex.neutral_verbs:
        preps = lex.neutral_verbs[tok.lemma_]
        return [Cue(NEUTRAL, 0.8, tok, pobjs(p)) for p in prep_children(tok, preps)]
    if tok.lemma_ in lex.position_nouns and tok.dep_ == "dobj" and tok.head.lemma_ in lex.position_verbs:
        verb = tok.head
        targets = [o for p in prep_children(tok, frozenset({"on"})) + prep_children(verb, frozenset({"on"}))
                   for o in pobjs(p)]
        if any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children):
            return [Cue(NEUTRAL, 0.8, verb, targets, evidence_tok=tok)]
        return [Cue(NEUTRAL, 0.8, verb, targets, neutral_if_negated=True, evidence_tok=tok)]
    return []


# --- requests, criticism for a reason, agreement, thanks, reported obligations ----------------------------


def _request_cues(verb: Token, story: Story) -> list[Cue]:
    """ "demanded the release of X", "urged that the talks resume", "proposed to hold a vote", "agreed to
    the truce": the requester or the party agreeing favours what it asks for or accepts."""
    lex = story.lex
    lemma = verb.lemma_
    cues: list[Cue] = []
    xcomps = [c for c in verb.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
    if lemma in lex.request_object_verbs and not xcomps:
        objects = [c for c in verb.children if c.dep_ == "dobj" and story.same_para(c, verb)
                   and c.pos_ in ("NOUN", "PROPN") and c.lower_ not in WH_WORDS]
        ent = story.ent_of.get(objects[0].i) if objects else None
        if objects and (ent is None or ent.label != "PERSON"):  # "wanted the minister": not a position
            cues.append(Cue(FAVOR, 0.8, verb, conjoined(objects[0]), lemma=lemma))
    if lemma in lex.request_clause_verbs and xcomps and (addressee := _addressee(verb, story)) is not None:
        # "asked Germany to extradite X": what the requester wants of a named party. Appeals to unnamed
        # groups ("urged both sides to return to the table") are a mediator's, and not taken.
        wanted = xcomps[0]
        if wanted.lemma_ in lex.reversal_verbs:  # "urged the ministry to scrap the levy"
            objects = [c for c in wanted.children if c.dep_ == "dobj" and c is not addressee]
            if objects:
                cues.append(Cue(AGAINST, 0.75, verb, conjoined(objects[0]), lemma=lemma, inferred=True))
        elif wanted.lemma_ not in lex.verbs:
            cues.append(Cue(FAVOR, 0.75, verb, [wanted], lemma=lemma, clause="verb", inferred=True))
    if lemma in lex.mandative_verbs:
        for c in verb.children:
            if c.dep_ == "ccomp" and (c.tag_ in ("VB", "VBP") or any(
                    a.dep_ in ("aux", "auxpass") and a.lower_ in lex.mandative_auxiliaries for a in c.children)) and not any(
                    m.dep_ == "mark" and m.lower_ in lex.hypothetical_marks for m in c.children):
                cues.append(Cue(FAVOR, 0.8, verb, [c], lemma=lemma, clause="subject"))
    if lemma in lex.proposal_verbs:
        # "proposed to ease the ban"; the parser often makes the infinitive an adverbial clause
        proposed = xcomps or [c for c in verb.children if c.dep_ == "advcl" and c.tag_ == "VB" and any(
            a.dep_ == "aux" and a.lower_ == "to" for a in c.children)]
        if proposed:
            cues.append(Cue(FAVOR, 0.8, verb, proposed[:1], lemma=lemma, clause="verb"))
    if lemma in lex.agreement_verbs:
        for prep in prep_children(verb, lex.agreement_verbs[lemma]):
            objects = [o for o in pobjs(prep) if o.pos_ in ("NOUN", "PROPN") and o.ent_type_ not in ("DATE", "TIME")]
            if objects:
                cues.append(Cue(FAVOR, 0.8, verb, objects, lemma=lemma))
    return cues


def _addressee(verb: Token, story: Story) -> Token | None:
    """The named party a request is made to: the object ("urged Japan to ..."), or the object of the verb's
    preposition ("called on France to ..."), when it is an entity or an institution ("the authorities")."""
    preps = story.lex.request_clause_verbs[verb.lemma_]
    if preps:
        candidates = [o for prep in prep_children(verb, preps) for o in pobjs(prep)]
    else:
        candidates = [c for c in verb.children if c.dep_ == "dobj"]
    for tok in candidates[:1]:
        if story.ent_of.get(tok.i) is not None or tok.lemma_ in story.lex.holder_roles:
            return tok
    return None


def _phrasal_cues(verb: Token, story: Story) -> list[Cue]:
    """ "ruled out talks", "hit out at the ministry", and the reason a criticism or praise gives:
    "criticised the board for [cutting jobs]", "praised the mayor for [her courage]"."""
    lex = story.lex
    cues: list[Cue] = []
    label = lex.verbs.get(verb.lemma_, "")
    for prt in (c for c in verb.children if c.dep_ == "prt"):
        if (entry := lex.phrasal_verbs.get((verb.lemma_, prt.lower_))) is None:
            continue
        label, preps = entry
        if preps:
            targets = [o for prep in prep_children(verb, preps) for o in pobjs(prep)]
        else:
            objects = [c for c in verb.children if c.dep_ == "dobj" and c.lower_ not in WH_WORDS]
            targets = conjoined(objects[0]) if objects else []
        if targets:
            cues.append(Cue(label, 0.85, verb, targets, lemma=f"{verb.lemma_} {prt.lower_}"))
    if verb.lemma_ in lex.reason_verbs and label and not is_passive(verb):
        # "criticised X for Y" (the PP on the verb) or "hit out at X for Y" (the PP often on X)
        criticised = [c for c in verb.children if c.dep_ == "dobj"] + [
            o for prep in prep_children(verb, frozenset({"at", "against"})) for o in pobjs(prep)]
        on_object = [p for t in criticised[:1] for p in prep_children(t, lex.reason_preps)]
        for prep in prep_children(verb, lex.reason_preps) + on_object:
            # on the object only a gerund is surely a reason: "the plan for a new runway" names the plan
            targets = [o for o in pobjs(prep) if (o.pos_ == "NOUN" and prep not in on_object) or (
                o.pos_ == "VERB" and not (label == FAVOR and o.lemma_ in lex.verbs))]  # praised X for backing Y
            if targets:
                cues.append(Cue(label, 0.8, verb, targets, lemma=verb.lemma_))
    return cues


def _thanked(noun: Token) -> list[Token]:
    """Who a gratitude noun thanks: "expressed gratitude to X", "expressed to X its gratitude"."""
    to = frozenset({"to"})
    return [o for prep in prep_children(noun, to) for o in pobjs(prep)] or [
        o for prep in prep_children(noun.head, to) for o in pobjs(prep)]


def _thanked_for(verb: Token, story: Story) -> list[Token] | None:
    """ "thanked X for supporting Y", "gratitude to X for backing Y": X is the holder of the gerund."""
    if verb.dep_ != "pcomp" or verb.head.lower_ != "for":
        return None
    governor = verb.head.head
    if governor.lemma_ in story.lex.gratitude_nouns:
        return _thanked(governor) or None
    if governor.pos_ != "VERB":
        return None
    if governor.lemma_ in story.lex.reason_verbs and story.lex.verbs.get(governor.lemma_) == FAVOR:
        objects = [c for c in governor.children if c.dep_ == "dobj"]
        return conjoined(objects[0]) if objects else None
    thanks = [c for c in governor.children if c.dep_ == "dobj" and c.lemma_ in story.lex.gratitude_nouns]
    return (_thanked(thanks[0]) or None) if thanks else None


def _reported_obligation_cues(verb: Token, story: Story) -> list[Cue]:
    """ "X said the talks must resume": X favours the talks resuming (reported, so less sure); "X said the
    ministry should scrap the levy": X is against the levy."""
    lex = story.lex
    if verb.lemma_ not in lex.obligation_reporters:
        return []
    cues: list[Cue] = []
    for c in verb.children:
        if c.dep_ != "ccomp" or not any(a.dep_ == "aux" and a.lower_ in lex.deontic_modals for a in c.children):
            continue
        if any(k.dep_ == "neg" for k in c.children):
            continue
        subjects = [k for k in c.children if k.dep_ in SUBJECT_DEPS]
        if not subjects or subjects[0].pos_ == "PRON":
            continue
        objects = [k for k in c.children if k.dep_ == "dobj"]
        if c.lemma_ in lex.reversal_verbs:
            if objects:
                cues.append(Cue(AGAINST, 0.7, verb, conjoined(objects[0]), lemma=verb.lemma_))
        elif c.lemma_ not in lex.verbs:
            cues.append(Cue(FAVOR, 0.7, verb, [c], lemma=verb.lemma_, clause="subject"))
    return cues
