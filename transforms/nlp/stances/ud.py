"""Stance triples over a Universal Dependencies parse (nsubj, obj, obl:arg + case, expl:comp, xcomp,
acl:relcl), the scheme of spaCy's non-English pipelines; the words are a per-language lexicon
(`stance_lexicon.<lang>.json`, named in nlp/data/languages.json), so a language is data, not code.

Same contract as the English rules: precision first (a triple only when the holder is a story entity and
the target a noun phrase or entity). Negation: support withheld or refused ("ne soutient pas X", "refuse de
soutenir X") is AGAINST at reduced confidence, as French wire copy uses it; a negated AGAINST cue ("ne
s'oppose pas à X") yields nothing, not opposing not being favouring; a hedged ("pourrait
rejeter") or conditional ("si ...", conditional mood) cue yields nothing; a first-person cue ("« Nous
rejetons X »") is held by the speaker its sentence or the next one names ("a déclaré Y", "selon Y").
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from wirestream.transforms.nlp.entities import Referent
from wirestream.transforms.nlp.stances.ud_lexicon import UdStanceLexicon, VerbTable, load_ud_lexicon
from wirestream.transforms.wire.record import Entity, Stance

FAVOR, AGAINST = "FAVOR", "AGAINST"
HOLDER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
SUBJECTS = ("nsubj", "nsubj:pass")
CONFIDENCE = 0.9
REFUSAL_FACTOR = 0.7
REPORTED_FACTOR = 0.9
MAX_TARGET_TOKENS = 10


@dataclass(frozen=True)
class _Cue:
    label: str
    verb: Token  # the clause: subject, negation, modality
    targets: tuple[Token, ...]
    holders: tuple[Token, ...] | None = None  # explicit (a passive's agent); None: the clause's subject


class _Story:
    def __init__(self, doc: Doc, referents: list[Referent], lex: UdStanceLexicon):
        self.doc, self.lex = doc, lex
        self.ent_of: dict[int, Entity] = {}
        self.mentions: list[tuple[int, Entity]] = []
        for referent in referents:
            for span in referent.spans:
                self.mentions.append((span.start, referent.entity))
                for i in range(span.start, span.end):
                    self.ent_of[i] = referent.entity
        self.mentions.sort(key=lambda m: m[0])


def extract_ud_stances(doc: Doc, referents: list[Referent], lexicon_name: str) -> list[Stance]:
    lex = load_ud_lexicon(lexicon_name)
    story = _Story(doc, referents, lex)
    found: list[Stance] = []
    for tok in doc:
        for cue in _cues(tok, lex):
            found.extend(_realise(cue, story))
    return _dedupe(found)


def _lemma(tok: Token) -> str:
    return tok.lemma_.casefold()


def _verb_label(tok: Token, table: VerbTable, forms: dict[str, str]) -> str | None:
    """The lexicon verb `tok` is: by lemma, or, where the model's lemma is wrong ("conteste" for
    "contester", "soutient" taken for a noun), by the lexicon's forms of irregular verbs or the form of a
    regular -er verb, for a token that heads a clause."""
    lemma = _lemma(tok)
    if lemma in table:
        return lemma
    lower = tok.lower_
    if forms.get(lower) in table:
        return forms[lower]
    if tok.pos_ in ("VERB", "ADJ", "NOUN") and any(c.dep_ in (*SUBJECTS, "obj") for c in tok.children):
        return table.regular_verb(lower)
    return None


def _reflexive(tok: Token) -> bool:
    return any(c.dep_.startswith("expl") or (c.pos_ == "PRON" and c.lower_ in ("se", "s'", "s’", "me", "m'", "nous"))
               for c in tok.children if c.i < tok.i)


def _case(tok: Token) -> set[str]:
    return {c.lower_ for c in tok.children if c.dep_ in ("case", "fixed")} | {
        f.lower_ for c in tok.children if c.dep_ == "case" for f in c.children if f.dep_ == "fixed"}


def _cues(tok: Token, lex: UdStanceLexicon) -> list[_Cue]:
    cues: list[_Cue] = []
    verb = _verb_label(tok, lex.verbs, lex.forms)
    if verb and tok.pos_ != "NOUN" or (verb and tok.dep_ in ("ROOT", "acl:relcl", "xcomp", "conj")):
        passive = [c for c in tok.children if c.dep_ == "nsubj:pass"]
        if passive:
            agents = tuple(c for c in tok.children if c.dep_ == "obl:agent")
            cues.append(_Cue(lex.verbs[verb], tok, tuple(passive), agents))
        else:
            objs = tuple(c for c in tok.children if c.dep_ == "obj" and _lemma(c) not in lex.time_nouns)
            objs = objs or _relative_object(tok) or _misparsed_object(tok, lex)
            if objs:
                cues.append(_Cue(lex.verbs[verb], tok, objs))
    prep_verb = _verb_label(tok, lex.verb_preps, lex.forms)
    if prep_verb and (prep_verb not in lex.reflexive_only or _reflexive(tok)):
        for c in tok.children:
            if c.dep_.startswith("obl") or c.dep_ in ("obj", "nmod"):
                labels = {lex.verb_preps[prep_verb].get(p) for p in _case(c)} - {None}
                if len(labels) == 1:
                    cues.append(_Cue(labels.pop(), tok, (c,)))
    noun = lex.nouns.get(_lemma(tok)) or lex.nouns.get(tok.lower_)
    if noun and tok.pos_ in ("NOUN", "PROPN"):
        label, preps = noun
        governor = tok.head
        light = tok.dep_ == "obj" and _lemma(governor) in lex.light_verbs
        oblique = tok.dep_.startswith("obl") and governor.pos_ in ("VERB", "AUX", "ADJ")
        if governor is not tok and (light or oblique):
            # the first complement: a later one hung on the cue noun is most often its complement's own
            targets = tuple(c for c in tok.children if c.dep_ in ("nmod", "obl", "obl:arg") and _case(c) & preps)[:1]
            if targets:
                cues.append(_Cue(label, governor, targets))
    adjective = lex.adjectives.get(_lemma(tok)) or lex.adjectives.get(tok.lower_)
    if adjective and tok.pos_ in ("ADJ", "VERB") and any(c.dep_ == "cop" for c in tok.children):
        label, preps = adjective
        targets = tuple(c for c in tok.children if c.dep_ in ("obl", "obl:arg", "nmod") and _case(c) & preps)
        if targets:
            cues.append(_Cue(label, tok, targets))
    return cues


def _relative_object(verb: Token) -> tuple[Token, ...]:
    """The object of a cue in a relative clause it opens with "que" ("un projet que X soutient"): the noun
    the clause describes."""
    if verb.dep_ == "acl:relcl" and any(c.lower_ in ("que", "qu'", "qu’") and c.i < verb.i for c in verb.children):
        return (verb.head,)
    return ()


def _misparsed_object(verb: Token, lex: UdStanceLexicon) -> tuple[Token, ...]:
    """The object of a transitive cue the parser attached elsewhere ("a critiqué vendredi la trajectoire",
    with "trajectoire" made the subject of what follows): the first noun right after the verb, past
    adverbs, time words and determiners, that is not in a prepositional phrase."""
    for tok in verb.doc[verb.i + 1 : verb.i + 6]:
        if _lemma(tok) in lex.time_nouns:
            continue
        if tok.is_punct or tok.pos_ in ("SCONJ", "CCONJ", "VERB", "AUX", "PRON", "ADP"):
            return ()
        if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ != "nmod" and not _case(tok):
            return (tok,)
    return ()


@dataclass
class _Scope:
    negated: bool = False
    refused: bool = False
    blocked: bool = False


def _scope(verb: Token, lex: UdStanceLexicon) -> _Scope:
    """Negation, refusal and hedges of the cue's clause and of the clauses that govern it (xcomp chain)."""
    scope = _Scope()
    node, depth = verb, 0
    while True:
        for c in node.children:
            if c.dep_ == "advmod" and c.lower_ in lex.negations:
                scope.negated = True
            if c.dep_ == "mark" and c.lower_ in lex.hypothetical_marks:
                scope.blocked = True
            if c.dep_.startswith("aux") and _lemma(c) in lex.hedges:
                scope.blocked = True
            if c.dep_.startswith("aux") and "Cnd" in c.morph.get("Mood"):
                scope.blocked = True
        if "Cnd" in node.morph.get("Mood"):
            scope.blocked = True
        if depth and _lemma(node) in lex.hedges:
            scope.blocked = True
        if depth and _lemma(node) in lex.refusal_governors:
            scope.refused = True
        if node.dep_ not in ("xcomp", "conj") or node.head is node or depth > 3:
            return scope
        node, depth = node.head, depth + 1


def _subjects(verb: Token) -> list[Token]:
    """The clause's subject, taken from the governing clause for an infinitive or a conjoined verb; for a
    participle the parser hung elsewhere ("a, au contraire, salué X"), from the auxiliary that heads it."""
    found = _clause_subjects(verb)
    if found or "Part" not in verb.morph.get("VerbForm"):
        return found
    node = verb.head
    for _ in range(3):
        if node.pos_ == "AUX" and _lemma(node) in ("avoir", "être"):
            return [c for c in node.children if c.dep_ in SUBJECTS]
        if node.head is node:
            break
        node = node.head
    return []


def _clause_subjects(verb: Token) -> list[Token]:
    node = verb
    for _ in range(4):
        subjects = [c for c in node.children if c.dep_ in SUBJECTS]
        if subjects:
            return subjects
        if node.dep_ == "acl:relcl":
            return [node.head]
        infinitive_clause = node.dep_ == "advcl" and "Inf" in node.morph.get("VerbForm")
        if (node.dep_ not in ("xcomp", "conj") and not infinitive_clause) or node.head is node:
            return []
        node = node.head
    return []


def _entity(story: _Story, tok: Token) -> Entity | None:
    return story.ent_of.get(tok.i)


def _holder(story: _Story, tok: Token, cue: _Cue) -> list[tuple[Entity, float]]:
    """The story entities a subject token stands for."""
    lex = story.lex
    if (ent := _entity(story, tok)) is not None:
        return [(ent, 1.0)] if ent.label in HOLDER_LABELS else []
    if tok.pos_ == "PRON" and tok.dep_ in SUBJECTS and tok.head.dep_ == "acl:relcl" and tok.lower_ in ("qui", "qu'"):
        return _holder(story, tok.head.head, cue)
    lower = tok.lower_
    if lower in lex.first_person:
        return [(e, REPORTED_FACTOR) for e in _speaker(story, cue.verb)]
    if lower in lex.third_person and tok.dep_ in SUBJECTS:
        return [(e, REPORTED_FACTOR) for e in _antecedent(story, tok, lex.third_person[lower])]
    if tok.pos_ in ("NOUN", "PROPN"):
        # "le président de la fédération, M. X" (an appositive, often parsed as conj or a bare nmod): the
        # named person; else "les membres du syndicat": the body it belongs to
        for c in tok.children:
            if c.dep_ in ("appos", "conj", "nmod") and not _case(c) and (ent := _entity(story, c)) is not None:
                if ent.label == "PERSON" or (c.dep_ == "appos" and ent.label in HOLDER_LABELS):
                    return [(ent, 1.0)]
        for c in tok.children:
            if c.dep_ == "nmod" and _case(c) & {"de", "du", "des", "d'"} and (ent := _entity(story, c)) is not None:
                if ent.label in HOLDER_LABELS and _lemma(tok) in lex.member_nouns:
                    return [(ent, 1.0)]
        if (_lemma(tok) in lex.group_nouns and any(c.dep_ == "det" and c.lower_ in ("le", "la", "l'", "l’") for c in tok.children)
                and not any(c.pos_ == "PROPN" and not _case(c) for c in tok.children)):
            return [(e, REPORTED_FACTOR) for e in _antecedent(story, tok, frozenset({"ORG"}))]  # "l'institution"
    return []


def _antecedent(story: _Story, tok: Token, labels: frozenset[str]) -> list[Entity]:
    """A third-person subject pronoun's referent: the last entity of the right kind that was a subject in the
    sentences just before, else the one entity of that kind they mention."""
    window_start = max(0, tok.sent.start - 60)
    mentions = [(start, e) for start, e in story.mentions if window_start <= start < tok.i and e.label in labels]
    subjects = [e for start, e in mentions if story.doc[start].dep_ in SUBJECTS or story.doc[start].head.dep_ in SUBJECTS]
    if subjects:
        return [subjects[-1]]  # a subject pronoun continues the last subject
    candidates = [e for _start, e in mentions]
    last = candidates[-1] if candidates else None
    return [last] if last is not None and all(e == last for e in candidates[-3:]) else []


def _speaker(story: _Story, verb: Token) -> list[Entity]:
    """Who speaks the sentence of `verb` (or the quote it is in): a speech verb's subject in it or in the next
    sentence, or a "selon X" in it."""
    lex = story.lex
    sents = [verb.sent]
    nxt = verb.sent.end
    if nxt < len(story.doc):
        sents.append(story.doc[nxt].sent)
    for sent in sents:
        for tok in sent:
            if tok.dep_ == "case" and tok.lower_ in lex.report_preps and (ent := _entity(story, tok.head)) is not None:
                return [ent] if ent.label in HOLDER_LABELS else []
            if tok is not verb and _lemma(tok) in lex.speech_verbs and tok.pos_ == "VERB":
                for c in tok.children:
                    if c.dep_ in (*SUBJECTS, "obj", "appos") and c.i > verb.i or c.dep_ in SUBJECTS:
                        if c.lower_ in lex.first_person:
                            continue
                        fake = _Cue(FAVOR, tok, ())
                        found = _holder(story, c, fake)
                        if found:
                            return [e for e, _f in found]
    return []


def _target(story: _Story, tok: Token) -> tuple[str, str | None] | None:
    lex = story.lex
    if tok.pos_ == "PRON" or tok.dep_ == "ccomp" or _lemma(tok) in lex.time_nouns:
        return None
    ent = _entity(story, tok)
    if ent is not None:
        return ent.text, ent.label
    drop = lex.target_drop_deps
    keep: set[int] = set()

    def walk(node: Token, depth: int) -> None:
        keep.add(node.i)
        for c in node.children:
            if c.dep_ in drop or (depth >= 2 and c.dep_ == "nmod"):
                continue
            walk(c, depth + (c.dep_ == "nmod"))

    walk(tok, 0)
    tokens = [t for t in story.doc[min(keep):max(keep) + 1] if t.i in keep]
    while tokens and (tokens[0].lower_ in lex.leading_words or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].lower_ in lex.leading_words):
        tokens = tokens[:-1]
    tokens = tokens[:MAX_TARGET_TOKENS]
    if not tokens or not any(t.is_alpha and len(t) > 1 for t in tokens):
        return None
    text = "".join(t.text_with_ws for t in tokens).strip()
    return text.replace("’", "'"), None


def _realise(cue: _Cue, story: _Story) -> list[Stance]:
    lex = story.lex
    scope = _scope(cue.verb, lex)
    label, factor = cue.label, 1.0
    if scope.blocked:
        return []
    if scope.refused and label == FAVOR:
        label, factor = AGAINST, REFUSAL_FACTOR
    elif scope.refused:
        return []
    if scope.negated and label == FAVOR:
        label, factor = AGAINST, REFUSAL_FACTOR  # "ne soutient pas X": support withheld is opposition
    elif scope.negated:
        return []  # not opposing is not favouring
    holder_toks = list(cue.holders) if cue.holders is not None else _subjects(cue.verb)
    if any(t.pos_ != "PRON" and _holder(story, t, cue) for t in holder_toks):
        holder_toks = [t for t in holder_toks if t.pos_ != "PRON"]  # "l'Union, elle, a salué"
    holders = [h for t in holder_toks for h in _holder(story, t, cue)]
    if not holders:
        return []
    sentence: Span = cue.verb.sent
    evidence = sentence.text.strip()
    out = []
    for target_tok in cue.targets:
        for t in (target_tok, *_coordinated(target_tok)):
            target = _target(story, t)
            if target is None:
                continue
            for ent, weight in holders:
                if ent.text == target[0]:
                    continue
                out.append(Stance(ent.text, ent.label, target[0], target[1], label, evidence,
                                  round(CONFIDENCE * factor * weight, 2)))
    return out


def _coordinated(tok: Token) -> list[Token]:
    """Targets coordinated with `tok`: its conjuncts, and a conjunct that repeats its preposition further
    down its complements ("en faveur d'un report des travaux et d'une hausse des aides")."""
    found = [c for c in tok.children if c.dep_ == "conj"]
    preps = _case(tok)
    if preps:
        found += [t for t in tok.subtree if t.dep_ == "conj" and t is not tok and t not in found and _case(t) & preps]
    return found


def _dedupe(stances: list[Stance]) -> list[Stance]:
    kept: dict[tuple[str, str, str], Stance] = {}
    for s in stances:
        key = (s.holder, s.label, s.target.casefold())
        if key not in kept or s.confidence > kept[key].confidence:
            kept[key] = s
    return list(kept.values())
