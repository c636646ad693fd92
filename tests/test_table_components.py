"""The table components give exactly the stock components' annotations: AttributeRules those of the
attribute_ruler (on the real model, and on rules of every shape: one token, token sequences, NOT_IN, REGEX,
negative index, competing rules), Lemmas those of the lemmatizer."""
from __future__ import annotations

import pytest
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

from bench.corpus import write_corpus
from tests.conftest import SEEDS
from wirestream.transforms.limits import DEFAULT_MODEL
from wirestream.transforms.nlp import lemmas
from wirestream.transforms.nlp.attribute_rules import ATTRIBUTE_RULES, STOCK_RULER, AttributeRules, use_attribute_rules
from wirestream.transforms.nlp.lemmas import LEMMAS, STOCK_LEMMATIZER
from wirestream.transforms.nlp.model import load_nlp

ATTRS = [POS, TAG, DEP, MORPH, LEMMA, HEAD]
# Wording that the model's multi-token and regex rules are for, and tokens of whitespace only.
COLLOQUIAL = [
    "We're gonna win, y'all. Let's go! C'mon, you gotta see it. It ain't over, there's nothin' to fear.",
    "There are two bids and there is one winner.\n\n  \n\nAin't that so?",
    "",
    "   ",
]


def annotations(doc) -> tuple:
    return doc.to_array(ATTRS).tolist(), [(t.pos_, t.tag_, t.dep_, str(t.morph), t.lemma_) for t in doc]


@pytest.fixture(scope="module")
def stock():
    return load_nlp(DEFAULT_MODEL, stock_components=True)


def test_the_pipeline_uses_the_tables_in_place_of_the_stock_components(nlp, stock):
    for table, stock_name in ((ATTRIBUTE_RULES, STOCK_RULER), (LEMMAS, STOCK_LEMMATIZER)):
        assert stock_name in stock.pipe_names and stock_name not in nlp.pipe_names
        assert nlp.pipe_names.index(table) == stock.pipe_names.index(stock_name)


def test_lemmas_are_asked_once_per_key_and_the_table_stays_bounded(stock, monkeypatch):
    table = lemmas.Lemmas(stock.get_pipe(STOCK_LEMMATIZER))
    docs = list(stock.pipe(COLLOQUIAL[:2], disable=[STOCK_LEMMATIZER]))
    expected = [[t.lemma_ for t in doc] for doc in stock.pipe(COLLOQUIAL[:2])]
    assert [[t.lemma_ for t in table(doc)] for doc in docs] == expected
    assert 0 < len(table.known) < sum(len(doc) for doc in docs)  # "there", "is", "." come back
    monkeypatch.setattr(lemmas, "MAX_KEYS", 3)
    [short] = stock.pipe(["Ministers met."], disable=[STOCK_LEMMATIZER])
    assert [t.lemma_ for t in table(short)] == ["minister", "meet", "."]
    assert len(table.known) == 3  # the table was full: it started again with this Doc's keys


def test_every_token_gets_the_stock_attributes(nlp, stock, tmp_path):
    texts = [path.read_text(encoding="utf-8") for path in write_corpus(tmp_path, 120)]
    texts += [path.read_text(encoding="utf-8") for path in sorted(SEEDS.iterdir())] + COLLOQUIAL
    for expected, got in zip(stock.pipe(texts, batch_size=32), nlp.pipe(texts, batch_size=32)):
        assert annotations(got) == annotations(expected), got.text[:80]


def test_the_sequence_and_regex_rules_apply(nlp):
    doc = nlp(COLLOQUIAL[0])
    lemmas = {t.lower_: t.lemma_ for t in doc}
    assert (lemmas["gon"], lemmas["na"], lemmas["ta"], lemmas["y'"], lemmas["nothin'"]) == ("go", "to", "to", "you", "nothing")


def blank_with_ruler(patterns: list[dict]):
    nlp = spacy.blank("en")
    nlp.add_pipe(STOCK_RULER).add_patterns(patterns)
    return nlp


RULES = [
    {"patterns": [[{"LOWER": {"IN": ["plan", "deal"]}}]], "attrs": {"POS": "NOUN", "LEMMA": "accord"}},
    {"patterns": [[{"LOWER": "deal"}]], "attrs": {"LEMMA": "deal"}},  # later rule wins on LEMMA only
    {"patterns": [[{"LOWER": {"NOT_IN": ["plan", "deal", "the"]}, "IS_SPACE": False}]], "attrs": {"MORPH": "X=y"}},
    {"patterns": [[{"LOWER": {"REGEX": "^re"}}]], "attrs": {"POS": "VERB"}},
    {"patterns": [[{"LOWER": "the"}, {"LOWER": "deal"}]], "attrs": {"MORPH": "Definite=Def"}, "index": -1},
    {"patterns": [[{"LOWER": "the"}, {}]], "attrs": {"LEMMA": "THE"}, "index": 0},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"POS": "SPACE"}},
]


@pytest.mark.parametrize("text", ["They rejected the deal, then the plan.", "Re-run the  deal  now", "the", ""])
def test_rules_of_every_shape_give_what_the_stock_component_gives(text):
    stock = blank_with_ruler(RULES)
    table = blank_with_ruler(RULES)
    use_attribute_rules(table)
    assert table.pipe_names == [ATTRIBUTE_RULES]
    assert annotations(table(text)) == annotations(stock(text))


def test_rules_no_table_can_decide_go_to_the_matcher():
    rules = AttributeRules(blank_with_ruler(RULES).get_pipe(STOCK_RULER))
    assert len(rules.matcher) == 2  # the two-token rules
    # a Doc goes through the Matcher only if it has one of their words
    assert rules.anchors[0] <= {rules.vocab.strings[word] for word in ("the", "deal")}
    doc = spacy.blank("en")("They rejected a plan.")
    assert not rules._may_match(lowers=[t.lower for t in doc], deps=[t.dep for t in doc])
