"""The model's own `attribute_ruler`, applied by table lookup instead of spaCy's Matcher: the same token
attributes, in a fraction of the time.

The stock component runs a Matcher of 179 patterns over every token and then sets each match's attributes
through a Span, one Python call per token: 14% of the small model's time per story, more than its tagger
and lemmatizer together. Almost all of its rules test one token for values of TAG, LOWER, DEP or IS_SPACE
("TAG = NN -> POS NOUN"), so the rules that apply to a token depend only on those values (and on which of
the rules' regular expressions its lower-case form matches): they are looked up in a table, worked out once
per distinct combination. The few rules over several tokens still go through a Matcher of their own, and
only for a Doc that contains one of the words they need ("gon na", "let 's"). Precedence is the stock one:
where several rules set the same attribute of a token, the rule added last wins.
tests/test_table_components.py checks that every token's POS, TAG, DEP, MORPH and LEMMA are the stock
component's.
"""
from __future__ import annotations

import re
from typing import Any, NamedTuple

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

ATTRIBUTE_RULES = "wirestream_attribute_rules"
STOCK_RULER = "attribute_ruler"
KEY_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")  # a token's table key: these values, then its regex results
ARRAY_ATTRS = (POS, MORPH, LEMMA)  # set for the whole Doc at once; any other attribute token by token
OTHER = -1  # a LOWER or DEP value that no rule names (0 stays 0: not set)


class Test(NamedTuple):
    """One condition of a one-token pattern, on position `slot` of a token's table key."""

    slot: int
    values: frozenset  # hashes (or 0/1 for IS_SPACE); for a regex test, {True}
    negated: bool = False

    def passes(self, key: tuple) -> bool:
        return (key[self.slot] in self.values) != self.negated


class AttributeRules:
    """Applies an AttributeRuler's rules (its patterns, attributes and indexes, in its order)."""

    def __init__(self, ruler: AttributeRuler):
        self.ruler = ruler
        self.vocab = ruler.vocab
        self.attrs: list[dict[int, Any]] = ruler.attrs  # normalized, exactly as the stock component sets them
        self.indices: list[int] = ruler.indices
        self.regexes: list[re.Pattern] = []
        self.tests: list[tuple[int, list[Test]]] = []  # (rule, the tests of one of its patterns)
        self.matcher = Matcher(self.vocab)
        self.anchors: Any = (set(), set())  # LOWER, DEP values a Doc needs for the Matcher to match (None: none)
        for rule, entry in enumerate(ruler.patterns):
            tests = [self._tests(pattern) for pattern in entry["patterns"]]
            if entry["index"] in (0, -1) and all(test is not None for test in tests):
                self.tests.extend((rule, test) for test in tests)
            else:
                self.matcher.add(str(rule), entry["patterns"])
                for pattern in entry["patterns"]:
                    self._add_anchor(pattern)
        named = {slot: set() for slot in (1, 2)}
        for _, tests in self.tests:
            for test in tests:
                if test.slot in named:
                    named[test.slot] |= test.values
        self.lowers, self.deps = frozenset(named[1] | {0}), frozenset(named[2] | {0})
        if self.anchors is not None:
            self.anchors = tuple(frozenset(values) for values in self.anchors)
        self.table: dict[tuple, dict[int, tuple[int, Any]]] = {}

    def _tests(self, pattern: list[dict]) -> list[Test] | None:
        """A one-token pattern as tests of a table key; None if a table cannot decide it."""
        if len(pattern) != 1 or not pattern[0] or not set(pattern[0]) <= set(KEY_ATTRS):
            return None
        tests = []
        for name, wanted in pattern[0].items():
            slot = KEY_ATTRS.index(name)
            if not isinstance(wanted, dict):
                tests.append(Test(slot, self._values(name, [wanted])))
            elif set(wanted) == {"IN"}:
                tests.append(Test(slot, self._values(name, wanted["IN"])))
            elif set(wanted) == {"NOT_IN"}:
                tests.append(Test(slot, self._values(name, wanted["NOT_IN"]), negated=True))
            elif set(wanted) == {"REGEX"} and name == "LOWER":
                self.regexes.append(re.compile(wanted["REGEX"]))
                tests.append(Test(len(KEY_ATTRS) + len(self.regexes) - 1, frozenset({True})))
            else:
                return None
        return tests

    def _values(self, name: str, values: list) -> frozenset:
        if name == "IS_SPACE":
            return frozenset(int(bool(value)) for value in values)
        return frozenset(self.vocab.strings.add(value) for value in values)

    def _add_anchor(self, pattern: list[dict]) -> None:
        """Records the fewest LOWER or DEP values of which a Doc must contain one for `pattern` to match
        ("gon" for "gon na"; "expl" for "there is"); a pattern without such a token makes every Doc a candidate."""
        if self.anchors is None:
            return
        choices = []
        for token in pattern:
            for slot, name in ((0, "LOWER"), (1, "DEP")):
                wanted = token.get(name)
                if isinstance(wanted, str):
                    choices.append((1, slot, [wanted]))
                elif isinstance(wanted, dict) and set(wanted) == {"IN"}:
                    choices.append((len(wanted["IN"]), slot, wanted["IN"]))
        if not choices:
            self.anchors = None
            return
        _, slot, values = min(choices)
        self.anchors[slot].update(self._values(("LOWER", "DEP")[slot], values))

    def _rules_for(self, key: tuple) -> dict[int, tuple[int, Any]]:
        """attribute -> (rule, value) for a token with this table key; the last rule wins."""
        found = self.table.get(key)
        if found is None:
            found = {}
            for rule, tests in self.tests:
                if all(test.passes(key) for test in tests):
                    for attr, value in self.attrs[rule].items():
                        found[attr] = (rule, value)
            self.table[key] = found
        return found

    def _keys(self, tags: tuple, lowers: tuple, deps: tuple, spaces: tuple) -> list[tuple]:
        columns = [
            tags,
            [lower if lower in self.lowers else OTHER for lower in lowers],
            [dep if dep in self.deps else OTHER for dep in deps],
            spaces,
        ]
        if self.regexes:
            strings = self.vocab.strings
            matching = [{lower for lower in set(lowers) if regex.search(strings[lower])} for regex in self.regexes]
            columns.extend([lower in found for lower in lowers] for found in matching)
        return list(zip(*columns))

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        columns = tuple(zip(*doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()))
        per_token = [self._rules_for(key) for key in self._keys(*columns)]
        if self.anchors is None or self._may_match(lowers=columns[1], deps=columns[2]):
            self._apply_matches(doc, per_token)
        array = doc.to_array(list(ARRAY_ATTRS))
        for i, rules in enumerate(per_token):
            for column, attr in enumerate(ARRAY_ATTRS):
                if attr in rules:
                    array[i, column] = rules[attr][1]
            if others := rules.keys() - ARRAY_ATTRS:
                set_token_attrs(doc[i], {attr: rules[attr][1] for attr in others})
        doc.from_array(list(ARRAY_ATTRS), array)
        return doc

    def _may_match(self, lowers: tuple, deps: tuple) -> bool:
        """Whether a Doc with these LOWER and DEP values has a word the Matcher's patterns need."""
        anchor_lowers, anchor_deps = self.anchors
        return not anchor_lowers.isdisjoint(lowers) or not anchor_deps.isdisjoint(deps)

    def _apply_matches(self, doc: Doc, per_token: list[dict[int, tuple[int, Any]]]) -> None:
        """Merges the Matcher's rules into the tokens' own, rule by rule in the stock order."""
        for match_id, start, end in self.matcher(doc, allow_missing=True, as_spans=False):
            rule = int(self.vocab.strings[match_id])
            index = self.indices[rule]
            target = (start if index >= 0 else end) + index
            merged = dict(per_token[target])
            for attr, value in self.attrs[rule].items():
                if attr not in merged or merged[attr][0] < rule:
                    merged[attr] = (rule, value)
            per_token[target] = merged


    def to_disk(self, path: Any, *, exclude: Any = ()) -> None:
        """Nothing of its own to save: its rules are the stock ruler's, which is saved beside it (disabled)."""

    def from_disk(self, path: Any, *, exclude: Any = ()) -> AttributeRules:
        """Rebuilt from the stock ruler, which `spacy.load` has loaded by now: it stands just before."""
        self.__init__(self.ruler)
        return self


@Language.factory(ATTRIBUTE_RULES, default_config={"source": STOCK_RULER})
def make_attribute_rules(nlp: Language, name: str, source: str) -> AttributeRules:
    """Built from the pipeline's component `source`, which `use_attribute_rules` then disables."""
    return AttributeRules(nlp.get_pipe(source))


def use_attribute_rules(nlp: Language) -> None:
    """Puts AttributeRules in place of the stock attribute_ruler (a pipeline without one is left as it is).
    The stock ruler stays in the pipeline, disabled: its patterns are saved with the pipeline and read
    back by `spacy.load`, so `nlp.to_disk` keeps both."""
    if STOCK_RULER not in nlp.pipe_names:
        return
    nlp.add_pipe(ATTRIBUTE_RULES, after=STOCK_RULER)
    nlp.disable_pipe(STOCK_RULER)
