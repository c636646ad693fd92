"""The wirestream_ner_fixes component: each rule on its own, on hand-set entity spans, then the pipeline.

Rules get the spans a test chooses (the model's own output varies by sentence), over the model's real
tags and parse; `nlp` is the session-wide pipeline from conftest.py.
"""
from __future__ import annotations

import pytest
from spacy.tokens import Doc, Span

from wirestream.transforms.nlp import ner
from wirestream.transforms.nlp.context import set_dateline
from wirestream.transforms.nlp.ner import NER_FIXES, default_lexicon

LEX = default_lexicon()


def span(doc: Doc, text: str, label: str, nth: int = 0) -> Span:
    """The `nth` occurrence of `text` in `doc` as an entity span."""
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(text, start + 1)
    found = doc.char_span(start, start + len(text), label=label)
    assert found is not None, text
    return found


def pairs(spans: list[Span]) -> set[tuple[str, str]]:
    return {(s.text, s.label_) for s in spans}


def test_component_is_added_after_ner_with_default_config(nlp):
    assert nlp.pipe_names.index(NER_FIXES) == nlp.pipe_names.index("ner") + 1
    assert {"tagger", "parser"} <= set(nlp.pipe_names)
    assert nlp.get_pipe_config(NER_FIXES)["rules"] == list(ner.RULES)


def test_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        ner.NerFixes(LEX, ["no_such_rule"])


def test_dateline_agency_is_dropped_but_not_a_later_parenthesis(nlp):
    doc = nlp("BRUSSELS, March 3 (Reuters) - The plan was tabled, a source at Acme (Reuters) said.")
    set_dateline(doc, (0, doc.text.index("The")))
    ents = [span(doc, "Reuters", "ORG"), span(doc, "Reuters", "ORG", 1), span(doc, "BRUSSELS", "GPE")]
    assert [(s.text, s.start_char) for s in ner.fix_dateline_agency(doc, ents, LEX) if s.label_ == "ORG"] == [
        ("Reuters", doc.text.index("Reuters", 30))
    ]


def test_dateline_agency_needs_the_story_dateline(nlp):
    doc = nlp("BRUSSELS, March 3 (Reuters) - The plan was tabled.")
    set_dateline(doc, None)
    ents = [span(doc, "Reuters", "ORG")]
    assert pairs(ner.fix_dateline_agency(doc, ents, LEX)) == {("Reuters", "ORG")}


def test_split_dashes_separates_glued_names(nlp):
    doc = nlp("pressure from the West - Moscow over its build-up near Ukraine")
    assert pairs(ner.fix_split_dashes(doc, [span(doc, "West - Moscow", "GPE")], LEX)) == {
        ("West", "GPE"),
        ("Moscow", "GPE"),
    }


def test_split_dashes_keeps_hyphenated_names(nlp):
    doc = nlp("freight on the China-Laos Railway grew.")
    assert pairs(ner.fix_split_dashes(doc, [span(doc, "China-Laos Railway", "FAC")], LEX)) == {
        ("China-Laos Railway", "FAC")
    }


def test_trim_strips_titles_glued_to_a_person(nlp):
    doc = nlp("Treasurer Mei Lin Harper and Russian President Vladimir Putin met Julie Bishop.")
    ents = [
        span(doc, "Treasurer Mei Lin Harper", "PERSON"),
        span(doc, "Russian President Vladimir Putin", "PERSON"),
        span(doc, "Julie Bishop", "PERSON"),
    ]
    assert pairs(ner.fix_trim(doc, ents, LEX)) == {
        ("Mei Lin Harper", "PERSON"),
        ("Vladimir Putin", "PERSON"),
        ("Julie Bishop", "PERSON"),
    }


def test_trim_drops_article_possessive_and_trailing_common_words(nlp):
    doc = nlp("The Netherlands and Lower Saxony's premier visited Yunnan province.")
    ents = [
        span(doc, "The Netherlands", "GPE"),
        span(doc, "Lower Saxony's", "ORG"),
        span(doc, "Yunnan province", "GPE"),
    ]
    assert pairs(ner.fix_trim(doc, ents, LEX)) == {
        ("Netherlands", "GPE"),
        ("Lower Saxony", "ORG"),
        ("Yunnan", "GPE"),
    }


def test_not_names_drops_lowercase_spans_and_lone_adjectives(nlp):
    doc = nlp("Putin backs China in rejecting Olympic diplomatic boycotts and German tariffs.")
    ents = [span(doc, "boycotts", "GPE"), span(doc, "Olympic", "FAC"), span(doc, "German", "GPE")]
    ents.append(span(doc, "China", "GPE"))
    assert pairs(ner.fix_not_names(doc, ents, LEX)) == {("China", "GPE"), ("German", "NORP")}


def test_title_fragments_drops_portfolio_words_but_not_real_organisations(nlp):
    doc = nlp("Trade Commissioner Lena Vasquez, Chief Cabinet Secretary Kenji Morimoto and "
              "WTO Director-General Amara Nwosu met.")
    ents = [span(doc, "Trade", "ORG"), span(doc, "Cabinet", "ORG"), span(doc, "WTO", "ORG")]
    assert pairs(ner.fix_title_fragments(doc, ents, LEX)) == {("WTO", "ORG")}


def test_role_person_relabels_a_name_after_a_role_word(nlp):
    doc = nlp("WHO official Helena Brandt said so. Its director, Marit Holm, agreed with the Serum Institute.")
    ents = [span(doc, "Helena Brandt", "ORG"), span(doc, "Marit Holm", "ORG"), span(doc, "Serum Institute", "ORG")]
    assert pairs(ner.fix_role_person(doc, ents, LEX)) == {
        ("Helena Brandt", "PERSON"),
        ("Marit Holm", "PERSON"),
        ("Serum Institute", "ORG"),
    }


def test_role_person_leaves_organisations_after_a_role_word(nlp):
    doc = nlp("The minister European Commission officials met said nothing.")
    ents = [span(doc, "European Commission", "ORG")]
    assert pairs(ner.fix_role_person(doc, ents, LEX)) == {("European Commission", "ORG")}


def test_extend_compounds_takes_in_proper_noun_modifiers_not_titles(nlp):
    doc = nlp("Environmental group GreenBelt Alliance criticised President Vladimir Putin.")
    ents = [span(doc, "Alliance", "ORG"), span(doc, "Vladimir Putin", "PERSON")]
    assert pairs(ner.fix_extend_compounds(doc, ents, LEX)) == {
        ("GreenBelt Alliance", "ORG"),
        ("Vladimir Putin", "PERSON"),
    }


def test_heads_relabel_events_and_facilities(nlp):
    doc = nlp("At the Beijing Winter Olympics, the China-Laos Railway and the Fukushima Daiichi plant "
              "were discussed at the White House.")
    ents = [
        span(doc, "Beijing Winter Olympics", "FAC"),
        span(doc, "China-Laos Railway", "ORG"),
        span(doc, "Fukushima Daiichi", "WORK_OF_ART"),
        span(doc, "White House", "ORG"),
    ]
    assert pairs(ner.fix_heads(doc, ents, LEX)) == {
        ("Beijing Winter Olympics", "EVENT"),
        ("China-Laos Railway", "FAC"),
        ("Fukushima Daiichi", "FAC"),
        ("White House", "ORG"),
    }


def test_bare_regions_tags_the_west_but_not_the_west_bank(nlp):
    doc = nlp("Pressure from the West grew, and settlers in the West Bank protested.")
    assert pairs(ner.fix_bare_regions(doc, [span(doc, "West Bank", "GPE")], LEX)) == {
        ("West", "LOC"),
        ("West Bank", "GPE"),
    }


def test_caseless_lines_keep_only_names_known_from_the_body(nlp):
    doc = nlp("RUSSIA SAYS U.S. SANCTIONS WILL FAIL, PUTIN WARNS\n\n"
              "President Vladimir Putin said on Monday that U.S. sanctions would fail.")
    ents = [span(doc, "SANCTIONS", "ORG"), span(doc, "U.S.", "GPE", 1), span(doc, "Vladimir Putin", "PERSON")]
    fixed = ner.fix_caseless_lines(doc, ents, LEX)
    headline = {(s.text, s.label_) for s in fixed if s.start_char < doc.text.index("\n")}
    assert headline == {("RUSSIA", "GPE"), ("U.S.", "GPE"), ("PUTIN", "PERSON")}


def test_caseless_lines_leave_sentence_case_headlines_alone(nlp):
    doc = nlp("Putin backs China in Olympic row\n\nThe Kremlin said so.")
    ents = [span(doc, "Putin", "PERSON"), span(doc, "China", "GPE")]
    assert ner.fix_caseless_lines(doc, ents, LEX) == ents


def test_propagate_tags_every_occurrence_and_completes_shorter_tags(nlp):
    doc = nlp("Chinese Ambassador to Russia Zhang Hanhui spoke in Lower Saxony. Later Zhang Hanhui "
              "said Lower Saxony's premier agreed.")
    ents = [span(doc, "Zhang Hanhui", "PERSON", 1), span(doc, "Lower Saxony", "GPE"), span(doc, "Saxony", "GPE", 1)]
    fixed = ner.fix_propagate(doc, ents, LEX)
    assert sorted((s.text, s.label_, s.start_char) for s in fixed) == sorted([
        ("Zhang Hanhui", "PERSON", doc.text.index("Zhang")),
        ("Zhang Hanhui", "PERSON", doc.text.index("Zhang", 40)),
        ("Lower Saxony", "GPE", doc.text.index("Lower")),
        ("Lower Saxony", "GPE", doc.text.index("Lower", 60)),
    ])


def test_propagate_makes_surnames_persons_and_acronyms_organisations(nlp):
    doc = nlp("Union leader Carsten Meiners spoke. \"No,\" Meiners said. The Russian Olympic Committee, "
              "or ROC, and the World Health Organization agreed; WHO said so.")
    ents = [
        span(doc, "Carsten Meiners", "PERSON"),
        span(doc, "Meiners", "ORG", 1),
        span(doc, "Russian Olympic Committee", "ORG"),
        span(doc, "ROC", "GPE"),
        span(doc, "World Health Organization", "ORG"),
    ]
    assert {("Meiners", "PERSON"), ("ROC", "ORG"), ("WHO", "ORG")} <= pairs(ner.fix_propagate(doc, ents, LEX))


def test_propagate_does_not_turn_a_date_into_a_surname(nlp):
    doc = nlp("Prime Minister Theresa May will travel in May.")
    ents = [span(doc, "Theresa May", "PERSON"), span(doc, "May", "DATE", 1)]
    assert pairs(ner.fix_propagate(doc, ents, LEX)) == {("Theresa May", "PERSON"), ("May", "DATE")}


def test_propagate_gives_a_name_its_majority_label(nlp):
    doc = nlp("Volkswagen said so. Volkswagen shares fell. Analysts like Volkswagen.")
    ents = [span(doc, "Volkswagen", "ORG"), span(doc, "Volkswagen", "ORG", 1), span(doc, "Volkswagen", "GPE", 2)]
    assert pairs(ner.fix_propagate(doc, ents, LEX)) == {("Volkswagen", "ORG")}


def test_country_person_relabels_countries_unless_a_surname(nlp):
    doc = nlp("Ministers in Ghana and Malawi welcomed it, and Michael Jordan said Jordan agreed.")
    ents = [span(doc, "Malawi", "PERSON"), span(doc, "Michael Jordan", "PERSON"), span(doc, "Jordan", "PERSON", 1)]
    assert pairs(ner.fix_country_person(doc, ents, LEX)) == {
        ("Malawi", "GPE"),
        ("Michael Jordan", "PERSON"),
        ("Jordan", "PERSON"),
    }


def test_acronym_of_skips_function_words():
    assert ner.acronym_of("Organization of the Petroleum Exporting Countries".split(), LEX) == "OPEC"
    assert ner.acronym_of(["Volkswagen"], LEX) is None


def test_pipeline_output_is_the_same_batched_or_alone(nlp):
    texts = [
        "Treasurer Mei Lin Harper defended the increase in Canberra.",
        "WHO official Helena Brandt said Ghana and Malawi welcomed the vaccine. Brandt was upbeat.",
        "Trade Commissioner Lena Vasquez told lawmakers in Brussels.",
    ]
    alone = [pairs(list(nlp(t).ents)) for t in texts]
    assert [pairs(list(d.ents)) for d in nlp.pipe(texts, batch_size=2)] == alone
    assert ("Mei Lin Harper", "PERSON") in alone[0]
    assert {("Helena Brandt", "PERSON"), ("Malawi", "GPE"), ("Brandt", "PERSON")} <= alone[1]
    assert not any(label == "ORG" and text == "Trade" for text, label in alone[2])


def test_a_blank_line_ends_the_headline_sentence(nlp):
    doc = nlp("Putin backs China in rejecting Olympic boycott\n\nPresident Vladimir Putin said on Tuesday that talks would go on.")
    first = next(doc.sents)
    assert first.text.strip() == "Putin backs China in rejecting Olympic boycott"


def test_trim_keeps_a_hyphenated_lower_case_given_name(nlp):
    doc = nlp("Leader Kim Jong-un and Minister Shin Won-sik met the Chinese delegation's head.")
    ents = [span(doc, "Kim Jong-un", "PERSON"), span(doc, "Shin Won-sik", "PERSON"), span(doc, "Chinese delegation", "NORP")]
    assert pairs(ner.fix_trim(doc, ents, LEX)) == {
        ("Kim Jong-un", "PERSON"),
        ("Shin Won-sik", "PERSON"),
        ("Chinese", "NORP"),  # a lower-case word after a space is still trimmed
    }


def test_title_fragments_drops_state_of_secretary_of_state(nlp):
    doc = nlp("U.S. Secretary of State John Kerry met the State Grid chairman in Beijing.")
    ents = [span(doc, "State", "ORG"), span(doc, "John Kerry", "PERSON"), span(doc, "State Grid", "ORG")]
    assert pairs(ner.fix_title_fragments(doc, ents, LEX)) == {("John Kerry", "PERSON"), ("State Grid", "ORG")}


def test_country_person_relabels_a_one_word_capital_unless_a_persons_name(nlp):
    doc = nlp("He said support for Kyiv and Kiev would continue, and Denzel Washington agreed with Washington.")
    ents = [
        span(doc, "Kyiv", "PERSON"),
        span(doc, "Kiev", "PERSON"),
        span(doc, "Denzel Washington", "PERSON"),
        span(doc, "Washington", "PERSON", 1),
    ]
    assert pairs(ner.fix_country_person(doc, ents, LEX)) == {
        ("Kyiv", "GPE"),
        ("Kiev", "GPE"),
        ("Denzel Washington", "PERSON"),
        ("Washington", "PERSON"),
    }


def test_places_relabels_names_the_text_calls_places(nlp):
    doc = nlp("Growers in Quang Ninh province and near the town of Marcos Juarez were hit. "
              "Maharashtra Chief Minister Eknath Shinde and Ontario Premier Doug Ford spoke. "
              "Apple Chief Executive Tim Cook and the Smith family of Texas did not.")
    ents = [
        span(doc, "Quang Ninh", "PERSON"),
        span(doc, "Marcos Juarez", "PERSON"),
        span(doc, "Maharashtra", "NORP"),
        span(doc, "Ontario", "ORG"),
        span(doc, "Apple", "ORG"),
        span(doc, "Smith", "PERSON"),
    ]
    assert pairs(ner.fix_places(doc, ents, LEX)) == {
        ("Quang Ninh", "GPE"),
        ("Marcos Juarez", "GPE"),
        ("Maharashtra", "GPE"),
        ("Ontario", "GPE"),
        ("Apple", "ORG"),
        ("Smith", "PERSON"),
    }


def test_places_relabels_a_known_place_tagged_org_where_places_go(nlp):
    doc = nlp("Troops moved into Crimea and units in Sevastopol. Talks with Lower Saxony and Bremen "
              "continued, the bank bought a stake in Santander and Lakeshore Health said it was in Peoria.")
    ents = [
        span(doc, "Crimea", "ORG"),
        span(doc, "Sevastopol", "ORG"),
        span(doc, "Lower Saxony", "ORG"),
        span(doc, "Bremen", "GPE"),
        span(doc, "Santander", "ORG"),
        span(doc, "Lakeshore Health", "ORG"),
        span(doc, "Peoria", "GPE"),
    ]
    assert pairs(ner.fix_places(doc, ents, LEX)) == {
        ("Crimea", "GPE"),
        ("Sevastopol", "GPE"),
        ("Lower Saxony", "GPE"),
        ("Bremen", "GPE"),
        ("Santander", "ORG"),  # a stake in a company
        ("Lakeshore Health", "ORG"),
        ("Peoria", "GPE"),
    }


def test_named_storms_are_events(nlp):
    doc = nlp("Typhoon Yagi and Hurricane Ian hit the coast, Storm Prediction Center officials said.")
    ents = [span(doc, "Typhoon Yagi", "PRODUCT"), span(doc, "Hurricane Ian", "GPE"), span(doc, "Storm", "ORG")]
    assert pairs(ner.fix_named_storms(doc, ents, LEX)) == {
        ("Typhoon Yagi", "EVENT"),
        ("Hurricane Ian", "EVENT"),
        ("Storm", "ORG"),
    }


def test_legal_forms_make_organisations_and_take_in_the_suffix(nlp):
    doc = nlp("Analysts said Brenner Kessel GmbH and Ostara plc would merge with Vantera Holdings Bhd next year.")
    ents = [span(doc, "Brenner Kessel GmbH", "PERSON"), span(doc, "Ostara", "GPE")]
    assert pairs(ner.fix_legal_forms(doc, ents, LEX)) == {
        ("Brenner Kessel GmbH", "ORG"),
        ("Ostara plc", "ORG"),
        ("Vantera Holdings Bhd", "ORG"),  # untagged by the model: built from the proper nouns before it
    }


def test_legal_forms_ignore_a_suffix_with_no_name_before_it(nlp):
    doc = nlp("The AG said the filing was late, and Maria Costa agreed.")
    ents = [span(doc, "Maria Costa", "PERSON")]
    assert pairs(ner.fix_legal_forms(doc, ents, LEX)) == {("Maria Costa", "PERSON")}


def test_company_short_name_drops_legal_form_and_group():
    assert ner.company_short_name(["Mitsui", "&", "Co.", "Ltd"], LEX) == ("Mitsui",)
    assert ner.company_short_name(["Halvorsen", "Marine", "Group"], LEX) == ("Halvorsen", "Marine")
    assert ner.company_short_name(["Halvorsen", "Marine"], LEX) is None


def test_propagate_tags_a_company_short_name_as_the_company(nlp):
    doc = nlp("Shares in Korvath Mining Group rose after Korvath Mining said output grew.")
    ents = [span(doc, "Korvath Mining Group", "ORG"), span(doc, "Korvath Mining", "GPE", 1)]
    assert ("Korvath Mining", "ORG") in pairs(ner.fix_propagate(doc, ents, LEX))


def test_trim_strips_abbreviated_and_police_titles_and_drops_a_bare_title(nlp):
    doc = nlp("Lt. Gen. Omar Haddad met Officer Lena Brandt and Gov. Tom Reyes, Brig. Gen. Ali Musa said.")
    ents = [
        span(doc, "Lt. Gen. Omar Haddad", "PERSON"),
        span(doc, "Officer Lena Brandt", "PERSON"),
        span(doc, "Gov. Tom Reyes", "PERSON"),
        span(doc, "Brig", "PERSON"),
        span(doc, "Ali Musa", "PERSON"),
    ]
    assert pairs(ner.fix_trim(doc, ents, LEX)) == {
        ("Omar Haddad", "PERSON"),
        ("Lena Brandt", "PERSON"),
        ("Tom Reyes", "PERSON"),
        ("Ali Musa", "PERSON"),
    }


def test_trim_keeps_a_surname_that_is_also_a_title(nlp):
    doc = nlp("Prime Minister John Major resigned, and Major said he had no regrets.")
    ents = [span(doc, "Major", "PERSON", 1)]
    assert pairs(ner.fix_trim(doc, ents, LEX)) == {("Major", "PERSON")}


def test_join_names_rejoins_of_and_for_names_split_by_the_model(nlp):
    doc = nlp("Officials of the Eastern Branch of the Baltic Academy of Sciences met the Coalition for Clean Rivers "
              "near the Port of Velmar on Monday.")
    ents = [
        span(doc, "the Eastern Branch", "ORG"),
        span(doc, "the Baltic Academy of Sciences", "ORG"),
        span(doc, "Coalition", "ORG"),
        span(doc, "the Port of", "LOC"),
        span(doc, "Velmar", "GPE"),
    ]
    assert pairs(ner.fix_join_names(doc, ents, LEX)) == {
        ("the Eastern Branch of the Baltic Academy of Sciences", "ORG"),
        ("Coalition for Clean Rivers", "ORG"),
        ("the Port of Velmar", "FAC"),
    }


def test_join_names_leaves_a_country_after_a_name_with_of_and_a_person(nlp):
    doc = nlp("The Ministry of Defence of Ukraine and the Party of Maria Lind disagreed.")
    ents = [
        span(doc, "Ministry of Defence", "ORG"),
        span(doc, "Ukraine", "GPE"),
        span(doc, "Party", "ORG", 0),
        span(doc, "Maria Lind", "PERSON"),
    ]
    assert pairs(ner.fix_join_names(doc, ents, LEX)) == pairs(ents)


def test_join_names_glues_a_name_to_the_facility_it_opens(nlp):
    doc = nlp("Flights at Dulles Washington International Airport and the Quebec and Ontario Hockey League resumed.")
    ents = [
        span(doc, "Dulles", "PERSON"),
        span(doc, "Washington International Airport", "EVENT"),
        span(doc, "Quebec", "GPE"),
        span(doc, "Ontario Hockey League", "ORG"),
    ]
    assert pairs(ner.fix_join_names(doc, ents, LEX)) == {
        ("Dulles Washington International Airport", "FAC"),
        ("Quebec and Ontario Hockey League", "ORG"),
    }


def test_generic_institutions_drops_a_lone_institution_noun(nlp):
    doc = nlp("The Party said the Executive Board and the Centre would meet the Green Party.")
    ents = [span(doc, "Party", "ORG"), span(doc, "Executive Board", "ORG"), span(doc, "Centre", "GPE"),
            span(doc, "Green Party", "ORG")]
    assert pairs(ner.fix_generic_institutions(doc, ents, LEX)) == {("Green Party", "ORG")}


def test_regnal_names_tag_a_monarch_and_keep_the_number(nlp):
    doc = nlp("King Haakon VIII greeted Crown Princess Ingrid and Sultan Ahmad II, then flew to Prince Edward Island.")
    ents = [span(doc, "Crown Princess Ingrid", "PRODUCT"), span(doc, "Ahmad", "PERSON"),
            span(doc, "Prince Edward Island", "GPE")]
    assert pairs(ner.fix_regnal_names(doc, ents, LEX)) == {
        ("Haakon VIII", "PERSON"),
        ("Ingrid", "PERSON"),
        ("Ahmad II", "PERSON"),
        ("Prince Edward Island", "GPE"),
    }


def test_person_tail_completes_hyphenated_and_three_part_names(nlp):
    doc = nlp("Lee Jae-myung met Moon Jae In's aides, then Park Min said Seoul agreed.")
    ents = [span(doc, "Lee Jae", "PERSON"), span(doc, "Moon Jae", "PERSON"), span(doc, "Park Min", "PERSON"),
            span(doc, "Seoul", "GPE")]
    assert pairs(ner.fix_person_tail(doc, ents, LEX)) == {
        ("Lee Jae-myung", "PERSON"),
        ("Moon Jae In", "PERSON"),
        ("Park Min", "PERSON"),  # "said" follows: nothing to take in
        ("Seoul", "GPE"),
    }


def test_described_orgs_relabel_names_described_as_organisations(nlp):
    doc = nlp("Pipeline operator Transgaro said the ruling Vendo party and the Kelta union objected, while "
              "Marvest, the state energy company, and analyst Rina Holt disagreed.")
    ents = [span(doc, "Transgaro", "PERSON"), span(doc, "Vendo", "PERSON"), span(doc, "Kelta", "GPE"),
            span(doc, "Rina Holt", "PERSON")]
    assert pairs(ner.fix_described_orgs(doc, ents, LEX)) == {
        ("Transgaro", "ORG"),
        ("Vendo", "ORG"),
        ("Kelta", "ORG"),
        ("Marvest", "ORG"),  # untagged, described by an appositive
        ("Rina Holt", "PERSON"),
    }


def test_described_orgs_keep_known_places_and_persons(nlp):
    doc = nlp("The Texas company and a union Smith founded were fined, John Smith said.")
    ents = [span(doc, "Texas", "GPE"), span(doc, "Smith", "PERSON"), span(doc, "John Smith", "PERSON")]
    assert pairs(ner.fix_described_orgs(doc, ents, LEX)) == pairs(ents)


def test_fragments_repair_cut_names(nlp):
    doc = nlp("Medics Without Frontiers and Kantor Energi Bhd (Kantora) said Sabah, Economy Minister Ali Noor agreed.")
    ents = [span(doc, "Without Frontiers", "PERSON"), span(doc, "Kantor Energi Bhd", "ORG"),
            span(doc, "Kantora", "PERSON"), span(doc, "Sabah, Economy", "WORK_OF_ART")]
    assert pairs(ner.fix_fragments(doc, ents, LEX)) == {
        ("Medics Without Frontiers", "ORG"),
        ("Kantor Energi Bhd", "ORG"),
        ("Kantora", "ORG"),
        ("Sabah", "GPE"),
    }


def test_heads_relabel_by_organisation_natural_feature_street_and_holiday_words(nlp):
    doc = nlp("The Port of Velmar Authority, the Tessaro Fields, Mount Kelvar, the Paseo del Prado and Unity Day "
              "were named, as was the West Bank.")
    ents = [
        span(doc, "Port of Velmar Authority", "LOC"),
        span(doc, "Tessaro Fields", "ORG"),
        span(doc, "Mount Kelvar", "PERSON"),
        span(doc, "Paseo del Prado", "ORG"),
        span(doc, "Unity Day", "GPE"),
        span(doc, "West Bank", "GPE"),
    ]
    assert pairs(ner.fix_heads(doc, ents, LEX)) == {
        ("Port of Velmar Authority", "ORG"),
        ("Tessaro Fields", "LOC"),
        ("Mount Kelvar", "LOC"),
        ("Paseo del Prado", "FAC"),
        ("Unity Day", "EVENT"),
        ("West Bank", "GPE"),
    }


def test_places_relabels_big_places_in_locative_context_but_not_a_persons_name(nlp):
    doc = nlp("Drones hit a depot near Kharkiv and a plant in Debrecen, Hungary, while Budapest objected. "
              "Troops left the Lviv and Volyn regions. Tom Dallas said Dallas agreed, and Houston scored.")
    ents = [
        span(doc, "Kharkiv", "PERSON"),
        span(doc, "Debrecen", "NORP"),
        span(doc, "Budapest", "ORG"),
        span(doc, "Lviv", "ORG"),
        span(doc, "Tom Dallas", "PERSON"),
        span(doc, "Dallas", "PERSON", 1),
        span(doc, "Houston", "PERSON"),
    ]
    assert pairs(ner.fix_places(doc, ents, LEX)) == {
        ("Kharkiv", "GPE"),
        ("Debrecen", "GPE"),
        ("Budapest", "GPE"),
        ("Lviv", "GPE"),
        ("Tom Dallas", "PERSON"),
        ("Dallas", "PERSON"),  # a person's name in the story
        ("Houston", "PERSON"),  # no locative context
    }
